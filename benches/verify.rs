//! Library verifications per second on one thread, against a floor program
//! that runs the same SQL statements (`store::sqlite::sql`) with rusqlite
//! directly: same transactions, same statements, same parameters, every
//! returned column fetched (as a borrowed `ValueRef`, unconverted), but no
//! checksum check, no policy, no row-to-struct mapping, no events.
//!
//! Stores of 10^3 and 10^6 keys (10 per account), keys presented in random
//! order; `dry_run` is a read-only check, `spend` spends one lookup.
//!
//!     cargo bench --bench verify
//!
//! Absolute latencies; the ratios in BENCHMARKS.md come from
//! `benches/side_by_side.rs`, which alternates the two so that drift on a
//! shared machine hits both alike.

mod support;

use std::hint::black_box;
use std::time::Duration;

use apikey::store::sqlite::sql;
use apikey::{Store, VerifyCode, VerifyRequest};
use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, OpenFlags, params};
use sha2::{Digest, Sha256};
use support::Picker;

/// The floor: the verification's SQL and nothing else.
struct Floor {
    conn: Connection,
}

/// The columns a decision needs, read as the store reads them.
struct Row {
    id: i64,
    balance: i64,
    day: i64,
    day_count: i64,
    month: i64,
    month_count: i64,
}

impl Floor {
    fn open(path: &std::path::Path) -> Floor {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .unwrap();
        Floor { conn }
    }

    /// Transaction control through the statement cache, as the store does.
    fn exec(&self, sql: &str) {
        self.conn.prepare_cached(sql).unwrap().execute([]).unwrap();
    }

    fn select(tx: &Connection, secret: &str) -> Row {
        let digest = Sha256::digest(secret.as_bytes());
        let mut stmt = tx.prepare_cached(sql::KEY_BY_DIGEST).unwrap();
        stmt.query_row([&digest[..]], |r| {
            // Fetch what the statement returns, as any caller must.
            for column in 0..=sql::KEY_COLUMN_COUNT {
                black_box(r.get_ref(column)?);
            }
            Ok(Row {
                id: r.get(0)?,
                balance: r.get(5)?,
                day: r.get(19)?,
                day_count: r.get(20)?,
                month: r.get(21)?,
                month_count: r.get(22)?,
            })
        })
        .unwrap()
    }

    fn dry_run(&mut self, secret: &str) -> i64 {
        self.exec("BEGIN DEFERRED");
        let balance = Floor::select(&self.conn, secret).balance;
        self.exec("ROLLBACK");
        balance
    }

    fn spend(&mut self, secret: &str, now: i64) -> i64 {
        self.exec("BEGIN IMMEDIATE");
        let tx = &self.conn;
        let row = Floor::select(tx, secret);
        let (day, month) = (now / 86_400, row.month);
        let balance: i64 = tx
            .prepare_cached(sql::SPEND)
            .unwrap()
            .query_row(
                params![
                    row.id,
                    1,
                    day,
                    if row.day == day { row.day_count + 1 } else { 1 },
                    month,
                    row.month_count + 1,
                    now,
                    -1,
                    -1,
                    -1,
                    false
                ],
                |r| r.get(0),
            )
            .unwrap();
        tx.prepare_cached(sql::LEDGER_SPEND)
            .unwrap()
            .execute(params![row.id, now, -1])
            .unwrap();
        tx.prepare_cached(sql::USAGE_ADD)
            .unwrap()
            .execute(params![row.id, day, "", 1])
            .unwrap();
        self.exec("COMMIT");
        balance
    }
}

fn now() -> i64 {
    apikey::Timestamp::now().unix()
}

fn bench(c: &mut Criterion) {
    for keys in [1_000, 1_000_000] {
        let bench_store = support::store(keys);
        let secrets = &bench_store.secrets;
        let copy = bench_store.working_copy("verify");
        copy.prime(secrets);
        let mut group = c.benchmark_group(format!("verify/{keys}"));
        group
            .sample_size(30)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(6));

        let mut store = Store::open(&copy.path).unwrap();
        let mut floor = Floor::open(&copy.path);
        let dry = VerifyRequest {
            dry_run: true,
            ..VerifyRequest::default()
        };
        let spend = VerifyRequest::default();

        let mut pick = Picker::new(7);
        group.bench_function("apikey/dry_run", |b| {
            b.iter(|| {
                let v = store.verify(pick.pick(secrets), &dry).unwrap();
                assert_eq!(v.code, VerifyCode::Valid);
                black_box(v.balance)
            });
        });
        let mut pick = Picker::new(7);
        group.bench_function("floor/dry_run", |b| {
            b.iter(|| black_box(floor.dry_run(pick.pick(secrets))));
        });
        copy.checkpoint();
        let mut pick = Picker::new(11);
        group.bench_function("apikey/spend", |b| {
            b.iter(|| {
                let v = store.verify(pick.pick(secrets), &spend).unwrap();
                assert_eq!(v.code, VerifyCode::Valid);
                black_box(v.balance)
            });
        });
        copy.checkpoint();
        let mut pick = Picker::new(11);
        group.bench_function("floor/spend", |b| {
            b.iter(|| black_box(floor.spend(pick.pick(secrets), now())));
        });
        group.finish();
        drop((store, floor));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
