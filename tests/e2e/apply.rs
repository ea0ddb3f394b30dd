//! `apikey apply`: manifests, plans, pruning, and the manifest's own rules.

use crate::util::Env;

const MANIFEST: &str = r#"
[[account]]
name = "acme"

[[account.key]]
name = "web"
allowed_urls = ["https://shop.acme.example"]
allowed_ips = []
daily_limit = 1000
monthly_limit = 20000
ip_daily_limit = 50
scopes = ["lookup"]
expires = "2099-06-30"
notify = ["ops@acme.example"]
low_balance = 100

[[account.key]]
name = "ci"
"#;

fn write(env: &Env, text: &str) -> String {
    let path = env.path("keys.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn dump(env: &Env) -> String {
    let conn = env.sql();
    let mut stmt = conn
        .prepare(
            "SELECT a.name, k.name, k.balance, k.revoked_at IS NULL, k.allowed_urls, k.daily_limit,
                    k.notify_emails, k.expires_at
             FROM keys k JOIN accounts a ON a.id = k.account_id ORDER BY k.id",
        )
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!(
                "{:?}",
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<i64>>(7)?
                )
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    format!("{rows:#?} accounts={}", env.count("accounts"))
}

#[test]
fn apply_creates_then_changes_nothing() {
    let env = Env::new();
    let file = write(&env, MANIFEST);
    let v = env.json(&["apply", &file]);
    assert_eq!(v["dry_run"], false);
    assert_eq!(v["created_accounts"], serde_json::json!(["acme"]));
    let created = v["created"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    let mut codes = Vec::new();
    for c in created {
        assert_eq!(c["account"], "acme");
        assert!(c["id"].as_str().unwrap().starts_with("k_"));
        let secret = c["key"].as_str().unwrap();
        let flags = [
            "--dry-run",
            "--origin",
            "https://shop.acme.example",
            "--ip",
            "192.0.2.1",
            "--scope",
            "lookup",
        ];
        codes.push(
            env.verify(secret, &flags).1["code"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        codes,
        ["VALID", "INSUFFICIENT_BALANCE"],
        "the printed secrets are the keys"
    );
    let web = env.json(&["-a", "acme", "show", "web"]);
    assert_eq!(web["security"]["daily_limit"], 1000);
    assert_eq!(
        web["security"]["allowed_urls"],
        serde_json::json!(["https://shop.acme.example"])
    );
    assert_eq!(
        web["notify"],
        serde_json::json!({"emails": ["ops@acme.example"], "low_balance": 100})
    );
    assert_eq!(web["expires_at"], "2099-07-01T00:00:00Z");
    assert_eq!(web["balance"], 100, "rule 2: the account's first key");
    assert_eq!(env.json(&["-a", "acme", "show", "ci"])["balance"], 0);

    let before = dump(&env);
    let again = env.json(&["apply", &file]);
    assert_eq!(again["created"], serde_json::json!([]));
    assert_eq!(again["updated"], serde_json::json!([]));
    assert_eq!(again["created_accounts"], serde_json::json!([]));
    assert_eq!(dump(&env), before, "a second run changes nothing");
    assert_eq!(
        env.ok(&["apply", &file]),
        format!("No changes: the store matches {file}.\n")
    );
}

#[test]
fn dry_run_shows_the_plan_and_changes_nothing() {
    let env = Env::new();
    let file = write(&env, MANIFEST);
    env.init_store();
    let before = dump(&env);
    let plan = env.ok(&["apply", &file, "--dry-run"]);
    assert!(
        plan.contains("+ account acme") && plan.contains("+ key acme/web"),
        "{plan}"
    );
    let v = env.json(&["apply", &file, "--dry-run"]);
    assert_eq!(v["dry_run"], true);
    assert_eq!(
        v["created"][0],
        serde_json::json!({"account": "acme", "name": "web", "id": null, "key": null})
    );
    assert_eq!(dump(&env), before);

    env.ok(&["apply", &file]);
    let changed = MANIFEST
        .replace("daily_limit = 1000", "daily_limit = 2000")
        .replace("notify = [\"ops@acme.example\"]", "notify = []");
    let file = write(&env, &changed);
    let before = dump(&env);
    let v = env.json(&["apply", &file, "--dry-run"]);
    assert_eq!(
        v["updated"][0]["changes"],
        serde_json::json!([
            {"field": "daily_limit", "from": 1000, "to": 2000},
            {"field": "notify", "from": ["ops@acme.example"], "to": []}
        ])
    );
    assert_eq!(dump(&env), before);
    let diff = env.ok(&["apply", &file, "--dry-run"]);
    assert!(
        diff.contains("~ key acme/web") && diff.contains("daily_limit: 1000 -> 2000"),
        "{diff}"
    );
    env.ok(&["apply", &file]);
    assert_eq!(
        env.json(&["-a", "acme", "show", "web"])["security"]["daily_limit"],
        2000
    );
    assert_eq!(
        env.json(&["-a", "acme", "log", "web"])[0]["action"],
        "security"
    );
}

#[test]
fn apply_never_touches_balances() {
    let env = Env::new();
    let file = write(&env, MANIFEST);
    env.ok(&["apply", &file]);
    env.ok(&["-a", "acme", "topup", "ci", "500"]);
    let file = write(
        &env,
        &MANIFEST.replace("scopes = [\"lookup\"]", "scopes = [\"lookup\", \"admin\"]"),
    );
    env.ok(&["apply", &file]);
    assert_eq!(env.json(&["-a", "acme", "show", "ci"])["balance"], 500);
    assert_eq!(env.json(&["-a", "acme", "show", "web"])["balance"], 100);
    env.assert_ledgers_balance();
}

#[test]
fn prune_revokes_only_unnamed_keys_of_named_accounts() {
    let env = Env::new();
    let file = write(&env, MANIFEST);
    env.ok(&["apply", &file]);
    env.create(&["-a", "acme", "--name", "stray"]);
    env.create(&["--name", "elsewhere"]);
    // Without --prune the stray key stays.
    env.ok(&["apply", &file]);
    assert_eq!(
        env.json(&["-a", "acme", "show", "stray"])["status"],
        "active"
    );
    // Pruning needs confirmation, and nothing changes without it.
    let before = dump(&env);
    let err = env.fails(&["apply", &file, "--prune"], 3);
    assert!(
        err.contains("pass --yes") && err.contains("acme/stray"),
        "{err}"
    );
    assert_eq!(dump(&env), before);
    let plan = env.json(&["apply", &file, "--prune", "--dry-run"]);
    assert_eq!(plan["revoked"][0]["name"], "stray");
    assert_eq!(plan["new_store"], false);
    assert_eq!(dump(&env), before);
    let v = env.json(&["apply", &file, "--prune", "--yes"]);
    assert_eq!(v["revoked"].as_array().unwrap().len(), 1);
    assert_eq!(
        env.json(&["-a", "acme", "show", "stray"])["status"],
        "revoked"
    );
    assert_eq!(
        env.show("elsewhere")["status"],
        "active",
        "accounts the file does not mention are left alone"
    );
    assert_eq!(
        env.json(&["apply", &file, "--prune"])["revoked"],
        serde_json::json!([])
    );
}

#[test]
fn the_key_limit_is_checked_against_the_store_all_or_nothing() {
    let env = Env::new();
    env.ok(&["account", "create", "acme"]);
    for i in 0..9 {
        env.create(&["-a", "acme", "--name", &format!("old{i}")]);
    }
    let file = write(&env, MANIFEST);
    let before = dump(&env);
    let err = env.fails(&["apply", &file], 3);
    assert!(
        err.contains("11 active keys") && err.contains("--prune"),
        "{err}"
    );
    assert_eq!(dump(&env), before, "nothing was written");
    env.fails(&["apply", &file, "--dry-run"], 3);
    let v = env.json(&["apply", &file, "--prune", "--yes"]);
    assert_eq!(v["revoked"].as_array().unwrap().len(), 9);
    assert_eq!(v["created"].as_array().unwrap().len(), 2);
}

#[test]
fn manifest_errors_name_the_file_line_and_column_and_change_nothing() {
    let env = Env::new();
    env.init_store();
    let before = dump(&env);
    let cases = [
        (
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\ncolour = 1\n",
            ":5:1: ",
        ),
        (
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nallowed_ips = [\"10.0.0.0/33\"]\n",
            ":5:16: ",
        ),
        (
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\n[[account.key]]\nname = \"k\"\n",
            ":6:8: ",
        ),
        (
            "[[account]]\nname = \"a\"\n[[account]]\nname = \"a\"\n",
            ":4:8: ",
        ),
        (
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nallowed_urls = [\"https://\"]\n",
            ":5:17: ",
        ),
        (
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\ndaily_limit = \"lots\"\n",
            ":5:15: ",
        ),
        (
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\nexpires = \"2027-13-01\"\n",
            ":5:11: ",
        ),
        ("[[account]\nname = \"a\"\n", ":1:"),
    ];
    for (text, at) in cases {
        let file = write(&env, text);
        let err = env.fails(&["apply", &file], 2);
        assert!(err.contains(&format!("{file}{at}")), "{text:?}: {err}");
    }
    let mut eleven = String::from("[[account]]\nname = \"a\"\n");
    for i in 0..11 {
        eleven.push_str(&format!("[[account.key]]\nname = \"k{i}\"\n"));
    }
    let file = write(&env, &eleven);
    let err = env.fails(&["apply", &file], 2);
    assert!(err.contains("at most 10"), "{err}");
    env.fails(
        &["apply", &env.path("missing.toml").display().to_string()],
        1,
    );
    assert_eq!(dump(&env), before);
}

#[test]
fn quiet_prints_the_new_secrets() {
    let env = Env::new();
    let file = write(&env, MANIFEST);
    let out = env.ok(&["apply", &file, "-q"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    // account/name, a tab (which no name holds), the secret.
    assert!(lines[0].starts_with("acme/web\tak_"), "{out:?}");
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn the_dry_run_refuses_what_the_run_refuses_and_names_the_line() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T12:00:00Z");
    env.init_store();
    // A new key whose expiry has passed.
    let file = write(
        &env,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"web\"\nexpires = \"2026-10-01\"\n",
    );
    let before = dump(&env);
    for args in [vec!["apply", &file, "--dry-run"], vec!["apply", &file]] {
        let err = env.fails(&args, 2);
        assert!(
            err.starts_with(&format!(
                "apikey: {file}:6:11: key 'web' in account 'acme': expiry"
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("not in the future"), "{err}");
    }
    assert_eq!(dump(&env), before);

    // An existing key whose expiry the file moves into the past.
    write(
        &env,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"web\"\n",
    );
    env.ok(&["apply", &file]);
    write(
        &env,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"web\"\nexpires = 2026-10-01T00:00:00Z\n",
    );
    let before = dump(&env);
    for args in [vec!["apply", &file, "--dry-run"], vec!["apply", &file]] {
        let err = env.fails(&args, 2);
        assert!(err.starts_with(&format!("apikey: {file}:6:11: ")), "{err}");
    }
    assert_eq!(dump(&env), before);

    // The key limit against the store names the account's line (web and
    // nine more make ten).
    for i in 0..9 {
        env.ok(&["-a", "acme", "create", "--name", &format!("k{i}")]);
    }
    write(
        &env,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"new\"\n",
    );
    for args in [vec!["apply", &file, "--dry-run"], vec!["apply", &file]] {
        let err = env.fails(&args, 3);
        assert!(err.starts_with(&format!("apikey: {file}:2:8: ")), "{err}");
    }
}

#[test]
fn the_prune_plan_lists_keys_in_one_order_every_run() {
    let env = Env::new();
    let file = write(&env, "[[account]]\nname = \"acme\"\n");
    env.ok(&["apply", &file]);
    // Made within the same second, in an order that is not the name order.
    for name in ["m", "c", "x", "a", "q", "f"] {
        env.create(&["-a", "acme", "--name", name]);
    }
    for _ in 0..5 {
        let plan = env.json(&["apply", &file, "--prune", "--dry-run"]);
        let names: Vec<&str> = plan["revoked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "c", "f", "m", "q", "x"]);
        let err = env.fails(&["apply", &file, "--prune"], 3);
        assert!(err.contains("revoke 6 keys not named in"), "{err}");
        assert!(
            err.contains("(acme/a, acme/c, acme/f, acme/m, acme/q, acme/x)"),
            "{err}"
        );
    }
}

#[test]
fn a_renamed_entry_is_called_a_new_key_and_rename_keeps_the_balance() {
    let env = Env::new();
    let file = write(
        &env,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"web\"\n",
    );
    env.ok(&["apply", &file]);
    env.ok(&["-a", "acme", "topup", "web", "500"]);
    write(
        &env,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"shop\"\n",
    );
    let plan = env.ok(&["apply", &file, "--dry-run", "--prune"]);
    assert!(
        plan.contains("shop will be a new key with a new secret and a balance of 0")
            && plan.contains("does not name web (balance 600)")
            && plan.contains("web is revoked by --prune")
            && plan.contains("`apikey -a acme rename web shop`")
            && plan.contains("its balance of 600 can no longer be spent"),
        "{plan}"
    );
    let json = env.json(&["apply", &file, "--dry-run"]);
    assert_eq!(json["possible_renames"][0]["unnamed"][0]["balance"], 600);
    assert_eq!(json["possible_renames"][0]["unnamed"][0]["revoked"], false);
    // Doing what the note says keeps the balance, and the file then matches.
    env.ok(&["-a", "acme", "rename", "web", "shop"]);
    let json = env.json(&["apply", &file, "--prune"]);
    assert_eq!(json["created"], serde_json::json!([]));
    assert_eq!(json["possible_renames"], serde_json::json!([]));
    assert_eq!(env.json(&["-a", "acme", "show", "shop"])["balance"], 600);
}

#[test]
fn a_manifest_from_stdin_and_one_that_cannot_be_read() {
    let env = Env::new();
    let run = env.run_with_stdin(&["apply", "-", "--json"], MANIFEST);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(
        env.json(&["-a", "acme", "show", "web"])["notify"]["emails"][0],
        "ops@acme.example"
    );
    // A second run from stdin changes nothing.
    let again = env.run_with_stdin(&["apply", "-", "--dry-run", "--json"], MANIFEST);
    assert_eq!(again.status, Some(0), "{}", again.stderr);
    // A file that is not there is an I/O failure in the usual words, and
    // touches nothing.
    let before = dump(&env);
    let missing = env.path("nope.toml").display().to_string();
    let err = env.fails(&["apply", &missing], 1);
    assert_eq!(
        err,
        format!("apikey: cannot read manifest {missing}: no such file or directory")
    );
    let err = env.fails(&["apply", env.dir.path().to_str().unwrap()], 1);
    assert!(
        err.contains("cannot read manifest") && err.contains("directory"),
        "{err}"
    );
    assert_eq!(dump(&env), before);
    // Bad TOML on stdin is named as coming from there.
    let run = env.run_with_stdin(&["apply", "-"], "[[account]\n");
    assert_eq!(run.status, Some(2));
    assert!(run.one_line_error().contains("<stdin>"), "{}", run.stderr);
    // A file that is not text is bad input, not an I/O failure.
    let binary = env.path("binary.toml");
    std::fs::write(&binary, b"name = \"\xff\xfe\"\n").unwrap();
    let err = env.fails(&["apply", binary.to_str().unwrap()], 2);
    assert!(err.contains("not UTF-8 text"), "{err}");
    assert_eq!(dump(&env), before);
}
