//! Purchase batches in the store: what a read settled in memory, recorded
//! by a write. A lapse leaves the balance as an `expired` ledger row (so a
//! balance is still the sum of its ledger rows), with an audit row and a
//! `lookups_expired` event; a batch within 42 days of lapsing raises its
//! `lookups_expiring` event once. Every write that spends or adds lookups
//! records first, and so does a sweep in every command that writes, for
//! keys nothing else touched.

use super::Store;
use super::backend::{LedgerEntry, LedgerReason, NewAudit, Tx};
use super::notify;
use crate::audit::Action;
use crate::balance::batches::{Batches, MAX_LIVE_BATCHES, NewBatch, due_at};
use crate::error::{Refusal, Result};
use crate::key::{Key, KeyPk, KeyStatus};
use crate::notify::event::{EventKind, NewEvent};

/// Lookups added to a key, and the ledger row that says why.
pub(super) struct Credit<'a> {
    /// The batch.
    pub batch: NewBatch,
    /// Its ledger row.
    pub entry: LedgerEntry<'a>,
}

/// Records what `key`, read in `tx`, settled: its lapses and the notices
/// due, then stores its batches with `added` among them. Returns the
/// balance after. A key that would hold more than [`MAX_LIVE_BATCHES`]
/// batches is refused before anything is written.
pub(super) fn record_in(
    tx: &mut dyn Tx,
    actor: &str,
    key: &Key,
    added: Option<&Credit<'_>>,
) -> Result<i64> {
    let Some(kept) = key.batches.to_store(added.map(|c| c.batch)) else {
        return Err(Refusal::TooManyBatches {
            key: key.label(),
            limit: MAX_LIVE_BATCHES,
        }
        .into());
    };
    let mut events = Vec::new();
    for batch in key.batches.notices_due() {
        if let Some(at) = batch.expires_at {
            events.push(NewEvent::new(
                EventKind::LookupsExpiring,
                format!("{} lookups expire at {at}", batch.left),
            ));
        }
    }
    let mut balance = key.balance + key.batches.lapses().iter().map(|l| l.left).sum::<i64>();
    for lapse in key.batches.lapses() {
        balance = tx.change_balance(
            key.pk,
            -lapse.left,
            &LedgerEntry {
                reason: LedgerReason::Expired,
                note: None,
                reference: None,
            },
        )?;
        let detail = format!(
            "-{} lookups expired at {}, balance {balance}",
            lapse.left, lapse.at
        );
        tx.audit(
            actor,
            &NewAudit {
                action: Action::Expire,
                account: key.account_pk,
                key: Some(key.pk),
                detail: &detail,
            },
        )?;
        events.push(NewEvent::new(
            EventKind::LookupsExpired,
            format!("{} lookups expired at {}", lapse.left, lapse.at),
        ));
    }
    if let Some(credit) = added {
        balance = tx.change_balance(key.pk, credit.batch.lookups, &credit.entry)?;
    }
    tx.set_batches(key.pk, &kept, due_at(&kept))?;
    // A revoked key's people are not told about it any more.
    if key.status != KeyStatus::Revoked {
        notify::raise(tx, key, &events)?;
    }
    Ok(balance)
}

/// Credits a key just made, which holds no batch yet (the test balance).
pub(super) fn credit_new_in(tx: &mut dyn Tx, key: KeyPk, credit: &Credit<'_>) -> Result<i64> {
    let balance = tx.change_balance(key, credit.batch.lookups, &credit.entry)?;
    let kept = Batches::default()
        .to_store(Some(credit.batch))
        .unwrap_or_default();
    tx.set_batches(key, &kept, due_at(&kept))?;
    Ok(balance)
}

impl Store {
    /// Records every lapse and notice that came due and that no
    /// verification or top-up recorded (a key nobody used): run by every
    /// command that writes, and by a `Verifier` once a minute. Cheap when
    /// there is none: one indexed read.
    pub fn record_due_batches(&mut self) -> Result<usize> {
        {
            let mut tx = self.backend.read(self.clock)?;
            let now = tx.now();
            if tx.keys_with_batches_due(now)?.is_empty() {
                return Ok(0);
            }
        }
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let now = tx.now();
        let found = tx.keys_with_batches_due(now)?;
        tx.hold_keys(&found)?;
        let mut recorded = 0;
        for pk in found {
            // Read again once held: a verification may have recorded it.
            // A key whose row cannot be read (an edit past the rules,
            // which `store check` names) is left for its owner to mend,
            // rather than stopping every command that writes.
            let Ok(key) = tx.key_by_pk(pk) else {
                continue;
            };
            record_in(&mut *tx, &self.actor, &key, None)?;
            recorded += 1;
        }
        tx.commit()?;
        Ok(recorded)
    }
}
