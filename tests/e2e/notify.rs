//! Notifications: per-key lists, and events raised with their causes
//! (delivery is in `mail.rs` and `mail_faults.rs`).

use std::process::Stdio;

use serde_json::Value;

use crate::util::{Env, on_both_backends};

/// (event, recipients, status) of every outbox event, oldest first.
pub fn outbox(env: &Env) -> Vec<(String, Vec<String>, String)> {
    env.json(&["notify", "outbox", "--all"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_owned(),
                e["recipients"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
                e["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn kinds(env: &Env) -> Vec<String> {
    outbox(env).into_iter().map(|e| e.0).collect()
}

pub fn with_config(env: &mut Env, text: &str) {
    let path = env.path("config.toml");
    std::fs::write(&path, text).unwrap();
    env.set("APIKEY_CONFIG", &path);
}

#[test]
fn lists_are_validated_capped_and_shown() {
    let env = Env::new();
    let v = env.json(&[
        "create",
        "--name",
        "web",
        "--notify",
        "Ops@Acme.Example",
        "--low-balance",
        "50",
    ]);
    assert_eq!(
        v["notify"],
        serde_json::json!({"emails": ["Ops@acme.example"], "low_balance": 50})
    );
    let v = env.json(&[
        "notify",
        "add",
        "web",
        "b@x.io",
        "b@x.io",
        "Ops@acme.example",
    ]);
    assert_eq!(
        v["emails"],
        serde_json::json!(["Ops@acme.example", "b@x.io"]),
        "twice is harmless"
    );
    // The same mailbox whatever the case: one address, one mail.
    let v = env.json(&["notify", "add", "web", "OPS@ACME.example", "B@X.IO"]);
    assert_eq!(
        v["emails"],
        serde_json::json!(["Ops@acme.example", "b@x.io"])
    );
    let before = env.show("web");
    for bad in [
        "plain",
        "a@b",
        "a b@x.io",
        "\u{1b}[2J@x.io",
        "a@x.io\n",
        "x@127.0.0.1",
        "a@1.2",
    ] {
        let err = env.fails(&["notify", "add", "web", "c@x.io", bad], 2);
        assert!(err.contains("invalid email address"), "{err}");
    }
    env.ok(&["notify", "add", "web", "c@x.io", "d@x.io", "e@x.io"]);
    let err = env.fails(&["notify", "add", "web", "f@x.io"], 3);
    assert!(err.contains("at most 5"), "{err}");
    assert_eq!(
        env.show("web")["notify"]["emails"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_ne!(env.show("web"), before);
    env.ok(&["notify", "remove", "web", "c@x.io", "d@x.io"]);
    env.fails(&["notify", "remove", "web", "c@x.io"], 2);
    assert_eq!(
        env.json(&["notify", "threshold", "web", "off"])["low_balance"],
        Value::Null
    );
    env.fails(&["notify", "threshold", "web", "-3"], 2);
    env.fails(&["notify", "threshold", "web", "lots"], 2);
    let listed = env.ok(&["notify", "list", "web"]);
    assert!(
        listed.contains("b@x.io") && listed.contains("Low balance at: off"),
        "{listed}"
    );
    let shown = env.ok(&["show", "web"]);
    assert!(shown.contains("e@x.io"), "{shown}");
    let err = env.fails(
        &[
            "create", "--notify", "a@x.io", "--notify", "b@x.io", "--notify", "c@x.io", "--notify",
            "d@x.io", "--notify", "e@x.io", "--notify", "f@x.io",
        ],
        3,
    );
    assert!(err.contains("at most 5"), "{err}");
    assert_eq!(env.count("keys"), 1);
    let log = env.json(&["log", "web"]);
    assert_eq!(log[0]["action"], "notify");
}

#[test]
fn balance_events_fire_once_per_crossing() {
    let env = Env::new();
    let (_, secret) = env.create(&[
        "--name",
        "web",
        "--notify",
        "ops@acme.example",
        "--low-balance",
        "98",
    ]);
    for _ in 0..5 {
        env.verify(&secret, &[]);
    }
    assert_eq!(kinds(&env), ["low_balance"], "100 → 95 crosses 98 once");
    env.ok(&["topup", "web", "5"]);
    for _ in 0..3 {
        env.verify(&secret, &[]);
    }
    assert_eq!(
        kinds(&env),
        ["low_balance", "topup", "low_balance"],
        "back to 100, then below 98 again"
    );
    env.verify(&secret, &["--cost", "97"]);
    assert_eq!(env.show("web")["balance"], 0);
    assert_eq!(kinds(&env).last().unwrap(), "exhausted");
    env.verify(&secret, &[]);
    assert_eq!(
        kinds(&env).len(),
        4,
        "a denied verification at 0 raises nothing more"
    );
    let (event, recipients, status) = &outbox(&env)[0];
    assert_eq!(
        (event.as_str(), status.as_str()),
        ("low_balance", "pending")
    );
    assert_eq!(recipients, &["ops@acme.example"]);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn limit_events_fire_once_a_period() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-22T10:00:00Z");
    let (_, secret) = env.create(&[
        "--name",
        "web",
        "--notify",
        "a@x.io",
        "--daily-limit",
        "10",
        "--monthly-limit",
        "15",
    ]);
    for _ in 0..8 {
        env.verify(&secret, &[]);
    }
    assert!(kinds(&env).is_empty());
    env.verify(&secret, &[]);
    assert_eq!(kinds(&env), ["limit_warning"], "9 of 10 is 90%");
    env.verify(&secret, &[]);
    assert_eq!(kinds(&env), ["limit_warning", "limit_reached"]);
    for _ in 0..3 {
        assert_eq!(env.verify(&secret, &[]).0, 15);
    }
    assert_eq!(kinds(&env).len(), 2, "once a day");
    env.set("APIKEY_TEST_NOW", "2026-11-23T10:00:00Z");
    for _ in 0..5 {
        env.verify(&secret, &[]);
    }
    assert_eq!(
        kinds(&env),
        ["limit_warning", "limit_reached", "limit_reached"],
        "monthly 15 reached"
    );
    assert_eq!(env.verify(&secret, &[]).0, 20);
    assert_eq!(kinds(&env).len(), 3, "once a month");
    // A cost that cannot fit is denied and says nothing: no count moved.
    // The warning and "reached" still come when spends cross 90% and 100%.
    env.set("APIKEY_TEST_NOW", "2026-12-01T10:00:00Z");
    let (_, ten) = env.create(&["--name", "ten", "--notify", "a@x.io", "--daily-limit", "10"]);
    env.ok(&["topup", "ten", "100"]);
    let from = kinds(&env).len();
    assert_eq!(env.verify(&ten, &["--cost", "11"]).0, 15);
    assert_eq!(kinds(&env).len(), from, "a denial raises no limit event");
    assert_eq!(env.verify(&ten, &["--cost", "8"]).0, 0);
    assert_eq!(env.verify(&ten, &["--cost", "3"]).0, 15, "8 + 3 > 10");
    assert_eq!(
        kinds(&env).len(),
        from,
        "8 of 10 is 80%, and the 11th never counted"
    );
    assert_eq!(env.verify(&ten, &["--cost", "1"]).0, 0);
    assert_eq!(env.verify(&ten, &["--cost", "1"]).0, 0);
    let last: Vec<String> = kinds(&env).into_iter().skip(from).collect();
    assert_eq!(last, ["limit_warning", "limit_reached"]);
    // The monthly limit alike: a cost past what is left of the month.
    env.set("APIKEY_TEST_NOW", "2027-01-05T10:00:00Z");
    let (_, month) = env.create(&[
        "--name",
        "month",
        "--notify",
        "a@x.io",
        "--monthly-limit",
        "5",
    ]);
    env.ok(&["topup", "month", "100"]);
    let from = kinds(&env).len();
    assert_eq!(env.verify(&month, &["--cost", "6"]).0, 20);
    assert_eq!(kinds(&env).len(), from);
    assert_eq!(env.verify(&month, &["--cost", "5"]).0, 0);
    let last: Vec<String> = kinds(&env).into_iter().skip(from).collect();
    assert_eq!(last, ["limit_reached"]);
}

#[test]
fn lifecycle_events_and_recipients_at_the_time() {
    let env = Env::new();
    env.create(&["--name", "web", "--notify", "a@x.io"]);
    env.ok(&["topup", "web", "5"]);
    env.ok(&["notify", "add", "web", "b@x.io"]);
    env.ok(&["regenerate", "web"]);
    env.ok(&["notify", "remove", "web", "a@x.io"]);
    env.ok(&["revoke", "web", "--yes"]);
    let events = outbox(&env);
    let summary: Vec<(&str, Vec<&str>)> = events
        .iter()
        .map(|(e, r, _)| (e.as_str(), r.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        summary,
        [
            ("topup", vec!["a@x.io"]),
            ("regenerated", vec!["a@x.io", "b@x.io"]),
            ("revoked", vec!["b@x.io"]),
        ]
    );
    // Nobody to tell: recorded, and skipped.
    env.create(&["--name", "quiet"]);
    env.ok(&["topup", "quiet", "5"]);
    let last = outbox(&env).pop().unwrap();
    assert_eq!((last.0.as_str(), last.2.as_str()), ("topup", "skipped"));
    assert!(last.1.is_empty());
    assert_eq!(
        env.json(&["notify", "outbox"]).as_array().unwrap().len(),
        3,
        "pending only"
    );
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn an_expiry_within_seven_days_is_announced_once_by_whatever_runs_first() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T00:00:00Z");
    env.create(&[
        "--name",
        "web",
        "--notify",
        "a@x.io",
        "--expires",
        "2026-11-20T00:00:00Z",
    ]);
    env.ok(&["create", "--name", "other"]);
    assert!(kinds(&env).is_empty(), "19 days out");
    env.set("APIKEY_TEST_NOW", "2026-11-13T00:00:01Z");
    env.ok(&["list"]);
    env.ok(&["account", "list"]);
    assert!(kinds(&env).is_empty(), "read-only commands write nothing");
    let expiring = |env: &Env| kinds(env).into_iter().filter(|k| k == "expiring").count();
    env.ok(&["topup", "other", "1"]);
    assert_eq!(
        expiring(&env),
        1,
        "noticed by an unrelated command that writes"
    );
    env.set("APIKEY_TEST_NOW", "2026-11-19T00:00:00Z");
    env.ok(&["topup", "other", "1"]);
    env.ok(&["show", "web"]);
    assert_eq!(expiring(&env), 1, "once");
    // A new expiry is announced again, at once when it is near.
    env.ok(&["security", "web", "--expires", "3d"]);
    assert_eq!(expiring(&env), 2);
}

on_both_backends!(eight_verifying_processes_cross_the_threshold_once);

fn eight_verifying_processes_cross_the_threshold_once(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web", "--notify", "a@x.io", "--low-balance", "60"]);
    let script =
        "for i in $(seq 10); do printf '%s' \"$KEY\" | \"$BIN\" verify -q >/dev/null; done";
    let children: Vec<_> = (0..8)
        .map(|_| {
            env.shell(script)
                .env("KEY", &secret)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.show("web")["balance"], 20);
    assert_eq!(kinds(env), ["low_balance"]);
}
