//! Verifications per second (spending one lookup each) with 1, 2 and 4
//! threads, each with its own connection, on one store; side by side with
//! the same threads running the floor's statements. Prints a Markdown table
//! and writes `target/bench-results/concurrency.json`.
//!
//!     cargo bench --bench concurrency

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apikey::store::sqlite::sql;
use apikey::{Store, VerifyCode, VerifyRequest};
use rusqlite::{Connection, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use support::Picker;

const RUN: Duration = Duration::from_secs(4);

fn floor_spend(conn: &mut Connection, secret: &str) {
    let digest = Sha256::digest(secret.as_bytes());
    let now = apikey::Timestamp::now().unix();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let (id, day, day_count): (i64, i64, i64) = tx
        .prepare_cached(sql::KEY_BY_DIGEST)
        .unwrap()
        .query_row([&digest[..]], |r| Ok((r.get(0)?, r.get(19)?, r.get(20)?)))
        .unwrap();
    let today = now / 86_400;
    let count = if day == today { day_count + 1 } else { 1 };
    tx.prepare_cached(sql::SPEND)
        .unwrap()
        .query_row(
            params![id, 1, today, count, 0, count, now, -1, -1, -1, false],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    tx.prepare_cached(sql::LEDGER_SPEND)
        .unwrap()
        .execute(params![id, now, -1])
        .unwrap();
    tx.prepare_cached(sql::USAGE_ADD)
        .unwrap()
        .execute(params![id, today, "", 1])
        .unwrap();
    tx.commit().unwrap();
}

/// Total operations per second of `threads` threads running `work` for RUN.
fn run(threads: usize, path: &std::path::Path, secrets: &Arc<Vec<String>>, apikey: bool) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (stop, done, secrets) = (stop.clone(), done.clone(), secrets.clone());
            let path = path.to_path_buf();
            std::thread::spawn(move || {
                let mut pick = Picker::new(1000 + t as u64);
                let mut n = 0u64;
                if apikey {
                    let mut store = Store::open(&path).unwrap();
                    let request = VerifyRequest::default();
                    while !stop.load(Ordering::Relaxed) {
                        let v = store.verify(pick.pick(&secrets), &request).unwrap();
                        assert_eq!(v.code, VerifyCode::Valid);
                        n += 1;
                    }
                } else {
                    let mut conn = Connection::open(&path).unwrap();
                    conn.busy_timeout(Duration::from_secs(10)).unwrap();
                    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
                        .unwrap();
                    while !stop.load(Ordering::Relaxed) {
                        floor_spend(&mut conn, pick.pick(&secrets));
                        n += 1;
                    }
                }
                done.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(RUN);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // and expects a quick run.
    let quick = !std::env::args().any(|a| a == "--bench");
    let mut rows = Vec::new();
    for keys in [1_000, 1_000_000] {
        if quick && keys > 1_000 {
            continue;
        }
        let store = support::store(keys);
        let secrets = Arc::new(store.secrets);
        for threads in [1, 2, 4] {
            if quick {
                break;
            }
            let ours = run(threads, &store.path, &secrets, true);
            let floor = run(threads, &store.path, &secrets, false);
            println!(
                "{keys} keys, {threads} thread(s): apikey {ours:.0}/s, floor {floor:.0}/s, ratio {:.2}",
                ours / floor
            );
            rows.push(serde_json::json!({
                "keys": keys, "threads": threads, "apikey_per_s": ours.round(),
                "floor_per_s": floor.round(), "ratio": ((ours / floor) * 100.0).round() / 100.0
            }));
        }
    }
    if quick {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("concurrency.json"),
        serde_json::to_string_pretty(&rows).unwrap(),
    )
    .unwrap();
}
