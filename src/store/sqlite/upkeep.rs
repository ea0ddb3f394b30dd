//! The write-ahead log's upkeep, on every connection that writes: folding
//! the log into the database (a checkpoint) and keeping it below
//! [`LOG_BOUND_BYTES`] however long the store runs.
//!
//! SQLite folds its log in on the commit that grows it past 1,000 pages
//! (`PASSIVE`: it copies what no reader still needs and never waits). The
//! log starts over only when a write begins after everything in it was
//! copied and no reader still reads from it; with readers that overlap
//! one another (a server's reads, `list` and `usage` beside a writer) that
//! moment may never come, and the log grows without end. So here:
//!
//! - From 1,000 pages, a checkpoint: on a `Verifier`'s writer (`serve`'s),
//!   a call to the upkeep thread, which copies on its own connection while
//!   the writer goes on; elsewhere the commit copies, as SQLite does.
//! - From 4,000 pages, the commit copies itself (a writer that never
//!   pauses always begins its next batch before the thread's copy ends).
//! - From 8,000 pages (about 32 MiB), the commit runs a `RESTART`
//!   checkpoint: it holds off other writers, copies everything, waits (at
//!   most [`RESTART_WAIT`]) for the readers still in the log to finish —
//!   readers that begin meanwhile read the database, not the log — and the
//!   next write starts the log over. A reader that outlasts the wait (a
//!   transaction left open in another program) wins, and the log is tried
//!   again once it has grown by 2,000 more pages: on a connection that
//!   commits again, by the commit that takes it past the next 2,000; on a
//!   command's one commit, when that commit ends within the first 16 pages
//!   past such a step. So one commit in 2,000 pages waits, not each one.
//!
//! `journal_size_limit` then cuts a log file that grew past 32 MiB back
//! when the log starts over.

use std::ffi::c_int;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, MAIN_DB};

use crate::store::backend::Upkeep;

/// Pages in the log at which a commit calls for a checkpoint: SQLite's
/// own default.
const CHECKPOINT_PAGES: c_int = 1000;

/// Pages in the log at which the writer's commit checkpoints itself even
/// when a thread of its own does the copying.
const COMMIT_COPIES_PAGES: c_int = 4 * CHECKPOINT_PAGES;

/// Pages in the log at which a commit makes it start over.
const RESTART_PAGES: c_int = 8 * CHECKPOINT_PAGES;

/// Pages the log grows by before a commit tries again to make it start
/// over, after readers outlasted a try.
const RESTART_RETRY_PAGES: c_int = 2 * CHECKPOINT_PAGES;

/// A connection's first commit tries (past [`RESTART_PAGES`]) when it
/// leaves the log within this many pages past a step of
/// [`RESTART_RETRY_PAGES`]: a command's commit adds a few pages, so about
/// one command in each step tries.
const FIRST_COMMIT_WINDOW: c_int = 16;

/// How long a commit that makes the log start over waits for the readers
/// still in it (and for another process's write).
pub(super) const RESTART_WAIT: Duration = Duration::from_millis(250);

/// The size the log stays below while readers let it start over: the
/// figure the tests and BENCHMARKS.md hold it to.
#[cfg(test)]
pub(crate) const LOG_BOUND_BYTES: u64 = 64 << 20;

/// `journal_size_limit`: a log file longer than this is cut back to it
/// when the log starts over.
pub(super) const LOG_FILE_LIMIT_BYTES: i64 = 32 << 20;

/// How long the connection's busy handler waits, shared with the commit
/// hook, which shortens it while it waits for readers.
#[derive(Clone)]
pub(super) struct BusyWait(Arc<AtomicU64>);

impl BusyWait {
    pub(super) fn new(wait: Duration) -> BusyWait {
        BusyWait(Arc::new(AtomicU64::new(millis(wait))))
    }

    /// The wait for the lock being asked for now.
    pub(super) fn get(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::Relaxed))
    }

    fn set(&self, wait: Duration) {
        self.0.store(millis(wait), Ordering::Relaxed);
    }

    /// Waits at most `wait` until the guard is dropped, then `normal` again
    /// (on every way out, a panic included).
    fn shortened(&self, wait: Duration, normal: Duration) -> Shortened<'_> {
        self.set(wait);
        Shortened { busy: self, normal }
    }
}

