//! Dynamic completion: key and account names from the store, for shells
//! that registered with `apikey completions SHELL --dynamic`. Completers see
//! only the environment (APIKEY_DB, APIKEY_CONFIG, APIKEY_ACCOUNT and the
//! config file), not flags typed earlier on the line. They never create a
//! store, and any failure just means no candidates.

use clap_complete::engine::CompletionCandidate;

use super::args::GlobalArgs;
use super::context::Context;

fn context() -> Option<Context> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let global = GlobalArgs {
        db: var("APIKEY_DB").map(Into::into),
        config: var("APIKEY_CONFIG").map(Into::into),
        account: var("APIKEY_ACCOUNT").map(|v| v.to_string_lossy().into_owned()),
        json: false,
        yes: false,
        quiet: false,
        color: None,
    };
    let ctx = Context::new(&global).ok()?;
    ctx.db_path().is_file().then_some(ctx)
}

/// The current account's active keys: names, with id and balance as help.
pub fn keys() -> Vec<CompletionCandidate> {
    let Some(mut ctx) = context() else {
        return Vec::new();
    };
    let Ok(account) = ctx.account() else {
        return Vec::new();
    };
    let Ok(store) = ctx.store_for_reading() else {
        return Vec::new();
    };
    store
        .keys(&account, false)
        .unwrap_or_default()
        .into_iter()
        .map(|k| {
            CompletionCandidate::new(k.name.as_str())
                .help(Some(format!("{}, balance {}", k.id, k.balance).into()))
        })
        .collect()
}

/// Every account's name, with its active key count as help.
pub fn accounts() -> Vec<CompletionCandidate> {
    let Some(mut ctx) = context() else {
        return Vec::new();
    };
    let Ok(store) = ctx.store_for_reading() else {
        return Vec::new();
    };
    store
        .accounts()
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            CompletionCandidate::new(a.name)
                .help(Some(format!("{} active keys", a.active_keys).into()))
        })
        .collect()
}
