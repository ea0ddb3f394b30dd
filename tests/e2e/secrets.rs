//! Secrets never reach the store file, in any of its parts.

use sha2::Digest as _;

use crate::util::{Env, contains, read_or_empty};

fn store_bytes(env: &Env) -> Vec<u8> {
    let mut all = read_or_empty(&env.db);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut path = env.db.clone().into_os_string();
        path.push(suffix);
        all.extend(read_or_empty(std::path::Path::new(&path)));
    }
    all
}

#[test]
fn no_secret_is_in_the_store_file_after_create_and_regenerate() {
    let env = Env::new();
    let mut secrets = Vec::new();
    for name in ["a", "b", "c"] {
        secrets.push(env.create(&["--name", name]).1);
    }
    for name in ["a", "b"] {
        let v = env.json(&["regenerate", name, "--grace", "1d"]);
        secrets.push(v["key"].as_str().unwrap().to_owned());
    }
    let bytes = store_bytes(&env);
    assert!(bytes.len() > 4096, "read the store");
    for secret in &secrets {
        // Neither the whole secret nor its random body, in any encoding a
        // careless implementation might use.
        assert!(!contains(&bytes, secret.as_bytes()), "secret in store");
        assert!(
            !contains(&bytes, &secret.as_bytes()[3..25]),
            "secret body in store"
        );
        let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(!contains(&bytes, &utf16));
    }
    // The digest is there: that is how keys are found.
    let digest = sha2::Sha256::digest(secrets[2].as_bytes());
    assert!(contains(&bytes, &digest));
}

/// Everything a person or a log collector could see from these commands.
fn everything_shown(env: &Env, secret: &str, typo: &str) -> String {
    let mut seen = String::new();
    let runs = [
        env.run(&["list", "--all"]),
        env.run(&["list", "--all", "--json"]),
        env.run(&["show", secret]),
        env.run(&["show", secret, "--json"]),
        env.run(&["log"]),
        env.run(&["log", "--json"]),
        env.run(&["notify", "outbox", "--all", "--json"]),
        env.run(&["verify", secret, "--json"]),
        env.run(&["verify", secret]),
        // Errors that name the key the user typed.
        env.run(&["show", typo]),
        env.run(&["topup", secret, "lots"]),
        env.run(&["topup", typo, "5"]),
        env.run(&["revoke", secret]),
        env.run(&["security", secret, "--allow-ip", "10.0.0.0/33"]),
        env.run(&["--account", "nobody", "show", secret]),
        env.run(&["create", "--name", secret]),
        env.run(&["verify", secret, "--cost", "0"]),
    ];
    for run in runs {
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
    }
    for args in [&["--help"][..], &["create", "--help"]] {
        seen.push_str(&env.ok(args));
    }
    // verify's help exits 2 (a verifier exits 0 only for a valid key).
    seen.push_str(&env.run(&["verify", "--help"]).code(2).stdout);
    seen
}

#[test]
fn secrets_never_reach_output_the_audit_log_errors_or_help() {
    let mut env = Env::new();
    let (_, old) = env.create(&["--name", "web", "--notify", "ops@example.com"]);
    let new = env.json(&["regenerate", "web", "--grace", "1d"])["key"]
        .as_str()
        .unwrap()
        .to_owned();
    // Environment values are not echoed by --help either.
    env.set("APIKEY_ACCOUNT", "default");
    for secret in [&old, &new] {
        let mut typo = secret.clone().into_bytes();
        typo[10] = if typo[10] == b'x' { b'y' } else { b'x' };
        let typo = String::from_utf8(typo).unwrap();
        let seen = everything_shown(&env, secret, &typo);
        for (what, text) in [("secret", secret.as_str()), ("typo", typo.as_str())] {
            assert!(!seen.contains(text), "the {what} was shown:\n{seen}");
            assert!(
                !seen.contains(&text[3..20]),
                "part of the {what} was shown:\n{seen}"
            );
        }
        if secret == &new {
            let hint = &secret[secret.len() - 4..];
            assert!(seen.contains(hint), "the hint is shown");
        }
    }
}

