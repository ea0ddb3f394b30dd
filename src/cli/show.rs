//! `apikey show`: one key in full.

use super::args::KeyArg;
use super::context::Context;
use super::output::Report;
use crate::error::Result;
use crate::key::KeyRef;

/// Finds the key by id, name or secret.
pub fn run(args: &KeyArg, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = KeyRef::parse(&args.key)?;
    Ok(Report::Key(ctx.store()?.key(&account, &key)?))
}
