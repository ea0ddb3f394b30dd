//! `autotopup`: lookups added by the verification that leaves (or, refused
//! for its balance, finds) the balance below the threshold, in its own
//! transaction, at most K times per UTC day however many processes race.

use crate::concurrency::verify_storm_with;
use crate::util::{Env, on_both_backends};

on_both_backends!(
    a_key_tops_itself_up_below_the_threshold_at_most_k_times_a_day,
    a_refusal_for_the_balance_alone_tops_up_first,
    racing_verifications_top_up_exactly_k_times,
    one_verification_tops_up_once_and_only_when_that_lets_it_through,
    a_manifest_sets_and_turns_off_automatic_top_up,
);

fn rows(env: &Env, reason: &str) -> i64 {
    env.scalar(&format!(
        "SELECT COUNT(*) FROM ledger WHERE reason = '{reason}'"
    ))
}

fn events(env: &Env, kind: &str) -> i64 {
    env.scalar(&format!(
        "SELECT COUNT(*) FROM outbox WHERE event = '{kind}'"
    ))
}

fn balance(env: &Env, secret: &str, flags: &[&str]) -> (i32, i64) {
    let (code, v) = env.verify(secret, flags);
    (code, v["balance"].as_i64().unwrap())
}

fn a_key_tops_itself_up_below_the_threshold_at_most_k_times_a_day(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-01T10:00:00Z");
    let (_, secret) = env.create(&["--name", "web", "--notify", "billing@example.com"]);
    let shown = env.ok(&["autotopup", "web"]);
    assert!(shown.contains(": off."), "{shown}");
    let v = env.json(&[
        "autotopup",
        "web",
        "--below",
        "95",
        "--amount",
        "10",
        "--max-per-day",
        "2",
        "--expires",
        "30d",
    ]);
    assert_eq!(
        v["auto_topup"],
        serde_json::json!({"below": 95, "amount": 10, "max_per_day": 2, "expires": "30d"})
    );
    // 95 is not below 95; 94 is.
    for left in (95..100).rev() {
        assert_eq!(balance(env, &secret, &[]), (0, left));
    }
    assert_eq!(balance(env, &secret, &[]), (0, 104));
    assert_eq!(rows(env, "auto_topup"), 1);
    // A dry run never tops up.
    for _ in 0..9 {
        env.verify(&secret, &[]);
    }
    assert_eq!(balance(env, &secret, &["--dry-run"]), (0, 95));
    assert_eq!(rows(env, "auto_topup"), 1);
    assert_eq!(balance(env, &secret, &[]), (0, 104));
    // The day's two are made: no third.
    for _ in 0..9 {
        env.verify(&secret, &[]);
    }
    assert_eq!(balance(env, &secret, &[]), (0, 94));
    assert_eq!(rows(env, "auto_topup"), 2);
    // The next UTC day, again.
    env.set("APIKEY_TEST_NOW", "2027-01-02T00:00:00Z");
    assert_eq!(balance(env, &secret, &[]), (0, 103));
    assert_eq!(rows(env, "auto_topup"), 3);
    assert_eq!(events(env, "auto_topup"), 3);
    let usage = env.json(&["usage", "web"]);
    assert_eq!(
        usage["balance_changes"][3],
        serde_json::json!({"at": "2027-01-02T00:00:00Z", "kind": "auto_topup", "lookups": 10})
    );
    let log = env.json(&["log", "web"]);
    assert_eq!(log[0]["action"], "auto_topup");
    assert_eq!(
        log[0]["detail"],
        "+10, balance 103, expiring at 2027-02-01T00:00:00Z; 1 of 2 today"
    );
    // Top-ups are batches that lapse, spent first: the first day's two
    // (made at one instant, so one batch) are spent.
    assert_eq!(
        env.show("web")["batches"],
        serde_json::json!([
            {"left": 10, "expires_at": "2027-02-01T00:00:00Z"},
            {"left": 93, "expires_at": null}
        ])
    );

    // A suspended key is not topped up; turned off, nothing is.
    env.ok(&["suspend", "web"]);
    for _ in 0..10 {
        env.verify(&secret, &[]);
    }
    env.ok(&["resume", "web"]);
    env.ok(&["autotopup", "web", "--off"]);
    for _ in 0..10 {
        env.verify(&secret, &[]);
    }
    assert_eq!(rows(env, "auto_topup"), 3);
    assert_eq!(env.show("web")["auto_topup"], serde_json::Value::Null);
    let again = env.ok(&["autotopup", "web", "--off"]);
    assert!(again.contains("nothing changed"), "{again}");
    env.assert_store_is_sound();
    env.assert_ledgers_balance();

    // Refused, and nothing changes.
    let before = env.show("web");
    for (flags, why) in [
        (&["--below", "10"][..], "give both --below and --amount"),
        (&["--below", "0", "--amount", "5"], "invalid threshold '0'"),
        (&["--below", "5", "--amount", "-5"], "invalid amount '-5'"),
        (
            &["--below", "5", "--amount", "5", "--max-per-day", "1001"],
            "from 1 to 1000",
        ),
        (
            &["--below", "5", "--amount", "5", "--expires", "2030-01-01"],
            "invalid expiry",
        ),
    ] {
        let mut args = vec!["autotopup", "web"];
        args.extend_from_slice(flags);
        let err = env.fails(&args, 2);
        assert!(err.contains(why), "{flags:?}: {err}");
    }
    env.fails(&["autotopup", "web", "--off", "--below", "3"], 2);
    env.ok(&["revoke", "web", "--yes"]);
    env.fails(&["autotopup", "web", "--below", "5", "--amount", "5"], 3);
    let after = env.show("web");
    assert_eq!(after["auto_topup"], before["auto_topup"]);
}

