//! Usage rows (per key, UTC day and client IP), their redaction, and the
//! days the store-wide chores last ran: `Tx`'s usage methods on SQLite.

use rusqlite::{OptionalExtension, params};

use super::sql;
use super::tx::SqliteTx;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyPk;
use crate::store::columns::{count, ip_from_text, ip_text};
use crate::usage::{BalanceChange, UsageIp, UsageRow};

impl SqliteTx<'_> {
    pub(super) fn usage_today_from(&mut self, key: KeyPk, day: i64, ip: UsageIp) -> Result<u64> {
        self.stmt(sql::IP_USAGE_TODAY)
            .and_then(|mut s| {
                s.query_row(params![key.0, day, ip_text(ip)], |r| r.get::<_, i64>(0))
                    .optional()
            })
            .map(|n| n.map_or(0, count))
            .map_err(|e| self.fail(e))
    }

    pub(super) fn redact_key_usage(&mut self, key: KeyPk, before_day: i64) -> Result<()> {
        self.stmt(
            "INSERT INTO usage (key_id, day, ip, count)
                 SELECT key_id, day, '*', SUM(count) FROM usage
                 WHERE key_id = ?1 AND day < ?2 AND ip NOT IN ('', '*') GROUP BY day
                 ON CONFLICT (key_id, day, ip) DO UPDATE SET count = count + excluded.count",
        )
        .and_then(|mut s| s.execute(params![key.0, before_day]))
        .and_then(|_| {
            self.stmt("DELETE FROM usage WHERE key_id = ?1 AND day < ?2 AND ip NOT IN ('', '*')")
                .and_then(|mut s| s.execute(params![key.0, before_day]))
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    pub(super) fn redact_all_due_usage(&mut self, today: i64) -> Result<()> {
        self.stmt(
            "INSERT INTO usage (key_id, day, ip, count)
                 SELECT u.key_id, u.day, '*', SUM(u.count) FROM keys k JOIN usage u ON u.key_id = k.id
                 WHERE u.day < ?1 - k.redact_days AND u.ip NOT IN ('', '*')
                 GROUP BY u.key_id, u.day
                 ON CONFLICT (key_id, day, ip) DO UPDATE SET count = count + excluded.count",
        )
        .and_then(|mut s| s.execute([today]))
        .and_then(|_| {
            self.stmt(
                "DELETE FROM usage WHERE ip NOT IN ('', '*')
                     AND day < ?1 - (SELECT k.redact_days FROM keys k WHERE k.id = usage.key_id)",
            )
            .and_then(|mut s| s.execute([today]))
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    pub(super) fn day_chore_ran(&mut self, chore: &str) -> Result<Option<i64>> {
        self.stmt("SELECT day FROM housekeeping WHERE chore = ?1")
            .and_then(|mut s| s.query_row([chore], |r| r.get(0)).optional())
            .map_err(|e| self.fail(e))
    }

    pub(super) fn record_chore_day(&mut self, chore: &str, day: i64) -> Result<()> {
        self.stmt(
            "INSERT INTO housekeeping (chore, day) VALUES (?1, ?2)
                 ON CONFLICT (chore) DO UPDATE SET day = excluded.day",
        )
        .and_then(|mut s| s.execute(params![chore, day]))
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    pub(super) fn changes_since(
        &mut self,
        key: KeyPk,
        from: Timestamp,
    ) -> Result<Vec<BalanceChange>> {
        let mut stmt = self
            .stmt(
                "SELECT at, reason, delta FROM ledger
                  WHERE key_id = ?1 AND reason <> 'spend' AND at >= ?2 ORDER BY id",
            )
            .map_err(|e| self.errors.wrap(e))?;
        stmt.query_map(params![key.0, from.unix()], |r| {
            Ok(BalanceChange {
                at: Timestamp::from_unix(r.get(0)?),
                kind: r.get(1)?,
                lookups: r.get(2)?,
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.errors.wrap(e))
    }

    pub(super) fn usage_since(&mut self, key: KeyPk, from_day: i64) -> Result<Vec<UsageRow>> {
        let mut stmt = self
            .stmt("SELECT day, ip, count FROM usage WHERE key_id = ?1 AND day >= ?2")
            .map_err(|e| self.errors.wrap(e))?;
        stmt.query_map(params![key.0, from_day], |r| {
            Ok(UsageRow {
                day: r.get(0)?,
                ip: ip_from_text(r.get_ref(1)?.as_str()?),
                count: count(r.get(2)?),
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.errors.wrap(e))
    }
}
