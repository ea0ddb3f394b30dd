//! `store copy` on SQLite: a table's rows as plain values, and rows
//! written back as they are.

use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::tx::SqliteTx;
use crate::error::{Error, Result};
use crate::store::copy::{Table, Value};

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Bytes(b) => ValueRef::Blob(b),
        }))
    }
}

impl SqliteTx<'_> {
    pub(super) fn rows_of(
        &mut self,
        table: &Table,
        after: Option<&[Value]>,
        limit: usize,
    ) -> Result<Vec<Vec<Value>>> {
        let key = table.key_list();
        let marks = vec!["?"; table.key].join(", ");
        let filter = if after.is_some() {
            format!("WHERE ({key}) > ({marks})")
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT {} FROM {} {filter} ORDER BY {key} LIMIT {limit}",
            table.column_list(),
            table.name
        );
        let mut stmt = self.stmt(&sql).map_err(|e| self.fail(e))?;
        let params: Vec<&dyn ToSql> = after
            .unwrap_or_default()
            .iter()
            .map(|v| v as &dyn ToSql)
            .collect();
        let mut rows = stmt.query(params.as_slice()).map_err(|e| self.fail(e))?;
        let mut read = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
            let mut values = Vec::with_capacity(table.columns.len());
            for (i, column) in table.columns.iter().enumerate() {
                values.push(match row.get_ref(i).map_err(|e| self.fail(e))? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::Int(n),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                    ValueRef::Real(_) => {
                        return Err(Error::Store {
                            path: self.errors.path().to_path_buf(),
                            message: format!(
                                "column {column} of table {} holds a real number, which no apikey writes",
                                table.name
                            ),
                            source: None,
                        });
                    }
                });
            }
            read.push(values);
        }
        Ok(read)
    }

    pub(super) fn insert_all(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<()> {
        let marks = vec!["?"; table.columns.len()].join(", ");
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({marks})",
            table.name,
            table.column_list()
        );
        let mut stmt = self.stmt(&sql).map_err(|e| self.fail(e))?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter()))
                .map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    pub(super) fn clear_new(&mut self) -> Result<()> {
        self.stmt("DELETE FROM housekeeping")
            .and_then(|mut s| s.execute([]))
            .and_then(|_| {
                self.stmt("DELETE FROM accounts")
                    .and_then(|mut s| s.execute([]))
            })
            .map(drop)
            .map_err(|e| self.fail(e))
    }
}
