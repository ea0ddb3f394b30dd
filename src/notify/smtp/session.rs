//! One SMTP session: greeting, EHLO, STARTTLS, login, then any number of
//! mail transactions, each recipient answered on its own. A login failure
//! never repeats the server's reply, which some servers fill with the
//! credentials they were sent.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use zeroize::Zeroizing;

use super::TlsMode;
use super::wire::{Reply, Wire, io_words};
use crate::notify::delivery::{Attempt, Failure, FailureKind, RecipientResult};

/// Everything a session needs, checked once per run.
pub(super) struct Setup {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub tls_config: Option<Arc<ClientConfig>>,
    pub server_name: Option<ServerName<'static>>,
    pub login: Option<(String, Zeroizing<String>)>,
    pub hello: String,
    pub timeout: Duration,
}

impl Setup {
    fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A session ready for mail.
pub(super) struct Session {
    wire: Wire,
    /// The password and its encodings as sent in AUTH: cut out of any
    /// later reply kept, should a server echo them there too.
    hidden: Vec<Zeroizing<String>>,
}

fn unavailable(text: String) -> Failure {
    Failure {
        kind: FailureKind::Unavailable,
        text,
    }
}

impl Session {
    /// Connects, greets, secures and logs in, all before `deadline`.
    pub fn open(setup: &Setup, deadline: Instant) -> Result<Session, Failure> {
        let server = setup.server();
        let io = |what: &str, e: &io::Error| {
            unavailable(format!("{what} {server}: {}", io_words(e, setup.timeout)))
        };
        let mut wire = Wire::connect(&setup.host, setup.port, deadline)
            .map_err(|e| io("cannot connect to", &e))?;
        if setup.tls == TlsMode::Tls {
            wire = secure(wire, setup, &server)?;
        }
        let greeting = wire.read_reply().map_err(|e| io("no greeting from", &e))?;
        if greeting.code != 220 {
            return Err(unavailable(format!(
                "{server} refused the connection: {}",
                greeting.one_line()
            )));
        }
        let mut extensions = ehlo(&mut wire, setup, &server)?;
        if setup.tls == TlsMode::Starttls {
            if !offers(&extensions, "STARTTLS") {
                return Err(unavailable(format!(
                    "{server} does not offer STARTTLS, and tls = \"starttls\" requires it"
                )));
            }
            let reply = wire
                .command("STARTTLS")
                .map_err(|e| io("STARTTLS failed with", &e))?;
            if reply.code != 220 {
                return Err(unavailable(format!(
                    "{server} refused STARTTLS: {}",
                    reply.one_line()
                )));
            }
            wire = secure(wire, setup, &server)?;
            extensions = ehlo(&mut wire, setup, &server)?;
        }
        let mut hidden = Vec::new();
        if let Some((user, password)) = &setup.login {
            login(
                &mut wire,
                &extensions,
                user,
                password,
                &server,
                setup.timeout,
            )?;
            hidden = [
                BASE64.encode(Zeroizing::new(format!("\0{user}\0{}", password.as_str()))),
                BASE64.encode(password.as_bytes()),
                password.to_string(),
            ]
            .into_iter()
            .filter(|secret| !secret.is_empty())
            .map(Zeroizing::new)
            .collect();
        }
        Ok(Session { wire, hidden })
    }

    /// A reply as kept in the outbox, with anything of the login cut out.
    fn shown(&self, reply: &Reply) -> String {
        let mut text = reply.one_line();
        for secret in &self.hidden {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[login hidden]");
            }
        }
        text
    }

    /// Sets the deadline of the next transaction.
    pub fn set_deadline(&mut self, deadline: Instant) {
        self.wire.set_deadline(deadline);
    }

