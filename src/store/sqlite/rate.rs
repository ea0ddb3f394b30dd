//! SQLite's half of suspension and rate limits: the key's suspension time,
//! and its log of accepted requests (one row per request, numbered per
//! key), read by number so that a decision is a few index seeks whatever
//! the limits are.

use rusqlite::params;

use super::sql;
use super::tx::SqliteTx;
use crate::error::Result;
use crate::key::KeyPk;
use crate::rate::{Hit, RateLog};

impl SqliteTx<'_> {
    pub(super) fn suspend_key(&mut self, key: KeyPk, suspended: bool) -> Result<()> {
        let at = suspended.then_some(self.now.unix());
        self.stmt("UPDATE keys SET suspended_at = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![key.0, at]))
            .map(drop)
            .map_err(|e| self.fail(e))
    }

    pub(super) fn read_rate_hits(&mut self, key: KeyPk, depths: &[i64]) -> Result<RateLog> {
        // Always three depths, so that one statement serves every key.
        let depth = |i: usize| depths.get(i).copied().unwrap_or(0);
        let mut stmt = self.stmt(sql::RATE_HITS).map_err(|e| self.fail(e))?;
        let hits = stmt
            .query_map(params![key.0, depth(0), depth(1), depth(2)], |r| {
                Ok(Hit {
                    seq: r.get(0)?,
                    at_ms: r.get(1)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.fail(e))?;
        Ok(RateLog { hits })
    }

    pub(super) fn write_rate_hit(
        &mut self,
        key: KeyPk,
        hit: Hit,
        forget_through: Option<i64>,
    ) -> Result<()> {
        self.stmt(sql::RATE_HIT_ADD)
            .and_then(|mut s| s.execute(params![key.0, hit.seq, hit.at_ms]))
            .map_err(|e| self.fail(e))?;
        if let Some(through) = forget_through {
            self.stmt("DELETE FROM rate_hits WHERE key_id = ?1 AND seq <= ?2")
                .and_then(|mut s| s.execute(params![key.0, through]))
                .map_err(|e| self.fail(e))?;
        }
        Ok(())
    }
}
