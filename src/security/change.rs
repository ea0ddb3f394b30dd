//! Changes to a key's security settings, as `create`, `security` and a
//! manifest give them, applied and described as one.

use std::fmt;

use super::{IpRule, Scope, SecuritySettings, UrlPattern};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::rate::{RateLimit, Window};
use crate::text::quoted;

/// A set of changes to a key's security settings (and expiry), as the
/// security flags give them. Removals apply before additions.
#[derive(Clone, Debug, Default)]
pub struct SecurityChange {
    /// URLs to allow.
    pub allow_urls: Vec<UrlPattern>,
    /// URLs to stop allowing.
    pub remove_urls: Vec<UrlPattern>,
    /// IP rules to allow.
    pub allow_ips: Vec<IpRule>,
    /// IP rules to stop allowing.
    pub remove_ips: Vec<IpRule>,
    /// New daily limit (`Some(None)`: remove it).
    pub daily_limit: Option<Option<u64>>,
    /// New monthly limit.
    pub monthly_limit: Option<Option<u64>>,
    /// New per-IP daily limit.
    pub ip_daily_limit: Option<Option<u64>>,
    /// Scopes to add.
    pub add_scopes: Vec<Scope>,
    /// Scopes to remove.
    pub remove_scopes: Vec<Scope>,
    /// New expiry (`Some(None)`: never).
    pub expires: Option<Option<Timestamp>>,
    /// New redact days.
    pub redact_days: Option<u16>,
    /// Rate limits to set, each replacing the key's limit on its window.
    pub rate_limits: Vec<RateLimit>,
    /// Windows whose rate limit to remove.
    pub remove_rate_limits: Vec<Window>,
}

impl SecurityChange {
    /// Whether no flag was given.
    pub fn is_empty(&self) -> bool {
        self.allow_urls.is_empty()
            && self.remove_urls.is_empty()
            && self.allow_ips.is_empty()
            && self.remove_ips.is_empty()
            && self.daily_limit.is_none()
            && self.monthly_limit.is_none()
            && self.ip_daily_limit.is_none()
            && self.add_scopes.is_empty()
            && self.remove_scopes.is_empty()
            && self.expires.is_none()
            && self.redact_days.is_none()
            && self.rate_limits.is_empty()
            && self.remove_rate_limits.is_empty()
    }

    /// Applies the change, checking the list bounds on the result. Removing
    /// an entry that is not there is an error (a typo would otherwise pass
    /// silently); adding one that is there is harmless.
    pub fn apply(
        &self,
        settings: &mut SecuritySettings,
        expires_at: &mut Option<Timestamp>,
    ) -> Result<()> {
        remove_all(
            &mut settings.allowed_urls,
            &self.remove_urls,
            "allowed URLs",
        )?;
        add_all(&mut settings.allowed_urls, &self.allow_urls);
        remove_all(&mut settings.allowed_ips, &self.remove_ips, "allowed IPs")?;
        add_all(&mut settings.allowed_ips, &self.allow_ips);
        remove_all(&mut settings.scopes, &self.remove_scopes, "scopes")?;
        add_all(&mut settings.scopes, &self.add_scopes);
        if let Some(v) = self.daily_limit {
            settings.daily_limit = v;
        }
        if let Some(v) = self.monthly_limit {
            settings.monthly_limit = v;
        }
        if let Some(v) = self.ip_daily_limit {
            settings.ip_daily_limit = v;
        }
        if let Some(v) = self.redact_days {
            settings.redact_days = v;
        }
        if let Some(v) = self.expires {
            *expires_at = v;
        }
        for window in &self.remove_rate_limits {
            let Some(i) = settings
                .rate_limits
                .iter()
                .position(|l| l.window == *window)
            else {
                return Err(Error::invalid(format!(
                    "the key has no rate limit per {window} to remove"
                )));
            };
            settings.rate_limits.remove(i);
        }
        for (i, limit) in self.rate_limits.iter().enumerate() {
            if self.rate_limits[..i]
                .iter()
                .any(|l| l.window == limit.window)
            {
                return Err(Error::invalid(format!(
                    "two rate limits per {} given: a key has one per window",
                    limit.window
                )));
            }
            crate::rate::set(&mut settings.rate_limits, *limit);
        }
        settings.check()
    }

