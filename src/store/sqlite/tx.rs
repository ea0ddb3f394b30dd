//! `Tx` for SQLite: every statement the rules need, each prepared once per
//! connection and reused from rusqlite's statement cache.

use rusqlite::{Connection, OptionalExtension, params};

use super::ErrorContext;
use super::rows::{SELECT_ACCOUNT, account_from_row, key_from_row};
use super::sql::{self, KEY_COLUMN_COUNT};
use crate::account::{Account, AccountName, AccountPk};
use crate::audit::AuditEntry;
use crate::balance::AutoTopup;
use crate::balance::batches::Batch;
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
use crate::store::columns::{ip_text, join_list, rate_list, to_sql_count, to_sql_limit, ts};
use crate::store::copy::{Table, Value};
use crate::store::spends::DaySpends;
use crate::usage::{BalanceChange, UsageIp, UsageRow};

/// One transaction on the connection. BEGIN, COMMIT and ROLLBACK go
/// through the statement cache like every other statement (rusqlite's
/// `Transaction` parses them afresh each time, a sixth of a read-only
/// verification's cost). Dropped without `commit`, it rolls back.
pub(crate) struct SqliteTx<'c> {
    txn: &'c Connection,
    open: bool,
    pub(super) now: Timestamp,
    /// `now` to the millisecond, read at the same moment.
    now_ms: i64,
    pub(super) errors: ErrorContext,
    /// Spends not yet added to the ledger's day rows: written before the
    /// commit and before anything reads the ledger.
    spent: DaySpends,
}

impl<'c> SqliteTx<'c> {
    /// Begins a transaction; `immediate` takes the write lock at once.
    pub(crate) fn begin(
        conn: &'c Connection,
        immediate: bool,
        clock: Clock,
        errors: ErrorContext,
    ) -> Result<Self> {
        let begin = if immediate {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN DEFERRED"
        };
        run(conn, begin).map_err(|e| errors.wrap(e))?;
        // After BEGIN: a write waited for the lock, and must not decide on
        // the time it started waiting.
        let now_ms = clock.now_ms();
        Ok(SqliteTx {
            txn: conn,
            open: true,
            now: Timestamp::from_unix_ms(now_ms),
            now_ms,
            errors,
            spent: DaySpends::default(),
        })
    }
}

fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

#[cfg(test)]
thread_local! {
    /// Every statement a test's transactions prepared, for checks on how
    /// often SQLite had to compile them again.
    pub(crate) static PREPARED: std::cell::RefCell<std::collections::BTreeSet<String>> =
        const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

impl<'c> SqliteTx<'c> {
    /// Every statement goes through here: from the connection's cache.
    pub(super) fn stmt(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
        #[cfg(test)]
        PREPARED.with(|p| p.borrow_mut().insert(sql.to_owned()));
        self.txn.prepare_cached(sql)
    }
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        // Nothing to report to: a failed rollback (say, after SQLite already
        // rolled back on an I/O error) leaves no transaction behind either.
        if self.open && !self.txn.is_autocommit() {
            let _ = run(self.txn, "ROLLBACK");
        }
    }
}

impl SqliteTx<'_> {
    pub(super) fn fail(&self, e: rusqlite::Error) -> Error {
        self.errors.wrap(e)
    }

    /// Adds the spends held so far to their keys' day rows, one statement
    /// per key and day.
    fn write_spends(&mut self) -> Result<()> {
        if self.spent.is_empty() {
            return Ok(());
        }
        // Every spend of a transaction is at its one instant.
        let at = self.now.unix();
        let written = self.stmt(sql::LEDGER_SPEND).and_then(|mut add| {
            self.spent.held().try_for_each(|((key, day), spent)| {
                add.execute(params![key, at, -spent.lookups, day, spent.spends])
                    .map(drop)
            })
        });
        self.spent.clear();
        if let Err(e) = written {
            // Some rows may be written and others not: the transaction
            // ends here, so that nothing of it can be committed.
            let _ = run(self.txn, "ROLLBACK");
            self.open = false;
            return Err(self.fail(e));
        }
        Ok(())
    }

    fn key_where(&mut self, sql: &str, param: &dyn rusqlite::ToSql) -> Result<Option<Key>> {
        let now = self.now;
        let mut stmt = self.stmt(sql).map_err(|e| self.fail(e))?;
        stmt.query_row([param], |r| key_from_row(r, now))
            .optional()
            .map_err(|e| self.errors.wrap(e))
    }
}

