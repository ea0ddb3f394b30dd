//! The soak: `apikey serve` spending for minutes with readers all the while
//! (dry runs on its reader threads, and `list` and `usage` processes), with
//! the log's size sampled every 20 ms. Issue 21's bound: the log stays
//! below 64 MiB however long the load runs.
//!
//!     BENCH_SOAK_SECONDS=600 cargo bench --bench serve -- --soak

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::Serve;
use crate::support;
use crate::wrk::{self, Ask};

/// Runs the soak for `length` on a copy of `store`, and prints its figures.
pub fn run(store: &support::BenchStore, scratch: &Path, length: Duration) {
    let copy = store.working_copy("serve-soak");
    copy.prime(&store.secrets);
    let keys_file = scratch.join("keys.txt");
    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", copy.path.display())).map_or(0, |m| m.len())
    };
    let store_before = size("");
    let before = support::balance_sum(&copy.path, &store.secrets);
    let serve = Serve::start(&copy.path, &scratch.join("home"));

    let stop = AtomicBool::new(false);
    let peak = AtomicU64::new(0);
    let readers_ran = AtomicU64::new(0);
    let started = Instant::now();
    let (spends, dry) = std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(size("-wal"), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        s.spawn(|| {
            let bin = env!("CARGO_BIN_EXE_apikey");
            while !stop.load(Ordering::Relaxed) {
                for args in [&["list"][..], &["usage", "key1"][..]] {
                    let status = Command::new(bin)
                        .args(["--account", "acct0", "--db"])
                        .arg(&copy.path)
                        .args(args)
                        .env("HOME", scratch.join("home"))
                        .stdout(Stdio::null())
                        .status()
                        .unwrap();
                    assert!(status.success(), "apikey {args:?} failed");
                    readers_ran.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let dry =
            s.spawn(|| wrk::run(serve.addr, "/v1/verify", Ask::DryRun, &keys_file, 8, length));
        let spends = wrk::run(serve.addr, "/v1/auth", Ask::Auth, &keys_file, 32, length);
        let dry = dry.join().unwrap();
        stop.store(true, Ordering::Relaxed);
        (spends, dry)
    });
    let took = started.elapsed();
    drop(serve);
    assert_eq!(spends.non_2xx + dry.non_2xx, 0, "answers other than 2xx");
    assert_eq!(spends.socket_errors + dry.socket_errors, 0, "socket errors");
    let spent = (before - support::balance_sum(&copy.path, &store.secrets)) as u64;
    assert!(
        spent >= spends.requests,
        "{spent} lookups for {} answers",
        spends.requests
    );
    copy.checkpoint();
    let store_after = size("");
    let peak = peak.into_inner();
    println!("| soak | figure |");
    println!("|---|---|");
    println!("| length | {:.0} s |", took.as_secs_f64());
    println!(
        "| spends answered (32 connections) | {} ({:.0}/s) |",
        spends.requests, spends.per_second
    );
    println!(
        "| dry runs beside them (8 connections) | {} ({:.0}/s) |",
        dry.requests, dry.per_second
    );
    println!(
        "| `list` and `usage` processes beside them | {} |",
        readers_ran.into_inner()
    );
    println!(
        "| log (WAL) peak, sampled every 20 ms | {:.1} MiB (bound: 64 MiB) |",
        peak as f64 / 1_048_576.0
    );
    println!(
        "| store growth after a checkpoint | {} bytes, {:.3} bytes per spend |",
        store_after as i64 - store_before as i64,
        (store_after as f64 - store_before as f64) / spent as f64
    );
    assert!(peak < 64 << 20, "the log reached {peak} bytes");
}
