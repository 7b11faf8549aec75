//! Online backups. SQLite: `VACUUM INTO` writes a consistent copy while the database
//! is in use. PostgreSQL: `pg_dump` (documented in the README), not done here.

use crate::db::{Backend, Db, Result, StoreError, Val};
use std::path::Path;

/// Writes a consistent copy of a live SQLite database to `dest` (which must not exist).
pub fn backup_sqlite(db: &Db, dest: &Path) -> Result<()> {
    if db.backend() != Backend::Sqlite {
        return Err(StoreError::Open(
            "backup writes SQLite copies; for PostgreSQL use pg_dump (see README)".into(),
        ));
    }
    if dest.exists() {
        return Err(StoreError::Open(format!(
            "{} already exists",
            dest.display()
        )));
    }
    let dest = dest.to_string_lossy().into_owned();
    // VACUUM cannot run inside a transaction, so this one uses a plain connection.
    db.raw_sqlite(|c| {
        c.execute("VACUUM INTO ?1", [Val::Text(dest.clone())])?;
        Ok(())
    })
}
