//! `Tx` for SQLite: every statement the rules need, each prepared once per
//! connection and reused from rusqlite's statement cache.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::ErrorContext;
use super::columns::text_enum;
use super::spends::DaySpends;
use super::sql::{self, KEY_COLUMN_COUNT};
use crate::account::{Account, AccountName, AccountPk};
use crate::audit::{Action, AuditEntry};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::key::{Key, KeyId, KeyName, KeyPk, KeyStatus};
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, NewEvent, Raised};
use crate::notify::sender::Holder;
use crate::notify::{Email, NotifySettings};
use crate::secret::KeyDigest;
use crate::security::{IpRule, Scope, SecuritySettings, UrlPattern};
use crate::store::Clock;
use crate::store::backend::{
    LedgerMismatch, LedgerReason, NewAudit, NewKeyRow, SecretMatch, Spend, Tx,
};
use crate::usage::{UsageIp, UsageRow};
use crate::verify::Counters;

/// One transaction on the connection. BEGIN, COMMIT and ROLLBACK go
/// through the statement cache like every other statement (rusqlite's
/// `Transaction` parses them afresh each time, a sixth of a read-only
/// verification's cost). Dropped without `commit`, it rolls back.
pub(crate) struct SqliteTx<'c> {
    txn: &'c Connection,
    open: bool,
    now: Timestamp,
    errors: ErrorContext,
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
        Ok(SqliteTx {
            txn: conn,
            open: true,
            // After BEGIN: a write waited for the lock, and must not decide
            // on the time it started waiting.
            now: clock.now(),
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
    fn stmt(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
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

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_unix)
}

/// Reads a stored list back through the parser that admitted its entries.
fn parse_list<T>(
    row: &Row<'_>,
    column: usize,
    parse: impl Fn(&str) -> Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let text = row.get_ref(column)?.as_str()?;
    if text.is_empty() || text == "[]" {
        return Ok(Vec::new());
    }
    let entries: Vec<String> = serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, e.into())
    })?;
    entries
        .iter()
        .map(|item| {
            parse(item).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    column,
                    rusqlite::types::Type::Text,
                    e.to_string().into(),
                )
            })
        })
        .collect()
}

fn join_list<T: std::fmt::Display>(items: &[T]) -> String {
    let entries: Vec<String> = items.iter().map(ToString::to_string).collect();
    // A list of strings always serialises.
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
}

