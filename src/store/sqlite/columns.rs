//! Reading columns that hold more than a plain value: lists kept as JSON
//! arrays, and words that name an enum's variant. Shared by every file of
//! SQL in this backend.

use rusqlite::Row;

/// Lists are stored as JSON arrays of strings (migration 7), so no entry
/// can split into two whatever it holds; `''` (a column's default) is empty.
pub(super) fn split_list(text: &str) -> rusqlite::Result<Vec<String>> {
    if text.is_empty() || text == "[]" {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// A column holding one of an enum's words, read through its parser; an
/// unknown word is an error, never a default.
pub(super) fn text_enum<T>(
    row: &Row<'_>,
    column: usize,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text = row.get_ref(column)?.as_str()?;
    parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("unknown value '{text}'").into(),
        )
    })
}
