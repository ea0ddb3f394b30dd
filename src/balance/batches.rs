//! Lookups bought in batches that lapse. A key's balance is held in
//! purchase batches, each with what is left of it and when it expires
//! (never, for the test balance and balances from before batches). A spend
//! takes from the batch that expires first, never-expiring ones last; what
//! is left of a batch when it expires leaves the balance as an `expired`
//! ledger row.
//!
//! Spends do not touch the batches: a key counts what it spent since the
//! batches were last settled, and the store settles them (assigns those
//! spends to batches, earliest expiry first) only when the batches change:
//! a top-up, an automatic top-up, a batch's expiry. Every write that
//! spends first settles the expiries due at its time, so between two
//! settlements no batch expires, and the spends since the last one all
//! came from batches that were live when they were made: assigning them in
//! expiry order afterwards is exactly what taking them one by one would
//! have done. A read after an expiry that nothing has settled yet computes
//! the same settlement in memory.

use crate::clock::Timestamp;

/// One purchase of lookups on a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The store's row id: orders batches bought at once.
    pub(crate) pk: i64,
    /// Lookups left, as of the settlement this was read at.
    pub left: i64,
    /// When what is left lapses; `None`: never.
    pub expires_at: Option<Timestamp>,
}

/// A key's batches as last settled, and the lookups spent since.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    /// The batches, in any order.
    pub batches: Vec<Batch>,
    /// Lookups spent since the batches were settled.
    pub spent_since: i64,
}

/// A batch's lapse: what was left of it when it expired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lapse {
    /// The batch.
    pub pk: i64,
    /// Lookups it still held.
    pub left: i64,
    /// When it expired.
    pub at: Timestamp,
}

/// The holdings after settling: each batch's left with the spends assigned,
/// and the lapses due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    /// Every batch with what is left of it (a lapsed one at 0).
    pub batches: Vec<Batch>,
    /// The batches that expired by the settlement's time with lookups left.
    pub lapses: Vec<Lapse>,
}

impl Settled {
    /// The lookups the batches hold once the lapses are taken out: the
    /// balance.
    pub fn balance(&self) -> i64 {
        self.batches.iter().map(|b| b.left).sum()
    }

    /// The earliest expiry among batches with lookups left: the time the
    /// next settlement is due.
    pub fn next_expiry(&self) -> Option<Timestamp> {
        self.batches
            .iter()
            .filter(|b| b.left > 0)
            .filter_map(|b| b.expires_at)
            .min()
    }
}

/// The order spends take batches in: the earliest expiry first, batches
/// that never expire last, and batches alike in order of purchase.
fn spend_order(a: &Batch, b: &Batch) -> std::cmp::Ordering {
    let key = |x: &Batch| (x.expires_at.is_none(), x.expires_at, x.pk);
    key(a).cmp(&key(b))
}

impl Holdings {
    /// The lookups held, spends since the last settlement taken out; what
    /// the key's balance column holds.
    pub fn balance(&self) -> i64 {
        self.batches.iter().map(|b| b.left).sum::<i64>() - self.spent_since
    }

    /// Settles at `now`: assigns the spends since the last settlement to
    /// the batches in spend order, then takes out what is left of the ones
    /// expired by `now`. `None` when more was spent than the batches held
    /// (a store that no rule wrote).
    pub fn settle(&self, now: Timestamp) -> Option<Settled> {
        let mut batches = self.batches.clone();
        batches.sort_by(spend_order);
        let mut owed = self.spent_since;
        for batch in &mut batches {
            let take = owed.min(batch.left.max(0));
            batch.left -= take;
            owed -= take;
        }
        if owed != 0 {
            return None;
        }
        let mut lapses = Vec::new();
        for batch in &mut batches {
            if let Some(at) = batch.expires_at
                && at <= now
                && batch.left > 0
            {
                lapses.push(Lapse {
                    pk: batch.pk,
                    left: batch.left,
                    at,
                });
                batch.left = 0;
            }
        }
        Some(Settled { batches, lapses })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64) -> Timestamp {
        Timestamp::from_unix(day * 86_400)
    }

    fn batch(pk: i64, left: i64, expires_day: Option<i64>) -> Batch {
        Batch {
            pk,
            left,
            expires_at: expires_day.map(at),
        }
    }

    fn lefts(s: &Settled) -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> = s.batches.iter().map(|b| (b.pk, b.left)).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn spends_take_the_earliest_expiry_first_and_never_expiring_last() {
        let h = Holdings {
            batches: vec![
                batch(1, 100, None),
                batch(2, 50, Some(30)),
                batch(3, 70, Some(10)),
            ],
            spent_since: 100,
        };
        assert_eq!(h.balance(), 120);
        let s = h.settle(at(1)).unwrap();
        assert_eq!(lefts(&s), [(1, 100), (2, 20), (3, 0)]);
        assert!(s.lapses.is_empty());
        assert_eq!(s.balance(), 120);
        assert_eq!(s.next_expiry(), Some(at(30)));
    }

    #[test]
    fn what_is_left_lapses_at_the_second_it_expires() {
        let h = Holdings {
            batches: vec![batch(1, 10, None), batch(2, 50, Some(30))],
            spent_since: 20,
        };
        let before = h.settle(Timestamp::from_unix(30 * 86_400 - 1)).unwrap();
        assert!(before.lapses.is_empty());
        assert_eq!(before.balance(), 40);
        let s = h.settle(at(30)).unwrap();
        assert_eq!(
            s.lapses,
            [Lapse {
                pk: 2,
                left: 30,
                at: at(30)
            }]
        );
        assert_eq!((s.balance(), s.next_expiry()), (10, None));
    }

    #[test]
    fn batches_alike_are_taken_in_order_of_purchase() {
        let h = Holdings {
            batches: vec![batch(7, 5, Some(9)), batch(4, 5, Some(9))],
            spent_since: 6,
        };
        assert_eq!(lefts(&h.settle(at(1)).unwrap()), [(4, 0), (7, 4)]);
    }

    /// A batch bought later that expires sooner than one already partly
    /// spent: settled when it is bought, so later spends take it first.
    #[test]
    fn a_batch_bought_later_that_expires_sooner_is_taken_first() {
        let h = Holdings {
            batches: vec![batch(1, 100, Some(60))],
            spent_since: 50,
        };
        let mut s = h.settle(at(1)).unwrap();
        s.batches.push(batch(2, 100, Some(20)));
        let after = Holdings {
            batches: s.batches,
            spent_since: 80,
        };
        assert_eq!(lefts(&after.settle(at(2)).unwrap()), [(1, 50), (2, 20)]);
    }

    #[test]
    fn more_spent_than_held_is_not_settled() {
        let h = Holdings {
            batches: vec![batch(1, 10, None)],
            spent_since: 11,
        };
        assert_eq!(h.settle(at(1)), None);
    }
}
