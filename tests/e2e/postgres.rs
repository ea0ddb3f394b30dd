//! The PostgreSQL store through the binary: what a server that cannot be
//! reached, refuses the user, drops connections or holds a newer schema
//! does to a command; passwords that never show; racing `apply` runs on
//! both backends; and `serve` answering again after its connection was
//! ended.

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::http::Server;
use crate::util::{Env, on_both_backends};

/// A loopback port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `url` with `user:password@` put in place of its user.
fn with_credentials(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}:{password}@{host}")
}

#[test]
fn an_unreachable_server_is_one_line_naming_it_without_the_password() {
    let mut env = Env::new();
    let url = format!("postgres://ann:hunter2@127.0.0.1:{}/keys", closed_port());
    env.set("APIKEY_DB", &url);
    for args in [&["list"][..], &["create"], &["store", "check"]] {
        let run = env.run(args).code(1);
        let line = run.one_line_error();
        assert!(
            line.contains("postgres://ann@127.0.0.1:") && line.contains("/keys"),
            "{line}"
        );
        assert!(line.contains("cannot connect"), "{line}");
        assert!(!line.contains("hunter2"), "{line}");
    }
}

/// A server that takes the connection and never answers (a hung host, a
/// hostile peer) fails the command once the URL's connect timeout passes.
#[test]
fn a_server_that_never_answers_fails_the_command_in_time() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let (conn, _) = silent.accept().unwrap();
        std::thread::sleep(Duration::from_secs(5));
        drop(conn);
    });
    let mut env = Env::new();
    env.set(
        "APIKEY_DB",
        format!("postgres://ann@127.0.0.1:{port}/keys?connect_timeout=1"),
    );
    let started = Instant::now();
    let line = env.run(&["list"]).code(1).one_line_error();
    assert!(started.elapsed() < Duration::from_secs(4), "{line}");
    assert!(
        line.contains("did not finish the handshake within 1 s"),
        "{line}"
    );
    held.join().unwrap();
}

#[test]
fn a_refused_user_and_a_missing_database_are_one_line_each() {
    let database = Env::postgres();
    let url = database.postgres.as_ref().unwrap().url.clone();
    let mut env = Env::new();
    env.set(
        "APIKEY_DB",
        with_credentials(&url, "nobody_here", "hunter2"),
    );
    let line = env.run(&["list"]).code(1).one_line_error();
    assert!(line.contains("refused user nobody_here"), "{line}");
    assert!(!line.contains("hunter2"), "{line}");
    let (base, _) = url.rsplit_once('/').unwrap();
    env.set("APIKEY_DB", format!("{base}/no_such_database"));
    let line = env.run(&["list"]).code(1).one_line_error();
    assert!(line.contains("database does not exist"), "{line}");
    // PGPASSWORD is read, and never shown either.
    env.set(
        "APIKEY_DB",
        with_credentials(&url, "nobody_here", "").replace(":@", "@"),
    );
    env.set("PGPASSWORD", "hunter3");
    let line = env.run(&["list"]).code(1).one_line_error();
    assert!(!line.contains("hunter3"), "{line}");
}

