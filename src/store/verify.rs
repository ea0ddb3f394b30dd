//! Verification in the store: find the key by its secret's digest, decide,
//! and (unless it is a dry run) spend the lookups, count them toward the
//! quotas, set `last_used_at` and write the ledger and usage rows, all in the
//! one transaction that made the decision. A denied verification spends
//! nothing; it may record what lapsed of the key's batches, an expiry
//! notice, or the automatic top-up that was to let it through.

use super::Store;
use super::accounts;
use super::auto_topup;
use super::backend::{Spend, Tx};
use super::notify;
use crate::error::{Error, Result};
use crate::key::{Key, KeyStatus};
use crate::notify::event::{self, SpendFacts};
use crate::rate::RateCheck;
use crate::secret::KeyDigest;
use crate::usage::UsageIp;
use crate::verify::{self, MAX_COST, Subject, Usage, Verdict, VerifyCode, VerifyRequest};

impl Store {
    /// Decides whether to serve a request presenting `presented`. A
    /// malformed key is answered without touching the store. `Err` means
    /// the store itself failed; every verdict, valid or not, is `Ok`.
    ///
    /// ```
    /// use apikey::{AccountName, KeySpec, Store, VerifyCode, VerifyRequest};
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("keys.db");
    /// let mut store = Store::open(&path)?;
    /// let key = store.create_key(&AccountName::parse("default")?, &KeySpec::default())?;
    ///
    /// // In an API handler: the presented key and what the request came with.
    /// let handle = |store: &mut Store, presented: &str| -> apikey::Result<(u16, String)> {
    ///     let request = VerifyRequest { ip: "203.0.113.9".parse().ok(), ..VerifyRequest::default() };
    ///     let verdict = store.verify(presented, &request)?;
    ///     Ok(match verdict.code {
    ///         VerifyCode::Valid => (200, format!("ok, {} lookups left", verdict.balance.unwrap_or(0))),
    ///         VerifyCode::InsufficientBalance | VerifyCode::DailyLimit
    ///         | VerifyCode::MonthlyLimit | VerifyCode::IpDailyLimit
    ///         | VerifyCode::RateLimited => (429, verdict.code.to_string()),
    ///         _ => (401, verdict.code.to_string()),
    ///     })
    /// };
    /// assert_eq!(handle(&mut store, key.secret.expose())?, (200, "ok, 99 lookups left".to_owned()));
    /// assert_eq!(handle(&mut store, "ak_not-a-key")?.0, 401);
    /// # Ok::<(), apikey::Error>(())
    /// ```
    pub fn verify(&mut self, presented: &str, request: &VerifyRequest) -> Result<Verdict> {
        match screen(presented, request)? {
            Screened::Answered(verdict) => Ok(verdict),
            Screened::Digest(digest) => self.verify_digest(&digest, request),
        }
    }

    /// Whether the store answers a read (a health check's question).
    pub(crate) fn check_readable(&mut self) -> Result<()> {
        let mut tx = self.backend.read(self.clock)?;
        tx.account("default")?;
        Ok(())
    }

    /// [`Store::verify`] for a key already digested (a [`crate::Verifier`]
    /// digests on its callers' threads): a batch of one, in a transaction
    /// of its own (a read for a dry run).
    pub(crate) fn verify_digest(
        &mut self,
        digest: &KeyDigest,
        request: &VerifyRequest,
    ) -> Result<Verdict> {
        match self.try_batch(&[(*digest, request)]) {
            BatchEnd::Answered(mut answers) => {
                answers.pop().expect("a batch answers each of its requests")
            }
            BatchEnd::Failed(e) | BatchEnd::Broke(e) => Err(e),
        }
    }

