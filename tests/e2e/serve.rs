//! `apikey serve` through real HTTP on loopback: the endpoints, the
//! statuses gateways act on, exact spending under racing clients, several
//! servers and CLI processes, a clean stop under load, and hostile
//! traffic.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::http::{Conn, Server};
use crate::util::{Env, on_both_backends};

/// The store's view of a key's balance.
fn balance(env: &Env, key: &str) -> i64 {
    env.show(key)["balance"].as_i64().unwrap()
}

#[test]
fn endpoints_answer_as_the_contract_says() {
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    let server = Server::start(&env, &[]);

    let valid = server.auth(&key, &[]);
    assert_eq!(valid.status, 200, "{valid:?}");
    assert_eq!(valid.code(), "VALID");
    assert_eq!(valid.header("x-apikey-key-id"), Some(id.as_str()));
    assert_eq!(valid.header("x-apikey-account"), Some("default"));
    assert_eq!(valid.header("x-apikey-balance"), Some("99"));
    assert_eq!(valid.header("content-length"), Some("0"));
    assert!(valid.body.is_empty());

    // Any method, any path below /v1/auth; the key from Bearer or from
    // the original URI's query.
    let bearer = server.request(
        "POST",
        "/v1/auth/some/path",
        &[("Authorization", &format!("Bearer {key}"))],
        "",
    );
    assert_eq!((bearer.status, bearer.code()), (200, "VALID"));
    let query = server.get(
        "/v1/auth",
        &[("X-Original-URI", &format!("/api/data?x=1&api_key={key}"))],
    );
    assert_eq!((query.status, query.code()), (200, "VALID"));
    assert_eq!(query.header("x-apikey-balance"), Some("97"));

    let none = server.get("/v1/auth", &[]);
    assert_eq!((none.status, none.code()), (401, "MALFORMED"));
    assert_eq!(none.header("x-apikey-key-id"), None);
    let bad = server.auth("ak_not-a-key", &[]);
    assert_eq!((bad.status, bad.code()), (401, "MALFORMED"));

    // POST /v1/verify answers exactly what `apikey verify --json` does.
    for body_flags in [
        (
            format!(r#"{{"key":"{key}","dry_run":true}}"#),
            vec!["--dry-run"],
        ),
        (
            format!(r#"{{"key":"{key}","dry_run":true,"cost":500}}"#),
            vec!["--dry-run", "--cost", "500"],
        ),
        (r#"{"key":"ak_nope"}"#.to_owned(), vec![]),
    ] {
        let (body, flags) = body_flags;
        let answer = server.verify_json(&body);
        assert_eq!(answer.status, 200, "{answer:?}");
        let cli_key = serde_json::from_str::<serde_json::Value>(&body).unwrap()["key"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, cli) = env.verify(&cli_key, &flags);
        assert_eq!(answer.json(), cli, "{body}");
    }
    let spend = server.verify_json(&format!(r#"{{"key":"{key}","cost":2}}"#));
    assert_eq!(spend.json()["balance"], 95);

    // The holder's own view spends nothing.
    let view = server.get("/v1/key", &[("X-Api-Key", &key)]);
    assert_eq!(view.status, 200);
    let view = view.json();
    assert_eq!(view["available"], true);
    assert_eq!(view["code"], "VALID");
    assert_eq!(view["balance"], 95);
    assert_eq!(view["daily"]["used"], 5);
    assert_eq!(view["daily"]["limit"], serde_json::Value::Null);
    assert_eq!(view["monthly"]["used"], 5);
    assert_eq!(view["expires_at"], serde_json::Value::Null);
    assert_eq!(balance(&env, &id), 95);
    let unknown = server.get("/v1/key", &[]);
    assert_eq!((unknown.status, unknown.code()), (401, "MALFORMED"));

    let health = server.get("/healthz", &[]);
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let metrics = server.get("/metrics", &[]).body;
    // Three through /v1/auth, a dry run and a spend through /v1/verify.
    assert!(
        metrics.contains("apikey_verifications_total{code=\"VALID\"} 5\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("apikey_spends_per_commit_count "),
        "{metrics}"
    );
    assert!(metrics.contains("# TYPE apikey_verify_duration_seconds histogram"));

    // Mistakes: each a clear status, none a spend.
    assert_eq!(server.get("/v1/verify", &[]).status, 405);
    assert_eq!(server.request("DELETE", "/v1/key", &[], "").status, 405);
    assert_eq!(server.get("/admin", &[]).status, 404);
    let typo = server.verify_json(&format!(r#"{{"key":"{key}","dryrun":true}}"#));
    assert_eq!(typo.status, 400);
    assert!(typo.json()["error"].as_str().unwrap().contains("dryrun"));
    assert!(!typo.body.contains(&key[3..]), "the key is never echoed");
    assert_eq!(server.verify_json("{").status, 400);
    let cost = server.verify_json(&format!(r#"{{"key":"{key}","cost":0}}"#));
    assert_eq!(cost.status, 400);
    let big = format!(r#"{{"key":"{key}","scope":"{}"}}"#, "x".repeat(17 * 1024));
    assert_eq!(server.verify_json(&big).status, 413);
    let bad_cost = server.auth(&key, &[("X-Apikey-Cost", "many")]);
    assert_eq!(bad_cost.status, 400);
    assert_eq!(balance(&env, &id), 95);
    env.assert_ledgers_balance();
    assert!(!server.log().contains(&key[3..]), "no secret in the log");
}

#[test]
fn denials_are_401_or_403_unless_full_status_asks_for_402_and_429() {
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    env.ok(&["security", &id, "--daily-limit", "1", "--scope", "read"]);
    // A second key gets no test balance.
    let (_, poor) = env.create(&["--name", "poor"]);
    let (other, revoked) = env.create(&["--name", "gone"]);
    env.ok(&["revoke", &other, "--yes"]);
    for (flags, balance_status, limit_status) in
        [(vec![], 403, 403), (vec!["--full-status"], 402, 429)]
    {
        let server = Server::start(&env, &flags);
        let broke = server.auth(&poor, &[]);
        assert_eq!(
            (broke.status, broke.code()),
            (balance_status, "INSUFFICIENT_BALANCE")
        );
        let scope = server.auth(&key, &[("X-Apikey-Scope", "write")]);
        assert_eq!((scope.status, scope.code()), (403, "FORBIDDEN_SCOPE"));
        let gone = server.auth(&revoked, &[]);
        assert_eq!((gone.status, gone.code()), (401, "REVOKED"));
        let first = server.auth(&key, &[("X-Apikey-Scope", "read")]);
        let limited = server.auth(&key, &[("X-Apikey-Scope", "read")]);
        if flags.is_empty() {
            assert_eq!((first.status, first.code()), (200, "VALID"));
            assert!(limited.header("retry-after").is_none());
        } else {
            let seconds: u64 = limited.header("retry-after").unwrap().parse().unwrap();
            assert!((1..=86_400).contains(&seconds), "{seconds}");
        }
        assert_eq!(
            (limited.status, limited.code()),
            (limit_status, "DAILY_LIMIT")
        );
        // The holder sees why.
        let view = server.get(
            "/v1/key",
            &[("X-Api-Key", &key), ("X-Apikey-Scope", "read")],
        );
        assert_eq!(view.status, 200);
        assert_eq!(view.json()["available"], false);
        assert_eq!(view.json()["code"], "DAILY_LIMIT");
        assert_eq!(view.json()["daily"]["limit"], 1);
        let revoked_view = server.get("/v1/key", &[("X-Api-Key", &revoked)]);
        assert_eq!((revoked_view.status, revoked_view.code()), (401, "REVOKED"));
    }
    assert_eq!(balance(&env, &id), 99);
}

/// A suspended key is a 403; a full rate-limit window a 403, or with
/// `--full-status` a 429 whose `Retry-After` is the window's wait rounded
/// up to seconds, and `POST /v1/verify` carries the milliseconds.
#[test]
fn suspended_and_rate_limited_keys_are_refused_with_their_codes() {
    let env = Env::new();
    let (paused, paused_key) = env.create(&["--name", "paused"]);
    env.ok(&["suspend", &paused]);
    let (limited, key) = env.create(&["--name", "limited", "--rate-limit", "1/h"]);
    env.ok(&["topup", &limited, "10"]);
    for (flags, limit_status) in [(vec![], 403), (vec!["--full-status"], 429)] {
        let server = Server::start(&env, &flags);
        let suspended = server.auth(&paused_key, &[]);
        assert_eq!((suspended.status, suspended.code()), (403, "SUSPENDED"));
        let first = server.auth(&key, &[]);
        let limited = server.auth(&key, &[]);
        assert_eq!(
            (limited.status, limited.code()),
            (limit_status, "RATE_LIMITED")
        );
        if flags.is_empty() {
            assert_eq!((first.status, first.code()), (200, "VALID"));
            assert!(limited.header("retry-after").is_none());
        } else {
            // The first server's spend still fills the hour.
            assert_eq!(first.code(), "RATE_LIMITED");
            let seconds: u64 = limited.header("retry-after").unwrap().parse().unwrap();
            assert!((3_000..=3_600).contains(&seconds), "{seconds}");
        }
        let verdict = server
            .verify_json(&format!("{{\"key\": \"{key}\", \"dry_run\": true}}"))
            .json();
        assert_eq!(verdict["code"], "RATE_LIMITED");
        let ms = verdict["retry_after_ms"].as_u64().unwrap();
        assert!((3_000_000..=3_600_000).contains(&ms), "{ms}");
        let metrics = server.get("/metrics", &[]);
        let text = &metrics.body;
        assert!(
            !text.contains("code=\"RATE_LIMITED\"} 0"),
            "counted: {text}"
        );
        assert!(text.contains("code=\"SUSPENDED\"} 1\n"), "{text}");
    }
    assert_eq!(env.show(&paused)["balance"], 100);
    assert_eq!(env.show(&limited)["balance"], 9);
}

#[test]
fn forwarded_addresses_count_only_from_trusted_proxies() {
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    env.ok(&["security", &id, "--allow-ip", "203.0.113.7"]);
    let forwarded = [("X-Forwarded-For", "203.0.113.7")];
    let untrusted = Server::start(&env, &[]);
    let spoofed = untrusted.auth(&key, &forwarded);
    assert_eq!((spoofed.status, spoofed.code()), (403, "FORBIDDEN_IP"));
    let trusted = Server::start(&env, &["--trust-proxy", "127.0.0.0/8"]);
    let through_proxy = trusted.auth(&key, &forwarded);
    assert_eq!((through_proxy.status, through_proxy.code()), (200, "VALID"));
    let real_ip = trusted.auth(&key, &[("X-Real-IP", "203.0.113.7")]);
    assert_eq!(real_ip.status, 200);
    // A client cannot prepend its way in: the rightmost untrusted hop counts.
    let prepended = trusted.auth(&key, &[("X-Forwarded-For", "203.0.113.7, 198.51.100.1")]);
    assert_eq!(prepended.code(), "FORBIDDEN_IP");
    let usage = env.json(&["usage", &id, "--by", "ip"]);
    assert!(usage.to_string().contains("203.0.113.7"), "{usage}");
}

on_both_backends!(
    servers_and_command_line_processes_spend_one_balance_exactly,
    servers_and_command_line_processes_share_one_rate_limit_exactly,
);

/// Two servers and a CLI loop race one key whose limit is 7 per second, at
/// one pinned instant (a debug build's clock) and then a second later:
/// each second lets exactly 7 through, across them all, and only those
/// spend.
fn servers_and_command_line_processes_share_one_rate_limit_exactly(env: &mut Env) {
    let (id, key) = env.create(&["--name", "web", "--rate-limit", "7/s"]);
    for (second, at) in ["2026-12-06T12:00:00.000Z", "2026-12-06T12:00:01.000Z"]
        .into_iter()
        .enumerate()
    {
        env.set("APIKEY_TEST_NOW", at);
        let servers = [Server::start(env, &[]), Server::start(env, &[])];
        let valid = AtomicUsize::new(0);
        let mut cli = env
            .shell(r#"n=0; for i in $(seq 1 15); do "$BIN" verify "$KEY" -q >/dev/null 2>&1 && n=$((n+1)); done; echo $n"#)
            .env("KEY", &key)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::scope(|s| {
            for client in 0..6 {
                let server = &servers[client % 2];
                let (valid, key) = (&valid, &key);
                s.spawn(move || {
                    let mut conn = Conn::open(server.addr);
                    for _ in 0..15 {
                        conn.send("GET", "/v1/auth", &[("X-Api-Key", key)], "", false);
                        let reply = conn.reply().expect("an answer on a kept-alive connection");
                        match (reply.status, reply.code()) {
                            (200, "VALID") => valid.fetch_add(1, Ordering::Relaxed),
                            (403, "RATE_LIMITED") => 0,
                            other => panic!("unexpected answer {other:?}"),
                        };
                    }
                });
            }
        });
        let mut out = String::new();
        cli.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        assert!(cli.wait().unwrap().success());
        let cli_valid: usize = out.trim().parse().unwrap();
        assert_eq!(
            valid.into_inner() + cli_valid,
            7,
            "second {second}: {cli_valid} by the CLI"
        );
    }
    assert_eq!(balance(env, &id), 100 - 14);
    env.assert_ledgers_balance();
}

fn servers_and_command_line_processes_spend_one_balance_exactly(env: &mut Env) {
    let (id, key) = env.create(&["--name", "web"]);
    env.ok(&["topup", &id, "100"]);
    let servers = [Server::start(env, &[]), Server::start(env, &[])];
    let valid = AtomicUsize::new(0);
    let denied = AtomicUsize::new(0);
    // CLI processes spend from the same balance meanwhile.
    let mut cli = env
        .shell(r#"n=0; for i in $(seq 1 40); do "$BIN" verify "$KEY" -q >/dev/null 2>&1 && n=$((n+1)); done; echo $n"#)
        .env("KEY", &key)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::scope(|s| {
        for client in 0..8 {
            let server = &servers[client % 2];
            let (valid, denied, key) = (&valid, &denied, &key);
            s.spawn(move || {
                let mut conn = Conn::open(server.addr);
                for _ in 0..40 {
                    conn.send("GET", "/v1/auth", &[("X-Api-Key", key)], "", false);
                    let reply = conn.reply().expect("an answer on a kept-alive connection");
                    match (reply.status, reply.code()) {
                        (200, "VALID") => valid.fetch_add(1, Ordering::Relaxed),
                        (403, "INSUFFICIENT_BALANCE") => denied.fetch_add(1, Ordering::Relaxed),
                        other => panic!("unexpected answer {other:?}"),
                    };
                }
            });
        }
    });
    let mut out = String::new();
    cli.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(cli.wait().unwrap().success());
    let cli_valid: usize = out.trim().parse().unwrap();
    let http_valid = valid.into_inner();
    assert_eq!(
        http_valid + cli_valid,
        200,
        "{http_valid} over HTTP, {cli_valid} by the CLI"
    );
    assert_eq!(balance(env, &id), 0);
    let spent =
        env.scalar("SELECT CAST(-COALESCE(SUM(delta), 0) AS BIGINT) FROM ledger WHERE delta < 0");
    assert_eq!(spent, 200);
    env.assert_ledgers_balance();
}

/// 8 keep-alive clients spending `key` through `/v1/auth` until `stop`
/// (run once they are going) ends the server; the VALID answers received.
fn spend_until_stopped(server: &mut Server, key: &str, stop: impl FnOnce(&mut Server)) -> i64 {
    let addr = server.addr;
    let valid = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..CLIENTS {
            let valid = &valid;
            s.spawn(move || {
                let mut conn = Conn::open(addr);
                loop {
                    conn.send("GET", "/v1/auth", &[("X-Api-Key", key)], "", false);
                    match conn.reply() {
                        Some(reply) if reply.status == 200 => {
                            valid.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(reply) => panic!("unexpected answer {reply:?}"),
                        // Closed after the last answer: the stop.
                        None => break,
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(700));
        stop(server);
    });
    valid.into_inner() as i64
}

/// The clients of [`spend_until_stopped`].
const CLIENTS: i64 = 8;

#[test]
fn a_stop_under_load_answers_what_is_in_flight_and_loses_nothing() {
    for signal in ["TERM", "INT"] {
        let env = Env::new();
        let (id, key) = env.create(&["--name", "web"]);
        env.ok(&["topup", &id, "100000"]);
        let mut server = Server::start(&env, &[]);
        let answered = spend_until_stopped(&mut server, &key, |server| {
            assert_eq!(server.stop(signal), 0, "{}", server.log());
        });
        assert!(answered > 0);
        // Every VALID answered was committed, and nothing else was spent.
        assert_eq!(balance(&env, &id), 100_100 - answered, "after SIG{signal}");
        env.assert_ledgers_balance();
        let log = server.log();
        assert!(log.contains(&format!("stopping (SIG{signal})")), "{log}");
        assert!(log.contains("stopped after"), "{log}");
        assert_eq!(log.lines().count(), 3, "one line per event: {log}");
    }
}

#[test]
fn a_kill_under_load_loses_no_answered_spend() {
    // SIGKILL: no drain, no last commit. Every VALID a client received
    // was committed before it was sent; a request cut off may have been
    // spent without its answer (at most one per client).
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    env.ok(&["topup", &id, "100000"]);
    let mut server = Server::start(&env, &[]);
    let answered = spend_until_stopped(&mut server, &key, |server| {
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    });
    assert!(answered > 0);
    let spent = 100_100 - balance(&env, &id);
    assert!(
        (answered..=answered + CLIENTS).contains(&spent),
        "{spent} spent for {answered} VALID answers"
    );
    env.assert_ledgers_balance();
    env.ok(&["store", "check"]);
}

#[test]
fn hostile_traffic_gets_errors_and_spends_nothing() {
    let env = Env::new();
    let (id, key) = env.create(&["--name", "web"]);
    let server = Server::start(&env, &[]);
    let raw = |bytes: &[u8]| -> String {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(bytes);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    assert!(raw(b"NOT HTTP AT ALL\r\n\r\n").starts_with("HTTP/1.1 400"));
    assert!(raw(b"\x00\x01\x02\xff\xfe garbage").starts_with("HTTP/1.1 400"));
    let huge_header = format!(
        "GET /v1/auth HTTP/1.1\r\nX-Api-Key: {key}\r\nX-Junk: {}\r\n\r\n",
        "a".repeat(20 * 1024)
    );
    assert!(raw(huge_header.as_bytes()).starts_with("HTTP/1.1 431"));
    let lying_length = format!(
        "POST /v1/verify HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n{{\"key\":\"{key}\"}}"
    );
    assert!(raw(lying_length.as_bytes()).starts_with("HTTP/1.1 413"));
    let chunked_flood = format!(
        "POST /v1/verify HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5000\r\n{}\r\n0\r\n\r\n",
        "x".repeat(0x5000)
    );
    assert!(raw(chunked_flood.as_bytes()).starts_with("HTTP/1.1 413"));
    // Connections that never finish their headers hold no one else up.
    let stalled: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr).unwrap();
            s.write_all(b"GET /v1/auth HTTP/1.1\r\nX-Api-Key: ak_")
                .unwrap();
            s
        })
        .collect();
    // Clients that vanish mid-request.
    for _ in 0..50 {
        let mut s = TcpStream::connect(server.addr).unwrap();
        let _ = s.write_all(b"POST /v1/verify HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"key\":");
    }
    assert_eq!(server.get("/healthz", &[]).status, 200);
    drop(stalled);
    assert_eq!(balance(&env, &id), 100, "nothing was spent");
    assert_eq!(server.auth(&key, &[]).status, 200, "still serving");
}

#[test]
fn past_the_connection_cap_clients_wait_instead_of_failing() {
    let env = Env::new();
    let (_, key) = env.create(&["--name", "web"]);
    let server = Server::start(&env, &["--max-connections", "2"]);
    let first = Conn::open(server.addr);
    let _second = Conn::open(server.addr);
    std::thread::sleep(Duration::from_millis(200));
    let mut third = Conn::open(server.addr);
    third
        .stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    third.send("GET", "/v1/auth", &[("X-Api-Key", &key)], "", false);
    assert!(third.reply().is_none(), "not accepted while two are open");
    drop(first);
    third
        .stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let reply = third.reply().expect("accepted once a connection closed");
    assert_eq!(reply.status, 200);
}

#[test]
fn a_named_account_scopes_every_request() {
    let env = Env::new();
    env.ok(&["account", "create", "acme"]);
    let (_, theirs) = env.create(&["-a", "acme", "--name", "web"]);
    let (_, ours) = env.create(&["--name", "web"]);
    let server = Server::start(&env, &["-a", "default"]);
    assert_eq!(server.auth(&ours, &[]).status, 200);
    let other = server.auth(&theirs, &[]);
    assert_eq!((other.status, other.code()), (401, "NOT_FOUND"));
    assert!(server.log().contains("account default"), "{}", server.log());
}

#[test]
fn a_server_that_cannot_start_says_why_in_one_line() {
    let env = Env::new();
    let missing = env.fails(&["serve", "--listen", "127.0.0.1:0"], 1);
    assert!(missing.contains("no store"), "{missing}");
    env.create(&["--name", "web"]);
    let listen = env.fails(&["serve", "--listen", "localhost"], 2);
    assert!(
        listen.starts_with("apikey: invalid --listen 'localhost'"),
        "{listen}"
    );
    let proxy = env.fails(&["serve", "--trust-proxy", "lb.internal"], 2);
    assert!(
        proxy.contains("invalid --trust-proxy 'lb.internal'"),
        "{proxy}"
    );
    let cap = env.fails(&["serve", "--max-connections", "0"], 2);
    assert!(cap.contains("invalid max connections '0'"), "{cap}");
    let nobody = env.fails(&["-a", "nobody", "serve", "--listen", "127.0.0.1:0"], 4);
    assert!(nobody.contains("account 'nobody' not found"), "{nobody}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let busy = env.fails(&["serve", "--listen", &port], 1);
    assert!(
        busy.starts_with(&format!("apikey: cannot listen on {port}: ")),
        "{busy}"
    );
    let mut from_env = env.command(["serve"]);
    from_env.env("APIKEY_LISTEN", "nowhere");
    let out = from_env.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid APIKEY_LISTEN 'nowhere'"));
}
