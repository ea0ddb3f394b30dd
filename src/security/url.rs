//! Allowed URLs: the patterns a key's owner writes, and the presented
//! Origin or Referer they are matched against.

use std::fmt;

use serde::{Serialize, Serializer};

use super::MAX_URL_LEN;
use crate::error::{Error, Result};
use crate::text::quoted;

/// Whether the presented `origin` matches one of `patterns`. A `*` in a
/// presented host is never a wildcard: it matches nothing.
pub(super) fn any_matches(patterns: &[UrlPattern], origin: &str) -> bool {
    let Ok(origin) = ParsedUrl::parse(origin) else {
        return false;
    };
    !origin.host.contains('*') && patterns.iter().any(|p| p.matches(&origin))
}

/// An allowed origin or URL prefix, e.g. `https://shop.example.com`,
/// `https://*.example.com` (any subdomain) or `https://example.com/app/`.
#[derive(Clone, Debug)]
pub struct UrlPattern {
    text: String,
    scheme: String,
    wildcard: bool,
    host: String,
    port: Option<u16>,
    path: String,
    /// Why an entry read back from the store is not a valid pattern (an
    /// older build admitted it); such an entry matches nothing.
    unusable: Option<String>,
}

/// The parts of a URL that patterns look at.
struct ParsedUrl {
    scheme: String,
    host: String,
    port: Option<u16>,
    /// With `.` and `..` segments resolved.
    path: String,
    /// Whether the path as written had `.` or `..` segments.
    had_dot_segments: bool,
}

impl ParsedUrl {
    /// Splits `scheme://host[:port][/path]`; the host is lowercased, a
    /// default port dropped, the query and fragment ignored.
    fn parse(text: &str) -> std::result::Result<ParsedUrl, &'static str> {
        // A URL never holds a raw control character or space (browsers send
        // them %-encoded), and one in a list entry must not act as a
        // separator anywhere the list is kept or shown.
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("it has a control character or a space (write it %-encoded)");
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or("it has no scheme (https://…)")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err("only http and https URLs are supported");
        }
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err("it has a user name");
        }
        let (host, port) = split_port(authority)?;
        if host.is_empty() {
            return Err("it has no host");
        }
        let host = host.to_ascii_lowercase();
        let valid_host = if host.starts_with('[') {
            host.ends_with(']')
                && host[1..host.len() - 1]
                    .parse::<std::net::Ipv6Addr>()
                    .is_ok()
        } else {
            host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
            })
        };
        if !valid_host {
            return Err("its host is not a valid host name");
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        let (path, had_dot_segments) = resolve_dot_segments(path);
        Ok(ParsedUrl {
            scheme,
            host,
            port: port.filter(|&p| p != default_port),
            path: path.trim_end_matches('/').to_owned(),
            had_dot_segments,
        })
    }
}

/// Resolves `.` and `..` path segments (RFC 3986, 5.2.4), reading `%2e` as
/// a dot, `\` as `/` and `..;x` as `..`, as browsers and servers do, so that
/// `/app/../admin` is compared as the `/admin` it reaches, never as a path
/// under `/app`. Also says whether there were any.
fn resolve_dot_segments(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let mut kept: Vec<&str> = Vec::new();
    let mut had = false;
    for segment in path.split('/').skip(1) {
        // `..;x` is `..` to servers that take `;` as a path parameter.
        let name = segment.split(';').next().unwrap_or("");
        match name.to_ascii_lowercase().replace("%2e", ".").as_str() {
            "." => had = true,
            ".." => {
                had = true;
                kept.pop();
            }
            _ => kept.push(segment),
        }
    }
    let mut resolved = String::with_capacity(path.len());
    for segment in kept {
        resolved.push('/');
        resolved.push_str(segment);
    }
    (resolved, had)
}

fn split_port(authority: &str) -> std::result::Result<(&str, Option<u16>), &'static str> {
    let colon = if authority.starts_with('[') {
        authority
            .find(']')
            .and_then(|i| authority[i..].find(':').map(|j| i + j))
    } else {
        authority.rfind(':')
    };
    match colon {
        None => Ok((authority, None)),
        Some(i) => {
            let port = authority[i + 1..]
                .parse::<u16>()
                .map_err(|_| "its port is not a number from 0 to 65535")?;
            Ok((&authority[..i], Some(port)))
        }
    }
}

