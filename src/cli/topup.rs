//! `apikey topup`: add lookups to a balance.

use super::args::TopupArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::balance;
use crate::error::Result;
use crate::store::Access;

/// Validates the amount (1 to 1,000,000,000) and adds it.
pub fn run(args: &TopupArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let amount = balance::parse_amount(&args.amount)?;
    let key = ctx
        .store(Access::Write)?
        .topup(&account, &key, amount, args.note.as_deref())?;
    Ok(Report::Changed {
        message: format!(
            "Added {amount} lookups to key {}; balance {}.",
            key.label(),
            key.balance
        ),
        quiet: Some(key.balance.to_string()),
        key,
    })
}
