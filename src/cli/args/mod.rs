//! The command line, declared in one place. Doc comments are the help text;
//! nothing here does any work. Help, man pages and completions all come from
//! this tree.

mod admin;
mod keys;
mod verification;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

pub use self::admin::*;
pub use self::keys::*;
pub use self::verification::*;
use super::complete;

/// The examples both helps open with (a macro, so that `concat!` can join
/// it into the constants below).
macro_rules! examples {
    () => {
        "\
Examples:
  apikey create --name web              new key in the default account
  apikey list                           the account's keys
  apikey topup web 5000                 add 5000 lookups
  apikey revoke web --yes               disable a key for good
  apikey -a acme --json list            another account, as JSON"
    };
}

/// The exit codes both helps end with.
macro_rules! exit_codes {
    () => {
        "\
Exit codes: 0 ok, 1 store or I/O failure, 2 invalid input, 3 refused by a rule,
4 not found; verify uses 10-20 (see `apikey verify --help`)."
    };
}

const AFTER_HELP: &str = concat!(examples!(), "\n\n", exit_codes!());

/// `--help` and the man page also say where options come from.
const AFTER_LONG_HELP: &str = concat!(
    examples!(),
    "

Environment:
  APIKEY_DB        the store file, as --db
  APIKEY_CONFIG    the config file, as --config
  APIKEY_ACCOUNT   the account, as --account
  APIKEY_LISTEN    the address serve listens on, as serve --listen
  NO_COLOR         when set (and not empty), no colors unless --color always
  An empty variable counts as unset. Flags win over the environment, the
  environment over the config file.

Files:
  ~/.config/apikey/config.toml   config: db, account, color, busy_timeout_ms,
                                 [smtp], [serve] (may be absent)
  ~/.local/share/apikey/keys.db  the store (mode 0600), made by the first
                                 command that creates something
  (the platform's config and data folders; on Linux, XDG_CONFIG_HOME and
  XDG_DATA_HOME move them)

",
    exit_codes!()
);

/// Administer API keys in a local SQLite store.
#[derive(Debug, Parser)]
#[command(
    name = "apikey",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
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

/// Options every command takes. Each of `--db`, `--config` and `--account`
/// also comes from its environment variable (an empty one counts as unset)
/// and, for `--db` and `--account`, from the config file: flag, then
/// environment, then config file, then default.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The store file, a plain path (never a SQLite URI) [env: APIKEY_DB] [default: keys.db in the platform data dir]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        value_hint = clap::ValueHint::FilePath
    )]
    pub db: Option<PathBuf>,

    /// The config file [env: APIKEY_CONFIG] [default: config.toml in the platform config dir]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        value_hint = clap::ValueHint::FilePath
    )]
    pub config: Option<PathBuf>,

    /// The account to act on [env: APIKEY_ACCOUNT] [default: `account` in the config, else "default"]
    #[arg(
        short,
        long,
        global = true,
        value_name = "NAME",
        add = ArgValueCandidates::new(complete::accounts)
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

    /// Pause a key: it verifies as SUSPENDED until resumed, keeping everything else
    #[command(
        after_help = "A suspended key keeps its secret, balance and settings, and still counts toward the account's 10 active keys.\n\nExample:\n  apikey suspend web --reason \"invoice overdue\""
    )]
    Suspend(SuspendArgs),

    /// Let a suspended key verify again
    #[command(after_help = "Example:\n  apikey resume web")]
    Resume(KeyArg),

    /// Give a key a new secret, keeping its id, name, balance and settings
    #[command(after_help = "Example:\n  apikey regenerate web --grace 1h")]
    Regenerate(RegenerateArgs),

    /// Give a key a new name, keeping its id, secret, balance and settings
    #[command(
        after_help = "Renaming a key in an apply manifest creates a new key instead: rename it here first.\n\nExample:\n  apikey rename web storefront"
    )]
    Rename(RenameArgs),

    /// Add lookups to a key's balance
    #[command(after_help = "Example:\n  apikey topup web 5000 --note \"invoice 42\"")]
    Topup(TopupArgs),

    /// Show or change a key's automatic top-up
    #[command(
        after_help = "When a verification leaves the balance below --below (or finds it there and would be refused for it), --amount lookups are added in the same transaction, at most --max-per-day times per UTC day. With no flags, shows the settings.\n\nExample:\n  apikey autotopup web --below 100 --amount 5000 --max-per-day 2 --expires 12mo"
    )]
    Autotopup(AutotopupArgs),

    /// Show or change a key's security settings
    #[command(
        after_help = "With no flags, shows the settings.\n\nExample:\n  apikey security web --allow-url https://*.example.com --daily-limit 1000"
    )]
    Security(SecurityArgs),

    /// Check a presented key and spend lookups, as an API server would
    #[command(after_help = verification::VERIFY_HELP, disable_version_flag = true)]
    Verify(VerifyArgs),

    /// Verify keys over HTTP for gateways and API servers, until stopped
    #[command(after_help = verification::SERVE_HELP)]
    Serve(ServeArgs),

    /// Show lookups over time, by day or by client IP
    #[command(after_help = "Example:\n  apikey usage web --days 7 --by ip")]
    Usage(UsageArgs),

    /// Manage who is emailed about a key, and deliver queued notifications
    #[command(subcommand)]
    Notify(NotifyCommand),

    /// Show the audit trail of admin changes
    #[command(after_help = "Example:\n  apikey log web")]
    Log(LogArgs),

    /// Create, list and show accounts
    #[command(subcommand)]
    Account(AccountCommand),

    /// Look after the store file itself
    #[command(subcommand)]
    Store(StoreCommand),

    /// Make the store match a TOML manifest (for CI)
    #[command(after_help = admin::APPLY_HELP)]
    Apply(ApplyArgs),

    /// Print a shell completion script
    #[command(after_help = admin::COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
}
