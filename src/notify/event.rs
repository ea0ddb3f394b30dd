//! Notification events and the rules that raise them. The rules are pure
//! functions of a key's state before and after a change; the store calls
//! them inside the transaction that makes the change and writes what they
//! return to the outbox, so an event exists exactly when its cause does.

use std::fmt;

use serde::Serialize;

use super::recipient::Delivery;
use super::sender::Holder;
use crate::clock::Timestamp;
use crate::key::KeyId;

/// How long before a key's expiry its people are told.
pub const EXPIRY_NOTICE_SECS: i64 = 7 * 86_400;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A spend took the balance from at or above the threshold to below it.
    LowBalance,
    /// A spend took the balance to 0.
    Exhausted,
    /// 90% of the daily limit is used (once a day).
    LimitWarning,
    /// The daily or monthly limit was hit (once a period).
    LimitReached,
    /// Lookups were added.
    Topup,
    /// The key was revoked.
    Revoked,
    /// The key got a new secret.
    Regenerated,
    /// The key expires within 7 days (once).
    Expiring,
    /// The key was suspended: it does not verify until resumed.
    Suspended,
    /// The suspended key was resumed.
    Resumed,
    /// A batch of lookups lapses within 42 days (once per batch).
    LookupsExpiring,
    /// What was left of a batch of lookups lapsed.
    LookupsExpired,
    /// A verification topped the key up on its own.
    AutoTopup,
}

impl EventKind {
    /// The word stored and shown, e.g. `low_balance`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LowBalance => "low_balance",
            EventKind::Exhausted => "exhausted",
            EventKind::LimitWarning => "limit_warning",
            EventKind::LimitReached => "limit_reached",
            EventKind::Topup => "topup",
            EventKind::Revoked => "revoked",
            EventKind::Regenerated => "regenerated",
            EventKind::Expiring => "expiring",
            EventKind::Suspended => "suspended",
            EventKind::Resumed => "resumed",
            EventKind::LookupsExpiring => "lookups_expiring",
            EventKind::LookupsExpired => "lookups_expired",
            EventKind::AutoTopup => "auto_topup",
        }
    }

    /// The inverse of [`EventKind::as_str`].
    pub fn parse(text: &str) -> Option<EventKind> {
        [
            EventKind::LowBalance,
            EventKind::Exhausted,
            EventKind::LimitWarning,
            EventKind::LimitReached,
            EventKind::Topup,
            EventKind::Revoked,
            EventKind::Regenerated,
            EventKind::Expiring,
            EventKind::Suspended,
            EventKind::Resumed,
            EventKind::LookupsExpiring,
            EventKind::LookupsExpired,
            EventKind::AutoTopup,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an event is in delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum EventStatus {
    /// Waiting for `notify send`.
    Pending,
    /// Delivered.
    Sent,
    /// Nobody to tell: the key had no addresses when it happened.
    Skipped,
    /// Given up: a recipient was refused for good (a 5xx reply, or too many
    /// temporary refusals). Those the server accepted got it; `notify
    /// retry` tries the refused ones again.
    Failed,
    /// Dropped by an admin with `notify discard`: never sent again.
    Discarded,
}

impl EventStatus {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Pending => "pending",
            EventStatus::Sent => "sent",
            EventStatus::Skipped => "skipped",
            EventStatus::Failed => "failed",
            EventStatus::Discarded => "discarded",
        }
    }

    /// The inverse of [`EventStatus::as_str`].
    pub fn parse(text: &str) -> Option<EventStatus> {
        [
            EventStatus::Pending,
            EventStatus::Sent,
            EventStatus::Skipped,
            EventStatus::Failed,
            EventStatus::Discarded,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// An event a rule raised, before it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NewEvent {
    /// What happened.
    pub kind: EventKind,
    /// Particulars for the mail, e.g. "threshold 100" or "daily limit 1000".
    pub detail: String,
}

impl NewEvent {
    /// An event of `kind` with its particulars.
    pub fn new(kind: EventKind, detail: impl Into<String>) -> NewEvent {
        NewEvent {
            kind,
            detail: detail.into(),
        }
    }
}

/// An event in the outbox. Serializes to the contract's outbox JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// Increases with every event.
    pub id: i64,
    /// What happened.
    pub event: EventKind,
    /// The key's account.
    pub account: String,
    /// The key.
    pub key_id: KeyId,
    /// Who was on the key's list when it happened.
    pub recipients: Vec<String>,
    /// Pending, sent, skipped, failed or discarded.
    pub status: EventStatus,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// When it happened.
    pub created_at: Timestamp,
    /// When it was delivered.
    pub sent_at: Option<Timestamp>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Each recipient's own outcome, in the order of `recipients`.
    pub deliveries: Vec<Delivery>,
    /// The `notify send` run delivering it right now, if one is.
    pub claimed_by: Option<Holder>,
    /// The key's name when it happened.
    #[serde(skip)]
    pub key_name: String,
    /// The key's hint when it happened.
    #[serde(skip)]
    pub key_hint: String,
    /// The balance when it happened.
    #[serde(skip)]
    pub balance: i64,
    /// Particulars.
    #[serde(skip)]
    pub detail: String,
}

/// Which once-a-period events a key has already raised: the UTC day of the
/// last limit warning and daily limit, the month of the last monthly limit,
/// and whether its expiry was announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Raised {
    /// Day number of the last `limit_warning`.
    pub warned_day: i64,
    /// Day number of the last daily `limit_reached`.
    pub limit_day: i64,
    /// Month number of the last monthly `limit_reached`.
    pub limit_month: i64,
    /// Whether `expiring` was raised for the current expiry.
    pub expiry: bool,
}

