//! `Tx` on PostgreSQL. A write is READ COMMITTED and holds the rows its
//! rules are about (`FOR UPDATE`), in one order for every transaction:
//! accounts, then keys by id. Once a row is held, every later statement
//! sees every change committed to it before. A read is one REPEATABLE READ
//! snapshot. Statements are prepared once per connection.

use std::collections::{HashMap, HashSet};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

use super::batch::Batch;
use super::client::{Client, Failure};
use super::errors::Server;
use crate::account::{Account, AccountName, AccountPk};
use crate::audit::AuditEntry;
use crate::clock::Timestamp;
use crate::error::{Error, Refusal, Result};
use crate::key::{Key, KeyId, KeyName, KeyPk};
use crate::notify::NotifySettings;
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, NewEvent, Raised};
use crate::notify::sender::Holder;
use crate::secret::KeyDigest;
use crate::security::SecuritySettings;
use crate::store::Clock;
use crate::store::backend::{
    LedgerMismatch, LedgerReason, NewAudit, NewKeyRow, SecretMatch, Spend, Tx,
};
use crate::store::columns::{
    ColumnError, Columns, account_from, join_list, key_from, to_sql_count, to_sql_limit, ts,
};
use crate::store::copy::{Table, Value};
use crate::usage::{UsageIp, UsageRow};

/// Every column `columns::key_from` reads, in its order, from keys `k`
/// and accounts `a`.
macro_rules! key_columns {
    () => {
        "k.id, k.public_id, a.name, k.name, k.hint, k.balance, k.created_at, \
         k.expires_at, k.revoked_at, k.last_used_at, k.allowed_urls, k.allowed_ips, k.scopes, \
         k.daily_limit, k.monthly_limit, k.ip_daily_limit, k.redact_days, k.notify_emails, \
         k.low_balance, k.day, k.day_count, k.month, k.month_count, \
         k.warned_day, k.limit_day, k.limit_month, k.expiry_noticed, k.account_id"
    };
}

/// `SELECT` of every key column from keys `k` joined to accounts `a`,
/// then `$tail`.
macro_rules! select_key {
    ($tail:literal) => {
        concat!(
            "SELECT ",
            key_columns!(),
            " FROM keys k JOIN accounts a ON a.id = k.account_id ",
            $tail
        )
    };
}

/// A key (every column) and its secret's end of grace, by the secret's
/// digest.
const KEY_BY_DIGEST: &str = concat!(
    "SELECT ",
    key_columns!(),
    ", s.retires_at FROM secrets s JOIN keys k ON k.id = s.key_id \
     JOIN accounts a ON a.id = k.account_id WHERE s.digest = $1"
);

/// The column after the key's in [`KEY_BY_DIGEST`].
const RETIRES_AT: usize = 28;

/// Every column `columns::account_from` reads, from accounts `a`.
macro_rules! select_account {
    ($tail:literal) => {
        concat!(
            "SELECT a.id, a.name, a.created_at,
                (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL),
                (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id),
                (SELECT COALESCE(SUM(k.balance), 0)::BIGINT FROM keys k
                    WHERE k.account_id = a.id AND k.revoked_at IS NULL)
             FROM accounts a ",
            $tail
        )
    };
}

impl Columns for Row {
    fn int(&self, column: usize) -> std::result::Result<i64, ColumnError> {
        self.try_get(column)
            .map_err(|e| ColumnError::new(column, e))
    }

    fn opt_int(&self, column: usize) -> std::result::Result<Option<i64>, ColumnError> {
        self.try_get(column)
            .map_err(|e| ColumnError::new(column, e))
    }

    fn text(&self, column: usize) -> std::result::Result<&str, ColumnError> {
        self.try_get(column)
            .map_err(|e| ColumnError::new(column, e))
    }

    fn opt_text(&self, column: usize) -> std::result::Result<Option<&str>, ColumnError> {
        self.try_get(column)
            .map_err(|e| ColumnError::new(column, e))
    }
}

