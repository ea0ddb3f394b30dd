//! Notifications: each key's email list and low-balance threshold, the
//! events that concern the people on it ([`event`]), the mail they get
//! ([`mail`]) and its delivery over SMTP ([`smtp`]).

pub mod delivery;
pub mod event;
pub mod mail;
pub mod recipient;
pub mod sender;
#[cfg(feature = "smtp")]
pub mod smtp;

use std::fmt;

use serde::Serialize;

use crate::error::{Error, Refusal, Result};
use crate::text::quoted;

/// At most this many notification addresses per key.
pub const MAX_EMAILS: usize = 5;

/// Who hears about a key's balance and lifecycle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NotifySettings {
    /// At most 5 addresses.
    pub emails: Vec<Email>,
    /// Warn when a spend takes the balance below this.
    pub low_balance: Option<u64>,
}

/// A validated email address: `local@domain`, the domain lowercased. Only
/// the everyday form is accepted (no quoted local parts, no IP literals), so
/// every address can be handed to an SMTP server as is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Validates an address given by a user or a manifest.
    pub fn parse(text: &str) -> Result<Email> {
        let email = Email::from_store(text)?;
        if email.at_ip_address() {
            return Err(Error::invalid(format!(
                "invalid email address '{}': the domain is an IP address; use a host name, like example.com",
                quoted(text)
            )));
        }
        Ok(email)
    }

    /// Reads an address back from the store by the rules it was admitted
    /// under: builds before 2026-12 let an address at an IP literal
    /// (`x@127.0.0.1`) through, and such a key must still load; `store
    /// check` and `apply` name it (see [`Email::at_ip_address`]).
    pub(crate) fn from_store(text: &str) -> Result<Email> {
        let bad =
            |why: &str| Error::invalid(format!("invalid email address '{}': {why}", quoted(text)));
        if text.len() > 254 {
            return Err(bad("longer than 254 characters"));
        }
        let (local, domain) = text.rsplit_once('@').ok_or_else(|| bad("it has no '@'"))?;
        if local.is_empty() || local.len() > 64 {
            return Err(bad("the part before '@' must be 1 to 64 characters"));
        }
        let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
        if !local.chars().all(atext)
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(bad(
                "the part before '@' has a character an address cannot have",
            ));
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(bad(
                "the domain must be a host name with a dot, like example.com",
            ));
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    /// Whether the domain is an IP address rather than a host name: a
    /// top-level domain is never all digits (RFC 3696), so `x@1.2` and
    /// `x@127.0.0.1` are both refused.
    pub fn at_ip_address(&self) -> bool {
        self.0
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    }

    /// Whether two addresses reach the same mailbox as far as apikey can
    /// tell: equal but for case. Mail systems treat the part before '@'
    /// as case-blind in practice, so `Ops@x.io` and `ops@x.io` are one
    /// recipient, never two mails.
    pub fn same_as(&self, other: &Email) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a low-balance threshold: a whole number from 1 to 10^12, or `off`.
pub fn parse_threshold(text: &str) -> Result<Option<u64>> {
    crate::security::parse_limit("low-balance threshold", text)
}

/// Adds addresses to a list (an address already there is skipped), refusing
/// to go past [`MAX_EMAILS`].
pub fn add_emails(list: &mut Vec<Email>, new: &[Email]) -> Result<()> {
    for email in new {
        if !list.iter().any(|e| e.same_as(email)) {
            list.push(email.clone());
        }
    }
    if list.len() > MAX_EMAILS {
        return Err(Refusal::TooManyEmails {
            limit: MAX_EMAILS,
            would_have: list.len(),
        }
        .into());
    }
    Ok(())
}

/// Removes addresses from a list; one that is not there is an error, since
/// a typo would otherwise pass silently.
pub fn remove_emails(list: &mut Vec<Email>, gone: &[Email]) -> Result<()> {
    for email in gone {
        let Some(i) = list.iter().position(|e| e.same_as(email)) else {
            return Err(Error::invalid(format!(
                "'{email}' is not on the key's notification list"
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
    fn addresses() {
        assert_eq!(
            Email::parse("Ops@Acme.Example").unwrap().as_str(),
            "Ops@acme.example"
        );
        for good in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "x_y-z@a-b.example",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@.com",
            "a..b@example.com",
            ".a@example.com",
            "a@-x.com",
            "a b@example.com",
            "a@exa mple.com",
            "\u{1b}[31m@example.com",
            "a@b@c.com",
            "a@[127.0.0.1]",
            "x@127.0.0.1",
            "a@1.2",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lists_hold_five_and_ignore_repeats() {
        let e = |s: &str| Email::parse(s).unwrap();
        let mut list = Vec::new();
        add_emails(&mut list, &[e("a@x.io"), e("a@x.io"), e("b@x.io")]).unwrap();
        assert_eq!(list.len(), 2);
        add_emails(&mut list, &[e("A@X.io"), e("B@x.IO")]).unwrap();
        assert_eq!(list.len(), 2, "case makes no new address: {list:?}");
        add_emails(&mut list, &[e("c@x.io"), e("d@x.io"), e("e@x.io")]).unwrap();
        let err = add_emails(&mut list.clone(), &[e("f@x.io")]).unwrap_err();
        assert_eq!(err.exit_code(), 3);
        remove_emails(&mut list, &[e("A@x.io")]).unwrap();
        assert_eq!(
            remove_emails(&mut list, &[e("a@x.io")])
                .unwrap_err()
                .exit_code(),
            2
        );
    }
}
