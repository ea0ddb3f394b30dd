//! Notification operations: a key's list and threshold, the outbox, and
//! the sweep that announces expiries (delivery is in [`super::outbox`]). Events themselves are raised by the operations that cause
//! them, through [`raise`].

use super::Store;
use super::accounts;
use super::backend::{NewAudit, Tx};
use super::keys::{ensure_not_revoked, resolve};
use crate::account::AccountName;
use crate::audit::Action;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::{Key, KeyRef};
use crate::notify::event::{self, EXPIRY_NOTICE_SECS, Event, NewEvent};
use crate::notify::{self as rules, Email};

/// Writes events for `key` inside the caller's transaction.
pub(super) fn raise(tx: &mut dyn Tx, key: &Key, events: &[NewEvent]) -> Result<()> {
    for event in events {
        tx.insert_event(key, event)?;
    }
    Ok(())
}

/// What a change to a key's list or threshold is.
#[non_exhaustive]
pub enum NotifyChange<'a> {
    /// Add these addresses.
    Add(&'a [Email]),
    /// Remove these addresses.
    Remove(&'a [Email]),
    /// Set or clear the low-balance threshold.
    Threshold(Option<u64>),
}

impl Store {
    /// Changes a key's notification list or threshold.
    pub fn update_notify(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        change: &NotifyChange<'_>,
    ) -> Result<Key> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        ensure_not_revoked(&key, "changed")?;
        let mut notify = key.notify.clone();
        let detail = match change {
            NotifyChange::Add(emails) => {
                rules::add_emails(&mut notify.emails, emails)?;
                format!("add {}", join(emails))
            }
            NotifyChange::Remove(emails) => {
                rules::remove_emails(&mut notify.emails, emails)?;
                format!("remove {}", join(emails))
            }
            NotifyChange::Threshold(t) => {
                notify.low_balance = *t;
                match t {
                    Some(n) => format!("low balance threshold {n}"),
                    None => "low balance threshold off".to_owned(),
                }
            }
        };
        tx.update_notify(key.pk, &notify)?;
        tx.audit(
            &self.actor,
            &NewAudit {
                action: Action::Notify,
                account: key.account_pk,
                key: Some(key.pk),
                detail: &detail,
            },
        )?;
        let key = tx.key_by_pk(key.pk)?;
        tx.commit()?;
        Ok(key)
    }

    /// Events waiting for someone (pending, or failed and waiting for an
    /// admin), or all of them, oldest first. A claim shows only while it
    /// stands: that of a sender that has exited is nobody's.
    pub fn outbox(&mut self, all: bool) -> Result<Vec<Event>> {
        let mut tx = self.backend.read(self.clock)?;
        let now = tx.now();
        let mut events = tx.events(all)?;
        for event in &mut events {
            if event.claimed_by.as_ref().is_some_and(|h| !h.stands(now)) {
                event.claimed_by = None;
            }
        }
        Ok(events)
    }

    /// Announces every expiry that is within 7 days (or past) and was not
    /// announced yet. Cheap when there is none: one indexed read.
    pub fn announce_expiring(&mut self) -> Result<usize> {
        let horizon =
            |now: Timestamp| Timestamp::from_unix(now.unix().saturating_add(EXPIRY_NOTICE_SECS));
        {
            let mut tx = self.backend.read(self.clock)?;
            let now = tx.now();
            if tx.keys_expiring_before(horizon(now))?.is_empty() {
                return Ok(0);
            }
        }
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let now = tx.now();
        let found = tx.keys_expiring_before(horizon(now))?;
        // Held, then read again: a verification may have announced one
        // since it was found.
        tx.hold_keys(&found.iter().map(|k| k.pk).collect::<Vec<_>>())?;
        let mut due = Vec::with_capacity(found.len());
        for key in found {
            let key = tx.key_by_pk(key.pk)?;
            if !key.raised.expiry {
                due.push(key);
            }
        }
        for key in &due {
            if let Some(expires_at) = key.expires_at {
                raise(&mut *tx, key, &[event::expiring(expires_at, now)])?;
                tx.set_raised(
                    key.pk,
                    event::Raised {
                        expiry: true,
                        ..key.raised
                    },
                )?;
            }
        }
        tx.commit()?;
        Ok(due.len())
    }
}

fn join(emails: &[Email]) -> String {
    emails
        .iter()
        .map(Email::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
