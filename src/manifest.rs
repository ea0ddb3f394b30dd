//! Manifests for `apikey apply`: the TOML file a CI pipeline keeps in git.
//! Parsing checks the file's own rules before anything is read from the
//! store: known fields only, valid values, unique names, at most 10 keys per
//! account. Every error names the file, line and column.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::account::AccountName;
use crate::clock::{self, Timestamp};
use crate::error::{Error, Result};
use crate::key::{KeyName, MAX_ACTIVE_KEYS};
use crate::notify::{self, Email, NotifySettings};
use crate::security::{
    self, DEFAULT_REDACT_DAYS, IpRule, MAX_IPS, MAX_LIMIT, MAX_SCOPES, MAX_URLS, Scope,
    SecuritySettings, UrlPattern,
};

/// A validated manifest: what the named accounts' keys should be.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The file it came from, for messages.
    pub origin: PathBuf,
    /// The accounts, in file order.
    pub accounts: Vec<AccountSpec>,
}

/// One `[[account]]`.
#[derive(Clone, Debug)]
pub struct AccountSpec {
    /// Its name.
    pub name: AccountName,
    /// Its keys, in file order.
    pub keys: Vec<KeySpecEntry>,
}

/// One `[[account.key]]`: the whole desired state of a key but its balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpecEntry {
    /// Its name.
    pub name: KeyName,
    /// Security settings (absent fields take their defaults).
    pub security: SecuritySettings,
    /// When it expires; absent means never.
    pub expires_at: Option<Timestamp>,
    /// Notification list and threshold.
    pub notify: NotifySettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    account: Vec<Spanned<RawAccount>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    name: Spanned<String>,
    #[serde(default)]
    key: Vec<Spanned<RawKey>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    name: Spanned<String>,
    #[serde(default)]
    allowed_urls: Vec<Spanned<String>>,
    #[serde(default)]
    allowed_ips: Vec<Spanned<String>>,
    daily_limit: Option<Spanned<i64>>,
    monthly_limit: Option<Spanned<i64>>,
    ip_daily_limit: Option<Spanned<i64>>,
    #[serde(default)]
    scopes: Vec<Spanned<String>>,
    expires: Option<Spanned<RawWhen>>,
    redact_days: Option<Spanned<i64>>,
    #[serde(default)]
    notify: Vec<Spanned<String>>,
    low_balance: Option<Spanned<i64>>,
}

/// `expires` as a string or a TOML date/time.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawWhen {
    Text(String),
    Date(toml::value::Datetime),
}

/// Turns errors from the value checkers into `file:line:col: message`.
struct Locator<'a> {
    origin: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: Range<usize>, message: impl std::fmt::Display) -> Error {
        Error::Invalid(format!(
            "{}: {message}",
            crate::text::position(self.origin, self.text, Some(span))
        ))
    }

    fn check<T>(&self, span: Range<usize>, result: Result<T>) -> Result<T> {
        result.map_err(|e| self.at(span, e))
    }

    fn limit(&self, what: &str, value: Option<&Spanned<i64>>) -> Result<Option<u64>> {
        let Some(v) = value else { return Ok(None) };
        match u64::try_from(*v.get_ref()) {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Some(n)),
            _ => Err(self.at(
                v.span(),
                format!(
                    "invalid {what} {}: use a whole number from 1 to {MAX_LIMIT}, or leave it out",
                    v.get_ref()
                ),
            )),
        }
    }

    fn list<T: PartialEq>(
        &self,
        items: &[Spanned<String>],
        parse: impl Fn(&str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for item in items {
            let value = self.check(item.span(), parse(item.get_ref()))?;
            if !out.contains(&value) {
                out.push(value);
            }
        }
        Ok(out)
    }
}

