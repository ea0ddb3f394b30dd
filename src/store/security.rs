//! Changing a key's security settings: validated as a whole (list bounds,
//! expiry in the future) and written in one transaction with its audit row.

use super::Store;
use super::accounts;
use super::backend::{NewAudit, Tx};
use super::keys::{ensure_not_revoked, resolve};
use super::notify::raise;
use crate::account::AccountName;
use crate::audit::Action;
use crate::error::{Error, Result};
use crate::key::{Key, KeyRef};
use crate::notify::event::{self, Raised};
use crate::rate::{self, Hit, RateLimit};
use crate::security::SecurityChange;

/// Keeps the key's table of accepted requests in step with its new rate
/// limits, in the transaction that sets them: a first limit above what a
/// row keeps starts the table with the row's times; a lower one forgets
/// what no window needs any more, here rather than in a verification; no
/// such limit left empties it.
pub(super) fn keep_rate_table(tx: &mut dyn Tx, key: &Key, limits: &[RateLimit]) -> Result<()> {
    let (was, is) = (
        rate::needs_table(&key.security.rate_limits),
        rate::needs_table(limits),
    );
    match (was, is) {
        (true, false) => tx.forget_rate_hits(key.pk, i64::MAX),
        (true, true) => {
            tx.forget_rate_hits(key.pk, rate::forgettable_through(limits, key.rate.seq))
        }
        (false, true) => {
            // The row holds what was kept while no limit needed the table;
            // unreadable, the table starts empty.
            let recent = key.rate.recent().unwrap_or_default();
            let first = key.rate.seq - recent.len() as i64 + 1;
            for (i, at_ms) in recent.into_iter().enumerate() {
                tx.add_rate_hit(
                    key.pk,
                    Hit {
                        seq: first + i as i64,
                        at_ms,
                    },
                )?;
            }
            Ok(())
        }
        (false, false) => Ok(()),
    }
}

impl Store {
    /// Applies `change` to a key's security settings and expiry.
    pub fn update_security(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        change: &SecurityChange,
    ) -> Result<Key> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let now = tx.now();
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        ensure_not_revoked(&key, "changed")?;
        let mut security = key.security.clone();
        let mut expires_at = key.expires_at;
        change.apply(&mut security, &mut expires_at)?;
        if let Some(Some(t)) = change.expires
            && t <= now
        {
            return Err(Error::invalid(format!(
                "expiry {t} is not in the future: use a later time, or never"
            )));
        }
        keep_rate_table(&mut *tx, &key, &security.rate_limits)?;
        tx.update_security(key.pk, &security, expires_at)?;
        if expires_at != key.expires_at {
            // A new expiry gets its own announcement, at once if it is near.
            let mut raised = Raised {
                expiry: false,
                ..key.raised
            };
            if let Some(t) = expires_at
                && event::expiry_due(expires_at, raised, now)
            {
                raise(&mut *tx, &key, &[event::expiring(t, now)])?;
                raised.expiry = true;
            }
            tx.set_raised(key.pk, raised)?;
        }
        if change.redact_days.is_some() {
            tx.redact_usage(key.pk, now.day() - i64::from(security.redact_days))?;
        }
        tx.audit(
            &self.actor,
            &NewAudit {
                action: Action::Security,
                account: key.account_pk,
                key: Some(key.pk),
                detail: &change.describe(),
            },
        )?;
        let key = tx.key_by_pk(key.pk)?;
        tx.commit()?;
        Ok(key)
    }
}
