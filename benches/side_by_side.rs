//! apikey against the floor, measured side by side: short slices of each,
//! alternating, medians of the slices. One thread: read-only and spending
//! verifications on stores of 10^3 and 10^6 keys. Then spending with 1, 2
//! and 4 threads, each with its own connection, on one store.
//!
//! The floor runs the same statements as `Store::verify`
//! (`store::sqlite::sql`, BEGIN/COMMIT through the statement cache) with
//! rusqlite directly and fetches every column they return, without the
//! checksum, the policy, the mapping into domain types or the events.
//!
//!     cargo bench --bench side_by_side
//!
//! Prints Markdown tables and writes target/bench-results/side_by_side.json.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apikey::{Store, VerifyCode, VerifyRequest};
use support::{Floor, Picker};

/// Operations per second of `op` over one slice.
fn slice(mut op: impl FnMut(), length: Duration) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < length {
        for _ in 0..32 {
            op();
        }
        n += 32;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Alternating slices of apikey and the floor; medians of each.
fn single_thread(
    copy: &support::WorkingCopy,
    secrets: &[String],
    spend: bool,
    rounds: usize,
) -> (f64, f64) {
    let mut store = Store::open(&copy.path).unwrap();
    let floor = Floor::open(&copy.path);
    let request = VerifyRequest {
        dry_run: !spend,
        ..VerifyRequest::default()
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut a, mut b) = (Picker::new(3), Picker::new(3));
    let length = Duration::from_millis(400);
    for _ in 0..rounds {
        ours.push(slice(
            || {
                let v = store.verify(a.pick(secrets), &request).unwrap();
                assert_eq!(v.code, VerifyCode::Valid);
            },
            length,
        ));
        theirs.push(slice(
            || {
                let s = b.pick(secrets);
                black_box(if spend {
                    floor.spend(s, apikey::Timestamp::now())
                } else {
                    floor.dry_run(s)
                });
            },
            length,
        ));
    }
    (support::median(ours), support::median(theirs))
}

/// Total spends per second of `threads` threads for `run`.
fn threaded(
    threads: usize,
    path: &std::path::Path,
    secrets: &Arc<Vec<String>>,
    apikey: bool,
    run: Duration,
) -> f64 {
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
                        assert!(store.verify(pick.pick(&secrets), &request).unwrap().valid);
                        n += 1;
                    }
                } else {
                    let floor = Floor::open(&path);
                    while !stop.load(Ordering::Relaxed) {
                        floor.spend(pick.pick(&secrets), apikey::Timestamp::now());
                        n += 1;
                    }
                }
                done.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(run);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    // `cargo bench` passes --bench; anything else (cargo test --benches)
    // gets a seconds-long smoke run on the small store.
    let full = std::env::args().any(|a| a == "--bench");
    let (rounds, run) = if full {
        (15, Duration::from_secs(5))
    } else {
        (1, Duration::from_millis(200))
    };
    let sizes: &[usize] = if full { &[1_000, 1_000_000] } else { &[1_000] };
    let mut single = Vec::new();
    let mut concurrent = Vec::new();
    println!("| keys | verification | apikey ops/s | floor ops/s | ratio |\n|---|---|---|---|---|");
    for &keys in sizes {
        let store = support::store(keys);
        let copy = store.working_copy("side-by-side");
        copy.prime(&store.secrets);
        for spend in [false, true] {
            let (ours, floor) = single_thread(&copy, &store.secrets, spend, rounds);
            let kind = if spend {
                "spend 1 lookup"
            } else {
                "read-only (--dry-run)"
            };
            println!(
                "| {keys} | {kind} | {ours:.0} | {floor:.0} | {:.2} |",
                ours / floor
            );
            single.push(serde_json::json!({"keys": keys, "spend": spend, "apikey_per_s": ours.round(), "floor_per_s": floor.round(), "ratio": ((ours / floor) * 100.0).round() / 100.0}));
            copy.checkpoint();
        }
    }
    println!(
        "\n| keys | threads | apikey spends/s | floor spends/s | ratio |\n|---|---|---|---|---|"
    );
    for &keys in sizes {
        let store = support::store(keys);
        let copy = store.working_copy("side-by-side");
        copy.prime(&store.secrets);
        let secrets = Arc::new(store.secrets.clone());
        for threads in [1, 2, 4] {
            // Alternating rounds, as for one thread: medians of each side.
            let (mut ours, mut floor) = (Vec::new(), Vec::new());
            for _ in 0..rounds.div_ceil(3) {
                copy.checkpoint();
                ours.push(threaded(threads, &copy.path, &secrets, true, run));
                copy.checkpoint();
                floor.push(threaded(threads, &copy.path, &secrets, false, run));
            }
            let (ours, floor) = (support::median(ours), support::median(floor));
            println!(
                "| {keys} | {threads} | {ours:.0} | {floor:.0} | {:.2} |",
                ours / floor
            );
            concurrent.push(serde_json::json!({"keys": keys, "threads": threads, "apikey_per_s": ours.round(), "floor_per_s": floor.round(), "ratio": ((ours / floor) * 100.0).round() / 100.0}));
        }
    }
    if full {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
        std::fs::create_dir_all(&dir).unwrap();
        let json = serde_json::json!({"single_thread": single, "threads": concurrent});
        std::fs::write(
            dir.join("side_by_side.json"),
            serde_json::to_string_pretty(&json).unwrap(),
        )
        .unwrap();
    }
}
