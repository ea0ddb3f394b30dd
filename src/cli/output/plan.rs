//! What `apply` did or would do: the plan as a diff for people, the JSON
//! for scripts, `account/name<TAB>secret` lines for `--quiet`, and the note
//! a plan owes its reader when an entry looks renamed.

use std::io::{self, Write};

use serde::Serialize;

use super::super::context::OutputMode;
use super::{count, write_json};
use crate::apply::{Applied, CreatedKey, PossibleRename};
use crate::text::printable;

/// The JSON of `apply`: what it did, and whether a dry run planned against
/// a store that does not exist yet.
#[derive(Serialize)]
struct AppliedJson<'a> {
    #[serde(flatten)]
    applied: &'a Applied,
    new_store: bool,
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
        writeln!(out, "No changes: the store matches {file}.")?;
        return print_stored_problems(applied, out);
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
            // serde_json escapes only C0 controls: DEL, C1 and bidi
            // controls in a stored entry must not reach a terminal raw.
            writeln!(
                out,
                "      {}: {} -> {}",
                change.field,
                printable(&change.from.to_string()),
                printable(&change.to.to_string())
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
    print_stored_problems(applied, out)?;
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

/// The stored entries the rules no longer admit, each with whether this
/// run replaces it: a key the file does not name keeps it.
fn print_stored_problems(applied: &Applied, out: &mut dyn Write) -> io::Result<()> {
    for p in &applied.stored_problems {
        let fate = match (p.replaced, applied.dry_run) {
            (true, true) => "this run replaces the list",
            (true, false) => "replaced by this run",
            (false, _) => {
                "the file does not name this key, so it stays: name the key in the file or change it with `apikey security`"
            }
        };
        writeln!(
            out,
            "\nNote: key {}/{} ({}), {}: {}; {fate}.",
            p.account,
            p.name,
            p.id,
            p.field,
            printable(&p.problem)
        )?;
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
