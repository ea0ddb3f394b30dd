//! The floor both benchmarks measure apikey against: the verification's SQL
//! (`store::sqlite::sql`, BEGIN/COMMIT through the statement cache) run with
//! rusqlite directly, every returned column fetched (as a borrowed
//! `ValueRef`, unconverted), and nothing else: no checksum, no policy, no
//! row-to-struct mapping, no events.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use apikey::Timestamp;
/// The store's own statements, compiled in from its source: the SQL text is
/// private to the crate, and the floor must run exactly it.
#[path = "../../src/store/sqlite/sql.rs"]
#[allow(dead_code, unused_macros)]
mod sql;
use rusqlite::{Connection, OpenFlags, params};
use sha2::{Digest, Sha256};

/// One connection running the floor's transactions.
pub struct Floor {
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
    rate_seq: i64,
    rate_recent: Vec<u8>,
}

impl Floor {
    /// Opens the store file as `Store::open` does.
    pub fn open(path: &Path) -> Floor {
        Floor::open_with(path, false)
    }

    /// Opens the store file as `Store::open` does, with commits durable
    /// before they return (`synchronous = FULL`) when `durable`.
    pub fn open_with(path: &Path, durable: bool) -> Floor {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .unwrap();
        if durable {
            conn.execute_batch("PRAGMA synchronous = FULL;").unwrap();
        }
        Floor { conn }
    }

    /// Transaction control through the statement cache, as the store does.
    fn exec(&self, sql: &str) {
        self.conn.prepare_cached(sql).unwrap().execute([]).unwrap();
    }

    fn select(&self, secret: &str) -> Row {
        let digest = Sha256::digest(secret.as_bytes());
        let mut stmt = self.conn.prepare_cached(sql::KEY_BY_DIGEST).unwrap();
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
                rate_seq: r.get(30)?,
                rate_recent: r.get(31)?,
            })
        })
        .unwrap()
    }

    /// A read-only check; returns the balance.
    pub fn dry_run(&self, secret: &str) -> i64 {
        self.exec("BEGIN DEFERRED");
        let balance = self.select(secret).balance;
        self.exec("ROLLBACK");
        balance
    }

    /// Spends one lookup at `now`; returns the balance left.
    pub fn spend(&self, secret: &str, now: Timestamp) -> i64 {
        self.exec("BEGIN IMMEDIATE");
        let balance = self.spend_in_transaction(secret, now);
        self.exec("COMMIT");
        balance
    }

    /// Spends one lookup on each of `secrets` (in order) in one
    /// transaction: group commit at its plainest; the balances left.
    pub fn spend_batch<'a>(
        &self,
        secrets: impl IntoIterator<Item = &'a str>,
        now: Timestamp,
    ) -> Vec<i64> {
        self.exec("BEGIN IMMEDIATE");
        let balances = secrets
            .into_iter()
            .map(|secret| self.spend_in_transaction(secret, now))
            .collect();
        self.exec("COMMIT");
        balances
    }

    fn spend_in_transaction(&self, secret: &str, now: Timestamp) -> i64 {
        let (today, month) = (now.day(), now.month());
        let row = self.select(secret);
        let day_count = if row.day == today {
            row.day_count + 1
        } else {
            1
        };
        let month_count = if row.month == month {
            row.month_count + 1
        } else {
            1
        };
        self.conn
            .prepare_cached(sql::SPEND)
            .unwrap()
            .execute(params![
                row.id,
                1,
                today,
                day_count,
                month,
                month_count,
                now.unix(),
                -1,
                -1,
                -1,
                false,
                row.rate_seq,
                row.rate_recent
            ])
            .unwrap();
        let balance: i64 = self
            .conn
            .prepare_cached(sql::KEY_BALANCE)
            .unwrap()
            .query_row(params![row.id], |r| r.get(0))
            .unwrap();
        self.conn
            .prepare_cached(sql::LEDGER_SPEND)
            .unwrap()
            .execute(params![row.id, now.unix(), -1, today, 1])
            .unwrap();
        self.conn
            .prepare_cached(sql::USAGE_ADD)
            .unwrap()
            .execute(params![row.id, today, "", 1])
            .unwrap();
        balance
    }
}
