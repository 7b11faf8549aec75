//! Schema migrations: one folder per backend with matching versions, embedded in the
//! binary and applied in order at start and by `hoptac migrate`.

use crate::db::{Backend, Conn, Db, Result, StoreError, Val};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// One migration from its version, file prefix and name: the same file name in both
/// backends' folders, so the two cannot drift apart.
macro_rules! migration {
    ($version:literal, $prefix:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!(
                "../migrations/sqlite/",
                $prefix,
                "_",
                $name,
                ".sql"
            )),
            postgres: include_str!(concat!(
                "../migrations/postgres/",
                $prefix,
                "_",
                $name,
                ".sql"
            )),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001", "registry"),
    migration!(2, "0002", "documents"),
    migration!(3, "0003", "audit"),
    migration!(4, "0004", "users"),
    migration!(5, "0005", "pending_imports"),
    migration!(6, "0006", "search_index"),
    migration!(7, "0007", "kind_sort_index"),
    migration!(8, "0008", "pending_import_bytes"),
    migration!(9, "0009", "api_token_expiry"),
    migration!(10, "0010", "audit_digests"),
    migration!(11, "0011", "failed_login_source"),
    migration!(15, "0015", "second_factor"),
];

/// The newest schema version this program knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

fn applied(c: &mut dyn Conn) -> Result<Vec<i64>> {
    c.query(
        "SELECT version FROM schema_migrations ORDER BY version",
        &[],
    )?
    .iter()
    .map(|r| r.i64(0))
    .collect()
}

/// Applies the migrations not yet applied; returns the versions it applied. Several
/// servers starting at once on one PostgreSQL take turns through an advisory lock.
pub fn migrate(db: &Db) -> Result<Vec<i64>> {
    migrate_to(db, latest_version())
}

/// [`migrate`] up to and including `target` (tests bring a database to an older schema
/// to check what a later migration does to its rows).
pub(crate) fn migrate_to(db: &Db, target: i64) -> Result<Vec<i64>> {
    db.write(|c| {
        let ts = match c.backend() {
            Backend::Sqlite => "TEXT",
            Backend::Postgres => "TIMESTAMPTZ",
        };
        if c.backend() == Backend::Postgres {
            c.execute("SELECT pg_advisory_xact_lock(727274)", &[])?;
        }
        c.batch(&format!(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
             name TEXT NOT NULL, applied_at {ts} NOT NULL)"
        ))?;
        let done = applied(c)?;
        if let Some(max) = done.iter().max().filter(|m| **m > latest_version()) {
            return Err(StoreError::TooNew(*max, latest_version()));
        }
        let mut now_applied = Vec::new();
        let pending = MIGRATIONS
            .iter()
            .filter(|m| m.version <= target && !done.contains(&m.version));
        for m in pending {
            let sql = match c.backend() {
                Backend::Sqlite => m.sqlite,
                Backend::Postgres => m.postgres,
            };
            c.batch(sql)
                .map_err(|e| StoreError::Migration(m.version, e.to_string()))?;
            c.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                &[m.version.into(), m.name.into(), Val::Ts(chrono::Utc::now())],
            )?;
            now_applied.push(m.version);
        }
        Ok(now_applied)
    })
}

/// Tables and their columns, sorted, to compare the two backends' schemas.
pub fn describe_schema(db: &Db) -> Result<Vec<(String, Vec<String>)>> {
    db.read(|c| {
        let tables: Vec<String> = match c.backend() {
            Backend::Sqlite => c.query(
                // The search index is each backend's own (FTS5 here, pg_trgm there).
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE 'org_search%' ORDER BY name",
                &[],
            )?,
            Backend::Postgres => c.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
                &[],
            )?,
        }
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_>>()?;
        let mut out = Vec::new();
        for t in tables {
            let mut cols: Vec<String> = match c.backend() {
                Backend::Sqlite => c
                    .query(&format!("SELECT name FROM pragma_table_info('{t}')"), &[])?
                    .iter()
                    .map(|r| r.text(0))
                    .collect::<Result<_>>()?,
                Backend::Postgres => c
                    .query(
                        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?",
                        &[t.clone().into()],
                    )?
                    .iter()
                    .map(|r| r.text(0))
                    .collect::<Result<_>>()?,
            };
            cols.sort();
            out.push((t, cols));
        }
        Ok(out)
    })
}
