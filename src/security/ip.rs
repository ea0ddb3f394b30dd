//! Allowed client IPs: addresses and CIDR blocks, IPv4 and IPv6.

use std::fmt;
use std::net::IpAddr;

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::text::quoted;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
