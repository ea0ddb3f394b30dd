//! `apikey serve` side by side with what it must cost, in one run on one
//! machine, with wrk (Debian's package) as the load on loopback:
//!
//! - spending through `/v1/auth` against a minimal group-commit server
//!   (`minimal.rs`: hyper, one store thread, the floor's statements, ≤ 256
//!   spends per transaction) and against the same minimal server with one
//!   transaction per request, all with `synchronous = FULL`;
//! - dry runs through `POST /v1/verify` against `serve`'s own `/healthz`;
//! - nginx `auth_request` in front of `serve` (the README's block) against
//!   nginx serving the same file with no auth;
//! - the resident memory of `serve` holding 10,000 open connections.
//!
//! Rounds alternate the cases; the table gives medians of the rounds. After
//! every case that spends, the lookups gone from the store are checked
//! against the answers: at least one per 2xx, at most one more per
//! connection (a request whose client left before its answer).
//!
//!     cargo bench --bench serve
//!
//! `BENCH_SECONDS` (default 8) and `BENCH_ROUNDS` (default 3) change the
//! length; `cargo test --benches` runs it once, briefly, on a small store.
//! Writes target/bench-results/serve.json. With `-- --soak`, runs only the
//! soak instead (`soak.rs`, `BENCH_SOAK_SECONDS`, default 600).

#[path = "../support/mod.rs"]
mod support;

mod minimal;
mod nginx;
#[path = "../../tests/e2e/readme_block.rs"]
mod readme_block;
mod soak;
mod wrk;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use wrk::{Ask, Run};

/// `apikey serve` over a working copy, killed when dropped.
struct Serve {
    child: Child,
    addr: SocketAddr,
}

impl Serve {
    fn start(store: &Path, home: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_apikey"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--max-connections",
                "20000",
            ])
            .arg("--db")
            .arg(store)
            .env_clear()
            .env("HOME", home)
            .env("PATH", "/usr/bin:/bin")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start apikey serve");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("  serve: {line}");
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or("");
                    let _ = tx.send(addr.parse::<SocketAddr>().ok());
                }
            }
        });
        let Ok(Some(addr)) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            panic!("apikey serve did not start");
        };
        Serve { child, addr }
    }

    /// Resident and peak resident memory, in MiB.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
                .unwrap()
                / 1024.0
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a case sends its load, and what it spends.
#[derive(Clone, Copy, PartialEq)]
enum Case {
    ServeHealth,
    ServeSpend,
    ServeDryRun,
    MinimalGroup,
    MinimalPerRequest,
    NginxStatic,
    NginxAuth,
}

impl Case {
    const ALL: [Case; 7] = [
        Case::ServeHealth,
        Case::ServeSpend,
        Case::ServeDryRun,
        Case::MinimalGroup,
        Case::MinimalPerRequest,
        Case::NginxStatic,
        Case::NginxAuth,
    ];

    fn label(self) -> &'static str {
        match self {
            Case::ServeHealth => "serve `/healthz`",
            Case::ServeSpend => "serve `/v1/auth` (spend)",
            Case::ServeDryRun => "serve `/v1/verify` dry run",
            Case::MinimalGroup => "minimal group commit (spend)",
            Case::MinimalPerRequest => "minimal, one transaction per request",
            Case::NginxStatic => "nginx static file",
            Case::NginxAuth => "nginx `auth_request` → serve (spend)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Case::ServeHealth => "serve_healthz",
            Case::ServeSpend => "serve_auth",
            Case::ServeDryRun => "serve_dry_run",
            Case::MinimalGroup => "minimal_group",
            Case::MinimalPerRequest => "minimal_per_request",
            Case::NginxStatic => "nginx_static",
            Case::NginxAuth => "nginx_auth",
        }
    }

    /// The store it spends from, if it spends.
    fn spends_from<'a>(self, serve: &'a Path, minimal: &'a Path) -> Option<&'a Path> {
        match self {
            Case::ServeSpend | Case::NginxAuth => Some(serve),
            Case::MinimalGroup | Case::MinimalPerRequest => Some(minimal),
            _ => None,
        }
    }
}

