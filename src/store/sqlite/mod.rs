//! The SQLite backend: the one place that opens a store file and the only
//! code in the crate that speaks SQL (here, `schema` and `tx`).

#[macro_use]
#[doc(hidden)]
pub mod sql;
mod audit;
mod check;
mod columns;
mod compact;
mod copy;
mod file;
mod ledger;
mod outbox;
mod rate;
mod rows;
mod schema;
mod tx;
mod upkeep;
mod usage;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Error, NotAStore, Result};
use crate::store::backend::{Backend, Tx, Upkeep};
use crate::store::{Access, Clock, Upgrading};

#[cfg(feature = "cli")]
pub(crate) use file::unusable;
pub use schema::LATEST as SCHEMA_VERSION;

/// The page cache of a handle that only reads beside a writer (SQLite's
/// default is 2 MiB).
const READER_CACHE: &str = "PRAGMA cache_size = -1024;";

/// A store file opened in WAL mode with a busy handler and foreign keys on.
pub struct SqliteBackend {
    conn: Connection,
    path: Arc<Path>,
    busy_timeout: Duration,
    access: Access,
    /// How long the busy handler waits, which the log's upkeep shortens
    /// while it waits for readers.
    busy: upkeep::BusyWait,
    opened_at_version: i64,
    /// Whether the store is a file (not in memory), which other handles
    /// can open.
    file: bool,
}

impl SqliteBackend {
    /// Opens the store at `path` for `access`. With [`Access::Create`] a
    /// missing store is made (with its folder); a store that is written to
    /// is brought up to date; one from a newer build is always refused.
    /// `path` is a plain file path: never a SQLite URI or `:memory:`.
    pub fn open(path: &Path, access: Access, busy_timeout: Duration) -> Result<SqliteBackend> {
        SqliteBackend::open_with_progress(path, access, busy_timeout, &mut |_| {})
    }

    /// [`SqliteBackend::open`], telling `progress` about an upgrade that
    /// takes more than a moment.
    pub fn open_with_progress(
        path: &Path,
        access: Access,
        busy_timeout: Duration,
        progress: &mut dyn FnMut(&Upgrading),
    ) -> Result<SqliteBackend> {
        if let Some(why) = file::unusable(path) {
            return Err(Error::invalid(format!(
                "store path '{}' {why}",
                crate::text::quoted(&path.to_string_lossy())
            )));
        }
        let path: Arc<Path> = Arc::from(path);
        if access == Access::Create {
            file::prepare(&path)?;
        } else {
            file::ensure_exists(&path)?;
        }
        // Never SQLITE_OPEN_CREATE: the file exists by now, and SQLite must
        // not make one behind a check. READ_WRITE falls back to reading
        // only when the file is write-protected; a reader opens read-write
        // all the same, so that, as the last connection, it removes the
        // -wal and -shm files it opened and leaves the folder as it was.
        // NOFOLLOW: a link swapped in for the file after the checks above
        // is refused by SQLite itself (its folders are resolved already).
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let fail = |e| store_error(&path, busy_timeout, e);
        let name = file::sqlite_name(&path)?;
        let mut conn = Connection::open_with_flags(&name, flags).map_err(fail)?;
        let busy = upkeep::BusyWait::new(busy_timeout);
        install_busy_handler(&mut conn, busy.clone()).map_err(fail)?;
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(fail)?;
        if access == Access::Read {
            conn.execute_batch("PRAGMA query_only = ON;")
                .map_err(fail)?;
        }
        let opened_at_version = match schema::identify(&conn).map_err(fail)? {
            schema::Identity::Foreign => return Err(foreign(&path)),
            schema::Identity::Store(found) if found > schema::LATEST => {
                return Err(newer(&path, found));
            }
            schema::Identity::New if access != Access::Create => {
                return Err(Error::NoStore {
                    path: path.to_path_buf(),
                    reason: "is empty".into(),
                });
            }
            schema::Identity::Store(found) if found < schema::LATEST && access == Access::Read => {
                return Err(Error::OlderSchema {
                    path: path.to_path_buf(),
                    found,
                    known: schema::LATEST,
                });
            }
            schema::Identity::New => 0,
            schema::Identity::Store(found) => found,
        };
        // Only a store that is written to is switched to WAL and migrated.
        if access != Access::Read {
            enable_wal(&conn, busy_timeout).map_err(fail)?;
            match schema::migrate(&mut conn, progress).map_err(fail)? {
                schema::Outcome::Current => {}
                schema::Outcome::Newer(found) => return Err(newer(&path, found)),
                schema::Outcome::Foreign => return Err(foreign(&path)),
            }
            if opened_at_version < schema::LATEST {
                compact::give_back_free_space(&conn, progress);
            }
            upkeep::install(&mut conn, busy.clone(), busy_timeout, None).map_err(fail)?;
        }
        Ok(SqliteBackend {
            conn,
            path,
            busy_timeout,
            access,
            busy,
            opened_at_version,
            file: true,
        })
    }

