//! The one renderer. Commands return a [`Report`]; this prints it as tables
//! for people (comfy-table), as exactly one JSON document for scripts
//! (serde), or as the bare essential value with `--quiet`. User-supplied
//! text is escaped before it reaches a terminal.

mod chart;
mod check;
mod outbox;
mod plan;
mod tables;

use std::io::{self, Write};

use comfy_table::Cell;
use serde::Serialize;

use self::chart::usage_chart;
pub use self::plan::print_applied;
use self::tables::{
    fields_table, header, key_table, keys_table, limit_or, new_table, security_table,
};

use super::context::OutputMode;
use crate::account::Account;
use crate::audit::AuditEntry;
use crate::clock::Timestamp;
use crate::key::{Key, KeyId, KeyName};
use crate::notify::Email;
use crate::notify::event::Event;
use crate::security::SecuritySettings;
use crate::store::SendReport;
use crate::store::{CheckReport, CopyReport, NewKey, Topup};
use crate::text::printable;
use crate::usage::UsageReport;
use crate::verify::{Verdict, VerifyCode};

/// What a command produced.
pub enum Report {
    /// Nothing left to print: the command showed its output before its
    /// change was kept (see [`super::deliver::Delivery`]).
    Shown,
    /// `show`, with the lookups spent today.
    Key {
        /// The key.
        key: Key,
        /// Lookups spent today (UTC).
        usage_today: u64,
    },
    /// `security`: the settings, after a change when `changed`.
    Security {
        /// The key.
        key: Key,
        /// Whether flags changed them.
        changed: bool,
    },
    /// `verify`.
    Verdict(Verdict),
    /// `usage`.
    Usage(UsageReport),
    /// `notify add|remove|list|threshold`: the key's list afterwards.
    NotifyList {
        /// The key.
        key: Key,
        /// Whether the command set the threshold, which `--quiet` then
        /// prints (otherwise it prints the list).
        threshold: bool,
    },
    /// `notify outbox`.
    Outbox(Vec<Event>),
    /// `notify send`.
    Sent(SendReport),
    /// `notify retry` or `notify discard`: the event afterwards.
    EventChanged {
        /// The event.
        event: Event,
        /// What happened to it.
        message: String,
    },
    /// `completions`: a script for a shell.
    Script {
        /// Which shell.
        shell: String,
        /// The script.
        text: String,
    },
    /// `topup`: the key after it, and whether a ref found it made before.
    Topup {
        /// The top-up.
        topup: Topup,
        /// What a person is told.
        message: String,
    },
    /// A change to one key, with the sentence that tells a person what happened.
    Changed {
        /// The key after the change.
        key: Key,
        /// e.g. "Revoked key web (k_…)".
        message: String,
        /// What `--quiet` prints, if anything.
        quiet: Option<String>,
    },
    /// `list`.
    Keys {
        /// Whose keys.
        account: String,
        /// The keys.
        keys: Vec<Key>,
    },
    /// `account list`.
    Accounts(Vec<Account>),
    /// `account create` (`created`) or `account show`.
    Account {
        /// The account.
        account: Account,
        /// Whether this command just made it.
        created: bool,
    },
    /// `log`.
    Audit(Vec<AuditEntry>),
    /// `store upgrade`: the schema version before and after.
    Upgraded {
        /// The store file.
        store: String,
        /// The version it had.
        from: i64,
        /// The version it has now.
        to: i64,
    },
    /// `store check`.
    Checked {
        /// The store file.
        store: String,
        /// What the check found.
        report: CheckReport,
    },
    /// `store copy`: what was copied.
    Copied(CopyReport),
    /// `store backup`: the snapshot written.
    BackedUp {
        /// The store.
        store: String,
        /// The snapshot's file.
        file: String,
    },
}

/// The JSON of a key just made: the key object plus its secret.
#[derive(Serialize)]
struct NewKeyJson<'a> {
    #[serde(flatten)]
    key: &'a Key,
    #[serde(rename = "key")]
    secret: &'a str,
}

/// The JSON of `show`: the key object plus today's usage.
#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    key: &'a Key,
    usage_today: u64,
}

/// The JSON of `topup`: the key object, and whether its ref had been used
/// (so nothing was added).
#[derive(Serialize)]
struct TopupJson<'a> {
    #[serde(flatten)]
    key: &'a Key,
    duplicate: bool,
}

