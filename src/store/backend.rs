//! The narrow interface between the store's rules and a database. A backend
//! hands out transactions; a transaction reads and writes records and knows
//! nothing of the rules. The rules (`store::keys`, `store::accounts`) run on
//! `dyn Tx`, so a PostgreSQL backend implements this file's traits and gets
//! every rule, unchanged, with the same test suite.

use super::Clock;
use super::copy::{Table, Value};
use crate::account::{Account, AccountName, AccountPk};
use crate::audit::{Action, AuditEntry};
use crate::balance::AutoTopup;
use crate::balance::batches::Batch;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::key::{Key, KeyId, KeyName, KeyPk};
use crate::notify::NotifySettings;
use crate::notify::delivery::EventUpdate;
use crate::notify::event::{Event, NewEvent, Raised};
use crate::notify::sender::Holder;
use crate::rate::{Hit, RateState};
use crate::secret::KeyDigest;
use crate::security::SecuritySettings;
use crate::usage::{BalanceChange, UsageIp, UsageRow};
use crate::verify::Counters;

/// A database that can run the store's transactions.
pub trait Backend: Send {
    /// A write transaction that holds the write lock from its first statement
    /// (SQLite's `BEGIN IMMEDIATE`), so a rule checked inside it still holds
    /// at commit, whatever other processes do. Its [`Tx::now`] is read from
    /// `clock` once the lock is held: waiting for the lock never makes a
    /// decision on a time that has already passed.
    fn write(&mut self, clock: Clock) -> Result<Box<dyn Tx + '_>>;

    /// A read transaction: one consistent snapshot for several reads.
    fn read(&mut self, clock: Clock) -> Result<Box<dyn Tx + '_>>;

    /// The schema version the store had when it was opened, and the one it
    /// has now (newer when opening it ran migrations).
    fn schema_versions(&self) -> (i64, i64);

    /// The longest a statement waits for another process's lock before it
    /// fails (SQLite's busy timeout): what a claim's lease must cover.
    fn lock_wait(&self) -> std::time::Duration;

    /// Makes every later commit durable before it returns (SQLite's
    /// `synchronous = FULL`: the log is synced at each commit), or returns
    /// to the default, which may lose the last commits to a power cut but
    /// never corrupts the store.
    fn set_durable(&mut self, durable: bool) -> Result<()>;

    /// Another handle on the same store that only reads, for reads on
    /// threads beside the writer's; `None` when the store lives in this
    /// handle alone (in memory).
    fn open_reader(&self) -> Option<Result<Box<dyn Backend>>>;

    /// Gives the file's free space back to the file system when most of
    /// it is free (after an upgrade that freed it), telling `progress`.
    /// Best effort: a failure is told, and changes nothing.
    fn give_back_free_space(&mut self, progress: &mut dyn FnMut(&crate::store::Upgrading));

    /// Writes a consistent snapshot of the store into `file` (which
    /// exists, empty, mode 0600) while other handles keep writing;
    /// `None` when the backend keeps no file to snapshot (a server's
    /// store is copied instead).
    fn snapshot_into(&mut self, file: &std::path::Path) -> Option<Result<()>>;

    /// Takes the log's upkeep off this handle's commits and returns it, to
    /// be run on a thread of its own: a commit that also had to fold
    /// SQLite's log into the database (a checkpoint) would hold up every
    /// request of its batch. `None` when the backend has no such upkeep.
    fn offload_upkeep(&mut self) -> Option<Result<Box<dyn Upkeep>>>;
}

/// A backend's upkeep, handed off by [`Backend::offload_upkeep`].
pub trait Upkeep: Send {
    /// Waits until the writer's handle calls for upkeep, then does it.
    /// `false` once that handle is gone and nothing is left to do.
    fn next(&mut self) -> bool;
}

