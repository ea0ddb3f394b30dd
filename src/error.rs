//! The library's one error type. Every failure a user can meet is a variant
//! here, and [`Error::exit_code`] is the only place that turns one into the
//! process exit code the contract documents.

use std::path::PathBuf;

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an operation failed. Messages are lowercase, name the bad value and
/// never contain a secret. They speak of the library's calls, not of any
/// program's flags: the `apikey` binary adds its own hints ("see `apikey
/// list`") where it maps errors to exit codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Invalid input: a bad name, amount, duration, address, setting.
    #[error("{0}")]
    Invalid(String),

    /// A configuration (the SMTP settings, the config file) is unusable.
    #[error("{0}")]
    Config(String),

    /// A rule of the store refused the change; nothing was written.
    #[error(transparent)]
    Refused(#[from] Refusal),

    /// The account named does not exist.
    #[error("account '{0}' not found")]
    AccountNotFound(String),

    /// No key matched the given id, name or secret.
    #[error("key '{key}' not found in account '{account}'")]
    KeyNotFound {
        /// The account that was searched.
        account: String,
        /// What the caller gave (never a secret: secrets are shown by hint).
        key: String,
    },

    /// No outbox event has the given id.
    #[error("event {0} not found")]
    EventNotFound(i64),

    /// Another process held the store's lock longer than the busy timeout.
    #[error("store {path} is locked by another process (waited {timeout_ms} ms)")]
    Busy {
        /// The store file.
        path: PathBuf,
        /// How long the store waits for a lock.
        timeout_ms: u64,
    },

    /// A [`crate::Verifier`]'s queue is full: the server is over capacity.
    /// Nothing was decided or spent; the caller may answer "try later".
    #[error("the verifier's queue is full ({capacity} requests waiting)")]
    Overloaded {
        /// How many requests the queue holds.
        capacity: usize,
    },

    /// A [`crate::Verifier`]'s store thread is gone (it panicked). Nothing
    /// of the request was decided.
    #[error("the verifier has stopped")]
    VerifierStopped,

    /// The store file was written by a newer schema than this build knows.
    #[error(
        "store {path} has schema version {found}, newer than this apikey understands ({known}): upgrade apikey"
    )]
    NewerSchema {
        /// The store file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },

    /// Opening for writing only ([`crate::Access::Write`]) or reading found
    /// no store at the path.
    #[error("no store at {}: it {reason}", path.display())]
    NoStore {
        /// The path the store was looked for at.
        path: PathBuf,
        /// "does not exist", "is empty", "is not a file".
        reason: String,
    },

    /// The path names something that is not an apikey store.
    #[error("store {}: {found}", path.display())]
    NotAStore {
        /// The path given.
        path: PathBuf,
        /// What is there instead.
        found: NotAStore,
    },

    /// A store opened read-only is from an older build, which only a
    /// handle opened for writing may upgrade.
    #[error(
        "store {} has schema version {found}, older than this apikey's {known}; opening it read-only never changes it: open it for writing to upgrade it (older apikey builds cannot open it afterwards)",
        path.display()
    )]
    OlderSchema {
        /// The store file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The version this build writes.
        known: i64,
    },

    /// The store could not be read or written.
    #[error("store {path}: {message}")]
    Store {
        /// The store file.
        path: PathBuf,
        /// What went wrong, in words a user can act on.
        message: String,
        /// The failure underneath (SQLite's or the file system's), if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A file other than the store could not be read or written.
    #[error("{}: {}", path.display(), crate::text::io_reason(source))]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// An input file (a manifest) could not be read: an I/O failure, not
    /// bad input, however the path was mistyped.
    #[error("cannot read {what} {}: {}", path.display(), crate::text::io_reason(source))]
    Unreadable {
        /// What the file is, e.g. "manifest".
        what: &'static str,
        /// The file, or `-` for stdin.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The config file exists (or its place does) but cannot be read.
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error("cannot read config file {}: {}", path.display(), crate::text::io_reason(source))]
    ConfigUnreadable {
        /// The config file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// A destructive command ran without `--yes` and without a terminal to ask on.
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error("refusing to {action} without confirmation: pass --yes")]
    NeedsConfirmation {
        /// What was about to happen, e.g. "revoke key web (k_…)".
        action: String,
    },

    /// The person at the terminal said no.
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error("did not {action}: not confirmed")]
    NotConfirmed {
        /// What was about to happen.
        action: String,
    },

    /// Writing the output failed (other than a closed pipe, which is not an error).
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error("cannot write output: {}", crate::text::io_reason(.0))]
    Output(std::io::Error),

    /// The output of a change that makes a secret could not be written, so
    /// the change was rolled back rather than leave a secret nobody saw.
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error(
        "cannot write the output ({}), so nothing was changed: create, regenerate and apply keep a change only once its output is written; run the command again with somewhere to write it",
        crate::text::io_reason(.0)
    )]
    NotShown(std::io::Error),

    /// The output of a change was written, then the change failed to commit.
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error("{0}; nothing was changed: run the command again")]
    NotKept(Box<Error>),

    /// `serve` could not start: the address cannot be listened on, or the
    /// runtime could not be made.
    #[cfg(feature = "cli")]
    #[doc(hidden)]
    #[error("cannot {action}: {}", crate::text::io_reason(source))]
    Serve {
        /// What failed, e.g. "listen on 127.0.0.1:7878".
        action: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What a store path named instead of an apikey store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotAStore {
    /// A symbolic link, which is never followed: it could lead the store
    /// (and its secrets' digests) anywhere.
    #[error("is a symbolic link, which apikey does not follow")]
    SymbolicLink,
    /// A file that is not a SQLite database.
    #[error("is not an apikey store (not a SQLite database)")]
    NotSqlite,
    /// Another program's SQLite database.
    #[error("is a SQLite database of another program, not an apikey store")]
    OtherProgram,
}

/// A rule of the contract that refused a change, for a caller to match on.
/// Each is exit code 3 in the `apikey` binary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// An account holds at most this many active keys.
    #[error("account '{account}' already has {limit} active keys")]
    KeyLimit {
        /// The account.
        account: String,
        /// The limit (10).
        limit: usize,
    },
    /// A manifest would leave an account with too many active keys.
    #[error(
        "{place}: applying this would leave account '{account}' with {would_have} active keys, more than {limit}"
    )]
    ManifestKeyLimit {
        /// `file:line` of the account in the manifest.
        place: String,
        /// The account.
        account: String,
        /// Active keys after applying.
        would_have: usize,
        /// The limit (10).
        limit: usize,
    },
    /// Another active key of the account has the name.
    #[error("account '{account}' already has a key named '{name}'")]
    NameTaken {
        /// The account.
        account: String,
        /// The name asked for.
        name: String,
    },
    /// An account of that name exists already.
    #[error("account '{0}' already exists")]
    AccountExists(String),
    /// The key is revoked, and a revoked key cannot change.
    #[error("key {key} is revoked: a revoked key cannot be {action}")]
    KeyRevoked {
        /// The key, as `name (id)`.
        key: String,
        /// What was asked, e.g. "topped up".
        action: &'static str,
    },
    /// Revoking a key that is revoked already.
    #[error("key {key} is already revoked")]
    AlreadyRevoked {
        /// The key, as `name (id)`.
        key: String,
    },
    /// A top-up ref already names another top-up in the account.
    #[error(
        "ref '{reference}' was already used in this account, for {first}: a ref names one top-up (use another ref, or the same key and amount to retry)"
    )]
    RefReused {
        /// The ref, quoted.
        reference: String,
        /// The first top-up: amount, key and time.
        first: String,
    },
    /// A top-up would take the balance past what a key can hold.
    #[error("key {key} cannot hold more lookups: its balance would overflow")]
    BalanceCap {
        /// The key, as `name (id)`.
        key: String,
    },
    /// A key holds at most this many batches with lookups left.
    #[error(
        "key {key} already holds {limit} batches of lookups that lapse at different times: top it up with an expiry one of them has, or with --expires never"
    )]
    TooManyBatches {
        /// The key, as `name (id)`.
        key: String,
        /// The most it holds.
        limit: usize,
    },
    /// A key has at most this many notification addresses.
    #[error(
        "a key can have at most {limit} notification addresses (this would make {would_have}): remove one first"
    )]
    TooManyEmails {
        /// The limit (5).
        limit: usize,
        /// How many the change would make.
        would_have: usize,
    },
    /// Keys changed between a confirmed plan and its transaction.
    #[error(
        "the store changed while apply asked for confirmation (key {key} would also be revoked)"
    )]
    ChangedSincePlan {
        /// The key the plan did not name.
        key: String,
    },
    /// A discarded event is never sent again.
    #[error("event {id} was discarded, which is final: it is never sent")]
    EventDiscarded {
        /// The event.
        id: i64,
    },
    /// Every recipient of the event has it, or it had none.
    #[error("event {id} is {status}: there is nobody left to send it to")]
    NothingToRetry {
        /// The event.
        id: i64,
        /// Its status.
        status: &'static str,
    },
    /// The event is waiting to be sent already.
    #[error("event {id} is already pending")]
    EventPending {
        /// The event.
        id: i64,
    },
    /// Only pending or failed events can be discarded.
    #[error("event {id} is {status}: only a pending or failed event can be discarded")]
    NotDiscardable {
        /// The event.
        id: i64,
        /// Its status.
        status: &'static str,
    },
    /// `store copy` writes only into a store that holds nothing yet.
    #[error(
        "store {store} is not empty ({holds}): copy into a new store, so that nothing in it is overwritten or mixed"
    )]
    StoreNotEmpty {
        /// The store copied into.
        store: String,
        /// What it holds.
        holds: String,
    },
    /// `store backup` never writes over a file.
    #[error("{path} exists already: give a new file for the backup")]
    BackupExists {
        /// The file asked for.
        path: String,
    },
    /// A running sender holds the event.
    #[error("event {id} is being delivered right now by a sender (pid {pid} on {host})")]
    EventBeingSent {
        /// The event.
        id: i64,
        /// The sender's process id.
        pid: u32,
        /// The sender's host.
        host: String,
    },
}