/// The JSON of `security`: which key, its expiry and its settings.
#[derive(Serialize)]
struct SecurityJson<'a> {
    id: &'a KeyId,
    account: &'a str,
    name: &'a KeyName,
    expires_at: Option<Timestamp>,
    security: &'a SecuritySettings,
}

/// The JSON of the `notify` subcommands that show a key's list.
#[derive(Serialize)]
struct NotifyJson<'a> {
    key_id: &'a KeyId,
    account: &'a str,
    name: &'a KeyName,
    emails: &'a [Email],
    low_balance: Option<u64>,
}

impl Report {
    /// The exit code a command that ran ends with: 0, except for a denied
    /// verification (10 to 20) and a `notify send` with failed deliveries (1).
    pub fn exit_code(&self) -> u8 {
        match self {
            Report::Verdict(v) => v.code.exit_code(),
            Report::Sent(r) if !r.complete() => 1,
            Report::Checked { report, .. } if !report.violations.is_empty() => 1,
            _ => 0,
        }
    }

    /// The one stderr line that explains a non-zero exit of a command that
    /// still printed its report.
    pub fn failure_line(&self) -> Option<String> {
        match self {
            Report::Sent(r) => outbox::failure_line(r),
            Report::Checked { store, report } => check::failure_line(store, report),
            _ => None,
        }
    }
}

/// "1 key", "2 keys": every count of things a person reads.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Prints a key just created or regenerated, with its secret, in the mode
/// the user asked for; `verb` is "Created" or "Regenerated".
pub fn print_new_key(
    new: &NewKey,
    verb: &str,
    mode: OutputMode,
    out: &mut dyn Write,
) -> io::Result<()> {
    if mode.json {
        return write_json(
            out,
            &NewKeyJson {
                key: &new.key,
                secret: new.secret.expose(),
            },
        );
    }
    if mode.quiet {
        return writeln!(out, "{}", new.secret.expose());
    }
    let key = &new.key;
    writeln!(
        out,
        "{verb} key {} in account {}, balance {}.\n",
        key.label(),
        key.account,
        key.balance
    )?;
    if mode.color {
        writeln!(out, "    \x1b[1m{}\x1b[0m\n", new.secret.expose())?;
    } else {
        writeln!(out, "    {}\n", new.secret.expose())?;
    }
    writeln!(
        out,
        "This is the only time the key is shown: store it somewhere safe now."
    )
}

/// One JSON document and its newline.
pub(super) fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// Prints `report` in the mode the user asked for.
pub fn print(report: &Report, mode: OutputMode, out: &mut dyn Write) -> io::Result<()> {
    if mode.json {
        print_json(report, out)
    } else if mode.quiet {
        print_quiet(report, out)
    } else {
        print_human(report, mode.color, out)
    }
}

fn print_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let result = match report {
        Report::Shown => return Ok(()),
        Report::Key { key, usage_today } => serde_json::to_writer_pretty(
            &mut *out,
            &ShowJson {
                key,
                usage_today: *usage_today,
            },
        ),
        Report::Security { key, .. } => serde_json::to_writer_pretty(
            &mut *out,
            &SecurityJson {
                id: &key.id,
                account: &key.account,
                name: &key.name,
                expires_at: key.expires_at,
                security: &key.security,
            },
        ),
        Report::Verdict(verdict) => serde_json::to_writer_pretty(&mut *out, verdict),
        Report::Usage(report) => serde_json::to_writer_pretty(&mut *out, report),
        Report::Changed { key, .. } => serde_json::to_writer_pretty(&mut *out, key),
        Report::Topup { topup, .. } => serde_json::to_writer_pretty(
            &mut *out,
            &TopupJson {
                key: &topup.key,
                duplicate: topup.duplicate_of.is_some(),
            },
        ),
        Report::NotifyList { key, .. } => serde_json::to_writer_pretty(
            &mut *out,
            &NotifyJson {
                key_id: &key.id,
                account: &key.account,
                name: &key.name,
                emails: &key.notify.emails,
                low_balance: key.notify.low_balance,
            },
        ),
        Report::Outbox(events) => serde_json::to_writer_pretty(&mut *out, events),
        Report::Sent(report) => serde_json::to_writer_pretty(&mut *out, report),
        Report::EventChanged { event, .. } => serde_json::to_writer_pretty(&mut *out, event),
        Report::Script { shell, text } => serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({"shell": shell, "script": text}),
        ),
        Report::Keys { keys, .. } => serde_json::to_writer_pretty(&mut *out, keys),
        Report::Accounts(accounts) => serde_json::to_writer_pretty(&mut *out, accounts),
        Report::Account { account, .. } => serde_json::to_writer_pretty(&mut *out, account),
        Report::Audit(entries) => serde_json::to_writer_pretty(&mut *out, entries),
        Report::Upgraded { store, from, to } => serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({"store": store, "from": from, "to": to}),
        ),
        Report::Checked { report, .. } => serde_json::to_writer_pretty(&mut *out, report),
        Report::Copied(report) => serde_json::to_writer_pretty(&mut *out, report),
        Report::BackedUp { store, file } => serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({"store": store, "file": file}),
        ),
    };
    result.map_err(io::Error::from)?;
    writeln!(out)
}

