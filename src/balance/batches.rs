//! Lookups bought in batches that lapse. A key's balance is held in
//! purchase batches, each with what is left of it and when it expires
//! (never, for the test balance and balances from before batches). A spend
//! takes from the batch that expires first, never-expiring ones last; what
//! is left of a batch when it expires leaves the balance as an `expired`
//! ledger row.
//!
//! Spends do not touch the batches. The key's row keeps them as last
//! settled beside its balance, so what was spent since is their sum less
//! the balance, and a spend stays one update of the balance. The store
//! settles them (assigns those spends to batches, earliest expiry first)
//! only when the batches change: a top-up, an automatic top-up, a batch's
//! lapse or notice. Every write that spends first records the lapses due
//! at its time, so between two settlements no batch lapses, and the spends
//! since the last one all came from batches that were live when they were
//! made: assigning them in expiry order afterwards is exactly what taking
//! them one by one would have done. Every read settles in memory, so it
//! sees the balance without what lapsed whether or not a write has
//! recorded it yet.

use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use crate::clock::Timestamp;

/// How long before a batch lapses its key's people are told, with what is
/// at stake.
pub const EXPIRING_NOTICE_SECS: i64 = 42 * 86_400;

/// One purchase of lookups on a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Its place among the key's batches, in order of purchase: orders
    /// batches that lapse at the same time.
    pub(crate) pk: i64,
    /// Lookups left, as of the settlement this was read at.
    pub left: i64,
    /// When what is left lapses; `None`: never.
    pub expires_at: Option<Timestamp>,
    /// Whether its `lookups_expiring` notice was raised (or is not due:
    /// it was bought with less than the notice's time to go).
    pub(crate) warned: bool,
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
    pub fn settle(self, now: Timestamp) -> Option<Settled> {
        let mut batches = self.batches;
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

/// A key's batches as read at one instant: settled in memory at that
/// instant, so that every reader sees the balance without what lapsed,
/// and knows what a write must record of it.
#[derive(Clone, Debug, Default)]
pub struct Batches {
    /// The batches settled at `at`, in spend order.
    settled: Vec<Batch>,
    /// What lapsed by `at` that no write has recorded.
    lapses: Vec<Lapse>,
    /// The instant they were settled at.
    at: Option<Timestamp>,
    /// See [`Batches::unheld`].
    unheld: i64,
}

impl Batches {
    /// The batches of a key whose stored balance is `balance`, as stored,
    /// settled at `now`; `None` when a batch holds fewer than no lookups,
    /// or more than can be added up (no rule writes either). A balance larger than the batches hold (an
    /// edit past the rules) keeps the difference as lookups that never
    /// lapse, so the key still works, and says so in [`Batches::unheld`].
    pub(crate) fn read(mut stored: Vec<Batch>, balance: i64, now: Timestamp) -> Option<Batches> {
        if stored.iter().any(|b| b.left < 0) {
            return None;
        }
        let held = stored
            .iter()
            .try_fold(0i64, |sum, b| sum.checked_add(b.left))?;
        let unheld = balance.checked_sub(held)?.max(0);
        if unheld > 0 {
            stored.push(Batch {
                pk: 0,
                left: unheld,
                expires_at: None,
                warned: true,
            });
        }
        let holdings = Holdings {
            spent_since: held.checked_add(unheld)?.checked_sub(balance)?,
            batches: stored,
        };
        let settled = holdings.settle(now)?;
        Some(Batches {
            settled: settled.batches,
            lapses: settled.lapses,
            at: Some(now),
            unheld,
        })
    }

    /// Lookups the balance holds that no stored batch does: 0, unless the
    /// balance was changed past the rules.
    pub fn unheld(&self) -> i64 {
        self.unheld
    }

    /// The lookups they hold once what lapsed is taken out: the key's
    /// balance as of the read.
    pub fn balance(&self) -> i64 {
        self.settled.iter().map(|b| b.left).sum()
    }

    /// The batches with lookups left, in the order spends take them.
    pub fn live(&self) -> impl Iterator<Item = &Batch> {
        self.settled.iter().filter(|b| b.left > 0)
    }

    /// What lapsed and no write has recorded yet.
    pub(crate) fn lapses(&self) -> &[Lapse] {
        &self.lapses
    }

    /// The batches whose `lookups_expiring` notice is due: within the
    /// notice's time of lapsing, with lookups left, not yet told.
    pub(crate) fn notices_due(&self) -> Vec<&Batch> {
        let Some(now) = self.at else {
            return Vec::new();
        };
        self.live()
            .filter(|b| !b.warned)
            .filter(|b| b.expires_at.is_some_and(|t| notice_due(t, now)))
            .collect()
    }

    /// Whether a write must record something: a lapse or a notice.
    pub(crate) fn due(&self) -> bool {
        !self.lapses.is_empty() || !self.notices_due().is_empty()
    }

    /// The batches a write stores once it has recorded this settlement:
    /// the used-up and lapsed ones gone, the notices due marked raised,
    /// and `added` joined to the batch that lapses at the same instant, or
    /// else kept beside them. `None` when that would make more than
    /// [`MAX_LIVE_BATCHES`].
    pub(crate) fn to_store(&self, added: Option<NewBatch>) -> Option<Vec<Batch>> {
        let noticed: Vec<i64> = self.notices_due().iter().map(|b| b.pk).collect();
        let mut kept: Vec<Batch> = self
            .live()
            .map(|b| Batch {
                warned: b.warned || noticed.contains(&b.pk),
                ..b.clone()
            })
            .collect();
        kept.sort_by_key(|b| b.pk);
        if let Some(new) = added {
            match kept.iter_mut().find(|b| b.expires_at == new.expires_at) {
                Some(same) => {
                    same.left = same.left.saturating_add(new.lookups);
                    // Told already, it is not told again (the lookups
                    // added are bought with the notice's time passed,
                    // unless a clock stepped back).
                    same.warned |= new.warned;
                }
                None => kept.push(Batch {
                    pk: 0,
                    left: new.lookups,
                    expires_at: new.expires_at,
                    warned: new.warned,
                }),
            }
        }
        // Recording lapses never adds a batch, so only an addition can pass
        // the cap (a key past it by an edit keeps working).
        (added.is_none() || kept.len() <= MAX_LIVE_BATCHES).then_some(kept)
    }
}

/// Lookups added to a key: how many, until when, and whether their
/// `lookups_expiring` notice is still to come.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NewBatch {
    /// Lookups.
    pub lookups: i64,
    /// When they lapse; `None`: never.
    pub expires_at: Option<Timestamp>,
    /// Bought with less than the notice's time to go (or never
    /// lapsing): no notice will be raised.
    pub warned: bool,
}