fn limit(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

fn to_sql_limit(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn to_sql_count(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// How a usage row's IP is stored: '' none given, '*' redacted, else the address.
fn ip_text(ip: UsageIp) -> String {
    match ip {
        UsageIp::Unknown => String::new(),
        UsageIp::Redacted => "*".to_owned(),
        UsageIp::Addr(a) => a.to_string(),
    }
}

fn ip_from_text(text: &str) -> UsageIp {
    match text {
        "" => UsageIp::Unknown,
        "*" => UsageIp::Redacted,
        other => other.parse().map_or(UsageIp::Redacted, UsageIp::Addr),
    }
}

/// An integer column, read without the generic conversion layer (this runs
/// for every column of every verification).
fn int(row: &Row<'_>, column: usize) -> rusqlite::Result<i64> {
    row.get_ref(column)?.as_i64().map_err(Into::into)
}

fn opt_int(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<i64>> {
    row.get_ref(column)?.as_i64_or_null().map_err(Into::into)
}

fn text(row: &Row<'_>, column: usize) -> rusqlite::Result<String> {
    Ok(row.get_ref(column)?.as_str()?.to_owned())
}

fn key_from_row(row: &Row<'_>, now: Timestamp) -> rusqlite::Result<Key> {
    let expires_at = ts(opt_int(row, 7)?);
    let revoked_at = ts(opt_int(row, 8)?);
    Ok(Key {
        pk: KeyPk(int(row, 0)?),
        account_pk: AccountPk(int(row, 27)?),
        id: KeyId::from_store(text(row, 1)?),
        account: text(row, 2)?,
        name: KeyName::from_store(text(row, 3)?),
        hint: text(row, 4)?,
        balance: int(row, 5)?,
        created_at: Timestamp::from_unix(int(row, 6)?),
        status: KeyStatus::at(revoked_at, expires_at, now),
        expires_at,
        revoked_at,
        last_used_at: ts(opt_int(row, 9)?),
        security: SecuritySettings {
            // An entry an older build let in is read as one that matches
            // nothing, so the key still works as far as its other entries
            // allow, and `store check` and `apply` can name the entry.
            allowed_urls: parse_list(row, 10, |t| Ok(UrlPattern::from_store(t)))?,
            allowed_ips: parse_list(row, 11, IpRule::parse)?,
            scopes: parse_list(row, 12, Scope::parse)?,
            daily_limit: limit(opt_int(row, 13)?),
            monthly_limit: limit(opt_int(row, 14)?),
            ip_daily_limit: limit(opt_int(row, 15)?),
            redact_days: u16::try_from(int(row, 16)?).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    16,
                    rusqlite::types::Type::Integer,
                    e.into(),
                )
            })?,
        },
        notify: NotifySettings {
            emails: parse_list(row, 17, Email::from_store)?,
            low_balance: limit(opt_int(row, 18)?),
        },
        counters: Counters {
            day: int(row, 19)?,
            day_count: count(int(row, 20)?),
            month: int(row, 21)?,
            month_count: count(int(row, 22)?),
        },
        raised: Raised {
            warned_day: int(row, 23)?,
            limit_day: int(row, 24)?,
            limit_month: int(row, 25)?,
            expiry: int(row, 26)? != 0,
        },
    })
}

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        pk: AccountPk(row.get(0)?),
        name: row.get(1)?,
        created_at: Timestamp::from_unix(row.get(2)?),
        active_keys: row.get(3)?,
        total_keys: row.get(4)?,
        balance: row.get(5)?,
    })
}

const SELECT_ACCOUNT: &str = "SELECT a.id, a.name, a.created_at,
    (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL),
    (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id),
    (SELECT COALESCE(SUM(k.balance), 0) FROM keys k
        WHERE k.account_id = a.id AND k.revoked_at IS NULL)
    FROM accounts a";

