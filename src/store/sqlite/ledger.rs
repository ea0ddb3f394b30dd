//! SQLite's ledger rows for balance changes other than spends (top-ups,
//! the test balance, lapses), the refs that make a top-up happen once,
//! and the purchase batches that hold a balance.

use rusqlite::{OptionalExtension, params};

use super::tx::SqliteTx;
use crate::account::AccountPk;
use crate::balance::AutoTopup;
use crate::balance::batches::Batch;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyPk;
use crate::store::backend::{LedgerEntry, RefUse};
use crate::store::columns::batches_text;

impl SqliteTx<'_> {
    pub(super) fn store_batches(
        &mut self,
        key: KeyPk,
        batches: &[Batch],
        due_at: Option<Timestamp>,
    ) -> Result<()> {
        self.stmt("UPDATE keys SET batches = ?2, batches_due_at = ?3 WHERE id = ?1")
            .and_then(|mut s| {
                s.execute(params![
                    key.0,
                    batches_text(batches),
                    due_at.map(Timestamp::unix)
                ])
            })
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn store_auto_topup(
        &mut self,
        key: KeyPk,
        settings: Option<&AutoTopup>,
    ) -> Result<()> {
        self.stmt("UPDATE keys SET auto_topup = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, settings.map(AutoTopup::stored)]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn store_auto_fired(&mut self, key: KeyPk, day: i64, count: u32) -> Result<()> {
        self.stmt("UPDATE keys SET auto_topup_day = ?2, auto_topup_count = ?3 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, day, count]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn batches_due(&mut self, now: Timestamp) -> Result<Vec<KeyPk>> {
        let mut stmt = self
            .stmt(
                "SELECT id FROM keys WHERE batches_due_at IS NOT NULL AND batches_due_at <= ?1
                  ORDER BY id",
            )
            .map_err(|e| self.errors.wrap(e))?;
        stmt.query_map([now.unix()], |r| r.get(0).map(KeyPk))
            .and_then(Iterator::collect)
            .map_err(|e| self.errors.wrap(e))
    }

    pub(super) fn add_to_balance(
        &mut self,
        key: KeyPk,
        delta: i64,
        entry: &LedgerEntry<'_>,
    ) -> Result<i64> {
        let balance: i64 = self
            .stmt("UPDATE keys SET balance = balance + ?2 WHERE id = ?1 RETURNING balance")
            .and_then(|mut s| s.query_row(params![key.0, delta], |r| r.get(0)))
            .map_err(|e| self.fail(e))?;
        let row = self
            .stmt(
                "INSERT INTO ledger (key_id, at, delta, reason, note, ref)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.insert(params![
                    key.0,
                    self.now.unix(),
                    delta,
                    entry.reason.as_str(),
                    entry.note,
                    entry.reference.map(|(_, r)| r),
                ])
            })
            .map_err(|e| self.fail(e))?;
        if let Some((account, reference)) = entry.reference {
            self.stmt("INSERT INTO topup_refs (account_id, ref, ledger_id) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(params![account.0, reference, row]))
                .map_err(|e| self.fail(e))?;
        }
        Ok(balance)
    }

    pub(super) fn ref_use(
        &mut self,
        account: AccountPk,
        reference: &str,
    ) -> Result<Option<RefUse>> {
        self.stmt(
            "SELECT l.key_id, l.delta, l.at FROM topup_refs r JOIN ledger l ON l.id = r.ledger_id
              WHERE r.account_id = ?1 AND r.ref = ?2",
        )
        .and_then(|mut s| {
            s.query_row(params![account.0, reference], |r| {
                Ok(RefUse {
                    key: KeyPk(r.get(0)?),
                    amount: r.get(1)?,
                    at: Timestamp::from_unix(r.get(2)?),
                })
            })
            .optional()
        })
        .map_err(|e| self.fail(e))
    }
}