impl Tx for SqliteTx<'_> {
    fn now(&self) -> Timestamp {
        self.now
    }

    fn now_ms(&self) -> i64 {
        self.now_ms
    }

    // The write lock (BEGIN IMMEDIATE) holds the whole store.
    fn hold_account(&mut self, _account: AccountPk) -> Result<()> {
        Ok(())
    }

    fn hold_keys(&mut self, _keys: &[KeyPk]) -> Result<()> {
        Ok(())
    }

    fn hold_keys_for(&mut self, _digests: &[KeyDigest]) -> Result<()> {
        Ok(())
    }

    fn hold_key(&mut self, _key: KeyPk) -> Result<Option<Key>> {
        Ok(None)
    }

    fn account(&mut self, name: &str) -> Result<Option<Account>> {
        let sql = format!("{SELECT_ACCOUNT} WHERE a.name = ?1");
        let mut stmt = self.stmt(&sql).map_err(|e| self.errors.wrap(e))?;
        stmt.query_row([name], account_from_row)
            .optional()
            .map_err(|e| self.errors.wrap(e))
    }

    fn accounts(&mut self) -> Result<Vec<Account>> {
        let sql = format!("{SELECT_ACCOUNT} ORDER BY a.name");
        let mut stmt = self.stmt(&sql).map_err(|e| self.errors.wrap(e))?;
        stmt.query_map([], account_from_row)
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))
    }

    fn insert_account(&mut self, name: &AccountName) -> Result<AccountPk> {
        self.stmt("INSERT INTO accounts (name, created_at) VALUES (?1, ?2)")
            .and_then(|mut s| s.insert(params![name.as_str(), self.now.unix()]))
            .map(AccountPk)
            .map_err(|e| self.fail(e))
    }

    fn key_by_id(&mut self, id: &KeyId) -> Result<Option<Key>> {
        self.key_where(select_key!("WHERE k.public_id = ?1"), &id.as_str())
    }

    fn key_by_name(&mut self, account: AccountPk, name: &str) -> Result<Option<Key>> {
        // Every key that ever had the name (one active at most, and any
        // revoked ones), chosen here: an ORDER BY ... LIMIT would make SQLite
        // re-prepare the statement for each new name.
        let now = self.now;
        let mut stmt = self
            .stmt(select_key!("WHERE k.account_id = ?1 AND k.name = ?2"))
            .map_err(|e| self.errors.wrap(e))?;
        let keys: Vec<Key> = stmt
            .query_map(params![account.0, name], |r| key_from_row(r, now))
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))?;
        Ok(keys
            .into_iter()
            .max_by_key(|k| (k.revoked_at.is_none(), k.revoked_at, k.pk.0)))
    }

    fn key_by_digest(&mut self, digest: &KeyDigest) -> Result<Option<SecretMatch>> {
        let now = self.now;
        let mut stmt = self
            .stmt(sql::KEY_BY_DIGEST)
            .map_err(|e| self.errors.wrap(e))?;
        stmt.query_row([&digest.0[..]], |r| {
            Ok(SecretMatch {
                key: key_from_row(r, now)?,
                retires_at: ts(r.get(KEY_COLUMN_COUNT)?),
            })
        })
        .optional()
        .map_err(|e| self.errors.wrap(e))
    }

    fn key_by_pk(&mut self, pk: KeyPk) -> Result<Key> {
        self.key_where(select_key!("WHERE k.id = ?1"), &pk.0)?
            .ok_or_else(|| Error::Store {
                path: self.errors.path.to_path_buf(),
                message: format!("key row {} vanished inside a transaction", pk.0),
                source: None,
            })
    }

    fn keys(&mut self, account: AccountPk, include_revoked: bool) -> Result<Vec<Key>> {
        // One fixed statement per case, sorted here: SQLite re-prepares a
        // statement whose WHERE binds a flag, or that has an ORDER BY beside
        // a bound equality, for every new value (see BENCHMARKS.md).
        let now = self.now;
        let sql = if include_revoked {
            select_key!("WHERE k.account_id = ?1")
        } else {
            select_key!("WHERE k.account_id = ?1 AND k.revoked_at IS NULL")
        };
        let mut stmt = self.stmt(sql).map_err(|e| self.errors.wrap(e))?;
        let mut keys: Vec<Key> = stmt
            .query_map([account.0], |r| key_from_row(r, now))
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))?;
        keys.sort_by_key(|k| k.pk.0);
        Ok(keys)
    }

    fn count_active_keys(&mut self, account: AccountPk) -> Result<usize> {
        self.stmt("SELECT COUNT(*) FROM keys WHERE account_id = ?1 AND revoked_at IS NULL")
            .and_then(|mut s| s.query_row([account.0], |r| r.get::<_, i64>(0)))
            .map(|n| n as usize)
            .map_err(|e| self.fail(e))
    }

    fn active_key_names(&mut self, account: AccountPk) -> Result<Vec<String>> {
        let mut stmt = self
            .stmt("SELECT name FROM keys WHERE account_id = ?1 AND revoked_at IS NULL")
            .map_err(|e| self.errors.wrap(e))?;
        stmt.query_map([account.0], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))
    }

    fn account_ever_had_key(&mut self, account: AccountPk) -> Result<bool> {
        self.stmt("SELECT EXISTS (SELECT 1 FROM keys WHERE account_id = ?1)")
            .and_then(|mut s| s.query_row([account.0], |r| r.get(0)))
            .map_err(|e| self.fail(e))
    }

    fn insert_key(&mut self, row: &NewKeyRow<'_>) -> Result<KeyPk> {
        let sec = row.security;
        self.stmt(
            "INSERT INTO keys (public_id, account_id, name, hint, created_at, expires_at,
                    allowed_urls, allowed_ips, scopes, daily_limit, monthly_limit,
                    ip_daily_limit, redact_days, notify_emails, low_balance, rate_limits)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )
        .and_then(|mut s| {
            s.insert(params![
                row.id.as_str(),
                row.account.0,
                row.name.as_str(),
                row.hint,
                self.now.unix(),
                row.expires_at.map(Timestamp::unix),
                join_list(&sec.allowed_urls),
                join_list(&sec.allowed_ips),
                join_list(&sec.scopes),
                to_sql_limit(sec.daily_limit),
                to_sql_limit(sec.monthly_limit),
                to_sql_limit(sec.ip_daily_limit),
                sec.redact_days,
                join_list(&row.notify.emails),
                to_sql_limit(row.notify.low_balance),
                rate_list(&sec.rate_limits),
            ])
        })
        .map(KeyPk)
        .map_err(|e| self.fail(e))
    }

    fn insert_secret(&mut self, key: KeyPk, digest: &KeyDigest) -> Result<()> {
        self.stmt("INSERT INTO secrets (digest, key_id) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![&digest.0[..], key.0]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    fn retire_secrets(&mut self, key: KeyPk, until: Timestamp) -> Result<()> {
        let now = self.now.unix();
        self.stmt(
            "UPDATE secrets SET retires_at = MIN(COALESCE(retires_at, ?2), ?2)
                 WHERE key_id = ?1",
        )
        .and_then(|mut s| s.execute(params![key.0, until.unix()]))
        .and_then(|_| {
            self.stmt("DELETE FROM secrets WHERE key_id = ?1 AND retires_at <= ?2")
                .and_then(|mut s| s.execute(params![key.0, now]))
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    fn rename_key(&mut self, key: KeyPk, name: &KeyName) -> Result<()> {
        self.stmt("UPDATE keys SET name = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, name.as_str()]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    fn set_hint(&mut self, key: KeyPk, hint: &str) -> Result<()> {
        self.stmt("UPDATE keys SET hint = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, hint]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    fn revoke(&mut self, key: KeyPk, reason: Option<&str>) -> Result<()> {
        self.stmt("UPDATE keys SET revoked_at = ?2, revoke_reason = ?3 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, self.now.unix(), reason]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    fn change_balance(&mut self, key: KeyPk, delta: i64, entry: &LedgerEntry<'_>) -> Result<i64> {
        self.add_to_balance(key, delta, entry)
    }

    fn topup_by_ref(&mut self, account: AccountPk, reference: &str) -> Result<Option<RefUse>> {
        self.ref_use(account, reference)
    }

    fn spend(&mut self, spend: &Spend) -> Result<i64> {
        let now = self.now.unix();
        let cost = to_sql_count(spend.cost);
        let c = spend.counters;
        self.stmt(sql::SPEND)
            .and_then(|mut s| {
                s.execute(params![
                    spend.key.0,
                    cost,
                    c.day,
                    to_sql_count(c.day_count),
                    c.month,
                    to_sql_count(c.month_count),
                    now,
                    spend.raised.warned_day,
                    spend.raised.limit_day,
                    spend.raised.limit_month,
                    spend.raised.expiry,
                    spend.rate.seq,
                    spend.rate.stored(),
                ])
            })
            .map_err(|e| self.fail(e))?;
        let balance: i64 = self
            .stmt(sql::KEY_BALANCE)
            .and_then(|mut s| s.query_row(params![spend.key.0], |r| r.get(0)))
            .map_err(|e| self.fail(e))?;
        self.spent.add(spend.key.0, c.day, cost);
        self.stmt(sql::USAGE_ADD)
            .and_then(|mut s| s.execute(params![spend.key.0, c.day, ip_text(spend.ip), cost]))
            .map_err(|e| self.fail(e))?;
        Ok(balance)
    }

    fn set_batches(
        &mut self,
        key: KeyPk,
        batches: &[Batch],
        due_at: Option<Timestamp>,
    ) -> Result<()> {
        self.store_batches(key, batches, due_at)
    }

    fn keys_with_batches_due(&mut self, now: Timestamp) -> Result<Vec<KeyPk>> {
        self.batches_due(now)
    }

    fn set_auto_topup(&mut self, key: KeyPk, settings: Option<&AutoTopup>) -> Result<()> {
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
        Ok(self
            .day_chore_ran(chore)?
            .map_or(ChoreDay::Never, ChoreDay::Ran))
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
        self.stmt(
            "UPDATE keys SET allowed_urls = ?2, allowed_ips = ?3, scopes = ?4,
                    daily_limit = ?5, monthly_limit = ?6, ip_daily_limit = ?7,
                    redact_days = ?8, expires_at = ?9, rate_limits = ?10
                 WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.execute(params![
                key.0,
                join_list(&security.allowed_urls),
                join_list(&security.allowed_ips),
                join_list(&security.scopes),
                to_sql_limit(security.daily_limit),
                to_sql_limit(security.monthly_limit),
                to_sql_limit(security.ip_daily_limit),
                security.redact_days,
                expires_at.map(Timestamp::unix),
                rate_list(&security.rate_limits),
            ])
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    fn update_notify(&mut self, key: KeyPk, notify: &NotifySettings) -> Result<()> {
        self.stmt("UPDATE keys SET notify_emails = ?2, low_balance = ?3 WHERE id = ?1")
            .and_then(|mut s| {
                s.execute(params![
                    key.0,
                    join_list(&notify.emails),
                    to_sql_limit(notify.low_balance)
                ])
            })
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    fn set_raised(&mut self, key: KeyPk, raised: Raised) -> Result<()> {
        self.stmt(
            "UPDATE keys SET warned_day = ?2, limit_day = ?3, limit_month = ?4,
                    expiry_noticed = ?5 WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.execute(params![
                key.0,
                raised.warned_day,
                raised.limit_day,
                raised.limit_month,
                raised.expiry
            ])
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    fn insert_event(&mut self, key: &Key, event: &NewEvent) -> Result<()> {
        super::outbox::insert(
            self.txn,
            key,
            event,
            &join_list(&key.notify.emails),
            self.now,
        )
        .map_err(|e| self.fail(e))
    }

    fn events(&mut self, all: bool) -> Result<Vec<Event>> {
        super::outbox::events(self.txn, all).map_err(|e| self.fail(e))
    }

    fn pending_event_ids(&mut self) -> Result<Vec<i64>> {
        super::outbox::pending_ids(self.txn).map_err(|e| self.fail(e))
    }

    fn event(&mut self, id: i64) -> Result<Option<Event>> {
        super::outbox::event(self.txn, id).map_err(|e| self.fail(e))
    }

    fn claim_event(&mut self, id: i64, holder: &Holder) -> Result<bool> {
        super::outbox::claim(self.txn, id, holder).map_err(|e| self.fail(e))
    }

    fn record_attempt(&mut self, id: i64, token: &str, update: &EventUpdate) -> Result<bool> {
        super::outbox::record(self.txn, id, token, update).map_err(|e| self.fail(e))
    }

    fn set_event_state(&mut self, id: i64, update: &EventUpdate) -> Result<()> {
        super::outbox::set_state(self.txn, id, update).map_err(|e| self.fail(e))
    }

    fn keys_expiring_before(&mut self, horizon: Timestamp) -> Result<Vec<Key>> {
        let now = self.now;
        let mut stmt = self
            .stmt(select_key!(
                "WHERE k.expiry_noticed = 0 AND k.revoked_at IS NULL
                 AND k.expires_at IS NOT NULL AND k.expires_at <= ?1"
            ))
            .map_err(|e| self.errors.wrap(e))?;
        stmt.query_map([horizon.unix()], |r| key_from_row(r, now))
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))
    }

    fn ledger_sum(&mut self, key: KeyPk) -> Result<i64> {
        self.write_spends()?;
        self.stmt("SELECT COALESCE(SUM(delta), 0) FROM ledger WHERE key_id = ?1")
            .and_then(|mut s| s.query_row([key.0], |r| r.get(0)))
            .map_err(|e| self.fail(e))
    }

    fn ledger_mismatches(&mut self) -> Result<Vec<LedgerMismatch>> {
        self.write_spends()?;
        super::check::ledger_mismatches(self.txn).map_err(|e| self.fail(e))
    }

    fn repeated_test_balances(&mut self) -> Result<Vec<(String, u64)>> {
        super::check::repeated_test_balances(self.txn).map_err(|e| self.fail(e))
    }

    fn integrity_problems(&mut self) -> Result<Vec<String>> {
        super::check::integrity_problems(self.txn).map_err(|e| self.fail(e))
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

    // BEGIN IMMEDIATE holds it already.
    fn hold_all(&mut self) -> Result<()> {
        Ok(())
    }

    fn clear_new_store(&mut self) -> Result<()> {
        self.clear_new()
    }

    // INTEGER PRIMARY KEY hands out the largest id plus one already.
    fn after_insert(&mut self) -> Result<()> {
        Ok(())
    }

    fn write_held(&mut self) -> Result<()> {
        self.write_spends()
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.write_spends()?;
        run(self.txn, "COMMIT").map_err(|e| self.errors.wrap(e))?;
        self.open = false;
        Ok(())
    }
}
