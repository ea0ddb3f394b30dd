//! `apikey usage`: lookups over time, by day or by client IP.

use super::args::{ByArg, UsageArgs};
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::error::Result;
use crate::store::Access;
use crate::usage::{self, GroupBy};

/// Reports a key's lookups over the last `--days`.
pub fn run(args: &UsageArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let days = usage::parse_days(&args.days)?;
    let by = match args.by {
        ByArg::Day => GroupBy::Day,
        ByArg::Ip => GroupBy::Ip,
    };
    Ok(Report::Usage(
        ctx.store(Access::Read)?.usage(&account, &key, days, by)?,
    ))
}
