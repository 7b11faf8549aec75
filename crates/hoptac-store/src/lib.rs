//! hoptac storage: SQLite (embedded default) and PostgreSQL, one schema, migrations for
//! both, and the repositories. Every write goes through [`Db::write`] (all or nothing).

pub mod audit;
pub mod backup;
pub mod db;
pub mod docs;
pub mod migrate;
pub mod orgs;
pub mod overlays;
pub mod users;

pub use db::{AsStoreError, Backend, Conn, Db, Row, StoreError, Val};
#[cfg(test)]
mod tests;
