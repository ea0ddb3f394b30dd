//! The SQLite schema as an ordered list of migrations. `PRAGMA user_version`
//! holds how many have run; each runs in its own `BEGIN IMMEDIATE`
//! transaction, so concurrent first uses of a new store migrate it once.

use std::time::Instant;

use rusqlite::{Connection, TransactionBehavior};

use crate::store::Upgrading;

/// Migration `i` takes a store from version `i` to `i + 1`.
/// One migration: SQL, or Rust where a change needs more than SQL can say.
/// A Rust step is told who to tell when it will take more than a moment.
enum Step {
    Sql(&'static str),
    Rust(fn(&rusqlite::Transaction<'_>, &mut Announce<'_>) -> rusqlite::Result<()>),
}

impl Step {
    fn run(
        &self,
        tx: &rusqlite::Transaction<'_>,
        announce: &mut Announce<'_>,
    ) -> rusqlite::Result<()> {
        match self {
            Step::Sql(sql) => tx.execute_batch(sql),
            Step::Rust(step) => step(tx, announce),
        }
    }
}

/// Where a migration that takes time says so, and whether it did (then
/// its end is said too).
pub(super) struct Announce<'a> {
    to: &'a mut dyn FnMut(&Upgrading),
    began: Option<Instant>,
}

