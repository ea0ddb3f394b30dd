//! The key store: the library's entry point. Every operation is one
//! transaction on a backend (SQLite today), and every rule of the contract is checked
//! inside it, so a rule holds however many processes share the store.
//!
//! ```no_run
//! use apikey::{AccountName, KeySpec, Store};
//!
//! let mut store = Store::open("keys.db")?;
//! let created = store.create_key(&AccountName::parse("default")?, &KeySpec::default())?;
//! println!("give this to the caller once: {}", created.secret.expose());
//! # Ok::<(), apikey::Error>(())
//! ```

pub(crate) mod accounts;
mod apply;
mod auto_topup;
pub(crate) mod backend;
mod batches;
mod check;
pub(crate) mod columns;
mod copy;
mod key_view;
pub(crate) mod keys;
mod notify;
mod outbox;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
mod rate;
mod security;
mod spends;
pub(crate) mod sqlite;
#[cfg(test)]
mod suite;
mod suspend;
mod topup;
mod upgrading;
mod usage;
pub(crate) mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use self::apply::Prune;
pub use self::auto_topup::{AutoTopupChange, AutoTopupSet, describe as describe_auto_topup};
pub use self::check::{CheckReport, Violation};
pub use self::copy::{CopiedTable, CopyReport};
pub use self::keys::{KeySpec, NewKey};
pub use self::notify::NotifyChange;
pub use self::outbox::{FailedEvent, HeldEvent, SendReport};
/// The schema version this build writes: a store with a newer one is refused.
pub use self::sqlite::SCHEMA_VERSION;
pub use self::suspend::Suspension;
pub use self::topup::{Topup, TopupOrder};
pub use self::upgrading::Upgrading;
use crate::clock::Timestamp;
use crate::error::Result;
use backend::Backend;

/// A store location as messages show it: a PostgreSQL URL as the server's
/// name, `postgres://USER@HOST:PORT/DATABASE`, read from the URL as it is
/// connected to (never with a password, wherever the URL put one);
/// anything else as it is.
pub fn shown_location(db: &str) -> String {
    if !is_postgres(db) {
        return db.to_owned();
    }
    #[cfg(feature = "postgres")]
    {
        postgres::shown(db)
    }
    #[cfg(not(feature = "postgres"))]
    {
        "postgres://…".to_owned()
    }
}

/// Whether a store location (`--db`) names a PostgreSQL server:
/// `postgres://…` or `postgresql://…`; anything else is a SQLite path.
pub fn is_postgres(db: &str) -> bool {
    let scheme = db.split_once("://").map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql")
}

/// Begins a write transaction and does the store's daily chores in it
/// first, so that every write leaves the store as the rules say it is at
/// this day (no client IP past its key's redact days). Every change goes
/// through here; verification calls the chore itself, once a day per
/// handle, to keep the spending path to its few statements.
fn begin_write(backend: &mut dyn Backend, clock: Clock) -> Result<Box<dyn backend::Tx + '_>> {
    let mut tx = backend.write(clock)?;
    // Done here, or being done by another transaction right now.
    usage::redact_if_due(&mut *tx)?;
    Ok(tx)
}

/// How long a command waits for another process's write lock by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What a program means to do with a store file, which decides what
/// opening it may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// Make changes, creating the store (file mode 0600, and its folder)
    /// when it does not exist yet, and upgrading an older schema.
    Create,
    /// Make changes to a store that exists (upgrading an older schema); a
    /// missing file is an error, so a mistyped path never makes a new store.
    Write,
    /// Only read: the file must exist and is left byte for byte as it was.
    /// Nothing is created, migrated or repaired, and every write fails.
    Read,
}

/// Where the store's sense of "now" comes from.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant, for tests and replays.
    Fixed(Timestamp),
    /// A fixed instant to the millisecond (since the epoch), for tests of
    /// windows shorter than a second's precision can show.
    FixedMillis(i64),
}

impl Clock {
    /// The current instant by this clock.
    pub fn now(self) -> Timestamp {
        Timestamp::from_unix_ms(self.now_ms())
    }

    /// The current instant in milliseconds since the epoch: what the
    /// sliding windows of rate limits are counted in.
    pub fn now_ms(self) -> i64 {
        match self {
            Clock::System => crate::clock::now_millis(),
            Clock::Fixed(t) => t.unix().saturating_mul(1000),
            Clock::FixedMillis(ms) => ms,
        }
    }
}

