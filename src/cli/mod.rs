//! The command-line front end: the clap tree ([`args`]), the dispatch to one
//! file per command, and the single place where results are printed and
//! errors become exit codes.

mod account;
mod apply;
pub(crate) mod args;
mod autotopup;
pub(crate) mod complete;
pub(crate) mod completions;
pub(crate) mod context;
mod create;
mod deliver;
mod hints;
mod list;
mod log;
mod notify;
pub(crate) mod output;
mod regenerate;
mod rename;
mod revoke;
pub(crate) mod seam;
mod security;
mod serve;
mod show;
mod stdin_key;
mod store;
mod suspend;
mod topup;
mod usage;
mod verify;

use std::io::{self, Write};
use std::process::ExitCode;

pub use args::Cli;
use args::Command;
use clap::{CommandFactory, FromArgMatches};
use context::Context;
use output::Report;

use crate::error::{Error, Result};

/// How `apikey --help` groups the commands.
const GROUPS: &[(&str, &[&str])] = &[
    (
        "Keys",
        &[
            "create",
            "list",
            "show",
            "revoke",
            "suspend",
            "resume",
            "regenerate",
            "rename",
            "topup",
            "autotopup",
        ],
    ),
    (
        "Security and verification",
        &["security", "verify", "serve", "usage"],
    ),
    ("Notifications", &["notify"]),
    (
        "Accounts, audit and the store",
        &["account", "log", "store"],
    ),
    ("Provisioning and shells", &["apply", "completions"]),
];

/// The whole command line as clap sees it: the derived tree, with the
/// top-level help listing commands in groups. Help, man pages and
/// completions all come from this.
pub fn command() -> clap::Command {
    use std::fmt::Write as _;
    let cmd = Cli::command();
    let mut listing = String::new();
    for (title, names) in GROUPS {
        listing.push_str(title);
        listing.push_str(":\n");
        for name in *names {
            let about = cmd
                .find_subcommand(name)
                .and_then(clap::Command::get_about)
                .map(ToString::to_string)
                .unwrap_or_default();
            let _ = writeln!(listing, "  {name:<13}{about}");
        }
        listing.push('\n');
    }
    cmd.help_template(format!(
        "{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{listing}Options:\n{{options}}{{after-help}}"
    ))
}

/// Parses the process's arguments against [`command`].
pub fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

/// Parses an argument vector (program name first) against [`command`]:
/// what [`parse`] does, for callers that build the vector themselves.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let mut matches = command()
        .color(help_color(&args))
        .try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches)
}

/// How clap should color help and usage errors: as `--color` on the line
/// says (parsed later with everything else, too late for `--help`); clap
/// itself honours NO_COLOR and whether stdout is a terminal.
fn help_color(args: &[std::ffi::OsString]) -> clap::ColorChoice {
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    let mut chosen = None;
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--color" {
            chosen = words.next().map(std::borrow::Cow::into_owned);
        } else if let Some(value) = word.strip_prefix("--color=") {
            chosen = Some(value.to_owned());
        }
    }
    match chosen.as_deref() {
        Some("never") => clap::ColorChoice::Never,
        Some("always") => clap::ColorChoice::Always,
        _ => clap::ColorChoice::Auto,
    }
}

/// Runs a parsed command line: dispatch, print, and map the outcome to the
/// exit code. Errors go to stderr as one line, `apikey: message`.
pub fn run(cli: &Cli) -> ExitCode {
    let discarded = context::stdout_discards();
    // stderr is not locked for the whole run: `serve` writes its log
    // lines from the runtime's threads, which would wait for ever.
    let code = run_in(
        cli,
        &mut io::BufWriter::new(io::stdout().lock()),
        &mut io::stderr(),
        discarded,
    );
    ExitCode::from(code)
}

/// [`run`] with the output streams given: results to `out`, the one-line
/// error to `err`. Returns the exit code. The fuzzer drives the command
/// handlers through this, in process.
pub fn run_with(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_in(cli, out, err, false)
}

/// [`run_with`], told whether `out` goes nowhere (stdout on /dev/null).
fn run_in(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write, discarded: bool) -> u8 {
    let outcome = match &cli.command {
        // Completion scripts need no store and no config file.
        Command::Completions(args) => {
            let mode = context::OutputMode {
                json: cli.global.json,
                quiet: cli.global.quiet,
                color: false,
            };
            completions::run(args).and_then(|report| print(&report, mode, out))
        }
        _ => Context::new(&cli.global).and_then(|mut ctx| {
            ctx.output_discarded = discarded;
            warn_to(&mut ctx, err);
            let report = dispatch(&cli.command, &mut ctx, out);
            warn_to(&mut ctx, err);
            let report = report?;
            let printed = print(&report, ctx.output, out);
            if let Some(line) = report.failure_line() {
                let _ = writeln!(err, "apikey: {}", crate::text::printable(&line));
            }
            printed
        }),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => fail_to(&e, err),
    }
}

/// Writes the context's pending warnings, one `apikey: warning: …` line
/// each: about the config file before the command runs, about the store
/// after it (before its report is printed, or its error line).
fn warn_to(ctx: &mut Context, err: &mut dyn Write) {
    for line in ctx.take_warnings() {
        let _ = writeln!(err, "apikey: warning: {}", crate::text::printable(&line));
    }
}