impl NewBatch {
    /// `lookups` bought at `now`, lapsing at `expires_at`.
    pub(crate) fn bought(lookups: i64, expires_at: Option<Timestamp>, now: Timestamp) -> NewBatch {
        NewBatch {
            lookups,
            expires_at,
            warned: expires_at.is_none_or(|t| notice_due(t, now)),
        }
    }
}

/// The most batches with lookups left a key holds: they live in its row,
/// which every verification reads. Batches that lapse at the same second
/// are one, and so are those that never lapse.
pub const MAX_LIVE_BATCHES: usize = 200;

/// The first instant stored batches need a write: a lapse, or a notice
/// coming due. `None` when neither ever will.
pub(crate) fn due_at(batches: &[Batch]) -> Option<Timestamp> {
    batches
        .iter()
        .filter(|b| b.left > 0)
        .filter_map(|b| {
            let t = b.expires_at?;
            Some(if b.warned {
                t
            } else {
                Timestamp::from_unix(t.unix() - EXPIRING_NOTICE_SECS)
            })
        })
        .min()
}

/// Whether a batch that lapses at `expires_at` is within its notice's
/// time at `now`.
pub(crate) fn notice_due(expires_at: Timestamp, now: Timestamp) -> bool {
    expires_at.unix().saturating_sub(now.unix()) <= EXPIRING_NOTICE_SECS
}

/// The key JSON's `batches`: `[{"left", "expires_at"}]`, those with
/// lookups left, in the order spends take them.
impl Serialize for Batches {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Shown<'a>(&'a Batch);
        impl Serialize for Shown<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_struct("Batch", 2)?;
                m.serialize_field("left", &self.0.left)?;
                m.serialize_field("expires_at", &self.0.expires_at)?;
                m.end()
            }
        }
        let live: Vec<&Batch> = self.live().collect();
        let mut seq = s.serialize_seq(Some(live.len()))?;
        for b in live {
            seq.serialize_element(&Shown(b))?;
        }
        seq.end()
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
            warned: false,
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
        let before = h
            .clone()
            .settle(Timestamp::from_unix(30 * 86_400 - 1))
            .unwrap();
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

    #[test]
    fn a_read_settles_in_memory_and_names_what_a_write_records() {
        let now = Timestamp::from_unix(30 * 86_400);
        let kept = vec![
            batch(1, 10, None),
            batch(2, 50, Some(30)),
            batch(3, 20, Some(60)),
        ];
        // 15 spent since: taken from batch 2, whose 35 left lapse now.
        let read = Batches::read(kept.clone(), 65, now).unwrap();
        assert_eq!(read.balance(), 30);
        let live: Vec<i64> = read.live().map(|b| b.pk).collect();
        assert_eq!(live, [3, 1]);
        assert_eq!(read.lapses().len(), 1);
        // Batch 3 lapses in 30 days: its notice is due.
        assert_eq!(read.notices_due().len(), 1);
        assert!(read.due());
        let stored = read.to_store(Some(NewBatch::bought(5, None, now))).unwrap();
        assert_eq!(
            stored,
            [
                Batch {
                    warned: true,
                    ..batch(1, 15, None)
                },
                Batch {
                    warned: true,
                    ..batch(3, 20, Some(60))
                }
            ]
        );
        assert_eq!(due_at(&stored), Some(at(60)));
        assert_eq!(due_at(&[batch(1, 1, Some(60))]), Some(at(18)));
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"[{"left":20,"expires_at":"1970-03-02T00:00:00Z"},{"left":10,"expires_at":null}]"#
        );
        // A balance the batches do not hold (an edit past the rules): the
        // rest never lapses, and is told.
        let raised = Batches::read(kept, 181, now).unwrap();
        assert_eq!((raised.balance(), raised.unheld()), (131, 101));
        assert!(
            raised
                .live()
                .any(|b| b.left == 101 && b.expires_at.is_none())
        );
        assert!(Batches::read(vec![batch(1, -5, None)], 0, now).is_none());
    }
}
