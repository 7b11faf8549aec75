//! Importing score sheets (*nhập phiếu chấm điểm*): one row per HTX and year, one
//! column per sub-criterion (`1a`, `1b`, … as in the rule set). Rows become drafts, or
//! with `approved` historical sheets entered as approved (marked imported). A sheet
//! already submitted or approved is never overwritten: such a row is refused.

use super::docs::{identify, year_of};
use super::errors::Errors;
use super::pipeline::{self, Action, Importer, Plan, Planned};
use super::{DocImportOptions, ImportReport, Progress};
use crate::columns::DOC_WHO_COLUMNS;
use crate::error::{AppError, Result};
use crate::evaluations::{self, EvalState, Evaluation};
use crate::registry::{Actor, Registry};
use crate::reports;
use hoptac_domain::evaluation::ScoreError;
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;
use hoptac_domain::ruleset::RuleSet;
use hoptac_domain::text::search_key;
use hoptac_io::grid::{Cell, Grid};
use hoptac_io::table::{ColumnSpec, DataRow, Table};
use hoptac_store::docs::{self, Doc};
use hoptac_store::Conn;
use std::collections::BTreeMap;

/// A column of scores for one sub-criterion.
struct ScoreColumn {
    col: usize,
    /// As written in the file.
    header: String,
    code: String,
}

/// What a score-sheet row writes, as checked: the scores and the sheet they go on.
struct SheetChange {
    org: OrgId,
    year: i32,
    scores: BTreeMap<String, i32>,
    existing: Option<Doc<Evaluation>>,
}

/// The sheet to store, classified when approved.
struct ReadySheet {
    org: OrgId,
    year: i32,
    sheet: Evaluation,
    version: Option<i64>,
}

struct ScoreImport<'a> {
    reg: &'a Registry,
    opts: &'a DocImportOptions,
    actor: &'a Actor,
    file: &'a str,
    columns: Vec<ScoreColumn>,
}

/// Imports score sheets: one row per HTX, one column per sub-criterion (`1a`, `1b`, …
/// as in the rule set). Rows become drafts, or approved historical sheets with
/// `approved` (marked imported).
pub fn import_score_sheets(
    reg: &Registry,
    file: &str,
    bytes: Vec<u8>,
    opts: &DocImportOptions,
    actor: &Actor,
) -> Result<ImportReport> {
    let mut importer = ScoreImport {
        reg,
        opts,
        actor,
        file,
        columns: vec![],
    };
    let mode = (opts.dry_run, opts.lang);
    pipeline::run(reg, file, bytes, mode, &mut importer, &|_| {})
}

impl Importer for ScoreImport<'_> {
    type Change = SheetChange;
    type Ready = ReadySheet;

    const COLUMNS: &'static [&'static [ColumnSpec]] = &[DOC_WHO_COLUMNS];
    const NO_HEADER: (&'static str, &'static str) = super::docs::NO_HEADER;

    fn check_sheet(&mut self, errors: &mut Errors) -> bool {
        let sheet = errors.sheet();
        self.columns = score_columns(&sheet.grid, &sheet.table);
        if self.columns.is_empty() {
            let m = errors.lang().t(
                "không có cột điểm tiêu chí nào (1a, 1b, …)",
                "no score columns (1a, 1b, …)",
            );
            errors.at(0, "scores", m.to_owned());
        }
        // The rows are still read: their own problems are worth knowing too.
        true
    }

    fn plan_row(&mut self, c: &mut dyn Conn, r: &DataRow, errors: &mut Errors) -> Plan<Self> {
        let who = identify(self.reg, c, errors, r)?;
        let year = year_of(errors, r, self.opts.year);
        let (Some(org), Some(year)) = (who, year) else {
            return Ok(None);
        };
        let rs = match self
            .reg
            .rule_set_for(org.kind, org.fields.sector, year, None)
        {
            Ok(rs) => rs,
            Err(e) => {
                errors.at(r.number, "name", e.message(errors.lang()));
                return Ok(None);
            }
        };
        let scores = self.scores(errors, r, &rs);
        if self.opts.approved {
            all_scored(errors, r.number, &rs, &scores);
        }
        let existing: Option<Doc<Evaluation>> =
            docs::get(c, evaluations::KIND, &reports::key(org.id, year))?;
        let action = self.action(SheetChange {
            org: org.id,
            year,
            scores,
            existing,
        });
        Ok(Some(Planned::new(
            r.number,
            action,
            Some(org.id),
            org.name(),
        )))
    }

    fn prepare(&self, changes: Vec<SheetChange>) -> Result<Vec<ReadySheet>> {
        changes
            .into_iter()
            .map(|c| {
                let existing = c.existing.as_ref().map(|d| &d.body);
                let sheet = self.reg.prepare_sheet(
                    c.org,
                    c.year,
                    c.scores,
                    self.opts.approved,
                    existing,
                    self.actor,
                )?;
                Ok(ReadySheet {
                    org: c.org,
                    year: c.year,
                    sheet,
                    version: c.existing.map(|d| d.version),
                })
            })
            .collect()
    }

    fn write(
        &self,
        c: &mut dyn Conn,
        ready: &[ReadySheet],
        _progress: &dyn Fn(Progress),
    ) -> Result<Vec<OrgId>> {
        let stamp = docs::Stamp {
            author: &self.actor.name,
            source: self.actor.source.as_deref(),
            note: Some(self.file),
            now: chrono::Utc::now(),
        };
        for s in ready {
            let key = reports::key(s.org, s.year);
            let state = Some(s.sheet.state.code());
            let Some(v) = s.version else {
                let year = Some(i64::from(s.year));
                let kind = evaluations::KIND;
                docs::insert(c, kind, &key, Some(s.org), year, state, &s.sheet, &stamp)?;
                continue;
            };
            if !docs::update(c, evaluations::KIND, &key, v, state, &s.sheet, &stamp)? {
                return Err(AppError::refused(
                    "changed_during_import",
                    "Phiếu đánh giá bị sửa trong lúc nhập; không ghi gì. Hãy nhập lại.",
                    "Sheets changed while importing; nothing was written. Import again.",
                ));
            }
        }
        Ok(vec![])
    }
}

