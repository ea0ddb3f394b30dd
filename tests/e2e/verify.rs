//! `apikey verify`: every result code and exit code, what a verification
//! writes (and what a denied one does not), stdin, grace periods and the
//! UTC day and month boundaries.

use crate::util::Env;

fn snapshot(env: &Env) -> (i64, i64, i64, String) {
    let v = env.show("web");
    (
        v["balance"].as_i64().unwrap(),
        env.count("ledger"),
        env.count("usage"),
        v["last_used_at"].to_string(),
    )
}

#[test]
fn every_code_has_its_exit_code_and_a_denial_spends_nothing() {
    let env = Env::new();
    let (id, web) = env.create(&[
        "--name",
        "web",
        "--allow-url",
        "https://shop.example.com",
        "--allow-ip",
        "10.0.0.0/8",
        "--scope",
        "lookup",
    ]);
    let good = [
        "--origin",
        "https://shop.example.com",
        "--ip",
        "10.1.2.3",
        "--scope",
        "lookup",
    ];
    let before = snapshot(&env);
    let denied: &[(&[&str], &str, i32)] = &[
        (
            &["--ip", "10.1.2.3", "--scope", "lookup"],
            "FORBIDDEN_ORIGIN",
            17,
        ),
        (
            &[
                "--origin",
                "https://evil.example.com",
                "--ip",
                "10.1.2.3",
                "--scope",
                "lookup",
            ],
            "FORBIDDEN_ORIGIN",
            17,
        ),
        (
            &["--origin", "https://shop.example.com", "--scope", "lookup"],
            "FORBIDDEN_IP",
            18,
        ),
        (
            &[
                "--origin",
                "https://shop.example.com",
                "--ip",
                "192.0.2.1",
                "--scope",
                "lookup",
            ],
            "FORBIDDEN_IP",
            18,
        ),
        (
            &["--origin", "https://shop.example.com", "--ip", "10.1.2.3"],
            "FORBIDDEN_SCOPE",
            19,
        ),
        (
            &[
                "--origin",
                "https://shop.example.com",
                "--ip",
                "10.1.2.3",
                "--scope",
                "admin",
            ],
            "FORBIDDEN_SCOPE",
            19,
        ),
        (
            &[&good[..], &["--cost", "101"]].concat(),
            "INSUFFICIENT_BALANCE",
            14,
        ),
    ];
    for (flags, code, exit) in denied {
        let (status, v) = env.verify(&web, flags);
        assert_eq!(
            (status, v["code"].as_str().unwrap()),
            (*exit, *code),
            "{flags:?}"
        );
        assert_eq!(v["valid"], false);
        assert_eq!(v["key_id"], id.as_str(), "the key was identified");
        assert_eq!(v["account"], "default");
        assert_eq!(v["balance"], 100);
    }
    assert_eq!(snapshot(&env), before, "denied verifications wrote nothing");

    let (status, v) = env.verify(&web, &good);
    assert_eq!(status, 0);
    assert_eq!(
        v,
        serde_json::json!({"valid": true, "code": "VALID", "key_id": id, "account": "default",
            "balance": 99, "cost": 1})
    );
    let (status, v) = env.verify(&web, &[&good[..], &["--cost", "9"]].concat());
    assert_eq!((status, v["balance"].as_i64()), (0, Some(90)));
    let after = snapshot(&env);
    assert_eq!(after.0, 90);
    assert_eq!(
        after.1,
        before.1 + 1,
        "one ledger row per key and day for its spends"
    );
    let spent: (i64, i64) = env
        .sql()
        .query_row(
            "SELECT -SUM(delta), SUM(spends) FROM ledger WHERE reason = 'spend'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(spent, (10, 2), "lookups and verifications on the day row");
    assert_eq!(after.2, 1, "one usage row per key, day and IP");
    assert_ne!(after.3, "null", "last_used_at is set");
    assert_eq!(
        env.json(&["usage", "web"])["total"],
        10,
        "usage counts lookups (cost)"
    );
    env.assert_ledgers_balance();
}

#[test]
fn malformed_and_unknown_keys() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    for bad in [
        "",
        "hello",
        "ak_",
        "ak_short",
        &secret[..30],
        &format!("{secret}x"),
    ] {
        let (status, v) = env.verify(bad, &[]);
        assert_eq!(
            (status, v["code"].as_str().unwrap()),
            (10, "MALFORMED"),
            "{bad:?}"
        );
        assert!(v["key_id"].is_null() && v["account"].is_null() && v["balance"].is_null());
    }
    let mut typo = secret.clone().into_bytes();
    typo[12] = if typo[12] == b'Z' { b'Y' } else { b'Z' };
    let (status, _) = env.verify(&String::from_utf8(typo).unwrap(), &[]);
    assert_eq!(status, 10, "a one-character typo fails the checksum");

    // A well-formed key nobody issued.
    let other = Env::new();
    let (_, stranger) = other.create(&[]);
    let (status, v) = env.verify(&stranger, &[]);
    assert_eq!((status, v["code"].as_str().unwrap()), (11, "NOT_FOUND"));
    assert!(v["key_id"].is_null());
}