fn print_quiet(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match report {
        Report::Shown => Ok(()),
        Report::Key { key, .. } | Report::Security { key, .. } => writeln!(out, "{}", key.id),
        Report::Verdict(verdict) => writeln!(out, "{}", verdict.code),
        Report::Usage(report) => writeln!(out, "{}", report.total),
        Report::NotifyList {
            key,
            threshold: true,
        } => writeln!(out, "{}", limit_or(key.notify.low_balance, "off")),
        Report::NotifyList { key, .. } => key
            .notify
            .emails
            .iter()
            .try_for_each(|e| writeln!(out, "{e}")),
        Report::Outbox(events) => events.iter().try_for_each(|e| writeln!(out, "{}", e.id)),
        Report::Sent(report) => writeln!(out, "{}", report.sent.len()),
        Report::EventChanged { event, .. } => writeln!(out, "{}", event.id),
        Report::Script { text, .. } => out.write_all(text.as_bytes()),
        Report::Topup { topup, .. } => writeln!(out, "{}", topup.key.balance),
        Report::Changed { quiet, .. } => match quiet {
            Some(value) => writeln!(out, "{value}"),
            None => Ok(()),
        },
        Report::Keys { keys, .. } => keys.iter().try_for_each(|k| writeln!(out, "{}", k.id)),
        Report::Accounts(accounts) => accounts
            .iter()
            .try_for_each(|a| writeln!(out, "{}", a.name)),
        Report::Account { account, .. } => writeln!(out, "{}", account.name),
        Report::Audit(entries) => entries.iter().try_for_each(|e| writeln!(out, "{}", e.id)),
        Report::Upgraded { to, .. } => writeln!(out, "{to}"),
        Report::Checked { report, .. } => writeln!(out, "{}", report.violations.len()),
        Report::Copied(report) => writeln!(out, "{}", report.to),
        Report::BackedUp { file, .. } => writeln!(out, "{file}"),
    }
}

