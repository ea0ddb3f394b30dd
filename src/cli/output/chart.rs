//! `apikey usage` for people: a table with a bar per day or client IP.

use std::io::{self, Write};

use comfy_table::Cell;

use super::tables::{header, new_table};
use crate::usage::{DayRow, UsageReport};

/// Usage as a table with a bar per row, scaled to the busiest row.
pub(super) fn usage_chart(
    report: &UsageReport,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "Lookups on key {} ({}) from {} to {}: {}",
        report.name, report.key_id, report.from, report.to, report.total
    )?;
    let (first, rows) = match (&report.days, &report.ips) {
        (Some(days), _) => ("DAY", day_rows(days)),
        (_, Some(ips)) => (
            "CLIENT IP",
            ips.iter()
                .map(|r| {
                    let label = match (&r.ip, r.redacted) {
                        (Some(ip), _) => ip.clone(),
                        (None, true) => "(redacted)".to_owned(),
                        (None, false) => "(none)".to_owned(),
                    };
                    (label, Some(r.lookups))
                })
                .collect(),
        ),
        _ => ("", Vec::new()),
    };
    if report.total == 0 || rows.is_empty() {
        writeln!(out, "No lookups in this period.")?;
    } else {
        let max = rows.iter().filter_map(|r| r.1).max().unwrap_or(0);
        let mut table = new_table(color);
        table.set_header(header([first, "LOOKUPS", ""], color));
        for (label, n) in rows {
            table.add_row(match n {
                Some(n) => vec![Cell::new(label), Cell::new(n), Cell::new(bar(n, max, 30))],
                None => vec![Cell::new(label), Cell::new(""), Cell::new("")],
            });
        }
        writeln!(out, "{table}")?;
    }
    if report.balance_changes.is_empty() {
        return Ok(());
    }
    // Top-ups, automatic top-ups and lapses: what else moved the balance.
    let mut table = new_table(color);
    table.set_header(header(["WHEN", "BALANCE CHANGE", "LOOKUPS"], color));
    for change in &report.balance_changes {
        table.add_row(vec![
            Cell::new(change.at.short()),
            Cell::new(&change.kind),
            Cell::new(format!("{:+}", change.lookups)),
        ]);
    }
    writeln!(out, "{table}")
}

/// The rows a person reads of a per-day report: from the first day with
/// lookups on, with every run of three or more idle days as one line (the
/// JSON keeps every day).
fn day_rows(days: &[DayRow]) -> Vec<(String, Option<u64>)> {
    let Some(start) = days.iter().position(|d| d.lookups > 0) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut idle: Vec<&DayRow> = Vec::new();
    let flush = |idle: &mut Vec<&DayRow>, rows: &mut Vec<(String, Option<u64>)>| {
        if idle.len() >= 3 {
            let (from, to) = (&idle[0].day, &idle[idle.len() - 1].day);
            rows.push((format!("{from} to {to}: {} idle days", idle.len()), None));
        } else {
            rows.extend(idle.iter().map(|d| (d.day.clone(), Some(0))));
        }
        idle.clear();
    };
    for day in &days[start..] {
        if day.lookups == 0 {
            idle.push(day);
        } else {
            flush(&mut idle, &mut rows);
            rows.push((day.day.clone(), Some(day.lookups)));
        }
    }
    flush(&mut idle, &mut rows);
    rows
}

/// A horizontal bar of `width` cells at most, in eighths of a cell.
fn bar(value: u64, max: u64, width: u64) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if max == 0 {
        return String::new();
    }
    let eighths = (u128::from(value) * u128::from(width) * 8 / u128::from(max)) as u64;
    let mut s = "█".repeat((eighths / 8) as usize);
    if !eighths.is_multiple_of(8) {
        s.push(EIGHTHS[(eighths % 8) as usize]);
    }
    if s.is_empty() && value > 0 {
        s.push('▏');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 16, 2), "▌".replace('▌', "▏"));
        assert_eq!(bar(0, 10, 4), "");
        assert_eq!(bar(1, 1000, 4), "▏", "a non-zero value is visible");
    }
}
