//! Faults: processes killed with SIGKILL in the middle of writes, and store
//! files that are damaged, foreign, read-only, unreachable or too new. What
//! must hold: SQLite's integrity check passes, every balance equals its
//! ledger, no account has more than 10 active keys, and a bad store is one
//! clear line and exit 1, never a panic and never a silent reset.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::util::Env;

/// Everything a store must satisfy after any crash.
fn assert_store_sound(env: &Env) {
    let conn = env.sql();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "PRAGMA integrity_check");
    let foreign_key_faults: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(foreign_key_faults, 0, "PRAGMA foreign_key_check");
    let most_active: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(n), 0) FROM
               (SELECT COUNT(*) AS n FROM keys WHERE revoked_at IS NULL GROUP BY account_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        most_active <= 10,
        "an account has {most_active} active keys"
    );
    env.assert_ledgers_balance();
}

/// A shell loop of apikey commands in its own process group. Dropping it
/// kills the whole group, so a failing test leaves no loop behind.
struct Storm(Child);

impl Storm {
    /// Starts `sh -c script` as the leader of a new process group.
    fn start(env: &Env, script: &str) -> Storm {
        let child = env
            .shell(script)
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sh");
        Storm(child)
    }

    /// SIGKILL to every process in the group: the loop and the apikey it is
    /// running, wherever that is in its transaction.
    fn kill(&mut self) -> bool {
        // The shell's own `kill`, so the test needs no procps.
        let killed = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("kill -9 -{} 2>/dev/null", self.0.id()))
            .status()
            .is_ok_and(|s| s.success());
        let _ = self.0.wait();
        // SIGKILL is delivered, not awaited: wait until no process of the
        // group is still running (zombies, done for good, may remain until
        // init reaps them) before the store is checked.
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) && group_has_live_process(self.0.id()) {
            sleep(Duration::from_millis(5));
        }
        killed
    }
}

/// Whether any process in group `pgid` is alive and not a zombie, from
/// `/proc/PID/stat`: "pid (comm) state ppid pgrp ...".
fn group_has_live_process(pgid: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.filter_map(Result::ok).any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        let Some((_, after_comm)) = stat.rsplit_once(')') else {
            return false;
        };
        let fields: Vec<&str> = after_comm.split_whitespace().collect();
        matches!(fields.as_slice(), [state, _ppid, pgrp, ..]
            if *state != "Z" && pgrp.parse::<u32>() == Ok(pgid))
    })
}

impl Drop for Storm {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            self.kill();
        }
    }
}

/// 300 accounts of 10 keys, with settings and a notification list each:
/// an `apply` that takes a good fraction of a second in a debug build.
pub fn big_manifest(env: &Env) -> std::path::PathBuf {
    let mut text = String::new();
    for a in 0..300 {
        text.push_str(&format!("[[account]]\nname = \"acct{a}\"\n"));
        for k in 0..10 {
            text.push_str(&format!(
                "[[account.key]]\nname = \"key{k}\"\nallowed_urls = [\"https://shop{a}.example\"]\n\
                 daily_limit = 1000\nscopes = [\"lookup\"]\nnotify = [\"ops@acct{a}.example\"]\n"
            ));
        }
    }
    let path = env.path("big.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn apply_killed_at_any_moment_leaves_all_or_nothing() {
    let env = Env::new();
    env.create(&["--name", "before"]);
    let manifest = big_manifest(&env);
    let manifest = manifest.to_str().unwrap();
    let mut killed_while_running = 0;
    for delay_ms in [0, 10, 30, 60, 100, 150, 250, 400] {
        let mut child = env
            .command(["apply", manifest, "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed_while_running += 1;
        }
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();

        assert_store_sound(&env);
        let keys = env.count("keys");
        assert!(
            keys == 1 || keys == 3001,
            "after a kill at {delay_ms} ms the store holds {keys} keys: apply is one transaction"
        );
        let accounts = env.count("accounts");
        assert!(accounts == 1 || accounts == 301, "{accounts} accounts");
        if keys == 3001 {
            break;
        }
    }
    assert!(
        killed_while_running > 0,
        "no kill landed while apply was running"
    );
    // Whatever the kills left, a full run finishes the job, and the next run
    // finds nothing to do.
    env.run(&["apply", manifest, "--json"]).code(0);
    assert_eq!(env.count("keys"), 3001);
    let again = env.json(&["apply", manifest]);
    assert_eq!(again["created"].as_array().unwrap().len(), 0);
    assert_eq!(again["updated"].as_array().unwrap().len(), 0);
    assert_store_sound(&env);
}

#[test]
fn topup_storm_killed_keeps_balances_ledgers_and_audit_in_step() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    let mut storms: Vec<Storm> = (0..4)
        .map(|_| Storm::start(&env, "while :; do \"$BIN\" topup web 7 -q; done"))
        .collect();
    wait_for(
        &env,
        "SELECT COUNT(*) FROM ledger WHERE reason = 'topup'",
        20,
    );
    for storm in &mut storms {
        assert!(storm.kill(), "kill the storm's process group");
    }
    assert_store_sound(&env);
    let conn = env.sql();
    let (topups, topped): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(delta), 0) FROM ledger WHERE reason = 'topup'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let audited: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'topup'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(topped, topups * 7);
    assert_eq!(audited, topups, "each top-up is audited in its transaction");
    assert_eq!(env.show("web")["balance"], 100 + topups * 7);
}

