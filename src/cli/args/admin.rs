//! The arguments of the commands on the store as a whole: notification
//! lists and delivery, `store`, `account`, `apply`, `completions`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::cli::complete;

pub(super) const APPLY_HELP: &str = "\
Creates missing accounts and keys and brings existing keys' settings and
notification lists to what the file says, in one transaction. Balances are
never changed. Secrets of new keys are printed once.

Example manifest:
  [[account]]
  name = \"acme\"

  [[account.key]]
  name = \"web\"
  allowed_urls = [\"https://shop.acme.example\"]
  daily_limit = 1000
  notify = [\"ops@acme.example\"]

Example:
  apikey apply keys.toml --dry-run
  apikey apply keys.toml --json > applied.json";

pub(super) const COMPLETIONS_HELP: &str = "\
Static scripts complete commands and flags. With --dynamic the script calls
apikey back, which also completes key names and account names from the store.

Examples:
  apikey completions bash > ~/.local/share/bash-completion/completions/apikey
  source <(apikey completions bash --dynamic)     # in ~/.bashrc
  apikey completions fish --dynamic | source      # in config.fish";

/// `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The manifest (TOML); - reads it from stdin
    #[arg(value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,

    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Revoke active keys of the named accounts that the file does not name
    #[arg(long)]
    pub prune: bool,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: ShellArg,

    /// Print a script that asks apikey for completions, so key and account
    /// names come from the store (bash, zsh, fish, elvish, powershell)
    #[arg(long)]
    pub dynamic: bool,
}

/// The shells completions exist for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    /// GNU bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

/// `notify …`.
#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Add addresses to a key's notification list (at most 5 in all)
    #[command(after_help = "Example:\n  apikey notify add web ops@example.com billing@example.com")]
    Add {
        /// The key's id, name, or secret; - reads it from stdin
        #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
        key: String,
        /// Addresses to add; one already on the list is left as it is
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
    },

    /// Remove addresses from a key's notification list
    #[command(after_help = "Example:\n  apikey notify remove web ops@example.com")]
    Remove {
        /// The key's id, name, or secret; - reads it from stdin
        #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
        key: String,
        /// Addresses to remove
        #[arg(value_name = "EMAIL", required = true)]
        emails: Vec<String>,
    },

    /// Show a key's notification list and low-balance threshold
    #[command(after_help = "Example:\n  apikey notify list web")]
    List {
        /// The key's id, name, or secret; - reads it from stdin
        #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
        key: String,
    },

    /// Set (or turn off) the balance below which the list is warned
    #[command(after_help = "Example:\n  apikey notify threshold web 500")]
    Threshold {
        /// The key's id, name, or secret; - reads it from stdin
        #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
        key: String,
        /// A whole number of lookups, or off
        #[arg(value_name = "N|off", allow_hyphen_values = true)]
        threshold: String,
    },

    /// List queued notification events (pending ones, or all)
    #[command(after_help = "Example:\n  apikey notify outbox --all --json")]
    Outbox {
        /// Include sent and skipped events
        #[arg(long)]
        all: bool,
    },

    /// Deliver pending events over SMTP ([smtp] in the config file)
    #[command(
        after_help = "Each event goes to each of its recipients once; a recipient the server refuses for good (5xx), or 5 times for now (4xx), is given up on and the event shows as failed.\nExits 0 when every pending event was delivered, 1 when any was not (those stay pending, or failed).\n\nExample:\n  APIKEY_SMTP_PASSWORD=... apikey notify send"
    )]
    Send,

    /// Send a failed event again, to the recipients who did not get it
    #[command(after_help = "Example:\n  apikey notify retry 42 && apikey notify send")]
    Retry {
        /// The event's id, from `apikey notify outbox --all`
        #[arg(value_name = "ID")]
        id: i64,
    },

    /// Drop a pending or failed event, so that it is never sent
    #[command(after_help = "Example:\n  apikey notify discard 42")]
    Discard {
        /// The event's id, from `apikey notify outbox`
        #[arg(value_name = "ID")]
        id: i64,
    },
}

/// `store …`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Bring a store made by an older apikey to this build's schema
    #[command(
        after_help = "Commands that change the store upgrade it themselves; read-only commands never do.\nOlder apikey builds cannot open an upgraded store.\n\nExample:\n  apikey store upgrade"
    )]
    Upgrade,

    /// Check every invariant: balances against the ledger, active keys and
    /// test balances per account, stored lists, the database's integrity
    #[command(
        after_help = "Reads only. Exits 0 when the store is sound, 1 when any check fails (each violation is listed).\n\nExample:\n  apikey store check"
    )]
    Check,

    /// Copy a whole store into a new one: SQLite to PostgreSQL, or back
    #[command(
        after_help = "Copies everything (accounts, keys' digests and settings, balances, ledger, usage, audit trail, outbox) with its ids, from one consistent snapshot of FROM, and checks the copy row for row before it is kept. TO must hold nothing yet (exit 3 otherwise): a new SQLite file, or a database without apikey's schema. FROM and TO are store paths or postgres:// URLs (the password from PGPASSWORD).\n\nExamples:\n  apikey store copy ~/.local/share/apikey/keys.db postgres://apikey@db.internal/keys\n  apikey store copy postgres://apikey@db.internal/keys snapshot.db"
    )]
    Copy {
        /// The store to copy: a SQLite path or a postgres:// URL
        #[arg(value_name = "FROM")]
        from: PathBuf,
        /// The new store to copy it into
        #[arg(value_name = "TO")]
        to: PathBuf,
    },

    /// Write a consistent snapshot of the store to a new file, while
    /// other processes keep using it
    #[command(
        after_help = "The snapshot is a SQLite store file (mode 0600) that apikey opens like any other. Writers keep going while it is made. FILE must not exist. For a PostgreSQL store, this is `apikey store copy` into FILE.\n\nExample:\n  apikey store backup /var/backups/apikey-$(date +%F).db"
    )]
    Backup {
        /// The new file
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// `account …`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account
    #[command(after_help = "Example:\n  apikey account create acme")]
    Create {
        /// 1 to 32 letters, digits, '-', '_' or '.'
        #[arg(value_name = "NAME")]
        name: String,
    },

    /// List accounts with their key counts and balances
    List,

    /// Show one account [default: the current one]
    Show {
        /// The account [default: --account]
        #[arg(value_name = "NAME", add = ArgValueCandidates::new(complete::accounts))]
        name: Option<String>,
    },
}
