//! Usage reports, and the daily chore that replaces client IPs past their
//! keys' redact days. A report only reads: such IPs are shown redacted
//! whether or not the chore has run yet today.

use super::Store;
use super::accounts;
use super::backend::{ChoreDay, Tx};
use super::keys::resolve;
use crate::account::AccountName;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyRef;
use crate::usage::{self, BalanceChange, GroupBy, UsageReport};

/// The chore's name in the store's housekeeping table.
const REDACT_CHORE: &str = "redact_ips";

/// Replaces every key's client IPs that are past its redact days by the
/// redacted marker, counts kept, unless that was done today already. Rows
/// cross that line only when a UTC day begins, so once a day is enough:
/// every write transaction runs this first (see [`super::begin_write`]), so
/// no write leaves such an IP behind.
///
/// Returns whether today's redaction is known done: `false` when another
/// transaction holds the chore (a backend without one writer), which may
/// yet roll back, so a handle asks again later.
pub(super) fn redact_if_due(tx: &mut dyn Tx) -> Result<bool> {
    let today = tx.now().day();
    let done = match tx.chore_day(REDACT_CHORE)? {
        ChoreDay::Elsewhere => return Ok(false),
        ChoreDay::Never => None,
        ChoreDay::Ran(day) => Some(day),
    };
    if !chore_due(done, today) {
        return Ok(true);
    }
    tx.redact_due_usage(today)?;
    tx.set_chore_day(REDACT_CHORE, today)?;
    Ok(true)
}

/// Whether a chore last run on `done` is due `today`. A clock that steps
/// back a day finds it done; a day recorded more than a day ahead came from
/// a clock that was wrong, and is not trusted to have done today's work.
fn chore_due(done: Option<i64>, today: i64) -> bool {
    done.is_none_or(|day| day < today || day > today + 1)
}

impl Store {
    /// Does today's redaction of client IPs now, if no write has done it
    /// yet: for a long-running verifier that may sit idle across midnight.
    /// A read sees first whether it ran, so a done chore costs no lock.
    pub fn redact_due_ips(&mut self) -> Result<()> {
        {
            let mut tx = self.backend.read(self.clock)?;
            let today = tx.now().day();
            let done = match tx.chore_day(REDACT_CHORE)? {
                ChoreDay::Never | ChoreDay::Elsewhere => None,
                ChoreDay::Ran(day) => Some(day),
            };
            if !chore_due(done, today) {
                return Ok(());
            }
        }
        let tx = super::begin_write(&mut *self.backend, self.clock)?;
        tx.commit()
    }

    /// Lookups on a key over the `days` ending today, by day or by client IP.
    pub fn usage(
        &mut self,
        account: &AccountName,
        key: &KeyRef,
        days: u32,
        by: GroupBy,
    ) -> Result<UsageReport> {
        let mut tx = self.backend.read(self.clock)?;
        let today = tx.now().day();
        let first = today - i64::from(days) + 1;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        let rows = tx.usage_rows(key.pk, first)?;
        let from = Timestamp::from_unix(first.saturating_mul(86_400));
        let mut balance_changes = tx.balance_changes(key.pk, from)?;
        // What lapsed that no write has recorded yet, as it will be.
        balance_changes.extend(
            key.batches
                .lapses()
                .iter()
                .filter(|l| l.at >= from)
                .map(|l| BalanceChange {
                    at: l.at,
                    kind: "expired".to_owned(),
                    lookups: -l.left,
                }),
        );
        balance_changes.sort_by_key(|c| c.at);
        let (total, day_rows, ip_rows) =
            usage::group(&rows, by, today, days, key.security.redact_days);
        Ok(UsageReport {
            key_id: key.id,
            name: key.name,
            account: key.account,
            from: Timestamp::day_label(first),
            to: Timestamp::day_label(today),
            by,
            total,
            days: day_rows,
            ips: ip_rows,
            balance_changes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::chore_due;

    #[test]
    fn a_chore_is_due_once_a_day_and_distrusts_a_day_far_ahead() {
        assert!(chore_due(None, 100));
        assert!(chore_due(Some(99), 100), "yesterday's");
        assert!(!chore_due(Some(100), 100), "done today");
        assert!(!chore_due(Some(101), 100), "a clock stepped back a day");
        assert!(
            chore_due(Some(130), 100),
            "a clock a month ahead did not do today's"
        );
    }
}
