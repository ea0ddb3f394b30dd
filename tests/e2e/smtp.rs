//! A real SMTP server (aiosmtpd, `tests/smtp_server.py`) as a separate
//! process on loopback, and what it received.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// How the server secures connections.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Plain,
    Starttls,
    Tls,
    /// TLS from the first byte, with the CA's own certificate as the
    /// server's: a setup mistake clients must explain.
    TlsWithCaAsServer,
}

/// A running server; killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    out: PathBuf,
    /// The CA certificate clients must trust (TLS modes only).
    pub ca: Option<PathBuf>,
}

impl SmtpServer {
    /// Starts a plain-text server recording into `dir`.
    pub fn start(dir: &Path) -> SmtpServer {
        SmtpServer::start_with(dir, Mode::Plain, None, None)
    }

    /// Starts a server with TLS and, optionally, a required login.
    pub fn start_with(
        dir: &Path,
        mode: Mode,
        login: Option<(&str, &str)>,
        port: Option<u16>,
    ) -> SmtpServer {
        let out = dir.join(format!("mail-{}.jsonl", rand_suffix()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py");
        crate::tools::require("python3");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg("--out").arg(&out);
        let mut ca = None;
        if mode != Mode::Plain {
            let (ca_cert, mut cert, mut key) = make_certificates(dir);
            if mode == Mode::TlsWithCaAsServer {
                cert.clone_from(&ca_cert);
                key = dir.join("ca.key");
            }
            cmd.arg("--tls")
                .arg(if mode == Mode::Starttls {
                    "starttls"
                } else {
                    "tls"
                })
                .arg("--cert")
                .arg(cert)
                .arg("--key")
                .arg(key);
            ca = Some(ca_cert);
        }
        if let Some((user, password)) = login {
            cmd.args(["--user", user, "--password", password]);
        }
        if let Some(port) = port {
            cmd.env("SMTP_TEST_PORT", port.to_string());
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 tests/smtp_server.py");
        let port = read_port(&mut child);
        SmtpServer {
            child,
            port,
            out,
            ca,
        }
    }

    /// The misbehaving server (`tests/smtp_misbehaving.py`) with `args`.
    pub fn misbehaving(dir: &Path, args: &[&str]) -> SmtpServer {
        let out = dir.join(format!("faulty-{}.jsonl", rand_suffix()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_misbehaving.py");
        crate::tools::require("python3");
        let mut child = Command::new("python3")
            .arg(script)
            .arg("--out")
            .arg(&out)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 tests/smtp_misbehaving.py");
        let port = read_port(&mut child);
        SmtpServer {
            child,
            port,
            out,
            ca: None,
        }
    }

    /// Lines the misbehaving server wrote about connections: one
    /// `{"connection": n}` per connection, `{"hung": n}` when it hung.
    pub fn events(&self) -> Vec<Value> {
        let mut path = self.out.clone().into_os_string();
        path.push(".conns");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// An `[smtp]` config section pointing at this server.
    pub fn config(&self, tls: &str, extra: &str) -> String {
        let ca = self
            .ca
            .as_ref()
            .map(|p| format!("ca_file = \"{}\"\n", p.display()))
            .unwrap_or_default();
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nfrom = \"apikey@example.com\"\ntls = \"{tls}\"\ntimeout_secs = 5\n{ca}{extra}",
            self.port
        )
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_port(child: &mut Child) -> u16 {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"))
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(nanos) ^ u64::from(std::process::id())
}

/// A throwaway CA and a server certificate for 127.0.0.1 signed by it,
/// made with the openssl command-line tool.
fn make_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = dir.join("ca.key");
    let ca_cert = dir.join("ca.pem");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.pem");
    let ext = dir.join("server.ext");
    std::fs::write(
        &ext,
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    crate::tools::require("openssl");
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let p = |p: &PathBuf| p.to_str().unwrap().to_owned();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=apikey test CA",
        "-keyout",
        &p(&ca_key),
        "-out",
        &p(&ca_cert),
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        &p(&key),
        "-out",
        &p(&csr),
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&ca_cert),
        "-CAkey",
        &p(&ca_key),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &p(&ext),
        "-out",
        &p(&cert),
    ]);
    (ca_cert, cert, key)
}
