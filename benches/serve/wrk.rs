//! wrk (Debian's package) as the load generator: one run against one URL,
//! read back from the line its script (`wrk.lua`) prints.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const WRK: &str = "/usr/bin/wrk";

/// What to ask for.
#[derive(Clone, Copy)]
pub enum Ask {
    /// A plain GET.
    Get,
    /// A GET presenting a key in `X-Api-Key`.
    Auth,
    /// A POST of a dry-run verify body.
    DryRun,
}

/// One run's figures.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub per_second: f64,
    pub requests: u64,
    /// Answers other than 2xx or 3xx.
    pub non_2xx: u64,
    pub socket_errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Fails with a clear message when wrk is missing.
pub fn require() {
    assert!(
        Path::new(WRK).exists(),
        "{WRK} is missing: install Debian's wrk (apt-get install wrk)"
    );
}

/// Runs wrk for `length` with `connections` connections on 2 threads.
pub fn run(
    addr: SocketAddr,
    path: &str,
    ask: Ask,
    keys: &Path,
    connections: usize,
    length: Duration,
) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/serve/wrk.lua");
    let mode = match ask {
        Ask::Get => "get",
        Ask::Auth => "auth",
        Ask::DryRun => "dry",
    };
    let out = Command::new(WRK)
        .args(["-t2", &format!("-c{connections}")])
        .arg(format!("-d{}s", length.as_secs()))
        .arg("-s")
        .arg(&script)
        .arg(format!("http://{addr}{path}"))
        .env("BENCH_KEYS", keys)
        .env("BENCH_MODE", mode)
        .env("BENCH_PATH", path)
        .output()
        .expect("run wrk");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("BENCH "))
        .unwrap_or_else(|| {
            panic!(
                "wrk printed no result: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let f: Vec<u64> = line.split(' ').map(|n| n.parse().unwrap()).collect();
    let (requests, micros) = (f[0], f[3]);
    Run {
        per_second: requests as f64 / (micros as f64 / 1e6),
        requests,
        non_2xx: f[1],
        socket_errors: f[2],
        p50_ms: f[4] as f64 / 1000.0,
        p99_ms: f[5] as f64 / 1000.0,
    }
}
