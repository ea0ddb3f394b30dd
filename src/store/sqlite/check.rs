//! The queries behind `apikey store check` on SQLite: whole-store scans
//! that no command runs on its own path.

use rusqlite::Connection;

use crate::key::KeyId;
use crate::store::backend::{LedgerMismatch, LedgerReason};

/// Keys whose balance differs from their ledger, in one pass over each.
pub(super) fn ledger_mismatches(conn: &Connection) -> rusqlite::Result<Vec<LedgerMismatch>> {
    conn.prepare(
        "SELECT a.name, k.public_id, k.name, k.balance, COALESCE(l.total, 0)
           FROM keys k
           JOIN accounts a ON a.id = k.account_id
           LEFT JOIN (SELECT key_id, SUM(delta) AS total FROM ledger GROUP BY key_id) l
             ON l.key_id = k.id
          WHERE k.balance IS NOT COALESCE(l.total, 0)
          ORDER BY k.id",
    )?
    .query_map([], |r| {
        Ok(LedgerMismatch {
            account: r.get(0)?,
            key: KeyId::from_store(r.get(1)?),
            name: r.get(2)?,
            balance: r.get(3)?,
            ledger: r.get(4)?,
        })
    })?
    .collect()
}

/// Accounts whose keys received the test balance more than once.
pub(super) fn repeated_test_balances(conn: &Connection) -> rusqlite::Result<Vec<(String, u64)>> {
    conn.prepare(
        "SELECT a.name, COUNT(*)
           FROM ledger l
           JOIN keys k ON k.id = l.key_id
           JOIN accounts a ON a.id = k.account_id
          WHERE l.reason = ?1
          GROUP BY a.id
         HAVING COUNT(*) > 1
          ORDER BY a.name",
    )?
    .query_map([LedgerReason::TestBalance.as_str()], |r| {
        Ok((r.get(0)?, r.get::<_, i64>(1)?.unsigned_abs()))
    })?
    .collect()
}

/// SQLite's own checks: `integrity_check` (pages, indexes, constraints)
/// and `foreign_key_check` (rows pointing at rows that are gone).
pub(super) fn integrity_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut found: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|line| line != "ok")
        .collect();
    let orphans = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| {
            Ok(format!(
                "row {} of table {} points at a missing row of {}",
                r.get::<_, Option<i64>>(1)?
                    .map_or_else(|| "?".to_owned(), |n| n.to_string()),
                r.get::<_, String>(0)?,
                r.get::<_, String>(2)?
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    found.extend(orphans);
    Ok(found)
}