fn a_refusal_for_the_balance_alone_tops_up_first(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-01T10:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.ok(&["autotopup", "web", "--below", "50", "--amount", "100"]);
    // 100 is not below 50: refused as it is.
    assert_eq!(balance(env, &secret, &["--cost", "150"]), (14, 100));
    // 60 spent leaves 40: topped up after the spend.
    assert_eq!(balance(env, &secret, &["--cost", "60"]), (0, 140));
    // Down to 10 with the day's top-up made.
    assert_eq!(balance(env, &secret, &["--cost", "130"]), (0, 10));
    assert_eq!(balance(env, &secret, &["--cost", "20"]), (14, 10));
    // Refused for the balance alone, below 50, with a top-up left: first
    // the top-up, then the request.
    env.set("APIKEY_TEST_NOW", "2027-01-02T00:00:00Z");
    assert_eq!(balance(env, &secret, &["--cost", "20"]), (0, 90));
    // Refused for something else: no top-up.
    env.ok(&["security", "web", "--scope", "read"]);
    env.set("APIKEY_TEST_NOW", "2027-01-03T00:00:00Z");
    env.ok(&["topup", "web", "1"]);
    env.verify(&secret, &["--scope", "read", "--cost", "60"]);
    assert_eq!(
        balance(env, &secret, &["--scope", "write", "--cost", "100"]).0,
        19
    );
    assert_eq!(rows(env, "auto_topup"), 3);
    env.assert_store_is_sound();
    env.assert_ledgers_balance();
}

fn racing_verifications_top_up_exactly_k_times(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-01T10:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    // Every verification leaves the balance below the threshold.
    env.ok(&[
        "autotopup",
        "web",
        "--below",
        "1000000",
        "--amount",
        "7",
        "--max-per-day",
        "3",
    ]);
    let counts = verify_storm_with(env, &secret, 8, 10, "", |_, cmd| {
        cmd.env("APIKEY_TEST_NOW", "2027-01-01T10:00:00Z");
    });
    assert_eq!(counts.get("VALID"), Some(&80), "{counts:?}");
    assert_eq!(rows(env, "auto_topup"), 3);
    assert_eq!(events(env, "auto_topup"), 3);
    assert_eq!(env.show("web")["balance"], 100 + 21 - 80);
    env.assert_store_is_sound();
    env.assert_ledgers_balance();
}