/// An open key store.
pub struct Store {
    backend: Box<dyn Backend>,
    path: PathBuf,
    clock: Clock,
    actor: String,
    /// The last UTC day a verification through this handle committed with
    /// the daily chores done, so that a long-lived handle checks once a day.
    chores_seen: Option<i64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("clock", &self.clock)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the SQLite store at `path`, creating it (mode 0600, and its
    /// folder) on first use, with the default busy timeout; or, for a
    /// `postgres://` URL, the store in that database's `apikey` schema. A store made by
    /// an older apikey is upgraded first (see [`Store::open_with_progress`]
    /// to show a long upgrade).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with_timeout(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// Opens the SQLite store at `path`, waiting up to `busy_timeout` for
    /// other processes' locks before failing with [`crate::Error::Busy`].
    pub fn open_with_timeout(path: impl AsRef<Path>, busy_timeout: Duration) -> Result<Store> {
        Store::open_with(path, Access::Create, busy_timeout)
    }

    /// Opens the SQLite store at `path` for `access`, waiting up to
    /// `busy_timeout` for other processes' locks.
    pub fn open_with(
        path: impl AsRef<Path>,
        access: Access,
        busy_timeout: Duration,
    ) -> Result<Store> {
        Store::open_with_progress(path, access, busy_timeout, &mut |_| {})
    }

    /// [`Store::open_with`], telling `progress` when upgrading the store to
    /// this build's schema takes more than a moment (and when it is done),
    /// for a program to show: a large store's upgrade can take a minute.
    pub fn open_with_progress(
        path: impl AsRef<Path>,
        access: Access,
        busy_timeout: Duration,
        progress: &mut dyn FnMut(&Upgrading),
    ) -> Result<Store> {
        let path = path.as_ref();
        if let Some(url) = path.to_str().filter(|p| is_postgres(p)) {
            return Store::open_postgres(url, access, busy_timeout, progress);
        }
        let backend =
            sqlite::SqliteBackend::open_with_progress(path, access, busy_timeout, progress)?;
        Ok(Store::with_backend(Box::new(backend), path))
    }

    /// The store on the PostgreSQL server `url` names; `busy_timeout` is
    /// how long a statement waits for another transaction's lock.
    #[cfg(feature = "postgres")]
    fn open_postgres(
        url: &str,
        access: Access,
        busy_timeout: Duration,
        progress: &mut dyn FnMut(&Upgrading),
    ) -> Result<Store> {
        let backend = postgres::PostgresBackend::open(url, access, busy_timeout, progress)?;
        let name = backend.name().to_path_buf();
        Ok(Store::with_backend(Box::new(backend), &name))
    }

    #[cfg(not(feature = "postgres"))]
    fn open_postgres(
        _url: &str,
        _access: Access,
        _busy_timeout: Duration,
        _progress: &mut dyn FnMut(&Upgrading),
    ) -> Result<Store> {
        Err(crate::error::Error::invalid(
            "this apikey was built without PostgreSQL (the `postgres` feature): use a SQLite path, or a build with it",
        ))
    }

    /// A new, empty store that lives in memory and vanishes with the
    /// handle: for tests, and for trying the rules out. (A path of
    /// `:memory:` given to [`Store::open`] is refused rather than taken
    /// for this or for a file of that name.)
    pub fn open_in_memory() -> Result<Store> {
        Store::in_memory_as(Path::new(":memory:"))
    }

    /// A new, empty store in memory, named `path` in messages: planning
    /// against it shows what would happen to a store that does not exist
    /// yet, without making one.
    pub(crate) fn in_memory_as(path: &Path) -> Result<Store> {
        let backend = sqlite::SqliteBackend::in_memory(path)?;
        Ok(Store::with_backend(Box::new(backend), path))
    }

    /// A store on any backend; `path` is only used in messages.
    pub(crate) fn with_backend(backend: Box<dyn Backend>, path: &Path) -> Store {
        Store {
            backend,
            path: path.to_path_buf(),
            clock: Clock::System,
            actor: crate::audit::os_user(),
            chores_seen: None,
        }
    }

    /// Uses `clock` for every later operation.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Makes every later commit durable before the call that made it
    /// returns: a spend answered VALID survives a power cut, not only a
    /// crash. Each commit then waits for the disk, which costs little only
    /// when commits are grouped (see [`crate::Verifier`]); by default a
    /// power cut may lose the last moments of commits, and never more.
    pub fn with_durable_commits(mut self) -> Result<Store> {
        self.backend.set_durable(true)?;
        Ok(self)
    }

    /// Gives the store file's free space back to the file system when
    /// most of it is free: an upgrade does this itself, and `apikey store
    /// upgrade` again, for an upgrade stopped before it could. Best effort:
    /// a failure is told to `progress` and changes nothing.
    pub fn give_back_free_space(&mut self, progress: &mut dyn FnMut(&Upgrading)) {
        self.backend.give_back_free_space(progress);
    }

    /// The store's upkeep, taken off this handle's commits to run on a
    /// thread of its own (see [`backend::Backend::offload_upkeep`]).
    pub(crate) fn offload_upkeep(&mut self) -> Option<Result<Box<dyn backend::Upkeep>>> {
        self.backend.offload_upkeep()
    }

    /// Another handle on the same store that only reads, with this one's
    /// clock: `None` for a store in memory, which no other handle sees.
    pub(crate) fn open_reader(&self) -> Option<Result<Store>> {
        let backend = self.backend.open_reader()?;
        Some(backend.map(|backend| Store {
            backend,
            path: self.path.clone(),
            clock: self.clock,
            actor: self.actor.clone(),
            chores_seen: None,
        }))
    }

    /// Records later admin changes as made by `actor` instead of the OS user.
    #[must_use]
    pub fn with_actor(mut self, actor: impl Into<String>) -> Store {
        self.actor = actor.into();
        self
    }

    /// The store file this was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the store had when it was opened, and the one it
    /// has now: `apikey store upgrade` reports both.
    pub fn schema_versions(&self) -> (i64, i64) {
        self.backend.schema_versions()
    }

    /// The instant the store acts at, by its clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
