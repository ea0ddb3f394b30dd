//! `apply`: makes the store match a manifest in one transaction, all or
//! nothing. The plan is computed inside the same transaction that carries
//! it out, so it is checked against the state it changes. Balances are
//! never touched; rule 1 holds (revocations run before creations).

use std::collections::{BTreeSet, HashMap};

use super::Store;
use super::accounts;
use super::backend::{NewAudit, Tx};
use super::keys::create_in;
use super::notify::raise;
use super::suspend;
use crate::account::Account;
use crate::apply::{
    Applied, CreatedKey, PossibleRename, RevokedKey, StoredKeyProblem, UnnamedKey, UpdatedKey, diff,
};
use crate::audit::Action;
use crate::error::{Error, Refusal, Result};
use crate::key::{Key, KeyId, KeyName, KeyStatus, MAX_ACTIVE_KEYS};
use crate::manifest::{KeySpecEntry, Manifest};
use crate::notify::event::{self, EventKind, NewEvent, Raised};
use crate::secret::Secret;
use crate::store::KeySpec;

/// Which active keys the manifest does not name may be revoked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Prune {
    /// None: keys the manifest does not name are left alone.
    Off,
    /// Exactly these (as confirmed from a dry run); if the store now holds
    /// others, the run stops instead of revoking what nobody confirmed.
    Confirmed(BTreeSet<KeyId>),
    /// All of them (`--yes`).
    All,
}

/// One planned key creation.
struct Create<'m> {
    account: String,
    spec: &'m KeySpecEntry,
}

/// One planned update.
struct Update<'m> {
    key: Key,
    spec: &'m KeySpecEntry,
    report: UpdatedKey,
}

/// The plan for one manifest against the store as a transaction sees it.
#[derive(Default)]
struct Plan<'m> {
    accounts: Vec<String>,
    create: Vec<Create<'m>>,
    update: Vec<Update<'m>>,
    revoke: Vec<Key>,
    possible_renames: Vec<PossibleRename>,
    stored_problems: Vec<StoredKeyProblem>,
}

/// Holds every account the manifest names that exists, and all of their
/// keys, in the one order holds are taken in, so that the plan is made on
/// the store as it will be changed.
fn hold_manifest(tx: &mut dyn Tx, manifest: &Manifest) -> Result<()> {
    let mut accounts = Vec::new();
    for account in &manifest.accounts {
        if let Some(found) = tx.account(account.name.as_str())? {
            accounts.push(found.pk);
        }
    }
    accounts.sort_by_key(|a| a.0);
    accounts.dedup();
    let mut keys = Vec::new();
    for account in accounts {
        tx.hold_account(account)?;
        keys.extend(tx.keys(account, true)?.into_iter().map(|k| k.pk));
    }
    tx.hold_keys(&keys)
}

