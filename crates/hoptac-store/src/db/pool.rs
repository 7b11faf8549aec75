//! The pooled database and its read and write transactions.

use super::conn::{PgConn, SqliteConn};
use super::{AsStoreError, Backend, Conn, Result, StoreError};
use r2d2::Pool;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_sqlite::SqliteConnectionManager;
use std::time::Duration;

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

/// SQLite page caches, in KiB (negative: a size, not a page count): reads, and writes.
const READ_CACHE_KIB: i32 = -2048;
const WRITE_CACHE_KIB: i32 = -16384;

/// How many times a transaction is tried before a serialization failure is reported.
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
