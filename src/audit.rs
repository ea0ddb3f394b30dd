//! The audit trail: every admin change, with when, which OS user, what, and
//! which key. Verifications are usage, not admin changes, and are not here.

use serde::Serialize;

use crate::clock::Timestamp;

/// The admin changes the trail records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// `account create`, or an account made by `apply`.
    AccountCreate,
    /// A new key.
    Create,
    /// A key permanently disabled.
    Revoke,
    /// A key paused.
    Suspend,
    /// A paused key working again.
    Resume,
    /// A new secret for an existing key.
    Regenerate,
    /// A key's name changed.
    Rename,
    /// Lookups added to a balance.
    Topup,
    /// What was left of a batch of lookups taken out when it lapsed.
    Expire,
    /// Lookups a verification added on its own (automatic top-up).
    AutoTopup,
    /// Automatic top-up set, changed or turned off (`autotopup`).
    #[serde(rename = "autotopup")]
    AutoTopupSet,
    /// Security settings changed.
    Security,
    /// Notification list or threshold changed.
    Notify,
    /// A failed notification event set to be delivered again.
    NotifyRetry,
    /// A notification event dropped unsent.
    NotifyDiscard,
}

impl Action {
    /// The word shown in `apikey log` and stored in the trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::AccountCreate => "account_create",
            Action::Create => "create",
            Action::Revoke => "revoke",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Regenerate => "regenerate",
            Action::Rename => "rename",
            Action::Topup => "topup",
            Action::Expire => "expire",
            Action::AutoTopup => "auto_topup",
            Action::AutoTopupSet => "autotopup",
            Action::Security => "security",
            Action::Notify => "notify",
            Action::NotifyRetry => "notify_retry",
            Action::NotifyDiscard => "notify_discard",
        }
    }

    /// Every action, for parsing rows read back.
    const ALL: [Action; 15] = [
        Action::AccountCreate,
        Action::Create,
        Action::Revoke,
        Action::Suspend,
        Action::Resume,
        Action::Regenerate,
        Action::Rename,
        Action::Topup,
        Action::Expire,
        Action::AutoTopup,
        Action::AutoTopupSet,
        Action::Security,
        Action::Notify,
        Action::NotifyRetry,
        Action::NotifyDiscard,
    ];

    /// The inverse of [`Action::as_str`], for rows read back.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One row of the trail as `apikey log` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    /// Increases with every change.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// The OS user who ran the command.
    pub user: String,
    /// What was done.
    pub action: Action,
    /// The account it was done in.
    pub account: String,
    /// The key, if the change was to one.
    pub key_id: Option<String>,
    /// The key's name at the time.
    pub key_name: Option<String>,
    /// Particulars, e.g. "+500, balance 600".
    pub detail: String,
}

/// The OS user running this process, for the audit trail: the login name
/// of the real uid in the system's user database (`/etc/passwd`), as `ls -l`
/// and `last` show it, else `uid N`. `$USER` is not consulted: anyone can
/// set it, and the trail says who really ran the command.
pub(crate) fn os_user() -> String {
    let uid = rustix::process::getuid().as_raw();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| login_name(&passwd, uid))
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// The name of `uid` in a passwd(5) file's text.
fn login_name(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty() && !name.starts_with('#'))
            .then(|| crate::text::printable(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            // The JSON of `log` says what its table says.
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
        assert_eq!(Action::parse("nope"), None);
    }

    #[test]
    fn login_names_come_from_the_passwd_file() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n# comment\nana:x:1000:1000::/home/ana:/bin/sh\nbad line\n";
        assert_eq!(login_name(passwd, 0).as_deref(), Some("root"));
        assert_eq!(login_name(passwd, 1000).as_deref(), Some("ana"));
        assert_eq!(login_name(passwd, 7), None);
    }
}
