//! What one attempt to deliver an event did for each of its recipients, and
//! what that makes of the event. Each recipient has an outcome of its own,
//! so one address a server refuses never holds the mail back from the
//! others, and never blocks the event forever.

use super::event::{Event, EventStatus};
use super::recipient::{Delivery, DeliveryStatus};
use crate::clock::Timestamp;

/// After this many temporary refusals (4xx at `RCPT`) a recipient is
/// given up on.
pub const MAX_REFUSALS: u32 = 5;

/// After this many attempts that ended in doubt (the message sent, its
/// confirmation lost) a recipient is given up on rather than mailed again
/// and again by a server whose confirmation always comes too late.
pub const MAX_DOUBTS: u32 = 2;

/// What the server said about one recipient in one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecipientResult {
    /// The server confirmed the message for it (250 after the data).
    Delivered,
    /// Refused at `RCPT`: for good (5xx) or for now (4xx), with the reply.
    Refused {
        /// A 5xx reply.
        permanent: bool,
        /// The reply, one line.
        reply: String,
    },
    /// The attempt ended before the server said anything final for it.
    NotReached,
}

/// How an attempt that did not finish ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// The server takes no mail now: it cannot be reached, TLS or the
    /// login failed, it refused the sender, or it put the message off
    /// (4xx at or after `DATA`). Nothing later in the run would do better,
    /// so the run stops, and no recipient is counted against.
    Unavailable,
    /// The server refused the message itself for good (5xx after the
    /// data): every recipient asked fails.
    Rejected,
    /// The session broke before the whole message was sent (a timeout, a
    /// closed connection, a 421): the next event gets a new connection.
    Broken,
    /// The session broke after the whole message was sent and before the
    /// server confirmed it: SMTP cannot tell whether it arrived.
    InDoubt,
}

/// Why an attempt did not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What happened.
    pub kind: FailureKind,
    /// One line for the outbox's `last_error`; never the server's reply
    /// to a login.
    pub text: String,
}

/// One attempt at one event, as the mailer saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attempt {
    /// Each recipient asked for, with what the server said.
    pub results: Vec<(String, RecipientResult)>,
    /// Set when the attempt did not finish.
    pub failure: Option<Failure>,
}

/// Whatever hands an event's mail over: the SMTP mailer, or a stand-in in
/// tests. `notify send` claims an event for [`Courier::deadline`] and a
/// margin, so a delivery can never outlast its claim.
pub trait Courier {
    /// The longest one event's delivery may take, connecting included.
    fn deadline(&self) -> std::time::Duration;
    /// Delivers `event` to `recipients` (those still pending), saying what
    /// happened to each.
    fn deliver(&mut self, event: &Event, recipients: &[String]) -> Attempt;
}

/// What an attempt changes on its event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventUpdate {
    /// The event's new status.
    pub status: EventStatus,
    /// Every recipient's outcome.
    pub deliveries: Vec<Delivery>,
    /// The attempt's trouble, if any.
    pub last_error: Option<String>,
    /// When a recipient last got the mail.
    pub sent_at: Option<Timestamp>,
}

/// The recipients an attempt should ask for: those still pending.
pub fn pending_recipients(event: &Event) -> Vec<String> {
    event
        .deliveries
        .iter()
        .filter(|d| d.status == DeliveryStatus::Pending)
        .map(|d| d.to.clone())
        .collect()
}

