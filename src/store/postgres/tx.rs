//! `Tx` on PostgreSQL. A write is READ COMMITTED and holds the rows its
//! rules are about (`FOR NO KEY UPDATE`: other writers of the row wait,
//! inserts that only refer to it do not), in one order for every transaction:
//! accounts, then keys by id. Once a row is held, every later statement
//! sees every change committed to it before. A read is one REPEATABLE READ
//! snapshot. Statements are prepared once per connection.

use std::collections::{HashMap, HashSet};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

use super::batch::Batch;
use super::client::{Client, Failure};
use super::errors::Server;
use super::statements::RETIRES_AT;
use crate::account::{Account, AccountName, AccountPk};
use crate::audit::AuditEntry;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::key::{Key, KeyId, KeyName, KeyPk};
use crate::notify::NotifySettings;
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, NewEvent, Raised};
use crate::notify::sender::Holder;
use crate::rate::Hit;
use crate::secret::KeyDigest;
use crate::security::SecuritySettings;
use crate::store::Clock;
use crate::store::backend::{
    ChoreDay, LedgerEntry, LedgerMismatch, NewAudit, NewKeyRow, RefUse, SecretMatch, Spend, Tx,
};
use crate::store::columns::{ColumnError, Columns, key_from, ts};
use crate::store::copy::{Table, Value};
use crate::usage::{BalanceChange, UsageIp, UsageRow};

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

    fn bytes(&self, column: usize) -> std::result::Result<&[u8], ColumnError> {
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
    /// `now` to the millisecond, read at the same moment.
    pub(super) now_ms: i64,
    /// Keys this transaction holds.
    pub(super) held: HashSet<i64>,
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
    ) -> PgTx<'c> {
        let begin = if write {
            "BEGIN"
        } else {
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        };
        // Sent with the first statement, in the same round trip.
        client.begin(begin);
        let now_ms = clock.now_ms();
        PgTx {
            client,
            open: true,
            statements,
            server,
            write,
            clock,
            now: Timestamp::from_unix_ms(now_ms),
            now_ms,
            held: HashSet::new(),
            batch: Batch::default(),
            failed: false,
        }
    }

    /// Reads the clock (again): a decision is made at the time its holds
    /// were had, not when the wait for them began.
    fn read_clock(&mut self) {
        self.now_ms = self.clock.now_ms();
        self.now = Timestamp::from_unix_ms(self.now_ms);
    }

    pub(super) fn fail(&mut self, e: Failure) -> Error {
        self.failed = true;
        self.server.error(e)
    }

    /// A row that does not hold what it should.
    pub(super) fn unreadable(&self, e: &ColumnError) -> Error {
        self.server
            .failure(format!("a stored row cannot be read ({e})"))
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
            self.server
                .failure("a statement that returns a row returned none")
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

    pub(super) fn key_rows(&mut self, sql: &'static str, params: Params<'_>) -> Result<Vec<Key>> {
        let now = self.now;
        let rows = self.rows(sql, params)?;
        rows.iter()
            .map(|r| key_from(r, now).map_err(|e| self.unreadable(&e)))
            .collect()
    }

    pub(super) fn key_row(&mut self, sql: &'static str, params: Params<'_>) -> Result<Option<Key>> {
        Ok(self.key_rows(sql, params)?.into_iter().next())
    }

    pub(super) fn vanished(&self, pk: KeyPk) -> Error {
        self.server
            .failure(format!("key row {} vanished inside a transaction", pk.0))
    }
}

