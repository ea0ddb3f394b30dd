//! `apikey completions`: shell completion scripts from the clap tree.
//! Static scripts are also checked in under `completions/`; `--dynamic`
//! prints the registration that calls apikey back for store-backed names.

use clap_complete::env::EnvCompleter;
use clap_complete::{Shell, generate};

use super::args::{CompletionsArgs, ShellArg};
use super::output::Report;
use crate::error::{Error, Result};

/// The name completion scripts are written for.
pub const BIN: &str = "apikey";

/// The static completion script for `shell`, as checked in.
pub fn script(shell: ShellArg) -> String {
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
        ShellArg::Elvish => Shell::Elvish,
    };
    let mut out = Vec::new();
    generate(shell, &mut super::command(), BIN, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The dynamic registration script: the shell asks this binary (by its
/// current path) for candidates.
fn dynamic(shell: ShellArg) -> Result<String> {
    let completer: &dyn EnvCompleter = match shell {
        ShellArg::Bash => &clap_complete::env::Bash,
        ShellArg::Zsh => &clap_complete::env::Zsh,
        ShellArg::Fish => &clap_complete::env::Fish,
        ShellArg::Powershell => &clap_complete::env::Powershell,
        ShellArg::Elvish => &clap_complete::env::Elvish,
    };
    let exe = std::env::current_exe().map_err(|e| {
        Error::Output(std::io::Error::other(format!(
            "cannot find apikey itself: {e}"
        )))
    })?;
    let mut out = Vec::new();
    completer
        .write_registration(
            super::complete::VAR,
            BIN,
            BIN,
            &exe.to_string_lossy(),
            &mut out,
        )
        .map_err(Error::Output)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Prints the script.
pub fn run(args: &CompletionsArgs) -> Result<Report> {
    let text = if args.dynamic {
        dynamic(args.shell)?
    } else {
        script(args.shell)
    };
    Ok(Report::Script {
        shell: format!("{:?}", args.shell).to_lowercase(),
        text,
    })
}
