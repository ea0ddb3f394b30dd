//! Automatic top-up in the store: the `autotopup` command's settings, and
//! the top-up a verification makes in its own transaction when it leaves
//! (or finds) the balance below the threshold, at most so many times per
//! UTC day. The key is held while it is decided, so the count per day is
//! exact however many processes and `serve` instances verify it.

use super::Store;
use super::accounts;
use super::backend::{LedgerEntry, LedgerReason, NewAudit, Tx};
use super::batches::{Credit, record_in};
use super::keys::{ensure_not_revoked, resolve};
use super::notify;
use crate::account::AccountName;
use crate::audit::Action;
use crate::balance::batches::NewBatch;
use crate::balance::{AutoTopup, BatchExpiry};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::key::{Key, KeyPk, KeyRef, KeyStatus};
use crate::notify::event::{EventKind, NewEvent};

/// A change to a key's automatic top-up: off, or these fields set (the
/// others kept; a key without one needs `below` and `amount`).
#[derive(Clone, Copy, Debug, Default)]
pub struct AutoTopupChange {
    /// Turn it off.
    pub off: bool,
    /// Top up when the balance is below this.
    pub below: Option<i64>,
    /// Lookups each top-up adds.
    pub amount: Option<i64>,
    /// At most this many top-ups per UTC day (default 1).
    pub max_per_day: Option<u32>,
    /// When each top-up's lookups lapse (default never).
    pub expires: Option<BatchExpiry>,
}

/// A key after `autotopup`, and whether the command changed it.
#[derive(Debug)]
pub struct AutoTopupSet {
    /// The key as it is now.
    pub key: Key,
    /// Whether this call changed its automatic top-up.
    pub changed: bool,
}

impl AutoTopupChange {
    /// The settings this change leaves, from `current`.
    fn applied_to(&self, current: Option<AutoTopup>) -> Result<Option<AutoTopup>> {
        if self.off {
            return Ok(None);
        }
        let (below, amount) = match (self.below, self.amount, current) {
            (Some(b), Some(a), _) => (b, a),
            (b, a, Some(c)) => (b.unwrap_or(c.below), a.unwrap_or(c.amount)),
            _ => {
                return Err(Error::invalid(
                    "the key has no automatic top-up yet: give both --below and --amount",
                ));
            }
        };
        AutoTopup::new(
            below,
            amount,
            self.max_per_day
                .or(current.map(|c| c.max_per_day))
                .unwrap_or(1),
            self.expires
                .or(current.map(|c| c.expires))
                .unwrap_or(BatchExpiry::Never),
        )
        .map(Some)
    }
}

/// How a key's automatic top-up reads in messages and the audit trail.
pub fn describe(settings: Option<&AutoTopup>) -> String {
    match settings {
        None => "off".to_owned(),
        Some(a) => {
            let lapse = match a.expires {
                BatchExpiry::Never => String::new(),
                other => format!(", lapsing after {other}"),
            };
            format!(
                "+{} when below {}, at most {} a day{lapse}",
                a.amount, a.below, a.max_per_day
            )
        }
    }
}

/// Sets the key's automatic top-up inside `tx`, with its audit row;
/// nothing when it is so already. A revoked key cannot be changed.
pub(crate) fn set_in(
    tx: &mut dyn Tx,
    actor: &str,
    key: &Key,
    settings: Option<&AutoTopup>,
) -> Result<bool> {
    ensure_not_revoked(key, "changed")?;
    if key.auto_topup.as_ref() == settings {
        return Ok(false);
    }
    tx.set_auto_topup(key.pk, settings)?;
    tx.audit(
        actor,
        &NewAudit {
            action: Action::AutoTopupSet,
            account: key.account_pk,
            key: Some(key.pk),
            detail: &describe(settings),
        },
    )?;
    Ok(true)
}

