//! Reading a `postgres://` URL as libpq would, with the password from the
//! URL or `PGPASSWORD` (never from a flag), and naming the server in
//! messages without it.

use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::config::{Host, SslMode};

use crate::error::{Error, Result};

/// The connection settings `url` gives, completed from the environment
/// as libpq completes them (`PGPASSWORD`, `PGUSER`, `PGHOST`, `PGPORT`),
/// and the server's name for messages.
pub(super) fn config(url: &str) -> Result<(tokio_postgres::Config, String)> {
    // Neither the URL nor the parser's message is quoted: any part of
    // either may hold the password.
    let mut config = tokio_postgres::Config::from_str(url).map_err(|_| {
        Error::invalid(
            "the store URL is not one apikey can read: use postgres://USER@HOST:PORT/DATABASE, optionally with ?sslmode=disable|prefer|require (the password from PGPASSWORD)",
        )
    })?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if !url.contains("sslmode=")
        && let Some(mode) = env("PGSSLMODE")
    {
        config.ssl_mode(match mode.as_str() {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            other => {
                return Err(Error::invalid(format!(
                    "PGSSLMODE={} is not supported: use disable, prefer or require",
                    crate::text::quoted(other)
                )));
            }
        });
    }
    if config.get_password().is_none()
        && let Some(password) = env("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_user().is_none() {
        config.user(env("PGUSER").unwrap_or_else(crate::audit::os_user));
    }
    if config.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(host) => config.host(&host),
            None => config.host_path("/var/run/postgresql"),
        };
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT").and_then(|p| p.parse().ok())
    {
        config.port(port);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    // A server that vanished without closing the connection (a host that
    // went down) is noticed within about a minute rather than never.
    config.keepalives_idle(Duration::from_secs(30));
    config.keepalives_interval(Duration::from_secs(5));
    config.keepalives_retries(5);
    config.application_name("apikey");
    let name = name(&config);
    Ok((config, name))
}

/// `postgres://USER@HOST:PORT/DATABASE`: what messages call the server.
fn name(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(host, port)| match host {
            Host::Tcp(host) if host.contains(':') => format!("[{host}]:{port}"),
            Host::Tcp(host) => format!("{host}:{port}"),
            Host::Unix(path) => format!("{}:{port}", path.display()),
        })
        .collect();
    let user = config.get_user().unwrap_or_default();
    format!(
        "postgres://{user}@{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or(user)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_never_holds_the_password() {
        let (config, shown) = config("postgres://ann:s3cret@db.example:6543/keys").unwrap();
        assert_eq!(config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(shown, "postgres://ann@db.example:6543/keys");
        let err = config_err("postgres://ann:s3cret@db.example:notaport/keys");
        assert!(!err.contains("s3cret"), "{err}");
        assert!(err.contains("is not one apikey can read"), "{err}");
        // Wherever the URL puts it.
        for url in [
            "postgres://ann@db.example/keys?password=s3cret",
            "postgres://ann:s3/cret@db.example/keys",
            "postgres://ann:s3%2Fcret@db.example/keys",
            "postgres://ann:s3cret@db.example:notaport/keys",
        ] {
            let shown = crate::store::shown_location(url);
            assert!(!shown.contains("s3"), "{url} shown as {shown}");
            assert!(shown.starts_with("postgres://"), "{shown}");
        }
    }

    fn config_err(url: &str) -> String {
        match config(url) {
            Ok(_) => panic!("{url} parsed"),
            Err(e) => e.to_string(),
        }
    }
}
