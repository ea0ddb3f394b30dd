//! Delivering notification mail over SMTP, configured by the `[smtp]`
//! section of the config file. One connection carries a whole run's mail
//! (a new one after a failure); `timeout_secs` bounds the whole
//! conversation about each message, however slowly the server answers.
//! The password never sits in the file: `password_env` names the
//! environment variable that holds it. Messages are built with lettre; the
//! conversation (`session.rs`, over `wire.rs`) runs on rustls.

mod session;
mod wire;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::message::{Mailbox, header::ContentType};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::delivery::{Attempt, Courier, Failure, FailureKind, RecipientResult};
use super::event::Event;
use super::mail::compose;
use crate::error::{Error, Result};
use session::{Session, Setup};

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
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

/// The longest `timeout_secs` accepted: a day.
const MAX_TIMEOUT_SECS: u64 = 86_400;

/// The mailer of one `notify send` run: the checked configuration and the
/// session it keeps open between messages.
pub struct Mailer {
    setup: Setup,
    from: Mailbox,
    session: Option<Session>,
}

impl Mailer {
    /// Checks the configuration (sender address, timeout, login, CA file)
    /// before anything is sent. A login with `tls = "none"` is refused
    /// unless the host is this machine: the password would cross the
    /// network in plain text, to whatever host a config file names.
    pub fn new(config: &SmtpConfig) -> Result<Mailer> {
        let bad = |message: String| Error::Config(format!("[smtp] {message}"));
        let from: Mailbox = config.from.parse().map_err(|_| {
            bad(format!(
                "from = '{}' is not an email address",
                crate::text::quoted(&config.from)
            ))
        })?;
        // The address goes into MAIL FROM and the Message-ID as is: only
        // ASCII is understood by every server (no SMTPUTF8 here). A
        // display name may be in any script; it is encoded in the header.
        if !from.email.to_string().is_ascii() {
            return Err(bad(format!(
                "from = '{}': the address must be ASCII (a display name may be in any script)",
                crate::text::quoted(&config.from)
            )));
        }
        let timeout = match config.timeout_secs {
            None => Duration::from_secs(10),
            Some(0) => return Err(bad("timeout_secs = 0 would fail every delivery: give the seconds to wait for the server, 1 or more (default 10)".to_owned())),
            Some(n) if n > MAX_TIMEOUT_SECS => {
                return Err(bad(format!("timeout_secs = {n} is more than a day ({MAX_TIMEOUT_SECS})")));
            }
            Some(n) => Duration::from_secs(n),
        };
        if config.password_env.is_some() && config.user.is_none() {
            return Err(bad("password_env is set but user is not: the login needs both (or neither, for a server without a login)".to_owned()));
        }
        let login = config.user.is_some();
        if config.tls == TlsMode::None && login && !is_loopback(&config.host) {
            return Err(bad(format!(
                "tls = \"none\" would send the login (user, password_env) to host '{}' in plain text: use tls = \"starttls\" or \"tls\" (plain text is only for a relay on this machine: localhost, 127.0.0.0/8 or ::1)",
                crate::text::quoted(&config.host)
            )));
        }
        let port = config.port.unwrap_or(match config.tls {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        });
        let host = unbracketed(&config.host);
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b))
        {
            return Err(bad(format!(
                "host = '{}' is not a host name or an IP address",
                crate::text::quoted(&config.host)
            )));
        }
        let (tls_config, server_name) = if config.tls == TlsMode::None {
            (None, None)
        } else {
            let name = ServerName::try_from(host.to_owned()).map_err(|_| {
                bad(format!(
                    "host = '{}' is not a host name or address TLS can check a certificate for",
                    crate::text::quoted(&config.host)
                ))
            })?;
            (Some(tls_config(config)?), Some(name))
        };
        let login = match &config.user {
            None => None,
            Some(user) => {
                let password = match &config.password_env {
                    Some(var) => Zeroizing::new(std::env::var(var).map_err(|_| {
                        bad(format!(
                            "password_env names {var}, but that environment variable is not set"
                        ))
                    })?),
                    None => Zeroizing::new(String::new()),
                };
                Some((user.clone(), password))
            }
        };
        Ok(Mailer {
            setup: Setup {
                host: host.to_owned(),
                port,
                tls: config.tls,
                tls_config,
                server_name,
                login,
                hello: super::sender::hello_name(),
                timeout,
            },
            from,
            session: None,
        })
    }

    /// Ends the session politely.
    pub fn finish(&mut self) {
        if let Some(session) = self.session.take() {
            session.quit();
        }
    }

    /// The message for `event`, its `To:` naming every recipient lettre
    /// can write as an address (all of them, for addresses apikey admitted).
    fn message(&self, event: &Event) -> std::result::Result<Vec<u8>, String> {
        let mail = compose(event);
        let domain = self.from.email.domain().to_owned();
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(mail.subject)
            // The same id on every attempt lets a receiver drop a duplicate
            // when SMTP could not tell whether an attempt arrived.
            .message_id(Some(format!(
                "<apikey-event-{}-{}@{domain}>",
                event.id,
                event.created_at.unix()
            )))
            .header(ContentType::TEXT_PLAIN);
        for mailbox in event
            .recipients
            .iter()
            .filter_map(|r| r.parse::<Mailbox>().ok())
        {
            message = message.to(mailbox);
        }
        let message = message.body(mail.body).map_err(|e| e.to_string())?;
        Ok(message.formatted())
    }
}

