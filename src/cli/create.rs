//! `apikey create`: a new key, its secret printed once.

use std::io::Write;

use super::args::CreateArgs;
use super::context::Context;
use super::deliver::Delivery;
use super::output::{self, Report};
use crate::error::Result;
use crate::key::KeyName;
use crate::notify::{self, Email};
use crate::store::{Access, KeySpec};

/// Validates the flags into a [`KeySpec`] and creates the key.
pub fn run(args: &CreateArgs, ctx: &mut Context, out: &mut dyn Write) -> Result<Report> {
    let mut delivery = Delivery::new(out, ctx.output, ctx.output_discarded);
    let account = ctx.account()?;
    let name = args.name.as_deref().map(KeyName::new_name).transpose()?;
    let change = super::security::to_change(&args.security, ctx.now())?;
    let mut spec = KeySpec {
        name,
        ..KeySpec::default()
    };
    change.apply(&mut spec.security, &mut spec.expires_at)?;
    let emails: Vec<Email> = args
        .notify
        .iter()
        .map(|e| Email::parse(e))
        .collect::<Result<_>>()?;
    notify::add_emails(&mut spec.notify.emails, &emails)?;
    spec.notify.low_balance = match args.low_balance.as_deref() {
        Some(text) => notify::parse_threshold(text)?,
        None => None,
    };
    let store = ctx.store(Access::Create)?;
    let created = store.create_key_then(&account, &spec, |new| {
        delivery.show(true, |out, mode| {
            output::print_new_key(new, "Created", mode, out)
        })
    });
    delivery.finish(created)
}
