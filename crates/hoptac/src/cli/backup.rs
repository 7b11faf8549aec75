//! `hoptac backup`: a consistent copy of a live SQLite database (for PostgreSQL use
//! pg_dump).

use super::{fail, Failure};
use clap::Args;
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use hoptac_store::backup::backup_sqlite;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub(super) struct BackupArgs {
    /// Where to write the copy (must not exist).
    dest: PathBuf,
}

pub(super) fn run(reg: &Registry, a: BackupArgs, lang: Lang) -> Result<(), Failure> {
    backup_sqlite(&reg.db, &a.dest).map_err(|e| fail(e.into(), lang))?;
    outln!(
        "{} {}",
        lang.t("Đã sao lưu vào", "Backed up to"),
        a.dest.display()
    );
    Ok(())
}
