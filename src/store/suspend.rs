//! Suspending and resuming keys: a suspended key keeps its secret, balance
//! and settings, still counts toward the account's 10 active keys, and
//! verifies as `SUSPENDED` until it is resumed. A revoked key can be
//! neither (rule 4).

use super::Store;
use super::accounts;
use super::backend::{NewAudit, Tx};
use super::keys::{ensure_not_revoked, resolve};
use super::notify;
use crate::account::AccountName;
use crate::audit::Action;
use crate::error::Result;
use crate::key::{Key, KeyRef};
use crate::notify::event::{EventKind, NewEvent};

/// A key after `suspend` or `resume`, and whether the command changed it
/// (suspending a suspended key, or resuming one that is not, changes
/// nothing and is not an error, so a retried command is harmless).
#[derive(Debug)]
pub struct Suspension {
    /// The key as it is now.
    pub key: Key,
    /// Whether this call suspended or resumed it.
    pub changed: bool,
}

/// Suspends (`suspend`) or resumes the key inside `tx`, with its event and
/// audit row; nothing when it is already so.
pub(crate) fn set_in(
    tx: &mut dyn Tx,
    actor: &str,
    key: &Key,
    suspend: bool,
    reason: Option<&str>,
) -> Result<bool> {
    ensure_not_revoked(key, if suspend { "suspended" } else { "resumed" })?;
    if key.suspended_at.is_some() == suspend {
        return Ok(false);
    }
    tx.set_suspended(key.pk, suspend)?;
    let changed = tx.key_by_pk(key.pk)?;
    let (kind, action) = if suspend {
        (EventKind::Suspended, Action::Suspend)
    } else {
        (EventKind::Resumed, Action::Resume)
    };
    let detail = reason.map_or(String::new(), |r| format!("reason: {r}"));
    notify::raise(&mut *tx, &changed, &[NewEvent::new(kind, detail)])?;
    tx.audit(
        actor,
        &NewAudit {
            action,
            account: key.account_pk,
            key: Some(key.pk),
            detail: reason.unwrap_or(""),
        },
    )?;
    Ok(true)
}

impl Store {
    /// Pauses a key: it stops verifying (`SUSPENDED`) until
    /// [`Store::resume`], keeping everything else.
    pub fn suspend(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        reason: Option<&str>,
    ) -> Result<Suspension> {
        self.set_suspended(account, key, true, reason)
    }

    /// Lets a suspended key verify again.
    pub fn resume(&mut self, account: &AccountName, key: &KeyRef) -> Result<Suspension> {
        self.set_suspended(account, key, false, None)
    }

    fn set_suspended(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        suspend: bool,
        reason: Option<&str>,
    ) -> Result<Suspension> {
        let reason = crate::text::note("reason", reason)?;
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        let changed = set_in(&mut *tx, &self.actor, &key, suspend, reason.as_deref())?;
        let key = tx.key_by_pk(key.pk)?;
        tx.commit()?;
        Ok(Suspension { key, changed })
    }
}
