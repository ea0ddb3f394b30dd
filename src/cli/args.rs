//! The command line, declared in one place. Doc comments are the help text;
//! nothing here does any work. Help, man pages and completions all come from
//! this tree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

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

    /// Show or change a key's security settings
    #[command(
        after_help = "With no flags, shows the settings.\n\nExample:\n  apikey security web --allow-url https://*.example.com --daily-limit 1000"
    )]
    Security(SecurityArgs),

    /// Check a presented key and spend lookups, as an API server would
    #[command(after_help = VERIFY_HELP, disable_version_flag = true)]
    Verify(VerifyArgs),

    /// Verify keys over HTTP for gateways and API servers, until stopped
    #[command(after_help = SERVE_HELP)]
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
    #[command(after_help = APPLY_HELP)]
    Apply(ApplyArgs),

    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
}

const APPLY_HELP: &str = "\
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

const COMPLETIONS_HELP: &str = "\
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

/// A key, by id (`k_…`), name, or the secret itself.
#[derive(Debug, Args)]
pub struct KeyArg {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,
}

/// `create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name, unique among the account's active keys [default: key-N]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Security settings for the new key.
    #[command(flatten)]
    pub security: SecurityFlags,

    /// Email an address about this key's balance and lifecycle (repeatable, at most 5)
    #[arg(long = "notify", value_name = "EMAIL", help_heading = "Notifications")]
    pub notify: Vec<String>,

    /// Warn the notification list when a spend takes the balance below N
    #[arg(
        long,
        value_name = "N",
        help_heading = "Notifications",
        allow_hyphen_values = true
    )]
    pub low_balance: Option<String>,
}

/// The security flags `create` and `security` share.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Security settings")]
pub struct SecurityFlags {
    /// Allow an origin or URL prefix (repeatable; https://*.example.com allows subdomains)
    #[arg(long = "allow-url", value_name = "URL")]
    pub allow_url: Vec<String>,

    /// Stop allowing an origin or URL prefix (repeatable)
    #[arg(long = "remove-url", value_name = "URL")]
    pub remove_url: Vec<String>,

    /// Allow an IPv4/IPv6 address or CIDR block (repeatable)
    #[arg(long = "allow-ip", value_name = "ADDR|CIDR")]
    pub allow_ip: Vec<String>,

    /// Stop allowing an address or block (repeatable)
    #[arg(long = "remove-ip", value_name = "ADDR|CIDR")]
    pub remove_ip: Vec<String>,

    /// Successful lookups per UTC day, or off
    #[arg(long, value_name = "N|off", allow_hyphen_values = true)]
    pub daily_limit: Option<String>,

    /// Successful lookups per UTC calendar month, or off
    #[arg(long, value_name = "N|off", allow_hyphen_values = true)]
    pub monthly_limit: Option<String>,

    /// Successful lookups per UTC day per client IP, or off
    #[arg(long, value_name = "N|off", allow_hyphen_values = true)]
    pub ip_daily_limit: Option<String>,

    /// Allow a scope (repeatable; none means any scope)
    #[arg(long = "scope", value_name = "S")]
    pub scope: Vec<String>,

    /// Stop allowing a scope (repeatable)
    #[arg(long = "remove-scope", value_name = "S")]
    pub remove_scope: Vec<String>,

    /// When the key stops working: RFC 3339 time, a date (the end of that day, UTC), a duration (30d, 12h), or never
    #[arg(long, value_name = "WHEN|never")]
    pub expires: Option<String>,

    /// Days usage rows keep the client IP before it is redacted (0 to 1095) [default: 28]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub redact_days: Option<String>,
}

/// `security`.
#[derive(Debug, Args)]
pub struct SecurityArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// The changes; none shows the settings.
    #[command(flatten)]
    pub flags: SecurityFlags,
}

const VERIFY_HELP: &str = "\
The key is read from stdin when KEY is - or absent, so it need not appear in `ps`
(and a presented value that looks like a flag is never read as one). verify exits 0
only for a valid key: this help exits 2.

