//! How well group commit is doing: how many requests each of the writer's
//! transactions decided. A server exports it (`apikey serve`'s
//! `/metrics`); a mean near 1 under load means the disk, not the
//! batching, sets the pace.

use std::sync::atomic::{AtomicU64, Ordering};

/// The upper bounds of the size buckets: 1, 2, 4, … 512 requests per
/// transaction, and one bucket for more.
pub const COMMIT_SIZE_BOUNDS: [u64; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// Counts of write transactions by size, shared by the writer thread (which
/// adds) and readers of the numbers.
#[derive(Debug, Default)]
pub(super) struct CommitSizes {
    /// One count per bound, and the last for anything larger.
    buckets: [AtomicU64; COMMIT_SIZE_BOUNDS.len() + 1],
    requests: AtomicU64,
}

impl CommitSizes {
    /// Counts one transaction of `requests` requests.
    pub(super) fn record(&self, requests: usize) {
        let requests = requests as u64;
        let bucket = COMMIT_SIZE_BOUNDS
            .iter()
            .position(|&bound| requests <= bound)
            .unwrap_or(COMMIT_SIZE_BOUNDS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.requests.fetch_add(requests, Ordering::Relaxed);
    }

    /// The counts as they stand.
    pub(super) fn snapshot(&self) -> CommitStats {
        CommitStats {
            transactions: self
                .buckets
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .collect(),
            requests: self.requests.load(Ordering::Relaxed),
        }
    }
}

/// What the writer's transactions held so far, for a server's metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommitStats {
    /// Transactions by size: `transactions[i]` decided at most
    /// `COMMIT_SIZE_BOUNDS[i]` requests (and more than the bound before
    /// it); the last entry counts those larger than every bound.
    pub transactions: Vec<u64>,
    /// Requests decided in them, in all.
    pub requests: u64,
}

impl CommitStats {
    /// Write transactions in all.
    pub fn total(&self) -> u64 {
        self.transactions.iter().sum()
    }
}
