//! One test suite for every backend: each test takes a fresh [`Store`] from
//! a factory (with a guard that owns its resources), so a PostgreSQL backend
//! proves the same rules with one more `backend_suite!` line.

mod batches;
mod outbox;
mod rate;
mod redaction;

use std::time::Duration;

use crate::account::AccountName;
use crate::clock::{Timestamp, parse_instant};
use crate::error::Error;
use crate::key::{KeyName, KeyRef, KeyStatus};
use crate::security::{IpRule, SecuritySettings};
use crate::store::{Clock, KeySpec, Store};
use crate::verify::{VerifyCode, VerifyRequest};

fn default_account() -> AccountName {
    AccountName::parse("default").unwrap()
}

fn at(text: &str) -> Clock {
    Clock::Fixed(parse_instant(text).unwrap())
}

fn named(name: &str) -> KeySpec {
    KeySpec {
        name: Some(KeyName::parse(name).unwrap()),
        ..KeySpec::default()
    }
}

fn by_name(name: &str) -> KeyRef {
    KeyRef::Name(KeyName::parse(name).unwrap())
}

pub(crate) fn rule_1_ten_active_keys(mut store: Store) {
    let acct = default_account();
    for _ in 0..10 {
        store.create_key(&acct, &KeySpec::default()).unwrap();
    }
    let err = store.create_key(&acct, &KeySpec::default()).unwrap_err();
    assert_eq!(err.exit_code(), 3, "{err}");
    store.revoke(&acct, &by_name("key-1"), None).unwrap();
    store.create_key(&acct, &KeySpec::default()).unwrap();
    assert_eq!(store.keys(&acct, false).unwrap().len(), 10);
    assert_eq!(store.keys(&acct, true).unwrap().len(), 11);
}

pub(crate) fn rule_2_test_balance_once(mut store: Store) {
    let acct = default_account();
    let first = store.create_key(&acct, &named("a")).unwrap();
    assert_eq!(first.key.balance, 100);
    store.revoke(&acct, &by_name("a"), None).unwrap();
    assert_eq!(store.create_key(&acct, &named("b")).unwrap().key.balance, 0);
    let other = AccountName::parse("other").unwrap();
    store.create_account(&other).unwrap();
    assert_eq!(
        store.create_key(&other, &named("a")).unwrap().key.balance,
        100
    );
}

pub(crate) fn rule_3_unique_active_names(mut store: Store) {
    let acct = default_account();
    store.create_key(&acct, &named("web")).unwrap();
    let err = store.create_key(&acct, &named("web")).unwrap_err();
    assert_eq!(err.exit_code(), 3);
    store.revoke(&acct, &by_name("web"), None).unwrap();
    store.create_key(&acct, &named("web")).unwrap();
    assert_eq!(
        store.key(&acct, &by_name("web")).unwrap().status,
        KeyStatus::Active
    );
}

pub(crate) fn rule_4_revoked_is_final(mut store: Store) {
    let acct = default_account();
    let new = store.create_key(&acct, &named("web")).unwrap();
    store.revoke(&acct, &by_name("web"), Some("leak")).unwrap();
    for err in [
        store.revoke(&acct, &by_name("web"), None).unwrap_err(),
        store
            .regenerate(&acct, &by_name("web"), Duration::ZERO)
            .unwrap_err(),
        store.topup(&acct, &by_name("web"), 5, None).unwrap_err(),
    ] {
        assert_eq!(err.exit_code(), 3, "{err}");
    }
    let v = store
        .verify(new.secret.expose(), &VerifyRequest::default())
        .unwrap();
    assert_eq!(v.code, VerifyCode::Revoked);
}

