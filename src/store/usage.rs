//! Usage reports. A report only reads: client IPs past the key's redact
//! days are shown redacted whether or not the store has replaced them yet
//! (a key's next spend or redact-days change does that).

use super::Store;
use super::accounts;
use super::keys::resolve;
use crate::account::AccountName;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::KeyRef;
use crate::usage::{self, GroupBy, UsageReport};

impl Store {
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
