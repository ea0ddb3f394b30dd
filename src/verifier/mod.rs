//! [`Verifier`]: one handle to a store that every thread and task of a
//! server shares. The store itself stays synchronous on a thread of its
//! own, which drains the queued requests and decides each batch in one
//! transaction (group commit): every request is decided in order against
//! the balance and limits as the requests before it left them, and each
//! caller is answered only after the COMMIT that made its spend durable.
//! One transaction per batch instead of one per request is what lets a
//! server go past the store's one-fsync-per-spend ceiling while staying
//! exact to the lookup.

mod jobs;
mod reply;
mod stats;
mod threads;

use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use self::jobs::{Ask, Job};
pub use self::reply::{Answer, KeyViewFuture, VerifyFuture};
use self::reply::{Reply, Slot};
use self::stats::CommitSizes;
pub use self::stats::{COMMIT_SIZE_BOUNDS, CommitStats};
use crate::error::{Error, Result};
use crate::key_view::KeyView;
use crate::secret::KeyDigest;
use crate::store::Store;
use crate::store::verify::{Screened, screen};
use crate::verify::{Verdict, VerifyRequest};

/// The largest queue a [`Verifier`] takes.
const MAX_QUEUE: usize = 1 << 20;

/// The most reader threads a [`Verifier`] starts.
const MAX_READERS: usize = 64;

/// How a [`Verifier`] queues, batches and reads. The defaults suit a
/// server on a few cores; a larger queue absorbs longer bursts at the
/// price of latency.
#[derive(Clone, Copy, Debug)]
pub struct VerifierOptions {
    queue: usize,
    batch: usize,
    readers: usize,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            queue: 4096,
            batch: 512,
            readers: 2,
        }
    }
}

impl VerifierOptions {
    /// At most `requests` wait for the writer thread, and as many for the
    /// readers (1 to 1,048,576; the queue's room is allocated up front);
    /// one more is refused with [`Error::Overloaded`] rather than queued.
    #[must_use]
    pub fn queue(mut self, requests: usize) -> Self {
        self.queue = requests.clamp(1, MAX_QUEUE);
        self
    }

    /// At most `requests` are decided in one transaction (1 to 1,048,576;
    /// 1 turns group commit off).
    #[must_use]
    pub fn batch(mut self, requests: usize) -> Self {
        self.batch = requests.clamp(1, MAX_QUEUE);
        self
    }

    /// Dry runs and key views are answered by `threads` reader threads (0
    /// to 64), each with a read-only handle of its own, instead of by the
    /// writer: reads then never wait behind a commit. With 0, or for a
    /// store in memory, the writer answers them too.
    #[must_use]
    pub fn readers(mut self, threads: usize) -> Self {
        self.readers = threads.min(MAX_READERS);
        self
    }
}

/// A store shared by many threads and tasks: `Clone + Send + Sync`, cheap
/// to clone (every clone feeds the same store threads). The threads end,
/// closing the store, when the last clone is dropped.
///
/// Verifying spends exactly as [`Store::verify`] does, with the same
/// verdicts and the same rules; only the transactions are shared. A
/// malformed key or a bad cost is answered on the caller's thread without
/// queueing, and the presented key is reduced to its digest there, so no
/// secret crosses to the store's threads.
#[derive(Clone)]
pub struct Verifier {
    writes: SyncSender<Job>,
    /// The readers' queue; `None` when the writer answers reads too.
    reads: Option<SyncSender<Job>>,
    capacity: usize,
    commits: Arc<CommitSizes>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("capacity", &self.capacity)
            .field("readers", &self.reads.is_some())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// Moves `store` onto a thread of its own, with the default options.
    pub fn new(store: Store) -> Result<Verifier> {
        Verifier::with_options(store, VerifierOptions::default())
    }

