//! The outbox on SQLite: events, each recipient's delivery, and the claim
//! of the `notify send` run delivering one. Deliveries are a JSON array of
//! the recipients something happened to; the others are pending.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::columns::{split_list, text_enum};
use crate::clock::Timestamp;
use crate::key::{Key, KeyId};
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, EventKind, EventStatus, NewEvent};
use crate::notify::recipient::{Delivery, DeliveryStatus};
use crate::notify::sender::Holder;

/// Every column `event_from_row` reads; `o` is outbox, `a` accounts, `k` keys.
macro_rules! select_event {
    ($where:literal) => {
        concat!(
            "SELECT o.id, o.event, a.name, k.public_id, o.recipients, o.status, o.attempts, \
             o.created_at, o.sent_at, o.last_error, o.key_name, o.key_hint, o.balance, o.detail, \
             o.deliveries, o.claimed_by, o.claim_host, o.claim_pid, o.claim_process, \
             o.claimed_until \
             FROM outbox o JOIN accounts a ON a.id = o.account_id \
             JOIN keys k ON k.id = o.key_id ",
            $where
        )
    };
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

fn conversion(
    column: usize,
    e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, e.into())
}

/// Every recipient's delivery, in the order of `recipients`.
fn deliveries(recipients: &[String], text: &str, column: usize) -> rusqlite::Result<Vec<Delivery>> {
    let stored: Vec<StoredDelivery> = if text.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(text).map_err(|e| conversion(column, e))?
    };
    recipients
        .iter()
        .map(|to| match stored.iter().find(|s| &s.to == to) {
            None => Ok(Delivery::pending(to)),
            Some(s) => Ok(Delivery {
                to: to.clone(),
                status: DeliveryStatus::parse(&s.status)
                    .ok_or_else(|| conversion(column, format!("unknown value '{}'", s.status)))?,
                at: s.at.map(Timestamp::from_unix),
                refusals: s.refusals,
                doubts: s.doubts,
                error: s.error.clone(),
            }),
        })
        .collect()
}

fn deliveries_text(deliveries: &[Delivery]) -> rusqlite::Result<String> {
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
    serde_json::to_string(&stored).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let recipients = split_list(row.get_ref(4)?.as_str()?)?;
    let claimed_by: Option<String> = row.get(15)?;
    Ok(Event {
        id: row.get(0)?,
        event: text_enum(row, 1, EventKind::parse)?,
        account: row.get(2)?,
        key_id: KeyId::from_store(row.get(3)?),
        deliveries: deliveries(&recipients, row.get_ref(14)?.as_str()?, 14)?,
        recipients,
        status: text_enum(row, 5, EventStatus::parse)?,
        attempts: row.get(6)?,
        created_at: Timestamp::from_unix(row.get(7)?),
        sent_at: row.get::<_, Option<i64>>(8)?.map(Timestamp::from_unix),
        last_error: row.get(9)?,
        key_name: row.get(10)?,
        key_hint: row.get(11)?,
        balance: row.get(12)?,
        detail: row.get(13)?,
        claimed_by: match claimed_by {
            None => None,
            Some(token) => Some(Holder {
                token,
                host: row.get::<_, Option<String>>(16)?.unwrap_or_default(),
                pid: row.get::<_, Option<u32>>(17)?.unwrap_or_default(),
                process: row.get::<_, Option<String>>(18)?.unwrap_or_default(),
                until: Timestamp::from_unix(row.get::<_, Option<i64>>(19)?.unwrap_or_default()),
            }),
        },
    })
}

/// Writes an event for `key` as it is now; with nobody on its list, skipped.
pub(super) fn insert(
    conn: &Connection,
    key: &Key,
    event: &NewEvent,
    recipients: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let status = if key.notify.emails.is_empty() {
        EventStatus::Skipped
    } else {
        EventStatus::Pending
    };
    conn.prepare_cached(
        "INSERT INTO outbox (event, account_id, key_id, key_name, key_hint, recipients,
                balance, detail, status, created_at)
             SELECT ?1, account_id, id, name, hint, ?3, balance, ?4, ?5, ?6
             FROM keys WHERE id = ?2",
    )?
    .execute(params![
        event.kind.as_str(),
        key.pk.0,
        recipients,
        event.detail,
        status.as_str(),
        now.unix()
    ])
    .map(drop)
}

/// Events waiting for someone (pending, or failed and waiting for an
/// admin's retry or discard), or all of them, oldest first.
pub(super) fn events(conn: &Connection, all: bool) -> rusqlite::Result<Vec<Event>> {
    let sql = if all {
        select_event!("ORDER BY o.id")
    } else {
        select_event!("WHERE o.status IN ('pending', 'failed') ORDER BY o.id")
    };
    conn.prepare_cached(sql)?
        .query_map([], event_from_row)?
        .collect()
}

/// The ids of pending events, oldest first.
pub(super) fn pending_ids(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached("SELECT id FROM outbox WHERE status = 'pending' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// One event.
pub(super) fn event(conn: &Connection, id: i64) -> rusqlite::Result<Option<Event>> {
    conn.prepare_cached(select_event!("WHERE o.id = ?1"))?
        .query_row([id], event_from_row)
        .optional()
}

/// Records `holder` as delivering the event until `holder.until`, if the
/// event is still pending.
pub(super) fn claim(conn: &Connection, id: i64, holder: &Holder) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "UPDATE outbox SET claimed_by = ?2, claim_host = ?3, claim_pid = ?4, claim_process = ?5,
                claimed_until = ?6
             WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![
        id,
        holder.token,
        holder.host,
        holder.pid,
        holder.process,
        holder.until.unix()
    ])
    .map(|n| n == 1)
}

/// Writes an attempt and drops the claim, if `token` still holds the event.
pub(super) fn record(
    conn: &Connection,
    id: i64,
    token: &str,
    update: &EventUpdate,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "UPDATE outbox SET status = ?3, deliveries = ?4, last_error = ?5, sent_at = ?6,
                attempts = attempts + 1, claimed_by = NULL, claim_host = NULL,
                claim_pid = NULL, claim_process = NULL, claimed_until = NULL
             WHERE id = ?1 AND claimed_by = ?2",
    )?
    .execute(params![
        id,
        token,
        update.status.as_str(),
        deliveries_text(&update.deliveries)?,
        update.last_error,
        update.sent_at.map(Timestamp::unix)
    ])
    .map(|n| n == 1)
}

/// Sets an event's state (an admin's retry or discard) and drops any claim.
pub(super) fn set_state(conn: &Connection, id: i64, update: &EventUpdate) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = ?2, deliveries = ?3, last_error = ?4, sent_at = ?5,
                claimed_by = NULL, claim_host = NULL, claim_pid = NULL, claim_process = NULL,
                claimed_until = NULL
             WHERE id = ?1",
    )?
    .execute(params![
        id,
        update.status.as_str(),
        deliveries_text(&update.deliveries)?,
        update.last_error,
        update.sent_at.map(Timestamp::unix)
    ])
    .map(drop)
}
