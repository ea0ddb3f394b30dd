//! What a stored column means, for every backend: lists kept as JSON
//! arrays, client IPs as words, limits and counts as signed integers, and
//! the rows of keys, accounts and events read through one [`Columns`]
//! trait. A backend says how to read a column of its rows; the meaning of
//! each column is written once, here.

use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountPk};
use crate::balance::AutoTopup;
use crate::balance::batches::{Batch, Batches};
use crate::clock::Timestamp;
use crate::key::{Key, KeyId, KeyName, KeyPk, KeyStatus};
use crate::notify::event::{Event, EventKind, EventStatus, Raised};
use crate::notify::recipient::{Delivery, DeliveryStatus};
use crate::notify::sender::Holder;
use crate::notify::{Email, NotifySettings};
use crate::rate::{RateLimit, RateState};
use crate::security::{IpRule, Scope, SecuritySettings, UrlPattern};
use crate::usage::UsageIp;
use crate::verify::Counters;

/// A column that holds what its meaning does not admit, or that could not
/// be read at all: the backend turns it into its own error.
#[derive(Debug)]
pub(crate) struct ColumnError {
    /// Which column of the row.
    pub column: usize,
    /// What is wrong with it.
    pub message: String,
}

impl ColumnError {
    pub(crate) fn new(column: usize, message: impl std::fmt::Display) -> ColumnError {
        ColumnError {
            column,
            message: message.to_string(),
        }
    }
}

impl std::fmt::Display for ColumnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ColumnError {}

/// A row as a backend returns it, read by position.
pub(crate) trait Columns {
    /// An integer that is never NULL.
    fn int(&self, column: usize) -> Result<i64, ColumnError>;
    /// An integer or NULL.
    fn opt_int(&self, column: usize) -> Result<Option<i64>, ColumnError>;
    /// Text that is never NULL.
    fn text(&self, column: usize) -> Result<&str, ColumnError>;
    /// Text or NULL.
    fn opt_text(&self, column: usize) -> Result<Option<&str>, ColumnError>;
    /// Bytes that are never NULL.
    fn bytes(&self, column: usize) -> Result<&[u8], ColumnError>;
}

/// Lists are stored as JSON arrays of strings (SQLite's migration 7), so
/// no entry can split into two whatever it holds; `''` (a column's
/// default) is empty.
pub(crate) fn split_list(text: &str, column: usize) -> Result<Vec<String>, ColumnError> {
    if text.is_empty() || text == "[]" {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| ColumnError::new(column, e))
}

/// A list as it is stored.
pub(crate) fn join_list<T: std::fmt::Display>(items: &[T]) -> String {
    let entries: Vec<String> = items.iter().map(ToString::to_string).collect();
    // A list of strings always serialises.
    serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
}

/// A key's rate limits as stored: shortest window first, however a
/// library caller ordered them, so that equal settings store alike.
pub(crate) fn rate_list(limits: &[RateLimit]) -> String {
    let mut sorted = limits.to_vec();
    sorted.sort_by_key(|l| l.window);
    join_list(&sorted)
}

/// A stored list read back through the parser that admitted its entries.
fn parse_list<T>(
    row: &impl Columns,
    column: usize,
    parse: impl Fn(&str) -> crate::error::Result<T>,
) -> Result<Vec<T>, ColumnError> {
    split_list(row.text(column)?, column)?
        .iter()
        .map(|item| parse(item).map_err(|e| ColumnError::new(column, e)))
        .collect()
}

/// A column holding one of an enum's words, read through its parser; an
/// unknown word is an error, never a default.
pub(crate) fn text_enum<T>(
    row: &impl Columns,
    column: usize,
    parse: fn(&str) -> Option<T>,
) -> Result<T, ColumnError> {
    let text = row.text(column)?;
    parse(text).ok_or_else(|| ColumnError::new(column, format!("unknown value '{text}'")))
}

pub(crate) fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_unix)
}

