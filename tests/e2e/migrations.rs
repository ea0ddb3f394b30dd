//! Stores written by older builds open with this one, migrate to exactly
//! the current schema, and keep every account, key, balance, ledger row,
//! audit entry and secret: the first schema (version 1, the binary of commit
//! ed1eae5) and the last build before migration 4 (version 3, commit
//! 2529f37). `tests/fixtures/make-store.sh` made both.

use std::collections::HashMap;
use std::path::Path;

use crate::util::Env;

fn fixture(name: &str) -> (Env, HashMap<String, String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let env = Env::new();
    std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
    std::fs::copy(dir.join("keys.db"), &env.db).unwrap();
    // Private, as apikey makes a store: the copy has the checkout's 0644,
    // which every command would warn about (readable by other users).
    let private = std::os::unix::fs::PermissionsExt::from_mode(0o600);
    std::fs::set_permissions(&env.db, private).unwrap();
    let secrets = std::fs::read_to_string(dir.join("secrets.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (env, secrets)
}

fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, String, Option<String>)> {
    conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_fixtures_are_at_the_versions_they_claim() {
    for (name, expected) in [("schema-v1", 1), ("schema-v3", 3)] {
        let (env, _) = fixture(name);
        let version: i64 = env
            .sql()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, expected, "{name}");
    }
}

#[test]
fn a_version_1_store_keeps_all_its_data() {
    migrates_keeping_everything("schema-v1");
}

#[test]
fn a_version_3_store_keeps_all_its_data() {
    migrates_keeping_everything("schema-v3");
}

fn migrates_keeping_everything(name: &str) {
    let (env, secrets) = fixture(name);
    let before_ledger = env.count("ledger");
    let before_audit = env.count("audit");

    // A read-only command leaves the old store as it is, and says how to
    // upgrade it.
    let bytes = std::fs::read(&env.db).unwrap();
    let err = env.fails(&["list", "--all"], 1);
    assert!(err.contains("apikey store upgrade"), "{err}");
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        bytes,
        "the store was changed"
    );
    let upgraded = env.ok(&["store", "upgrade"]);
    assert!(upgraded.starts_with("Upgraded store "), "{upgraded}");
    assert!(env.ok(&["store", "upgrade"]).contains("is up to date"));

    let keys = env.json(&["list", "--all"]);
    let by_name: HashMap<&str, &serde_json::Value> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["name"].as_str().unwrap(), k))
        .collect();
    assert_eq!(by_name.len(), 3, "{keys}");
    assert_eq!(by_name["web"]["balance"], 600);
    assert_eq!(by_name["web"]["status"], "active");
    assert_eq!(by_name["ci"]["status"], "revoked");
    assert_eq!(by_name["batch job"]["balance"], 0);
    let shop = env.json(&["--account", "acme", "show", "shop"]);
    assert_eq!(shop["balance"], 100);

    // The migrated store is the current schema, index for index.
    let version: i64 = env
        .sql()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, apikey::store::SCHEMA_VERSION);
    let mark: i64 = env
        .sql()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mark, 0x416B_6579, "the store now carries apikey's mark");
    let fresh = Env::new();
    fresh.init_store();
    assert_eq!(schema_of(&env.sql()), schema_of(&fresh.sql()));
    assert_eq!(env.count("ledger"), before_ledger);
    assert_eq!(env.count("audit"), before_audit);

    // Its secrets still verify as they did, and spend from the old balance.
    let (code, verdict) = env.verify(&secrets["web"], &[]);
    assert_eq!((code, &verdict["code"]), (0, &"VALID".into()), "{verdict}");
    assert_eq!(verdict["balance"], 599);
    assert_eq!(env.verify(&secrets["ci"], &[]).1["code"], "REVOKED");
    assert_eq!(
        env.verify(&secrets["batch_old"], &[]).1["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        env.verify(&secrets["batch"], &[]).1["code"],
        "INSUFFICIENT_BALANCE"
    );
    assert_eq!(env.verify(&secrets["shop"], &[]).1["code"], "VALID");

    // The old audit trail reads back, and new entries follow it.
    env.ok(&["topup", "web", "1"]);
    let actions: Vec<String> = env
        .json(&["log"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    for action in ["create", "topup", "revoke", "regenerate"] {
        assert!(actions.iter().any(|a| a == action), "{actions:?}");
    }
    env.assert_ledgers_balance();
    let integrity: String = env
        .sql()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn a_command_that_writes_upgrades_the_store_itself() {
    let (env, secrets) = fixture("schema-v1");
    let (code, verdict) = env.verify(&secrets["web"], &[]);
    assert_eq!((code, &verdict["balance"]), (0, &599.into()), "{verdict}");
    let version: i64 = env
        .sql()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, apikey::store::SCHEMA_VERSION);
    let upgraded = env.json(&["store", "upgrade"]);
    assert_eq!(upgraded["from"], upgraded["to"], "{upgraded}");
}

#[test]
fn events_sent_before_schema_8_read_as_sent_to_everyone() {
    let env = Env::new();
    env.create(&["--name", "web", "--notify", "a@x.io", "--notify", "b@x.io"]);
    env.ok(&["topup", "web", "5"]);
    env.ok(&["topup", "web", "6"]);
    // Schema 7: the first event was sent by an older build, the second not.
    env.ok(&["topup", "web", "7"]);
    let conn = env.sql();
    // The third was sent to a list an old build kept as '' (nobody).
    conn.execute_batch(
        "UPDATE outbox SET status = 'sent', sent_at = 1790000000, attempts = 1 WHERE id = 1;
         UPDATE outbox SET status = 'sent', sent_at = 1790000000, recipients = '' WHERE id = 3;",
    )
    .unwrap();
    conn.execute_batch(crate::util::UNDO_SCHEMA_8).unwrap();
    conn.execute_batch("PRAGMA user_version = 7;").unwrap();
    drop(conn);
    let upgraded = env.json(&["store", "upgrade"]);
    assert_eq!(
        (upgraded["from"].as_i64(), upgraded["to"].as_i64()),
        (Some(7), Some(apikey::store::SCHEMA_VERSION))
    );
    let events = env.json(&["notify", "outbox", "--all"]);
    let sent = &events[0]["deliveries"];
    assert_eq!(
        sent,
        &serde_json::json!([
            {"to": "a@x.io", "status": "sent", "at": "2026-09-21T14:13:20Z", "refusals": 0, "doubts": 0, "error": null},
            {"to": "b@x.io", "status": "sent", "at": "2026-09-21T14:13:20Z", "refusals": 0, "doubts": 0, "error": null},
        ])
    );
    let pending = &events[1]["deliveries"];
    assert!(
        pending
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "pending"),
        "{pending}"
    );
    assert!(events[1]["claimed_by"].is_null());
    assert_eq!(events[2]["deliveries"], serde_json::json!([]));
}

/// Per key (by name): balance, lookups spent, verifications, usage total;
/// and the store's usage rows, which the fold leaves as they were.
type Spent = (
    Vec<(String, i64, i64, i64, i64)>,
    Vec<(i64, i64, String, i64)>,
);

fn spent(conn: &rusqlite::Connection, verifications: &str) -> Spent {
    let keys = conn
        .prepare(&format!(
            "SELECT k.name, k.balance,
                    (SELECT COALESCE(-SUM(delta), 0) FROM ledger l WHERE l.key_id = k.id AND reason = 'spend'),
                    (SELECT COALESCE(SUM({verifications}), 0) FROM ledger l WHERE l.key_id = k.id AND reason = 'spend'),
                    (SELECT COALESCE(SUM(count), 0) FROM usage u WHERE u.key_id = k.id)
               FROM keys k ORDER BY k.id"
        ))
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let usage = conn
        .prepare("SELECT key_id, day, ip, count FROM usage ORDER BY key_id, day, ip")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (keys, usage)
}

fn other_rows(conn: &rusqlite::Connection) -> Vec<(i64, i64, i64, i64, String, Option<String>)> {
    conn.prepare(
        "SELECT id, key_id, at, delta, reason, note FROM ledger WHERE reason <> 'spend' ORDER BY id",
    )
    .unwrap()
    .query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The last schema with a ledger row per spend (made by that build with
/// 2,900 spends over three days, the clock stepping back over a midnight)
/// folds them into one row per key and day: the same balances, lookups,
/// verifications and usage, every other ledger row as it was.
#[test]
fn a_schema_8_store_folds_its_spends_into_one_row_per_key_and_day() {
    let (env, secrets) = fixture("schema-v8-spends");
    let (before, other_before) = {
        let conn = env.sql();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 8);
        (spent(&conn, "1"), other_rows(&conn))
    };
    assert_eq!(
        before.0.iter().map(|k| k.3).sum::<i64>(),
        2_900,
        "{before:?}"
    );
    let upgraded = env.run(&["store", "upgrade"]);
    upgraded.assert(upgraded.stderr.is_empty(), "a small store upgrades quietly");

    let conn = env.sql();
    assert_eq!(spent(&conn, "spends"), before);
    assert_eq!(other_rows(&conn), other_before);
    // web spent on 1, 2 and 3 March by the time of its spends; batch and
    // shop on the days they spent.
    let days: Vec<(String, i64, i64)> = conn
        .prepare(
            "SELECT k.name, l.day, l.spends FROM ledger l JOIN keys k ON k.id = l.key_id
              WHERE reason = 'spend' ORDER BY k.id, l.day",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let march = |d: i64| 20_512 + d;
    assert_eq!(
        days,
        [
            ("web".to_owned(), march(1), 1000),
            ("web".to_owned(), march(2), 700),
            ("web".to_owned(), march(3), 200),
            ("batch".to_owned(), march(1), 400),
            ("shop".to_owned(), march(1), 300),
            ("shop".to_owned(), march(3), 300),
        ]
    );
    env.assert_ledgers_balance();
    let check = env.json(&["store", "check"]);
    assert_eq!(check["violations"], serde_json::json!([]), "{check}");

    // It spends on: today's row for web is a new one, then grows.
    let (_, first) = env.verify(&secrets["web"], &[]);
    let (_, second) = env.verify(&secrets["web"], &[]);
    assert_eq!(
        first["balance"].as_i64().unwrap() - 1,
        second["balance"].as_i64().unwrap()
    );
    let web_rows: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM ledger l JOIN keys k ON k.id = l.key_id
              WHERE k.name = 'web' AND reason = 'spend'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(web_rows, 4);
    env.assert_ledgers_balance();
}

/// A schema 8 store grown to `extra` more spend rows on `web` (with a top-up
/// that pays for them, so its balance still equals its ledger).
fn large_schema_8_store(extra: i64) -> (Env, Spent) {
    let (env, _) = fixture("schema-v8-spends");
    let conn = env.sql();
    conn.execute_batch(&format!(
        "BEGIN;
         INSERT INTO ledger (key_id, at, delta, reason, note) VALUES (1, 1772355600, {extra}, 'topup', 'padding');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {extra})
         INSERT INTO ledger (key_id, at, delta, reason)
             SELECT 1, 1772355600 + i % 259200, -1, 'spend' FROM n;
         COMMIT;"
    ))
    .unwrap();
    let before = spent(&conn, "1");
    (env, before)
}

/// SIGKILL at any point of the fold leaves the old store or the new one:
/// schema 8 with every spend row, or schema 9 with the day rows, never a
/// mix; and the next command finishes the upgrade to the same balances.
#[test]
fn a_kill_during_the_fold_leaves_the_old_store_or_the_new_one() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let mut outcomes = std::collections::BTreeSet::new();
    // Killed that long after the fold said it began; the last run is not
    // killed, and says every step.
    for delay_ms in [Some(0), Some(40), Some(150), Some(400), None] {
        let (env, before) = large_schema_8_store(600_000);
        let mut child = env
            .command(["store", "upgrade"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The fold says so before it starts: a large store takes a while.
        let mut said = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = said.next().unwrap().unwrap();
        assert!(
            first.starts_with("apikey: upgrading the store: folding about 602,"),
            "{first:?}"
        );
        let status = if let Some(delay_ms) = delay_ms {
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let _ = child.kill();
            child.wait().unwrap()
        } else {
            let rest: Vec<String> = said.map(Result::unwrap).collect();
            assert_eq!(rest.len(), 3, "{rest:?}");
            assert!(rest[0].starts_with("apikey: upgraded the store to schema 9 in "));
            assert!(
                rest[1].starts_with("apikey: giving the store's "),
                "{rest:?}"
            );
            assert!(
                rest[2].starts_with("apikey: gave the space back in "),
                "{rest:?}"
            );
            child.wait().unwrap()
        };

        let conn = env.sql();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        match version {
            8 => assert_eq!(spent(&conn, "1"), before, "the old store, whole"),
            // Schemas 10 and 11 add columns and a table after the fold,
            // each in a transaction of its own.
            9..=11 => assert_eq!(spent(&conn, "spends"), before, "the new store, whole"),
            other => panic!("schema {other}"),
        }
        outcomes.insert((version, status.success()));
        drop(conn);

        let finished = env.run(&["store", "upgrade"]);
        finished.assert(finished.status == Some(0), "the next command upgrades");
        assert_eq!(spent(&env.sql(), "spends"), before);
        // The old rows' space went back to the file system, by this
        // command or the one killed after the fold.
        let size = std::fs::metadata(&env.db).unwrap().len();
        assert!(size < 2 << 20, "the store is {size} bytes");
        env.assert_ledgers_balance();
    }
    // Both ends were seen: killed during the fold, and done.
    assert!(outcomes.contains(&(8, false)), "{outcomes:?}");
    assert!(
        outcomes.contains(&(apikey::store::SCHEMA_VERSION, true)),
        "{outcomes:?}"
    );
}

/// Free space goes back to the file system on an upgrade, and on `store
/// upgrade` (for an upgrade stopped before it could); a command that only
/// writes never rewrites the file.
#[test]
fn only_an_upgrade_gives_free_space_back() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    env.sql()
        .execute_batch(
            "CREATE TABLE filler (b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
             INSERT INTO filler SELECT zeroblob(4000) FROM n;
             DROP TABLE filler;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
    let size = || std::fs::metadata(&env.db).unwrap().len();
    let full = size();
    assert!(full > 30 << 20, "{full}");
    env.ok(&["topup", "web", "5"]);
    assert_eq!(size(), full, "a top-up leaves the file as it is");
    let upgraded = env.run(&["store", "upgrade"]);
    upgraded.assert(upgraded.status == Some(0), "store upgrade");
    assert!(
        upgraded
            .stderr
            .starts_with("apikey: giving the store's 32 MiB of free space back"),
        "{}",
        upgraded.stderr
    );
    assert!(size() < 1 << 20, "the file is {} bytes", size());
    assert_eq!(env.show("web")["balance"], 105);
    let quiet = env.run(&["store", "upgrade"]);
    quiet.assert(quiet.stderr.is_empty(), "nothing left to give back");
}
