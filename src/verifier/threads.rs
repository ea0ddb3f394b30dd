//! The store's threads: one writer that drains the queue into one
//! transaction per batch (group commit), and readers beside it that answer
//! dry runs and key views from their own read-only handles, so reading
//! never waits behind a commit.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::jobs::{self, Job};
use super::stats::CommitSizes;
use crate::store::Store;

/// How often the writer runs the store's chores itself: today's
/// redaction of client IPs (a server idle across midnight still redacts
/// them), and the lapses and notices of batches on keys nobody verifies.
const CHORES_EVERY: Duration = Duration::from_secs(60);

/// The writer: take what is queued (up to `batch`), decide it in one
/// transaction, answer each caller after the commit; until every sender
/// is dropped.
pub(super) fn write(mut store: Store, jobs: &Receiver<Job>, batch: usize, commits: &CommitSizes) {
    let mut taken: Vec<Job> = Vec::with_capacity(batch);
    let mut chores_run = Instant::now();
    loop {
        match jobs.recv_timeout(CHORES_EVERY) {
            Ok(job) => {
                taken.push(job);
                take_more(jobs, &mut taken, batch);
                jobs::answer(&mut store, &mut taken, Some(commits));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if chores_run.elapsed() >= CHORES_EVERY {
            // Each reads first, so a chore with nothing to do costs no
            // lock. A failure here (a lock held elsewhere) is tried again
            // a minute later; the spending path does its own.
            let _ = store.redact_due_ips();
            let _ = store.record_due_batches();
            chores_run = Instant::now();
        }
    }
}

/// A reader: the readers share one queue; each takes what is there (up to
/// `batch`) and answers it from one snapshot.
pub(super) fn read(mut store: Store, jobs: &Arc<Mutex<Receiver<Job>>>, batch: usize) {
    let mut taken: Vec<Job> = Vec::with_capacity(batch);
    loop {
        {
            let jobs = jobs.lock().unwrap_or_else(PoisonError::into_inner);
            match jobs.recv() {
                Ok(job) => taken.push(job),
                Err(_) => return,
            }
            take_more(&jobs, &mut taken, batch);
        }
        jobs::answer(&mut store, &mut taken, None);
    }
}

/// Adds what is queued now to `taken`, up to `batch` in all.
fn take_more(jobs: &Receiver<Job>, taken: &mut Vec<Job>, batch: usize) {
    while taken.len() < batch {
        match jobs.try_recv() {
            Ok(job) => taken.push(job),
            Err(_) => break,
        }
    }
}
