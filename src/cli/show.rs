//! `apikey show`: one key in full.

use super::args::KeyArg;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::Result;
use crate::store::Access;

/// Finds the key by id, name or secret.
pub fn run(args: &KeyArg, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let store = ctx.store(Access::Read)?;
    let key = store.key(&account, &key)?;
    let usage_today = key.usage_today(store.now());
    Ok(Report::Key { key, usage_today })
}
