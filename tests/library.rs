//! The library as an embedder uses it: only the public API, from another
//! crate, without the command line (this file builds with
//! `--no-default-features --features bundled`).

use std::sync::atomic::{AtomicUsize, Ordering};

use apikey::{
    AccountName, Error, KeyRef, KeySpec, Refusal, Store, Verifier, VerifierOptions, VerifyCode,
    VerifyRequest,
};

fn account() -> AccountName {
    AccountName::parse("default").unwrap()
}

#[test]
fn threads_racing_one_verifier_spend_exactly_and_hear_only_after_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let mut store = Store::open(&path).unwrap();
    let key = store.create_key(&account(), &KeySpec::default()).unwrap();
    let secret = key.secret.expose().to_owned();
    store
        .topup(&account(), &KeyRef::Secret(key.secret), 900, None)
        .unwrap();
    let verifier = Verifier::with_options(store, VerifierOptions::default().batch(16)).unwrap();
    let valid = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                // Another connection to the same file: what it reads is
                // what has committed.
                let mut reader = Store::open(&path).unwrap();
                let dry = VerifyRequest {
                    dry_run: true,
                    ..VerifyRequest::default()
                };
                for _ in 0..150 {
                    let verdict = verifier.verify(&secret, VerifyRequest::default()).unwrap();
                    match verdict.code {
                        VerifyCode::Valid => {
                            valid.fetch_add(1, Ordering::Relaxed);
                            let answered = verdict.balance.unwrap();
                            let committed = reader.verify(&secret, &dry).unwrap().balance.unwrap();
                            assert!(
                                committed <= answered,
                                "answered {answered} before its spend committed ({committed} on disk)"
                            );
                        }
                        code => assert_eq!(code, VerifyCode::InsufficientBalance),
                    }
                }
            });
        }
    });
    // 100 (the test balance) + 900: exactly that many VALID answers.
    assert_eq!(valid.into_inner(), 1000);
    let mut store = Store::open(&path).unwrap();
    let report = store.check().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

#[test]
fn refusals_are_typed_and_speak_no_command_line() {
    let mut store = Store::open_in_memory().unwrap();
    for _ in 0..10 {
        store.create_key(&account(), &KeySpec::default()).unwrap();
    }
    let err = store
        .create_key(&account(), &KeySpec::default())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Refused(Refusal::KeyLimit { account, limit: 10 }) if account == "default"
        ),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 3);
    let text = err.to_string();
    assert!(!text.contains("apikey") && !text.contains("--"), "{text}");
    let missing = store
        .create_key(&AccountName::parse("nobody").unwrap(), &KeySpec::default())
        .unwrap_err();
    assert!(matches!(missing, Error::AccountNotFound(ref name) if name == "nobody"));
    assert!(!missing.to_string().contains("apikey"), "{missing}");
}

#[test]
fn an_in_memory_store_is_not_a_file_named_memory() {
    let dir = tempfile::tempdir().unwrap();
    let here = std::env::current_dir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    let refused = Store::open(":memory:");
    let made = std::fs::read_dir(dir.path()).unwrap().count();
    std::env::set_current_dir(here).unwrap();
    assert!(
        matches!(refused, Err(Error::Invalid(_))),
        "{:?}",
        refused.err()
    );
    assert_eq!(made, 0, "no file was made");
    let mut store = Store::open_in_memory().unwrap();
    let key = store.create_key(&account(), &KeySpec::default()).unwrap();
    let verdict = store
        .verify(key.secret.expose(), &VerifyRequest::default())
        .unwrap();
    assert_eq!(verdict.balance, Some(99));
}

#[test]
fn store_failures_keep_their_cause() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotAStore {
                found: apikey::NotAStore::NotSqlite,
                ..
            }
        ),
        "{err:?}"
    );
    // A folder where the store's folder should be: the I/O error is the source.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, b"").unwrap();
    let err = Store::open(blocked.join("keys.db")).unwrap_err();
    assert!(matches!(err, Error::Store { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "{err:?}");
}

#[test]
fn a_verifier_is_shared_by_handle_and_its_future_may_move_between_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn movable<T: Send + 'static>() {}
    shareable::<Verifier>();
    movable::<apikey::verifier::VerifyFuture>();
    movable::<Store>();
}
