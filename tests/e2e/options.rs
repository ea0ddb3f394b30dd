//! Global options: flag > environment > config file > default.

use std::os::unix::fs::PermissionsExt;

use crate::util::Env;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_default_store_is_in_the_data_dir_with_mode_0600() {
    let mut env = Env::new();
    env.unset("APIKEY_DB");
    env.create(&["--name", "web"]);
    let dir = env.dir.path().join(".local/share/apikey");
    let db = dir.join("keys.db");
    assert!(db.is_file(), "store at {}", db.display());
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir), 0o700);
    assert!(!env.db.exists(), "APIKEY_DB was unset");
}

#[test]
fn db_flag_beats_env_beats_config_beats_default() {
    let mut env = Env::new();
    let config_dir = env.dir.path().join(".config/apikey");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(config_dir.join("config.toml"), "db = \"from-config.db\"\n").unwrap();
    let from_flag = env.path("from-flag.db");
    let from_env = env.path("from-env.db");
    env.set("APIKEY_DB", &from_env);

    env.ok(&[
        "--db",
        from_flag.to_str().unwrap(),
        "create",
        "--name",
        "flag",
    ]);
    env.ok(&["create", "--name", "env"]);
    env.unset("APIKEY_DB");
    env.ok(&["create", "--name", "config"]);

    let names = |db: &std::path::Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn.prepare("SELECT name FROM keys").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(names(&from_flag), ["flag"]);
    assert_eq!(names(&from_env), ["env"]);
    // A relative `db` in the config file is relative to the config file.
    assert_eq!(names(&config_dir.join("from-config.db")), ["config"]);
    assert_eq!(mode(&config_dir.join("from-config.db")), 0o600);
}

#[test]
fn account_flag_beats_env_beats_config_beats_default() {
    let mut env = Env::new();
    for name in ["flag", "env", "config"] {
        env.ok(&["account", "create", name]);
    }
    let config = env.path("apikey.toml");
    std::fs::write(&config, "account = \"config\"\n").unwrap();

    env.create(&["--name", "in-default"]);
    env.set("APIKEY_CONFIG", &config);
    env.create(&["--name", "in-config"]);
    env.set("APIKEY_ACCOUNT", "env");
    env.create(&["--name", "in-env"]);
    env.create(&["--account", "flag", "--name", "in-flag"]);

    for (account, key) in [
        ("default", "in-default"),
        ("config", "in-config"),
        ("env", "in-env"),
        ("flag", "in-flag"),
    ] {
        let v = env.json(&["-a", account, "list"]);
        assert_eq!(v.as_array().unwrap().len(), 1, "{account}");
        assert_eq!(v[0]["name"], key, "{account}");
    }
}

#[test]
fn config_flag_beats_config_env() {
    let mut env = Env::new();
    env.ok(&["account", "create", "one"]);
    env.ok(&["account", "create", "two"]);
    let one = env.path("one.toml");
    let two = env.path("two.toml");
    std::fs::write(&one, "account = \"one\"\n").unwrap();
    std::fs::write(&two, "account = \"two\"\n").unwrap();
    env.set("APIKEY_CONFIG", &one);
    let v = env.json(&["--config", two.to_str().unwrap(), "create"]);
    assert_eq!(v["account"], "two");
}

#[test]
fn config_file_problems() {
    let mut env = Env::new();
    env.init_store();
    // Absent at the default location: fine.
    env.ok(&["list"]);
    // Absent where the user pointed: an error.
    let missing = env.path("missing.toml");
    let err = env.fails(&["--config", missing.to_str().unwrap(), "list"], 2);
    assert!(err.contains("cannot read config file"), "{err}");
    // Unknown field: named with file, line and column.
    let bad = env.path("bad.toml");
    std::fs::write(&bad, "account = \"default\"\ncolour = \"never\"\n").unwrap();
    env.set("APIKEY_CONFIG", &bad);
    let err = env.fails(&["list"], 2);
    assert!(err.contains("bad.toml:2:1"), "{err}");
    std::fs::write(&bad, "account = \n").unwrap();
    env.fails(&["list"], 2);
    std::fs::write(&bad, "color = \"sometimes\"\n").unwrap();
    env.fails(&["list"], 2);
}

#[test]
fn color_follows_flag_then_no_color_then_config() {
    let mut env = Env::new();
    env.create(&["--name", "web"]);
    let esc = |out: String| out.contains('\u{1b}');
    assert!(!esc(env.ok(&["list"])), "NO_COLOR is set");
    assert!(
        esc(env.ok(&["list", "--color", "always"])),
        "flag beats NO_COLOR"
    );
    env.unset("NO_COLOR");
    assert!(!esc(env.ok(&["list"])), "auto: not a terminal");
    let config = env.path("c.toml");
    std::fs::write(&config, "color = \"always\"\n").unwrap();
    env.set("APIKEY_CONFIG", &config);
    assert!(esc(env.ok(&["list"])), "config says always");
    assert!(
        !esc(env.ok(&["list", "--color", "never"])),
        "flag beats config"
    );
    env.set("NO_COLOR", "1");
    assert!(!esc(env.ok(&["list"])), "NO_COLOR beats config");
    assert!(
        !esc(env.ok(&["list", "--json", "--color", "always"])),
        "JSON is never colored"
    );
}

#[test]
fn config_and_environment_edges() {
    let mut env = Env::new();
    // `~` in the config's db is HOME, not a folder named "~".
    let config = env.path("c.toml");
    std::fs::write(&config, "db = \"~/tilde/keys.db\"\n").unwrap();
    env.set("APIKEY_CONFIG", &config);
    env.unset("APIKEY_DB");
    env.create(&["--name", "web"]);
    assert!(env.path("tilde/keys.db").is_file());
    assert!(!env.path("~").exists(), "a literal ~ folder");
    // And on the flag, when it reaches apikey unexpanded.
    env.ok(&["--db", "~/tilde/keys.db", "show", "web"]);

    // Empty variables count as unset, never as a flag given empty.
    let mut env = Env::new();
    env.create(&["--name", "web"]);
    env.set("APIKEY_CONFIG", "");
    env.set("APIKEY_ACCOUNT", "");
    env.ok(&["show", "web"]);
    env.set("APIKEY_DB", "");
    let err = env.fails(&["list"], 1);
    assert!(
        err.contains(".local/share/apikey/keys.db"),
        "the default store: {err}"
    );

    // A named config file that is not there is bad input (2); one that
    // cannot be read is an I/O failure (1), at the default place too.
    let mut env = Env::new();
    env.create(&["--name", "web"]);
    let err = env.fails(&["--config", "/nonexistent/apikey.toml", "list"], 2);
    assert!(
        err.ends_with("/nonexistent/apikey.toml: no such file or directory"),
        "{err}"
    );
    let home_file = env.path("home-is-a-file");
    std::fs::write(&home_file, "").unwrap();
    env.set("HOME", &home_file);
    let err = env.fails(&["list"], 1);
    assert!(
        err.contains("cannot read config file") && err.ends_with("not a directory"),
        "{err}"
    );
    let home = env.dir.path().to_path_buf();
    env.set("HOME", &home);
    let dir_config = env.path("a-folder.toml");
    std::fs::create_dir(&dir_config).unwrap();
    let err = env.fails(&["--config", dir_config.to_str().unwrap(), "list"], 1);
    assert!(err.ends_with("is a directory"), "{err}");
}
