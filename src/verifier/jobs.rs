//! What the store's threads are asked, and how one thread answers what it
//! has taken: verifications of a batch in one transaction, views of keys
//! from one snapshot.

use super::reply::Reply;
use super::stats::CommitSizes;
use crate::error::Result;
use crate::key_view::KeyView;
use crate::secret::KeyDigest;
use crate::store::Store;
use crate::verify::{Verdict, VerifyRequest};

/// One queued request.
pub(super) enum Job {
    /// A verification (a spend, or a dry run).
    Verify(Ask<Verdict>),
    /// A key holder's view of the key.
    View(Ask<KeyView>),
    /// Whether the store answers a read.
    Check(Reply<()>),
}

/// A request for an answer of type `T` about the key with `digest`.
pub(super) struct Ask<T> {
    pub(super) digest: KeyDigest,
    pub(super) request: VerifyRequest,
    pub(super) reply: Reply<T>,
}

impl Job {
    /// Whether the caller went away before a thread took the request.
    fn withdrawn(&self) -> bool {
        match self {
            Job::Verify(ask) => ask.reply.withdrawn(),
            Job::View(ask) => ask.reply.withdrawn(),
            Job::Check(reply) => reply.withdrawn(),
        }
    }
}

/// Answers every job in `taken` (emptying it): the verifications in one
/// transaction, decided in the order they were queued, then the views and
/// checks. A withdrawn request is dropped before anything is decided; its
/// caller is gone, so nobody waits on its reply. The writer counts its
/// transactions' sizes in `commits`.
pub(super) fn answer(store: &mut Store, taken: &mut Vec<Job>, commits: Option<&CommitSizes>) {
    taken.retain(|job| !job.withdrawn());
    let mut verifies = Vec::with_capacity(taken.len());
    let mut views = Vec::new();
    let mut checks = Vec::new();
    for job in taken.drain(..) {
        match job {
            Job::Verify(ask) => verifies.push(ask),
            Job::View(ask) => views.push(ask),
            Job::Check(reply) => checks.push(reply),
        }
    }
    if !verifies.is_empty() {
        let requests: Vec<(KeyDigest, &VerifyRequest)> =
            verifies.iter().map(|a| (a.digest, &a.request)).collect();
        let answers = store.verify_batch(&requests);
        if let Some(commits) = commits
            && requests.iter().any(|(_, r)| !r.dry_run)
        {
            commits.record(requests.len());
        }
        drop(requests);
        send(verifies, answers);
    }
    for reply in checks {
        reply.send(store.check_readable());
    }
    if !views.is_empty() {
        let requests: Vec<(KeyDigest, &VerifyRequest)> =
            views.iter().map(|a| (a.digest, &a.request)).collect();
        let answers = store.key_views(&requests);
        drop(requests);
        send(views, answers);
    }
}

fn send<T>(asks: Vec<Ask<T>>, answers: Vec<Result<T>>) {
    for (ask, answer) in asks.into_iter().zip(answers) {
        ask.reply.send(answer);
    }
}