    /// One mail transaction. Returns the attempt and whether the session
    /// can carry another one.
    pub fn send(
        &mut self,
        from: &str,
        recipients: &[String],
        message: &[u8],
        timeout: Duration,
    ) -> (Attempt, bool) {
        let mut results = super::not_reached(recipients);
        let broken = |results: Vec<_>, what: &str, e: &io::Error| {
            (
                Attempt {
                    results,
                    failure: Some(Failure {
                        kind: FailureKind::Broken,
                        text: format!("{what}: {}", io_words(e, timeout)),
                    }),
                },
                false,
            )
        };
        // lettre encodes every body as 7-bit text (quoted-printable or
        // base64 where needed), so no BODY=8BITMIME is ever wanted.
        let reply = match self.wire.command(&format!("MAIL FROM:<{from}>")) {
            Ok(r) => r,
            Err(e) => return broken(results, "the connection failed at MAIL FROM", &e),
        };
        if reply.code != 250 {
            return self.refused(
                results,
                &format!("the server refused the sender {from}"),
                &reply,
                false,
            );
        }
        let mut accepted = 0;
        let mut lost = None;
        for (to, result) in &mut results {
            let reply = match self.wire.command(&format!("RCPT TO:<{to}>")) {
                Ok(r) => r,
                Err(e) => {
                    lost = Some(e);
                    break;
                }
            };
            if reply.code == 250 || reply.code == 251 {
                accepted += 1;
            } else if reply.code == 421 {
                return self.refused(results, "the server closed the session", &reply, false);
            } else {
                *result = RecipientResult::Refused {
                    permanent: reply.code >= 500,
                    reply: self.shown(&reply),
                };
            }
        }
        if let Some(e) = lost {
            return broken(results, "the connection failed at RCPT TO", &e);
        }
        if accepted == 0 {
            let keep = self.wire.command("RSET").is_ok_and(|r| r.code == 250);
            return (
                Attempt {
                    results,
                    failure: None,
                },
                keep,
            );
        }
        let reply = match self.wire.command("DATA") {
            Ok(r) => r,
            Err(e) => return broken(results, "the connection failed at DATA", &e),
        };
        if reply.code != 354 {
            return self.refused(results, "the server refused DATA", &reply, false);
        }
        if let Err(e) = self.wire.send_raw(&dot_stuffed(message)) {
            return broken(
                results,
                "the connection failed while sending the message",
                &e,
            );
        }
        let reply = match self.wire.read_reply() {
            Ok(r) => r,
            Err(e) => {
                return (
                    Attempt {
                        results,
                        failure: Some(Failure {
                            kind: FailureKind::InDoubt,
                            text: format!(
                                "the connection failed after the whole message was sent and before the server confirmed it ({}): it may have been delivered, and is sent again with the same Message-ID",
                                io_words(&e, timeout)
                            ),
                        }),
                    },
                    false,
                );
            }
        };
        if reply.code != 250 {
            return self.refused(results, "the server refused the message", &reply, true);
        }
        for (_, result) in &mut results {
            if *result == RecipientResult::NotReached {
                *result = RecipientResult::Delivered;
            }
        }
        (
            Attempt {
                results,
                failure: None,
            },
            true,
        )
    }

    /// A refusal of the transaction: a 421 ends the session; a 5xx after
    /// the data rejects the message itself; anything else means the
    /// server takes no mail now (see [`FailureKind`]).
    fn refused(
        &mut self,
        results: Vec<(String, RecipientResult)>,
        what: &str,
        reply: &Reply,
        after_data: bool,
    ) -> (Attempt, bool) {
        let kind = match reply.code {
            421 => FailureKind::Broken,
            500.. if after_data => FailureKind::Rejected,
            _ => FailureKind::Unavailable,
        };
        let keep =
            kind != FailureKind::Broken && self.wire.command("RSET").is_ok_and(|r| r.code == 250);
        (
            Attempt {
                results,
                failure: Some(Failure {
                    kind,
                    text: format!("{what}: {}", self.shown(reply)),
                }),
            },
            keep,
        )
    }

    /// Says goodbye, briefly.
    pub fn quit(mut self) {
        self.wire
            .set_deadline(Instant::now() + Duration::from_secs(2));
        let _ = self.wire.command("QUIT");
        self.wire.shut();
    }
}

fn secure(wire: Wire, setup: &Setup, server: &str) -> Result<Wire, Failure> {
    let (Some(config), Some(name)) = (&setup.tls_config, &setup.server_name) else {
        return Err(unavailable("TLS is not set up".to_owned()));
    };
    wire.start_tls(config, name.clone())
        .map_err(|e| unavailable(format!("{server}: {e}")))
}

