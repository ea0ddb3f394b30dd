//! The admin commands on keys, and rules 1 to 5.

use crate::util::Env;

#[test]
fn create_prints_the_secret_once_and_list_never_does() {
    let env = Env::new();
    let out = env.ok(&["create", "--name", "web"]);
    let secret = out
        .split_whitespace()
        .find(|w| w.starts_with("ak_"))
        .expect("secret in output")
        .to_owned();
    assert_eq!(secret.len(), 31);
    assert!(out.contains("Created key web (k_"), "{out}");
    for args in [
        vec!["list"],
        vec!["list", "--all"],
        vec!["list", "--json"],
        vec!["show", "web"],
        vec!["show", "web", "--json"],
        vec!["log"],
        vec!["log", "--json"],
    ] {
        let shown = env.ok(&args);
        assert!(!shown.contains(&secret), "{args:?} printed the secret");
        assert!(
            !shown.contains(&secret[3..20]),
            "{args:?} printed part of it"
        );
    }
    let hint = format!("ak_…{}", &secret[27..]);
    assert_eq!(env.show("web")["hint"], hint.as_str());
}

#[test]
fn the_first_key_of_an_account_gets_the_test_balance_once() {
    let env = Env::new();
    env.create(&["--name", "first"]);
    env.create(&["--name", "second"]);
    assert_eq!(env.show("first")["balance"], 100);
    assert_eq!(env.show("second")["balance"], 0);
    env.ok(&["revoke", "first", "--yes"]);
    env.ok(&["revoke", "second", "--yes"]);
    env.create(&["--name", "again"]);
    assert_eq!(
        env.show("again")["balance"],
        0,
        "rule 2: revoking does not re-grant"
    );
    env.ok(&["account", "create", "acme"]);
    env.create(&["-a", "acme", "--name", "web"]);
    assert_eq!(env.json(&["-a", "acme", "show", "web"])["balance"], 100);
    env.assert_ledgers_balance();
}

#[test]
fn an_account_holds_at_most_ten_active_keys() {
    let env = Env::new();
    for _ in 0..10 {
        env.create(&[]);
    }
    let before_audit = env.count("audit");
    let err = env.fails(&["create", "--name", "eleventh"], 3);
    assert!(err.contains("already has 10 active keys"), "{err}");
    assert!(
        err.contains("apikey revoke"),
        "the message names the fix: {err}"
    );
    assert_eq!(env.count("keys"), 10, "the refused create wrote nothing");
    assert_eq!(env.count("audit"), before_audit);
    env.ok(&["revoke", "key-3", "--yes"]);
    let (_, _) = env.create(&[]);
    assert_eq!(env.show("key-3")["status"], "active", "key-3 is free again");
    env.fails(&["create"], 3);
}

#[test]
fn default_names_take_the_lowest_free_number() {
    let env = Env::new();
    env.create(&[]);
    env.create(&[]);
    env.create(&[]);
    env.ok(&["revoke", "key-2", "--yes"]);
    let names: Vec<String> = {
        env.create(&[]);
        env.json(&["list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names, ["key-1", "key-3", "key-2"]);
}

#[test]
fn names_are_unique_among_active_keys_and_validated() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    let err = env.fails(&["create", "--name", "web"], 3);
    assert!(err.contains("already has a key named 'web'"), "{err}");
    env.ok(&["revoke", "web", "--yes"]);
    env.create(&["--name", "web"]);
    assert_eq!(env.json(&["list", "--all"]).as_array().unwrap().len(), 2);
    assert_eq!(
        env.show("web")["status"],
        "active",
        "the name finds the active key"
    );

    let long = "x".repeat(33);
    for bad in ["", long.as_str(), "a/b", "tab\there", "\u{1b}[31mred", "é"] {
        let err = env.fails(&["create", "--name", bad], 2);
        assert!(!err.contains('\u{1b}'), "escape echoed raw: {err:?}");
    }
    env.create(&["--name", "My key-2_x.y"]);
    assert_eq!(env.count("keys"), 3);
}

#[test]
fn a_key_is_found_by_id_name_or_secret() {
    let env = Env::new();
    let (id, secret) = env.create(&["--name", "web"]);
    for by in [id.as_str(), "web", secret.as_str()] {
        assert_eq!(env.show(by)["id"], id.as_str(), "by {by}");
    }
    let err = env.fails(&["show", "nope"], 4);
    assert!(
        err.contains("key 'nope' not found in account 'default'"),
        "{err}"
    );
    env.fails(&["show", "k_00000000"], 4);

    let mut typo = secret.clone().into_bytes();
    typo[10] = if typo[10] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).unwrap();
    let err = env.fails(&["show", &typo], 2);
    assert!(err.contains("not a well-formed key"), "{err}");
    assert!(
        !err.contains(&typo[3..]),
        "a near-secret is not echoed: {err}"
    );
}

#[test]
fn revoke_needs_confirmation_and_is_final() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    let err = env.fails(&["revoke", "web"], 3);
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(env.show("web")["status"], "active", "nothing changed");

    let v = env.json(&["revoke", "web", "--yes", "--reason", "leaked"]);
    assert_eq!(v["status"], "revoked");
    assert!(v["revoked_at"].is_string());
    assert!(env.json(&["list"]).as_array().unwrap().is_empty());
    assert_eq!(env.json(&["list", "--all"])[0]["status"], "revoked");

    for args in [
        vec!["revoke", "web", "--yes"],
        vec!["regenerate", "web"],
        vec!["topup", "web", "10"],
    ] {
        let err = env.fails(&args, 3);
        assert!(err.contains("revoked"), "{err}");
    }
    assert_eq!(env.show(&secret)["status"], "revoked");
    assert_eq!(env.show("web")["balance"], 100);
}

