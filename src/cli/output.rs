//! The one renderer. Commands return a [`Report`]; this prints it as tables
//! for people (comfy-table), as exactly one JSON document for scripts
//! (serde), or as the bare essential value with `--quiet`. User-supplied
//! text is escaped before it reaches a terminal.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

use super::context::OutputMode;
use crate::account::Account;
use crate::audit::AuditEntry;
use crate::clock::Timestamp;
use crate::key::{Key, KeyStatus};
use crate::store::NewKey;
use crate::text::printable;

/// What a command produced.
pub enum Report {
    /// `create` or `regenerate`: the key and its secret, shown this once.
    NewKey {
        /// The key and secret.
        new: NewKey,
        /// "Created" or "Regenerated".
        verb: &'static str,
    },
    /// `show`.
    Key(Key),
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
}

/// The JSON of a key just made: the key object plus its secret.
#[derive(Serialize)]
struct NewKeyJson<'a> {
    #[serde(flatten)]
    key: &'a Key,
    #[serde(rename = "key")]
    secret: &'a str,
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
        Report::NewKey { new, .. } => serde_json::to_writer_pretty(
            &mut *out,
            &NewKeyJson {
                key: &new.key,
                secret: new.secret.expose(),
            },
        ),
        Report::Key(key) | Report::Changed { key, .. } => {
            serde_json::to_writer_pretty(&mut *out, key)
        }
        Report::Keys { keys, .. } => serde_json::to_writer_pretty(&mut *out, keys),
        Report::Accounts(accounts) => serde_json::to_writer_pretty(&mut *out, accounts),
        Report::Account { account, .. } => serde_json::to_writer_pretty(&mut *out, account),
        Report::Audit(entries) => serde_json::to_writer_pretty(&mut *out, entries),
    };
    result.map_err(io::Error::from)?;
    writeln!(out)
}

fn print_quiet(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    match report {
        Report::NewKey { new, .. } => writeln!(out, "{}", new.secret.expose()),
        Report::Key(key) => writeln!(out, "{}", key.id),
        Report::Changed { quiet, .. } => match quiet {
            Some(value) => writeln!(out, "{value}"),
            None => Ok(()),
        },
        Report::Keys { keys, .. } => keys.iter().try_for_each(|k| writeln!(out, "{}", k.id)),
        Report::Accounts(accounts) => accounts
            .iter()
            .try_for_each(|a| writeln!(out, "{}", a.name)),
        Report::Account { account, .. } => writeln!(out, "{}", account.name),
        Report::Audit(_) => Ok(()),
    }
}

fn print_human(report: &Report, color: bool, out: &mut dyn Write) -> io::Result<()> {
    match report {
        Report::NewKey { new, verb } => {
            let key = &new.key;
            writeln!(
                out,
                "{verb} key {} in account {}, balance {}.\n",
                key.label(),
                key.account,
                key.balance
            )?;
            if color {
                writeln!(out, "    \x1b[1m{}\x1b[0m\n", new.secret.expose())?;
            } else {
                writeln!(out, "    {}\n", new.secret.expose())?;
            }
            writeln!(
                out,
                "This is the only time the key is shown: store it somewhere safe now."
            )
        }
        Report::Key(key) => writeln!(out, "{}", key_table(key, color)),
        Report::Changed { message, .. } => writeln!(out, "{}", printable(message)),
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
    }
}

fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        table.enforce_styling();
    }
    table
}

/// A borderless two-column table of labels and values, for one record.
fn fields_table() -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// A bold cell when coloring; plain otherwise (comfy-table would style a
/// terminal even under `--color never`).
fn bold(text: &str, color: bool) -> Cell {
    let cell = Cell::new(text);
    if color {
        cell.add_attribute(Attribute::Bold)
    } else {
        cell
    }
}

fn header<const N: usize>(titles: [&str; N], color: bool) -> Vec<Cell> {
    titles.into_iter().map(|t| bold(t, color)).collect()
}

fn status_cell(status: KeyStatus, text: &str, color: bool) -> Cell {
    let cell = Cell::new(text);
    if !color {
        return cell;
    }
    cell.fg(match status {
        KeyStatus::Active => Color::Green,
        KeyStatus::Revoked => Color::Red,
        KeyStatus::Expired => Color::Yellow,
    })
}

fn when(t: Option<Timestamp>, none: &str) -> String {
    t.map_or_else(|| none.to_owned(), Timestamp::short)
}

fn keys_table(keys: &[Key], color: bool) -> Table {
    let mut table = new_table(color);
    table.set_header(header(
        [
            "ID",
            "NAME",
            "KEY",
            "STATUS",
            "BALANCE",
            "LAST USED",
            "EXPIRES",
        ],
        color,
    ));
    for k in keys {
        table.add_row(vec![
            Cell::new(&k.id),
            Cell::new(&k.name),
            Cell::new(&k.hint),
            status_cell(k.status, k.status.as_str(), color),
            Cell::new(k.balance),
            Cell::new(when(k.last_used_at, "never")),
            Cell::new(when(k.expires_at, "never")),
        ]);
    }
    table
}

fn list_or(items: &[String], none: &str) -> String {
    if items.is_empty() {
        none.to_owned()
    } else {
        items
            .iter()
            .map(|i| printable(i))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn limit_or(limit: Option<u64>, none: &str) -> String {
    limit.map_or_else(|| none.to_owned(), |n| n.to_string())
}

fn key_table(key: &Key, color: bool) -> Table {
    let mut table = fields_table();
    let sec = &key.security;
    let status = match (key.status, key.revoked_at) {
        (KeyStatus::Revoked, Some(at)) => format!("revoked {}", at.short()),
        (status, _) => status.as_str().to_owned(),
    };
    let text = |s: String| Cell::new(s);
    let rows = [
        ("Key", text(key.label())),
        ("Account", text(key.account.clone())),
        ("Hint", text(key.hint.clone())),
        ("Status", status_cell(key.status, &status, color)),
        ("Balance", text(key.balance.to_string())),
        ("Created", text(key.created_at.short())),
        ("Expires", text(when(key.expires_at, "never"))),
        ("Last used", text(when(key.last_used_at, "never"))),
        ("Allowed URLs", text(list_or(&sec.allowed_urls, "any"))),
        ("Allowed IPs", text(list_or(&sec.allowed_ips, "any"))),
        ("Scopes", text(list_or(&sec.scopes, "any"))),
        ("Daily limit", text(limit_or(sec.daily_limit, "none"))),
        ("Monthly limit", text(limit_or(sec.monthly_limit, "none"))),
        ("IP daily limit", text(limit_or(sec.ip_daily_limit, "none"))),
        ("IPs kept", text(format!("{} days", sec.redact_days))),
        ("Notify", text(list_or(&key.notify.emails, "nobody"))),
        (
            "Low balance at",
            text(limit_or(key.notify.low_balance, "off")),
        ),
    ];
    for (label, value) in rows {
        table.add_row(vec![bold(label, color), value]);
    }
    if color {
        table.enforce_styling();
    }
    table
}