/// EHLO (HELO for an old server), returning the extension lines.
fn ehlo(wire: &mut Wire, setup: &Setup, server: &str) -> Result<Vec<String>, Failure> {
    let failed = |e: io::Error| {
        unavailable(format!(
            "{server} failed at EHLO: {}",
            io_words(&e, setup.timeout)
        ))
    };
    let reply = wire
        .command(&format!("EHLO {}", setup.hello))
        .map_err(failed)?;
    if reply.code == 250 {
        return Ok(reply.lines.into_iter().skip(1).collect());
    }
    let reply = wire
        .command(&format!("HELO {}", setup.hello))
        .map_err(failed)?;
    if reply.code == 250 {
        return Ok(Vec::new());
    }
    Err(unavailable(format!(
        "{server} refused EHLO and HELO: {}",
        reply.one_line()
    )))
}

/// Whether the EHLO reply lists `keyword` (as the line's first word).
fn offers(extensions: &[String], keyword: &str) -> bool {
    extensions.iter().any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
    })
}

/// The AUTH mechanisms the server lists.
fn mechanisms(extensions: &[String]) -> Vec<String> {
    extensions
        .iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let first = words.next()?;
            first
                .eq_ignore_ascii_case("AUTH")
                .then(|| words.map(str::to_ascii_uppercase).collect::<Vec<_>>())
        })
        .flatten()
        .collect()
}

/// Logs in with PLAIN or LOGIN. Whatever goes wrong, the words are ours:
/// the code and the user name, never the server's text.
fn login(
    wire: &mut Wire,
    extensions: &[String],
    user: &str,
    password: &str,
    server: &str,
    timeout: Duration,
) -> Result<(), Failure> {
    let user_shown = crate::text::printable(user);
    let failed = |code: Option<u16>| {
        unavailable(match code {
            Some(code) => {
                format!("{server}: authentication failed ({code}) as user '{user_shown}'")
            }
            None => format!("{server}: authentication failed as user '{user_shown}'"),
        })
    };
    let io = |e: io::Error| {
        unavailable(format!(
            "{server}: the connection failed during authentication as user '{user_shown}': {}",
            io_words(&e, timeout)
        ))
    };
    let offered = mechanisms(extensions);
    let reply = if offered.iter().any(|m| m == "PLAIN") {
        let token = Zeroizing::new(BASE64.encode(Zeroizing::new(format!("\0{user}\0{password}"))));
        wire.command(&Zeroizing::new(format!("AUTH PLAIN {}", token.as_str())))
            .map_err(io)?
    } else if offered.iter().any(|m| m == "LOGIN") {
        let first = wire.command("AUTH LOGIN").map_err(io)?;
        if first.code != 334 {
            return Err(failed(Some(first.code)));
        }
        let second = wire.command(&BASE64.encode(user)).map_err(io)?;
        if second.code != 334 {
            return Err(failed(Some(second.code)));
        }
        let token = Zeroizing::new(BASE64.encode(password));
        wire.command(&token).map_err(io)?
    } else {
        return Err(unavailable(format!(
            "{server} offers no login this apikey can use (it needs AUTH PLAIN or LOGIN, over TLS)"
        )));
    };
    if reply.code == 235 {
        Ok(())
    } else {
        Err(failed(Some(reply.code)))
    }
}

/// The message with every line that starts with a dot doubled (RFC 5321
/// 4.5.2), CRLF line ends, and the end-of-data line.
fn dot_stuffed(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 64);
    let mut at_line_start = true;
    let mut previous = 0u8;
    for &b in message {
        if b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        if at_line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        at_line_start = b == b'\n';
        previous = b;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_at_line_starts_are_doubled_and_lines_end_in_crlf() {
        assert_eq!(
            dot_stuffed(b".a\r\nb\n.\r\nc"),
            b"..a\r\nb\r\n..\r\nc\r\n.\r\n".to_vec()
        );
        assert_eq!(dot_stuffed(b"x\r\n"), b"x\r\n.\r\n".to_vec());
    }

    #[test]
    fn extensions_and_mechanisms_are_read_from_ehlo_lines() {
        let lines = vec![
            "8BITMIME".to_owned(),
            "AUTH PLAIN login".to_owned(),
            "STARTTLS".to_owned(),
        ];
        assert!(offers(&lines, "starttls"));
        assert!(!offers(&lines, "SMTPUTF8"));
        assert_eq!(mechanisms(&lines), ["PLAIN", "LOGIN"]);
    }
}
