//! `apikey store check`: every invariant the rules keep, read back from
//! one snapshot of the store, so that a store edited by hand, damaged on
//! disk or written by an older build says what is wrong with it.

use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
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
    /// Which check: `integrity`, `ledger`, `active_keys`, `test_balance`,
    /// `stored_list`, `batches` (a balance its purchase batches do not
    /// hold), or `unreadable` (a part of the store that could not
    /// be read).
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
    /// that is not revoked. A part of the store that cannot be read is a
    /// violation too (`unreadable`), so a damaged store is reported with
    /// everything found, not as the first read that failed.
    pub fn check(&mut self) -> Result<CheckReport> {
        let schema_version = self.schema_versions().1;
        let mut tx = self.backend.read(self.clock)?;
        let mut found = Found::default();
        match tx.integrity_problems() {
            Ok(problems) => {
                for message in problems {
                    found.push("integrity", None, None, message);
                }
            }
            Err(e) => found.unreadable("the database's own checks", &e),
        }
        let accounts = match tx.accounts() {
            Ok(accounts) => accounts,
            Err(e) => {
                found.unreadable("the accounts", &e);
                Vec::new()
            }
        };
        let mut keys = 0;
        for account in &accounts {
            match tx.count_active_keys(account.pk) {
                Ok(active) if active > MAX_ACTIVE_KEYS => found.push(
                    "active_keys",
                    Some(&account.name),
                    None,
                    format!(
                        "account {} has {active} active keys, more than {MAX_ACTIVE_KEYS}",
                        account.name
                    ),
                ),
                Ok(_) => {}
                Err(e) => found.unreadable(&format!("account {}", account.name), &e),
            }
            let account_keys = match tx.keys(account.pk, true) {
                Ok(k) => k,
                Err(e) => {
                    found.unreadable(&format!("the keys of account {}", account.name), &e);
                    continue;
                }
            };
            keys += account_keys.len();
            for key in account_keys.iter().filter(|k| k.batches.unheld() > 0) {
                found.push(
                    "batches",
                    Some(&key.account),
                    Some(&key.id),
                    format!(
                        "key {}/{} has a balance of {}, {} more than its purchase batches hold: those count as lookups that never lapse",
                        key.account,
                        key.label(),
                        key.balance,
                        key.batches.unheld()
                    ),
                );
            }
            // A revoked key is never used again, nor can it be changed:
            // what its lists hold no longer matters.
            for key in account_keys
                .iter()
                .filter(|k| k.status != KeyStatus::Revoked)
            {
                for problem in key.stored_problems() {
                    found.push(
                        "stored_list",
                        Some(&key.account),
                        Some(&key.id),
                        format!(
                            "key {}/{}, {}: {}",
                            key.account,
                            key.label(),
                            problem.field,
                            problem.problem
                        ),
                    );
                }
            }
        }
        match tx.repeated_test_balances() {
            Ok(repeated) => {
                for (account, times) in repeated {
                    let message = format!(
                        "account {account} was given the test balance {times} times, not once"
                    );
                    found.push("test_balance", Some(&account), None, message);
                }
            }
            Err(e) => found.unreadable("the test balances", &e),
        }
        match tx.ledger_mismatches() {
            Ok(mismatches) => {
                for off in mismatches {
                    let message = format!(
                        "key {}/{} ({}) has a balance of {} but its ledger sums to {}",
                        off.account, off.name, off.key, off.balance, off.ledger
                    );
                    found.push("ledger", Some(&off.account), Some(&off.key), message);
                }
            }
            Err(e) => found.unreadable("the balances and the ledger", &e),
        }
        Ok(CheckReport {
            schema_version,
            accounts: accounts.len(),
            keys,
            violations: found.0,
        })
    }
}

/// The violations found so far.
#[derive(Default)]
struct Found(Vec<Violation>);

impl Found {
    fn push(
        &mut self,
        check: &'static str,
        account: Option<&str>,
        key: Option<&KeyId>,
        message: String,
    ) {
        self.0.push(Violation {
            check,
            account: account.map(str::to_owned),
            key: key.cloned(),
            message,
        });
    }

    fn unreadable(&mut self, what: &str, error: &Error) {
        self.push(
            "unreadable",
            None,
            None,
            format!("{what} cannot be read: {error}"),
        );
    }
}
