//! PostgreSQL's half of suspension and rate limits: the key's suspension
//! time, and its log of accepted requests, read by number (the key is held,
//! so the log cannot change under the decision).

use super::tx::PgTx;
use crate::error::Result;
use crate::key::KeyPk;
use crate::rate::{Hit, RateLog};

/// The entries of a key's log a decision reads: the last, and the ones
/// `$2` before it.
const RATE_HITS: &str = "SELECT r.seq, r.at_ms FROM rate_hits r,
        (SELECT MAX(seq) AS n FROM rate_hits WHERE key_id = $1) AS last
  WHERE r.key_id = $1 AND (r.seq = last.n OR r.seq = ANY (
        SELECT last.n - d FROM UNNEST($2::BIGINT[]) AS d))";

impl PgTx<'_> {
    pub(super) fn suspend_key(&mut self, key: KeyPk, suspended: bool) -> Result<()> {
        self.batch.forget(key);
        let at = suspended.then_some(self.now.unix());
        self.run(
            "UPDATE keys SET suspended_at = $2 WHERE id = $1",
            &[&key.0, &at],
        )
        .map(drop)
    }

    pub(super) fn read_rate_hits(&mut self, key: KeyPk, depths: &[i64]) -> Result<RateLog> {
        let rows = self.rows(RATE_HITS, &[&key.0, &depths])?;
        let hits = rows
            .iter()
            .map(|row| {
                Ok(Hit {
                    seq: self.int(row, 0)?,
                    at_ms: self.int(row, 1)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(RateLog { hits })
    }

    pub(super) fn write_rate_hit(
        &mut self,
        key: KeyPk,
        hit: Hit,
        forget_through: Option<i64>,
    ) -> Result<()> {
        self.run(
            "INSERT INTO rate_hits (key_id, seq, at_ms) VALUES ($1, $2, $3)",
            &[&key.0, &hit.seq, &hit.at_ms],
        )?;
        if let Some(through) = forget_through {
            self.run(
                "DELETE FROM rate_hits WHERE key_id = $1 AND seq <= $2",
                &[&key.0, &through],
            )?;
        }
        Ok(())
    }
}
