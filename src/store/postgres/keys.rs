//! Accounts, keys, secrets and balances on PostgreSQL: the statements
//! behind `Tx`'s methods on them. A held key the batch keeps is read from
//! it (`batch.rs`); a key written otherwise is read again when next asked.

use super::batch::Known;
use super::statements::{KEY_BY_DIGEST, RETIRES_AT};
use super::tx::PgTx;
use crate::account::{Account, AccountName, AccountPk};
use crate::clock::Timestamp;
use crate::error::{Refusal, Result};
use crate::key::{Key, KeyId, KeyName, KeyPk};
use crate::notify::NotifySettings;
use crate::notify::event::Raised;
use crate::secret::KeyDigest;
use crate::security::SecuritySettings;
use crate::store::backend::{LedgerEntry, NewKeyRow, RefUse, SecretMatch, Spend};
use crate::store::columns::{
    Columns, account_from, join_list, key_from, rate_list, to_sql_count, to_sql_limit, ts,
};

impl PgTx<'_> {
    pub(super) fn account_named(&mut self, name: &str) -> Result<Option<Account>> {
        let row = self.row(select_account!("WHERE a.name = $1"), &[&name])?;
        row.map(|r| account_from(&r).map_err(|e| self.unreadable(&e)))
            .transpose()
    }

    pub(super) fn all_accounts(&mut self) -> Result<Vec<Account>> {
        // Byte order, as SQLite sorts, whatever the database's collation.
        let rows = self.rows(select_account!("ORDER BY a.name COLLATE \"C\""), &[])?;
        rows.iter()
            .map(|r| account_from(r).map_err(|e| self.unreadable(&e)))
            .collect()
    }

    pub(super) fn new_account(&mut self, name: &AccountName) -> Result<AccountPk> {
        // A racing writer may have taken the name since the caller looked.
        let now = self.now.unix();
        let row = self.row(
            "INSERT INTO accounts (name, created_at) VALUES ($1, $2)
             ON CONFLICT (name) DO NOTHING RETURNING id",
            &[&name.as_str(), &now],
        )?;
        match row {
            Some(row) => Ok(AccountPk(self.int(&row, 0)?)),
            None => Err(Refusal::AccountExists(name.to_string()).into()),
        }
    }

    pub(super) fn key_with_id(&mut self, id: &KeyId) -> Result<Option<Key>> {
        self.key_row(select_key!("WHERE k.public_id = $1"), &[&id.as_str()])
    }

    pub(super) fn key_named(&mut self, account: AccountPk, name: &str) -> Result<Option<Key>> {
        // The active key with the name, else the one revoked last.
        self.key_row(
            select_key!(
                "WHERE k.account_id = $1 AND k.name = $2
                 ORDER BY k.revoked_at IS NULL DESC, k.revoked_at DESC, k.id DESC LIMIT 1"
            ),
            &[&account.0, &name],
        )
    }

    pub(super) fn key_with_digest(&mut self, digest: &KeyDigest) -> Result<Option<SecretMatch>> {
        match self.batch.by_digest(&digest.0) {
            Some(Known::Key(found)) => return Ok(Some(*found)),
            Some(Known::NoKey) => return Ok(None),
            None => {}
        }
        let now = self.now;
        let Some(row) = self.row(KEY_BY_DIGEST, &[&&digest.0[..]])? else {
            return Ok(None);
        };
        let found = key_from(&row, now).and_then(|key| {
            Ok(SecretMatch {
                key,
                retires_at: ts(row.opt_int(RETIRES_AT)?),
            })
        });
        found.map(Some).map_err(|e| self.unreadable(&e))
    }

    pub(super) fn key_at(&mut self, pk: KeyPk) -> Result<Key> {
        let key = self.key_row(select_key!("WHERE k.id = $1"), &[&pk.0])?;
        key.ok_or_else(|| self.vanished(pk))
    }

    pub(super) fn account_keys(
        &mut self,
        account: AccountPk,
        include_revoked: bool,
    ) -> Result<Vec<Key>> {
        if include_revoked {
            self.key_rows(
                select_key!("WHERE k.account_id = $1 ORDER BY k.id"),
                &[&account.0],
            )
        } else {
            self.key_rows(
                select_key!("WHERE k.account_id = $1 AND k.revoked_at IS NULL ORDER BY k.id"),
                &[&account.0],
            )
        }
    }

    pub(super) fn active_count(&mut self, account: AccountPk) -> Result<usize> {
        let row = self.one(
            "SELECT COUNT(*) FROM keys WHERE account_id = $1 AND revoked_at IS NULL",
            &[&account.0],
        )?;
        Ok(self.int(&row, 0)? as usize)
    }

    pub(super) fn active_names(&mut self, account: AccountPk) -> Result<Vec<String>> {
        let rows = self.rows(
            "SELECT name FROM keys WHERE account_id = $1 AND revoked_at IS NULL",
            &[&account.0],
        )?;
        rows.iter()
            .map(|r| {
                r.text(0)
                    .map(str::to_owned)
                    .map_err(|e| self.unreadable(&e))
            })
            .collect()
    }

    pub(super) fn ever_had_key(&mut self, account: AccountPk) -> Result<bool> {
        let row = self.one(
            "SELECT COUNT(*) FROM (SELECT 1 FROM keys WHERE account_id = $1 LIMIT 1) AS any_key",
            &[&account.0],
        )?;
        Ok(self.int(&row, 0)? > 0)
    }

    pub(super) fn new_key(&mut self, row: &NewKeyRow<'_>) -> Result<KeyPk> {
        let sec = row.security;
        let now = self.now.unix();
        let inserted = self.one(
            "INSERT INTO keys (public_id, account_id, name, hint, created_at, expires_at,
                    allowed_urls, allowed_ips, scopes, daily_limit, monthly_limit,
                    ip_daily_limit, redact_days, notify_emails, low_balance, rate_limits)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                 RETURNING id",
            &[
                &row.id.as_str(),
                &row.account.0,
                &row.name.as_str(),
                &row.hint,
                &now,
                &row.expires_at.map(Timestamp::unix),
                &join_list(&sec.allowed_urls),
                &join_list(&sec.allowed_ips),
                &join_list(&sec.scopes),
                &to_sql_limit(sec.daily_limit),
                &to_sql_limit(sec.monthly_limit),
                &to_sql_limit(sec.ip_daily_limit),
                &i64::from(sec.redact_days),
                &join_list(&row.notify.emails),
                &to_sql_limit(row.notify.low_balance),
                &rate_list(&sec.rate_limits),
            ],
        )?;
        let pk = self.int(&inserted, 0)?;
        // Made here, so no other transaction can be holding it.
        self.held.insert(pk);
        Ok(KeyPk(pk))
    }

    pub(super) fn new_secret(&mut self, key: KeyPk, digest: &KeyDigest) -> Result<()> {
        self.batch.forget(key);
        self.batch.forget_digests();
        self.run(
            "INSERT INTO secrets (digest, key_id) VALUES ($1, $2)",
            &[&&digest.0[..], &key.0],
        )
        .map(drop)
    }

    pub(super) fn end_secrets(&mut self, key: KeyPk, until: Timestamp) -> Result<()> {
        self.batch.forget(key);
        self.batch.forget_digests();
        let now = self.now.unix();
        self.run(
            "UPDATE secrets SET retires_at = LEAST(COALESCE(retires_at, $2), $2) WHERE key_id = $1",
            &[&key.0, &until.unix()],
        )?;
        self.run(
            "DELETE FROM secrets WHERE key_id = $1 AND retires_at <= $2",
            &[&key.0, &now],
        )
        .map(drop)
    }

    pub(super) fn set_name(&mut self, key: KeyPk, name: &KeyName) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET name = $2 WHERE id = $1",
            &[&key.0, &name.as_str()],
        )
        .map(drop)
    }

    pub(super) fn new_hint(&mut self, key: KeyPk, hint: &str) -> Result<()> {
        self.batch.forget(key);
        self.run("UPDATE keys SET hint = $2 WHERE id = $1", &[&key.0, &hint])
            .map(drop)
    }

    pub(super) fn revoke_key(&mut self, key: KeyPk, reason: Option<&str>) -> Result<()> {
        self.batch.forget(key);
        let now = self.now.unix();
        self.run(
            "UPDATE keys SET revoked_at = $2, revoke_reason = $3 WHERE id = $1",
            &[&key.0, &now, &reason],
        )
        .map(drop)
    }

    pub(super) fn add_balance(
        &mut self,
        key: KeyPk,
        delta: i64,
        entry: &LedgerEntry<'_>,
    ) -> Result<i64> {
        self.batch.forget(key);
        let row = self.one(
            "UPDATE keys SET balance = balance + $2 WHERE id = $1 RETURNING balance",
            &[&key.0, &delta],
        )?;
        let balance = self.int(&row, 0)?;
        let now = self.now.unix();
        let reference = entry.reference.map(|(_, r)| r);
        let ledger = self.one(
            "INSERT INTO ledger (key_id, at, delta, reason, note, ref)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &key.0,
                &now,
                &delta,
                &entry.reason.as_str(),
                &entry.note,
                &reference,
            ],
        )?;
        if let Some((account, reference)) = entry.reference {
            let ledger = self.int(&ledger, 0)?;
            self.run(
                "INSERT INTO topup_refs (account_id, ref, ledger_id) VALUES ($1, $2, $3)",
                &[&account.0, &reference, &ledger],
            )?;
        }
        Ok(balance)
    }

    pub(super) fn ref_use(
        &mut self,
        account: AccountPk,
        reference: &str,
    ) -> Result<Option<RefUse>> {
        let Some(row) = self.row(
            "SELECT l.key_id, l.delta, l.at FROM topup_refs r JOIN ledger l ON l.id = r.ledger_id
              WHERE r.account_id = $1 AND r.ref = $2",
            &[&account.0, &reference],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(RefUse {
            key: KeyPk(self.int(&row, 0)?),
            amount: self.int(&row, 1)?,
            at: Timestamp::from_unix(self.int(&row, 2)?),
        }))
    }

    pub(super) fn spend_now(&mut self, spend: &Spend) -> Result<i64> {
        // A key the batch holds is spent on its copy, written at the end.
        if let Some(balance) = self.batch.spend(spend, self.now) {
            return Ok(balance);
        }
        let now = self.now.unix();
        let cost = to_sql_count(spend.cost);
        let c = spend.counters;
        let r = spend.raised;
        // Conditional: a balance that no longer covers the cost (which the
        // held key rules out) spends nothing.
        let row = self.row(
            "UPDATE keys SET balance = balance - $2, day = $3, day_count = $4,
                    month = $5, month_count = $6, last_used_at = GREATEST(last_used_at, $7),
                    warned_day = $8, limit_day = $9, limit_month = $10, expiry_noticed = $11,
                    rate_seq = $12, rate_recent = $13
              WHERE id = $1 AND balance >= $2
              RETURNING balance",
            &[
                &spend.key.0,
                &cost,
                &c.day,
                &to_sql_count(c.day_count),
                &c.month,
                &to_sql_count(c.month_count),
                &now,
                &r.warned_day,
                &r.limit_day,
                &r.limit_month,
                &i64::from(r.expiry),
                &spend.rate.seq,
                &spend.rate.stored(),
            ],
        )?;
        let Some(row) = row else {
            self.failed = true;
            return Err(self.server.failure(format!(
                "key row {} no longer covers a spend decided on it",
                spend.key.0
            )));
        };
        let balance = self.int(&row, 0)?;
        self.batch.days.add(spend.key.0, c.day, cost);
        self.add_usage(spend.key, c.day, spend.ip, cost)?;
        Ok(balance)
    }

    pub(super) fn set_security(
        &mut self,
        key: KeyPk,
        security: &SecuritySettings,
        expires_at: Option<Timestamp>,
    ) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET allowed_urls = $2, allowed_ips = $3, scopes = $4,
                    daily_limit = $5, monthly_limit = $6, ip_daily_limit = $7,
                    redact_days = $8, expires_at = $9, rate_limits = $10
                 WHERE id = $1",
            &[
                &key.0,
                &join_list(&security.allowed_urls),
                &join_list(&security.allowed_ips),
                &join_list(&security.scopes),
                &to_sql_limit(security.daily_limit),
                &to_sql_limit(security.monthly_limit),
                &to_sql_limit(security.ip_daily_limit),
                &i64::from(security.redact_days),
                &expires_at.map(Timestamp::unix),
                &rate_list(&security.rate_limits),
            ],
        )
        .map(drop)
    }

    pub(super) fn set_notify(&mut self, key: KeyPk, notify: &NotifySettings) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET notify_emails = $2, low_balance = $3 WHERE id = $1",
            &[
                &key.0,
                &join_list(&notify.emails),
                &to_sql_limit(notify.low_balance),
            ],
        )
        .map(drop)
    }

    pub(super) fn set_markers(&mut self, key: KeyPk, raised: Raised) -> Result<()> {
        self.batch.forget(key);
        self.run(
            "UPDATE keys SET warned_day = $2, limit_day = $3, limit_month = $4,
                    expiry_noticed = $5 WHERE id = $1",
            &[
                &key.0,
                &raised.warned_day,
                &raised.limit_day,
                &raised.limit_month,
                &i64::from(raised.expiry),
            ],
        )
        .map(drop)
    }

    pub(super) fn expiring_keys(&mut self, horizon: Timestamp) -> Result<Vec<Key>> {
        self.key_rows(
            select_key!(
                "WHERE k.expiry_noticed = 0 AND k.revoked_at IS NULL
                 AND k.expires_at IS NOT NULL AND k.expires_at <= $1 ORDER BY k.id"
            ),
            &[&horizon.unix()],
        )
    }
}
