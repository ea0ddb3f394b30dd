//! A transaction's spends, held per key and UTC day until it commits: the
//! ledger keeps one spend row per key and day, and a batch of verifications
//! (group commit) writes each key's row once, however often it spent.

use std::collections::HashMap;

/// Lookups spent in this transaction, by key and day, not yet written.
#[derive(Default)]
pub(crate) struct DaySpends {
    pending: HashMap<(i64, i64), Pending>,
}

/// What one key spent on one day in this transaction.
pub(crate) struct Pending {
    /// Lookups (positive).
    pub(crate) lookups: i64,
    /// Verifications.
    pub(crate) spends: i64,
}

impl DaySpends {
    /// Counts a spend of `lookups` on `key` on `day`.
    pub(crate) fn add(&mut self, key: i64, day: i64, lookups: i64) {
        let entry = self.pending.entry((key, day)).or_insert(Pending {
            lookups: 0,
            spends: 0,
        });
        entry.lookups = entry.lookups.saturating_add(lookups);
        entry.spends += 1;
    }

    /// Everything held, as `((key, day), spent)`: to write before the
    /// commit or before the ledger is read, then [`DaySpends::clear`].
    pub(crate) fn held(&self) -> impl Iterator<Item = (&(i64, i64), &Pending)> {
        self.pending.iter()
    }

    /// Forgets what was held, once it is written.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    /// Whether nothing is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spends_on_one_key_and_day_are_held_as_one() {
        let mut spends = DaySpends::default();
        spends.add(1, 20_000, 3);
        spends.add(1, 20_000, 2);
        spends.add(1, 20_001, 1);
        spends.add(2, 20_000, 1);
        let mut held: Vec<_> = spends
            .held()
            .map(|(&at, p)| (at, p.lookups, p.spends))
            .collect();
        held.sort_unstable();
        assert_eq!(
            held,
            [
                ((1, 20_000), 5, 2),
                ((1, 20_001), 1, 1),
                ((2, 20_000), 1, 1)
            ]
        );
        assert!(!spends.is_empty());
        spends.clear();
        assert!(spends.is_empty());
    }
}
