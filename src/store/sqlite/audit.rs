//! The audit trail: `Tx`'s audit methods on SQLite.

use rusqlite::params;

use super::columns::read;
use super::tx::SqliteTx;
use crate::account::AccountPk;
use crate::audit::{Action, AuditEntry};
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyPk;
use crate::store::backend::NewAudit;
use crate::store::columns::text_enum;

/// The audit rows `$filter` selects, every column `AuditEntry` reads.
macro_rules! select_audit {
    ($filter:literal) => {
        concat!(
            "SELECT au.id, au.at, au.actor, au.action,
                (SELECT a.name FROM accounts a WHERE a.id = au.account_id),
                (SELECT k.public_id FROM keys k WHERE k.id = au.key_id),
                (SELECT k.name FROM keys k WHERE k.id = au.key_id), au.detail
             FROM audit au WHERE ",
            $filter
        )
    };
}

impl SqliteTx<'_> {
    pub(super) fn insert_audit(&mut self, actor: &str, entry: &NewAudit<'_>) -> Result<()> {
        self.stmt(
            "INSERT INTO audit (at, actor, action, account_id, key_id, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .and_then(|mut s| {
            s.execute(params![
                self.now.unix(),
                actor,
                entry.action.as_str(),
                entry.account.0,
                entry.key.map(|k| k.0),
                entry.detail,
            ])
        })
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    pub(super) fn audit_rows(
        &mut self,
        account: AccountPk,
        key: Option<KeyPk>,
    ) -> Result<Vec<AuditEntry>> {
        // Two fixed statements rather than one with a bound choice, which
        // SQLite would compile again on every new value.
        let (sql, id) = match key {
            Some(key) => (select_audit!("au.key_id = ?1"), key.0),
            None => (select_audit!("au.account_id = ?1"), account.0),
        };
        // Sorted here, newest first, for the reason given in `keys`.
        let mut stmt = self.stmt(sql).map_err(|e| self.errors.wrap(e))?;
        let mut entries: Vec<AuditEntry> = stmt
            .query_map([id], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: Timestamp::from_unix(r.get(1)?),
                    user: r.get(2)?,
                    action: read(r, |r| text_enum(r, 3, Action::parse))?,
                    account: r.get(4)?,
                    key_id: r.get(5)?,
                    key_name: r.get(6)?,
                    detail: r.get(7)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))?;
        entries.sort_by_key(|e| std::cmp::Reverse(e.id));
        Ok(entries)
    }
}
