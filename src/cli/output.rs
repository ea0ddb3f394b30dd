//! The one renderer. Commands return a [`Report`]; this prints it as tables
//! for people (comfy-table), as exactly one JSON document for scripts
//! (serde), or as the bare essential value with `--quiet`. User-supplied
//! text is escaped before it reaches a terminal.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

use super::context::OutputMode;
use crate::account::Account;
use crate::apply::{Applied, CreatedKey, PossibleRename};
use crate::audit::AuditEntry;
use crate::clock::Timestamp;
use crate::key::{Key, KeyId, KeyName, KeyStatus};
use crate::notify::Email;
use crate::notify::event::Event;
use crate::security::SecuritySettings;
use crate::store::NewKey;
use crate::store::SendReport;
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
    /// `completions`: a script for a shell.
    Script {
        /// Which shell.
        shell: String,
        /// The script.
        text: String,
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
}

/// The JSON of a key just made: the key object plus its secret.
#[derive(Serialize)]
struct NewKeyJson<'a> {
    #[serde(flatten)]
    key: &'a Key,
    #[serde(rename = "key")]
    secret: &'a str,
}

/// The JSON of `apply`: what it did, and whether a dry run planned against
/// a store that does not exist yet.
#[derive(Serialize)]
struct AppliedJson<'a> {
    #[serde(flatten)]
    applied: &'a Applied,
    new_store: bool,
}

