//! Key operations and the rules on them: the 10-active-key limit (rule 1),
//! the first key's test balance (rule 2), unique names (rule 3), revoked is
//! final (rule 4) and balances never below zero (rule 5). Each public method
//! is one write transaction; each rule is checked inside it.

use std::time::Duration;

use super::Store;
use super::accounts;
use super::backend::{LedgerEntry, LedgerReason, NewAudit, NewKeyRow, Tx};
use super::batches::Credit;
use super::notify;
use crate::account::{Account, AccountName};
use crate::audit::{Action, AuditEntry};
use crate::balance::TEST_BALANCE;
use crate::balance::batches::NewBatch;
use crate::clock::Timestamp;
use crate::error::{Error, Refusal, Result};
use crate::key::{Key, KeyId, KeyName, KeyRef, KeyStatus, MAX_ACTIVE_KEYS};
use crate::notify::event::{self, EventKind, NewEvent, Raised};
use crate::notify::{MAX_EMAILS, NotifySettings};
use crate::secret::Secret;
use crate::security::SecuritySettings;

/// What a new key should look like; everything has a default.
#[derive(Clone, Debug, Default)]
pub struct KeySpec {
    /// The name; `key-N` with the lowest free N when absent.
    pub name: Option<KeyName>,
    /// When it stops verifying.
    pub expires_at: Option<Timestamp>,
    /// Its security settings.
    pub security: SecuritySettings,
    /// Its notification settings.
    pub notify: NotifySettings,
}

/// A key just created or regenerated, with the secret that is shown once.
#[derive(Debug)]
pub struct NewKey {
    /// The key as stored.
    pub key: Key,
    /// The secret; the store keeps only its digest.
    pub secret: Secret,
}

/// Finds the key a user pointed at, in `account` only: an id or secret of
/// another account's key is not found, as a name would not be, so that
/// `-a other revoke k_…` cannot reach past the account it names. A secret
/// replaced by `regenerate` still finds its key until its grace period ends.
pub(super) fn resolve(tx: &mut dyn Tx, account: &Account, key: &KeyRef) -> Result<Key> {
    let found = match key {
        KeyRef::Id(id) => match tx.key_by_id(id)? {
            Some(k) if k.account_pk == account.pk => Some(k),
            // A name shaped like an id, from a build that allowed one.
            _ => tx.key_by_name(account.pk, id.as_str())?,
        },
        KeyRef::Name(name) => tx.key_by_name(account.pk, name.as_str())?,
        KeyRef::Secret(secret) => tx
            .key_by_digest(&secret.digest())?
            .filter(|m| m.retires_at.is_none_or(|t| t > tx.now()))
            .map(|m| m.key)
            .filter(|k| k.account_pk == account.pk),
    };
    let found = found.ok_or_else(|| Error::KeyNotFound {
        account: account.name.clone(),
        key: crate::text::printable(&key.shown()),
    })?;
    // What the rules then decide on is the key as it is once held.
    Ok(tx.hold_key(found.pk)?.unwrap_or(found))
}

