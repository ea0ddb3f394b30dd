//! Changing a key's security settings: validated as a whole (list bounds,
//! expiry in the future) and written in one transaction with its audit row.

use super::Store;
use super::accounts;
use super::backend::NewAudit;
use super::keys::{ensure_not_revoked, resolve};
use super::notify::raise;
use crate::account::AccountName;
use crate::audit::Action;
use crate::error::{Error, Result};
use crate::key::{Key, KeyRef};
use crate::notify::event::{self, Raised};
use crate::security::SecurityChange;

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
        super::rate::keep_rate_table(&mut *tx, &key, &security.rate_limits)?;
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