pub(crate) fn rule_5_balances_and_ledgers(mut store: Store) {
    let acct = default_account();
    let new = store.create_key(&acct, &named("web")).unwrap();
    let web = by_name("web");
    store.topup(&acct, &web, 7, Some("n")).unwrap();
    let request = VerifyRequest {
        cost: 50,
        ..VerifyRequest::default()
    };
    let codes: Vec<VerifyCode> = (0..4)
        .map(|_| store.verify(new.secret.expose(), &request).unwrap().code)
        .collect();
    assert_eq!(
        codes,
        [
            VerifyCode::Valid,
            VerifyCode::Valid,
            VerifyCode::InsufficientBalance,
            VerifyCode::InsufficientBalance
        ]
    );
    let key = store.key(&acct, &web).unwrap();
    assert_eq!(key.balance, 7);
    assert_eq!(store.ledger_sum(&acct, &web).unwrap(), 7);
    for bad in [0, -1, 1_000_000_001] {
        assert!(matches!(
            store.topup(&acct, &web, bad, None),
            Err(Error::Invalid(_))
        ));
    }
}

pub(crate) fn accounts_are_never_implicit(mut store: Store) {
    let ghost = AccountName::parse("ghost").unwrap();
    let err = store.create_key(&ghost, &KeySpec::default()).unwrap_err();
    assert_eq!(err.exit_code(), 4);
    let names: Vec<String> = store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["default"]);
    store.create_account(&ghost).unwrap();
    assert_eq!(store.create_account(&ghost).unwrap_err().exit_code(), 3);
}

pub(crate) fn grace_periods(store: Store) {
    let acct = default_account();
    let mut store = store.with_clock(at("2026-11-22T09:00:00Z"));
    let old = store.create_key(&acct, &named("web")).unwrap().secret;
    let new = store
        .regenerate(&acct, &by_name("web"), Duration::from_secs(3600))
        .unwrap()
        .secret;
    let check = |store: &mut Store, secret: &str| {
        store
            .verify(
                secret,
                &VerifyRequest {
                    dry_run: true,
                    ..VerifyRequest::default()
                },
            )
            .unwrap()
            .code
    };
    assert_eq!(check(&mut store, old.expose()), VerifyCode::Valid);
    let mut store = store.with_clock(at("2026-11-22T10:00:00Z"));
    assert_eq!(check(&mut store, old.expose()), VerifyCode::NotFound);
    assert_eq!(check(&mut store, new.expose()), VerifyCode::Valid);
}

pub(crate) fn limits_roll_over_by_utc_day(store: Store) {
    let acct = default_account();
    let mut store = store.with_clock(at("2026-11-22T23:59:59Z"));
    let spec = KeySpec {
        security: SecuritySettings {
            daily_limit: Some(1),
            ip_daily_limit: Some(1),
            allowed_ips: vec![IpRule::parse("192.0.2.0/24").unwrap()],
            ..SecuritySettings::default()
        },
        ..named("web")
    };
    let secret = store.create_key(&acct, &spec).unwrap().secret;
    let request = VerifyRequest {
        ip: "192.0.2.1".parse().ok(),
        ..VerifyRequest::default()
    };
    assert_eq!(
        store.verify(secret.expose(), &request).unwrap().code,
        VerifyCode::Valid
    );
    assert_eq!(
        store.verify(secret.expose(), &request).unwrap().code,
        VerifyCode::DailyLimit
    );
    let mut store = store.with_clock(at("2026-11-23T00:00:00Z"));
    let v = store.verify(secret.expose(), &request).unwrap();
    assert_eq!((v.code, v.balance), (VerifyCode::Valid, Some(98)));
    let key = store.key(&acct, &by_name("web")).unwrap();
    assert_eq!(key.usage_today(store.now()), 1);
    assert_eq!(key.last_used_at, Some(Timestamp::from_unix(1_795_392_000)));
}

pub(crate) fn denied_verifications_write_nothing(mut store: Store) {
    let acct = default_account();
    let spec = KeySpec {
        security: SecuritySettings {
            scopes: vec![crate::security::Scope::parse("read").unwrap()],
            ..SecuritySettings::default()
        },
        ..named("web")
    };
    let secret = store.create_key(&acct, &spec).unwrap().secret;
    let before = store.key(&acct, &by_name("web")).unwrap();
    let v = store
        .verify(
            secret.expose(),
            &VerifyRequest {
                scope: Some("write".into()),
                ..VerifyRequest::default()
            },
        )
        .unwrap();
    assert_eq!(v.code, VerifyCode::ForbiddenScope);
    let after = store.key(&acct, &by_name("web")).unwrap();
    assert_eq!(
        (after.balance, after.last_used_at),
        (before.balance, before.last_used_at)
    );
    assert_eq!(store.ledger_sum(&acct, &by_name("web")).unwrap(), 100);
}