    /// Moves `store` onto a thread of its own, and opens the readers' own
    /// handles on the same store.
    pub fn with_options(mut store: Store, options: VerifierOptions) -> Result<Verifier> {
        let path = store.path().to_path_buf();
        let spawn_failed = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut readers = Vec::new();
        for _ in 0..options.readers {
            match store.open_reader() {
                Some(reader) => readers.push(reader?),
                None => break,
            }
        }
        let reads = if readers.is_empty() {
            None
        } else {
            let (reads, jobs) = mpsc::sync_channel(options.queue);
            let jobs = Arc::new(Mutex::new(jobs));
            for reader in readers {
                let jobs = Arc::clone(&jobs);
                std::thread::Builder::new()
                    .name("apikey-reader".into())
                    .spawn(move || threads::read(reader, &jobs, options.batch))
                    .map_err(spawn_failed)?;
            }
            Some(reads)
        };
        if let Some(upkeep) = store.offload_upkeep() {
            let mut upkeep = upkeep?;
            std::thread::Builder::new()
                .name("apikey-upkeep".into())
                .spawn(move || while upkeep.next() {})
                .map_err(spawn_failed)?;
        }
        let (writes, jobs) = mpsc::sync_channel(options.queue);
        let commits = Arc::new(CommitSizes::default());
        let counted = Arc::clone(&commits);
        std::thread::Builder::new()
            .name("apikey-store".into())
            .spawn(move || threads::write(store, &jobs, options.batch, &counted))
            .map_err(spawn_failed)?;
        Ok(Verifier {
            writes,
            reads,
            capacity: options.queue,
            commits,
        })
    }

    /// Verifies `presented`, blocking until the batch holding it has
    /// committed. [`Error::Overloaded`] when the queue is full (nothing was
    /// decided); otherwise as [`Store::verify`].
    pub fn verify(&self, presented: &str, request: VerifyRequest) -> Result<Verdict> {
        self.submit_verify(presented, request)?.wait()
    }

    /// [`Verifier::verify`] as a future, for async handlers on any runtime
    /// (it needs none: the store thread wakes it). The request is queued
    /// when this is called. Dropping the future before the store thread
    /// has taken the request withdraws it, so a client that went away
    /// spends nothing; once taken, it is decided and committed anyway.
    pub fn verify_async(&self, presented: &str, request: VerifyRequest) -> VerifyFuture {
        Submitted::answer(self.submit_verify(presented, request))
    }

    /// What the holder of `presented` may see of its key, as
    /// [`Store::key_view`]; spends nothing.
    pub fn key_view(&self, presented: &str, request: VerifyRequest) -> Result<KeyView> {
        self.submit_view(presented, request)?.wait()
    }

    /// [`Verifier::key_view`] as a future, for async handlers on any
    /// runtime.
    pub fn key_view_async(&self, presented: &str, request: VerifyRequest) -> KeyViewFuture {
        Submitted::answer(self.submit_view(presented, request))
    }

    /// Whether the store answers: a read on the writer's thread, after the
    /// spends queued before it, so a writer stuck on a lock or a failing
    /// disk shows here. For a server's health check.
    pub fn check_async(&self) -> Answer<()> {
        let slot = Arc::new(Slot::default());
        match self.writes.try_send(Job::Check(Reply::to(&slot))) {
            Ok(()) => Answer::waiting(slot),
            Err(TrySendError::Full(_)) => Answer::ready(Err(Error::Overloaded {
                capacity: self.capacity,
            })),
            Err(TrySendError::Disconnected(_)) => Answer::ready(Err(Error::VerifierStopped)),
        }
    }

    /// How many requests the writer's transactions decided so far.
    pub fn commit_stats(&self) -> CommitStats {
        self.commits.snapshot()
    }

    /// Screens a verification on the caller's thread and queues what
    /// needs the store: a dry run to the readers, a spend to the writer.
    fn submit_verify(&self, presented: &str, request: VerifyRequest) -> Result<Submitted<Verdict>> {
        let digest = match screen(presented, &request)? {
            Screened::Answered(verdict) => return Ok(Submitted::Answered(verdict)),
            Screened::Digest(digest) => digest,
        };
        let queue = self.queue_for(request.dry_run);
        self.enqueue(queue, digest, request, Job::Verify)
    }

