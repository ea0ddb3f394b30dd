//! `apikey log`: the audit trail.

use super::args::LogArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::Result;
use crate::store::Access;

/// The account's admin changes, newest first, or one key's.
pub fn run(args: &LogArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = args.key.as_deref().map(key_ref).transpose()?;
    let entries = ctx.store(Access::Read)?.audit_log(&account, key.as_ref())?;
    Ok(Report::Audit(entries))
}
