//! The `apikey` binary: answer a shell's completion request, or parse the
//! command line and hand it to the library.

use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use apikey::cli;
use clap_complete::CompleteEnv;

fn main() -> ExitCode {
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
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if cli::complete::is_request(&args) {
            cli::complete::remember_line(&args);
            CompleteEnv::with_factory(cli::command)
                .var(cli::complete::VAR)
                .complete();
        }
        match cli::parse() {
            Ok(cli) => cli::run(&cli),
            Err(e) => cli::usage_error(&e),
        }
    }))
    .unwrap_or(ExitCode::FAILURE)
}
