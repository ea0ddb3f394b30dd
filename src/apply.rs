//! What `apikey apply` does to the store, as data: the accounts and keys to
//! create, the keys to update (field by field, old and new value), the keys
//! to revoke. The same structure is the dry-run plan and the report of a
//! real run; only a real run carries the new keys' ids and secrets.

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::key::{Key, KeyId, KeyName};
use crate::manifest::KeySpecEntry;
use crate::secret::Secret;

/// The plan, or what was done.
#[derive(Debug, Default, Serialize)]
pub struct Applied {
    /// Whether this is only the plan.
    pub dry_run: bool,
    /// Accounts created.
    pub created_accounts: Vec<String>,
    /// Keys created, with their secrets (shown this once).
    pub created: Vec<CreatedKey>,
    /// Keys whose settings or notification lists changed.
    pub updated: Vec<UpdatedKey>,
    /// Keys revoked by `--prune`.
    pub revoked: Vec<RevokedKey>,
    /// Accounts where the file names keys the store lacks while the store
    /// has active keys the file does not name: a rename in the file, which
    /// `apply` carries out as a new key (and, with `--prune`, a revocation).
    pub possible_renames: Vec<PossibleRename>,
    /// What the accounts' active keys hold that the rules no longer admit
    /// (an older build wrote it), and whether this manifest replaces it.
    pub stored_problems: Vec<StoredKeyProblem>,
}

/// A list entry or length of a stored key that the rules no longer admit.
#[derive(Clone, Debug, Serialize)]
pub struct StoredKeyProblem {
    /// The key's account.
    pub account: String,
    /// Its name.
    pub name: KeyName,
    /// Its id.
    pub id: KeyId,
    /// The list, by its manifest name.
    pub field: &'static str,
    /// What is wrong.
    pub problem: String,
    /// Whether this run replaces the list (the manifest names the key).
    pub replaced: bool,
}

/// New keys and unnamed keys side by side in one account, so that a plan
/// says plainly that a renamed entry is a new key with a new secret and a
/// balance of 0, and what becomes of the old one.
#[derive(Clone, Debug, Serialize)]
pub struct PossibleRename {
    /// The account.
    pub account: String,
    /// The names the file adds.
    pub created: Vec<KeyName>,
    /// The active keys the file does not name.
    pub unnamed: Vec<UnnamedKey>,
}

/// An active key a manifest does not name.
#[derive(Clone, Debug, Serialize)]
pub struct UnnamedKey {
    /// Its name.
    pub name: KeyName,
    /// Its id.
    pub id: KeyId,
    /// Its balance, which a new key does not inherit.
    pub balance: i64,
    /// Whether `--prune` revokes it in this run.
    pub revoked: bool,
}

impl Applied {
    /// Whether the store already matches the manifest.
    pub fn is_empty(&self) -> bool {
        self.created_accounts.is_empty()
            && self.created.is_empty()
            && self.updated.is_empty()
            && self.revoked.is_empty()
    }
}

/// A key the manifest adds.
#[derive(Debug, Serialize)]
pub struct CreatedKey {
    /// Its account.
    pub account: String,
    /// Its name.
    pub name: KeyName,
    /// Its id (`null` in a dry run).
    pub id: Option<KeyId>,
    /// Its secret (`null` in a dry run).
    #[serde(rename = "key", serialize_with = "expose")]
    pub secret: Option<Secret>,
}

#[allow(clippy::ref_option)] // serde hands serializers a reference to the field
fn expose<S: Serializer>(secret: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}

/// A key whose settings change.
#[derive(Clone, Debug, Serialize)]
pub struct UpdatedKey {
    /// Its account.
    pub account: String,
    /// Its name.
    pub name: KeyName,
    /// Its id.
    pub id: KeyId,
    /// Each changed field with its old and new value.
    pub changes: Vec<Change>,
}

/// A key `--prune` revokes.
#[derive(Clone, Debug, Serialize)]
pub struct RevokedKey {
    /// Its account.
    pub account: String,
    /// Its name.
    pub name: KeyName,
    /// Its id.
    pub id: KeyId,
    /// Its balance, which nothing can spend once it is revoked.
    pub balance: i64,
}

/// One field of a key, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The manifest's name for the field, e.g. `daily_limit`.
    pub field: &'static str,
    /// The value in the store.
    pub from: Value,
    /// The value in the manifest.
    pub to: Value,
}

/// The fields of `key` that differ from `desired`, in manifest order.
pub fn diff(key: &Key, desired: &KeySpecEntry) -> Vec<Change> {
    let (have, want) = (&key.security, &desired.security);
    let mut changes = Vec::new();
    let mut field = |name: &'static str, from: Value, to: Value| {
        if from != to {
            changes.push(Change {
                field: name,
                from,
                to,
            });
        }
    };
    field(
        "allowed_urls",
        json!(have.allowed_urls),
        json!(want.allowed_urls),
    );
    field(
        "allowed_ips",
        json!(have.allowed_ips),
        json!(want.allowed_ips),
    );
    field(
        "daily_limit",
        json!(have.daily_limit),
        json!(want.daily_limit),
    );
    field(
        "monthly_limit",
        json!(have.monthly_limit),
        json!(want.monthly_limit),
    );
    field(
        "ip_daily_limit",
        json!(have.ip_daily_limit),
        json!(want.ip_daily_limit),
    );
    field(
        "rate_limits",
        json!(
            have.rate_limits
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
        json!(
            want.rate_limits
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
    );
    field("scopes", json!(have.scopes), json!(want.scopes));
    field("expires", json!(key.expires_at), json!(desired.expires_at));
    field(
        "redact_days",
        json!(have.redact_days),
        json!(want.redact_days),
    );
    field(
        "notify",
        json!(key.notify.emails),
        json!(desired.notify.emails),
    );
    field(
        "low_balance",
        json!(key.notify.low_balance),
        json!(desired.notify.low_balance),
    );
    field(
        "suspended",
        json!(key.suspended_at.is_some()),
        json!(desired.suspended),
    );
    field(
        "auto_topup",
        json!(key.auto_topup),
        json!(desired.auto_topup),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    #[test]
    fn diff_lists_changed_fields_only() {
        let m = Manifest::parse(
            "[[account]]\nname = \"a\"\n[[account.key]]\nname = \"web\"\ndaily_limit = 5\nnotify = [\"a@x.io\"]\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let desired = &m.accounts[0].keys[0];
        let key = Key {
            auto_topup: None,
            auto_fired: (-1, 0),
            batches: crate::balance::batches::Batches::default(),
            pk: crate::key::KeyPk(1),
            account_pk: crate::account::AccountPk(1),
            id: KeyId::parse("k_00000000").unwrap(),
            account: "a".into(),
            name: desired.name.clone(),
            hint: "ak_…0000".into(),
            status: crate::key::KeyStatus::Active,
            balance: 0,
            created_at: crate::clock::Timestamp::from_unix(0),
            expires_at: None,
            revoked_at: None,
            suspended_at: None,
            last_used_at: None,
            security: crate::security::SecuritySettings::default(),
            notify: crate::notify::NotifySettings::default(),
            counters: crate::verify::Counters::default(),
            raised: crate::notify::event::Raised::default(),
            rate: crate::rate::RateState::default(),
        };
        let changes = diff(&key, desired);
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["daily_limit", "notify"]);
        assert_eq!(changes[0].from, Value::Null);
        assert_eq!(changes[0].to, json!(5));
    }
}
