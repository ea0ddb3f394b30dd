//! Delivering notification mail over SMTP with lettre, configured by the
//! `[smtp]` section of the config file. The password never sits in the
//! file: `password_env` names the environment variable that holds it.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::Deserialize;

use super::event::Event;
use super::mail::compose;
use crate::error::{Error, Result};

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text: only for a relay on the same machine.
    None,
    /// Plain connection upgraded with STARTTLS (required, not opportunistic).
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

/// The `[smtp]` section of the config file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server's host name or address.
    pub host: String,
    /// Its port [default: 25 for none, 587 for starttls, 465 for tls].
    pub port: Option<u16>,
    /// The sender address.
    pub from: String,
    /// none, starttls or tls [default: starttls].
    #[serde(default = "default_tls")]
    pub tls: TlsMode,
    /// The user to log in as, if the server wants a login.
    pub user: Option<String>,
    /// The environment variable that holds the password.
    pub password_env: Option<String>,
    /// A PEM file of extra CA certificates to trust (a private relay's CA).
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the server [default: 10].
    pub timeout_secs: Option<u64>,
}

fn default_tls() -> TlsMode {
    TlsMode::Starttls
}

/// A connection recipe for one `notify send` run.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// Checks the configuration (sender address, password variable, CA
    /// file) before anything is sent. A login (`user` or `password_env`)
    /// with `tls = "none"` is refused unless the host is this machine: the
    /// password would cross the network in plain text, to whatever host a
    /// config file names.
    pub fn new(config: &SmtpConfig) -> Result<Mailer> {
        let from: Mailbox = config.from.parse().map_err(|_| {
            Error::Config(format!(
                "[smtp] from = '{}' is not an email address",
                crate::text::quoted(&config.from)
            ))
        })?;
        let login = config.user.is_some() || config.password_env.is_some();
        if config.tls == TlsMode::None && login && !is_loopback(&config.host) {
            return Err(Error::Config(format!(
                "[smtp] tls = \"none\" would send the login (user, password_env) to host '{}' in plain text: use tls = \"starttls\" or \"tls\" (plain text is only for a relay on this machine: localhost, 127.0.0.0/8 or ::1)",
                crate::text::quoted(&config.host)
            )));
        }
        let port = config.port.unwrap_or(match config.tls {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        });
        let mut builder = SmtpTransport::builder_dangerous(config.host.as_str())
            .port(port)
            .timeout(Some(Duration::from_secs(config.timeout_secs.unwrap_or(10))));
        if config.tls != TlsMode::None {
            let mut params = TlsParameters::builder(config.host.clone());
            if let Some(path) = &config.ca_file {
                let pem = std::fs::read(path).map_err(|e| {
                    Error::Config(format!(
                        "[smtp] ca_file {}: {}",
                        path.display(),
                        crate::text::io_reason(&e)
                    ))
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    Error::Config(format!("[smtp] ca_file {}: {e}", path.display()))
                })?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .build_rustls()
                .map_err(|e| Error::Config(format!("[smtp] TLS setup failed: {e}")))?;
            builder = builder.tls(match config.tls {
                TlsMode::Starttls => Tls::Required(params),
                _ => Tls::Wrapper(params),
            });
        }
        if let Some(user) = &config.user {
            let password = match &config.password_env {
                Some(var) => std::env::var(var).map_err(|_| {
                    Error::Config(format!(
                        "[smtp] password_env names {var}, but that environment variable is not set"
                    ))
                })?,
                None => String::new(),
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one event's mail to its recipients. The error is one line
    /// suitable for the outbox's `last_error`.
    pub fn send(&self, event: &Event) -> std::result::Result<(), String> {
        let mail = compose(event);
        let domain = self.from.email.domain().to_owned();
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(mail.subject)
            // The same id on every attempt lets a receiver drop a duplicate
            // if a crash ever made us send an event twice.
            .message_id(Some(format!(
                "<apikey-event-{}-{}@{domain}>",
                event.id,
                event.created_at.unix()
            )))
            .header(ContentType::TEXT_PLAIN);
        for recipient in &event.recipients {
            let mailbox: Mailbox = recipient
                .parse()
                .map_err(|e| format!("recipient {recipient}: {e}"))?;
            message = message.to(mailbox);
        }
        let message = message.body(mail.body).map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(drop)
            .map_err(|e| crate::text::os_words(&e.to_string()))
    }
}

/// Whether `host` names this machine: `localhost`, an address in
/// 127.0.0.0/8, or ::1 (also as `[::1]` or IPv4-mapped). Only such a host
/// may be sent a login in plain text; any other name could resolve anywhere.
fn is_loopback(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(
        host: &str,
        tls: TlsMode,
        user: Option<&str>,
        password_env: Option<&str>,
    ) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: Some(2525),
            from: "apikey@example.com".into(),
            tls,
            user: user.map(Into::into),
            password_env: password_env.map(Into::into),
            ca_file: None,
            timeout_secs: Some(1),
        }
    }

    #[test]
    fn loopback_is_localhost_127_slash_8_and_ipv6_one() {
        for host in [
            "localhost",
            "LocalHost",
            "localhost.",
            "127.0.0.1",
            "127.255.0.9",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "192.0.2.1",
            "10.0.0.1",
            "0.0.0.0",
            "::",
            "::ffff:192.0.2.1",
            "localhost.example.com",
            "mylocalhost",
            "128.0.0.1",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn a_plain_text_login_goes_only_to_this_machine() {
        let refused = |c: &SmtpConfig| Mailer::new(c).err().map(|e| (e.exit_code(), e.to_string()));
        for (user, var) in [
            (Some("mailer"), None),
            (None, Some("PATH")),
            (Some("mailer"), Some("PATH")),
        ] {
            let (code, message) =
                refused(&config("smtp.example.com", TlsMode::None, user, var)).unwrap();
            assert_eq!(code, 2);
            assert!(
                message.contains("'smtp.example.com'") && message.contains("starttls"),
                "{message}"
            );
            assert!(refused(&config("127.0.0.1", TlsMode::None, user, var)).is_none());
            assert!(refused(&config("smtp.example.com", TlsMode::Starttls, user, var)).is_none());
            assert!(refused(&config("smtp.example.com", TlsMode::Tls, user, var)).is_none());
        }
        assert!(refused(&config("smtp.example.com", TlsMode::None, None, None)).is_none());
    }
}
