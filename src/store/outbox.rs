//! `notify send` and the admin's hand on single events (`notify retry`,
//! `notify discard`). A run claims one event at a time, just before it
//! hands that event to SMTP, and records the outcome only if it still holds
//! the claim; a claim stands while its process runs (see
//! [`crate::notify::sender`]), so no two runs ever deliver the same event,
//! and a run that died leaves nothing hidden behind its claims.

use std::thread::sleep;
use std::time::{Duration, Instant};

use super::Store;
use super::backend::{NewAudit, Tx};
use crate::audit::Action;
use crate::error::{Error, Refusal, Result};
use crate::notify::delivery::{self, Attempt, Courier, EventUpdate, FailureKind, RecipientResult};
use crate::notify::event::{Event, EventStatus};
use crate::notify::recipient::DeliveryStatus;
use crate::notify::sender::{Holder, Sender};

/// A claim lasts the courier's deadline, the longest recording its
/// outcome can take (every try waiting out the store's lock), and this.
const LEASE_SLACK: Duration = Duration::from_secs(30);

/// Recording an outcome is tried this many times before the run gives up.
const RECORD_TRIES: u32 = 3;

/// The pause after a failed try to record (the first is try 1): the lease
/// counts the same pauses.
fn record_pause(tries: u32) -> Duration {
    Duration::from_millis(500) * tries
}

/// How often a run looks again at events another run is delivering.
const POLL: Duration = Duration::from_millis(100);

/// The outcome of one `notify send` run.
#[derive(Debug, Default, serde::Serialize)]
pub struct SendReport {
    /// Events delivered to every recipient by this run.
    pub sent: Vec<i64>,
    /// Events this run tried that are not delivered to everyone: still
    /// pending, or failed for good.
    pub failed: Vec<FailedEvent>,
    /// Events left pending because another run holds them.
    pub held: Vec<HeldEvent>,
    /// Events the run did not get to, because it stopped.
    pub not_attempted: Vec<i64>,
    /// Why the run stopped before the end, if it did: the server takes no
    /// mail now, the run lost a claim, or it could not record an attempt.
    pub stopped: Option<String>,
}

impl SendReport {
    /// Whether everything the run was asked to deliver is delivered.
    pub fn complete(&self) -> bool {
        self.failed.is_empty()
            && self.held.is_empty()
            && self.not_attempted.is_empty()
            && self.stopped.is_none()
    }
}

/// One event a run tried and did not deliver to everyone.
#[derive(Debug, serde::Serialize)]
pub struct FailedEvent {
    /// The event.
    pub id: i64,
    /// `pending` (tried again by the next run) or `failed` (given up).
    pub status: EventStatus,
    /// What the server (or the network) said.
    pub error: String,
}

/// One event another run holds.
#[derive(Debug, serde::Serialize)]
pub struct HeldEvent {
    /// The event.
    pub id: i64,
    /// Who holds it, and until when at the latest.
    pub claimed_by: Holder,
}

enum Step {
    Done,
    Held(Holder),
    Stop,
}

impl Store {
    /// Delivers every pending event through `courier`, one at a time: each
    /// is claimed just before its delivery and recorded right after, only
    /// while this run still holds it. Events another live run holds are
    /// waited for (up to one lease), then reported.
    pub fn send_pending(&mut self, courier: &mut dyn Courier) -> Result<SendReport> {
        let me = Sender::this_process()?;
        let backoff: Duration = (1..RECORD_TRIES).map(record_pause).sum();
        let lease =
            courier.deadline() + self.backend.lock_wait() * RECORD_TRIES + backoff + LEASE_SLACK;
        let ids = self.backend.read(self.clock)?.pending_event_ids()?;
        let mut report = SendReport::default();
        let mut held = Vec::new();
        for (i, &id) in ids.iter().enumerate() {
            match self.send_one(id, &me, lease, courier, &mut report)? {
                Step::Done => {}
                Step::Held(holder) => held.push((id, holder)),
                Step::Stop => {
                    let untried = ids[i + 1..].iter().chain(held.iter().map(|(id, _)| id));
                    report.not_attempted.extend(untried);
                    return Ok(report);
                }
            }
        }
        let give_up = Instant::now() + lease;
        while !held.is_empty() && Instant::now() < give_up {
            sleep(POLL);
            // Looked at in one read; the write lock only once a claim fell,
            // so the run holding them is never kept from recording.
            let fallen = self.fallen_claims(&held)?;
            let mut still = Vec::new();
            for (i, (id, holder)) in held.iter().enumerate() {
                if !fallen.contains(id) {
                    still.push((*id, holder.clone()));
                    continue;
                }
                match self.send_one(*id, &me, lease, courier, &mut report)? {
                    Step::Done => {}
                    Step::Held(holder) => still.push((*id, holder)),
                    Step::Stop => {
                        let untried = still.iter().chain(&held[i + 1..]).map(|(id, _)| id);
                        report.not_attempted.extend(untried);
                        return Ok(report);
                    }
                }
            }
            held = still;
        }
        report.held = held
            .into_iter()
            .map(|(id, claimed_by)| HeldEvent { id, claimed_by })
            .collect();
        Ok(report)
    }