pub(crate) fn a_late_spend_counts_on_the_newer_day(store: Store) {
    let acct = default_account();
    let mut store = store.with_clock(at("2026-03-10T12:00:00Z"));
    let spec = KeySpec {
        security: SecuritySettings {
            daily_limit: Some(2),
            ..SecuritySettings::default()
        },
        ..named("web")
    };
    let secret = store.create_key(&acct, &spec).unwrap().secret;
    let mut codes = Vec::new();
    // A spend stamped before midnight that commits after one past it (a
    // clock stepped back, or a writer that waited) counts on the new day.
    for t in [
        "2026-03-10T23:59:58Z",
        "2026-03-10T23:59:58Z",
        "2026-03-10T23:59:58Z",
        "2026-03-11T00:00:00Z",
        "2026-03-10T23:59:59Z",
        "2026-03-11T00:00:01Z",
    ] {
        store = store.with_clock(at(t));
        codes.push(
            store
                .verify(secret.expose(), &VerifyRequest::default())
                .unwrap()
                .code,
        );
    }
    let (ok, over) = (VerifyCode::Valid, VerifyCode::DailyLimit);
    assert_eq!(codes, [ok, ok, over, ok, ok, over]);
    let key = store.key(&acct, &by_name("web")).unwrap();
    assert_eq!(
        key.counters.day,
        parse_instant("2026-03-11T00:00:00Z").unwrap().day()
    );
    assert_eq!(key.counters.day_count, 2);
    assert_eq!(
        key.last_used_at,
        Some(parse_instant("2026-03-11T00:00:00Z").unwrap()),
        "last_used_at never moves back"
    );
    assert_eq!(store.ledger_sum(&acct, &by_name("web")).unwrap(), 96);
}

pub(crate) fn a_named_account_scopes_verification(mut store: Store) {
    let acct = default_account();
    let blog = AccountName::parse("blog").unwrap();
    store.create_account(&blog).unwrap();
    let secret = store.create_key(&blog, &named("web")).unwrap().secret;
    let verify = |store: &mut Store, account: Option<&AccountName>| {
        store.verify(
            secret.expose(),
            &VerifyRequest {
                account: account.cloned(),
                ..VerifyRequest::default()
            },
        )
    };
    assert_eq!(
        verify(&mut store, Some(&acct)).unwrap().code,
        VerifyCode::NotFound
    );
    assert_eq!(
        store.ledger_sum(&blog, &by_name("web")).unwrap(),
        100,
        "nothing spent"
    );
    assert_eq!(
        verify(&mut store, Some(&blog)).unwrap().code,
        VerifyCode::Valid
    );
    assert_eq!(verify(&mut store, None).unwrap().code, VerifyCode::Valid);
    let nosuch = AccountName::parse("nosuch").unwrap();
    let err = verify(&mut store, Some(&nosuch)).unwrap_err();
    assert_eq!(err.exit_code(), 4, "{err}");
}

pub(crate) fn a_store_kept_by_the_rules_passes_its_check(mut store: Store) {
    let acct = default_account();
    let web = store.create_key(&acct, &named("web")).unwrap();
    store.create_key(&acct, &named("shop")).unwrap();
    store.topup(&acct, &by_name("shop"), 40, None).unwrap();
    for _ in 0..3 {
        store
            .verify(web.secret.expose(), &VerifyRequest::default())
            .unwrap();
    }
    store.revoke(&acct, &by_name("web"), None).unwrap();
    let other = AccountName::parse("other").unwrap();
    store.create_account(&other).unwrap();
    store.create_key(&other, &named("web")).unwrap();
    let report = store.check().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert_eq!((report.accounts, report.keys), (2, 3));
    assert_eq!(report.schema_version, store.schema_versions().1);
}

