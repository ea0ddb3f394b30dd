//! Delivery over SMTP to a real server on loopback (aiosmtpd): the mail
//! itself, TLS and logins, a server that is down, racing senders.

use std::process::Stdio;

use crate::notify::{outbox, with_config};
use crate::smtp::{Mode, SmtpServer};
use crate::util::{Env, on_both_backends};

#[test]
fn send_delivers_each_event_exactly_once_with_useful_mail() {
    let mut env = Env::new();
    let server = SmtpServer::start(env.dir.path());
    with_config(&mut env, &server.config("none", ""));
    let (id, secret) = env.create(&[
        "--name",
        "web",
        "--notify",
        "ops@acme.example",
        "--notify",
        "cto@acme.example",
        "--low-balance",
        "100",
    ]);
    env.verify(&secret, &[]);
    env.ok(&["topup", "web", "500"]);
    env.create(&["--name", "nobody"]);
    env.ok(&["topup", "nobody", "1"]);

    let run = env.run(&["notify", "send"]).code(0);
    assert_eq!(run.stdout, "Sent 2 notifications.\n");
    let mail = server.messages();
    assert_eq!(mail.len(), 2);
    assert_eq!(
        mail[0]["to"],
        serde_json::json!(["ops@acme.example", "cto@acme.example"])
    );
    assert_eq!(mail[0]["from"], "apikey@example.com");
    let hint = env.show("web")["hint"].as_str().unwrap().to_owned();
    assert_eq!(
        mail[0]["subject"],
        format!("[apikey] Low balance: 99 lookups left: key \"web\" ({hint}) in account default")
            .as_str()
    );
    let body = mail[0]["body"].as_str().unwrap();
    for part in [
        "Account:  default",
        &format!("web ({id})"),
        &hint,
        "99 lookups",
        "topup",
    ] {
        assert!(body.contains(part), "{part} not in:\n{body}");
    }
    assert!(!body.contains(&secret) && !mail[0]["subject"].as_str().unwrap().contains(&secret));
    assert!(
        mail[1]["subject"]
            .as_str()
            .unwrap()
            .starts_with("[apikey] Topped up, balance 599")
    );

    assert_eq!(
        env.run(&["notify", "send"]).code(0).stdout,
        "Nothing to send.\n"
    );
    assert_eq!(server.messages().len(), 2, "never twice");
    let statuses: Vec<String> = outbox(&env).into_iter().map(|e| e.2).collect();
    assert_eq!(statuses, ["sent", "sent", "skipped"]);
    let first = &env.json(&["notify", "outbox", "--all"])[0];
    assert_eq!(first["attempts"], 1);
    assert!(first["sent_at"].is_string() && first["last_error"].is_null());
}

#[test]
fn with_the_server_down_events_stay_pending_and_go_out_later() {
    let mut env = Env::new();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    with_config(
        &mut env,
        &format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"apikey@example.com\"\ntls = \"none\"\ntimeout_secs = 2\n"
        ),
    );
    env.create(&["--name", "web", "--notify", "a@x.io"]);
    env.ok(&["topup", "web", "5"]);
    for attempt in 1..=2 {
        let run = env.run(&["notify", "send"]);
        assert_eq!(run.status, Some(1), "{}", run.stderr);
        let err = run.one_line_error();
        assert!(
            err.contains("could not be delivered and stay pending"),
            "{err}"
        );
        let e = &env.json(&["notify", "outbox"])[0];
        assert_eq!(
            (e["status"].as_str(), e["attempts"].as_i64()),
            (Some("pending"), Some(attempt))
        );
        assert!(
            e["last_error"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("connect"),
            "{e}"
        );
    }
    let server = SmtpServer::start_with(env.dir.path(), Mode::Plain, None, Some(port));
    env.run(&["notify", "send"]).code(0);
    assert_eq!(server.messages().len(), 1);
    let e = &env.json(&["notify", "outbox", "--all"])[0];
    assert_eq!(
        (e["status"].as_str(), e["attempts"].as_i64()),
        (Some("sent"), Some(3))
    );
}

#[test]
fn starttls_with_a_login_from_the_environment() {
    let mut env = Env::new();
    let server = SmtpServer::start_with(
        env.dir.path(),
        Mode::Starttls,
        Some(("mailer", "s3cret")),
        None,
    );
    with_config(
        &mut env,
        &server.config(
            "starttls",
            "user = \"mailer\"\npassword_env = \"TEST_SMTP_PASSWORD\"\n",
        ),
    );
    env.create(&["--name", "web", "--notify", "a@x.io"]);
    env.ok(&["topup", "web", "5"]);
    let err = env.fails(&["notify", "send"], 2);
    assert!(
        err.contains("TEST_SMTP_PASSWORD") && err.contains("not set"),
        "{err}"
    );
    env.set("TEST_SMTP_PASSWORD", "wrong");
    env.run(&["notify", "send"]).code(1);
    assert!(server.messages().is_empty());
    env.set("TEST_SMTP_PASSWORD", "s3cret");
    env.run(&["notify", "send"]).code(0);
    let mail = server.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(
        (mail[0]["tls"].as_bool(), mail[0]["user"].as_str()),
        (Some(true), Some("mailer"))
    );
    let config = std::fs::read_to_string(env.path("config.toml")).unwrap();
    assert!(
        !config.contains("s3cret"),
        "the password is not in the file"
    );
}

#[test]
fn implicit_tls_checks_the_certificate() {
    let mut env = Env::new();
    let server = SmtpServer::start_with(env.dir.path(), Mode::Tls, None, None);
    env.create(&["--name", "web", "--notify", "a@x.io"]);
    env.ok(&["topup", "web", "5"]);
    // Without the private CA the server's certificate is not trusted.
    let untrusted = server.config("tls", "").replace(
        &format!("ca_file = \"{}\"\n", server.ca.as_ref().unwrap().display()),
        "",
    );
    with_config(&mut env, &untrusted);
    env.run(&["notify", "send"]).code(1);
    with_config(&mut env, &server.config("tls", ""));
    env.run(&["notify", "send"]).code(0);
    assert_eq!(server.messages()[0]["tls"], true);
}

#[test]
fn a_ca_certificate_served_as_the_server_s_own_is_explained() {
    let mut env = Env::new();
    let server = SmtpServer::start_with(env.dir.path(), Mode::TlsWithCaAsServer, None, None);
    env.create(&["--name", "web", "--notify", "a@x.io"]);
    env.ok(&["topup", "web", "5"]);
    with_config(&mut env, &server.config("tls", ""));
    let err = env.run(&["notify", "send"]).one_line_error();
    assert!(
        err.contains("CaUsedAsEndEntity")
            && err.contains("needs a server certificate for its host name signed by a CA"),
        "{err}"
    );
    assert!(server.messages().is_empty());
}

#[test]
fn send_needs_an_smtp_section() {
    let env = Env::new();
    let err = env.fails(&["notify", "send"], 2);
    assert!(err.contains("no [smtp] section"), "{err}");
}

on_both_backends!(racing_senders_deliver_each_event_once);

fn racing_senders_deliver_each_event_once(env: &mut Env) {
    let server = SmtpServer::start(env.dir.path());
    with_config(env, &server.config("none", ""));
    env.create(&["--name", "web", "--notify", "a@x.io"]);
    for _ in 0..20 {
        env.ok(&["topup", "web", "1"]);
    }
    let children: Vec<_> = (0..4)
        .map(|_| {
            env.command(["notify", "send"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let mail = server.messages();
    assert_eq!(mail.len(), 20, "every event once");
    let mut ids: Vec<&str> = mail
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "no event twice");
}