impl Tx for PgTx<'_> {
    fn now(&self) -> Timestamp {
        self.now
    }

    fn now_ms(&self) -> i64 {
        self.now_ms
    }

    fn hold_account(&mut self, account: AccountPk) -> Result<()> {
        if self.write {
            self.rows(
                "SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE",
                &[&account.0],
            )?;
            // What follows is decided once the hold is had, not when the
            // wait for it began.
            self.read_clock();
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
            "SELECT id FROM keys WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
            &[&wanted],
        )?;
        for row in rows {
            let id = self.int(&row, 0)?;
            self.held.insert(id);
        }
        self.read_clock();
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
                     ORDER BY k.id FOR NO KEY UPDATE OF k"
                ),
                &[&wanted],
            )?;
        }
        // Decided at the instant its keys were held, not when it began
        // waiting for them.
        self.read_clock();
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
        let held = self.key_row(
            select_key!("WHERE k.id = $1 FOR NO KEY UPDATE OF k"),
            &[&key.0],
        )?;
        let held = held.ok_or_else(|| self.vanished(key))?;
        self.held.insert(key.0);
        self.read_clock();
        Ok(Some(held))
    }

    fn account(&mut self, name: &str) -> Result<Option<Account>> {
        self.account_named(name)
    }

    fn accounts(&mut self) -> Result<Vec<Account>> {
        self.all_accounts()
    }

    fn insert_account(&mut self, name: &AccountName) -> Result<AccountPk> {
        self.new_account(name)
    }

    fn key_by_id(&mut self, id: &KeyId) -> Result<Option<Key>> {
        self.key_with_id(id)
    }

    fn key_by_name(&mut self, account: AccountPk, name: &str) -> Result<Option<Key>> {
        self.key_named(account, name)
    }

    fn key_by_digest(&mut self, digest: &KeyDigest) -> Result<Option<SecretMatch>> {
        self.key_with_digest(digest)
    }

    fn key_by_pk(&mut self, pk: KeyPk) -> Result<Key> {
        self.key_at(pk)
    }

    fn keys(&mut self, account: AccountPk, include_revoked: bool) -> Result<Vec<Key>> {
        self.account_keys(account, include_revoked)
    }

    fn count_active_keys(&mut self, account: AccountPk) -> Result<usize> {
        self.active_count(account)
    }

    fn active_key_names(&mut self, account: AccountPk) -> Result<Vec<String>> {
        self.active_names(account)
    }

    fn account_ever_had_key(&mut self, account: AccountPk) -> Result<bool> {
        self.ever_had_key(account)
    }

    fn insert_key(&mut self, row: &NewKeyRow<'_>) -> Result<KeyPk> {
        self.new_key(row)
    }

    fn insert_secret(&mut self, key: KeyPk, digest: &KeyDigest) -> Result<()> {
        self.new_secret(key, digest)
    }

    fn retire_secrets(&mut self, key: KeyPk, until: Timestamp) -> Result<()> {
        self.end_secrets(key, until)
    }

    fn rename_key(&mut self, key: KeyPk, name: &KeyName) -> Result<()> {
        self.set_name(key, name)
    }

    fn set_hint(&mut self, key: KeyPk, hint: &str) -> Result<()> {
        self.new_hint(key, hint)
    }

    fn revoke(&mut self, key: KeyPk, reason: Option<&str>) -> Result<()> {
        self.revoke_key(key, reason)
    }

    fn change_balance(&mut self, key: KeyPk, delta: i64, entry: &LedgerEntry<'_>) -> Result<i64> {
        self.add_balance(key, delta, entry)
    }

    fn topup_by_ref(&mut self, account: AccountPk, reference: &str) -> Result<Option<RefUse>> {
        self.ref_use(account, reference)
    }

    fn spend(&mut self, spend: &Spend) -> Result<i64> {
        self.spend_now(spend)
    }

    fn set_batches(
        &mut self,
        key: KeyPk,
        batches: &[crate::balance::batches::Batch],
        due_at: Option<Timestamp>,
    ) -> Result<()> {
        self.store_batches(key, batches, due_at)
    }

    fn keys_with_batches_due(&mut self, now: Timestamp) -> Result<Vec<KeyPk>> {
        let rows = self.rows(
            "SELECT id FROM keys WHERE batches_due_at IS NOT NULL AND batches_due_at <= $1
              ORDER BY id",
            &[&now.unix()],
        )?;
        rows.iter().map(|r| self.int(r, 0).map(KeyPk)).collect()
    }

    fn set_auto_topup(
        &mut self,
        key: KeyPk,
        settings: Option<&crate::balance::AutoTopup>,
    ) -> Result<()> {
        self.store_auto_topup(key, settings)
    }

    fn set_auto_fired(&mut self, key: KeyPk, day: i64, count: u32) -> Result<()> {
        self.store_auto_fired(key, day, count)
    }

    fn set_suspended(&mut self, key: KeyPk, suspended: bool) -> Result<()> {
        self.suspend_key(key, suspended)
    }

    fn rate_hits(&mut self, key: KeyPk, seqs: &[i64]) -> Result<Vec<Hit>> {
        self.read_rate_hits(key, seqs)
    }

    fn add_rate_hit(&mut self, key: KeyPk, hit: Hit) -> Result<()> {
        self.write_rate_hit(key, hit)
    }

    fn forget_rate_hits(&mut self, key: KeyPk, through: i64) -> Result<()> {
        self.forget_rate_hits_through(key, through)
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

    fn chore_day(&mut self, chore: &str) -> Result<ChoreDay> {
        self.day_chore_ran(chore)
    }

    fn set_chore_day(&mut self, chore: &str, day: i64) -> Result<()> {
        self.record_chore_day(chore, day)
    }

    fn balance_changes(&mut self, key: KeyPk, from: Timestamp) -> Result<Vec<BalanceChange>> {
        self.changes_since(key, from)
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
        self.set_security(key, security, expires_at)
    }

    fn update_notify(&mut self, key: KeyPk, notify: &NotifySettings) -> Result<()> {
        self.set_notify(key, notify)
    }

    fn set_raised(&mut self, key: KeyPk, raised: Raised) -> Result<()> {
        self.set_markers(key, raised)
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
        self.expiring_keys(horizon)
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

    fn hold_all(&mut self) -> Result<()> {
        self.hold_tables()
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
            return Err(self
                .server
                .failure("a statement of the transaction failed, so nothing of it was kept"));
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
            Failure::TimedOut(_) => self.server.failure("the server did not answer the commit in time: the change may or may not have been kept (check with `apikey show`)"),
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
        self.client.abandon_if_broken();
    }
}