/// When a store-wide chore last ran, as a transaction finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChoreDay {
    /// It never ran.
    Never,
    /// It last ran on this UTC day.
    Ran(i64),
    /// Another transaction holds it: it is being done now (or was, by one
    /// that may yet roll back), and this one does not wait for it. Only a
    /// backend without a single writer finds this.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Elsewhere,
}

/// Why a ledger row was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerReason {
    /// Rule 2: an account's first key.
    TestBalance,
    /// `topup`.
    Topup,
    /// What was left of a batch when it lapsed.
    Expired,
    /// An automatic top-up, made by a verification.
    AutoTopup,
}

impl LedgerReason {
    /// The word stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerReason::TestBalance => "test_balance",
            LedgerReason::Topup => "topup",
            LedgerReason::Expired => "expired",
            LedgerReason::AutoTopup => "auto_topup",
        }
    }
}

/// Why a balance changed, as its ledger row says.
pub struct LedgerEntry<'a> {
    /// The kind of change.
    pub reason: LedgerReason,
    /// A note for the ledger and audit trail.
    pub note: Option<&'a str>,
    /// A top-up's ref, unique in the key's account (`account`).
    pub reference: Option<(AccountPk, &'a str)>,
}

/// The columns of a key that `insert_key` writes.
pub struct NewKeyRow<'a> {
    /// The stable id.
    pub id: &'a KeyId,
    /// The owning account.
    pub account: AccountPk,
    /// The name, already checked free.
    pub name: &'a KeyName,
    /// The hint of the first secret.
    pub hint: &'a str,
    /// When it stops verifying.
    pub expires_at: Option<Timestamp>,
    /// Its security settings.
    pub security: &'a SecuritySettings,
    /// Its notification settings.
    pub notify: &'a NotifySettings,
}

/// One audit row to write.
pub struct NewAudit<'a> {
    /// What was done.
    pub action: Action,
    /// In which account.
    pub account: AccountPk,
    /// To which key, if any.
    pub key: Option<KeyPk>,
    /// Particulars.
    pub detail: &'a str,
}

/// A successful verification's writes: the balance, the quota counters,
/// `last_used_at`, and its lookups added to the key's ledger row and usage
/// row for the day.
pub struct Spend {
    /// The key.
    pub key: KeyPk,
    /// Lookups spent.
    pub cost: u64,
    /// The quota counters after this spend.
    pub counters: Counters,
    /// The client IP for the usage row.
    pub ip: UsageIp,
    /// The key's once-a-period events after this spend.
    pub raised: Raised,
    /// What the key's row keeps of its accepted requests after this one.
    pub rate: RateState,
}

/// A key whose balance is not the sum of its ledger rows, named as a
/// report names it (read with the sums, so that a key row that no longer
/// maps into a [`Key`] is still named).
pub struct LedgerMismatch {
    /// The key's account.
    pub account: String,
    /// The key's id.
    pub key: KeyId,
    /// The key's name.
    pub name: String,
    /// Its balance.
    pub balance: i64,
    /// The sum of its ledger rows.
    pub ledger: i64,
}

/// A top-up a ref was used for: which key, how many lookups, when.
#[derive(Clone, Copy, Debug)]
pub struct RefUse {
    /// The key topped up.
    pub key: KeyPk,
    /// The lookups added.
    pub amount: i64,
    /// When.
    pub at: Timestamp,
}

/// A key found by a secret's digest, with when that secret stops working
/// (`None` for the current secret; a time for one replaced by `regenerate`).
pub struct SecretMatch {
    /// The key.
    pub key: Key,
    /// The end of the secret's grace period, if it was replaced.
    pub retires_at: Option<Timestamp>,
}

/// Reads and writes inside one transaction. Dropping it without `commit`
/// rolls everything back.
pub trait Tx {
    /// The instant this transaction acts at, read once the transaction
    /// began (for a write, once the write lock was held).
    fn now(&self) -> Timestamp;
    /// [`Tx::now`] to the millisecond (since the epoch), read at the same
    /// moment: what rate limits' sliding windows are counted in.
    fn now_ms(&self) -> i64;

