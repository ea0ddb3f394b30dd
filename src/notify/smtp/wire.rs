//! The connection under an SMTP session: TCP, or TLS over TCP, where every
//! read and write is bounded by one deadline for the whole conversation
//! about a message. A per-read timeout alone would let a server that
//! trickles a byte at a time hold a delivery for ever.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{CertificateError, ClientConfig, ClientConnection, StreamOwned};
use zeroize::Zeroizing;

/// The longest reply line accepted (RFC 5321 allows 512; Postfix 1000).
const MAX_LINE: usize = 1000;
/// The most lines one reply may have.
const MAX_LINES: usize = 100;

/// A TCP stream whose reads and writes end at a deadline.
pub(super) struct Timed {
    tcp: TcpStream,
    deadline: Instant,
}

impl Timed {
    fn remaining(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
        }
        Ok(left)
    }
}

// A read or write with a socket timeout returns EINTR when the process is
// stopped and continued (Ctrl-Z, then `fg`: signal(7)); that is no failure
// of the connection, so it is tried again, within the same deadline.
impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            self.tcp.set_read_timeout(Some(self.remaining()?))?;
            match self.tcp.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                done => return done,
            }
        }
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            self.tcp.set_write_timeout(Some(self.remaining()?))?;
            match self.tcp.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                done => return done,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

enum Stream {
    Plain(Timed),
    Tls(Box<StreamOwned<ClientConnection, Timed>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A server's reply: its code and text lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Reply {
    /// 2xx, 3xx, 4xx or 5xx.
    pub code: u16,
    /// Each line's text after the code.
    pub lines: Vec<String>,
}

impl Reply {
    /// The reply as one printable line: `550 5.1.1 no such user`.
    pub fn one_line(&self) -> String {
        let text = self.lines.join(" / ");
        let text: String = crate::text::printable(text.trim())
            .chars()
            .take(300)
            .collect();
        if text.is_empty() {
            self.code.to_string()
        } else {
            format!("{} {text}", self.code)
        }
    }
}

/// One connection to the server.
pub(super) struct Wire {
    stream: BufReader<Stream>,
}

/// How to read a failure of the connection.
pub(super) fn io_words(e: &io::Error, timeout: Duration) -> String {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            format!("timed out after {}", seconds(timeout))
        }
        io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
        _ => crate::text::io_reason(e),
    }
}

