//! When a batch of lookups lapses, as a top-up or the config asks: never,
//! a while after it is bought (`365d`, `12mo`), or at a date.

use std::fmt;

use time::{Date, Month, OffsetDateTime};

use crate::clock::{self, Timestamp};
use crate::error::{Error, Result};

/// When a batch bought now lapses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchExpiry {
    /// It never lapses.
    Never,
    /// This long after it is bought: calendar months (a month from 31
    /// January is the last day of February), then seconds.
    After {
        /// Calendar months (`mo`; a year `y` is 12).
        months: u32,
        /// Seconds (`d`, `h`, `m`, `s`, `w`).
        secs: u64,
    },
    /// At this instant.
    At(Timestamp),
}

/// The longest a batch may last: a century.
const MAX_MONTHS: u64 = 1200;

impl BatchExpiry {
    /// Parses `never`, a duration (`365d`, `12mo`, `1y`, `90d12h`) or an
    /// RFC 3339 date or time (`2027-06-30`: the end of that day, UTC).
    pub fn parse(text: &str) -> Result<BatchExpiry> {
        if text == "never" {
            return Ok(BatchExpiry::Never);
        }
        if text.starts_with(|c: char| c.is_ascii_digit()) && text.len() >= 10 && text.contains('-')
        {
            return clock::parse_expiry(text).map(BatchExpiry::At);
        }
        BatchExpiry::parse_relative(text)
    }

    /// Parses `never` or a duration only: what a setting that applies to
    /// every later top-up takes (a fixed date would soon be past).
    pub fn parse_relative(text: &str) -> Result<BatchExpiry> {
        if text == "never" {
            return Ok(BatchExpiry::Never);
        }
        let bad = || {
            Error::invalid(format!(
                "invalid expiry '{}': use a duration such as 365d, 12mo or 1y, a date such as 2027-06-30, or never",
                crate::text::quoted(text)
            ))
        };
        let (mut months, mut secs, mut digits) = (0u64, 0u64, String::new());
        let mut rest = text;
        if rest.is_empty() {
            return Err(bad());
        }
        while let Some(c) = rest.chars().next() {
            if c.is_ascii_digit() {
                digits.push(c);
                rest = &rest[1..];
                continue;
            }
            let n: u64 = digits.parse().map_err(|_| bad())?;
            digits.clear();
            let (unit_months, unit_secs, len) = if rest.starts_with("mo") {
                (1, 0, 2)
            } else {
                match c {
                    'y' => (12, 0, 1),
                    'w' => (0, 604_800, 1),
                    'd' => (0, 86_400, 1),
                    'h' => (0, 3_600, 1),
                    'm' => (0, 60, 1),
                    's' => (0, 1, 1),
                    _ => return Err(bad()),
                }
            };
            rest = &rest[len..];
            months = n
                .checked_mul(unit_months)
                .and_then(|m| months.checked_add(m))
                .ok_or_else(bad)?;
            secs = n
                .checked_mul(unit_secs)
                .and_then(|s| secs.checked_add(s))
                .ok_or_else(bad)?;
        }
        if !digits.is_empty() {
            return Err(bad());
        }
        if months.saturating_mul(31 * 86_400).saturating_add(secs) > MAX_MONTHS * 31 * 86_400 {
            return Err(Error::invalid(format!(
                "expiry '{}' is too far: at most 100 years",
                crate::text::quoted(text)
            )));
        }
        if months == 0 && secs == 0 {
            return Err(Error::invalid(format!(
                "expiry '{}' is no time at all: use a later one, or never",
                crate::text::quoted(text)
            )));
        }
        Ok(BatchExpiry::After {
            months: u32::try_from(months).map_err(|_| bad())?,
            secs,
        })
    }

    /// When a batch bought at `now` lapses (`None`: never). A date that is
    /// not after `now` is refused: the lookups would lapse as they are bought.
    pub fn lapses_at(self, now: Timestamp) -> Result<Option<Timestamp>> {
        match self {
            BatchExpiry::Never => Ok(None),
            BatchExpiry::At(t) if t <= now => Err(Error::invalid(format!(
                "expiry {t} is not in the future: use a later time, or never"
            ))),
            BatchExpiry::At(t) => Ok(Some(t)),
            BatchExpiry::After { months, secs } => {
                let moved = add_months(now, months)
                    .ok_or_else(|| Error::invalid("expiry is too far in the future"))?;
                Ok(Some(moved.plus(std::time::Duration::from_secs(secs))))
            }
        }
    }
}

impl fmt::Display for BatchExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchExpiry::Never => f.write_str("never"),
            BatchExpiry::At(t) => write!(f, "{t}"),
            BatchExpiry::After { months, secs } => {
                if *months > 0 {
                    write!(f, "{months}mo")?;
                }
                if *secs > 0 {
                    if secs % 86_400 == 0 {
                        write!(f, "{}d", secs / 86_400)?;
                    } else {
                        write!(f, "{secs}s")?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// `at` moved by calendar months, the day of the month kept where the
/// month has it, else the month's last day; `None` past the year 9999.
fn add_months(at: Timestamp, months: u32) -> Option<Timestamp> {
    let dt = OffsetDateTime::from_unix_timestamp(at.unix()).ok()?;
    let index = i64::from(dt.year()) * 12 + i64::from(u8::from(dt.month())) - 1 + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = dt.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let moved = dt.replace_date(date).unix_timestamp();
    (year <= 9999).then(|| Timestamp::from_unix(moved))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        clock::parse_instant(text).unwrap()
    }

    #[test]
    fn durations_months_and_dates() {
        let now = at("2027-01-31T10:00:00Z");
        let lapse = |text: &str| BatchExpiry::parse(text).unwrap().lapses_at(now).unwrap();
        assert_eq!(lapse("never"), None);
        assert_eq!(lapse("365d"), Some(at("2028-01-31T10:00:00Z")));
        assert_eq!(lapse("1mo"), Some(at("2027-02-28T10:00:00Z")));
        assert_eq!(lapse("12mo"), Some(at("2028-01-31T10:00:00Z")));
        assert_eq!(lapse("1y1d"), Some(at("2028-02-01T10:00:00Z")));
        assert_eq!(lapse("90m"), Some(at("2027-01-31T11:30:00Z")));
        assert_eq!(lapse("2027-06-30"), Some(at("2027-07-01T00:00:00Z")));
        assert_eq!(BatchExpiry::parse("12mo").unwrap().to_string(), "12mo");
        assert_eq!(BatchExpiry::parse("30d").unwrap().to_string(), "30d");
    }

    #[test]
    fn what_is_refused() {
        let now = at("2027-01-31T10:00:00Z");
        for bad in [
            "",
            "0d",
            "12",
            "mo",
            "12x",
            "1moo",
            "-1d",
            "101y",
            "é",
            "99999999999999999999d",
        ] {
            assert!(BatchExpiry::parse(bad).is_err(), "{bad:?}");
        }
        assert!(BatchExpiry::parse_relative("2027-06-30").is_err());
        assert!(
            BatchExpiry::parse("2027-01-01")
                .unwrap()
                .lapses_at(now)
                .is_err()
        );
    }
}
