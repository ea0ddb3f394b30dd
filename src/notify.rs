//! A key's notification settings: who is emailed, and below which balance.

use serde::Serialize;

/// Who hears about a key's balance and lifecycle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NotifySettings {
    /// At most 5 addresses.
    pub emails: Vec<String>,
    /// Warn when a spend takes the balance below this.
    pub low_balance: Option<u64>,
}
