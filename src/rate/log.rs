//! A key's log of accepted requests, as its row keeps it and a decision
//! reads it: the numbers, the times of the last ones, and each limit's
//! N-th latest set apart.

use super::{MAX_WINDOWS, RateLimit, Window};

/// How many of a key's most recent accepted requests its row keeps.
pub const INLINE: usize = 1000;

/// One accepted request in a key's log: its number and its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// 1 for the key's first accepted request, then one more each.
    pub seq: i64,
    /// When it was accepted, in milliseconds since the epoch.
    pub at_ms: i64,
}

/// What a key's row keeps of its accepted requests: how many there have
/// been, and, stored as varints, each of its limits' N-th latest time (so
/// that a decision reads a few numbers, not the list), and the times of
/// the last ones (at most [`INLINE`], oldest first, never decreasing),
/// which only a write reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateState {
    /// The number of the last accepted request (0: none yet).
    pub seq: i64,
    /// The stored bytes: see [`RateState::build`].
    stored: Vec<u8>,
}

/// A decision on the rate limits for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RateCheck {
    /// Every window has room: the request would be the log's entry `next`,
    /// at `now`.
    Room {
        /// The new entry, if the request is accepted.
        next: Hit,
    },
    /// A window is full: it has room again in this many milliseconds.
    Full {
        /// Milliseconds until every window has room (at least 1).
        retry_after_ms: u64,
    },
}

/// The largest limit of `limits`: how many entries the log must keep.
fn deepest(limits: &[RateLimit]) -> usize {
    limits.iter().map(|l| l.limit as usize).max().unwrap_or(0)
}

/// Whether `limits` need the log's table: a limit larger than a row keeps.
pub(crate) fn needs_table(limits: &[RateLimit]) -> bool {
    deepest(limits) > INLINE
}

/// Appends `v` as a LEB128 varint.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a LEB128 varint at `*at`, moving past it.
fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// A time stored as a varint: 0 for none, else the time plus one.
fn put_time(out: &mut Vec<u8>, t: Option<i64>) {
    put_varint(out, t.map_or(0, |t| u64::try_from(t).unwrap_or(0) + 1));
}

/// The time a stored varint holds (see [`put_time`]).
fn time_of(raw: u64) -> Option<i64> {
    raw.checked_sub(1).and_then(|t| i64::try_from(t).ok())
}

/// The part of a row's bytes a decision reads.
#[derive(Default)]
struct Header {
    /// Up to three (N, N-th latest time) pairs, for the limits the row
    /// was last written under.
    heads: [(u64, Option<i64>); MAX_WINDOWS],
    count: usize,
    /// Where the list of times starts.
    list: usize,
}

/// The largest number a key's log may reach: arithmetic on numbers within
/// it never overflows.
const MAX_SEQ: i64 = i64::MAX / 4;

impl RateState {
    /// The state from a row: the number and the stored bytes, whose header
    /// is checked here (the list is read only by a write).
    pub(crate) fn from_row(seq: i64, stored: &[u8]) -> Option<RateState> {
        if !(0..=MAX_SEQ).contains(&seq) {
            return None;
        }
        let state = RateState {
            seq,
            stored: stored.to_vec(),
        };
        state.header()?;
        Some(state)
    }

    /// The bytes the row stores.
    pub(crate) fn stored(&self) -> &[u8] {
        &self.stored
    }

    /// The state whose last entries are `recent` (oldest first), with the
    /// N-th latest of each of `limits` up to [`INLINE`] set apart. Stored:
    /// the number of such limits, each limit's N and time, then the list
    /// (the first time, then each step from the one before).
    pub(crate) fn build(seq: i64, recent: &[i64], limits: &[RateLimit]) -> RateState {
        let mut out = Vec::with_capacity(recent.len() * 2 + 24);
        if recent.is_empty() && limits.is_empty() {
            return RateState { seq, stored: out };
        }
        let heads: Vec<&RateLimit> = limits
            .iter()
            .filter(|l| l.limit as usize <= INLINE)
            .take(MAX_WINDOWS)
            .collect();
        out.push(heads.len() as u8);
        for limit in heads {
            let n = limit.limit as usize;
            put_varint(&mut out, n as u64);
            put_time(
                &mut out,
                (n <= recent.len()).then(|| recent[recent.len() - n]),
            );
        }
        let mut before = 0i64;
        for &at in recent {
            put_varint(
                &mut out,
                u64::try_from(at.saturating_sub(before)).unwrap_or(0),
            );
            before = at;
        }
        RateState { seq, stored: out }
    }