impl UrlPattern {
    /// Validates an allowed URL: http(s), a host (optionally `*.` + a
    /// domain), an optional port and path prefix, at most 256 characters.
    pub fn parse(text: &str) -> Result<UrlPattern> {
        let bad =
            |why: &str| Error::invalid(format!("invalid allowed URL '{}': {why}", quoted(text)));
        if text.len() > MAX_URL_LEN {
            return Err(bad("longer than 256 characters"));
        }
        let url = ParsedUrl::parse(text).map_err(bad)?;
        if url.had_dot_segments {
            return Err(bad(
                "its path has '.' or '..' segments: write the path they lead to",
            ));
        }
        let (wildcard, host) = match url.host.strip_prefix("*.") {
            Some(rest) => (true, rest.to_owned()),
            None => (false, url.host.clone()),
        };
        if host.contains('*') {
            return Err(bad(
                "'*' may only be the whole first label, as in https://*.example.com",
            ));
        }
        if wildcard && !host.contains('.') {
            return Err(bad(
                "a wildcard needs a domain with a dot, as in https://*.example.com",
            ));
        }
        let canonical = format!(
            "{}://{}{}{}{}",
            url.scheme,
            if wildcard { "*." } else { "" },
            host,
            url.port.map(|p| format!(":{p}")).unwrap_or_default(),
            url.path
        );
        Ok(UrlPattern {
            text: canonical,
            scheme: url.scheme,
            wildcard,
            host,
            port: url.port,
            path: url.path,
            unusable: None,
        })
    }

    /// An entry as the store holds it. One that is no longer valid (a space,
    /// a control character or a dot segment that an older build let in) is
    /// kept as written, so that writing the list back never drops it nor
    /// turns it into something else, and it matches nothing: a list that
    /// holds only such entries still allows no origin at all.
    pub(crate) fn from_store(text: &str) -> UrlPattern {
        match UrlPattern::parse(text) {
            Ok(pattern) => pattern,
            Err(err) => UrlPattern {
                text: text.to_owned(),
                scheme: String::new(),
                wildcard: false,
                host: String::new(),
                port: None,
                path: String::new(),
                unusable: Some(err.to_string()),
            },
        }
    }

    /// Why this stored entry is not a valid pattern and matches nothing, or
    /// `None` for a valid one.
    pub fn problem(&self) -> Option<&str> {
        self.unusable.as_deref()
    }

    /// The pattern as stored and shown, canonical (lowercase host, no
    /// default port, no trailing slash); an unusable stored entry as it was
    /// written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn matches(&self, url: &ParsedUrl) -> bool {
        if self.unusable.is_some() || url.scheme != self.scheme || url.port != self.port {
            return false;
        }
        let host_ok = if self.wildcard {
            url.host
                .strip_suffix(self.host.as_str())
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
        } else {
            url.host == self.host
        };
        // A path prefix matches whole segments: /app matches /app and
        // /app/x, not /apple.
        host_ok
            && (self.path.is_empty()
                || url.path == self.path
                || url
                    .path
                    .strip_prefix(self.path.as_str())
                    .is_some_and(|rest| rest.starts_with('/')))
    }
}

/// Two patterns are the same entry when they read the same (valid ones
/// are canonical), whatever message explains an unusable one.
impl PartialEq for UrlPattern {
    fn eq(&self, other: &UrlPattern) -> bool {
        self.text == other.text && self.unusable.is_some() == other.unusable.is_some()
    }
}

impl Eq for UrlPattern {}

impl fmt::Display for UrlPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for UrlPattern {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::SecuritySettings;

    fn settings_with_urls(urls: &[&str]) -> SecuritySettings {
        SecuritySettings {
            allowed_urls: urls.iter().map(|u| UrlPattern::parse(u).unwrap()).collect(),
            ..SecuritySettings::default()
        }
    }

