//! What each fuzz target feeds in and what it holds true of the result.
//!
//! The targets in `fuzz_targets/` are one-line wrappers around these
//! functions. The crate's own end-to-end suite includes this file too (as
//! `fuzz_cases` in `tests/e2e/main.rs`) and replays every seed and every input that
//! once failed (`fuzz/seeds/`, `fuzz/regressions/`) on stable Rust, so a
//! fixed crash stays fixed without a nightly toolchain.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use apikey::manifest::Manifest;
use apikey::secret::{self, Secret};
use apikey::{KeyId, KeyName, KeyRef};

/// The characters of a secret's body.
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The key parsers: secrets, ids, names and the references that mix them.
///
/// Holds: the verification path's digest agrees with the admin path's
/// parse; a parsed value reads back as the text it came from; an error
/// about a near-secret never repeats it whole; any one-character change or
/// swap of a real secret is caught by its checksum.
pub fn key_case(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    let parsed = Secret::parse(text);
    let digest = secret::digest_presented(text);
    match (&parsed, &digest) {
        (Ok(s), Ok(d)) => {
            assert!(s.digest() == *d, "two digests for one secret");
            assert_eq!(s.expose(), text);
            assert!(s.hint().ends_with(&text[text.len() - 4..]));
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("Secret::parse and digest_presented disagree on {text:?}"),
    }

    if let Some(id) = KeyId::parse(text) {
        assert_eq!(id.as_str(), text);
    }
    if let Ok(name) = KeyName::parse(text) {
        assert_eq!(name.as_str(), text);
        assert!(
            name.as_str()
                .bytes()
                .all(|b| b.is_ascii_graphic() || b == b' '),
            "name {name:?} has a byte a terminal could act on"
        );
    }
    match KeyRef::parse(text) {
        Ok(KeyRef::Secret(s)) => assert_eq!(s.expose(), text),
        Ok(_) => {}
        Err(e) => {
            let message = e.to_string();
            assert_printable(&message, "a KeyRef error");
            if text.starts_with("ak_") && text.chars().count() > 6 {
                assert!(
                    !message.contains(text),
                    "the error repeats a near-secret: {message}"
                );
            }
        }
    }

    // Damage a real secret the way a person would: one character changed,
    // or two neighbours swapped. The checksum must notice either.
    if let [position, replacement, ..] = data {
        let good = Secret::generate().expect("the OS CSPRNG");
        let mut bytes = good.expose().as_bytes().to_vec();
        let body = bytes.len() - 3;
        let at = 3 + usize::from(*position) % body;
        if replacement & 1 == 0 || at + 1 == bytes.len() {
            bytes[at] = BASE62[usize::from(*replacement) % 62];
        } else {
            bytes.swap(at, at + 1);
        }
        let damaged = String::from_utf8(bytes).expect("base62 is ASCII");
        if damaged != good.expose() {
            assert_eq!(
                Secret::parse(&damaged).err(),
                Some(secret::Malformed::Checksum),
                "a damaged secret passed its checksum"
            );
        }
    }
}

/// The manifest parser.
///
/// Holds: parsing `[[account]]` sections one at a time (what `apply` does
/// to keep memory flat) accepts exactly what parsing the whole text
/// accepts, and gives the same manifest (the first error found may differ:
/// the whole parse reads all syntax before any value); errors are one
/// printable line that starts with the file name.
pub fn manifest_case(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = Path::new("fuzz.toml");
    let split = Manifest::parse(text, origin);
    let whole = Manifest::parse_whole(text, origin);
    match (&split, &whole) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (Err(a), Err(b)) => {
            for error in [a.to_string(), b.to_string()] {
                assert_printable(&error, "a manifest error");
                assert!(
                    !error.contains('\n'),
                    "a manifest error is more than one line: {error}"
                );
                assert!(
                    error.starts_with("fuzz.toml"),
                    "the error does not name the file: {error}"
                );
            }
        }
        _ => panic!("split {split:?} and whole {whole:?} parses disagree"),
    }
}

/// Turns fuzz bytes into arguments: NUL separates them, and any bytes at
/// all (not only UTF-8) may make one. `None` for vectors the harness will
/// not run: ones that would point the store or the config elsewhere on
/// the machine, or that are too long to be a command line.
pub fn cli_args(data: &[u8]) -> Option<Vec<OsString>> {
    if data.len() > 4096 {
        return None;
    }
    let args: Vec<OsString> = data
        .split(|&b| b == 0)
        .map(|arg| OsString::from_vec(arg.to_vec()))
        .collect();
    let escapes = |arg: &OsString| {
        let bytes = arg.as_encoded_bytes();
        bytes.starts_with(b"--db") || bytes.starts_with(b"--config")
    };
    if args.len() > 64 || args.iter().any(escapes) {
        return None;
    }
    Some(args)
}

/// The exit codes the contract allows: success, usage error, refusal by a
/// rule, not found, and verify's result codes.
const EXIT_CODES: &[u8] = &[0, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

/// What any command line on a healthy store must produce.
///
/// Holds: a documented exit code, and never 1 (a store or I/O failure) on
/// a healthy store with no mail server configured unless the command is
/// `notify send` or `apply` of a manifest that cannot be read; on failure, one printable line on stderr that starts with
/// `apikey:` (or clap's help, for a missing subcommand); no control
/// character on stdout unless colors were asked for; with `--json`, stdout
/// is exactly one JSON document.
pub fn check_cli_outcome(args: &[OsString], json: bool, code: u8, stdout: &[u8], stderr: &[u8]) {
    let stdout = String::from_utf8_lossy(stdout);
    let stderr = String::from_utf8_lossy(stderr);
    let shown = || format!("{args:?} exited {code}\nstdout: {stdout}\nstderr: {stderr}");
    let notify_send = args.iter().any(|a| a == "notify") && args.iter().any(|a| a == "send");
    // A manifest path that names nothing readable is an I/O failure.
    let apply = args.first().is_some_and(|a| a == "apply")
        && stderr.starts_with("apikey: cannot read manifest ");
    assert!(
        EXIT_CODES.contains(&code) || (code == 1 && (notify_send || apply)),
        "undocumented exit code: {}",
        shown()
    );
    assert_printable(&stderr, &shown());
    if code != 0 && !(10..=20).contains(&code) && !stderr.contains("Usage:") {
        assert!(
            stderr.starts_with("apikey: ") && stderr.lines().count() == 1,
            "an error is not one line: {}",
            shown()
        );
    }
    let colored = args
        .iter()
        .any(|a| a.as_encoded_bytes().windows(6).any(|w| w == b"always"));
    if !colored {
        assert_printable(&stdout, &shown());
    }
    if json && code != 2 && !stdout.is_empty() {
        let mut documents =
            serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
        assert!(
            matches!(documents.next(), Some(Ok(_))) && documents.next().is_none(),
            "--json printed something other than one JSON document: {}",
            shown()
        );
    }
}

/// Panics when `text` holds a character a terminal would act on: C0
/// controls other than newline and tab, DEL, or C1 controls.
fn assert_printable(text: &str, context: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}')
    {
        panic!("raw control character {c:?} in output: {context}");
    }
}
