//! The store path is a plain file path, never a SQLite URI or special name,
//! a symbolic link in its place is refused rather than followed, files
//! other users could change are warned about, and an SMTP login is never
//! sent in plain text to another machine (issue 19).

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::util::{Env, Run};

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The names in a folder.
fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A private folder in the test's world.
fn folder(env: &Env, name: &str) -> PathBuf {
    let dir = env.path(name);
    std::fs::create_dir(&dir).unwrap();
    chmod(&dir, 0o700);
    dir
}

/// Runs `args` in the folder `cwd`, under `sh` with the given umask (and
/// nothing else in between: `exec` keeps the arguments as they are).
fn run_in(env: &Env, cwd: &Path, umask: &str, args: &[&str]) -> Run {
    let out = env
        .shell(&format!("umask {umask}; exec \"$BIN\" \"$@\""))
        .arg("sh")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("spawn sh");
    Run::new(args, &out)
}

/// Where a store path can come from.
#[derive(Clone, Copy, Debug)]
enum Source {
    Flag,
    Env,
    Config,
}

const SOURCES: [Source; 3] = [Source::Flag, Source::Env, Source::Config];

/// Runs `args` in `dir` with the store named `db` by `source` (and no
/// other store named). The config file is named by a relative path, so a
/// relative `db` in it stays relative, as it does for a user who runs
/// `apikey --config config.toml`.
fn with_db(env: &mut Env, dir: &Path, source: Source, db: &str, args: &[&str]) -> Run {
    env.unset("APIKEY_DB").unset("APIKEY_CONFIG");
    let mut line: Vec<&str> = Vec::new();
    match source {
        Source::Flag => line.extend(["--db", db]),
        Source::Env => {
            env.set("APIKEY_DB", db);
        }
        Source::Config => {
            let text = format!("db = {}\n", toml_string(db));
            std::fs::write(dir.join("config.toml"), text).unwrap();
            env.set("APIKEY_CONFIG", "config.toml");
        }
    }
    line.extend_from_slice(args);
    run_in(env, dir, "022", &line)
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Names SQLite would read as a URI (`file:` and query parameters) when
/// given as they are: each must be a file of exactly that name.
const URI_LIKE: [&str; 4] = [
    "file:m.db?mode=memory",
    "file:y.db?nolock=1",
    "file:z.db?vfs=unix-none",
    "file:w.db?immutable=1",
];

#[test]
fn a_db_that_looks_like_a_sqlite_uri_is_a_file_of_that_name() {
    for source in SOURCES {
        for name in URI_LIKE {
            let mut env = Env::new();
            let dir = folder(&env, "work");
            let what = format!("{source:?} {name}");
            let created = with_db(&mut env, &dir, source, name, &["create", "--name", "web"]);
            created.assert(created.status == Some(0), &what);
            created.assert(created.stderr.is_empty(), &what);
            let mut expected = BTreeSet::from([name.to_owned()]);
            if matches!(source, Source::Config) {
                expected.insert("config.toml".to_owned());
            }
            assert_eq!(listing(&dir), expected, "{what}: only the store is made");
            assert_eq!(mode(&dir.join(name)), 0o600, "{what}");
            // A second command finds the key in that file.
            let listed = with_db(&mut env, &dir, source, name, &["list", "--json"]);
            listed.assert(listed.status == Some(0), &what);
            let keys = listed.json();
            assert_eq!(keys[0]["name"], "web", "{what}: {keys}");
            assert_eq!(listing(&dir), expected, "{what}: nothing left behind");
        }
    }
}

#[test]
fn memory_and_an_empty_path_are_refused_as_invalid_input() {
    for source in SOURCES {
        for (name, says) in [(":memory:", "in-memory"), ("", "empty")] {
            // clap itself refuses an empty value, in its own words.
            let says = if name.is_empty() && matches!(source, Source::Flag) {
                "a value is required"
            } else {
                says
            };
            if name.is_empty() && matches!(source, Source::Env) {
                continue; // an empty variable counts as unset
            }
            let mut env = Env::new();
            let dir = folder(&env, "work");
            let what = format!("{source:?} {name:?}");
            for args in [&["create", "--name", "web"][..], &["list"]] {
                let run = with_db(&mut env, &dir, source, name, args);
                run.assert(run.status == Some(2), &what);
                run.assert(run.stdout.is_empty(), &what);
                let line = run.one_line_error();
                let named = match source {
                    Source::Flag => "--db",
                    Source::Env => "APIKEY_DB",
                    Source::Config => "config.toml",
                };
                assert!(line.contains(named), "{what}: {line}");
                assert!(line.contains(says), "{what}: {line}");
            }
            let mut expected = BTreeSet::new();
            if matches!(source, Source::Config) {
                expected.insert("config.toml".to_owned());
            }
            assert_eq!(listing(&dir), expected, "{what}: nothing made");
        }
    }
}

/// What a symbolic link at the store path points to.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// Nothing yet: `create` would make it.
    Dangling,
    /// Another folder's store, with a key in it.
    Store,
    /// Some other file in another folder.
    File,
}

