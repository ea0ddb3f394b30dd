//! Verification in the store: find the key by its secret's digest, decide,
//! and (unless it is a dry run) spend the lookups, count them toward the
//! quotas, set `last_used_at` and write the ledger and usage rows, all in the
//! one transaction that made the decision. A denied verification writes
//! nothing.

use super::Store;
use super::accounts;
use super::backend::Spend;
use super::notify;
use crate::error::{Error, Result};
use crate::key::KeyStatus;
use crate::notify::event::{self, SpendFacts};
use crate::usage::UsageIp;
use crate::verify::{self, MAX_COST, Subject, Usage, Verdict, VerifyCode, VerifyRequest};

impl Store {
    /// Decides whether to serve a request presenting `presented`. A
    /// malformed key is answered without touching the store. `Err` means
    /// the store itself failed; every verdict, valid or not, is `Ok`.
    ///
    /// ```
    /// use apikey::{AccountName, KeySpec, Store, VerifyCode, VerifyRequest};
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("keys.db");
    /// let mut store = Store::open(&path)?;
    /// let key = store.create_key(&AccountName::parse("default")?, &KeySpec::default())?;
    ///
    /// // In an API handler: the presented key and what the request came with.
    /// let handle = |store: &mut Store, presented: &str| -> apikey::Result<(u16, String)> {
    ///     let request = VerifyRequest { ip: "203.0.113.9".parse().ok(), ..VerifyRequest::default() };
    ///     let verdict = store.verify(presented, &request)?;
    ///     Ok(match verdict.code {
    ///         VerifyCode::Valid => (200, format!("ok, {} lookups left", verdict.balance.unwrap_or(0))),
    ///         VerifyCode::InsufficientBalance | VerifyCode::DailyLimit
    ///         | VerifyCode::MonthlyLimit | VerifyCode::IpDailyLimit => (429, verdict.code.to_string()),
    ///         _ => (401, verdict.code.to_string()),
    ///     })
    /// };
    /// assert_eq!(handle(&mut store, key.secret.expose())?, (200, "ok, 99 lookups left".to_owned()));
    /// assert_eq!(handle(&mut store, "ak_not-a-key")?.0, 401);
    /// # Ok::<(), apikey::Error>(())
    /// ```
    pub fn verify(&mut self, presented: &str, request: &VerifyRequest<'_>) -> Result<Verdict> {
        let cost = request.cost;
        if !(1..=MAX_COST).contains(&cost) {
            return Err(Error::invalid(format!(
                "invalid cost {cost}: use a whole number from 1 to {MAX_COST}"
            )));
        }
        let Ok(digest) = crate::secret::digest_presented(presented) else {
            return Ok(Verdict::unidentified(VerifyCode::Malformed, cost));
        };
        let mut tx = if request.dry_run {
            self.backend.read(self.clock)?
        } else {
            self.backend.write(self.clock)?
        };
        // Read once the write lock is held: every decision below (expiry,
        // grace, the day a spend counts on) is made at this instant.
        let now = tx.now();
        // Today's redaction, if this handle has not seen it done today: a
        // handle that verifies all day checks once, a process per verify
        // (the CLI) makes one indexed read each time.
        let check_chores = self.chores_seen.is_none_or(|day| day < now.day());
        let scope = request
            .account
            .map(|name| accounts::find(&mut *tx, name))
            .transpose()?;
        let Some(found) = tx.key_by_digest(&digest)? else {
            return Ok(Verdict::unidentified(VerifyCode::NotFound, cost));
        };
        if found.retires_at.is_some_and(|t| t <= now)
            || scope.is_some_and(|account| account.pk != found.key.account_pk)
        {
            return Ok(Verdict::unidentified(VerifyCode::NotFound, cost));
        }
        let key = found.key;
        let ip = UsageIp::of(request.ip);
        let (day, month) = (key.counters.day_at(now), key.counters.month_at(now));
        let today_from_ip = match (key.security.ip_daily_limit, request.ip) {
            (Some(_), Some(_)) => tx.ip_usage_today(key.pk, day, ip)?,
            _ => 0,
        };
        let code = verify::decide(
            &Subject {
                status: key.status,
                security: &key.security,
                balance: key.balance,
                usage: Usage {
                    today: key.counters.today(now),
                    this_month: key.counters.this_month(now),
                    today_from_ip,
                },
            },
            request,
        );
        let mut balance = key.balance;
        if !request.dry_run {
            let mut events = Vec::new();
            let mut raised = key.raised;
            if key.status != KeyStatus::Revoked && event::expiry_due(key.expires_at, raised, now) {
                if let Some(t) = key.expires_at {
                    events.push(event::expiring(t, now));
                }
                raised.expiry = true;
            }
            let commit = code == VerifyCode::Valid || raised != key.raised;
            if commit && check_chores {
                super::usage::redact_if_due(&mut *tx)?;
            }
            if code == VerifyCode::Valid {
                let counters = key.counters.after_spend(now, cost);
                let cost_i64 = i64::try_from(cost).unwrap_or(i64::MAX);
                let (spend_events, after) = event::on_spend(
                    &SpendFacts {
                        balance: (key.balance, key.balance - cost_i64),
                        low_balance: key.notify.low_balance,
                        daily: key.security.daily_limit.map(|l| (l, counters.day_count)),
                        monthly: key
                            .security
                            .monthly_limit
                            .map(|l| (l, counters.month_count)),
                        day,
                        month,
                    },
                    raised,
                );
                events.extend(spend_events);
                balance = tx.spend(&Spend {
                    key: key.pk,
                    cost,
                    counters,
                    ip,
                    raised: after,
                })?;
            } else if raised != key.raised {
                // A denial spends nothing and raises no limit event (no
                // count moved); only an expiry notice can be due.
                tx.set_raised(key.pk, raised)?;
            }
            notify::raise(&mut *tx, &key, &events)?;
            if commit {
                tx.commit()?;
                if check_chores {
                    self.chores_seen = Some(now.day());
                }
            }
        }
        Ok(Verdict {
            valid: code == VerifyCode::Valid,
            code,
            key_id: Some(key.id),
            account: Some(key.account),
            balance: Some(balance),
            cost,
        })
    }
}