impl<'a> Announce<'a> {
    pub(super) fn to(to: &'a mut dyn FnMut(&Upgrading)) -> Announce<'a> {
        Announce { to, began: None }
    }

    fn began(&mut self, notice: &Upgrading) {
        self.began = Some(Instant::now());
        (self.to)(notice);
    }
}

/// Ledger rows past which folding them is said before it starts: about a
/// second's work on a small machine.
const FOLD_ANNOUNCED_ROWS: i64 = 500_000;

const MIGRATIONS: &[Step] = &[
    // 1: accounts, keys, their secrets' digests, the ledger and the audit trail.
    Step::Sql(
        r"
    CREATE TABLE accounts (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE keys (
        id              INTEGER PRIMARY KEY,
        public_id       TEXT NOT NULL UNIQUE,
        account_id      INTEGER NOT NULL REFERENCES accounts(id),
        name            TEXT NOT NULL,
        hint            TEXT NOT NULL,
        balance         INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
        created_at      INTEGER NOT NULL,
        expires_at      INTEGER,
        revoked_at      INTEGER,
        revoke_reason   TEXT,
        last_used_at    INTEGER,
        allowed_urls    TEXT NOT NULL DEFAULT '',
        allowed_ips     TEXT NOT NULL DEFAULT '',
        scopes          TEXT NOT NULL DEFAULT '',
        daily_limit     INTEGER,
        monthly_limit   INTEGER,
        ip_daily_limit  INTEGER,
        redact_days     INTEGER NOT NULL DEFAULT 28,
        notify_emails   TEXT NOT NULL DEFAULT '',
        low_balance     INTEGER
    );
    -- Rule 3 as a backstop: names are unique among an account's active keys.
    CREATE UNIQUE INDEX keys_active_name ON keys(account_id, name) WHERE revoked_at IS NULL;
    CREATE INDEX keys_account ON keys(account_id);
    CREATE TABLE secrets (
        digest      BLOB PRIMARY KEY,
        key_id      INTEGER NOT NULL REFERENCES keys(id),
        retires_at  INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX secrets_key ON secrets(key_id);
    CREATE TABLE ledger (
        id      INTEGER PRIMARY KEY,
        key_id  INTEGER NOT NULL REFERENCES keys(id),
        at      INTEGER NOT NULL,
        delta   INTEGER NOT NULL,
        reason  TEXT NOT NULL,
        note    TEXT
    );
    CREATE INDEX ledger_key ON ledger(key_id);
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          INTEGER NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        account_id  INTEGER NOT NULL REFERENCES accounts(id),
        key_id      INTEGER REFERENCES keys(id),
        detail      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_account ON audit(account_id, id);
    CREATE INDEX audit_key ON audit(key_id, id);
    INSERT INTO accounts (name, created_at) VALUES ('default', unixepoch());
    ",
    ),
    // 2: quota counters on keys (the day and month they belong to) and usage
    // per key, UTC day and client IP ('' = none given, '*' = redacted).
    Step::Sql(
        r"
    ALTER TABLE keys ADD COLUMN day INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE keys ADD COLUMN day_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE keys ADD COLUMN month INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE keys ADD COLUMN month_count INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE usage (
        key_id  INTEGER NOT NULL REFERENCES keys(id),
        day     INTEGER NOT NULL,
        ip      TEXT NOT NULL,
        count   INTEGER NOT NULL,
        PRIMARY KEY (key_id, day, ip)
    ) WITHOUT ROWID;
    ",
    ),
    // 3: notification events, and on each key which once-a-period events it
    // has raised (day of the last limit warning and daily limit, month of
    // the last monthly limit, whether the current expiry was announced).
    Step::Sql(
        r"
    ALTER TABLE keys ADD COLUMN warned_day INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE keys ADD COLUMN limit_day INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE keys ADD COLUMN limit_month INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE keys ADD COLUMN expiry_noticed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX keys_expiring ON keys(expires_at)
        WHERE expiry_noticed = 0 AND revoked_at IS NULL AND expires_at IS NOT NULL;
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        event           TEXT NOT NULL,
        account_id      INTEGER NOT NULL REFERENCES accounts(id),
        key_id          INTEGER NOT NULL REFERENCES keys(id),
        key_name        TEXT NOT NULL,
        key_hint        TEXT NOT NULL,
        recipients      TEXT NOT NULL,
        balance         INTEGER NOT NULL,
        detail          TEXT NOT NULL DEFAULT '',
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        sent_at         INTEGER,
        last_error      TEXT,
        claimed_until   INTEGER,
        claimed_by      TEXT
    );
    CREATE INDEX outbox_pending ON outbox(id) WHERE status = 'pending';
    ",
    ),
    // 4: the same indexes without WHERE clauses. SQLite re-prepares a
    // statement whose bound values it must test against a partial index's
    // WHERE, on every new value, which cost the verification path a fifth of
    // its time. Rule 3's index: revoked keys index a NULL third column, and
    // NULLs never collide.
    // Development builds between the two shipped the new indexes under
    // migrations 1 and 3, hence IF EXISTS.
    Step::Sql(
        r"
    DROP INDEX IF EXISTS keys_active_name;
    CREATE UNIQUE INDEX keys_active_name
        ON keys(account_id, name, (CASE WHEN revoked_at IS NULL THEN 1 END));
    DROP INDEX IF EXISTS keys_expiring;
    CREATE INDEX keys_expiring ON keys(expiry_noticed, expires_at);
    DROP INDEX IF EXISTS outbox_pending;
    DROP INDEX IF EXISTS outbox_status;
    CREATE INDEX outbox_status ON outbox(status, id);
    ",
    ),
    // 5: apikey's mark in the file header, so a store is known as one
    // before anything is written to it (see `identify`).
    Step::Sql(
        r"
    PRAGMA application_id = 1097557369;
    ",
    ),
    // 6: the UTC day each store-wide chore last ran (the redaction of
    // client IPs past their keys' redact days runs once a day).
    Step::Sql(
        r"
    CREATE TABLE housekeeping (
        chore   TEXT PRIMARY KEY,
        day     INTEGER NOT NULL
    ) WITHOUT ROWID;
    ",
    ),
    // 7: lists (allowed URLs and IPs, scopes, notification addresses and an
    // event's recipients) as JSON arrays instead of lines, so that no entry
    // can split into two, whatever it holds.
    Step::Rust(lists_as_json),
    // 8: each recipient's own delivery of an event (those sent before are
    // sent to everyone on their list), and which process on which machine
    // holds an event's claim, so a claim dies with its process.
    Step::Sql(
        r"
    ALTER TABLE outbox ADD COLUMN deliveries TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE outbox ADD COLUMN claim_host TEXT;
    ALTER TABLE outbox ADD COLUMN claim_pid INTEGER;
    ALTER TABLE outbox ADD COLUMN claim_process TEXT;
    UPDATE outbox SET deliveries = (
        SELECT json_group_array(json_object('to', value, 'status', 'sent', 'at', outbox.sent_at,
                                            'refusals', 0, 'error', NULL))
          FROM json_each(CASE WHEN json_valid(outbox.recipients) THEN outbox.recipients
                              ELSE '[]' END))
     WHERE status = 'sent';
    ",
    ),
    // 9: spends kept as one ledger row per key and UTC day (its lookups in
    // `delta`, how many verifications in `spends`, the last one's time in
    // `at`), so that spending does not grow the store. Every other kind
    // stays one row per event, with no day, and `spends` 1 (a row an older
    // process still running writes gets the same: its sums stay right).
    Step::Rust(spends_per_day),
    // 10: suspended keys; top-ups' refs (a billing system's payment id, at
    // most one top-up per ref and account); and short-window rate limits: a key's limits (a
    // JSON array such as ["10/s"]), the number of its last accepted
    // request and the times of the last 1,000 (varints), and, for a limit
    // larger than that, its log of accepted requests by number, with their
    // times in milliseconds.
    Step::Sql(
        r"
    ALTER TABLE keys ADD COLUMN suspended_at INTEGER;
    ALTER TABLE keys ADD COLUMN rate_limits TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE keys ADD COLUMN rate_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE keys ADD COLUMN rate_recent BLOB NOT NULL DEFAULT x'';
    CREATE TABLE rate_hits (
        key_id  INTEGER NOT NULL REFERENCES keys(id),
        seq     INTEGER NOT NULL,
        at_ms   INTEGER NOT NULL,
        PRIMARY KEY (key_id, seq)
    ) WITHOUT ROWID;
    ALTER TABLE ledger ADD COLUMN ref TEXT;
    CREATE TABLE topup_refs (
        account_id  INTEGER NOT NULL REFERENCES accounts(id),
        ref         TEXT NOT NULL,
        ledger_id   INTEGER NOT NULL REFERENCES ledger(id),
        PRIMARY KEY (account_id, ref)
    ) WITHOUT ROWID;
    ",
    ),
    // 11: lookups bought in batches that lapse. A key's batches live in
    // its row (`left,expires,warned` in order of purchase, spaces between;
    // see `columns::batches_from`), read with it by every verification;
    // `batches_due_at` is when they next need a write (a lapse or a
    // notice), for the sweep that records what no verification did. Every
    // balance so far becomes one batch that never lapses. And automatic
    // top-up: the settings (JSON, NULL when off), and the UTC day of the
    // last automatic top-up with how many were made that day.
    Step::Sql(
        r"
    ALTER TABLE keys ADD COLUMN batches TEXT NOT NULL DEFAULT '';
    ALTER TABLE keys ADD COLUMN batches_due_at INTEGER;
    ALTER TABLE keys ADD COLUMN auto_topup TEXT;
    ALTER TABLE keys ADD COLUMN auto_topup_day INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE keys ADD COLUMN auto_topup_count INTEGER NOT NULL DEFAULT 0;
    UPDATE keys SET batches = balance || ',,1' WHERE balance > 0;
    CREATE INDEX keys_batches_due ON keys(batches_due_at) WHERE batches_due_at IS NOT NULL;
    ",
    ),
];

/// Migration 9: the ledger rebuilt with `day` and `spends`, every spend row
/// folded into its key's row for the UTC day of its `at` (the day an old
/// spend counted on is not kept; under a clock that stepped back it may
/// have been a later one). Rebuilt rather than deleted from, so that the
/// old rows' pages are freed without being written to the log.
fn spends_per_day(
    tx: &rusqlite::Transaction<'_>,
    announce: &mut Announce<'_>,
) -> rusqlite::Result<()> {
    let rows: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) FROM ledger", [], |r| r.get(0))?;
    if rows > FOLD_ANNOUNCED_ROWS {
        announce.began(&Upgrading::FoldingSpends {
            rows: rows.unsigned_abs(),
        });
    }
    tx.execute_batch(
        r"
    CREATE TABLE ledger_by_day (
        id      INTEGER PRIMARY KEY,
        key_id  INTEGER NOT NULL REFERENCES keys(id),
        at      INTEGER NOT NULL,
        delta   INTEGER NOT NULL,
        reason  TEXT NOT NULL,
        note    TEXT,
        day     INTEGER,
        spends  INTEGER NOT NULL DEFAULT 1
    );
    INSERT INTO ledger_by_day (id, key_id, at, delta, reason, note)
        SELECT id, key_id, at, delta, reason, note FROM ledger
         WHERE reason <> 'spend' ORDER BY id;
    INSERT INTO ledger_by_day (key_id, at, delta, reason, day, spends)
        SELECT key_id, MAX(at), SUM(delta), 'spend', at / 86400 AS day, COUNT(*) FROM ledger
         WHERE reason = 'spend' GROUP BY key_id, day ORDER BY MIN(id);
    DROP TABLE ledger;
    ALTER TABLE ledger_by_day RENAME TO ledger;
    CREATE UNIQUE INDEX ledger_key_day ON ledger(key_id, day);
    ",
    )
}

/// Migration 7: every list column from one entry per line to a JSON array
/// of strings (`[]` when empty).
fn lists_as_json(tx: &rusqlite::Transaction<'_>, _: &mut Announce<'_>) -> rusqlite::Result<()> {
    for (table, column) in [
        ("keys", "allowed_urls"),
        ("keys", "allowed_ips"),
        ("keys", "scopes"),
        ("keys", "notify_emails"),
        ("outbox", "recipients"),
    ] {
        let rows: Vec<(i64, String)> = tx
            .prepare(&format!("SELECT id, {column} FROM {table}"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut update = tx.prepare(&format!("UPDATE {table} SET {column} = ?2 WHERE id = ?1"))?;
        for (id, lines) in rows {
            let entries: Vec<&str> = if lines.is_empty() {
                Vec::new()
            } else {
                lines.split('\n').collect()
            };
            let json = serde_json::to_string(&entries)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
            update.execute(rusqlite::params![id, json])?;
        }
    }
    Ok(())
}

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// What `migrate` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The store is at `LATEST` (possibly after running migrations).
    Current,
    /// The store was written by a newer build.
    Newer(i64),
    /// A SQLite database with tables but no schema version: some other
    /// program's file, which apikey must not add its tables to.
    Foreign,
}

/// The store's schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// apikey's mark in the SQLite header (`PRAGMA application_id`): "Akey".
pub const APPLICATION_ID: i64 = 0x416B_6579;

/// What a file holds, as far as apikey is concerned.
#[derive(Debug, PartialEq, Eq)]
pub enum Identity {
    /// An empty database (a new file): apikey may make it a store.
    New,
    /// An apikey store at this schema version.
    Store(i64),
    /// Some other program's database, which apikey must not write to.
    Foreign,
}

/// Tells an apikey store from a new file and from another program's
/// database, reading only: it runs before apikey changes anything in the
/// file, even its journal mode. Stores carry [`APPLICATION_ID`] from
/// migration 5; older ones are known by their version and their tables.
pub fn identify(conn: &Connection) -> rusqlite::Result<Identity> {
    // One statement, so one snapshot: a racing first use may commit the
    // first migration between two separate reads.
    let (version, application, objects, core_tables): (i64, i64, i64, i64) = conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version),
                (SELECT application_id FROM pragma_application_id),
                (SELECT COUNT(*) FROM sqlite_schema),
                (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'
                    AND name IN ('accounts', 'keys', 'secrets', 'ledger', 'audit'))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    Ok(match application {
        APPLICATION_ID => Identity::Store(version),
        0 if version == 0 && objects == 0 => Identity::New,
        // Migrations set the version in the transaction that creates the
        // tables, so apikey never leaves tables at version 0.
        0 if version > 0 && core_tables == 5 => Identity::Store(version),
        _ => Identity::Foreign,
    })
}

/// Brings the store to `LATEST`, one migration per transaction. Re-reads the
/// version under the write lock, so racing processes do not run a step twice.
/// A step that takes time says so to `announce`, and says when it is done.
pub fn migrate(
    conn: &mut Connection,
    announce: &mut dyn FnMut(&Upgrading),
) -> rusqlite::Result<Outcome> {
    loop {
        let seen = version(conn)?;
        if seen > LATEST {
            return Ok(Outcome::Newer(seen));
        }
        if seen == LATEST {
            return Ok(Outcome::Current);
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = match identify(&tx)? {
            Identity::Foreign => return Ok(Outcome::Foreign),
            Identity::New => 0,
            Identity::Store(at) => at,
        };
        let mut said = Announce::to(announce);
        if at == seen {
            MIGRATIONS[at as usize].run(&tx, &mut said)?;
            tx.pragma_update(None, "user_version", at + 1)?;
        }
        tx.commit()?;
        if let Some(began) = said.began {
            (said.to)(&Upgrading::Done {
                version: at + 1,
                elapsed: began.elapsed(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn
    }

    #[test]
    fn migrates_an_empty_store_to_the_latest_version() {
        let mut conn = memory();
        assert_eq!(migrate(&mut conn, &mut |_| {}).unwrap(), Outcome::Current);
        assert_eq!(version(&conn).unwrap(), LATEST);
        let accounts: Vec<String> = conn
            .prepare("SELECT name FROM accounts")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(accounts, ["default"]);
    }

    #[test]
    fn refuses_another_programs_database() {
        let mut conn = memory();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
        assert_eq!(migrate(&mut conn, &mut |_| {}).unwrap(), Outcome::Foreign);
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1, "nothing of apikey's was added");
        assert_eq!(version(&conn).unwrap(), 0);
    }

    #[test]
    fn identifies_new_files_stores_and_other_programs_databases() {
        let mut conn = memory();
        assert_eq!(identify(&conn).unwrap(), Identity::New);
        migrate(&mut conn, &mut |_| {}).unwrap();
        assert_eq!(identify(&conn).unwrap(), Identity::Store(LATEST));

        // A store from before the mark: known by its version and tables.
        let old = memory();
        let tx = old.unchecked_transaction().unwrap();
        MIGRATIONS[0]
            .run(&tx, &mut Announce::to(&mut |_| {}))
            .unwrap();
        tx.commit().unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        assert_eq!(identify(&old).unwrap(), Identity::Store(1));

        // Another program that sets its own version, or its own mark.
        let other = memory();
        other
            .execute_batch("CREATE TABLE keys (k TEXT); PRAGMA user_version = 3;")
            .unwrap();
        assert_eq!(identify(&other).unwrap(), Identity::Foreign);
        let marked = memory();
        marked.execute_batch("PRAGMA application_id = 42;").unwrap();
        assert_eq!(identify(&marked).unwrap(), Identity::Foreign);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = memory();
        migrate(&mut conn, &mut |_| {}).unwrap();
        migrate(&mut conn, &mut |_| {}).unwrap();
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn each_migration_applies_on_its_predecessor() {
        let mut conn = memory();
        for (i, step) in MIGRATIONS.iter().enumerate() {
            assert_eq!(version(&conn).unwrap(), i as i64);
            let tx = conn.transaction().unwrap();
            step.run(&tx, &mut Announce::to(&mut |_| {})).unwrap();
            tx.commit().unwrap();
            conn.pragma_update(None, "user_version", i as i64 + 1)
                .unwrap();
        }
        assert_eq!(migrate(&mut conn, &mut |_| {}).unwrap(), Outcome::Current);
    }

    #[test]
    fn a_newer_store_is_reported_not_touched() {
        let mut conn = memory();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        assert_eq!(
            migrate(&mut conn, &mut |_| {}).unwrap(),
            Outcome::Newer(LATEST + 1)
        );
    }

    #[test]
    fn balances_cannot_go_negative_even_past_the_rules() {
        let mut conn = memory();
        migrate(&mut conn, &mut |_| {}).unwrap();
        conn.execute_batch(
            "INSERT INTO keys (public_id, account_id, name, hint, created_at)
             VALUES ('k_00000000', 1, 'web', 'ak_…abcd', 0)",
        )
        .unwrap();
        let err = conn
            .execute("UPDATE keys SET balance = -1", [])
            .unwrap_err();
        assert!(err.to_string().contains("CHECK"), "{err}");
    }
}
