//! The outbox on SQLite: events, each recipient's delivery, and the claim
//! of the `notify send` run delivering one.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::columns::read;
use crate::clock::Timestamp;
use crate::key::Key;
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, EventStatus, NewEvent};
use crate::notify::sender::Holder;
use crate::store::columns::{deliveries_text, event_from};

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

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    read(row, |r| event_from(r))
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
        deliveries_text(&update.deliveries),
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
        deliveries_text(&update.deliveries),
        update.last_error,
        update.sent_at.map(Timestamp::unix)
    ])
    .map(drop)
}