/// Folds one attempt into its event.
pub fn record(event: &Event, attempt: &Attempt, now: Timestamp) -> EventUpdate {
    let mut deliveries = event.deliveries.clone();
    let mut sent_at = event.sent_at;
    let mut refusals = Vec::new();
    let failure = attempt.failure.as_ref();
    for (to, result) in &attempt.results {
        let Some(d) = deliveries
            .iter_mut()
            .find(|d| &d.to == to && d.status == DeliveryStatus::Pending)
        else {
            continue;
        };
        match result {
            RecipientResult::Delivered => {
                d.status = DeliveryStatus::Sent;
                d.at = Some(now);
                d.error = None;
                sent_at = Some(now);
            }
            RecipientResult::Refused { permanent, reply } => {
                d.refusals += u32::from(!permanent);
                d.error = Some(reply.clone());
                if *permanent || d.refusals >= MAX_REFUSALS {
                    give_up(d, now);
                }
                refusals.push(format!("{to}: {reply}"));
            }
            RecipientResult::NotReached => match failure.map(|f| (f.kind, &f.text)) {
                Some((FailureKind::Rejected, text)) => {
                    d.error = Some(text.clone());
                    give_up(d, now);
                }
                Some((FailureKind::InDoubt, text)) => {
                    d.doubts += 1;
                    d.error = Some(text.clone());
                    if d.doubts >= MAX_DOUBTS {
                        give_up(d, now);
                    }
                }
                _ => {}
            },
        }
    }
    let status = if deliveries
        .iter()
        .any(|d| d.status == DeliveryStatus::Pending)
    {
        EventStatus::Pending
    } else if deliveries.iter().all(|d| d.status == DeliveryStatus::Sent) {
        EventStatus::Sent
    } else {
        EventStatus::Failed
    };
    let last_error = match failure {
        Some(failure) => Some(failure.text.clone()),
        None if refusals.is_empty() => None,
        None => Some(format!("refused {}", refusals.join("; "))),
    };
    EventUpdate {
        status,
        deliveries,
        last_error,
        sent_at,
    }
}

fn give_up(d: &mut Delivery, now: Timestamp) {
    d.status = DeliveryStatus::Failed;
    d.at = Some(now);
}

