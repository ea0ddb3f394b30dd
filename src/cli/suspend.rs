//! `apikey suspend` and `apikey resume`: pause a key without losing it,
//! and let it verify again.

use super::args::{KeyArg, SuspendArgs};
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::Result;
use crate::store::{Access, Suspension};

/// Suspends the key; a suspended key is left as it is.
pub fn suspend(args: &SuspendArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let done = ctx
        .store(Access::Write)?
        .suspend(&account, &key, args.reason.as_deref())?;
    Ok(report(done, "Suspended", "is already suspended"))
}

/// Resumes the key; a key that is not suspended is left as it is.
pub fn resume(args: &KeyArg, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let done = ctx.store(Access::Write)?.resume(&account, &key)?;
    Ok(report(done, "Resumed", "is not suspended"))
}

fn report(done: Suspension, verb: &str, unchanged: &str) -> Report {
    let message = if done.changed {
        format!("{verb} key {}.", done.key.label())
    } else {
        format!("Key {} {unchanged}: nothing changed.", done.key.label())
    };
    Report::Changed {
        message,
        quiet: None,
        key: done.key,
    }
}