impl Error {
    /// The documented exit code: 1 store or I/O, 2 invalid input, 3 refused
    /// by a rule, 4 not found.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) | Error::Config(_) => 2,
            Error::Refused(_) => 3,
            Error::AccountNotFound(_) | Error::KeyNotFound { .. } | Error::EventNotFound(_) => 4,
            #[cfg(feature = "cli")]
            Error::NeedsConfirmation { .. } | Error::NotConfirmed { .. } => 3,
            Error::Busy { .. }
            | Error::Overloaded { .. }
            | Error::VerifierStopped
            | Error::NewerSchema { .. }
            | Error::NoStore { .. }
            | Error::NotAStore { .. }
            | Error::OlderSchema { .. }
            | Error::Store { .. }
            | Error::Io { .. }
            | Error::Unreadable { .. } => 1,
            #[cfg(feature = "cli")]
            Error::ConfigUnreadable { .. }
            | Error::Output(_)
            | Error::NotShown(_)
            | Error::Serve { .. } => 1,
            #[cfg(feature = "cli")]
            Error::NotKept(cause) => cause.exit_code(),
        }
    }

    /// Shorthand for an invalid-input error.
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    /// The same failure again, for each of the requests a group commit
    /// answers with it: the variant and message are kept (a lock timeout
    /// stays [`Error::Busy`]); the source, which cannot be shared, is not.
    pub(crate) fn repeated(&self, store: &std::path::Path) -> Error {
        match self {
            Error::Busy { path, timeout_ms } => Error::Busy {
                path: path.clone(),
                timeout_ms: *timeout_ms,
            },
            Error::Store { path, message, .. } => Error::Store {
                path: path.clone(),
                message: message.clone(),
                source: None,
            },
            Error::NotAStore { path, found } => Error::NotAStore {
                path: path.clone(),
                found: *found,
            },
            Error::VerifierStopped => Error::VerifierStopped,
            other => Error::Store {
                path: store.to_path_buf(),
                message: other.to_string(),
                source: None,
            },
        }
    }

    /// A handle opened to read was asked to write: a bug in the caller,
    /// not the user's mistake, refused by every backend alike.
    pub(crate) fn opened_to_read(store: &std::path::Path) -> Error {
        Error::Store {
            path: store.to_path_buf(),
            message: "was opened for reading only, and a change was attempted".into(),
            source: None,
        }
    }

    /// A store failure with its cause kept as the source.
    pub(crate) fn store(
        path: &std::path::Path,
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Store {
            path: path.to_path_buf(),
            message: message.into(),
            source: Some(source.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::invalid("x").exit_code(), 2);
        assert_eq!(
            Error::from(Refusal::AccountExists("a".into())).exit_code(),
            3
        );
        assert_eq!(Error::AccountNotFound("a".into()).exit_code(), 4);
        let busy = Error::Busy {
            path: "k.db".into(),
            timeout_ms: 1,
        };
        assert_eq!(busy.exit_code(), 1);
    }

    #[test]
    fn messages_are_one_line_and_lowercase() {
        let e = Error::AccountNotFound("acme".into()).to_string();
        assert!(!e.contains('\n'));
        assert!(e.starts_with("account 'acme' not found"));
    }
}