/// Creates a key inside an open transaction: rules 1, 2 and 3.
pub(crate) fn create_in(
    tx: &mut dyn Tx,
    actor: &str,
    account: &Account,
    spec: &KeySpec,
    secret: &Secret,
) -> Result<Key> {
    spec.security.check()?;
    // Rules 1, 2 and 3 are about the account's keys as a whole.
    tx.hold_account(account.pk)?;
    if spec.notify.emails.len() > MAX_EMAILS {
        return Err(Refusal::TooManyEmails {
            limit: MAX_EMAILS,
            would_have: spec.notify.emails.len(),
        }
        .into());
    }
    if let Some(t) = spec.expires_at
        && t <= tx.now()
    {
        return Err(Error::invalid(format!(
            "expiry {t} is not in the future: use a later time, or never"
        )));
    }
    if tx.count_active_keys(account.pk)? >= MAX_ACTIVE_KEYS {
        return Err(Refusal::KeyLimit {
            account: account.name.clone(),
            limit: MAX_ACTIVE_KEYS,
        }
        .into());
    }
    let name = if let Some(name) = &spec.name {
        ensure_name_free(tx, account, name)?;
        name.clone()
    } else {
        let taken = tx.active_key_names(account.pk)?;
        KeyName::first_free(taken.iter().map(String::as_str))
    };
    let first_key = !tx.account_ever_had_key(account.pk)?;
    let id = loop {
        let id = KeyId::generate()?;
        if tx.key_by_id(&id)?.is_none() {
            break id;
        }
    };
    let pk = tx.insert_key(&NewKeyRow {
        id: &id,
        account: account.pk,
        name: &name,
        hint: &secret.hint(),
        expires_at: spec.expires_at,
        security: &spec.security,
        notify: &spec.notify,
    })?;
    tx.insert_secret(pk, &secret.digest())?;
    let balance = if first_key {
        let credit = Credit {
            // The test balance never lapses.
            batch: NewBatch::bought(TEST_BALANCE, None, tx.now()),
            entry: LedgerEntry {
                reason: LedgerReason::TestBalance,
                note: None,
                reference: None,
            },
        };
        super::batches::credit_new_in(tx, pk, &credit)?
    } else {
        0
    };
    tx.audit(
        actor,
        &NewAudit {
            action: Action::Create,
            account: account.pk,
            key: Some(pk),
            detail: &format!("balance {balance}"),
        },
    )?;
    let key = tx.key_by_pk(pk)?;
    let now = tx.now();
    if let Some(t) = key.expires_at
        && event::expiry_due(key.expires_at, key.raised, now)
    {
        notify::raise(tx, &key, &[event::expiring(t, now)])?;
        tx.set_raised(
            pk,
            Raised {
                expiry: true,
                ..key.raised
            },
        )?;
    }
    Ok(key)
}

/// Refuses a name another active key of the account holds (rule 3).
fn ensure_name_free(tx: &mut dyn Tx, account: &Account, name: &KeyName) -> Result<()> {
    if tx
        .key_by_name(account.pk, name.as_str())?
        .is_some_and(|k| k.status != KeyStatus::Revoked)
    {
        return Err(Refusal::NameTaken {
            account: account.name.clone(),
            name: name.to_string(),
        }
        .into());
    }
    Ok(())
}

/// Refuses any change to a revoked key (rule 4).
pub(super) fn ensure_not_revoked(key: &Key, action: &'static str) -> Result<()> {
    if key.status == KeyStatus::Revoked {
        return Err(Refusal::KeyRevoked {
            key: key.label(),
            action,
        }
        .into());
    }
    Ok(())
}

impl Store {
    /// Creates a key in `account` and returns it with its secret.
    pub fn create_key(&mut self, account: &AccountName, spec: &KeySpec) -> Result<NewKey> {
        self.create_key_then(account, spec, |_| Ok(()))
    }

    /// [`Store::create_key`], handing the new key and its secret to
    /// `deliver` before the change commits: when `deliver` fails (the
    /// secret could not be shown or stored), nothing is kept, so no key
    /// exists whose secret nobody has.
    pub fn create_key_then(
        &mut self,
        account: &AccountName,
        spec: &KeySpec,
        deliver: impl FnOnce(&NewKey) -> Result<()>,
    ) -> Result<NewKey> {
        let secret = Secret::generate()?;
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = create_in(&mut *tx, &self.actor, &account, spec, &secret)?;
        let new = NewKey { key, secret };
        deliver(&new)?;
        tx.commit()?;
        Ok(new)
    }

