//! Rules under real concurrency: many processes on one store at once.

use std::process::{Child, Stdio};

use crate::util::{Env, on_both_backends};

fn spawn_all(env: &Env, n: usize, args: &[&str]) -> Vec<Child> {
    (0..n)
        .map(|_| {
            env.command(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect()
}

fn wait_codes(children: Vec<Child>) -> Vec<(i32, String)> {
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

fn check_exactly_ten(env: &Env, results: &[(i32, String)]) {
    let ok = results.iter().filter(|(c, _)| *c == 0).count();
    let refused: Vec<_> = results.iter().filter(|(c, _)| *c == 3).collect();
    assert_eq!(ok, 10, "{results:?}");
    assert_eq!(refused.len(), 10, "{results:?}");
    for (_, err) in refused {
        assert!(err.contains("already has 10 active keys"), "{err}");
    }
    let active = env.scalar("SELECT COUNT(*) FROM keys WHERE revoked_at IS NULL");
    assert_eq!(active, 10);
    let test_balances = env.scalar("SELECT COUNT(*) FROM ledger WHERE reason = 'test_balance'");
    assert_eq!(test_balances, 1, "rule 2 under concurrency");
    env.assert_ledgers_balance();
}

on_both_backends!(
    twenty_racing_creates_on_an_existing_store_make_exactly_ten_keys,
    twenty_racing_creates_on_a_new_store_make_exactly_ten_keys,
    racing_topups_all_land_in_the_ledger,
    eight_processes_spend_a_balance_of_100_exactly,
    eight_processes_respect_a_daily_limit_exactly,
    eight_processes_respect_a_per_ip_daily_limit_exactly,
);

fn twenty_racing_creates_on_an_existing_store_make_exactly_ten_keys(env: &mut Env) {
    env.init_store();
    let results = wait_codes(spawn_all(env, 20, &["create"]));
    check_exactly_ten(env, &results);
    let names: std::collections::BTreeSet<String> = env
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 10, "default names stay unique: {names:?}");
}

fn twenty_racing_creates_on_a_new_store_make_exactly_ten_keys(env: &mut Env) {
    assert!(!env.db.exists());
    let results = wait_codes(spawn_all(env, 20, &["create"]));
    check_exactly_ten(env, &results);
}

fn racing_topups_all_land_in_the_ledger(env: &mut Env) {
    env.create(&["--name", "web"]);
    let results = wait_codes(spawn_all(env, 12, &["topup", "web", "7"]));
    assert!(results.iter().all(|(c, _)| *c == 0), "{results:?}");
    assert_eq!(env.show("web")["balance"], 100 + 12 * 7);
    env.assert_ledgers_balance();
}

/// Runs `procs` processes that each verify `secret` `times` times (with
/// `flags`), and returns how often each code came back.
fn verify_storm(
    env: &Env,
    secret: &str,
    procs: usize,
    times: usize,
    flags: &str,
) -> std::collections::BTreeMap<String, usize> {
    verify_storm_with(env, secret, procs, times, flags, |_, _| {})
}

/// [`verify_storm`], with `setup` called on each process's command (and
/// its number) before it starts: to give processes different clocks.
pub(crate) fn verify_storm_with(
    env: &Env,
    secret: &str,
    procs: usize,
    times: usize,
    flags: &str,
    setup: impl Fn(usize, &mut std::process::Command),
) -> std::collections::BTreeMap<String, usize> {
    // Each process is a shell loop of real `apikey verify` runs, so the
    // processes interleave at the store, not inside one program.
    let script = format!(
        "for i in $(seq {times}); do printf '%s' \"$KEY\" | \"$BIN\" verify -q {flags}; done"
    );
    let children: Vec<Child> = (0..procs)
        .map(|i| {
            let mut cmd = env.shell(&script);
            cmd.env("KEY", secret)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            setup(i, &mut cmd);
            cmd.spawn().expect("spawn sh")
        })
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.is_empty(),
            "no errors (no 'database is locked'): {stderr}"
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            *counts.entry(line.to_owned()).or_insert(0) += 1;
        }
    }
    assert_eq!(counts.values().sum::<usize>(), procs * times, "{counts:?}");
    counts
}

fn eight_processes_spend_a_balance_of_100_exactly(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web"]);
    let counts = verify_storm(env, &secret, 8, 50, "");
    assert_eq!(counts.get("VALID"), Some(&100), "{counts:?}");
    assert_eq!(counts.get("INSUFFICIENT_BALANCE"), Some(&300), "{counts:?}");
    assert_eq!(env.show("web")["balance"], 0);
    let rows = env.scalar("SELECT COUNT(*) FROM ledger WHERE reason = 'spend'");
    let spends =
        env.scalar("SELECT CAST(SUM(spends) AS BIGINT) FROM ledger WHERE reason = 'spend'");
    assert_eq!(spends, 100);
    // One row for the day (two if the storm ran across midnight).
    assert!(rows <= 2, "{rows} spend rows");
    env.assert_ledgers_balance();
}

fn eight_processes_respect_a_daily_limit_exactly(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web", "--daily-limit", "60"]);
    env.ok(&["topup", "web", "100000"]);
    let counts = verify_storm(env, &secret, 8, 25, "");
    assert_eq!(counts.get("VALID"), Some(&60), "{counts:?}");
    assert_eq!(counts.get("DAILY_LIMIT"), Some(&140), "{counts:?}");
    assert_eq!(env.show("web")["balance"], 100_100 - 60);
    assert_eq!(env.show("web")["usage_today"], 60);
    env.assert_ledgers_balance();
}

fn eight_processes_respect_a_per_ip_daily_limit_exactly(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web", "--ip-daily-limit", "40"]);
    env.ok(&["topup", "web", "100000"]);
    let counts = verify_storm(env, &secret, 8, 25, "--ip 192.0.2.1");
    assert_eq!(counts.get("VALID"), Some(&40), "{counts:?}");
    assert_eq!(counts.get("IP_DAILY_LIMIT"), Some(&160), "{counts:?}");
    let v = env.json(&["usage", "web", "--by", "ip"]);
    assert_eq!(v["ips"][0]["lookups"], 40);
    env.assert_ledgers_balance();
}

#[test]
fn a_store_locked_past_the_busy_timeout_fails_with_exit_1_and_a_clear_line() {
    let mut env = Env::new();
    env.create(&["--name", "web"]);
    let config = env.path("c.toml");
    std::fs::write(&config, "busy_timeout_ms = 300\n").unwrap();
    env.set("APIKEY_CONFIG", &config);

    let holder = env.sql();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let err = env.fails(&["topup", "web", "5"], 1);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(300),
        "it waited"
    );
    assert!(err.contains("is locked by another process"), "{err}");
    assert!(err.contains("busy_timeout_ms"), "the fix is named: {err}");
    assert!(!err.contains("database is locked"), "{err}");

    // A lock released within the timeout is simply waited for.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        holder.execute_batch("COMMIT").unwrap();
    });
    std::fs::write(&config, "busy_timeout_ms = 5000\n").unwrap();
    env.ok(&["topup", "web", "5"]);
    releaser.join().unwrap();
    assert_eq!(env.show("web")["balance"], 105);
}
