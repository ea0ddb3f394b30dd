//! The mail a person gets for an event: a subject that says what happened
//! to which key, and a body with the account, the key's name and hint
//! (never the secret), the balance, and what to do about it.

use super::event::{Event, EventKind};
use crate::text::printable;

/// A composed notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// One line.
    pub subject: String,
    /// Plain text.
    pub body: String,
}

/// Writes the mail for `event`.
pub fn compose(event: &Event) -> Mail {
    let key = format!("\"{}\" ({})", printable(&event.key_name), event.key_hint);
    let account = printable(&event.account);
    let topup = format!(
        "apikey --account {} topup {} AMOUNT",
        event.account, event.key_id
    );
    let (what, todo) = match event.event {
        EventKind::LowBalance => (
            format!("Low balance: {} lookups left", event.balance),
            format!("Top the key up before it runs out:\n    {topup}"),
        ),
        EventKind::Exhausted => (
            "Out of lookups".to_owned(),
            format!("Requests with this key are refused until it is topped up:\n    {topup}"),
        ),
        EventKind::LimitWarning => (
            "90% of the daily limit used".to_owned(),
            format!(
                "Requests will be refused once the limit is reached, until 00:00 UTC. To raise it:\n    apikey --account {} security {} --daily-limit N",
                event.account, event.key_id
            ),
        ),
        EventKind::LimitReached => (
            "Limit reached".to_owned(),
            format!(
                "Requests are refused until the period ends (00:00 UTC; monthly limits at the start of the month). To raise the limit:\n    apikey --account {} security {} --daily-limit N   (or --monthly-limit N)",
                event.account, event.key_id
            ),
        ),
        EventKind::Topup => (
            format!("Topped up, balance {}", event.balance),
            "Nothing to do: this is a receipt.".to_owned(),
        ),
        EventKind::Revoked => (
            "Revoked".to_owned(),
            "The key no longer works, permanently. If this was not expected, find out who revoked it:\n    apikey --account ACCOUNT log KEY".replace("ACCOUNT", &event.account).replace("KEY", event.key_id.as_str()),
        ),
        EventKind::Suspended => (
            "Suspended".to_owned(),
            format!(
                "Requests with this key are refused until it is resumed; its secret, balance and settings are kept. To resume it:\n    apikey --account {} resume {}",
                event.account, event.key_id
            ),
        ),
        EventKind::Resumed => (
            "Resumed".to_owned(),
            "Nothing to do: the key verifies again.".to_owned(),
        ),
        EventKind::Regenerated => (
            "New secret issued".to_owned(),
            "The key has a new secret; deploy it where the old one was used. The old secret stops working at once or after the grace period chosen.".to_owned(),
        ),
        EventKind::LookupsExpiring => (
            "Lookups expiring".to_owned(),
            format!(
                "Lookups left in a batch when it expires are lost. The key spends the batch that expires first; its balance and batches:\n    apikey --account {} show {}",
                event.account, event.key_id
            ),
        ),
        EventKind::AutoTopup => (
            format!("Topped up automatically, balance {}", event.balance),
            format!(
                "Nothing to do: this is a receipt. To change or stop automatic top-up:\n    apikey --account {} autotopup {} --off",
                event.account, event.key_id
            ),
        ),
        EventKind::LookupsExpired => (
            format!("Lookups expired, balance {}", event.balance),
            format!("Nothing to do unless the key runs low:\n    {topup}"),
        ),
        EventKind::Expiring => (
            "Expiry coming up".to_owned(),
            format!(
                "To keep the key working, move its expiry:\n    apikey --account {} security {} --expires 90d",
                event.account, event.key_id
            ),
        ),
    };
    let subject = format!("[apikey] {what}: key {key} in account {account}");
    let details = if event.detail.is_empty() {
        String::new()
    } else {
        format!("Details:  {}\n", printable(&event.detail))
    };
    let body = format!(
        "{what}.\n\n\
         Account:  {account}\n\
         Key:      {name} ({id})\n\
         Hint:     {hint}\n\
         Balance:  {balance} lookups\n\
         {details}\
         When:     {when}\n\n\
         What to do: {todo}\n\n\
         You get this because you are on the notification list of this key (event {event_id}, {kind}).\n",
        name = printable(&event.key_name),
        id = event.key_id,
        hint = event.key_hint,
        balance = event.balance,
        when = event.created_at,
        event_id = event.id,
        kind = event.event,
    );
    Mail { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::key::KeyId;
    use crate::notify::event::EventStatus;

    fn event(kind: EventKind) -> Event {
        Event {
            id: 7,
            event: kind,
            account: "acme".into(),
            key_id: KeyId::parse("k_7Hq2mZ9d").unwrap(),
            recipients: vec!["ops@acme.example".into()],
            status: EventStatus::Pending,
            attempts: 0,
            created_at: Timestamp::from_unix(1_795_338_000),
            sent_at: None,
            last_error: None,
            deliveries: vec![crate::notify::recipient::Delivery::pending(
                "ops@acme.example",
            )],
            claimed_by: None,
            key_name: "web".into(),
            key_hint: "ak_…xI88".into(),
            balance: 42,
            detail: "below the threshold of 100 lookups".into(),
        }
    }

    #[test]
    fn low_balance_mail_names_everything_a_person_needs() {
        let mail = compose(&event(EventKind::LowBalance));
        assert_eq!(
            mail.subject,
            "[apikey] Low balance: 42 lookups left: key \"web\" (ak_…xI88) in account acme"
        );
        for part in [
            "acme",
            "web",
            "k_7Hq2mZ9d",
            "ak_…xI88",
            "42 lookups",
            "topup k_7Hq2mZ9d",
            "threshold of 100",
        ] {
            assert!(
                mail.body.contains(part),
                "{part} missing from:\n{}",
                mail.body
            );
        }
    }

    #[test]
    fn every_kind_has_a_subject_and_advice() {
        for kind in [
            EventKind::LowBalance,
            EventKind::Exhausted,
            EventKind::LimitWarning,
            EventKind::LimitReached,
            EventKind::Topup,
            EventKind::Revoked,
            EventKind::Regenerated,
            EventKind::Expiring,
            EventKind::Suspended,
            EventKind::Resumed,
        ] {
            let mail = compose(&event(kind));
            assert!(!mail.subject.contains('\n'));
            assert!(mail.body.contains("What to do: "), "{kind}");
        }
    }
}
