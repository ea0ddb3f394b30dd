//! A key as its holder sees it, read in one read transaction by the key's
//! secret: what a dry run would answer, the balance and the quotas used.

use super::Store;
use super::verify::{Screened, decide_on, find_key, screen, usage_of};
use crate::error::Result;
use crate::key_view::{KeyView, Quota};
use crate::secret::KeyDigest;
use crate::store::backend::Tx;
use crate::verify::{VerifyCode, VerifyRequest};

impl Store {
    /// What the holder of `presented` may see of its key, for a request
    /// like `request` (its origin, IP, scope and cost decide `code`).
    /// Spends and writes nothing; a malformed or unknown key is a view
    /// with that code, not an error.
    pub fn key_view(&mut self, presented: &str, request: &VerifyRequest) -> Result<KeyView> {
        match screen(presented, request)? {
            Screened::Answered(verdict) => Ok(KeyView::unidentified(verdict.code)),
            Screened::Digest(digest) => self
                .key_views(&[(digest, request)])
                .pop()
                .expect("one view per request"),
        }
    }

    /// Views of several keys from one snapshot. A failure to begin fails
    /// every one; otherwise each request gets its own answer.
    pub(crate) fn key_views(
        &mut self,
        batch: &[(KeyDigest, &VerifyRequest)],
    ) -> Vec<Result<KeyView>> {
        let mut tx = match self.backend.read(self.clock) {
            Ok(tx) => tx,
            Err(e) => {
                let mut answers: Vec<_> = batch[1..]
                    .iter()
                    .map(|_| Err(e.repeated(&self.path)))
                    .collect();
                answers.insert(0, Err(e));
                return answers;
            }
        };
        batch
            .iter()
            .map(|(digest, request)| view_in(&mut *tx, digest, request))
            .collect()
    }
}

/// One key's view inside a read transaction.
fn view_in(tx: &mut dyn Tx, digest: &KeyDigest, request: &VerifyRequest) -> Result<KeyView> {
    let now = tx.now();
    let Some(key) = find_key(tx, digest, request, now)? else {
        return Ok(KeyView::unidentified(VerifyCode::NotFound));
    };
    let (usage, _) = usage_of(tx, &key, request, now)?;
    let code = decide_on(&key, usage, request);
    Ok(KeyView {
        available: code == VerifyCode::Valid,
        code,
        balance: Some(key.balance),
        daily: Quota {
            used: usage.today,
            limit: key.security.daily_limit,
        },
        monthly: Quota {
            used: usage.this_month,
            limit: key.security.monthly_limit,
        },
        expires_at: key.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountName, KeySpec};

    #[test]
    fn the_view_counts_what_was_spent_and_spends_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let account = AccountName::parse("default").unwrap();
        let key = store.create_key(&account, &KeySpec::default()).unwrap();
        let secret = key.secret.expose().to_owned();
        let spend = VerifyRequest {
            cost: 3,
            ..VerifyRequest::default()
        };
        store.verify(&secret, &spend).unwrap();
        let view = store.key_view(&secret, &VerifyRequest::default()).unwrap();
        assert_eq!(view.code, VerifyCode::Valid);
        assert!(view.available);
        assert_eq!(view.balance, Some(97));
        assert_eq!(
            view.daily,
            Quota {
                used: 3,
                limit: None
            }
        );
        assert_eq!(view.monthly.used, 3);
        // Reading twice spends nothing.
        let again = store.key_view(&secret, &VerifyRequest::default()).unwrap();
        assert_eq!(again, view);

        let unknown = store
            .key_view("ak_not-a-key", &VerifyRequest::default())
            .unwrap();
        assert_eq!(unknown.code, VerifyCode::Malformed);
        assert_eq!(unknown.balance, None);
        let costly = VerifyRequest {
            cost: 98,
            ..VerifyRequest::default()
        };
        let short = store.key_view(&secret, &costly).unwrap();
        assert_eq!(short.code, VerifyCode::InsufficientBalance);
        assert!(!short.available);
    }
}
