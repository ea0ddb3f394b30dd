//! Accounts: `default` from the first use; no account made by accident.

use crate::util::Env;

#[test]
fn default_exists_from_the_first_use() {
    let env = Env::new();
    // No store yet: a read-only command says so and makes none.
    let err = env.fails(&["account", "list"], 1);
    assert!(
        err.contains("no store at") && err.contains("apikey create"),
        "{err}"
    );
    assert!(!env.db.exists() && !env.db.parent().unwrap().exists());
    env.ok(&["account", "create", "acme"]);
    let v = env.json(&["account", "list"]);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["name"], "default");
    assert_eq!(v[1]["active_keys"], 0);
}

#[test]
fn create_list_show() {
    let env = Env::new();
    let v = env.json(&["account", "create", "acme"]);
    assert_eq!(v["name"], "acme");
    assert_eq!(env.ok(&["account", "create", "beta", "-q"]), "beta\n");
    assert_eq!(env.ok(&["account", "list", "-q"]), "acme\nbeta\ndefault\n");
    env.create(&["-a", "acme"]);
    env.create(&["-a", "acme"]);
    env.ok(&["-a", "acme", "revoke", "key-2", "--yes"]);
    let v = env.json(&["account", "show", "acme"]);
    assert_eq!(v["active_keys"], 1);
    assert_eq!(v["total_keys"], 2);
    assert_eq!(v["balance"], 100);
    assert_eq!(env.json(&["-a", "acme", "account", "show"])["name"], "acme");
    let err = env.fails(&["account", "create", "acme"], 3);
    assert!(err.contains("already exists"), "{err}");
    env.fails(&["account", "create", "has space"], 2);
    env.fails(&["account", "show", "ghost"], 4);
}

#[test]
fn a_mistyped_account_is_an_error_not_a_new_account() {
    let env = Env::new();
    for args in [
        vec!["-a", "acmee", "create"],
        vec!["-a", "acmee", "list"],
        vec!["-a", "acmee", "show", "web"],
        vec!["-a", "acmee", "log"],
    ] {
        let err = env.fails(&args, 4);
        assert!(err.contains("account 'acmee' not found"), "{err}");
        assert!(err.contains("apikey account create acmee"), "{err}");
    }
    env.fails(&["-a", "bad name!", "list"], 2);
    assert_eq!(env.json(&["account", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn names_are_per_account_ids_are_unique_but_found_in_their_own_account_only() {
    let env = Env::new();
    env.ok(&["account", "create", "acme"]);
    let (a, _) = env.create(&["--name", "web"]);
    let (b, _) = env.create(&["-a", "acme", "--name", "web"]);
    assert_ne!(a, b);
    assert_eq!(env.show("web")["id"], a.as_str());
    assert_eq!(env.json(&["-a", "acme", "show", "web"])["id"], b.as_str());
    assert_eq!(env.json(&["-a", "acme", "show", &b])["account"], "acme");
    let err = env.fails(&["show", &b], 4);
    assert!(err.contains("not found"), "{err}");
}
