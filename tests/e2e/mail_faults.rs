//! `notify send` against SMTP servers that misbehave on purpose
//! (`tests/smtp_misbehaving.py`): slow, hanging, trickling, refusing one
//! recipient, dropping the connection, echoing a login; and against
//! senders that race, die, or cannot record what they sent. Every mail is
//! counted at the server.

use std::collections::BTreeMap;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::notify::with_config;
use crate::smtp::SmtpServer;
use crate::util::Env;

fn config(server: &SmtpServer, extra: &str) -> String {
    format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nfrom = \"apikey@example.com\"\ntls = \"none\"\n{extra}",
        server.port
    )
}

/// A key on `emails` with `n` events (top-ups) waiting.
fn events(env: &Env, emails: &[&str], n: usize) {
    let mut args = vec!["--name", "web"];
    for e in emails {
        args.extend(["--notify", e]);
    }
    env.create(&args);
    for _ in 0..n {
        env.ok(&["topup", "web", "1"]);
    }
}

/// How often the server confirmed each event's Message-ID.
fn deliveries(server: &SmtpServer) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for m in server.messages() {
        if m["answered"] == true {
            *seen
                .entry(m["message_id"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    seen
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < give_up, "waited a minute for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `notify send` in the background, its stderr kept for the asserts.
fn start_sender(env: &Env) -> Child {
    env.command(["notify", "send"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Asserts a finished `notify send` exited 0, showing its stderr if not.
fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn outbox(env: &Env) -> Vec<Value> {
    env.json(&["notify", "outbox", "--all"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_second_sender_never_mails_what_the_first_is_sending_whatever_the_clock_says() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--delay", "0.1"]);
    with_config(&mut env, &config(&server, "timeout_secs = 10\n"));
    events(&env, &["a@x.io"], 6);
    let first = start_sender(&env);
    wait_for("the first mail", || !server.messages().is_empty());
    // Eleven minutes later by the second sender's clock: every lease the
    // first one took has run out, but the first one still runs.
    let second = env
        .command(["notify", "send"])
        .env("APIKEY_TEST_NOW", time_in(660))
        .output()
        .unwrap();
    succeeded(&first.wait_with_output().unwrap());
    succeeded(&second);
    let seen = deliveries(&server);
    assert_eq!(seen.len(), 6, "every event delivered: {seen:?}");
    assert!(seen.values().all(|&n| n == 1), "none twice: {seen:?}");
    assert!(outbox(&env).iter().all(|e| e["status"] == "sent"));
}

/// RFC 3339 for now plus `secs`.
fn time_in(secs: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + secs;
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{now}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_killed_sender_s_claim_is_taken_over_at_once() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--hang-at-mail", "3"]);
    with_config(&mut env, &config(&server, "timeout_secs = 60\n"));
    events(&env, &["a@x.io"], 5);
    let mut first = start_sender(&env);
    wait_for("the server to hang", || {
        server.events().iter().any(|e| e["hung"] == 3)
    });
    // The outbox says who holds the event, and until when at the latest.
    let held: Vec<Value> = outbox(&env)
        .into_iter()
        .filter(|e| !e["claimed_by"].is_null())
        .collect();
    assert_eq!(held.len(), 1, "one event at a time is claimed");
    assert_eq!(held[0]["id"], 3);
    assert_eq!(held[0]["claimed_by"]["pid"], first.id());
    assert!(held[0]["claimed_by"]["until"].is_string());
    first.kill().unwrap();
    first.wait().unwrap();

    let run = env.run(&["notify", "send"]).code(0);
    assert_eq!(run.stdout, "Sent 3 notifications.\n");
    let seen = deliveries(&server);
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    assert!(
        outbox(&env)
            .iter()
            .all(|e| e["status"] == "sent" && e["claimed_by"].is_null())
    );
}

#[test]
fn a_delivery_the_store_cannot_record_is_named_and_holds_nothing_else_back() {
    let mut env = Env::new();
    let db = env.db.display().to_string();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--lock-db", &db, "--lock-secs", "5"]);
    with_config(
        &mut env,
        &format!(
            "busy_timeout_ms = 200\n{}",
            config(&server, "timeout_secs = 10\n")
        ),
    );
    events(&env, &["a@x.io"], 3);
    let run = env.run(&["notify", "send"]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let err = run.one_line_error();
    assert!(
        err.contains("event 1 was delivered to a@x.io but could not be recorded")
            && err.contains("apikey notify discard 1")
            && err.contains("2 events not tried"),
        "{err}"
    );
    // Once the store is free: the delivered event is discarded by the
    // admin, and the rest go out at once, claimed by nobody.
    wait_for("the store to be free", || {
        env.run(&["notify", "discard", "1"]).status == Some(0)
    });
    let pending: Vec<Value> = env.json(&["notify", "outbox"]).as_array().unwrap().clone();
    assert_eq!(pending.len(), 2);
    assert!(
        pending
            .iter()
            .all(|e| e["claimed_by"].is_null() && e["attempts"] == 0)
    );
    env.run(&["notify", "send"]).code(0);
    let seen = deliveries(&server);
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    let log = env.ok(&["log", "web"]);
    assert!(log.contains("notify_discard"), "{log}");
}

#[test]
fn one_refused_recipient_fails_alone_and_the_others_get_the_mail_once() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--reject", "bad@x.io"]);
    with_config(&mut env, &config(&server, "timeout_secs = 10\n"));
    events(&env, &["a@x.io", "bad@x.io", "c@x.io"], 1);
    let run = env.run(&["notify", "send"]);
    assert_eq!(run.status, Some(1));
    assert_eq!(
        run.stdout,
        "Sent 0 notifications; 1 not delivered to everyone.\n"
    );
    let err = run.one_line_error();
    assert!(
        err.contains("1 of 1 notifications failed, a recipient refused for good")
            && err.contains("bad@x.io: 550")
            && err.contains("notify retry"),
        "{err}"
    );
    let mail = server.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0]["to"], serde_json::json!(["a@x.io", "c@x.io"]));
    let event = &outbox(&env)[0];
    assert_eq!(event["status"], "failed");
    let statuses: Vec<&str> = event["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["sent", "failed", "sent"]);
    assert!(
        event["deliveries"][1]["error"]
            .as_str()
            .unwrap()
            .starts_with("550")
    );
    // Failed is final: the next run has nothing to do, and the outbox
    // keeps showing the event until an admin retries or discards it.
    assert_eq!(env.ok(&["notify", "send"]), "Nothing to send.\n");
    assert_eq!(env.json(&["notify", "outbox"])[0]["status"], "failed");
    // A retry asks for the refused address only; the others never get it twice.
    assert_eq!(
        env.ok(&["notify", "retry", "1"]),
        "Event 1 is pending again: `apikey notify send` delivers it to bad@x.io.\n"
    );
    env.run(&["notify", "send"]).code(1);
    assert_eq!(server.messages().len(), 1);
    assert_eq!(outbox(&env)[0]["attempts"], 2);
    let err = env.fails(&["notify", "retry", "7"], 4);
    assert!(err.contains("event 7 not found"), "{err}");
    env.ok(&["notify", "discard", "1"]);
    assert_eq!(outbox(&env)[0]["status"], "discarded");
    assert_eq!(env.json(&["notify", "outbox"]), serde_json::json!([]));
    let err = env.fails(&["notify", "retry", "1"], 3);
    assert!(err.contains("discarded, which is final"), "{err}");
    let err = env.fails(&["notify", "discard", "1"], 3);
    assert!(err.contains("is discarded"), "{err}");
    let log = env.ok(&["log", "web"]);
    assert!(
        log.contains("notify_retry") && log.contains("notify_discard"),
        "{log}"
    );
}

#[test]
fn temporary_refusals_end_in_failed_after_five_tries() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--tempfail", "slow@x.io"]);
    with_config(&mut env, &config(&server, "timeout_secs = 10\n"));
    events(&env, &["a@x.io", "slow@x.io"], 1);
    for attempt in 1..=5 {
        env.run(&["notify", "send"]).code(1);
        let event = &outbox(&env)[0];
        let expected = if attempt < 5 { "pending" } else { "failed" };
        assert_eq!(event["status"], expected, "attempt {attempt}: {event}");
        assert_eq!(event["deliveries"][1]["refusals"], attempt);
    }
    assert_eq!(server.messages().len(), 1, "a@x.io got it once");
    assert_eq!(env.ok(&["notify", "send"]), "Nothing to send.\n");
}

#[test]
fn a_server_that_echoes_the_login_never_puts_it_in_an_error() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--auth-echo"]);
    with_config(
        &mut env,
        &config(
            &server,
            "timeout_secs = 10\nuser = \"mailer\"\npassword_env = \"TEST_SMTP_PASSWORD\"\n",
        ),
    );
    env.set("TEST_SMTP_PASSWORD", "s3cret-Pa55");
    events(&env, &["a@x.io"], 2);
    let run = env.run(&["notify", "send"]);
    assert_eq!(run.status, Some(1));
    let err = run.one_line_error();
    assert!(
        err.contains("authentication failed (535) as user 'mailer'"),
        "{err}"
    );
    let outbox_text = env.ok(&["notify", "outbox", "--all", "--json"]);
    assert!(outbox_text.contains("authentication failed (535) as user 'mailer'"));
    // base64 of "\0mailer\0s3cret-Pa55", and its 3-byte-aligned middle.
    for secret in ["s3cret-Pa55", "AG1haWxlcgBzM2NyZXQtUGE1NQ==", "bWFpbGVy"] {
        assert!(!run.stderr.contains(secret), "{secret} in stderr");
        assert!(!outbox_text.contains(secret), "{secret} in the outbox");
        for file in ["store/keys.db", "store/keys.db-wal"] {
            let bytes = crate::util::read_or_empty(&env.path(file));
            assert!(
                !crate::util::contains(&bytes, secret.as_bytes()),
                "{secret} in {file}"
            );
        }
    }
    // The first failure stops the run: the second event was not tried.
    assert!(err.contains("1 event not tried"), "{err}");
    let attempts: Vec<i64> = outbox(&env)
        .iter()
        .map(|e| e["attempts"].as_i64().unwrap())
        .collect();
    assert_eq!(attempts, [1, 0]);
    assert_eq!(server.events().len(), 1, "one connection");
}

#[test]
fn a_trickling_or_hanging_server_is_bounded_by_the_timeout() {
    let mut env = Env::new();
    // A greeting of 35 bytes at one every 0.5 s would take 17 s.
    let trickle = SmtpServer::misbehaving(env.dir.path(), &["--trickle", "0.5"]);
    with_config(&mut env, &config(&trickle, "timeout_secs = 2\n"));
    events(&env, &["a@x.io"], 1);
    let err = env.run(&["notify", "send"]).one_line_error();
    assert!(err.contains("timed out after 2 s"), "{err}");
    assert!(!err.contains("os error"), "{err}");

    // Silence after the data: one timeout, and the doubt said out loud.
    let hang = SmtpServer::misbehaving(env.dir.path(), &["--hang-after-data"]);
    with_config(&mut env, &config(&hang, "timeout_secs = 2\n"));
    let err = env.run(&["notify", "send"]).one_line_error();
    assert!(
        err.contains("timed out after 2 s") && err.contains("may have been delivered"),
        "{err}"
    );
    let event = &outbox(&env)[0];
    assert_eq!(event["status"], "pending");
    assert!(
        event["last_error"]
            .as_str()
            .unwrap()
            .contains("may have been delivered")
    );
    // A server whose confirmation never comes in time is not mailed again
    // and again: the second doubt gives the recipient up, for an admin.
    env.run(&["notify", "send"]).code(1);
    let event = &outbox(&env)[0];
    assert_eq!(event["status"], "failed");
    assert_eq!(event["deliveries"][0]["doubts"], 2);
    assert_eq!(hang.messages().len(), 2, "two copies, then no more");
    assert_eq!(env.ok(&["notify", "send"]), "Nothing to send.\n");
}

#[test]
fn a_connection_dropped_before_the_reply_may_have_delivered() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--drop-after-data"]);
    with_config(&mut env, &config(&server, "timeout_secs = 5\n"));
    events(&env, &["a@x.io"], 3);
    let err = env.run(&["notify", "send"]).one_line_error();
    assert!(
        err.contains("3 of 3 notifications could not be delivered and stay pending")
            && err.contains("may have been delivered"),
        "{err}"
    );
    // Each message got a new connection after the one before was dropped,
    // and carried the same Message-ID as any later attempt will.
    assert_eq!(server.events().len(), 3);
    let ids: Vec<String> = server
        .messages()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap().to_owned())
        .collect();
    env.run(&["notify", "send"]).code(1);
    let again: Vec<String> = server.messages()[3..]
        .iter()
        .map(|m| m["message_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, again);
}

#[test]
fn one_connection_carries_a_whole_run() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &[]);
    with_config(&mut env, &config(&server, "timeout_secs = 5\n"));
    events(&env, &["a@x.io", "b@x.io"], 25);
    let run = env.run(&["notify", "send"]).code(0);
    assert_eq!(run.stdout, "Sent 25 notifications.\n");
    assert_eq!(server.events().len(), 1, "one connection");
    let seen = deliveries(&server);
    assert_eq!(seen.len(), 25);
    assert!(seen.values().all(|&n| n == 1));
}

#[test]
fn three_senders_racing_deliver_each_event_once() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--delay", "0.01"]);
    with_config(&mut env, &config(&server, "timeout_secs = 10\n"));
    events(&env, &["a@x.io"], 30);
    let senders: Vec<Child> = (0..3).map(|_| start_sender(&env)).collect();
    for sender in senders {
        succeeded(&sender.wait_with_output().unwrap());
    }
    let seen = deliveries(&server);
    assert_eq!(seen.len(), 30, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
}

#[test]
fn smtp_settings_that_cannot_work_are_refused_before_sending() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &[]);
    events(&env, &["a@x.io"], 1);
    with_config(&mut env, &config(&server, "timeout_secs = 0\n"));
    let err = env.fails(&["notify", "send"], 2);
    assert!(err.contains("timeout_secs = 0"), "{err}");
    with_config(
        &mut env,
        &config(&server, "password_env = \"TEST_SMTP_PASSWORD\"\n"),
    );
    let err = env.fails(&["notify", "send"], 2);
    assert!(err.contains("password_env is set but user is not"), "{err}");
    let bad_host = config(&server, "").replace("\"127.0.0.1\"", "\"127.0.0.1 \"");
    with_config(&mut env, &bad_host);
    let err = env.fails(&["notify", "send"], 2);
    assert!(err.contains("is not a host name or an IP address"), "{err}");
    let unicode_from = config(&server, "").replace(
        "from = \"apikey@example.com\"",
        "from = \"Ünï <ünï@example.com>\"",
    );
    with_config(&mut env, &unicode_from);
    let err = env.fails(&["notify", "send"], 2);
    assert!(err.contains("the address must be ASCII"), "{err}");
    assert!(server.events().is_empty(), "nothing was tried");
    assert_eq!(outbox(&env)[0]["attempts"], 0);
}

#[test]
fn a_login_echoed_after_the_login_is_cut_out_too() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(
        env.dir.path(),
        &["--auth", "mailer:s3cret-Pa55", "--echo-login-at-mail"],
    );
    with_config(
        &mut env,
        &config(
            &server,
            "timeout_secs = 5\nuser = \"mailer\"\npassword_env = \"TEST_SMTP_PASSWORD\"\n",
        ),
    );
    env.set("TEST_SMTP_PASSWORD", "s3cret-Pa55");
    events(&env, &["a@x.io"], 1);
    let run = env.run(&["notify", "send"]);
    let err = run.one_line_error();
    assert!(err.contains("not after AUTH PLAIN [login hidden]"), "{err}");
    let outbox_text = env.ok(&["notify", "outbox", "--json"]);
    for secret in ["s3cret-Pa55", "AG1haWxlcgBzM2NyZXQtUGE1NQ=="] {
        assert!(
            !err.contains(secret) && !outbox_text.contains(secret),
            "{secret}"
        );
    }
}

#[test]
fn a_sender_stopped_and_continued_mid_conversation_carries_on() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--delay", "0.4"]);
    with_config(&mut env, &config(&server, "timeout_secs = 20\n"));
    events(&env, &["a@x.io"], 1);
    let sender = start_sender(&env);
    // Ctrl-Z and `fg` while it waits for a reply: the wait goes on.
    std::thread::sleep(Duration::from_millis(900));
    let pid = sender.id().to_string();
    let signal = |name: &str| {
        let status = std::process::Command::new("kill")
            .args([name, &pid])
            .status()
            .unwrap();
        assert!(status.success());
    };
    signal("-STOP");
    std::thread::sleep(Duration::from_millis(300));
    signal("-CONT");
    succeeded(&sender.wait_with_output().unwrap());
    assert_eq!(deliveries(&server).len(), 1);
}

