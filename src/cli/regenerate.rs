//! `apikey regenerate`: a new secret for the same key.

use std::time::Duration;

use super::args::RegenerateArgs;
use super::context::Context;
use super::output::Report;
use crate::clock;
use crate::error::Result;
use crate::key::KeyRef;

/// Replaces the secret; the old one works for `--grace` (default: not at all).
pub fn run(args: &RegenerateArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = KeyRef::parse(&args.key)?;
    let grace = match args.grace.as_deref() {
        Some(text) => clock::parse_duration(text)?,
        None => Duration::ZERO,
    };
    let new = ctx.store()?.regenerate(&account, &key, grace)?;
    Ok(Report::NewKey {
        new,
        verb: "Regenerated",
    })
}
