//! Usage rows and their redaction, the chores' days, the audit trail and
//! `store check`'s scans: `Tx`'s other methods on PostgreSQL.

use super::tx::PgTx;
use crate::account::AccountPk;
use crate::audit::{Action, AuditEntry};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::{KeyId, KeyPk};
use crate::store::backend::{ChoreDay, LedgerMismatch, LedgerReason, NewAudit};
use crate::store::columns::{Columns, count, ip_from_text, ip_text, text_enum};
use crate::usage::{BalanceChange, UsageIp, UsageRow};

/// The audit rows `$filter` selects, every column `AuditEntry` reads,
/// newest first.
macro_rules! select_audit {
    ($filter:literal) => {
        concat!(
            "SELECT au.id, au.at, au.actor, au.action, a.name, k.public_id, k.name, au.detail
               FROM audit au JOIN accounts a ON a.id = au.account_id
               LEFT JOIN keys k ON k.id = au.key_id
              WHERE ",
            $filter,
            " ORDER BY au.id DESC"
        )
    };
}

impl PgTx<'_> {
    pub(super) fn add_usage(
        &mut self,
        key: KeyPk,
        day: i64,
        ip: UsageIp,
        lookups: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO usage (key_id, day, ip, count) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key_id, day, ip) DO UPDATE SET count = usage.count + excluded.count",
            &[&key.0, &day, &ip_text(ip), &lookups],
        )
        .map(drop)
    }

    /// What is written, and what the batch holds for it, without writing
    /// the batch: a key with a per-IP limit reads this on every spend.
    pub(super) fn usage_today_from(&mut self, key: KeyPk, day: i64, ip: UsageIp) -> Result<u64> {
        let ip = ip_text(ip);
        let rows = self.rows_as_written(
            "SELECT count FROM usage WHERE key_id = $1 AND day = $2 AND ip = $3",
            &[&key.0, &day, &ip],
        )?;
        let written = match rows.first() {
            Some(row) => self.int(row, 0)?,
            None => 0,
        };
        Ok(count(written + self.batch.pending_usage(key, day, &ip)))
    }

    pub(super) fn redact_key_usage(&mut self, key: KeyPk, before_day: i64) -> Result<()> {
        // One statement: the rows it removes are the rows it counts, so a
        // racing redaction can neither count them twice nor lose one.
        self.run(
            "WITH gone AS (
                 DELETE FROM usage WHERE key_id = $1 AND day < $2 AND ip NOT IN ('', '*')
                 RETURNING key_id, day, count)
             INSERT INTO usage (key_id, day, ip, count)
                 SELECT key_id, day, '*', SUM(count)::BIGINT FROM gone GROUP BY key_id, day
             ON CONFLICT (key_id, day, ip) DO UPDATE SET count = usage.count + excluded.count",
            &[&key.0, &before_day],
        )
        .map(drop)
    }

    pub(super) fn redact_all_due_usage(&mut self, today: i64) -> Result<()> {
        self.run(
            "WITH gone AS (
                 DELETE FROM usage u USING keys k
                  WHERE k.id = u.key_id AND u.ip NOT IN ('', '*') AND u.day < $1 - k.redact_days
                 RETURNING u.key_id, u.day, u.count)
             INSERT INTO usage (key_id, day, ip, count)
                 SELECT key_id, day, '*', SUM(count)::BIGINT FROM gone GROUP BY key_id, day
             ON CONFLICT (key_id, day, ip) DO UPDATE SET count = usage.count + excluded.count",
            &[&today],
        )
        .map(drop)
    }

    /// In a write, the chore's row is held until the transaction ends, so
    /// that one transaction does it; one that finds it held by another is
    /// told it is done today (the other is doing it) rather than waiting,
    /// which could close a circle with the keys each holds.
    pub(super) fn day_chore_ran(&mut self, chore: &str) -> Result<ChoreDay> {
        let ran = |tx: &PgTx<'_>, row: &tokio_postgres::Row| tx.int(row, 0).map(ChoreDay::Ran);
        if !self.write {
            let row = self.row("SELECT day FROM housekeeping WHERE chore = $1", &[&chore])?;
            return row.map_or(Ok(ChoreDay::Never), |r| ran(self, &r));
        }
        let row = self.row(
            "SELECT day FROM housekeeping WHERE chore = $1 FOR UPDATE SKIP LOCKED",
            &[&chore],
        )?;
        if let Some(row) = row {
            return ran(self, &row);
        }
        let exists = self.row("SELECT day FROM housekeeping WHERE chore = $1", &[&chore])?;
        Ok(if exists.is_some() {
            ChoreDay::Elsewhere
        } else {
            ChoreDay::Never
        })
    }

    pub(super) fn record_chore_day(&mut self, chore: &str, day: i64) -> Result<()> {
        self.run(
            "INSERT INTO housekeeping (chore, day) VALUES ($1, $2)
             ON CONFLICT (chore) DO UPDATE SET day = excluded.day",
            &[&chore, &day],
        )
        .map(drop)
    }

    pub(super) fn changes_since(
        &mut self,
        key: KeyPk,
        from: Timestamp,
    ) -> Result<Vec<BalanceChange>> {
        let rows = self.rows(
            "SELECT at, reason, delta FROM ledger
              WHERE key_id = $1 AND reason <> 'spend' AND at >= $2 ORDER BY id",
            &[&key.0, &from.unix()],
        )?;
        rows.iter()
            .map(|r| {
                Ok(BalanceChange {
                    at: Timestamp::from_unix(self.int(r, 0)?),
                    kind: r.text(1).map_err(|e| self.unreadable(&e))?.to_owned(),
                    lookups: self.int(r, 2)?,
                })
            })
            .collect()
    }

    pub(super) fn usage_since(&mut self, key: KeyPk, from_day: i64) -> Result<Vec<UsageRow>> {
        let rows = self.rows(
            "SELECT day, ip, count FROM usage WHERE key_id = $1 AND day >= $2",
            &[&key.0, &from_day],
        )?;
        rows.iter()
            .map(|r| {
                Ok(UsageRow {
                    day: self.int(r, 0)?,
                    ip: ip_from_text(r.text(1).map_err(|e| self.unreadable(&e))?),
                    count: count(self.int(r, 2)?),
                })
            })
            .collect()
    }

    pub(super) fn insert_audit(&mut self, actor: &str, entry: &NewAudit<'_>) -> Result<()> {
        let now = self.now.unix();
        self.run(
            "INSERT INTO audit (at, actor, action, account_id, key_id, detail)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &now,
                &actor,
                &entry.action.as_str(),
                &entry.account.0,
                &entry.key.map(|k| k.0),
                &entry.detail,
            ],
        )
        .map(drop)
    }

    pub(super) fn audit_rows(
        &mut self,
        account: AccountPk,
        key: Option<KeyPk>,
    ) -> Result<Vec<AuditEntry>> {
        let rows = match key {
            Some(key) => self.rows(select_audit!("au.key_id = $1"), &[&key.0])?,
            None => self.rows(select_audit!("au.account_id = $1"), &[&account.0])?,
        };
        rows.iter()
            .map(|r| {
                let entry = (|| {
                    Ok(AuditEntry {
                        id: r.int(0)?,
                        at: Timestamp::from_unix(r.int(1)?),
                        user: r.text(2)?.to_owned(),
                        action: text_enum(r, 3, Action::parse)?,
                        account: r.text(4)?.to_owned(),
                        key_id: r.opt_text(5)?.map(str::to_owned),
                        key_name: r.opt_text(6)?.map(str::to_owned),
                        detail: r.text(7)?.to_owned(),
                    })
                })();
                entry.map_err(|e| self.unreadable(&e))
            })
            .collect()
    }

    pub(super) fn mismatches(&mut self) -> Result<Vec<LedgerMismatch>> {
        let rows = self.rows(
            "SELECT a.name, k.public_id, k.name, k.balance, COALESCE(l.total, 0)::BIGINT
               FROM keys k
               JOIN accounts a ON a.id = k.account_id
               LEFT JOIN (SELECT key_id, SUM(delta) AS total FROM ledger GROUP BY key_id) l
                 ON l.key_id = k.id
              WHERE k.balance IS DISTINCT FROM COALESCE(l.total, 0)
              ORDER BY k.id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                let found = (|| {
                    Ok(LedgerMismatch {
                        account: r.text(0)?.to_owned(),
                        key: KeyId::from_store(r.text(1)?.to_owned()),
                        name: r.text(2)?.to_owned(),
                        balance: r.int(3)?,
                        ledger: r.int(4)?,
                    })
                })();
                found.map_err(|e| self.unreadable(&e))
            })
            .collect()
    }

    pub(super) fn repeated_tests(&mut self) -> Result<Vec<(String, u64)>> {
        let rows = self.rows(
            "SELECT a.name, COUNT(*)
               FROM ledger l
               JOIN keys k ON k.id = l.key_id
               JOIN accounts a ON a.id = k.account_id
              WHERE l.reason = $1
              GROUP BY a.id, a.name
             HAVING COUNT(*) > 1
              ORDER BY a.name COLLATE \"C\"",
            &[&LedgerReason::TestBalance.as_str()],
        )?;
        rows.iter()
            .map(|r| {
                let name = r.text(0).map_err(|e| self.unreadable(&e))?.to_owned();
                Ok((name, self.int(r, 1)?.unsigned_abs()))
            })
            .collect()
    }

    /// PostgreSQL checks its constraints and keys on every write, so what
    /// is left to look at is the schema itself: each migration recorded,
    /// none missing.
    pub(super) fn integrity(&mut self) -> Result<Vec<String>> {
        let row = self.one(
            "SELECT COUNT(*), COALESCE(MAX(version), 0) FROM migrations",
            &[],
        )?;
        let (applied, latest) = (self.int(&row, 0)?, self.int(&row, 1)?);
        Ok(if applied == latest {
            Vec::new()
        } else {
            vec![format!(
                "the schema records {applied} migrations up to version {latest}: some are missing"
            )]
        })
    }
}