/// One batch (group commit) of many requests on a few keys: each decided
/// against the ones before it in the same transaction, a per-IP limit
/// counted across the batch, one low-balance event for the one crossing,
/// and the ledger, usage and counters written once for all.
pub(crate) fn a_batch_decides_each_request_against_the_ones_before(mut store: Store) {
    use crate::notify::{Email, NotifySettings};
    let acct = default_account();
    let a = store.create_key(&acct, &named("a")).unwrap();
    let b = store
        .create_key(
            &acct,
            &KeySpec {
                security: SecuritySettings {
                    ip_daily_limit: Some(3),
                    ..SecuritySettings::default()
                },
                notify: NotifySettings {
                    emails: vec![Email::parse("ops@example.com").unwrap()],
                    low_balance: Some(5),
                },
                ..named("b")
            },
        )
        .unwrap();
    store.topup(&acct, &by_name("b"), 8, None).unwrap();
    let spend = VerifyRequest::default();
    let dry = VerifyRequest {
        dry_run: true,
        ..VerifyRequest::default()
    };
    let from = |ip: &str| VerifyRequest {
        ip: Some(ip.parse().unwrap()),
        ..VerifyRequest::default()
    };
    let (one, two) = (from("192.0.2.1"), from("192.0.2.2"));
    let (da, db) = (a.secret.digest(), b.secret.digest());
    let mut batch: Vec<(crate::secret::KeyDigest, &VerifyRequest)> = Vec::new();
    for _ in 0..99 {
        batch.push((da, &spend));
    }
    batch.push((da, &dry));
    for _ in 0..4 {
        batch.push((db, &one));
    }
    batch.push((da, &spend));
    batch.push((da, &spend));
    for _ in 0..4 {
        batch.push((db, &two));
    }
    let answers: Vec<_> = store
        .verify_batch(&batch)
        .into_iter()
        .map(|a| a.unwrap())
        .collect();
    let codes: Vec<VerifyCode> = answers.iter().map(|v| v.code).collect();
    assert!(codes[..99].iter().all(|c| *c == VerifyCode::Valid));
    assert_eq!(answers[98].balance, Some(1));
    assert_eq!(
        (codes[99], answers[99].balance),
        (VerifyCode::Valid, Some(1))
    );
    assert_eq!(
        &codes[100..104],
        &[
            VerifyCode::Valid,
            VerifyCode::Valid,
            VerifyCode::Valid,
            VerifyCode::IpDailyLimit
        ]
    );
    assert_eq!(answers[102].balance, Some(5));
    assert_eq!(
        (codes[104], codes[105]),
        (VerifyCode::Valid, VerifyCode::InsufficientBalance)
    );
    assert_eq!(
        &codes[106..],
        &[
            VerifyCode::Valid,
            VerifyCode::Valid,
            VerifyCode::Valid,
            VerifyCode::IpDailyLimit
        ]
    );
    assert_eq!(answers[108].balance, Some(2));
    // What the batch wrote, read back by another handle's transactions.
    assert_eq!(store.key(&acct, &by_name("a")).unwrap().balance, 0);
    assert_eq!(store.key(&acct, &by_name("b")).unwrap().balance, 2);
    let usage = store
        .usage(&acct, &by_name("b"), 1, crate::usage::GroupBy::Ip)
        .unwrap();
    assert_eq!(usage.total, 6);
    let events = store.outbox(true).unwrap();
    let low: Vec<_> = events
        .iter()
        .filter(|e| e.event == crate::notify::event::EventKind::LowBalance)
        .collect();
    assert_eq!(low.len(), 1, "one crossing, one event");
    let report = store.check().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

/// Instantiates every suite test for one backend factory.
macro_rules! backend_suite {
    ($module:ident, $factory:expr) => {
        mod $module {
            use super::*;

            #[test]
            fn rule_1_ten_active_keys() {
                let (store, _keep) = $factory();
                suite::rule_1_ten_active_keys(store);
            }
            #[test]
            fn rule_2_test_balance_once() {
                let (store, _keep) = $factory();
                suite::rule_2_test_balance_once(store);
            }
            #[test]
            fn rule_3_unique_active_names() {
                let (store, _keep) = $factory();
                suite::rule_3_unique_active_names(store);
            }
            #[test]
            fn rule_4_revoked_is_final() {
                let (store, _keep) = $factory();
                suite::rule_4_revoked_is_final(store);
            }
            #[test]
            fn rule_5_balances_and_ledgers() {
                let (store, _keep) = $factory();
                suite::rule_5_balances_and_ledgers(store);
            }
            #[test]
            fn accounts_are_never_implicit() {
                let (store, _keep) = $factory();
                suite::accounts_are_never_implicit(store);
            }
            #[test]
            fn grace_periods() {
                let (store, _keep) = $factory();
                suite::grace_periods(store);
            }
            #[test]
            fn limits_roll_over_by_utc_day() {
                let (store, _keep) = $factory();
                suite::limits_roll_over_by_utc_day(store);
            }
            #[test]
            fn denied_verifications_write_nothing() {
                let (store, _keep) = $factory();
                suite::denied_verifications_write_nothing(store);
            }
            #[test]
            fn a_late_spend_counts_on_the_newer_day() {
                let (store, _keep) = $factory();
                suite::a_late_spend_counts_on_the_newer_day(store);
            }
            #[test]
            fn a_named_account_scopes_verification() {
                let (store, _keep) = $factory();
                suite::a_named_account_scopes_verification(store);
            }
            #[test]
            fn any_write_redacts_every_keys_due_ips() {
                let (store, _keep) = $factory();
                suite::redaction::any_write_redacts_every_keys_due_ips(store);
            }
            #[test]
            fn a_handle_checks_the_redaction_once_a_day_whatever_the_keys_say() {
                let (store, _keep) = $factory();
                suite::redaction::a_handle_checks_the_redaction_once_a_day_whatever_the_keys_say(
                    store,
                );
            }
            #[test]
            fn a_batch_decides_each_request_against_the_ones_before() {
                let (store, _keep) = $factory();
                suite::a_batch_decides_each_request_against_the_ones_before(store);
            }
            #[test]
            fn a_store_kept_by_the_rules_passes_its_check() {
                let (store, _keep) = $factory();
                suite::a_store_kept_by_the_rules_passes_its_check(store);
            }
            #[test]
            fn each_recipient_is_delivered_once() {
                let (store, _keep) = $factory();
                suite::outbox::each_recipient_is_delivered_once(store);
            }
            #[test]
            fn claims_fall_with_their_holder() {
                let (store, _keep) = $factory();
                suite::outbox::claims_fall_with_their_holder(store);
            }
            #[test]
            fn a_limit_larger_than_a_row_keeps_is_exact() {
                let (store, _keep) = $factory();
                suite::rate::a_limit_larger_than_a_row_keeps_is_exact(store);
            }
            #[test]
            fn suspension_comes_after_expiry_and_before_the_rest() {
                let (store, _keep) = $factory();
                suite::rate::suspension_comes_after_expiry_and_before_the_rest(store);
            }
            #[test]
            fn a_lapse_met_in_a_batch_is_recorded_once() {
                let (store, _keep) = $factory();
                suite::batches::a_lapse_met_in_a_batch_is_recorded_once(store);
            }
            #[test]
            fn a_discarded_event_is_never_sent() {
                let (store, _keep) = $factory();
                suite::outbox::a_discarded_event_is_never_sent(store);
            }
        }
    };
}

mod backends {
    use super::super::suite;
    use crate::store::Store;

    /// A store in a fresh temporary directory, removed when the guard drops.
    fn sqlite() -> (Store, Box<dyn std::any::Any>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("keys.db")).unwrap();
        (store, Box::new(dir))
    }

    backend_suite!(sqlite, sqlite);

    /// A store in a fresh database of its own on the test server, dropped
    /// when the guard drops.
    #[cfg(feature = "postgres")]
    fn postgres() -> (Store, Box<dyn std::any::Any>) {
        let database = crate::store::postgres::scratch::ScratchDatabase::new();
        let store = Store::open(&database.url).unwrap();
        (store, Box::new(database))
    }

    #[cfg(feature = "postgres")]
    backend_suite!(postgres, postgres);
}
