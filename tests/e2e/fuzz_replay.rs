//! Replays the fuzzers' seeds and every input that once failed
//! (`fuzz/seeds/`, `fuzz/regressions/`) through the same checks the fuzz
//! targets make, on stable Rust: the command lines through the built
//! binary, the parsers in process.

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;

use crate::fuzz_cases;
use crate::util::Env;

/// The files of `fuzz/{kind}/{target}`, sorted, as bytes.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut found = Vec::new();
    for kind in ["seeds", "regressions"] {
        let Ok(dir) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            let name = format!(
                "{kind}/{target}/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            found.push((name, std::fs::read(&path).unwrap()));
        }
    }
    found.sort();
    found
}

#[test]
fn key_inputs_hold() {
    let all = inputs("key");
    assert!(!all.is_empty());
    for (_, data) in all {
        fuzz_cases::key_case(&data);
    }
}

#[test]
fn manifest_inputs_hold() {
    let all = inputs("manifest");
    assert!(!all.is_empty());
    for (_, data) in all {
        fuzz_cases::manifest_case(&data);
    }
}

#[test]
fn command_line_inputs_hold_through_the_binary() {
    let env = Env::new();
    let all = inputs("cli");
    assert!(all.len() > 10);
    for (name, data) in all {
        let Some(args) = fuzz_cases::cli_args(&data) else {
            panic!("{name} is not a command line the fuzzer would run");
        };
        let mut command_line: Vec<OsString> =
            vec!["apikey".into(), "--db".into(), env.db.clone().into()];
        command_line.extend(args.iter().cloned());
        let wants_json = apikey::cli_seam::wants_json(&command_line);
        let out = env
            .command(&command_line[1..])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let code = out
            .status
            .code()
            .unwrap_or_else(|| panic!("{name}: killed by a signal"));
        fuzz_cases::check_cli_outcome(
            &args,
            wants_json,
            u8::try_from(code).unwrap(),
            &out.stdout,
            &out.stderr,
        );
    }
}
