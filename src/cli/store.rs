//! `apikey store …`: the store as a whole: its schema, its invariants,
//! copies and snapshots.

use super::args::StoreCommand;
use super::context::Context;
use super::output::Report;
use crate::error::Result;
use crate::store::Access;

/// Runs one of the store subcommands.
pub fn run(command: &StoreCommand, ctx: &mut Context) -> Result<Report> {
    match command {
        StoreCommand::Upgrade => {
            // Opening it to write runs the migrations it lacks; then the
            // space an upgrade freed goes back, should an upgrade have
            // been stopped before it could give it back itself.
            let store = ctx.store(Access::Write)?;
            let (from, to) = store.schema_versions();
            store.give_back_free_space(&mut super::context::say_progress);
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
        StoreCommand::Copy { from, to } => {
            let mut from = ctx.open_other(from, Access::Read)?;
            let mut to = ctx.open_other(to, Access::Create)?;
            Ok(Report::Copied(from.copy_into(&mut to)?))
        }
        StoreCommand::Backup { file } => {
            let file = crate::config::expand_home(file)?;
            ctx.store(Access::Read)?.backup(&file)?;
            Ok(Report::BackedUp {
                store: ctx.db_path().display().to_string(),
                file: file.display().to_string(),
            })
        }
    }
}
