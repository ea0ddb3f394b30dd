//! The outbox in the backend suite: each recipient's outcome, claims that
//! fall with their holder, and the admin's retry and discard, through a
//! stand-in courier that records what it was asked to deliver.

use std::time::Duration;

use super::{by_name, default_account, named};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::notify::delivery::{Attempt, Courier, RecipientResult};
use crate::notify::event::{Event, EventStatus};
use crate::notify::recipient::DeliveryStatus;
use crate::notify::sender::Holder;
use crate::notify::{Email, NotifySettings};
use crate::store::{Clock, Store};

/// Delivers to everyone but the addresses in `refuse`, which it refuses
/// for good; remembers every call.
#[derive(Default)]
struct Courier5xx {
    refuse: Vec<String>,
    calls: Vec<(i64, Vec<String>)>,
}

impl Courier for Courier5xx {
    fn deadline(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn deliver(&mut self, event: &Event, recipients: &[String]) -> Attempt {
        self.calls.push((event.id, recipients.to_vec()));
        Attempt {
            results: recipients
                .iter()
                .map(|to| {
                    let result = if self.refuse.contains(to) {
                        RecipientResult::Refused {
                            permanent: true,
                            reply: "550 no such user".into(),
                        }
                    } else {
                        RecipientResult::Delivered
                    };
                    (to.clone(), result)
                })
                .collect(),
            failure: None,
        }
    }
}

/// A key on two addresses with one `topup` event waiting; its id.
fn one_event(store: &mut Store) -> i64 {
    let spec = crate::store::KeySpec {
        notify: NotifySettings {
            emails: vec![
                Email::parse("a@x.io").unwrap(),
                Email::parse("b@x.io").unwrap(),
            ],
            low_balance: None,
        },
        ..named("web")
    };
    store.create_key(&default_account(), &spec).unwrap();
    store
        .topup(&default_account(), &by_name("web"), 5, None)
        .unwrap();
    let pending = store.outbox(false).unwrap();
    assert_eq!(pending.len(), 1);
    pending[0].id
}

pub(crate) fn each_recipient_is_delivered_once(mut store: Store) {
    let id = one_event(&mut store);
    let mut courier = Courier5xx {
        refuse: vec!["b@x.io".into()],
        ..Courier5xx::default()
    };
    let report = store.send_pending(&mut courier).unwrap();
    assert!(report.sent.is_empty() && !report.complete());
    assert_eq!(report.failed[0].status, EventStatus::Failed);
    let event = &store.outbox(true).unwrap()[0];
    assert_eq!(event.status, EventStatus::Failed);
    let statuses: Vec<DeliveryStatus> = event.deliveries.iter().map(|d| d.status).collect();
    assert_eq!(statuses, [DeliveryStatus::Sent, DeliveryStatus::Failed]);
    assert!(event.claimed_by.is_none() && event.sent_at.is_some());

    // Failed is final until an admin says otherwise.
    assert!(store.send_pending(&mut courier).unwrap().complete());
    assert_eq!(courier.calls.len(), 1);
    store.retry_event(id).unwrap();
    courier.refuse.clear();
    let report = store.send_pending(&mut courier).unwrap();
    assert_eq!(report.sent, [id]);
    assert_eq!(
        courier.calls,
        [
            (id, vec!["a@x.io".to_owned(), "b@x.io".to_owned()]),
            (id, vec!["b@x.io".to_owned()]),
        ],
        "a@x.io never twice"
    );
    let event = &store.outbox(true).unwrap()[0];
    assert_eq!((event.status, event.attempts), (EventStatus::Sent, 2));

    // Sent and discarded events are beyond retry and discard.
    assert!(matches!(store.retry_event(id), Err(Error::Refused(_))));
    assert!(matches!(store.discard_event(id), Err(Error::Refused(_))));
    assert!(matches!(
        store.discard_event(id + 1),
        Err(Error::EventNotFound(_))
    ));
}

pub(crate) fn claims_fall_with_their_holder(mut store: Store) {
    let id = one_event(&mut store);
    // A run on another machine claimed it, and its lease has ended.
    let foreign = Holder {
        token: "other-run".into(),
        host: "elsewhere".into(),
        pid: 4242,
        process: "another-boot/pid:[1]/99".into(),
        until: Timestamp::from_unix(store.now().unix() - 1),
    };
    {
        let mut tx = store.backend.write(Clock::System).unwrap();
        tx.claim_event(id, &foreign).unwrap();
        tx.commit().unwrap();
    }
    // A claim that has fallen is nobody's: the outbox shows none.
    assert!(store.outbox(false).unwrap()[0].claimed_by.is_none());
    // While that run's lease stood, the outbox named it, and an admin
    // could not pull the event away.
    let during = store.now().unix() - 60;
    let mut early = store.with_clock(Clock::Fixed(Timestamp::from_unix(during)));
    let held = early.outbox(false).unwrap()[0].claimed_by.clone().unwrap();
    assert_eq!((held.host.as_str(), held.pid), ("elsewhere", 4242));
    assert!(matches!(early.discard_event(id), Err(Error::Refused(_))));
    let mut store = early.with_clock(Clock::System);
    let mut courier = Courier5xx::default();
    let report = store.send_pending(&mut courier).unwrap();
    assert_eq!(report.sent, [id], "taken over once the lease ended");
    assert!(store.outbox(true).unwrap()[0].claimed_by.is_none());
}

pub(crate) fn a_discarded_event_is_never_sent(mut store: Store) {
    let id = one_event(&mut store);
    let event = store.discard_event(id).unwrap();
    assert_eq!(event.status, EventStatus::Discarded);
    let mut courier = Courier5xx::default();
    assert!(store.send_pending(&mut courier).unwrap().complete());
    assert!(courier.calls.is_empty());
    // Discarding is final.
    assert!(matches!(store.retry_event(id), Err(Error::Refused(_))));
    assert!(store.send_pending(&mut courier).unwrap().complete());
    assert!(courier.calls.is_empty());
    let audit = store
        .audit_log(&default_account(), Some(&by_name("web")))
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions[0], "notify_discard", "{actions:?}");
    assert!(
        !actions.contains(&"notify_retry"),
        "a refused retry is no change"
    );
}
