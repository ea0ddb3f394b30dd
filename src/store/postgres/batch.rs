//! A batch of spends in few statements, whatever its size. A write that
//! verifies holds its keys first (`hold_keys_for`), reading them in the
//! same statement; while they are held no one else can change them, so the
//! transaction keeps them as it leaves them, decides on that copy, and
//! writes each key's spends, usage and day row at the end, one statement
//! per table for the whole batch. Anything else the transaction does first
//! writes what is pending, so every other statement sees the store as the
//! spends before it left it.

use std::collections::HashMap;

use tokio_postgres::Statement;
use tokio_postgres::types::ToSql;

use super::tx::PgTx;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::{Key, KeyPk};
use crate::notify::event::Raised;
use crate::rate::RateState;
use crate::store::backend::{SecretMatch, Spend};
use crate::store::columns::{ip_text, to_sql_count};
use crate::store::spends::DaySpends;
use crate::verify::Counters;

/// The held keys as this transaction leaves them, and what is not yet
/// written of them.
#[derive(Default)]
pub(super) struct Batch {
    /// Keys held and read at once, by row id, as the spends before left them.
    keys: HashMap<i64, Key>,
    /// What each digest named when the keys were held: the key and its
    /// secret's end of grace, or nothing.
    digests: HashMap<[u8; 32], Option<(i64, Option<Timestamp>)>>,
    /// Per key: lookups spent, and its counters and markers after the last.
    spent: HashMap<i64, Spent>,
    /// Lookups per key, day and client IP.
    usage: HashMap<(i64, i64, String), i64>,
    /// Lookups and verifications per key and day, for the ledger.
    pub(super) days: DaySpends,
}

/// What the batch knows of a digest.
pub(super) enum Known {
    /// The key it names, as the batch left it.
    Key(Box<SecretMatch>),
    /// It named no key when the batch's keys were held.
    NoKey,
}

struct Spent {
    lookups: i64,
    counters: Counters,
    raised: Raised,
    rate: RateState,
}

impl Batch {
    /// Remembers a key read while held, under the digest that named it.
    pub(super) fn learn(&mut self, digest: [u8; 32], found: Option<SecretMatch>) {
        let entry = found.map(|m| {
            let pk = m.key.pk.0;
            self.keys.insert(pk, m.key);
            (pk, m.retires_at)
        });
        self.digests.insert(digest, entry);
    }

    /// A digest asked for: `Some` with the answer when the batch knows it.
    pub(super) fn by_digest(&self, digest: &[u8; 32]) -> Option<Known> {
        match self.digests.get(digest)? {
            None => Some(Known::NoKey),
            Some((pk, retires_at)) => self.keys.get(pk).map(|key| {
                Known::Key(Box::new(SecretMatch {
                    key: key.clone(),
                    retires_at: *retires_at,
                }))
            }),
        }
    }

    /// A key changed by a statement of its own: read it again when asked.
    pub(super) fn forget(&mut self, key: KeyPk) {
        self.keys.remove(&key.0);
    }

    /// Any secret added or retired: digests are looked up again.
    pub(super) fn forget_digests(&mut self) {
        self.digests.clear();
    }

    /// Takes a spend on a key the batch holds: the new balance, or `None`
    /// when the key is not one it read (the spend is then written at once).
    pub(super) fn spend(&mut self, spend: &Spend, now: Timestamp) -> Option<i64> {
        let key = self.keys.get_mut(&spend.key.0)?;
        let cost = to_sql_count(spend.cost);
        if key.balance < cost {
            return None;
        }
        key.balance -= cost;
        key.counters = spend.counters;
        key.raised = spend.raised;
        key.rate = spend.rate.clone();
        key.last_used_at = Some(key.last_used_at.map_or(now, |t| t.max(now)));
        let entry = self.spent.entry(spend.key.0).or_insert_with(|| Spent {
            lookups: 0,
            counters: spend.counters,
            raised: spend.raised,
            rate: RateState::default(),
        });
        entry.lookups += cost;
        entry.counters = spend.counters;
        entry.raised = spend.raised;
        entry.rate = spend.rate.clone();
        *self
            .usage
            .entry((spend.key.0, spend.counters.day, ip_text(spend.ip)))
            .or_insert(0) += cost;
        self.days.add(spend.key.0, spend.counters.day, cost);
        Some(key.balance)
    }

