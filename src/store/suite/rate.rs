//! Rate limits and suspension in the backend suite: a limit larger than a
//! key's row keeps (its table of accepted requests), spent through batches
//! as a `Verifier` commits them, and the order of the checks.

use super::{default_account, named};
use crate::key::KeyRef;
use crate::rate::RateLimit;
use crate::secret::digest_presented;
use crate::security::SecuritySettings;
use crate::store::{Clock, KeySpec, Store};
use crate::verify::{VerifyCode, VerifyRequest};

/// 2026-12-06T12:00:00Z in milliseconds.
const NOON_MS: i64 = 1_796_558_400_000;

/// 1,200 per hour and 3 per second: the hour's 1,200th latest is read from
/// the table by number, the second's 3rd latest from the key's row. Three
/// requests a second for 400 seconds fill the hour; the next is refused
/// until the first is an hour old, to the millisecond.
pub(crate) fn a_limit_larger_than_a_row_keeps_is_exact(store: Store) {
    let acct = default_account();
    let spec = KeySpec {
        security: SecuritySettings {
            rate_limits: vec![
                RateLimit::parse("3/s").unwrap(),
                RateLimit::parse("1200/h").unwrap(),
            ],
            ..SecuritySettings::default()
        },
        ..named("web")
    };
    let mut store = store.with_clock(Clock::FixedMillis(NOON_MS));
    let secret = store.create_key(&acct, &spec).unwrap().secret;
    store
        .topup(
            &acct,
            &KeyRef::Name(named("web").name.unwrap()),
            10_000,
            None,
        )
        .unwrap();
    let digest = digest_presented(secret.expose()).unwrap();
    let spend = VerifyRequest::default();
    for step in 0..400 {
        let mut at = store.with_clock(Clock::FixedMillis(NOON_MS + step * 1000));
        // Four in one batch: the fourth finds the second full.
        let answers = at.verify_batch(&[(digest, &spend); 4]);
        let codes: Vec<VerifyCode> = answers.iter().map(|a| a.as_ref().unwrap().code).collect();
        assert_eq!(
            codes,
            [
                VerifyCode::Valid,
                VerifyCode::Valid,
                VerifyCode::Valid,
                VerifyCode::RateLimited
            ],
            "second {step}"
        );
        store = at;
    }
    let at = |store: Store, ms: i64| store.with_clock(Clock::FixedMillis(NOON_MS + ms));
    // The hour holds 1,200: full until the first is an hour old.
    let mut store = at(store, 400_000);
    let v = store.verify(secret.expose(), &spend).unwrap();
    assert_eq!(
        (v.code, v.retry_after_ms),
        (VerifyCode::RateLimited, Some(3_200_000))
    );
    let mut store = at(store, 3_599_999);
    let v = store.verify(secret.expose(), &spend).unwrap();
    assert_eq!(
        (v.code, v.retry_after_ms),
        (VerifyCode::RateLimited, Some(1))
    );
    // Three were accepted at 0 ms: one hour on, all three have left it.
    let mut store = at(store, 3_600_000);
    for _ in 0..3 {
        let v = store.verify(secret.expose(), &spend).unwrap();
        assert_eq!(v.code, VerifyCode::Valid);
    }
    let v = store.verify(secret.expose(), &spend).unwrap();
    assert_eq!(v.code, VerifyCode::RateLimited);
    assert_eq!(v.balance, Some(100 + 10_000 - 1_203));
    let report = store.check().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

/// A suspended key is refused before its origin, limits and balance are
/// looked at, and after its revocation and expiry.
pub(crate) fn suspension_comes_after_expiry_and_before_the_rest(store: Store) {
    let acct = default_account();
    let mut store = store.with_clock(Clock::FixedMillis(NOON_MS));
    let spec = KeySpec {
        security: SecuritySettings {
            rate_limits: vec![RateLimit::parse("1/h").unwrap()],
            daily_limit: Some(1),
            ..SecuritySettings::default()
        },
        expires_at: Some(crate::clock::Timestamp::from_unix(NOON_MS / 1000 + 60)),
        ..named("web")
    };
    let secret = store.create_key(&acct, &spec).unwrap().secret;
    let key = KeyRef::Name(named("web").name.unwrap());
    let spend = VerifyRequest::default();
    assert_eq!(
        store.verify(secret.expose(), &spend).unwrap().code,
        VerifyCode::Valid
    );
    store.suspend(&acct, &key, Some("test")).unwrap();
    let v = store.verify(secret.expose(), &spend).unwrap();
    assert_eq!((v.code, v.balance), (VerifyCode::Suspended, Some(99)));
    let mut store = store.with_clock(Clock::FixedMillis(NOON_MS + 60_000));
    assert_eq!(
        store.verify(secret.expose(), &spend).unwrap().code,
        VerifyCode::Expired
    );
    let resumed = store.resume(&acct, &key).unwrap();
    assert!(resumed.changed);
    assert_eq!(
        store.verify(secret.expose(), &spend).unwrap().code,
        VerifyCode::Expired
    );
}
