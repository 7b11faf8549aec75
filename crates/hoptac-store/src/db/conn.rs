//! The connection a closure runs its queries on, one implementation per engine.

use super::bulk::{self, Rows};
use super::{Backend, Result, Row, StoreError, Val};
use chrono::{DateTime, NaiveDate, Utc};

/// A connection inside a transaction: the only way queries run.
pub trait Conn {
    fn backend(&self) -> Backend;
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>>;
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Inserts the rows `rows` yields into `table`, pulling each as it is written (see
    /// [`super::bulk`]); returns how many. The first error stops it.
    fn insert_rows(&mut self, table: &str, columns: &[&str], rows: Rows<'_>) -> Result<u64>;
    /// What this transaction will add to the audit trail when it commits.
    fn audit_buffer(&mut self) -> &mut crate::audit::Buffer;

    fn query_one(&mut self, sql: &str, params: &[Val]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

pub(super) struct SqliteConn<'a>(
    pub(super) &'a rusqlite::Transaction<'a>,
    pub(super) crate::audit::Buffer,
);

impl Conn for SqliteConn<'_> {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let mut st = self.0.prepare_cached(sql)?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                use rusqlite::types::ValueRef;
                v.push(match r.get_ref(i)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(x) => Val::I64(x),
                    ValueRef::Real(x) => Val::F64(x),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Val::Bytes(b.to_vec()),
                });
            }
            out.push(Row(v));
        }
        Ok(out)
    }
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let mut st = self.0.prepare_cached(sql)?;
        st.execute(rusqlite::params_from_iter(params.iter()))
            .map(|n| n as u64)
            .map_err(|e| StoreError::from(e).classify())
    }
    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }
    fn insert_rows(&mut self, table: &str, columns: &[&str], rows: Rows<'_>) -> Result<u64> {
        bulk::sqlite(self.0, table, columns, rows)
    }
    fn audit_buffer(&mut self) -> &mut crate::audit::Buffer {
        &mut self.1
    }
}

pub(super) struct PgConn<'a, 'b>(
    pub(super) &'a mut postgres::Transaction<'b>,
    pub(super) crate::audit::Buffer,
);

/// `?` → `$1, $2, …`, leaving quoted text alone.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            c => out.push(c),
        }
    }
    out
}

fn pg_params(params: &[Val]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

impl Conn for PgConn<'_, '_> {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        use postgres::types::Type;
        let rows = self.0.query(&pg_placeholders(sql), &pg_params(params))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut v = Vec::with_capacity(r.len());
            for (i, col) in r.columns().iter().enumerate() {
                let ty = col.type_();
                let val = if *ty == Type::INT8 {
                    r.try_get::<_, Option<i64>>(i)?.map(Val::I64)
                } else if *ty == Type::INT4 {
                    r.try_get::<_, Option<i32>>(i)?.map(|x| Val::I64(x.into()))
                } else if *ty == Type::INT2 {
                    r.try_get::<_, Option<i16>>(i)?.map(|x| Val::I64(x.into()))
                } else if *ty == Type::FLOAT8 {
                    r.try_get::<_, Option<f64>>(i)?.map(Val::F64)
                } else if *ty == Type::DATE {
                    r.try_get::<_, Option<NaiveDate>>(i)?.map(Val::Date)
                } else if *ty == Type::TIMESTAMPTZ {
                    r.try_get::<_, Option<DateTime<Utc>>>(i)?.map(Val::Ts)
                } else if *ty == Type::BOOL {
                    r.try_get::<_, Option<bool>>(i)?.map(Val::Bool)
                } else if *ty == Type::BYTEA {
                    r.try_get::<_, Option<Vec<u8>>>(i)?.map(Val::Bytes)
                } else {
                    r.try_get::<_, Option<String>>(i)?.map(Val::Text)
                };
                v.push(val.unwrap_or(Val::Null));
            }
            out.push(Row(v));
        }
        Ok(out)
    }
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        self.0
            .execute(&pg_placeholders(sql), &pg_params(params))
            .map_err(|e| StoreError::from(e).classify())
    }
    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.batch_execute(sql)?)
    }
    fn insert_rows(&mut self, table: &str, columns: &[&str], rows: Rows<'_>) -> Result<u64> {
        bulk::postgres(self.0, table, columns, rows)
    }
    fn audit_buffer(&mut self) -> &mut crate::audit::Buffer {
        &mut self.1
    }
}
