//! Connections: the accept loop with its cap, each connection served by
//! hyper, and the one drain path. A signal stops the accept loop, every
//! connection is told to finish the request it is on and close, and the
//! server returns once the last one has; every VALID it answered was
//! answered after its commit, so nothing answered is lost.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{App, DRAIN_TIMEOUT, IDLE_TIMEOUT, health, log, routes};
use crate::error::{Error, Result};

/// The largest request head (request line and headers) read; more is
/// answered 431 and the connection closed.
const MAX_HEAD: usize = 16 * 1024;

/// Serves until SIGTERM or SIGINT, then drains.
pub(crate) async fn serve(app: Arc<App>, store: &std::path::Path) -> Result<()> {
    // The handlers are in place before the start line, so a signal sent
    // as soon as the line appears is a clean stop.
    let signals = Signals::install()?;
    let listen = app.options.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| Error::Serve {
            action: format!("listen on {listen}"),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| Error::Serve {
        action: format!("listen on {listen}"),
        source,
    })?;
    let scope = match &app.options.account {
        Some(account) => format!(", account {account}"),
        None => String::new(),
    };
    log::line(&format!(
        "listening on http://{local} (store {}{scope}, at most {} connections)",
        store.display(),
        app.options.max_connections
    ));
    tokio::spawn(health::watch(Arc::clone(&app)));

    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(IDLE_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(app.options.max_connections));
    let graceful = GracefulShutdown::new();
    let accept_errors = log::Throttled::default();
    let mut signals = std::pin::pin!(signals.first());
    let why = loop {
        // A connection slot before accepting: past the cap, clients wait
        // in the kernel's backlog instead of costing memory here.
        let slot = tokio::select! {
            why = &mut signals => break why,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break "closed",
            },
        };
        let (stream, peer) = tokio::select! {
            why = &mut signals => break why,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or memory, or a connection reset
                    // before it was taken: wait a moment rather than spin.
                    accept_errors.line(&format!(
                        "cannot accept a connection: {}",
                        crate::text::io_reason(&e)
                    ));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        app.metrics.accepted();
        let _ = stream.set_nodelay(true);
        // The connection's own state holds its count and its slot (in the
        // service, which captures `open` whole because `Open` is `Drop`),
        // so both go when hyper drops the connection. Spawned as
        // it is: an `async` block awaiting it would hold it twice over
        // (1.6 KiB a connection instead of 0.8).
        let open = Open::count(&app, slot);
        let service =
            service_fn(move |request| routes::handle(Arc::clone(&open.app), peer, request));
        // A connection's errors (a client gone, a bad request hyper
        // answered itself, a timeout) end that connection only.
        tokio::spawn(graceful.watch(http.serve_connection(TokioIo::new(stream), service)));
    };
    drop(listener);
    log::line(&format!(
        "stopping ({why}): finishing the requests of {} open connections",
        app.connections()
    ));
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        log::line(&format!(
            "{} connections still busy after {} s; closing them",
            app.connections(),
            DRAIN_TIMEOUT.as_secs()
        ));
    }
    log::line(&format!(
        "stopped after {} verifications",
        app.metrics.answered()
    ));
    Ok(())
}

/// SIGTERM and SIGINT, installed up front.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> Result<Signals> {
        let install = |kind| {
            signal(kind).map_err(|source| Error::Serve {
                action: "handle signals".into(),
                source,
            })
        };
        Ok(Signals {
            term: install(SignalKind::terminate())?,
            int: install(SignalKind::interrupt())?,
        })
    }

    /// The name of the first signal to arrive.
    async fn first(mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

/// One open connection, counted while it lives, with its connection slot.
struct Open {
    app: Arc<App>,
    _slot: OwnedSemaphorePermit,
}

impl Open {
    fn count(app: &Arc<App>, slot: OwnedSemaphorePermit) -> Open {
        app.open.fetch_add(1, Ordering::Relaxed);
        Open {
            app: Arc::clone(app),
            _slot: slot,
        }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.app.open.fetch_sub(1, Ordering::Relaxed);
    }
}