impl ScoreImport<'_> {
    /// What a row does to the sheet stored for its organisation and year. Approved
    /// history is entered once; a sheet that exists goes through its workflow, so
    /// only a draft is updated.
    fn action(&self, change: SheetChange) -> Action<SheetChange> {
        let approved = self.opts.approved;
        let Some(cur) = &change.existing else {
            return Action::Create(change);
        };
        let e = &cur.body;
        if e.scores == change.scores && (!approved || e.state == EvalState::Approved) {
            return Action::Unchanged;
        }
        if approved || e.state != EvalState::Draft {
            let reason = self.opts.lang.t(
                "phiếu đánh giá năm này đã nộp hoặc đã duyệt: không ghi đè",
                "this year's sheet is already submitted or approved: not overwritten",
            );
            return Action::Refused {
                field: "name",
                reason: reason.to_owned(),
            };
        }
        Action::Update(change)
    }

    /// The row's scores, each within its sub-criterion's maximum.
    fn scores(&self, errors: &mut Errors, r: &DataRow, rs: &RuleSet) -> BTreeMap<String, i32> {
        let (lang, grid) = (errors.lang(), &errors.sheet().grid);
        let mut scores = BTreeMap::new();
        for ScoreColumn { col, header, code } in &self.columns {
            let mut here = |m: String| errors.in_column(r.number, *col, header, code, m);
            let Some(sub) = rs.sub(code) else {
                here(match lang {
                    Lang::Vi => format!("không có tiêu chí {code} trong bộ tiêu chí {}", rs.id),
                    Lang::En => format!("rule set {} has no sub-criterion {code}", rs.id),
                });
                continue;
            };
            let code = code.clone();
            match score_tenths(grid.cell(r.number - grid.first_row, *col)) {
                Ok(Some(v)) if v < 0 => here(evaluations::score_error_vi(&ScoreError::Negative {
                    code,
                    score: v,
                })),
                Ok(Some(v)) if v > sub.max => {
                    here(evaluations::score_error_vi(&ScoreError::AboveMax {
                        code,
                        score: v,
                        max: sub.max,
                    }))
                }
                Ok(Some(v)) => {
                    scores.insert(code, v);
                }
                Ok(None) => {}
                Err(t) => here(match lang {
                    Lang::Vi => format!("tiêu chí {code}: \"{t}\" không phải số điểm (lẻ tới 0,1)"),
                    Lang::En => format!("{code}: \"{t}\" is not a score (tenths at most)"),
                }),
            }
        }
        scores
    }
}

/// An approved sheet has every score.
fn all_scored(errors: &mut Errors, row: usize, rs: &RuleSet, scores: &BTreeMap<String, i32>) {
    let missing: Vec<String> = rs
        .subs()
        .filter(|(_, s)| !scores.contains_key(&s.code))
        .map(|(_, s)| s.code.clone())
        .collect();
    if missing.is_empty() {
        return;
    }
    let m = match errors.lang() {
        Lang::Vi => format!(
            "phiếu đã phê duyệt phải đủ điểm; thiếu tiêu chí {}",
            missing.join(", ")
        ),
        Lang::En => format!(
            "an approved sheet needs every score; missing {}",
            missing.join(", ")
        ),
    };
    errors.at(row, "name", m);
}

/// Score columns: the header row's cells that look like criterion codes.
fn score_columns(grid: &Grid, table: &Table) -> Vec<ScoreColumn> {
    let header_row = table.header_rows.1.saturating_sub(grid.first_row);
    (0..grid.width())
        .filter(|col| {
            !grid.hidden_cols.contains(col) && table.columns.iter().all(|c| c.col != *col)
        })
        .filter_map(|col| {
            let header = grid.cell(header_row, col).to_text();
            let code = criterion_code(&header)?;
            Some(ScoreColumn { col, header, code })
        })
        .collect()
}

/// A header that looks like a sub-criterion code: `1a`, `TC 3b`, `Tiêu chí 12`.
fn criterion_code(header: &str) -> Option<String> {
    let k = search_key(header);
    let k = k
        .trim_start_matches("tieu chi")
        .trim_start_matches("tc")
        .trim()
        .trim_start_matches('.')
        .trim();
    let valid = !k.is_empty()
        && k.len() <= 4
        && k.chars().next().is_some_and(|c| c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| k.to_owned())
}

/// A score in points (`6,5` or `6.5`) as tenths.
fn score_tenths(cell: &Cell) -> std::result::Result<Option<i32>, String> {
    let t = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => *n,
        c => {
            let s = c.to_text().replace(',', ".");
            if s.trim().is_empty() {
                return Ok(None);
            }
            s.trim().parse::<f64>().map_err(|_| c.to_text())?
        }
    };
    let x = t * 10.0;
    if (x - x.round()).abs() > 1e-6 {
        return Err(cell.to_text());
    }
    Ok(Some(x.round() as i32))
}
