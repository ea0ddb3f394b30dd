//! Rate limits in the store's transactions: where a key's windows stand
//! for a decision, what an accepted request writes, and the table of
//! accepted requests kept in step with the key's limits when they change.

use super::backend::Tx;
use crate::error::{Error, Result};
use crate::key::{Key, KeyStatus};
use crate::rate::{self, Hit, RateCheck, RateLimit, RateState};

/// Where the key's rate-limit windows stand at `now_ms`: `None` when it has
/// no rate limits, or cannot verify whatever they say (only an active
/// key's windows are looked at). Limits up to what the key's row keeps
/// read nothing more; a larger one reads one entry of the table.
pub(super) fn rate_of(tx: &mut dyn Tx, key: &Key, now_ms: i64) -> Result<Option<RateCheck>> {
    let limits = &key.security.rate_limits;
    if limits.is_empty() || key.status != KeyStatus::Active {
        return Ok(None);
    }
    let seqs = key.rate.table_seqs(limits);
    let table = if seqs.is_empty() {
        Vec::new()
    } else {
        tx.rate_hits(key.pk, &seqs)?
    };
    Ok(Some(key.rate.check(limits, &table, now_ms)))
}

/// How often an accepted request also forgets the table's entries that no
/// window needs any more: the table holds at most this many more than the
/// largest limit, and most requests write one row.
const FORGET_EVERY: i64 = 16;

/// Records an accepted request in the key's windows: what its row keeps
/// after it, and (for a limit larger than that) its row in the table. A
/// row whose list of times cannot be read (written by something other
/// than apikey) fails this key's spend, as an unreadable column does.
pub(super) fn count_in_windows(
    tx: &mut dyn Tx,
    key: &Key,
    rate: Option<RateCheck>,
    store: &std::path::Path,
) -> Result<RateState> {
    let Some(RateCheck::Room { next }) = rate else {
        return Ok(key.rate.clone());
    };
    let limits = &key.security.rate_limits;
    if rate::needs_table(limits) {
        tx.add_rate_hit(key.pk, next)?;
        let through = rate::forgettable_through(limits, next.seq);
        if next.seq % FORGET_EVERY == 0 && through > 0 {
            tx.forget_rate_hits(key.pk, through)?;
        }
    }
    key.rate.after(limits, next).ok_or_else(|| Error::Store {
        path: store.to_path_buf(),
        message: format!(
            "key {}'s recent requests (for its rate limits) cannot be read",
            key.label()
        ),
        source: None,
    })
}

/// Keeps the key's table of accepted requests in step with its new rate
/// limits, in the transaction that sets them: a first limit above what a
/// row keeps starts the table with the row's times; a lower one forgets
/// what no window needs any more, here rather than in a verification; no
/// such limit left empties it.
pub(super) fn keep_rate_table(tx: &mut dyn Tx, key: &Key, limits: &[RateLimit]) -> Result<()> {
    let (was, is) = (
        rate::needs_table(&key.security.rate_limits),
        rate::needs_table(limits),
    );
    match (was, is) {
        (true, false) => tx.forget_rate_hits(key.pk, i64::MAX),
        (true, true) => {
            tx.forget_rate_hits(key.pk, rate::forgettable_through(limits, key.rate.seq))
        }
        (false, true) => {
            // The row holds what was kept while no limit needed the table;
            // unreadable, the table starts empty.
            let recent = key.rate.recent().unwrap_or_default();
            let first = key.rate.seq - recent.len() as i64 + 1;
            for (i, at_ms) in recent.into_iter().enumerate() {
                tx.add_rate_hit(
                    key.pk,
                    Hit {
                        seq: first + i as i64,
                        at_ms,
                    },
                )?;
            }
            Ok(())
        }
        (false, false) => Ok(()),
    }
}
