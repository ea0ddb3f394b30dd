//! Whether the store answers, as `/healthz` says it: a background task
//! asks the verifier's writer thread once a second, so a health check
//! costs the prober nothing but a read of the last answer, and a writer
//! stuck on a lock or a failing disk shows within two seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::App;

/// How often the store is asked.
const EVERY: Duration = Duration::from_secs(1);

/// How long an answer may take before the store counts as not answering.
const PATIENCE: Duration = Duration::from_secs(2);

/// The last answer.
#[derive(Debug, Default)]
pub(crate) struct Health {
    ok: AtomicBool,
}

impl Health {
    /// Whether the store answered the last check.
    pub(crate) fn ok(&self) -> bool {
        self.ok.load(Ordering::Relaxed)
    }
}

/// Checks now, then every second, until the runtime stops.
pub(crate) async fn watch(app: Arc<App>) {
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut first = true;
    loop {
        ticks.tick().await;
        let answer = tokio::time::timeout(PATIENCE, app.verifier.check_async()).await;
        let ok = matches!(answer, Ok(Ok(())));
        let was = app.health.ok.swap(ok, Ordering::Relaxed);
        if was && !ok {
            let why = match answer {
                Ok(Err(e)) => e.to_string(),
                Ok(Ok(())) => String::new(),
                Err(_) => format!("no answer in {} s", PATIENCE.as_secs()),
            };
            super::log::line(&format!("the store does not answer: {why}"));
        } else if ok && !was && !first {
            super::log::line("the store answers again");
        }
        first = false;
    }
}
