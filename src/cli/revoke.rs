//! `apikey revoke`: permanently disable a key, after confirmation.

use super::args::RevokeArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::{Refusal, Result};
use crate::key::{KeyRef, KeyStatus};
use crate::store::Access;

/// Confirms (or needs `--yes`), then revokes.
pub fn run(args: &RevokeArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key_ref = key_ref(&args.key)?;
    let key = ctx.store(Access::Write)?.key(&account, &key_ref)?;
    if key.status == KeyStatus::Revoked {
        return Err(Refusal::AlreadyRevoked { key: key.label() }.into());
    }
    ctx.confirm(&format!("revoke key {}", key.label()))?;
    let key =
        ctx.store(Access::Write)?
            .revoke(&account, &KeyRef::Id(key.id), args.reason.as_deref())?;
    Ok(Report::Changed {
        message: format!("Revoked key {}.", key.label()),
        quiet: None,
        key,
    })
}
