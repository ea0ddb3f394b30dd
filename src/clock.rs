//! Time as the store sees it: whole seconds since the Unix epoch, printed as
//! RFC 3339 in UTC, with the UTC day and month buckets that limits count in.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::error::{Error, Result};

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// The latest instant the store accepts (9999-12-31T23:59:59Z), so that every
/// stored time can be printed as RFC 3339.
const MAX_UNIX: i64 = 253_402_300_799;

impl Timestamp {
    /// The current time from the system clock.
    pub fn now() -> Timestamp {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(MAX_UNIX),
            Err(_) => 0,
        };
        Timestamp(secs.min(MAX_UNIX))
    }

    /// A timestamp from Unix seconds, clamped to the printable range.
    pub fn from_unix(secs: i64) -> Timestamp {
        Timestamp(secs.clamp(0, MAX_UNIX))
    }

    /// The second a time in milliseconds since the epoch falls in.
    pub fn from_unix_ms(ms: i64) -> Timestamp {
        Timestamp::from_unix(ms.div_euclid(1000))
    }

    /// Unix seconds.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// The UTC day number (days since the epoch) that daily limits count in.
    pub fn day(self) -> i64 {
        self.0.div_euclid(86_400)
    }

    /// The UTC calendar month (`year * 12 + month - 1`) that monthly limits count in.
    pub fn month(self) -> i64 {
        let dt = self.datetime();
        i64::from(dt.year()) * 12 + i64::from(u8::from(dt.month())) - 1
    }

    /// This instant moved forward by `d`, saturating at the printable maximum.
    #[must_use]
    pub fn plus(self, d: Duration) -> Timestamp {
        let secs = i64::try_from(d.as_secs()).unwrap_or(MAX_UNIX);
        Timestamp(self.0.saturating_add(secs).min(MAX_UNIX))
    }

    /// This instant moved back by `d`, saturating at the epoch.
    #[must_use]
    pub fn minus(self, d: Duration) -> Timestamp {
        let secs = i64::try_from(d.as_secs()).unwrap_or(MAX_UNIX);
        Timestamp(self.0.saturating_sub(secs).max(0))
    }

    fn datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339 in UTC, e.g. `2026-11-22T09:00:00Z`.
    pub fn rfc3339(self) -> String {
        self.datetime()
            .format(&Rfc3339)
            .unwrap_or_else(|_| self.0.to_string())
    }

    /// `2026-11-22 09:00` for tables, where seconds are noise.
    pub fn short(self) -> String {
        let dt = self.datetime();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute()
        )
    }

    /// The calendar date of a day number, `2026-11-22`.
    pub fn day_label(day: i64) -> String {
        Timestamp::from_unix(day.saturating_mul(86_400)).rfc3339()[..10].to_owned()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

/// Milliseconds since the epoch by the system clock, clamped to the range
/// [`Timestamp`] prints.
pub fn now_millis() -> i64 {
    let ms = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(_) => 0,
    };
    ms.min(MAX_UNIX.saturating_mul(1000) + 999)
}

/// Parses an instant to the millisecond, as `parse_instant` takes it
/// (with a fraction of a second kept): milliseconds since the epoch.
pub fn parse_instant_ms(text: &str) -> Result<i64> {
    let dt = parse_datetime(text)?.0;
    Ok(dt.unix_timestamp() * 1000 + i64::from(dt.millisecond()))
}

/// Parses a duration such as `30d`, `12h`, `90m`, `45s`, `2w` or `1d12h`.
/// `0s` is allowed (a grace period of none).
pub fn parse_duration(text: &str) -> Result<Duration> {
    let bad = || {
        Error::invalid(format!(
            "invalid duration '{}': use a number and a unit, e.g. 30d, 12h, 90m, 45s, 2w",
            crate::text::quoted(text)
        ))
    };
    if text.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: u64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    // Nothing a key needs lasts longer than a century; this also keeps every
    // derived timestamp printable.
    if total > 100 * 366 * 86_400 {
        return Err(Error::invalid(format!(
            "duration '{}' is too long: at most 100 years",
            crate::text::quoted(text)
        )));
    }
    Ok(Duration::from_secs(total))
}

/// Parses an expiry: an RFC 3339 time (`2027-06-30T12:00:00Z`), a date
/// (`2027-06-30`: the end of that day, see [`parse_expiry`]) or a duration
/// from `now` (`30d`). `never` is handled by the caller.
pub fn parse_when(text: &str, now: Timestamp) -> Result<Timestamp> {
    if text.starts_with(|c: char| c.is_ascii_digit()) && text.len() >= 10 && text.contains('-') {
        return parse_expiry(text);
    }
    let d = parse_duration(text).map_err(|_| {
        Error::invalid(format!(
            "invalid time '{}': use an RFC 3339 date or time (2027-06-30, 2027-06-30T12:00:00Z) or a duration (30d, 12h)",
            crate::text::quoted(text)
        ))
    })?;
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    match now.unix().checked_add(secs) {
        Some(t) if t <= MAX_UNIX => Ok(Timestamp(t)),
        _ => Err(past_the_latest(text)),
    }
}

/// Like [`parse_when`], but the time must be after `now`: a key cannot be
/// made to expire in the past.
pub fn parse_future(text: &str, now: Timestamp) -> Result<Timestamp> {
    let when = parse_when(text, now)?;
    if when <= now {
        return Err(Error::invalid(format!(
            "expiry '{}' is not in the future: use a later time, or never",
            crate::text::quoted(text)
        )));
    }
    Ok(when)
}

