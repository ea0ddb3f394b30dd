//! Account operations. Accounts are made only here, on request, never as a
//! side effect of another command.

use super::Store;
use super::backend::{NewAudit, Tx};
use crate::account::{Account, AccountName};
use crate::audit::Action;
use crate::error::{Error, Refusal, Result};

/// The account by name, or the not-found error that tells how to make it.
pub(super) fn find(tx: &mut dyn Tx, name: &AccountName) -> Result<Account> {
    tx.account(name.as_str())?
        .ok_or_else(|| Error::AccountNotFound(name.to_string()))
}

/// Creates an account inside an open transaction, refusing a taken name.
pub(crate) fn create_in(tx: &mut dyn Tx, actor: &str, name: &AccountName) -> Result<Account> {
    if tx.account(name.as_str())?.is_some() {
        return Err(Refusal::AccountExists(name.to_string()).into());
    }
    let pk = tx.insert_account(name)?;
    tx.audit(
        actor,
        &NewAudit {
            action: Action::AccountCreate,
            account: pk,
            key: None,
            detail: "",
        },
    )?;
    find(tx, name)
}

impl Store {
    /// Creates an account (exit 3 if the name is taken).
    pub fn create_account(&mut self, name: &AccountName) -> Result<Account> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let account = create_in(&mut *tx, &self.actor, name)?;
        tx.commit()?;
        Ok(account)
    }

    /// Every account, by name.
    pub fn accounts(&mut self) -> Result<Vec<Account>> {
        let mut tx = self.backend.read(self.clock)?;
        let mut accounts = tx.accounts()?;
        for account in &mut accounts {
            settle_balance(&mut *tx, account)?;
        }
        Ok(accounts)
    }

    /// One account (exit 4 if there is none by that name).
    pub fn account(&mut self, name: &AccountName) -> Result<Account> {
        let mut tx = self.backend.read(self.clock)?;
        let mut account = find(&mut *tx, name)?;
        settle_balance(&mut *tx, &mut account)?;
        Ok(account)
    }
}

/// The account's balance as its keys read now: without the lookups that
/// lapsed, which the stored balances keep until a write records them.
fn settle_balance(tx: &mut dyn Tx, account: &mut Account) -> Result<()> {
    account.balance = tx.keys(account.pk, false)?.iter().map(|k| k.balance).sum();
    Ok(())
}