    /// Of the events another run held, those no longer held: delivered,
    /// discarded, or with a claim that has fallen.
    fn fallen_claims(&mut self, held: &[(i64, Holder)]) -> Result<Vec<i64>> {
        let mut tx = self.backend.read(self.clock)?;
        let now = tx.now();
        let mut fallen = Vec::new();
        for (id, _) in held {
            let stands = tx.event(*id)?.is_some_and(|e| {
                e.status == EventStatus::Pending
                    && e.claimed_by.is_some_and(|holder| holder.stands(now))
            });
            if !stands {
                fallen.push(*id);
            }
        }
        Ok(fallen)
    }

    fn send_one(
        &mut self,
        id: i64,
        me: &Sender,
        lease: Duration,
        courier: &mut dyn Courier,
        report: &mut SendReport,
    ) -> Result<Step> {
        let event = {
            let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
            let now = tx.now();
            let Some(event) = tx.event(id)? else {
                return Ok(Step::Done);
            };
            if event.status != EventStatus::Pending {
                return Ok(Step::Done);
            }
            if let Some(holder) = &event.claimed_by
                && holder.token != me.token
                && holder.stands(now)
            {
                return Ok(Step::Held(holder.clone()));
            }
            if !tx.claim_event(id, &Holder::new(me, now.plus(lease)))? {
                return Ok(Step::Done);
            }
            tx.commit()?;
            event
        };
        let recipients = delivery::pending_recipients(&event);
        let attempt = if recipients.is_empty() {
            // Nobody left to ask (only a store written by hand gets here):
            // recording settles the event's status.
            Attempt::default()
        } else {
            courier.deliver(&event, &recipients)
        };
        let delivered: Vec<&str> = attempt
            .results
            .iter()
            .filter(|(_, r)| *r == RecipientResult::Delivered)
            .map(|(to, _)| to.as_str())
            .collect();
        let to_whom = if delivered.is_empty() {
            "nobody".to_owned()
        } else {
            delivered.join(", ")
        };
        let update = match self.record(&event, &me.token, &attempt) {
            Ok(Some(update)) => update,
            Ok(None) => {
                report.stopped = Some(format!(
                    "event {id} was taken over, retried or discarded by someone else while this run delivered it (to {to_whom}): stopping so that nothing is sent twice"
                ));
                return Ok(Step::Stop);
            }
            Err(e) => {
                report.stopped = Some(if delivered.is_empty() {
                    format!(
                        "the attempt on event {id} could not be recorded ({e}); it stays pending"
                    )
                } else {
                    format!(
                        "event {id} was delivered to {to_whom} but could not be recorded ({e}): it stays pending and will be mailed again unless you run `apikey notify discard {id}`"
                    )
                });
                return Ok(Step::Stop);
            }
        };
        match update.status {
            EventStatus::Sent => report.sent.push(id),
            status => report.failed.push(FailedEvent {
                id,
                status,
                error: update
                    .last_error
                    .clone()
                    .unwrap_or_else(|| "not delivered".to_owned()),
            }),
        }
        // The server takes no mail now: the events after this one would
        // fare no better.
        if let Some(failure) = &attempt.failure
            && failure.kind == FailureKind::Unavailable
        {
            report.stopped = Some(failure.text.clone());
            return Ok(Step::Stop);
        }
        Ok(Step::Done)
    }

