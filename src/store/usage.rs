//! Usage reports, and the daily chore that replaces client IPs past their
//! keys' redact days. A report only reads: such IPs are shown redacted
//! whether or not the chore has run yet today.

use super::Store;
use super::accounts;
use super::keys::resolve;
use crate::account::AccountName;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyRef;
use crate::usage::{self, GroupBy, UsageReport};

/// The chore's name in the store's housekeeping table.
const REDACT_CHORE: &str = "redact_ips";

impl Store {
    /// Replaces every key's client IPs that are past its redact days by the
    /// redacted marker, counts kept. Rows cross that line only when a UTC
    /// day begins, so this runs once a day: the first command that writes
    /// each day does it (a read sees that it already ran, and the write
    /// lock's holder checks again). A clock that steps back to an earlier
    /// day finds the chore done.
    pub fn redact_due_ips(&mut self) -> Result<()> {
        let now = self.now();
        let done = self.backend.read(now)?.chore_day(REDACT_CHORE)?;
        if done.is_some_and(|day| day >= now.day()) {
            return Ok(());
        }
        let mut tx = self.backend.write(self.now())?;
        let today = tx.now().day();
        if tx.chore_day(REDACT_CHORE)?.is_some_and(|day| day >= today) {
            return Ok(());
        }
        tx.redact_due_usage(today)?;
        tx.set_chore_day(REDACT_CHORE, today)?;
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
        let now = self.now();
        let today = now.day();
        let first = today - i64::from(days) + 1;
        let mut tx = self.backend.read(now)?;
        let account = accounts::find(&mut *tx, account)?;
        let key = resolve(&mut *tx, &account, key)?;
        let rows = tx.usage_rows(key.pk, first)?;
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
        })
    }
}
