//! `completions/` and `man/` are generated from the clap tree and checked
//! in. These tests fail when they are stale; to regenerate them run
//!
//!     APIKEY_BLESS=1 cargo test --test e2e assets
//!
//! and commit the result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use apikey::cli_seam;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every generated file, by path relative to the repository.
fn generated() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for (shell, name) in [
        ("bash", "apikey.bash"),
        ("zsh", "_apikey"),
        ("fish", "apikey.fish"),
        ("powershell", "_apikey.ps1"),
        ("elvish", "apikey.elv"),
    ] {
        let script = cli_seam::completion_script(shell).expect("a shell apikey knows");
        files.insert(Path::new("completions").join(name), script.into_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(cli_seam::command(), dir.path()).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        files.insert(
            Path::new("man").join(entry.file_name()),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    files
}

fn checked_in() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(Path::new(ROOT).join(dir)) else {
            continue;
        };
        for entry in entries {
            let entry = entry.unwrap();
            files.insert(
                Path::new(dir).join(entry.file_name()),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    files
}

#[test]
fn assets_match_the_clap_tree() {
    let want = generated();
    if std::env::var_os("APIKEY_BLESS").is_some() {
        for dir in ["completions", "man"] {
            let _ = std::fs::remove_dir_all(Path::new(ROOT).join(dir));
            std::fs::create_dir_all(Path::new(ROOT).join(dir)).unwrap();
        }
        for (path, bytes) in &want {
            std::fs::write(Path::new(ROOT).join(path), bytes).unwrap();
        }
        return;
    }
    let have = checked_in();
    let stale: Vec<String> = want
        .keys()
        .chain(have.keys())
        .filter(|p| want.get(*p) != have.get(*p))
        .map(|p| p.display().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        stale.is_empty(),
        "completions/ or man/ differ from the clap tree: {stale:?}\n\
         regenerate with `APIKEY_BLESS=1 cargo test --test e2e assets` and commit the result"
    );
    assert!(want.contains_key(Path::new("man/apikey.1")));
    assert!(want.contains_key(Path::new("man/apikey-create.1")));
    assert!(want.contains_key(Path::new("man/apikey-notify-add.1")));
}

#[test]
fn the_completions_command_prints_the_checked_in_scripts() {
    let env = crate::util::Env::new();
    let printed = env.ok(&["completions", "bash"]);
    let file = std::fs::read_to_string(Path::new(ROOT).join("completions/apikey.bash")).unwrap();
    assert_eq!(printed, file);
    let v = env.json(&["completions", "fish"]);
    assert_eq!(v["shell"], "fish");
    assert!(v["script"].as_str().unwrap().contains("complete -c apikey"));
}

#[test]
fn man_pages_render_without_warnings() {
    let dir = Path::new(ROOT).join("man");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.len() > 20, "a page per subcommand: {pages:?}");
    crate::tools::require("groff");
    crate::tools::require("man");
    for page in &pages {
        let out = Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(page)
            .output()
            .expect("run groff");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new("man")
        .args(["-P", "cat", "-l"])
        .arg(dir.join("apikey.1"))
        .env("MANWIDTH", "80")
        .output()
        .expect("run man");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("apikey") && text.contains("--account"),
        "{text}"
    );
}