    fn header(&self) -> Option<Header> {
        let bytes = &self.stored;
        let mut header = Header::default();
        if bytes.is_empty() {
            return Some(header);
        }
        let mut at = 0;
        let count = usize::from(*bytes.get(at)?);
        at += 1;
        if count > MAX_WINDOWS {
            return None;
        }
        for head in header.heads.iter_mut().take(count) {
            *head = (
                get_varint(bytes, &mut at)?,
                time_of(get_varint(bytes, &mut at)?),
            );
        }
        header.count = count;
        header.list = at;
        Some(header)
    }

    /// The times of the last accepted requests the row keeps, oldest
    /// first; `None` when the bytes do not hold a list.
    pub(crate) fn recent(&self) -> Option<Vec<i64>> {
        let header = self.header()?;
        let bytes = &self.stored;
        let mut at = header.list;
        let mut recent = Vec::with_capacity(INLINE.min(bytes.len()));
        let mut before = 0i64;
        while at < bytes.len() {
            before = before.checked_add(i64::try_from(get_varint(bytes, &mut at)?).ok()?)?;
            recent.push(before);
        }
        // A row written when rows kept more keeps its latest.
        let extra = recent.len().saturating_sub(INLINE);
        recent.drain(..extra);
        Some(recent)
    }

    /// The numbers of the entries a decision must read from the log's
    /// table: each window's N-th most recent, for an N larger than the
    /// row keeps.
    pub(crate) fn table_seqs(&self, limits: &[RateLimit]) -> Vec<i64> {
        limits
            .iter()
            .filter(|l| l.limit as usize > INLINE)
            .map(|l| self.seq - (i64::from(l.limit) - 1))
            .filter(|seq| *seq >= 1)
            .collect()
    }

    /// The time of the N-th most recent entry: set apart in the header when
    /// the row was written under this limit, else from the list (a limit
    /// changed since), or from the entries read from the table; `None`
    /// when the log holds fewer.
    fn nth_latest(&self, header: &Header, n: u32, table: &[Hit]) -> Option<i64> {
        if n as usize > INLINE {
            let seq = self.seq - (i64::from(n) - 1);
            return table.iter().find(|h| h.seq == seq).map(|h| h.at_ms);
        }
        if let Some((_, t)) = header.heads[..header.count]
            .iter()
            .find(|(limit, _)| *limit == u64::from(n))
        {
            return *t;
        }
        let recent = self.recent().unwrap_or_default();
        let n = n as usize;
        (n <= recent.len()).then(|| recent[recent.len() - n])
    }

    /// Whether a request at `now_ms` fits every window in `limits`, given
    /// the entries `table_seqs` named, as read from the table.
    pub(crate) fn check(&self, limits: &[RateLimit], table: &[Hit], now_ms: i64) -> RateCheck {
        // A row `from_row` admitted always has a header.
        let header = self.header().unwrap_or_default();
        let mut wait: i64 = 0;
        for limit in limits {
            // Fewer than N entries kept: the window cannot be full.
            let Some(nth) = self.nth_latest(&header, limit.limit, table) else {
                continue;
            };
            // Full while that entry is inside the window: until it is W
            // old (one stamped after `now`, by a clock ahead of this one,
            // holds it until then: fewer requests pass, never more).
            let until = nth.saturating_add(limit.window.millis());
            if until > now_ms {
                wait = wait.max(until - now_ms);
            }
        }
        if wait > 0 {
            return RateCheck::Full {
                retry_after_ms: u64::try_from(wait).unwrap_or(u64::MAX),
            };
        }
        RateCheck::Room {
            next: Hit {
                seq: self.seq + 1,
                at_ms: now_ms,
            },
        }
    }

    /// The state once `next` is accepted: a key with limits keeps the last
    /// [`INLINE`] times in its row (so that a limit added or raised later
    /// counts them) that are less than an hour old (no window is longer),
    /// times after `next`'s (a clock that stepped back) taken as `next`'s,
    /// so the list stays in order. `None` when the row's list cannot be
    /// read.
    pub(crate) fn after(&self, limits: &[RateLimit], next: Hit) -> Option<RateState> {
        let keep = if limits.is_empty() { 0 } else { INLINE };
        let mut recent = self.recent()?;
        for at in recent.iter_mut().rev() {
            if *at <= next.at_ms {
                break;
            }
            *at = next.at_ms;
        }
        recent.push(next.at_ms);
        let horizon = next.at_ms.saturating_sub(Window::Hour.millis());
        let old = recent.iter().take_while(|&&at| at <= horizon).count();
        let extra = recent.len().saturating_sub(keep).max(old);
        recent.drain(..extra);
        Some(RateState::build(next.seq, &recent, limits))
    }
}

