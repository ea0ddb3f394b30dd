//! `apikey serve`: reads the flags, environment and config into plain
//! serve options, opens the store for good (durable commits, on a
//! verifier's threads), and serves until a signal.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::args::ServeArgs;
use super::context::{Context, env_value};
use super::output::Report;
use crate::error::{Error, Result};
use crate::serve::{ServeOptions, TrustedProxies};
use crate::store::Access;
use crate::text::quoted;
use crate::verifier::{Verifier, VerifierOptions};

/// Where `serve` listens when nothing says otherwise: loopback only.
const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

/// The default connection cap.
const DEFAULT_MAX_CONNECTIONS: u64 = 10_000;

/// The largest connection cap taken.
const MOST_CONNECTIONS: u64 = 1_000_000;

/// Serves until SIGTERM or SIGINT; prints nothing on stdout.
pub fn run(args: &ServeArgs, ctx: &mut Context) -> Result<Report> {
    let config = ctx.serve_config();
    let listen = match (&args.listen, env_value("APIKEY_LISTEN"), &config.listen) {
        (Some(flag), _, _) => parse_listen(flag, "--listen")?,
        (None, Some(env), _) => parse_listen(&env.to_string_lossy(), "APIKEY_LISTEN")?,
        (None, None, Some(text)) => parse_listen(text, "listen in [serve]")?,
        (None, None, None) => DEFAULT_LISTEN.parse().expect("a valid address"),
    };
    let trust_proxy = if args.trust_proxy.is_empty() {
        TrustedProxies::parse(config.trust_proxy.as_deref().unwrap_or_default())?
    } else {
        TrustedProxies::parse(&args.trust_proxy)?
    };
    let max_connections = match (&args.max_connections, config.max_connections) {
        (Some(text), _) => parse_max_connections(text)?,
        (None, Some(n)) => parse_max_connections(&n.to_string())?,
        (None, None) => DEFAULT_MAX_CONNECTIONS as usize,
    };
    let account = ctx.named_account()?;
    // A server needs a store that exists: a mistyped path fails at start,
    // not with a new empty store that denies every key.
    let mut store = ctx.take_store(Access::Write)?.with_durable_commits()?;
    if let Some(account) = &account {
        store.account(account)?;
    }
    let path = store.path().to_path_buf();
    let verifier = Verifier::with_options(store, VerifierOptions::default())?;
    crate::serve::run(
        verifier,
        ServeOptions {
            listen,
            trust_proxy,
            full_status: args.full_status || config.full_status.unwrap_or(false),
            max_connections,
            account,
        },
        &path,
    )?;
    Ok(Report::Shown)
}

/// `127.0.0.1:7878`, `[::1]:7878`, `0.0.0.0:80`, or `localhost:7878`.
fn parse_listen(text: &str, source: &str) -> Result<SocketAddr> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Some(port) = text.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    Err(Error::invalid(format!(
        "invalid {source} '{}': use an address and port, such as 127.0.0.1:7878 or [::1]:7878",
        quoted(text)
    )))
}

fn parse_max_connections(text: &str) -> Result<usize> {
    text.parse::<u64>()
        .ok()
        .filter(|n| (1..=MOST_CONNECTIONS).contains(n) && text.bytes().all(|b| b.is_ascii_digit()))
        .map(|n| n as usize)
        .ok_or_else(|| {
            Error::invalid(format!(
                "invalid max connections '{}': use a whole number from 1 to {MOST_CONNECTIONS}",
                quoted(text)
            ))
        })
}
