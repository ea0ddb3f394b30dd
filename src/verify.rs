//! Verification: how an API server decides whether to serve a request that
//! presents a key. `decide` is the whole decision as a pure function; the
//! store runs it inside the transaction that spends the lookups.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::account::AccountName;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::key::{KeyId, KeyStatus};
use crate::security::SecuritySettings;

/// The outcome of a verification, with the contract's exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum VerifyCode {
    /// Accepted; `cost` lookups spent (none on a dry run).
    Valid,
    /// Not a well-formed key; the store was not read.
    Malformed,
    /// Well-formed but unknown, or replaced and past its grace period.
    NotFound,
    /// Revoked.
    Revoked,
    /// Past its expiry.
    Expired,
    /// Balance below the cost.
    InsufficientBalance,
    /// The key's daily limit is reached.
    DailyLimit,
    /// This client IP's daily limit on the key is reached.
    IpDailyLimit,
    /// Origin missing or not allowed.
    ForbiddenOrigin,
    /// Client IP missing or not allowed.
    ForbiddenIp,
    /// Scope missing or not allowed.
    ForbiddenScope,
    /// The key's monthly limit is reached.
    MonthlyLimit,
    /// Suspended until `resume`.
    Suspended,
    /// A short-window rate limit is reached; the verdict says when to retry.
    RateLimited,
}

impl VerifyCode {
    /// The exit code `apikey verify` ends with.
    pub fn exit_code(self) -> u8 {
        match self {
            VerifyCode::Valid => 0,
            VerifyCode::Malformed => 10,
            VerifyCode::NotFound => 11,
            VerifyCode::Revoked => 12,
            VerifyCode::Expired => 13,
            VerifyCode::InsufficientBalance => 14,
            VerifyCode::DailyLimit => 15,
            VerifyCode::IpDailyLimit => 16,
            VerifyCode::ForbiddenOrigin => 17,
            VerifyCode::ForbiddenIp => 18,
            VerifyCode::ForbiddenScope => 19,
            VerifyCode::MonthlyLimit => 20,
            VerifyCode::Suspended => 21,
            VerifyCode::RateLimited => 22,
        }
    }

    /// The code as the contract spells it, e.g. `DAILY_LIMIT`.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyCode::Valid => "VALID",
            VerifyCode::Malformed => "MALFORMED",
            VerifyCode::NotFound => "NOT_FOUND",
            VerifyCode::Revoked => "REVOKED",
            VerifyCode::Expired => "EXPIRED",
            VerifyCode::InsufficientBalance => "INSUFFICIENT_BALANCE",
            VerifyCode::DailyLimit => "DAILY_LIMIT",
            VerifyCode::IpDailyLimit => "IP_DAILY_LIMIT",
            VerifyCode::ForbiddenOrigin => "FORBIDDEN_ORIGIN",
            VerifyCode::ForbiddenIp => "FORBIDDEN_IP",
            VerifyCode::ForbiddenScope => "FORBIDDEN_SCOPE",
            VerifyCode::MonthlyLimit => "MONTHLY_LIMIT",
            VerifyCode::Suspended => "SUSPENDED",
            VerifyCode::RateLimited => "RATE_LIMITED",
        }
    }
}

impl fmt::Display for VerifyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest cost one verification may spend.
pub const MAX_COST: u64 = 1_000_000_000;

/// What the caller presented along with the key. Owned, so that a request
/// can be handed to another thread (a [`crate::Verifier`]'s store thread).
#[derive(Clone, Debug)]
pub struct VerifyRequest {
    /// The browser's Origin or Referer, if any.
    pub origin: Option<String>,
    /// The client's address, if known.
    pub ip: Option<IpAddr>,
    /// The scope the request needs, if any.
    pub scope: Option<String>,
    /// Lookups this request spends (1 to 1,000,000,000).
    pub cost: u64,
    /// Check only: spend nothing, record nothing.
    pub dry_run: bool,
    /// The account the verifier serves: a key of any other account is
    /// `NOT_FOUND`, and an account that does not exist is an error. `None`
    /// accepts keys of every account.
    pub account: Option<AccountName>,
}