fn plan<'m>(tx: &mut dyn Tx, manifest: &'m Manifest, prune: &Prune) -> Result<Plan<'m>> {
    let mut plan = Plan::default();
    for account in &manifest.accounts {
        let existing: Vec<Key> = match tx.account(account.name.as_str())? {
            Some(found) => tx.keys(found.pk, false)?,
            None => {
                plan.accounts.push(account.name.to_string());
                Vec::new()
            }
        };
        let mut by_name: HashMap<&str, &Key> =
            existing.iter().map(|k| (k.name.as_str(), k)).collect();
        let mut active_after = existing.len();
        let first_create = plan.create.len();
        for spec in &account.keys {
            match by_name.remove(spec.name.as_str()) {
                Some(key) => {
                    let changes = diff(key, spec);
                    if !changes.is_empty() {
                        plan.update.push(Update {
                            key: key.clone(),
                            spec,
                            report: UpdatedKey {
                                account: key.account.clone(),
                                name: key.name.clone(),
                                id: key.id.clone(),
                                changes,
                            },
                        });
                    }
                }
                None => {
                    plan.create.push(Create {
                        account: account.name.to_string(),
                        spec,
                    });
                    active_after += 1;
                }
            }
        }
        // What is left is active in the store and absent from the file.
        let mut unnamed: Vec<&Key> = by_name.into_values().collect();
        // By name (unique among active keys), so the plan reads the same
        // on every run and CI can diff it.
        unnamed.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        let pruning = !matches!(prune, Prune::Off);
        // What the keys that stay active hold that the rules no longer
        // admit: a named key's lists become the file's; an unnamed one
        // keeps them (unless --prune revokes it, which ends its use).
        for key in &existing {
            let named = !unnamed.iter().any(|k| k.pk == key.pk);
            if !named && pruning {
                continue;
            }
            plan.stored_problems
                .extend(key.stored_problems().into_iter().map(|p| StoredKeyProblem {
                    account: key.account.clone(),
                    name: key.name.clone(),
                    id: key.id.clone(),
                    field: p.field,
                    problem: p.problem,
                    replaced: named,
                }));
        }
        // This account's creations are the ones pushed since it began.
        let created: Vec<KeyName> = plan.create[first_create..]
            .iter()
            .map(|c| c.spec.name.clone())
            .collect();
        if !created.is_empty() && !unnamed.is_empty() {
            plan.possible_renames.push(PossibleRename {
                account: account.name.to_string(),
                created,
                unnamed: unnamed
                    .iter()
                    .map(|k| UnnamedKey {
                        name: k.name.clone(),
                        id: k.id.clone(),
                        balance: k.balance,
                        revoked: pruning,
                    })
                    .collect(),
            });
        }
        if pruning {
            active_after -= unnamed.len();
            plan.revoke.extend(unnamed.into_iter().cloned());
        }
        if active_after > MAX_ACTIVE_KEYS {
            return Err(Refusal::ManifestKeyLimit {
                place: format!("{}:{}", manifest.origin.display(), account.at),
                account: account.name.to_string(),
                would_have: active_after,
                limit: MAX_ACTIVE_KEYS,
            }
            .into());
        }
    }
    // The checks that need the clock, made here so that a dry run refuses
    // exactly what the run would: an expiry that is not in the future, on
    // a key to create or a key whose expiry changes.
    let now = tx.now();
    let expiries = plan
        .create
        .iter()
        .map(|c| (c.account.as_str(), c.spec))
        .chain(
            plan.update
                .iter()
                .filter(|u| u.spec.expires_at != u.key.expires_at)
                .map(|u| (u.key.account.as_str(), u.spec)),
        );
    for (account, spec) in expiries {
        if let Some(t) = spec.expires_at
            && t <= now
        {
            return Err(Error::invalid(format!(
                "{}:{}: key '{}' in account '{account}': expiry {t} is not in the future: use a later time, or never",
                manifest.origin.display(),
                spec.at.expires.unwrap_or(spec.at.name),
                spec.name
            )));
        }
    }
    if let Prune::Confirmed(allowed) = prune
        && let Some(key) = plan.revoke.iter().find(|k| !allowed.contains(&k.id))
    {
        return Err(Refusal::ChangedSincePlan { key: key.label() }.into());
    }
    Ok(plan)
}

fn revoke_in(tx: &mut dyn Tx, actor: &str, key: &Key) -> Result<()> {
    tx.revoke(key.pk, Some("not in the manifest (apply --prune)"))?;
    let revoked = tx.key_by_pk(key.pk)?;
    raise(
        tx,
        &revoked,
        &[NewEvent::new(
            EventKind::Revoked,
            "not in the manifest (apply --prune)",
        )],
    )?;
    tx.audit(
        actor,
        &NewAudit {
            action: Action::Revoke,
            account: key.account_pk,
            key: Some(key.pk),
            detail: "apply --prune",
        },
    )
}

fn update_in(tx: &mut dyn Tx, actor: &str, update: &Update<'_>) -> Result<()> {
    let key = &update.key;
    let spec = update.spec;
    let now = tx.now();
    if spec.expires_at != key.expires_at {
        let mut raised = Raised {
            expiry: false,
            ..key.raised
        };
        if let Some(t) = spec.expires_at
            && event::expiry_due(spec.expires_at, raised, now)
        {
            raise(tx, key, &[event::expiring(t, now)])?;
            raised.expiry = true;
        }
        tx.set_raised(key.pk, raised)?;
    }
    super::rate::keep_rate_table(tx, key, &spec.security.rate_limits)?;
    tx.update_security(key.pk, &spec.security, spec.expires_at)?;
    if spec.security.redact_days != key.security.redact_days {
        // As `security --redact-days`: rows past the new days lose their IP now.
        tx.redact_usage(key.pk, now.day() - i64::from(spec.security.redact_days))?;
    }
    tx.update_notify(key.pk, &spec.notify)?;
    // Suspending and resuming have their own events and audit rows.
    suspend::set_in(tx, actor, key, spec.suspended, Some("apply"))?;
    super::auto_topup::set_in(tx, actor, key, spec.auto_topup.as_ref())?;
    let detail = update
        .report
        .changes
        .iter()
        .filter(|c| c.field != "suspended" && c.field != "auto_topup")
        .map(|c| format!("{} {} -> {}", c.field, c.from, c.to))
        .collect::<Vec<_>>()
        .join("; ");
    if detail.is_empty() {
        return Ok(());
    }
    tx.audit(
        actor,
        &NewAudit {
            action: Action::Security,
            account: key.account_pk,
            key: Some(key.pk),
            detail: &format!("apply: {detail}"),
        },
    )
}

