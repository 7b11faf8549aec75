//! One small database interface over SQLite (rusqlite) and PostgreSQL (postgres):
//! queries are written once with `?` placeholders in the SQL both engines share, and
//! values travel as [`Val`]. See docs/decisions/0002-storage.md for why not an ORM.

mod bulk;
mod conn;
mod error;
mod pool;
mod value;

pub use bulk::Rows;
pub use conn::{pg_placeholders, Conn};
pub use error::StoreError;
pub use pool::Db;
pub use value::{Row, Val};

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

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
