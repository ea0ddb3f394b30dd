//! `topup --ref`: a billing system that retries a top-up never credits
//! twice, however many retries race each other.

use std::process::Stdio;

use crate::util::{Env, on_both_backends};

on_both_backends!(
    a_retried_topup_adds_nothing_and_reports_the_first,
    racing_retries_of_one_ref_credit_once,
);

fn topups_with_ref(env: &Env, reference: &str) -> i64 {
    env.scalar(&format!(
        "SELECT COUNT(*) FROM ledger WHERE reason = 'topup' AND ref = '{reference}'"
    ))
}

fn a_retried_topup_adds_nothing_and_reports_the_first(env: &mut Env) {
    let (id, _) = env.create(&["--name", "web", "--notify", "billing@example.com"]);
    env.create(&["--name", "other"]);
    let first = env.json(&["topup", "web", "5000", "--ref", "inv-2026-0042"]);
    assert_eq!(
        (first["balance"].as_i64(), first["duplicate"].as_bool()),
        (Some(5100), Some(false))
    );
    assert_eq!(first["id"], id.as_str());
    let again = env.json(&["topup", "web", "5000", "--ref", "inv-2026-0042"]);
    assert_eq!(
        (again["balance"].as_i64(), again["duplicate"].as_bool()),
        (Some(5100), Some(true))
    );
    let told = env.ok(&["topup", "web", "5000", "--ref", "inv-2026-0042"]);
    assert!(told.contains("nothing added"), "{told}");
    assert_eq!(
        env.ok(&["topup", "web", "5000", "--ref", "inv-2026-0042", "-q"]),
        "5100\n"
    );
    // The same ref for another amount or key is refused, naming the first.
    let err = env.fails(&["topup", "web", "50", "--ref", "inv-2026-0042"], 3);
    assert!(err.contains("+5000 to key web"), "{err}");
    let err = env.fails(&["topup", "other", "5000", "--ref", "inv-2026-0042"], 3);
    assert!(err.contains("already used"), "{err}");
    // A ref is per account.
    env.ok(&["account", "create", "acme"]);
    env.ok(&["-a", "acme", "create", "--name", "web"]);
    env.ok(&[
        "-a",
        "acme",
        "topup",
        "web",
        "5000",
        "--ref",
        "inv-2026-0042",
    ]);
    assert_eq!(topups_with_ref(env, "inv-2026-0042"), 2);
    // Without a ref, every top-up adds.
    env.ok(&["topup", "web", "1"]);
    env.ok(&["topup", "web", "1"]);
    assert_eq!(env.show("web")["balance"], 5102);
    for bad in ["", " ", &"r".repeat(65), "a\nb"] {
        env.fails(&["topup", "web", "5", "--ref", bad], 2);
    }
    let log = env.json(&["log", "web"]);
    let details: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert_eq!(
        details
            .iter()
            .filter(|d| d.contains("ref inv-2026-0042"))
            .count(),
        1,
        "{details:?}"
    );
    let events = env.json(&["notify", "outbox"]);
    let with_ref = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "topup")
        .count();
    assert_eq!(with_ref, 3, "one event per top-up that added: {events}");
    // A revoked key's top-up, retried, is still the first one.
    env.ok(&["revoke", "web", "--yes"]);
    let retried = env.json(&["topup", &id, "5000", "--ref", "inv-2026-0042"]);
    assert_eq!(retried["duplicate"], true);
    env.assert_store_is_sound();
}

fn racing_retries_of_one_ref_credit_once(env: &mut Env) {
    env.create(&["--name", "web"]);
    env.create(&["--name", "other"]);
    // Eight retries on one key, four on another key with the same ref.
    let children: Vec<_> = (0..12)
        .map(|i| {
            let key = if i < 8 { "web" } else { "other" };
            env.command(["topup", key, "700", "--ref", "pay_42", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut codes = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        codes.push((
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let credited = topups_with_ref(env, "pay_42");
    assert_eq!(credited, 1, "{codes:?}");
    let web = env.show("web")["balance"].as_i64().unwrap();
    let other = env.show("other")["balance"].as_i64().unwrap();
    assert_eq!(web + other, 100 + 700, "{codes:?}");
    // Whichever key won, retries on it exit 0 and the others 3.
    let (winner, loser) = if web == 800 {
        (0..8, 8..12)
    } else {
        (8..12, 0..8)
    };
    for i in winner {
        assert_eq!(codes[i].0, 0, "{codes:?}");
    }
    for i in loser {
        assert_eq!(codes[i].0, 3, "{codes:?}");
    }
    env.assert_ledgers_balance();
}
