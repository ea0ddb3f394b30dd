//! A blocking connection to the server with a deadline on every exchange:
//! tokio-postgres driven by a runtime of its own on the calling thread (the
//! store stays synchronous), so that a server that stops answering (a
//! hung host, a hostile peer) fails the command after the deadline rather
//! than holding it for ever. A connection that missed a deadline is not
//! used again.

use std::future::Future;
use std::time::Duration;

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

/// Why an exchange with the server failed.
#[derive(Debug)]
pub(super) enum Failure {
    /// The server (or the connection under it) said so.
    Postgres(tokio_postgres::Error),
    /// No answer within the deadline.
    TimedOut(Duration),
    /// The client's own runtime could not start.
    Runtime(std::io::Error),
    /// TLS could not be set up.
    Tls(rustls::Error),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Failure {
        Failure::Postgres(e)
    }
}

/// One connection, used from one thread at a time.
pub(super) struct Client {
    runtime: tokio::runtime::Runtime,
    session: tokio_postgres::Client,
    deadline: Duration,
    broken: bool,
    /// The task driving the connection: ended to drop it at once.
    driver: tokio::task::JoinHandle<()>,
    /// A `BEGIN` not sent yet: it goes with the transaction's first
    /// statement, in the same round trip.
    deferred_begin: Option<&'static str>,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl Client {
    /// Connects (TLS as `sslmode` asks), the whole handshake within the
    /// URL's `connect_timeout`; every later answer within `deadline`.
    pub(super) fn connect(
        config: &tokio_postgres::Config,
        deadline: Duration,
    ) -> Result<Client, Failure> {
        let handshake = config.get_connect_timeout().copied().unwrap_or(deadline);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(Failure::Runtime)?;
        let tls = super::tls::connector().map_err(Failure::Tls)?;
        let (session, connection) = runtime.block_on(async {
            tokio::time::timeout(handshake, config.connect(tls))
                .await
                .map_err(|_| Failure::TimedOut(handshake))?
                .map_err(Failure::Postgres)
        })?;
        // Polled whenever this thread waits for an answer: requests that
        // are waited for together go out together (pipelining).
        let driver = runtime.spawn(async move {
            // Its end is seen by every request on it: nothing to report.
            let _ = connection.await;
        });
        Ok(Client {
            runtime,
            session,
            deadline,
            broken: false,
            driver,
            deferred_begin: None,
        })
    }

    /// Whether the connection can no longer be used: the server ended it,
    /// or an answer came too late.
    pub(super) fn is_closed(&self) -> bool {
        self.broken || self.session.is_closed()
    }

    /// Drops a connection that missed a deadline at once: the server ends
    /// its transaction, and every row it held, when the socket closes,
    /// rather than when the next transaction would notice.
    pub(super) fn abandon_if_broken(&mut self) {
        if self.broken {
            self.driver.abort();
            self.runtime.block_on(tokio::task::yield_now());
        }
    }

    /// Begins a transaction with the next statement (`sql` is its BEGIN).
    pub(super) fn begin(&mut self, sql: &'static str) {
        self.deferred_begin = Some(sql);
    }

    /// Ends the transaction with `sql` (COMMIT or ROLLBACK); nothing to
    /// send when no statement ever began it.
    pub(super) fn end(&mut self, sql: &str) -> Result<(), Failure> {
        if self.deferred_begin.take().is_some() {
            return Ok(());
        }
        self.batch_execute(sql)
    }

    pub(super) fn batch_execute(&mut self, sql: &str) -> Result<(), Failure> {
        self.exchange(|session| session.batch_execute(sql))
    }

    /// Prepares a statement; a deferred BEGIN waits for the statement that
    /// runs it.
    pub(super) fn prepare(&mut self, sql: &str) -> Result<Statement, Failure> {
        let session = &self.session;
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            session.prepare(sql),
        )
    }

    pub(super) fn query(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Failure> {
        self.exchange(|session| session.query(statement, params))
    }

    /// Several statements sent at once and answered in order, in one round
    /// trip: the first to fail fails them all (the transaction is aborted
    /// by then anyway).
    pub(super) fn query_all(
        &mut self,
        statements: &[(&Statement, Params<'_>)],
    ) -> Result<Vec<Vec<Row>>, Failure> {
        self.exchange(|session| {
            futures_util::future::try_join_all(
                statements
                    .iter()
                    .map(|(statement, params)| session.query(*statement, params)),
            )
        })
    }

    pub(super) fn query_text(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Failure> {
        self.exchange(|session| session.query(sql, params))
    }

    pub(super) fn execute(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<u64, Failure> {
        self.exchange(|session| session.execute(statement, params))
    }

    pub(super) fn execute_text(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Failure> {
        self.exchange(|session| session.execute(sql, params))
    }

    /// Sends what `make` asks of the session, after the transaction's
    /// deferred BEGIN when there is one (in the same round trip), and
    /// waits for the answer within the deadline.
    fn exchange<'a, T, F>(
        &'a mut self,
        make: impl FnOnce(&'a tokio_postgres::Client) -> F,
    ) -> Result<T, Failure>
    where
        F: Future<Output = Result<T, tokio_postgres::Error>> + 'a,
    {
        let begin = self.deferred_begin.take();
        let Client {
            runtime,
            session,
            deadline,
            broken,
            ..
        } = self;
        let session: &'a tokio_postgres::Client = session;
        wait(
            runtime,
            *deadline,
            broken,
            with_begin(session, begin, make(session)),
        )
    }
}

/// `exchange`, preceded in the same round trip by the transaction's
/// deferred BEGIN when there is one.
async fn with_begin<T>(
    session: &tokio_postgres::Client,
    begin: Option<&'static str>,
    exchange: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, tokio_postgres::Error> {
    match begin {
        Some(sql) => {
            let (opened, answer) = tokio::join!(session.batch_execute(sql), exchange);
            opened?;
            answer
        }
        None => exchange.await,
    }
}

/// Waits for `exchange` on `runtime` at most `deadline`; one that came too
/// late marks the connection `broken`.
fn wait<T>(
    runtime: &tokio::runtime::Runtime,
    deadline: Duration,
    broken: &mut bool,
    exchange: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, Failure> {
    let outcome = runtime.block_on(async {
        tokio::time::timeout(deadline, exchange)
            .await
            .map_err(|_| Failure::TimedOut(deadline))
    });
    if outcome.is_err() {
        *broken = true;
    }
    outcome?.map_err(Failure::Postgres)
}