    #[test]
    fn url_patterns_validate_and_canonicalise() {
        let p = UrlPattern::parse("HTTPS://Shop.Example.COM:443/").unwrap();
        assert_eq!(p.as_str(), "https://shop.example.com");
        assert_eq!(
            UrlPattern::parse("http://localhost:8080/app/")
                .unwrap()
                .as_str(),
            "http://localhost:8080/app"
        );
        for bad in [
            "https://",
            "https:///path",
            "shop.example.com",
            "ftp://example.com",
            "https://exa mple.com",
            "https://ex*ample.com",
            "https://*.com",
            "https://user@example.com",
            "https://example.com:99999",
            "https://a.example.com/x\nhttps://evil.example.com",
            "https://a.example.com/x\r",
            "https://a.example.com/a b",
            "https://a.example.com/\u{85}",
            &format!("https://{}.com", "a".repeat(260)),
        ] {
            assert!(UrlPattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_match_hosts_wildcards_ports_and_path_prefixes() {
        let s = settings_with_urls(&[
            "https://shop.example.com",
            "https://*.acme.example",
            "http://localhost:3000/app",
        ]);
        for ok in [
            "https://shop.example.com",
            "https://SHOP.example.com/any/path?q=1",
            "https://a.acme.example",
            "https://a.b.acme.example:443",
            "http://localhost:3000/app",
            "http://localhost:3000/app/page",
            "http://localhost:3000/app/./page",
            "http://localhost:3000/app/x/../page",
            "http://localhost:3000/other/../app/page",
        ] {
            assert!(s.origin_allowed(Some(ok)), "{ok}");
        }
        for no in [
            "http://shop.example.com",
            "https://shop.example.com:8443",
            "https://evil-shop.example.com",
            "https://shop.example.com.evil.com",
            "https://acme.example",
            "https://xacme.example",
            "http://localhost:3000/apple",
            "http://localhost:3000",
            "http://localhost:3000/app/../admin",
            "http://localhost:3000/app/%2E%2e/admin",
            "http://localhost:3000/app/..",
            "http://localhost:3000/app\\..\\admin",
            "http://localhost:3000/app/x/../../admin",
            "http://localhost:3000/app/..;/admin",
            "http://localhost:3000/app/..;jsessionid=1/admin",
            "https://*.acme.example",
            "https://a.*.acme.example",
            "not a url",
            "http://localhost:3000/app/\n",
        ] {
            assert!(!s.origin_allowed(Some(no)), "{no}");
        }
        for dotted in ["http://localhost/app/../admin", "https://a.example/./x"] {
            let err = UrlPattern::parse(dotted).unwrap_err().to_string();
            assert!(err.contains("'..' segments"), "{err}");
        }
        assert!(!s.origin_allowed(None), "a list needs an origin");
        assert!(
            SecuritySettings::default().origin_allowed(None),
            "empty list: any"
        );
    }

    #[test]
    fn a_stored_entry_that_no_longer_parses_is_kept_as_written_and_matches_nothing() {
        let good = UrlPattern::from_store("https://ok.example.com");
        assert_eq!(good, UrlPattern::parse("https://ok.example.com").unwrap());
        assert_eq!(good.problem(), None);
        for bad in [
            "https://a.example.com/x\r",
            "https://a.example.com/a b",
            "https://a.example.com/app/../admin",
        ] {
            let p = UrlPattern::from_store(bad);
            assert_eq!(
                p.as_str(),
                bad,
                "kept as written, so writing it back keeps it"
            );
            assert!(p.problem().is_some(), "{bad}");
            let s = SecuritySettings {
                allowed_urls: vec![p.clone()],
                ..SecuritySettings::default()
            };
            for origin in [
                None,
                Some(bad),
                Some("https://a.example.com"),
                Some("https://a.example.com/admin"),
            ] {
                assert!(!s.origin_allowed(origin), "{bad} let {origin:?} in");
            }
            let problems = s.stored_problems();
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].field, "allowed_urls");
            assert!(
                problems[0].problem.ends_with("it matches nothing"),
                "{problems:?}"
            );
        }
    }
}