pub(crate) fn limit(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

pub(crate) fn to_sql_limit(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

pub(crate) fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_sql_count(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// How a usage row's IP is stored: '' none given, '*' redacted, else the address.
pub(crate) fn ip_text(ip: UsageIp) -> String {
    match ip {
        UsageIp::Unknown => String::new(),
        UsageIp::Redacted => "*".to_owned(),
        UsageIp::Addr(a) => a.to_string(),
    }
}

pub(crate) fn ip_from_text(text: &str) -> UsageIp {
    match text {
        "" => UsageIp::Unknown,
        "*" => UsageIp::Redacted,
        other => other.parse().map_or(UsageIp::Redacted, UsageIp::Addr),
    }
}

/// A key from the columns every backend's key statements select, in this
/// order: id, public id, account name, name, hint, balance, created,
/// expires, revoked, last used, allowed URLs, allowed IPs, scopes, daily,
/// monthly and per-IP daily limits, redact days, emails, low balance,
/// day, day count, month, month count, warned day, limit day, limit
/// month, expiry noticed, account id, suspended, rate limits, the last
/// accepted request's number and the recent ones' times, its batches as
/// the row keeps them, and its automatic top-up with its day and count. The balance and batches are as settled at
/// `now`: without what lapsed, whether or not a write recorded it yet.
pub(crate) fn key_from(row: &impl Columns, now: Timestamp) -> Result<Key, ColumnError> {
    let expires_at = ts(row.opt_int(7)?);
    let batches =
        Batches::read(batches_from(row.text(32)?, 32)?, row.int(5)?, now).ok_or_else(|| {
            ColumnError::new(
                32,
                "a batch holds fewer than no lookups, or too many to add up",
            )
        })?;
    let revoked_at = ts(row.opt_int(8)?);
    let suspended_at = ts(row.opt_int(28)?);
    Ok(Key {
        pk: KeyPk(row.int(0)?),
        account_pk: AccountPk(row.int(27)?),
        id: KeyId::from_store(row.text(1)?.to_owned()),
        account: row.text(2)?.to_owned(),
        name: KeyName::from_store(row.text(3)?.to_owned()),
        hint: row.text(4)?.to_owned(),
        balance: batches.balance(),
        batches,
        created_at: Timestamp::from_unix(row.int(6)?),
        status: KeyStatus::at(revoked_at, expires_at, suspended_at, now),
        expires_at,
        revoked_at,
        suspended_at,
        last_used_at: ts(row.opt_int(9)?),
        security: SecuritySettings {
            // An entry an older build let in is read as one that matches
            // nothing, so the key still works as far as its other entries
            // allow, and `store check` and `apply` can name the entry.
            allowed_urls: parse_list(row, 10, |t| Ok(UrlPattern::from_store(t)))?,
            allowed_ips: parse_list(row, 11, IpRule::parse)?,
            scopes: parse_list(row, 12, Scope::parse)?,
            daily_limit: limit(row.opt_int(13)?),
            monthly_limit: limit(row.opt_int(14)?),
            ip_daily_limit: limit(row.opt_int(15)?),
            redact_days: u16::try_from(row.int(16)?).map_err(|e| ColumnError::new(16, e))?,
            rate_limits: parse_list(row, 29, RateLimit::parse)?,
        },
        notify: NotifySettings {
            emails: parse_list(row, 17, Email::from_store)?,
            low_balance: limit(row.opt_int(18)?),
        },
        counters: Counters {
            day: row.int(19)?,
            day_count: count(row.int(20)?),
            month: row.int(21)?,
            month_count: count(row.int(22)?),
        },
        auto_topup: match row.opt_text(33)? {
            None => None,
            Some(text) => Some(
                AutoTopup::from_stored(text)
                    .ok_or_else(|| ColumnError::new(33, "not automatic top-up settings"))?,
            ),
        },
        auto_fired: (
            row.int(34)?,
            u32::try_from(row.int(35)?).map_err(|e| ColumnError::new(35, e))?,
        ),
        rate: {
            let seq = row.int(30)?;
            RateState::from_row(seq, row.bytes(31)?)
                .ok_or_else(|| ColumnError::new(31, "not a list of times"))?
        },
        raised: Raised {
            warned_day: row.int(23)?,
            limit_day: row.int(24)?,
            limit_month: row.int(25)?,
            expiry: row.int(26)? != 0,
        },
    })
}

/// A key's batches as its row keeps them: `left,expires,warned` (expires
/// in Unix seconds, empty for never; warned 0 or 1) in order of purchase,
/// separated by spaces; empty when it has none.
pub(crate) fn batches_from(text: &str, column: usize) -> Result<Vec<Batch>, ColumnError> {
    let bad = || ColumnError::new(column, "not a list of batches");
    if text.is_empty() {
        return Ok(Vec::new());
    }
    (1..)
        .zip(text.split(' '))
        .map(|(pk, entry)| {
            let mut parts = entry.split(',');
            let mut next = || parts.next().ok_or_else(bad);
            let left = next()?.parse().map_err(|_| bad())?;
            let expires = next()?;
            let expires_at = if expires.is_empty() {
                None
            } else {
                Some(Timestamp::from_unix(expires.parse().map_err(|_| bad())?))
            };
            let warned = match next()? {
                "0" => false,
                "1" => true,
                _ => return Err(bad()),
            };
            if parts.next().is_some() {
                return Err(bad());
            }
            Ok(Batch {
                pk,
                left,
                expires_at,
                warned,
            })
        })
        .collect()
}

/// Batches as a key's row keeps them (see [`batches_from`]).
pub(crate) fn batches_text(batches: &[Batch]) -> String {
    let entries: Vec<String> = batches
        .iter()
        .map(|b| {
            let expires = b
                .expires_at
                .map(|t| t.unix().to_string())
                .unwrap_or_default();
            format!("{},{expires},{}", b.left, u8::from(b.warned))
        })
        .collect();
    entries.join(" ")
}

/// An account from id, name, created, active keys, all keys, and the
/// active keys' balance.
pub(crate) fn account_from(row: &impl Columns) -> Result<Account, ColumnError> {
    Ok(Account {
        pk: AccountPk(row.int(0)?),
        name: row.text(1)?.to_owned(),
        created_at: Timestamp::from_unix(row.int(2)?),
        active_keys: u32::try_from(row.int(3)?).map_err(|e| ColumnError::new(3, e))?,
        total_keys: u32::try_from(row.int(4)?).map_err(|e| ColumnError::new(4, e))?,
        balance: row.int(5)?,
    })
}

/// A recipient's outcome as stored.
#[derive(Serialize, Deserialize)]
struct StoredDelivery {
    to: String,
    status: String,
    at: Option<i64>,
    refusals: u32,
    #[serde(default)]
    doubts: u32,
    error: Option<String>,
}

/// Every recipient's delivery, in the order of `recipients`, from the
/// stored JSON array of the recipients something happened to; the others
/// are pending.
fn deliveries(
    recipients: &[String],
    text: &str,
    column: usize,
) -> Result<Vec<Delivery>, ColumnError> {
    let stored: Vec<StoredDelivery> = if text.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(text).map_err(|e| ColumnError::new(column, e))?
    };
    recipients
        .iter()
        .map(|to| match stored.iter().find(|s| &s.to == to) {
            None => Ok(Delivery::pending(to)),
            Some(s) => Ok(Delivery {
                to: to.clone(),
                status: DeliveryStatus::parse(&s.status).ok_or_else(|| {
                    ColumnError::new(column, format!("unknown value '{}'", s.status))
                })?,
                at: s.at.map(Timestamp::from_unix),
                refusals: s.refusals,
                doubts: s.doubts,
                error: s.error.clone(),
            }),
        })
        .collect()
}

/// The deliveries as stored: only those something happened to.
pub(crate) fn deliveries_text(deliveries: &[Delivery]) -> String {
    let stored: Vec<StoredDelivery> = deliveries
        .iter()
        .filter(|d| *d != &Delivery::pending(&d.to))
        .map(|d| StoredDelivery {
            to: d.to.clone(),
            status: d.status.as_str().to_owned(),
            at: d.at.map(Timestamp::unix),
            refusals: d.refusals,
            doubts: d.doubts,
            error: d.error.clone(),
        })
        .collect();
    // Plain strings and numbers always serialise.
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
}

/// An outbox event from the columns every backend's event statements
/// select, in this order: id, event, account name, key public id,
/// recipients, status, attempts, created, sent, last error, key name, key
/// hint, balance, detail, deliveries, claimed by, claim host, claim pid,
/// claim process, claimed until.
pub(crate) fn event_from(row: &impl Columns) -> Result<Event, ColumnError> {
    let recipients = split_list(row.text(4)?, 4)?;
    Ok(Event {
        id: row.int(0)?,
        event: text_enum(row, 1, EventKind::parse)?,
        account: row.text(2)?.to_owned(),
        key_id: KeyId::from_store(row.text(3)?.to_owned()),
        deliveries: deliveries(&recipients, row.text(14)?, 14)?,
        recipients,
        status: text_enum(row, 5, EventStatus::parse)?,
        attempts: u32::try_from(row.int(6)?).map_err(|e| ColumnError::new(6, e))?,
        created_at: Timestamp::from_unix(row.int(7)?),
        sent_at: ts(row.opt_int(8)?),
        last_error: row.opt_text(9)?.map(str::to_owned),
        key_name: row.text(10)?.to_owned(),
        key_hint: row.text(11)?.to_owned(),
        balance: row.int(12)?,
        detail: row.text(13)?.to_owned(),
        claimed_by: match row.opt_text(15)? {
            None => None,
            Some(token) => Some(Holder {
                token: token.to_owned(),
                host: row.opt_text(16)?.unwrap_or_default().to_owned(),
                pid: row
                    .opt_int(17)?
                    .map(u32::try_from)
                    .transpose()
                    .map_err(|e| ColumnError::new(17, e))?
                    .unwrap_or_default(),
                process: row.opt_text(18)?.unwrap_or_default().to_owned(),
                until: Timestamp::from_unix(row.opt_int(19)?.unwrap_or_default()),
            }),
        },
    })
}
