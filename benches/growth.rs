//! How much the store grows with spending, and how long the upgrade that
//! folds an old store's spend rows takes (issue 21), in one run:
//!
//! - bytes of store per spend for one key spending all day: spends kept as
//!   one ledger row per key and day, against a ledger row per spend (the
//!   statement schema 8 ran, on the same store);
//! - the store's size after `GROWTH_SPENDS` (default 10^7) spends through a
//!   `Verifier` over 30 days of test clock, on 100 keys from 16 client IPs;
//! - that store rewritten as schema 8 kept it (one ledger row per spend),
//!   and the time its upgrade (migration 9) takes, with every balance
//!   checked against its ledger afterwards.
//!
//!     cargo bench --bench growth
//!
//! `cargo test --benches` runs it briefly (30,000 spends). Prints a
//! Markdown table and writes target/bench-results/growth.json.

mod support;

use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use apikey::manifest::Manifest;
use apikey::store::{Access, Prune};
use apikey::{AccountName, Clock, KeyRef, Secret, Store, Timestamp, Verifier, VerifyRequest};
use support::Picker;

/// 2026-03-01T00:00:00Z, the first day of the test clock.
const FIRST_DAY: i64 = 1_772_323_200;
const DAY: i64 = 86_400;
const DAYS: i64 = 30;

/// The file's size once its log is folded in and emptied.
fn settled_size(path: &Path) -> u64 {
    support::checkpoint(path);
    std::fs::metadata(path).unwrap().len()
}

fn count(path: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// A new store at `path` with `accounts` accounts of 10 keys, each topped
/// up with 10^9 lookups; the keys' secrets.
fn new_store(path: &Path, accounts: usize) -> Vec<String> {
    support::remove_store(path);
    let mut store = Store::open(path).unwrap();
    let text = support::manifest_text("acct", 0, accounts);
    let manifest = Manifest::parse(&text, Path::new("generated.toml")).unwrap();
    let applied = store.apply(&manifest, &Prune::Off, false).unwrap();
    let mut secrets = Vec::new();
    for created in applied.created {
        let secret = created.secret.unwrap().expose().to_owned();
        let account = AccountName::parse(&created.account).unwrap();
        let key = KeyRef::Secret(Secret::parse(&secret).unwrap());
        store
            .topup(&account, &key, 1_000_000_000, Some("growth"))
            .unwrap();
        secrets.push(secret);
    }
    secrets
}

/// Bytes of store per spend for one key spending `spends` times over one
/// day: through the store (a row per key and day), and with a ledger row
/// inserted per spend as schema 8 did.
fn bytes_per_spend(dir: &Path, spends: i64) -> (f64, f64) {
    let path = dir.join("one-key.db");
    let secret = new_store(&path, 1).swap_remove(0);
    let before = settled_size(&path);
    let mut store = Store::open(&path).unwrap();
    let request = VerifyRequest {
        ip: Some("203.0.113.9".parse().unwrap()),
        ..VerifyRequest::default()
    };
    for i in 0..spends {
        let at = Timestamp::from_unix(FIRST_DAY + i * DAY / spends);
        store = store.with_clock(Clock::Fixed(at));
        assert!(store.verify(&secret, &request).unwrap().valid);
    }
    drop(store);
    let per_day = (settled_size(&path) - before) as f64 / spends as f64;

    // The same spends as rows of their own, in the same ledger.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let before = settled_size(&path);
    for i in 0..spends {
        conn.execute(
            "INSERT INTO ledger (key_id, at, delta, reason) VALUES (1, ?1, -1, 'spend')",
            [FIRST_DAY + DAY + i * DAY / spends],
        )
        .unwrap();
    }
    drop(conn);
    let per_row = (settled_size(&path) - before) as f64 / spends as f64;
    support::remove_store(&path);
    (per_day, per_row)
}

/// `spends` spends over 30 days through one `Verifier` a day (8 threads,
/// random keys of `secrets`, 16 client IPs); the time it took.
fn thirty_days(path: &Path, secrets: &[String], spends: u64) -> Duration {
    let started = Instant::now();
    let per_day = spends / DAYS as u64;
    for day in 0..DAYS {
        let noon = Timestamp::from_unix(FIRST_DAY + day * DAY + DAY / 2);
        let store = Store::open(path).unwrap().with_clock(Clock::Fixed(noon));
        let verifier = Verifier::new(store).unwrap();
        let left = AtomicU64::new(if day == DAYS - 1 {
            spends - per_day * (DAYS as u64 - 1)
        } else {
            per_day
        });
        std::thread::scope(|s| {
            for thread in 0..8_u64 {
                let (verifier, left) = (&verifier, &left);
                s.spawn(move || {
                    let mut picker = Picker::new(day as u64 * 8 + thread + 1);
                    let mut n = thread;
                    while left
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(1))
                        .is_ok()
                    {
                        n += 1;
                        let ip: IpAddr = format!("198.51.100.{}", n % 16).parse().unwrap();
                        let request = VerifyRequest {
                            ip: Some(ip),
                            ..VerifyRequest::default()
                        };
                        let secret = picker.pick(secrets);
                        assert!(verifier.verify(secret, request).unwrap().valid);
                    }
                });
            }
        });
    }
    started.elapsed()
}

