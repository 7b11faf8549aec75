//! The import pipeline every importer runs through: read the sheet and find its table,
//! plan each row in one read snapshot, and, only if no row is wrong, write every plan
//! in one transaction (or, on a dry run, only report). An importer supplies what
//! differs through [`Importer`]: its columns, its per-row plan and its write.

use super::errors::{whole_file, Errors};
use super::messages::{note_message, read_error_message, table_error_message};
use super::report::{ImportReport, RowError, RowOutcome};
use super::Progress;
use crate::error::{AppError, Result};
use crate::registry::Registry;
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;
use hoptac_io::grid::{read_file, Grid};
use hoptac_io::table::{column_letter, extract, ColumnSpec, DataRow, Table};
use hoptac_store::Conn;

/// What an importer supplies; the pipeline does the rest.
pub(crate) trait Importer {
    /// What a row that creates or updates something writes, as its check found it.
    type Change;
    /// The same, made ready to write (see [`Importer::prepare`]).
    type Ready;

    /// The columns this importer recognises, in groups.
    const COLUMNS: &'static [&'static [ColumnSpec]];

    /// What to say (Vietnamese, English) when no header row is found: the columns to
    /// look for.
    const NO_HEADER: (&'static str, &'static str);

    /// Checks the file as a whole once its table is found (a missing column, say).
    /// `false`: the rows cannot be read at all, so they are not.
    fn check_sheet(&mut self, _errors: &mut Errors) -> bool {
        true
    }

    /// Called once in the read snapshot before the first row (to load an index, or
    /// read the rows ahead), with the collector that knows the sheet.
    fn begin(&mut self, _c: &mut dyn Conn, _errors: &Errors) -> Result<()> {
        Ok(())
    }

    /// Parses, matches and checks one row. Problems go to `errors` (which knows the
    /// sheet); `None` when the row has nothing more to say (its problems are recorded).
    fn plan_row(&mut self, c: &mut dyn Conn, r: &DataRow, errors: &mut Errors) -> Plan<Self>;

    /// Makes the changes ready to write, outside any transaction (it may read).
    fn prepare(&self, changes: Vec<Self::Change>) -> Result<Vec<Self::Ready>>;

    /// Writes every change in the one transaction of the import. Returns the ids of
    /// the records it created, in order.
    fn write(
        &self,
        c: &mut dyn Conn,
        ready: &[Self::Ready],
        progress: &dyn Fn(Progress),
    ) -> Result<Vec<OrgId>>;
}

/// What [`Importer::plan_row`] found.
pub(crate) type Plan<I> = Result<Option<Planned<<I as Importer>::Change>>>;

/// The file as read: its cells and the table found in them.
pub(crate) struct Sheet {
    pub grid: Grid,
    pub table: Table,
}

/// What a good row does (*hành động*).
pub(crate) enum Action<C> {
    Create(C),
    Update(C),
    Unchanged,
    /// The row is well formed but may not be written (a sheet already submitted):
    /// the import is refused with this reason, in the row's `field`.
    Refused {
        field: &'static str,
        reason: String,
    },
}

/// One row's plan, and what its outcome will say.
pub(crate) struct Planned<C> {
    pub row: usize,
    pub action: Action<C>,
    /// The record (none yet for a new organisation).
    pub id: Option<OrgId>,
    pub name: String,
    /// The attributes an update changes.
    pub changed: Vec<String>,
}

impl<C> Planned<C> {
    pub(crate) fn new(row: usize, action: Action<C>, id: Option<OrgId>, name: &str) -> Self {
        Planned {
            row,
            action,
            id,
            name: name.to_owned(),
            changed: vec![],
        }
    }
}

/// The count of what the rows do (*tổng hợp*): created, updated, unchanged and
/// refused, with each written row's outcome.
#[derive(Default)]
pub(crate) struct Tally {
    created: usize,
    updated: usize,
    unchanged: usize,
    refused: Vec<RowError>,
    outcomes: Vec<RowOutcome>,
}

