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
