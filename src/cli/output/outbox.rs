//! The outbox and `notify send` for a person: each event with each
//! recipient's outcome and the run delivering it, and the one stderr line
//! that explains a send that left something undelivered.

use std::io::{self, Write};

use comfy_table::Cell;

use super::count;
use super::tables::{header, new_table};
use crate::notify::event::{Event, EventStatus};
use crate::notify::recipient::DeliveryStatus;
use crate::store::SendReport;
use crate::text::printable;

/// The events as a table.
pub(super) fn print_outbox(events: &[Event], color: bool, out: &mut dyn Write) -> io::Result<()> {
    if events.is_empty() {
        return writeln!(out, "No notifications waiting.");
    }
    let mut table = new_table(color);
    table.set_header(header(
        [
            "ID",
            "EVENT",
            "KEY",
            "RECIPIENTS",
            "STATUS",
            "TRIES",
            "CREATED",
            "LAST ERROR",
        ],
        color,
    ));
    for e in events {
        // Each recipient's own outcome, once they differ from the event's.
        let mixed = e.deliveries.iter().any(|d| match d.status {
            DeliveryStatus::Pending => e.status != EventStatus::Pending,
            DeliveryStatus::Sent => e.status != EventStatus::Sent,
            DeliveryStatus::Failed => true,
        });
        let recipients: Vec<String> = e
            .deliveries
            .iter()
            .map(|d| {
                if mixed {
                    format!("{} ({})", d.to, d.status.as_str())
                } else {
                    d.to.clone()
                }
            })
            .collect();
        let status = match &e.claimed_by {
            Some(h) if e.status == EventStatus::Pending => format!(
                "sending: pid {} on {}, lease to {}",
                h.pid,
                printable(&h.host),
                h.until.short()
            ),
            _ => e.status.as_str().to_owned(),
        };
        table.add_row(vec![
            Cell::new(e.id),
            Cell::new(e.event),
            Cell::new(format!("{} ({})", printable(&e.key_name), e.key_id)),
            Cell::new(recipients.join("\n")),
            Cell::new(status),
            Cell::new(e.attempts),
            Cell::new(e.created_at.short()),
            Cell::new(printable(e.last_error.as_deref().unwrap_or(""))),
        ]);
    }
    writeln!(out, "{table}")
}

/// What a run did, in one line.
pub(super) fn print_sent(report: &SendReport, out: &mut dyn Write) -> io::Result<()> {
    if report.sent.is_empty()
        && report.failed.is_empty()
        && report.held.is_empty()
        && report.not_attempted.is_empty()
        && report.stopped.is_none()
    {
        return writeln!(out, "Nothing to send.");
    }
    let undelivered = report.failed.len() + report.held.len() + report.not_attempted.len();
    if undelivered == 0 {
        writeln!(out, "Sent {}.", count(report.sent.len(), "notification"))
    } else {
        writeln!(
            out,
            "Sent {}; {undelivered} not delivered to everyone.",
            count(report.sent.len(), "notification")
        )
    }
}

/// Why a run exits 1, if it does: what stopped it, what it could not
/// deliver, or what another run still holds.
pub(super) fn failure_line(r: &SendReport) -> Option<String> {
    let untried = if r.not_attempted.is_empty() {
        String::new()
    } else {
        format!(
            "; {} not tried and still pending",
            count(r.not_attempted.len(), "event")
        )
    };
    // A failed delivery says why the run stopped, if it did; otherwise
    // the run stopped for a reason of its own (a lost claim, the store).
    if let (Some(why), None) = (&r.stopped, r.failed.first()) {
        return Some(format!("notify send stopped: {}{untried}", printable(why)));
    }
    if let Some(first) = r.failed.first() {
        let given_up = r
            .failed
            .iter()
            .filter(|f| f.status == EventStatus::Failed)
            .count();
        let advice = if given_up > 0 {
            "see `apikey notify outbox --all`; `apikey notify retry ID` sends a failed event again, `apikey notify discard ID` drops one"
        } else {
            "check the [smtp] settings and run `apikey notify send` again"
        };
        let what = if given_up == r.failed.len() {
            "failed, a recipient refused for good"
        } else if given_up == 0 {
            "could not be delivered and stay pending"
        } else {
            "were not delivered to everyone"
        };
        return Some(format!(
            "{} of {} notifications {what} (event {}: {}){untried}: {advice}",
            r.failed.len(),
            r.failed.len() + r.sent.len(),
            first.id,
            printable(&first.error)
        ));
    }
    r.held.first().map(|first| {
        format!(
            "{} still being sent by another `notify send` (event {}: pid {} on {}, lease to {}): run `apikey notify send` again once it is done",
            count(r.held.len(), "event is"),
            first.id,
            first.claimed_by.pid,
            printable(&first.claimed_by.host),
            first.claimed_by.until
        )
    })
}
