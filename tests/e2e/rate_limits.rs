//! Short-window rate limits: exact sliding windows across racing processes,
//! RATE_LIMITED (exit 22) with `retry_after_ms`, and a denied request that
//! counts in no window and spends nothing.

use crate::concurrency::verify_storm_with;
use crate::util::{Env, on_both_backends};

on_both_backends!(
    a_5_per_second_limit_under_8_racing_processes_allows_exactly_5_per_window,
    windows_slide_to_the_millisecond_and_say_when_to_retry,
    a_manifest_sets_rate_limits,
    a_limit_set_later_counts_what_the_key_kept,
    a_clock_that_ran_ahead_holds_a_window_at_most_once,
);

/// 8 processes race 5 verifications each at one instant (the clock pinned
/// in a debug build), then again 999 ms later, then a second later: each
/// window lets exactly 5 through.
fn a_5_per_second_limit_under_8_racing_processes_allows_exactly_5_per_window(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web", "--rate-limit", "5/s"]);
    let storm = |env: &mut Env, at: &str, times: usize| {
        env.set("APIKEY_TEST_NOW", at);
        let counts = verify_storm_with(env, &secret, 8, times, "", |_, _| {});
        (
            counts.get("VALID").copied().unwrap_or(0),
            counts.get("RATE_LIMITED").copied().unwrap_or(0),
        )
    };
    assert_eq!(storm(env, "2026-12-06T12:00:00.000Z", 5), (5, 35));
    // The window that ends 999 ms later still holds all five.
    assert_eq!(storm(env, "2026-12-06T12:00:00.999Z", 2), (0, 16));
    // A second later they have left it.
    assert_eq!(storm(env, "2026-12-06T12:00:01.000Z", 3), (5, 19));
    let key = env.show("web");
    assert_eq!(key["balance"], 90, "only the accepted ones spent");
    assert_eq!(key["usage_today"], 10);
    env.assert_store_is_sound();
}

fn windows_slide_to_the_millisecond_and_say_when_to_retry(env: &mut Env) {
    let (_, secret) = env.create(&[
        "--name",
        "web",
        "--rate-limit",
        "3/s",
        "--rate-limit",
        "4/min",
        "--scope",
        "read",
    ]);
    let at = |env: &mut Env, ms: &str| {
        env.set("APIKEY_TEST_NOW", format!("2026-12-06T12:00:{ms}Z"));
    };
    let verify = |env: &Env, flags: &[&str]| {
        let (code, v) = env.verify(&secret, flags);
        (code, v["code"].as_str().unwrap().to_owned(), v)
    };
    for ms in ["00.100", "00.200", "00.900"] {
        at(env, ms);
        assert_eq!(verify(env, &["--scope", "read"]).0, 0);
    }
    // A request denied for another reason counts in no window.
    at(env, "00.950");
    assert_eq!(verify(env, &["--scope", "write"]).1, "FORBIDDEN_SCOPE");
    // Three in the last second: full until the first is a second old.
    at(env, "01.050");
    let (code, word, v) = verify(env, &["--scope", "read"]);
    assert_eq!((code, word.as_str()), (22, "RATE_LIMITED"));
    assert_eq!(v["retry_after_ms"], 50);
    assert_eq!(v["balance"], 97);
    // A dry run says the same and counts nothing.
    let (code, _, v) = verify(env, &["--scope", "read", "--dry-run"]);
    assert_eq!((code, v["retry_after_ms"].as_i64()), (22, Some(50)));
    // The scope check comes first.
    assert_eq!(verify(env, &["--scope", "write"]).1, "FORBIDDEN_SCOPE");
    at(env, "01.100");
    let (code, _, v) = verify(env, &["--scope", "read"]);
    assert_eq!(code, 0);
    assert!(v.get("retry_after_ms").is_none(), "{v}");
    // Now the minute is full (4), until 00.100 is a minute old.
    at(env, "01.500");
    let (code, _, v) = verify(env, &["--scope", "read"]);
    assert_eq!((code, v["retry_after_ms"].as_i64()), (22, Some(58_600)));
    let human = env.run(&["verify", &secret, "--scope", "read"]).code(22);
    assert!(
        human.stdout.contains("RATE_LIMITED") && human.stdout.contains("58600 ms"),
        "{}",
        human.stdout
    );
    // Removing the minute's limit leaves the second's.
    env.ok(&["security", "web", "--remove-rate-limit", "min"]);
    assert_eq!(verify(env, &["--scope", "read"]).0, 0);
    let v = env.json(&["security", "web"]);
    assert_eq!(
        v["security"]["rate_limits"],
        serde_json::json!([{"limit": 3, "window": "s"}])
    );
    // A new limit on a window replaces the old one.
    env.ok(&["security", "web", "--rate-limit", "1000/s"]);
    assert_eq!(verify(env, &["--scope", "read"]).0, 0);
    assert_eq!(env.show("web")["balance"], 94);
    for bad in [
        &["--rate-limit", "0/s"][..],
        &["--rate-limit", "1000001/s"],
        &["--rate-limit", "10/sec"],
        &["--rate-limit", "ten/s"],
        &["--rate-limit", "1/s", "--rate-limit", "2/s"],
        &["--remove-rate-limit", "h"],
        &["--remove-rate-limit", "day"],
    ] {
        let mut args = vec!["security", "web"];
        args.extend_from_slice(bad);
        env.fails(&args, 2);
    }
    assert_eq!(
        env.json(&["security", "web"])["security"]["rate_limits"],
        serde_json::json!([{"limit": 1000, "window": "s"}]),
        "refused changes change nothing"
    );
    env.assert_store_is_sound();
}