impl Default for Raised {
    fn default() -> Self {
        Raised {
            warned_day: -1,
            limit_day: -1,
            limit_month: -1,
            expiry: false,
        }
    }
}

/// A successful spend, as the spend rules see it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpendFacts {
    /// Balance before and after.
    pub balance: (i64, i64),
    /// The key's low-balance threshold.
    pub low_balance: Option<u64>,
    /// The key's daily limit and the day's count after the spend.
    pub daily: Option<(u64, u64)>,
    /// The key's monthly limit and the month's count after the spend.
    pub monthly: Option<(u64, u64)>,
    /// The UTC day and month of the spend.
    pub day: i64,
    /// The UTC month of the spend.
    pub month: i64,
}

/// The events a successful spend raises, and the key's updated record of
/// once-a-period events. Low balance fires on the crossing only; the limit
/// warning once a day, on the spend that takes the day's count to 90%; a
/// limit reached once per day or month, on the spend that takes the count
/// to the limit (and then no warning for the same spend). Only spends move
/// the counts, so a denial, even one whose cost is past what is left, never
/// says a limit was reached.
pub(crate) fn on_spend(facts: &SpendFacts, raised: Raised) -> (Vec<NewEvent>, Raised) {
    let mut events = Vec::new();
    let mut raised = raised;
    let (before, after) = facts.balance;
    if let Some(t) = facts.low_balance.and_then(|t| i64::try_from(t).ok())
        && before >= t
        && after < t
    {
        events.push(NewEvent::new(
            EventKind::LowBalance,
            format!("below the threshold of {t} lookups"),
        ));
    }
    if before > 0 && after == 0 {
        events.push(NewEvent::new(EventKind::Exhausted, "no lookups left"));
    }
    if let Some((limit, used)) = facts.daily {
        if used >= limit && raised.limit_day != facts.day {
            events.push(NewEvent::new(
                EventKind::LimitReached,
                format!("daily limit of {limit} lookups reached"),
            ));
            raised.limit_day = facts.day;
            raised.warned_day = facts.day;
        } else if used.saturating_mul(10) >= limit.saturating_mul(9)
            && raised.warned_day != facts.day
        {
            events.push(NewEvent::new(
                EventKind::LimitWarning,
                format!("{used} of the daily limit of {limit} lookups used"),
            ));
            raised.warned_day = facts.day;
        }
    }
    if let Some((limit, used)) = facts.monthly
        && used >= limit
        && raised.limit_month != facts.month
    {
        events.push(NewEvent::new(
            EventKind::LimitReached,
            format!("monthly limit of {limit} lookups reached"),
        ));
        raised.limit_month = facts.month;
    }
    (events, raised)
}

