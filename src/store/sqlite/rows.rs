//! Rows read into the domain's values, and values written as columns: the
//! conversions every statement of `tx` shares.

use rusqlite::Row;

use crate::account::{Account, AccountPk};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::{Key, KeyId, KeyName, KeyPk, KeyStatus};
use crate::notify::event::Raised;
use crate::notify::{Email, NotifySettings};
use crate::security::{IpRule, Scope, SecuritySettings, UrlPattern};
use crate::usage::UsageIp;
use crate::verify::Counters;

pub(super) fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_unix)
}

/// Reads a stored list back through the parser that admitted its entries.
pub(super) fn parse_list<T>(
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

pub(super) fn join_list<T: std::fmt::Display>(items: &[T]) -> String {
    let entries: Vec<String> = items.iter().map(ToString::to_string).collect();
    // A list of strings always serialises.
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
}

pub(super) fn limit(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

pub(super) fn to_sql_limit(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

pub(super) fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) fn to_sql_count(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// How a usage row's IP is stored: '' none given, '*' redacted, else the address.
pub(super) fn ip_text(ip: UsageIp) -> String {
    match ip {
        UsageIp::Unknown => String::new(),
        UsageIp::Redacted => "*".to_owned(),
        UsageIp::Addr(a) => a.to_string(),
    }
}

pub(super) fn ip_from_text(text: &str) -> UsageIp {
    match text {
        "" => UsageIp::Unknown,
        "*" => UsageIp::Redacted,
        other => other.parse().map_or(UsageIp::Redacted, UsageIp::Addr),
    }
}

/// An integer column, read without the generic conversion layer (this runs
/// for every column of every verification).
pub(super) fn int(row: &Row<'_>, column: usize) -> rusqlite::Result<i64> {
    row.get_ref(column)?.as_i64().map_err(Into::into)
}

pub(super) fn opt_int(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<i64>> {
    row.get_ref(column)?.as_i64_or_null().map_err(Into::into)
}

pub(super) fn text(row: &Row<'_>, column: usize) -> rusqlite::Result<String> {
    Ok(row.get_ref(column)?.as_str()?.to_owned())
}

pub(super) fn key_from_row(row: &Row<'_>, now: Timestamp) -> rusqlite::Result<Key> {
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

pub(super) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        pk: AccountPk(row.get(0)?),
        name: row.get(1)?,
        created_at: Timestamp::from_unix(row.get(2)?),
        active_keys: row.get(3)?,
        total_keys: row.get(4)?,
        balance: row.get(5)?,
    })
}

pub(super) const SELECT_ACCOUNT: &str = "SELECT a.id, a.name, a.created_at,
    (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL),
    (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id),
    (SELECT COALESCE(SUM(k.balance), 0) FROM keys k
        WHERE k.account_id = a.id AND k.revoked_at IS NULL)
    FROM accounts a";
