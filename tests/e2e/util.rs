//! A small builder over the built `apikey` binary. Every test gets its own
//! temporary HOME and store, a scrubbed environment, and checks that print
//! the whole command, stdout and stderr when they fail.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_apikey");

/// SQL that takes what migration 11 added back out of a store, for tests
/// that make an older store by hand from a new one.
pub const UNDO_SCHEMA_10: &str = "DROP INDEX keys_batches_due;
     ALTER TABLE keys DROP COLUMN batches;
     ALTER TABLE keys DROP COLUMN batches_due_at;
     ALTER TABLE keys DROP COLUMN auto_topup;
     ALTER TABLE keys DROP COLUMN auto_topup_day;
     ALTER TABLE keys DROP COLUMN auto_topup_count;";

/// What migrations 9 to 11 added, for tests that make a store of schema 8.
pub const UNDO_SCHEMA_8: &str = "DROP INDEX keys_batches_due;
     ALTER TABLE keys DROP COLUMN batches;
     ALTER TABLE keys DROP COLUMN batches_due_at;
     ALTER TABLE keys DROP COLUMN auto_topup;
     ALTER TABLE keys DROP COLUMN auto_topup_day;
     ALTER TABLE keys DROP COLUMN auto_topup_count;
     ALTER TABLE keys DROP COLUMN suspended_at;
     ALTER TABLE keys DROP COLUMN rate_limits;
     ALTER TABLE keys DROP COLUMN rate_seq;
     ALTER TABLE keys DROP COLUMN rate_recent;
     DROP TABLE rate_hits;
     DROP TABLE topup_refs;
     ALTER TABLE ledger DROP COLUMN ref;
     ALTER TABLE outbox DROP COLUMN deliveries;
     ALTER TABLE outbox DROP COLUMN claim_host;
     ALTER TABLE outbox DROP COLUMN claim_pid;
     ALTER TABLE outbox DROP COLUMN claim_process;";

/// A temporary world: HOME, a store path, and the environment commands run in.
pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    vars: Vec<(String, String)>,
    /// The test's own PostgreSQL database, when it runs on PostgreSQL.
    pub postgres: Option<ScratchDatabase>,
}

pub use scratch::ScratchDatabase;

#[path = "../../src/store/postgres/scratch.rs"]
mod scratch;