    /// Screens a view on the caller's thread and queues it to the readers.
    fn submit_view(&self, presented: &str, request: VerifyRequest) -> Result<Submitted<KeyView>> {
        let digest = match screen(presented, &request)? {
            Screened::Answered(verdict) => {
                return Ok(Submitted::Answered(KeyView::unidentified(verdict.code)));
            }
            Screened::Digest(digest) => digest,
        };
        let queue = self.queue_for(true);
        self.enqueue(queue, digest, request, Job::View)
    }

    /// The readers' queue for what only reads (when there are readers),
    /// else the writer's.
    fn queue_for(&self, reads_only: bool) -> &SyncSender<Job> {
        match &self.reads {
            Some(reads) if reads_only => reads,
            _ => &self.writes,
        }
    }

    fn enqueue<T>(
        &self,
        queue: &SyncSender<Job>,
        digest: KeyDigest,
        request: VerifyRequest,
        job: fn(Ask<T>) -> Job,
    ) -> Result<Submitted<T>> {
        let slot = Arc::new(Slot::default());
        let ask = Ask {
            digest,
            request,
            reply: Reply::to(&slot),
        };
        match queue.try_send(job(ask)) {
            Ok(()) => Ok(Submitted::Queued(slot)),
            Err(TrySendError::Full(_)) => Err(Error::Overloaded {
                capacity: self.capacity,
            }),
            Err(TrySendError::Disconnected(_)) => Err(Error::VerifierStopped),
        }
    }
}

/// What submitting a request came to.
enum Submitted<T> {
    /// Decided without the store.
    Answered(T),
    /// Waiting for a store thread.
    Queued(Arc<Slot<T>>),
}

impl<T> Submitted<T> {
    /// The answer, blocking until a store thread gives it.
    fn wait(self) -> Result<T> {
        match self {
            Submitted::Answered(answer) => Ok(answer),
            Submitted::Queued(slot) => slot.wait(),
        }
    }