impl Default for VerifyRequest {
    fn default() -> Self {
        VerifyRequest {
            origin: None,
            ip: None,
            scope: None,
            cost: 1,
            dry_run: false,
            account: None,
        }
    }
}

/// Parses `--cost`: a whole number from 1 to 1,000,000,000.
pub fn parse_cost(text: &str) -> Result<u64> {
    text.parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_COST).contains(n) && text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            Error::invalid(format!(
                "invalid cost '{}': use a whole number from 1 to {MAX_COST}",
                crate::text::quoted(text)
            ))
        })
}

/// The answer a server acts on. Serializes to the contract's verify JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// Whether to serve the request.
    pub valid: bool,
    /// Why (or `VALID`).
    pub code: VerifyCode,
    /// The key, when the secret identified one.
    pub key_id: Option<KeyId>,
    /// Its account, when identified.
    pub account: Option<String>,
    /// Lookups left (after this spend, when valid).
    pub balance: Option<i64>,
    /// The cost asked for.
    pub cost: u64,
    /// On `RATE_LIMITED`: milliseconds until the key's full windows have
    /// room again (absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl Verdict {
    /// A verdict on a key that was not identified (malformed or unknown).
    pub fn unidentified(code: VerifyCode, cost: u64) -> Verdict {
        Verdict {
            valid: false,
            code,
            key_id: None,
            account: None,
            balance: None,
            cost,
            retry_after_ms: None,
        }
    }
}

/// How much of the key's quotas is used in the current periods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    /// Lookups today (UTC).
    pub today: u64,
    /// Lookups this calendar month (UTC).
    pub this_month: u64,
    /// Lookups today from the requesting IP.
    pub today_from_ip: u64,
    /// Milliseconds until the key's rate-limit windows have room, when one
    /// is full now.
    pub rate_full_for_ms: Option<u64>,
}

/// Everything the decision looks at about the key.
pub(crate) struct Subject<'a> {
    /// Active, revoked, expired or suspended.
    pub status: KeyStatus,
    /// Its settings.
    pub security: &'a SecuritySettings,
    /// Lookups remaining.
    pub balance: i64,
    /// Quota used so far.
    pub usage: Usage,
}

/// The decision, in a fixed order: the key's state (revoked, expired,
/// suspended), then who may use it (origin, IP, scope), then how much (rate
/// limits, then daily, monthly and per-IP daily limits), then whether it
/// can pay (balance). The first failing check is the answer.
pub(crate) fn decide(subject: &Subject<'_>, request: &VerifyRequest) -> VerifyCode {
    let sec = subject.security;
    let cost = request.cost;
    let over = |limit: Option<u64>, used: u64| limit.is_some_and(|l| used.saturating_add(cost) > l);
    match subject.status {
        KeyStatus::Revoked => return VerifyCode::Revoked,
        KeyStatus::Expired => return VerifyCode::Expired,
        KeyStatus::Suspended => return VerifyCode::Suspended,
        KeyStatus::Active => {}
    }
    if !sec.origin_allowed(request.origin.as_deref()) {
        return VerifyCode::ForbiddenOrigin;
    }
    // A per-IP limit cannot be kept without knowing the IP.
    if !sec.ip_allowed(request.ip) || (sec.ip_daily_limit.is_some() && request.ip.is_none()) {
        return VerifyCode::ForbiddenIp;
    }
    if !sec.scope_allowed(request.scope.as_deref()) {
        return VerifyCode::ForbiddenScope;
    }
    if subject.usage.rate_full_for_ms.is_some() {
        return VerifyCode::RateLimited;
    }
    if over(sec.daily_limit, subject.usage.today) {
        return VerifyCode::DailyLimit;
    }
    if over(sec.monthly_limit, subject.usage.this_month) {
        return VerifyCode::MonthlyLimit;
    }
    if over(sec.ip_daily_limit, subject.usage.today_from_ip) {
        return VerifyCode::IpDailyLimit;
    }
    if u64::try_from(subject.balance).unwrap_or(0) < cost {
        return VerifyCode::InsufficientBalance;
    }
    VerifyCode::Valid
}

