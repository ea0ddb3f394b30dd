//! The way back from the store thread to one caller: a slot the answer is
//! put in, which a blocking caller waits on and an async caller polls
//! (woken by the store thread, on whatever runtime it runs). If the store
//! thread drops a request unanswered (it panicked), the caller hears that
//! the verifier stopped rather than waiting forever.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::error::{Error, Result};
use crate::key_view::KeyView;
use crate::verify::Verdict;

/// An answer from the store's threads, as a future that needs no runtime:
/// the thread that decides wakes it.
#[must_use = "the answer arrives only when the future is awaited"]
pub struct Answer<T> {
    /// `Ok(slot)` while waiting; `Err(answer)` when decided at once. `None`
    /// once the answer has been handed out.
    pub(super) state: Option<std::result::Result<Arc<Slot<T>>, Result<T>>>,
}

/// The answer to [`Verifier::verify_async`](super::Verifier::verify_async).
pub type VerifyFuture = Answer<Verdict>;

/// The answer to [`Verifier::key_view_async`](super::Verifier::key_view_async).
pub type KeyViewFuture = Answer<KeyView>;

impl<T> Answer<T> {
    /// A future that is ready with `answer`.
    pub(super) fn ready(answer: Result<T>) -> Answer<T> {
        Answer {
            state: Some(Err(answer)),
        }
    }

    /// A future that waits on `slot`.
    pub(super) fn waiting(slot: Arc<Slot<T>>) -> Answer<T> {
        Answer {
            state: Some(Ok(slot)),
        }
    }
}

impl<T> Unpin for Answer<T> {}

impl<T> Future for Answer<T> {
    type Output = Result<T>;

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

impl<T> Drop for Answer<T> {
    fn drop(&mut self) {
        if let Some(Ok(slot)) = &self.state {
            slot.withdraw();
        }
    }
}

/// Where one answer goes: the caller waits on it (blocking) or polls it
/// (async).
pub(super) struct Slot<T> {
    state: Mutex<SlotState<T>>,
    ready: Condvar,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            state: Mutex::new(SlotState {
                answer: None,
                abandoned: false,
                withdrawn: false,
                waker: None,
            }),
            ready: Condvar::new(),
        }
    }
}

struct SlotState<T> {
    answer: Option<Result<T>>,
    /// The store thread dropped the request unanswered (it panicked).
    abandoned: bool,
    /// The caller went away before the store thread took the request.
    withdrawn: bool,
    waker: Option<Waker>,
}

impl<T> Slot<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks until answered.
    pub(super) fn wait(&self) -> Result<T> {
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
    fn poll(&self, waker: &Waker) -> Option<Result<T>> {
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
    fn finish(&self, answer: Option<Result<T>>) {
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
            // The caller's runtime wakes its task; a runtime that panics
            // there must not take the store thread (and every other
            // caller's answer) with it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| waker.wake()));
        }
    }
}

/// The store thread's end of a [`Slot`]. Dropped without an answer (the
/// thread unwinding from a panic), it tells the caller the verifier
/// stopped instead of leaving it waiting forever.
pub(super) struct Reply<T>(Option<Arc<Slot<T>>>);

impl<T> Reply<T> {
    /// The store thread's end of `slot`.
    pub(super) fn to(slot: &Arc<Slot<T>>) -> Reply<T> {
        Reply(Some(Arc::clone(slot)))
    }

    pub(super) fn send(mut self, answer: Result<T>) {
        if let Some(slot) = self.0.take() {
            slot.finish(Some(answer));
        }
    }

    pub(super) fn withdrawn(&self) -> bool {
        self.0.as_ref().is_some_and(|slot| slot.withdrawn())
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            slot.finish(None);
        }
    }
}