/// A shortened wait, restored when dropped.
struct Shortened<'a> {
    busy: &'a BusyWait,
    normal: Duration,
}

impl Drop for Shortened<'_> {
    fn drop(&mut self) {
        self.busy.set(self.normal);
    }
}

fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

/// Installs the log's upkeep on `writer`, whose busy handler waits as long
/// as `busy` says (normally `busy_timeout`). With `thread`, checkpoints
/// from 1,000 pages are that thread's to run.
pub(super) fn install(
    writer: &mut Connection,
    busy: BusyWait,
    busy_timeout: Duration,
    thread: Option<SyncSender<()>>,
) -> rusqlite::Result<()> {
    writer.pragma_update(None, "journal_size_limit", LOG_FILE_LIMIT_BYTES)?;
    // The log's pages after this connection's last commit.
    let mut last: Option<c_int> = None;
    writer.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
        let before = last.replace(pages);
        if pages < CHECKPOINT_PAGES {
            return Ok(());
        }
        if restart_due(before, pages) {
            let _shorter = busy.shortened(RESTART_WAIT, busy_timeout);
            // Busy (readers outlasted the wait) or failed: tried again at
            // the next step. The commit itself has succeeded either way.
            let _ = wal.checkpoint_v2(CheckpointMode::RESTART);
            return Ok(());
        }
        let called = pages < COMMIT_COPIES_PAGES
            && thread
                .as_ref()
                .is_some_and(|t| !matches!(t.try_send(()), Err(TrySendError::Disconnected(()))));
        if !called {
            // PASSIVE: never waits for a lock. Busy (the thread is
            // copying) or failed, the next commit tries again.
            let _ = wal.checkpoint_v2(CheckpointMode::PASSIVE);
        }
        Ok(())
    }))
}

/// Whether a commit that left `pages` in the log (`before` after the
/// connection's last commit, if any) makes the log start over: once past
/// [`RESTART_PAGES`], at each step of [`RESTART_RETRY_PAGES`] it crosses.
fn restart_due(before: Option<c_int>, pages: c_int) -> bool {
    if pages < RESTART_PAGES {
        return false;
    }
    let step = |p: c_int| (p - RESTART_PAGES).div_euclid(RESTART_RETRY_PAGES);
    match before {
        // Past the bound at the last commit too: when this one crossed a step.
        Some(before) if before >= RESTART_PAGES && before <= pages => step(pages) > step(before),
        // This commit took the log past the bound.
        Some(before) if before <= pages => true,
        // The connection's first commit, or the log started over and grew
        // past the bound since its last one: only just past a step.
        _ => (pages - RESTART_PAGES) % RESTART_RETRY_PAGES < FIRST_COMMIT_WINDOW,
    }
}

/// The checkpointing end: a connection of its own, and the writer's calls.
pub(super) struct Checkpoints {
    conn: Connection,
    due: Receiver<()>,
}

/// A thread's end of the writer's checkpoints, on `checkpointer` (another
/// connection to the same file), and the writer's end to pass to
/// [`install`].
pub(super) fn offload(checkpointer: Connection) -> (Checkpoints, SyncSender<()>) {
    // One pending call is enough: a checkpoint copies what is there.
    let (call, due) = mpsc::sync_channel(1);
    (
        Checkpoints {
            conn: checkpointer,
            due,
        },
        call,
    )
}