#[test]
fn a_malformed_key_is_answered_without_opening_the_store() {
    let mut env = Env::new();
    let nowhere = env.path("never/created.db");
    env.set("APIKEY_DB", &nowhere);
    let (status, _) = env.verify("ak_definitely_not_valid_at_all", &[]);
    assert_eq!(status, 10);
    assert!(!nowhere.exists(), "the store was not created");
    assert!(!nowhere.parent().unwrap().exists());
}

#[test]
fn revoked_and_expired_keys() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-22T09:00:00Z");
    let (_, revoked) = env.create(&["--name", "gone"]);
    env.ok(&["revoke", "gone", "--yes"]);
    assert_eq!(env.verify(&revoked, &[]).0, 12);
    let (_, expiring) = env.create(&["--name", "soon", "--expires", "2026-11-22T10:00:00Z"]);
    env.ok(&["topup", "soon", "10"]);
    assert_eq!(env.verify(&expiring, &[]).0, 0);
    env.set("APIKEY_TEST_NOW", "2026-11-22T10:00:00Z");
    let (status, v) = env.verify(&expiring, &[]);
    assert_eq!((status, v["code"].as_str().unwrap()), (13, "EXPIRED"));
    assert_eq!(env.show("soon")["status"], "expired");
    assert_eq!(env.show("soon")["balance"], 9);
}

#[test]
fn the_key_is_read_from_stdin_when_dash_or_absent() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    for args in [vec!["verify", "--json"], vec!["verify", "-", "--json"]] {
        let run = env.run_with_stdin(&args, &format!("{secret}\n"));
        let run = run.code(0);
        assert_eq!(run.json()["code"], "VALID");
    }
    assert_eq!(env.show("web")["balance"], 98);
    let run = env.run_with_stdin(&["verify"], "");
    assert_eq!(run.status, Some(10), "nothing on stdin is malformed");
    let run = env.run_with_stdin(&["verify", "-q"], &secret);
    assert_eq!(run.code(0).stdout, "VALID\n");
}

#[test]
fn dry_run_decides_but_spends_nothing() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web", "--daily-limit", "1"]);
    let before = snapshot(&env);
    for _ in 0..3 {
        assert_eq!(env.verify(&secret, &["--dry-run"]).0, 0);
    }
    assert_eq!(snapshot(&env), before);
    assert_eq!(env.verify(&secret, &[]).0, 0);
    assert_eq!(
        env.verify(&secret, &["--dry-run"]).0,
        15,
        "a dry run sees the limit"
    );
}

