//! Connecting to the server, and its failures in words a user can act on,
//! each naming the server (never with its password).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::error::SqlState;

use super::client::{Client, Failure};

use crate::error::{Error, Result};

/// The server as messages name it, and how long a statement waits for a
/// lock before failing.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    name: Arc<Path>,
    lock_wait: Duration,
}

impl Server {
    pub(super) fn new(name: &str, lock_wait: Duration) -> Server {
        Server {
            name: Arc::from(Path::new(name)),
            lock_wait,
        }
    }

    /// `postgres://USER@HOST:PORT/DATABASE`.
    pub(crate) fn path(&self) -> &Path {
        &self.name
    }

    /// The longest the client waits for any answer: a statement may wait
    /// for another transaction's lock up to the lock wait, and a large
    /// read (`store copy`) takes a while; past this the server is taken
    /// to be gone.
    pub(super) fn answer_deadline(&self) -> Duration {
        self.lock_wait + Duration::from_secs(60)
    }

    /// A failure found by apikey itself, not said by the server.
    pub(super) fn failure(&self, message: impl Into<String>) -> Error {
        Error::Store {
            path: self.name.to_path_buf(),
            message: message.into(),
            source: None,
        }
    }

    /// A failure of a statement or of the connection under it.
    pub(super) fn error(&self, failure: Failure) -> Error {
        let e = match failure {
            Failure::Postgres(e) => e,
            other => return self.not_postgres(&other),
        };
        if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
            return Error::Busy {
                path: self.name.to_path_buf(),
                timeout_ms: self.lock_wait.as_millis() as u64,
            };
        }
        let message = describe(&e);
        Error::store(&self.name, message, e)
    }

    /// A failure that is not the server's word.
    fn not_postgres(&self, failure: &Failure) -> Error {
        let message = match failure {
            Failure::TimedOut(after) => format!(
                "the server did not answer within {} s; nothing of the command was kept",
                after.as_secs()
            ),
            Failure::Runtime(e) => format!("cannot start the client: {e}"),
            Failure::Tls(e) => format!("cannot set up TLS: {e}"),
            Failure::Postgres(e) => describe(e),
        };
        self.failure(message)
    }

    /// A failure to connect.
    fn connect_error(&self, failure: Failure, user: &str) -> Error {
        let e = match failure {
            Failure::Postgres(e) => e,
            Failure::TimedOut(after) => {
                return self.failure(format!(
                    "cannot connect: the server did not finish the handshake within {} s",
                    after.as_secs()
                ));
            }
            other => return self.not_postgres(&other),
        };
        let message = match e.code() {
            Some(c)
                if *c == SqlState::INVALID_PASSWORD
                    || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                format!(
                    "the server refused user {user}: check the user in the URL and the password (from the URL or PGPASSWORD)"
                )
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
                "the database does not exist: create it (createdb), or check the URL".to_owned()
            }
            Some(_) => describe(&e),
            None => format!("cannot connect: {}", describe(&e)),
        };
        Error::store(&self.name, message, e)
    }
}

/// One line for a failure: the server's own message, or the connection's.
fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let said = crate::text::one_line(db.message());
        return match *db.code() {
            SqlState::ADMIN_SHUTDOWN | SqlState::CRASH_SHUTDOWN => format!(
                "the server ended the connection ({said}): it restarted, or an administrator ended it; nothing of the command was kept"
            ),
            SqlState::T_R_DEADLOCK_DETECTED | SqlState::T_R_SERIALIZATION_FAILURE => format!(
                "the server cancelled the transaction ({said}): nothing of it was kept; run the command again"
            ),
            _ => format!("the server refused a statement: {said}"),
        };
    }
    if e.is_closed() {
        return "the connection to the server was lost; nothing of the command was kept".into();
    }
    // The I/O failure underneath, without the client's wrapping words.
    let mut inner: &dyn std::error::Error = e;
    while let Some(source) = inner.source() {
        inner = source;
    }
    crate::text::one_line(&inner.to_string())
}

/// Connects, and sets what every statement of the connection relies on:
/// the `apikey` schema first on the search path, and a bounded wait for
/// another transaction's lock.
pub(super) fn connect(config: &tokio_postgres::Config, server: &Server) -> Result<Client> {
    let user = config.get_user().unwrap_or_default();
    let mut client = Client::connect(config, server.answer_deadline())
        .map_err(|e| server.connect_error(e, user))?;
    // PostgreSQL reads 0 as "wait for ever".
    let wait_ms = server.lock_wait.as_millis().clamp(1, i32::MAX as u128);
    client
        .batch_execute(&format!(
            "SET search_path TO apikey; SET lock_timeout = {wait_ms}"
        ))
        .map_err(|e| server.error(e))?;
    Ok(client)
}
