//! One recipient's own outcome for one event: an event goes to each
//! address on its list separately, so that one address a server refuses
//! never holds the mail back from the others.

use serde::Serialize;

use crate::clock::Timestamp;

/// Where one recipient stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Not delivered yet: the next `notify send` tries again.
    Pending,
    /// The server took the mail for this address.
    Sent,
    /// Refused for good; only `notify retry` tries again.
    Failed,
}

impl DeliveryStatus {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The inverse of [`DeliveryStatus::as_str`].
    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Sent,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One recipient's outcome for one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The address.
    pub to: String,
    /// Pending, sent or failed.
    pub status: DeliveryStatus,
    /// When it was sent or given up on.
    pub at: Option<Timestamp>,
    /// Temporary refusals so far.
    pub refusals: u32,
    /// Attempts that ended in doubt: the whole message sent, the server's
    /// confirmation never seen.
    pub doubts: u32,
    /// What the server said when it last refused this address.
    pub error: Option<String>,
}

impl Delivery {
    /// A recipient nothing has happened to yet.
    pub fn pending(to: &str) -> Delivery {
        Delivery {
            to: to.to_owned(),
            status: DeliveryStatus::Pending,
            at: None,
            refusals: 0,
            doubts: 0,
            error: None,
        }
    }
}
