//! `apikey apply`: make the store match a manifest, or with `--dry-run`
//! show what that would change.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;

use super::args::ApplyArgs;
use super::context::Context;
use super::deliver::Delivery;
use super::output::{self, Report};
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::store::{Access, Prune};

/// Validates the file, settles `--prune` (asking on a terminal), applies.
pub fn run(args: &ApplyArgs, ctx: &mut Context, out: &mut dyn Write) -> Result<Report> {
    let manifest = if args.file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|source| Error::Unreadable {
                what: "manifest",
                path: args.file.clone(),
                source,
            })?;
        Manifest::parse_bytes(bytes, Path::new("<stdin>"))?
    } else {
        Manifest::load(&args.file)?
    };
    // A dry run reads, and must not make a store (nor its folder) where a
    // mistyped --db points.
    let access = if args.dry_run {
        Access::Read
    } else {
        Access::Create
    };
    let new_store = args.dry_run && !ctx.store_exists();
    if new_store {
        ctx.use_empty_store()?;
    }
    let prune = if !args.prune {
        Prune::Off
    } else if args.dry_run || ctx.yes() {
        Prune::All
    } else {
        let plan = ctx.store(access)?.apply(&manifest, &Prune::All, true)?;
        if !plan.revoked.is_empty() {
            let names: Vec<String> = plan
                .revoked
                .iter()
                .map(|k| format!("{}/{}", k.account, k.name))
                .collect();
            ctx.confirm(&format!(
                "revoke {} not named in {} ({})",
                output::count(names.len(), "key"),
                args.file.display(),
                names.join(", ")
            ))?;
        }
        Prune::Confirmed(
            plan.revoked
                .into_iter()
                .map(|k| k.id)
                .collect::<BTreeSet<_>>(),
        )
    };
    let file = args.file.display().to_string();
    let mut delivery = Delivery::new(out, ctx.output, ctx.output_discarded);
    let db = ctx.db_path().display().to_string();
    let applied = ctx
        .store(access)?
        .apply_then(&manifest, &prune, args.dry_run, |applied| {
            let new_store = new_store.then_some(db.as_str());
            let secrets = applied.created.iter().any(|c| c.secret.is_some());
            delivery.show(secrets, |out, mode| {
                output::print_applied(applied, &file, new_store, mode, out)
            })
        });
    delivery.finish(applied)
}
