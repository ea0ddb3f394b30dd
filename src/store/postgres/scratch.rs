//! Throwaway databases on the test server, for the unit tests and (by
//! `#[path]`) the end-to-end tests: each test gets a database of its own,
//! dropped when it ends. The server is the one `APIKEY_TEST_POSTGRES`
//! names (`scripts/test` starts one and sets it); a test without it fails,
//! never skips.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable naming the test server: a URL of a database that the user
/// may create databases from.
pub const SERVER_VAR: &str = "APIKEY_TEST_POSTGRES";

/// A database of its own on the test server, dropped with this.
pub struct ScratchDatabase {
    admin: String,
    name: String,
    /// Its URL, for `--db`.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates an empty database.
    pub fn new() -> ScratchDatabase {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = std::env::var(SERVER_VAR).unwrap_or_else(|_| {
            panic!(
                "{SERVER_VAR} is not set: these tests need a PostgreSQL server. Run scripts/test, which starts a throwaway one, or set {SERVER_VAR}=postgres://USER@HOST:PORT/DB to a server where USER may create databases"
            )
        });
        let name = format!(
            "apikey_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (base, query) = match admin.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin.as_str(), String::new()),
        };
        let (server, _) = base
            .rsplit_once('/')
            .filter(|(server, _)| server.contains("://") && !server.ends_with('/'))
            .unwrap_or((base, ""));
        let url = format!("{server}/{name}{query}");
        admin_client(&admin)
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("create database {name} on {SERVER_VAR}: {e}"));
        ScratchDatabase { admin, name, url }
    }

    /// A client on this database, for checks the commands cannot make.
    #[allow(dead_code)] // The end-to-end tests', not the unit tests'.
    pub fn client(&self) -> postgres::Client {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.name));
        client
            .batch_execute("SET search_path TO apikey")
            .expect("search path");
        client
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let _ = admin_client(&self.admin).batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn admin_client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connect to the test server ({SERVER_VAR}): {e}"))
}
