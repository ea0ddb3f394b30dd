//! End-to-end tests: the built `apikey` binary on a fresh temporary store
//! per test, checked by exit code, stdout and stderr.

mod accounts;
mod apply;
mod assets;
mod concurrency;
mod faults;
mod keys;
mod notify;
mod options;
mod output;
mod secrets;
mod security;
mod shells;
mod smtp;
mod usage;
mod util;
mod verify;
