//! The command line, declared in one place. Doc comments are the help text;
//! nothing here does any work. Help, man pages and completions all come from
//! this tree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Examples:
  apikey create --name web              new key in the default account
  apikey list                           the account's keys
  apikey topup web 5000                 add 5000 lookups
  apikey revoke web --yes               disable a key for good
  apikey -a acme --json list            another account, as JSON

Exit codes: 0 ok, 1 store or I/O failure, 2 invalid input, 3 refused by a rule,
4 not found; verify uses 10-20 (see `apikey verify --help`).";

/// Administer API keys in a local SQLite store.
#[derive(Debug, Parser)]
#[command(
    name = "apikey",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = AFTER_HELP,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes; see "Precedence" in the README.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The store file [default: keys.db in the platform data dir]
    #[arg(long, global = true, env = "APIKEY_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The config file [default: config.toml in the platform config dir]
    #[arg(long, global = true, env = "APIKEY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The account to act on [default: `account` in the config, else "default"]
    #[arg(
        short,
        long,
        global = true,
        env = "APIKEY_ACCOUNT",
        value_name = "NAME"
    )]
    pub account: Option<String>,

    /// Print exactly one JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,

    /// Confirm destructive commands without asking
    #[arg(short, long, global = true)]
    pub yes: bool,

    /// Print only the essential value (e.g. the new key)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to color output [default: auto; NO_COLOR turns it off]
    #[arg(long, global = true, value_name = "WHEN", value_enum)]
    pub color: Option<ColorArg>,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Color when writing to a terminal.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a key and print its secret once
    #[command(after_help = "Example:\n  apikey create --name web --expires 90d")]
    Create(CreateArgs),

    /// List the account's keys (never their secrets)
    #[command(after_help = "Example:\n  apikey list --all --json")]
    List(ListArgs),

    /// Show one key: settings, notification list, balance
    #[command(after_help = "Example:\n  apikey show web")]
    Show(KeyArg),

    /// Permanently disable a key
    #[command(after_help = "Example:\n  apikey revoke web --reason \"leaked in a log\" --yes")]
    Revoke(RevokeArgs),

    /// Give a key a new secret, keeping its id, name, balance and settings
    #[command(after_help = "Example:\n  apikey regenerate web --grace 1h")]
    Regenerate(RegenerateArgs),

    /// Add lookups to a key's balance
    #[command(after_help = "Example:\n  apikey topup web 5000 --note \"invoice 42\"")]
    Topup(TopupArgs),

    /// Show the audit trail of admin changes
    #[command(after_help = "Example:\n  apikey log web")]
    Log(LogArgs),

    /// Create, list and show accounts
    #[command(subcommand)]
    Account(AccountCommand),
}

/// A key, by id (`k_…`), name, or the secret itself.
#[derive(Debug, Args)]
pub struct KeyArg {
    /// The key's id, name, or secret
    #[arg(value_name = "KEY")]
    pub key: String,
}

/// `create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name, unique among the account's active keys [default: key-N]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// When the key stops working: an RFC 3339 date or time, a duration such as 30d, or never
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Include revoked keys
    #[arg(long)]
    pub all: bool,
}

/// `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The key's id, name, or secret
    #[arg(value_name = "KEY")]
    pub key: String,

    /// Why, for the audit trail
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// `regenerate`.
#[derive(Debug, Args)]
pub struct RegenerateArgs {
    /// The key's id, name, or secret
    #[arg(value_name = "KEY")]
    pub key: String,

    /// How long the old secret keeps working, e.g. 1h or 7d [default: it stops at once]
    #[arg(long, value_name = "DURATION")]
    pub grace: Option<String>,
}

/// `topup`.
#[derive(Debug, Args)]
pub struct TopupArgs {
    /// The key's id, name, or secret
    #[arg(value_name = "KEY")]
    pub key: String,

    /// Lookups to add: a whole number from 1 to 1000000000
    #[arg(value_name = "AMOUNT", allow_hyphen_values = true)]
    pub amount: String,

    /// A note for the ledger and the audit trail
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only this key's changes (id, name, or secret)
    #[arg(value_name = "KEY")]
    pub key: Option<String>,
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
        #[arg(value_name = "NAME")]
        name: Option<String>,
    },
}
