//! `apikey store copy FROM TO`: a whole store moved into a new one (SQLite
//! to PostgreSQL and back), every row with its id, read from one snapshot
//! of FROM and written in one transaction on TO, then read back from both
//! and compared row for row before TO commits. A copy that does not match
//! leaves nothing behind.

use serde::Serialize;

use super::Store;
use super::backend::Tx;
use crate::error::{Error, Refusal, Result};

/// A column's value as both backends store it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// NULL.
    Null,
    /// An integer (ids, times, counts, balances).
    Int(i64),
    /// Text (names, lists, words).
    Text(String),
    /// Bytes (secrets' digests).
    Bytes(Vec<u8>),
}

/// A table that is copied: its columns, the ones that order its rows
/// (its primary key), in the order that foreign keys allow writing them.
#[derive(Debug)]
pub(crate) struct Table {
    /// Its name, the same on both backends.
    pub name: &'static str,
    /// Every column, in the order rows carry them.
    pub columns: &'static [&'static str],
    /// The primary key's columns, a prefix of `columns`.
    pub key: usize,
}

impl Table {
    /// `columns` joined for a statement.
    pub(crate) fn column_list(&self) -> String {
        self.columns.join(", ")
    }

    /// The primary key's columns joined for a statement.
    pub(crate) fn key_list(&self) -> String {
        self.columns[..self.key].join(", ")
    }
}

/// Every table of the store, parents before children.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "accounts",
        columns: &["id", "name", "created_at"],
        key: 1,
    },
    Table {
        name: "keys",
        columns: &[
            "id",
            "public_id",
            "account_id",
            "name",
            "hint",
            "balance",
            "created_at",
            "expires_at",
            "revoked_at",
            "revoke_reason",
            "last_used_at",
            "allowed_urls",
            "allowed_ips",
            "scopes",
            "daily_limit",
            "monthly_limit",
            "ip_daily_limit",
            "redact_days",
            "notify_emails",
            "low_balance",
            "day",
            "day_count",
            "month",
            "month_count",
            "warned_day",
            "limit_day",
            "limit_month",
            "expiry_noticed",
            "suspended_at",
            "rate_limits",
            "rate_seq",
            "rate_recent",
            "batches",
            "batches_due_at",
            "auto_topup",
            "auto_topup_day",
            "auto_topup_count",
        ],
        key: 1,
    },
    Table {
        name: "secrets",
        columns: &["digest", "key_id", "retires_at"],
        key: 1,
    },
    Table {
        name: "ledger",
        columns: &[
            "id", "key_id", "at", "delta", "reason", "note", "day", "spends", "ref",
        ],
        key: 1,
    },
    Table {
        name: "topup_refs",
        columns: &["account_id", "ref", "ledger_id"],
        key: 2,
    },
    Table {
        name: "usage",
        columns: &["key_id", "day", "ip", "count"],
        key: 3,
    },
    Table {
        name: "rate_hits",
        columns: &["key_id", "seq", "at_ms"],
        key: 2,
    },
    Table {
        name: "audit",
        columns: &[
            "id",
            "at",
            "actor",
            "action",
            "account_id",
            "key_id",
            "detail",
        ],
        key: 1,
    },
    Table {
        name: "outbox",
        columns: &[
            "id",
            "event",
            "account_id",
            "key_id",
            "key_name",
            "key_hint",
            "recipients",
            "balance",
            "detail",
            "status",
            "attempts",
            "created_at",
            "sent_at",
            "last_error",
            "claimed_until",
            "claimed_by",
            "deliveries",
            "claim_host",
            "claim_pid",
            "claim_process",
        ],
        key: 1,
    },
    Table {
        name: "housekeeping",
        columns: &["chore", "day"],
        key: 1,
    },
];

/// Rows read and compared at a time: memory stays flat however large the
/// store is.
const CHUNK: usize = 5_000;

/// What a copy moved, table by table.
#[derive(Debug, Serialize)]
pub struct CopyReport {
    /// The store copied from, as messages name it.
    pub from: String,
    /// The store copied into.
    pub to: String,
    /// Rows per table, in the order they were written.
    pub tables: Vec<CopiedTable>,
}

/// One table's rows copied (and checked).
#[derive(Debug, Serialize)]
pub struct CopiedTable {
    /// The table.
    pub table: &'static str,
    /// Its rows.
    pub rows: u64,
}

impl Store {
    /// Copies this store, whole, into `to`, which must hold nothing yet
    /// (a store just made holds only its default account): every row with
    /// its id, from one snapshot of this store, in one transaction on `to`
    /// that commits only once every row read back from `to` equals its
    /// original. Refused (exit 3) when `to` is not empty.
    pub fn copy_into(&mut self, to: &mut Store) -> Result<CopyReport> {
        let mut from_tx = self.backend.read(self.clock)?;
        let mut to_tx = to.backend.write(to.clock)?;
        to_tx.hold_all()?;
        let holds = holdings(&mut *to_tx)?;
        if !holds.is_empty() {
            return Err(Refusal::StoreNotEmpty {
                store: to.path.display().to_string(),
                holds: holds.join(", "),
            }
            .into());
        }
        to_tx.clear_new_store()?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let rows = each_chunk(&mut *from_tx, table, |chunk| {
                to_tx.insert_rows(table, chunk)
            })?;
            tables.push(CopiedTable {
                table: table.name,
                rows,
            });
        }
        for (table, copied) in TABLES.iter().zip(&tables) {
            check_copy(&mut *from_tx, &mut *to_tx, table, copied.rows, &to.path)?;
        }
        to_tx.after_insert()?;
        to_tx.commit()?;
        Ok(CopyReport {
            from: self.path.display().to_string(),
            to: to.path.display().to_string(),
            tables,
        })
    }
}

