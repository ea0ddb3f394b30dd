//! Hostile input at every place text or numbers enter: each is refused with
//! exit 2, one printable line and an unchanged store, or is stored as typed
//! and shown escaped on a terminal (and JSON-escaped in `--json`).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::util::Env;

/// Text a terminal would act on, text a careless SQL layer would run, and
/// the edges of length.
fn hostile() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "x".repeat(10_000),
        "\u{1b}[2J\u{1b}[31mred".into(),
        "\u{9b}31mc1-csi".into(),
        "bell\u{7}".into(),
        "new\nline".into(),
        "carriage\rreturn".into(),
        "del\u{7f}".into(),
        "'; DROP TABLE keys; --".into(),
        "\" OR 1=1 --".into(),
        "%s%n%x".into(),
        "../../etc/passwd".into(),
        "\u{202e}txt.exe".into(),
    ]
}

/// Every row of every table, to compare before and after a refused command.
fn snapshot(env: &Env) -> String {
    let conn = env.sql();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{table}: {:?}\n", row.unwrap()));
        }
    }
    out
}

/// Refused: exit 2, nothing on stdout, one line on stderr with no raw
/// control character, and the store as it was.
fn assert_refused(env: &Env, args: &[&str]) {
    assert_refused_as(env, args, &[2]);
}

/// [`assert_refused`] with exit 4 also allowed: looking up a name that is
/// well-formed but names nothing is "not found".
fn assert_not_found_or_refused(env: &Env, args: &[&str]) {
    assert_refused_as(env, args, &[2, 4]);
}

fn assert_refused_as(env: &Env, args: &[&str], codes: &[i32]) {
    let before = snapshot(env);
    let run = env.run(args);
    run.assert(
        codes.contains(&run.status.unwrap_or(-1)),
        &format!("expected an exit code in {codes:?}"),
    );
    run.assert(run.stdout.is_empty(), "stdout should be empty on failure");
    let line = run.one_line_error();
    assert!(
        line.len() <= 300 || args.iter().any(|a| a.chars().any(char::is_control)),
        "{args:?}: the error repeats overlong input ({} bytes)",
        line.len()
    );
    assert!(
        !line.chars().any(char::is_control),
        "{args:?}: raw control character in {line:?}"
    );
    assert_eq!(snapshot(env), before, "{args:?} changed the store");
}

/// A store with a key `web` (and its secret) and an account `acme`.
fn ready() -> (Env, String) {
    let env = Env::new();
    let (_, secret) = env.create(&["--name", "web"]);
    env.ok(&["account", "create", "acme"]);
    (env, secret)
}

#[test]
fn hostile_names_are_refused_everywhere_a_name_is_taken() {
    let (env, _) = ready();
    for text in hostile() {
        let t = text.as_str();
        assert_refused(&env, &["create", "--name", t]);
        assert_refused(&env, &["account", "create", t]);
        assert_refused(&env, &["--account", t, "create"]);
        assert_not_found_or_refused(&env, &["security", t, "--daily-limit", "5"]);
        assert_not_found_or_refused(&env, &["topup", t, "5"]);
        assert_not_found_or_refused(&env, &["revoke", t, "--yes"]);
        assert_not_found_or_refused(&env, &["suspend", t]);
        assert_not_found_or_refused(&env, &["resume", t]);
        assert_not_found_or_refused(&env, &["autotopup", t, "--off"]);
        assert_not_found_or_refused(&env, &["show", t]);
        assert_not_found_or_refused(&env, &["regenerate", t]);
        assert_not_found_or_refused(&env, &["usage", t]);
        assert_not_found_or_refused(&env, &["notify", "remove", "web", t]);
        assert_refused(&env, &["notify", "add", "web", t]);
    }
}

#[test]
fn names_shaped_like_secrets_are_refused() {
    let (env, secret) = ready();
    for name in ["ak_", "ak_web", secret.as_str()] {
        assert_refused(&env, &["create", "--name", name]);
        assert_refused(&env, &["account", "create", name]);
    }
}

#[test]
fn hostile_security_values_are_refused() {
    let (env, _) = ready();
    for text in hostile() {
        let t = text.as_str();
        for flag in [
            "--allow-url",
            "--allow-ip",
            "--scope",
            "--expires",
            "--redact-days",
        ] {
            if flag == "--scope" && t == "../../etc/passwd" {
                // Letters, '.' and '/' make a valid scope: stored, not refused.
                let shown = env.json(&["security", "web", flag, t]);
                assert_eq!(shown["security"]["scopes"][0], t, "{shown}");
                continue;
            }
            assert_refused(&env, &["security", "web", flag, t]);
            assert_refused(&env, &["create", "--name", "other", flag, t]);
        }
        for flag in [
            "--daily-limit",
            "--monthly-limit",
            "--ip-daily-limit",
            "--rate-limit",
            "--remove-rate-limit",
        ] {
            assert_refused(&env, &["security", "web", flag, t]);
        }
        assert_refused(&env, &["notify", "threshold", "web", t]);
        assert_refused(&env, &["usage", "web", "--days", t]);
        assert_refused(&env, &["regenerate", "web", "--grace", t]);
        assert_refused(&env, &["topup", "web", "5", "--expires", t]);
        assert_refused(&env, &["autotopup", "web", "--below", t, "--amount", "5"]);
        assert_refused(&env, &["autotopup", "web", "--below", "5", "--amount", t]);
        for flag in ["--max-per-day", "--expires"] {
            assert_refused(
                &env,
                &["autotopup", "web", "--below", "5", "--amount", "5", flag, t],
            );
        }
    }
}

