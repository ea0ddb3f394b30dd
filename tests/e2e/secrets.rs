//! Secrets never reach the store file, in any of its parts.

use sha2::Digest as _;

use crate::util::{Env, contains, read_or_empty};

fn store_bytes(env: &Env) -> Vec<u8> {
    let mut all = read_or_empty(&env.db);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut path = env.db.clone().into_os_string();
        path.push(suffix);
        all.extend(read_or_empty(std::path::Path::new(&path)));
    }
    all
}

#[test]
fn no_secret_is_in_the_store_file_after_create_and_regenerate() {
    let env = Env::new();
    let mut secrets = Vec::new();
    for name in ["a", "b", "c"] {
        secrets.push(env.create(&["--name", name]).1);
    }
    for name in ["a", "b"] {
        let v = env.json(&["regenerate", name, "--grace", "1d"]);
        secrets.push(v["key"].as_str().unwrap().to_owned());
    }
    let bytes = store_bytes(&env);
    assert!(bytes.len() > 4096, "read the store");
    for secret in &secrets {
        // Neither the whole secret nor its random body, in any encoding a
        // careless implementation might use.
        assert!(!contains(&bytes, secret.as_bytes()), "secret in store");
        assert!(
            !contains(&bytes, &secret.as_bytes()[3..25]),
            "secret body in store"
        );
        let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(!contains(&bytes, &utf16));
    }
    // The digest is there: that is how keys are found.
    let digest = sha2::Sha256::digest(secrets[2].as_bytes());
    assert!(contains(&bytes, &digest));
}
