//! A key read from stdin (`-`), so a secret need not appear in `ps` or a
//! shell's history: the first line that is not blank, or a hidden prompt on
//! a terminal. Every copy made on the way is wiped.

use std::io::{IsTerminal, Read};

use zeroize::Zeroize;

use crate::error::{Error, Result};
use crate::key::KeyRef;

/// The most bytes read from stdin for a key; a key is 31.
const MAX_STDIN: u64 = 4096;

/// Text a user typed or piped for a key, wiped from memory when dropped.
pub struct Presented(pub String);

impl Presented {
    /// The first line of stdin that is not blank, trimmed, or what was typed
    /// at a hidden prompt on a terminal.
    pub fn from_stdin() -> Result<Presented> {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            let mut typed = dialoguer::Password::new()
                .with_prompt("Key")
                .allow_empty_password(true)
                .interact()
                .map_err(|e| Error::invalid(format!("cannot read the key: {e}")))?;
            let key = Presented(typed.trim().to_owned());
            typed.zeroize();
            return Ok(key);
        }
        let mut raw = Vec::new();
        let read = stdin.lock().take(MAX_STDIN).read_to_end(&mut raw);
        if let Err(e) = read {
            raw.zeroize();
            return Err(Error::invalid(format!(
                "cannot read the key from stdin: {}",
                crate::text::io_reason(&e)
            )));
        }
        // Not UTF-8: the lossy copy holds the rest of the input too.
        let mut text = String::from_utf8_lossy(&raw).into_owned();
        let key = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("")
            .to_owned();
        text.zeroize();
        raw.zeroize();
        Ok(Presented(key))
    }
}

impl Drop for Presented {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The key a command's `KEY` names: `-` reads it from stdin.
pub fn key_ref(text: &str) -> Result<KeyRef> {
    if text == "-" {
        let presented = Presented::from_stdin()?;
        if presented.0.is_empty() {
            return Err(Error::invalid(
                "no key on stdin: pipe the key's id, name or secret",
            ));
        }
        KeyRef::parse(&presented.0)
    } else {
        KeyRef::parse(text)
    }
}