#[test]
fn request_flags_are_validated() {
    let env = Env::new();
    let (_, secret) = env.create(&[]);
    for flags in [
        vec!["--cost", "0"],
        vec!["--cost", "-1"],
        vec!["--cost", "many"],
        vec!["--ip", "10.0.0.300"],
        vec!["--ip", "localhost"],
    ] {
        let mut args = vec!["verify", secret.as_str()];
        args.extend(flags);
        env.fails(&args, 2);
    }
    assert_eq!(env.show("key-1")["balance"], 100);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn after_regenerate_the_old_secret_verifies_until_the_grace_ends() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-22T09:00:00Z");
    let (id, old) = env.create(&["--name", "web"]);
    let new = env.json(&["regenerate", "web", "--grace", "1d"])["key"]
        .as_str()
        .unwrap()
        .to_owned();
    env.set("APIKEY_TEST_NOW", "2026-11-23T08:59:59Z");
    let (status, v) = env.verify(&old, &[]);
    assert_eq!((status, v["key_id"].as_str()), (0, Some(id.as_str())));
    assert_eq!(env.verify(&new, &[]).0, 0);
    env.set("APIKEY_TEST_NOW", "2026-11-23T09:00:00Z");
    let (status, v) = env.verify(&old, &[]);
    assert_eq!((status, v["code"].as_str().unwrap()), (11, "NOT_FOUND"));
    assert_eq!(env.verify(&new, &[]).0, 0);
    // Without a grace period the old secret stops at once.
    let newer = env.json(&["regenerate", "web"])["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.verify(&new, &[]).0, 11);
    assert_eq!(env.verify(&newer, &[]).0, 0);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn daily_and_monthly_limits_follow_utc_days_and_months() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-30T23:59:00Z");
    let (_, secret) = env.create(&[
        "--name",
        "web",
        "--daily-limit",
        "2",
        "--monthly-limit",
        "3",
    ]);
    env.ok(&["topup", "web", "100"]);
    assert_eq!(env.verify(&secret, &[]).0, 0);
    assert_eq!(env.verify(&secret, &[]).0, 0);
    let (status, v) = env.verify(&secret, &[]);
    assert_eq!((status, v["code"].as_str().unwrap()), (15, "DAILY_LIMIT"));
    assert_eq!(env.show("web")["usage_today"], 2);
    // A new UTC day and month.
    env.set("APIKEY_TEST_NOW", "2026-12-01T00:00:00Z");
    assert_eq!(env.show("web")["usage_today"], 0);
    assert_eq!(env.verify(&secret, &["--cost", "2"]).0, 0);
    env.set("APIKEY_TEST_NOW", "2026-12-02T00:00:00Z");
    let (status, v) = env.verify(&secret, &["--cost", "2"]);
    assert_eq!((status, v["code"].as_str().unwrap()), (20, "MONTHLY_LIMIT"));
    assert_eq!(env.verify(&secret, &[]).0, 0, "one lookup fits the month");
    assert_eq!(env.verify(&secret, &[]).0, 20);
    env.set("APIKEY_TEST_NOW", "2027-01-01T00:00:00Z");
    assert_eq!(env.verify(&secret, &[]).0, 0);
    env.assert_ledgers_balance();
}

#[test]
fn the_per_ip_daily_limit_counts_each_address_and_needs_one() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web", "--ip-daily-limit", "2"]);
    for ip in ["192.0.2.1", "192.0.2.1"] {
        assert_eq!(env.verify(&secret, &["--ip", ip]).0, 0);
    }
    let (status, v) = env.verify(&secret, &["--ip", "192.0.2.1"]);
    assert_eq!(
        (status, v["code"].as_str().unwrap()),
        (16, "IP_DAILY_LIMIT")
    );
    assert_eq!(env.verify(&secret, &["--ip", "2001:db8::1"]).0, 0);
    assert_eq!(
        env.verify(&secret, &["--ip", "::ffff:192.0.2.1"]).0,
        16,
        "IPv4-mapped is the same client"
    );
    assert_eq!(
        env.verify(&secret, &[]).0,
        18,
        "the limit needs a client IP"
    );
}

#[test]
fn human_output_names_the_code() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    let run = env.run(&["verify", &secret]).code(0);
    assert!(run.stdout.starts_with("VALID: key k_"), "{}", run.stdout);
    env.ok(&["revoke", "web", "--yes"]);
    let run = env.run(&["verify", &secret]);
    assert_eq!(run.status, Some(12));
    assert!(run.stdout.starts_with("REVOKED: "), "{}", run.stdout);
    assert!(!run.stdout.contains(&secret));
}

#[test]
fn a_presented_value_that_looks_like_a_flag_never_exits_0() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    for presented in [
        "--help",
        "-h",
        "--version",
        "-V",
        "--dry-run",
        "-",
        "--",
        "-q",
    ] {
        let run = env.run(&["verify", presented]);
        run.assert(
            run.status != Some(0),
            "a verifier exits 0 only for a valid key",
        );
    }
    // The help is still there for a person to read.
    let run = env.run(&["verify", "--help"]);
    run.assert(
        run.status == Some(2) && run.stdout.contains("Results (exit code)"),
        "help, exit 2",
    );
}
