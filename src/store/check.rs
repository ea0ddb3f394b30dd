//! `apikey store check`: every invariant the rules keep, read back from
//! one snapshot of the store, so that a store edited by hand, damaged on
//! disk or written by an older build says what is wrong with it.

use std::collections::HashMap;

use serde::Serialize;

use super::Store;
use crate::account::AccountPk;
use crate::error::Result;
use crate::key::{KeyId, KeyStatus, MAX_ACTIVE_KEYS};

/// What the check found, and how much it looked at.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// The store's schema version (always this build's: an older or newer
    /// store is refused before anything is read).
    pub schema_version: i64,
    /// Accounts read.
    pub accounts: usize,
    /// Keys read, revoked ones included.
    pub keys: usize,
    /// Every broken invariant; empty for a sound store.
    pub violations: Vec<Violation>,
}

/// One broken invariant.
#[derive(Debug, Serialize)]
pub struct Violation {
    /// Which check: `integrity`, `ledger`, `active_keys`, `test_balance`
    /// or `stored_list`.
    pub check: &'static str,
    /// The account it concerns, if one.
    pub account: Option<String>,
    /// The key it concerns, if one.
    pub key: Option<KeyId>,
    /// What is wrong, in one line.
    pub message: String,
}

impl Store {
    /// Checks every invariant in one read transaction: the database's own
    /// integrity, each balance against its ledger, at most
    /// [`MAX_ACTIVE_KEYS`] active keys and one test balance per account,
    /// and no stored list entry or length the rules do not admit on a key
    /// that is not revoked.
    pub fn check(&mut self) -> Result<CheckReport> {
        let schema_version = self.schema_versions().1;
        let mut tx = self.backend.read(self.clock)?;
        let mut violations: Vec<Violation> = tx
            .integrity_problems()?
            .into_iter()
            .map(|message| Violation {
                check: "integrity",
                account: None,
                key: None,
                message,
            })
            .collect();
        let accounts = tx.accounts()?;
        let names: HashMap<AccountPk, &str> =
            accounts.iter().map(|a| (a.pk, a.name.as_str())).collect();
        let mut keys = 0;
        for account in &accounts {
            let active = tx.count_active_keys(account.pk)?;
            if active > MAX_ACTIVE_KEYS {
                violations.push(Violation {
                    check: "active_keys",
                    account: Some(account.name.clone()),
                    key: None,
                    message: format!(
                        "account {} has {active} active keys, more than {MAX_ACTIVE_KEYS}",
                        account.name
                    ),
                });
            }
            for key in tx.keys(account.pk, true)? {
                keys += 1;
                // A revoked key is never used again, nor can it be changed:
                // what its lists hold no longer matters.
                if key.status == KeyStatus::Revoked {
                    continue;
                }
                for problem in key.stored_problems() {
                    violations.push(Violation {
                        check: "stored_list",
                        account: Some(key.account.clone()),
                        key: Some(key.id.clone()),
                        message: format!(
                            "key {}/{}, {}: {}",
                            key.account,
                            key.label(),
                            problem.field,
                            problem.problem
                        ),
                    });
                }
            }
        }
        for (account, times) in tx.repeated_test_balances()? {
            let name = names.get(&account).copied().unwrap_or("?");
            violations.push(Violation {
                check: "test_balance",
                account: Some(name.to_owned()),
                key: None,
                message: format!(
                    "account {name} was given the test balance {times} times, not once"
                ),
            });
        }
        for off in tx.ledger_mismatches()? {
            let key = tx.key_by_pk(off.key)?;
            violations.push(Violation {
                check: "ledger",
                account: Some(key.account.clone()),
                key: Some(key.id.clone()),
                message: format!(
                    "key {}/{} has a balance of {} but its ledger sums to {}",
                    key.account,
                    key.label(),
                    off.balance,
                    off.ledger
                ),
            });
        }
        Ok(CheckReport {
            schema_version,
            accounts: accounts.len(),
            keys,
            violations,
        })
    }
}
