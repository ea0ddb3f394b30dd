//! `apikey usage`: by day and by IP, with client IPs redacted after the
//! key's redact days while the counts stay.

use crate::util::Env;

/// Usage rows that still hold `ip` in the store itself (a report shows
/// past-due addresses redacted whether or not they are still stored).
fn stored(env: &Env, ip: &str) -> i64 {
    env.sql()
        .query_row("SELECT COUNT(*) FROM usage WHERE ip = ?1", [ip], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn usage_by_day_and_by_ip() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-20T12:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.verify(&secret, &["--ip", "192.0.2.1"]);
    env.verify(&secret, &["--ip", "192.0.2.1", "--cost", "2"]);
    env.set("APIKEY_TEST_NOW", "2026-11-22T12:00:00Z");
    env.verify(&secret, &["--ip", "198.51.100.7"]);
    env.verify(&secret, &[]);

    let v = env.json(&["usage", "web", "--days", "3"]);
    assert_eq!(v["from"], "2026-11-20");
    assert_eq!(v["to"], "2026-11-22");
    assert_eq!(v["total"], 5);
    assert_eq!(
        v["days"],
        serde_json::json!([
            {"day": "2026-11-20", "lookups": 3},
            {"day": "2026-11-21", "lookups": 0},
            {"day": "2026-11-22", "lookups": 2}
        ])
    );
    let v = env.json(&["usage", "web", "--by", "ip"]);
    assert_eq!(
        v["ips"],
        serde_json::json!([
            {"ip": "192.0.2.1", "redacted": false, "lookups": 3},
            {"ip": null, "redacted": false, "lookups": 1},
            {"ip": "198.51.100.7", "redacted": false, "lookups": 1}
        ])
    );
    assert_eq!(env.json(&["usage", "web", "--days", "2"])["total"], 2);

    let chart = env.ok(&["usage", "web", "--days", "3"]);
    assert!(
        chart.contains("2026-11-21") && chart.contains('█'),
        "{chart}"
    );
    let chart = env.ok(&["usage", "web", "--by", "ip"]);
    assert!(
        chart.contains("192.0.2.1") && chart.contains("(none)"),
        "{chart}"
    );
    env.fails(&["usage", "web", "--days", "0"], 2);
    env.fails(&["usage", "web", "--by", "hour"], 2);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn client_ips_are_redacted_after_the_redact_days_and_counts_stay() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T12:00:00Z");
    let (_, secret) = env.create(&["--name", "web", "--redact-days", "3"]);
    env.verify(&secret, &["--ip", "192.0.2.1"]);
    env.verify(&secret, &["--ip", "192.0.2.2"]);
    env.set("APIKEY_TEST_NOW", "2026-11-04T12:00:00Z");
    let v = env.json(&["usage", "web", "--by", "ip"]);
    assert_eq!(v["ips"][0]["redacted"], false, "3 days after: still kept");

    env.set("APIKEY_TEST_NOW", "2026-11-05T12:00:00Z");
    env.verify(&secret, &["--ip", "192.0.2.9"]);
    let v = env.json(&["usage", "web", "--by", "ip", "--days", "10"]);
    assert_eq!(v["total"], 3, "counts stay");
    assert_eq!(
        v["ips"],
        serde_json::json!([
            {"ip": null, "redacted": true, "lookups": 2},
            {"ip": "192.0.2.9", "redacted": false, "lookups": 1}
        ])
    );
    // And the addresses are gone from the store itself, not just the report.
    for ip in ["192.0.2.1", "192.0.2.2"] {
        assert_eq!(stored(&env, ip), 0, "{ip} still stored");
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn lowering_redact_days_redacts_at_once() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T12:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.verify(&secret, &["--ip", "192.0.2.1"]);
    env.set("APIKEY_TEST_NOW", "2026-11-03T12:00:00Z");
    env.ok(&["security", "web", "--redact-days", "1"]);
    assert_eq!(stored(&env, "192.0.2.1"), 0);
    assert_eq!(env.json(&["usage", "web"])["total"], 1);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn the_chart_starts_at_the_first_lookup_and_folds_idle_days() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-10T12:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.verify(&secret, &[]);
    env.set("APIKEY_TEST_NOW", "2026-11-12T12:00:00Z");
    env.verify(&secret, &[]);
    env.set("APIKEY_TEST_NOW", "2026-11-20T12:00:00Z");
    env.verify(&secret, &[]);
    let chart = env.ok(&["usage", "web"]);
    // The lookups, then the balance's other changes (the test balance).
    let (lookups, changes) = chart.split_once("BALANCE CHANGE").unwrap();
    assert!(
        changes.contains("2026-11-10 12:00")
            && changes.contains("test_balance")
            && changes.contains("+100"),
        "{chart}"
    );
    let rows: Vec<&str> = lookups.lines().filter(|l| l.contains("2026-")).collect();
    // The title, 11-10, 11-11 (a short gap stays), 11-12, the fold, 11-20.
    assert_eq!(rows.len(), 6, "{chart}");
    assert!(!chart.contains("2026-11-09"), "{chart}");
    assert!(
        chart.contains("2026-11-13 to 2026-11-19: 7 idle days"),
        "{chart}"
    );
    // The JSON still has every day of the period.
    let days = env.json(&["usage", "web"])["days"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(days, 30);

    let idle = Env::new();
    idle.create(&["--name", "web"]);
    let chart = idle.ok(&["usage", "web"]);
    assert!(chart.contains("No lookups in this period."), "{chart}");
    // The title, that line, then the test balance's table.
    let (lookups, changes) = chart.split_once("BALANCE CHANGE").unwrap();
    assert_eq!(lookups.lines().count(), 4, "{chart}");
    assert!(changes.contains("test_balance"), "{chart}");
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn an_idle_keys_ips_leave_the_store_at_the_first_write_of_a_later_day() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T12:00:00Z");
    let (_, secret) = env.create(&["--name", "idle", "--redact-days", "1"]);
    let (_, busy) = env.create(&["--name", "busy"]);
    env.verify(&secret, &["--ip", "203.0.113.7"]);
    env.ok(&["revoke", "idle", "--yes"]);
    // Still within its redact days: kept, whatever runs.
    env.set("APIKEY_TEST_NOW", "2026-11-02T12:00:00Z");
    env.ok(&["topup", "busy", "1"]);
    assert_eq!(stored(&env, "203.0.113.7"), 1);
    // Past them: reading shows it redacted and changes nothing...
    env.set("APIKEY_TEST_NOW", "2026-12-30T12:00:00Z");
    let v = env.json(&["usage", "idle", "--by", "ip", "--days", "90"]);
    assert_eq!(v["ips"][0]["redacted"], true, "{v}");
    assert_eq!(
        stored(&env, "203.0.113.7"),
        1,
        "a read-only command writes nothing"
    );
    // ...and the first write removes it, counts kept: here a spending
    // verify of another key.
    assert_eq!(env.verify(&busy, &[]).0, 0);
    assert_eq!(
        stored(&env, "203.0.113.7"),
        0,
        "the IP of a revoked, idle key is gone"
    );
    let v = env.json(&["usage", "idle", "--by", "ip", "--days", "90"]);
    assert_eq!(v["total"], 1);
    // Once a day: the chore records the day it ran, and a clock that steps
    // back a day does not run it again.
    let day = |env: &Env| -> i64 {
        env.sql()
            .query_row(
                "SELECT day FROM housekeeping WHERE chore = 'redact_ips'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let ran = day(&env);
    env.set("APIKEY_TEST_NOW", "2026-12-29T12:00:00Z");
    env.ok(&["topup", "busy", "1"]);
    assert_eq!(day(&env), ran);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn apply_lowering_redact_days_redacts_at_once() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T12:00:00Z");
    let file = env.path("keys.toml");
    let apply = |env: &Env, days: u32| {
        std::fs::write(
            &file,
            format!(
                "[[account]]\nname = \"default\"\n\
                 [[account.key]]\nname = \"web\"\nredact_days = {days}\n"
            ),
        )
        .unwrap();
        env.json(&["apply", file.to_str().unwrap()])
    };
    let created = apply(&env, 28);
    let secret = created["created"][0]["key"].as_str().unwrap().to_owned();
    env.verify(&secret, &["--ip", "203.0.113.7"]);
    env.set("APIKEY_TEST_NOW", "2026-11-05T12:00:00Z");
    env.ok(&["topup", "web", "1"]);
    assert_eq!(stored(&env, "203.0.113.7"), 1, "within 28 days: kept");
    apply(&env, 1);
    assert_eq!(
        stored(&env, "203.0.113.7"),
        0,
        "a manifest's lower redact days apply at once"
    );
    assert_eq!(env.json(&["usage", "web", "--days", "30"])["total"], 1);
}
