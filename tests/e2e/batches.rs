//! Lookups bought in batches that lapse: spent in expiry order, lapsing at
//! the second they expire (an `expired` ledger row, an audit row, a
//! `lookups_expired` event), a `lookups_expiring` notice 42 days before,
//! every reader seeing the balance without what lapsed before any write
//! recorded it, and exactly one record under racing verifications.

use crate::concurrency::verify_storm_with;
use crate::util::{Env, on_both_backends};

on_both_backends!(
    batches_are_spent_in_expiry_order_and_lapse_at_the_second,
    a_key_nobody_uses_has_its_lapse_recorded_by_the_next_command_that_writes,
    racing_verifications_record_a_lapse_once,
    top_up_expiries_from_flags_and_config,
);

fn batches(env: &Env, key: &str) -> Vec<(i64, Option<String>)> {
    env.show(key)["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["left"].as_i64().unwrap(),
                b["expires_at"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn count(env: &Env, sql: &str) -> i64 {
    env.scalar(sql)
}

fn expired_rows(env: &Env) -> i64 {
    count(env, "SELECT COUNT(*) FROM ledger WHERE reason = 'expired'")
}

/// How many `kind` events were queued with this detail.
fn events(env: &Env, kind: &str, detail: &str) -> i64 {
    count(
        env,
        &format!("SELECT COUNT(*) FROM outbox WHERE event = '{kind}' AND detail LIKE '{detail}'"),
    )
}

fn batches_are_spent_in_expiry_order_and_lapse_at_the_second(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-01T00:00:00Z");
    let (_, secret) = env.create(&["--name", "web", "--notify", "ops@example.com"]);
    env.ok(&["topup", "web", "50", "--expires", "30d"]);
    env.ok(&["topup", "web", "20", "--expires", "2027-01-05"]);
    let t = env.json(&["topup", "web", "30", "--expires", "12mo"]);
    assert_eq!(t["balance"], 200);
    let never = None;
    let day30 = Some("2027-01-31T00:00:00Z".to_owned());
    let year = Some("2028-01-01T00:00:00Z".to_owned());
    assert_eq!(
        batches(env, "web"),
        [
            (20, Some("2027-01-06T00:00:00Z".to_owned())),
            (50, day30.clone()),
            (30, year.clone()),
            (100, never.clone()),
        ]
    );
    let table = env.ok(&["show", "web"]);
    assert!(table.contains("20 expiring 2027-01-06 00:00"), "{table}");

    // 25 lookups: the 20 that lapse first, then 5 of the next.
    let (code, v) = env.verify(&secret, &["--cost", "25"]);
    assert_eq!((code, v["balance"].as_i64()), (0, Some(175)));
    assert_eq!(
        batches(env, "web"),
        [
            (45, day30.clone()),
            (30, year.clone()),
            (100, never.clone())
        ]
    );

    // A second before the lapse, nothing has lapsed.
    env.set("APIKEY_TEST_NOW", "2027-01-30T23:59:59Z");
    assert_eq!(env.show("web")["balance"], 175);
    // At the second, every reader sees the balance without the 45, before
    // any write recorded them.
    env.set("APIKEY_TEST_NOW", "2027-01-31T00:00:00Z");
    assert_eq!(env.show("web")["balance"], 130);
    assert_eq!(
        batches(env, "web"),
        [(30, year.clone()), (100, never.clone())]
    );
    let (code, v) = env.verify(&secret, &["--dry-run"]);
    assert_eq!((code, v["balance"].as_i64()), (0, Some(130)));
    let accounts = env.json(&["account", "show", "default"]);
    assert_eq!(accounts["balance"], 130);
    assert_eq!(expired_rows(env), 0, "reads record nothing");
    let changes = |env: &Env| -> Vec<(String, i64)> {
        env.json(&["usage", "web", "--days", "60"])["balance_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["kind"].as_str().unwrap().to_owned(),
                    c["lookups"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let expected: Vec<(String, i64)> = [
        ("test_balance", 100),
        ("topup", 50),
        ("topup", 20),
        ("topup", 30),
        ("expired", -45),
    ]
    .iter()
    .map(|(k, n)| ((*k).to_owned(), *n))
    .collect();
    assert_eq!(changes(env), expected);
    let chart = env.ok(&["usage", "web", "--days", "60"]);
    assert!(
        chart.contains("expired") && chart.contains("-45"),
        "{chart}"
    );

    // The next verification records the lapse, then spends.
    let (code, v) = env.verify(&secret, &[]);
    assert_eq!((code, v["balance"].as_i64()), (0, Some(129)));
    assert_eq!(expired_rows(env), 1);
    assert_eq!(
        count(
            env,
            "SELECT CAST(SUM(delta) AS BIGINT) FROM ledger WHERE reason = 'expired'"
        ),
        -45
    );
    assert_eq!(changes(env), expected, "recorded, and shown once");
    let log = env.json(&["log", "web"]);
    let expire = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "expire")
        .expect("an expire row in the log");
    assert!(
        expire["detail"]
            .as_str()
            .unwrap()
            .starts_with("-45 lookups expired at 2027-01-31T00:00:00Z"),
        "{expire}"
    );
    assert_eq!(
        events(
            env,
            "lookups_expired",
            "45 lookups expired at 2027-01-31T00:00:00Z"
        ),
        1
    );
    env.assert_store_is_sound();
    env.assert_ledgers_balance();

    // 42 days before the year's batch lapses, its notice, once.
    env.set("APIKEY_TEST_NOW", "2027-11-19T23:59:59Z");
    env.verify(&secret, &[]);
    assert_eq!(events(env, "lookups_expiring", "%"), 0);
    env.set("APIKEY_TEST_NOW", "2027-11-20T00:00:00Z");
    env.verify(&secret, &[]);
    env.verify(&secret, &[]);
    assert_eq!(events(env, "lookups_expiring", "%"), 1);
    assert_eq!(
        events(
            env,
            "lookups_expiring",
            "28 lookups expire at 2028-01-01T00:00:00Z"
        ),
        1
    );
    // Lapsing, it takes the rest of that batch only.
    env.set("APIKEY_TEST_NOW", "2028-01-01T00:00:00Z");
    let (code, v) = env.verify(&secret, &[]);
    assert_eq!((code, v["balance"].as_i64()), (0, Some(99)));
    assert_eq!(batches(env, "web"), [(99, never)]);
    assert_eq!(expired_rows(env), 2);
    env.assert_store_is_sound();
    env.assert_ledgers_balance();
}

fn a_key_nobody_uses_has_its_lapse_recorded_by_the_next_command_that_writes(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-01T00:00:00Z");
    env.create(&["--name", "idle", "--notify", "ops@example.com"]);
    env.create(&["--name", "other"]);
    env.ok(&["topup", "idle", "60", "--expires", "10d"]);
    env.ok(&["revoke", "other", "--yes"]);
    env.set("APIKEY_TEST_NOW", "2027-01-11T00:00:00Z");
    // Reading commands record nothing.
    env.ok(&["list"]);
    assert_eq!(expired_rows(env), 0);
    // Any command that writes records it, whichever key it is about.
    env.ok(&["account", "create", "elsewhere"]);
    assert_eq!(expired_rows(env), 1);
    assert_eq!(env.show("idle")["balance"], 100);
    assert_eq!(events(env, "lookups_expired", "60 lookups expired at %"), 1);
    env.ok(&["account", "create", "again"]);
    assert_eq!(expired_rows(env), 1, "recorded once");
    env.assert_store_is_sound();
    env.assert_ledgers_balance();
}

fn racing_verifications_record_a_lapse_once(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-01-01T00:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.ok(&["topup", "web", "50", "--expires", "1d"]);
    env.set("APIKEY_TEST_NOW", "2027-01-02T00:00:00Z");
    let counts = verify_storm_with(env, &secret, 8, 10, "", |_, cmd| {
        cmd.env("APIKEY_TEST_NOW", "2027-01-02T00:00:00Z");
    });
    assert_eq!(counts.get("VALID"), Some(&80), "{counts:?}");
    assert_eq!(expired_rows(env), 1);
    assert_eq!(
        count(
            env,
            "SELECT CAST(SUM(delta) AS BIGINT) FROM ledger WHERE reason = 'expired'"
        ),
        -50
    );
    assert_eq!(env.show("web")["balance"], 20);
    env.assert_store_is_sound();
    env.assert_ledgers_balance();
}

fn top_up_expiries_from_flags_and_config(env: &mut Env) {
    env.set("APIKEY_TEST_NOW", "2027-03-31T12:00:00Z");
    std::fs::write(
        env.path("config.toml"),
        "[balance]\ntopup_expires = \"1mo\"\n",
    )
    .unwrap();
    let config = env.path("config.toml");
    env.set("APIKEY_CONFIG", &config);
    env.create(&["--name", "web"]);
    let t = env.ok(&["topup", "web", "10"]);
    assert!(t.contains("expiring at 2027-04-30T12:00:00Z"), "{t}");
    env.ok(&["topup", "web", "5", "--expires", "never"]);
    assert_eq!(
        batches(env, "web"),
        [(10, Some("2027-04-30T12:00:00Z".to_owned())), (105, None)]
    );
    // Refused, and nothing changes.
    let before = env.show("web");
    for (bad, why) in [
        ("0d", "no time at all"),
        ("2027-03-01", "not in the future"),
        ("12x", "invalid expiry '12x'"),
        ("101y", "at most 100 years"),
    ] {
        let err = env.fails(&["topup", "web", "5", "--expires", bad], 2);
        assert!(err.contains(why), "{bad}: {err}");
    }
    assert_eq!(env.show("web"), before);
    // A date in the config would soon be past for every top-up.
    std::fs::write(&config, "[balance]\ntopup_expires = \"2028-01-01\"\n").unwrap();
    let err = env.fails(&["topup", "web", "5"], 2);
    assert!(
        err.contains("config.toml:2:17") && err.contains("invalid expiry '2028-01-01'"),
        "{err}"
    );
    env.unset("APIKEY_CONFIG");
    assert_eq!(env.show("web"), before);
}

#[test]
fn a_key_holds_at_most_200_batches() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    let many: Vec<String> = (0..199)
        .map(|i| format!("1,{},0", 1_900_000_000 + i))
        .collect();
    env.sql()
        .execute(
            "UPDATE keys SET batches = ?1, balance = balance + 199",
            [many.join(" ") + " 100,,1"],
        )
        .unwrap();
    env.sql()
        .execute(
            "INSERT INTO ledger (key_id, at, delta, reason) SELECT id, 0, 199, 'topup' FROM keys",
            [],
        )
        .unwrap();
    let before = env.show("web");
    let err = env.fails(&["topup", "web", "5", "--expires", "2031-01-01"], 3);
    assert!(err.contains("already holds 200 batches"), "{err}");
    assert_eq!(env.show("web"), before);
    // Never-lapsing lookups, or an expiry a batch has, join a batch.
    env.ok(&["topup", "web", "5"]);
    let at = apikey::Timestamp::from_unix(1_900_000_000).to_string();
    env.ok(&["topup", "web", "5", "--expires", &at]);
    assert_eq!(env.show("web")["balance"], 309);
    env.assert_store_is_sound();
}

#[test]
fn an_upgrade_makes_each_balance_one_batch_that_never_lapses() {
    let env = Env::new();
    keys_to_upgrade(&env);
    let conn = env.sql();
    conn.execute_batch(crate::util::UNDO_SCHEMA_10).unwrap();
    conn.execute_batch("PRAGMA user_version = 10;").unwrap();
    drop(conn);
    let upgraded = env.json(&["store", "upgrade"]);
    assert_eq!(upgraded["to"], 11);
    each_balance_is_one_batch(&env);
}

/// A key with 123 lookups and one with none, in a store about to be taken
/// back to before batches.
fn keys_to_upgrade(env: &Env) {
    env.create(&["--name", "web"]);
    env.create(&["--name", "empty"]);
    env.ok(&["topup", "web", "23"]);
}

/// What the upgrade made of [`keys_to_upgrade`]'s keys.
fn each_balance_is_one_batch(env: &Env) {
    assert_eq!(env.show("web")["balance"], 123);
    assert_eq!(
        env.show("web")["batches"],
        serde_json::json!([{"left": 123, "expires_at": null}])
    );
    assert_eq!(env.show("empty")["batches"], serde_json::json!([]));
    env.assert_store_is_sound();
}

#[test]
fn a_postgresql_upgrade_makes_each_balance_one_batch_that_never_lapses() {
    let env = Env::postgres();
    keys_to_upgrade(&env);
    env.postgres
        .as_ref()
        .unwrap()
        .client()
        .batch_execute(&format!(
            "{}; DELETE FROM migrations WHERE version = 3",
            crate::util::UNDO_SCHEMA_10.trim_end_matches(';')
        ))
        .unwrap();
    // The upgrade says on stderr that it ran.
    let run = env.run(&["store", "upgrade", "--json"]);
    run.assert(
        run.status == Some(0) && run.stderr.contains("upgraded the store to schema 3"),
        "the upgrade",
    );
    let upgraded = run.json();
    assert_eq!(
        (upgraded["from"].as_i64(), upgraded["to"].as_i64()),
        (Some(2), Some(3))
    );
    each_balance_is_one_batch(&env);
}

#[test]
fn a_key_that_cannot_be_read_does_not_stop_the_sweep_or_other_commands() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2027-01-01T00:00:00Z");
    env.create(&["--name", "good"]);
    env.create(&["--name", "bad"]);
    env.ok(&["topup", "good", "10", "--expires", "1d"]);
    env.ok(&["topup", "bad", "10", "--expires", "1d"]);
    env.sql()
        .execute(
            "UPDATE keys SET auto_topup = 'not settings' WHERE name = 'bad'",
            [],
        )
        .unwrap();
    env.set("APIKEY_TEST_NOW", "2027-01-03T00:00:00Z");
    env.ok(&["account", "create", "acme"]);
    // The readable key's lapse is recorded; the other waits for its mend.
    assert_eq!(expired_rows(&env), 1);
    let report = env.run(&["store", "check", "--json"]).code(1).json();
    assert_eq!(report["violations"][0]["check"], "unreadable", "{report}");
}
