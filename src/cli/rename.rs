//! `apikey rename`: a new name for a key, keeping everything else.

use super::args::RenameArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::Result;
use crate::key::KeyName;
use crate::store::Access;

/// Validates the new name as `create --name` would, and renames.
pub fn run(args: &RenameArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let name = KeyName::new_name(&args.name)?;
    let key = ctx.store(Access::Write)?.rename(&account, &key, &name)?;
    Ok(Report::Changed {
        message: format!("Key {} is now named {}.", key.id, key.name),
        quiet: Some(key.name.to_string()),
        key,
    })
}