impl Tally {
    /// Counts the plans; returns the changes to write, in row order.
    pub(crate) fn count<C>(plans: Vec<Planned<C>>) -> (Tally, Vec<C>) {
        let mut t = Tally::default();
        let mut changes = Vec::new();
        for p in plans {
            let code = match p.action {
                Action::Create(c) => {
                    t.created += 1;
                    changes.push(c);
                    "create"
                }
                Action::Update(c) => {
                    t.updated += 1;
                    changes.push(c);
                    "update"
                }
                Action::Unchanged => {
                    t.unchanged += 1;
                    "unchanged"
                }
                Action::Refused { field, reason } => {
                    t.refused.push(RowError {
                        row: p.row,
                        column: None,
                        header: None,
                        field: field.to_owned(),
                        message: reason,
                    });
                    continue;
                }
            };
            t.outcomes.push(RowOutcome {
                row: p.row,
                action: code.into(),
                id: p.id,
                name: p.name,
                changed: p.changed,
            });
        }
        (t, changes)
    }

    /// Puts the count in the report; any refused row rejects the import.
    fn settle(self, mut report: ImportReport) -> Result<ImportReport> {
        report.created = self.created;
        report.updated = self.updated;
        report.unchanged = self.unchanged;
        report.outcomes = self.outcomes;
        if self.refused.is_empty() {
            Ok(report)
        } else {
            Err(report.rejected(self.refused))
        }
    }
}

/// Reads the file and finds its table; a file that cannot be read, or has no table,
/// rejects the import.
fn read_sheet<I: Importer>(
    report: &mut ImportReport,
    bytes: Vec<u8>,
) -> std::result::Result<Sheet, Vec<RowError>> {
    let lang = report.lang;
    let grid = read_file(&report.file, bytes)
        .map_err(|e| vec![whole_file("file", read_error_message(&e, lang))])?;
    report.sheet = grid.sheet.clone();
    let columns: Vec<ColumnSpec> = I::COLUMNS.concat();
    let table = extract(&grid, &columns).map_err(|e| {
        let (vi, en) = I::NO_HEADER;
        vec![whole_file(
            "header",
            table_error_message(&e, lang.t(vi, en), lang),
        )]
    })?;
    report.header_rows = table.header_rows;
    report.columns = table
        .columns
        .iter()
        .filter(|c| c.field != "stt")
        .map(|c| (column_letter(c.col), c.header.clone(), c.field.to_owned()))
        .collect();
    report.notes = table.notes.iter().map(|n| note_message(n, lang)).collect();
    report.rows_read = table.rows.len();
    Ok(Sheet { grid, table })
}

/// Runs an import: `Err(ImportRejected)` carries the report when anything is wrong,
/// and then nothing is written.
pub(crate) fn run<I: Importer>(
    reg: &Registry,
    file: &str,
    bytes: Vec<u8>,
    (dry_run, lang): (bool, Lang),
    importer: &mut I,
    progress: &dyn Fn(Progress),
) -> Result<ImportReport> {
    let mut report = ImportReport::new(file, dry_run, lang);
    let sheet = match read_sheet::<I>(&mut report, bytes) {
        Ok(s) => s,
        Err(errors) => return Err(report.rejected(errors)),
    };
    let mut errors = Errors::new(&sheet, lang);
    if !importer.check_sheet(&mut errors) {
        return Err(report.rejected(errors.into_sorted()));
    }
    let total = sheet.table.rows.len();
    let plans = reg.db.read(|c| {
        importer.begin(c, &errors)?;
        let mut plans = Vec::new();
        for (i, r) in sheet.table.rows.iter().enumerate() {
            if i % 200 == 0 {
                progress(Progress::Checking { done: i, total });
            }
            plans.extend(importer.plan_row(c, r, &mut errors)?);
        }
        Ok::<_, AppError>(plans)
    })?;
    progress(Progress::Checking { done: total, total });
    if !errors.is_empty() {
        return Err(report.rejected(errors.into_sorted()));
    }
    let (tally, changes) = Tally::count(plans);
    let mut report = tally.settle(report)?;
    if dry_run {
        return Ok(report);
    }
    let ready = importer.prepare(changes)?;
    let created = reg.db.write(|c| importer.write(c, &ready, progress))?;
    progress(Progress::Writing {
        done: ready.len(),
        total: ready.len(),
    });
    let new = report.outcomes.iter_mut().filter(|o| o.action == "create");
    for (o, id) in new.zip(created) {
        o.id = Some(id);
    }
    report.written = true;
    Ok(report)
}
