//! The tables people read: a list of keys, one key's fields, its
//! security settings, and the cells they share (bold headers, colored
//! statuses, "never" and "off" for what is not set).

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use crate::clock::Timestamp;
use crate::key::{Key, KeyStatus};
use crate::security::UrlPattern;
use crate::text::printable;

pub(super) fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        table.enforce_styling();
    }
    table
}

/// A borderless two-column table of labels and values, for one record.
pub(super) fn fields_table() -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// A bold cell when coloring; plain otherwise (comfy-table would style a
/// terminal even under `--color never`).
pub(super) fn bold(text: &str, color: bool) -> Cell {
    let cell = Cell::new(text);
    if color {
        cell.add_attribute(Attribute::Bold)
    } else {
        cell
    }
}

pub(super) fn header<const N: usize>(titles: [&str; N], color: bool) -> Vec<Cell> {
    titles.into_iter().map(|t| bold(t, color)).collect()
}

pub(super) fn status_cell(status: KeyStatus, text: &str, color: bool) -> Cell {
    let cell = Cell::new(text);
    if !color {
        return cell;
    }
    cell.fg(match status {
        KeyStatus::Active => Color::Green,
        KeyStatus::Revoked => Color::Red,
        KeyStatus::Expired | KeyStatus::Suspended => Color::Yellow,
    })
}

pub(super) fn when(t: Option<Timestamp>, none: &str) -> String {
    t.map_or_else(|| none.to_owned(), Timestamp::short)
}

pub(super) fn keys_table(keys: &[Key], color: bool) -> Table {
    let mut table = new_table(color);
    table.set_header(header(
        [
            "ID",
            "NAME",
            "KEY",
            "STATUS",
            "BALANCE",
            "LAST USED",
            "EXPIRES",
        ],
        color,
    ));
    for k in keys {
        table.add_row(vec![
            Cell::new(&k.id),
            Cell::new(&k.name),
            Cell::new(&k.hint),
            status_cell(k.status, k.status.as_str(), color),
            Cell::new(k.balance),
            Cell::new(when(k.last_used_at, "never")),
            Cell::new(when(k.expires_at, "never")),
        ]);
    }
    table
}

pub(super) fn list_or<T: std::fmt::Display>(items: &[T], none: &str) -> String {
    if items.is_empty() {
        none.to_owned()
    } else {
        items
            .iter()
            .map(|i| printable(&i.to_string()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The allowed URLs, one per line, an entry an older build stored that is
/// not valid marked as matching nothing.
fn urls_or_any(urls: &[UrlPattern]) -> String {
    if urls.is_empty() {
        return "any".to_owned();
    }
    urls.iter()
        .map(|u| match u.problem() {
            None => printable(u.as_str()),
            Some(_) => format!("{} (not valid: matches nothing)", printable(u.as_str())),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn limit_or(limit: Option<u64>, none: &str) -> String {
    limit.map_or_else(|| none.to_owned(), |n| n.to_string())
}

pub(super) fn security_rows(key: &Key) -> Vec<(&'static str, String)> {
    let sec = &key.security;
    vec![
        ("Expires", when(key.expires_at, "never")),
        ("Allowed URLs", urls_or_any(&sec.allowed_urls)),
        ("Allowed IPs", list_or(&sec.allowed_ips, "any")),
        ("Scopes", list_or(&sec.scopes, "any")),
        ("Daily limit", limit_or(sec.daily_limit, "none")),
        ("Monthly limit", limit_or(sec.monthly_limit, "none")),
        ("IP daily limit", limit_or(sec.ip_daily_limit, "none")),
        ("Rate limits", list_or(&sec.rate_limits, "none")),
        ("IPs kept", format!("{} days", sec.redact_days)),
    ]
}

pub(super) fn key_table(key: &Key, usage_today: Option<u64>, color: bool) -> Table {
    let mut table = fields_table();
    let status = match (key.status, key.revoked_at) {
        (KeyStatus::Revoked, Some(at)) => format!("revoked {}", at.short()),
        (KeyStatus::Suspended, _) => match key.suspended_at {
            Some(at) => format!("suspended {}", at.short()),
            None => "suspended".to_owned(),
        },
        (status, _) => status.as_str().to_owned(),
    };
    let mut rows = vec![
        ("Key", Cell::new(key.label())),
        ("Account", Cell::new(&key.account)),
        ("Hint", Cell::new(&key.hint)),
        ("Status", status_cell(key.status, &status, color)),
        ("Balance", Cell::new(key.balance)),
    ];
    // Lookups that never lapse need no row of their own.
    if key.batches.live().any(|b| b.expires_at.is_some()) {
        let lines: Vec<String> = key
            .batches
            .live()
            .map(|b| match b.expires_at {
                Some(t) => format!("{} expiring {}", b.left, t.short()),
                None => format!("{} never expiring", b.left),
            })
            .collect();
        rows.push(("Batches", Cell::new(lines.join("\n"))));
    }
    if let Some(used) = usage_today {
        let text = match key.security.daily_limit {
            Some(limit) => format!("{used} of {limit}"),
            None => used.to_string(),
        };
        rows.push(("Used today", Cell::new(text)));
    }
    rows.push(("Created", Cell::new(key.created_at.short())));
    rows.push(("Last used", Cell::new(when(key.last_used_at, "never"))));
    rows.extend(
        security_rows(key)
            .into_iter()
            .map(|(label, value)| (label, Cell::new(value))),
    );
    rows.push(("Notify", Cell::new(list_or(&key.notify.emails, "nobody"))));
    rows.push((
        "Low balance at",
        Cell::new(limit_or(key.notify.low_balance, "off")),
    ));
    rows.push((
        "Auto top-up",
        Cell::new(crate::store::describe_auto_topup(key.auto_topup.as_ref())),
    ));
    for (label, value) in rows {
        table.add_row(vec![bold(label, color), value]);
    }
    if color {
        table.enforce_styling();
    }
    table
}

pub(super) fn security_table(key: &Key, color: bool) -> Table {
    let mut table = fields_table();
    table.add_row(vec![bold("Key", color), Cell::new(key.label())]);
    for (label, value) in security_rows(key) {
        table.add_row(vec![bold(label, color), Cell::new(value)]);
    }
    if color {
        table.enforce_styling();
    }
    table
}
