//! The `apikey` binary: answer a shell's completion request, or parse the
//! command line and hand it to the library.

use std::process::ExitCode;

use apikey::cli;
use clap_complete::CompleteEnv;

fn main() -> ExitCode {
    CompleteEnv::with_factory(cli::command).complete();
    match cli::parse() {
        Ok(cli) => cli::run(&cli),
        Err(e) => cli::usage_error(&e),
    }
}
