//! `store copy` (SQLite to PostgreSQL and back, row for row) and `store
//! backup` (a snapshot of a store in use).

use std::process::Stdio;

use crate::util::Env;

/// Every row of every table of a SQLite store, as text, in key order.
fn sqlite_rows(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut all = Vec::new();
    for (table, order) in [
        ("accounts", "id"),
        ("keys", "id"),
        ("secrets", "digest"),
        ("ledger", "id"),
        ("usage", "key_id, day, ip"),
        ("audit", "id"),
        ("outbox", "id"),
        ("housekeeping", "chore"),
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let values: Vec<String> = (0..width)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", values.join(" | ")))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        all.extend(rows);
    }
    all
}

/// A store with something in every table: two accounts, keys with
/// settings and a regenerated secret, spends from two IPs, top-ups, a
/// revoked key, events.
fn a_lived_in_store(env: &Env) -> String {
    let (_, secret) = env.create(&[
        "--name",
        "web",
        "--notify",
        "ops@x.io",
        "--low-balance",
        "98",
    ]);
    env.ok(&["topup", "web", "50", "--note", "invoice 7"]);
    for ip in ["192.0.2.1", "2001:db8::1", "192.0.2.1"] {
        env.ok(&["verify", &secret, "--ip", ip]);
    }
    env.create(&["--name", "old"]);
    env.ok(&["revoke", "old", "--reason", "leaked", "--yes"]);
    env.ok(&["account", "create", "acme"]);
    env.create(&["-a", "acme", "--name", "ci", "--daily-limit", "10"]);
    env.ok(&["regenerate", "web", "--grace", "1h", "--yes"]);
    secret
}

#[test]
fn a_store_goes_to_postgresql_and_back_row_for_row() {
    let env = Env::new();
    let old_secret = a_lived_in_store(&env);
    let pg = Env::postgres();
    let url = pg.postgres.as_ref().unwrap().url.clone();
    let db = env.db.display().to_string();
    let copied = env.json(&["store", "copy", &db, &url]);
    assert_eq!(copied["to"], url.as_str());
    let rows = |table: &str| {
        copied["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == table)
            .unwrap()["rows"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((rows("accounts"), rows("keys"), rows("secrets")), (2, 3, 4));
    // And back, into a new file: every row as it was, ids and all.
    let back = env.path("back.db");
    env.ok(&["store", "copy", &url, back.to_str().unwrap()]);
    assert_eq!(sqlite_rows(&back), sqlite_rows(&env.db));
    // The copy works as the original does: the old secret in its grace
    // period, balances equal to ledgers, new rows with new ids.
    assert_eq!(pg.verify(&old_secret, &[]).0, 0);
    pg.ok(&["store", "check"]);
    pg.assert_ledgers_balance();
    let (new_id, _) = pg.create(&["--name", "after"]);
    assert_eq!(pg.show(&new_id)["name"], "after");
    assert_eq!(pg.scalar("SELECT MAX(id) FROM keys"), 4);
}

#[test]
fn only_an_empty_store_is_copied_into_and_a_refusal_changes_nothing() {
    let env = Env::new();
    a_lived_in_store(&env);
    let db = env.db.display().to_string();
    let other = Env::new();
    other.create(&["--name", "mine"]);
    let before = sqlite_rows(&other.db);
    let err = env.fails(&["store", "copy", &db, other.db.to_str().unwrap()], 3);
    assert!(
        err.contains("is not empty") && err.contains("keys has rows"),
        "{err}"
    );
    assert_eq!(sqlite_rows(&other.db), before);
    // A store just made holds nothing yet.
    let fresh = Env::postgres();
    fresh.ok(&["store", "upgrade"]);
    let url = fresh.postgres.as_ref().unwrap().url.clone();
    env.ok(&["store", "copy", &db, &url]);
    let err = env.fails(&["store", "copy", &db, &url], 3);
    assert!(err.contains("is not empty"), "{err}");
}

/// A copy that does not read back as the original (here a trigger on the
/// target changes each key it is given) is refused, and nothing of it is
/// kept.
#[test]
fn a_copy_that_does_not_match_keeps_nothing() {
    let env = Env::new();
    a_lived_in_store(&env);
    let target = Env::new();
    target.init_store();
    target
        .sql()
        .execute_batch(
            "CREATE TRIGGER skew AFTER INSERT ON keys
             BEGIN UPDATE keys SET balance = balance + 1 WHERE id = NEW.id; END;",
        )
        .unwrap();
    let err = env.fails(
        &[
            "store",
            "copy",
            env.db.to_str().unwrap(),
            target.db.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("the copy of table keys does not match"),
        "{err}"
    );
    assert_eq!(target.count("keys"), 0);
    assert_eq!(
        target.count("accounts"),
        1,
        "the new store's default account is back"
    );
}

#[test]
fn a_backup_is_a_sound_store_taken_while_writers_keep_going() {
    let env = Env::new();
    let (id, secret) = env.create(&["--name", "web"]);
    env.ok(&["topup", &id, "100000"]);
    let storm = env
        .shell("for i in $(seq 150); do printf '%s' \"$KEY\" | \"$BIN\" verify -q >/dev/null || exit 1; done")
        .env("KEY", &secret)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let snapshots: Vec<_> = (0..3)
        .map(|i| {
            let file = env.path(&format!("snap{i}.db"));
            env.ok(&["store", "backup", file.to_str().unwrap()]);
            file
        })
        .collect();
    let out = storm.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in &snapshots {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mut snap = Env::new();
        snap.set("APIKEY_DB", file);
        snap.ok(&["store", "check"]);
        let balance = snap.show(&id)["balance"].as_i64().unwrap();
        assert!((100_100 - 150..=100_100).contains(&balance), "{balance}");
    }
    let err = env.fails(&["store", "backup", snapshots[0].to_str().unwrap()], 3);
    assert!(err.contains("exists already"), "{err}");
    // A server's store is backed up into a SQLite file too.
    let pg = Env::postgres();
    pg.create(&["--name", "web"]);
    let file = env.path("from-postgres.db");
    pg.ok(&["store", "backup", file.to_str().unwrap()]);
    let mut snap = Env::new();
    snap.set("APIKEY_DB", &file);
    assert_eq!(snap.show("web")["balance"], 100);
}