#[test]
fn a_password_in_the_url_never_reaches_the_output() {
    let mut env = Env::postgres();
    let url = env.postgres.as_ref().unwrap().url.clone();
    let user = url.split("://").nth(1).unwrap().split('@').next().unwrap();
    // The test server trusts loopback: any password is accepted.
    env.set("APIKEY_DB", with_credentials(&url, user, "hunter2"));
    env.create(&["--name", "web"]);
    for args in [
        &["store", "check"][..],
        &["store", "upgrade"],
        &["list"],
        &["log"],
    ] {
        let run = env.run(args).code(0);
        assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
    let check = env.ok(&["store", "check"]);
    assert!(check.contains(&format!("postgres://{user}@")), "{check}");
    let stored = env.scalar(
        "SELECT COUNT(*) FROM audit WHERE actor LIKE '%hunter2%' OR detail LIKE '%hunter2%'",
    );
    assert_eq!(stored, 0);
}

#[test]
fn a_store_from_a_newer_apikey_is_refused_and_left_alone() {
    let env = Env::postgres();
    env.create(&["--name", "web"]);
    env.postgres
        .as_ref()
        .unwrap()
        .client()
        .batch_execute("INSERT INTO migrations (version, applied_at) VALUES (999, 0)")
        .unwrap();
    for args in [&["list"][..], &["create"]] {
        let line = env.run(args).code(1).one_line_error();
        assert!(line.contains("schema version 999, newer"), "{line}");
    }
    assert_eq!(env.count("keys"), 1);
}

#[test]
fn read_only_commands_never_make_the_schema() {
    let env = Env::postgres();
    let line = env.run(&["list"]).code(1).one_line_error();
    assert!(line.contains("no apikey schema yet"), "{line}");
    let made = env.postgres.as_ref().unwrap().client().query_one(
        "SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'apikey'",
        &[],
    );
    assert_eq!(made.unwrap().get::<_, i64>(0), 0);
}

/// Sets its flag when dropped.
struct Done<'a>(&'a AtomicBool);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Connections ended by the server mid-command (`pg_terminate_backend`,
/// as an administrator or a failover would) fail those commands with one
/// line and keep nothing of them: every balance still equals its ledger,
/// and every spend answered VALID is in it.
#[test]
fn connections_ended_mid_command_keep_nothing_half_written() {
    let env = Env::postgres();
    let (id, secret) = env.create(&["--name", "web"]);
    env.ok(&["topup", &id, "100000"]);
    let database = env.postgres.as_ref().unwrap();
    let done = AtomicBool::new(false);
    let name = database.url.rsplit('/').next().unwrap().to_owned();
    let (valid, failed): (i64, i64) = std::thread::scope(|s| {
        s.spawn(|| {
            let mut admin = database.client();
            while !done.load(Ordering::Relaxed) {
                admin
                    .execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                          WHERE datname = $1 AND pid <> pg_backend_pid()
                            AND application_name = 'apikey'",
                        &[&name],
                    )
                    .unwrap();
                std::thread::sleep(Duration::from_millis(15));
            }
        });
        // Stops the terminating thread however this part ends.
        let _done = Done(&done);
        let script = "for i in $(seq 60); do out=$(printf '%s' \"$KEY\" | \"$BIN\" verify -q); echo \"$out rc=$?\"; done";
        let children: Vec<_> = (0..4)
            .map(|_| {
                env.shell(script)
                    .env("KEY", &secret)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let (mut valid, mut failed) = (0, 0);
        for child in children {
            let out = child.wait_with_output().unwrap();
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                match line.trim() {
                    "VALID rc=0" => valid += 1,
                    "rc=1" => failed += 1,
                    other => panic!("unexpected: {other}"),
                }
            }
            for line in String::from_utf8_lossy(&out.stderr).lines() {
                assert!(
                    line.starts_with("apikey: store postgres://") && !line.contains('\n'),
                    "{line}"
                );
            }
        }
        (valid, failed)
    });
    assert_eq!(valid + failed, 240);
    assert!(failed > 0, "the server ended no command's connection");
    // Every VALID answer spent; a command whose connection ended as it
    // committed may have spent too, never more than once.
    let spent = 100_100 - env.show(&id)["balance"].as_i64().unwrap();
    assert!(
        (valid..=valid + failed).contains(&spent),
        "{spent} spent, {valid} answered VALID, {failed} failed"
    );
    assert_eq!(
        env.scalar("SELECT CAST(SUM(spends) AS BIGINT) FROM ledger WHERE reason = 'spend'"),
        spent
    );
    env.assert_ledgers_balance();
    env.ok(&["store", "check"]);
}

/// `serve` on PostgreSQL: its connections ended by the server, it
/// answers again (503 meanwhile, never a wrong answer) without a restart.
#[test]
fn serve_answers_again_after_its_connections_are_ended() {
    let env = Env::postgres();
    let (id, key) = env.create(&["--name", "web"]);
    let mut server = Server::start(&env, &[]);
    assert_eq!(server.auth(&key, &[]).code(), "VALID");
    let database = env.postgres.as_ref().unwrap();
    let name = database.url.rsplit('/').next().unwrap().to_owned();
    database
        .client()
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )
        .unwrap();
    let started = Instant::now();
    let mut valid = 1;
    let mut saw_503 = false;
    loop {
        let mut conn = crate::http::Conn::open(server.addr);
        conn.send("GET", "/v1/auth", &[("X-Api-Key", &key)], "", true);
        let Some(reply) = conn.reply() else {
            panic!("no answer: {}", server.log());
        };
        match (reply.status, reply.code()) {
            (200, "VALID") => {
                valid += 1;
                break;
            }
            (503, _) => saw_503 = true,
            other => panic!("unexpected answer {other:?}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no answer after the connections were ended: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..5 {
        assert_eq!(server.auth(&key, &[]).code(), "VALID");
        valid += 1;
    }
    assert_eq!(server.stop("TERM"), 0);
    if saw_503 {
        // Said in the log, on a line of its own.
        let log = server.log();
        assert!(
            log.contains("a verification failed: store postgres://"),
            "{log}"
        );
    }
    assert_eq!(env.show(&id)["balance"], 100 - valid);
    env.assert_ledgers_balance();
}

/// `sslmode=require` talks TLS to the server (rustls), and `disable`
/// does not; both work alike. The test server has TLS on.
#[test]
fn sslmode_require_encrypts_the_connection() {
    let mut env = Env::postgres();
    let url = env.postgres.as_ref().unwrap().url.clone();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let encrypted = |env: &mut Env, mode: &str| {
        env.set("APIKEY_DB", format!("{url}?sslmode={mode}"));
        let (id, key) = env.create(&[]);
        env.ok(&["topup", &id, "5"]);
        let mut server = Server::start(env, &[]);
        assert_eq!(server.auth(&key, &[]).code(), "VALID");
        let ssl: Vec<bool> = env
            .postgres
            .as_ref()
            .unwrap()
            .client()
            .query(
                "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
                  WHERE a.datname = $1 AND a.application_name = 'apikey'",
                &[&name],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(server.stop("TERM"), 0);
        assert!(!ssl.is_empty(), "serve's connections were not found");
        ssl
    };
    assert!(encrypted(&mut env, "require").iter().all(|on| *on));
    assert!(encrypted(&mut env, "disable").iter().all(|on| !on));
    env.assert_ledgers_balance();
    // PGSSLMODE when the URL names none; a mode apikey cannot honour is
    // refused rather than taken for a weaker one.
    env.set("APIKEY_DB", &url);
    env.set("PGSSLMODE", "verify-full");
    let line = env.run(&["list"]).code(2).one_line_error();
    assert!(
        line.contains("PGSSLMODE=verify-full is not supported"),
        "{line}"
    );
    env.set("APIKEY_DB", format!("{url}?sslmode=verify-full"));
    env.run(&["list"]).code(2);
}

/// Commands that hold an account and then its key (`rename`) race
/// commands that hold the key and then write rows that refer to the
/// account (`topup`'s audit and event rows), and verifications: none waits
/// for another in a circle, so every one succeeds.
#[test]
fn holds_never_wait_in_a_circle() {
    let env = Env::postgres();
    let (id, secret) = env.create(&["--name", "web", "--notify", "ops@x.io"]);
    let scripts = [
        "for i in $(seq 15); do \"$BIN\" topup \"$KEY_ID\" 1 -q || exit 1; done".to_owned(),
        "for i in $(seq 15); do \"$BIN\" rename \"$KEY_ID\" \"a$$-$i\" -q || exit 1; done".to_owned(),
        "for i in $(seq 15); do \"$BIN\" rename \"$KEY_ID\" \"b$$-$i\" -q || exit 1; done".to_owned(),
        "for i in $(seq 30); do printf '%s' \"$KEY\" | \"$BIN\" verify -q >/dev/null || exit 1; done".to_owned(),
    ];
    let children: Vec<_> = scripts
        .iter()
        .map(|script| {
            env.shell(script)
                .env("KEY_ID", &id)
                .env("KEY", &secret)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.show(&id)["balance"], 100 + 15 - 30);
    env.assert_ledgers_balance();
}

const MANIFEST: &str = r#"
[[account]]
name = "acme"

[[account.key]]
name = "web"
daily_limit = 500

[[account.key]]
name = "ci"
"#;

on_both_backends!(racing_applies_make_each_key_once);

/// Four `apply` runs of one manifest at once, on a store where its
/// account does not exist yet: each key is made once, the account once,
/// and every run succeeds (the later ones finding nothing to do).
fn racing_applies_make_each_key_once(env: &mut Env) {
    let path = env.path("keys.toml");
    std::fs::write(&path, MANIFEST).unwrap();
    env.init_store();
    let children: Vec<_> = (0..4)
        .map(|_| {
            env.command(["apply", path.to_str().unwrap(), "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut created = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        created += v["created"].as_array().unwrap().len();
    }
    assert_eq!(created, 2);
    assert_eq!(env.count("keys"), 2);
    assert_eq!(
        env.scalar("SELECT COUNT(*) FROM accounts WHERE name = 'acme'"),
        1
    );
    env.assert_ledgers_balance();
}