/// Rewrites the store's ledger as schema 8 kept it: every day row back into
/// a row per spend (the day's spends at noon, keys interleaved), the
/// schema-8 table and index, and version 8.
fn as_schema_8(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "BEGIN;
         CREATE TABLE ledger8 (
             id      INTEGER PRIMARY KEY,
             key_id  INTEGER NOT NULL REFERENCES keys(id),
             at      INTEGER NOT NULL,
             delta   INTEGER NOT NULL,
             reason  TEXT NOT NULL,
             note    TEXT
         );
         INSERT INTO ledger8 (id, key_id, at, delta, reason, note)
             SELECT id, key_id, at, delta, reason, note FROM ledger WHERE reason <> 'spend';",
    )
    .unwrap();
    for day in 0..DAYS {
        let day = FIRST_DAY / DAY + day;
        conn.execute(
            "INSERT INTO ledger8 (key_id, at, delta, reason)
             WITH RECURSIVE n(i) AS (
                 SELECT 0 UNION ALL SELECT i + 1 FROM n
                  WHERE i < (SELECT MAX(spends) FROM ledger WHERE day = ?1) - 1)
             SELECT l.key_id, ?1 * 86400 + 43200, l.delta / l.spends, 'spend'
               FROM n JOIN ledger l ON l.day = ?1 AND n.i < l.spends
              ORDER BY n.i, l.key_id",
            [day],
        )
        .unwrap();
    }
    conn.execute_batch(
        "DROP TABLE ledger;
         ALTER TABLE ledger8 RENAME TO ledger;
         CREATE INDEX ledger_key ON ledger(key_id);
         PRAGMA user_version = 8;
         COMMIT;
         VACUUM;",
    )
    .unwrap();
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let spends: u64 = if full {
        std::env::var("GROWTH_SPENDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000_000)
    } else {
        30_000
    };
    let one_key_spends: i64 = if full { 200_000 } else { 5_000 };
    let target = support::target_dir();
    let dir = target.join("bench-growth");
    std::fs::create_dir_all(&dir).unwrap();

    let (per_day, per_row) = bytes_per_spend(&dir, one_key_spends);
    eprintln!(
        "one key, {one_key_spends} spends in a day: {per_day:.3} B/spend (rows per spend: {per_row:.1})"
    );

    let path = dir.join("thirty-days.db");
    let secrets = new_store(&path, 10);
    let empty = settled_size(&path);
    let took = thirty_days(&path, &secrets, spends);
    let size = settled_size(&path);
    let ledger_rows = count(&path, "SELECT COUNT(*) FROM ledger");
    let usage_rows = count(&path, "SELECT COUNT(*) FROM usage");
    let spent = count(
        &path,
        "SELECT SUM(spends) FROM ledger WHERE reason = 'spend'",
    );
    assert_eq!(spent as u64, spends);
    eprintln!(
        "{spends} spends over 30 days in {:.0} s: {size} bytes",
        took.as_secs_f64()
    );

    as_schema_8(&path);
    let old_size = settled_size(&path);
    let old_rows = count(&path, "SELECT COUNT(*) FROM ledger WHERE reason = 'spend'");
    assert_eq!(old_rows as u64, spends);
    let balances = count(&path, "SELECT SUM(balance) FROM keys");
    let started = Instant::now();
    let mut said = Vec::new();
    let mut store = Store::open_with_progress(
        &path,
        Access::Write,
        Duration::from_secs(10),
        &mut |notice| said.push(notice.to_string()),
    )
    .unwrap();
    let migrated = started.elapsed();
    let report = store.check().unwrap();
    assert!(
        report.violations.is_empty(),
        "{:?}",
        report.violations.len()
    );
    drop(store);
    assert_eq!(count(&path, "SELECT SUM(balance) FROM keys"), balances);
    assert_eq!(
        count(
            &path,
            "SELECT SUM(spends) FROM ledger WHERE reason = 'spend'"
        ) as u64,
        spends
    );
    let after_upgrade = settled_size(&path);
    eprintln!("upgrade: {:.1} s; said {said:?}", migrated.as_secs_f64());
    support::remove_store(&path);

    let mib = |b: u64| b as f64 / 1_048_576.0;
    println!("| growth | figure |");
    println!("|---|---|");
    println!(
        "| one key spending all day ({one_key_spends} spends): bytes of store per spend | {per_day:.3} (a row per spend: {per_row:.1}) |"
    );
    println!(
        "| {spends} spends over 30 days (100 keys, 16 IPs), store size | {:.2} MiB ({:.3} bytes per spend; {:.2} MiB before any spend) |",
        mib(size),
        (size - empty) as f64 / spends as f64,
        mib(empty)
    );
    println!("| its ledger rows / usage rows | {ledger_rows} / {usage_rows} |");
    println!(
        "| the same spends as schema 8 kept them (a row per spend) | {:.1} MiB |",
        mib(old_size)
    );
    println!(
        "| upgrading that store (migration 9, {old_rows} spend rows) | {:.1} s; {:.1} MiB after |",
        migrated.as_secs_f64(),
        mib(after_upgrade)
    );
    let json = format!(
        "{{\"one_key_spends\": {one_key_spends}, \"bytes_per_spend\": {per_day:.4}, \"bytes_per_spend_row_per_spend\": {per_row:.2}, \
         \"spends\": {spends}, \"days\": {DAYS}, \"store_bytes\": {size}, \"empty_store_bytes\": {empty}, \"ledger_rows\": {ledger_rows}, \
         \"usage_rows\": {usage_rows}, \"schema8_store_bytes\": {old_size}, \"upgrade_seconds\": {:.2}, \"upgraded_store_bytes\": {after_upgrade}}}\n",
        migrated.as_secs_f64()
    );
    let results = target.join("bench-results");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(results.join("growth.json"), json).unwrap();
}