    /// Holds the account until the transaction ends, so that a rule over
    /// its keys as a whole (10 active, one test balance, unique names) sees
    /// every other writer's change to them first. Where a write holds the
    /// whole store (SQLite), there is nothing more to hold.
    ///
    /// Holds are taken in one order by every transaction, so that none
    /// ever waits for another in a circle: accounts first, then keys, by
    /// row id. (The outbox's events and the chores are held alone.)
    fn hold_account(&mut self, account: AccountPk) -> Result<()>;
    /// Holds these keys until the transaction ends, in the order of their
    /// row ids, before any of them is read for a decision.
    fn hold_keys(&mut self, keys: &[KeyPk]) -> Result<()>;
    /// [`Tx::hold_keys`] for the keys these secrets' digests name: a batch
    /// of verifications holds its keys at once, before deciding the first.
    /// A transaction's [`Tx::now`] is read after it.
    fn hold_keys_for(&mut self, digests: &[KeyDigest]) -> Result<()>;
    /// Holds one key until the transaction ends. `Some` is the key as it is
    /// once held, when another writer may have changed it since it was
    /// read; `None` when the transaction held it already (a SQLite write
    /// holds every key) or only reads, so the key read before stands.
    fn hold_key(&mut self, key: KeyPk) -> Result<Option<Key>>;

    /// An account by name.
    fn account(&mut self, name: &str) -> Result<Option<Account>>;
    /// Every account, by name.
    fn accounts(&mut self) -> Result<Vec<Account>>;
    /// Creates an account; the caller has checked the name is free.
    fn insert_account(&mut self, name: &AccountName) -> Result<AccountPk>;

    /// A key by its stable id, in any account.
    fn key_by_id(&mut self, id: &KeyId) -> Result<Option<Key>>;
    /// The active key with this name in the account, else the most recently
    /// revoked one with it.
    fn key_by_name(&mut self, account: AccountPk, name: &str) -> Result<Option<Key>>;
    /// A key by one of its secrets' digest, in any account.
    fn key_by_digest(&mut self, digest: &KeyDigest) -> Result<Option<SecretMatch>>;
    /// A key by its row id.
    fn key_by_pk(&mut self, pk: KeyPk) -> Result<Key>;
    /// The account's keys, oldest first; revoked ones only when asked.
    fn keys(&mut self, account: AccountPk, include_revoked: bool) -> Result<Vec<Key>>;
    /// How many of the account's keys are not revoked.
    fn count_active_keys(&mut self, account: AccountPk) -> Result<usize>;
    /// The names of the account's active keys.
    fn active_key_names(&mut self, account: AccountPk) -> Result<Vec<String>>;
    /// Whether the account has ever had a key, revoked ones included.
    fn account_ever_had_key(&mut self, account: AccountPk) -> Result<bool>;

