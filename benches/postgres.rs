//! The PostgreSQL store side by side with what its statements cost, in one
//! run on one machine:
//!
//! - spending and dry-run verifications through the library (`Store::verify`,
//!   a handle per client) with 1, 4 and 16 clients, against pgbench running
//!   the same statements (the digest looked up by a subquery, as pgbench
//!   cannot hold bytes), `-M prepared`;
//! - `apikey serve` on PostgreSQL (group commit) spending through
//!   `/v1/auth` under wrk, against the library's one transaction per spend;
//! - `apikey store copy` of a 100,000-key and a 1,000,000-key SQLite store
//!   into PostgreSQL: time, and the peak resident memory of the process.
//!
//! The server is the one `APIKEY_BENCH_POSTGRES` (else `APIKEY_TEST_POSTGRES`)
//! names, a URL of a database its user may create databases from; its
//! pgbench is found under /usr/lib/postgresql. `BENCH_SECONDS` (default 6)
//! is each case's length; `BENCH_QUICK=1` runs it briefly on a small store.
//! Writes target/bench-results/postgres.json.
//!
//!     cargo bench --bench postgres

#[path = "support/mod.rs"]
mod support;
#[allow(dead_code)] // serve's bench asks for more than this one
#[path = "serve/wrk.rs"]
mod wrk;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use apikey::{Store, VerifyRequest};

const BIN: &str = env!("CARGO_BIN_EXE_apikey");

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let admin = std::env::var("APIKEY_BENCH_POSTGRES")
        .or_else(|_| std::env::var("APIKEY_TEST_POSTGRES"))
        .expect("set APIKEY_BENCH_POSTGRES (or APIKEY_TEST_POSTGRES) to a PostgreSQL server's URL, e.g. the one scripts/test starts");
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1");
    let seconds = if quick {
        1
    } else {
        std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(6)
    };
    let length = Duration::from_secs(seconds);
    let keys = if quick { 1_000 } else { 100_000 };
    let source = support::store(keys);
    let home = tempdir();
    let mut results = serde_json::Map::new();

    // The store copy, which also makes the database the rest runs on.
    let verify_db = Database::create(&admin, "apikey_bench_verify");
    let copy = copy_into(&source.path, &verify_db.url, &home);
    println!(
        "store copy of {keys} keys into PostgreSQL: {:.1} s, peak RSS {:.1} MiB",
        copy.0.as_secs_f64(),
        copy.1
    );
    results.insert(
        format!("copy_{keys}"),
        serde_json::json!({"seconds": copy.0.as_secs_f64(), "peak_rss_mib": copy.1}),
    );
    let secrets = &source.secrets;
    prime(&verify_db.url, secrets);
    let digests = verify_db.digests_table(secrets);
    let pgbench = pgbench_binary();

    println!(
        "\n| clients | library spends/s | pgbench, same statements | ratio | library dry runs/s | pgbench | ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for clients in [1, 4, 16] {
        let spend = library(&verify_db.url, secrets, clients, false, length);
        let bench_spend = run_pgbench(
            &pgbench,
            &verify_db,
            &spend_script(digests),
            clients,
            length,
        );
        let dry = library(&verify_db.url, secrets, clients, true, length);
        let bench_dry = run_pgbench(&pgbench, &verify_db, &dry_script(digests), clients, length);
        println!(
            "| {clients} | {spend:.0} | {bench_spend:.0} | {:.2} | {dry:.0} | {bench_dry:.0} | {:.2} |",
            spend / bench_spend,
            dry / bench_dry
        );
        rows.push(serde_json::json!({
            "clients": clients, "spend": spend, "pgbench_spend": bench_spend,
            "dry": dry, "pgbench_dry": bench_dry,
        }));
    }
    results.insert("verify".into(), rows.clone().into());

    // serve (group commit) against the library's one transaction per spend.
    wrk::require();
    let keys_file = home.join("keys.txt");
    std::fs::write(&keys_file, secrets.join("\n")).unwrap();
    let serve = Serve::start(&verify_db.url, &home);
    let per_spend = rows[2]["spend"].as_f64().unwrap();
    println!(
        "\n| serve on PostgreSQL, /v1/auth | spends/s | p50 ms | p99 ms | vs one transaction per spend (16 clients) |"
    );
    println!("|---|---|---|---|---|");
    let mut serve_rows = Vec::new();
    for connections in [16, 64] {
        let run = wrk::run(
            serve.addr,
            "/v1/auth",
            wrk::Ask::Auth,
            &keys_file,
            connections,
            length,
        );
        assert_eq!(run.non_2xx, 0, "every spend answered 2xx: {run:?}");
        println!(
            "| {connections} connections | {:.0} | {:.2} | {:.2} | {:.2} |",
            run.per_second,
            run.p50_ms,
            run.p99_ms,
            run.per_second / per_spend
        );
        serve_rows.push(serde_json::json!({
            "connections": connections, "per_second": run.per_second,
            "p50_ms": run.p50_ms, "p99_ms": run.p99_ms,
        }));
    }
    drop(serve);
    results.insert("serve".into(), serve_rows.into());
    check_sound(&verify_db.url, &home);
    drop(verify_db);

    if !quick {
        let million = million_key_store();
        let db = Database::create(&admin, "apikey_bench_copy");
        let (took, rss) = copy_into(&million, &db.url, &home);
        println!(
            "\nstore copy of 1,000,000 keys into PostgreSQL: {:.1} s, peak RSS {rss:.1} MiB",
            took.as_secs_f64()
        );
        results.insert(
            "copy_1000000".into(),
            serde_json::json!({"seconds": took.as_secs_f64(), "peak_rss_mib": rss}),
        );
        let back = home.join("back.db");
        let (took, rss) = copy_into_path(&db.url, &back, &home);
        println!(
            "store copy of 1,000,000 keys back into SQLite: {:.1} s, peak RSS {rss:.1} MiB",
            took.as_secs_f64()
        );
        results.insert(
            "copy_back_1000000".into(),
            serde_json::json!({"seconds": took.as_secs_f64(), "peak_rss_mib": rss}),
        );
    }
    let out = support::target_dir().join("bench-results");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("postgres.json"),
        serde_json::to_string_pretty(&results).unwrap(),
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(&home);
}

