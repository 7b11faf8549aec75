//! Spreadsheet imports through the scoped handle (*nhập dữ liệu*): provincial work; an
//! uploaded file waits for its confirmation under a token only its uploader can use.

use super::Scoped;
use crate::error::Result;
use crate::import::{ImportOptions, ImportReport, Progress};
use crate::registry::Actor;
use hoptac_domain::auth::Action;

/// A file kept between its check and its confirmation.
pub use hoptac_store::users::PendingUpload;

impl Scoped {
    /// Imports a file (or only checks it, with `dry_run`). `Err(ImportRejected)` carries
    /// the report when any row is wrong.
    pub fn import_file(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
        opts: &ImportOptions,
        actor: &Actor,
        progress: &dyn Fn(Progress),
    ) -> Result<ImportReport> {
        self.allowed(Action::ManageProvince)?;
        crate::import::import_file(&self.reg, file_name, bytes, opts, actor, progress)
    }

    /// Keeps a checked file for its confirmation; returns its token.
    pub fn keep_upload(&self, file_name: &str, kind: Option<&str>, bytes: &[u8]) -> Result<String> {
        self.allowed(Action::ManageProvince)?;
        self.reg.keep_upload(&self.who, file_name, kind, bytes)
    }

    /// Takes back this account's file kept under a token (and forgets it).
    pub fn take_upload(&self, token: &str) -> Result<Option<PendingUpload>> {
        self.allowed(Action::ManageProvince)?;
        self.reg.take_upload(&self.who, token)
    }
}