    /// Lookups not yet written for a key, day and IP.
    pub(super) fn pending_usage(&self, key: KeyPk, day: i64, ip: &str) -> i64 {
        self.usage
            .get(&(key.0, day, ip.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    fn is_empty(&self) -> bool {
        self.spent.is_empty() && self.usage.is_empty() && self.days.is_empty()
    }
}

/// The batch's keys: their spends, counters, markers and recent accepted
/// requests.
const WRITE_KEYS: &str = "UPDATE keys k SET balance = k.balance - v.cost, day = v.day,
        day_count = v.day_count, month = v.month, month_count = v.month_count,
        last_used_at = GREATEST(k.last_used_at, $13), warned_day = v.warned_day,
        limit_day = v.limit_day, limit_month = v.limit_month,
        expiry_noticed = v.expiry_noticed, rate_seq = v.rate_seq,
        rate_recent = v.rate_recent
   FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[],
               $5::BIGINT[], $6::BIGINT[], $7::BIGINT[], $8::BIGINT[],
               $9::BIGINT[], $10::BIGINT[], $11::BIGINT[], $12::BYTEA[])
        AS v(id, cost, day, day_count, month, month_count, warned_day,
             limit_day, limit_month, expiry_noticed, rate_seq, rate_recent)
  WHERE k.id = v.id AND k.balance >= v.cost
  RETURNING k.id";

/// The batch's usage rows.
const WRITE_USAGE: &str = "INSERT INTO usage (key_id, day, ip, count)
     SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::BIGINT[])
 ON CONFLICT (key_id, day, ip) DO UPDATE SET count = usage.count + excluded.count";

/// The batch's day rows of the ledger.
const WRITE_DAYS: &str = "INSERT INTO ledger (key_id, at, delta, reason, day, spends)
     SELECT v.key_id, $5, -v.lookups, 'spend', v.day, v.spends
       FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[])
            AS v(key_id, day, lookups, spends)
 ON CONFLICT (key_id, day) DO UPDATE SET delta = ledger.delta + excluded.delta,
     spends = ledger.spends + excluded.spends,
     at = GREATEST(ledger.at, excluded.at)";

impl PgTx<'_> {
    /// Writes everything the batch holds back: the keys, their usage rows
    /// and their day rows, one statement each, sent together in one round
    /// trip. A key whose balance no longer covers what was spent on it
    /// (which holding it rules out) fails the transaction.
    pub(super) fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let now = self.now.unix();
        let spent: Vec<(i64, Spent)> = self.batch.spent.drain().collect();
        let usage: Vec<((i64, i64, String), i64)> = self.batch.usage.drain().collect();
        let days: Vec<(i64, i64, i64, i64)> = self
            .batch
            .days
            .held()
            .map(|((key, day), s)| (*key, *day, s.lookups, s.spends))
            .collect();
        self.batch.days.clear();
        let of_keys = |f: fn(&(i64, Spent)) -> i64| spent.iter().map(f).collect::<Vec<i64>>();
        let keys = [
            of_keys(|(id, _)| *id),
            of_keys(|(_, s)| s.lookups),
            of_keys(|(_, s)| s.counters.day),
            of_keys(|(_, s)| to_sql_count(s.counters.day_count)),
            of_keys(|(_, s)| s.counters.month),
            of_keys(|(_, s)| to_sql_count(s.counters.month_count)),
            of_keys(|(_, s)| s.raised.warned_day),
            of_keys(|(_, s)| s.raised.limit_day),
            of_keys(|(_, s)| s.raised.limit_month),
            of_keys(|(_, s)| i64::from(s.raised.expiry)),
            of_keys(|(_, s)| s.rate.seq),
        ];
        let rate_recent: Vec<&[u8]> = spent.iter().map(|(_, s)| s.rate.stored()).collect();
        let usage_keys: Vec<i64> = usage.iter().map(|((k, _, _), _)| *k).collect();
        let usage_days: Vec<i64> = usage.iter().map(|((_, d, _), _)| *d).collect();
        let usage_ips: Vec<&str> = usage.iter().map(|((_, _, ip), _)| ip.as_str()).collect();
        let usage_counts: Vec<i64> = usage.iter().map(|(_, n)| *n).collect();
        let of_days =
            |f: fn(&(i64, i64, i64, i64)) -> i64| days.iter().map(f).collect::<Vec<i64>>();
        let day_rows = [
            of_days(|d| d.0),
            of_days(|d| d.1),
            of_days(|d| d.2),
            of_days(|d| d.3),
        ];
        let statements = [
            self.statement(WRITE_KEYS)?,
            self.statement(WRITE_USAGE)?,
            self.statement(WRITE_DAYS)?,
        ];
        let key_params: [&(dyn ToSql + Sync); 13] = [
            &keys[0],
            &keys[1],
            &keys[2],
            &keys[3],
            &keys[4],
            &keys[5],
            &keys[6],
            &keys[7],
            &keys[8],
            &keys[9],
            &keys[10],
            &rate_recent,
            &now,
        ];
        let usage_params: [&(dyn ToSql + Sync); 4] =
            [&usage_keys, &usage_days, &usage_ips, &usage_counts];
        let day_params: [&(dyn ToSql + Sync); 5] =
            [&day_rows[0], &day_rows[1], &day_rows[2], &day_rows[3], &now];
        let mut exchanges: Vec<(&Statement, &[&(dyn ToSql + Sync)])> = Vec::with_capacity(3);
        if !spent.is_empty() {
            exchanges.push((&statements[0], &key_params));
        }
        if !usage.is_empty() {
            exchanges.push((&statements[1], &usage_params));
        }
        if !days.is_empty() {
            exchanges.push((&statements[2], &day_params));
        }
        let answers = self
            .client
            .query_all(&exchanges)
            .map_err(|e| self.fail(e))?;
        if !spent.is_empty() && answers.first().map(Vec::len) != Some(spent.len()) {
            self.failed = true;
            return Err(self
                .server
                .failure("a held key no longer covers the spends decided on it"));
        }
        Ok(())
    }
}
