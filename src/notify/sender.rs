//! Who is delivering an event right now. A `notify send` run claims each
//! event just before it hands it to SMTP; another run must never hand the
//! same event over while the first may still be doing so. On the same
//! machine that is known for certain (the claiming process either still
//! runs or is gone), whatever the wall clock does; a run on another machine
//! can only be trusted until its lease ends.

use serde::Serialize;

use crate::clock::Timestamp;
use crate::error::Result;

/// This process, as a claimant of outbox events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    /// Random per run: which claims are this run's own.
    pub token: String,
    /// The machine's host name, for people reading the outbox.
    pub host: String,
    /// The process id.
    pub pid: u32,
    /// The boot, the pid namespace and the process's start time, so that a
    /// claim is known to be dead once this exact process is gone (a reused
    /// pid or a reboot does not revive it). Empty where the system does
    /// not say.
    pub process: String,
}

impl Sender {
    /// The running process.
    pub fn this_process() -> Result<Sender> {
        let mut token = String::new();
        crate::secret::random_base62(16, &mut token)?;
        let pid = std::process::id();
        Ok(Sender {
            token,
            host: host_name(),
            pid,
            process: fingerprint(pid).unwrap_or_default(),
        })
    }
}

/// The run holding an event, as the outbox records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// The run's token.
    #[serde(skip)]
    pub token: String,
    /// Its machine.
    pub host: String,
    /// Its process id.
    pub pid: u32,
    /// Its process fingerprint (see [`Sender::process`]).
    #[serde(skip)]
    pub process: String,
    /// When its lease ends.
    pub until: Timestamp,
}

impl Holder {
    /// Whether the claim still stands at `now`: while the claiming process
    /// runs, when it ran on this machine; until the lease ends otherwise.
    pub fn stands(&self, now: Timestamp) -> bool {
        match self.process_here() {
            Some(alive) => alive,
            None => now < self.until,
        }
    }

    /// Whether the claiming process still runs, when it ran on this machine
    /// since its last boot and in this process's pid namespace (another
    /// container's pids mean nothing here); `None` when that cannot be told.
    fn process_here(&self) -> Option<bool> {
        let (place, _) = self.process.rsplit_once('/')?;
        if place.is_empty() || place != this_place()? {
            return None;
        }
        match look(self.pid) {
            Seen::Running(now) => Some(now == self.process),
            Seen::Gone => Some(false),
            Seen::Unknown => None,
        }
    }
}

impl Holder {
    /// `sender`'s claim, with its lease ending at `until`.
    pub fn new(sender: &Sender, until: Timestamp) -> Holder {
        Holder {
            token: sender.token.clone(),
            host: sender.host.clone(),
            pid: sender.pid,
            process: sender.process.clone(),
            until,
        }
    }
}

/// `BOOT/PIDNS`: this boot of this machine and this process's pid
/// namespace, within which a pid names one process.
fn this_place() -> Option<String> {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let namespace = std::fs::read_link("/proc/self/ns/pid").ok()?;
    let boot = boot.trim();
    if boot.is_empty() {
        return None;
    }
    Some(format!("{boot}/{}", namespace.display()))
}

/// What `/proc` says of a pid.
enum Seen {
    /// A live process, by its fingerprint (see [`Sender::process`]).
    Running(String),
    /// No process, or one that has exited (a zombie runs no more code).
    Gone,
    /// Cannot be told: the entry is hidden (`hidepid`), unreadable, or
    /// not in the expected form. Only the lease can decide then.
    Unknown,
}

fn look(pid: u32) -> Seen {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => match parse_stat(&stat) {
            Some(("Z" | "X", _)) => Seen::Gone,
            Some((_, started)) => match this_place() {
                Some(place) => Seen::Running(format!("{place}/{started}")),
                None => Seen::Unknown,
            },
            None => Seen::Unknown,
        },
        // Missing from /proc, and the kernel agrees there is no such
        // process (a hidden one would answer EPERM to signal 0).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let exists = rustix::process::Pid::from_raw(i32::try_from(pid).unwrap_or(0))
                .map(rustix::process::test_kill_process);
            match exists {
                Some(Err(rustix::io::Errno::SRCH)) => Seen::Gone,
                _ => Seen::Unknown,
            }
        }
        Err(_) => Seen::Unknown,
    }
}