/// The target's bytes and mode, or `None` when it does not exist.
fn state(path: &Path) -> Option<(Vec<u8>, u32)> {
    std::fs::read(path).ok().map(|bytes| (bytes, mode(path)))
}

#[test]
fn a_symbolic_link_at_the_store_path_is_refused_and_its_target_left_alone() {
    for umask in ["022", "000"] {
        for target in [Target::Dangling, Target::Store, Target::File] {
            let env = Env::new();
            let what = format!("umask {umask}, link to {target:?}");
            let elsewhere = folder(&env, "elsewhere");
            let aim = elsewhere.join("target.db");
            match target {
                Target::Dangling => {}
                Target::Store => {
                    let db = aim.to_str().unwrap();
                    env.ok(&["--db", db, "create", "--name", "web"]);
                }
                Target::File => {
                    std::fs::write(&aim, "not for apikey\n").unwrap();
                    chmod(&aim, 0o640);
                }
            }
            let store_dir = folder(&env, "store");
            std::os::unix::fs::symlink(&aim, &env.db).unwrap();
            let before = (state(&aim), listing(&elsewhere), listing(&store_dir));
            for args in [
                &["create", "--name", "new"][..],
                &["account", "create", "acme"],
                &["topup", "web", "5"],
                &["list"],
                &["store", "upgrade"],
                &["apply", "--dry-run", "/dev/null"],
            ] {
                let run = run_in(&env, env.dir.path(), umask, args);
                run.assert(run.status == Some(1), &what);
                run.assert(run.stdout.is_empty(), &what);
                let line = run.one_line_error();
                assert!(line.contains("symbolic link"), "{what}: {line}");
                assert!(
                    line.contains(&env.db.display().to_string()),
                    "{what}: names the path as given: {line}"
                );
                let after = (state(&aim), listing(&elsewhere), listing(&store_dir));
                assert!(after == before, "{what}: {args:?} changed the target");
                assert!(env.db.is_symlink(), "{what}: the link stays");
            }
        }
    }
}

#[test]
fn a_store_reached_through_a_symlinked_folder_still_works() {
    let env = Env::new();
    let real = folder(&env, "real");
    std::os::unix::fs::symlink(&real, env.path("linked")).unwrap();
    let db = env.path("linked").join("keys.db");
    let db = db.to_str().unwrap();
    env.ok(&["--db", db, "create", "--name", "web"]);
    assert_eq!(mode(&real.join("keys.db")), 0o600);
    let keys = env.json(&["--db", db, "list"]);
    assert_eq!(keys[0]["name"], "web", "{keys}");
    assert_eq!(listing(&real), BTreeSet::from(["keys.db".to_owned()]));
}

#[test]
fn under_umask_000_the_store_its_wal_and_shm_and_folder_are_private() {
    let (env, modes) = crate::secrets::store_modes_during_apply("000");
    assert_eq!(modes, [0o600; 3], "store, WAL and SHM modes");
    assert_eq!(mode(env.db.parent().unwrap()), 0o700, "the folder");
}

/// The warnings a run printed, each checked to be one `apikey: warning:` line.
fn warnings(run: &Run) -> Vec<String> {
    let lines: Vec<String> = run.stderr.lines().map(str::to_owned).collect();
    for line in &lines {
        run.assert(line.starts_with("apikey: warning: "), "a warning line");
    }
    lines
}

/// Asserts that `run` succeeded with exactly one warning, naming `path`,
/// its `mode` and the `advice` that mends it.
fn assert_one_warning(run: &Run, path: &Path, mode: u32, advice: &str) {
    run.assert(run.status == Some(0), "a warning is not a failure");
    let lines = warnings(run);
    assert_eq!(lines.len(), 1, "once: {lines:?}");
    assert!(
        lines[0].contains(&path.display().to_string())
            && lines[0].contains(&format!("{mode:04o}"))
            && lines[0].contains(advice),
        "{lines:?}"
    );
}

