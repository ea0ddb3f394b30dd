//! Top-ups, and the refs that let a billing system retry one: a second
//! top-up with a ref already used in the account adds nothing and reports
//! the first, so a pipeline that retries after a timeout never credits
//! twice; the same ref with another key or amount is refused.

use super::Store;
use super::accounts;
use super::backend::{LedgerEntry, LedgerReason, NewAudit};
use super::batches::{Credit, record_in};
use super::keys::{ensure_not_revoked, resolve};
use super::notify;
use crate::account::AccountName;
use crate::audit::Action;
use crate::balance::{self, BatchExpiry, batches::NewBatch};
use crate::clock::Timestamp;
use crate::error::{Refusal, Result};
use crate::key::{Key, KeyRef};
use crate::notify::event::{EventKind, NewEvent};

/// A top-up as made, or as found made before under the same ref.
#[derive(Debug)]
pub struct Topup {
    /// The key as it is now.
    pub key: Key,
    /// The lookups added (by this call, or by the first with the ref).
    pub amount: i64,
    /// `Some` with when the first top-up with this ref was made, when this
    /// call added nothing.
    pub duplicate_of: Option<Timestamp>,
    /// When the lookups this call added lapse, if they do.
    pub expires_at: Option<Timestamp>,
}

/// A top-up as asked for.
#[derive(Clone, Copy, Debug)]
pub struct TopupOrder<'a> {
    /// Lookups to add, 1 to 1,000,000,000.
    pub amount: i64,
    /// A note for the ledger and the audit trail.
    pub note: Option<&'a str>,
    /// A payment or invoice id that makes the top-up happen once.
    pub reference: Option<&'a str>,
    /// When the lookups lapse.
    pub expires: BatchExpiry,
}

impl TopupOrder<'_> {
    /// `amount` lookups that never lapse, with no note and no ref.
    pub fn of(amount: i64) -> TopupOrder<'static> {
        TopupOrder {
            amount,
            note: None,
            reference: None,
            expires: BatchExpiry::Never,
        }
    }
}

impl Store {
    /// Adds `amount` lookups (1 to 1,000,000,000) to a key's balance, in
    /// a batch that never lapses.
    pub fn topup(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        amount: i64,
        note: Option<&str>,
    ) -> Result<Key> {
        let order = TopupOrder {
            note,
            ..TopupOrder::of(amount)
        };
        self.topup_with(account, key, &order).map(|t| t.key)
    }

    /// [`Store::topup`] as `order` asks: in a batch that lapses, and with
    /// a ref (a payment or invoice id, 1 to 64 printable characters)
    /// unique in the account: when a top-up with this ref was made
    /// already, to the same key and amount, nothing is added and that one
    /// is reported; with another key or amount, the call is refused.
    pub fn topup_with(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        order: &TopupOrder<'_>,
    ) -> Result<Topup> {
        let amount = order.amount;
        balance::check_amount(amount)?;
        let note = crate::text::note("note", order.note)?;
        let reference = order.reference.map(balance::parse_ref).transpose()?;
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let now = tx.now();
        let expires_at = order.expires.lapses_at(now)?;
        let account = accounts::find(&mut *tx, account)?;
        if reference.is_some() {
            // A ref is unique in the account: held before the key.
            tx.hold_account(account.pk)?;
        }
        let key = resolve(&mut *tx, &account, key)?;
        if let Some(reference) = &reference
            && let Some(used) = tx.topup_by_ref(account.pk, reference)?
        {
            let first = tx.key_by_pk(used.key)?;
            if used.key != key.pk || used.amount != amount {
                return Err(Refusal::RefReused {
                    reference: crate::text::quoted(reference),
                    first: format!("+{} to key {} at {}", used.amount, first.label(), used.at),
                }
                .into());
            }
            return Ok(Topup {
                key: first,
                amount,
                duplicate_of: Some(used.at),
                expires_at: None,
            });
        }
        ensure_not_revoked(&key, "topped up")?;
        if key.balance.checked_add(amount).is_none() {
            return Err(Refusal::BalanceCap { key: key.label() }.into());
        }
        let credit = Credit {
            batch: NewBatch::bought(amount, expires_at, now),
            entry: LedgerEntry {
                reason: LedgerReason::Topup,
                note: note.as_deref(),
                reference: reference.as_deref().map(|r| (account.pk, r)),
            },
        };
        let balance = record_in(&mut *tx, &self.actor, &key, Some(&credit))?;
        let topped = tx.key_by_pk(key.pk)?;
        // When the lookups lapse and the ref, told in the event and the trail.
        let mut particulars = String::new();
        if let Some(t) = expires_at {
            particulars.push_str(&format!(", expiring at {t}"));
        }
        if let Some(r) = &reference {
            particulars.push_str(&format!(", ref {r}"));
        }
        notify::raise(
            &mut *tx,
            &topped,
            &[NewEvent::new(
                EventKind::Topup,
                format!("+{amount} lookups{particulars}"),
            )],
        )?;
        let mut detail = format!("+{amount}, balance {balance}{particulars}");
        if let Some(n) = &note {
            detail.push_str(&format!(": {n}"));
        }
        tx.audit(
            &self.actor,
            &NewAudit {
                action: Action::Topup,
                account: key.account_pk,
                key: Some(key.pk),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(Topup {
            key: topped,
            amount,
            duplicate_of: None,
            expires_at,
        })
    }
}
