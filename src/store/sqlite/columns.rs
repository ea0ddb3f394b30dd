//! SQLite's rows read through the backend-agnostic [`Columns`], and a
//! column that does not hold what it should turned into rusqlite's error.

use rusqlite::Row;
use rusqlite::types::Type;

use crate::store::columns::{ColumnError, Columns};

impl Columns for Row<'_> {
    // Integers and text are read without the generic conversion layer:
    // this runs for every column of every verification.
    fn int(&self, column: usize) -> Result<i64, ColumnError> {
        self.get_ref(column)
            .and_then(|v| v.as_i64().map_err(Into::into))
            .map_err(|e| ColumnError::new(column, e))
    }

    fn opt_int(&self, column: usize) -> Result<Option<i64>, ColumnError> {
        self.get_ref(column)
            .and_then(|v| v.as_i64_or_null().map_err(Into::into))
            .map_err(|e| ColumnError::new(column, e))
    }

    fn text(&self, column: usize) -> Result<&str, ColumnError> {
        self.get_ref(column)
            .and_then(|v| v.as_str().map_err(Into::into))
            .map_err(|e| ColumnError::new(column, e))
    }

    fn opt_text(&self, column: usize) -> Result<Option<&str>, ColumnError> {
        self.get_ref(column)
            .and_then(|v| v.as_str_or_null().map_err(Into::into))
            .map_err(|e| ColumnError::new(column, e))
    }

    fn bytes(&self, column: usize) -> Result<&[u8], ColumnError> {
        self.get_ref(column)
            .and_then(|v| v.as_blob().map_err(Into::into))
            .map_err(|e| ColumnError::new(column, e))
    }
}

/// A column that does not hold what its meaning admits, as rusqlite's
/// conversion failure (so it reaches the user as every SQLite error does).
pub(super) fn conversion(e: ColumnError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(e.column, Type::Text, e.message.into())
}

/// Reads a row through `read`, for rusqlite's row closures.
pub(super) fn read<T>(
    row: &Row<'_>,
    read: impl FnOnce(&Row<'_>) -> Result<T, ColumnError>,
) -> rusqlite::Result<T> {
    read(row).map_err(conversion)
}
