//! `apikey security`: show a key's security settings, or change them. Also
//! turns the security flags (shared with `create`) into a [`SecurityChange`].

use super::args::{SecurityArgs, SecurityFlags};
use super::context::Context;
use super::output::Report;
use super::stdin_key::key_ref;
use crate::clock::{self, Timestamp};
use crate::error::Result;
use crate::rate::{RateLimit, Window};
use crate::security::{self, IpRule, Scope, SecurityChange, UrlPattern};
use crate::store::Access;

/// Shows the settings, or applies the flags and shows the result.
pub fn run(args: &SecurityArgs, ctx: &mut Context) -> Result<Report> {
    let account = ctx.account()?;
    let key = key_ref(&args.key)?;
    let change = to_change(&args.flags, ctx.now())?;
    if change.is_empty() {
        return Ok(Report::Security {
            key: ctx.store(Access::Read)?.key(&account, &key)?,
            changed: false,
        });
    }
    Ok(Report::Security {
        key: ctx
            .store(Access::Write)?
            .update_security(&account, &key, &change)?,
        changed: true,
    })
}

/// Parses every flag; the first invalid value is the error.
pub fn to_change(flags: &SecurityFlags, now: Timestamp) -> Result<SecurityChange> {
    let urls =
        |list: &[String]| -> Result<Vec<_>> { list.iter().map(|u| UrlPattern::parse(u)).collect() };
    let ips =
        |list: &[String]| -> Result<Vec<_>> { list.iter().map(|i| IpRule::parse(i)).collect() };
    let scopes =
        |list: &[String]| -> Result<Vec<_>> { list.iter().map(|s| Scope::parse(s)).collect() };
    let limit = |what: &str, v: &Option<String>| {
        v.as_deref()
            .map(|t| security::parse_limit(what, t))
            .transpose()
    };
    Ok(SecurityChange {
        allow_urls: urls(&flags.allow_url)?,
        // An entry an older build stored, which no longer parses, can still
        // be removed by its exact text.
        remove_urls: flags
            .remove_url
            .iter()
            .map(|u| UrlPattern::parse(u).unwrap_or_else(|_| UrlPattern::from_store(u)))
            .collect(),
        allow_ips: ips(&flags.allow_ip)?,
        remove_ips: ips(&flags.remove_ip)?,
        daily_limit: limit("daily limit", &flags.daily_limit)?,
        monthly_limit: limit("monthly limit", &flags.monthly_limit)?,
        ip_daily_limit: limit("IP daily limit", &flags.ip_daily_limit)?,
        add_scopes: scopes(&flags.scope)?,
        remove_scopes: scopes(&flags.remove_scope)?,
        expires: match flags.expires.as_deref() {
            None => None,
            Some("never") => Some(None),
            Some(when) => Some(Some(clock::parse_future(when, now)?)),
        },
        redact_days: flags
            .redact_days
            .as_deref()
            .map(security::parse_redact_days)
            .transpose()?,
        rate_limits: flags
            .rate_limit
            .iter()
            .map(|r| RateLimit::parse(r))
            .collect::<Result<_>>()?,
        remove_rate_limits: flags
            .remove_rate_limit
            .iter()
            .map(|w| Window::parse(w))
            .collect::<Result<_>>()?,
    })
}
