//! Rows read into the domain's values (through the shared
//! [`crate::store::columns`]), and the account statement they read from.

use rusqlite::Row;

use super::columns::read;
use crate::account::Account;
use crate::clock::Timestamp;
use crate::key::Key;
use crate::store::columns::{account_from, key_from};

pub(super) fn key_from_row(row: &Row<'_>, now: Timestamp) -> rusqlite::Result<Key> {
    read(row, |r| key_from(r, now))
}

pub(super) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    read(row, |r| account_from(r))
}

pub(super) const SELECT_ACCOUNT: &str = "SELECT a.id, a.name, a.created_at,
    (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL),
    (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id),
    (SELECT COALESCE(SUM(k.balance), 0) FROM keys k
        WHERE k.account_id = a.id AND k.revoked_at IS NULL)
    FROM accounts a";