/// The JSON of `show`: the key object plus today's usage.
#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    key: &'a Key,
    usage_today: u64,
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
            Report::Sent(r) if !r.failed.is_empty() => 1,
            _ => 0,
        }
    }

    /// The one stderr line that explains a non-zero exit of a command that
    /// still printed its report.
    pub fn failure_line(&self) -> Option<String> {
        match self {
            Report::Sent(r) if !r.failed.is_empty() => {
                let first = &r.failed[0];
                Some(format!(
                    "{} of {} notifications could not be delivered and stay pending (event {}: {}): check the [smtp] settings and run `apikey notify send` again",
                    r.failed.len(),
                    r.failed.len() + r.sent.len(),
                    first.id,
                    first.error
                ))
            }
            _ => None,
        }
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

/// Prints what `apply` did (or, in a dry run, would do) to the store from
/// `file`; `new_store` names the store a dry run planned against when it
/// does not exist yet. With `--quiet`, one line per new key:
/// `account/name`, a tab, and the secret (names hold spaces, never tabs).
pub fn print_applied(
    applied: &Applied,
    file: &str,
    new_store: Option<&str>,
    mode: OutputMode,
    out: &mut dyn Write,
) -> io::Result<()> {
    if mode.json {
        return write_json(
            out,
            &AppliedJson {
                applied,
                new_store: new_store.is_some(),
            },
        );
    }
    if let Some(db) = new_store
        && !mode.quiet
    {
        writeln!(
            out,
            "No store at {} yet: planning against an empty one (a run would create it).",
            printable(db)
        )?;
    }
    if mode.quiet {
        return applied.created.iter().try_for_each(|c| match &c.secret {
            Some(secret) => writeln!(out, "{}/{}\t{}", c.account, c.name, secret.expose()),
            None => Ok(()),
        });
    }
    print_plan(applied, file, mode.color, out)
}

/// One JSON document and its newline.
fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
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
        Report::Script { text, .. } => out.write_all(text.as_bytes()),
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
        Report::Outbox(events) => {
            if events.is_empty() {
                return writeln!(out, "No notifications waiting.");
            }
            let mut table = new_table(color);
            table.set_header(header(
                [
                    "ID",
                    "EVENT",
                    "KEY",
                    "RECIPIENTS",
                    "STATUS",
                    "TRIES",
                    "CREATED",
                    "LAST ERROR",
                ],
                color,
            ));
            for e in events {
                table.add_row(vec![
                    Cell::new(e.id),
                    Cell::new(e.event),
                    Cell::new(format!("{} ({})", printable(&e.key_name), e.key_id)),
                    Cell::new(e.recipients.join("\n")),
                    Cell::new(e.status.as_str()),
                    Cell::new(e.attempts),
                    Cell::new(e.created_at.short()),
                    Cell::new(printable(e.last_error.as_deref().unwrap_or(""))),
                ]);
            }
            writeln!(out, "{table}")
        }
        Report::Script { text, .. } => out.write_all(text.as_bytes()),
        Report::Sent(report) => {
            if report.sent.is_empty() && report.failed.is_empty() {
                writeln!(out, "Nothing to send.")
            } else {
                writeln!(out, "Sent {} notifications.", report.sent.len())
            }
        }
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
        Report::Upgraded { store, from, to } => upgraded(store, *from, *to, out),
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

/// "1 key", "2 keys".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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

fn list_or<T: std::fmt::Display>(items: &[T], none: &str) -> String {
    if items.is_empty() {
        none.to_owned()
    } else {
        items
            .iter()
            .map(|i| printable(&i.to_string()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn limit_or(limit: Option<u64>, none: &str) -> String {
    limit.map_or_else(|| none.to_owned(), |n| n.to_string())
}

fn security_rows(key: &Key) -> Vec<(&'static str, String)> {
    let sec = &key.security;
    vec![
        ("Expires", when(key.expires_at, "never")),
        ("Allowed URLs", list_or(&sec.allowed_urls, "any")),
        ("Allowed IPs", list_or(&sec.allowed_ips, "any")),
        ("Scopes", list_or(&sec.scopes, "any")),
        ("Daily limit", limit_or(sec.daily_limit, "none")),
        ("Monthly limit", limit_or(sec.monthly_limit, "none")),
        ("IP daily limit", limit_or(sec.ip_daily_limit, "none")),
        ("IPs kept", format!("{} days", sec.redact_days)),
    ]
}

fn key_table(key: &Key, usage_today: Option<u64>, color: bool) -> Table {
    let mut table = fields_table();
    let status = match (key.status, key.revoked_at) {
        (KeyStatus::Revoked, Some(at)) => format!("revoked {}", at.short()),
        (status, _) => status.as_str().to_owned(),
    };
    let mut rows = vec![
        ("Key", Cell::new(key.label())),
        ("Account", Cell::new(&key.account)),
        ("Hint", Cell::new(&key.hint)),
        ("Status", status_cell(key.status, &status, color)),
        ("Balance", Cell::new(key.balance)),
    ];
    if let Some(used) = usage_today {
        let text = match key.security.daily_limit {
            Some(limit) => format!("{used} of {limit}"),
            None => used.to_string(),
        };
        rows.push(("Used today", Cell::new(text)));
    }
    rows.push(("Created", Cell::new(key.created_at.short())));
    rows.push(("Last used", Cell::new(when(key.last_used_at, "never"))));
    rows.extend(
        security_rows(key)
            .into_iter()
            .map(|(label, value)| (label, Cell::new(value))),
    );
    rows.push(("Notify", Cell::new(list_or(&key.notify.emails, "nobody"))));
    rows.push((
        "Low balance at",
        Cell::new(limit_or(key.notify.low_balance, "off")),
    ));
    for (label, value) in rows {
        table.add_row(vec![bold(label, color), value]);
    }
    if color {
        table.enforce_styling();
    }
    table
}

fn security_table(key: &Key, color: bool) -> Table {
    let mut table = fields_table();
    table.add_row(vec![bold("Key", color), Cell::new(key.label())]);
    for (label, value) in security_rows(key) {
        table.add_row(vec![bold(label, color), Cell::new(value)]);
    }
    if color {
        table.enforce_styling();
    }
    table
}

/// The plan (or what was done) as a diff: `+` create, `~` change, `-` revoke.
fn print_plan(applied: &Applied, file: &str, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, text: String| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text
        }
    };
    if applied.is_empty() {
        return writeln!(out, "No changes: the store matches {file}.");
    }
    if applied.dry_run {
        writeln!(out, "Plan for {file} (dry run, nothing changed):")?;
    } else {
        writeln!(out, "Applied {file}:")?;
    }
    for account in &applied.created_accounts {
        writeln!(out, "{}", paint("32", format!("  + account {account}")))?;
    }
    for key in &applied.created {
        let id = key
            .id
            .as_ref()
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}",
            paint("32", format!("  + key {}/{}{id}", key.account, key.name))
        )?;
    }
    for key in &applied.updated {
        writeln!(
            out,
            "{}",
            paint(
                "33",
                format!("  ~ key {}/{} ({})", key.account, key.name, key.id)
            )
        )?;
        for change in &key.changes {
            writeln!(
                out,
                "      {}: {} -> {}",
                change.field, change.from, change.to
            )?;
        }
    }
    for key in &applied.revoked {
        writeln!(
            out,
            "{}",
            paint(
                "31",
                format!(
                    "  - key {}/{} ({}), revoked: its balance of {} can no longer be spent",
                    key.account, key.name, key.id, key.balance
                )
            )
        )?;
    }
    let counts = format!(
        "{} and {} {}, {} {}, {} {}.",
        count(applied.created_accounts.len(), "account"),
        count(applied.created.len(), "key"),
        if applied.dry_run {
            "to create"
        } else {
            "created"
        },
        count(applied.updated.len(), "key"),
        if applied.dry_run {
            "to update"
        } else {
            "updated"
        },
        count(applied.revoked.len(), "key"),
        if applied.dry_run {
            "to revoke"
        } else {
            "revoked"
        },
    );
    writeln!(out, "{counts}")?;
    for rename in &applied.possible_renames {
        writeln!(out, "\n{}", paint("33", rename_note(rename)))?;
    }
    let secrets: Vec<&CreatedKey> = applied
        .created
        .iter()
        .filter(|c| c.secret.is_some())
        .collect();
    if !secrets.is_empty() {
        writeln!(out, "\nNew keys, shown only this once: store them now.")?;
        for c in secrets {
            if let (Some(id), Some(secret)) = (&c.id, &c.secret) {
                writeln!(out, "  {}/{}  {id}  {}", c.account, c.name, secret.expose())?;
            }
        }
    }
    Ok(())
}

/// What a plan must say plainly when an account gains keys while keys it
/// has go unnamed: `apply` never renames.
fn rename_note(rename: &PossibleRename) -> String {
    let list = |names: Vec<String>| names.join(", ");
    let created = list(rename.created.iter().map(ToString::to_string).collect());
    let old = list(rename.unnamed.iter().map(|k| k.name.to_string()).collect());
    let balances = list(
        rename
            .unnamed
            .iter()
            .map(|k| format!("{} (balance {})", k.name, k.balance))
            .collect(),
    );
    let new = if rename.created.len() == 1 {
        "a new key with a new secret and a balance of 0"
    } else {
        "new keys with new secrets and balances of 0"
    };
    let fate = match (
        rename.unnamed.len(),
        rename.unnamed.iter().any(|k| k.revoked),
    ) {
        (1, true) => "is revoked by --prune",
        (_, true) => "are revoked by --prune",
        (1, false) => "stays as it is",
        (_, false) => "stay as they are",
    };
    let shell = |name: &str| {
        if name.contains(' ') {
            format!("'{name}'")
        } else {
            name.to_owned()
        }
    };
    let how = match (&rename.created[..], &rename.unnamed[..]) {
        ([new], [old]) => format!(
            "`apikey -a {} rename {} {}`",
            rename.account,
            shell(old.name.as_str()),
            shell(new.as_str())
        ),
        _ => format!("`apikey -a {} rename OLD NEW`", rename.account),
    };
    format!(
        "Note: in account {}, the file adds {created} and does not name {balances}. apply never renames a key: {created} will be {new}, and {old} {fate}. If this is a rename, run {how} first, then apply.",
        rename.account
    )
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
    };
    format!("{}: {why}", v.code)
}

