//! The programs the tests drive besides apikey (shells, groff, man, openssl,
//! setpriv, nginx, python's aiosmtpd). A test that needs one asks here first, so a missing
//! tool fails the test with one line that says what to install, and never
//! lets it pass by skipping. `scripts/test` installs all of them.

use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// A program the suite needs, how to tell it is there, and its Debian package.
struct Tool {
    program: &'static str,
    probe: &'static [&'static str],
    package: &'static str,
}

const TOOLS: &[Tool] = &[
    Tool {
        program: "bash",
        probe: &["-c", "true"],
        package: "bash",
    },
    Tool {
        program: "zsh",
        probe: &["-f", "-c", "true"],
        package: "zsh",
    },
    Tool {
        program: "fish",
        probe: &["--no-config", "-c", "true"],
        package: "fish",
    },
    Tool {
        program: "groff",
        probe: &["--version"],
        package: "groff-base",
    },
    Tool {
        program: "man",
        probe: &["--version"],
        package: "man-db",
    },
    Tool {
        program: "openssl",
        probe: &["version"],
        package: "openssl",
    },
    Tool {
        program: "setpriv",
        probe: &["--version"],
        package: "util-linux",
    },
    Tool {
        program: "/usr/sbin/nginx",
        probe: &["-v"],
        package: "nginx",
    },
    Tool {
        program: "python3",
        probe: &["-c", "import aiosmtpd"],
        package: "python3 and aiosmtpd (pip install aiosmtpd)",
    },
];

/// Panics with one line naming what to install unless `program` runs.
/// Each program is probed once per test run.
pub fn require(program: &str) {
    static FOUND: OnceLock<Vec<(&'static str, bool)>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        TOOLS
            .iter()
            .map(|t| {
                let ok = Command::new(t.program)
                    .args(t.probe)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                (t.program, ok)
            })
            .collect()
    });
    let tool = TOOLS
        .iter()
        .find(|t| t.program == program)
        .unwrap_or_else(|| panic!("tools.rs does not know {program}: add it to TOOLS"));
    assert!(
        found.iter().any(|(p, ok)| *p == program && *ok),
        "this test needs {program}, which is missing: install {} (scripts/test installs every tool the tests need)",
        tool.package
    );
}