/// Parses an absolute expiry, the instant a key stops working. A date
/// means the end of that day in UTC, as people mean "expires 2027-06-30":
/// the key works all that day and stops at 00:00 UTC the next. Times are
/// kept to the second, and a fraction rounds up, so a key always works
/// until the instant written (never a fraction of a second less).
pub fn parse_expiry(text: &str) -> Result<Timestamp> {
    let (dt, date_only) = parse_datetime(text)?;
    let mut secs = dt.unix_timestamp();
    if date_only {
        secs += 86_400;
    } else if dt.nanosecond() > 0 {
        secs += 1;
    }
    if secs > MAX_UNIX {
        return Err(past_the_latest(text));
    }
    Ok(Timestamp(secs))
}

/// Parses an RFC 3339 date or date-time as the instant it names (a date is
/// 00:00 UTC that day; a fraction of a second is dropped).
pub fn parse_instant(text: &str) -> Result<Timestamp> {
    Ok(Timestamp(parse_datetime(text)?.0.unix_timestamp()))
}

/// A date or date-time in the range the store keeps, and whether it was a
/// date only.
fn parse_datetime(text: &str) -> Result<(OffsetDateTime, bool)> {
    let bad = || {
        Error::invalid(format!(
            "invalid time '{}': use an RFC 3339 date or time, e.g. 2027-06-30 or 2027-06-30T12:00:00Z",
            crate::text::quoted(text)
        ))
    };
    let (dt, date_only) = if text.len() == 10 {
        let date = Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| bad())?;
        (
            PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc(),
            true,
        )
    } else {
        (
            OffsetDateTime::parse(text, &Rfc3339).map_err(|_| bad())?,
            false,
        )
    };
    if !(0..=MAX_UNIX).contains(&dt.unix_timestamp()) {
        return Err(bad());
    }
    Ok((dt, date_only))
}

fn past_the_latest(text: &str) -> Error {
    Error::invalid(format!(
        "expiry '{}' is after 9999-12-31T23:59:59Z, the latest time apikey keeps: use an earlier time, or never",
        crate::text::quoted(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339_in_utc() {
        assert_eq!(
            Timestamp::from_unix(1_795_338_000).rfc3339(),
            "2026-11-22T09:00:00Z"
        );
    }

    #[test]
    fn day_and_month_buckets() {
        let t = parse_instant("2026-11-22T23:59:59Z").unwrap();
        let u = parse_instant("2026-11-23T00:00:00Z").unwrap();
        assert_eq!(t.day() + 1, u.day());
        assert_eq!(t.month(), u.month());
        let dec = parse_instant("2026-12-01T00:00:00Z").unwrap();
        assert_eq!(t.month() + 1, dec.month());
        assert_eq!(Timestamp::day_label(u.day()), "2026-11-23");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d").unwrap().as_secs(), 30 * 86_400);
        assert_eq!(parse_duration("1d12h").unwrap().as_secs(), 36 * 3_600);
        assert_eq!(parse_duration("0s").unwrap().as_secs(), 0);
        for bad in [
            "",
            "30",
            "30x",
            "-5d",
            "d",
            "1.5h",
            "99999999999999999999d",
            "200000w",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn when_accepts_dates_times_and_durations() {
        let now = parse_instant("2026-11-22T09:00:00Z").unwrap();
        assert_eq!(
            parse_when("2027-06-30", now).unwrap().rfc3339(),
            "2027-07-01T00:00:00Z",
            "a date is the end of that day"
        );
        assert_eq!(
            parse_when("2027-06-30T12:00:00+02:00", now)
                .unwrap()
                .rfc3339(),
            "2027-06-30T10:00:00Z"
        );
        assert_eq!(
            parse_when("12h", now).unwrap().rfc3339(),
            "2026-11-22T21:00:00Z"
        );
        for bad in ["2027-13-01", "tomorrow", "30x", "2027-06-30T25:00:00Z"] {
            assert!(parse_when(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn expiries_never_end_early_and_never_wrap_at_the_top() {
        let expiry = |t: &str| parse_expiry(t).map(Timestamp::rfc3339);
        assert_eq!(
            expiry("2026-06-30T23:59:59.9Z").unwrap(),
            "2026-07-01T00:00:00Z"
        );
        assert_eq!(
            expiry("2026-06-30T00:00:00.5Z").unwrap(),
            "2026-06-30T00:00:01Z"
        );
        assert_eq!(
            expiry("2026-06-30T00:00:00.000Z").unwrap(),
            "2026-06-30T00:00:00Z"
        );
        assert_eq!(
            expiry("9999-12-31T23:59:59Z").unwrap(),
            "9999-12-31T23:59:59Z"
        );
        assert!(expiry("9999-12-31").is_err(), "its end is past the range");
        assert!(expiry("9999-12-31T23:59:59.5Z").is_err());
        let top = parse_instant("9999-12-31T23:59:58Z").unwrap();
        assert_eq!(
            parse_when("1s", top).unwrap().rfc3339(),
            "9999-12-31T23:59:59Z"
        );
        let err = parse_when("2d", top).unwrap_err().to_string();
        assert!(err.contains("latest time"), "{err}");
        let start = parse_instant("2026-06-30T00:00:00Z").unwrap();
        assert!(parse_future("2026-06-30T00:00:00.5Z", start).is_ok());
    }
}