    /// Verifies a batch in one write transaction (group commit): each
    /// request is decided in order against the store as the requests
    /// before it left it, all at the instant read once the lock is held,
    /// and nothing is answered before the one COMMIT. A request's own
    /// failure (an account that does not exist) is its answer alone; a
    /// store failure part way rolls the batch back and decides each
    /// request again in a transaction of its own, so one bad row cannot
    /// fail its neighbours. A batch of dry runs only reads.
    pub(crate) fn verify_batch(
        &mut self,
        batch: &[(KeyDigest, &VerifyRequest)],
    ) -> Vec<Result<Verdict>> {
        if batch.is_empty() {
            return Vec::new();
        }
        match self.try_batch(batch) {
            BatchEnd::Answered(answers) => answers,
            // The first request gets the failure itself, with its source.
            BatchEnd::Failed(e) => {
                let mut answers: Vec<_> = batch[1..]
                    .iter()
                    .map(|_| Err(e.repeated(&self.path)))
                    .collect();
                answers.insert(0, Err(e));
                answers
            }
            BatchEnd::Broke(_) => batch
                .iter()
                .map(|(digest, request)| self.verify_digest(digest, request))
                .collect(),
        }
    }

    /// One transaction deciding `batch`: the only place a verification
    /// begins, decides and commits.
    fn try_batch(&mut self, batch: &[(KeyDigest, &VerifyRequest)]) -> BatchEnd {
        let spends = batch.iter().any(|(_, r)| !r.dry_run);
        let begun = if spends {
            self.backend.write(self.clock)
        } else {
            self.backend.read(self.clock)
        };
        let mut tx = match begun {
            Ok(tx) => tx,
            Err(e) => return BatchEnd::Failed(e),
        };
        if spends {
            let digests: Vec<KeyDigest> = batch.iter().map(|(digest, _)| *digest).collect();
            if let Err(e) = tx.hold_keys_for(&digests) {
                return BatchEnd::Failed(e);
            }
        }
        let mut chores = Chores::new(self.chores_seen, tx.now());
        let mut answers = Vec::with_capacity(batch.len());
        let mut wrote = false;
        for (digest, request) in batch {
            match decide_in(
                &mut *tx,
                digest,
                request,
                &mut chores,
                (&self.path, &self.actor),
            ) {
                Ok(decided) => {
                    wrote |= decided.wrote;
                    answers.push(Ok(decided.verdict));
                }
                Err(e @ Error::AccountNotFound(_)) => answers.push(Err(e)),
                Err(e) => return BatchEnd::Broke(e),
            }
        }
        if wrote {
            // The day rows, here rather than in COMMIT: a row that cannot
            // be written is one request's failure, as a spend's would be.
            if let Err(e) = tx.write_held() {
                return BatchEnd::Broke(e);
            }
            if let Err(e) = tx.commit() {
                return BatchEnd::Failed(e);
            }
            self.chores_seen = chores.seen(self.chores_seen);
        }
        BatchEnd::Answered(answers)
    }
}

/// How a batch's transaction ended.
enum BatchEnd {
    /// Committed (or only read): each request's answer, in order.
    Answered(Vec<Result<Verdict>>),
    /// It could not begin or commit: nothing was written, and every
    /// request gets this failure.
    Failed(Error),
    /// A store failure part way: rolled back. A batch of several is then
    /// decided one by one; a batch of one fails with it.
    Broke(Error),
}

/// A request checked before the store is touched: either answered already
/// (a malformed key), or the digest to look the key up by.
pub(crate) enum Screened {
    /// The verdict, decided without the store.
    Answered(Verdict),
    /// The presented key's digest.
    Digest(KeyDigest),
}

/// Checks the cost (an error: the caller's mistake) and the key's form (a
/// `MALFORMED` verdict) without the store.
pub(crate) fn screen(presented: &str, request: &VerifyRequest) -> Result<Screened> {
    let cost = request.cost;
    if !(1..=MAX_COST).contains(&cost) {
        return Err(Error::invalid(format!(
            "invalid cost {cost}: use a whole number from 1 to {MAX_COST}"
        )));
    }
    Ok(match crate::secret::digest_presented(presented) {
        Ok(digest) => Screened::Digest(digest),
        Err(_) => Screened::Answered(Verdict::unidentified(VerifyCode::Malformed, cost)),
    })
}

/// Whether today's redaction must be checked in a transaction that
/// commits, and whether it was: a handle that verifies all day checks once
/// a day, a process per verify (the CLI) makes one indexed read each time.
struct Chores {
    /// The day the transaction acts on.
    today: i64,
    /// Not yet seen done today by this handle.
    due: bool,
    /// Looked at in this transaction.
    tried: bool,
    /// Done (or found done) in this transaction.
    done: bool,
}

