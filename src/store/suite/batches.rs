//! Purchase batches in the backend suite: a lapse met in the middle of a
//! batch of verifications, as a `Verifier` commits them (on PostgreSQL,
//! on keys the batch holds and writes at its end).

use super::{default_account, named};
use crate::balance::BatchExpiry;
use crate::clock::Timestamp;
use crate::key::KeyRef;
use crate::secret::digest_presented;
use crate::store::{Clock, Store, TopupOrder};
use crate::verify::{VerifyCode, VerifyRequest};

/// 2027-01-01T00:00:00Z.
const NEW_YEAR: i64 = 1_798_761_600;

/// Two keys with a batch each that lapses at one second; a batch of 12
/// verifications at that second: the first of each key records its lapse,
/// and every spend after it takes from what is left.
pub(crate) fn a_lapse_met_in_a_batch_is_recorded_once(store: Store) {
    let acct = default_account();
    let mut store = store.with_clock(Clock::Fixed(Timestamp::from_unix(NEW_YEAR)));
    let a = store.create_key(&acct, &named("a")).unwrap().secret;
    let b = store.create_key(&acct, &named("b")).unwrap().secret;
    for (name, amount) in [("a", 30), ("b", 40)] {
        let key = KeyRef::Name(named(name).name.unwrap());
        let order = TopupOrder {
            expires: BatchExpiry::parse("1d").unwrap(),
            ..TopupOrder::of(amount)
        };
        store.topup_with(&acct, &key, &order).unwrap();
        store
            .topup(&acct, &key, 10, None)
            .expect("lookups that never lapse");
    }
    let spend = VerifyRequest::default();
    let (da, db) = (
        digest_presented(a.expose()).unwrap(),
        digest_presented(b.expose()).unwrap(),
    );
    // A second before the lapse, a dry run counts every batch.
    let mut store = store.with_clock(Clock::Fixed(Timestamp::from_unix(NEW_YEAR + 86_399)));
    let dry = VerifyRequest {
        dry_run: true,
        ..VerifyRequest::default()
    };
    assert_eq!(store.verify(a.expose(), &dry).unwrap().balance, Some(140));
    let mut store = store.with_clock(Clock::Fixed(Timestamp::from_unix(NEW_YEAR + 86_400)));
    let mut batch = Vec::new();
    for _ in 0..6 {
        batch.push((da, &spend));
        batch.push((db, &spend));
    }
    let answers = store.verify_batch(&batch);
    let balances: Vec<(VerifyCode, Option<i64>)> = answers
        .iter()
        .map(|a| {
            let v = a.as_ref().unwrap();
            (v.code, v.balance)
        })
        .collect();
    // a: 100 test lookups and 10 that never lapse; b: 10.
    let mut expected = Vec::new();
    for i in 1..=6 {
        expected.push((VerifyCode::Valid, Some(110 - i)));
        expected.push((
            if i <= 10 {
                VerifyCode::Valid
            } else {
                VerifyCode::InsufficientBalance
            },
            Some(10 - i),
        ));
    }
    assert_eq!(balances, expected);
    let a_key = store
        .key(&acct, &KeyRef::Name(named("a").name.unwrap()))
        .unwrap();
    assert_eq!(a_key.balance, 104);
    assert_eq!(a_key.batches.live().count(), 1);
    let report = store.check().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    for name in ["a", "b"] {
        let key = KeyRef::Name(named(name).name.unwrap());
        let ledger = store.ledger_sum(&acct, &key).unwrap();
        let shown = store.key(&acct, &key).unwrap().balance;
        assert_eq!(ledger, shown, "{name}");
    }
}
