//! Completion scripts loaded into real shells: bash, zsh and fish.

use std::path::Path;
use std::process::Command;

use crate::util::Env;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn shell(program: &str, script: &str, env: &Env) -> (String, String) {
    crate::tools::require(program);
    let mut cmd = Command::new(program);
    match program {
        "bash" => cmd.args(["--noprofile", "--norc", "-c", script]),
        "fish" => cmd.args(["--no-config", "-c", script]),
        _ => cmd.args(["-f", "-c", script]),
    };
    cmd.env("APIKEY_DB", &env.db)
        .env("HOME", env.dir.path())
        .env("BIN", crate::util::BIN)
        .env("ROOT", ROOT)
        .env_remove("APIKEY_ACCOUNT")
        .env_remove("APIKEY_CONFIG")
        .current_dir(ROOT);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{program} failed:\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// What bash's dynamic completion offers for the line `words` (as bash
/// splits it) with the cursor on word `cword`, sorted.
fn bash_dynamic(env: &Env, words: &str, cword: usize) -> String {
    let script = format!(
        r#"source <("$BIN" completions bash --dynamic)
COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE="{words}"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9
_clap_complete_apikey apikey "${{COMP_WORDS[$COMP_CWORD]}}" "${{COMP_WORDS[$COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}" | sort"#
    );
    shell("bash", &script, env).0
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn bash_completes_cre_to_create() {
    let env = Env::new();
    let (out, err) = shell(
        "bash",
        r#"source completions/apikey.bash
COMP_WORDS=(apikey cre); COMP_CWORD=1; COMP_LINE="apikey cre"; COMP_POINT=${#COMP_LINE}
_apikey apikey cre apikey
printf '%s\n' "${COMPREPLY[@]}""#,
        &env,
    );
    assert_eq!(lines(&out), ["create"], "{err}");
    let (out, _) = shell(
        "bash",
        r#"source completions/apikey.bash
COMP_WORDS=(apikey notify ""); COMP_CWORD=2; COMP_LINE="apikey notify "; COMP_POINT=${#COMP_LINE}
_apikey apikey "" notify
printf '%s\n' "${COMPREPLY[@]}""#,
        &env,
    );
    for sub in ["add", "remove", "list", "threshold", "outbox", "send"] {
        assert!(lines(&out).contains(&sub), "{sub} in {out}");
    }
}

#[test]
fn bash_completes_key_and_account_names_from_the_store() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    env.create(&["--name", "worker"]);
    env.create(&["--name", "api"]);
    env.ok(&["account", "create", "acme"]);
    let (out, err) = shell(
        "bash",
        r#"source <("$BIN" completions bash --dynamic)
COMP_WORDS=(apikey show w); COMP_CWORD=2; COMP_LINE="apikey show w"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
_clap_complete_apikey apikey w show
printf '%s\n' "${COMPREPLY[@]}" | sort"#,
        &env,
    );
    assert_eq!(lines(&out), ["web", "worker"], "{err}");
    let (out, _) = shell(
        "bash",
        r#"source <("$BIN" completions bash --dynamic)
COMP_WORDS=(apikey --account a); COMP_CWORD=2; COMP_LINE="apikey --account a"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
_clap_complete_apikey apikey a --account
printf '%s\n' "${COMPREPLY[@]}""#,
        &env,
    );
    assert_eq!(lines(&out), ["acme"]);
    let (out, _) = shell(
        "bash",
        r#"source <("$BIN" completions bash --dynamic)
COMP_WORDS=(apikey reg); COMP_CWORD=1; COMP_LINE="apikey reg"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
_clap_complete_apikey apikey reg apikey
printf '%s\n' "${COMPREPLY[@]}""#,
        &env,
    );
    assert_eq!(lines(&out), ["regenerate"]);
}

#[test]
fn completion_never_creates_a_store() {
    let env = Env::new();
    let out = bash_dynamic(&env, "apikey show ''", 2);
    assert!(out.trim().is_empty() || !out.contains("web"), "{out}");
    assert!(!env.db.exists(), "completion created the store");
}

#[test]
fn fish_loads_both_scripts_and_completes() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    let (out, err) = shell(
        "fish",
        "source completions/apikey.fish; complete -C'apikey cre'",
        &env,
    );
    assert!(out.lines().any(|l| l.starts_with("create\t")), "{out}{err}");
    let (out, err) = shell(
        "fish",
        "$BIN completions fish --dynamic | source; complete -C'apikey show w'",
        &env,
    );
    assert!(out.lines().any(|l| l.starts_with("web")), "{out}{err}");
}

#[test]
fn zsh_accepts_both_scripts() {
    let env = Env::new();
    let script = Path::new(ROOT).join("completions/_apikey");
    let (_, err) = shell("zsh", &format!("zsh -n {}", script.display()), &env);
    assert!(err.is_empty(), "{err}");
    let (out, err) = shell(
        "zsh",
        "autoload -U compinit && compinit -u -d $HOME/.zcompdump && source completions/_apikey && print -r -- ${+functions[_apikey]}",
        &env,
    );
    assert_eq!(out.trim(), "1", "{err}");
    let (_, err) = shell(
        "zsh",
        "$BIN completions zsh --dynamic > $HOME/dyn.zsh && zsh -n $HOME/dyn.zsh && autoload -U compinit && compinit -u -d $HOME/.zcompdump && source $HOME/dyn.zsh",
        &env,
    );
    assert!(err.is_empty(), "{err}");
}

#[test]
fn only_apikeys_own_variable_asks_for_completions() {
    let mut env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    let (_, other) = Env::new().create(&[]);
    let manifest = env.path("keys.toml");
    std::fs::write(&manifest, "[[account]]\nname = \"acme\"\n").unwrap();
    let file = manifest.to_str().unwrap().to_owned();
    // Another tool's COMPLETE changes nothing: verify still answers.
    env.set("COMPLETE", "bash");
    let (code, verdict) = env.verify(&other, &[]);
    assert_eq!((code, verdict["code"].as_str()), (11, Some("NOT_FOUND")));
    let applied = env.json(&["apply", &file]);
    assert_eq!(applied["created_accounts"], serde_json::json!(["acme"]));
    env.unset("COMPLETE");
    // Even apikey's own variable only acts on a shell's request (`-- WORDS`).
    env.set("_APIKEY_COMPLETE", "bash");
    assert_eq!(env.verify(&other, &[]).0, 11);
    assert_eq!(env.verify(&secret, &[]).0, 0);
    let run = env.run(&["verify", "ak_nope"]);
    assert_eq!(run.status, Some(10), "{}", run.stdout);
    env.set("_APIKEY_COMPLETE", "fish");
    let run = env.run(&["--", "apikey", "sh"]);
    assert_eq!(run.status, Some(0));
    assert!(run.stdout.starts_with("show\t"), "{}", run.stdout);
}

#[test]
fn completion_follows_the_line_and_quotes_names_in_bash() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    env.ok(&["account", "create", "acme"]);
    env.create(&["-a", "acme", "--name", "batch job"]);
    env.create(&["-a", "acme", "--name", "billing"]);
    let other = env.path("other.db");
    let other_db = other.to_str().unwrap();
    env.ok(&["--db", other_db, "create", "--name", "elsewhere"]);
    let complete = |words: &str, cword: usize| bash_dynamic(&env, words, cword);
    assert_eq!(
        lines(&complete("apikey -a acme show b", 4)),
        ["batch\\ job", "billing"]
    );
    assert_eq!(
        lines(&complete("apikey --account=acme show ba", 3)),
        ["batch\\ job"]
    );
    assert_eq!(
        lines(&complete("apikey show b -a acme", 2)),
        ["batch\\ job", "billing"]
    );
    assert_eq!(
        lines(&complete(&format!("apikey --db {other_db} show e"), 4)),
        ["elsewhere"]
    );
    assert_eq!(lines(&complete("apikey show w", 2)), ["web"]);
    // The escaped name is one word to bash, and names the key.
    let (out, err) = shell("bash", r#""$BIN" -a acme show --json batch\ job"#, &env);
    assert!(out.contains("\"batch job\""), "{out}{err}");
}

#[test]
fn completion_never_changes_an_older_store() {
    let env = Env::new();
    let fixture = Path::new(ROOT).join("tests/fixtures/schema-v1/keys.db");
    std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
    std::fs::copy(fixture, &env.db).unwrap();
    let before = std::fs::read(&env.db).unwrap();
    let out = bash_dynamic(&env, "apikey show ''", 2);
    assert!(!out.contains("web"), "{out}");
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        before,
        "completion migrated the store"
    );
    let files: Vec<_> = std::fs::read_dir(env.db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, ["keys.db"], "no -wal or -shm left behind");
}