/// Opens `n` connections to `addr`, each with one `/healthz` answered.
fn hold_connections(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    let want = (n as u64 + 1_000).min(limit.maximum.unwrap_or(u64::MAX));
    limit.current = Some(want);
    setrlimit(Resource::Nofile, limit).unwrap();
    (0..n)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            // A connection left waiting past the server's cap would
            // otherwise hang the bench.
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
                .unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 512];
            while !got.ends_with(b"ok\n") {
                let read = stream.read(&mut buf).unwrap();
                assert!(read > 0, "serve closed a held connection");
                got.extend_from_slice(&buf[..read]);
            }
            stream
        })
        .collect()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (keys, rounds, length, held, connection_counts) = if full {
        (
            100_000,
            number("BENCH_ROUNDS", 3),
            Duration::from_secs(number("BENCH_SECONDS", 8)),
            10_000,
            vec![32, 128],
        )
    } else {
        (1_000, 1, Duration::from_secs(1), 100, vec![8])
    };
    wrk::require();
    let store = support::store(keys);
    let target = support::target_dir();
    let scratch: PathBuf = target.join("bench-serve");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("home")).unwrap();
    let keys_file = scratch.join("keys.txt");
    std::fs::write(&keys_file, store.secrets.join("\n") + "\n").unwrap();

    if std::env::args().any(|a| a == "--soak") {
        soak::run(
            &store,
            &scratch,
            Duration::from_secs(number("BENCH_SOAK_SECONDS", 600)),
        );
        return;
    }
    let serve_copy = store.working_copy("serve");
    let minimal_copy = store.working_copy("serve-minimal");
    serve_copy.prime(&store.secrets);
    minimal_copy.prime(&store.secrets);

    let serve = Serve::start(&serve_copy.path, &scratch.join("home"));
    let group = minimal::Minimal::start(&minimal_copy.path, 256);
    let per_request = minimal::Minimal::start(&minimal_copy.path, 1);
    let nginx = nginx::Nginx::start(&scratch.join("nginx"), serve.addr);

    let target_of = |case: Case| -> (SocketAddr, &'static str, Ask) {
        match case {
            Case::ServeHealth => (serve.addr, "/healthz", Ask::Get),
            Case::ServeSpend => (serve.addr, "/v1/auth", Ask::Auth),
            Case::ServeDryRun => (serve.addr, "/v1/verify", Ask::DryRun),
            Case::MinimalGroup => (group.addr, "/v1/auth", Ask::Auth),
            Case::MinimalPerRequest => (per_request.addr, "/v1/auth", Ask::Auth),
            Case::NginxStatic => (nginx.open, "/index.html", Ask::Get),
            Case::NginxAuth => (nginx.guarded, "/index.html", Ask::Auth),
        }
    };

    let mut results: Vec<(usize, Case, Vec<Run>)> = Vec::new();
    for &connections in &connection_counts {
        let mut runs: Vec<Vec<Run>> = vec![Vec::new(); Case::ALL.len()];
        for round in 0..rounds {
            for (i, &case) in Case::ALL.iter().enumerate() {
                let (addr, path, ask) = target_of(case);
                let spends = case.spends_from(&serve_copy.path, &minimal_copy.path);
                let before = spends.map(|p| support::balance_sum(p, &store.secrets));
                let run = wrk::run(addr, path, ask, &keys_file, connections, length);
                eprintln!(
                    "{connections} connections, round {}: {:<40} {:>8.0}/s p50 {:.2} ms p99 {:.2} ms",
                    round + 1,
                    case.label(),
                    run.per_second,
                    run.p50_ms,
                    run.p99_ms
                );
                assert_eq!(run.socket_errors, 0, "{}: socket errors", case.label());
                assert_eq!(run.non_2xx, 0, "{}: answers other than 2xx", case.label());
                if let (Some(path), Some(before)) = (spends, before) {
                    // Requests cut off by wrk's stop finish on their own.
                    std::thread::sleep(Duration::from_millis(300));
                    let spent = (before - support::balance_sum(path, &store.secrets)) as u64;
                    assert!(
                        spent >= run.requests && spent <= run.requests + connections as u64,
                        "{}: {spent} lookups spent for {} answers",
                        case.label(),
                        run.requests
                    );
                }
                runs[i].push(run);
            }
        }
        for (i, &case) in Case::ALL.iter().enumerate() {
            results.push((connections, case, runs[i].clone()));
        }
    }

    // Memory: the same (warm) server holding `held` connections, once
    // nginx has closed its own.
    drop(nginx);
    let (idle_rss, _) = serve.memory();
    let streams = hold_connections(serve.addr, held);
    let (held_rss, peak) = serve.memory();
    drop(streams);

    report(&results, idle_rss, held, held_rss, peak, &target);
}

