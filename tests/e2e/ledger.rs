//! The ledger under spending: one row per key and UTC day holds that day's
//! spends, on the day read once the write lock is held, so that balances
//! equal their ledgers and each day's spend row equals that day's usage,
//! whatever order real processes commit in and whatever their clocks say.

use crate::concurrency::verify_storm_with;
use crate::util::Env;

/// Per UTC day: the spend row's lookups and verifications, and the usage
/// counted that day.
fn days(env: &Env) -> Vec<(i64, i64, i64, i64)> {
    env.sql()
        .prepare(
            "SELECT l.day, -l.delta, l.spends,
                    (SELECT COALESCE(SUM(count), 0) FROM usage u
                      WHERE u.key_id = l.key_id AND u.day = l.day)
               FROM ledger l WHERE reason = 'spend' ORDER BY l.day",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn spend_rows_take_the_day_read_under_the_lock_across_midnight_and_a_clock_step_back() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2030-01-15T12:00:00Z");
    let (_, key) = env.create(&["--name", "web"]);
    env.ok(&["topup", "web", "100000"]);
    let (jan15, jan16) = (21_929, 21_930);

    // The last second of 15 January: four processes.
    let before = verify_storm_with(&env, &key, 4, 15, "--ip 10.0.0.1", |_, cmd| {
        cmd.env("APIKEY_TEST_NOW", "2030-01-15T23:59:59Z");
    });
    assert_eq!(before.get("VALID"), Some(&60), "{before:?}");
    assert_eq!(days(&env), [(jan15, 60, 60, 60)]);

    // Midnight passes for one process; then processes whose clocks still
    // read 23:59:58 (stepped back, or a host behind) race others already
    // past midnight. Every one of them counts on 16 January: the day the
    // key's counters had reached when the lock was held.
    env.set("APIKEY_TEST_NOW", "2030-01-16T00:00:01Z");
    assert_eq!(env.verify(&key, &["--ip", "10.0.0.2"]).0, 0);
    let racing = verify_storm_with(&env, &key, 6, 15, "--cost 2 --ip 10.0.0.3", |i, cmd| {
        let now = if i % 2 == 0 {
            "2030-01-15T23:59:58Z"
        } else {
            "2030-01-16T00:00:02Z"
        };
        cmd.env("APIKEY_TEST_NOW", now);
    });
    assert_eq!(racing.get("VALID"), Some(&90), "{racing:?}");
    assert_eq!(
        days(&env),
        [(jan15, 60, 60, 60), (jan16, 1 + 180, 91, 181)],
        "one row per day, each equal to that day's usage"
    );
    let (at, balance): (i64, i64) = env
        .sql()
        .query_row(
            "SELECT MAX(l.at), k.balance FROM ledger l JOIN keys k ON k.id = l.key_id
              WHERE l.reason = 'spend' AND l.day = ?1",
            [jan16],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // The row keeps the latest time spent at.
    assert_eq!(at, 1_894_752_002);
    assert_eq!(balance, 100_100 - 60 - 181);
    assert_eq!(env.show("web")["balance"], balance);
    env.assert_ledgers_balance();
    let check = env.json(&["store", "check"]);
    assert_eq!(check["violations"], serde_json::json!([]), "{check}");
}
