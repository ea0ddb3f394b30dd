//! The `apikey` binary: parse the command line, hand it to the library.

use std::process::ExitCode;

use apikey::cli::{self, Cli};
use clap::Parser;

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => cli::run(&cli),
        Err(e) => cli::usage_error(&e),
    }
}