#[test]
fn a_config_file_others_can_write_is_warned_about_once() {
    let mut env = Env::new();
    env.create(&["--name", "web"]);
    let config = env.path("config.toml");
    std::fs::write(&config, "account = \"default\"\n").unwrap();
    env.set("APIKEY_CONFIG", &config);
    // Written under umask 022: 0644, which is fine.
    assert_eq!(mode(&config), 0o644);
    env.ok(&["list"]);
    for loose in [0o666, 0o620, 0o602] {
        chmod(&config, loose);
        let run = env.run(&["list", "--json"]);
        assert_one_warning(&run, &config, loose, "chmod go-w");
        assert_eq!(run.json()[0]["name"], "web");
    }
}

#[test]
fn a_store_file_others_can_read_is_warned_about() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    assert_eq!(mode(&env.db), 0o600, "apikey's own store does not warn");
    env.ok(&["list"]);
    for loose in [0o644, 0o640, 0o606] {
        chmod(&env.db, loose);
        let run = env.run(&["list"]);
        assert_one_warning(&run, &env.db, loose, "chmod 600");
    }
}

#[test]
fn a_store_folder_others_can_write_is_warned_about_sticky_or_not() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    let dir = env.db.parent().unwrap();
    assert_eq!(mode(dir), 0o700, "apikey's own folder does not warn");
    for loose in [0o777, 0o1777, 0o770] {
        chmod(dir, loose);
        for args in [&["list"][..], &["topup", "web", "1"]] {
            let run = env.run(args);
            assert_one_warning(&run, dir, loose, "chmod go-w");
        }
    }
    chmod(dir, 0o755);
    env.ok(&["list"]);
}

/// A store with one pending event to a recipient, and a config file with
/// `smtp` as its `[smtp]` section.
fn pending_mail(smtp: &str) -> Env {
    let mut env = Env::new();
    env.create(&["--name", "web", "--notify", "ops@example.com"]);
    env.ok(&["topup", "web", "5"]);
    let config = env.path("config.toml");
    std::fs::write(&config, format!("[smtp]\n{smtp}")).unwrap();
    env.set("APIKEY_CONFIG", &config);
    env.set("TEST_SMTP_PASSWORD", "hunter2-secret");
    env
}

/// (status, attempts) of the outbox's only event.
fn the_event(env: &Env) -> (String, i64) {
    let events = env.json(&["notify", "outbox", "--all"]);
    assert_eq!(events.as_array().unwrap().len(), 1, "{events}");
    (
        events[0]["status"].as_str().unwrap().to_owned(),
        events[0]["attempts"].as_i64().unwrap(),
    )
}

#[test]
fn a_plain_text_smtp_login_to_another_host_is_refused_before_connecting() {
    let port = closed_port();
    for host in [
        "192.0.2.1",
        "smtp.example.com",
        "10.1.2.3",
        "::ffff:192.0.2.1",
    ] {
        // (`password_env` alone is refused for itself: it needs `user`.)
        for login in [
            "user = \"mailer\"\npassword_env = \"TEST_SMTP_PASSWORD\"\n",
            "user = \"mailer\"\n",
        ] {
            // Nothing listens there: a connection would fail (exit 1) or
            // time out, and the refusal must come first.
            let env = pending_mail(&format!(
                "host = \"{host}\"\nport = {port}\nfrom = \"apikey@example.com\"\ntls = \"none\"\ntimeout_secs = 1\n{login}"
            ));
            let run = env.run(&["notify", "send"]);
            run.assert(run.status == Some(2), host);
            run.assert(run.stdout.is_empty(), host);
            let line = run.one_line_error();
            assert!(
                line.contains(host)
                    && line.contains("tls = \"starttls\"")
                    && line.contains("\"tls\""),
                "{line}"
            );
            assert!(!line.contains("hunter2"), "{line}");
            assert_eq!(the_event(&env), ("pending".into(), 0), "not tried");
        }
    }
}

/// A loopback port where nothing listens (the kernel's pick, now closed).
fn closed_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

#[test]
fn plain_text_smtp_is_still_tried_without_a_login_or_to_this_machine() {
    let port = closed_port();
    let login = "user = \"mailer\"\npassword_env = \"TEST_SMTP_PASSWORD\"\n";
    for (host, extra) in [
        ("192.0.2.1", ""),
        ("127.0.0.1", login),
        ("127.1.2.3", login),
        ("localhost", login),
        ("::1", login),
    ] {
        let env = pending_mail(&format!(
            "host = \"{host}\"\nport = {port}\nfrom = \"apikey@example.com\"\ntls = \"none\"\ntimeout_secs = 1\n{extra}"
        ));
        // Delivery is attempted (and fails: nothing listens), not refused.
        let run = env.run(&["notify", "send"]);
        run.assert(run.status == Some(1), host);
        let line = run.one_line_error();
        assert!(line.contains("stay pending"), "{host}: {line}");
        assert_eq!(the_event(&env), ("pending".into(), 1), "{host}: tried");
    }
}
