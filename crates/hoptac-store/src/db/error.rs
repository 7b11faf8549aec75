//! What can go wrong in storage, and which failures are worth a retry or a 503.

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
    pub(super) fn is_retryable(&self) -> bool {
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

    pub(super) fn classify(self) -> StoreError {
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
