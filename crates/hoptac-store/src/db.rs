//! One small database interface over SQLite (rusqlite) and PostgreSQL (postgres):
//! queries are written once with `?` placeholders in the SQL both engines share, and
//! values travel as [`Val`]. See docs/decisions/0002-storage.md for why not an ORM.

use chrono::{DateTime, NaiveDate, Utc};
use r2d2::Pool;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_sqlite::SqliteConnectionManager;
use std::time::Duration;

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Storage errors. The app layer turns the expected ones (conflicts, duplicates) into
/// user messages; the rest are internal and logged, never shown with their SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL scheme in {0:?}: use sqlite://PATH or postgres://…")]
    UnknownScheme(String),
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("migration {0} failed: {1}")]
    Migration(i64, String),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("the database schema is newer ({0}) than this program knows ({1})")]
    TooNew(i64, i64),
}

impl StoreError {
    /// The database is away or overloaded (no connection within the wait, a closed
    /// connection, a server shutting down, a database busy past its timeout): nothing
    /// was done and the same request may succeed shortly. Answered 503, not 500.
    pub fn is_unavailable(&self) -> bool {
        use postgres::error::SqlState;
        match self {
            StoreError::Pool(_) => true,
            StoreError::Postgres(e) => {
                e.is_closed()
                    || e.code().is_some_and(|c| {
                        *c == SqlState::ADMIN_SHUTDOWN
                            || *c == SqlState::CRASH_SHUTDOWN
                            || *c == SqlState::CANNOT_CONNECT_NOW
                            || *c == SqlState::TOO_MANY_CONNECTIONS
                    })
            }
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::CannotOpen
            ),
            _ => false,
        }
    }

    /// A failure another attempt may not meet: serialization failures and deadlocks
    /// on PostgreSQL, a busy database on SQLite.
    fn is_retryable(&self) -> bool {
        match self {
            StoreError::Postgres(e) => e.code().is_some_and(|c| {
                *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            }),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::DatabaseBusy
            }
            _ => false,
        }
    }

    fn classify(self) -> StoreError {
        match &self {
            StoreError::Postgres(e)
                if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) =>
            {
                let c = e
                    .as_db_error()
                    .and_then(|d| d.constraint().map(str::to_owned))
                    .unwrap_or_default();
                StoreError::Unique(c)
            }
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, msg))
                if e.extended_code == 2067 || e.extended_code == 1555 =>
            {
                StoreError::Unique(msg.clone().unwrap_or_default())
            }
            _ => self,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

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

/// A connection inside a transaction: the only way queries run.
pub trait Conn {
    fn backend(&self) -> Backend;
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>>;
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64>;
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// What this transaction will add to the audit trail when it commits.
    fn audit_buffer(&mut self) -> &mut crate::audit::Buffer;

    fn query_one(&mut self, sql: &str, params: &[Val]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

struct SqliteConn<'a>(&'a rusqlite::Transaction<'a>, crate::audit::Buffer);

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
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Val::Text(String::from_utf8_lossy(t).into_owned())
                    }
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
    fn audit_buffer(&mut self) -> &mut crate::audit::Buffer {
        &mut self.1
    }
}

struct PgConn<'a, 'b>(&'a mut postgres::Transaction<'b>, crate::audit::Buffer);

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
    fn audit_buffer(&mut self) -> &mut crate::audit::Buffer {
        &mut self.1
    }
}

#[derive(Clone)]
enum Pools {
    Sqlite(Pool<SqliteConnectionManager>),
    Postgres(Pool<PostgresConnectionManager<postgres::NoTls>>),
}

/// A database: a pool of connections to SQLite or PostgreSQL.
#[derive(Clone)]
pub struct Db {
    pools: Pools,
    url: String,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({:?})", self.backend())
    }
}

/// How many times a transaction is tried before a serialization failure is reported.
/// SQLite page caches, in KiB (negative: a size, not a page count): reads, and writes.
const READ_CACHE_KIB: i32 = -2048;
const WRITE_CACHE_KIB: i32 = -16384;

const ATTEMPTS: usize = 5;

