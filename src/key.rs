//! Keys as the domain knows them: the stable id, the per-account name, the
//! status, and the three ways a user can point at one (id, name, secret).

use std::fmt;

use serde::Serialize;

use crate::account::AccountPk;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::notify::event::Raised;
use crate::notify::{MAX_EMAILS, NotifySettings};
use crate::rate::RateState;
use crate::secret::{self, Secret};
use crate::security::{SecuritySettings, StoredProblem};
use crate::verify::Counters;

/// At most this many active (not revoked) keys per account: rule 1.
pub const MAX_ACTIVE_KEYS: usize = 10;

const ID_PREFIX: &str = "k_";
const ID_RANDOM_LEN: usize = 8;

/// A key's short, stable, non-secret identifier, e.g. `k_7Hq2mZ9d`; it
/// survives `regenerate`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct KeyId(String);

impl KeyId {
    /// A fresh random id (47 bits; the store retries on the rare collision).
    pub fn generate() -> Result<KeyId> {
        let mut id = String::from(ID_PREFIX);
        secret::random_base62(ID_RANDOM_LEN, &mut id)?;
        Ok(KeyId(id))
    }

    /// Accepts text shaped like an id; whether such a key exists is the store's business.
    pub fn parse(text: &str) -> Option<KeyId> {
        let body = text.strip_prefix(ID_PREFIX)?;
        (body.len() == ID_RANDOM_LEN && body.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| KeyId(text.to_owned()))
    }

    /// Wraps an id read back from the store.
    pub(crate) fn from_store(text: String) -> KeyId {
        KeyId(text)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a key or account name: 1 to 32 characters of ASCII letters,
/// digits, `-`, `_`, `.`, and (when `spaces`) spaces inside the name. Names
/// end up in terminals and manifests, so nothing else is let in.
pub(crate) fn check_name(what: &str, text: &str, spaces: bool) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c) || (spaces && c == ' ');
    let shown = crate::text::quoted(text);
    if text.is_empty() {
        return Err(Error::invalid(format!("{what} name must not be empty")));
    }
    // A name shaped like a secret could not be told from one (`show ak_…`
    // means the secret), and a pasted secret must not be stored as a name
    // nor echoed in an error.
    if text.starts_with(crate::secret::PREFIX) {
        return Err(Error::invalid(format!(
            "{what} name must not start with '{}', the prefix of keys",
            crate::secret::PREFIX
        )));
    }
    if crate::secret::is_bare_body(text) {
        return Err(Error::invalid(format!(
            "{what} name '{shown}' has the shape of a key's secret without its '{}' prefix: \
             choose another name, and regenerate that key if it is one",
            crate::secret::PREFIX
        )));
    }
    if text.chars().count() > 32 {
        return Err(Error::invalid(format!(
            "{what} name '{shown}' is too long: at most 32 characters"
        )));
    }
    if let Some(bad) = text.chars().find(|&c| !allowed(c)) {
        let set = if spaces {
            "letters, digits, spaces, '-', '_' and '.'"
        } else {
            "letters, digits, '-', '_' and '.'"
        };
        return Err(Error::invalid(format!(
            "{what} name '{shown}' has '{}': use only {set}",
            crate::text::printable(&bad.to_string())
        )));
    }
    Ok(())
}

/// A key's name, unique among its account's active keys (rule 3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct KeyName(String);

impl KeyName {
    /// Validates a name given by a user or a manifest.
    pub fn parse(text: &str) -> Result<KeyName> {
        check_name("key", text, true)?;
        // An id-shaped name would be shadowed by the key that has that id.
        if KeyId::parse(text).is_some() {
            return Err(Error::invalid(format!(
                "key name '{text}' has the shape of a key id ({ID_PREFIX} and {ID_RANDOM_LEN} letters or digits): choose another name"
            )));
        }
        Ok(KeyName(text.to_owned()))
    }

    /// Validates the name of a key about to be created: [`KeyName::parse`],
    /// and no space at either end, since `show " web"` and `show web`
    /// naming different keys helps nobody. (Looking a key up takes any name
    /// `parse` takes.)
    pub fn new_name(text: &str) -> Result<KeyName> {
        let name = KeyName::parse(text)?;
        if text.starts_with(' ') || text.ends_with(' ') {
            return Err(Error::invalid(format!(
                "key name '{text}' starts or ends with a space: a key is easier to name without"
            )));
        }
        Ok(name)
    }

