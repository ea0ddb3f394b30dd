//! `/metrics` in Prometheus's text format: verifications by code, how
//! long they took (queue and commit included), requests the queue turned
//! away, connections open and accepted, and group commit's transaction
//! sizes.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::verifier::{COMMIT_SIZE_BOUNDS, CommitStats};
use crate::verify::VerifyCode;

/// Every code, in the order the metrics list them.
const CODES: [VerifyCode; 14] = [
    VerifyCode::Valid,
    VerifyCode::Malformed,
    VerifyCode::NotFound,
    VerifyCode::Revoked,
    VerifyCode::Expired,
    VerifyCode::InsufficientBalance,
    VerifyCode::DailyLimit,
    VerifyCode::IpDailyLimit,
    VerifyCode::ForbiddenOrigin,
    VerifyCode::ForbiddenIp,
    VerifyCode::ForbiddenScope,
    VerifyCode::MonthlyLimit,
    VerifyCode::Suspended,
    VerifyCode::RateLimited,
];

/// Latency bucket bounds, in seconds.
const LATENCY_BOUNDS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// The counters, shared by every connection.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    by_code: [AtomicU64; CODES.len()],
    latency: [AtomicU64; LATENCY_BOUNDS.len() + 1],
    latency_micros: AtomicU64,
    overloaded: AtomicU64,
    store_errors: AtomicU64,
    accepted: AtomicU64,
}

impl Metrics {
    /// Counts one verification answered with `code` after `took`.
    pub(crate) fn verified(&self, code: VerifyCode, took: Duration) {
        if let Some(i) = CODES.iter().position(|&c| c == code) {
            self.by_code[i].fetch_add(1, Ordering::Relaxed);
        }
        let seconds = took.as_secs_f64();
        let bucket = LATENCY_BOUNDS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(LATENCY_BOUNDS.len());
        self.latency[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// Verifications answered so far.
    pub(crate) fn answered(&self) -> u64 {
        self.by_code.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    /// Counts a request the full queue turned away (answered 503).
    pub(crate) fn overloaded(&self) {
        self.overloaded.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a connection accepted. Against the requests, it tells
    /// whether a gateway keeps its connections alive (nginx without
    /// `keepalive` in its upstream opens one per request).
    pub(crate) fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request the store failed (answered 503).
    pub(crate) fn store_error(&self) {
        self.store_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The text Prometheus scrapes.
    pub(crate) fn render(&self, connections: usize, commits: &CommitStats) -> String {
        let mut out = String::with_capacity(4096);
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str("# HELP apikey_verifications_total Verifications answered, by code.\n");
        out.push_str("# TYPE apikey_verifications_total counter\n");
        for (code, count) in CODES.iter().zip(&self.by_code) {
            let _ = writeln!(
                out,
                "apikey_verifications_total{{code=\"{code}\"}} {}",
                load(count)
            );
        }
        out.push_str("# HELP apikey_verify_duration_seconds Time from a verification's arrival to its answer, queue and commit included.\n");
        out.push_str("# TYPE apikey_verify_duration_seconds histogram\n");
        let mut seen = 0;
        for (bound, count) in LATENCY_BOUNDS.iter().zip(&self.latency) {
            seen += load(count);
            let _ = writeln!(
                out,
                "apikey_verify_duration_seconds_bucket{{le=\"{bound}\"}} {seen}"
            );
        }
        seen += load(&self.latency[LATENCY_BOUNDS.len()]);
        let _ = writeln!(
            out,
            "apikey_verify_duration_seconds_bucket{{le=\"+Inf\"}} {seen}"
        );
        let _ = writeln!(
            out,
            "apikey_verify_duration_seconds_sum {}",
            load(&self.latency_micros) as f64 / 1e6
        );
        let _ = writeln!(out, "apikey_verify_duration_seconds_count {seen}");
        out.push_str("# HELP apikey_spends_per_commit Requests decided by each write transaction (group commit).\n");
        out.push_str("# TYPE apikey_spends_per_commit histogram\n");
        let mut seen = 0;
        for (bound, count) in COMMIT_SIZE_BOUNDS.iter().zip(&commits.transactions) {
            seen += count;
            let _ = writeln!(
                out,
                "apikey_spends_per_commit_bucket{{le=\"{bound}\"}} {seen}"
            );
        }
        let _ = writeln!(
            out,
            "apikey_spends_per_commit_bucket{{le=\"+Inf\"}} {}",
            commits.total()
        );
        let _ = writeln!(out, "apikey_spends_per_commit_sum {}", commits.requests);
        let _ = writeln!(out, "apikey_spends_per_commit_count {}", commits.total());
        out.push_str("# HELP apikey_overloaded_total Requests answered 503 because the store's queue was full.\n");
        out.push_str("# TYPE apikey_overloaded_total counter\n");
        let _ = writeln!(out, "apikey_overloaded_total {}", load(&self.overloaded));
        out.push_str(
            "# HELP apikey_store_errors_total Requests answered 503 because the store failed.\n",
        );
        out.push_str("# TYPE apikey_store_errors_total counter\n");
        let _ = writeln!(
            out,
            "apikey_store_errors_total {}",
            load(&self.store_errors)
        );
        out.push_str("# HELP apikey_open_connections Client connections open now.\n");
        out.push_str("# TYPE apikey_open_connections gauge\n");
        let _ = writeln!(out, "apikey_open_connections {connections}");
        out.push_str("# HELP apikey_connections_accepted_total Client connections accepted.\n");
        out.push_str("# TYPE apikey_connections_accepted_total counter\n");
        let _ = writeln!(
            out,
            "apikey_connections_accepted_total {}",
            load(&self.accepted)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let metrics = Metrics::default();
        metrics.verified(VerifyCode::Valid, Duration::from_micros(300));
        metrics.verified(VerifyCode::Valid, Duration::from_secs(2));
        metrics.verified(VerifyCode::DailyLimit, Duration::from_micros(50));
        metrics.accepted();
        let commits = CommitStats {
            transactions: vec![1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
            requests: 9,
        };
        let text = metrics.render(3, &commits);
        assert!(text.contains("apikey_verifications_total{code=\"VALID\"} 2\n"));
        assert!(text.contains("apikey_verifications_total{code=\"DAILY_LIMIT\"} 1\n"));
        assert!(text.contains("apikey_verify_duration_seconds_bucket{le=\"0.0001\"} 1\n"));
        assert!(text.contains("apikey_verify_duration_seconds_bucket{le=\"0.0005\"} 2\n"));
        assert!(text.contains("apikey_verify_duration_seconds_bucket{le=\"1\"} 2\n"));
        assert!(text.contains("apikey_verify_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("apikey_spends_per_commit_bucket{le=\"4\"} 1\n"));
        assert!(text.contains("apikey_spends_per_commit_bucket{le=\"8\"} 2\n"));
        assert!(text.contains("apikey_spends_per_commit_sum 9\n"));
        assert!(text.contains("apikey_open_connections 3\n"));
        assert!(text.contains("apikey_connections_accepted_total 1\n"));
    }
}
