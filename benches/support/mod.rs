//! Stores for the benchmarks, built once through `apply` of generated
//! manifests (never by writing the schema by hand) and cached under
//! `target/bench-stores/`, with a sample of their keys' secrets.

#![allow(dead_code)] // each bench uses a different part

mod floor;

#[allow(unused_imports)] // the verifier bench has no floor
pub use floor::Floor;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use apikey::manifest::Manifest;
use apikey::store::{Prune, SCHEMA_VERSION};
use apikey::{AccountName, KeyRef, Secret, Store};

/// Keys per account, as in the scale target (10^6 keys in 10^5 accounts).
pub const KEYS_PER_ACCOUNT: usize = 10;
/// Accounts per manifest applied (10^5 keys per transaction).
const ACCOUNTS_PER_MANIFEST: usize = 10_000;
/// At most this many secrets are kept for the benchmarks to present.
const SAMPLE: usize = 10_000;
/// What each sampled key is topped up with, so spending never runs dry.
const SAMPLE_BALANCE: i64 = 1_000_000_000;

/// A cached store and secrets of some of its keys (each with a balance).
pub struct BenchStore {
    pub path: PathBuf,
    pub secrets: Vec<String>,
}

/// Cargo's target folder, where the benches keep what they build.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    )
}

fn cache_dir() -> PathBuf {
    target_dir().join("bench-stores")
}

/// Removes a store file with its `-wal` and `-shm` files.
pub fn remove_store(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Moves everything in a store's WAL into the database and empties the
/// WAL, so the next measurement does not pay for (or see) earlier writes.
pub fn checkpoint(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

/// A manifest of `accounts` accounts named `{prefix}{n}`, 10 keys each.
pub fn manifest_text(prefix: &str, first: usize, accounts: usize) -> String {
    let mut text = String::with_capacity(accounts * KEYS_PER_ACCOUNT * 40);
    for a in first..first + accounts {
        text.push_str(&format!("[[account]]\nname = \"{prefix}{a}\"\n"));
        for k in 0..KEYS_PER_ACCOUNT {
            text.push_str(&format!("[[account.key]]\nname = \"key{k}\"\n"));
        }
    }
    text
}

/// The cached store with `keys` keys, built on first use.
pub fn store(keys: usize) -> BenchStore {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let stem = format!("keys-{keys}-schema{SCHEMA_VERSION}");
    let path = dir.join(format!("{stem}.db"));
    let secrets_path = dir.join(format!("{stem}.secrets"));
    if let (true, Ok(text)) = (path.is_file(), std::fs::read_to_string(&secrets_path)) {
        return BenchStore {
            path,
            secrets: text.lines().map(str::to_owned).collect(),
        };
    }
    let started = Instant::now();
    let building = dir.join(format!("{stem}.building.db"));
    remove_store(&building);
    let mut store = Store::open(&building).unwrap();
    let accounts = (keys / KEYS_PER_ACCOUNT).max(1);
    let every = (keys / SAMPLE).max(1);
    let mut secrets = Vec::new();
    let mut sampled = Vec::new();
    let mut made = 0;
    let mut first = 0;
    while first < accounts {
        let n = ACCOUNTS_PER_MANIFEST.min(accounts - first);
        let text = manifest_text("acct", first, n);
        let manifest = Manifest::parse(&text, Path::new("generated.toml")).unwrap();
        let applied = store.apply(&manifest, &Prune::Off, false).unwrap();
        for created in applied.created {
            if made % every == 0 && secrets.len() < SAMPLE {
                let secret = created.secret.unwrap().expose().to_owned();
                sampled.push((created.account, secret.clone()));
                secrets.push(secret);
            }
            made += 1;
        }
        first += n;
        eprintln!(
            "building {stem}: {made} keys, {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    // A secret names a key of its own account only.
    for (account, secret) in &sampled {
        let account = AccountName::parse(account).unwrap();
        let key = KeyRef::Secret(Secret::parse(secret).unwrap());
        store
            .topup(&account, &key, SAMPLE_BALANCE, Some("bench"))
            .unwrap();
    }
    drop(store);
    std::fs::rename(&building, &path).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
    }
    let mut out = std::fs::File::create(&secrets_path).unwrap();
    for s in &secrets {
        writeln!(out, "{s}").unwrap();
    }
    eprintln!("built {stem} in {:.0} s", started.elapsed().as_secs_f64());
    BenchStore { path, secrets }
}

/// A fresh copy of a cached store, removed when dropped, so a run that
/// spends lookups never changes what the next run measures.
pub struct WorkingCopy {
    pub path: PathBuf,
}

impl BenchStore {
    /// Copies the store for one run.
    pub fn working_copy(&self, tag: &str) -> WorkingCopy {
        let path = self.path.with_file_name(format!("work-{tag}.db"));
        remove_store(&path);
        std::fs::copy(&self.path, &path).unwrap();
        WorkingCopy { path }
    }
}

impl WorkingCopy {
    /// Spends one lookup on every sampled key, so measurements see the
    /// steady state of a day (the first spend of a key's day also redacts
    /// its old usage rows; that happens once a day, not per lookup).
    pub fn prime(&self, secrets: &[String]) {
        let mut store = apikey::Store::open(&self.path).unwrap();
        let request = apikey::VerifyRequest::default();
        for secret in secrets {
            assert!(store.verify(secret, &request).unwrap().valid);
        }
        drop(store);
        self.checkpoint();
    }

    /// [`checkpoint`] of the copy.
    pub fn checkpoint(&self) {
        checkpoint(&self.path);
    }
}

impl Drop for WorkingCopy {
    fn drop(&mut self) {
        remove_store(&self.path);
    }
}

/// The lookups left on the sampled keys, summed through a dry run each.
pub fn balance_sum(path: &Path, secrets: &[String]) -> i64 {
    let mut store = Store::open(path).unwrap();
    let dry = apikey::VerifyRequest {
        dry_run: true,
        ..apikey::VerifyRequest::default()
    };
    secrets
        .iter()
        .map(|s| store.verify(s, &dry).unwrap().balance.unwrap())
        .sum()
}

/// The middle value (the upper one of an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A small deterministic generator, to present keys in random order.
pub struct Picker(u64);

impl Picker {
    pub fn new(seed: u64) -> Picker {
        Picker(seed | 1)
    }

    pub fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        &items[(self.0 % items.len() as u64) as usize]
    }
}
