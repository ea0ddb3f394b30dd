//! What `store check` found, for a person: one line per violation, and the
//! one stderr line that explains its exit status.

use std::io::{self, Write};

use super::count;
use crate::store::CheckReport;
use crate::text::printable;

/// The violations, one per line, or a line saying the store is sound.
pub(super) fn print_check(
    store: &str,
    report: &CheckReport,
    out: &mut dyn Write,
) -> io::Result<()> {
    let looked_at = format!(
        "schema version {}, {}, {}",
        report.schema_version,
        count(report.accounts, "account"),
        count(report.keys, "key")
    );
    let store = printable(store);
    if report.violations.is_empty() {
        return writeln!(out, "Store {store} is sound ({looked_at}).");
    }
    writeln!(
        out,
        "Store {store} ({looked_at}) has {}:",
        count(report.violations.len(), "violation")
    )?;
    for v in &report.violations {
        writeln!(out, "  {}: {}", v.check, printable(&v.message))?;
    }
    Ok(())
}

/// "store … has 2 violations (the first: …)".
pub(super) fn failure_line(store: &str, report: &CheckReport) -> Option<String> {
    let first = report.violations.first()?;
    Some(format!(
        "store {} has {} (the first: {})",
        printable(store),
        count(report.violations.len(), "violation"),
        printable(&first.message)
    ))
}
