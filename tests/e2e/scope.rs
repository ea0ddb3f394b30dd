//! Secrets and scope (issue 19): a list entry that cannot split, a secret's
//! body never echoed nor kept as a name, key ids and secrets that name a key
//! of the selected account only, and names that cannot pass for ids.

use crate::util::Env;

/// Runs a manifest through `apply` and returns the finished command.
fn apply(env: &Env, manifest: &str) -> crate::util::Run {
    let path = env.path("keys.toml");
    std::fs::write(&path, manifest).unwrap();
    env.run(&["apply", path.to_str().unwrap()])
}

#[test]
fn a_newline_inside_an_allowed_url_is_refused_and_adds_no_origin() {
    let env = Env::new();
    let (_, key) = env.create(&["--name", "web"]);
    let split = "https://a.example.com/x\nhttps://evil.example.com";
    for entry in [
        split,
        "https://a.example.com/x\r",
        "https://a.example.com/a\tb",
    ] {
        let err = env.fails(&["security", "web", "--allow-url", entry], 2);
        assert!(err.contains("allowed URL"), "{err}");
        assert!(err.contains("control character"), "{err}");
        let err = env.fails(&["create", "--name", "other", "--allow-url", entry], 2);
        assert!(err.contains("control character"), "{err}");
    }
    assert_eq!(
        env.show("web")["security"]["allowed_urls"],
        serde_json::json!([])
    );
    // The list stayed empty (any origin), and a later list of one URL does
    // not let the smuggled origin in.
    env.ok(&["security", "web", "--allow-url", "https://a.example.com/x"]);
    let (code, v) = env.verify(&key, &["--origin", "https://evil.example.com"]);
    assert_eq!((code, v["code"].as_str()), (17, Some("FORBIDDEN_ORIGIN")));
    // Lists are kept as JSON arrays: no entry can split into two.
    let stored: String = env
        .sql()
        .query_row("SELECT allowed_urls FROM keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, r#"["https://a.example.com/x"]"#);
    // A presented origin with a control character matches nothing.
    let (code, _) = env.verify(&key, &["--origin", "https://a.example.com/x\n"]);
    assert_eq!(code, 17);

    let run = apply(
        &env,
        "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"m\"\n\
         allowed_urls = [\"https://a.example.com/x\\nhttps://evil.example.com\"]\n",
    )
    .code(2);
    let err = run.one_line_error();
    assert!(err.contains("control character"), "{err}");
    assert!(err.contains("\\u{a}"), "the entry is named, escaped: {err}");
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 1);
}

#[test]
fn the_body_of_a_secret_is_never_echoed_nor_taken_as_a_name() {
    let env = Env::new();
    env.ok(&["account", "create", "other"]);
    let (_, key) = env.create(&["--name", "web"]);
    let body = key.strip_prefix("ak_").unwrap();
    for args in [
        vec!["show", body],
        vec!["topup", body, "5"],
        vec!["revoke", body, "--yes"],
        vec!["-a", body, "list"],
        vec!["create", "--name", body],
        vec!["account", "create", body],
        vec!["rename", "web", body],
    ] {
        let run = env.run(&args).code(2);
        assert!(
            !run.stderr.contains(body),
            "{args:?} echoed it: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(&body[3..]), "{args:?}: {}", run.stderr);
        run.one_line_error();
    }
    let listed = env.ok(&["list", "--json"]);
    assert!(!listed.contains(body));
    assert_eq!(env.show("web")["balance"], 100, "the topup did not happen");
    assert_eq!(env.show("web")["status"], "active");
    // A typo in a body is just an unknown name: no secret there to hide.
    let typo = format!("{}0", &body[..27]);
    let typo = if typo == body {
        format!("{}1", &body[..27])
    } else {
        typo
    };
    let err = env.fails(&["show", &typo], 4);
    assert!(err.contains(&typo), "{err}");
}

#[test]
fn key_ids_and_secrets_name_keys_of_the_selected_account_only() {
    let env = Env::new();
    env.ok(&["account", "create", "other"]);
    let (id, key) = env.create(&["--name", "web"]);
    for reference in [id.as_str(), key.as_str()] {
        for args in [
            vec!["-a", "other", "show", reference],
            vec!["-a", "other", "topup", reference, "5"],
            vec!["-a", "other", "revoke", reference, "--yes"],
            vec!["-a", "other", "regenerate", reference],
            vec!["-a", "other", "security", reference, "--daily-limit", "5"],
            vec!["-a", "other", "notify", "add", reference, "a@example.com"],
            vec!["-a", "other", "rename", reference, "x"],
            vec!["-a", "other", "usage", reference],
        ] {
            let err = env.fails(&args, 4);
            assert!(err.contains("not found"), "{args:?}: {err}");
            assert!(!err.contains(&key[6..]), "{args:?}: {err}");
        }
    }
    let v = env.show(&id);
    assert_eq!(v["status"], "active");
    assert_eq!(v["balance"], 100);
    assert_eq!(v["security"]["daily_limit"], serde_json::Value::Null);
    assert_eq!(v["name"], "web");
    // The account it belongs to still finds it by id and by secret.
    env.ok(&["-a", "default", "topup", &id, "5"]);
    env.ok(&["topup", &key, "5"]);
    assert_eq!(env.show(&id)["balance"], 110);
}

#[test]
fn names_shaped_like_key_ids_are_refused() {
    let env = Env::new();
    let (id, _) = env.create(&["--name", "web"]);
    for args in [
        vec!["create", "--name", "k_mHPr2smU"],
        vec!["rename", "web", "k_mHPr2smU"],
        vec!["rename", "web", &id],
    ] {
        let err = env.fails(&args, 2);
        assert!(err.contains("key id"), "{args:?}: {err}");
    }
    let run = apply(
        &env,
        "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"k_mHPr2smU\"\n",
    )
    .code(2);
    assert!(run.one_line_error().contains("key id"));
    assert_eq!(env.show(&id)["name"], "web");
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 1);
}