/// One transaction on the connection; dropped without `commit`, it rolls
/// back.
pub(super) struct PgTx<'c> {
    pub(super) client: &'c mut Client,
    /// Begun and not yet committed or rolled back.
    open: bool,
    statements: &'c mut HashMap<&'static str, Statement>,
    pub(super) server: &'c Server,
    pub(super) write: bool,
    clock: Clock,
    pub(super) now: Timestamp,
    /// Keys this transaction holds (`FOR UPDATE`).
    held: HashSet<i64>,
    /// The held keys as this transaction leaves them, and the spends not
    /// yet written.
    pub(super) batch: Batch,
    /// A statement failed: PostgreSQL has aborted the transaction, and a
    /// COMMIT would only roll it back, so `commit` refuses.
    pub(super) failed: bool,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl<'c> PgTx<'c> {
    pub(super) fn begin(
        client: &'c mut Client,
        statements: &'c mut HashMap<&'static str, Statement>,
        server: &'c Server,
        write: bool,
        clock: Clock,
    ) -> Result<PgTx<'c>> {
        let begin = if write {
            "BEGIN"
        } else {
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        };
        // Sent with the first statement, in the same round trip.
        client.begin(begin);
        Ok(PgTx {
            client,
            open: true,
            statements,
            server,
            write,
            clock,
            now: clock.now(),
            held: HashSet::new(),
            batch: Batch::default(),
            failed: false,
        })
    }

    pub(super) fn fail(&mut self, e: Failure) -> Error {
        self.failed = true;
        self.server.error(e)
    }

    /// A row that does not hold what it should.
    pub(super) fn unreadable(&self, e: &ColumnError) -> Error {
        Error::Store {
            path: self.server.path().to_path_buf(),
            message: format!("a stored row cannot be read ({e})"),
            source: None,
        }
    }

    pub(super) fn statement(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(prepared) = self.statements.get(sql) {
            return Ok(prepared.clone());
        }
        let prepared = self.client.prepare(sql).map_err(|e| self.fail(e))?;
        self.statements.insert(sql, prepared.clone());
        Ok(prepared)
    }

    /// Every statement first writes what the batch holds back, so that it
    /// sees the store as the spends before it left it.
    pub(super) fn rows(&mut self, sql: &'static str, params: Params<'_>) -> Result<Vec<Row>> {
        self.flush()?;
        self.rows_as_written(sql, params)
    }

    /// [`PgTx::rows`] without writing the batch first: for reads that
    /// count what it holds themselves.
    pub(super) fn rows_as_written(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Vec<Row>> {
        let statement = self.statement(sql)?;
        self.client
            .query(&statement, params)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn row(&mut self, sql: &'static str, params: Params<'_>) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    pub(super) fn one(&mut self, sql: &'static str, params: Params<'_>) -> Result<Row> {
        let row = self.row(sql, params)?;
        row.ok_or_else(|| {
            self.failed = true;
            Error::Store {
                path: self.server.path().to_path_buf(),
                message: "a statement that returns a row returned none".into(),
                source: None,
            }
        })
    }

    pub(super) fn run(&mut self, sql: &'static str, params: Params<'_>) -> Result<u64> {
        self.flush()?;
        let statement = self.statement(sql)?;
        self.client
            .execute(&statement, params)
            .map_err(|e| self.fail(e))
    }

    /// A statement made for the occasion (not kept prepared).
    pub(super) fn query_text(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>> {
        self.flush()?;
        self.client
            .query_text(sql, params)
            .map_err(|e| self.fail(e))
    }

    /// [`PgTx::query_text`] for a statement that returns no rows.
    pub(super) fn execute_text(&mut self, sql: &str, params: Params<'_>) -> Result<u64> {
        self.flush()?;
        self.client
            .execute_text(sql, params)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn int(&self, row: &Row, column: usize) -> Result<i64> {
        row.int(column).map_err(|e| self.unreadable(&e))
    }

    fn key_rows(&mut self, sql: &'static str, params: Params<'_>) -> Result<Vec<Key>> {
        let now = self.now;
        let rows = self.rows(sql, params)?;
        rows.iter()
            .map(|r| key_from(r, now).map_err(|e| self.unreadable(&e)))
            .collect()
    }

    fn key_row(&mut self, sql: &'static str, params: Params<'_>) -> Result<Option<Key>> {
        Ok(self.key_rows(sql, params)?.into_iter().next())
    }

    fn vanished(&self, pk: KeyPk) -> Error {
        Error::Store {
            path: self.server.path().to_path_buf(),
            message: format!("key row {} vanished inside a transaction", pk.0),
            source: None,
        }
    }
}

impl Tx for PgTx<'_> {
    fn now(&self) -> Timestamp {
        self.now
    }

    fn hold_account(&mut self, account: AccountPk) -> Result<()> {
        if self.write {
            self.rows(
                "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE",
                &[&account.0],
            )?;
        }
        Ok(())
    }

    fn hold_keys(&mut self, keys: &[KeyPk]) -> Result<()> {
        let mut wanted: Vec<i64> = keys
            .iter()
            .map(|k| k.0)
            .filter(|k| !self.held.contains(k))
            .collect();
        if !self.write || wanted.is_empty() {
            return Ok(());
        }
        wanted.sort_unstable();
        wanted.dedup();
        let rows = self.rows(
            "SELECT id FROM keys WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&wanted],
        )?;
        for row in rows {
            let id = self.int(&row, 0)?;
            self.held.insert(id);
        }
        Ok(())
    }

    fn hold_keys_for(&mut self, digests: &[KeyDigest]) -> Result<()> {
        let mut rows = Vec::new();
        if self.write && !digests.is_empty() {
            let wanted: Vec<&[u8]> = digests.iter().map(|d| &d.0[..]).collect();
            // Held and read in one statement: the batch decides on these.
            rows = self.rows(
                concat!(
                    "SELECT ",
                    key_columns!(),
                    ", s.retires_at, s.digest FROM secrets s JOIN keys k ON k.id = s.key_id \
                     JOIN accounts a ON a.id = k.account_id WHERE s.digest = ANY($1) \
                     ORDER BY k.id FOR UPDATE OF k"
                ),
                &[&wanted],
            )?;
        }
        // Decided at the instant its keys were held, not when it began
        // waiting for them.
        self.now = self.clock.now();
        let now = self.now;
        for digest in digests {
            self.batch.learn(digest.0, None);
        }
        for row in &rows {
            let found = key_from(row, now).and_then(|key| {
                let retires_at = ts(row.opt_int(RETIRES_AT)?);
                let digest: &[u8] = row
                    .try_get(RETIRES_AT + 1)
                    .map_err(|e| ColumnError::new(RETIRES_AT + 1, e))?;
                Ok((key, retires_at, digest))
            });
            let (key, retires_at, digest) = found.map_err(|e| self.unreadable(&e))?;
            let Ok(digest) = <[u8; 32]>::try_from(digest) else {
                continue;
            };
            self.held.insert(key.pk.0);
            self.batch
                .learn(digest, Some(SecretMatch { key, retires_at }));
        }
        Ok(())
    }

    fn hold_key(&mut self, key: KeyPk) -> Result<Option<Key>> {
        if !self.write || self.held.contains(&key.0) {
            return Ok(None);
        }
        let held = self.key_row(select_key!("WHERE k.id = $1 FOR UPDATE OF k"), &[&key.0])?;
        let held = held.ok_or_else(|| self.vanished(key))?;
        self.held.insert(key.0);
        Ok(Some(held))
    }

    fn account(&mut self, name: &str) -> Result<Option<Account>> {
        let row = self.row(select_account!("WHERE a.name = $1"), &[&name])?;
        row.map(|r| account_from(&r).map_err(|e| self.unreadable(&e)))
            .transpose()
    }

    fn accounts(&mut self) -> Result<Vec<Account>> {
        // Byte order, as SQLite sorts, whatever the database's collation.
        let rows = self.rows(select_account!("ORDER BY a.name COLLATE \"C\""), &[])?;
        rows.iter()
            .map(|r| account_from(r).map_err(|e| self.unreadable(&e)))
            .collect()
    }

    fn insert_account(&mut self, name: &AccountName) -> Result<AccountPk> {
        // A racing writer may have taken the name since the caller looked.
        let now = self.now.unix();
        let row = self.row(
            "INSERT INTO accounts (name, created_at) VALUES ($1, $2)
             ON CONFLICT (name) DO NOTHING RETURNING id",
            &[&name.as_str(), &now],
        )?;
        match row {
            Some(row) => Ok(AccountPk(self.int(&row, 0)?)),
            None => Err(Refusal::AccountExists(name.to_string()).into()),
        }
    }

    fn key_by_id(&mut self, id: &KeyId) -> Result<Option<Key>> {
        self.key_row(select_key!("WHERE k.public_id = $1"), &[&id.as_str()])
    }

    fn key_by_name(&mut self, account: AccountPk, name: &str) -> Result<Option<Key>> {
        // The active key with the name, else the one revoked last.
        self.key_row(
            select_key!(
                "WHERE k.account_id = $1 AND k.name = $2
                 ORDER BY k.revoked_at IS NULL DESC, k.revoked_at DESC, k.id DESC LIMIT 1"
            ),
            &[&account.0, &name],
        )
    }

    fn key_by_digest(&mut self, digest: &KeyDigest) -> Result<Option<SecretMatch>> {
        if let Some(known) = self.batch.by_digest(&digest.0) {
            return Ok(known);
        }
        let now = self.now;
        let Some(row) = self.row(KEY_BY_DIGEST, &[&&digest.0[..]])? else {
            return Ok(None);
        };
        let found = key_from(&row, now).and_then(|key| {
            Ok(SecretMatch {
                key,
                retires_at: ts(row.opt_int(RETIRES_AT)?),
            })
        });
        found.map(Some).map_err(|e| self.unreadable(&e))
    }

    fn key_by_pk(&mut self, pk: KeyPk) -> Result<Key> {
        let key = self.key_row(select_key!("WHERE k.id = $1"), &[&pk.0])?;
        key.ok_or_else(|| self.vanished(pk))
    }

    fn keys(&mut self, account: AccountPk, include_revoked: bool) -> Result<Vec<Key>> {
        if include_revoked {
            self.key_rows(
                select_key!("WHERE k.account_id = $1 ORDER BY k.id"),
                &[&account.0],
            )
        } else {
            self.key_rows(
                select_key!("WHERE k.account_id = $1 AND k.revoked_at IS NULL ORDER BY k.id"),
                &[&account.0],
            )
        }
    }

    fn count_active_keys(&mut self, account: AccountPk) -> Result<usize> {
        let row = self.one(
            "SELECT COUNT(*) FROM keys WHERE account_id = $1 AND revoked_at IS NULL",
            &[&account.0],
        )?;
        Ok(self.int(&row, 0)? as usize)
    }

    fn active_key_names(&mut self, account: AccountPk) -> Result<Vec<String>> {
        let rows = self.rows(
            "SELECT name FROM keys WHERE account_id = $1 AND revoked_at IS NULL",
            &[&account.0],
        )?;
        rows.iter()
            .map(|r| {
                r.text(0)
                    .map(str::to_owned)
                    .map_err(|e| self.unreadable(&e))
            })
            .collect()
    }

    fn account_ever_had_key(&mut self, account: AccountPk) -> Result<bool> {
        let row = self.one(
            "SELECT COUNT(*) FROM (SELECT 1 FROM keys WHERE account_id = $1 LIMIT 1) AS any_key",
            &[&account.0],
        )?;
        Ok(self.int(&row, 0)? > 0)
    }

    fn insert_key(&mut self, row: &NewKeyRow<'_>) -> Result<KeyPk> {
        let sec = row.security;
        let now = self.now.unix();
        let inserted = self.one(
            "INSERT INTO keys (public_id, account_id, name, hint, created_at, expires_at,
                    allowed_urls, allowed_ips, scopes, daily_limit, monthly_limit,
                    ip_daily_limit, redact_days, notify_emails, low_balance)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                 RETURNING id",
            &[
                &row.id.as_str(),
                &row.account.0,
                &row.name.as_str(),
                &row.hint,
                &now,
                &row.expires_at.map(Timestamp::unix),
                &join_list(&sec.allowed_urls),
                &join_list(&sec.allowed_ips),
                &join_list(&sec.scopes),
                &to_sql_limit(sec.daily_limit),
                &to_sql_limit(sec.monthly_limit),
                &to_sql_limit(sec.ip_daily_limit),
                &i64::from(sec.redact_days),
                &join_list(&row.notify.emails),
                &to_sql_limit(row.notify.low_balance),
            ],
        )?;
        let pk = self.int(&inserted, 0)?;
        // Made here, so no other transaction can be holding it.
        self.held.insert(pk);
        Ok(KeyPk(pk))
    }

    fn insert_secret(&mut self, key: KeyPk, digest: &KeyDigest) -> Result<()> {
        self.batch.forget(key);
        self.batch.forget_digests();
        self.run(
            "INSERT INTO secrets (digest, key_id) VALUES ($1, $2)",
            &[&&digest.0[..], &key.0],
        )
        .map(drop)
    }

    fn retire_secrets(&mut self, key: KeyPk, until: Timestamp) -> Result<()> {
        self.batch.forget(key);
        self.batch.forget_digests();
        let now = self.now.unix();
        self.run(
            "UPDATE secrets SET retires_at = LEAST(COALESCE(retires_at, $2), $2) WHERE key_id = $1",
            &[&key.0, &until.unix()],
        )?;
        self.run(
            "DELETE FROM secrets WHERE key_id = $1 AND retires_at <= $2",
            &[&key.0, &now],
        )
        .map(drop)
    }

    fn rename_key(&mut self, key: KeyPk, name: &KeyName) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET name = $2 WHERE id = $1",
            &[&key.0, &name.as_str()],
        )
        .map(drop)
    }

    fn set_hint(&mut self, key: KeyPk, hint: &str) -> Result<()> {
        self.batch.forget(key);
        self.run("UPDATE keys SET hint = $2 WHERE id = $1", &[&key.0, &hint])
            .map(drop)
    }

    fn revoke(&mut self, key: KeyPk, reason: Option<&str>) -> Result<()> {
        self.batch.forget(key);
        let now = self.now.unix();
        self.run(
            "UPDATE keys SET revoked_at = $2, revoke_reason = $3 WHERE id = $1",
            &[&key.0, &now, &reason],
        )
        .map(drop)
    }

    fn change_balance(
        &mut self,
        key: KeyPk,
        delta: i64,
        reason: LedgerReason,
        note: Option<&str>,
    ) -> Result<i64> {
        self.batch.forget(key);
        let row = self.one(
            "UPDATE keys SET balance = balance + $2 WHERE id = $1 RETURNING balance",
            &[&key.0, &delta],
        )?;
        let balance = self.int(&row, 0)?;
        let now = self.now.unix();
        self.run(
            "INSERT INTO ledger (key_id, at, delta, reason, note) VALUES ($1, $2, $3, $4, $5)",
            &[&key.0, &now, &delta, &reason.as_str(), &note],
        )?;
        Ok(balance)
    }

    fn spend(&mut self, spend: &Spend) -> Result<i64> {
        // A key the batch holds is spent on its copy, written at the end.
        if let Some(balance) = self.batch.spend(spend, self.now) {
            return Ok(balance);
        }
        let now = self.now.unix();
        let cost = to_sql_count(spend.cost);
        let c = spend.counters;
        let r = spend.raised;
        // Conditional: a balance that no longer covers the cost (which the
        // held key rules out) spends nothing.
        let row = self.row(
            "UPDATE keys SET balance = balance - $2, day = $3, day_count = $4,
                    month = $5, month_count = $6, last_used_at = GREATEST(last_used_at, $7),
                    warned_day = $8, limit_day = $9, limit_month = $10, expiry_noticed = $11
              WHERE id = $1 AND balance >= $2
              RETURNING balance",
            &[
                &spend.key.0,
                &cost,
                &c.day,
                &to_sql_count(c.day_count),
                &c.month,
                &to_sql_count(c.month_count),
                &now,
                &r.warned_day,
                &r.limit_day,
                &r.limit_month,
                &i64::from(r.expiry),
            ],
        )?;
        let Some(row) = row else {
            self.failed = true;
            return Err(Error::Store {
                path: self.server.path().to_path_buf(),
                message: format!(
                    "key row {} no longer covers a spend decided on it",
                    spend.key.0
                ),
                source: None,
            });
        };
        let balance = self.int(&row, 0)?;
        self.batch.days.add(spend.key.0, c.day, cost);
        self.add_usage(spend.key, c.day, spend.ip, cost)?;
        Ok(balance)
    }

    fn ip_usage_today(&mut self, key: KeyPk, day: i64, ip: UsageIp) -> Result<u64> {
        self.usage_today_from(key, day, ip)
    }

    fn redact_usage(&mut self, key: KeyPk, before_day: i64) -> Result<()> {
        self.redact_key_usage(key, before_day)
    }

    fn redact_due_usage(&mut self, today: i64) -> Result<()> {
        self.redact_all_due_usage(today)
    }

    fn chore_day(&mut self, chore: &str) -> Result<Option<i64>> {
        self.day_chore_ran(chore)
    }

    fn set_chore_day(&mut self, chore: &str, day: i64) -> Result<()> {
        self.record_chore_day(chore, day)
    }

    fn usage_rows(&mut self, key: KeyPk, from_day: i64) -> Result<Vec<UsageRow>> {
        self.usage_since(key, from_day)
    }

    fn update_security(
        &mut self,
        key: KeyPk,
        security: &SecuritySettings,
        expires_at: Option<Timestamp>,
    ) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET allowed_urls = $2, allowed_ips = $3, scopes = $4,
                    daily_limit = $5, monthly_limit = $6, ip_daily_limit = $7,
                    redact_days = $8, expires_at = $9
                 WHERE id = $1",
            &[
                &key.0,
                &join_list(&security.allowed_urls),
                &join_list(&security.allowed_ips),
                &join_list(&security.scopes),
                &to_sql_limit(security.daily_limit),
                &to_sql_limit(security.monthly_limit),
                &to_sql_limit(security.ip_daily_limit),
                &i64::from(security.redact_days),
                &expires_at.map(Timestamp::unix),
            ],
        )
        .map(drop)
    }

    fn update_notify(&mut self, key: KeyPk, notify: &NotifySettings) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET notify_emails = $2, low_balance = $3 WHERE id = $1",
            &[
                &key.0,
                &join_list(&notify.emails),
                &to_sql_limit(notify.low_balance),
            ],
        )
        .map(drop)
    }

    fn set_raised(&mut self, key: KeyPk, raised: Raised) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET warned_day = $2, limit_day = $3, limit_month = $4,
                    expiry_noticed = $5 WHERE id = $1",
            &[
                &key.0,
                &raised.warned_day,
                &raised.limit_day,
                &raised.limit_month,
                &i64::from(raised.expiry),
            ],
        )
        .map(drop)
    }

    fn insert_event(&mut self, key: &Key, event: &NewEvent) -> Result<()> {
        self.insert_outbox_event(key, event)
    }

    fn events(&mut self, all: bool) -> Result<Vec<Event>> {
        self.outbox_events(all)
    }

    fn pending_event_ids(&mut self) -> Result<Vec<i64>> {
        self.pending_ids()
    }

    fn event(&mut self, id: i64) -> Result<Option<Event>> {
        self.outbox_event(id)
    }

    fn claim_event(&mut self, id: i64, holder: &Holder) -> Result<bool> {
        self.claim(id, holder)
    }

    fn record_attempt(&mut self, id: i64, token: &str, update: &EventUpdate) -> Result<bool> {
        self.record(id, token, update)
    }

    fn set_event_state(&mut self, id: i64, update: &EventUpdate) -> Result<()> {
        self.set_state(id, update)
    }

    fn keys_expiring_before(&mut self, horizon: Timestamp) -> Result<Vec<Key>> {
        self.key_rows(
            select_key!(
                "WHERE k.expiry_noticed = 0 AND k.revoked_at IS NULL
                 AND k.expires_at IS NOT NULL AND k.expires_at <= $1 ORDER BY k.id"
            ),
            &[&horizon.unix()],
        )
    }

    fn ledger_sum(&mut self, key: KeyPk) -> Result<i64> {
        self.flush()?;
        let row = self.one(
            "SELECT COALESCE(SUM(delta), 0)::BIGINT FROM ledger WHERE key_id = $1",
            &[&key.0],
        )?;
        self.int(&row, 0)
    }

    fn ledger_mismatches(&mut self) -> Result<Vec<LedgerMismatch>> {
        self.flush()?;
        self.mismatches()
    }

    fn repeated_test_balances(&mut self) -> Result<Vec<(String, u64)>> {
        self.repeated_tests()
    }

    fn integrity_problems(&mut self) -> Result<Vec<String>> {
        self.integrity()
    }

    fn audit(&mut self, actor: &str, entry: &NewAudit<'_>) -> Result<()> {
        self.insert_audit(actor, entry)
    }

    fn audit_entries(&mut self, account: AccountPk, key: Option<KeyPk>) -> Result<Vec<AuditEntry>> {
        self.audit_rows(account, key)
    }

    fn table_rows(
        &mut self,
        table: &Table,
        after: Option<&[Value]>,
        limit: usize,
    ) -> Result<Vec<Vec<Value>>> {
        self.rows_of(table, after, limit)
    }

    fn insert_rows(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<()> {
        self.insert_all(table, rows)
    }

    fn clear_new_store(&mut self) -> Result<()> {
        self.clear_new()
    }

    fn after_insert(&mut self) -> Result<()> {
        self.follow_ids()
    }

    fn write_held(&mut self) -> Result<()> {
        self.flush()
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush()?;
        if self.failed {
            // PostgreSQL would answer COMMIT with a rollback.
            return Err(Error::Store {
                path: self.server.path().to_path_buf(),
                message: "a statement of the transaction failed, so nothing of it was kept".into(),
                source: None,
            });
        }
        let committed = self.client.end("COMMIT");
        self.open = false;
        committed.map_err(|e| match e {
            // The server may have committed before the answer was lost.
            Failure::Postgres(e) if e.as_db_error().is_none() => Error::store(
                self.server.path(),
                "the connection to the server was lost as the change was committed: it may or may not have been kept (check with `apikey show`)",
                e,
            ),
            Failure::TimedOut(_) => Error::Store {
                path: self.server.path().to_path_buf(),
                message: "the server did not answer the commit in time: the change may or may not have been kept (check with `apikey show`)".into(),
                source: None,
            },
            e => self.server.error(e),
        })
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        // Nothing to report to: a connection that is gone has rolled the
        // transaction back with it.
        if self.open && !self.client.is_closed() {
            let _ = self.client.end("ROLLBACK");
        }
    }
}
