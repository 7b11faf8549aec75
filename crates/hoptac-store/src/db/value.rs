//! Values bound to and read from queries, and the rows they come back in.

use super::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};

/// A value bound to or read from a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    I64(i64),
    F64(f64),
    Text(String),
    Date(NaiveDate),
    Ts(DateTime<Utc>),
    Bool(bool),
    /// Raw bytes: `BLOB` on SQLite, `BYTEA` on PostgreSQL (uploaded files).
    Bytes(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<NaiveDate> for Val {
    fn from(v: NaiveDate) -> Self {
        Val::Date(v)
    }
}
impl From<DateTime<Utc>> for Val {
    fn from(v: DateTime<Utc>) -> Self {
        Val::Ts(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Bool(v)
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Self {
        Val::Bytes(v)
    }
}
impl From<&[u8]> for Val {
    fn from(v: &[u8]) -> Self {
        Val::Bytes(v.to_vec())
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// Timestamps on SQLite are text in one fixed format so that text order is time order.
const TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(match self {
            Val::Null => ToSqlOutput::Owned(Value::Null),
            Val::I64(v) => ToSqlOutput::Owned(Value::Integer(*v)),
            Val::F64(v) => ToSqlOutput::Owned(Value::Real(*v)),
            Val::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
            Val::Date(d) => ToSqlOutput::Owned(Value::Text(d.format("%Y-%m-%d").to_string())),
            Val::Ts(t) => ToSqlOutput::Owned(Value::Text(t.format(TS_FORMAT).to_string())),
            Val::Bool(b) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
            Val::Bytes(b) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Blob(b)),
        })
    }
}

impl postgres::types::ToSql for Val {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::I64(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Val::I64(v) => v.to_sql(ty, out),
            Val::F64(v) => v.to_sql(ty, out),
            Val::Text(s) => s.to_sql(ty, out),
            Val::Date(d) => d.to_sql(ty, out),
            Val::Ts(t) => t.to_sql(ty, out),
            Val::Bool(b) => b.to_sql(ty, out),
            Val::Bytes(b) => b.to_sql(ty, out),
        }
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

/// One result row, materialised.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Val>);

impl Row {
    fn get(&self, i: usize) -> Result<&Val> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} missing")))
    }
    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        match self.get(i)? {
            Val::Null => Ok(None),
            Val::I64(v) => Ok(Some(*v)),
            Val::Bool(b) => Ok(Some(i64::from(*b))),
            v => Err(StoreError::Corrupt(format!(
                "column {i}: expected integer, got {v:?}"
            ))),
        }
    }
    pub fn i64(&self, i: usize) -> Result<i64> {
        self.opt_i64(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.get(i)? {
            Val::Null => Ok(None),
            Val::Text(s) => Ok(Some(s.clone())),
            v => Err(StoreError::Corrupt(format!(
                "column {i}: expected text, got {v:?}"
            ))),
        }
    }
    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        match self.get(i)? {
            Val::Bytes(b) => Ok(b.clone()),
            v => Err(StoreError::Corrupt(format!(
                "column {i}: expected bytes, got {v:?}"
            ))),
        }
    }
    pub fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>> {
        match self.get(i)? {
            Val::Null => Ok(None),
            Val::Date(d) => Ok(Some(*d)),
            Val::Text(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}"))),
            v => Err(StoreError::Corrupt(format!(
                "column {i}: expected date, got {v:?}"
            ))),
        }
    }
    pub fn date(&self, i: usize) -> Result<NaiveDate> {
        self.opt_date(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is null")))
    }
    pub fn ts(&self, i: usize) -> Result<DateTime<Utc>> {
        match self.get(i)? {
            Val::Ts(t) => Ok(*t),
            Val::Text(s) => DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}"))),
            v => Err(StoreError::Corrupt(format!(
                "column {i}: expected time, got {v:?}"
            ))),
        }
    }
}
