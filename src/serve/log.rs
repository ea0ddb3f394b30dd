//! `serve`'s log: one line per event on stderr (start, stop, an error),
//! each stamped with the UTC time and never holding a secret. Errors that
//! repeat (a store failing under load) are written at most once a second,
//! with a count of what was left out.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Writes one line: `2026-12-06T05:30:00Z apikey serve: MESSAGE`.
pub(crate) fn line(message: &str) {
    let now = crate::clock::Timestamp::now();
    let text = crate::text::hide_secrets(message);
    // A stderr that cannot be written (a closed pipe) loses the line; the
    // server keeps serving.
    let _ = writeln!(std::io::stderr().lock(), "{now} apikey serve: {text}");
}

/// A log of one kind of error, written at most once per second.
#[derive(Debug, Default)]
pub(crate) struct Throttled {
    state: Mutex<ThrottleState>,
}

#[derive(Debug, Default)]
struct ThrottleState {
    last: Option<Instant>,
    left_out: u64,
}

impl Throttled {
    /// Writes `message` unless a line went out less than a second ago.
    pub(crate) fn line(&self, message: &str) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if state
            .last
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            state.left_out += 1;
            return;
        }
        let left_out = std::mem::take(&mut state.left_out);
        state.last = Some(now);
        drop(state);
        if left_out > 0 {
            line(&format!(
                "{message} ({left_out} more like it in the last second)"
            ));
        } else {
            line(message);
        }
    }
}
