//! What opening a store says while an upgrade takes time, so that a
//! program can show it and a long one is not taken for a hang.

use std::fmt;
use std::time::Duration;

/// A notice from a schema upgrade that takes more than a moment: its
/// beginning, then its end. Short upgrades say nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Upgrading {
    /// Schema 9 folds the ledger's spend rows (about `rows` ledger rows)
    /// into one row per key and UTC day.
    FoldingSpends {
        /// Ledger rows before the fold (an upper bound).
        rows: u64,
    },
    /// The upgrade to `version` committed after `elapsed`.
    Done {
        /// The schema version the store is at now.
        version: i64,
        /// How long it took.
        elapsed: Duration,
    },
}

impl fmt::Display for Upgrading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Upgrading::FoldingSpends { rows } => write!(
                f,
                "upgrading the store: folding about {} ledger rows into one spend row per key and day (this runs once)",
                crate::text::thousands(*rows)
            ),
            Upgrading::Done { version, elapsed } => write!(
                f,
                "upgraded the store to schema {version} in {:.1} s",
                elapsed.as_secs_f64()
            ),
        }
    }
}