    /// Records an attempt, trying again while the store fails (it is busy,
    /// most likely); `None` when this run no longer holds the event.
    fn record(
        &mut self,
        event: &Event,
        token: &str,
        attempt: &Attempt,
    ) -> Result<Option<EventUpdate>> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.record_once(event, token, attempt) {
                Err(_) if tries < RECORD_TRIES => sleep(record_pause(tries)),
                outcome => return outcome,
            }
        }
    }

    fn record_once(
        &mut self,
        event: &Event,
        token: &str,
        attempt: &Attempt,
    ) -> Result<Option<EventUpdate>> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let update = delivery::record(event, attempt, tx.now());
        let held = tx.record_attempt(event.id, token, &update)?;
        tx.commit()?;
        Ok(held.then_some(update))
    }

    /// `notify retry`: the event's recipients that did not get it become
    /// pending again, so the next `notify send` tries them.
    pub fn retry_event(&mut self, id: i64) -> Result<Event> {
        self.change_event(id, Action::NotifyRetry, |event| {
            if event.status == EventStatus::Discarded {
                return Err(Refusal::EventDiscarded { id }.into());
            }
            let unsent = event
                .deliveries
                .iter()
                .any(|d| d.status != DeliveryStatus::Sent);
            if !unsent || event.status == EventStatus::Skipped {
                return Err(Refusal::NothingToRetry {
                    id,
                    status: event.status.as_str(),
                }
                .into());
            }
            if event.status == EventStatus::Pending
                && !event
                    .deliveries
                    .iter()
                    .any(|d| d.status == DeliveryStatus::Failed)
            {
                return Err(Refusal::EventPending { id }.into());
            }
            Ok(delivery::retry(event))
        })
    }

    /// `notify discard`: the event is never sent (again).
    pub fn discard_event(&mut self, id: i64) -> Result<Event> {
        self.change_event(id, Action::NotifyDiscard, |event| {
            if !matches!(event.status, EventStatus::Pending | EventStatus::Failed) {
                return Err(Refusal::NotDiscardable {
                    id,
                    status: event.status.as_str(),
                }
                .into());
            }
            Ok(EventUpdate {
                status: EventStatus::Discarded,
                deliveries: event.deliveries.clone(),
                last_error: event.last_error.clone(),
                sent_at: event.sent_at,
            })
        })
    }

    fn change_event(
        &mut self,
        id: i64,
        action: Action,
        change: impl FnOnce(&Event) -> Result<EventUpdate>,
    ) -> Result<Event> {
        let mut tx = super::begin_write(&mut *self.backend, self.clock)?;
        let event = tx.event(id)?.ok_or(Error::EventNotFound(id))?;
        if let Some(holder) = &event.claimed_by
            && event.status == EventStatus::Pending
            && holder.stands(tx.now())
        {
            return Err(Refusal::EventBeingSent {
                id,
                pid: holder.pid,
                host: holder.host.clone(),
            }
            .into());
        }
        let update = change(&event)?;
        tx.set_event_state(id, &update)?;
        audit_event(&mut *tx, &self.actor, &event, action)?;
        let event = tx.event(id)?.ok_or(Error::EventNotFound(id))?;
        tx.commit()?;
        Ok(event)
    }
}

fn audit_event(tx: &mut dyn Tx, actor: &str, event: &Event, action: Action) -> Result<()> {
    let account = tx
        .account(&event.account)?
        .ok_or_else(|| Error::AccountNotFound(event.account.clone()))?;
    let key = tx
        .key_by_id(&event.key_id)?
        .ok_or_else(|| Error::KeyNotFound {
            account: event.account.clone(),
            key: event.key_id.to_string(),
        })?;
    tx.audit(
        actor,
        &NewAudit {
            action,
            account: account.pk,
            key: Some(key.pk),
            detail: &format!("event {} ({})", event.id, event.event),
        },
    )
}
