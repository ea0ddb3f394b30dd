//! `apikey topup`: add lookups to a balance, at most once per ref.

use super::args::TopupArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::balance::{self, BatchExpiry};
use crate::error::Result;
use crate::store::{Access, TopupOrder};

/// Validates the amount (1 to 1,000,000,000) and adds it, unless its ref
/// was used for it already.
pub fn run(args: &TopupArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let amount = balance::parse_amount(&args.amount)?;
    let expires = match &args.expires {
        Some(text) => BatchExpiry::parse(text)?,
        None => ctx.topup_expires(),
    };
    let order = TopupOrder {
        amount,
        note: args.note.as_deref(),
        reference: args.reference.as_deref(),
        expires,
    };
    let topup = ctx
        .store(Access::Write)?
        .topup_with(&account, &key, &order)?;
    let message = match topup.duplicate_of {
        None => format!(
            "Added {amount} lookups to key {}{}; balance {}.",
            topup.key.label(),
            topup
                .expires_at
                .map(|t| format!(", expiring at {t}"))
                .unwrap_or_default(),
            topup.key.balance
        ),
        Some(at) => format!(
            "Ref '{}' was used at {at} for these {amount} lookups on key {}: nothing added; balance {}.",
            crate::text::quoted(args.reference.as_deref().unwrap_or_default()),
            topup.key.label(),
            topup.key.balance
        ),
    };
    Ok(Report::Topup { topup, message })
}
