//! A key's security settings: where it may be used from (URLs, IPs), how
//! much (daily, monthly and per-IP daily limits), for what (scopes), and how
//! long usage rows keep the caller's IP. Parsing validates every value; the
//! matching functions are what verification calls.

use std::fmt;
use std::net::IpAddr;

use serde::{Serialize, Serializer};

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::text::quoted;

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
        }
    }
}

impl SecuritySettings {
    /// Checks the bounds a parser cannot see one value at a time: list
    /// lengths, limits and redact days.
    pub fn check(&self) -> Result<()> {
        let too_many = |what: &str, max: usize, n: usize| {
            Error::invalid(format!(
                "a key can have at most {max} {what} (this would make {n})"
            ))
        };
        if self.allowed_urls.len() > MAX_URLS {
            return Err(too_many("allowed URLs", MAX_URLS, self.allowed_urls.len()));
        }
        if self.allowed_ips.len() > MAX_IPS {
            return Err(too_many("allowed IPs", MAX_IPS, self.allowed_ips.len()));
        }
        if self.scopes.len() > MAX_SCOPES {
            return Err(too_many("scopes", MAX_SCOPES, self.scopes.len()));
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
        let Some(origin) = origin.and_then(|o| ParsedUrl::parse(o).ok()) else {
            return false;
        };
        // A `*` is a pattern, never a presented host.
        if origin.host.contains('*') {
            return false;
        }
        self.allowed_urls.iter().any(|p| p.matches(&origin))
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

/// An allowed origin or URL prefix, e.g. `https://shop.example.com`,
/// `https://*.example.com` (any subdomain) or `https://example.com/app/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlPattern {
    text: String,
    scheme: String,
    wildcard: bool,
    host: String,
    port: Option<u16>,
    path: String,
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
/// a dot and `\` as `/` as browsers and servers do, so that
/// `/app/../admin` is compared as the `/admin` it reaches, never as a path
/// under `/app`. Also says whether there were any.
fn resolve_dot_segments(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let mut kept: Vec<&str> = Vec::new();
    let mut had = false;
    for segment in path.split('/').skip(1) {
        match segment.to_ascii_lowercase().replace("%2e", ".").as_str() {
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
        })
    }

    /// The pattern as stored and shown, canonical (lowercase host, no
    /// default port, no trailing slash).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn matches(&self, url: &ParsedUrl) -> bool {
        if url.scheme != self.scheme || url.port != self.port {
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

/// An allowed IP address or CIDR block, IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRule {
    network: IpAddr,
    prefix: u8,
}

impl IpRule {
    /// Validates an address (`192.0.2.7`, `2001:db8::1`) or block
    /// (`10.0.0.0/8`, `2001:db8::/32`). Host bits below the prefix are
    /// cleared, so `10.1.2.3/8` is stored as `10.0.0.0/8`.
    pub fn parse(text: &str) -> Result<IpRule> {
        let bad =
            |why: &str| Error::invalid(format!("invalid allowed IP '{}': {why}", quoted(text)));
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let written: IpAddr = addr
            .parse()
            .map_err(|_| bad("use an IPv4 or IPv6 address, optionally with /prefix"))?;
        // An IPv4-mapped IPv6 address (::ffff:10.0.0.0) is kept as the IPv4
        // address it maps, as presented addresses are; its prefix counts
        // the 96 bits of the mapping too.
        let addr = written.to_canonical();
        let mapped = written.is_ipv6() && addr.is_ipv4();
        let (min, max) = match (addr.is_ipv4(), mapped) {
            (true, false) => (0, 32),
            (true, true) => (96, 128),
            (false, _) => (0, 128),
        };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p
                .parse::<u8>()
                .ok()
                .filter(|&n| (min..=max).contains(&n))
                .ok_or_else(|| {
                    bad(&if mapped {
                        "an IPv4-mapped block's prefix length must be 96 to 128".to_owned()
                    } else {
                        format!("the prefix length must be 0 to {max}")
                    })
                })?,
            Some(_) => return Err(bad("the prefix length must be a number")),
        } - if mapped { 96 } else { 0 };
        Ok(IpRule {
            network: mask(addr, prefix),
            prefix,
        })
    }

    /// Whether `ip` lies inside this rule (IPv4-mapped IPv6 addresses count
    /// as their IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(prefix))
            };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(prefix))
            };
            IpAddr::V6((bits & m).into())
        }
    }
}

impl fmt::Display for IpRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let full = if self.network.is_ipv4() { 32 } else { 128 };
        if self.prefix == full {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

impl Serialize for IpRule {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
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
                "'{item}' is not among the key's {what}"
            )));
        };
        list.remove(i);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "https://*.acme.example",
            "https://a.*.acme.example",
            "not a url",
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
    fn ip_rules() {
        let r = IpRule::parse("10.1.2.3/8").unwrap();
        assert_eq!(r.to_string(), "10.0.0.0/8");
        assert!(r.contains("10.200.0.1".parse().unwrap()));
        assert!(r.contains("::ffff:10.0.0.1".parse().unwrap()));
        assert!(!r.contains("11.0.0.1".parse().unwrap()));
        let v6 = IpRule::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!v6.contains("10.0.0.1".parse().unwrap()));
        assert_eq!(IpRule::parse("192.0.2.7").unwrap().to_string(), "192.0.2.7");
        assert!(
            IpRule::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        let mapped = IpRule::parse("::ffff:10.0.0.0/104").unwrap();
        assert_eq!(mapped, IpRule::parse("10.0.0.0/8").unwrap());
        assert!(mapped.contains("::ffff:10.9.9.9".parse().unwrap()));
        assert!(mapped.contains("10.9.9.9".parse().unwrap()));
        assert_eq!(
            IpRule::parse("::ffff:192.0.2.7").unwrap().to_string(),
            "192.0.2.7"
        );
        for bad in [
            "::ffff:10.0.0.0/95",
            "::ffff:10.0.0.0/129",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "300.1.1.1",
            "host",
            "10.0.0.0/8/8",
        ] {
            assert!(IpRule::parse(bad).is_err(), "{bad}");
        }
    }

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
