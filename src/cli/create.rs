//! `apikey create`: a new key, its secret printed once.

use super::args::CreateArgs;
use super::context::Context;
use super::output::Report;
use crate::error::Result;
use crate::key::KeyName;
use crate::notify::{self, Email};
use crate::store::KeySpec;

/// Validates the flags into a [`KeySpec`] and creates the key.
pub fn run(args: &CreateArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let name = args.name.as_deref().map(KeyName::new_name).transpose()?;
    let store = ctx.store()?;
    let change = super::security::to_change(&args.security, store.now())?;
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
    let new = store.create_key(&account, &spec)?;
    Ok(Report::NewKey {
        new,
        verb: "Created",
    })
}
