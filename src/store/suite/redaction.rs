//! Client IPs in the backend suite: kept for a key's redact days, then
//! redacted by whatever writes next, and checked once a day by a handle
//! that only verifies.

use super::{at, by_name, default_account, named};
use crate::security::SecuritySettings;
use crate::store::{Clock, KeySpec, Store};
use crate::verify::{VerifyCode, VerifyRequest};

/// A key whose client IPs are kept on the day of use only.
fn redacted_after_the_day(name: &str) -> KeySpec {
    KeySpec {
        security: SecuritySettings {
            redact_days: 0,
            ..SecuritySettings::default()
        },
        ..named(name)
    }
}

/// A verification from one client IP.
fn from_ip() -> VerifyRequest {
    VerifyRequest {
        ip: "203.0.113.7".parse().ok(),
        ..VerifyRequest::default()
    }
}

/// How many of the key's usage rows still hold a client IP in the store
/// (a usage report would show them redacted whether or not they are).
fn stored_addresses(store: &mut Store, key: crate::key::KeyPk) -> usize {
    let mut tx = store.backend.read(Clock::System).unwrap();
    tx.usage_rows(key, 0)
        .unwrap()
        .iter()
        .filter(|r| matches!(r.ip, crate::usage::UsageIp::Addr(_)))
        .count()
}

pub(crate) fn any_write_redacts_every_keys_due_ips(store: Store) {
    let acct = default_account();
    let mut store = store.with_clock(at("2026-11-01T12:00:00Z"));
    let idle = store
        .create_key(&acct, &redacted_after_the_day("idle"))
        .unwrap();
    let busy = store.create_key(&acct, &named("busy")).unwrap().secret;
    store.topup(&acct, &by_name("busy"), 5, None).unwrap();
    store.verify(idle.secret.expose(), &from_ip()).unwrap();
    store.revoke(&acct, &by_name("idle"), None).unwrap();
    assert_eq!(
        stored_addresses(&mut store, idle.key.pk),
        1,
        "the day of use: kept"
    );
    // The next day, a spend on another key (through the library, with no
    // CLI around it) leaves no IP of any key past its redact days.
    let mut store = store.with_clock(at("2026-11-02T00:00:01Z"));
    assert_eq!(
        store
            .verify(busy.expose(), &VerifyRequest::default())
            .unwrap()
            .code,
        VerifyCode::Valid
    );
    assert_eq!(
        stored_addresses(&mut store, idle.key.pk),
        0,
        "the revoked key's IP is gone"
    );
}

pub(crate) fn a_handle_checks_the_redaction_once_a_day_whatever_the_keys_say(store: Store) {
    // A key already spent today says nothing about the chore: an older
    // build (or an upgrade mid-day) may have spent it without the chore.
    let acct = default_account();
    let mut store = store.with_clock(at("2026-11-01T12:00:00Z"));
    let web = store
        .create_key(&acct, &redacted_after_the_day("web"))
        .unwrap();
    store.verify(web.secret.expose(), &from_ip()).unwrap();
    // The next morning a build that ran no chore spends the key.
    {
        let mut tx = store.backend.write(at("2026-11-02T08:00:00Z")).unwrap();
        let key = tx.key_by_pk(web.key.pk).unwrap();
        tx.spend(&crate::store::backend::Spend {
            key: key.pk,
            cost: 1,
            counters: key.counters.after_spend(tx.now(), 1),
            ip: crate::usage::UsageIp::Unknown,
            raised: key.raised,
            rate: key.rate.clone(),
        })
        .unwrap();
        tx.commit().unwrap();
    }
    let mut store = Store::with_backend(store.backend, std::path::Path::new("t"))
        .with_clock(at("2026-11-02T09:00:00Z"));
    assert_eq!(
        stored_addresses(&mut store, web.key.pk),
        1,
        "yesterday's IP, past its redact days"
    );
    let v = store
        .verify(web.secret.expose(), &VerifyRequest::default())
        .unwrap();
    assert_eq!(v.code, VerifyCode::Valid);
    assert_eq!(
        stored_addresses(&mut store, web.key.pk),
        0,
        "this handle's first spend of the day checked"
    );
}