/// Usage as a table with a bar per row, scaled to the busiest row.
fn usage_chart(report: &UsageReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Lookups on key {} ({}) from {} to {}: {}",
        report.name, report.key_id, report.from, report.to, report.total
    )?;
    let (first, rows) = match (&report.days, &report.ips) {
        (Some(days), _) => ("DAY", day_rows(days)),
        (_, Some(ips)) => (
            "CLIENT IP",
            ips.iter()
                .map(|r| {
                    let label = match (&r.ip, r.redacted) {
                        (Some(ip), _) => ip.clone(),
                        (None, true) => "(redacted)".to_owned(),
                        (None, false) => "(none)".to_owned(),
                    };
                    (label, Some(r.lookups))
                })
                .collect(),
        ),
        _ => ("", Vec::new()),
    };
    if report.total == 0 || rows.is_empty() {
        return writeln!(out, "No lookups in this period.");
    }
    let max = rows.iter().filter_map(|r| r.1).max().unwrap_or(0);
    let mut table = new_table(color);
    table.set_header(header([first, "LOOKUPS", ""], color));
    for (label, n) in rows {
        table.add_row(match n {
            Some(n) => vec![Cell::new(label), Cell::new(n), Cell::new(bar(n, max, 30))],
            None => vec![Cell::new(label), Cell::new(""), Cell::new("")],
        });
    }
    writeln!(out, "{table}")
}

/// The rows a person reads of a per-day report: from the first day with
/// lookups on, with every run of three or more idle days as one line (the
/// JSON keeps every day).
fn day_rows(days: &[crate::usage::DayRow]) -> Vec<(String, Option<u64>)> {
    let Some(start) = days.iter().position(|d| d.lookups > 0) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut idle: Vec<&crate::usage::DayRow> = Vec::new();
    let flush = |idle: &mut Vec<&crate::usage::DayRow>, rows: &mut Vec<(String, Option<u64>)>| {
        if idle.len() >= 3 {
            let (from, to) = (&idle[0].day, &idle[idle.len() - 1].day);
            rows.push((format!("{from} to {to}: {} idle days", idle.len()), None));
        } else {
            rows.extend(idle.iter().map(|d| (d.day.clone(), Some(0))));
        }
        idle.clear();
    };
    for day in &days[start..] {
        if day.lookups == 0 {
            idle.push(day);
        } else {
            flush(&mut idle, &mut rows);
            rows.push((day.day.clone(), Some(day.lookups)));
        }
    }
    flush(&mut idle, &mut rows);
    rows
}

/// A horizontal bar of `width` cells at most, in eighths of a cell.
fn bar(value: u64, max: u64, width: u64) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if max == 0 {
        return String::new();
    }
    let eighths = (u128::from(value) * u128::from(width) * 8 / u128::from(max)) as u64;
    let mut s = "█".repeat((eighths / 8) as usize);
    if !eighths.is_multiple_of(8) {
        s.push(EIGHTHS[(eighths % 8) as usize]);
    }
    if s.is_empty() && value > 0 {
        s.push('▏');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 16, 2), "▌".replace('▌', "▏"));
        assert_eq!(bar(0, 10, 4), "");
        assert_eq!(bar(1, 1000, 4), "▏", "a non-zero value is visible");
    }
}
