//! `apikey create`: a new key, its secret printed once.

use super::args::CreateArgs;
use super::context::Context;
use super::output::Report;
use crate::clock;
use crate::error::Result;
use crate::key::KeyName;
use crate::store::KeySpec;

/// Validates the flags into a [`KeySpec`] and creates the key.
pub fn run(args: &CreateArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let name = args.name.as_deref().map(KeyName::parse).transpose()?;
    let store = ctx.store()?;
    let expires_at = match args.expires.as_deref() {
        None | Some("never") => None,
        Some(when) => Some(clock::parse_future(when, store.now())?),
    };
    let spec = KeySpec {
        name,
        expires_at,
        ..KeySpec::default()
    };
    let new = store.create_key(&account, &spec)?;
    Ok(Report::NewKey {
        new,
        verb: "Created",
    })
}
