//! Usage: lookups per key, UTC day and client IP, as `apikey usage` reports
//! them. Client IPs are kept for the key's redact days after the day of use
//! and then replaced by a redacted marker; counts stay.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::key::{KeyId, KeyName};

/// The most days `usage --days` looks back.
pub const MAX_DAYS: u32 = 3660;

/// The client IP of a usage row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum UsageIp {
    /// The verification gave no IP.
    Unknown,
    /// Older than the key's redact days: the IP is gone.
    Redacted,
    /// The client address.
    Addr(IpAddr),
}

impl UsageIp {
    /// The row's IP for a request's address.
    pub fn of(ip: Option<IpAddr>) -> UsageIp {
        ip.map_or(UsageIp::Unknown, |ip| UsageIp::Addr(ip.to_canonical()))
    }

    /// How a row from `day` is shown on `today`: redacted once it is more
    /// than `redact_days` days old, whether or not the store has got to it.
    #[must_use]
    pub fn as_of(self, day: i64, today: i64, redact_days: u16) -> UsageIp {
        match self {
            UsageIp::Addr(_) if today - day > i64::from(redact_days) => UsageIp::Redacted,
            other => other,
        }
    }
}

impl fmt::Display for UsageIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageIp::Unknown => f.write_str("(none)"),
            UsageIp::Redacted => f.write_str("(redacted)"),
            UsageIp::Addr(ip) => write!(f, "{ip}"),
        }
    }
}

/// How `usage` groups lookups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum GroupBy {
    /// One row per UTC day, oldest first, days without lookups included.
    Day,
    /// One row per client IP, busiest first.
    Ip,
}

/// Lookups on one day.
#[derive(Clone, Debug, Serialize)]
pub struct DayRow {
    /// The UTC date, `2026-11-22`.
    pub day: String,
    /// Lookups spent.
    pub lookups: u64,
}

/// Lookups from one client IP over the period.
#[derive(Clone, Debug, Serialize)]
pub struct IpRow {
    /// The address; `null` when none was given or it was redacted.
    pub ip: Option<String>,
    /// Whether the address was removed after the key's redact days.
    pub redacted: bool,
    /// Lookups spent.
    pub lookups: u64,
}

/// `apikey usage` for one key.
#[derive(Clone, Debug, Serialize)]
pub struct UsageReport {
    /// The key.
    pub key_id: KeyId,
    /// Its name.
    pub name: KeyName,
    /// Its account.
    pub account: String,
    /// The first day counted.
    pub from: String,
    /// The last day counted (today).
    pub to: String,
    /// The grouping.
    pub by: GroupBy,
    /// Lookups in the period.
    pub total: u64,
    /// Per-day rows, when grouped by day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<DayRow>>,
    /// Per-IP rows, when grouped by IP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ips: Option<Vec<IpRow>>,
    /// The balance's other changes in the period, oldest first.
    pub balance_changes: Vec<BalanceChange>,
}

/// A change to a balance other than spends: a ledger row of kind
/// `test_balance`, `topup`, `auto_topup` or `expired`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceChange {
    /// When.
    pub at: Timestamp,
    /// The ledger row's kind.
    pub kind: String,
    /// Lookups added (negative: taken out).
    pub lookups: i64,
}

/// One stored usage row, as the store hands it over.
#[derive(Clone, Copy, Debug)]
pub struct UsageRow {
    /// UTC day number.
    pub day: i64,
    /// Client IP.
    pub ip: UsageIp,
    /// Lookups.
    pub count: u64,
}

/// Parses `--days`: 1 to 3660.
pub fn parse_days(text: &str) -> Result<u32> {
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_DAYS).contains(n) && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            Error::invalid(format!(
                "invalid number of days '{}': use a whole number from 1 to {MAX_DAYS}",
                crate::text::quoted(text)
            ))
        })
}

/// Groups raw rows into the report's rows for the `days` ending today.
pub fn group(
    rows: &[UsageRow],
    by: GroupBy,
    today: i64,
    days: u32,
    redact_days: u16,
) -> (u64, Option<Vec<DayRow>>, Option<Vec<IpRow>>) {
    let first = today - i64::from(days) + 1;
    let rows: Vec<&UsageRow> = rows
        .iter()
        .filter(|r| r.day >= first && r.day <= today)
        .collect();
    let total = rows.iter().map(|r| r.count).sum();
    match by {
        GroupBy::Day => {
            let out = (first..=today)
                .map(|day| DayRow {
                    day: Timestamp::day_label(day),
                    lookups: rows.iter().filter(|r| r.day == day).map(|r| r.count).sum(),
                })
                .collect();
            (total, Some(out), None)
        }
        GroupBy::Ip => {
            let mut per_ip = std::collections::BTreeMap::<UsageIp, u64>::new();
            for r in &rows {
                *per_ip
                    .entry(r.ip.as_of(r.day, today, redact_days))
                    .or_default() += r.count;
            }
            let mut out: Vec<IpRow> = per_ip
                .into_iter()
                .map(|(ip, lookups)| IpRow {
                    ip: match ip {
                        UsageIp::Addr(a) => Some(a.to_string()),
                        _ => None,
                    },
                    redacted: ip == UsageIp::Redacted,
                    lookups,
                })
                .collect();
            out.sort_by_key(|r| std::cmp::Reverse(r.lookups));
            (total, None, Some(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: i64, ip: &str, count: u64) -> UsageRow {
        UsageRow {
            day,
            ip: if ip.is_empty() {
                UsageIp::Unknown
            } else {
                UsageIp::Addr(ip.parse().unwrap())
            },
            count,
        }
    }

    #[test]
    fn by_day_fills_gaps_and_drops_old_rows() {
        let rows = [
            row(100, "10.0.0.1", 3),
            row(98, "", 2),
            row(90, "10.0.0.1", 50),
        ];
        let (total, days, _) = group(&rows, GroupBy::Day, 100, 3, 28);
        let days = days.unwrap();
        assert_eq!(total, 5);
        assert_eq!(
            days.iter().map(|d| d.lookups).collect::<Vec<_>>(),
            [2, 0, 3]
        );
    }

    #[test]
    fn by_ip_redacts_rows_past_the_redact_days() {
        let rows = [
            row(100, "10.0.0.1", 3),
            row(95, "10.0.0.1", 4),
            row(100, "10.0.0.2", 1),
        ];
        let (_, _, ips) = group(&rows, GroupBy::Ip, 100, 30, 3);
        let ips = ips.unwrap();
        assert_eq!(ips[0].lookups, 4);
        assert!(ips[0].redacted && ips[0].ip.is_none());
        assert_eq!(ips[1].ip.as_deref(), Some("10.0.0.1"));
        assert_eq!(ips[1].lookups, 3);
    }

    #[test]
    fn days_flag() {
        assert_eq!(parse_days("7").unwrap(), 7);
        assert!(parse_days("0").is_err());
        assert!(parse_days("3661").is_err());
    }
}
