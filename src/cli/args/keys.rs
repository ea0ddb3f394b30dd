//! The arguments of the commands on keys: create, list, show, revoke,
//! regenerate, rename, topup, security, usage, log.

use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::cli::complete;

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

    /// Accepted verifications per sliding second, minute or hour, e.g. 10/s (repeatable; one per window)
    #[arg(long = "rate-limit", value_name = "N/s|N/min|N/h")]
    pub rate_limit: Vec<String>,

    /// Remove the rate limit on a window (repeatable)
    #[arg(long = "remove-rate-limit", value_name = "s|min|h", value_parser = ["s", "min", "h"])]
    pub remove_rate_limit: Vec<String>,
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

/// `suspend`.
#[derive(Debug, Args)]
pub struct SuspendArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// Why, for the audit trail and the key's notification list
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

    /// The payment or invoice id: a second top-up with it in the account adds nothing
    #[arg(long = "ref", value_name = "TEXT")]
    pub reference: Option<String>,

    /// When these lookups lapse: a duration (365d, 12mo), a date, or never [default: the config's [balance] topup_expires, else never]
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
}

/// `autotopup`.
#[derive(Debug, Args)]
pub struct AutotopupArgs {
    /// The key's id, name, or secret; - reads it from stdin
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: String,

    /// Top up when a verification leaves the balance below N
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub below: Option<String>,

    /// Lookups each top-up adds: a whole number from 1 to 1000000000
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub amount: Option<String>,

    /// At most K top-ups per UTC day, 1 to 1000 [default: 1]
    #[arg(long, value_name = "K", allow_hyphen_values = true)]
    pub max_per_day: Option<String>,

    /// When each top-up's lookups lapse: a duration (365d, 12mo) or never [default: never]
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,

    /// Turn automatic top-up off
    #[arg(long, conflicts_with_all = ["below", "amount", "max_per_day", "expires"])]
    pub off: bool,
}

/// `log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only this key's changes (id, name, or secret; - reads it from stdin)
    #[arg(value_name = "KEY", add = ArgValueCandidates::new(complete::keys))]
    pub key: Option<String>,
}
