//! `store copy` on PostgreSQL: a table's rows as plain values, and rows
//! written back as they are, several to a statement.

use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use super::tx::PgTx;
use crate::error::Result;
use crate::store::copy::{TABLES, Table, Value};

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => n.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::TEXT | Type::BYTEA)
    }

    to_sql_checked!();
}

/// Rows written by one `INSERT`: well under PostgreSQL's 65,535
/// parameters for the widest table.
const ROWS_PER_INSERT: usize = 500;

impl PgTx<'_> {
    pub(super) fn rows_of(
        &mut self,
        table: &Table,
        after: Option<&[Value]>,
        limit: usize,
    ) -> Result<Vec<Vec<Value>>> {
        let key = table.key_list();
        let filter = if after.is_some() {
            let marks: Vec<String> = (1..=table.key).map(|i| format!("${i}")).collect();
            format!("WHERE ({key}) > ({})", marks.join(", "))
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT {} FROM {} {filter} ORDER BY {key} LIMIT {limit}",
            table.column_list(),
            table.name
        );
        let params: Vec<&(dyn ToSql + Sync)> = after
            .unwrap_or_default()
            .iter()
            .map(|v| v as &(dyn ToSql + Sync))
            .collect();
        let rows = self.query_text(&sql, &params)?;
        rows.iter()
            .map(|row| {
                (0..table.columns.len())
                    .map(|i| self.value(row, i, table))
                    .collect()
            })
            .collect()
    }

    fn value(&mut self, row: &tokio_postgres::Row, i: usize, table: &Table) -> Result<Value> {
        let read = match *row.columns()[i].type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int)),
            Type::TEXT => row
                .try_get::<_, Option<String>>(i)
                .map(|v| v.map(Value::Text)),
            Type::BYTEA => row
                .try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map(Value::Bytes)),
            ref other => {
                return Err(self.server.failure(format!(
                    "column {} of table {} has type {other}, which no apikey makes",
                    table.columns[i], table.name
                )));
            }
        };
        read.map(|v| v.unwrap_or(Value::Null))
            .map_err(|e| self.fail(e.into()))
    }

    pub(super) fn insert_all(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<()> {
        let width = table.columns.len();
        for batch in rows.chunks(ROWS_PER_INSERT) {
            let tuples: Vec<String> = (0..batch.len())
                .map(|r| {
                    let marks: Vec<String> =
                        (1..=width).map(|c| format!("${}", r * width + c)).collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}",
                table.name,
                table.column_list(),
                tuples.join(", ")
            );
            let params: Vec<&(dyn ToSql + Sync)> = batch
                .iter()
                .flatten()
                .map(|v| v as &(dyn ToSql + Sync))
                .collect();
            self.execute_text(&sql, &params)?;
        }
        Ok(())
    }

    /// Every table, against every other writer (readers go on).
    pub(super) fn hold_tables(&mut self) -> Result<()> {
        let tables: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        let sql = format!("LOCK TABLE {} IN EXCLUSIVE MODE", tables.join(", "));
        self.execute_text(&sql, &[]).map(drop)
    }

    pub(super) fn clear_new(&mut self) -> Result<()> {
        self.execute_text("DELETE FROM housekeeping", &[])?;
        self.execute_text("DELETE FROM accounts", &[]).map(drop)
    }

    /// Each identity column's next value follows the largest id written;
    /// the chore's row, which a new store is made with so that claiming it
    /// never waits on an insert, is there again if the copy had none.
    pub(super) fn follow_ids(&mut self) -> Result<()> {
        self.execute_text(
            "INSERT INTO housekeeping (chore, day) VALUES ('redact_ips', -1)
             ON CONFLICT (chore) DO NOTHING",
            &[],
        )?;
        for table in TABLES.iter().filter(|t| t.columns[0] == "id") {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('apikey.{0}', 'id'),
                               COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
                table.name
            );
            self.query_text(&sql, &[])?;
        }
        Ok(())
    }
}