impl Upkeep for Checkpoints {
    fn next(&mut self) -> bool {
        if self.due.recv().is_err() {
            return false;
        }
        // PASSIVE copies what no reader still needs and never waits for a
        // lock, so neither the writer nor a reader waits for it. A failure
        // (another process checkpointing, a full disk) leaves the log as
        // it was: the next commit calls again.
        let _ = self
            .conn
            .wal_checkpoint_v2(Some(MAIN_DB), CheckpointMode::PASSIVE);
        true
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::AtomicBool;
    use std::thread::{Scope, sleep};

    use super::*;
    use crate::{AccountName, KeyRef, KeySpec, Secret, Store, Verifier, VerifyCode, VerifyRequest};

    /// A store with one key of 100,000 lookups, and its secret.
    fn store_with_key() -> (tempfile::TempDir, PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut store = Store::open(&path).unwrap();
        let default = AccountName::parse("default").unwrap();
        let key = store.create_key(&default, &KeySpec::default()).unwrap();
        let secret = key.secret.expose().to_owned();
        let by_secret = KeyRef::Secret(Secret::parse(&secret).unwrap());
        store.topup(&default, &by_secret, 99_900, None).unwrap();
        (dir, path, secret)
    }

    /// Two readers taking turns so that one of them is always inside a
    /// read transaction, until `stop`: the log never has a moment without
    /// a reader, which is what keeps SQLite's own checkpoints from ever
    /// starting it over.
    fn overlapping_readers<'s>(scope: &'s Scope<'s, '_>, path: &'s Path, stop: &'s AtomicBool) {
        for turn in 0..2_u64 {
            scope.spawn(move || {
                let conn = Connection::open(path).unwrap();
                sleep(Duration::from_millis(turn));
                while !stop.load(Ordering::Relaxed) {
                    conn.execute_batch("BEGIN").unwrap();
                    let _: i64 = conn
                        .query_row("SELECT SUM(balance) FROM keys", [], |r| r.get(0))
                        .unwrap();
                    sleep(Duration::from_millis(2));
                    conn.execute_batch("COMMIT").unwrap();
                }
            });
        }
    }

    /// The log's largest size over `spends` spends made by `spend`, with
    /// overlapping readers throughout.
    fn log_peak(path: &Path, spends: usize, mut spend: impl FnMut()) -> u64 {
        let stop = AtomicBool::new(false);
        let log = path.with_extension("db-wal");
        let mut peak = 0;
        std::thread::scope(|scope| {
            overlapping_readers(scope, path, &stop);
            for _ in 0..spends {
                spend();
                peak = peak.max(std::fs::metadata(&log).map_or(0, |m| m.len()));
            }
            stop.store(true, Ordering::Relaxed);
        });
        peak
    }

    #[test]
    fn the_log_is_made_to_start_over_once_per_step_past_the_bound() {
        // A connection that commits again: when it crosses a step.
        assert!(!restart_due(Some(7_990), 7_999));
        assert!(restart_due(Some(7_990), 8_004));
        assert!(!restart_due(Some(8_004), 8_010));
        assert!(!restart_due(Some(8_010), 9_999));
        assert!(restart_due(Some(9_998), 10_002));
        // A command's one commit: just past a step only.
        assert!(!restart_due(None, 7_999));
        assert!(restart_due(None, 8_000));
        assert!(restart_due(None, 10_015));
        assert!(!restart_due(None, 10_016));
        // The log started over and grew again since the last commit.
        assert!(restart_due(Some(20_000), 8_004));
        assert!(!restart_due(Some(20_000), 8_100));
    }

    /// A command's way: a new handle for each spend, so each commit is its
    /// connection's first.
    #[test]
    fn the_log_stays_bounded_beside_readers_when_every_spend_is_a_new_process() {
        let (_dir, path, secret) = store_with_key();
        let peak = log_peak(&path, 6_000, || {
            let mut store = Store::open(&path).unwrap();
            let verdict = store.verify(&secret, &VerifyRequest::default()).unwrap();
            assert_eq!(verdict.code, VerifyCode::Valid);
        });
        assert!(peak < LOG_BOUND_BYTES, "the log reached {peak} bytes");
    }

    // 12,000 commits of 3 to 4 pages: some 45,000 pages (180 MiB) in a
    // log that never starts over.
    const SPENDS: usize = 12_000;

    #[test]
    fn the_log_stays_bounded_beside_readers_that_never_pause() {
        let (_dir, path, secret) = store_with_key();
        let mut store = Store::open(&path).unwrap();
        let peak = log_peak(&path, SPENDS, || {
            let verdict = store.verify(&secret, &VerifyRequest::default()).unwrap();
            assert_eq!(verdict.code, VerifyCode::Valid);
        });
        assert!(peak < LOG_BOUND_BYTES, "the log reached {peak} bytes");
    }

    #[test]
    fn the_log_stays_bounded_beside_readers_under_a_verifier() {
        let (_dir, path, secret) = store_with_key();
        let verifier = Verifier::new(Store::open(&path).unwrap()).unwrap();
        let peak = log_peak(&path, SPENDS, || {
            let verdict = verifier.verify(&secret, VerifyRequest::default()).unwrap();
            assert_eq!(verdict.code, VerifyCode::Valid);
        });
        assert!(peak < LOG_BOUND_BYTES, "the log reached {peak} bytes");
    }
}