#[test]
fn a_panic_prints_one_line_without_its_message() {
    let mut env = Env::new();
    let secret = apikey::Secret::generate().unwrap();
    env.set("APIKEY_TEST_PANIC", secret.expose());
    let run = env.run(&["list"]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let line = run.one_line_error();
    assert!(line.contains("internal error"), "{line}");
    assert!(!line.contains(&secret.expose()[3..]), "{line}");
}

/// The modes (with the set-id and sticky bits) of the store, its -wal and
/// its -shm file, caught while a long `apply` runs under `umask`, with the
/// env it ran in. The files exist only while a write is under way, and a
/// busy machine may let one finish unseen, so this tries a few times.
pub fn store_modes_during_apply(umask: &str) -> (Env, Vec<u32>) {
    use std::os::unix::fs::PermissionsExt;
    for _attempt in 0..5 {
        let env = Env::new();
        let manifest = crate::faults::big_manifest(&env);
        let mut child = env
            .shell(&format!("umask {umask}; exec \"$BIN\" apply \"$1\""))
            .arg("sh")
            .arg(&manifest)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let files = ["", "-wal", "-shm"].map(|suffix| {
            let mut path = env.db.clone().into_os_string();
            path.push(suffix);
            std::path::PathBuf::from(path)
        });
        let mut modes = Vec::new();
        while child.try_wait().unwrap().is_none() {
            modes = files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.permissions().mode() & 0o7777)
                .collect();
            if modes.len() == files.len() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        child.kill().ok();
        child.wait().unwrap();
        if modes.len() == files.len() {
            return (env, modes);
        }
    }
    panic!("never saw the WAL and SHM files while apply ran");
}

#[test]
fn the_store_and_its_wal_and_shm_files_are_private() {
    // umask 022 would give 0644 to files created with the default mode.
    let (_, modes) = store_modes_during_apply("022");
    assert_eq!(modes, [0o600; 3], "store, WAL and SHM modes");
}

#[test]
fn a_secret_pasted_in_the_wrong_place_is_cut_short_in_errors() {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    let body = &secret[3..];
    for args in [
        vec!["verify", &secret, &secret],
        vec!["create", &secret],
        vec!["list", &secret],
        vec!["verify", "--cost", &secret],
        vec!["topup", "web", &secret],
        vec!["usage", "web", "--days", &secret],
        vec!["security", "web", "--daily-limit", &secret],
        vec!["notify", "threshold", "web", &secret],
        vec!["--color", &secret, "list"],
    ] {
        let run = env.run(&args);
        run.assert(run.status == Some(2), "bad input");
        run.assert(
            !run.stderr.contains(&body[4..]),
            "the secret is not in the message",
        );
        run.assert(
            run.stderr.contains("ak_"),
            "but its start is, to recognise it",
        );
    }
}

/// The owner of `/proc/PID/environ`: the process's own user while it may be
/// dumped or traced, root once it has made itself not dumpable.
fn proc_owner(pid: u32) -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(format!("/proc/{pid}/environ"))
        .unwrap()
        .uid()
}

/// Runs `program args` as an unprivileged user (root reads any process's
/// memory whatever it says, so the check needs a process that is not
/// root's), waiting on a stdin the test holds open, and returns the owner
/// of its /proc files once it runs `program` and `settled` holds (or ten
/// seconds have passed: a wait for an event, not a timing).
fn owner_while_waiting(
    env: &Env,
    program: &str,
    args: &[&str],
    settled: impl Fn(u32) -> bool,
) -> u32 {
    use std::process::Stdio;
    let mut cmd = if own_uid() == 0 {
        crate::tools::require("setpriv");
        let mut c = env.scrubbed("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", program]);
        c
    } else {
        env.scrubbed(program)
    };
    // A HOME that does not exist, in a folder the unprivileged user may
    // look into: no config is found, and the program goes on to wait.
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        home.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o711),
    )
    .unwrap();
    let mut child = cmd
        .args(args)
        .env("HOME", home.path().join("nobody"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let wanted = std::fs::canonicalize(program).unwrap();
    let mut owner = None;
    for _ in 0..1000 {
        // setpriv execs into the program under the same pid.
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
        if exe.as_deref() == Some(wanted.as_path()) {
            let now = proc_owner(pid);
            owner = Some(now);
            if settled(now) {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(child.stdin.take());
    let done = child.wait_with_output().unwrap();
    owner.unwrap_or_else(|| {
        panic!(
            "{program} never ran ({}): {}",
            done.status,
            String::from_utf8_lossy(&done.stderr)
        )
    })
}

fn own_uid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").unwrap().uid()
}

#[test]
fn a_process_that_may_hold_a_secret_is_not_dumpable() {
    let env = Env::new();
    // A copy the unprivileged user can run wherever the checkout is (a
    // build under /root is out of its reach).
    let reachable = tempfile::tempdir().unwrap();
    let mode = |m| std::os::unix::fs::PermissionsExt::from_mode(m);
    std::fs::set_permissions(reachable.path(), mode(0o755)).unwrap();
    let bin = reachable.path().join("apikey");
    std::fs::copy(crate::util::BIN, &bin).unwrap();
    std::fs::set_permissions(&bin, mode(0o755)).unwrap();
    // apikey waiting for a key on stdin: its /proc files are root's, so no
    // other process of its user can read its memory or attach to it.
    let owner = owner_while_waiting(&env, bin.to_str().unwrap(), &["verify", "-"], |o| o == 0);
    assert_eq!(owner, 0, "apikey's memory is readable by its own user");
    // The same check on a program that does nothing of the kind sees its
    // user, so the check above can fail.
    let cat = std::fs::canonicalize("/bin/cat").unwrap();
    let owner = owner_while_waiting(&env, cat.to_str().unwrap(), &[], |o| o != 0);
    assert_ne!(owner, 0, "the control process should be dumpable");
}
