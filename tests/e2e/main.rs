//! End-to-end tests: the built `apikey` binary on a fresh temporary store
//! per test, checked by exit code, stdout and stderr.

mod accounts;
mod apply;
mod assets;
mod auto_topup;
mod bad_input;
mod batches;
mod boundaries;
mod concurrency;
mod delivery;
mod docs;
mod faults;
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_cases;
mod fuzz_replay;
mod http;
mod keys;
mod ledger;
mod mail;
mod mail_faults;
mod migrations;
mod nginx;
mod notify;
mod options;
mod output;
mod paths;
mod postgres;
mod rate_limits;
mod read_only;
mod readme;
mod readme_block;
mod scope;
mod secrets;
mod security;
mod serve;
mod shells;
mod smtp;
mod store_check;
mod store_copy;
mod suspend;
mod tools;
mod topup_ref;
mod usage;
mod util;
mod verify;
