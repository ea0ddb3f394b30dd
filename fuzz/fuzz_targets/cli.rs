//! The command-line surface: argument vectors through the clap tree and into
//! the command handlers, in process, on one temp store that every run adds
//! to. See `apikey_fuzz::check_cli_outcome` for what each run must hold.
#![no_main]

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use apikey::cli_seam;

/// The store every run shares; the folder lives as long as the process.
fn store() -> &'static PathBuf {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp folder").keep();
        // SAFETY: set once, before any thread of ours reads the environment;
        // libFuzzer's own threads do not touch it. stdin becomes /dev/null so
        // `verify` without a key reads nothing instead of waiting.
        unsafe {
            for (name, _) in std::env::vars_os() {
                if name.to_string_lossy().starts_with("APIKEY_") || name == "NO_COLOR" {
                    std::env::remove_var(name);
                }
            }
            std::env::set_var("HOME", &dir);
            std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
            std::env::set_var("XDG_DATA_HOME", dir.join("data"));
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
            assert!(
                null >= 0 && libc::dup2(null, 0) == 0,
                "stdin from /dev/null"
            );
        }
        dir.join("keys.db")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(args) = apikey_fuzz::cli_args(data) else {
        return;
    };
    let mut argv: Vec<OsString> = vec!["apikey".into(), "--db".into(), store().into()];
    argv.extend(args.iter().cloned());
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let outcome = cli_seam::run_args(&argv, &mut stdout, &mut stderr);
    apikey_fuzz::check_cli_outcome(&args, outcome.json, outcome.code, &stdout, &stderr);
});