#[test]
fn regenerate_keeps_the_key_and_replaces_the_secret() {
    let env = Env::new();
    let (id, old) = env.create(&["--name", "web"]);
    env.ok(&["topup", "web", "50"]);
    let v = env.json(&["regenerate", "web"]);
    let new = v["key"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["name"], "web");
    assert_eq!(v["balance"], 150);
    assert_eq!(v["hint"], format!("ak_…{}", &new[27..]).as_str());
    assert_eq!(env.show(new)["id"], id.as_str());
    env.fails(&["show", &old], 4);
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn the_old_secret_works_until_the_grace_period_ends() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-22T09:00:00Z");
    let (id, old) = env.create(&["--name", "web"]);
    let new = env.json(&["regenerate", "web", "--grace", "2h"])["key"]
        .as_str()
        .unwrap()
        .to_owned();
    env.set("APIKEY_TEST_NOW", "2026-11-22T10:59:59Z");
    assert_eq!(env.show(&old)["id"], id.as_str());
    assert_eq!(env.show(&new)["id"], id.as_str());
    env.set("APIKEY_TEST_NOW", "2026-11-22T11:00:00Z");
    env.fails(&["show", &old], 4);
    assert_eq!(env.show(&new)["id"], id.as_str());
}

#[test]
fn topup_accepts_one_to_a_billion_and_nothing_else() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    assert_eq!(
        env.run(&["topup", "web", "1", "-q"]).code(0).stdout,
        "101\n"
    );
    env.ok(&["topup", "web", "1000000000", "--note", "big"]);
    assert_eq!(env.show("web")["balance"], 1_000_000_101_i64);
    let ledger_rows = env.count("ledger");
    for bad in [
        "0",
        "-5",
        "1000000001",
        "99999999999999999999999999",
        "ten",
        "1.5",
        "",
        "1e3",
    ] {
        let err = env.fails(&["topup", "web", bad], 2);
        assert!(err.contains("invalid amount"), "{bad}: {err}");
    }
    assert_eq!(
        env.count("ledger"),
        ledger_rows,
        "rejected top-ups wrote nothing"
    );
    assert_eq!(env.show("web")["balance"], 1_000_000_101_i64);
    env.assert_ledgers_balance();
    env.fails(&["topup", "nope", "5"], 4);
}

#[test]
fn expiry_on_create() {
    let env = Env::new();
    let v = env.json(&["create", "--name", "a", "--expires", "2099-06-30"]);
    assert_eq!(v["expires_at"], "2099-07-01T00:00:00Z");
    let v = env.json(&["create", "--name", "b", "--expires", "never"]);
    assert!(v["expires_at"].is_null());
    assert!(env.json(&["create", "--name", "c", "--expires", "30d"])["expires_at"].is_string());
    for bad in ["2001-01-01", "30x", "soon"] {
        env.fails(&["create", "--expires", bad], 2);
    }
    assert_eq!(env.count("keys"), 3);
}

#[test]
fn the_audit_trail_records_every_admin_change() {
    let env = Env::new();
    env.ok(&["account", "create", "acme"]);
    let (id, _) = env.create(&["--name", "web"]);
    env.ok(&["topup", "web", "5", "--note", "inv 7"]);
    env.ok(&["regenerate", "web"]);
    env.ok(&["revoke", "web", "--yes", "--reason", "done"]);
    let log = env.json(&["log"]);
    // The login name of the real uid, as `id -un` says; not $USER, which
    // the test environment sets to "tester" and anyone could set.
    let me = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let me = String::from_utf8(me.stdout).unwrap().trim().to_owned();
    assert!(!me.is_empty() && me != "tester");
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["revoke", "regenerate", "topup", "create"]);
    for e in log.as_array().unwrap() {
        assert_eq!(e["user"], me.as_str());
        assert_eq!(e["key_id"], id.as_str());
        assert_eq!(e["key_name"], "web");
        assert!(e["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(log[0]["detail"], "done");
    assert_eq!(log[2]["detail"], "+5, balance 105: inv 7");
    let acme = env.json(&["-a", "acme", "log"]);
    assert_eq!(acme[0]["action"], "account_create");
    assert_eq!(env.json(&["log", "web"]).as_array().unwrap().len(), 4);
    let table = env.ok(&["log"]);
    assert!(
        table.contains(&me) && table.contains("revoke") && !table.contains("tester"),
        "{table}"
    );
}

#[test]
fn rename_keeps_the_key_and_its_secret() {
    let env = Env::new();
    let (id, secret) = env.create(&["--name", "web"]);
    env.create(&["--name", "api"]);
    env.ok(&["topup", "web", "50"]);
    assert_eq!(
        env.ok(&["-q", "rename", "web", "store front"]),
        "store front\n"
    );
    let key = env.show("store front");
    assert_eq!(
        (key["id"].as_str(), key["balance"].as_i64()),
        (Some(id.as_str()), Some(150))
    );
    let (code, verdict) = env.verify(&secret, &[]);
    assert_eq!((code, verdict["key_id"].as_str()), (0, Some(id.as_str())));
    env.fails(&["show", "web"], 4);
    assert_eq!(env.json(&["log", &id])[0]["action"], "rename");
    assert_eq!(env.json(&["log", &id])[0]["detail"], "web -> store front");
    // Rule 3, name rules, revoked keys.
    let err = env.fails(&["rename", "store front", "api"], 3);
    assert!(err.contains("already has a key named 'api'"), "{err}");
    env.fails(&["rename", "api", " padded"], 2);
    env.fails(&["rename", "nosuch", "x"], 4);
    env.ok(&["revoke", "api", "--yes"]);
    env.fails(&["rename", "api", "again"], 3);
    // A revoked key's name is free again.
    env.ok(&["rename", "store front", "api"]);
}
