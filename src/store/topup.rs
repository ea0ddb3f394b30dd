//! Top-ups, and the refs that let a billing system retry one: a second
//! top-up with a ref already used in the account adds nothing and reports
//! the first, so a pipeline that retries after a timeout never credits
//! twice; the same ref with another key or amount is refused.

use super::Store;
use super::accounts;
use super::backend::{LedgerEntry, LedgerReason, NewAudit};
use super::keys::{ensure_not_revoked, resolve};
use super::notify;
use crate::account::AccountName;
use crate::audit::Action;
use crate::balance;
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
}

impl Store {
    /// Adds `amount` lookups (1 to 1,000,000,000) to a key's balance.
    pub fn topup(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        amount: i64,
        note: Option<&str>,
    ) -> Result<Key> {
        self.topup_with_ref(account, key, amount, note, None)
            .map(|t| t.key)
    }

    /// [`Store::topup`] with a ref (a payment or invoice id, 1 to 64
    /// printable characters) unique in the account: when a top-up with
    /// this ref was made already, to the same key and amount, nothing is
    /// added and that one is reported; with another key or amount, the
    /// call is refused.
    pub fn topup_with_ref(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        amount: i64,
        note: Option<&str>,
        reference: Option<&str>,
    ) -> Result<Topup> {
        balance::check_amount(amount)?;
        let note = crate::text::note("note", note)?;
        let reference = reference.map(balance::parse_ref).transpose()?;
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
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
            });
        }
        ensure_not_revoked(&key, "topped up")?;
        if key.balance.checked_add(amount).is_none() {
            return Err(Refusal::BalanceCap { key: key.label() }.into());
        }
        let balance = tx.change_balance(
            key.pk,
            amount,
            &LedgerEntry {
                reason: LedgerReason::Topup,
                note: note.as_deref(),
                reference: reference.as_deref().map(|r| (account.pk, r)),
            },
        )?;
        let topped = tx.key_by_pk(key.pk)?;
        let mut detail = format!("+{amount} lookups");
        if let Some(r) = &reference {
            detail.push_str(&format!(", ref {r}"));
        }
        notify::raise(
            &mut *tx,
            &topped,
            &[NewEvent::new(EventKind::Topup, detail)],
        )?;
        let mut detail = format!("+{amount}, balance {balance}");
        if let Some(r) = &reference {
            detail.push_str(&format!(", ref {r}"));
        }
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
        })
    }
}
