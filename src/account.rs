//! Accounts: the owners of keys. `default` exists from the first use; others
//! are made only by `account create` or a manifest, never as a side effect.

use std::fmt;

use serde::Serialize;

use crate::clock::Timestamp;
use crate::error::Result;

/// The account every store starts with.
pub const DEFAULT_ACCOUNT: &str = "default";

/// A validated account name: 1 to 32 ASCII letters, digits, `-`, `_`, `.`.
/// No spaces, so names work unquoted in scripts and environment variables.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountName(String);

impl AccountName {
    /// Validates a name from a flag, the environment, the config or a manifest.
    pub fn parse(text: &str) -> Result<AccountName> {
        crate::key::check_name("account", text, false)?;
        Ok(AccountName(text.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The store's row id of an account; never shown to users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AccountPk(pub(crate) i64);

/// An account and the figures `account list` and `account show` report.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    #[serde(skip)]
    pub(crate) pk: AccountPk,
    /// Its name.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// Keys that are not revoked (the rule-1 count).
    pub active_keys: u32,
    /// Keys ever created, revoked ones included.
    pub total_keys: u32,
    /// The sum of the active keys' balances.
    pub balance: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names() {
        assert!(AccountName::parse("acme-prod_1.eu").is_ok());
        assert!(AccountName::parse("with space").is_err());
        assert!(AccountName::parse("").is_err());
        assert!(AccountName::parse(&"a".repeat(33)).is_err());
    }
}
