//! The store path is a plain file path, never a SQLite URI or special name
//! (issue 19).

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
