//! The statements on the verification path, in one place so that the
//! benchmarks' floor program runs exactly these with rusqlite directly.
//! Not a stable interface.

/// Every column `key_from_row` reads, in order, from keys `k`. The account
/// name comes from a correlated subquery rather than a join: SQLite 3.54
/// re-prepares a joined statement on every new parameter value (see
/// BENCHMARKS.md), which made each verification compile its query again.
macro_rules! key_columns {
    () => {
        "k.id, k.public_id, (SELECT a.name FROM accounts a WHERE a.id = k.account_id), k.name, k.hint, k.balance, k.created_at, \
         k.expires_at, k.revoked_at, k.last_used_at, k.allowed_urls, k.allowed_ips, k.scopes, \
         k.daily_limit, k.monthly_limit, k.ip_daily_limit, k.redact_days, k.notify_emails, \
         k.low_balance, k.day, k.day_count, k.month, k.month_count, \
         k.warned_day, k.limit_day, k.limit_month, k.expiry_noticed, k.account_id, \
         k.suspended_at, k.rate_limits, k.rate_seq, k.rate_recent, k.batches, \
         k.auto_topup, k.auto_topup_day, k.auto_topup_count"
    };
}

/// `SELECT` of every key column from keys `k`, then `$tail`.
macro_rules! select_key {
    ($tail:literal) => {
        concat!("SELECT ", key_columns!(), " FROM keys k ", $tail)
    };
}

/// The number of columns `key_columns!` lists.
pub const KEY_COLUMN_COUNT: usize = 36;

/// A key (every column) and its secret's end of grace, by the secret's
/// digest; subqueries, not a join, for the reason above.
pub const KEY_BY_DIGEST: &str = concat!(
    "SELECT ",
    key_columns!(),
    ", (SELECT s.retires_at FROM secrets s WHERE s.digest = ?1) \
     FROM keys k WHERE k.id = (SELECT s.key_id FROM secrets s WHERE s.digest = ?1)"
);

/// A valid verification's balance, counters, `last_used_at` (which never
/// moves back, whatever the clock does) and once-a-period markers.
pub const SPEND: &str = "UPDATE keys SET balance = balance - ?2, day = ?3, day_count = ?4, \
    month = ?5, month_count = ?6, last_used_at = MAX(COALESCE(last_used_at, ?7), ?7), \
    warned_day = ?8, limit_day = ?9, \
    limit_month = ?10, expiry_noticed = ?11, rate_seq = ?12, rate_recent = ?13 WHERE id = ?1";

/// A key's balance, read back after a spend in the same transaction. Not
/// `RETURNING` on the spend: SQLite runs `RETURNING` as a trigger, which
/// makes every spend open and free a statement journal.
pub const KEY_BALANCE: &str = "SELECT balance FROM keys WHERE id = ?1";

/// A transaction's spends on one key and UTC day, added to that day's
/// spend row of the ledger (made by the day's first spend): `?3` lookups
/// (negative), `?5` verifications.
pub const LEDGER_SPEND: &str = "INSERT INTO ledger (key_id, at, delta, reason, day, spends) \
    VALUES (?1, ?2, ?3, 'spend', ?4, ?5) \
    ON CONFLICT (key_id, day) DO UPDATE SET delta = delta + excluded.delta, \
    spends = spends + excluded.spends, at = MAX(at, excluded.at)";

/// A spend's usage count for its key, day and client IP.
pub const USAGE_ADD: &str = "INSERT INTO usage (key_id, day, ip, count) VALUES (?1, ?2, ?3, ?4) \
    ON CONFLICT (key_id, day, ip) DO UPDATE SET count = count + excluded.count";

/// Lookups today from one client IP on one key.
pub const IP_USAGE_TODAY: &str =
    "SELECT count FROM usage WHERE key_id = ?1 AND day = ?2 AND ip = ?3";

/// One entry of a key's table of accepted requests, by its number.
/// Equalities only: SQLite (built with STAT4) prepares a statement again
/// for each new value bound in a range or an expression.
pub const RATE_HIT_AT: &str = "SELECT at_ms FROM rate_hits WHERE key_id = ?1 AND seq = ?2";

/// An accepted request, added to its key's table of them.
pub const RATE_HIT_ADD: &str = "INSERT INTO rate_hits (key_id, seq, at_ms) VALUES (?1, ?2, ?3)";

/// Forgets a key's accepted requests up to a number: no window needs them.
pub const RATE_FORGET: &str = "DELETE FROM rate_hits WHERE key_id = ?1 AND seq <= ?2";