    /// `key-N` with the lowest N not used by one of `taken`.
    pub fn first_free<'a>(taken: impl IntoIterator<Item = &'a str>) -> KeyName {
        let used: std::collections::HashSet<u64> = taken
            .into_iter()
            .filter_map(|n| n.strip_prefix("key-")?.parse().ok())
            .collect();
        let n = (1..=used.len() as u64 + 1)
            .find(|n| !used.contains(n))
            .unwrap_or(1);
        KeyName(format!("key-{n}"))
    }

    /// Wraps a name read back from the store.
    pub(crate) fn from_store(text: String) -> KeyName {
        KeyName(text)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a key can still be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyStatus {
    /// Verifies (subject to its settings and balance).
    Active,
    /// Permanently disabled (rule 4).
    Revoked,
    /// Past its `expires_at`; still counts toward the account's active keys.
    Expired,
    /// Paused by `suspend` until `resume`: keeps its secret, balance and
    /// settings, and still counts toward the account's active keys.
    Suspended,
}

impl KeyStatus {
    /// The status of a key with these times, at `now`, in the order
    /// verification checks them: revoked, expired, suspended.
    pub fn at(
        revoked_at: Option<Timestamp>,
        expires_at: Option<Timestamp>,
        suspended_at: Option<Timestamp>,
        now: Timestamp,
    ) -> KeyStatus {
        if revoked_at.is_some() {
            KeyStatus::Revoked
        } else if expires_at.is_some_and(|e| e <= now) {
            KeyStatus::Expired
        } else if suspended_at.is_some() {
            KeyStatus::Suspended
        } else {
            KeyStatus::Active
        }
    }

    /// The lowercase word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Revoked => "revoked",
            KeyStatus::Expired => "expired",
            KeyStatus::Suspended => "suspended",
        }
    }
}

/// The store's row id of a key; never shown to users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyPk(pub(crate) i64);

/// A key as the store holds it. Serializes to the contract's key JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Key {
    #[serde(skip)]
    pub(crate) pk: KeyPk,
    #[serde(skip)]
    pub(crate) account_pk: AccountPk,
    /// The stable id.
    pub id: KeyId,
    /// The owning account's name.
    pub account: String,
    /// Unique among the account's active keys.
    pub name: KeyName,
    /// `ak_…` + the last 4 characters of the current secret.
    pub hint: String,
    /// Active, revoked or expired, as of when it was read.
    pub status: KeyStatus,
    /// Lookups remaining, without what lapsed by the time it was read.
    pub balance: i64,
    /// The purchase batches holding the balance, settled as of the read.
    pub batches: crate::balance::batches::Batches,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops verifying, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// When it was suspended, while it is.
    pub suspended_at: Option<Timestamp>,
    /// The last successful verification.
    pub last_used_at: Option<Timestamp>,
    /// Who may use it and how much.
    pub security: SecuritySettings,
    /// Who hears about it.
    pub notify: NotifySettings,
    /// Its automatic top-up, if it has one.
    pub auto_topup: Option<crate::balance::AutoTopup>,
    /// The UTC day of its last automatic top-up, and how many it made that
    /// day.
    #[serde(skip)]
    pub(crate) auto_fired: (i64, u32),
    /// Quota used in the current day and month buckets.
    #[serde(skip)]
    pub(crate) counters: Counters,
    /// Which once-a-period notification events it has raised.
    #[serde(skip)]
    pub(crate) raised: Raised,
    /// Its recent accepted requests, for its rate limits.
    #[serde(skip)]
    pub(crate) rate: RateState,
}

impl Key {
    /// "web (k_7Hq2mZ9d)", how messages name a key.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.id)
    }

    /// Lookups spent today (UTC), as of `now`.
    pub fn usage_today(&self, now: Timestamp) -> u64 {
        self.counters.today(now)
    }

    /// What the key's stored lists hold that the rules no longer admit.
    pub fn stored_problems(&self) -> Vec<StoredProblem> {
        let mut found = self.security.stored_problems();
        let emails = self.notify.emails.len();
        if emails > MAX_EMAILS {
            found.push(StoredProblem::too_long(
                "notify",
                "notification addresses",
                emails,
                MAX_EMAILS,
            ));
        }
        for email in &self.notify.emails {
            if email.at_ip_address() {
                found.push(StoredProblem {
                    field: "notify",
                    problem: format!(
                        "the address {email} is at an IP address, which apikey no longer accepts: mail to it is still sent; replace it with an address at a host name"
                    ),
                });
            }
        }
        found
    }
}

/// How a user pointed at a key on the command line.
#[derive(Debug)]
pub enum KeyRef {
    /// Text shaped like a key id; if no key has that id, it is tried as a name.
    Id(KeyId),
    /// A name within the account.
    Name(KeyName),
    /// The secret itself.
    Secret(Secret),
}

