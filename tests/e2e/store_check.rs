//! `store check` and stores written by older builds (issue 19): an allowed
//! URL that an older build let in and the rules now refuse matches nothing,
//! is shown as such, and is named by `apply` and `store check`; every other
//! invariant the check covers fails it with its own line.

use serde_json::Value;

use crate::util::Env;

/// The checks `store check --json` names, in order.
fn checks(report: &Value) -> Vec<&str> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["check"].as_str().unwrap())
        .collect()
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let path = env.path(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Puts the store back at schema 6 (lists kept one entry per line) with
/// `lines` as the allowed URLs of each named key, as a build before the fix
/// of issue 19 could leave it (a manifest saved with CRLF line ends, or an
/// entry with a space).
fn as_schema_6(env: &Env, lines: &[(&str, &str)]) {
    let conn = env.sql();
    conn.execute_batch(
        "UPDATE keys SET allowed_urls = '', allowed_ips = '', scopes = '', notify_emails = '';
         UPDATE outbox SET recipients = '';
         PRAGMA user_version = 6;",
    )
    .unwrap();
    conn.execute_batch(crate::util::UNDO_SCHEMA_8).unwrap();
    for (name, urls) in lines {
        conn.execute(
            "UPDATE keys SET allowed_urls = ?2 WHERE name = ?1",
            [name, urls],
        )
        .unwrap();
    }
}

#[test]
fn an_allowed_url_an_older_build_stored_matches_nothing_and_is_named() {
    let env = Env::new();
    let (web_id, web) = env.create(&["--name", "web"]);
    let (_, shop) = env.create(&["--name", "shop"]);
    as_schema_6(
        &env,
        &[
            ("web", "https://a.example.com/x\r\nhttps://ok.example.com"),
            ("shop", "https://a.example.com/a b"),
        ],
    );
    env.ok(&["store", "upgrade"]);

    // The key reads (it used to fail every command with a store error),
    // and the entry is shown as matching nothing.
    let shown = env.ok(&["security", "web"]);
    assert!(
        shown.contains("https://a.example.com/x\\u{d} (not valid: matches nothing)"),
        "{shown}"
    );
    // The entry matches nothing, the valid one still does; a list of only
    // such entries allows no origin at all, never any.
    let (code, _) = env.verify(&web, &["--origin", "https://a.example.com/x"]);
    assert_eq!(code, 17);
    let (code, _) = env.verify(&web, &["--origin", "https://ok.example.com"]);
    assert_eq!(code, 0);
    for flags in [
        &[][..],
        &["--origin", "https://a.example.com/a b"][..],
        &["--origin", "https://a.example.com/a"][..],
    ] {
        let (code, v) = env.verify(&shop, flags);
        assert_eq!((code, v["code"].as_str()), (17, Some("FORBIDDEN_ORIGIN")));
    }

    // The check names both entries, escaped, and exits 1 with one line.
    let run = env.run(&["store", "check"]).code(1);
    assert!(run.stdout.contains("x\\u{d}"), "{}", run.stdout);
    assert!(run.stdout.contains("a b"), "{}", run.stdout);
    assert!(!run.stdout.contains('\r'), "raw control character shown");
    let err = run.one_line_error();
    assert!(err.contains("2 violations"), "{err}");
    let report = env.run(&["store", "check", "--json"]).code(1).json();
    assert_eq!(checks(&report), ["stored_list", "stored_list"]);

    // apply names the problem on every active key of the account, and
    // replaces it on the key the file names only.
    let manifest = write(
        &env,
        "keys.toml",
        "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"web\"\n\
         allowed_urls = [\"https://ok.example.com\"]\n[[account.key]]\nname = \"shop\"\n\
         allowed_urls = [\"https://a.example.com/a%20b\"]\n",
    );
    let only_web = write(
        &env,
        "web.toml",
        "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"web\"\n\
         allowed_urls = [\"https://ok.example.com\"]\n",
    );
    let plan = env.json(&["apply", &only_web, "--dry-run"]);
    let problems = plan["stored_problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{plan}");
    let replaced: Vec<(&str, bool)> = problems
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["replaced"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(replaced.contains(&("web", true)), "{replaced:?}");
    assert!(replaced.contains(&("shop", false)), "{replaced:?}");
    assert_eq!(plan["updated"][0]["id"], web_id.as_str());
    let human = env.ok(&["apply", &only_web]);
    assert!(human.contains("Note: key default/shop"), "{human}");
    assert!(human.contains("the file does not name this key"), "{human}");
    let report = env.run(&["store", "check", "--json"]).code(1).json();
    assert_eq!(checks(&report), ["stored_list"]);
    assert!(
        report["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("default/shop"),
        "{report}"
    );

    // A key --prune revokes has nothing left to fix.
    let pruned = env.json(&["apply", &only_web, "--dry-run", "--prune"]);
    assert_eq!(pruned["stored_problems"], serde_json::json!([]), "{pruned}");
    assert_eq!(pruned["revoked"][0]["name"], "shop");

    // The entry can be removed by its exact text; then the store is sound.
    let err = env.fails(
        &[
            "security",
            "shop",
            "--remove-url",
            "https://a.example.com/a",
        ],
        2,
    );
    assert!(err.contains("is not among"), "{err}");
    // Removed with what was meant added in the same command, so the list
    // never becomes empty (which would allow any origin).
    env.ok(&[
        "security",
        "shop",
        "--remove-url",
        "https://a.example.com/a b",
        "--allow-url",
        "https://a.example.com/a%20b",
    ]);
    let sound = env.ok(&["store", "check"]);
    assert!(sound.contains("is sound"), "{sound}");
    assert_eq!(
        env.show("shop")["security"]["allowed_urls"],
        serde_json::json!(["https://a.example.com/a%20b"])
    );
    env.ok(&["topup", "shop", "5"]);
    let (code, _) = env.verify(&shop, &["--origin", "https://a.example.com/a%20b"]);
    assert_eq!(code, 0);
    // A second apply of the full file reports what it changes, then nothing.
    env.ok(&["apply", &manifest]);
    let again = env.ok(&["apply", &manifest]);
    assert!(again.starts_with("No changes"), "{again}");

    // A revoked key is never used nor changed again: what its lists hold
    // is no violation.
    env.sql()
        .execute(
            "UPDATE keys SET allowed_urls = '[\"https://a.example.com/a b\"]' WHERE name = 'shop'",
            [],
        )
        .unwrap();
    env.run(&["store", "check"]).code(1);
    env.ok(&["revoke", "shop", "--yes"]);
    let sound = env.ok(&["store", "check"]);
    assert!(sound.contains("is sound"), "{sound}");
}

#[test]
fn store_check_names_each_broken_invariant_and_changes_nothing() {
    let env = Env::new();
    let (_, first) = env.create(&["--name", "first"]);
    let sound = env.ok(&["store", "check"]);
    assert!(
        sound.contains("is sound (schema version") && sound.contains("1 account, 1 key"),
        "{sound}"
    );
    assert_eq!(env.ok(&["store", "check", "-q"]), "0\n");
    for i in 0..9 {
        env.create(&["--name", &format!("k{i}")]);
    }
    env.ok(&["revoke", "k0", "--yes"]);
    env.create(&["--name", "tenth"]);
    env.ok(&["security", "first", "--allow-url", "https://a.example.com"]);
    assert_eq!(
        env.verify(&first, &["--origin", "https://a.example.com"]).0,
        0
    );
    env.ok(&["store", "check"]);

    // What only an edit past the rules (or a damaged file) can leave.
    let urls: Vec<String> = (0..13)
        .map(|i| format!("https://h{i}.example.com"))
        .collect();
    env.sql()
        .execute_batch(&format!(
            "PRAGMA foreign_keys = OFF;
             UPDATE keys SET revoked_at = NULL;
             UPDATE keys SET balance = balance + 7 WHERE name = 'first';
             UPDATE keys SET allowed_urls = '{}' WHERE name = 'tenth';
             INSERT INTO ledger (key_id, at, delta, reason)
                 SELECT id, 0, 0, 'test_balance' FROM keys WHERE name = 'k1';
             INSERT INTO ledger (key_id, at, delta, reason) VALUES (999, 0, 0, 'topup');",
            serde_json::to_string(&urls).unwrap()
        ))
        .unwrap();
    let before = std::fs::read(&env.db).unwrap();

    let run = env.run(&["store", "check", "--json"]).code(1);
    let report = run.json();
    assert_eq!(
        checks(&report),
        [
            "integrity",
            "active_keys",
            "batches",
            "stored_list",
            "test_balance",
            "ledger"
        ],
        "{report}"
    );
    let messages: Vec<&str> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("table ledger"), "{messages:?}");
    assert!(messages[1].contains("11 active keys"), "{messages:?}");
    assert!(
        messages[2].contains("balance of 106, 6 more than its purchase batches hold"),
        "{messages:?}"
    );
    assert!(messages[3].contains("13 allowed URLs"), "{messages:?}");
    assert!(messages[4].contains("2 times"), "{messages:?}");
    assert!(
        messages[5].contains("balance of 106 but its ledger sums to 99"),
        "{messages:?}"
    );
    assert_eq!(report["violations"][1]["account"], "default");
    assert!(run.one_line_error().contains("6 violations"));
    assert_eq!(env.run(&["store", "check", "-q"]).code(1).stdout, "6\n");
    assert_eq!(std::fs::read(&env.db).unwrap(), before, "check wrote");
}

#[test]
fn a_part_of_the_store_that_cannot_be_read_is_a_violation_beside_the_others() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    env.ok(&["account", "create", "b"]);
    env.create(&["-a", "b", "--name", "api"]);
    env.sql()
        .execute_batch(
            "UPDATE keys SET allowed_ips = 'not a list'
                 WHERE account_id = (SELECT id FROM accounts WHERE name = 'b');
             UPDATE keys SET balance = 99 WHERE name = 'web';",
        )
        .unwrap();
    let run = env.run(&["store", "check", "--json"]).code(1);
    let report = run.json();
    assert_eq!(checks(&report), ["unreadable", "ledger"], "{report}");
    let unreadable = report["violations"][0]["message"].as_str().unwrap();
    assert!(
        unreadable.starts_with("the keys of account b cannot be read"),
        "{unreadable}"
    );
    assert!(run.one_line_error().contains("2 violations"));
}
