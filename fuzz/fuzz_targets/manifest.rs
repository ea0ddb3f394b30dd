//! The manifest parser: see `apikey_fuzz::manifest_case`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| apikey_fuzz::manifest_case(data));