    /// A new, empty store that lives in memory only and vanishes with the
    /// backend: what a dry run plans against when no store exists yet, so
    /// that planning never creates a file. `path` names it in messages.
    pub fn in_memory(path: &Path) -> Result<SqliteBackend> {
        let path: Arc<Path> = Arc::from(path);
        let fail = |e| store_error(&path, Duration::ZERO, e);
        let mut conn = Connection::open_in_memory().map_err(fail)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(fail)?;
        schema::migrate(&mut conn, &mut |_| {}).map_err(fail)?;
        Ok(SqliteBackend {
            conn,
            path,
            busy_timeout: Duration::ZERO,
            access: Access::Create,
            busy: upkeep::BusyWait::new(Duration::ZERO),
            opened_at_version: 0,
            file: false,
        })
    }
}

impl Backend for SqliteBackend {
    fn set_durable(&mut self, durable: bool) -> Result<()> {
        let level = if durable { "FULL" } else { "NORMAL" };
        self.conn
            .execute_batch(&format!("PRAGMA synchronous = {level};"))
            .map_err(|e| store_error(&self.path, self.busy_timeout, e))
    }

    fn write(&mut self, clock: Clock) -> Result<Box<dyn Tx + '_>> {
        if self.access == Access::Read {
            return Err(Error::opened_to_read(&self.path));
        }
        self.begin(true, clock)
    }

    fn read(&mut self, clock: Clock) -> Result<Box<dyn Tx + '_>> {
        self.begin(false, clock)
    }

    fn schema_versions(&self) -> (i64, i64) {
        (self.opened_at_version, schema::LATEST)
    }

    fn lock_wait(&self) -> Duration {
        self.busy_timeout
    }

    fn open_reader(&self) -> Option<Result<Box<dyn Backend>>> {
        self.file.then(|| {
            let reader = SqliteBackend::open(&self.path, Access::Read, self.busy_timeout)?;
            // A reader looks up one key at a time: the B-trees' upper
            // pages fit in 1 MiB; more only holds leaves seen once, in
            // memory a server with thousands of connections needs.
            reader
                .conn
                .execute_batch(READER_CACHE)
                .map_err(|e| store_error(&self.path, self.busy_timeout, e))?;
            Ok(Box::new(reader) as Box<dyn Backend>)
        })
    }

    fn give_back_free_space(&mut self, progress: &mut dyn FnMut(&Upgrading)) {
        if self.file && self.access != Access::Read {
            compact::give_back_free_space(&self.conn, progress);
        }
    }

    fn snapshot_into(&mut self, file: &Path) -> Option<Result<()>> {
        // VACUUM INTO reads one snapshot (a read transaction, which WAL
        // lets writers work beside) and writes it compacted into a file
        // that is empty or absent.
        // A reading handle is query_only, which refuses VACUUM INTO as a
        // change although it only reads this store: lifted for it alone.
        let target = file.to_str()?.to_owned();
        let reading = self.access == Access::Read;
        let run = || -> rusqlite::Result<()> {
            if reading {
                self.conn.execute_batch("PRAGMA query_only = OFF;")?;
            }
            let done = self.conn.execute("VACUUM INTO ?1", [&target]).map(drop);
            if reading {
                self.conn.execute_batch("PRAGMA query_only = ON;")?;
            }
            done
        };
        Some(run().map_err(|e| store_error(&self.path, self.busy_timeout, e)))
    }

    fn offload_upkeep(&mut self) -> Option<Result<Box<dyn Upkeep>>> {
        if !self.file || self.access == Access::Read {
            return None;
        }
        let checkpointer = match SqliteBackend::open(&self.path, Access::Write, self.busy_timeout) {
            Ok(backend) => backend.conn,
            Err(e) => return Some(Err(e)),
        };
        let (checkpoints, call) = upkeep::offload(checkpointer);
        Some(
            upkeep::install(
                &mut self.conn,
                self.busy.clone(),
                self.busy_timeout,
                Some(call),
            )
            .map(|()| Box::new(checkpoints) as Box<dyn Upkeep>)
            .map_err(|e| store_error(&self.path, self.busy_timeout, e)),
        )
    }
}