/// The day buckets of quota counters as stored on a key: the counts belong
/// to the day and month they were last written in. Buckets only move
/// forward: a spend stamped earlier than the stored day (a clock stepped
/// back, or a writer that read its clock late) counts in the stored bucket,
/// so it can neither find a "fresh" day nor wipe the newer day's count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    /// The UTC day number `day_count` belongs to.
    pub day: i64,
    /// Lookups on that day.
    pub day_count: u64,
    /// The UTC month number `month_count` belongs to.
    pub month: i64,
    /// Lookups in that month.
    pub month_count: u64,
}

impl Counters {
    /// The UTC day a spend at `now` counts on: `now`'s, or the stored day
    /// when that is later.
    pub fn day_at(&self, now: Timestamp) -> i64 {
        self.day.max(now.day())
    }

    /// The UTC month a spend at `now` counts in, as [`Counters::day_at`].
    pub fn month_at(&self, now: Timestamp) -> i64 {
        self.month.max(now.month())
    }

    /// Lookups today, as of `now` (0 if the counter is from an earlier day).
    pub fn today(&self, now: Timestamp) -> u64 {
        if self.day >= now.day() {
            self.day_count
        } else {
            0
        }
    }

    /// Lookups this month, as of `now`.
    pub fn this_month(&self, now: Timestamp) -> u64 {
        if self.month >= now.month() {
            self.month_count
        } else {
            0
        }
    }