    /// A short account of the change for the audit trail.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let list = |verb: &str, items: Vec<String>, parts: &mut Vec<String>| {
            if !items.is_empty() {
                parts.push(format!("{verb} {}", items.join(", ")));
            }
        };
        list(
            "allow url",
            self.allow_urls.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        list(
            "remove url",
            self.remove_urls.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        list(
            "allow ip",
            self.allow_ips.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        list(
            "remove ip",
            self.remove_ips.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        list(
            "add scope",
            self.add_scopes.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        list(
            "remove scope",
            self.remove_scopes.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        let limit = |v: Option<u64>| v.map_or_else(|| "off".to_owned(), |n| n.to_string());
        if let Some(v) = self.daily_limit {
            parts.push(format!("daily limit {}", limit(v)));
        }
        if let Some(v) = self.monthly_limit {
            parts.push(format!("monthly limit {}", limit(v)));
        }
        if let Some(v) = self.ip_daily_limit {
            parts.push(format!("ip daily limit {}", limit(v)));
        }
        if let Some(v) = self.expires {
            parts.push(format!(
                "expires {}",
                v.map_or_else(|| "never".to_owned(), |t| t.to_string())
            ));
        }
        if let Some(v) = self.redact_days {
            parts.push(format!("redact days {v}"));
        }
        list(
            "remove rate limit per",
            self.remove_rate_limits
                .iter()
                .map(ToString::to_string)
                .collect(),
            &mut parts,
        );
        list(
            "rate limit",
            self.rate_limits.iter().map(ToString::to_string).collect(),
            &mut parts,
        );
        parts.join("; ")
    }
}

fn add_all<T: Clone + PartialEq>(list: &mut Vec<T>, items: &[T]) {
    for item in items {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

fn remove_all<T: PartialEq + fmt::Display>(
    list: &mut Vec<T>,
    items: &[T],
    what: &str,
) -> Result<()> {
    for item in items {
        let Some(i) = list.iter().position(|x| x == item) else {
            return Err(Error::invalid(format!(
                "'{}' is not among the key's {what}",
                quoted(&item.to_string())
            )));
        };
        list.remove(i);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_apply_with_bounds() {
        let mut s = SecuritySettings::default();
        let mut expires = None;
        let mut change = SecurityChange {
            allow_urls: (0..10)
                .map(|i| UrlPattern::parse(&format!("https://h{i}.example.com")).unwrap())
                .collect(),
            daily_limit: Some(Some(5)),
            ..SecurityChange::default()
        };
        change.apply(&mut s, &mut expires).unwrap();
        assert_eq!(s.allowed_urls.len(), 10);
        assert_eq!(s.daily_limit, Some(5));
        change.allow_urls = vec![UrlPattern::parse("https://eleventh.example.com").unwrap()];
        let mut copy = s.clone();
        assert!(
            change.apply(&mut copy, &mut expires).is_err(),
            "an 11th URL"
        );
        let again = SecurityChange {
            allow_urls: vec![UrlPattern::parse("https://h0.example.com").unwrap()],
            ..SecurityChange::default()
        };
        again.apply(&mut s, &mut expires).unwrap();
        assert_eq!(s.allowed_urls.len(), 10, "adding twice is harmless");
        let remove_missing = SecurityChange {
            remove_scopes: vec![Scope::parse("nope").unwrap()],
            ..SecurityChange::default()
        };
        assert!(remove_missing.apply(&mut s, &mut expires).is_err());
    }
}