/// `notify retry`: the recipients given up on become pending again, with
/// their count of refusals cleared; those who got the mail keep it.
pub fn retry(event: &Event) -> EventUpdate {
    let mut deliveries = event.deliveries.clone();
    for d in &mut deliveries {
        if d.status == DeliveryStatus::Failed {
            *d = Delivery::pending(&d.to);
        }
    }
    EventUpdate {
        status: EventStatus::Pending,
        deliveries,
        last_error: event.last_error.clone(),
        sent_at: event.sent_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::KeyId;
    use crate::notify::event::EventKind;

    fn event(recipients: &[&str]) -> Event {
        Event {
            id: 1,
            event: EventKind::Topup,
            account: "acme".into(),
            key_id: KeyId::parse("k_7Hq2mZ9d").unwrap(),
            recipients: recipients.iter().map(ToString::to_string).collect(),
            status: EventStatus::Pending,
            attempts: 0,
            created_at: Timestamp::from_unix(1_000),
            sent_at: None,
            last_error: None,
            deliveries: recipients.iter().map(|r| Delivery::pending(r)).collect(),
            claimed_by: None,
            key_name: "web".into(),
            key_hint: "ak_…xI88".into(),
            balance: 1,
            detail: String::new(),
        }
    }

    fn apply(event: &mut Event, attempt: &Attempt) {
        let update = record(event, attempt, Timestamp::from_unix(2_000));
        event.status = update.status;
        event.deliveries = update.deliveries;
        event.last_error = update.last_error;
        event.sent_at = update.sent_at;
    }

    /// An attempt that ended before any reply about `recipients`.
    fn cut_short(recipients: &[&str], kind: FailureKind, text: &str) -> Attempt {
        Attempt {
            results: recipients
                .iter()
                .map(|to| ((*to).to_owned(), RecipientResult::NotReached))
                .collect(),
            failure: Some(Failure {
                kind,
                text: text.to_owned(),
            }),
        }
    }

    fn refused(permanent: bool) -> RecipientResult {
        RecipientResult::Refused {
            permanent,
            reply: if permanent {
                "550 no such user"
            } else {
                "450 later"
            }
            .into(),
        }
    }

    #[test]
    fn one_refused_address_fails_alone_and_the_others_get_the_mail() {
        let mut e = event(&["a@x.io", "bad@x.io", "c@x.io"]);
        let attempt = Attempt {
            results: vec![
                ("a@x.io".into(), RecipientResult::Delivered),
                ("bad@x.io".into(), refused(true)),
                ("c@x.io".into(), RecipientResult::Delivered),
            ],
            failure: None,
        };
        apply(&mut e, &attempt);
        assert_eq!(e.status, EventStatus::Failed);
        assert_eq!(pending_recipients(&e), Vec::<String>::new());
        assert_eq!(
            e.last_error.as_deref(),
            Some("refused bad@x.io: 550 no such user")
        );
        assert_eq!(e.sent_at, Some(Timestamp::from_unix(2_000)));
        // A retry asks for the refused one only.
        let update = retry(&e);
        e.deliveries = update.deliveries;
        assert_eq!(update.status, EventStatus::Pending);
        assert_eq!(pending_recipients(&e), ["bad@x.io"]);
    }

    #[test]
    fn temporary_refusals_are_counted_and_bounded() {
        let mut e = event(&["a@x.io", "slow@x.io"]);
        apply(
            &mut e,
            &Attempt {
                results: vec![
                    ("a@x.io".into(), RecipientResult::Delivered),
                    ("slow@x.io".into(), refused(false)),
                ],
                failure: None,
            },
        );
        assert_eq!(e.status, EventStatus::Pending);
        for n in 2..=MAX_REFUSALS {
            assert_eq!(pending_recipients(&e), ["slow@x.io"], "attempt {n}");
            apply(
                &mut e,
                &Attempt {
                    results: vec![("slow@x.io".into(), refused(false))],
                    failure: None,
                },
            );
        }
        assert_eq!(e.status, EventStatus::Failed);
        assert_eq!(e.deliveries[1].refusals, MAX_REFUSALS);
    }

    #[test]
    fn a_broken_session_leaves_everyone_pending_and_says_why() {
        let mut e = event(&["a@x.io"]);
        apply(
            &mut e,
            &cut_short(&["a@x.io"], FailureKind::Broken, "timed out after 3 s"),
        );
        assert_eq!(e.status, EventStatus::Pending);
        assert_eq!((e.deliveries[0].refusals, e.deliveries[0].doubts), (0, 0));
        assert_eq!(e.last_error.as_deref(), Some("timed out after 3 s"));
    }

    #[test]
    fn a_server_that_never_confirms_in_time_is_given_up_on_after_two_doubts() {
        let mut e = event(&["a@x.io"]);
        let doubt = cut_short(
            &["a@x.io"],
            FailureKind::InDoubt,
            "timed out after the message: it may have been delivered",
        );
        apply(&mut e, &doubt);
        assert_eq!(
            (e.status, e.deliveries[0].doubts),
            (EventStatus::Pending, 1)
        );
        apply(&mut e, &doubt);
        assert_eq!((e.status, e.deliveries[0].doubts), (EventStatus::Failed, 2));
        assert!(
            e.deliveries[0]
                .error
                .as_deref()
                .unwrap()
                .contains("may have been delivered")
        );
    }

    #[test]
    fn a_server_that_takes_no_mail_now_counts_against_nobody() {
        let mut e = event(&["a@x.io"]);
        apply(
            &mut e,
            &cut_short(
                &["a@x.io"],
                FailureKind::Unavailable,
                "the sender was refused: 550 not yours",
            ),
        );
        assert_eq!(e.status, EventStatus::Pending);
        assert_eq!(e.deliveries[0], Delivery::pending("a@x.io"));
    }

    #[test]
    fn a_message_refused_for_good_fails_every_recipient_asked() {
        let mut e = event(&["a@x.io", "b@x.io"]);
        apply(
            &mut e,
            &cut_short(
                &["a@x.io", "b@x.io"],
                FailureKind::Rejected,
                "554 message refused",
            ),
        );
        assert_eq!(e.status, EventStatus::Failed);
        assert!(
            e.deliveries
                .iter()
                .all(|d| d.error.as_deref() == Some("554 message refused"))
        );
    }
}
