//! A key's security settings: where it may be used from (URLs, IPs), how
//! much (daily, monthly and per-IP daily limits), for what (scopes), and how
//! long usage rows keep the caller's IP. Parsing validates every value; the
//! matching functions are what verification calls.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::rate::RateLimit;
use crate::text::quoted;

mod change;
mod ip;
mod url;

pub use self::change::SecurityChange;
pub use self::ip::IpRule;
pub use self::url::UrlPattern;

/// How many days usage rows keep the client IP unless a key says otherwise.
pub const DEFAULT_REDACT_DAYS: u16 = 28;
/// The most days a usage row may keep its client IP (three years).
pub const MAX_REDACT_DAYS: u16 = 1095;
/// At most this many allowed URLs per key.
pub const MAX_URLS: usize = 10;
/// The longest allowed URL.
pub const MAX_URL_LEN: usize = 256;
/// At most this many allowed IP rules per key.
pub const MAX_IPS: usize = 50;
/// At most this many scopes per key.
pub const MAX_SCOPES: usize = 20;
/// The largest limit a key can have.
pub const MAX_LIMIT: u64 = 1_000_000_000_000;

/// The settings a verification is checked against. Empty lists mean "any".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecuritySettings {
    /// Origins or URL prefixes a request may come from.
    pub allowed_urls: Vec<UrlPattern>,
    /// Addresses or CIDR blocks a request may come from.
    pub allowed_ips: Vec<IpRule>,
    /// Successful lookups per UTC day.
    pub daily_limit: Option<u64>,
    /// Successful lookups per UTC calendar month.
    pub monthly_limit: Option<u64>,
    /// Successful lookups per UTC day per client IP.
    pub ip_daily_limit: Option<u64>,
    /// Scopes a request may ask for.
    pub scopes: Vec<Scope>,
    /// Days after the day of use that a usage row keeps its client IP.
    pub redact_days: u16,
    /// Accepted verifications per second, minute or hour, shortest window
    /// first; at most one per window.
    pub rate_limits: Vec<RateLimit>,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            allowed_urls: Vec::new(),
            allowed_ips: Vec::new(),
            daily_limit: None,
            monthly_limit: None,
            ip_daily_limit: None,
            scopes: Vec::new(),
            redact_days: DEFAULT_REDACT_DAYS,
            rate_limits: Vec::new(),
        }
    }
}

/// Something a key's stored lists hold that the rules no longer admit (an
/// older build wrote it): an entry that is not valid, or a list longer than
/// its bound. The key keeps working fail-closed (such an entry matches
/// nothing); `apply` and `apikey store check` name it so it can be fixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredProblem {
    /// The list, by its manifest name, e.g. `allowed_urls`.
    pub field: &'static str,
    /// What is wrong, in one line.
    pub problem: String,
}

impl StoredProblem {
    /// A list with `n` entries where at most `max` are allowed.
    pub(crate) fn too_long(field: &'static str, what: &str, n: usize, max: usize) -> StoredProblem {
        StoredProblem {
            field,
            problem: format!("{n} {what}, more than the {max} a key may have"),
        }
    }
}

impl SecuritySettings {
    /// Each bounded list: its manifest name, its name in messages, its
    /// length and its bound. `check` refuses a change past a bound;
    /// `stored_problems` names a stored list already past one.
    fn list_lengths(&self) -> [(&'static str, &'static str, usize, usize); 3] {
        [
            (
                "allowed_urls",
                "allowed URLs",
                self.allowed_urls.len(),
                MAX_URLS,
            ),
            (
                "allowed_ips",
                "allowed IPs",
                self.allowed_ips.len(),
                MAX_IPS,
            ),
            ("scopes", "scopes", self.scopes.len(), MAX_SCOPES),
        ]
    }

    /// What these settings, as read from the store, hold that the rules no
    /// longer admit.
    pub fn stored_problems(&self) -> Vec<StoredProblem> {
        let mut found: Vec<StoredProblem> = self
            .allowed_urls
            .iter()
            .filter_map(|u| u.problem())
            .map(|why| StoredProblem {
                field: "allowed_urls",
                problem: format!("{why}; it matches nothing"),
            })
            .collect();
        for (field, what, n, max) in self.list_lengths() {
            if n > max {
                found.push(StoredProblem::too_long(field, what, n, max));
            }
        }
        found
    }