    /// The counters after spending `cost` at `now`.
    #[must_use]
    pub fn after_spend(&self, now: Timestamp, cost: u64) -> Counters {
        Counters {
            day: self.day_at(now),
            day_count: self.today(now).saturating_add(cost),
            month: self.month_at(now),
            month_count: self.this_month(now).saturating_add(cost),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::{IpRule, Scope, UrlPattern};

    fn subject(sec: &SecuritySettings, balance: i64, usage: Usage) -> Subject<'_> {
        Subject {
            status: KeyStatus::Active,
            security: sec,
            balance,
            usage,
        }
    }

    #[test]
    fn checks_run_in_order_and_the_first_failure_wins() {
        let sec = SecuritySettings {
            allowed_urls: vec![UrlPattern::parse("https://a.example").unwrap()],
            allowed_ips: vec![IpRule::parse("10.0.0.0/8").unwrap()],
            scopes: vec![Scope::parse("lookup").unwrap()],
            daily_limit: Some(10),
            monthly_limit: Some(100),
            ip_daily_limit: Some(5),
            ..SecuritySettings::default()
        };
        let good = VerifyRequest {
            origin: Some("https://a.example".into()),
            ip: Some("10.0.0.1".parse().unwrap()),
            scope: Some("lookup".into()),
            ..VerifyRequest::default()
        };
        let fresh = Usage::default();
        assert_eq!(decide(&subject(&sec, 1, fresh), &good), VerifyCode::Valid);
        let revoked = Subject {
            status: KeyStatus::Revoked,
            ..subject(&sec, 0, fresh)
        };
        assert_eq!(
            decide(&revoked, &VerifyRequest::default()),
            VerifyCode::Revoked
        );
        let suspended = Subject {
            status: KeyStatus::Suspended,
            ..subject(&sec, 0, fresh)
        };
        assert_eq!(
            decide(&suspended, &VerifyRequest::default()),
            VerifyCode::Suspended
        );
        let cases = [
            (
                VerifyRequest {
                    origin: None,
                    ..good.clone()
                },
                fresh,
                1,
                VerifyCode::ForbiddenOrigin,
            ),
            (
                VerifyRequest {
                    ip: None,
                    ..good.clone()
                },
                fresh,
                1,
                VerifyCode::ForbiddenIp,
            ),
            (
                VerifyRequest {
                    ip: Some("11.0.0.1".parse().unwrap()),
                    ..good.clone()
                },
                fresh,
                1,
                VerifyCode::ForbiddenIp,
            ),
            (
                VerifyRequest {
                    scope: Some("admin".into()),
                    ..good.clone()
                },
                fresh,
                1,
                VerifyCode::ForbiddenScope,
            ),
            (
                good.clone(),
                Usage { today: 10, ..fresh },
                1,
                VerifyCode::DailyLimit,
            ),
            (
                good.clone(),
                Usage {
                    this_month: 100,
                    ..fresh
                },
                1,
                VerifyCode::MonthlyLimit,
            ),
            (
                good.clone(),
                Usage {
                    today_from_ip: 5,
                    ..fresh
                },
                1,
                VerifyCode::IpDailyLimit,
            ),
            (good.clone(), fresh, 0, VerifyCode::InsufficientBalance),
            (
                good.clone(),
                Usage {
                    rate_full_for_ms: Some(5),
                    today: 10,
                    ..fresh
                },
                0,
                VerifyCode::RateLimited,
            ),
            (
                VerifyRequest {
                    cost: 2,
                    ..good.clone()
                },
                fresh,
                1,
                VerifyCode::InsufficientBalance,
            ),
            (
                VerifyRequest {
                    cost: 6,
                    ..good.clone()
                },
                fresh,
                100,
                VerifyCode::IpDailyLimit,
            ),
            (
                good.clone(),
                Usage {
                    today: 9,
                    this_month: 99,
                    today_from_ip: 4,
                    rate_full_for_ms: None,
                },
                1,
                VerifyCode::Valid,
            ),
        ];
        for (request, usage, balance, expected) in cases {
            assert_eq!(
                decide(&subject(&sec, balance, usage), &request),
                expected,
                "{request:?} {usage:?}"
            );
        }
    }

    #[test]
    fn counters_roll_over_at_utc_midnight_and_month_start() {
        let t = crate::clock::parse_instant("2026-11-30T23:59:59Z").unwrap();
        let c = Counters::default().after_spend(t, 3);
        assert_eq!(c.today(t), 3);
        let next = crate::clock::parse_instant("2026-12-01T00:00:00Z").unwrap();
        assert_eq!(c.today(next), 0);
        assert_eq!(c.this_month(next), 0);
        let c2 = c.after_spend(next, 1);
        assert_eq!((c2.day_count, c2.month_count), (1, 1));
    }

    #[test]
    fn counters_never_move_back_to_an_earlier_day() {
        let late = crate::clock::parse_instant("2026-12-01T00:00:00Z").unwrap();
        let early = crate::clock::parse_instant("2026-11-30T23:59:59Z").unwrap();
        let c = Counters::default().after_spend(late, 2);
        // A spend stamped before midnight, committed after the one past it,
        // counts on the newer day instead of resetting it.
        assert_eq!(c.today(early), 2);
        assert_eq!(c.this_month(early), 2);
        let c2 = c.after_spend(early, 1);
        assert_eq!((c2.day, c2.day_count), (late.day(), 3));
        assert_eq!((c2.month, c2.month_count), (late.month(), 3));
    }

    #[test]
    fn exit_codes_match_the_contract() {
        assert_eq!(VerifyCode::Valid.exit_code(), 0);
        assert_eq!(VerifyCode::Malformed.exit_code(), 10);
        assert_eq!(VerifyCode::MonthlyLimit.exit_code(), 20);
        assert_eq!(VerifyCode::Suspended.exit_code(), 21);
        assert_eq!(VerifyCode::RateLimited.exit_code(), 22);
        assert_eq!(
            serde_json::to_string(&VerifyCode::RateLimited).unwrap(),
            "\"RATE_LIMITED\""
        );
        assert_eq!(
            serde_json::to_string(&VerifyCode::IpDailyLimit).unwrap(),
            "\"IP_DAILY_LIMIT\""
        );
    }

    #[test]
    fn costs() {
        assert_eq!(parse_cost("3").unwrap(), 3);
        for bad in ["0", "-1", "1000000001", "x", ""] {
            assert!(parse_cost(bad).is_err(), "{bad}");
        }
    }
}
