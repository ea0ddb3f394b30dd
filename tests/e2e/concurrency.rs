//! Rules under real concurrency: many processes on one store at once.

use std::process::{Child, Stdio};

use crate::util::Env;

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
    let conn = env.sql();
    let active: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM keys WHERE revoked_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(active, 10);
    let test_balances: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM ledger WHERE reason = 'test_balance'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(test_balances, 1, "rule 2 under concurrency");
    env.assert_ledgers_balance();
}

#[test]
fn twenty_racing_creates_on_an_existing_store_make_exactly_ten_keys() {
    let env = Env::new();
    env.ok(&["account", "list"]);
    let results = wait_codes(spawn_all(&env, 20, &["create"]));
    check_exactly_ten(&env, &results);
    let names: std::collections::BTreeSet<String> = env
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 10, "default names stay unique: {names:?}");
}

#[test]
fn twenty_racing_creates_on_a_new_store_make_exactly_ten_keys() {
    let env = Env::new();
    assert!(!env.db.exists());
    let results = wait_codes(spawn_all(&env, 20, &["create"]));
    check_exactly_ten(&env, &results);
}

#[test]
fn racing_topups_all_land_in_the_ledger() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    let results = wait_codes(spawn_all(&env, 12, &["topup", "web", "7"]));
    assert!(results.iter().all(|(c, _)| *c == 0), "{results:?}");
    assert_eq!(env.show("web")["balance"], 100 + 12 * 7);
    env.assert_ledgers_balance();
}