/// Entries with numbers up to this one are needed by no window once entry
/// `seq` is written: only the largest N most recent are ever read.
pub(crate) fn forgettable_through(limits: &[RateLimit], seq: i64) -> i64 {
    seq - i64::try_from(deepest(limits)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per(limit: u32, window: Window) -> RateLimit {
        RateLimit { limit, window }
    }

    /// A state with these times, its header written for `limits`.
    fn state_for(times: &[i64], limits: &[RateLimit]) -> RateState {
        RateState::build(times.len() as i64, times, limits)
    }

    /// A state with these times and no limit set apart: decisions read
    /// the list, as after a change of limits.
    fn state(times: &[i64]) -> RateState {
        state_for(times, &[])
    }

    #[test]
    fn a_window_is_full_while_its_nth_latest_entry_is_inside_it() {
        let limits = [per(3, Window::Second)];
        // Three at 0, 100 and 500 ms: full until the first is a second old.
        let three = state(&[0, 100, 500]);
        assert_eq!(
            three.check(&limits, &[], 999),
            RateCheck::Full { retry_after_ms: 1 }
        );
        assert_eq!(
            three.check(&limits, &[], 600),
            RateCheck::Full {
                retry_after_ms: 400
            }
        );
        assert_eq!(
            three.check(&limits, &[], 1000),
            RateCheck::Room {
                next: Hit {
                    seq: 4,
                    at_ms: 1000
                }
            }
        );
        // Two entries: room whatever the time.
        assert!(matches!(
            state(&[0, 1]).check(&limits, &[], 2),
            RateCheck::Room { .. }
        ));
        assert!(matches!(
            RateState::default().check(&limits, &[], 0),
            RateCheck::Room {
                next: Hit { seq: 1, .. }
            }
        ));
    }

    #[test]
    fn the_longest_wait_of_the_full_windows_is_the_answer() {
        let limits = [per(2, Window::Second), per(3, Window::Minute)];
        let hits = state(&[0, 30_000, 30_500]);
        // The second is full until 31,000; the minute until 60,000.
        assert_eq!(
            hits.check(&limits, &[], 30_600),
            RateCheck::Full {
                retry_after_ms: 29_400
            }
        );
    }

    #[test]
    fn a_clock_that_steps_back_never_reorders_the_log() {
        let limits = [per(5, Window::Second)];
        let next = Hit {
            seq: 2,
            at_ms: 4_000,
        };
        assert_eq!(
            state(&[10_000]).check(&limits, &[], 4_000),
            RateCheck::Room { next }
        );
        // A time after `now` is taken as `now`: the list stays in order.
        let after = state(&[3_000, 10_000]).after(&limits, next).unwrap();
        assert_eq!(after.recent().unwrap(), [3_000, 4_000, 4_000]);
        // Entries stamped after `now` hold the window until they are W
        // old: fewer requests pass, never more.
        assert_eq!(
            state(&[10_000; 5]).check(&limits, &[], 4_000),
            RateCheck::Full {
                retry_after_ms: 7_000
            }
        );
    }

    #[test]
    fn the_row_keeps_what_the_largest_limit_needs_and_the_table_the_rest() {
        let small = [per(3, Window::Second)];
        let mut s = RateState::default();
        for at in [0, 1000, 2000, 3000] {
            let RateCheck::Room { next } = s.check(&small, &[], at) else {
                panic!("room at {at}");
            };
            s = s.after(&small, next).unwrap();
        }
        // The row keeps more than the limit needs, for a limit raised later.
        assert_eq!((s.seq, s.recent().unwrap()), (4, vec![0, 1000, 2000, 3000]));
        assert!(s.table_seqs(&small).is_empty());
        assert!(!needs_table(&small));
        // A limit of 2,000: the row keeps 1,000, the 2,000th latest is read
        // by number.
        let large = [per(3, Window::Second), per(2000, Window::Minute)];
        assert!(needs_table(&large));
        let times: Vec<i64> = (1101..=2100).collect();
        let many = RateState::build(2100, &times, &large);
        assert_eq!(many.table_seqs(&large), [101]);
        let read = [Hit {
            seq: 101,
            at_ms: 400,
        }];
        assert_eq!(
            many.check(&large, &read, 60_000),
            RateCheck::Full {
                retry_after_ms: 400
            }
        );
        assert!(matches!(
            many.check(&large, &read, 60_400),
            RateCheck::Room { .. }
        ));
        // Fewer entries than a limit anywhere: room.
        assert!(matches!(
            many.check(&large, &[], 60_000),
            RateCheck::Room { .. }
        ));
        let next = Hit {
            seq: 2101,
            at_ms: 60_400,
        };
        let after = many.after(&large, next).unwrap().recent().unwrap();
        assert_eq!(after.len(), INLINE);
        assert_eq!(after.last(), Some(&60_400));
        assert_eq!(after[0], 1102);
        // Times an hour old are needed by no window.
        let hour = [per(5000, Window::Hour)];
        let long_ago = state(&[0, 1, 3_600_000]);
        let later = Hit {
            seq: 4,
            at_ms: 3_600_001,
        };
        assert_eq!(
            long_ago.after(&hour, later).unwrap().recent().unwrap(),
            [3_600_000, 3_600_001]
        );
        // A key without limits keeps nothing in its row.
        let none = RateState::default().after(&[], next).unwrap();
        assert_eq!((none.seq, none.stored()), (2101, &[][..]));
    }

    #[test]
    fn a_decision_reads_the_header_and_a_changed_limit_the_list() {
        let limits = [per(2, Window::Second), per(4, Window::Minute)];
        let times = [0, 10_000, 20_000, 30_000, 30_500];
        let with_heads = state_for(&times, &limits);
        let without = state(&times);
        for s in [&with_heads, &without] {
            // The second is full until 31,000; the minute, whose 4th
            // latest is 10,000, until 70,000.
            assert_eq!(
                s.check(&limits, &[], 30_600),
                RateCheck::Full {
                    retry_after_ms: 39_400
                }
            );
        }
        // A limit the header was not written for is read from the list.
        let other = [per(3, Window::Second)];
        assert_eq!(
            with_heads.check(&other, &[], 30_600),
            without.check(&other, &[], 30_600)
        );
        // The header alone is read: a row whose list is cut short still
        // decides, and its write fails.
        let mut cut = with_heads.clone();
        let last = cut.stored.len() - 1;
        cut.stored[last] |= 0x80;
        assert!(RateState::from_row(5, cut.stored()).is_some());
        assert_eq!(
            cut.check(&limits, &[], 30_600),
            with_heads.check(&limits, &[], 30_600)
        );
        let next = Hit {
            seq: 6,
            at_ms: 90_000,
        };
        assert!(cut.after(&limits, next).is_none());
    }

    #[test]
    fn the_row_form_round_trips_and_refuses_what_it_never_writes() {
        let limits = [per(2, Window::Second)];
        let times = [1_733_486_400_123, 1_733_486_400_123, 1_733_486_401_000];
        let s = state_for(&times, &limits);
        assert!(s.stored().len() < 32, "{:?}", s.stored());
        let read = RateState::from_row(3, s.stored()).unwrap();
        assert_eq!(read, s);
        assert_eq!(read.recent().unwrap(), times);
        assert_eq!(RateState::from_row(0, &[]), Some(RateState::default()));
        assert_eq!(
            RateState::from_row(1, &[0x80]),
            None,
            "an unfinished varint"
        );
        assert_eq!(RateState::from_row(1, &[0xff; 12]), None, "too long");
        assert_eq!(RateState::from_row(1, &[4]), None, "four heads");
        assert_eq!(RateState::from_row(-1, &[]), None, "a negative number");
        assert_eq!(
            RateState::from_row(i64::MAX, &[]),
            None,
            "a number past the last"
        );
        let more: Vec<i64> = (0..1500).collect();
        let kept = state(&more).recent().unwrap();
        assert_eq!(kept.len(), INLINE);
        assert_eq!(kept.last(), Some(&1499));
    }

    #[test]
    fn only_the_deepest_window_keeps_entries() {
        let limits = [per(10, Window::Second), per(100, Window::Minute)];
        assert_eq!(forgettable_through(&limits, 150), 50);
    }
}
