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
    /// `bytes` of the file are free (after an upgrade freed them), and go
    /// back to the file system: the file is rewritten.
    GivingBackSpace {
        /// Free space in the file.
        bytes: u64,
    },
    /// The free space could not be given back (why); the store reuses it.
    SpaceKept {
        /// SQLite's reason.
        why: String,
    },
    /// The free space went back after `elapsed`; the file is `size` bytes.
    GaveBackSpace {
        /// The file's size now.
        size: u64,
        /// How long it took.
        elapsed: Duration,
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
                "upgrading the store: folding about {} ledger rows into one spend row per key and day; other writers wait until it is done",
                crate::text::thousands(*rows)
            ),
            Upgrading::GivingBackSpace { bytes } => write!(
                f,
                "giving the store's {} MiB of free space back to the file system",
                crate::text::thousands(bytes.div_ceil(1 << 20))
            ),
            Upgrading::SpaceKept { why } => write!(
                f,
                "the free space stays in the store, which reuses it as it grows ({why}); `apikey store upgrade` tries again"
            ),
            Upgrading::GaveBackSpace { size, elapsed } => write!(
                f,
                "gave the space back in {:.1} s: the store file is {} MiB",
                elapsed.as_secs_f64(),
                crate::text::thousands(size.div_ceil(1 << 20))
            ),
            Upgrading::Done { version, elapsed } => write!(
                f,
                "upgraded the store to schema {version} in {:.1} s",
                elapsed.as_secs_f64()
            ),
        }
    }
}