impl Chores {
    fn new(seen: Option<i64>, now: crate::clock::Timestamp) -> Chores {
        Chores {
            today: now.day(),
            due: seen.is_none_or(|day| day < now.day()),
            tried: false,
            done: false,
        }
    }

    /// Runs the chore before the transaction's first write, once.
    fn before_write(&mut self, tx: &mut dyn Tx) -> Result<()> {
        if self.due && !self.tried {
            self.tried = true;
            self.done = super::usage::redact_if_due(tx)?;
        }
        Ok(())
    }

    /// The handle's record after a commit.
    fn seen(&self, before: Option<i64>) -> Option<i64> {
        if self.done { Some(self.today) } else { before }
    }
}

/// The key `digest` names, if `request` may use it at all: found, not
/// past its grace period at `now`, and of the request's account when it
/// names one. Besides the store's own, the only error is a missing account.
pub(super) fn find_key(
    tx: &mut dyn Tx,
    digest: &KeyDigest,
    request: &VerifyRequest,
    now: crate::clock::Timestamp,
) -> Result<Option<Key>> {
    let scope = request
        .account
        .as_ref()
        .map(|name| accounts::find(&mut *tx, name))
        .transpose()?;
    let Some(mut found) = tx.key_by_digest(digest)? else {
        return Ok(None);
    };
    // A batch holds its keys before deciding (`hold_keys_for`); this holds
    // one whose secret appeared since.
    if let Some(key) = tx.hold_key(found.key.pk)? {
        found.key = key;
    }
    if found.retires_at.is_some_and(|t| t <= now)
        || scope.is_some_and(|account| account.pk != found.key.account_pk)
    {
        return Ok(None);
    }
    Ok(Some(found.key))
}

/// The decision on `key` for `request`, with the quota it has `usage`d.
pub(super) fn decide_on(key: &Key, usage: Usage, request: &VerifyRequest) -> VerifyCode {
    verify::decide(
        &Subject {
            status: key.status,
            security: &key.security,
            balance: key.balance,
            usage,
        },
        request,
    )
}

/// How much of `key`'s quotas is used at `now`, the per-IP count for the
/// request's IP (read only when the key has a per-IP limit), and where its
/// rate-limit windows stand (read only when it has any).
pub(super) fn usage_of(
    tx: &mut dyn Tx,
    key: &Key,
    request: &VerifyRequest,
    now: crate::clock::Timestamp,
) -> Result<(Usage, Option<RateCheck>)> {
    let today_from_ip = match (key.security.ip_daily_limit, request.ip) {
        (Some(_), Some(_)) => {
            tx.ip_usage_today(key.pk, key.counters.day_at(now), UsageIp::of(request.ip))?
        }
        _ => 0,
    };
    let now_ms = tx.now_ms();
    let rate = super::rate::rate_of(tx, key, now_ms)?;
    let usage = Usage {
        today: key.counters.today(now),
        this_month: key.counters.this_month(now),
        today_from_ip,
        rate_full_for_ms: match rate {
            Some(RateCheck::Full { retry_after_ms }) => Some(retry_after_ms),
            _ => None,
        },
    };
    Ok((usage, rate))
}

/// One verification's decision inside a transaction, and whether it wrote.
struct Decided {
    verdict: Verdict,
    wrote: bool,
}