fn a_manifest_sets_and_turns_off_automatic_top_up(env: &mut Env) {
    let manifest = env.path("m.toml");
    let write = |auto: &str| {
        std::fs::write(
            &manifest,
            format!(
                "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"web\"\n{auto}\n\
                 [[account.key]]\nname = \"new\"\nauto_topup = {{ below = 5, amount = 50 }}\n"
            ),
        )
        .unwrap();
    };
    env.create(&["--name", "web"]);
    write("auto_topup = { below = 100, amount = 5000, max_per_day = 2, expires = \"12mo\" }");
    let path = manifest.to_str().unwrap();
    let plan = env.json(&["apply", path, "--dry-run"]);
    assert_eq!(plan["updated"][0]["changes"][0]["field"], "auto_topup");
    env.json(&["apply", path]);
    assert_eq!(
        env.show("web")["auto_topup"],
        serde_json::json!({"below": 100, "amount": 5000, "max_per_day": 2, "expires": "12mo"})
    );
    assert_eq!(
        env.show("new")["auto_topup"],
        serde_json::json!({"below": 5, "amount": 50, "max_per_day": 1, "expires": null})
    );
    let again = env.json(&["apply", path]);
    assert_eq!(again["updated"], serde_json::json!([]), "{again}");
    // Leaving it out turns it off.
    write("");
    env.json(&["apply", path]);
    assert_eq!(env.show("web")["auto_topup"], serde_json::Value::Null);
    let log = env.json(&["log", "web"]);
    assert_eq!(log[0]["action"], "autotopup");
    assert_eq!(log[0]["detail"], "off");
    // A bad value names its place.
    write("auto_topup = { below = 0, amount = 5 }");
    let err = env.fails(&["apply", path], 2);
    assert!(
        err.contains("m.toml:5:14") && err.contains("invalid threshold 0"),
        "{err}"
    );
    env.assert_store_is_sound();
}

fn one_verification_tops_up_once_and_only_when_that_lets_it_through(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-02T00:00:10Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.ok(&[
        "autotopup",
        "web",
        "--below",
        "50",
        "--amount",
        "10",
        "--max-per-day",
        "5",
    ]);
    assert_eq!(balance(env, &secret, &["--cost", "96"]), (0, 14));
    assert_eq!(rows(env, "auto_topup"), 1);
    // Refused at 14, topped up to 24 first, then spent to 4: one top-up,
    // not a second for the balance the spend left.
    assert_eq!(balance(env, &secret, &["--cost", "20"]), (0, 4));
    assert_eq!(rows(env, "auto_topup"), 2);
    // No top-up could cover 500: refused, and the day's top-ups are kept.
    assert_eq!(balance(env, &secret, &["--cost", "500"]), (14, 4));
    assert_eq!(rows(env, "auto_topup"), 2);
    // Only `--max-per-day` changes; the rest is kept.
    let v = env.json(&["autotopup", "web", "--max-per-day", "3"]);
    assert_eq!(v["auto_topup"]["below"], 50);
    assert_eq!(balance(env, &secret, &[]), (0, 13));
    assert_eq!(rows(env, "auto_topup"), 3);
    // A clock that steps back to the day before still counts on this day:
    // the day's 3 are made.
    env.set("APIKEY_TEST_NOW", "2027-01-01T23:59:59Z");
    for _ in 0..13 {
        env.verify(&secret, &[]);
    }
    assert_eq!(balance(env, &secret, &[]).0, 14);
    env.set("APIKEY_TEST_NOW", "2027-01-02T00:00:20Z");
    assert_eq!(balance(env, &secret, &[]).0, 14);
    assert_eq!(rows(env, "auto_topup"), 3);
    env.set("APIKEY_TEST_NOW", "2027-01-03T00:00:00Z");
    assert_eq!(balance(env, &secret, &[]), (0, 9));
    assert_eq!(rows(env, "auto_topup"), 4);
    env.assert_store_is_sound();
    env.assert_ledgers_balance();
}