#[test]
fn every_key_argument_reads_a_dash_from_stdin() {
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    let line = format!("\n  {key}  \nignored\n");
    let shown = env.run_with_stdin(&["show", "-", "--json"], &line).code(0);
    assert_eq!(shown.json()["id"], id.as_str());
    env.run_with_stdin(&["topup", "-", "5"], &line).code(0);
    env.run_with_stdin(&["security", "-", "--daily-limit", "7"], "web\n")
        .code(0);
    env.run_with_stdin(&["notify", "add", "-", "a@example.com"], &id)
        .code(0);
    env.run_with_stdin(&["usage", "-"], &key).code(0);
    env.run_with_stdin(&["log", "-"], &key).code(0);
    let v = env.show("web");
    assert_eq!(v["balance"], 105);
    assert_eq!(v["security"]["daily_limit"], 7);
    let run = env.run_with_stdin(&["show", "-"], "\n \n").code(2);
    assert!(run.one_line_error().contains("no key on stdin"));
    env.run_with_stdin(&["revoke", "-", "--yes"], &key).code(0);
    assert_eq!(env.show(&id)["status"], "revoked");
    let help = env.ok(&["show", "--help"]);
    assert!(help.contains("- reads it from stdin"), "{help}");
}

#[test]
fn a_store_with_lists_kept_as_lines_is_migrated_entry_for_entry() {
    let env = Env::new();
    env.create(&[
        "--name",
        "web",
        "--allow-url",
        "https://a.example.com",
        "--notify",
        "ops@example.com",
    ]);
    // The store as schema 6 kept it: one entry per line, '' for none.
    let conn = env.sql();
    conn.execute_batch(
        "UPDATE keys SET allowed_urls = 'https://a.example.com' || char(10) || 'https://b.example.com/x',
                         allowed_ips = '10.0.0.0/8', scopes = '',
                         notify_emails = 'ops@example.com' || char(10) || 'dev@example.com';
         PRAGMA user_version = 6;",
    )
    .unwrap();
    conn.execute_batch(crate::util::UNDO_SCHEMA_8).unwrap();
    drop(conn);
    env.ok(&["store", "upgrade"]);
    let v = env.show("web");
    assert_eq!(
        v["security"]["allowed_urls"],
        serde_json::json!(["https://a.example.com", "https://b.example.com/x"])
    );
    assert_eq!(
        v["security"]["allowed_ips"],
        serde_json::json!(["10.0.0.0/8"])
    );
    assert_eq!(v["security"]["scopes"], serde_json::json!([]));
    let stored: String = env
        .sql()
        .query_row("SELECT notify_emails FROM keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, r#"["ops@example.com","dev@example.com"]"#);
}