impl Manifest {
    /// Reads and validates a manifest file.
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Invalid(format!(
                "cannot read manifest {}: {}",
                path.display(),
                e.kind().to_string().to_lowercase()
            ))
        })?;
        Manifest::parse(&text, path)
    }

    /// Validates manifest text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Manifest> {
        let at = Locator { origin, text };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            Error::Invalid(format!(
                "{}: {}",
                crate::text::position(origin, text, e.span()),
                e.message().split_whitespace().collect::<Vec<_>>().join(" ")
            ))
        })?;
        let mut accounts = Vec::new();
        let mut account_names = HashSet::new();
        for raw_account in raw.account {
            let raw_account = raw_account.into_inner();
            let name_span = raw_account.name.span();
            let name = at.check(
                name_span.clone(),
                AccountName::parse(raw_account.name.get_ref()),
            )?;
            if !account_names.insert(name.clone()) {
                return Err(at.at(name_span, format!("account '{name}' appears twice")));
            }
            if raw_account.key.len() > MAX_ACTIVE_KEYS {
                let eleventh = raw_account.key[MAX_ACTIVE_KEYS].span();
                return Err(at.at(
                    eleventh,
                    format!(
                        "account '{name}' has {} keys: an account holds at most {MAX_ACTIVE_KEYS}",
                        raw_account.key.len()
                    ),
                ));
            }
            let mut keys = Vec::new();
            let mut key_names = HashSet::new();
            for raw_key in raw_account.key {
                let key = parse_key(&at, raw_key.get_ref())?;
                if !key_names.insert(key.0.name.clone()) {
                    return Err(at.at(
                        key.1,
                        format!("key '{}' appears twice in account '{name}'", key.0.name),
                    ));
                }
                keys.push(key.0);
            }
            accounts.push(AccountSpec { name, keys });
        }
        Ok(Manifest {
            origin: origin.to_path_buf(),
            accounts,
        })
    }

    /// How many keys the manifest names in all.
    pub fn key_count(&self) -> usize {
        self.accounts.iter().map(|a| a.keys.len()).sum()
    }
}

