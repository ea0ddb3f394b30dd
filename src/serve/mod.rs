//! `apikey serve`: key verification over HTTP for gateways (nginx
//! `auth_request`, Traefik ForwardAuth, Envoy ext_authz) and API servers in
//! any language. HTTP in front of the library's [`Verifier`]: this module
//! turns requests into verify requests and verdicts into statuses; every
//! rule is the engine's, and the store stays on the verifier's own threads
//! (never on a runtime worker).
//!
//! The parts, one file each: `server` accepts, caps and drains
//! connections; `routes` dispatches; `gateway` reads a gateway's headers
//! and answers with a status; `verify_json` is the JSON endpoint;
//! `client_ip` trusts forwarded addresses only from proxies; `metrics`
//! and `health` watch; `log` writes the one-line events.

mod client_ip;
mod gateway;
mod health;
mod log;
mod metrics;
mod routes;
mod server;
mod verify_json;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub(crate) use self::client_ip::TrustedProxies;
use crate::account::AccountName;
use crate::error::{Error, Result};
use crate::verifier::Verifier;

/// What `serve` was asked to do, as plain values (no flags, no config).
#[derive(Debug)]
pub(crate) struct ServeOptions {
    /// The address to listen on; port 0 takes a free one (the start line
    /// names it).
    pub listen: SocketAddr,
    /// Peers whose forwarded client addresses are believed.
    pub trust_proxy: TrustedProxies,
    /// Answer balance denials 402 and limit denials 429, for gateways that
    /// pass statuses through.
    pub full_status: bool,
    /// The most connections open at once; more wait in the kernel's
    /// backlog until one closes.
    pub max_connections: usize,
    /// The account every request is scoped to, if one was named.
    pub account: Option<AccountName>,
}

/// How long a connection may sit idle (or take to send a request's
/// headers) before it is closed: longer than nginx's and Traefik's
/// upstream keep-alive (60 and 90 s), so a gateway closes first and never
/// reuses a connection as it is closed here.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(100);

/// The largest request body read (a `POST /v1/verify`); more is 413.
pub(crate) const MAX_BODY: usize = 16 * 1024;

/// How long a request body may take to arrive.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stop waits for requests in flight before it closes what is
/// left.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Descriptors kept for the store, the listener and the runtime, beside
/// one per connection.
const SPARE_DESCRIPTORS: u64 = 64;

/// Raises the soft limit on open files as far as the hard limit allows,
/// so `connections` fit; if they still do not, the cap is lowered to what
/// fits (and logged), since a server out of descriptors fails every
/// accept instead of making clients wait.
fn room_for(connections: usize) -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let wanted = connections as u64 + SPARE_DESCRIPTORS;
    let limit = getrlimit(Resource::Nofile);
    let mut current = limit.current.unwrap_or(u64::MAX);
    if current < wanted {
        let raised = limit.maximum.map_or(wanted, |max| max.min(wanted));
        if setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(raised),
                maximum: limit.maximum,
            },
        )
        .is_ok()
        {
            current = raised;
        }
    }
    if current >= wanted {
        return connections;
    }
    let fits = current.saturating_sub(SPARE_DESCRIPTORS).max(1) as usize;
    log::line(&format!(
        "the open-file limit is {current}: serving at most {fits} connections instead of {connections}"
    ));
    fits
}

/// Everything a request handler needs, shared by all connections.
pub(crate) struct App {
    verifier: Verifier,
    options: ServeOptions,
    metrics: metrics::Metrics,
    health: health::Health,
    /// Connections open now.
    open: AtomicUsize,
    /// The log of failed verifications, at most a line a second.
    store_errors: log::Throttled,
}

impl App {
    /// Connections open now.
    fn connections(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }
}

/// Serves until SIGTERM or SIGINT, then drains: stops accepting, answers
/// what is in flight (every VALID answered has committed), and returns.
pub(crate) fn run(
    verifier: Verifier,
    mut options: ServeOptions,
    store: &std::path::Path,
) -> Result<()> {
    options.max_connections = room_for(options.max_connections);
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("apikey-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|source| Error::Io {
            path: store.to_path_buf(),
            source,
        })?;
    let app = Arc::new(App {
        verifier,
        metrics: metrics::Metrics::default(),
        health: health::Health::default(),
        open: AtomicUsize::new(0),
        store_errors: log::Throttled::default(),
        options,
    });
    runtime.block_on(server::serve(app, store))
}