#[test]
fn huge_and_malformed_numbers_are_refused() {
    let (env, secret) = ready();
    let numbers = [
        "0",
        "-1",
        "-0",
        "1000000001",
        "4294967296",
        "18446744073709551616",
        "99999999999999999999999999999",
        "1e3",
        "0x10",
        "1_000",
        "5 ",
        "٥",
        "NaN",
    ];
    for n in numbers {
        assert_refused(&env, &["topup", "web", n]);
        assert_refused(&env, &["autotopup", "web", "--below", n, "--amount", "5"]);
        assert_refused(&env, &["autotopup", "web", "--below", "5", "--amount", n]);
    }
    for n in ["18446744073709551616", "-5", "1.5", "ten"] {
        assert_refused(&env, &["security", "web", "--daily-limit", n]);
        assert_refused(&env, &["notify", "threshold", "web", n]);
        assert_refused(&env, &["usage", "web", "--days", n]);
    }
    for n in ["1096", "18446744073709551616", "-1"] {
        assert_refused(&env, &["security", "web", "--redact-days", n]);
    }
    for when in [
        "99999999999d",
        "9223372036854775807s",
        "18446744073709551616h",
        "10000-01-01",
        "2026-02-30",
        "-30d",
        "30x",
    ] {
        assert_refused(&env, &["security", "web", "--expires", when]);
        assert_refused(&env, &["regenerate", "web", "--grace", when]);
    }
    for cost in ["0", "-1", "18446744073709551616", "1e9"] {
        let before = snapshot(&env);
        let line = env.fails(&["verify", &secret, "--cost", cost], 2);
        assert!(line.contains("cost"), "{line}");
        assert_eq!(snapshot(&env), before);
    }
}

#[test]
fn non_utf8_arguments_are_refused_in_one_line() {
    let (env, _) = ready();
    let bad = OsStr::from_bytes(b"we\xffb");
    let cases: Vec<Vec<&OsStr>> = vec![
        vec!["create".as_ref(), "--name".as_ref(), bad],
        vec!["topup".as_ref(), bad, "5".as_ref()],
        vec!["topup".as_ref(), "web".as_ref(), bad],
        vec!["show".as_ref(), bad],
        vec!["--account".as_ref(), bad, "list".as_ref()],
        vec![
            "security".as_ref(),
            "web".as_ref(),
            "--allow-url".as_ref(),
            bad,
        ],
        vec![
            "revoke".as_ref(),
            "web".as_ref(),
            "--reason".as_ref(),
            bad,
            "--yes".as_ref(),
        ],
    ];
    for args in cases {
        let before = snapshot(&env);
        let out = env.command(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("apikey: "), "{stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(snapshot(&env), before, "{args:?} changed the store");
    }
}

#[test]
fn a_store_path_that_is_not_utf8_works() {
    let env = Env::new();
    let mut raw = env.dir.path().as_os_str().as_bytes().to_vec();
    raw.extend_from_slice(b"/st\xffre/keys.db");
    let db = OsStr::from_bytes(&raw);
    let out = env
        .command([
            OsStr::new("--db"),
            db,
            OsStr::new("create"),
            OsStr::new("--json"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::path::Path::new(db).is_file());
}

#[test]
fn free_text_is_stored_as_typed_and_shown_escaped() {
    let (env, _) = ready();
    let reason = "'); DROP TABLE keys; -- \u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}1m";
    let note = "note\u{1b}[31m with\ttab";
    env.ok(&["topup", "web", "5", "--note", note]);
    env.ok(&["revoke", "web", "--yes", "--reason", reason]);

    // Stored exactly as typed: a bound parameter, never SQL text.
    let stored: String = env
        .sql()
        .query_row(
            "SELECT revoke_reason FROM keys WHERE name = 'web'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, reason);
    assert_eq!(env.count("keys"), 1, "the keys table is intact");

    // People see it escaped; scripts get it back exactly.
    for args in [&["show", "web"][..], &["list", "--all"], &["log"]] {
        let out = env.ok(args);
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?} printed a raw control character:\n{out:?}"
        );
    }
    let log = env.json(&["log"]);
    let details: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    for typed in [reason, note] {
        assert!(
            details.iter().any(|d| d.contains(typed)),
            "{typed:?} is not in the log JSON as typed: {log}"
        );
    }
}

#[test]
fn overlong_free_text_is_refused() {
    let (env, _) = ready();
    let long = "n".repeat(501);
    assert_refused(&env, &["topup", "web", "5", "--note", &long]);
    assert_refused(&env, &["revoke", "web", "--yes", "--reason", &long]);
    assert_refused(&env, &["suspend", "web", "--reason", &long]);
    assert_eq!(env.show("web")["status"], "active");
}

#[test]
fn an_overlong_manifest_value_names_its_place() {
    let (env, _) = ready();
    let path = env.path("m.toml");
    std::fs::write(
        &path,
        format!(
            "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"{}\"\n",
            "k".repeat(5000)
        ),
    )
    .unwrap();
    let before = snapshot(&env);
    let line = env.fails(&["apply", path.to_str().unwrap()], 2);
    assert!(line.contains("m.toml:5:"), "{line}");
    assert!(line.len() < 600, "{line}");
    assert_eq!(snapshot(&env), before);
}
