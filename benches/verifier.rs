//! Sharing one store among threads, measured side by side: 8 (and 32)
//! threads spending through one `Verifier` (one store thread, group commit)
//! against as many threads each with its own `Store` (one transaction per
//! spend, the way the library was used before), with durable commits
//! (`synchronous = FULL`: a VALID answer survives a power cut) and with the
//! default. Alternating slices on one working copy of a store of 10^5
//! keys, medians of the slices; after each slice the lookups gone from the
//! store must equal the VALID answers given.
//!
//!     cargo bench --bench verifier
//!
//! Prints a Markdown table and writes target/bench-results/verifier.json.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apikey::{Store, Verifier, VerifyCode, VerifyRequest};
use support::Picker;

/// How the threads reach the store.
#[derive(Clone, Copy, PartialEq)]
enum Sharing {
    /// One `Store` per thread, one transaction per spend.
    StorePerThread,
    /// One `Verifier` for all, one transaction per batch.
    OneVerifier,
}

fn open(path: &std::path::Path, durable: bool) -> Store {
    let store = Store::open(path).unwrap();
    if durable {
        store.with_durable_commits().unwrap()
    } else {
        store
    }
}

/// Spends per second of `threads` threads over `length`, and the VALID
/// answers.
fn slice(
    threads: usize,
    sharing: Sharing,
    durable: bool,
    path: &std::path::Path,
    secrets: &Arc<Vec<String>>,
    length: Duration,
    seed: u64,
) -> (f64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let valid = Arc::new(AtomicU64::new(0));
    let verifier =
        (sharing == Sharing::OneVerifier).then(|| Verifier::new(open(path, durable)).unwrap());
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (stop, valid, secrets) = (stop.clone(), valid.clone(), secrets.clone());
            let verifier = verifier.clone();
            let path = path.to_path_buf();
            std::thread::spawn(move || {
                let mut pick = Picker::new(seed * 100 + t as u64);
                let mut n = 0u64;
                let mut own = verifier.is_none().then(|| open(&path, durable));
                let request = VerifyRequest::default();
                while !stop.load(Ordering::Relaxed) {
                    let secret = pick.pick(&secrets);
                    let verdict = match (&verifier, &mut own) {
                        (Some(v), _) => v.verify(secret, request.clone()).unwrap(),
                        (None, Some(store)) => store.verify(secret, &request).unwrap(),
                        (None, None) => unreachable!(),
                    };
                    assert_eq!(verdict.code, VerifyCode::Valid);
                    n += 1;
                }
                valid.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    std::thread::sleep(length);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = valid.load(Ordering::Relaxed);
    (n as f64 / elapsed, n)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` gets a short
    // smoke run on a small store.
    let full = std::env::args().any(|a| a == "--bench");
    let (keys, rounds, length) = if full {
        (100_000, 5, Duration::from_secs(3))
    } else {
        (1_000, 1, Duration::from_millis(300))
    };
    let store = support::store(keys);
    let copy = store.working_copy("verifier");
    copy.prime(&store.secrets);
    let secrets = Arc::new(store.secrets.clone());
    let mut before = support::balance_sum(&copy.path, &secrets);
    println!(
        "| threads | commits | a Store each (spends/s) | one Verifier (spends/s) | ratio |\n|---|---|---|---|---|"
    );
    let mut json = Vec::new();
    for (threads, durable) in [(8, true), (8, false), (32, true), (32, false)] {
        let (mut per_thread, mut shared) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            for sharing in [Sharing::StorePerThread, Sharing::OneVerifier] {
                let (rate, valid) = slice(
                    threads,
                    sharing,
                    durable,
                    &copy.path,
                    &secrets,
                    length,
                    round as u64,
                );
                // Exact: the store lost exactly the lookups answered VALID.
                let after = support::balance_sum(&copy.path, &secrets);
                assert_eq!(before - after, valid as i64, "spent = VALID answers");
                before = after;
                match sharing {
                    Sharing::StorePerThread => per_thread.push(rate),
                    Sharing::OneVerifier => shared.push(rate),
                }
            }
        }
        let (a, b) = (support::median(per_thread), support::median(shared));
        let label = if durable {
            "durable (FULL)"
        } else {
            "default (NORMAL)"
        };
        println!("| {threads} | {label} | {a:.0} | {b:.0} | {:.2}x |", b / a);
        json.push(format!(
            "{{\"threads\":{threads},\"durable\":{durable},\"store_per_thread\":{a:.0},\"one_verifier\":{b:.0},\"ratio\":{:.3}}}",
            b / a
        ));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-results");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("verifier.json"), format!("[{}]\n", json.join(","))).unwrap();
}
