//! [`Verifier`]: one handle to a store that every thread and task of a
//! server shares. The store itself stays synchronous on a thread of its
//! own, which drains the queued requests and decides each batch in one
//! transaction (group commit): every request is decided in order against
//! the balance and limits as the requests before it left them, and each
//! caller is answered only after the COMMIT that made its spend durable.
//! One transaction per batch instead of one per request is what lets a
//! server go past the store's one-fsync-per-spend ceiling while staying
//! exact to the lookup.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::secret::KeyDigest;
use crate::store::Store;
use crate::store::verify::{Screened, screen};
use crate::verify::{Verdict, VerifyRequest};

/// How long the store thread waits idle before it checks the store's daily
/// chore itself (a server idle across midnight still redacts its IPs).
const IDLE_CHORES: Duration = Duration::from_secs(60);

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
    /// At most `requests` wait for the store thread (at least 1); one more
    /// is refused with [`Error::Overloaded`] rather than queued.
    #[must_use]
    pub fn queue(mut self, requests: usize) -> Self {
        self.queue = requests.max(1);
        self
    }

    /// At most `requests` are decided in one transaction (at least 1; 1
    /// turns group commit off).
    #[must_use]
    pub fn batch(mut self, requests: usize) -> Self {
        self.batch = requests.max(1);
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
            reply: Reply(Some(Arc::clone(&slot))),
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

/// The answer to [`Verifier::verify_async`].
#[must_use = "the verdict arrives only when the future is awaited"]
pub struct VerifyFuture {
    /// `Ok(slot)` while waiting; `Err(answer)` when decided at once. `None`
    /// once the answer has been handed out.
    state: Option<std::result::Result<Arc<Slot>, Result<Verdict>>>,
}

impl Future for VerifyFuture {
    type Output = Result<Verdict>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.state.take() {
            None => Poll::Ready(Err(Error::VerifierStopped)),
            Some(Err(answer)) => Poll::Ready(answer),
            Some(Ok(slot)) => match slot.poll(cx.waker()) {
                Some(answer) => Poll::Ready(answer),
                None => {
                    self.state = Some(Ok(slot));
                    Poll::Pending
                }
            },
        }
    }
}

impl Drop for VerifyFuture {
    fn drop(&mut self) {
        if let Some(Ok(slot)) = &self.state {
            slot.withdraw();
        }
    }
}

/// One queued request.
struct Job {
    digest: KeyDigest,
    request: VerifyRequest,
    reply: Reply,
}

/// Where one answer goes: the caller waits on it (blocking) or polls it
/// (async).
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    ready: Condvar,
}

#[derive(Default)]
struct SlotState {
    answer: Option<Result<Verdict>>,
    /// The store thread dropped the request unanswered (it panicked).
    abandoned: bool,
    /// The caller went away before the store thread took the request.
    withdrawn: bool,
    waker: Option<Waker>,
}

impl Slot {
    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks until answered.
    fn wait(&self) -> Result<Verdict> {
        let mut state = self.lock();
        loop {
            if let Some(answer) = state.answer.take() {
                return answer;
            }
            if state.abandoned {
                return Err(Error::VerifierStopped);
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The answer if it is there; otherwise remembers whom to wake.
    fn poll(&self, waker: &Waker) -> Option<Result<Verdict>> {
        let mut state = self.lock();
        if let Some(answer) = state.answer.take() {
            return Some(answer);
        }
        if state.abandoned {
            return Some(Err(Error::VerifierStopped));
        }
        if !state.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            state.waker = Some(waker.clone());
        }
        None
    }

    fn withdraw(&self) {
        self.lock().withdrawn = true;
    }

    fn withdrawn(&self) -> bool {
        self.lock().withdrawn
    }

    /// Stores the answer (or marks it abandoned) and wakes the caller.
    fn finish(&self, answer: Option<Result<Verdict>>) {
        let waker = {
            let mut state = self.lock();
            match answer {
                Some(answer) => state.answer = Some(answer),
                None => state.abandoned = true,
            }
            state.waker.take()
        };
        self.ready.notify_all();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The store thread's end of a [`Slot`]. Dropped without an answer (the
/// thread unwinding from a panic), it tells the caller the verifier
/// stopped instead of leaving it waiting forever.
struct Reply(Option<Arc<Slot>>);

impl Reply {
    fn send(mut self, answer: Result<Verdict>) {
        if let Some(slot) = self.0.take() {
            slot.finish(Some(answer));
        }
    }

    fn withdrawn(&self) -> bool {
        self.0.as_ref().is_some_and(|slot| slot.withdrawn())
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            slot.finish(None);
        }
    }
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
    use super::*;
    use crate::{AccountName, KeySpec, VerifyCode};

    /// A verifier on a new store with one key (its test balance of 100).
    fn verifier_with_key() -> (Verifier, String, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("keys.db")).unwrap();
        let key = store
            .create_key(&AccountName::parse("default").unwrap(), &KeySpec::default())
            .unwrap();
        let secret = key.secret.expose().to_owned();
        (Verifier::new(store).unwrap(), secret, dir)
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut store = Store::open(&path).unwrap();
        let key = store
            .create_key(&AccountName::parse("default").unwrap(), &KeySpec::default())
            .unwrap();
        let secret = key.secret.expose().to_owned();
        // Hold the write lock so the store thread blocks on its first batch.
        let blocker = rusqlite::Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let store = Store::open_with_timeout(&path, Duration::from_secs(5)).unwrap();
        let verifier =
            Verifier::with_options(store, VerifierOptions::default().queue(2).batch(1)).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut store = Store::open(&path).unwrap();
        let key = store
            .create_key(&AccountName::parse("default").unwrap(), &KeySpec::default())
            .unwrap();
        let secret = key.secret.expose().to_owned();
        let blocker = rusqlite::Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let verifier = Verifier::with_options(
            Store::open_with_timeout(&path, Duration::from_secs(5)).unwrap(),
            VerifierOptions::default().batch(1),
        )
        .unwrap();
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
