//! What a key's holder may see of it: whether it would be served now, its
//! balance and how much of its quotas is used. A customer's dashboard or
//! script reads this with the key itself (`GET /v1/key` of `apikey serve`),
//! so it holds nothing an admin would keep from the holder: no name,
//! allowed lists or notification addresses.

use serde::Serialize;

use crate::clock::Timestamp;
use crate::verify::VerifyCode;

/// A key as its holder sees it. Reading it spends nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KeyView {
    /// Whether a request like this one would be served now (the code is
    /// `VALID`).
    pub available: bool,
    /// What a dry run of the request would answer.
    pub code: VerifyCode,
    /// Lookups left; `None` when the key was not identified.
    pub balance: Option<i64>,
    /// Lookups today (UTC) against the daily limit.
    pub daily: Quota,
    /// Lookups this calendar month (UTC) against the monthly limit.
    pub monthly: Quota,
    /// When the key stops verifying, if ever.
    pub expires_at: Option<Timestamp>,
}

/// One quota's use in its current period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// Lookups spent in the period.
    pub used: u64,
    /// The most the period allows; `None` for no limit.
    pub limit: Option<u64>,
}

impl KeyView {
    /// The view of a key that was not identified (malformed or unknown).
    pub(crate) fn unidentified(code: VerifyCode) -> KeyView {
        KeyView {
            available: false,
            code,
            balance: None,
            daily: Quota::default(),
            monthly: Quota::default(),
            expires_at: None,
        }
    }
}
