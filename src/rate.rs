//! Short-window rate limits: at most N accepted verifications in any
//! second, minute or hour, counted over a sliding window, exactly.
//!
//! The store keeps a key's accepted requests as a log numbered 1, 2, 3, …
//! with each one's time in milliseconds, and forgets entries no window can
//! need. A window of length W and limit N is full at `now` exactly when the
//! N-th most recent accepted request came after `now - W`; so a decision
//! reads at most one entry per window, whatever N is, and the log never
//! holds more than the largest N entries.

use std::fmt;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::text::quoted;

/// The most requests one window may allow.
pub const MAX_RATE: u32 = 1_000_000;

/// At most this many windows per key: one each of a second, a minute and
/// an hour.
pub const MAX_WINDOWS: usize = 3;

/// The length of a sliding window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Window {
    /// One second: `N/s`.
    #[serde(rename = "s")]
    Second,
    /// One minute: `N/min`.
    #[serde(rename = "min")]
    Minute,
    /// One hour: `N/h`.
    #[serde(rename = "h")]
    Hour,
}

impl Window {
    /// The unit as flags and manifests spell it: `s`, `min` or `h`.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Second => "s",
            Window::Minute => "min",
            Window::Hour => "h",
        }
    }

    /// The window's length in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            Window::Second => 1_000,
            Window::Minute => 60_000,
            Window::Hour => 3_600_000,
        }
    }

    /// Parses `s`, `min` or `h` (as `--remove-rate-limit` takes them).
    pub fn parse(text: &str) -> Result<Window> {
        match text {
            "s" => Ok(Window::Second),
            "min" => Ok(Window::Minute),
            "h" => Ok(Window::Hour),
            _ => Err(Error::invalid(format!(
                "invalid rate-limit window '{}': use s, min or h",
                quoted(text)
            ))),
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// At most `limit` accepted verifications in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// Requests allowed per window (1 to 1,000,000).
    pub limit: u32,
    /// The window's length.
    pub window: Window,
}

impl RateLimit {
    /// Parses `N/s`, `N/min` or `N/h`, N from 1 to 1,000,000.
    pub fn parse(text: &str) -> Result<RateLimit> {
        let bad = || {
            Error::invalid(format!(
                "invalid rate limit '{}': use N/s, N/min or N/h with N from 1 to {MAX_RATE}, e.g. 10/s",
                quoted(text)
            ))
        };
        let (count, unit) = text.split_once('/').ok_or_else(bad)?;
        let limit = count
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_RATE).contains(n) && count.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(bad)?;
        let window = Window::parse(unit).map_err(|_| bad())?;
        Ok(RateLimit { limit, window })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.limit, self.window)
    }
}

/// Checks a key's windows: at most one per length, so at most three.
pub(crate) fn check(limits: &[RateLimit]) -> Result<()> {
    for (i, a) in limits.iter().enumerate() {
        if limits[..i].iter().any(|b| b.window == a.window) {
            return Err(Error::invalid(format!(
                "a key can have one rate limit per window: two are per {}",
                a.window
            )));
        }
        if !(1..=MAX_RATE).contains(&a.limit) {
            return Err(Error::invalid(format!(
                "invalid rate limit {a}: use N from 1 to {MAX_RATE}"
            )));
        }
    }
    if limits.len() > MAX_WINDOWS {
        return Err(Error::invalid(format!(
            "a key can have at most {MAX_WINDOWS} rate limits"
        )));
    }
    Ok(())
}

/// Sets `limit` in `limits`, replacing the one with its window, and keeps
/// them ordered shortest window first.
pub(crate) fn set(limits: &mut Vec<RateLimit>, limit: RateLimit) {
    limits.retain(|l| l.window != limit.window);
    limits.push(limit);
    limits.sort_by_key(|l| l.window);
}

/// One accepted request in a key's log: its number and its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// 1 for the key's first accepted request, then one more each.
    pub seq: i64,
    /// When it was accepted, in milliseconds since the epoch.
    pub at_ms: i64,
}

/// The entries of a key's log a decision needs: the last one, and each
/// window's N-th most recent ([`RateLog::wanted`] says which).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLog {
    /// The entries read, in any order.
    pub hits: Vec<Hit>,
}

/// A decision on the rate limits for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RateCheck {
    /// Every window has room: the request would be the log's entry `next`
    /// at `at_ms` (never earlier than the last entry, so the log stays in
    /// order under a clock that steps back).
    Room {
        /// The new entry, if the request is accepted.
        next: Hit,
    },
    /// A window is full: it has room again in this many milliseconds.
    Full {
        /// Milliseconds until every window has room (at least 1).
        retry_after_ms: u64,
    },
}

impl RateLog {
    /// How deep into the log each window looks: its N-th most recent entry
    /// is the last's number minus N - 1.
    pub fn depths(limits: &[RateLimit]) -> Vec<i64> {
        limits.iter().map(|l| i64::from(l.limit) - 1).collect()
    }

    fn last(&self) -> Option<Hit> {
        self.hits.iter().copied().max_by_key(|h| h.seq)
    }

    fn at_seq(&self, seq: i64) -> Option<Hit> {
        self.hits.iter().copied().find(|h| h.seq == seq)
    }

