//! The key parsers: see `apikey_fuzz::key_case`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| apikey_fuzz::key_case(data));
