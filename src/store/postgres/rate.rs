//! PostgreSQL's half of purchase batches, suspension and rate limits: a
//! key's batches in its row, its automatic top-up, its suspension time,
//! and, for a rate limit larger than a key's row keeps, its table of
//! accepted requests, read by number (the key is held, so no one else
//! adds to it meanwhile).

use super::tx::PgTx;
use crate::balance::AutoTopup;
use crate::balance::batches::Batch;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyPk;
use crate::rate::Hit;
use crate::store::columns::batches_text;

impl PgTx<'_> {
    pub(super) fn store_batches(
        &mut self,
        key: KeyPk,
        batches: &[Batch],
        due_at: Option<Timestamp>,
    ) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET batches = $2, batches_due_at = $3 WHERE id = $1",
            &[&key.0, &batches_text(batches), &due_at.map(Timestamp::unix)],
        )
        .map(drop)
    }

    pub(super) fn store_auto_topup(
        &mut self,
        key: KeyPk,
        settings: Option<&AutoTopup>,
    ) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET auto_topup = $2 WHERE id = $1",
            &[&key.0, &settings.map(AutoTopup::stored)],
        )
        .map(drop)
    }

    pub(super) fn store_auto_fired(&mut self, key: KeyPk, day: i64, count: u32) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET auto_topup_day = $2, auto_topup_count = $3 WHERE id = $1",
            &[&key.0, &day, &i64::from(count)],
        )
        .map(drop)
    }

    pub(super) fn suspend_key(&mut self, key: KeyPk, suspended: bool) -> Result<()> {
        self.batch.forget(key);
        let at = suspended.then_some(self.now.unix());
        self.run(
            "UPDATE keys SET suspended_at = $2 WHERE id = $1",
            &[&key.0, &at],
        )
        .map(drop)
    }

    pub(super) fn read_rate_hits(&mut self, key: KeyPk, seqs: &[i64]) -> Result<Vec<Hit>> {
        // The table is written at once, never held back in the batch.
        let rows = self.rows_as_written(
            "SELECT seq, at_ms FROM rate_hits WHERE key_id = $1 AND seq = ANY($2)",
            &[&key.0, &seqs],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Hit {
                    seq: self.int(row, 0)?,
                    at_ms: self.int(row, 1)?,
                })
            })
            .collect()
    }

    pub(super) fn write_rate_hit(&mut self, key: KeyPk, hit: Hit) -> Result<()> {
        self.run(
            "INSERT INTO rate_hits (key_id, seq, at_ms) VALUES ($1, $2, $3)",
            &[&key.0, &hit.seq, &hit.at_ms],
        )
        .map(drop)
    }

    pub(super) fn forget_rate_hits_through(&mut self, key: KeyPk, through: i64) -> Result<()> {
        self.run(
            "DELETE FROM rate_hits WHERE key_id = $1 AND seq <= $2",
            &[&key.0, &through],
        )
        .map(drop)
    }
}
