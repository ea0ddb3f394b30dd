//! What `store check` found, for a person: one line per violation, and the
//! one stderr line that explains its exit status; and what `store copy`
//! moved.

use std::io::{self, Write};

use super::count;
use crate::store::{CheckReport, CopyReport};
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

/// One line: where from, where to, and the rows of the tables people count.
pub(super) fn print_copy(report: &CopyReport, out: &mut dyn Write) -> io::Result<()> {
    let rows = |name: &str| {
        report
            .tables
            .iter()
            .find(|t| t.table == name)
            .map_or(0, |t| t.rows as usize)
    };
    let all: u64 = report.tables.iter().map(|t| t.rows).sum();
    writeln!(
        out,
        "Copied store {} to {}: {}, {}, {} in all, each checked.",
        printable(&report.from),
        printable(&report.to),
        count(rows("accounts"), "account"),
        count(rows("keys"), "key"),
        count(all as usize, "row")
    )
}
