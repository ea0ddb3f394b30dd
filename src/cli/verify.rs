//! `apikey verify`: check a presented key as an API server would. The key
//! comes from stdin when it is `-` or absent, so it need not appear in `ps`.

use std::net::IpAddr;

use super::args::VerifyArgs;
use super::context::Context;
use super::output::Report;
use super::stdin_key::Presented;
use crate::error::{Error, Result};
use crate::store::Access;
use crate::text::quoted;
use crate::verify::{self, Verdict, VerifyCode, VerifyRequest};

/// Reads the key, validates the request flags, and asks the store.
pub fn run(args: &VerifyArgs, ctx: &mut Context) -> Result<Report> {
    let cost = verify::parse_cost(&args.cost)?;
    let ip = args
        .ip
        .as_deref()
        .map(|text| {
            text.parse::<IpAddr>().map_err(|_| {
                Error::invalid(format!(
                    "invalid --ip '{}': use an IPv4 or IPv6 address",
                    quoted(text)
                ))
            })
        })
        .transpose()?;
    let presented = match args.key.as_deref() {
        None | Some("-") => Presented::from_stdin()?,
        // Trimmed as stdin is: `"$(cat key)"` and a pasted line verify alike.
        Some(text) => Presented(text.trim().to_owned()),
    };
    // Named (flag, APIKEY_ACCOUNT or the config), the account scopes the
    // verification: a bad name is exit 2 before anything is read.
    let account = ctx.named_account()?;
    let request = VerifyRequest {
        origin: args.origin.clone(),
        ip,
        scope: args.scope.clone(),
        cost,
        dry_run: args.dry_run,
        account,
    };
    // A malformed key is answered before the store is opened (or created).
    if crate::secret::Secret::parse(&presented.0).is_err() {
        return Ok(Report::Verdict(Verdict::unidentified(
            VerifyCode::Malformed,
            cost,
        )));
    }
    // A dry run only reads; a spend needs a store that exists (a verifier
    // pointed at a mistyped path fails loudly instead of making one).
    let access = if args.dry_run {
        Access::Read
    } else {
        Access::Write
    };
    let verdict = ctx.store(access)?.verify(&presented.0, &request)?;
    Ok(Report::Verdict(verdict))
}