    /// The account's keys, oldest first; revoked ones only when asked.
    pub fn keys(&mut self, account: &AccountName, include_revoked: bool) -> Result<Vec<Key>> {
        let mut tx = self.backend.read(self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        tx.keys(account.pk, include_revoked)
    }

    /// One key, by id, name or secret.
    pub fn key(&mut self, account: &AccountName, key: &KeyRef) -> Result<Key> {
        let mut tx = self.backend.read(self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        resolve(&mut *tx, &account, key)
    }

    /// Permanently disables a key.
    pub fn revoke(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        reason: Option<&str>,
    ) -> Result<Key> {
        let reason = crate::text::note("reason", reason)?;
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        if key.status == KeyStatus::Revoked {
            return Err(Refusal::AlreadyRevoked { key: key.label() }.into());
        }
        tx.revoke(key.pk, reason.as_deref())?;
        let revoked = tx.key_by_pk(key.pk)?;
        notify::raise(
            &mut *tx,
            &revoked,
            &[NewEvent::new(
                EventKind::Revoked,
                reason
                    .as_deref()
                    .map_or(String::new(), |r| format!("reason: {r}")),
            )],
        )?;
        tx.audit(
            &self.actor,
            &NewAudit {
                action: Action::Revoke,
                account: key.account_pk,
                key: Some(key.pk),
                detail: reason.as_deref().unwrap_or(""),
            },
        )?;
        let key = tx.key_by_pk(key.pk)?;
        tx.commit()?;
        Ok(key)
    }

    /// Gives a key a new secret. The old one stops verifying at once, or
    /// when `grace` has passed.
    pub fn regenerate(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        grace: Duration,
    ) -> Result<NewKey> {
        self.regenerate_then(account, key, grace, |_| Ok(()))
    }

    /// [`Store::regenerate`], handing the new secret to `deliver` before
    /// the change commits: when `deliver` fails, the old secret keeps
    /// working and nothing changes.
    pub fn regenerate_then(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        grace: Duration,
        deliver: impl FnOnce(&NewKey) -> Result<()>,
    ) -> Result<NewKey> {
        let secret = Secret::generate()?;
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let now = tx.now();
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        ensure_not_revoked(&key, "regenerated")?;
        let until = now.plus(grace);
        tx.retire_secrets(key.pk, until)?;
        tx.insert_secret(key.pk, &secret.digest())?;
        tx.set_hint(key.pk, &secret.hint())?;
        let detail = if grace.is_zero() {
            "old secret stopped at once".to_owned()
        } else {
            format!("old secret stops working at {until}")
        };
        let regenerated = tx.key_by_pk(key.pk)?;
        notify::raise(
            &mut *tx,
            &regenerated,
            &[NewEvent::new(EventKind::Regenerated, detail.clone())],
        )?;
        tx.audit(
            &self.actor,
            &NewAudit {
                action: Action::Regenerate,
                account: key.account_pk,
                key: Some(key.pk),
                detail: &detail,
            },
        )?;
        let new = NewKey {
            key: tx.key_by_pk(key.pk)?,
            secret,
        };
        deliver(&new)?;
        tx.commit()?;
        Ok(new)
    }

    /// Gives a key a new name, keeping its id, secret, balance, settings
    /// and history: the way to rename a key a manifest names (`apply`
    /// would create a new key under the new name). Rule 3 holds: the new
    /// name must not be taken by another active key of the account.
    pub fn rename(&mut self, account: &AccountName, key: &KeyRef, name: &KeyName) -> Result<Key> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        // Rule 3 is about the account's names: held before the key.
        tx.hold_account(account.pk)?;
        let key = resolve(&mut *tx, &account, key)?;
        ensure_not_revoked(&key, "renamed")?;
        if key.name == *name {
            return Ok(key);
        }
        ensure_name_free(&mut *tx, &account, name)?;
        tx.rename_key(key.pk, name)?;
        tx.audit(
            &self.actor,
            &NewAudit {
                action: Action::Rename,
                account: key.account_pk,
                key: Some(key.pk),
                detail: &format!("{} -> {name}", key.name),
            },
        )?;
        let key = tx.key_by_pk(key.pk)?;
        tx.commit()?;
        Ok(key)
    }

    /// The sum of a key's ledger rows, which always equals its balance.
    pub fn ledger_sum(&mut self, account: &AccountName, key: &KeyRef) -> Result<i64> {
        let mut tx = self.backend.read(self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        tx.ledger_sum(key.pk)
    }

    /// The account's audit trail, newest first, optionally for one key.
    pub fn audit_log(
        &mut self,
        account: &AccountName,
        key: Option<&KeyRef>,
    ) -> Result<Vec<AuditEntry>> {
        let mut tx = self.backend.read(self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = match key {
            Some(k) => Some(resolve(&mut *tx, &account, k)?.pk),
            None => None,
        };
        tx.audit_entries(account.pk, key)
    }
}