    /// Checks the bounds a parser cannot see one value at a time: list
    /// lengths, limits and redact days.
    pub fn check(&self) -> Result<()> {
        if let Some((_, what, n, max)) = self.list_lengths().into_iter().find(|l| l.2 > l.3) {
            return Err(Error::invalid(format!(
                "a key can have at most {max} {what} (this would make {n})"
            )));
        }
        for limit in [self.daily_limit, self.monthly_limit, self.ip_daily_limit]
            .into_iter()
            .flatten()
        {
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(Error::invalid(format!(
                    "invalid limit {limit}: use a whole number from 1 to {MAX_LIMIT}, or off"
                )));
            }
        }
        crate::rate::check(&self.rate_limits)?;
        if self.redact_days > MAX_REDACT_DAYS {
            return Err(Error::invalid(format!(
                "invalid redact days {}: use a whole number from 0 to {MAX_REDACT_DAYS}",
                self.redact_days
            )));
        }
        Ok(())
    }

    /// Whether a request from `origin` may use the key: any origin when the
    /// list is empty; otherwise one that matches an entry.
    pub fn origin_allowed(&self, origin: Option<&str>) -> bool {
        if self.allowed_urls.is_empty() {
            return true;
        }
        origin.is_some_and(|o| url::any_matches(&self.allowed_urls, o))
    }

    /// Whether a request from `ip` may use the key: any address when the
    /// list is empty; otherwise one inside an entry.
    pub fn ip_allowed(&self, ip: Option<IpAddr>) -> bool {
        if self.allowed_ips.is_empty() {
            return true;
        }
        ip.is_some_and(|ip| self.allowed_ips.iter().any(|r| r.contains(ip)))
    }

    /// Whether `scope` may be asked for: any when the list is empty;
    /// otherwise it must be one of them.
    pub fn scope_allowed(&self, scope: Option<&str>) -> bool {
        self.scopes.is_empty() || scope.is_some_and(|s| self.scopes.iter().any(|x| x.0 == s))
    }
}

/// A scope a key may be used for, e.g. `lookup` or `read:users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Scope(String);

impl Scope {
    /// 1 to 64 ASCII letters, digits, `-`, `_`, `.`, `:` or `/`.
    pub fn parse(text: &str) -> Result<Scope> {
        let ok = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b));
        if ok {
            Ok(Scope(text.to_owned()))
        } else {
            Err(Error::invalid(format!(
                "invalid scope '{}': use 1 to 64 letters, digits, '-', '_', '.', ':' or '/'",
                quoted(text)
            )))
        }
    }

    /// The scope as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a limit: a whole number from 1 to 10^12, or `off` (`None`).
pub fn parse_limit(what: &str, text: &str) -> Result<Option<u64>> {
    if text == "off" {
        return Ok(None);
    }
    let n = text
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n) && text.bytes().all(|b| b.is_ascii_digit()));
    match n {
        Some(n) => Ok(Some(n)),
        None => Err(Error::invalid(format!(
            "invalid {what} '{}': use a whole number from 1 to {MAX_LIMIT}, or off",
            quoted(text)
        ))),
    }
}

/// Parses `--redact-days`: 0 to 1095.
pub fn parse_redact_days(text: &str) -> Result<u16> {
    text.parse::<u16>()
        .ok()
        .filter(|n| *n <= MAX_REDACT_DAYS && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            Error::invalid(format!(
                "invalid redact days '{}': use a whole number from 0 to {MAX_REDACT_DAYS}",
                quoted(text)
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_redact_days() {
        assert_eq!(parse_limit("daily limit", "1000").unwrap(), Some(1000));
        assert_eq!(parse_limit("daily limit", "off").unwrap(), None);
        for bad in ["-5", "0", "1.5", "", "+3", "1000000000001", "lots"] {
            assert!(parse_limit("daily limit", bad).is_err(), "{bad}");
        }
        assert_eq!(parse_redact_days("0").unwrap(), 0);
        assert_eq!(parse_redact_days("1095").unwrap(), 1095);
        assert!(parse_redact_days("1096").is_err());
        assert!(parse_redact_days("-1").is_err());
    }

    #[test]
    fn scopes() {
        let s = SecuritySettings {
            scopes: vec![Scope::parse("read:users").unwrap()],
            ..SecuritySettings::default()
        };
        assert!(s.scope_allowed(Some("read:users")));
        assert!(!s.scope_allowed(Some("write:users")));
        assert!(!s.scope_allowed(None));
        assert!(Scope::parse("has space").is_err());
    }
}