/// Prints a report and flushes it; returns the report's exit code.
fn print(report: &Report, mode: context::OutputMode, out: &mut dyn Write) -> Result<u8> {
    match output::print(report, mode, out).and_then(|()| out.flush()) {
        Ok(()) => Ok(report.exit_code()),
        // A closed pipe (`apikey list | head -1`) is the reader's choice.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(report.exit_code()),
        Err(e) => Err(Error::Output(e)),
    }
}

/// The one dispatch match: each command turns its arguments into calls on
/// the library and returns what to print.
fn dispatch(command: &Command, ctx: &mut Context, out: &mut dyn Write) -> Result<Report> {
    match command {
        Command::Create(args) => create::run(args, ctx, out),
        Command::List(args) => list::run(args, ctx),
        Command::Show(args) => show::run(args, ctx),
        Command::Revoke(args) => revoke::run(args, ctx),
        Command::Suspend(args) => suspend::suspend(args, ctx),
        Command::Resume(args) => suspend::resume(args, ctx),
        Command::Autotopup(args) => autotopup::run(args, ctx),
        Command::Regenerate(args) => regenerate::run(args, ctx, out),
        Command::Rename(args) => rename::run(args, ctx),
        Command::Topup(args) => topup::run(args, ctx),
        Command::Security(args) => security::run(args, ctx),
        Command::Verify(args) => verify::run(args, ctx),
        Command::Serve(args) => serve::run(args, ctx),
        Command::Usage(args) => usage::run(args, ctx),
        Command::Notify(command) => notify::run(command, ctx),
        Command::Log(args) => log::run(args, ctx),
        Command::Account(command) => account::run(command, ctx),
        Command::Store(command) => store::run(command, ctx),
        Command::Apply(args) => apply::run(args, ctx, out),
        Command::Completions(args) => completions::run(args),
    }
}

/// Writes an error as one line, `apikey: message`, and returns its exit code.
fn fail_to(error: &Error, err: &mut dyn Write) -> u8 {
    let line = crate::text::printable(&hints::message(error));
    let _ = writeln!(err, "apikey: {line}");
    error.exit_code()
}

/// Handles what clap could not parse: help and version print as usual;
/// a usage error becomes one line on stderr and exit 2.
pub fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        // clap's own printing keeps help's styles on a terminal.
        let _ = error.print();
        return ExitCode::from(help_exit_code(error));
    }
    let code = usage_error_to(error, &mut io::stdout().lock(), &mut io::stderr().lock());
    ExitCode::from(code)
}

/// [`usage_error`] with the output streams given; returns the exit code.
pub fn usage_error_to(error: &clap::Error, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(out, "{}", error.render());
            help_exit_code(error)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // Help, but as a failure: on stderr, leaving stdout empty.
            let _ = write!(err, "{}", error.render());
            2
        }
        _ => {
            let _ = writeln!(err, "apikey: {}", one_line_usage_error(error));
            2
        }
    }
}

/// 0 for help, except `verify`'s: a verifier exits 0 only for a valid key,
/// and a script running `apikey verify "$PRESENTED"` must not accept a
/// caller who presents `--help`. (`verify` has no `--version` at all.)
fn help_exit_code(error: &clap::Error) -> u8 {
    let rendered = error.render().to_string();
    if rendered
        .lines()
        .any(|l| l.starts_with("Usage: apikey verify"))
    {
        2
    } else {
        0
    }
}

/// clap's usage error on one line, keeping what it names: the missing
/// arguments, the possible values, the suggestion; and which command's
/// `--help` to read.
fn one_line_usage_error(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut message = String::new();
    let mut tips = String::new();
    let mut command = String::from("apikey");
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(usage) = line.strip_prefix("Usage: ") {
            let words: Vec<&str> = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect();
            if !words.is_empty() {
                command = words.join(" ");
            }
        } else if line.starts_with("For more information") {
        } else if let Some(tip) = line.strip_prefix("tip: ") {
            tips.push_str(&format!(" ({tip})"));
        } else {
            if !message.is_empty() {
                message.push(' ');
            }
            message.push_str(line.strip_prefix("error: ").unwrap_or(line));
        }
    }
    if message.is_empty() {
        message.push_str("invalid arguments");
    }
    // clap quotes a value it refused whole; quote at most 80 characters
    // of it, as every other message does.
    if let Some(clap::error::ContextValue::String(value)) =
        error.get(clap::error::ContextKind::InvalidValue)
        && !value.is_empty()
    {
        message = message.replace(value.as_str(), &crate::text::quoted(value));
    }
    // clap quotes what it could not place, which may be a pasted secret.
    crate::text::printable(&crate::text::hide_secrets(&format!(
        "{message}{tips} (see `{command} --help`)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_in_a_help_group() {
        let cmd = Cli::command();
        let grouped: Vec<&str> = GROUPS
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        for sub in cmd.get_subcommands() {
            assert!(
                grouped.contains(&sub.get_name()),
                "{} is in no group",
                sub.get_name()
            );
        }
        assert_eq!(grouped.len(), cmd.get_subcommands().count());
    }

    #[test]
    fn the_clap_tree_is_consistent() {
        command().debug_assert();
    }
}