impl Store {
    /// Writes a consistent snapshot of this store into `file`, a new
    /// SQLite store file (mode 0600) that must not exist (exit 3), while
    /// other handles keep writing. A SQLite store is copied page for page
    /// by SQLite itself; a server's store is copied row for row
    /// ([`Store::copy_into`]). A snapshot that fails leaves no file.
    pub fn backup(&mut self, file: &std::path::Path) -> Result<()> {
        let refuse = || Refusal::BackupExists {
            path: file.display().to_string(),
        };
        if std::fs::symlink_metadata(file).is_ok() {
            return Err(refuse().into());
        }
        let outcome = self.snapshot(file, refuse);
        if outcome.is_err() && !matches!(outcome, Err(Error::Refused(Refusal::BackupExists { .. })))
        {
            let _ = std::fs::remove_file(file);
        }
        outcome
    }

    fn snapshot(&mut self, file: &std::path::Path, refuse: impl Fn() -> Refusal) -> Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let io = |source| Error::Io {
            path: file.to_path_buf(),
            source,
        };
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => refuse().into(),
                _ => io(e),
            })?;
        match self.backend.snapshot_into(file) {
            Some(done) => {
                done?;
                std::fs::File::open(file)
                    .and_then(|f| f.sync_all())
                    .map_err(io)
            }
            None => {
                std::fs::remove_file(file).map_err(io)?;
                let mut to =
                    Store::open_with(file, super::Access::Create, super::DEFAULT_BUSY_TIMEOUT)?;
                self.copy_into(&mut to).map(drop)
            }
        }
    }
}

/// What a store holds beyond what a new one is made with, as words; empty
/// when nothing.
fn holdings(tx: &mut dyn Tx) -> Result<Vec<String>> {
    let mut holds = Vec::new();
    for table in TABLES {
        let rows = tx.table_rows(table, None, 2)?;
        let made_with = match table.name {
            // A new store's default account, and the days its chores ran.
            "accounts" => rows
                .iter()
                .filter(|r| r.get(1) != Some(&Value::Text("default".into())))
                .count(),
            "housekeeping" => 0,
            _ => rows.len(),
        };
        if made_with > 0 {
            holds.push(format!("{} has rows", table.name));
        }
    }
    Ok(holds)
}

/// Reads every row of `table` in chunks, in key order, handing each chunk
/// to `each`; returns how many rows there were.
fn each_chunk(
    tx: &mut dyn Tx,
    table: &Table,
    mut each: impl FnMut(&[Vec<Value>]) -> Result<()>,
) -> Result<u64> {
    let mut after: Option<Vec<Value>> = None;
    let mut rows = 0u64;
    loop {
        let chunk = tx.table_rows(table, after.as_deref(), CHUNK)?;
        if chunk.is_empty() {
            return Ok(rows);
        }
        each(&chunk)?;
        rows += chunk.len() as u64;
        if chunk.len() < CHUNK {
            return Ok(rows);
        }
        after = chunk.last().map(|row| row[..table.key].to_vec());
    }
}

/// Reads `table` back from both stores and compares them row for row.
fn check_copy(
    from: &mut dyn Tx,
    to: &mut dyn Tx,
    table: &Table,
    copied: u64,
    to_path: &std::path::Path,
) -> Result<()> {
    let mismatch = |what: String| Error::Store {
        path: to_path.to_path_buf(),
        message: format!(
            "the copy of table {} does not match the original ({what}); nothing was kept",
            table.name
        ),
        source: None,
    };
    let mut after: Option<Vec<Value>> = None;
    let mut checked = 0u64;
    loop {
        let original = from.table_rows(table, after.as_deref(), CHUNK)?;
        let copy = to.table_rows(table, after.as_deref(), CHUNK)?;
        if let Some((at, (a, b))) = original
            .iter()
            .zip(&copy)
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            return Err(mismatch(format!(
                "row {} differs: {a:?} was copied as {b:?}",
                checked + at as u64 + 1
            )));
        }
        if original.len() != copy.len() {
            return Err(mismatch(format!(
                "{} rows against {}",
                checked + original.len() as u64,
                checked + copy.len() as u64
            )));
        }
        checked += original.len() as u64;
        if original.len() < CHUNK {
            break;
        }
        after = original.last().map(|row| row[..table.key].to_vec());
    }
    if checked == copied {
        Ok(())
    } else {
        Err(mismatch(format!(
            "{checked} rows read back, {copied} written"
        )))
    }
}