#[test]
fn verify_storm_killed_spends_exactly_what_it_counted() {
    let mut env = Env::new();
    // One fixed UTC day, so the daily counter cannot roll over mid-storm.
    env.set("APIKEY_TEST_NOW", "2030-01-15T12:00:00Z");
    let (_, secret) = env.create(&["--name", "web"]);
    env.ok(&["topup", "web", "99900"]);
    let script = format!("while :; do \"$BIN\" verify {secret} --ip 10.0.0.1 >/dev/null; done");
    let mut storms: Vec<Storm> = (0..8).map(|_| Storm::start(&env, &script)).collect();
    wait_for(
        &env,
        "SELECT SUM(spends) FROM ledger WHERE reason = 'spend'",
        40,
    );
    for storm in &mut storms {
        assert!(storm.kill(), "kill the storm's process group");
    }
    assert_store_sound(&env);
    let conn = env.sql();
    let (balance, day_count): (i64, i64) = conn
        .query_row(
            "SELECT balance, day_count FROM keys WHERE name = 'web'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let used: i64 = conn
        .query_row("SELECT COALESCE(SUM(count), 0) FROM usage", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (day_rows, in_ledger, spends): (i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), -SUM(delta), SUM(spends) FROM ledger WHERE reason = 'spend'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let spent = 100_000 - balance;
    assert!(spent > 0, "the storm verified nothing");
    assert_eq!(used, spent, "usage rows count every spent lookup");
    assert_eq!(
        (day_rows, in_ledger, spends),
        (1, spent, spent),
        "one ledger row for the day holds every spend"
    );
    assert_eq!(
        day_count, spent,
        "the daily counter counts every spent lookup"
    );
    // And the store still serves.
    assert_eq!(env.verify(&secret, &[]).0, 0);
}

/// Waits (up to a minute) until the number `count` selects reaches `at_least`:
/// the storms are under way and committing.
fn wait_for(env: &Env, count: &str, at_least: i64) {
    let started = Instant::now();
    loop {
        let n: i64 = env
            .sql()
            .query_row(count, [], |r| r.get::<_, Option<i64>>(0))
            .ok()
            .flatten()
            .unwrap_or(0);
        if n >= at_least {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "only {n} after a minute: {count}"
        );
        sleep(Duration::from_millis(20));
    }
}

/// A store with a few keys, its WAL checkpointed into the main file; returns
/// a secret and the file's bytes.
fn filled_store(env: &Env) -> (String, Vec<u8>) {
    let (_, secret) = env.create(&["--name", "web"]);
    for name in ["a", "b", "c", "d", "e"] {
        env.create(&["--name", name, "--notify", "ops@example.com"]);
    }
    env.ok(&["topup", "web", "500"]);
    assert!(
        !env.path("store/keys.db-wal").exists(),
        "the last connection checkpoints"
    );
    (secret, std::fs::read(&env.db).unwrap())
}

/// Every command that touches the store fails with exit 1 and `message`,
/// and the file keeps the bytes it had.
fn assert_refused(env: &Env, secret: &str, message: &str) {
    let before = std::fs::read(&env.db).unwrap();
    for args in [
        &["list"][..],
        &["show", "web"],
        &["create", "--name", "new"],
        &["topup", "web", "5"],
        &["verify", secret],
        &["account", "list"],
    ] {
        let line = env.fails(args, 1);
        assert!(line.contains(message), "{args:?}: {line}");
        assert!(
            line.contains(&env.db.display().to_string()),
            "names the store: {line}"
        );
    }
    assert!(
        std::fs::read(&env.db).unwrap() == before,
        "the store file was changed"
    );
}

#[test]
fn a_truncated_store_is_reported_not_reset() {
    let env = Env::new();
    let (secret, bytes) = filled_store(&env);
    for keep in [bytes.len() / 2, 4096 + 100, 4096] {
        std::fs::write(&env.db, &bytes[..keep]).unwrap();
        assert_refused(&env, &secret, "is corrupt");
    }
}

#[test]
fn a_store_with_damaged_pages_is_reported() {
    let env = Env::new();
    let (secret, mut bytes) = filled_store(&env);
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(&env.db, &bytes).unwrap();
    assert_refused(&env, &secret, "is corrupt");
}

#[test]
fn a_file_that_is_not_sqlite_is_reported() {
    let env = Env::new();
    let (secret, _) = filled_store(&env);
    std::fs::write(&env.db, "name,key\nweb,ak_not_a_database\n".repeat(300)).unwrap();
    assert_refused(&env, &secret, "not a SQLite database");
    let noise: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&env.db, noise).unwrap();
    assert_refused(&env, &secret, "not a SQLite database");
}

#[test]
fn another_programs_sqlite_database_is_left_alone() {
    // Plain, with its own schema version and a table named like apikey's,
    // and with its own application id.
    for setup in [
        "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');",
        "CREATE TABLE keys (k TEXT); INSERT INTO keys VALUES ('mine'); PRAGMA user_version = 2;",
        "CREATE TABLE notes (body TEXT); PRAGMA application_id = 7; PRAGMA user_version = 9;",
    ] {
        let env = Env::new();
        std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
        env.sql().execute_batch(setup).unwrap();
        let secret = apikey::Secret::generate().unwrap();
        assert_refused(&env, secret.expose(), "another program");
        let conn = env.sql();
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1, "{setup}: no apikey table was added");
        let journal: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(journal, "delete", "{setup}: the journal mode was changed");
    }
}