    /// Whether a request at `now_ms` fits every window in `limits`.
    pub(crate) fn check(&self, limits: &[RateLimit], now_ms: i64) -> RateCheck {
        let Some(last) = self.last() else {
            return RateCheck::Room {
                next: Hit {
                    seq: 1,
                    at_ms: now_ms,
                },
            };
        };
        let mut wait: i64 = 0;
        for limit in limits {
            // The N-th most recent entry; when the log holds fewer, the
            // window cannot be full.
            let Some(nth) = self.at_seq(last.seq - (i64::from(limit.limit) - 1)) else {
                continue;
            };
            // Full while that entry is inside the window: until it is W old.
            let until = nth.at_ms.saturating_add(limit.window.millis());
            if until > now_ms {
                wait = wait.max(until - now_ms);
            }
        }
        if wait > 0 {
            RateCheck::Full {
                retry_after_ms: u64::try_from(wait).unwrap_or(u64::MAX),
            }
        } else {
            RateCheck::Room {
                next: Hit {
                    seq: last.seq + 1,
                    at_ms: now_ms.max(last.at_ms),
                },
            }
        }
    }
}

/// Entries with numbers up to this one are needed by no window once entry
/// `seq` is written: only the largest N most recent are ever read.
pub(crate) fn forgettable_through(limits: &[RateLimit], seq: i64) -> i64 {
    let deepest = limits.iter().map(|l| i64::from(l.limit)).max().unwrap_or(0);
    seq - deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(times: &[i64]) -> RateLog {
        RateLog {
            hits: times
                .iter()
                .enumerate()
                .map(|(i, &at_ms)| Hit {
                    seq: i as i64 + 1,
                    at_ms,
                })
                .collect(),
        }
    }

    fn per(limit: u32, window: Window) -> RateLimit {
        RateLimit { limit, window }
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(RateLimit::parse("10/s").unwrap(), per(10, Window::Second));
        assert_eq!(RateLimit::parse("600/min").unwrap().to_string(), "600/min");
        assert_eq!(
            RateLimit::parse("1000000/h").unwrap(),
            per(1_000_000, Window::Hour)
        );
        for bad in [
            "0/s",
            "1000001/s",
            "10",
            "10/",
            "/s",
            "10/sec",
            "+5/s",
            "5 /s",
            "-1/h",
            "10/S",
        ] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_value(per(5, Window::Minute)).unwrap(),
            serde_json::json!({"limit": 5, "window": "min"})
        );
    }

    #[test]
    fn one_limit_per_window_shortest_first() {
        let mut limits = Vec::new();
        set(&mut limits, per(600, Window::Minute));
        set(&mut limits, per(10, Window::Second));
        set(&mut limits, per(20, Window::Second));
        assert_eq!(limits, [per(20, Window::Second), per(600, Window::Minute)]);
        check(&limits).unwrap();
        assert!(check(&[per(1, Window::Second), per(2, Window::Second)]).is_err());
    }

    #[test]
    fn a_window_is_full_while_its_nth_latest_entry_is_inside_it() {
        let limits = [per(3, Window::Second)];
        // Three at 0, 100 and 500 ms: full until the first is a second old.
        let three = log(&[0, 100, 500]);
        assert_eq!(
            three.check(&limits, 999),
            RateCheck::Full { retry_after_ms: 1 }
        );
        assert_eq!(
            three.check(&limits, 600),
            RateCheck::Full {
                retry_after_ms: 400
            }
        );
        assert_eq!(
            three.check(&limits, 1000),
            RateCheck::Room {
                next: Hit {
                    seq: 4,
                    at_ms: 1000
                }
            }
        );
        // Two entries: room whatever the time.
        assert!(matches!(
            log(&[0, 1]).check(&limits, 2),
            RateCheck::Room { .. }
        ));
        assert!(matches!(
            RateLog::default().check(&limits, 0),
            RateCheck::Room {
                next: Hit { seq: 1, .. }
            }
        ));
    }

    #[test]
    fn the_longest_wait_of_the_full_windows_is_the_answer() {
        let limits = [per(2, Window::Second), per(3, Window::Minute)];
        let hits = log(&[0, 30_000, 30_500]);
        // The second is full until 31,000; the minute until 60,000.
        assert_eq!(
            hits.check(&limits, 30_600),
            RateCheck::Full {
                retry_after_ms: 29_400
            }
        );
    }

    #[test]
    fn a_clock_that_steps_back_never_reorders_the_log() {
        let limits = [per(5, Window::Second)];
        assert_eq!(
            log(&[10_000]).check(&limits, 4_000),
            RateCheck::Room {
                next: Hit {
                    seq: 2,
                    at_ms: 10_000
                }
            }
        );
        // Entries stamped after `now` still count, and for longer.
        let full = log(&[10_000; 5]);
        assert_eq!(
            full.check(&limits, 4_000),
            RateCheck::Full {
                retry_after_ms: 7_000
            }
        );
    }

    #[test]
    fn only_the_deepest_window_keeps_entries() {
        let limits = [per(10, Window::Second), per(100, Window::Minute)];
        assert_eq!(forgettable_through(&limits, 150), 50);
        assert_eq!(RateLog::depths(&limits), [9, 99]);
    }
}