With an account named (--account, APIKEY_ACCOUNT or the config), only its keys
verify: another account's key is NOT_FOUND. With none named, every account's do.

Results (exit code): VALID 0, MALFORMED 10, NOT_FOUND 11, REVOKED 12, EXPIRED 13,
INSUFFICIENT_BALANCE 14, DAILY_LIMIT 15, IP_DAILY_LIMIT 16, FORBIDDEN_ORIGIN 17,
FORBIDDEN_IP 18, FORBIDDEN_SCOPE 19, MONTHLY_LIMIT 20. A denied verification spends nothing.

Example:
  printf '%s' \"$KEY\" | apikey verify --origin https://shop.example.com --ip 203.0.113.9 --json";

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The presented key, or - to read it from stdin [default: stdin]
    #[arg(value_name = "KEY")]
    pub key: Option<String>,

    /// The request's Origin or Referer
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,

    /// The client's IP address
    #[arg(long, value_name = "ADDR")]
    pub ip: Option<String>,

    /// The scope the request needs
    #[arg(long, value_name = "S")]
    pub scope: Option<String>,

    /// Lookups this request spends
    #[arg(
        long,
        value_name = "N",
        default_value = "1",
        allow_hyphen_values = true
    )]
    pub cost: String,

    /// Check only: spend nothing, record nothing
    #[arg(long)]
    pub dry_run: bool,
}

const SERVE_HELP: &str = "\
Endpoints: POST /v1/verify (JSON, as `verify --json`), /v1/auth (for nginx
auth_request, Traefik ForwardAuth, Envoy ext_authz: the key from X-Api-Key,
Authorization: Bearer or an api_key query parameter of X-Original-URI), GET /v1/key
(the holder's own balance and limits), GET /healthz, GET /metrics.

Stops on SIGTERM or SIGINT: finishes the requests in flight, every VALID answered
has committed, exits 0. Logs one line per start, stop and error to stderr.

Example:
  apikey serve --listen 127.0.0.1:7878 --trust-proxy 10.0.0.0/8";

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one [env: APIKEY_LISTEN] [default: `listen` in the config's [serve], else 127.0.0.1:7878]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Believe X-Forwarded-For and X-Real-IP from peers in this range (repeatable) [default: none]
    #[arg(long = "trust-proxy", value_name = "CIDR")]
    pub trust_proxy: Vec<String>,

    /// Answer balance denials 402 and limit denials 429 (with Retry-After), for gateways that pass statuses through
    #[arg(long)]
    pub full_status: bool,

    /// The most client connections open at once; more wait to be accepted [default: 10000]
    #[arg(long, value_name = "N")]
    pub max_connections: Option<String>,
}

/// `usage`.
#[derive(Debug, Args)]
pub struct UsageArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// How many days back, today included (1 to 3660)
    #[arg(
        long,
        value_name = "N",
        default_value = "30",
        allow_hyphen_values = true
    )]
    pub days: String,

    /// Group by day or by client IP
    #[arg(long, value_name = "WHAT", value_enum, default_value_t = ByArg::Day)]
    pub by: ByArg,
}

/// `usage --by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// One row per UTC day.
    Day,
    /// One row per client IP.
    Ip,
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
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// Why, for the audit trail
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// `regenerate`.
#[derive(Debug, Args)]
pub struct RegenerateArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// How long the old secret keeps working, e.g. 1h or 7d [default: it stops at once]
    #[arg(long, value_name = "DURATION")]
    pub grace: Option<String>,
}

/// `rename`.
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// The new name, unique among the account's active keys
    #[arg(value_name = "NEW_NAME")]
    pub name: String,
}

/// `topup`.
#[derive(Debug, Args)]
pub struct TopupArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
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
    /// Only this key's changes (id, name, or secret; - reads it from stdin)
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: Option<String>,
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
