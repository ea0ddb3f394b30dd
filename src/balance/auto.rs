//! Automatic top-up: when a verification leaves a key's balance below a
//! threshold (or finds it there and would be refused for it), lookups are
//! added in the same transaction, at most so many times per UTC day, so a
//! prepaid key runs on while its owner is billed for each top-up.

use serde::Deserialize;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::{BatchExpiry, MAX_TOPUP};
use crate::clock::Timestamp;
use crate::error::{Error, Result};

/// The most automatic top-ups a key may make in a UTC day.
pub const MAX_PER_DAY: u32 = 1000;

/// A key's automatic top-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoTopup {
    /// Top up when the balance is below this.
    pub below: i64,
    /// Lookups each top-up adds.
    pub amount: i64,
    /// At most this many top-ups per UTC day.
    pub max_per_day: u32,
    /// When the lookups each top-up adds lapse.
    pub expires: BatchExpiry,
}

impl AutoTopup {
    /// Checks the numbers: `below` and `amount` from 1 to 1,000,000,000,
    /// `max_per_day` from 1 to 1,000, and an expiry relative to each
    /// top-up (a fixed date would soon be past).
    pub fn new(
        below: i64,
        amount: i64,
        max_per_day: u32,
        expires: BatchExpiry,
    ) -> Result<AutoTopup> {
        let whole = |what: &str, n: i64| {
            if (1..=MAX_TOPUP).contains(&n) {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "invalid {what} {n}: use a whole number from 1 to {MAX_TOPUP}"
                )))
            }
        };
        whole("threshold", below)?;
        whole("amount", amount)?;
        if !(1..=MAX_PER_DAY).contains(&max_per_day) {
            return Err(Error::invalid(format!(
                "invalid number of top-ups per day {max_per_day}: use a whole number from 1 to {MAX_PER_DAY}"
            )));
        }
        if let BatchExpiry::At(t) = expires {
            return Err(Error::invalid(format!(
                "an automatic top-up's expiry cannot be a fixed time ({t}): use a duration such as 365d or 12mo, or never"
            )));
        }
        Ok(AutoTopup {
            below,
            amount,
            max_per_day,
            expires,
        })
    }

    /// Whether a key at `balance` that has topped itself up `fired` times
    /// on the current UTC day tops up again.
    pub fn due(&self, balance: i64, fired_today: u32) -> bool {
        balance < self.below && fired_today < self.max_per_day
    }

    /// When the lookups a top-up made at `now` adds lapse: the end of the
    /// UTC day the expiry falls in, so that a day's top-ups are one batch
    /// (a key holds at most 200). `None`: never; `Err` past the year 9999.
    pub fn lapses_at(&self, now: Timestamp) -> Result<Option<Timestamp>> {
        Ok(self.expires.lapses_at(now)?.map(|t| {
            if t.unix().rem_euclid(86_400) == 0 {
                t
            } else {
                Timestamp::from_unix((t.day() + 1).saturating_mul(86_400))
            }
        }))
    }

    /// The settings as a key's row keeps them.
    pub(crate) fn stored(&self) -> String {
        serde_json::json!({
            "below": self.below,
            "amount": self.amount,
            "max_per_day": self.max_per_day,
            "expires": self.expires.to_string(),
        })
        .to_string()
    }

    /// The settings read back from a key's row; `None` when they are not
    /// ones [`AutoTopup::new`] admits.
    pub(crate) fn from_stored(text: &str) -> Option<AutoTopup> {
        #[derive(Deserialize)]
        struct Stored {
            below: i64,
            amount: i64,
            max_per_day: u32,
            expires: String,
        }
        let s: Stored = serde_json::from_str(text).ok()?;
        let expires = BatchExpiry::parse_relative(&s.expires).ok()?;
        AutoTopup::new(s.below, s.amount, s.max_per_day, expires).ok()
    }
}

/// The key JSON's `auto_topup`: `{"below", "amount", "max_per_day",
/// "expires"}` (`expires` a duration such as `365d`, or `null`: never).
impl Serialize for AutoTopup {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("AutoTopup", 4)?;
        m.serialize_field("below", &self.below)?;
        m.serialize_field("amount", &self.amount)?;
        m.serialize_field("max_per_day", &self.max_per_day)?;
        let expires = match self.expires {
            BatchExpiry::Never => None,
            other => Some(other.to_string()),
        };
        m.serialize_field("expires", &expires)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_and_stored_as_they_read_back() {
        let a = AutoTopup::new(100, 5000, 2, BatchExpiry::parse("12mo").unwrap()).unwrap();
        assert_eq!(AutoTopup::from_stored(&a.stored()), Some(a));
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::json!({"below": 100, "amount": 5000, "max_per_day": 2, "expires": "12mo"})
        );
        assert!(a.due(99, 1));
        assert!(!a.due(100, 0));
        assert!(!a.due(0, 2));
        for (below, amount, per_day) in [
            (0, 1, 1),
            (1, 0, 1),
            (1, 1, 0),
            (1, 1, 1001),
            (1, MAX_TOPUP + 1, 1),
        ] {
            assert!(AutoTopup::new(below, amount, per_day, BatchExpiry::Never).is_err());
        }
        let at = BatchExpiry::parse("2030-01-01").unwrap();
        assert!(AutoTopup::new(1, 1, 1, at).is_err());
        assert_eq!(AutoTopup::from_stored("{\"below\":0}"), None);
        assert_eq!(AutoTopup::from_stored("not json"), None);
        // A day's top-ups lapse together, at the end of the day.
        let now = Timestamp::from_unix(10 * 86_400 + 3_600);
        // 12 months from day 10, 01:00 is day 375, 01:00: the end of that day.
        assert_eq!(
            a.lapses_at(now).unwrap(),
            Some(Timestamp::from_unix(376 * 86_400))
        );
        let month = AutoTopup::new(1, 1, 1, BatchExpiry::parse("30d").unwrap()).unwrap();
        assert_eq!(
            month.lapses_at(Timestamp::from_unix(86_400)).unwrap(),
            Some(Timestamp::from_unix(31 * 86_400))
        );
    }
}
