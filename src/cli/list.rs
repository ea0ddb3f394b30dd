//! `apikey list`: the account's keys, never their secrets.

use super::args::ListArgs;
use super::context::Context;
use super::output::Report;
use crate::error::Result;
use crate::store::Access;

/// Lists active keys, or all keys with `--all`.
pub fn run(args: &ListArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let keys = ctx.store(Access::Read)?.keys(&account, args.all)?;
    Ok(Report::Keys {
        account: account.to_string(),
        keys,
    })
}
