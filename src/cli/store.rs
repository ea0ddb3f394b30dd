//! `apikey store …`: the store file itself.

use super::args::StoreCommand;
use super::context::Context;
use super::output::Report;
use crate::error::Result;
use crate::store::Access;

/// Runs one of the store subcommands.
pub fn run(command: &StoreCommand, ctx: &mut Context) -> Result<Report> {
    match command {
        StoreCommand::Upgrade => {
            // Opening it to write runs the migrations it lacks.
            let (from, to) = ctx.store(Access::Write)?.schema_versions();
            Ok(Report::Upgraded {
                store: ctx.db_path().display().to_string(),
                from,
                to,
            })
        }
        StoreCommand::Check => Ok(Report::Checked {
            store: ctx.db_path().display().to_string(),
            report: ctx.store(Access::Read)?.check()?,
        }),
    }
}