    /// The answer as a future (a refusal to queue is answered at once).
    fn answer(submitted: Result<Submitted<T>>) -> Answer<T> {
        match submitted {
            Ok(Submitted::Answered(answer)) => Answer::ready(Ok(answer)),
            Ok(Submitted::Queued(slot)) => Answer::waiting(slot),
            Err(e) => Answer::ready(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    use std::time::Duration;

    use super::*;
    use crate::{AccountName, KeySpec, VerifyCode};

    /// A new store with one key (its test balance of 100), and its secret.
    fn store_with_key() -> (tempfile::TempDir, std::path::PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut store = Store::open(&path).unwrap();
        let key = store
            .create_key(&AccountName::parse("default").unwrap(), &KeySpec::default())
            .unwrap();
        (dir, path, key.secret.expose().to_owned())
    }

    /// A verifier on a new store with one key, and the key's secret.
    fn verifier_with_key() -> (Verifier, String, tempfile::TempDir) {
        let (dir, path, secret) = store_with_key();
        (
            Verifier::new(Store::open(path).unwrap()).unwrap(),
            secret,
            dir,
        )
    }

    #[test]
    fn the_log_is_folded_in_beside_the_writer() {
        // The writer's commits only call for checkpoints; the upkeep
        // thread runs them, so the log is reused and stays small.
        let (_dir, path, secret) = store_with_key();
        let mut store = Store::open(&path).unwrap();
        let key = crate::KeyRef::Secret(crate::Secret::parse(&secret).unwrap());
        store
            .topup(&AccountName::parse("default").unwrap(), &key, 10_000, None)
            .unwrap();
        let verifier = Verifier::new(store).unwrap();
        for _ in 0..4_000 {
            let verdict = verifier.verify(&secret, VerifyRequest::default()).unwrap();
            assert_eq!(verdict.code, VerifyCode::Valid);
        }
        // 4,000 commits of 3 to 4 pages each, back to back: without
        // checkpoints, or with checkpoints that never let the log start
        // over, it would reach some 14,000 pages.
        let log = std::fs::metadata(path.with_extension("db-wal"))
            .unwrap()
            .len();
        assert!(log < 10_000 * 4096, "the log grew to {log} bytes");
        drop(verifier);
    }

    #[test]
    fn a_reader_that_stays_in_the_log_neither_fails_nor_blocks_the_log_for_good() {
        let (_dir, path, secret) = store_with_key();
        let mut store = Store::open(&path).unwrap();
        let key = crate::KeyRef::Secret(crate::Secret::parse(&secret).unwrap());
        store
            .topup(&AccountName::parse("default").unwrap(), &key, 20_000, None)
            .unwrap();
        let verifier = Verifier::new(store).unwrap();
        let spend = |n: usize| {
            for _ in 0..n {
                let verdict = verifier.verify(&secret, VerifyRequest::default()).unwrap();
                assert_eq!(verdict.code, VerifyCode::Valid);
            }
        };
        spend(10);
        // Another process's long read: its snapshot keeps the log from
        // starting over, and the checkpoints copy only what it does not
        // need.
        let reader = rusqlite::Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT COUNT(*) FROM keys", [], |r| r.get(0))
            .unwrap();
        spend(6_000);
        reader.execute_batch("COMMIT").unwrap();
        let log_size = || {
            std::fs::metadata(path.with_extension("db-wal"))
                .unwrap()
                .len()
        };
        let pinned = log_size();
        // Once it is gone, the log starts over again, and the file is cut
        // back: 5,000 spends (some 18,000 pages) reuse it.
        spend(5_000);
        let after = log_size();
        assert!(
            after < pinned && after < 64 << 20,
            "the log is {after} bytes, {pinned} with the reader"
        );
        drop(verifier);
    }

    /// A verifier whose store thread blocks on its first batch, because
    /// the returned connection holds the write lock until rolled back.
    fn blocked_verifier(
        options: VerifierOptions,
    ) -> (Verifier, String, rusqlite::Connection, tempfile::TempDir) {
        let (dir, path, secret) = store_with_key();
        let blocker = rusqlite::Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let store = Store::open_with_timeout(&path, Duration::from_secs(5)).unwrap();
        let verifier = Verifier::with_options(store, options).unwrap();
        (verifier, secret, blocker, dir)
    }

    #[test]
    fn threads_racing_one_balance_spend_it_exactly() {
        let (verifier, secret, dir) = verifier_with_key();
        let valid = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..30 {
                        let v = verifier.verify(&secret, VerifyRequest::default()).unwrap();
                        if v.code == VerifyCode::Valid {
                            valid.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        } else {
                            assert_eq!(v.code, VerifyCode::InsufficientBalance);
                        }
                    }
                });
            }
        });
        assert_eq!(valid.into_inner(), 100);
        // Every answer came after its commit: a fresh handle sees it all.
        let mut store = Store::open(dir.path().join("keys.db")).unwrap();
        let dry = VerifyRequest {
            dry_run: true,
            ..VerifyRequest::default()
        };
        assert_eq!(store.verify(&secret, &dry).unwrap().balance, Some(0));
    }

    #[test]
    fn malformed_keys_and_bad_costs_are_answered_without_the_queue() {
        let (verifier, _, _dir) = verifier_with_key();
        let v = verifier
            .verify("ak_short", VerifyRequest::default())
            .unwrap();
        assert_eq!(v.code, VerifyCode::Malformed);
        let bad = VerifyRequest {
            cost: 0,
            ..VerifyRequest::default()
        };
        assert_eq!(verifier.verify("ak_short", bad).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn the_async_call_needs_no_runtime() {
        let (verifier, secret, _dir) = verifier_with_key();
        let future = verifier.verify_async(&secret, VerifyRequest::default());
        let verdict = block_on(future).unwrap();
        assert_eq!(verdict.code, VerifyCode::Valid);
        assert_eq!(verdict.balance, Some(99));
    }

    #[test]
    fn a_full_queue_refuses_instead_of_waiting() {
        let (verifier, secret, blocker, _dir) =
            blocked_verifier(VerifierOptions::default().queue(2).batch(1));
        let mut waiting = Vec::new();
        let mut overloaded = 0;
        for _ in 0..6 {
            let future = verifier.verify_async(&secret, VerifyRequest::default());
            waiting.push(future);
        }
        for future in &mut waiting {
            if let Some(Err(Err(Error::Overloaded { capacity: 2 }))) = &future.state {
                overloaded += 1;
            }
        }
        // One taken by the blocked store thread (or not yet), two queued:
        // the rest are refused at once.
        assert!(overloaded >= 3, "{overloaded} refused");
        blocker.execute_batch("ROLLBACK").unwrap();
        let answered: Vec<_> = waiting.into_iter().map(block_on).collect();
        let valid = answered
            .iter()
            .filter(|a| matches!(a, Ok(v) if v.code == VerifyCode::Valid))
            .count();
        assert_eq!(valid, 6 - overloaded);
    }

    #[test]
    fn a_withdrawn_request_spends_nothing() {
        let (verifier, secret, blocker, _dir) =
            blocked_verifier(VerifierOptions::default().batch(1));
        // The first request occupies the store thread (waiting for the
        // lock); the second waits in the queue and is dropped there.
        let first = verifier.verify_async(&secret, VerifyRequest::default());
        std::thread::sleep(Duration::from_millis(100));
        drop(verifier.verify_async(&secret, VerifyRequest::default()));
        blocker.execute_batch("ROLLBACK").unwrap();
        assert_eq!(block_on(first).unwrap().balance, Some(99));
        let after = verifier.verify(&secret, VerifyRequest::default()).unwrap();
        assert_eq!(after.balance, Some(98));
    }

    #[test]
    fn readers_answer_dry_runs_and_views_while_the_writer_waits() {
        let (verifier, secret, blocker, _dir) = blocked_verifier(VerifierOptions::default());
        // The writer is stuck behind another connection's write lock; a
        // spend waits, but reads are answered from the last commit.
        let spend = verifier.verify_async(&secret, VerifyRequest::default());
        let dry = VerifyRequest {
            dry_run: true,
            ..VerifyRequest::default()
        };
        let verdict = verifier.verify(&secret, dry.clone()).unwrap();
        assert_eq!(
            (verdict.code, verdict.balance),
            (VerifyCode::Valid, Some(100))
        );
        let view = verifier.key_view(&secret, dry.clone()).unwrap();
        assert_eq!((view.available, view.balance), (true, Some(100)));
        blocker.execute_batch("ROLLBACK").unwrap();
        assert_eq!(block_on(spend).unwrap().balance, Some(99));
        let view = block_on(verifier.key_view_async(&secret, dry)).unwrap();
        assert_eq!((view.balance, view.daily.used), (Some(99), 1));
        let unknown = verifier
            .key_view("ak_short", VerifyRequest::default())
            .unwrap();
        assert_eq!(unknown.code, VerifyCode::Malformed);
    }

    #[test]
    fn a_store_in_memory_has_no_readers_and_answers_reads_on_the_writer() {
        let mut store = Store::open_in_memory().unwrap();
        let key = store
            .create_key(&AccountName::parse("default").unwrap(), &KeySpec::default())
            .unwrap();
        let verifier = Verifier::new(store).unwrap();
        assert!(verifier.reads.is_none());
        let dry = VerifyRequest {
            dry_run: true,
            ..VerifyRequest::default()
        };
        let view = verifier.key_view(key.secret.expose(), dry).unwrap();
        assert_eq!(view.balance, Some(100));
    }

    /// Polls a future to completion on this thread, parking between polls.
    fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            std::thread::park();
        }
    }
}