#[test]
fn a_store_from_a_newer_apikey_is_refused_untouched() {
    let env = Env::new();
    let (secret, _) = filled_store(&env);
    env.sql().pragma_update(None, "user_version", 99).unwrap();
    assert_refused(&env, &secret, "schema version 99, newer than this apikey");
}

#[test]
fn a_store_folder_that_cannot_be_created_is_one_line() {
    let env = Env::new();
    std::fs::write(env.path("plain-file"), "").unwrap();
    let db = env.path("plain-file/sub/keys.db");
    let db = db.to_str().unwrap();
    let line = env.fails(&["--db", db, "create"], 1);
    assert!(line.contains("cannot create its folder"), "{line}");
    assert!(line.contains("not a directory"), "{line}");
    // A command that only reads creates nothing, and says why it stopped.
    let line = env.fails(&["--db", db, "list"], 1);
    assert!(
        line.contains(db) && line.contains("not a directory"),
        "{line}"
    );
}

#[test]
fn a_read_only_store_is_reported_and_left_as_it_was() {
    let env = Env::new();
    let (secret, bytes) = filled_store(&env);
    let me = std::fs::metadata(&env.db).unwrap().uid();
    let store_dir = env.db.parent().unwrap();
    let chmod = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    // Root ignores file modes, so as root the store is read-only to the user
    // the command runs as instead: nobody, who may read but not write, and
    // who runs a copy of the binary from a folder it can reach.
    let bin = if me == 0 {
        let copy = env.path("apikey");
        std::fs::copy(crate::util::BIN, &copy).unwrap();
        chmod(&copy, 0o755);
        copy
    } else {
        crate::util::BIN.into()
    };
    chmod(env.dir.path(), 0o755);
    chmod(store_dir, 0o555);
    chmod(&env.db, 0o444);
    for args in [
        &["create", "--name", "new"][..],
        &["topup", "web", "5"],
        &["list"],
        &["verify", &secret],
    ] {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args(args)
            .env_clear()
            .env("HOME", env.path("home-of-nobody"))
            .env("APIKEY_DB", &env.db)
            .stdin(Stdio::null());
        if me == 0 {
            cmd.uid(65534).gid(65534);
        }
        let out = output_retrying_busy_text(&mut cmd);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("is read-only"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    chmod(store_dir, 0o700);
    chmod(&env.db, 0o600);
    assert!(
        std::fs::read(&env.db).unwrap() == bytes,
        "the store changed"
    );
    assert_store_sound(&env);
}

/// Runs `cmd`, retrying while the kernel says the binary is still open for
/// writing: another test thread may have forked while the copy was being
/// written, and its child holds the descriptor until it execs.
fn output_retrying_busy_text(cmd: &mut std::process::Command) -> std::process::Output {
    let started = Instant::now();
    loop {
        match cmd.output() {
            Err(e)
                if e.kind() == std::io::ErrorKind::ExecutableFileBusy
                    && started.elapsed() < Duration::from_secs(10) =>
            {
                sleep(Duration::from_millis(20));
            }
            result => return result.expect("run the copied binary"),
        }
    }
}
