//! The statements that read keys and accounts, shared by the files that
//! read them: every column `columns::key_from` and `account_from` read, in
//! their order.

/// Every column `columns::key_from` reads, in its order, from keys `k`
/// and accounts `a`.
macro_rules! key_columns {
    () => {
        "k.id, k.public_id, a.name, k.name, k.hint, k.balance, k.created_at, \
         k.expires_at, k.revoked_at, k.last_used_at, k.allowed_urls, k.allowed_ips, k.scopes, \
         k.daily_limit, k.monthly_limit, k.ip_daily_limit, k.redact_days, k.notify_emails, \
         k.low_balance, k.day, k.day_count, k.month, k.month_count, \
         k.warned_day, k.limit_day, k.limit_month, k.expiry_noticed, k.account_id, \
         k.suspended_at, k.rate_limits, k.rate_seq, k.rate_recent, k.batches, \
         k.auto_topup, k.auto_topup_day, k.auto_topup_count"
    };
}

/// `SELECT` of every key column from keys `k` joined to accounts `a`,
/// then `$tail`.
macro_rules! select_key {
    ($tail:literal) => {
        concat!(
            "SELECT ",
            key_columns!(),
            " FROM keys k JOIN accounts a ON a.id = k.account_id ",
            $tail
        )
    };
}

/// A key (every column) and its secret's end of grace, by the secret's
/// digest.
pub(super) const KEY_BY_DIGEST: &str = concat!(
    "SELECT ",
    key_columns!(),
    ", s.retires_at FROM secrets s JOIN keys k ON k.id = s.key_id \
     JOIN accounts a ON a.id = k.account_id WHERE s.digest = $1"
);

/// The column after the key's in [`KEY_BY_DIGEST`].
pub(super) const RETIRES_AT: usize = 36;

/// Every column `columns::account_from` reads, from accounts `a`.
macro_rules! select_account {
    ($tail:literal) => {
        concat!(
            "SELECT a.id, a.name, a.created_at,
                (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL),
                (SELECT COUNT(*) FROM keys k WHERE k.account_id = a.id),
                (SELECT COALESCE(SUM(k.balance), 0)::BIGINT FROM keys k
                    WHERE k.account_id = a.id AND k.revoked_at IS NULL)
             FROM accounts a ",
            $tail
        )
    };
}