fn a_manifest_sets_rate_limits(env: &mut Env) {
    let manifest = env.path("m.toml");
    std::fs::write(
        &manifest,
        "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"web\"\n\
         rate_limits = [\"600/min\", \"10/s\"]\n",
    )
    .unwrap();
    let path = manifest.to_str().unwrap();
    env.json(&["apply", path]);
    assert_eq!(
        env.show("web")["security"]["rate_limits"],
        serde_json::json!([{"limit": 10, "window": "s"}, {"limit": 600, "window": "min"}])
    );
    let again = env.json(&["apply", path]);
    assert_eq!(again["updated"], serde_json::json!([]), "{again}");
    std::fs::write(
        &manifest,
        "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"web\"\n\
         rate_limits = [\"10/s\", \"20/s\"]\n",
    )
    .unwrap();
    let err = env.fails(&["apply", path], 2);
    assert!(err.contains("m.toml:5:"), "{err}");
    assert!(err.contains("one per window"), "{err}");
}

/// Verifies `times` times at one pinned instant; returns the codes seen.
fn at_once(env: &mut Env, secret: &str, at: &str, times: usize) -> Vec<String> {
    env.set("APIKEY_TEST_NOW", at);
    (0..times)
        .map(|_| {
            env.verify(secret, &[]).1["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// A limit added or raised later counts the requests the key kept before
/// it (up to 1,000); one above 1,000 starts its table with them; one that
/// no longer needs the table empties it.
fn a_limit_set_later_counts_what_the_key_kept(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web", "--rate-limit", "100/s"]);
    env.ok(&["topup", "web", "1000"]);
    let codes = at_once(env, &secret, "2026-12-06T12:00:00.000Z", 30);
    assert!(codes.iter().all(|c| c == "VALID"), "{codes:?}");
    env.ok(&["security", "web", "--rate-limit", "20/min"]);
    env.set("APIKEY_TEST_NOW", "2026-12-06T12:00:01.000Z");
    let (code, v) = env.verify(&secret, &[]);
    assert_eq!((code, v["retry_after_ms"].as_i64()), (22, Some(59_000)));
    // A limit above what a row keeps: its table starts with the 30.
    env.ok(&["security", "web", "--remove-rate-limit", "min"]);
    env.ok(&["security", "web", "--rate-limit", "1500/h"]);
    assert_eq!(env.count("rate_hits"), 30);
    assert_eq!(env.verify(&secret, &[]).0, 0);
    assert_eq!(env.count("rate_hits"), 31);
    // No limit needs the table any more: it is emptied.
    env.ok(&["security", "web", "--remove-rate-limit", "h"]);
    assert_eq!(env.count("rate_hits"), 0);
    assert_eq!(env.show("web")["balance"], 1100 - 31);
    env.assert_store_is_sound();
}

/// A request stamped ahead (by a host whose clock runs an hour fast) holds
/// the window until it is a window old: fewer requests pass, never more,
/// and `retry_after_ms` says so. The next acceptance takes such a time
/// down to its own, so it holds the window one window more at most.
fn a_clock_that_ran_ahead_holds_a_window_at_most_once(env: &mut Env) {
    let (_, secret) = env.create(&[
        "--name",
        "web",
        "--rate-limit",
        "2/s",
        "--rate-limit",
        "3/h",
    ]);
    assert_eq!(
        at_once(env, &secret, "2026-12-06T13:00:00.000Z", 1),
        ["VALID"]
    );
    // The right clock: room for one more in the second.
    assert_eq!(
        at_once(env, &secret, "2026-12-06T12:00:00.000Z", 1),
        ["VALID"]
    );
    // The hour's 3rd latest does not exist yet; the second's 2nd latest
    // was taken down to 12:00:00.000.
    env.set("APIKEY_TEST_NOW", "2026-12-06T12:00:00.500Z");
    let (code, v) = env.verify(&secret, &[]);
    assert_eq!((code, v["retry_after_ms"].as_i64()), (22, Some(500)));
    assert_eq!(
        at_once(env, &secret, "2026-12-06T12:00:01.000Z", 2),
        ["VALID", "RATE_LIMITED"]
    );
    // The hour is full (three accepted), until the first is an hour old.
    env.set("APIKEY_TEST_NOW", "2026-12-06T12:00:05.000Z");
    let (code, v) = env.verify(&secret, &[]);
    assert_eq!((code, v["retry_after_ms"].as_i64()), (22, Some(3_595_000)));
    env.assert_store_is_sound();
}
