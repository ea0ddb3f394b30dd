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
        let (client, connection) = runtime.block_on(async {
            tokio::time::timeout(handshake, config.connect(tls))
                .await
                .map_err(|_| Failure::TimedOut(handshake))?
                .map_err(Failure::Postgres)
        })?;
        // Polled whenever this thread waits for an answer.
        runtime.spawn(connection);
        Ok(Client {
            runtime,
            session: client,
            deadline,
            broken: false,
        })
    }

    /// Whether the connection can no longer be used: the server ended it,
    /// or an answer came too late.
    pub(super) fn is_closed(&self) -> bool {
        self.broken || self.session.is_closed()
    }

    pub(super) fn batch_execute(&mut self, sql: &str) -> Result<(), Failure> {
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            self.session.batch_execute(sql),
        )
    }

    pub(super) fn prepare(&mut self, sql: &str) -> Result<Statement, Failure> {
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            self.session.prepare(sql),
        )
    }

    pub(super) fn query(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Failure> {
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            self.session.query(statement, params),
        )
    }

    pub(super) fn query_text(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Failure> {
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            self.session.query(sql, params),
        )
    }

    pub(super) fn execute(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<u64, Failure> {
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            self.session.execute(statement, params),
        )
    }

    pub(super) fn execute_text(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Failure> {
        wait(
            &self.runtime,
            self.deadline,
            &mut self.broken,
            self.session.execute(sql, params),
        )
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