fn tempdir() -> PathBuf {
    let dir = support::target_dir().join(format!("bench-postgres-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A database of its own on the bench server, dropped at the end.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn create(admin: &str, name: &str) -> Database {
        let mut client = postgres::Client::connect(admin, postgres::NoTls).unwrap();
        // Two statements: a batch of them would be one transaction, which
        // neither may run in.
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (server, _) = admin.split('?').next().unwrap().rsplit_once('/').unwrap();
        Database {
            admin: admin.to_owned(),
            name: name.to_owned(),
            url: format!("{server}/{name}"),
        }
    }

    /// The sampled keys' digests in a table of their own, numbered from 1,
    /// for pgbench to pick from; returns how many.
    fn digests_table(&self, secrets: &[String]) -> usize {
        use sha2::Digest as _;
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        client
            .batch_execute(
                "CREATE TABLE public.bench_digests (n INT PRIMARY KEY, digest BYTEA NOT NULL)",
            )
            .unwrap();
        for (i, secret) in secrets.iter().enumerate() {
            let digest: [u8; 32] = sha2::Sha256::digest(secret.as_bytes()).into();
            client
                .execute(
                    "INSERT INTO public.bench_digests VALUES ($1, $2)",
                    &[&(i as i32 + 1), &&digest[..]],
                )
                .unwrap();
        }
        client.batch_execute("ANALYZE").unwrap();
        secrets.len()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// `apikey store copy FROM TO` as its own process: how long it took and
/// its peak resident memory (sampled every 20 ms).
fn copy_into(from: &Path, to: &str, home: &Path) -> (Duration, f64) {
    timed_copy(from.as_os_str(), std::ffi::OsStr::new(to), home)
}

fn copy_into_path(from: &str, to: &Path, home: &Path) -> (Duration, f64) {
    timed_copy(std::ffi::OsStr::new(from), to.as_os_str(), home)
}

fn timed_copy(from: &std::ffi::OsStr, to: &std::ffi::OsStr, home: &Path) -> (Duration, f64) {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["store", "copy"])
        .arg(from)
        .arg(to)
        .env("HOME", home)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let rss = text
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
                .unwrap_or(0);
            peak_kib = peak_kib.max(rss);
        }
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "store copy failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (started.elapsed(), peak_kib as f64 / 1024.0)
}

/// Spends one lookup of every sampled key, so that every case sees the
/// steady state of a day (day rows and usage rows made).
fn prime(url: &str, secrets: &[String]) {
    let mut store = Store::open(url).unwrap();
    for secret in secrets {
        assert!(
            store
                .verify(secret, &VerifyRequest::default())
                .unwrap()
                .valid
        );
    }
}

/// Verifications per second through `clients` library handles.
fn library(url: &str, secrets: &[String], clients: usize, dry_run: bool, length: Duration) -> f64 {
    let done = AtomicBool::new(false);
    let count = AtomicU64::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for client in 0..clients {
            let (done, count) = (&done, &count);
            s.spawn(move || {
                let mut store = Store::open(url).unwrap();
                let request = VerifyRequest {
                    dry_run,
                    ..VerifyRequest::default()
                };
                let mut picker = support::Picker::new(client as u64 + 7);
                while !done.load(Ordering::Relaxed) {
                    let verdict = store.verify(picker.pick(secrets), &request).unwrap();
                    assert!(verdict.valid, "{verdict:?}");
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(length);
        done.store(true, Ordering::Relaxed);
    });
    count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// The digest of sampled key `:n`, as the statements below use it.
const DIGEST: &str = "(SELECT digest FROM public.bench_digests WHERE n = :n)";

/// What `Store::verify` sends for one spend on a key without limits: the
/// batch's keys held and read in one statement (`\gset` keeps the row, as
/// the library keeps it), then its spends, usage rows and day rows, one
/// statement each, in one transaction.
fn spend_script(digests: usize) -> String {
    let day = apikey::Timestamp::now().day();
    format!(
        "\\set n random(1, {digests})
BEGIN;
{key} ORDER BY k.id FOR UPDATE OF k \\gset
UPDATE keys k SET balance = k.balance - v.cost, day = v.day, day_count = v.day_count, month = v.month, month_count = v.month_count, last_used_at = GREATEST(k.last_used_at, EXTRACT(EPOCH FROM now())::BIGINT), warned_day = v.warned_day, limit_day = v.limit_day, limit_month = v.limit_month, expiry_noticed = v.expiry_noticed FROM UNNEST(ARRAY[:id]::BIGINT[], ARRAY[1]::BIGINT[], ARRAY[{day}]::BIGINT[], ARRAY[1]::BIGINT[], ARRAY[:month]::BIGINT[], ARRAY[1]::BIGINT[], ARRAY[-1]::BIGINT[], ARRAY[-1]::BIGINT[], ARRAY[-1]::BIGINT[], ARRAY[0]::BIGINT[]) AS v(id, cost, day, day_count, month, month_count, warned_day, limit_day, limit_month, expiry_noticed) WHERE k.id = v.id AND k.balance >= v.cost RETURNING k.id;
INSERT INTO usage (key_id, day, ip, count) SELECT * FROM UNNEST(ARRAY[:id]::BIGINT[], ARRAY[{day}]::BIGINT[], ARRAY['']::TEXT[], ARRAY[1]::BIGINT[]) ON CONFLICT (key_id, day, ip) DO UPDATE SET count = usage.count + excluded.count;
INSERT INTO ledger (key_id, at, delta, reason, day, spends) SELECT v.key_id, EXTRACT(EPOCH FROM now())::BIGINT, -v.lookups, 'spend', v.day, v.spends FROM UNNEST(ARRAY[:id]::BIGINT[], ARRAY[{day}]::BIGINT[], ARRAY[1]::BIGINT[], ARRAY[1]::BIGINT[]) AS v(key_id, day, lookups, spends) ON CONFLICT (key_id, day) DO UPDATE SET delta = ledger.delta + excluded.delta, spends = ledger.spends + excluded.spends, at = GREATEST(ledger.at, excluded.at);
COMMIT;
",
        key = held_key_by_digest()
    )
}

/// What a dry run sends: the key, in a read-only snapshot.
fn dry_script(digests: usize) -> String {
    format!(
        "\\set n random(1, {digests})
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
{};
ROLLBACK;
",
        key_by_digest()
    )
}

/// The key columns the library reads, as the batch reads them (with the
/// digest, for any number of digests).
fn held_key_by_digest() -> String {
    format!(
        "SELECT k.id, k.public_id, a.name, k.name, k.hint, k.balance, k.created_at, k.expires_at, k.revoked_at, k.last_used_at, k.allowed_urls, k.allowed_ips, k.scopes, k.daily_limit, k.monthly_limit, k.ip_daily_limit, k.redact_days, k.notify_emails, k.low_balance, k.day, k.day_count, k.month, k.month_count, k.warned_day, k.limit_day, k.limit_month, k.expiry_noticed, k.account_id, s.retires_at, s.digest FROM secrets s JOIN keys k ON k.id = s.key_id JOIN accounts a ON a.id = k.account_id WHERE s.digest = ANY(ARRAY[{DIGEST}])"
    )
}

/// The key by one digest, as a read-only verification reads it.
fn key_by_digest() -> String {
    format!(
        "SELECT k.id, k.public_id, a.name, k.name, k.hint, k.balance, k.created_at, k.expires_at, k.revoked_at, k.last_used_at, k.allowed_urls, k.allowed_ips, k.scopes, k.daily_limit, k.monthly_limit, k.ip_daily_limit, k.redact_days, k.notify_emails, k.low_balance, k.day, k.day_count, k.month, k.month_count, k.warned_day, k.limit_day, k.limit_month, k.expiry_noticed, k.account_id, s.retires_at FROM secrets s JOIN keys k ON k.id = s.key_id JOIN accounts a ON a.id = k.account_id WHERE s.digest = {DIGEST}"
    )
}

fn pgbench_binary() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin/pgbench"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found
        .pop()
        .expect("pgbench is missing: install Debian's postgresql-contrib or postgresql")
}

/// Transactions per second pgbench reports for `script`.
fn run_pgbench(
    pgbench: &Path,
    db: &Database,
    script: &str,
    clients: usize,
    length: Duration,
) -> f64 {
    let file = std::env::temp_dir().join(format!("apikey-bench-{}.sql", std::process::id()));
    std::fs::write(&file, script).unwrap();
    let out = Command::new(pgbench)
        .args(["-n", "-M", "prepared", "-c", &clients.to_string()])
        // A thread per client, as the library runs one per handle.
        .args(["-j", &clients.to_string()])
        .args(["-T", &length.as_secs().to_string(), "-f"])
        .arg(&file)
        .arg(&db.url)
        .env("PGOPTIONS", "-c search_path=apikey")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pgbench failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text}"))
}

/// `apikey serve` on the database, killed when dropped.
struct Serve {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Serve {
    fn start(url: &str, home: &Path) -> Serve {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", url])
            .env("HOME", home)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("  serve: {line}");
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or("");
                    let _ = tx.send(addr.parse::<SocketAddr>().ok());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .ok()
            .flatten()
            .expect("apikey serve did not start");
        Serve { child, addr }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// `store check` finds the store sound after everything it went through.
fn check_sound(url: &str, home: &Path) {
    let out = Command::new(BIN)
        .args(["store", "check", "--db", url])
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The 1,000,000-key SQLite store: the cached one of this schema, else
/// built through `apply` (minutes, once).
fn million_key_store() -> PathBuf {
    support::store(1_000_000).path
}
