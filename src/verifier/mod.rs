//! [`Verifier`]: one handle to a store that every thread and task of a
//! server shares. The store itself stays synchronous on a thread of its
//! own, which drains the queued requests and decides each batch in one
//! transaction (group commit): every request is decided in order against
//! the balance and limits as the requests before it left them, and each
//! caller is answered only after the COMMIT that made its spend durable.
//! One transaction per batch instead of one per request is what lets a
//! server go past the store's one-fsync-per-spend ceiling while staying
//! exact to the lookup.

mod reply;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

pub use self::reply::VerifyFuture;
use self::reply::{Reply, Slot};
use crate::error::{Error, Result};
use crate::secret::KeyDigest;
use crate::store::Store;
use crate::store::verify::{Screened, screen};
use crate::verify::{Verdict, VerifyRequest};

/// How long the store thread waits idle before it checks the store's daily
/// chore itself (a server idle across midnight still redacts its IPs).
const IDLE_CHORES: Duration = Duration::from_secs(60);

/// The largest queue a [`Verifier`] takes.
const MAX_QUEUE: usize = 1 << 20;

/// How a [`Verifier`] queues and batches. The defaults suit a server on a
/// few cores; a larger queue absorbs longer bursts at the price of latency.
#[derive(Clone, Copy, Debug)]
pub struct VerifierOptions {
    queue: usize,
    batch: usize,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            queue: 4096,
            batch: 512,
        }
    }
}

impl VerifierOptions {
    /// At most `requests` wait for the store thread (1 to 1,048,576; the
    /// queue's room is allocated up front); one more is refused with
    /// [`Error::Overloaded`] rather than queued.
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
}

/// A store shared by many threads and tasks: `Clone + Send + Sync`, cheap
/// to clone (every clone feeds the same store thread). The thread ends,
/// closing the store, when the last clone is dropped.
///
/// Verifying spends exactly as [`Store::verify`] does, with the same
/// verdicts and the same rules; only the transactions are shared. A
/// malformed key or a bad cost is answered on the caller's thread without
/// queueing, and the presented key is reduced to its digest there, so no
/// secret crosses to the store thread.
#[derive(Clone)]
pub struct Verifier {
    queue: SyncSender<Job>,
    capacity: usize,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// Moves `store` onto a thread of its own, with the default options.
    pub fn new(store: Store) -> Result<Verifier> {
        Verifier::with_options(store, VerifierOptions::default())
    }

    /// Moves `store` onto a thread of its own.
    pub fn with_options(store: Store, options: VerifierOptions) -> Result<Verifier> {
        let (queue, jobs) = mpsc::sync_channel(options.queue);
        let path = store.path().to_path_buf();
        std::thread::Builder::new()
            .name("apikey-store".into())
            .spawn(move || serve_queue(store, &jobs, options.batch))
            .map_err(|source| Error::Io { path, source })?;
        Ok(Verifier {
            queue,
            capacity: options.queue,
        })
    }

    /// Verifies `presented`, blocking until the batch holding it has
    /// committed. [`Error::Overloaded`] when the queue is full (nothing was
    /// decided); otherwise as [`Store::verify`].
    pub fn verify(&self, presented: &str, request: VerifyRequest) -> Result<Verdict> {
        match self.submit(presented, request)? {
            Submitted::Answered(verdict) => Ok(verdict),
            Submitted::Queued(slot) => slot.wait(),
        }
    }

    /// [`Verifier::verify`] as a future, for async handlers on any runtime
    /// (it needs none: the store thread wakes it). The request is queued
    /// when this is called. Dropping the future before the store thread
    /// has taken the request withdraws it, so a client that went away
    /// spends nothing; once taken, it is decided and committed anyway.
    pub fn verify_async(&self, presented: &str, request: VerifyRequest) -> VerifyFuture {
        VerifyFuture {
            state: match self.submit(presented, request) {
                Ok(Submitted::Answered(verdict)) => Some(Err(Ok(verdict))),
                Ok(Submitted::Queued(slot)) => Some(Ok(slot)),
                Err(e) => Some(Err(Err(e))),
            },
        }
    }

    /// Screens the request on the caller's thread and queues what needs
    /// the store.
    fn submit(&self, presented: &str, request: VerifyRequest) -> Result<Submitted> {
        let digest = match screen(presented, &request)? {
            Screened::Answered(verdict) => return Ok(Submitted::Answered(verdict)),
            Screened::Digest(digest) => digest,
        };
        let slot = Arc::new(Slot::default());
        let job = Job {
            digest,
            request,
            reply: Reply::to(&slot),
        };
        match self.queue.try_send(job) {
            Ok(()) => Ok(Submitted::Queued(slot)),
            Err(TrySendError::Full(_)) => Err(Error::Overloaded {
                capacity: self.capacity,
            }),
            Err(TrySendError::Disconnected(_)) => Err(Error::VerifierStopped),
        }
    }
}

/// What submitting a request came to.
enum Submitted {
    /// Decided without the store.
    Answered(Verdict),
    /// Waiting for the store thread.
    Queued(Arc<Slot>),
}

/// One queued request.
struct Job {
    digest: KeyDigest,
    request: VerifyRequest,
    reply: Reply,
}

/// The store thread: take what is queued (up to `batch`), decide it in one
/// transaction, answer each caller after the commit; until every
/// [`Verifier`] is dropped.
fn serve_queue(mut store: Store, jobs: &Receiver<Job>, batch: usize) {
    let mut taken: Vec<Job> = Vec::with_capacity(batch);
    loop {
        match jobs.recv_timeout(IDLE_CHORES) {
            Ok(job) => taken.push(job),
            Err(RecvTimeoutError::Timeout) => {
                // Idle: the spending path would have done today's chore.
                // A failure here (a lock held elsewhere) is tried again
                // by the next spend or the next idle minute.
                let _ = store.redact_due_ips();
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
        while taken.len() < batch {
            match jobs.try_recv() {
                Ok(job) => taken.push(job),
                Err(_) => break,
            }
        }
        // A withdrawn request is dropped here, before anything is decided;
        // its caller is gone, so nobody waits on its reply.
        taken.retain(|job| !job.reply.withdrawn());
        if taken.is_empty() {
            continue;
        }
        let requests: Vec<(KeyDigest, &VerifyRequest)> =
            taken.iter().map(|job| (job.digest, &job.request)).collect();
        let answers = store.verify_batch(&requests);
        drop(requests);
        for (job, answer) in taken.drain(..).zip(answers) {
            job.reply.send(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

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