impl SqliteBackend {
    fn begin(&mut self, immediate: bool, clock: Clock) -> Result<Box<dyn Tx + '_>> {
        let errors = ErrorContext {
            path: self.path.clone(),
            busy_timeout: self.busy_timeout,
        };
        Ok(Box::new(tx::SqliteTx::begin(
            &self.conn, immediate, clock, errors,
        )?))
    }
}

/// What a transaction needs to turn a SQLite error into a user-facing one.
#[derive(Clone)]
pub(crate) struct ErrorContext {
    path: Arc<Path>,
    busy_timeout: Duration,
}

impl ErrorContext {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn wrap(&self, e: rusqlite::Error) -> Error {
        store_error(&self.path, self.busy_timeout, e)
    }
}

/// Switches a store to WAL mode (a no-op when it already is). Converting a
/// new file needs an exclusive lock, and SQLite answers `SQLITE_BUSY` there
/// without consulting the busy handler, so racing first uses retry here.
fn enable_wal(conn: &Connection, timeout: Duration) -> rusqlite::Result<()> {
    let started = Instant::now();
    loop {
        let attempt = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") {
                    Ok(mode)
                } else {
                    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                }
            });
        match attempt {
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Waits for a lock in short, slightly jittered sleeps instead of SQLite's
/// back-off (up to 100 ms per try), which lets one waiter starve for seconds
/// while others keep winning. Gives up after `wait` (read as each wait
/// begins).
fn install_busy_handler(conn: &mut Connection, wait: upkeep::BusyWait) -> rusqlite::Result<()> {
    let mut started = Instant::now();
    let mut timeout = wait.get();
    let salt = u64::from(std::process::id());
    conn.busy_handler(Some(move |count: i32| {
        if count == 0 {
            started = Instant::now();
            timeout = wait.get();
        }
        if started.elapsed() >= timeout {
            return false;
        }
        let jitter =
            (salt.wrapping_mul(2_654_435_761) ^ (count as u64).wrapping_mul(40_503)) % 1_000;
        std::thread::sleep(Duration::from_micros(200 + jitter));
        true
    }))
}

/// Turns a SQLite failure into the store error a user can act on, keeping
/// SQLite's own error as its source.
fn store_error(path: &Path, busy_timeout: Duration, e: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(failure, _) = &e
        && failure.extended_code == rusqlite::ffi::SQLITE_CANTOPEN_SYMLINK
    {
        return file::symlink(path);
    }
    if is_busy(&e) {
        return Error::Busy {
            path: path.to_path_buf(),
            timeout_ms: busy_timeout.as_millis() as u64,
        };
    }
    let message = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            return Error::NotAStore {
                path: path.to_path_buf(),
                found: NotAStore::NotSqlite,
            };
        }
        Some(ErrorCode::DatabaseCorrupt) => "is corrupt: restore it from a backup".to_owned(),
        Some(ErrorCode::ReadOnly) => {
            "is read-only: check the permissions of the file and its folder".to_owned()
        }
        Some(ErrorCode::CannotOpen) => {
            "cannot be opened: check that the path is a file and its folder is writable".to_owned()
        }
        Some(ErrorCode::PermissionDenied) => "permission denied".to_owned(),
        Some(ErrorCode::DiskFull) => "the disk is full".to_owned(),
        _ => crate::text::one_line(&e.to_string()),
    };
    Error::store(path, message, e)
}

/// The refusal of a store written by a newer apikey.
fn newer(path: &Path, found: i64) -> Error {
    Error::NewerSchema {
        path: path.to_path_buf(),
        found,
        known: schema::LATEST,
    }
}

