//! The outbox on PostgreSQL: events, each recipient's delivery, and the
//! claim of the `notify send` run delivering one. In a write transaction
//! an event read is held until the transaction ends, so a claim or an
//! admin's retry is decided on the event as it is.

use super::tx::PgTx;
use crate::error::Result;
use crate::key::Key;
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, EventStatus, NewEvent};
use crate::notify::sender::Holder;
use crate::store::columns::{deliveries_text, event_from, join_list};

/// Every column `columns::event_from` reads; `o` is outbox, `a` accounts,
/// `k` keys.
macro_rules! select_event {
    ($tail:literal) => {
        concat!(
            "SELECT o.id, o.event, a.name, k.public_id, o.recipients, o.status, o.attempts, \
             o.created_at, o.sent_at, o.last_error, o.key_name, o.key_hint, o.balance, o.detail, \
             o.deliveries, o.claimed_by, o.claim_host, o.claim_pid, o.claim_process, \
             o.claimed_until \
             FROM outbox o JOIN accounts a ON a.id = o.account_id \
             JOIN keys k ON k.id = o.key_id ",
            $tail
        )
    };
}

impl PgTx<'_> {
    fn events_from(&self, rows: &[tokio_postgres::Row]) -> Result<Vec<Event>> {
        rows.iter()
            .map(|r| event_from(r).map_err(|e| self.unreadable(&e)))
            .collect()
    }

    pub(super) fn insert_outbox_event(&mut self, key: &Key, event: &NewEvent) -> Result<()> {
        let status = if key.notify.emails.is_empty() {
            EventStatus::Skipped
        } else {
            EventStatus::Pending
        };
        let now = self.now.unix();
        self.run(
            "INSERT INTO outbox (event, account_id, key_id, key_name, key_hint, recipients,
                    balance, detail, status, created_at)
                 SELECT $1, account_id, id, name, hint, $3, balance, $4, $5, $6
                 FROM keys WHERE id = $2",
            &[
                &event.kind.as_str(),
                &key.pk.0,
                &join_list(&key.notify.emails),
                &event.detail,
                &status.as_str(),
                &now,
            ],
        )
        .map(drop)
    }

    pub(super) fn outbox_events(&mut self, all: bool) -> Result<Vec<Event>> {
        let rows = if all {
            self.rows(select_event!("ORDER BY o.id"), &[])?
        } else {
            self.rows(
                select_event!("WHERE o.status IN ('pending', 'failed') ORDER BY o.id"),
                &[],
            )?
        };
        self.events_from(&rows)
    }

    pub(super) fn pending_ids(&mut self) -> Result<Vec<i64>> {
        let rows = self.rows(
            "SELECT id FROM outbox WHERE status = 'pending' ORDER BY id",
            &[],
        )?;
        rows.iter().map(|r| self.int(r, 0)).collect()
    }

    pub(super) fn outbox_event(&mut self, id: i64) -> Result<Option<Event>> {
        let rows = if self.write {
            self.rows(
                select_event!("WHERE o.id = $1 FOR NO KEY UPDATE OF o"),
                &[&id],
            )?
        } else {
            self.rows(select_event!("WHERE o.id = $1"), &[&id])?
        };
        Ok(self.events_from(&rows)?.into_iter().next())
    }

    pub(super) fn claim(&mut self, id: i64, holder: &Holder) -> Result<bool> {
        let changed = self.run(
            "UPDATE outbox SET claimed_by = $2, claim_host = $3, claim_pid = $4,
                    claim_process = $5, claimed_until = $6
              WHERE id = $1 AND status = 'pending'",
            &[
                &id,
                &holder.token,
                &holder.host,
                &i64::from(holder.pid),
                &holder.process,
                &holder.until.unix(),
            ],
        )?;
        Ok(changed == 1)
    }

    pub(super) fn record(&mut self, id: i64, token: &str, update: &EventUpdate) -> Result<bool> {
        let changed = self.run(
            "UPDATE outbox SET status = $3, deliveries = $4, last_error = $5, sent_at = $6,
                    attempts = attempts + 1, claimed_by = NULL, claim_host = NULL,
                    claim_pid = NULL, claim_process = NULL, claimed_until = NULL
              WHERE id = $1 AND claimed_by = $2",
            &[
                &id,
                &token,
                &update.status.as_str(),
                &deliveries_text(&update.deliveries),
                &update.last_error,
                &update.sent_at.map(crate::clock::Timestamp::unix),
            ],
        )?;
        Ok(changed == 1)
    }

    pub(super) fn set_state(&mut self, id: i64, update: &EventUpdate) -> Result<()> {
        self.run(
            "UPDATE outbox SET status = $2, deliveries = $3, last_error = $4, sent_at = $5,
                    claimed_by = NULL, claim_host = NULL, claim_pid = NULL,
                    claim_process = NULL, claimed_until = NULL
              WHERE id = $1",
            &[
                &id,
                &update.status.as_str(),
                &deliveries_text(&update.deliveries),
                &update.last_error,
                &update.sent_at.map(crate::clock::Timestamp::unix),
            ],
        )
        .map(drop)
    }
}
