//! Dynamic completion: key and account names from the store, for shells
//! that registered with `apikey completions SHELL --dynamic`. The shell runs
//! `_APIKEY_COMPLETE=SHELL apikey -- WORDS…`; the store and account are the
//! ones the line being completed names (`--db`, `--config`, `-a`), else the
//! environment's and the config file's, as for the command itself. The
//! store is opened read-only: completion never creates, migrates or
//! repairs it, and any failure just means no candidates.

use std::ffi::{OsStr, OsString};
use std::sync::OnceLock;

use clap_complete::engine::CompletionCandidate;

use super::args::GlobalArgs;
use super::context::Context;
use crate::store::Access;

/// The variable that turns a run of apikey into a completion request. It
/// is apikey's own: a `COMPLETE` some other tool set must not take over a
/// command (a `verify` that printed a script would exit 0, "valid").
pub const VAR: &str = "_APIKEY_COMPLETE";

/// What the line being completed says, remembered for the completers
/// (which clap calls without arguments).
#[derive(Debug, Default, PartialEq, Eq)]
struct Line {
    db: Option<OsString>,
    config: Option<OsString>,
    account: Option<OsString>,
    shell: Option<OsString>,
}

static LINE: OnceLock<Line> = OnceLock::new();

/// Whether this run is a shell's completion request: [`VAR`] is set and
/// the arguments are the shell's words after `--`, as the registration
/// scripts pass them. Anything else is an ordinary command, whatever the
/// environment holds.
pub fn is_request(args: &[OsString]) -> bool {
    std::env::var_os(VAR).is_some_and(|v| !v.is_empty() && v != "0")
        && args.get(1).is_some_and(|a| a == "--")
}

/// Remembers the global options typed on the line being completed (the
/// words after `--`), skipping the word under the cursor, which is still
/// being typed.
pub fn remember_line(args: &[OsString]) {
    let words = args.get(2..).unwrap_or_default();
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1));
    let mut line = parse_line(words, cursor);
    line.shell = std::env::var_os(VAR);
    let _ = LINE.set(line);
}

/// The global options whose values completion needs.
#[derive(Clone, Copy)]
enum Global {
    Db,
    Config,
    Account,
}

impl Global {
    /// The option a flag names (`--db`, `--config`, `--account`, `-a`).
    fn named(flag: &str) -> Option<Global> {
        match flag {
            "--db" => Some(Global::Db),
            "--config" => Some(Global::Config),
            "--account" | "-a" => Some(Global::Account),
            _ => None,
        }
    }
}

fn parse_line(words: &[OsString], cursor: usize) -> Line {
    let mut line = Line::default();
    let mut i = 1;
    while i < words.len() {
        let word = words[i].to_string_lossy();
        if word == "--" {
            break;
        }
        let next = (i + 1 < words.len() && i + 1 != cursor).then(|| words[i + 1].clone());
        // `--db=PATH`, `-a=acme` and `-aacme` carry their value; `--db PATH`
        // and `-a acme` take the next word.
        let (option, value, used) = if i == cursor {
            (None, None, 1)
        } else if let Some((flag, value)) = word.split_once('=')
            && Global::named(flag).is_some()
        {
            (Global::named(flag), Some(OsString::from(value)), 1)
        } else if let Some(value) = word.strip_prefix("-a").filter(|v| !v.is_empty())
            && !word.starts_with("--")
        {
            (Some(Global::Account), Some(OsString::from(value)), 1)
        } else {
            match Global::named(&word) {
                Some(option) => (Some(option), next, 2),
                None => (None, None, 1),
            }
        };
        match (option, value) {
            (Some(Global::Db), Some(v)) => line.db = Some(v),
            (Some(Global::Config), Some(v)) => line.config = Some(v),
            (Some(Global::Account), Some(v)) => line.account = Some(v),
            _ => {}
        }
        i += used;
    }
    line
}

fn context() -> Option<Context> {
    // What the line does not say, the environment and the config file do,
    // as for the command itself.
    let line = LINE.get_or_init(Line::default);
    let global = GlobalArgs {
        db: line.db.clone().map(Into::into),
        config: line.config.clone().map(Into::into),
        account: line
            .account
            .as_ref()
            .map(|v| v.to_string_lossy().into_owned()),
        json: false,
        yes: false,
        quiet: false,
        color: None,
    };
    Context::new(&global).ok()
}

/// A name as the shell should insert it: bash inserts candidates as they
/// are, so a space is escaped there; the other shells quote for themselves.
fn for_shell(name: &str) -> String {
    let bash = LINE
        .get()
        .and_then(|l| l.shell.as_deref())
        .is_some_and(|s| s == OsStr::new("bash"));
    if bash {
        name.replace(' ', "\\ ")
    } else {
        name.to_owned()
    }
}

/// The account's active keys: names, with id and balance as help.
pub fn keys() -> Vec<CompletionCandidate> {
    let Some(mut ctx) = context() else {
        return Vec::new();
    };
    let Ok(account) = ctx.account() else {
        return Vec::new();
    };
    let Ok(store) = ctx.store(Access::Read) else {
        return Vec::new();
    };
    store
        .keys(&account, false)
        .unwrap_or_default()
        .into_iter()
        .map(|k| {
            CompletionCandidate::new(for_shell(k.name.as_str()))
                .help(Some(format!("{}, balance {}", k.id, k.balance).into()))
        })
        .collect()
}

/// Every account's name, with its active key count as help.
pub fn accounts() -> Vec<CompletionCandidate> {
    let Some(mut ctx) = context() else {
        return Vec::new();
    };
    let Ok(store) = ctx.store(Access::Read) else {
        return Vec::new();
    };
    store
        .accounts()
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let keys = super::output::count(
                usize::try_from(a.active_keys).unwrap_or(usize::MAX),
                "active key",
            );
            CompletionCandidate::new(a.name).help(Some(keys.into()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str], cursor: usize) -> Line {
        let words: Vec<OsString> = words.iter().map(OsString::from).collect();
        parse_line(&words, cursor)
    }

    #[test]
    fn reads_the_global_options_typed_on_the_line() {
        let l = line(&["apikey", "-a", "acme", "show", ""], 4);
        assert_eq!(l.account.as_deref(), Some(OsStr::new("acme")));
        let l = line(&["apikey", "--db=/x.db", "--account=b", "show", "w"], 4);
        assert_eq!(l.db.as_deref(), Some(OsStr::new("/x.db")));
        assert_eq!(l.account.as_deref(), Some(OsStr::new("b")));
        let l = line(&["apikey", "-ac", "--config", "/c.toml", "show", ""], 5);
        assert_eq!(l.account.as_deref(), Some(OsStr::new("c")));
        assert_eq!(l.config.as_deref(), Some(OsStr::new("/c.toml")));
        let l = line(&["apikey", "-a=acme", "show", ""], 3);
        assert_eq!(l.account.as_deref(), Some(OsStr::new("acme")));
    }

    #[test]
    fn the_word_being_typed_is_not_a_value() {
        // `apikey -a ac<TAB>`: "ac" is what is being completed.
        assert_eq!(line(&["apikey", "-a", "ac"], 2), Line::default());
        assert_eq!(line(&["apikey", "--db", "/pa"], 2), Line::default());
        // Words after the cursor still count.
        let l = line(&["apikey", "show", "", "-a", "acme"], 2);
        assert_eq!(l.account.as_deref(), Some(OsStr::new("acme")));
    }
}