    /// Writes a new key with a zero balance.
    fn insert_key(&mut self, row: &NewKeyRow<'_>) -> Result<KeyPk>;
    /// Records a digest that verifies as the key (`retires_at` `None`: current).
    fn insert_secret(&mut self, key: KeyPk, digest: &KeyDigest) -> Result<()>;
    /// Ends the key's current secrets at `until` (now: at once) and forgets
    /// secrets whose grace has passed.
    fn retire_secrets(&mut self, key: KeyPk, until: Timestamp) -> Result<()>;
    /// Gives the key a new name; the caller has checked it is free.
    fn rename_key(&mut self, key: KeyPk, name: &KeyName) -> Result<()>;
    /// Replaces the hint after a new secret.
    fn set_hint(&mut self, key: KeyPk, hint: &str) -> Result<()>;
    /// Marks the key revoked.
    fn revoke(&mut self, key: KeyPk, reason: Option<&str>) -> Result<()>;
    /// Adds `delta` to the balance and writes the ledger row, returning the
    /// new balance. The caller has checked the result is not negative, and
    /// (holding the account) that `entry.reference` is unused in it.
    fn change_balance(&mut self, key: KeyPk, delta: i64, entry: &LedgerEntry<'_>) -> Result<i64>;
    /// The top-up that used `reference` in the account, if one did.
    fn topup_by_ref(&mut self, account: AccountPk, reference: &str) -> Result<Option<RefUse>>;
    /// Spends lookups for a valid verification, returning the new balance.
    /// The caller has checked the balance covers the cost.
    fn spend(&mut self, spend: &Spend) -> Result<i64>;
    /// Stores the key's purchase batches (see `columns::batches_from`)
    /// and when they next need a write.
    fn set_batches(
        &mut self,
        key: KeyPk,
        batches: &[Batch],
        due_at: Option<Timestamp>,
    ) -> Result<()>;
    /// Sets the key's automatic top-up, or turns it off.
    fn set_auto_topup(&mut self, key: KeyPk, settings: Option<&AutoTopup>) -> Result<()>;
    /// Records the key's automatic top-ups: `count` made on UTC day `day`.
    fn set_auto_fired(&mut self, key: KeyPk, day: i64, count: u32) -> Result<()>;
    /// Keys whose batches need a write by `now`: a lapse or a notice due.
    fn keys_with_batches_due(&mut self, now: Timestamp) -> Result<Vec<KeyPk>>;
    /// Suspends the key as of now, or resumes it.
    fn set_suspended(&mut self, key: KeyPk, suspended: bool) -> Result<()>;
    /// The entries of the key's table of accepted requests with these
    /// numbers (those it holds), for rate limits larger than a key's row
    /// keeps.
    fn rate_hits(&mut self, key: KeyPk, seqs: &[i64]) -> Result<Vec<Hit>>;
    /// Adds an accepted request to the key's table.
    fn add_rate_hit(&mut self, key: KeyPk, hit: Hit) -> Result<()>;
    /// Forgets the key's table entries numbered up to `through`.
    fn forget_rate_hits(&mut self, key: KeyPk, through: i64) -> Result<()>;
    /// Lookups today from `ip` on the key.
    fn ip_usage_today(&mut self, key: KeyPk, day: i64, ip: UsageIp) -> Result<u64>;
    /// Replaces the client IP of the key's usage rows from before `day` by
    /// the redacted marker, merging their counts.
    fn redact_usage(&mut self, key: KeyPk, before_day: i64) -> Result<()>;
    /// Redacts, for every key, the usage rows older than the key's redact
    /// days as of `today`.
    fn redact_due_usage(&mut self, today: i64) -> Result<()>;
    /// When a store-wide chore last ran. In a write, the chore's record is
    /// held until the transaction ends (one transaction does the chore),
    /// unless another transaction holds it: that one is doing it now.
    fn chore_day(&mut self, chore: &str) -> Result<ChoreDay>;
    /// Records that a store-wide chore ran on `day`.
    fn set_chore_day(&mut self, chore: &str, day: i64) -> Result<()>;
    /// The key's ledger rows other than spends from `from` on, oldest first.
    fn balance_changes(&mut self, key: KeyPk, from: Timestamp) -> Result<Vec<BalanceChange>>;
    /// The key's usage rows from `from_day` on.
    fn usage_rows(&mut self, key: KeyPk, from_day: i64) -> Result<Vec<UsageRow>>;
    /// Replaces the key's security settings and expiry.
    fn update_security(
        &mut self,
        key: KeyPk,
        security: &SecuritySettings,
        expires_at: Option<Timestamp>,
    ) -> Result<()>;

    /// Replaces the key's notification list and threshold.
    fn update_notify(&mut self, key: KeyPk, notify: &NotifySettings) -> Result<()>;
    /// Records which once-a-period events the key has raised.
    fn set_raised(&mut self, key: KeyPk, raised: Raised) -> Result<()>;
    /// Writes an event for `key` (as it is now: name, hint, balance, and its
    /// list as the recipients); with no recipients it is written skipped.
    fn insert_event(&mut self, key: &Key, event: &NewEvent) -> Result<()>;
    /// Outbox events, oldest first: those waiting for someone (pending or
    /// failed), or all.
    fn events(&mut self, all: bool) -> Result<Vec<Event>>;
    /// The ids of pending events, oldest first.
    fn pending_event_ids(&mut self) -> Result<Vec<i64>>;
    /// One outbox event, with each recipient's delivery and its claim. In
    /// a write, the event is held until the transaction ends, so that a
    /// claim, a record or an admin's change is decided on it as it is.
    fn event(&mut self, id: i64) -> Result<Option<Event>>;
    /// Records `holder` as the run delivering the event, until
    /// `holder.until`, if the event is still pending; false if it is not.
    fn claim_event(&mut self, id: i64, holder: &Holder) -> Result<bool>;
    /// Writes an attempt's outcome (counting the attempt) and drops the
    /// claim, if the run `token` still holds the event; false if it does not.
    fn record_attempt(&mut self, id: i64, token: &str, update: &EventUpdate) -> Result<bool>;
    /// Sets an event's state as an admin decided (retry, discard), dropping
    /// any claim.
    fn set_event_state(&mut self, id: i64, update: &EventUpdate) -> Result<()>;
    /// Keys whose expiry falls before `horizon` and was not yet announced.
    fn keys_expiring_before(&mut self, horizon: Timestamp) -> Result<Vec<Key>>;

    /// The sum of the key's ledger rows (always equal to its balance).
    fn ledger_sum(&mut self, key: KeyPk) -> Result<i64>;

    /// Every key whose balance differs from the sum of its ledger rows.
    fn ledger_mismatches(&mut self) -> Result<Vec<LedgerMismatch>>;
    /// Accounts given the test balance more than once, by name, with how
    /// often.
    fn repeated_test_balances(&mut self) -> Result<Vec<(String, u64)>>;
    /// The database's own consistency checks (for SQLite, its integrity
    /// and foreign-key checks): one line per problem, none when sound.
    fn integrity_problems(&mut self) -> Result<Vec<String>>;

    /// Appends to the audit trail, as the given OS user.
    fn audit(&mut self, actor: &str, entry: &NewAudit<'_>) -> Result<()>;
    /// The account's trail, newest first; with `key`, that key's trail only.
    fn audit_entries(&mut self, account: AccountPk, key: Option<KeyPk>) -> Result<Vec<AuditEntry>>;

    /// Holds the whole store until the transaction ends, so that what
    /// `store copy` finds empty stays empty while it writes.
    fn hold_all(&mut self) -> Result<()>;
    /// Up to `limit` rows of `table` whose key comes after `after` (from
    /// the first when `None`), in key order, as plain values: what
    /// `store copy` reads and checks.
    fn table_rows(
        &mut self,
        table: &Table,
        after: Option<&[Value]>,
        limit: usize,
    ) -> Result<Vec<Vec<Value>>>;
    /// Writes rows into `table` as they are, ids and all.
    fn insert_rows(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<()>;
    /// Removes the rows a new store is made with (its default account,
    /// its chores' days), for a copy to put the copied store's in their
    /// place.
    fn clear_new_store(&mut self) -> Result<()>;
    /// After rows were written with their ids (and checked): each table's
    /// next id follows the largest written, and what a new store is made
    /// with and the copy lacked is made.
    fn after_insert(&mut self) -> Result<()>;

    /// Writes what the transaction holds back until its end (spends, added
    /// to their keys' day rows once per batch), so that a failure there is
    /// the batch's to handle rather than its commit's. `commit` does it too.
    fn write_held(&mut self) -> Result<()>;

    /// Makes every write of this transaction durable and visible.
    fn commit(self: Box<Self>) -> Result<()>;
}
