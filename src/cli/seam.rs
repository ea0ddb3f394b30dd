//! The few entry points the binary, the end-to-end tests and the fuzzer
//! need, re-exported from the crate root as a hidden module. None of them
//! reaches the store except through the commands, which use the public
//! `Store` API like any embedder.

use std::ffi::OsString;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use clap_complete::CompleteEnv;

use super::args::ShellArg;

/// The whole `apikey` program: answer a shell's completion request, or
/// parse the command line and run it.
pub fn main() -> ExitCode {
    // A panic is a bug, but its message may quote data (a name, a line of a
    // manifest, a presented key): print one line with where it happened and
    // nothing it carried, and exit 1 like any other internal failure. An
    // open transaction rolls back as the panic unwinds through it.
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr().lock(),
            "apikey: internal error{at} (a bug: please report it)"
        );
    }));
    // Every command may hold a secret (one it made, or one it was handed):
    // no core dump of it, and no other process of the same user attaching
    // to read its memory. Failing to set this is not worth refusing over.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    panic::catch_unwind(AssertUnwindSafe(|| {
        #[cfg(debug_assertions)]
        if let Some(text) = std::env::var_os("APIKEY_TEST_PANIC") {
            // Debug builds only: lets the tests check what a panic prints.
            panic!("{}", text.to_string_lossy());
        }
        let args: Vec<OsString> = std::env::args_os().collect();
        if super::complete::is_request(&args) {
            super::complete::remember_line(&args);
            CompleteEnv::with_factory(super::command)
                .var(super::complete::VAR)
                .complete();
        }
        match super::parse() {
            Ok(cli) => super::run(&cli),
            Err(e) => super::usage_error(&e),
        }
    }))
    .unwrap_or(ExitCode::FAILURE)
}

/// The clap tree: man pages, completions and the docs test read it.
pub fn command() -> clap::Command {
    super::command()
}

/// What one in-process run of a command line ended with.
pub struct Outcome {
    /// The exit code.
    pub code: u8,
    /// Whether the line asked for `--json` (and parsed).
    pub json: bool,
}

/// Runs `argv` (program name first) in this process, results to `out` and
/// errors to `err`, as the binary would: the fuzzer's way in.
pub fn run_args(argv: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    match super::parse_from(argv) {
        Ok(parsed) => Outcome {
            code: super::run_with(&parsed, out, err),
            json: parsed.global.json,
        },
        Err(e) => Outcome {
            code: super::usage_error_to(&e, out, err),
            json: false,
        },
    }
}

/// Whether `argv` parses and asks for `--json`.
pub fn wants_json(argv: &[OsString]) -> bool {
    super::parse_from(argv).is_ok_and(|cli| cli.global.json)
}

/// The static completion script for a shell by its `completions` name
/// (`bash`, `zsh`, `fish`, `powershell`, `elvish`), as checked in.
pub fn completion_script(shell: &str) -> Option<String> {
    use clap::ValueEnum as _;
    let shell = ShellArg::from_str(shell, true).ok()?;
    Some(super::completions::script(shell))
}