fn print_human(report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match report {
        Report::Shown => Ok(()),
        Report::Key { key, usage_today } => {
            writeln!(out, "{}", key_table(key, Some(*usage_today), color))
        }
        Report::Security { key, changed } => {
            if *changed {
                writeln!(out, "Updated the security settings of key {}.", key.label())?;
            }
            writeln!(out, "{}", security_table(key, color))
        }
        Report::Verdict(verdict) => writeln!(out, "{}", explain(verdict)),
        Report::Usage(report) => usage_chart(report, color, out),
        Report::NotifyList { key, .. } => {
            writeln!(out, "Notifications for key {}:", key.label())?;
            if key.notify.emails.is_empty() {
                writeln!(
                    out,
                    "  nobody (add someone with `apikey notify add {} EMAIL`)",
                    key.name
                )?;
            }
            for email in &key.notify.emails {
                writeln!(out, "  {email}")?;
            }
            writeln!(
                out,
                "Low balance at: {}",
                limit_or(key.notify.low_balance, "off")
            )
        }
        Report::Outbox(events) => outbox::print_outbox(events, color, out),
        Report::Script { text, .. } => out.write_all(text.as_bytes()),
        Report::Sent(report) => outbox::print_sent(report, out),
        Report::EventChanged { message, .. } => writeln!(out, "{message}"),
        Report::Changed { message, .. } | Report::Topup { message, .. } => {
            writeln!(out, "{}", printable(message))
        }
        Report::Keys { account, keys } => {
            if keys.is_empty() {
                return writeln!(
                    out,
                    "No keys in account {account}. Create one with `apikey create`."
                );
            }
            writeln!(out, "{}", keys_table(keys, color))
        }
        Report::Accounts(accounts) => {
            let mut table = new_table(color);
            table.set_header(header(
                ["ACCOUNT", "ACTIVE KEYS", "ALL KEYS", "BALANCE", "CREATED"],
                color,
            ));
            for a in accounts {
                table.add_row(vec![
                    Cell::new(&a.name),
                    Cell::new(a.active_keys),
                    Cell::new(a.total_keys),
                    Cell::new(a.balance),
                    Cell::new(a.created_at.short()),
                ]);
            }
            writeln!(out, "{table}")
        }
        Report::Account {
            account,
            created: true,
        } => {
            writeln!(out, "Created account {}.", account.name)
        }
        Report::Account { account: a, .. } => {
            let mut table = fields_table();
            table.add_row(vec!["Account", &a.name]);
            table.add_row(vec![
                "Active keys".to_owned(),
                format!("{} of 10", a.active_keys),
            ]);
            table.add_row(vec!["All keys".to_owned(), a.total_keys.to_string()]);
            table.add_row(vec!["Balance".to_owned(), a.balance.to_string()]);
            table.add_row(vec!["Created".to_owned(), a.created_at.to_string()]);
            writeln!(out, "{table}")
        }
        Report::Audit(entries) => {
            if entries.is_empty() {
                return writeln!(out, "No changes recorded.");
            }
            let mut table = new_table(color);
            table.set_header(header(["WHEN", "USER", "ACTION", "KEY", "DETAIL"], color));
            for e in entries {
                let key = match (&e.key_id, &e.key_name) {
                    (Some(id), Some(name)) => format!("{name} ({id})"),
                    _ => String::new(),
                };
                table.add_row(vec![
                    Cell::new(e.at.short()),
                    Cell::new(printable(&e.user)),
                    Cell::new(e.action.as_str()),
                    Cell::new(key),
                    Cell::new(printable(&e.detail)),
                ]);
            }
            writeln!(out, "{table}")
        }
        Report::Upgraded { store, from, to } => upgraded(store, *from, *to, out),
        Report::Checked { store, report } => check::print_check(store, report, out),
        Report::Copied(report) => check::print_copy(report, out),
        Report::BackedUp { store, file } => writeln!(
            out,
            "Wrote a snapshot of store {} to {}.",
            printable(store),
            printable(file)
        ),
    }
}

fn upgraded(store: &str, from: i64, to: i64, out: &mut dyn Write) -> io::Result<()> {
    let store = printable(store);
    if from == to {
        writeln!(out, "Store {store} is up to date (schema version {to}).")
    } else {
        writeln!(
            out,
            "Upgraded store {store} from schema version {from} to {to}."
        )
    }
}

/// One line for a person: the code, then what it means.
fn explain(v: &Verdict) -> String {
    let key = match (&v.key_id, &v.account) {
        (Some(id), Some(account)) => format!("key {id} in account {account}"),
        _ => "the key".to_owned(),
    };
    let balance = v.balance.unwrap_or(0);
    let why = match v.code {
        VerifyCode::Valid => format!("{key}; {balance} lookups left"),
        VerifyCode::Malformed => {
            "not a well-formed key (prefix, length, alphabet or checksum)".to_owned()
        }
        VerifyCode::NotFound => {
            "no such key (or it was replaced and its grace period is over)".to_owned()
        }
        VerifyCode::Revoked => format!("{key} is revoked"),
        VerifyCode::Expired => format!("{key} has expired"),
        VerifyCode::InsufficientBalance => {
            format!(
                "{key} has {balance} lookups left, this request costs {}",
                v.cost
            )
        }
        VerifyCode::DailyLimit => format!("{key} has reached its daily limit"),
        VerifyCode::MonthlyLimit => format!("{key} has reached its monthly limit"),
        VerifyCode::IpDailyLimit => format!("this client IP has reached its daily limit on {key}"),
        VerifyCode::ForbiddenOrigin => format!("the origin is missing or not allowed for {key}"),
        VerifyCode::ForbiddenIp => format!("the client IP is missing or not allowed for {key}"),
        VerifyCode::ForbiddenScope => format!("the scope is missing or not allowed for {key}"),
        VerifyCode::Suspended => format!("{key} is suspended until it is resumed"),
        VerifyCode::RateLimited => format!(
            "{key} has reached a rate limit; retry in {} ms",
            v.retry_after_ms.unwrap_or(0)
        ),
    };
    format!("{}: {why}", v.code)
}
