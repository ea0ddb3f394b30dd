//! A new secret is kept only once it has been written out: when stdout
//! fails after `create`, `regenerate` or `apply` made a secret, nothing is
//! committed, the old secret keeps working, and a second run does the work.

use crate::util::{Env, Run};

fn assert_not_shown(run: &Run) {
    let run = run.clone().code(1);
    let line = run.one_line_error();
    run.assert(
        line.contains("nothing was changed") && line.contains("cannot write the output"),
        "says nothing was changed",
    );
    run.assert(run.stdout.is_empty(), "nothing reached stdout");
    run.assert(!line.contains("ak_"), "no secret in the message");
}

#[test]
fn create_keeps_nothing_when_the_secret_cannot_be_written() {
    let env = Env::new();
    env.ok(&["account", "create", "acme"]);
    for run in [
        env.run_to_full(&["-a", "acme", "create", "--name", "web"]),
        env.run_to_full(&["-a", "acme", "--json", "create", "--name", "web"]),
        env.run_to_full(&["-a", "acme", "-q", "create", "--name", "web"]),
        env.run_to_closed_pipe(&["-a", "acme", "-q", "create", "--name", "web"]),
        env.run_redirected(&["-a", "acme", "create", "--name", "web"], ">&-"),
        env.run_redirected(
            &["-a", "acme", "-q", "create", "--name", "web"],
            ">/dev/null",
        ),
    ] {
        assert_not_shown(&run);
    }
    assert_eq!(
        env.json(&["-a", "acme", "list", "--all"]),
        serde_json::json!([])
    );
    // Nothing was used up either: the account's first key still gets the
    // test balance, and the audit trail has only the account.
    assert_eq!(
        env.json(&["-a", "acme", "create", "--name", "web"])["balance"],
        100
    );
    let log = env.json(&["-a", "acme", "log"]);
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
}

#[test]
fn regenerate_keeps_the_old_secret_when_the_new_one_cannot_be_written() {
    let env = Env::new();
    let (id, old) = env.create(&["--name", "web"]);
    for run in [
        env.run_to_full(&["regenerate", "web"]),
        env.run_to_full(&["--json", "regenerate", &id]),
        env.run_to_closed_pipe(&["-q", "regenerate", "web"]),
        env.run_redirected(&["-q", "regenerate", "web"], ">&-"),
        env.run_redirected(&["--json", "regenerate", "web"], ">/dev/null"),
    ] {
        assert_not_shown(&run);
    }
    let (code, verdict) = env.verify(&old, &[]);
    assert_eq!((code, verdict["code"].as_str()), (0, Some("VALID")));
    let actions = env.json(&["log"]);
    assert_eq!(
        actions.as_array().unwrap().len(),
        1,
        "only the create: {actions}"
    );
    assert_eq!(env.count("outbox"), 0, "no 'regenerated' mail queued");
}

#[test]
fn apply_keeps_nothing_when_its_secrets_cannot_be_written() {
    let env = Env::new();
    let manifest = env.path("keys.toml");
    std::fs::write(
        &manifest,
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"web\"\n\n[[account.key]]\nname = \"ci job\"\n",
    )
    .unwrap();
    let file = manifest.to_str().unwrap();
    for run in [
        env.run_to_full(&["apply", file]),
        env.run_to_full(&["--json", "apply", file]),
        env.run_to_closed_pipe(&["-q", "apply", file]),
        env.run_redirected(&["apply", file], ">&-"),
        env.run_redirected(&["--json", "apply", file], ">/dev/null"),
    ] {
        assert_not_shown(&run);
    }
    env.fails(&["-a", "acme", "list"], 4);
    // The second run is not "No changes": it creates both keys, and shows them.
    // Output that holds no secret may go to /dev/null as any other may.
    env.run_redirected(&["apply", file, "--dry-run"], ">/dev/null")
        .code(0);
    let applied = env.json(&["apply", file]);
    let created = applied["created"].as_array().unwrap();
    assert_eq!(created.len(), 2, "{applied}");
    assert!(
        created
            .iter()
            .all(|c| c["key"].as_str().unwrap().starts_with("ak_"))
    );
}

#[test]
fn output_without_a_secret_may_be_discarded() {
    let env = Env::new();
    env.create(&["--name", "web"]);
    for args in [
        &["topup", "web", "5"][..],
        &["list"],
        &["security", "web", "--daily-limit", "9"],
    ] {
        env.run_redirected(args, ">/dev/null").code(0);
    }
    assert_eq!(env.show("web")["balance"], 105);
}