/// The state (field 3) and start time in clock ticks since boot (field 22)
/// of a `/proc/PID/stat` line.
fn parse_stat(stat: &str) -> Option<(&str, &str)> {
    // The command name (field 2) may hold spaces and parentheses; the
    // fields after its closing parenthesis start at field 3.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?;
    Some((state, fields.nth(22 - 4)?))
}

/// `BOOT/PIDNS/START` of a running process: where (see [`this_place`])
/// and when it started; `None` when it cannot be told.
fn fingerprint(pid: u32) -> Option<String> {
    match look(pid) {
        Seen::Running(fingerprint) => Some(fingerprint),
        Seen::Gone | Seen::Unknown => None,
    }
}

fn host_name() -> String {
    let name = rustix::system::uname();
    let name = name.nodename().to_string_lossy();
    if name.is_empty() {
        "localhost".to_owned()
    } else {
        name.into_owned()
    }
}

/// The name this machine gives itself in SMTP's `EHLO`: its host name
/// when that is a domain name's letters, digits, dots and hyphens (what
/// `EHLO` takes), otherwise `localhost`.
pub fn hello_name() -> String {
    let name = host_name();
    let domain_like = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if domain_like {
        name
    } else {
        "localhost".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_of_this_process_stands_whatever_the_clock_says() {
        let me = Sender::this_process().unwrap();
        assert!(!me.process.is_empty(), "Linux says who runs");
        let holder = Holder::new(&me, Timestamp::from_unix(10));
        assert!(holder.stands(Timestamp::from_unix(1_000_000)));
    }

    #[test]
    fn a_claim_of_an_exited_process_falls_before_it_is_reaped() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        let holder = Holder {
            token: "t".into(),
            host: host_name(),
            pid,
            process: fingerprint(pid).unwrap(),
            until: Timestamp::from_unix(0),
        };
        assert!(holder.stands(Timestamp::from_unix(1)));
        child.kill().unwrap();
        // A zombie until reaped: gone all the same.
        while std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| !s.contains(") Z "))
        {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(!holder.stands(Timestamp::from_unix(1)));
        child.wait().unwrap();
    }

    #[test]
    fn a_claim_of_a_gone_process_falls_at_once() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let process = fingerprint(pid);
        child.wait().unwrap();
        let holder = Holder {
            token: "t".into(),
            host: host_name(),
            pid,
            // The fingerprint taken while it ran, or one it never had.
            process: process.unwrap_or_else(|| format!("{}/0", this_place().unwrap())),
            until: Timestamp::from_unix(i64::MAX),
        };
        assert!(!holder.stands(Timestamp::from_unix(0)));
    }

    #[test]
    fn a_claim_from_elsewhere_stands_until_its_lease_ends() {
        let holder = Holder {
            token: "t".into(),
            host: "other".into(),
            pid: 1,
            process: "another-boot/pid:[1]/5".into(),
            until: Timestamp::from_unix(100),
        };
        assert!(holder.stands(Timestamp::from_unix(99)));
        assert!(!holder.stands(Timestamp::from_unix(100)));
        let old = Holder {
            process: String::new(),
            ..holder.clone()
        };
        assert!(old.stands(Timestamp::from_unix(99)));
        // This boot, another container's pid namespace: only the lease.
        let boot = this_place().unwrap();
        let boot = boot.split_once('/').unwrap().0;
        let container = Holder {
            process: format!("{boot}/pid:[1]/5"),
            ..holder
        };
        assert!(container.stands(Timestamp::from_unix(99)));
        assert!(!container.stands(Timestamp::from_unix(100)));
    }
}
