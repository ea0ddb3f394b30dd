//! apikey administers API keys in a SQLite store and verifies the keys
//! callers present, spending their lookups exactly. The `apikey` binary is
//! a thin layer over this library; a Rust server embeds the same rules.
//!
//! Everything that changes a store goes through [`Store`] (one handle, one
//! transaction per call) or [`Verifier`] (one handle shared by every thread
//! and task of a server, committing concurrent spends together). Each rule
//! of the contract is checked inside the transaction that writes, so it
//! holds however many processes share the store.
//!
//! Verifying from a request handler, through a [`Verifier`] that any number
//! of threads (or async tasks, with [`Verifier::verify_async`]) share:
//!
//! ```
//! use apikey::{AccountName, KeySpec, Store, Verifier, VerifyCode, VerifyRequest};
//!
//! # fn main() -> apikey::Result<()> {
//! let mut store = Store::open_in_memory()?;
//! let key = store.create_key(&AccountName::parse("default")?, &KeySpec::default())?;
//! let verifier = Verifier::new(store)?;
//!
//! // In an API handler: the presented key and what the request came with.
//! let handle = |presented: &str| -> apikey::Result<(u16, String)> {
//!     let request = VerifyRequest { ip: "203.0.113.9".parse().ok(), ..VerifyRequest::default() };
//!     let verdict = verifier.verify(presented, request)?;
//!     Ok(match verdict.code {
//!         VerifyCode::Valid => (200, format!("{} lookups left", verdict.balance.unwrap_or(0))),
//!         VerifyCode::InsufficientBalance | VerifyCode::DailyLimit
//!         | VerifyCode::MonthlyLimit | VerifyCode::IpDailyLimit
//!         | VerifyCode::RateLimited => (429, verdict.code.to_string()),
//!         _ => (401, verdict.code.to_string()),
//!     })
//! };
//! assert_eq!(handle(key.secret.expose())?, (200, "99 lookups left".to_owned()));
//! assert_eq!(handle("ak_not-a-key")?.0, 401);
//! # Ok(())
//! # }
//! ```
//!
//! Features: `cli` (the binary), `smtp` (delivering notifications) and
//! `bundled` (SQLite compiled in) are on by default; with
//! `default-features = false` the library needs only what storage and
//! decisions use, and links the system's SQLite through rusqlite.

pub mod account;
pub mod apply;
pub mod audit;
pub mod balance;
#[cfg(feature = "cli")]
mod cli;
pub mod clock;
#[cfg(feature = "cli")]
mod config;
pub mod error;
pub mod key;
pub mod key_view;
pub mod manifest;
pub mod notify;
pub mod rate;
pub mod secret;
pub mod security;
#[cfg(feature = "cli")]
mod serve;
pub mod store;
mod text;
pub mod usage;
pub mod verifier;
pub mod verify;

pub use account::{Account, AccountName};
pub use clock::Timestamp;
pub use error::{Error, NotAStore, Refusal, Result};
pub use key::{Key, KeyId, KeyName, KeyRef, KeyStatus};
pub use key_view::{KeyView, Quota};
pub use secret::Secret;
pub use store::{Access, Clock, KeySpec, NewKey, Store};
pub use verifier::{Verifier, VerifierOptions};
pub use verify::{Verdict, VerifyCode, VerifyRequest};

/// The README's examples, compiled as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Nothing public writes past the rules: each of these must fail to
/// compile (the backend traits, the SQLite backend and its SQL, the
/// decision's internals, the command line).
///
/// ```compile_fail
/// use apikey::store::backend::Backend;
/// ```
/// ```compile_fail
/// use apikey::store::sqlite::SqliteBackend;
/// ```
/// ```compile_fail
/// let _ = apikey::store::sqlite::sql::KEY_COLUMN_COUNT;
/// ```
/// ```compile_fail
/// let _ = apikey::verify::decide;
/// ```
/// ```compile_fail
/// let _ = apikey::cli::run;
/// ```
/// ```compile_fail
/// let _ = apikey::Store::with_backend;
/// ```
/// The same names that are public compile:
/// ```
/// let _ = apikey::Store::open_in_memory;
/// let _ = apikey::store::SCHEMA_VERSION;
/// ```
#[cfg(doctest)]
pub struct PrivateParts;

/// The command-line program's entry points, for the `apikey` binary, its
/// end-to-end tests and its fuzzer. Not part of the library's API and
/// without any compatibility promise; every command it runs goes through
/// the same public [`Store`] calls an embedder makes.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli_seam {
    pub use crate::cli::seam::*;
}
