//! What a rate limit costs a verification: the same spends and dry runs on
//! keys with two rate-limit windows (100/s and 900/min, which the key's row
//! keeps; never reached here) and on the same keys without, measured side
//! by side in alternating 400 ms slices on one thread, through
//! `Store::verify` (what `apikey verify` runs) and through one `Verifier`
//! with 8 threads (what `serve` runs). Then the same with a limit larger
//! than a row keeps (100/s and 5,000/h: the table of accepted requests),
//! and a request the limit denies (the keys' 1/h window full) against a
//! spend on a key without a limit.
//!
//!     cargo bench --bench rate_limits
//!
//! `BENCH_QUICK=1` runs 3 rounds instead of 15.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apikey::rate::RateLimit;
use apikey::security::SecurityChange;
use apikey::{AccountName, KeyRef, Secret, Store, Verifier, VerifyCode, VerifyRequest};
use support::Picker;

/// Operations per second of `op` over one slice.
fn slice(mut op: impl FnMut(), length: Duration) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < length {
        for _ in 0..16 {
            op();
        }
        n += 16;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Gives every sampled key these rate limits.
fn limit(path: &std::path::Path, secrets: &[String], limits: &[&str]) {
    let mut store = Store::open(path).unwrap();
    let dry = VerifyRequest {
        dry_run: true,
        ..VerifyRequest::default()
    };
    let change = SecurityChange {
        rate_limits: limits
            .iter()
            .map(|l| RateLimit::parse(l).unwrap())
            .collect(),
        ..SecurityChange::default()
    };
    for secret in secrets {
        let account = store.verify(secret, &dry).unwrap().account.unwrap();
        let key = KeyRef::Secret(Secret::parse(secret).unwrap());
        store
            .update_security(&AccountName::parse(&account).unwrap(), &key, &change)
            .unwrap();
    }
}

/// Alternating slices of `a` and `b` verifying `request` on one thread
/// each; medians.
fn one_thread(
    a: &std::path::Path,
    b: &std::path::Path,
    secrets: &[String],
    request: &VerifyRequest,
    codes: (VerifyCode, VerifyCode),
    rounds: usize,
) -> (f64, f64) {
    let (mut store_a, mut store_b) = (Store::open(a).unwrap(), Store::open(b).unwrap());
    let (mut pick_a, mut pick_b) = (Picker::new(3), Picker::new(3));
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let length = Duration::from_millis(400);
    for _ in 0..rounds {
        ours.push(slice(
            || {
                let v = store_a.verify(pick_a.pick(secrets), request).unwrap();
                assert_eq!(v.code, codes.0);
            },
            length,
        ));
        theirs.push(slice(
            || {
                let v = store_b.verify(pick_b.pick(secrets), request).unwrap();
                assert_eq!(v.code, codes.1);
            },
            length,
        ));
    }
    (support::median(ours), support::median(theirs))
}

/// Spends per second of 8 threads through one `Verifier` for `length`.
fn through_verifier(verifier: &Arc<Verifier>, secrets: &Arc<Vec<String>>, length: Duration) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..8u64)
        .map(|t| {
            let (verifier, secrets, stop, done) = (
                Arc::clone(verifier),
                Arc::clone(secrets),
                Arc::clone(&stop),
                Arc::clone(&done),
            );
            std::thread::spawn(move || {
                let mut picker = Picker::new(t + 7);
                while !stop.load(Ordering::Relaxed) {
                    let v = verifier
                        .verify(picker.pick(&secrets), VerifyRequest::default())
                        .unwrap();
                    assert_eq!(v.code, VerifyCode::Valid);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(length);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let rounds = if std::env::var_os("BENCH_QUICK").is_some() {
        3
    } else {
        15
    };
    let store = support::store(1000);
    let secrets = &store.secrets;
    let plain = store.working_copy("rate-plain");
    let limited = store.working_copy("rate-limited");
    let large = store.working_copy("rate-large");
    let full = store.working_copy("rate-full");
    limit(&limited.path, secrets, &["100/s", "900/min"]);
    limit(&large.path, secrets, &["100/s", "5000/h"]);
    limit(&full.path, secrets, &["1/h"]);
    plain.prime(secrets);
    limited.prime(secrets);
    large.prime(secrets);
    // Priming spends once on each key, which fills its 1/h window.
    full.prime(secrets);
    for copy in [&plain, &limited, &large, &full] {
        copy.checkpoint();
    }

    let spend = VerifyRequest::default();
    let dry = VerifyRequest {
        dry_run: true,
        ..VerifyRequest::default()
    };
    let valid = (VerifyCode::Valid, VerifyCode::Valid);
    println!("| case | with rate limits ops/s | without ops/s | time ratio (with / without) |");
    println!("|---|---|---|---|");
    let row = |case: &str, with: f64, without: f64| {
        println!(
            "| {case} | {with:.0} | {without:.0} | {:.3} |",
            without / with
        );
    };
    let (with, without) = one_thread(&limited.path, &plain.path, secrets, &spend, valid, rounds);
    row("`Store::verify`, spend 1 lookup", with, without);
    let (with, without) = one_thread(&limited.path, &plain.path, secrets, &dry, valid, rounds);
    row("`Store::verify`, dry run", with, without);
    let (with, without) = one_thread(&large.path, &plain.path, secrets, &spend, valid, rounds);
    row(
        "`Store::verify`, spend 1 lookup, a limit of 5,000/h (the table)",
        with,
        without,
    );
    let (with, without) = one_thread(&large.path, &plain.path, secrets, &dry, valid, rounds);
    row(
        "`Store::verify`, dry run, a limit of 5,000/h (the table)",
        with,
        without,
    );
    let (with, without) = one_thread(
        &full.path,
        &plain.path,
        secrets,
        &spend,
        (VerifyCode::RateLimited, VerifyCode::Valid),
        rounds,
    );
    row(
        "`Store::verify`, denied by the limit (vs a spend without)",
        with,
        without,
    );

    let shared = Arc::new(secrets.clone());
    let length = Duration::from_secs(1);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let with_verifier = Arc::new(Verifier::new(Store::open(&limited.path).unwrap()).unwrap());
    let without_verifier = Arc::new(Verifier::new(Store::open(&plain.path).unwrap()).unwrap());
    for _ in 0..rounds {
        ours.push(through_verifier(&with_verifier, &shared, length));
        theirs.push(through_verifier(&without_verifier, &shared, length));
    }
    row(
        "one `Verifier`, 8 threads, spend 1 lookup",
        support::median(ours),
        support::median(theirs),
    );
}