impl KeyRef {
    /// Sorts what the user typed into id, secret or name. A string that looks
    /// like a secret but fails its checks is invalid input.
    pub fn parse(text: &str) -> Result<KeyRef> {
        if text.starts_with(secret::PREFIX) {
            return Secret::parse(text).map(KeyRef::Secret).map_err(|why| {
                Error::invalid(format!(
                    "'{}' is not a well-formed key: {why}",
                    crate::text::printable(&crate::text::secret_head(text))
                ))
            });
        }
        if let Some(id) = KeyId::parse(text) {
            return Ok(KeyRef::Id(id));
        }
        if secret::is_bare_body(text) {
            return Err(Error::invalid(format!(
                "'{}' has the shape of a key's secret without its '{}' prefix: pass the whole key",
                crate::text::quoted(text),
                secret::PREFIX
            )));
        }
        KeyName::parse(text).map(KeyRef::Name).map_err(|_| {
            Error::invalid(format!(
                "'{}' is not a key id, key name or key",
                crate::text::quoted(text)
            ))
        })
    }

    /// How error messages show this reference; a secret appears only as its hint.
    pub fn shown(&self) -> String {
        match self {
            KeyRef::Id(id) => id.to_string(),
            KeyRef::Name(name) => name.to_string(),
            KeyRef::Secret(s) => s.hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_pass_for_ids_or_secret_bodies() {
        let secret = Secret::generate().unwrap();
        let body = &secret.expose()[3..];
        for bad in ["k_mHPr2smU", body] {
            assert!(KeyName::parse(bad).is_err(), "{bad}");
        }
        assert!(crate::account::AccountName::parse(body).is_err());
        assert!(KeyName::parse("k_short").is_ok());
        let err = KeyRef::parse(body).unwrap_err().to_string();
        assert!(!err.contains(&body[3..]), "{err}");
    }

    #[test]
    fn names_follow_rule_3() {
        for good in ["web", "a", "my key-2_x.y", &"x".repeat(32)] {
            assert!(KeyName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            &"x".repeat(33),
            "a/b",
            "tab\there",
            "é",
            "\u{1b}[31m",
            "a;DROP",
        ] {
            assert!(KeyName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn new_names_have_no_space_at_either_end_and_no_key_prefix() {
        assert!(KeyName::new_name("my key").is_ok());
        for bad in [" web", "web ", " "] {
            assert!(KeyName::new_name(bad).is_err(), "{bad:?}");
            assert!(
                KeyName::parse(bad).is_ok(),
                "{bad:?} can still be looked up"
            );
        }
        assert!(KeyName::parse("ak_web").is_err());
    }

    #[test]
    fn default_names_take_the_lowest_free_number() {
        assert_eq!(KeyName::first_free([]).as_str(), "key-1");
        assert_eq!(
            KeyName::first_free(["key-1", "key-3", "web"]).as_str(),
            "key-2"
        );
        assert_eq!(KeyName::first_free(["key-2"]).as_str(), "key-1");
    }

    #[test]
    fn ids_have_a_fixed_shape() {
        let id = KeyId::generate().unwrap();
        assert_eq!(KeyId::parse(id.as_str()), Some(id.clone()));
        assert!(KeyId::parse("k_short").is_none());
        assert!(KeyId::parse("x_12345678").is_none());
    }

    #[test]
    fn key_refs() {
        assert!(matches!(
            KeyRef::parse("k_7Hq2mZ9d").unwrap(),
            KeyRef::Id(_)
        ));
        assert!(matches!(KeyRef::parse("web").unwrap(), KeyRef::Name(_)));
        let s = Secret::generate().unwrap();
        assert!(matches!(
            KeyRef::parse(s.expose()).unwrap(),
            KeyRef::Secret(_)
        ));
        let err = KeyRef::parse("ak_notakey1234567890")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a well-formed key"), "{err}");
        assert!(!err.contains("1234567890"), "{err}");
    }

    #[test]
    fn status_is_derived_from_times() {
        let now = Timestamp::from_unix(1000);
        assert_eq!(KeyStatus::at(None, None, None, now), KeyStatus::Active);
        assert_eq!(
            KeyStatus::at(None, Some(Timestamp::from_unix(1000)), Some(now), now),
            KeyStatus::Expired
        );
        assert_eq!(
            KeyStatus::at(Some(now), Some(Timestamp::from_unix(5)), Some(now), now),
            KeyStatus::Revoked
        );
        assert_eq!(
            KeyStatus::at(None, None, Some(now), now),
            KeyStatus::Suspended
        );
    }
}