#[test]
fn a_sender_that_lost_its_claim_stops_and_says_so() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--hang-at-mail", "1"]);
    with_config(&mut env, &config(&server, "timeout_secs = 3\n"));
    events(&env, &["a@x.io"], 3);
    let sender = start_sender(&env);
    wait_for("the server to hang", || {
        server.events().iter().any(|e| e["hung"] == 1)
    });
    // What a run on another machine does once it believes the lease over.
    env.sql()
        .execute_batch(
            "UPDATE outbox SET claimed_by = 'another-run', claim_host = 'elsewhere',
                    claim_pid = 7, claim_process = 'other-boot/pid:[1]/1',
                    claimed_until = 4102444800
              WHERE id = 1",
        )
        .unwrap();
    let out = sender.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("event 1 was taken over")
            && stderr.contains("stopping so that nothing is sent twice")
            && stderr.contains("2 events not tried"),
        "{stderr}"
    );
    // Its attempt was not recorded over the other run's claim.
    let first = &outbox(&env)[0];
    assert_eq!(first["attempts"], 0);
    assert_eq!(first["claimed_by"]["host"], "elsewhere");
    assert!(server.messages().is_empty());
}

#[test]
fn a_server_that_takes_no_mail_now_stops_the_run_and_counts_against_nobody() {
    for (args, words) in [
        (
            &["--reject-sender"][..],
            "refused the sender apikey@example.com: 550",
        ),
        (&["--tempfail-data"][..], "refused the message: 451"),
    ] {
        let mut env = Env::new();
        let server = SmtpServer::misbehaving(env.dir.path(), args);
        with_config(&mut env, &config(&server, "timeout_secs = 5\n"));
        events(&env, &["a@x.io"], 3);
        let err = env.run(&["notify", "send"]).one_line_error();
        assert!(
            err.contains(words) && err.contains("2 events not tried"),
            "{err}"
        );
        let events = outbox(&env);
        let attempts: Vec<i64> = events
            .iter()
            .map(|e| e["attempts"].as_i64().unwrap())
            .collect();
        assert_eq!(attempts, [1, 0, 0]);
        assert!(events.iter().all(|e| e["status"] == "pending"));
        assert_eq!(events[0]["deliveries"][0]["refusals"], 0);
        assert!(server.messages().is_empty());
    }
}

#[test]
fn a_421_at_rcpt_ends_the_session_not_the_recipient() {
    let mut env = Env::new();
    let server = SmtpServer::misbehaving(env.dir.path(), &["--close-at-rcpt", "a@x.io"]);
    with_config(&mut env, &config(&server, "timeout_secs = 5\n"));
    events(&env, &["a@x.io"], 2);
    let err = env.run(&["notify", "send"]).one_line_error();
    assert!(err.contains("closed the session: 421"), "{err}");
    // Each event got a session of its own, and nothing was counted.
    assert_eq!(server.events().len(), 2);
    for event in outbox(&env) {
        assert_eq!(event["status"], "pending");
        assert_eq!(event["deliveries"][0]["refusals"], 0);
    }
}