/// One key's entry, with the span of its name for duplicate errors.
fn parse_key(at: &Locator<'_>, raw: &RawKey) -> Result<(KeySpecEntry, Range<usize>)> {
    let name_span = raw.name.span();
    let name = at.check(name_span.clone(), KeyName::parse(raw.name.get_ref()))?;
    let redact_days = match &raw.redact_days {
        None => DEFAULT_REDACT_DAYS,
        Some(v) => at.check(
            v.span(),
            security::parse_redact_days(&v.get_ref().to_string()),
        )?,
    };
    let security = SecuritySettings {
        allowed_urls: at.list(&raw.allowed_urls, UrlPattern::parse)?,
        allowed_ips: at.list(&raw.allowed_ips, IpRule::parse)?,
        daily_limit: at.limit("daily_limit", raw.daily_limit.as_ref())?,
        monthly_limit: at.limit("monthly_limit", raw.monthly_limit.as_ref())?,
        ip_daily_limit: at.limit("ip_daily_limit", raw.ip_daily_limit.as_ref())?,
        scopes: at.list(&raw.scopes, Scope::parse)?,
        redact_days,
    };
    for (items, max, what) in [
        (&raw.allowed_urls, MAX_URLS, "allowed URLs"),
        (&raw.allowed_ips, MAX_IPS, "allowed IPs"),
        (&raw.scopes, MAX_SCOPES, "scopes"),
    ] {
        if let Some(extra) = items.get(max) {
            return Err(at.at(
                extra.span(),
                format!(
                    "a key can have at most {max} {what} (this one is number {})",
                    max + 1
                ),
            ));
        }
    }
    at.check(name_span.clone(), security.check())?;
    let expires_at = match &raw.expires {
        None => None,
        Some(v) => {
            let text = match v.get_ref() {
                RawWhen::Text(t) => t.clone(),
                RawWhen::Date(d) => d.to_string(),
            };
            if text == "never" {
                None
            } else {
                // Only absolute times: a duration would move on every run,
                // and applying the same file twice must change nothing.
                Some(at.check(v.span(), clock::parse_instant(&text))?)
            }
        }
    };
    let mut emails = Vec::new();
    for item in &raw.notify {
        let email = at.check(item.span(), Email::parse(item.get_ref()))?;
        at.check(item.span(), notify::add_emails(&mut emails, &[email]))?;
    }
    let notify = NotifySettings {
        emails,
        low_balance: at.limit("low_balance", raw.low_balance.as_ref())?,
    };
    Ok((
        KeySpecEntry {
            name,
            security,
            expires_at,
            notify,
        },
        name_span,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest> {
        Manifest::parse(text, Path::new("m.toml"))
    }

    const EXAMPLE: &str = r#"
[[account]]
name = "acme"

[[account.key]]
name = "web"
allowed_urls = ["https://shop.acme.example"]
allowed_ips = []
daily_limit = 1000
monthly_limit = 20000
ip_daily_limit = 50
scopes = ["lookup"]
expires = "2027-06-30"
notify = ["ops@acme.example"]
low_balance = 100
"#;

    #[test]
    fn the_contract_example_parses() {
        let m = parse(EXAMPLE).unwrap();
        assert_eq!(m.accounts.len(), 1);
        let key = &m.accounts[0].keys[0];
        assert_eq!(key.name.as_str(), "web");
        assert_eq!(key.security.daily_limit, Some(1000));
        assert_eq!(key.expires_at.unwrap().to_string(), "2027-06-30T00:00:00Z");
        assert_eq!(key.notify.low_balance, Some(100));
        assert_eq!(key.security.redact_days, 28);
    }

    #[test]
    fn toml_dates_work_too() {
        let m = parse(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nexpires = 2027-06-30\n",
        )
        .unwrap();
        assert!(m.accounts[0].keys[0].expires_at.is_some());
    }

    fn error(text: &str) -> String {
        let e = parse(text).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        e.to_string()
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let e = error("[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\ndaily_limt = 5\n");
        assert!(e.starts_with("m.toml:5:1: "), "{e}");
        let e = error(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nallowed_ips = [\"10.0.0.0/8\", \"10.0.0.0/33\"]\n",
        );
        assert!(e.starts_with("m.toml:5:30: invalid allowed IP"), "{e}");
        let e =
            error("[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\ndaily_limit = -5\n");
        assert!(e.starts_with("m.toml:5:15: invalid daily_limit -5"), "{e}");
        let e =
            error("[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nexpires = \"30d\"\n");
        assert!(e.starts_with("m.toml:5:11: invalid time"), "{e}");
        let e = error(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nnotify = [\"not-an-address\"]\n",
        );
        assert!(e.contains("m.toml:5:11: invalid email"), "{e}");
        let e = error("[[account]]\nname = \"has space\"\n");
        assert!(e.starts_with("m.toml:2:8: "), "{e}");
    }

    #[test]
    fn duplicates_and_the_key_limit() {
        let e = error("[[account]]\nname = \"a\"\n[[account]]\nname = \"a\"\n");
        assert!(
            e.starts_with("m.toml:4:8: account 'a' appears twice"),
            "{e}"
        );
        let e = error(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\n[[account.key]]\nname = \"k\"\n",
        );
        assert!(e.starts_with("m.toml:6:8: key 'k' appears twice"), "{e}");
        let mut text = String::from("[[account]]\nname = \"a\"\n");
        for i in 0..11 {
            text.push_str(&format!("[[account.key]]\nname = \"k{i}\"\n"));
        }
        let e = error(&text);
        assert!(
            e.contains("has 11 keys: an account holds at most 10"),
            "{e}"
        );
        assert!(e.starts_with("m.toml:23:1: "), "{e}");
    }

    #[test]
    fn list_bounds() {
        let urls: Vec<String> = (0..11)
            .map(|i| format!("\"https://h{i}.example\""))
            .collect();
        let e = error(&format!(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nallowed_urls = [{}]\n",
            urls.join(", ")
        ));
        assert!(e.contains("at most 10 allowed URLs"), "{e}");
        let mails: Vec<String> = (0..6).map(|i| format!("\"m{i}@x.io\"")).collect();
        let e = error(&format!(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nnotify = [{}]\n",
            mails.join(", ")
        ));
        assert!(e.contains("at most 5 notification addresses"), "{e}");
    }
}
