//! SQLite's half of suspension and rate limits: the key's suspension time,
//! and, for a rate limit larger than a key's row keeps, its table of
//! accepted requests (one row per request, numbered per key), read by
//! number: an index seek per window, whatever the limit.

use rusqlite::{OptionalExtension, params};

use super::sql;
use super::tx::SqliteTx;
use crate::error::Result;
use crate::key::KeyPk;
use crate::rate::Hit;

impl SqliteTx<'_> {
    pub(super) fn suspend_key(&mut self, key: KeyPk, suspended: bool) -> Result<()> {
        let at = suspended.then_some(self.now.unix());
        self.stmt("UPDATE keys SET suspended_at = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, at]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn read_rate_hits(&mut self, key: KeyPk, seqs: &[i64]) -> Result<Vec<Hit>> {
        let mut at = self.stmt(sql::RATE_HIT_AT).map_err(|e| self.fail(e))?;
        let mut hits = Vec::with_capacity(seqs.len());
        for &seq in seqs {
            if let Some(at_ms) = at
                .query_row(params![key.0, seq], |r| r.get(0))
                .optional()
                .map_err(|e| self.fail(e))?
            {
                hits.push(Hit { seq, at_ms });
            }
        }
        Ok(hits)
    }

    pub(super) fn write_rate_hit(&mut self, key: KeyPk, hit: Hit) -> Result<()> {
        self.stmt(sql::RATE_HIT_ADD)
            .and_then(|mut s| s.execute(params![key.0, hit.seq, hit.at_ms]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn forget_rate_hits_through(&mut self, key: KeyPk, through: i64) -> Result<()> {
        self.stmt(sql::RATE_FORGET)
            .and_then(|mut s| s.execute(params![key.0, through]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }
}