/// The refusal of another program's SQLite file.
fn foreign(path: &Path) -> Error {
    Error::NotAStore {
        path: path.to_path_buf(),
        found: NotAStore::OtherProgram,
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;
    use crate::account::AccountName;
    use crate::store::backend::Spend;
    use crate::store::{KeySpec, Store};
    use crate::usage::UsageIp;

    /// A link put in the store's place after the checks (here: with no
    /// checks at all) is refused by SQLite itself, with the same message.
    #[test]
    fn sqlite_itself_refuses_a_link_in_place_of_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.db");
        Store::open(&real).unwrap();
        let link = dir.path().join("keys.db");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let name = file::sqlite_name(&link).unwrap();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let err = Connection::open_with_flags(&name, flags).unwrap_err();
        let err = store_error(&link, Duration::ZERO, err);
        assert!(err.to_string().contains("is a symbolic link"), "{err}");
        assert_eq!(err.exit_code(), 1);
    }

    /// SQLite re-prepares a statement whenever a parameter's value might
    /// change its plan; on the verification path that would compile the
    /// queries again for every key presented. Count it, rather than time it.
    #[test]
    fn the_verification_statements_are_prepared_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut digests = Vec::new();
        {
            let mut store = Store::open(&path).unwrap();
            for account in ["a", "b"] {
                let name = AccountName::parse(account).unwrap();
                store.create_account(&name).unwrap();
                for _ in 0..5 {
                    let new = store.create_key(&name, &KeySpec::default()).unwrap();
                    digests.push(new.secret.digest());
                }
            }
        }
        let mut backend =
            SqliteBackend::open(&path, Access::Create, Duration::from_secs(5)).unwrap();
        for round in 0..3 {
            for digest in &digests {
                let mut tx = backend.write(Clock::System).unwrap();
                let now = tx.now();
                let key = tx.key_by_digest(digest).unwrap().unwrap().key;
                tx.ip_usage_today(key.pk, now.day(), UsageIp::Unknown)
                    .unwrap();
                tx.spend(&Spend {
                    key: key.pk,
                    cost: 0,
                    counters: key.counters,
                    ip: UsageIp::Unknown,
                    raised: key.raised,
                    rate: key.rate.clone(),
                })
                .unwrap();
                // A limit larger than a row keeps: its table, by number.
                let hit = crate::rate::Hit {
                    seq: round + 1,
                    at_ms: tx.now_ms(),
                };
                tx.add_rate_hit(key.pk, hit).unwrap();
                tx.forget_rate_hits(key.pk, hit.seq - 1).unwrap();
                tx.rate_hits(key.pk, &[hit.seq, hit.seq - 2]).unwrap();
                tx.commit().unwrap();
            }
        }
        for sql in [
            sql::KEY_BY_DIGEST,
            sql::IP_USAGE_TODAY,
            sql::SPEND,
            sql::KEY_BALANCE,
            sql::LEDGER_SPEND,
            sql::USAGE_ADD,
            sql::RATE_HIT_AT,
            sql::RATE_HIT_ADD,
            sql::RATE_FORGET,
        ] {
            let stmt = backend.conn.prepare_cached(sql).unwrap();
            assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0, "{sql}");
            assert!(stmt.get_status(StatementStatus::Run) > 0, "{sql} ran");
        }
    }

    /// The same for everything `create` and `apply` run (100,000 times for
    /// a large manifest) and the reads that list and show keys: no statement
    /// may be compiled again because a new value was bound.
    #[test]
    fn the_create_statements_are_prepared_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut backend =
            SqliteBackend::open(&path, Access::Create, Duration::from_secs(5)).unwrap();
        tx::PREPARED.with(|p| p.borrow_mut().clear());
        for account in 0..20 {
            let name = AccountName::parse(&format!("acct{account}")).unwrap();
            let mut tx = backend.write(Clock::System).unwrap();
            let account = crate::store::accounts::create_in(&mut *tx, "test", &name).unwrap();
            for key in 0..3 {
                let spec = KeySpec {
                    name: Some(crate::key::KeyName::parse(&format!("k{key}")).unwrap()),
                    ..KeySpec::default()
                };
                let secret = crate::secret::Secret::generate().unwrap();
                crate::store::keys::create_in(&mut *tx, "test", &account, &spec, &secret).unwrap();
            }
            tx.commit().unwrap();
        }
        // And the reads that list and show what was made.
        for account in 0..20 {
            let mut tx = backend.read(Clock::System).unwrap();
            let account = tx.account(&format!("acct{account}")).unwrap().unwrap();
            for key in tx.keys(account.pk, true).unwrap() {
                tx.key_by_name(account.pk, key.name.as_str())
                    .unwrap()
                    .unwrap();
                tx.key_by_id(&key.id).unwrap().unwrap();
                tx.audit_entries(account.pk, Some(key.pk)).unwrap();
            }
            tx.audit_entries(account.pk, None).unwrap();
        }
        let used: Vec<String> = tx::PREPARED.with(|p| p.borrow().iter().cloned().collect());
        assert!(used.len() > 5, "{used:?}");
        for sql in used {
            let stmt = backend.conn.prepare_cached(&sql).unwrap();
            let reprepared = stmt.get_status(StatementStatus::RePrepare);
            assert_eq!(reprepared, 0, "re-prepared {reprepared} times: {sql}");
        }
    }
}