/// Runs each named test body (a `fn(&mut Env)`) on both backends: a `sqlite`
/// and a `postgres` test of the same name.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&mut crate::util::Env::new());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name(&mut crate::util::Env::postgres());
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("store").join("keys.db");
        Env {
            vars: vec![
                ("HOME".into(), dir.path().display().to_string()),
                ("APIKEY_DB".into(), db.display().to_string()),
                ("USER".into(), "tester".into()),
                ("NO_COLOR".into(), "1".into()),
            ],
            dir,
            db,
            postgres: None,
        }
    }

    /// A world whose store is a fresh database of its own on the test
    /// PostgreSQL server (`APIKEY_DB` is its URL).
    pub fn postgres() -> Env {
        let mut env = Env::new();
        let database = ScratchDatabase::new();
        env.set("APIKEY_DB", &database.url);
        env.postgres = Some(database);
        env
    }

    /// The first column of the first row `sql` returns, as an integer, on
    /// either backend (the `apikey` schema first on PostgreSQL's path):
    /// SQL both understand, sums cast to BIGINT.
    pub fn scalar(&self, sql: &str) -> i64 {
        match &self.postgres {
            Some(database) => database
                .client()
                .query_one(sql, &[])
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get(0),
            None => self
                .sql()
                .query_row(sql, [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }

    /// The same world with one environment variable set (or replaced).
    pub fn set(&mut self, key: &str, value: impl AsRef<OsStr>) -> &mut Env {
        let value = value.as_ref().to_string_lossy().into_owned();
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.into(), value));
        self
    }

    /// Drops a variable from the environment commands see.
    pub fn unset(&mut self, key: &str) -> &mut Env {
        self.vars.retain(|(k, _)| k != key);
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A command ready to run, with the scrubbed environment.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.scrubbed(BIN);
        cmd.args(args).stdin(Stdio::null());
        cmd
    }

    /// `sh -c script` in the same environment, with `$BIN` the binary: for
    /// loops of real processes.
    pub fn shell(&self, script: &str) -> Command {
        let mut cmd = self.scrubbed("sh");
        cmd.env("BIN", BIN)
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null());
        cmd
    }

    pub fn scrubbed(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd
    }

    /// Makes an empty store at the test's path, as the first command that
    /// writes would (read-only commands never create one).
    pub fn init_store(&self) {
        match &self.postgres {
            Some(database) => apikey::Store::open(&database.url),
            None => apikey::Store::open(&self.db),
        }
        .expect("make a store");
    }

    /// Runs and returns everything, asserting nothing.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::new(args, &self.command(args).output().expect("spawn apikey"))
    }

    /// Runs with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write as _;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn apikey");
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
        drop(stdin);
        Run::new(args, &child.wait_with_output().unwrap())
    }

    /// Runs with stdout on `/dev/full`, where every write fails (ENOSPC).
    pub fn run_to_full(&self, args: &[&str]) -> Run {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        self.run_with_stdout(args, full)
    }

    /// Runs with stdout a pipe whose reading end is closed before the
    /// command starts (every write is EPIPE).
    pub fn run_to_closed_pipe(&self, args: &[&str]) -> Run {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        self.run_with_stdout(args, writer)
    }

    fn run_with_stdout(&self, args: &[&str], stdout: impl Into<Stdio>) -> Run {
        let out = self
            .command(args)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .expect("spawn apikey");
        Run::new(args, &out)
    }

    /// Runs under `sh` with stdout redirected as `redirect` says (`>&-`
    /// closes it, `>/dev/null` discards it).
    pub fn run_redirected(&self, args: &[&str], redirect: &str) -> Run {
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!("exec \"$BIN\" {} {redirect}", quoted.join(" "));
        Run::new(args, &self.shell(&script).output().expect("spawn sh"))
    }

    /// `verify` with the key as an argument and `--json`; returns (exit, verdict).
    pub fn verify(&self, key: &str, flags: &[&str]) -> (i32, Value) {
        let mut args = vec!["verify", key, "--json"];
        args.extend_from_slice(flags);
        let run = self.run(&args);
        run.assert(run.stderr.is_empty(), "verify writes nothing on stderr");
        (run.status.unwrap_or(-1), run.json())
    }

    /// Runs, asserts exit 0 and an empty stderr, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.run(args).code(0).stdout
    }

    /// Runs with `--json`, asserts exit 0, parses stdout as one document.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut with = args.to_vec();
        with.push("--json");
        self.run(&with).code(0).json()
    }

    /// Runs, asserts exit `code`, an empty stdout and one line on stderr;
    /// returns that line.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let run = self.run(args).code(code);
        run.assert(run.stdout.is_empty(), "stdout should be empty on failure");
        run.one_line_error()
    }

    /// Creates a key and returns (id, secret).
    pub fn create(&self, args: &[&str]) -> (String, String) {
        let mut with = vec!["create"];
        with.extend_from_slice(args);
        let v = self.json(&with);
        (
            v["id"].as_str().unwrap().to_owned(),
            v["key"].as_str().unwrap().to_owned(),
        )
    }

    /// A key's JSON from `show`.
    pub fn show(&self, key: &str) -> Value {
        self.json(&["show", key])
    }

    /// Opens the store file directly, for checks the CLI cannot make
    /// (ledger sums, raw rows).
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open store")
    }

    /// Asserts that every key's balance equals the sum of its ledger rows,
    /// and none is negative.
    pub fn assert_ledgers_balance(&self) {
        let off = self.scalar(
            "SELECT COUNT(*) FROM keys k
              WHERE k.balance < 0 OR k.balance <> (SELECT CAST(COALESCE(SUM(l.delta), 0) AS BIGINT)
                                                    FROM ledger l WHERE l.key_id = k.id)",
        );
        assert_eq!(
            off, 0,
            "keys whose balance is not their ledger's sum, or negative"
        );
    }

    /// Asserts that every ledger balances and `store check` finds nothing.
    pub fn assert_store_is_sound(&self) {
        self.assert_ledgers_balance();
        let check = self.json(&["store", "check"]);
        assert_eq!(check["violations"], serde_json::json!([]), "{check}");
    }

    /// The number of rows in a table.
    pub fn count(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT COUNT(*) FROM {table}"))
    }
}

/// A finished command.
#[derive(Clone)]
pub struct Run {
    pub args: Vec<String>,
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn new(args: &[&str], out: &Output) -> Run {
        Run {
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn describe(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "command: apikey {}", self.args.join(" "));
        let _ = writeln!(s, "exit:    {:?}", self.status);
        let _ = writeln!(s, "--- stdout ---\n{}", self.stdout);
        let _ = writeln!(s, "--- stderr ---\n{}", self.stderr);
        s
    }

    pub fn assert(&self, cond: bool, what: &str) {
        assert!(cond, "{what}\n{}", self.describe());
    }

    /// Asserts the exit code (and, for 0, an empty stderr).
    pub fn code(self, code: i32) -> Run {
        self.assert(self.status == Some(code), &format!("expected exit {code}"));
        if code == 0 {
            self.assert(self.stderr.is_empty(), "expected no stderr");
        }
        self
    }

    /// stdout as exactly one JSON document.
    pub fn json(&self) -> Value {
        match serde_json::from_str(&self.stdout) {
            Ok(v) => v,
            Err(e) => panic!("stdout is not one JSON document: {e}\n{}", self.describe()),
        }
    }

    /// The single stderr line, checked to be `apikey: …` and nothing else.
    pub fn one_line_error(&self) -> String {
        let lines: Vec<&str> = self.stderr.lines().collect();
        self.assert(lines.len() == 1, "expected exactly one line on stderr");
        self.assert(
            lines[0].starts_with("apikey: "),
            "expected 'apikey: ' prefix",
        );
        self.assert(!self.stderr.contains("panicked"), "panic");
        lines[0].to_owned()
    }
}

/// Reads a whole file, or an empty vector when it does not exist.
pub fn read_or_empty(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
