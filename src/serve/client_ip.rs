//! Who the client is. The peer's address, unless the peer is a proxy the
//! operator trusts (`--trust-proxy`): then the address it forwards. A
//! forwarded header from anyone else is ignored, since any client can
//! write one.

use std::net::IpAddr;

use hyper::HeaderMap;

use crate::error::{Error, Result};
use crate::security::IpRule;
use crate::text::quoted;

/// The address ranges whose forwarded headers are believed.
#[derive(Clone, Debug, Default)]
pub(crate) struct TrustedProxies(Vec<IpRule>);

impl TrustedProxies {
    /// Parses `--trust-proxy` values: addresses or CIDR blocks.
    pub(crate) fn parse<S: AsRef<str>>(ranges: &[S]) -> Result<TrustedProxies> {
        ranges
            .iter()
            .map(|text| {
                let text = text.as_ref();
                IpRule::parse(text).map_err(|_| {
                    Error::invalid(format!(
                        "invalid --trust-proxy '{}': use an IPv4 or IPv6 address or CIDR block, such as 10.0.0.0/8",
                        quoted(text)
                    ))
                })
            })
            .collect::<Result<_>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|rule| rule.contains(ip))
    }

    /// The client's address for a request from `peer`. From a trusted
    /// proxy: the rightmost `X-Forwarded-For` hop that is not itself a
    /// trusted proxy (hops further left were written by whoever the client
    /// is, and prove nothing), else `X-Real-IP`. `None` when a trusted
    /// proxy forwarded an address that does not parse: unknown, so a key
    /// bound to addresses is refused rather than matched against the
    /// proxy's own.
    pub(crate) fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|value| value.to_str().unwrap_or("?").split(','))
            .map(str::trim)
            .collect();
        if !forwarded.is_empty() {
            let mut leftmost = None;
            for hop in forwarded.iter().rev() {
                let ip = parse_hop(hop)?;
                if !self.trusts(ip) {
                    return Some(ip);
                }
                leftmost = Some(ip);
            }
            // Every hop is a trusted proxy: the first of them is the client.
            return leftmost;
        }
        match headers.get("x-real-ip") {
            Some(value) => value.to_str().ok().and_then(parse_hop),
            None => Some(peer),
        }
    }
}

/// One forwarded address: `203.0.113.7`, `2001:db8::1`, or with a port as
/// some proxies write it (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(addr) = hop.parse::<std::net::SocketAddr>() {
        return Some(addr.ip().to_canonical());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        let lb = TrustedProxies::parse(&["10.0.0.0/8", "::1"]).unwrap();
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(
            none.client(ip("203.0.113.9"), &spoofed),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            lb.client(ip("203.0.113.9"), &spoofed),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(lb.client(ip("10.1.1.1"), &spoofed), Some(ip("1.2.3.4")));
        // The rightmost untrusted hop: what the client wrote to the left
        // of it is not believed.
        let chain = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.2"),
            ("x-forwarded-for", "10.0.0.5"),
        ]);
        assert_eq!(lb.client(ip("10.1.1.1"), &chain), Some(ip("198.51.100.2")));
        let all_trusted = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.5")]);
        assert_eq!(
            lb.client(ip("10.1.1.1"), &all_trusted),
            Some(ip("10.9.9.9"))
        );
        let real = headers(&[("x-real-ip", "198.51.100.7")]);
        assert_eq!(lb.client(ip("::1"), &real), Some(ip("198.51.100.7")));
        let ported = headers(&[("x-forwarded-for", "[2001:db8::1]:4711")]);
        assert_eq!(lb.client(ip("10.0.0.1"), &ported), Some(ip("2001:db8::1")));
        // Garbage from a trusted proxy: unknown, never the proxy's own.
        let garbage = headers(&[("x-forwarded-for", "not-an-ip")]);
        assert_eq!(lb.client(ip("10.0.0.1"), &garbage), None);
        // A trusted proxy that forwards nothing is the client.
        assert_eq!(
            lb.client(ip("10.0.0.1"), &HeaderMap::new()),
            Some(ip("10.0.0.1"))
        );
        // An IPv4-mapped peer is its IPv4 address.
        assert_eq!(
            lb.client(ip("::ffff:10.0.0.1"), &spoofed),
            Some(ip("1.2.3.4"))
        );
    }

    #[test]
    fn ranges_are_checked() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        let e = TrustedProxies::parse(&["proxy"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().starts_with("invalid --trust-proxy 'proxy'"));
    }
}
