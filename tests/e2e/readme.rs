//! The README's examples that a pipeline copies, run as written.

use std::process::Command;

use crate::readme_block::readme_block;
use crate::util::Env;

/// The CI recipe's bash block.
fn ci_recipe() -> String {
    readme_block("readme.rs", "bash")
}

#[test]
fn the_ci_recipe_files_each_secret_under_its_own_name() {
    crate::tools::require("bash");
    let env = Env::new();
    std::fs::write(
        env.path("keys.toml"),
        "[[account]]\nname = \"acme\"\n\n[[account.key]]\nname = \"web\"\n\n[[account.key]]\nname = \"batch job\"\n\n[[account]]\nname = \"blog\"\n\n[[account.key]]\nname = \"a b  c\"\n",
    )
    .unwrap();
    // `apikey` and a stand-in `vault` that records what it was given.
    let bin = env.path("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(crate::util::BIN, bin.join("apikey")).unwrap();
    let vault = bin.join("vault");
    std::fs::write(
        &vault,
        "#!/bin/sh\n# vault kv put PATH key=-\nprintf '%s\\t%s\\n' \"$3\" \"$(cat)\" >> \"$VAULT_LOG\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&vault, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let log = env.path("vault.log");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-euo",
            "pipefail",
            "-c",
            &ci_recipe(),
        ])
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", path)
        .env("HOME", env.dir.path())
        .env("APIKEY_DB", &env.db)
        .env("VAULT_LOG", &log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let filed = std::fs::read_to_string(&log).unwrap();
    let mut names = Vec::new();
    for line in filed.lines() {
        let (path, secret) = line.split_once('\t').unwrap();
        let name = path.strip_prefix("secret/apikey/").unwrap();
        let (account, key) = name.split_once('/').unwrap();
        // The secret filed under a name is that key's secret.
        let (_, verdict) = env.verify(secret, &["--dry-run"]);
        let shown = env.json(&["-a", account, "show", key]);
        assert_eq!(verdict["key_id"], shown["id"], "{name}");
        names.push(name.to_owned());
    }
    names.sort();
    assert_eq!(names, ["acme/batch job", "acme/web", "blog/a b  c"]);
}