impl Courier for Mailer {
    fn deadline(&self) -> Duration {
        self.setup.timeout
    }

    fn deliver(&mut self, event: &Event, recipients: &[String]) -> Attempt {
        let deadline = Instant::now() + self.setup.timeout;
        // An address no server could be given fails alone, unsent.
        let (sendable, unusable): (Vec<String>, Vec<String>) = recipients
            .iter()
            .cloned()
            .partition(|r| r.parse::<Mailbox>().is_ok());
        let mut attempt = match self.message(event) {
            Ok(message) => self.transact(&sendable, &message, deadline),
            Err(text) => Attempt {
                results: not_reached(&sendable),
                failure: Some(Failure {
                    kind: FailureKind::Rejected,
                    text: format!("the message could not be written: {text}"),
                }),
            },
        };
        attempt.results.extend(unusable.into_iter().map(|to| {
            let reply = format!("{to} is not an address a mail server can be given");
            (
                to,
                RecipientResult::Refused {
                    permanent: true,
                    reply,
                },
            )
        }));
        attempt
    }
}

impl Mailer {
    /// One mail transaction on the kept session, or a new one. A kept
    /// session may have been closed by the server since its last message:
    /// then one new session, within the same deadline.
    fn transact(&mut self, recipients: &[String], message: &[u8], deadline: Instant) -> Attempt {
        if recipients.is_empty() {
            return Attempt::default();
        }
        let from = self.from.email.to_string();
        let mut reused = self.session.is_some();
        loop {
            let mut session = match self.session.take() {
                Some(s) => s,
                None => match Session::open(&self.setup, deadline) {
                    Ok(s) => s,
                    Err(failure) => {
                        return Attempt {
                            results: not_reached(recipients),
                            failure: Some(failure),
                        };
                    }
                },
            };
            session.set_deadline(deadline);
            let (attempt, keep) = session.send(&from, recipients, message, self.setup.timeout);
            let nothing_happened = attempt
                .results
                .iter()
                .all(|(_, r)| *r == RecipientResult::NotReached)
                && attempt
                    .failure
                    .as_ref()
                    .is_some_and(|f| f.kind == FailureKind::Broken);
            if keep {
                self.session = Some(session);
            }
            if reused && nothing_happened && Instant::now() < deadline {
                reused = false;
                continue;
            }
            return attempt;
        }
    }
}

fn not_reached(recipients: &[String]) -> Vec<(String, RecipientResult)> {
    recipients
        .iter()
        .map(|to| (to.clone(), RecipientResult::NotReached))
        .collect()
}

impl Drop for Mailer {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The TLS client setup: the public roots and the private CA of
/// `ca_file`, if any.
fn tls_config(config: &SmtpConfig) -> Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &config.ca_file {
        let bad = |why: String| Error::Config(format!("[smtp] ca_file {}: {why}", path.display()));
        let pem = std::fs::read(path).map_err(|e| bad(crate::text::io_reason(&e)))?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| bad(format!("not a PEM certificate file ({e})")))?;
            roots
                .add(cert)
                .map_err(|e| bad(format!("not a usable CA certificate ({e})")))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad(
                "holds no PEM certificate (-----BEGIN CERTIFICATE-----): it must hold the certificate of the CA that signed the server's certificate".to_owned(),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("[smtp] TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The host without the brackets of `[::1]`, which is how people write
/// an IPv6 address but no part of it.
fn unbracketed(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Whether `host` names this machine: `localhost`, an address in
/// 127.0.0.0/8, or ::1 (also as `[::1]` or IPv4-mapped). Only such a host
/// may be sent a login in plain text; any other name could resolve anywhere.
fn is_loopback(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    unbracketed(host)
        .parse::<std::net::IpAddr>()
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
        for (user, var) in [(Some("mailer"), None), (Some("mailer"), Some("PATH"))] {
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

    #[test]
    fn settings_that_could_never_deliver_are_refused() {
        let (code, message) = Mailer::new(&config("127.0.0.1", TlsMode::None, None, Some("PATH")))
            .err()
            .map(|e| (e.exit_code(), e.to_string()))
            .unwrap();
        assert_eq!(code, 2);
        assert!(
            message.contains("password_env is set but user is not"),
            "{message}"
        );
        for (secs, words) in [(0, "timeout_secs = 0"), (86_401, "more than a day")] {
            let mut c = config("127.0.0.1", TlsMode::None, None, None);
            c.timeout_secs = Some(secs);
            let message = Mailer::new(&c).err().unwrap().to_string();
            assert!(message.contains(words), "{message}");
        }
    }
}
