//! The PostgreSQL backend: one set of keys for API servers on many hosts.
//! Concurrency is PostgreSQL's own, not SQLite's single writer: a write
//! transaction (READ COMMITTED) holds only the rows its rules are about
//! (`SELECT … FOR NO KEY UPDATE`, accounts before keys, keys by id, which
//! never blocks an insert that only refers to a held row), a spend is
//! a conditional `UPDATE … WHERE balance >= cost RETURNING`, and counters
//! are upserts; reads are REPEATABLE READ snapshots. Spends on different
//! keys never wait for each other.

#[macro_use]
mod statements;
mod batch;
mod client;
mod copy;
mod errors;
mod keys;
mod location;
mod outbox;
mod rate;
mod records;
mod schema;
#[cfg(test)]
pub(crate) mod scratch;
mod tls;
mod tx;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use tokio_postgres::Statement;

use client::Client;

use crate::error::{Error, Result};
use crate::store::backend::{Backend, Tx, Upkeep};
use crate::store::{Access, Clock, Upgrading};

use errors::Server;

/// The server `url` names, as messages show it; a URL that does not parse
/// is shown as its scheme alone, since any part of it may be a password.
pub(crate) fn shown(url: &str) -> String {
    location::config(url).map_or_else(|_| "postgres://…".to_owned(), |(_, name)| name)
}

/// A connection to a PostgreSQL server holding the `apikey` schema.
pub struct PostgresBackend {
    client: Client,
    server: Server,
    config: tokio_postgres::Config,
    lock_wait: Duration,
    access: Access,
    opened_at_version: i64,
    /// Statements prepared on this connection, by their text.
    statements: HashMap<&'static str, Statement>,
}

impl PostgresBackend {
    /// Connects to the server `url` names (`postgres://` or
    /// `postgresql://`), the password from the URL or `PGPASSWORD`, and
    /// makes or upgrades the `apikey` schema unless `access` only reads. A
    /// lock held by another transaction longer than `lock_wait` fails the
    /// statement waiting for it ([`Error::Busy`]).
    pub fn open(
        url: &str,
        access: Access,
        lock_wait: Duration,
        progress: &mut dyn FnMut(&Upgrading),
    ) -> Result<PostgresBackend> {
        let (config, name) = location::config(url)?;
        let server = Server::new(&name, lock_wait);
        let mut client = errors::connect(&config, &server)?;
        let opened_at_version = schema::open(&mut client, &server, access, progress)?;
        Ok(PostgresBackend {
            client,
            server,
            config,
            lock_wait,
            access,
            opened_at_version,
            statements: HashMap::new(),
        })
    }

    /// The server as messages name it: never with a password.
    pub(crate) fn name(&self) -> &Path {
        self.server.path()
    }

    /// A connection that broke (the server restarted, or ended it) is made
    /// again before the next transaction, so that a long-lived handle
    /// (`serve`) answers again once the server is back. Statements
    /// prepared on the old one are gone with it.
    fn reconnect_if_closed(&mut self) -> Result<()> {
        if !self.client.is_closed() {
            return Ok(());
        }
        self.statements.clear();
        self.client = errors::connect(&self.config, &self.server)?;
        Ok(())
    }

    fn begin(&mut self, write: bool, clock: Clock) -> Result<Box<dyn Tx + '_>> {
        self.reconnect_if_closed()?;
        Ok(Box::new(tx::PgTx::begin(
            &mut self.client,
            &mut self.statements,
            &self.server,
            write,
            clock,
        )))
    }
}

impl Backend for PostgresBackend {
    fn write(&mut self, clock: Clock) -> Result<Box<dyn Tx + '_>> {
        if self.access == Access::Read {
            return Err(Error::opened_to_read(self.server.path()));
        }
        self.begin(true, clock)
    }

    fn read(&mut self, clock: Clock) -> Result<Box<dyn Tx + '_>> {
        self.begin(false, clock)
    }

    fn schema_versions(&self) -> (i64, i64) {
        (self.opened_at_version, schema::LATEST)
    }

    fn lock_wait(&self) -> Duration {
        self.lock_wait
    }

    // The server's own `synchronous_commit` decides: on by default, so a
    // commit is on disk (and on synchronous standbys) before it returns.
    fn set_durable(&mut self, _durable: bool) -> Result<()> {
        Ok(())
    }

    fn open_reader(&self) -> Option<Result<Box<dyn Backend>>> {
        Some(errors::connect(&self.config, &self.server).map(|client| {
            Box::new(PostgresBackend {
                client,
                server: self.server.clone(),
                config: self.config.clone(),
                lock_wait: self.lock_wait,
                access: Access::Read,
                opened_at_version: self.opened_at_version,
                statements: HashMap::new(),
            }) as Box<dyn Backend>
        }))
    }

    // The server reclaims space itself (autovacuum).
    fn give_back_free_space(&mut self, _progress: &mut dyn FnMut(&Upgrading)) {}

    fn snapshot_into(&mut self, _file: &Path) -> Option<Result<()>> {
        None
    }

    fn offload_upkeep(&mut self) -> Option<Result<Box<dyn Upkeep>>> {
        None
    }
}
