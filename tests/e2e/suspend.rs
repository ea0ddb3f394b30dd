//! `suspend` and `resume`: a paused key keeps everything, still counts
//! toward the 10, verifies as SUSPENDED (exit 21), and spends nothing
//! however many processes race it.

use crate::concurrency::verify_storm_with;
use crate::util::{Env, on_both_backends};

on_both_backends!(
    a_suspended_key_keeps_everything_and_verifies_as_suspended,
    a_suspended_key_under_racing_verifies_spends_nothing,
    a_manifest_suspends_and_resumes,
);

fn events(env: &Env, kind: &str) -> i64 {
    env.scalar(&format!(
        "SELECT COUNT(*) FROM outbox WHERE event = '{kind}'"
    ))
}

fn a_suspended_key_keeps_everything_and_verifies_as_suspended(env: &mut Env) {
    let (id, secret) = env.create(&["--name", "web", "--notify", "ops@example.com"]);
    let v = env.json(&["suspend", "web", "--reason", "invoice overdue"]);
    assert_eq!(v["status"], "suspended");
    assert!(v["suspended_at"].is_string(), "{v}");
    assert_eq!(v["balance"], 100);
    let (code, verdict) = env.verify(&secret, &[]);
    assert_eq!((code, verdict["code"].as_str()), (21, Some("SUSPENDED")));
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["balance"], 100);
    let (code, _) = env.verify(&secret, &["--dry-run"]);
    assert_eq!(code, 21);
    // Suspending again changes nothing, and says so.
    let again = env.run(&["suspend", "web"]).code(0);
    assert!(
        again.stdout.contains("already suspended"),
        "{}",
        again.stdout
    );
    assert_eq!(events(env, "suspended"), 1);
    let log = env.json(&["log", "web"]);
    assert_eq!(log[0]["action"], "suspend");
    assert_eq!(log[0]["detail"], "invoice overdue");
    let detail = env.json(&["notify", "outbox"]);
    let suspended = detail
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "suspended")
        .expect("a suspended event");
    assert_eq!(
        suspended["recipients"],
        serde_json::json!(["ops@example.com"])
    );

    // It still counts toward the 10, and can be changed meanwhile.
    for i in 0..9 {
        env.create(&["--name", &format!("k{i}")]);
    }
    let err = env.fails(&["create"], 3);
    assert!(err.contains("10 active keys"), "{err}");
    env.ok(&["topup", "web", "5"]);
    env.ok(&["security", "web", "--daily-limit", "50"]);
    let list = env.json(&["list"]);
    assert_eq!(list[0]["status"], "suspended");
    let table = env.ok(&["list"]);
    assert!(table.contains("suspended"), "{table}");

    let v = env.json(&["resume", "web"]);
    assert_eq!(v["status"], "active");
    assert!(v["suspended_at"].is_null());
    let (code, verdict) = env.verify(&secret, &[]);
    assert_eq!((code, verdict["balance"].as_i64()), (0, Some(104)));
    let unchanged = env.run(&["resume", "web"]).code(0);
    assert!(
        unchanged.stdout.contains("is not suspended"),
        "{}",
        unchanged.stdout
    );
    assert_eq!(events(env, "resumed"), 1);

    // Revoking a suspended key is allowed; a revoked one cannot come back.
    env.ok(&["suspend", &id]);
    env.ok(&["revoke", &id, "--yes"]);
    assert_eq!(env.show(&id)["status"], "revoked");
    let err = env.fails(&["resume", &id], 3);
    assert!(err.contains("revoked"), "{err}");
    let err = env.fails(&["suspend", &id], 3);
    assert!(err.contains("revoked"), "{err}");
    let (code, _) = env.verify(&secret, &[]);
    assert_eq!(code, 12, "revoked comes before suspended");
    env.fails(&["suspend", "nope"], 4);
    env.assert_store_is_sound();
}

fn a_suspended_key_under_racing_verifies_spends_nothing(env: &mut Env) {
    let (_, secret) = env.create(&["--name", "web"]);
    env.ok(&["suspend", "web"]);
    let counts = verify_storm_with(env, &secret, 8, 10, "", |_, _| {});
    assert_eq!(counts.get("SUSPENDED"), Some(&80), "{counts:?}");
    let key = env.show("web");
    assert_eq!(
        (key["balance"].as_i64(), key["usage_today"].as_i64()),
        (Some(100), Some(0))
    );
    assert_eq!(
        env.scalar("SELECT COUNT(*) FROM ledger WHERE reason = 'spend'"),
        0
    );
    assert_eq!(env.scalar("SELECT COUNT(*) FROM usage"), 0);
    env.assert_store_is_sound();
}

fn a_manifest_suspends_and_resumes(env: &mut Env) {
    let manifest = env.path("m.toml");
    let write = |suspended: &str| {
        std::fs::write(
            &manifest,
            format!(
                "[[account]]\nname = \"default\"\n[[account.key]]\nname = \"web\"\n{suspended}\n\
                 [[account.key]]\nname = \"new\"\nsuspended = true\n"
            ),
        )
        .unwrap();
    };
    let (_, secret) = env.create(&["--name", "web"]);
    write("suspended = true");
    let path = manifest.to_str().unwrap();
    let plan = env.json(&["apply", path, "--dry-run"]);
    assert_eq!(
        plan["updated"][0]["changes"],
        serde_json::json!([{"field": "suspended", "from": false, "to": true}])
    );
    env.json(&["apply", path]);
    assert_eq!(env.show("web")["status"], "suspended");
    assert_eq!(env.show("new")["status"], "suspended");
    assert_eq!(env.verify(&secret, &[]).0, 21);
    assert_eq!(events(env, "suspended"), 2);
    // Applying the same file again changes nothing.
    let again = env.json(&["apply", path]);
    assert_eq!(again["updated"], serde_json::json!([]), "{again}");
    assert_eq!(events(env, "suspended"), 2);
    // Leaving the field out resumes the key.
    write("");
    env.json(&["apply", path]);
    assert_eq!(env.show("web")["status"], "active");
    assert_eq!(env.verify(&secret, &[]).0, 0);
    let log = env.json(&["log", "web"]);
    assert_eq!(log[0]["action"], "resume");
    assert_eq!(log[0]["detail"], "apply");
    env.assert_store_is_sound();
}
