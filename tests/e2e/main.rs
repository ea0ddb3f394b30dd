//! End-to-end tests: the built `apikey` binary on a fresh temporary store
//! per test, checked by exit code, stdout and stderr.

mod accounts;
mod concurrency;
mod keys;
mod options;
mod output;
mod secrets;
mod security;
mod usage;
mod util;
mod verify;