impl SqliteTx<'_> {
    fn fail(&self, e: rusqlite::Error) -> Error {
        self.errors.wrap(e)
    }

    /// Adds the spends held so far to their keys' day rows, one statement
    /// per key and day.
    fn write_spends(&mut self) -> Result<()> {
        if self.spent.is_empty() {
            return Ok(());
        }
        let mut add = self.stmt(sql::LEDGER_SPEND).map_err(|e| self.fail(e))?;
        for ((key, day), spent) in self.spent.take() {
            add.execute(params![key, spent.at, -spent.lookups, day, spent.spends])
                .map_err(|e| self.errors.wrap(e))?;
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
                    ip_daily_limit, redact_days, notify_emails, low_balance)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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

    fn change_balance(
        &mut self,
        key: KeyPk,
        delta: i64,
        reason: LedgerReason,
        note: Option<&str>,
    ) -> Result<i64> {
        let balance: i64 = self
            .stmt("UPDATE keys SET balance = balance + ?2 WHERE id = ?1 RETURNING balance")
            .and_then(|mut s| s.query_row(params![key.0, delta], |r| r.get(0)))
            .map_err(|e| self.fail(e))?;
        self.stmt(
            "INSERT INTO ledger (key_id, at, delta, reason, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut s| {
            s.execute(params![
                key.0,
                self.now.unix(),
                delta,
                reason.as_str(),
                note
            ])
        })
        .map_err(|e| self.fail(e))?;
        Ok(balance)
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
                    spend.raised.expiry
                ])
            })
            .map_err(|e| self.fail(e))?;
        let balance: i64 = self
            .stmt(sql::KEY_BALANCE)
            .and_then(|mut s| s.query_row(params![spend.key.0], |r| r.get(0)))
            .map_err(|e| self.fail(e))?;
        self.spent.add(spend.key.0, c.day, cost, now);
        self.stmt(sql::USAGE_ADD)
            .and_then(|mut s| s.execute(params![spend.key.0, c.day, ip_text(spend.ip), cost]))
            .map_err(|e| self.fail(e))?;
        Ok(balance)
    }

    fn ip_usage_today(&mut self, key: KeyPk, day: i64, ip: UsageIp) -> Result<u64> {
        self.stmt(sql::IP_USAGE_TODAY)
            .and_then(|mut s| {
                s.query_row(params![key.0, day, ip_text(ip)], |r| r.get::<_, i64>(0))
                    .optional()
            })
            .map(|n| n.map_or(0, count))
            .map_err(|e| self.fail(e))
    }

    fn redact_usage(&mut self, key: KeyPk, before_day: i64) -> Result<()> {
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

    fn redact_due_usage(&mut self, today: i64) -> Result<()> {
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

    fn chore_day(&mut self, chore: &str) -> Result<Option<i64>> {
        self.stmt("SELECT day FROM housekeeping WHERE chore = ?1")
            .and_then(|mut s| s.query_row([chore], |r| r.get(0)).optional())
            .map_err(|e| self.fail(e))
    }

    fn set_chore_day(&mut self, chore: &str, day: i64) -> Result<()> {
        self.stmt(
            "INSERT INTO housekeeping (chore, day) VALUES (?1, ?2)
                 ON CONFLICT (chore) DO UPDATE SET day = excluded.day",
        )
        .and_then(|mut s| s.execute(params![chore, day]))
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    fn usage_rows(&mut self, key: KeyPk, from_day: i64) -> Result<Vec<UsageRow>> {
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

    fn update_security(
        &mut self,
        key: KeyPk,
        security: &SecuritySettings,
        expires_at: Option<Timestamp>,
    ) -> Result<()> {
        self.stmt(
            "UPDATE keys SET allowed_urls = ?2, allowed_ips = ?3, scopes = ?4,
                    daily_limit = ?5, monthly_limit = ?6, ip_daily_limit = ?7,
                    redact_days = ?8, expires_at = ?9
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
        self.stmt(
            "INSERT INTO audit (at, actor, action, account_id, key_id, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .and_then(|mut s| {
            s.execute(params![
                self.now.unix(),
                actor,
                entry.action.as_str(),
                entry.account.0,
                entry.key.map(|k| k.0),
                entry.detail,
            ])
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    fn audit_entries(&mut self, account: AccountPk, key: Option<KeyPk>) -> Result<Vec<AuditEntry>> {
        let (sql, id) = match key {
            Some(key) => (
                "SELECT au.id, au.at, au.actor, au.action,
                    (SELECT a.name FROM accounts a WHERE a.id = au.account_id),
                    (SELECT k.public_id FROM keys k WHERE k.id = au.key_id),
                    (SELECT k.name FROM keys k WHERE k.id = au.key_id), au.detail
                 FROM audit au WHERE au.key_id = ?1",
                key.0,
            ),
            None => (
                "SELECT au.id, au.at, au.actor, au.action,
                    (SELECT a.name FROM accounts a WHERE a.id = au.account_id),
                    (SELECT k.public_id FROM keys k WHERE k.id = au.key_id),
                    (SELECT k.name FROM keys k WHERE k.id = au.key_id), au.detail
                 FROM audit au WHERE au.account_id = ?1",
                account.0,
            ),
        };
        // Sorted here, newest first, for the reason given in `keys`.
        let mut stmt = self.stmt(sql).map_err(|e| self.errors.wrap(e))?;
        let mut entries: Vec<AuditEntry> = stmt
            .query_map([id], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: Timestamp::from_unix(r.get(1)?),
                    user: r.get(2)?,
                    action: text_enum(r, 3, Action::parse)?,
                    account: r.get(4)?,
                    key_id: r.get(5)?,
                    key_name: r.get(6)?,
                    detail: r.get(7)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))?;
        entries.sort_by_key(|e| std::cmp::Reverse(e.id));
        Ok(entries)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.write_spends()?;
        run(self.txn, "COMMIT").map_err(|e| self.errors.wrap(e))?;
        self.open = false;
        Ok(())
    }
}
