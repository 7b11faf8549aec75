//! Importing organisations (*nhập sổ đăng ký*, spec §8). Rows are matched to existing
//! records (record id, tax code, registration number within its registering body,
//! then kind + unaccented name + place), and only what differs is written, so
//! importing a file twice changes nothing the second time. The pipeline (read, check
//! every row, write all or nothing) is `import::pipeline`; this importer supplies its
//! columns, its per-row plan (`plan`) and its write.

mod lookup;
mod plan;
mod read;
mod row;
mod write;

use super::errors::Errors;
use super::pipeline::{self, Importer, Plan};
use super::{ImportOptions, ImportReport, Progress};
use crate::columns::REGISTRY_COLUMNS;
use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::NaiveDate;
use hoptac_domain::history::ChangeBody;
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, StatusChange};
use hoptac_domain::place::Gazetteer;
use hoptac_domain::validate::Validator;
use hoptac_io::table::{ColumnSpec, DataRow};
use hoptac_store::Conn;
use lookup::Lookup;
use read::ReadRow;
use std::collections::{HashMap, VecDeque};

/// What a registry row writes.
enum OrgChange {
    Create {
        kind: OrgKind,
        fields: Box<OrgFields>,
        status: StatusChange,
        /// When the status is not active: the day it took effect.
        status_at: Option<NaiveDate>,
    },
    Update {
        id: OrgId,
        version: i64,
        bodies: Vec<(NaiveDate, ChangeBody)>,
    },
}

/// The registry importer: the file's options and what its rows have named so far.
struct RegistryImport<'a> {
    reg: &'a Registry,
    opts: &'a ImportOptions,
    file: &'a str,
    actor: &'a Actor,
    places: &'a Gazetteer,
    validator: Validator<'a>,
    today: NaiveDate,
    lookup: Lookup,
    /// The rows read ahead (see `read`), taken in turn.
    read: VecDeque<ReadRow>,
    /// Tax codes, records and match keys already named, with their row: a file names
    /// each organisation once.
    seen_tax: HashMap<String, usize>,
    seen_ids: HashMap<OrgId, usize>,
    seen_keys: HashMap<String, usize>,
}

/// Imports a file. `Err(ImportRejected)` carries the report when any row is wrong.
pub fn import_file(
    reg: &Registry,
    file_name: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
    actor: &Actor,
    progress: &dyn Fn(Progress),
) -> Result<ImportReport> {
    let places = reg.places();
    let mut importer = RegistryImport {
        reg,
        opts,
        file: file_name,
        actor,
        places: &places,
        validator: reg.validator(&places),
        today: reg.today(),
        lookup: Lookup::PerRow,
        read: VecDeque::new(),
        seen_tax: HashMap::new(),
        seen_ids: HashMap::new(),
        seen_keys: HashMap::new(),
    };
    pipeline::run(
        reg,
        file_name,
        bytes,
        (opts.dry_run, opts.lang),
        &mut importer,
        progress,
    )
}

impl Importer for RegistryImport<'_> {
    type Change = OrgChange;
    type Ready = OrgChange;

    const COLUMNS: &'static [&'static [ColumnSpec]] = &[REGISTRY_COLUMNS];
    const NO_HEADER: (&'static str, &'static str) = (
        "Không tìm thấy dòng tiêu đề (cần ít nhất hai cột như \"Tên HTX\", \"Mã số thuế\", \"Xã\"…)",
        "No header row found (it needs at least two known columns such as \"Name\", \"Tax code\", \"Commune\")",
    );

    fn check_sheet(&mut self, errors: &mut Errors) -> bool {
        let t = &errors.sheet().table;
        let lang = errors.lang();
        if t.column("name").is_none() && t.column("id").is_none() {
            let m = lang.t(
                "Tệp thiếu cột tên (\"Tên HTX\")",
                "The file has no name column",
            );
            errors.file("name", m.to_owned());
        }
        if t.column("kind").is_none() && self.opts.kind.is_none() && t.column("id").is_none() {
            let m = lang.t(
                "Tệp không có cột \"Loại hình\": hãy chọn loại hình cho cả tệp (HTX, LHHTX hoặc THT)",
                "The file has no \"Kind\" column: choose the kind for the whole file (HTX, LHHTX or THT)",
            );
            errors.file("kind", m.to_owned());
        }
        errors.is_empty()
    }

    fn begin(&mut self, c: &mut dyn Conn, errors: &Errors) -> Result<()> {
        self.read = self.reader(errors).read_sheet();
        self.lookup = Lookup::load(c, self.read.len())?;
        Ok(())
    }

    fn plan_row(&mut self, c: &mut dyn Conn, r: &DataRow, errors: &mut Errors) -> Plan<Self> {
        self.plan(c, r, errors)
    }

    fn prepare(&self, changes: Vec<OrgChange>) -> Result<Vec<OrgChange>> {
        Ok(changes)
    }

    fn write(
        &self,
        c: &mut dyn Conn,
        ready: &[OrgChange],
        progress: &dyn Fn(Progress),
    ) -> Result<Vec<OrgId>> {
        self.write_all(c, ready, progress)
    }
}

/// A record edited since the file was checked: nothing is written.
fn changed_during_import(e: AppError) -> AppError {
    match e {
        AppError::Conflict { .. } => AppError::refused(
            "changed_during_import",
            "Dữ liệu đã bị sửa trong lúc nhập; không ghi gì. Hãy nhập lại.",
            "Records changed while importing; nothing was written. Import again.",
        ),
        e => e,
    }
}
