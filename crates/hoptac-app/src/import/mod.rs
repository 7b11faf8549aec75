//! Importing spreadsheets (.xlsx/.csv, spec §8): organisations (*sổ đăng ký*), annual
//! reports (*báo cáo năm*) and score sheets (*phiếu chấm điểm*). All three go through
//! one pipeline (decision 0019):
//!
//! 1. **read** (`pipeline`): the file is read within limits, its header row found and
//!    matched to the importer's columns; what was left out becomes a note;
//! 2. **plan per row**: in one read snapshot every row is parsed, matched to what is
//!    stored and checked; each problem goes to one error collector (`Errors`) with
//!    its row, column and reason, and each good row becomes a plan (create, update,
//!    unchanged, or refused);
//! 3. **write**: if any row is wrong nothing is written and the report lists every
//!    error; otherwise the plans are counted in one `Tally` and, unless it is a dry
//!    run, written in one transaction. Importing the same file twice changes nothing
//!    the second time.
//!
//! Each importer supplies only what differs — its columns, its per-row plan and its
//! write: `registry` (organisations), `reports` and `scores`, with `docs` for
//! what the last two share (which organisation and year a row is about).

mod docs;
mod errors;
mod messages;
mod pipeline;
mod registry;
mod report;
mod reports;
mod scores;

pub use registry::import_file;
pub use report::{ImportReport, RowError, RowOutcome};
pub use reports::import_reports;
pub use scores::import_score_sheets;

use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgKind;

/// How to import organisations.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The kind of every row when the file has no kind column.
    pub kind: Option<OrgKind>,
    /// Check and report, write nothing.
    pub dry_run: bool,
    pub lang: Lang,
}

/// How to import reports or score sheets.
#[derive(Debug, Clone)]
pub struct DocImportOptions {
    /// The year of every row when the file has no year column.
    pub year: Option<i32>,
    pub dry_run: bool,
    pub lang: Lang,
    /// Score sheets: enter them as approved historical sheets (provincial officers).
    pub approved: bool,
}

/// Progress of a long import, for a progress line or bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    Checking { done: usize, total: usize },
    Writing { done: usize, total: usize },
}
