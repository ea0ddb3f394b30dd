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
use crate::balance::{AutoTopup, BatchExpiry};
use crate::clock::{self, Timestamp};
use crate::error::{Error, Result};
use crate::key::{KeyName, MAX_ACTIVE_KEYS};
use crate::notify::{self, Email, NotifySettings};
use crate::rate::RateLimit;
use crate::security::{
    self, DEFAULT_REDACT_DAYS, IpRule, MAX_IPS, MAX_LIMIT, MAX_SCOPES, MAX_URLS, Scope,
    SecuritySettings, UrlPattern,
};
use crate::text::Place;

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
    /// Where its name is written, for errors found against the store, such
    /// as the key limit.
    pub at: Place,
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
    /// Whether the key is suspended; absent means not.
    pub suspended: bool,
    /// Its automatic top-up; absent means off.
    pub auto_topup: Option<AutoTopup>,
    /// Where the entry is written, for errors found against the store.
    pub at: EntryPlace,
}

/// Where a key's entry is written: its name, and its `expires` (which can
/// only be checked against the clock, in the transaction that applies it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryPlace {
    /// The entry's `name`.
    pub name: Place,
    /// The entry's `expires`, when it has one.
    pub expires: Option<Place>,
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
    #[serde(default)]
    suspended: bool,
    #[serde(default)]
    rate_limits: Vec<Spanned<String>>,
    auto_topup: Option<Spanned<RawAutoTopup>>,
}

/// `auto_topup = { below = 100, amount = 5000, max_per_day = 1, expires = "12mo" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAutoTopup {
    below: i64,
    amount: i64,
    max_per_day: Option<i64>,
    expires: Option<String>,
}

/// `expires` as a string or a TOML date/time.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "expires must be a date or time, like \"2027-06-30\" or 2027-06-30T12:00:00Z, or \"never\""
)]
enum RawWhen {
    Text(String),
    Date(toml::value::Datetime),
}

/// Turns errors from the value checkers into `file:line:col: message`.
/// Spans are relative to the section being parsed, which starts at `base`
/// in the whole `text`.
struct Locator<'a> {
    origin: &'a Path,
    lines: &'a crate::text::Lines<'a>,
    base: usize,
}