/// The UTC day automatic top-ups are counted on at `now`: never one
/// before the last top-up's, so a clock that steps back keeps counting on
/// that day (as a key's daily limit does).
fn count_day(key: &Key, now: Timestamp) -> i64 {
    key.auto_fired.0.max(now.day())
}

/// The automatic top-ups `key` made on the day counted at `now`.
fn fired_today(key: &Key, now: Timestamp) -> u32 {
    if key.auto_fired.0 == count_day(key, now) {
        key.auto_fired.1
    } else {
        0
    }
}

/// Whether a verification of `cost` refused for the balance alone would
/// pass after the top-up: only then does it top up first (a request no
/// top-up can cover is not worth the day's top-ups).
pub(super) fn covers(key: &Key, cost: i64) -> bool {
    key.auto_topup
        .is_some_and(|a| key.balance.saturating_add(a.amount) >= cost)
}

/// Whether a verification that leaves `key` at `balance` tops it up: it
/// has an automatic top-up, is active, is below the threshold and has not
/// made the day's last. Reads nothing.
pub(super) fn due(key: &Key, balance: i64, now: Timestamp) -> bool {
    key.status == KeyStatus::Active
        && key
            .auto_topup
            .is_some_and(|a| a.due(balance, fired_today(key, now)))
}

/// Tops the key up if it is due, as the verifications before left it
/// (read again here): the batch, its `auto_topup` ledger row, event and
/// audit row, and the day's count. `Some` with the key after; `None` when
/// it was not due after all, or could not take the lookups (a balance
/// that would overflow, or a 201st batch), which refuses nothing: the
/// verification is decided on the balance as it is.
pub(super) fn top_up_in(
    tx: &mut dyn Tx,
    actor: &str,
    key: KeyPk,
    now: Timestamp,
) -> Result<Option<Key>> {
    let key = tx.key_by_pk(key)?;
    let Some(auto) = key.auto_topup.filter(|_| due(&key, key.balance, now)) else {
        return Ok(None);
    };
    let Ok(expires_at) = auto.lapses_at(now) else {
        return Ok(None);
    };
    let batch = NewBatch::bought(auto.amount, expires_at, now);
    if key.balance.checked_add(auto.amount).is_none() || key.batches.to_store(Some(batch)).is_none()
    {
        return Ok(None);
    }
    let fired = fired_today(&key, now) + 1;
    let credit = Credit {
        batch,
        entry: LedgerEntry {
            reason: LedgerReason::AutoTopup,
            note: None,
            reference: None,
        },
    };
    let balance = record_in(tx, actor, &key, Some(&credit))?;
    tx.set_auto_fired(key.pk, count_day(&key, now), fired)?;
    let topped = tx.key_by_pk(key.pk)?;
    let today = format!("{fired} of {} today", auto.max_per_day);
    let lapse = expires_at.map_or(String::new(), |t| format!(", expiring at {t}"));
    notify::raise(
        tx,
        &topped,
        &[NewEvent::new(
            EventKind::AutoTopup,
            format!(
                "+{} lookups{lapse} (the balance was below {}); {today}",
                auto.amount, auto.below
            ),
        )],
    )?;
    tx.audit(
        actor,
        &NewAudit {
            action: Action::AutoTopup,
            account: key.account_pk,
            key: Some(key.pk),
            detail: &format!("+{}, balance {balance}{lapse}; {today}", auto.amount),
        },
    )?;
    Ok(Some(topped))
}

impl Store {
    /// Changes a key's automatic top-up (see [`AutoTopupChange`]).
    pub fn set_auto_topup(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        change: &AutoTopupChange,
    ) -> Result<AutoTopupSet> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        let settings = change.applied_to(key.auto_topup)?;
        let changed = set_in(&mut *tx, &self.actor, &key, settings.as_ref())?;
        let key = tx.key_by_pk(key.pk)?;
        tx.commit()?;
        Ok(AutoTopupSet { key, changed })
    }
}
