//! The edges of time and scope: a clock read once the write lock is held,
//! counters that never move back, `verify` scoped by a named account.

use std::process::{Child, Stdio};
use std::time::Duration;

use crate::concurrency::verify_storm_with;
use crate::util::Env;

/// Starts `apikey verify KEY --json` without waiting for it.
fn spawn_verify(env: &Env, key: &str) -> Child {
    env.command(["verify", key, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn apikey")
}

fn code_of(child: Child) -> (i32, String) {
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code().unwrap_or(-1),
        v["code"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn a_day_counter_never_moves_back_when_a_late_writer_commits() {
    // The sequence from the issue: a spend stamped 23:59:59 that commits
    // after one stamped 00:00:00 must count on the new day, not reset it.
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-03-10T12:00:00Z");
    let (_, key) = env.create(&["--name", "web", "--daily-limit", "2"]);
    let mut codes = Vec::new();
    for t in [
        "2026-03-10T23:59:58Z",
        "2026-03-10T23:59:58Z",
        "2026-03-10T23:59:58Z",
        "2026-03-11T00:00:00Z",
        "2026-03-10T23:59:59Z",
        "2026-03-11T00:00:01Z",
        "2026-03-11T00:00:02Z",
        "2026-03-11T00:00:03Z",
    ] {
        env.set("APIKEY_TEST_NOW", t);
        let run = env.run_with_stdin(&["verify"], &key);
        codes.push(run.status.unwrap_or(-1));
    }
    assert_eq!(codes, [0, 0, 15, 0, 0, 15, 15, 15]);
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 4);
    let v = env.show("web");
    assert_eq!(v["balance"], 96);
    assert_eq!(v["usage_today"], 2, "the 11th holds both of its spends");
    assert_eq!(
        v["last_used_at"], "2026-03-11T00:00:00Z",
        "last_used_at never moves back"
    );
    env.assert_ledgers_balance();
}

#[test]
fn expiry_and_grace_are_decided_when_the_lock_is_held_not_when_asked() {
    // Real clock, real processes: the verifiers start while the keys still
    // work, wait for another process's write lock, and get it only after
    // the key expired and the old secret's grace ended.
    let env = Env::new();
    let (_, expiring) = env.create(&["--name", "soon", "--expires", "2s"]);
    let (_, old) = env.create(&["--name", "rotated"]);
    env.ok(&["topup", "rotated", "10"]);
    env.ok(&["regenerate", "rotated", "--grace", "2s"]);
    let holder = env.sql();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let verifiers = [spawn_verify(&env, &expiring), spawn_verify(&env, &old)];
    std::thread::sleep(Duration::from_millis(3500));
    holder.execute_batch("COMMIT").unwrap();
    let codes: Vec<_> = verifiers.into_iter().map(code_of).collect();
    assert_eq!(
        codes,
        [(13, "EXPIRED".to_owned()), (11, "NOT_FOUND".to_owned())]
    );
    assert_eq!(env.show("soon")["balance"], 100, "nothing spent");
    assert_eq!(env.show("rotated")["balance"], 10, "nothing spent");
    env.assert_ledgers_balance();
}

#[test]
fn verify_is_scoped_by_a_named_account() {
    let mut env = Env::new();
    env.ok(&["account", "create", "acme"]);
    env.ok(&["account", "create", "blog"]);
    let (_, blog_key) = env.create(&["-a", "blog", "--name", "web"]);
    env.create(&["-a", "acme", "--name", "web"]);

    let not_found = |env: &Env, global: &[&str], flags: &[&str]| {
        let mut args = global.to_vec();
        args.extend(["verify", blog_key.as_str(), "--json"]);
        args.extend(flags);
        let run = env.run(&args).code(11);
        assert_eq!(run.json()["code"], "NOT_FOUND", "{args:?}");
        assert!(run.stderr.is_empty());
    };
    // By flag, environment and config file: another account's key is
    // NOT_FOUND, dry run or not, and nothing is spent.
    not_found(&env, &["-a", "acme"], &[]);
    not_found(&env, &["-a", "acme"], &["--dry-run"]);
    env.set("APIKEY_ACCOUNT", "acme");
    not_found(&env, &[], &[]);
    env.unset("APIKEY_ACCOUNT");
    let config = env.path("config.toml");
    std::fs::write(&config, "account = \"acme\"\n").unwrap();
    env.set("APIKEY_CONFIG", &config);
    not_found(&env, &[], &[]);
    env.unset("APIKEY_CONFIG");
    assert_eq!(env.json(&["-a", "blog", "show", "web"])["balance"], 100);

    // The key's own account, or none named: it verifies.
    let (code, v) = env.verify(&blog_key, &["-a", "blog"]);
    assert_eq!((code, v["account"].as_str()), (0, Some("blog")));
    let (code, v) = env.verify(&blog_key, &[]);
    assert_eq!((code, v["balance"].as_i64()), (0, Some(98)));

    // A named account that does not exist, or a bad name, fails as every
    // other command does.
    let err = env.fails(&["-a", "nosuch", "verify", &blog_key], 4);
    assert!(err.contains("nosuch"), "{err}");
    let err = env.fails(&["-a", "bad name!", "verify", &blog_key], 2);
    assert!(err.contains("account"), "{err}");
    assert_eq!(env.json(&["-a", "blog", "show", "web"])["balance"], 98);
}

#[test]
fn dot_segments_and_a_presented_wildcard_never_widen_an_allowed_url() {
    let env = Env::new();
    let (_, app) = env.create(&["--name", "app", "--allow-url", "http://localhost:3000/app"]);
    env.ok(&["topup", "app", "10"]);
    for (origin, code) in [
        ("http://localhost:3000/app/page", 0),
        ("http://localhost:3000/app/x/../page", 0),
        ("http://localhost:3000/app/../admin", 17),
        ("http://localhost:3000/app/%2e%2e/admin", 17),
        ("http://localhost:3000/app/./../admin", 17),
    ] {
        assert_eq!(env.verify(&app, &["--origin", origin]).0, code, "{origin}");
    }
    let err = env.fails(
        &[
            "security",
            "app",
            "--allow-url",
            "http://localhost:3000/app/../admin",
        ],
        2,
    );
    assert!(err.contains("'..' segments"), "{err}");

    let (_, wild) = env.create(&["--name", "wild", "--allow-url", "https://*.example.com"]);
    env.ok(&["topup", "wild", "10"]);
    assert_eq!(
        env.verify(&wild, &["--origin", "https://a.example.com"]).0,
        0
    );
    for origin in ["https://*.example.com", "https://a.*.example.com"] {
        assert_eq!(env.verify(&wild, &["--origin", origin]).0, 17, "{origin}");
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn a_date_expiry_is_the_end_of_that_day_and_times_never_end_early() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-06-29T12:00:00Z");
    let (_, key) = env.create(&["--name", "web", "--expires", "2026-06-30"]);
    assert_eq!(env.show("web")["expires_at"], "2026-07-01T00:00:00Z");
    env.set("APIKEY_TEST_NOW", "2026-06-30T23:59:59Z");
    assert_eq!(env.verify(&key, &[]).0, 0, "it works on the date written");
    env.set("APIKEY_TEST_NOW", "2026-07-01T00:00:00Z");
    assert_eq!(env.verify(&key, &[]).0, 13);

    // The manifest's dates alike, as a string or a TOML date.
    env.set("APIKEY_TEST_NOW", "2026-06-29T12:00:00Z");
    let file = env.path("keys.toml");
    std::fs::write(
        &file,
        "[[account]]\nname = \"default\"\n\
         [[account.key]]\nname = \"text\"\nexpires = \"2027-06-30\"\n\
         [[account.key]]\nname = \"toml\"\nexpires = 2027-06-30\n",
    )
    .unwrap();
    env.ok(&["apply", file.to_str().unwrap()]);
    for name in ["text", "toml"] {
        assert_eq!(
            env.show(name)["expires_at"],
            "2027-07-01T00:00:00Z",
            "{name}"
        );
    }

    // A fraction of a second rounds up: never early, never "not in the future".
    env.set("APIKEY_TEST_NOW", "2026-06-30T00:00:00Z");
    env.ok(&["security", "text", "--expires", "2026-06-30T00:00:00.5Z"]);
    assert_eq!(env.show("text")["expires_at"], "2026-06-30T00:00:01Z");
    env.ok(&["security", "text", "--expires", "2026-06-30T23:59:59.9Z"]);
    assert_eq!(env.show("text")["expires_at"], "2026-07-01T00:00:00Z");

    // At the top of the range a duration is refused, not cut short.
    env.set("APIKEY_TEST_NOW", "9999-12-31T23:59:58Z");
    let err = env.fails(&["security", "text", "--expires", "2d"], 2);
    assert!(err.contains("latest time"), "{err}");
    assert_eq!(env.show("text")["expires_at"], "2026-07-01T00:00:00Z");
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn the_audit_says_when_the_old_secret_stops_and_it_stops_then() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-22T09:00:00Z");
    let (_, old) = env.create(&["--name", "web"]);
    env.ok(&["regenerate", "web", "--grace", "1h"]);
    let log = env.json(&["log", "web"]);
    assert_eq!(
        log[0]["detail"], "old secret stops working at 2026-11-22T10:00:00Z",
        "{log}"
    );
    env.set("APIKEY_TEST_NOW", "2026-11-22T09:59:59Z");
    assert_eq!(env.verify(&old, &[]).0, 0);
    env.set("APIKEY_TEST_NOW", "2026-11-22T10:00:00Z");
    assert_eq!(env.verify(&old, &[]).0, 11);
}

#[test]
fn keys_read_alike_from_an_argument_and_stdin_and_mapped_blocks_are_allowed() {
    let env = Env::new();
    let (_, key) = env.create(&["--name", "web", "--allow-ip", "::ffff:10.0.0.0/104"]);
    assert_eq!(env.show("web")["security"]["allowed_ips"][0], "10.0.0.0/8");
    let ip = ["--ip", "::ffff:10.1.2.3"];
    assert_eq!(
        env.verify(&format!("{key}\n"), &ip).0,
        0,
        "trailing newline"
    );
    assert_eq!(env.verify(&format!(" {key} "), &ip).0, 0, "spaces");
    let run = env.run_with_stdin(&["verify", "--ip", "10.1.2.3"], &format!("\n\n{key}\n"));
    assert_eq!(run.status, Some(0), "a leading blank line: {}", run.stderr);
    assert_eq!(env.verify(&key, &["--ip", "11.0.0.1"]).0, 18);
    let err = env.fails(&["security", "web", "--allow-ip", "::ffff:10.0.0.0/80"], 2);
    assert!(err.contains("96 to 128"), "{err}");
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn processes_racing_across_midnight_never_pass_a_days_limit() {
    // Eight shell loops of real `apikey verify` runs, half with clocks a
    // second before midnight and half at midnight, as two hosts whose
    // clocks differ (or a writer that read its clock late) would be.
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-03-10T12:00:00Z");
    let (_, key) = env.create(&["--name", "web", "--daily-limit", "10"]);
    env.ok(&["topup", "web", "1000"]);
    let counts = verify_storm_with(&env, &key, 8, 10, "", |i, cmd| {
        let now = if i % 2 == 0 {
            "2026-03-10T23:59:59Z"
        } else {
            "2026-03-11T00:00:00Z"
        };
        cmd.env("APIKEY_TEST_NOW", now);
    });
    let valid = counts.get("VALID").copied().unwrap_or(0);
    assert!(
        (10..=20).contains(&valid),
        "{valid} VALID over two days of 10"
    );
    let conn = env.sql();
    let per_day: Vec<(i64, i64)> = conn
        .prepare("SELECT day, SUM(count) FROM usage GROUP BY day ORDER BY day")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (day, n) in &per_day {
        assert!(*n <= 10, "day {day} counted {n} lookups: {per_day:?}");
    }
    let spent: i64 = per_day.iter().map(|(_, n)| n).sum();
    assert_eq!(usize::try_from(spent).unwrap(), valid);
    assert_eq!(env.show("web")["balance"], 1100 - spent);
    env.assert_ledgers_balance();
}
