//! The library's one error type. Every failure a user can meet is a variant
//! here, and [`Error::exit_code`] is the only place that turns one into the
//! process exit code the contract documents.

use std::path::PathBuf;

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an operation failed. Messages are lowercase, name the bad value and,
/// where there is one, the fix; they never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid input: a bad flag value, name, amount, duration, address.
    #[error("{0}")]
    Invalid(String),

    /// The configuration file could not be read or understood.
    #[error("{0}")]
    Config(String),

    /// A rule of the store refused the change.
    #[error("{0}")]
    Refused(String),

    /// The config file exists (or its place does) but cannot be read.
    #[error("cannot read config file {}: {}", path.display(), crate::text::io_reason(source))]
    ConfigUnreadable {
        /// The config file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// A destructive command ran without `--yes` and without a terminal to ask on.
    #[error("refusing to {action} without confirmation: pass --yes")]
    NeedsConfirmation {
        /// What was about to happen, e.g. "revoke key web (k_…)".
        action: String,
    },

    /// The account named by `--account` (or by a command) does not exist.
    #[error(
        "account '{0}' not found: see `apikey account list`, or create it with `apikey account create {0}`"
    )]
    AccountNotFound(String),

    /// No key matched the given id, name or secret.
    #[error("key '{key}' not found in account '{account}': see `apikey list --all`")]
    KeyNotFound {
        /// The account that was searched.
        account: String,
        /// What the user typed (never a secret: secrets are shown by hint).
        key: String,
    },

    /// No outbox event has the given id.
    #[error("event {0} not found: see `apikey notify outbox --all`")]
    EventNotFound(i64),

    /// Another process held the store longer than the busy timeout.
    #[error(
        "store {path} is locked by another process: try again, or raise busy_timeout_ms (now {timeout_ms}) in the config file"
    )]
    Busy {
        /// The store file.
        path: PathBuf,
        /// How long a command waits for a lock.
        timeout_ms: u64,
    },

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

    /// A command that needs an existing store found none at its path.
    #[error(
        "no store at {}: it {reason}; check --db (or APIKEY_DB, or `db` in the config file){}",
        path.display(),
        if reason == "is not a file" { ", which must name a file" } else { ", or make a store with `apikey create`" }
    )]
    NoStore {
        /// The path the store was looked for at.
        path: PathBuf,
        /// "does not exist", "is empty", "is not a file".
        reason: String,
    },

    /// A read-only command met a store from an older build, which only a
    /// command that writes may upgrade.
    #[error(
        "store {} has schema version {found}, older than this apikey's {known}; read-only commands never change a store: upgrade it with `apikey store upgrade` (older apikey builds cannot open it afterwards)",
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
        /// What went wrong, from SQLite or the file system.
        message: String,
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

    /// Writing the output failed (other than a closed pipe, which is not an error).
    #[error("cannot write output: {}", crate::text::io_reason(.0))]
    Output(std::io::Error),

    /// The output of a change that makes a secret could not be written, so
    /// the change was rolled back rather than leave a secret nobody saw.
    #[error(
        "cannot write the output ({}), so nothing was changed: create, regenerate and apply keep a change only once its output is written; run the command again with somewhere to write it",
        crate::text::io_reason(.0)
    )]
    NotShown(std::io::Error),

    /// The output of a change was written, then the change failed to commit.
    #[error(
        "{0}; nothing was changed, so any key printed above does not work: run the command again"
    )]
    NotKept(Box<Error>),
}

impl Error {
    /// The documented exit code: 1 store or I/O, 2 invalid input, 3 refused
    /// by a rule, 4 not found.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Busy { .. }
            | Error::NewerSchema { .. }
            | Error::OlderSchema { .. }
            | Error::NoStore { .. }
            | Error::ConfigUnreadable { .. }
            | Error::Store { .. }
            | Error::Io { .. }
            | Error::Unreadable { .. }
            | Error::Output(_)
            | Error::NotShown(_) => 1,
            Error::NotKept(cause) => cause.exit_code(),
            Error::Invalid(_) | Error::Config(_) => 2,
            Error::Refused(_) | Error::NeedsConfirmation { .. } => 3,
            Error::AccountNotFound(_) | Error::KeyNotFound { .. } | Error::EventNotFound(_) => 4,
        }
    }

    /// Shorthand for an invalid-input error.
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    /// Shorthand for a refusal by a rule.
    pub(crate) fn refused(message: impl Into<String>) -> Error {
        Error::Refused(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::invalid("x").exit_code(), 2);
        assert_eq!(Error::refused("x").exit_code(), 3);
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
