//! Output contracts: one JSON document, quiet values, one-line errors.

use crate::util::Env;

#[test]
fn key_json_has_the_contract_fields() {
    let env = Env::new();
    let v = env.json(&["create", "--name", "web"]);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "id",
        "account",
        "name",
        "hint",
        "status",
        "balance",
        "batches",
        "created_at",
        "expires_at",
        "revoked_at",
        "suspended_at",
        "last_used_at",
        "security",
        "notify",
        "auto_topup",
        "key",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected);
    assert!(v["id"].as_str().unwrap().starts_with("k_"));
    // The test balance: one batch that never lapses.
    assert_eq!(
        v["batches"],
        serde_json::json!([{"left": 100, "expires_at": null}])
    );
    assert_eq!(v["account"], "default");
    assert_eq!(v["status"], "active");
    assert_eq!(v["balance"], 100);
    let created = v["created_at"].as_str().unwrap();
    assert!(created.len() == 20 && created.ends_with('Z'), "{created}");
    assert_eq!(
        v["security"],
        serde_json::json!({"allowed_urls": [], "allowed_ips": [], "daily_limit": null,
            "monthly_limit": null, "ip_daily_limit": null, "scopes": [], "redact_days": 28,
            "rate_limits": []})
    );
    assert_eq!(
        v["notify"],
        serde_json::json!({"emails": [], "low_balance": null})
    );
    let shown = env.show("web");
    assert!(shown.get("key").is_none(), "show never carries the secret");
    let list = env.json(&["list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("key").is_none());
}

#[test]
fn quiet_prints_only_the_essential_value() {
    let env = Env::new();
    let secret = env.ok(&["create", "-q"]);
    assert!(
        secret.starts_with("ak_") && secret.trim_end().len() == 31,
        "{secret:?}"
    );
    assert_eq!(secret.lines().count(), 1);
    let id = env.ok(&["list", "-q"]);
    assert!(id.starts_with("k_"));
    let regenerated = env.ok(&["regenerate", "key-1", "-q"]);
    assert!(regenerated.starts_with("ak_") && regenerated != secret);
    assert_eq!(env.ok(&["revoke", "key-1", "--yes", "-q"]), "");
}

#[test]
fn usage_errors_are_one_line_with_exit_2() {
    let env = Env::new();
    for args in [
        vec!["create", "--bogus"],
        vec!["frobnicate"],
        vec!["topup", "web"],
        vec!["list", "--color", "purple"],
        vec!["show"],
    ] {
        let err = env.fails(&args, 2);
        assert!(err.contains("--help"), "{err}");
    }
    // The line names what was missing, the choices, and the command's help.
    for (args, says) in [
        (
            vec!["show"],
            "not provided: <KEY> (see `apikey show --help`)",
        ),
        (
            vec!["topup", "web"],
            "not provided: <AMOUNT> (see `apikey topup --help`)",
        ),
        (
            vec!["apply"],
            "not provided: <FILE> (see `apikey apply --help`)",
        ),
        (
            vec!["account", "create"],
            "not provided: <NAME> (see `apikey account create --help`)",
        ),
        (
            vec!["list", "--color", "purple"],
            "[possible values: auto, always, never]",
        ),
        (
            vec!["usage", "web", "--by", "hour"],
            "[possible values: day, ip]",
        ),
        (vec!["creat"], "similar subcommands exist"),
    ] {
        let err = env.fails(&args, 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn help_and_version_exit_0() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    assert!(
        help.contains("create") && help.contains("Exit codes"),
        "{help}"
    );
    assert!(env.ok(&["topup", "--help"]).contains("Example"));
    assert!(env.ok(&["--version"]).starts_with("apikey "));
    // With no command at all: help on stderr (or, when APIKEY_* variables
    // count as arguments, the one-line "requires a subcommand"), exit 2.
    let bare = env.run(&[]).code(2);
    bare.assert(bare.stdout.is_empty(), "stdout stays empty");
    bare.assert(
        bare.stderr.contains("Usage") || bare.stderr.contains("requires a subcommand"),
        "help or the missing-subcommand line",
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let env = Env::new();
    for _ in 0..10 {
        env.create(&[]);
    }
    let mut child = env
        .command(["log"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}, stderr {err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn the_small_things_people_notice() {
    let env = Env::new();
    // --color reaches clap's own help.
    assert!(env.ok(&["--color", "always", "--help"]).contains('\u{1b}'));
    assert!(!env.ok(&["--color", "never", "--help"]).contains('\u{1b}'));
    // The help and the man page name the environment and the config file.
    let help = env.ok(&["--help"]);
    for word in [
        "APIKEY_DB",
        "APIKEY_CONFIG",
        "APIKEY_ACCOUNT",
        "config.toml",
    ] {
        assert!(help.contains(word), "{word} in --help");
    }
    // -q prints the value the command is about.
    env.create(&["--name", "web"]);
    assert_eq!(env.ok(&["-q", "notify", "threshold", "web", "50"]), "50\n");
    assert_eq!(
        env.ok(&["-q", "notify", "threshold", "web", "off"]),
        "off\n"
    );
    env.ok(&["notify", "add", "web", "ops@example.com"]);
    assert_eq!(
        env.ok(&["-q", "notify", "list", "web"]),
        "ops@example.com\n"
    );
    let ids = env.ok(&["-q", "log"]);
    let log = env.json(&["log"]);
    let expected: Vec<String> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].to_string())
        .collect();
    assert_eq!(ids.lines().collect::<Vec<_>>(), expected);
    // Counts read as English.
    let line = env.json(&["account", "list"]);
    assert_eq!(line[0]["active_keys"], 1);
}

#[test]
fn manifest_and_config_errors_speak_toml_not_rust() {
    let env = Env::new();
    env.init_store();
    let manifest = env.path("m.toml");
    for (field, says) in [
        ("daily_limit = \"x\"", "expected a whole number"),
        ("expires = 5", "expires must be a date or time"),
        ("scopes = \"x\"", "expected a list"),
    ] {
        std::fs::write(
            &manifest,
            format!("[[account]]\nname = \"a\"\n[[account.key]]\nname = \"k\"\n{field}\n"),
        )
        .unwrap();
        let err = env.fails(&["apply", manifest.to_str().unwrap(), "--dry-run"], 2);
        assert!(err.contains(says), "{err}");
        for rust in ["i64", "u64", "untagged", "RawWhen", "sequence"] {
            assert!(!err.contains(rust), "{err}");
        }
    }
    let config = env.path("c.toml");
    std::fs::write(&config, "busy_timeout_ms = -5\n").unwrap();
    let err = env.fails(&["--config", config.to_str().unwrap(), "list"], 2);
    assert!(
        err.contains("c.toml:1:19: ") && !err.contains("u64"),
        "{err}"
    );
}
