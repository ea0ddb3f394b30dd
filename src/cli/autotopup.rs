//! `apikey autotopup`: show or change a key's automatic top-up.

use super::args::AutotopupArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::balance::{self, BatchExpiry};
use crate::error::{Error, Result};
use crate::store::{Access, AutoTopupChange};

/// With no flags, shows the key's automatic top-up (and reads only);
/// otherwise changes it.
pub fn run(args: &AutotopupArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let change = AutoTopupChange {
        off: args.off,
        below: args.below.as_deref().map(threshold).transpose()?,
        amount: args
            .amount
            .as_deref()
            .map(balance::parse_amount)
            .transpose()?,
        max_per_day: args.max_per_day.as_deref().map(per_day).transpose()?,
        expires: args
            .expires
            .as_deref()
            .map(BatchExpiry::parse_relative)
            .transpose()?,
    };
    let shows_only = !change.off
        && change.below.is_none()
        && change.amount.is_none()
        && change.max_per_day.is_none()
        && change.expires.is_none();
    if shows_only {
        let key = ctx.store(Access::Read)?.key(&account, &key)?;
        let message = format!(
            "Automatic top-up of key {}: {}.",
            key.label(),
            crate::store::describe_auto_topup(key.auto_topup.as_ref())
        );
        return Ok(Report::Changed {
            key,
            message,
            quiet: None,
        });
    }
    let done = ctx
        .store(Access::Write)?
        .set_auto_topup(&account, &key, &change)?;
    let settings = crate::store::describe_auto_topup(done.key.auto_topup.as_ref());
    let message = if done.changed {
        format!("Automatic top-up of key {}: {settings}.", done.key.label())
    } else {
        format!(
            "Automatic top-up of key {} is already {settings}: nothing changed.",
            done.key.label()
        )
    };
    Ok(Report::Changed {
        key: done.key,
        message,
        quiet: None,
    })
}

/// `--below`: a whole number from 1 to 1,000,000,000.
fn threshold(text: &str) -> Result<i64> {
    balance::parse_amount(text).map_err(|_| {
        Error::invalid(format!(
            "invalid threshold '{}': use a whole number from 1 to 1000000000",
            crate::text::quoted(text)
        ))
    })
}

/// `--max-per-day`: a whole number from 1 to 1,000.
fn per_day(text: &str) -> Result<u32> {
    let bad = || {
        Error::invalid(format!(
            "invalid number of top-ups per day '{}': use a whole number from 1 to {}",
            crate::text::quoted(text),
            balance::auto::MAX_PER_DAY
        ))
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u32 = text.parse().map_err(|_| bad())?;
    if !(1..=balance::auto::MAX_PER_DAY).contains(&n) {
        return Err(bad());
    }
    Ok(n)
}