/// Finds the key, decides, and (unless a dry run) writes the spend and its
/// events in `tx`. The only error before a write is a missing account.
fn decide_in(
    tx: &mut dyn Tx,
    digest: &KeyDigest,
    request: &VerifyRequest,
    chores: &mut Chores,
    (store, actor): (&std::path::Path, &str),
) -> Result<Decided> {
    let cost = request.cost;
    // Read once the write lock is held: every decision below (expiry,
    // grace, the day a spend counts on) is made at this instant.
    let now = tx.now();
    let not_found = || Decided {
        verdict: Verdict::unidentified(VerifyCode::NotFound, cost),
        wrote: false,
    };
    let Some(mut key) = find_key(tx, digest, request, now)? else {
        return Ok(not_found());
    };
    let mut wrote = false;
    if !request.dry_run && key.batches.due() {
        // What lapsed leaves the ledger (and the notices due are raised)
        // before the request is decided on what is left.
        chores.before_write(tx)?;
        super::batches::record_in(tx, actor, &key, None)?;
        key = tx.key_by_pk(key.pk)?;
        wrote = true;
    }
    let ip = UsageIp::of(request.ip);
    let (day, month) = (key.counters.day_at(now), key.counters.month_at(now));
    let (usage, rate) = usage_of(tx, &key, request, now)?;
    let mut code = decide_on(&key, usage, request);
    let cost_i64 = i64::try_from(cost).unwrap_or(i64::MAX);
    let mut topped_up = false;
    if !request.dry_run
        && code == VerifyCode::InsufficientBalance
        && auto_topup::due(&key, key.balance, now)
        && auto_topup::covers(&key, cost_i64)
    {
        // Refused for its balance alone, below the threshold, and the
        // top-up would cover it: the top-up comes first (the balance is
        // the last check), and is this request's one.
        chores.before_write(tx)?;
        if let Some(topped) = auto_topup::top_up_in(tx, actor, key.pk, now)? {
            key = topped;
            wrote = true;
            topped_up = true;
            code = decide_on(&key, usage, request);
        }
    }
    let mut balance = key.balance;
    if !request.dry_run {
        let mut events = Vec::new();
        let mut raised = key.raised;
        if key.status != KeyStatus::Revoked && event::expiry_due(key.expires_at, raised, now) {
            if let Some(t) = key.expires_at {
                events.push(event::expiring(t, now));
            }
            raised.expiry = true;
        }
        let writes = code == VerifyCode::Valid || raised != key.raised;
        if writes {
            chores.before_write(tx)?;
        }
        wrote |= writes;
        if code == VerifyCode::Valid {
            let counters = key.counters.after_spend(now, cost);
            let (spend_events, after) = event::on_spend(
                &SpendFacts {
                    balance: (key.balance, key.balance - cost_i64),
                    low_balance: key.notify.low_balance,
                    daily: key.security.daily_limit.map(|l| (l, counters.day_count)),
                    monthly: key
                        .security
                        .monthly_limit
                        .map(|l| (l, counters.month_count)),
                    day,
                    month,
                },
                raised,
            );
            events.extend(spend_events);
            let rate = super::rate::count_in_windows(tx, &key, rate, store)?;
            balance = tx.spend(&Spend {
                key: key.pk,
                cost,
                counters,
                ip,
                raised: after,
                rate,
            })?;
        } else if raised != key.raised {
            // A denial spends nothing and raises no limit event (no
            // count moved); only an expiry notice can be due.
            tx.set_raised(key.pk, raised)?;
        }
        notify::raise(&mut *tx, &key, &events)?;
        if code == VerifyCode::Valid && !topped_up && auto_topup::due(&key, balance, now) {
            // The spend left the balance below the threshold.
            if let Some(topped) = auto_topup::top_up_in(tx, actor, key.pk, now)? {
                balance = topped.balance;
            }
        }
    }
    Ok(Decided {
        verdict: Verdict {
            valid: code == VerifyCode::Valid,
            code,
            key_id: Some(key.id),
            account: Some(key.account),
            balance: Some(balance),
            cost,
            retry_after_ms: usage
                .rate_full_for_ms
                .filter(|_| code == VerifyCode::RateLimited),
        },
        wrote,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountName, KeySpec};

    fn digest(secret: &str) -> KeyDigest {
        crate::secret::digest_presented(secret).unwrap()
    }

    fn spend() -> VerifyRequest {
        VerifyRequest::default()
    }

    /// A store file with two keys of one account (the first holds the
    /// test balance of 100, the second a top-up of 100).
    fn two_keys() -> (tempfile::TempDir, std::path::PathBuf, [String; 2]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let mut store = Store::open(&path).unwrap();
        let account = AccountName::parse("default").unwrap();
        let a = store.create_key(&account, &KeySpec::default()).unwrap();
        let b = store.create_key(&account, &KeySpec::default()).unwrap();
        let b_secret = b.secret.expose().to_owned();
        store
            .topup(&account, &crate::KeyRef::Secret(b.secret), 100, None)
            .unwrap();
        (dir, path, [a.secret.expose().to_owned(), b_secret])
    }

    #[test]
    fn a_batch_decides_each_request_against_the_ones_before_it() {
        let (_dir, path, [a, _]) = two_keys();
        let mut store = Store::open(&path).unwrap();
        let request = spend();
        let dry = VerifyRequest {
            dry_run: true,
            ..VerifyRequest::default()
        };
        let mut batch: Vec<(KeyDigest, &VerifyRequest)> = vec![(digest(&a), &request); 101];
        batch.push((digest(&a), &dry));
        let answers = store.verify_batch(&batch);
        for (i, answer) in answers[..100].iter().enumerate() {
            let verdict = answer.as_ref().unwrap();
            assert_eq!(verdict.code, VerifyCode::Valid);
            assert_eq!(verdict.balance, Some(99 - i as i64));
        }
        let last = answers[100].as_ref().unwrap();
        assert_eq!(last.code, VerifyCode::InsufficientBalance);
        // A dry run in the batch sees the spends before it.
        assert_eq!(answers[101].as_ref().unwrap().balance, Some(0));
        let mut other = Store::open(&path).unwrap();
        assert_eq!(other.verify(&a, &dry).unwrap().balance, Some(0));
    }

    #[test]
    fn a_missing_account_is_its_own_answer_and_the_batch_commits() {
        let (_dir, path, [a, _]) = two_keys();
        let mut store = Store::open(&path).unwrap();
        let request = spend();
        let elsewhere = VerifyRequest {
            account: Some(AccountName::parse("nobody").unwrap()),
            ..VerifyRequest::default()
        };
        let answers = store.verify_batch(&[
            (digest(&a), &request),
            (digest(&a), &elsewhere),
            (digest(&a), &request),
        ]);
        assert!(matches!(answers[1], Err(Error::AccountNotFound(_))));
        assert_eq!(answers[2].as_ref().unwrap().balance, Some(98));
        let mut other = Store::open(&path).unwrap();
        assert_eq!(other.verify(&a, &request).unwrap().balance, Some(97));
    }

    /// Spends a, b, a in one batch: b's request fails with the store's
    /// error, and a's two spend as if b were not there.
    fn only_the_middle_request_fails(path: &std::path::Path, a: &str, b: &str) {
        let mut store = Store::open(path).unwrap();
        let request = spend();
        let answers = store.verify_batch(&[
            (digest(a), &request),
            (digest(b), &request),
            (digest(a), &request),
        ]);
        assert_eq!(answers[0].as_ref().unwrap().balance, Some(99));
        assert!(
            matches!(answers[1], Err(Error::Store { .. })),
            "{:?}",
            answers[1]
        );
        assert_eq!(answers[2].as_ref().unwrap().balance, Some(98));
    }

    #[test]
    fn a_key_that_cannot_be_read_fails_alone() {
        let (_dir, path, [a, b]) = two_keys();
        // The second key's stored list no longer parses: reading it fails.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let changed = conn
            .execute(
                "UPDATE keys SET allowed_ips = 'not a list' WHERE id = (SELECT MAX(id) FROM keys)",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1);
        drop(conn);
        only_the_middle_request_fails(&path, &a, &b);
    }

    /// A key's day row that cannot be written (here a trigger refuses it)
    /// fails that key's spends and nothing else: the batch is rolled back
    /// whole, then each request is decided alone, and no balance moves
    /// without its ledger row.
    #[test]
    fn a_day_row_that_cannot_be_written_fails_its_key_alone() {
        let (_dir, path, [a, b]) = two_keys();
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TRIGGER refuse_b BEFORE INSERT ON ledger
               WHEN NEW.reason = 'spend' AND NEW.key_id = (SELECT MAX(id) FROM keys)
               BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
        only_the_middle_request_fails(&path, &a, &b);
        let (balance_b, spent_a): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT balance FROM keys WHERE id = (SELECT MAX(id) FROM keys)),
                        (SELECT SUM(spends) FROM ledger WHERE reason = 'spend')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((balance_b, spent_a), (100, 2));
        assert!(
            Store::open(&path)
                .unwrap()
                .check()
                .unwrap()
                .violations
                .is_empty()
        );
    }
}
