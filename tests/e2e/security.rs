//! `apikey security` and the security flags on `create`.

use crate::util::Env;

#[test]
fn create_takes_every_security_flag() {
    let env = Env::new();
    let v = env.json(&[
        "create",
        "--name",
        "web",
        "--allow-url",
        "https://Shop.Example.com/",
        "--allow-url",
        "https://*.acme.example",
        "--allow-ip",
        "10.1.2.3/8",
        "--allow-ip",
        "2001:db8::1",
        "--daily-limit",
        "1000",
        "--monthly-limit",
        "20000",
        "--ip-daily-limit",
        "50",
        "--scope",
        "lookup",
        "--expires",
        "2099-06-30",
        "--redact-days",
        "7",
        "--rate-limit",
        "600/min",
        "--rate-limit",
        "10/s",
    ]);
    assert_eq!(
        v["security"],
        serde_json::json!({
            "allowed_urls": ["https://shop.example.com", "https://*.acme.example"],
            "allowed_ips": ["10.0.0.0/8", "2001:db8::1"],
            "daily_limit": 1000, "monthly_limit": 20000, "ip_daily_limit": 50,
            "scopes": ["lookup"], "redact_days": 7,
            "rate_limits": [{"limit": 10, "window": "s"}, {"limit": 600, "window": "min"}]
        })
    );
    assert_eq!(v["expires_at"], "2099-07-01T00:00:00Z");
}

#[test]
fn security_without_flags_shows_the_settings() {
    let env = Env::new();
    env.create(&["--name", "web", "--daily-limit", "5"]);
    let v = env.json(&["security", "web"]);
    assert_eq!(v["name"], "web");
    assert_eq!(v["security"]["daily_limit"], 5);
    assert!(v["expires_at"].is_null());
    let table = env.ok(&["security", "web"]);
    assert!(
        table.contains("Daily limit") && table.contains('5'),
        "{table}"
    );
    assert_eq!(env.count("audit"), 1, "showing changed nothing");
}

#[test]
fn security_changes_are_applied_and_audited() {
    let env = Env::new();
    env.create(&[
        "--name",
        "web",
        "--allow-url",
        "https://a.example",
        "--scope",
        "read",
    ]);
    let v = env.json(&[
        "security",
        "web",
        "--remove-url",
        "https://a.example",
        "--allow-url",
        "https://b.example",
        "--scope",
        "write",
        "--remove-scope",
        "read",
        "--daily-limit",
        "10",
        "--expires",
        "30d",
    ]);
    assert_eq!(
        v["security"]["allowed_urls"],
        serde_json::json!(["https://b.example"])
    );
    assert_eq!(v["security"]["scopes"], serde_json::json!(["write"]));
    assert_eq!(v["security"]["daily_limit"], 10);
    assert!(v["expires_at"].is_string());
    let v = env.json(&[
        "security",
        "web",
        "--daily-limit",
        "off",
        "--expires",
        "never",
    ]);
    assert!(v["security"]["daily_limit"].is_null());
    assert!(v["expires_at"].is_null());
    let log = env.json(&["log", "web"]);
    assert_eq!(log[0]["action"], "security");
    assert_eq!(log[0]["detail"], "daily limit off; expires never");
    assert!(
        log[1]["detail"]
            .as_str()
            .unwrap()
            .contains("allow url https://b.example")
    );
}

#[test]
fn invalid_values_exit_2_and_change_nothing() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    for i in 0..10 {
        env.ok(&[
            "security",
            "web",
            "--allow-url",
            &format!("https://h{i}.example.com"),
        ]);
    }
    let before = env.json(&["security", "web"]);
    let long = format!("https://{}.example.com", "a".repeat(250));
    let cases: &[&[&str]] = &[
        &["--allow-url", "https://"],
        &["--allow-url", "https:///path"],
        &["--allow-url", "example.com"],
        &["--allow-url", &long],
        &["--allow-url", "https://eleventh.example.com"],
        &["--allow-ip", "10.0.0.0/33"],
        &["--allow-ip", "not-an-ip"],
        &["--daily-limit", "-5"],
        &["--daily-limit", "0"],
        &["--monthly-limit", "lots"],
        &["--ip-daily-limit", "1.5"],
        &["--expires", "30x"],
        &["--expires", "2001-01-01"],
        &["--redact-days", "1096"],
        &["--redact-days", "-1"],
        &["--scope", "has space"],
        &["--remove-scope", "never-added"],
        &["--remove-ip", "192.0.2.1"],
        &["--daily-limit", "5", "--allow-ip", "bad"],
    ];
    for flags in cases {
        let mut args = vec!["security", "web"];
        args.extend_from_slice(flags);
        env.fails(&args, 2);
    }
    assert_eq!(env.json(&["security", "web"]), before);
    // The same values on `create` (where one more URL is not an eleventh,
    // and there is nothing to remove a scope from... which is still an error).
    for flags in cases
        .iter()
        .filter(|f| f[1] != "https://eleventh.example.com")
    {
        let mut args = vec!["create", "--name", "x"];
        args.extend_from_slice(flags);
        env.fails(&args, 2);
    }
    assert_eq!(env.count("keys"), 1);
}

#[test]
fn the_eleventh_url_is_refused_on_create_too() {
    let env = Env::new();
    let mut args = vec!["create".to_owned()];
    for i in 0..11 {
        args.push("--allow-url".into());
        args.push(format!("https://h{i}.example.com"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = env.fails(&args, 2);
    assert!(err.contains("at most 10 allowed URLs"), "{err}");
    assert!(!env.db.exists(), "bad input makes no store");
}

#[test]
fn a_revoked_key_keeps_its_settings() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    env.ok(&["revoke", "web", "--yes"]);
    env.fails(&["security", "web", "--daily-limit", "5"], 3);
}