impl Store {
    /// Makes the named accounts' keys match `manifest`: creates missing
    /// accounts and keys, updates settings and notification lists, and with
    /// `prune` revokes active keys the file does not name. A dry run plans
    /// against the same state and changes nothing.
    pub fn apply(&mut self, manifest: &Manifest, prune: &Prune, dry_run: bool) -> Result<Applied> {
        self.apply_then(manifest, prune, dry_run, |_| Ok(()))
    }

    /// [`Store::apply`], handing what was done (with the new keys'
    /// secrets) to `deliver` before the change commits: when `deliver`
    /// fails, nothing is applied, so no key exists whose secret nobody has.
    /// A dry run commits nothing and calls `deliver` with the plan.
    pub fn apply_then(
        &mut self,
        manifest: &Manifest,
        prune: &Prune,
        dry_run: bool,
        deliver: impl FnOnce(&Applied) -> Result<()>,
    ) -> Result<Applied> {
        let mut deliver = Some(deliver);
        let mut tries = 0;
        loop {
            tries += 1;
            match self.apply_once(manifest, prune, dry_run, &mut deliver) {
                // An account the plan was to make was made meanwhile by
                // another writer (a store without a single writer lets two
                // plans begin at once): plan again on the store as it is,
                // as a writer that had waited its turn would have.
                Err(Error::Refused(Refusal::AccountExists(_)))
                    if tries < 3 && deliver.is_some() && !dry_run => {}
                outcome => return outcome,
            }
        }
    }

    fn apply_once<F: FnOnce(&Applied) -> Result<()>>(
        &mut self,
        manifest: &Manifest,
        prune: &Prune,
        dry_run: bool,
        deliver: &mut Option<F>,
    ) -> Result<Applied> {
        let actor = self.actor.clone();
        let mut tx = if dry_run {
            self.backend.read(self.clock)?
        } else {
            super::begin_write(&mut *self.backend, self.clock)?
        };
        if !dry_run {
            hold_manifest(&mut *tx, manifest)?;
        }
        let plan = plan(&mut *tx, manifest, prune)?;
        let mut applied = Applied {
            dry_run,
            created_accounts: plan.accounts.clone(),
            possible_renames: plan.possible_renames.clone(),
            stored_problems: plan.stored_problems.clone(),
            ..Applied::default()
        };
        applied.updated = plan.update.iter().map(|u| u.report.clone()).collect();
        applied.revoked = plan
            .revoke
            .iter()
            .map(|k| RevokedKey {
                account: k.account.clone(),
                name: k.name.clone(),
                id: k.id.clone(),
                balance: k.balance,
            })
            .collect();
        if dry_run {
            applied.created = plan
                .create
                .iter()
                .map(|c| CreatedKey {
                    account: c.account.clone(),
                    name: c.spec.name.clone(),
                    id: None,
                    secret: None,
                })
                .collect();
            if let Some(deliver) = deliver.take() {
                deliver(&applied)?;
            }
            return Ok(applied);
        }
        for name in &plan.accounts {
            accounts::create_in(&mut *tx, &actor, &crate::account::AccountName::parse(name)?)?;
        }
        for key in &plan.revoke {
            if key.status != KeyStatus::Revoked {
                revoke_in(&mut *tx, &actor, key)?;
            }
        }
        for update in &plan.update {
            update_in(&mut *tx, &actor, update)?;
        }
        let mut account_cache: HashMap<String, Account> = HashMap::new();
        for create in &plan.create {
            let account = match account_cache.get(&create.account) {
                Some(a) => a.clone(),
                None => {
                    let a = accounts::find(
                        &mut *tx,
                        &crate::account::AccountName::parse(&create.account)?,
                    )?;
                    account_cache.insert(create.account.clone(), a.clone());
                    a
                }
            };
            let secret = Secret::generate()?;
            let spec = KeySpec {
                name: Some(create.spec.name.clone()),
                expires_at: create.spec.expires_at,
                security: create.spec.security.clone(),
                notify: create.spec.notify.clone(),
            };
            let key = create_in(&mut *tx, &actor, &account, &spec, &secret)?;
            if create.spec.suspended {
                suspend::set_in(&mut *tx, &actor, &key, true, Some("apply"))?;
            }
            if let Some(auto) = &create.spec.auto_topup {
                super::auto_topup::set_in(&mut *tx, &actor, &key, Some(auto))?;
            }
            applied.created.push(CreatedKey {
                account: key.account,
                name: key.name,
                id: Some(key.id),
                secret: Some(secret),
            });
        }
        if let Some(deliver) = deliver.take() {
            deliver(&applied)?;
        }
        tx.commit()?;
        Ok(applied)
    }
}
