//! `apikey account create|list|show`.

use super::args::AccountCommand;
use super::context::Context;
use super::output::Report;
use crate::account::AccountName;
use crate::error::Result;
use crate::store::Access;

/// Runs one of the account subcommands.
pub fn run(command: &AccountCommand, ctx: &mut Context) -> Result<Report> {
    match command {
        AccountCommand::Create { name } => {
            let name = AccountName::parse(name)?;
            Ok(Report::Account {
                account: ctx.store(Access::Create)?.create_account(&name)?,
                created: true,
            })
        }
        AccountCommand::List => Ok(Report::Accounts(ctx.store(Access::Read)?.accounts()?)),
        AccountCommand::Show { name } => {
            let name = match name {
                Some(name) => AccountName::parse(name)?,
                None => ctx.account()?,
            };
            Ok(Report::Account {
                account: ctx.store(Access::Read)?.account(&name)?,
                created: false,
            })
        }
    }
}
