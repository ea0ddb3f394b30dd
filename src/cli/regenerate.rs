//! `apikey regenerate`: a new secret for the same key.

use std::io::Write;
use std::time::Duration;

use super::args::RegenerateArgs;
use super::context::Context;
use super::deliver::Delivery;
use super::output::{self, Report};
use super::stdin_key::key_ref;
use crate::clock;
use crate::error::Result;
use crate::store::Access;

/// Replaces the secret; the old one works for `--grace` (default: not at all).
pub fn run(args: &RegenerateArgs, ctx: &mut Context, out: &mut dyn Write) -> Result<Report> {
    let mut delivery = Delivery::new(out, ctx.output, ctx.output_discarded);
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let grace = match args.grace.as_deref() {
        Some(text) => clock::parse_duration(text)?,
        None => Duration::ZERO,
    };
    let regenerated = ctx
        .store(Access::Write)?
        .regenerate_then(&account, &key, grace, |new| {
            delivery.show(true, |out, mode| {
                output::print_new_key(new, "Regenerated", mode, out)
            })
        });
    delivery.finish(regenerated)
}
