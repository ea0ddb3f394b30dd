//! The command line's words around library errors. The library says what
//! went wrong in terms of its own calls; here, where errors become a line
//! on stderr and an exit code, each gets the `apikey` command, flag or
//! config key that fixes it.

use crate::error::{Error, NotAStore, Refusal};

/// The one line `apikey: …` prints for `error`.
pub(crate) fn message(error: &Error) -> String {
    let hint = match error {
        Error::Busy { path, timeout_ms } => {
            return format!(
                "store {} is locked by another process: try again, or raise busy_timeout_ms (now {timeout_ms}) in the config file",
                path.display()
            );
        }
        Error::OlderSchema { path, found, known } => {
            return format!(
                "store {} has schema version {found}, older than this apikey's {known}; read-only commands never change a store: upgrade it with `apikey store upgrade` (older apikey builds cannot open it afterwards)",
                path.display()
            );
        }
        Error::Refused(Refusal::EventBeingSent { id, pid, host }) => {
            return format!(
                "event {id} is being delivered right now by `notify send` (pid {pid} on {host}): try again when it is done"
            );
        }
        Error::Refused(refusal) => refusal_hint(refusal),
        Error::AccountNotFound(name) => {
            format!(": see `apikey account list`, or create it with `apikey account create {name}`")
        }
        Error::KeyNotFound { .. } => ": see `apikey list --all`".to_owned(),
        Error::EventNotFound(_) => ": see `apikey notify outbox --all`".to_owned(),
        Error::NoStore { reason, .. } => format!(
            "; check --db (or APIKEY_DB, or `db` in the config file){}",
            if reason == "is not a file" {
                ", which must name a file"
            } else {
                ", or make a store with `apikey create`"
            }
        ),
        Error::NotAStore {
            found: NotAStore::SymbolicLink,
            ..
        } => ": pass the real path of the store file (--db, APIKEY_DB or `db` in the config file)"
            .to_owned(),
        Error::NotAStore { .. } => ": check --db".to_owned(),
        Error::NotKept(cause) => {
            return format!(
                "{}; nothing was changed, so any key printed above does not work: run the command again",
                message(cause)
            );
        }
        _ => String::new(),
    };
    format!("{error}{hint}")
}

/// What to do about a refusal, from the command line.
fn refusal_hint(refusal: &Refusal) -> String {
    match refusal {
        Refusal::KeyLimit { .. } => ": revoke one first (`apikey revoke KEY`)",
        Refusal::ManifestKeyLimit { .. } => ": name its other keys in the file, or pass --prune",
        Refusal::NameTaken { .. } => ": choose another name",
        Refusal::ChangedSincePlan { .. } => ": run apply again",
        Refusal::EventPending { .. } => ": `apikey notify send` delivers it",
        _ => "",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_says_what_and_the_command_line_adds_how() {
        let e = Error::from(Refusal::KeyLimit {
            account: "acme".into(),
            limit: 10,
        });
        assert_eq!(e.to_string(), "account 'acme' already has 10 active keys");
        assert_eq!(
            message(&e),
            "account 'acme' already has 10 active keys: revoke one first (`apikey revoke KEY`)"
        );
        let busy = Error::Busy {
            path: "k.db".into(),
            timeout_ms: 10,
        };
        assert!(!busy.to_string().contains("config"));
        assert!(message(&busy).contains("busy_timeout_ms (now 10)"));
    }
}
