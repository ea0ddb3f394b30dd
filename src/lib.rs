//! apikey administers API keys in a local SQLite store and verifies the keys
//! callers present. The binary is a thin layer over this library: the domain
//! (keys, accounts, balances, settings) is plain Rust, all SQL sits behind
//! [`store`], and [`cli`] turns command lines into calls and prints results.

pub mod account;
pub mod apply;
pub mod audit;
pub mod balance;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod key;
pub mod manifest;
pub mod notify;
pub mod secret;
pub mod security;
pub mod store;
pub mod text;
pub mod usage;
pub mod verify;

pub use account::{Account, AccountName};
pub use clock::Timestamp;
pub use error::{Error, Result};
pub use key::{Key, KeyId, KeyName, KeyRef, KeyStatus};
pub use secret::Secret;
pub use store::{Clock, KeySpec, NewKey, Store};
pub use verify::{Verdict, VerifyCode, VerifyRequest};