/// "3 s", "1.5 s".
pub(super) fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl Wire {
    /// Connects to the first address of `host:port` that answers, before
    /// `deadline`, the name lookup included.
    pub fn connect(host: &str, port: u16, deadline: Instant) -> io::Result<Wire> {
        let addrs = resolve(host, port, deadline)?;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name has no address");
        for addr in addrs {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"));
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(tcp) => {
                    tcp.set_nodelay(true)?;
                    return Ok(Wire {
                        stream: BufReader::new(Stream::Plain(Timed { tcp, deadline })),
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Moves the deadline for everything from now on.
    pub fn set_deadline(&mut self, deadline: Instant) {
        match self.stream.get_mut() {
            Stream::Plain(s) => s.deadline = deadline,
            Stream::Tls(s) => s.sock.deadline = deadline,
        }
    }

    /// Starts TLS on the connection (at once for SMTPS, or after STARTTLS),
    /// finishing the handshake here so that its errors read as such.
    pub fn start_tls(
        self,
        config: &Arc<ClientConfig>,
        name: ServerName<'static>,
    ) -> Result<Wire, String> {
        if !self.stream.buffer().is_empty() {
            // Bytes sent before the handshake would be read as if they came
            // through TLS: a known injection, so nothing is trusted.
            return Err("the server sent data before the TLS handshake".to_owned());
        }
        let Stream::Plain(mut timed) = self.stream.into_inner() else {
            return Err("TLS is already on".to_owned());
        };
        let mut tls = ClientConnection::new(Arc::clone(config), name)
            .map_err(|e| format!("TLS setup failed: {e}"))?;
        while tls.is_handshaking() {
            tls.complete_io(&mut timed).map_err(|e| tls_words(&e))?;
        }
        Ok(Wire {
            stream: BufReader::new(Stream::Tls(Box::new(StreamOwned::new(tls, timed)))),
        })
    }

    /// Sends a command line (CRLF added). The line may hold a login, so
    /// the one copy made of it is wiped after use.
    pub fn command(&mut self, line: &str) -> io::Result<Reply> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(line.len() + 2));
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        self.send_raw(&bytes)?;
        self.read_reply()
    }

    /// Writes bytes as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let stream = self.stream.get_mut();
        stream.write_all(bytes)?;
        stream.flush()
    }

    /// Reads one (possibly multi-line) reply.
    pub fn read_reply(&mut self) -> io::Result<Reply> {
        let bad = |why: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the server's reply {why}"),
            )
        };
        let mut lines = Vec::new();
        let mut first = None;
        loop {
            let line = self.read_line()?;
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            let code = line
                .get(..3)
                .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|c| c.parse::<u16>().ok())
                .filter(|c| (200..600).contains(c))
                .ok_or_else(|| bad("does not start with a status code"))?;
            let (more, text) = match line.as_bytes().get(3) {
                Some(b'-') => (true, &line[4..]),
                Some(b' ') => (false, &line[4..]),
                None => (false, ""),
                Some(_) => return Err(bad("is malformed")),
            };
            if *first.get_or_insert(code) != code {
                return Err(bad("changes its status code between lines"));
            }
            lines.push(text.to_owned());
            if !more {
                return Ok(Reply { code, lines });
            }
            if lines.len() >= MAX_LINES {
                return Err(bad("has too many lines"));
            }
        }
    }

    fn read_line(&mut self) -> io::Result<Vec<u8>> {
        let mut line = Vec::new();
        loop {
            let buf = self.stream.fill_buf()?;
            if buf.is_empty() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let (take, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            line.extend_from_slice(&buf[..take]);
            self.stream.consume(take);
            if line.len() > MAX_LINE {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the server's reply line is too long",
                ));
            }
            if done {
                return Ok(line);
            }
        }
    }

    /// Closes the connection at once.
    pub fn shut(&mut self) {
        let tcp = match self.stream.get_ref() {
            Stream::Plain(s) => &s.tcp,
            Stream::Tls(s) => &s.sock.tcp,
        };
        let _ = tcp.shutdown(std::net::Shutdown::Both);
    }
}

/// The addresses of `host`, looked up before `deadline`. The system's
/// resolver has no timeout of its own, so it runs on a thread of its own;
/// one that answers too late is left to finish and its answer dropped.
fn resolve(host: &str, port: u16, deadline: Instant) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (answer, wait) = std::sync::mpsc::channel();
    let name = host.to_owned();
    std::thread::Builder::new()
        .name("smtp-resolve".into())
        .spawn(move || {
            let _ = answer.send(
                (name.as_str(), port)
                    .to_socket_addrs()
                    .map(Iterator::collect),
            );
        })?;
    let left = deadline.saturating_duration_since(Instant::now());
    wait.recv_timeout(left).unwrap_or_else(|_| {
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the host name lookup took too long",
        ))
    })
}

/// A failed handshake in words a mail admin can act on.
fn tls_words(e: &io::Error) -> String {
    if matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    ) {
        return "TLS handshake timed out".to_owned();
    }
    let certificate = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .and_then(|tls| match tls {
            rustls::Error::InvalidCertificate(c) => Some(c),
            _ => None,
        });
    let advice = match certificate {
        Some(CertificateError::UnknownIssuer) => {
            "the server's certificate is not signed by a CA this apikey trusts (UnknownIssuer); for a private CA, name its certificate in [smtp] ca_file"
        }
        Some(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => "the server's certificate is not for the host named in [smtp] host (NotValidForName)",
        Some(CertificateError::Expired | CertificateError::ExpiredContext { .. }) => {
            "the server's certificate has expired"
        }
        // webpki's own reasons reach rustls as `Other`, named only in text.
        Some(CertificateError::Other(other)) if other.to_string().contains("CaUsedAsEndEntity") => {
            "the server presents a CA certificate as its own (CaUsedAsEndEntity); it needs a server certificate for its host name signed by a CA, and [smtp] ca_file names that CA's certificate"
        }
        _ => return format!("TLS handshake failed: {}", crate::text::io_reason(e)),
    };
    format!("TLS handshake failed: {advice}")
}
