//! Short-window rate limits: at most N accepted verifications in any
//! second, minute or hour, counted over a sliding window, exactly.
//!
//! A window of length W and limit N is full at `now` exactly when the N-th
//! most recent accepted request came after `now - W`. So a key with limits
//! keeps the times (in milliseconds) of its last accepted requests and
//! numbers them 1, 2, 3, …: the last [`INLINE`] ride in the key's own row,
//! read with the key and written with its spend, so a limit up to that
//! size costs no statement of its own; a limit beyond it also keeps them in
//! a table, as many as it needs, and a decision reads one entry of it by
//! number.
//!
//! Requests are counted from when the key got its first limit; a limit
//! above [`INLINE`] counts the last [`INLINE`] from before it was set. A
//! request is stamped `now`; an accepted one takes the times after it
//! (stamped by a clock that ran ahead, or before this one stepped back)
//! down to `now`, so the list stays in order and such a time holds a
//! window at most W past the next acceptance.

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

mod log;

pub use self::log::{Hit, INLINE, RateState};
pub(crate) use self::log::{RateCheck, forgettable_through, needs_table};

#[cfg(test)]
mod tests {
    use super::*;

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
}