/// How long a request waits for a database connection before it is answered 503
/// (`HOPTAC_DB_POOL_WAIT_SECS`, default 5): a bounded wait, never a 30 s hang.
fn pool_wait() -> Duration {
    let secs = std::env::var("HOPTAC_DB_POOL_WAIT_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(5);
    Duration::from_secs(secs)
}

impl Db {
    /// Opens `sqlite://PATH` (created if missing) or `postgres://…`; any other scheme
    /// is refused rather than read as a file name.
    pub fn open(url: &str) -> Result<Db> {
        Self::open_with_pool(url, None, pool_wait())
    }

    /// [`Db::open`] with a pool of `max_size` connections (default 8 on SQLite, 16 on
    /// PostgreSQL) and a bounded wait for one, after which a request is answered 503.
    pub fn open_with_pool(url: &str, max_size: Option<u32>, wait: Duration) -> Result<Db> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::Open("sqlite:// needs a file path".into()));
            }
            let mgr = SqliteConnectionManager::file(path).with_init(|c| {
                // Statement journals in memory keep a bulk import from writing temporary
                // files in the middle of its transaction (the page cache: see `write`).
                c.execute_batch(&format!(
                    "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; \
                     PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; \
                     PRAGMA cache_size={READ_CACHE_KIB}; PRAGMA temp_store=MEMORY;"
                ))
            });
            let pool = Pool::builder()
                .max_size(max_size.unwrap_or(8))
                .connection_timeout(wait)
                .build(mgr)
                .map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
            Ok(Db {
                pools: Pools::Sqlite(pool),
                url: url.to_owned(),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let cfg: postgres::Config = url
                .parse()
                .map_err(|e: postgres::Error| StoreError::Open(e.to_string()))?;
            let mgr = PostgresConnectionManager::new(cfg, postgres::NoTls);
            let pool = Pool::builder()
                .max_size(max_size.unwrap_or(16))
                .connection_timeout(wait)
                .build(mgr)
                .map_err(|e| StoreError::Open(e.to_string()))?;
            Ok(Db {
                pools: Pools::Postgres(pool),
                url: url.to_owned(),
            })
        } else {
            Err(StoreError::UnknownScheme(url.to_owned()))
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs `f` on a plain SQLite connection, outside any transaction (for `VACUUM`).
    pub fn raw_sqlite<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        match &self.pools {
            Pools::Sqlite(p) => f(&*p.get()?),
            Pools::Postgres(_) => Err(StoreError::Open("not a SQLite database".into())),
        }
    }

    /// Runs `f` in a read transaction (one consistent snapshot).
    pub fn read<T, E>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        match &self.pools {
            Pools::Sqlite(p) => {
                let mut c = p.get().map_err(StoreError::from)?;
                let tx = c.transaction().map_err(StoreError::from)?;
                let r = f(&mut SqliteConn(&tx, Default::default()))?;
                tx.commit().map_err(StoreError::from)?;
                Ok(r)
            }
            Pools::Postgres(p) => {
                let mut c = p.get().map_err(StoreError::from)?;
                let mut tx = c
                    .build_transaction()
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .map_err(StoreError::from)?;
                let r = f(&mut PgConn(&mut tx, Default::default()))?;
                tx.commit().map_err(StoreError::from)?;
                Ok(r)
            }
        }
    }

    /// Runs `f` in a write transaction, all or nothing, retried on serialization
    /// failures. `f` may run more than once, so it must not have side effects outside
    /// the transaction. An `Err` from `f` rolls everything back.
    pub fn write<T, E>(&self, mut f: impl FnMut(&mut dyn Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + AsStoreError,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let r = self.write_once(&mut f);
            match r {
                Err(e)
                    if attempt < ATTEMPTS && e.store_error().is_some_and(|s| s.is_retryable()) =>
                {
                    std::thread::sleep(Duration::from_millis(10 * attempt as u64));
                }
                r => return r,
            }
        }
    }

    fn write_once<T, E>(&self, f: &mut impl FnMut(&mut dyn Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        match &self.pools {
            Pools::Sqlite(p) => {
                let mut c = p.get().map_err(StoreError::from)?;
                // A writing transaction gets a 16 MB page cache (a bulk import would
                // otherwise spill to the WAL midway); reads keep SQLite's 2 MB, so the
                // pool's idle connections hold little memory.
                c.execute_batch(&format!("PRAGMA cache_size={WRITE_CACHE_KIB}"))
                    .map_err(StoreError::from)?;
                let r = (|| {
                    // IMMEDIATE takes the write lock up front: SQLite has one writer, and
                    // a deferred transaction that upgrades later can fail instead of
                    // waiting.
                    let tx = c
                        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                        .map_err(StoreError::from)?;
                    let mut conn = SqliteConn(&tx, Default::default());
                    let r = f(&mut conn)?;
                    crate::audit::flush(&mut conn)?;
                    tx.commit().map_err(StoreError::from)?;
                    Ok(r)
                })();
                // The write's outcome stands even if the cache cannot be shrunk back.
                if let Err(e) = c.execute_batch(&format!("PRAGMA cache_size={READ_CACHE_KIB}")) {
                    tracing::warn!("restoring the SQLite page cache size: {e}");
                }
                r
            }
            Pools::Postgres(p) => {
                let mut c = p.get().map_err(StoreError::from)?;
                let mut tx = c.transaction().map_err(StoreError::from)?;
                let mut conn = PgConn(&mut tx, Default::default());
                let r = f(&mut conn)?;
                crate::audit::flush(&mut conn)?;
                tx.commit().map_err(StoreError::from)?;
                Ok(r)
            }
        }
    }
}

/// Lets [`Db::write`] see a storage error inside a caller's error type, to retry it.
pub trait AsStoreError {
    fn store_error(&self) -> Option<&StoreError>;
}

impl AsStoreError for StoreError {
    fn store_error(&self) -> Option<&StoreError> {
        Some(self)
    }
}

/// Normalises a storage error raised inside a caller's closure (unique violations).
pub fn classify(e: StoreError) -> StoreError {
    e.classify()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_quoted_text() {
        assert_eq!(
            pg_placeholders("SELECT '?' , a FROM t WHERE a = ? AND b = ?"),
            "SELECT '?' , a FROM t WHERE a = $1 AND b = $2"
        );
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(matches!(
            Db::open("mysql://x"),
            Err(StoreError::UnknownScheme(_))
        ));
        assert!(matches!(
            Db::open("./file.db"),
            Err(StoreError::UnknownScheme(_))
        ));
    }
}