/// Prints the Markdown tables and writes the JSON.
fn report(
    results: &[(usize, Case, Vec<Run>)],
    idle_rss: f64,
    held: usize,
    held_rss: f64,
    peak: f64,
    target: &Path,
) {
    let med = |connections: usize, case: Case, f: fn(&Run) -> f64| {
        let runs = &results
            .iter()
            .find(|(c, k, _)| *c == connections && *k == case)
            .unwrap()
            .2;
        support::median(runs.iter().map(f).collect())
    };
    let rate = |c, case| med(c, case, |r| r.per_second);
    let p50 = |c, case| med(c, case, |r| r.p50_ms);
    let p99 = |c, case| med(c, case, |r| r.p99_ms);
    let mut connections: Vec<usize> = results.iter().map(|r| r.0).collect();
    connections.dedup();
    println!("| case | connections | req/s | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for &c in &connections {
        for case in Case::ALL {
            println!(
                "| {} | {c} | {:.0} | {:.2} | {:.2} |",
                case.label(),
                rate(c, case),
                p50(c, case),
                p99(c, case)
            );
        }
    }
    println!();
    println!("| ratio | target | {} |", {
        let heads: Vec<String> = connections.iter().map(|c| format!("{c} conn.")).collect();
        heads.join(" | ")
    });
    println!("|---|---|{}", "---|".repeat(connections.len()));
    let ratio_row = |name: &str, target: &str, f: &dyn Fn(usize) -> String| {
        let cells: Vec<String> = connections.iter().map(|&c| f(c)).collect();
        println!("| {name} | {target} | {} |", cells.join(" | "));
    };
    // One case's figure over another's, per connection count.
    let ratio = |name: &str, target: &str, figure: &dyn Fn(usize, Case) -> f64, of, to| {
        ratio_row(name, target, &|c| {
            format!("{:.2}", figure(c, of) / figure(c, to))
        });
    };
    let (spend, health) = (Case::ServeSpend, Case::ServeHealth);
    ratio(
        "serve spend / minimal group commit",
        "≥ 0.8",
        &rate,
        spend,
        Case::MinimalGroup,
    );
    ratio(
        "serve p99 / minimal p99",
        "≤ 2",
        &p99,
        spend,
        Case::MinimalGroup,
    );
    ratio(
        "serve spend / one transaction per request",
        "≥ 5",
        &rate,
        spend,
        Case::MinimalPerRequest,
    );
    ratio(
        "serve spend / serve `/healthz`",
        "reported",
        &rate,
        spend,
        health,
    );
    ratio(
        "dry run / `/healthz`",
        "≥ 0.8",
        &rate,
        Case::ServeDryRun,
        health,
    );
    ratio(
        "nginx auth_request / nginx static",
        "≥ 0.25",
        &rate,
        Case::NginxAuth,
        Case::NginxStatic,
    );
    ratio_row("nginx added p50 / p99, ms", "reported", &|c| {
        format!(
            "+{:.2} / +{:.2}",
            p50(c, Case::NginxAuth) - p50(c, Case::NginxStatic),
            p99(c, Case::NginxAuth) - p99(c, Case::NginxStatic)
        )
    });
    println!();
    println!(
        "serve RSS: {idle_rss:.1} MiB warm and idle, {held_rss:.1} MiB holding {held} connections (peak {peak:.1} MiB); target ≤ 130 MiB"
    );

    let mut json = String::from("{\n  \"cases\": [\n");
    let mut rows = Vec::new();
    for &c in &connections {
        for case in Case::ALL {
            rows.push(format!(
                "    {{\"case\": \"{}\", \"connections\": {c}, \"per_second\": {:.0}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}}}",
                case.key(),
                rate(c, case),
                p50(c, case),
                p99(c, case)
            ));
        }
    }
    json.push_str(&rows.join(",\n"));
    json.push_str(&format!(
        "\n  ],\n  \"rss_mib\": {{\"idle\": {idle_rss:.1}, \"held\": {held_rss:.1}, \"connections\": {held}, \"peak\": {peak:.1}}}\n}}\n"
    ));
    let dir = target.join("bench-results");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("serve.json"), json).unwrap();
}
