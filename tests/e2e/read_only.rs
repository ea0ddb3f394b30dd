//! Commands that only read, and dry runs, leave the file system as they
//! found it: the store byte for byte, no -wal or -shm left behind, no new
//! store or folder where a mistyped path points, no event queued.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::util::Env;

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let meta = std::fs::metadata(&path).unwrap();
                files.insert(
                    path.clone(),
                    (std::fs::read(&path).unwrap(), meta.modified().unwrap()),
                );
            }
        }
    }
    files
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the test clock exists in debug builds only"
)]
fn read_only_commands_and_dry_runs_change_no_byte() {
    let mut env = Env::new();
    env.set("APIKEY_TEST_NOW", "2026-11-01T12:00:00Z");
    let (id, secret) = env.create(&["--name", "web", "--notify", "ops@example.com"]);
    env.verify(&secret, &["--ip", "192.0.2.1"]);
    env.ok(&["account", "create", "acme"]);
    // A manifest that would give web an expiry within 7 days: a real run
    // would queue an `expiring` event; the dry run must not.
    let manifest = env.path("keys.toml");
    std::fs::write(
        &manifest,
        "[[account]]\nname = \"default\"\n\n[[account.key]]\nname = \"web\"\nexpires = \"2026-11-14\"\nnotify = [\"ops@example.com\"]\n\n[[account.key]]\nname = \"new\"\n",
    )
    .unwrap();
    // And web itself expiring within 7 days by the time the reads run.
    env.ok(&["security", "web", "--expires", "2026-11-12T00:00:00Z"]);
    env.set("APIKEY_TEST_NOW", "2026-11-09T12:00:00Z");
    let outbox_before = env.count("outbox");
    let before = snapshot(env.dir.path());
    let store = env.dir.path().join("store");
    assert!(
        before
            .keys()
            .all(|p| !p.to_string_lossy().ends_with("-wal"))
    );

    let file = manifest.to_str().unwrap();
    let reads: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--all", "--json"],
        vec!["show", "web"],
        vec!["show", &id],
        vec!["security", "web"],
        vec!["usage", "web"],
        vec!["usage", "web", "--by", "ip", "--json"],
        vec!["log"],
        vec!["log", "web"],
        vec!["notify", "list", "web"],
        vec!["notify", "outbox", "--all"],
        vec!["account", "list"],
        vec!["account", "show"],
        vec!["-a", "acme", "account", "show"],
        vec!["apply", file, "--dry-run"],
        vec!["apply", file, "--dry-run", "--prune", "--json"],
    ];
    for args in &reads {
        env.ok(args);
        assert_eq!(
            snapshot(env.dir.path()),
            before,
            "apikey {args:?} changed a file"
        );
    }
    let (code, verdict) = env.verify(&secret, &["--dry-run"]);
    assert_eq!((code, verdict["code"].as_str()), (0, Some("VALID")));
    assert_eq!(
        snapshot(env.dir.path()),
        before,
        "verify --dry-run changed a file"
    );
    assert_eq!(env.count("outbox"), outbox_before, "nothing queued");
    assert!(store.is_dir());
}

#[test]
fn a_dry_run_or_a_read_at_a_mistyped_path_makes_no_store() {
    let env = Env::new();
    let manifest = env.path("keys.toml");
    std::fs::write(&manifest, "[[account]]\nname = \"acme\"\n").unwrap();
    let typo = env.path("stroe/keys.db");
    let typo = typo.to_str().unwrap();
    let file = manifest.to_str().unwrap();
    // A well-formed key (from another store), so verify gets to the store.
    let (_, secret) = Env::new().create(&[]);
    // A dry run plans against an empty store, says so, and makes none.
    let plan = env.ok(&["--db", typo, "apply", file, "--dry-run"]);
    assert!(
        plan.starts_with(&format!("No store at {typo} yet")),
        "{plan}"
    );
    assert!(plan.contains("+ account acme"), "{plan}");
    let plan = env.json(&["--db", typo, "apply", file, "--dry-run"]);
    assert_eq!(plan["new_store"], true);
    assert_eq!(plan["created_accounts"], serde_json::json!(["acme"]));
    for args in [
        vec!["--db", typo, "list"],
        vec!["--db", typo, "account", "list"],
        vec!["--db", typo, "log"],
        vec!["--db", typo, "notify", "outbox"],
        vec!["--db", typo, "verify", "--dry-run", &secret],
        vec!["--db", typo, "verify", &secret],
        vec!["--db", typo, "topup", "web", "5"],
        vec!["--db", typo, "revoke", "web", "--yes"],
    ] {
        let run = env.run(&args).code(1);
        let line = run.one_line_error();
        run.assert(
            line.contains(typo) && line.contains("does not exist"),
            "names the path",
        );
    }
    assert!(!env.path("stroe").exists(), "a folder was made");
}