/// Whether a key's expiry is due to be announced at `now`: within 7 days
/// (or already past, if nobody ran a command in between), not yet announced.
pub(crate) fn expiry_due(expires_at: Option<Timestamp>, raised: Raised, now: Timestamp) -> bool {
    !raised.expiry && expires_at.is_some_and(|t| t.unix() - now.unix() <= EXPIRY_NOTICE_SECS)
}

/// The event announcing an expiry.
pub(crate) fn expiring(expires_at: Timestamp, now: Timestamp) -> NewEvent {
    let verb = if expires_at <= now {
        "expired"
    } else {
        "expires"
    };
    NewEvent::new(EventKind::Expiring, format!("{verb} at {expires_at}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spend(balance: (i64, i64), low: Option<u64>, daily: Option<(u64, u64)>) -> SpendFacts {
        SpendFacts {
            balance,
            low_balance: low,
            daily,
            monthly: None,
            day: 10,
            month: 3,
        }
    }

    fn kinds(events: &[NewEvent]) -> Vec<EventKind> {
        events.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn low_balance_fires_once_per_crossing() {
        let r = Raised::default();
        assert_eq!(
            kinds(&on_spend(&spend((100, 99), Some(100), None), r).0),
            [EventKind::LowBalance]
        );
        assert!(on_spend(&spend((99, 98), Some(100), None), r).0.is_empty());
        assert!(
            on_spend(&spend((101, 100), Some(100), None), r)
                .0
                .is_empty()
        );
        assert!(on_spend(&spend((100, 99), None, None), r).0.is_empty());
        assert_eq!(
            kinds(&on_spend(&spend((100, 0), Some(50), None), r).0),
            [EventKind::LowBalance, EventKind::Exhausted]
        );
        assert_eq!(
            kinds(&on_spend(&spend((1, 0), None, None), r).0),
            [EventKind::Exhausted]
        );
    }

    #[test]
    fn limit_warning_once_a_day_and_reached_once_a_period() {
        let r = Raised::default();
        let (events, r1) = on_spend(&spend((50, 49), None, Some((10, 9))), r);
        assert_eq!(kinds(&events), [EventKind::LimitWarning]);
        assert_eq!(r1.warned_day, 10);
        assert!(
            on_spend(&spend((50, 49), None, Some((10, 9))), r1)
                .0
                .is_empty()
        );
        let (events, r2) = on_spend(&spend((49, 48), None, Some((10, 10))), r1);
        assert_eq!(kinds(&events), [EventKind::LimitReached]);
        assert!(
            on_spend(&spend((49, 48), None, Some((10, 10))), r2)
                .0
                .is_empty()
        );
        // Straight past 90% to the limit: only "reached".
        let (events, _) = on_spend(&spend((9, 8), None, Some((10, 10))), r);
        assert_eq!(kinds(&events), [EventKind::LimitReached]);
    }

    #[test]
    fn expiry_is_announced_within_seven_days_once() {
        let now = Timestamp::from_unix(1_000_000);
        let r = Raised::default();
        assert!(!expiry_due(None, r, now));
        assert!(!expiry_due(
            Some(now.plus(std::time::Duration::from_secs(8 * 86_400))),
            r,
            now
        ));
        assert!(expiry_due(
            Some(now.plus(std::time::Duration::from_secs(7 * 86_400))),
            r,
            now
        ));
        assert!(
            expiry_due(Some(Timestamp::from_unix(5)), r, now),
            "late, but once"
        );
        let done = Raised { expiry: true, ..r };
        assert!(!expiry_due(Some(now), done, now));
    }
}