impl Locator<'_> {
    fn at(&self, span: Range<usize>, message: impl std::fmt::Display) -> Error {
        Error::Invalid(format!(
            "{}:{}: {message}",
            self.origin.display(),
            self.place(span)
        ))
    }

    /// The line and column where a span of the section starts.
    fn place(&self, span: Range<usize>) -> Place {
        self.lines.place(span.start + self.base)
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
        let bytes = std::fs::read(path).map_err(|source| Error::Unreadable {
            what: "manifest",
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse_bytes(bytes, path)
    }

    /// Validates a manifest read as bytes: text that is not UTF-8 is bad
    /// input (exit 2), like any other manifest that is not valid.
    pub fn parse_bytes(bytes: Vec<u8>, origin: &Path) -> Result<Manifest> {
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::invalid(format!(
                "{}: the manifest is not UTF-8 text (byte {} is not)",
                origin.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        Manifest::parse(&text, origin)
    }

    /// Validates manifest text; `origin` names it in errors.
    ///
    /// A manifest that is a run of `[[account]]` sections is parsed one
    /// section at a time: the toml crate holds a whole document as a spanned
    /// tree some 60 times the size of the text, which for 100,000 keys was
    /// 200 MB. Anything else is parsed whole.
    pub fn parse(text: &str, origin: &Path) -> Result<Manifest> {
        let sections =
            account_sections(text).unwrap_or_else(|| std::iter::once(0..text.len()).collect());
        Manifest::parse_sections(text, origin, sections)
    }

    /// [`Manifest::parse`] without the split into sections: the reference
    /// the fuzzer holds the split against (both must agree on every input).
    #[doc(hidden)]
    pub fn parse_whole(text: &str, origin: &Path) -> Result<Manifest> {
        Manifest::parse_sections(text, origin, std::iter::once(0..text.len()).collect())
    }

    fn parse_sections(text: &str, origin: &Path, sections: Vec<Range<usize>>) -> Result<Manifest> {
        let mut accounts = Vec::new();
        let mut account_names = HashSet::new();
        let lines = crate::text::Lines::new(text);
        for section in sections {
            let at = Locator {
                origin,
                lines: &lines,
                base: section.start,
            };
            let raw: RawFile = toml::from_str(&text[section.clone()]).map_err(|e| {
                let place = match e.span() {
                    Some(span) => format!("{}:{}", origin.display(), at.place(span)),
                    None => origin.display().to_string(),
                };
                Error::Invalid(format!("{place}: {}", crate::text::toml_words(e.message())))
            })?;
            for raw_account in raw.account {
                let account = parse_account(&at, raw_account.get_ref())?;
                if !account_names.insert(account.0.name.clone()) {
                    return Err(at.at(
                        account.1,
                        format!("account '{}' appears twice", account.0.name),
                    ));
                }
                accounts.push(account.0);
            }
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

/// One `[[account]]` with its keys, and the span of its name.
fn parse_account(at: &Locator<'_>, raw: &RawAccount) -> Result<(AccountSpec, Range<usize>)> {
    let name_span = raw.name.span();
    let name = at.check(name_span.clone(), AccountName::parse(raw.name.get_ref()))?;
    if raw.key.len() > MAX_ACTIVE_KEYS {
        return Err(at.at(
            raw.key[MAX_ACTIVE_KEYS].span(),
            format!(
                "account '{name}' has {} keys: an account holds at most {MAX_ACTIVE_KEYS}",
                raw.key.len()
            ),
        ));
    }
    let mut keys = Vec::new();
    let mut key_names = HashSet::new();
    for raw_key in &raw.key {
        let key = parse_key(at, raw_key.get_ref())?;
        if !key_names.insert(key.0.name.clone()) {
            return Err(at.at(
                key.1,
                format!("key '{}' appears twice in account '{name}'", key.0.name),
            ));
        }
        keys.push(key.0);
    }
    let at_name = at.place(name_span.clone());
    Ok((
        AccountSpec {
            name,
            at: at_name,
            keys,
        },
        name_span,
    ))
}

/// The byte ranges of the manifest's top-level `[[account]]` sections, when
/// the document is nothing else (leading comments and blank lines aside);
/// `None` when it must be parsed whole. Uses toml's own lexer, so a header
/// inside a multi-line string is not mistaken for one.
fn account_sections(text: &str) -> Option<Vec<Range<usize>>> {
    use toml_parser::lexer::TokenKind as K;
    let source = toml_parser::Source::new(text);
    let mut starts = Vec::new();
    let mut line: Vec<toml_parser::lexer::Token> = Vec::new();
    for token in source.lex() {
        match token.kind() {
            K::Whitespace | K::Comment => {}
            K::Newline | K::Eof => {
                if let Some(first) = line.first() {
                    let raw = |i: usize| source.get(line[i].span()).map(|r| r.as_str());
                    let kinds: Vec<K> = line.iter().map(toml_parser::lexer::Token::kind).collect();
                    let header = kinds
                        == [
                            K::LeftSquareBracket,
                            K::LeftSquareBracket,
                            K::Atom,
                            K::RightSquareBracket,
                            K::RightSquareBracket,
                        ]
                        && raw(2) == Some("account")
                        && line[1].span().start() == line[0].span().end()
                        && line[4].span().start() == line[3].span().end();
                    if header {
                        starts.push(first.span().start());
                    } else if starts.is_empty() {
                        return None;
                    }
                }
                line.clear();
            }
            _ => line.push(token),
        }
    }
    if starts.is_empty() {
        return None;
    }
    let mut ends: Vec<usize> = starts[1..].to_vec();
    ends.push(text.len());
    Some(starts.into_iter().zip(ends).map(|(s, e)| s..e).collect())
}

/// A key's `rate_limits`, shortest window first; two for one window are
/// an error at the second.
fn rate_limits(at: &Locator<'_>, items: &[Spanned<String>]) -> Result<Vec<RateLimit>> {
    let mut limits: Vec<RateLimit> = Vec::new();
    for item in items {
        let limit = at.check(item.span(), RateLimit::parse(item.get_ref()))?;
        if limits.iter().any(|l| l.window == limit.window) {
            return Err(at.at(
                item.span(),
                format!(
                    "a second rate limit per {}: a key has one per window",
                    limit.window
                ),
            ));
        }
        crate::rate::set(&mut limits, limit);
    }
    Ok(limits)
}

/// One key's entry, with the span of its name for duplicate errors.
fn parse_key(at: &Locator<'_>, raw: &RawKey) -> Result<(KeySpecEntry, Range<usize>)> {
    let name_span = raw.name.span();
    let name = at.check(name_span.clone(), KeyName::new_name(raw.name.get_ref()))?;
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
        rate_limits: rate_limits(at, &raw.rate_limits)?,
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
                Some(at.check(v.span(), clock::parse_expiry(&text))?)
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
            suspended: raw.suspended,
            auto_topup: match &raw.auto_topup {
                None => None,
                Some(v) => Some(at.check(v.span(), auto_topup(v.get_ref()))?),
            },
            at: EntryPlace {
                name: at.place(name_span.clone()),
                expires: raw.expires.as_ref().map(|v| at.place(v.span())),
            },
        },
        name_span,
    ))
}

/// A key's `auto_topup`, checked as `autotopup` checks its flags.
fn auto_topup(raw: &RawAutoTopup) -> Result<AutoTopup> {
    let per_day = raw.max_per_day.unwrap_or(1);
    let per_day = u32::try_from(per_day).map_err(|_| {
        Error::invalid(format!(
            "invalid max_per_day {per_day}: use a whole number from 1 to {}",
            crate::balance::auto::MAX_PER_DAY
        ))
    })?;
    let expires = match &raw.expires {
        None => BatchExpiry::Never,
        Some(text) => BatchExpiry::parse_relative(text)?,
    };
    AutoTopup::new(raw.below, raw.amount, per_day, expires)
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
        assert_eq!(
            key.expires_at.unwrap().to_string(),
            "2027-07-01T00:00:00Z",
            "the end of the day written"
        );
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
    fn sections_split_only_at_real_headers() {
        let text = "# keys\n\n[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\n[[account]]\nname = \"b\"\n";
        let sections = account_sections(text).unwrap();
        assert_eq!(sections.len(), 2);
        assert!(text[sections[1].clone()].starts_with("[[account]]\nname = \"b\""));
        // A header-like line inside a multi-line string is not a header.
        let tricky = "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nnote = \"\"\"\n[[account]]\n\"\"\"\n";
        assert_eq!(account_sections(tricky).unwrap().len(), 1);
        // Anything before the first section, or another form: parse whole.
        assert!(account_sections("account = []\n").is_none());
        assert!(account_sections("x = 1\n[[account]]\nname = \"a\"\n").is_none());
        assert!(account_sections("").is_none());
    }

    #[test]
    fn sectioned_and_whole_parses_agree_and_place_errors() {
        let m = parse(
            "[[account]]\nname = \"a\"\n[[account]]\nname = \"b\"\n[[account.key]]\nname = \"k\"\n",
        )
        .unwrap();
        assert_eq!(m.accounts.len(), 2);
        assert_eq!(m.accounts[1].keys.len(), 1);
        let inline = parse("account = [{name = \"a\", key = [{name = \"k\"}]}]\n").unwrap();
        assert_eq!(inline.accounts[0].keys[0].name.as_str(), "k");
        let e = error(
            "[[account]]\nname = \"a\"\n[[account]]\nname = \"b\"\n[[account.key]]\nname = \"k\"\ndaily_limit = 0\n",
        );
        assert!(e.starts_with("m.toml:7:15: "), "{e}");
        let e = error("[[account]]\nname = \"a\"\n[[account]]\nname = \"b\"\nbogus = 1\n");
        assert!(e.starts_with("m.toml:5:1: "), "{e}");
        let e = error("[[account]]\nname = \"a\"\n[[account]]\nname = \"a\"\n");
        assert!(
            e.starts_with("m.toml:4:8: account 'a' appears twice"),
            "{e}"
        );
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
