//! Importing annual reports (*nhập báo cáo năm*): one row per organisation and year,
//! with its figures. A stored report is updated with the figures the row gives (a
//! blank cell keeps the stored one); a final report never goes back to an estimate.

use super::docs::{identify, year_of};
use super::errors::Errors;
use super::pipeline::{self, Action, Importer, Plan, Planned};
use super::{DocImportOptions, ImportReport, Progress};
use crate::columns::{DOC_WHO_COLUMNS, REPORT_FIGURE_COLUMNS};
use crate::error::Result;
use crate::registry::{Actor, Registry};
use crate::reports::{self, AnnualReport};
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;
use hoptac_domain::report::{AwardLevel, ReportFigures, ReportStage};
use hoptac_domain::text::search_key;
use hoptac_domain::validate::FieldProblem;
use hoptac_io::grid::Cell;
use hoptac_io::parse;
use hoptac_io::table::{ColumnSpec, DataRow, Table};
use hoptac_store::docs::{self, Doc};
use hoptac_store::Conn;
use std::collections::BTreeMap;

/// What a report row writes.
struct ReportChange {
    org: OrgId,
    year: i32,
    stage: ReportStage,
    figures: ReportFigures,
    /// The stored report's version (none: a new report).
    version: Option<i64>,
}

struct ReportImport<'a> {
    reg: &'a Registry,
    opts: &'a DocImportOptions,
    actor: &'a Actor,
    /// (organisation, year) → the row that named it: once per file.
    seen: BTreeMap<(OrgId, i32), usize>,
}

/// Imports annual reports (one row per organisation and year).
pub fn import_reports(
    reg: &Registry,
    file: &str,
    bytes: Vec<u8>,
    opts: &DocImportOptions,
    actor: &Actor,
) -> Result<ImportReport> {
    let mut importer = ReportImport {
        reg,
        opts,
        actor,
        seen: BTreeMap::new(),
    };
    let mode = (opts.dry_run, opts.lang);
    pipeline::run(reg, file, bytes, mode, &mut importer, &|_| {})
}

impl Importer for ReportImport<'_> {
    type Change = ReportChange;
    type Ready = ReportChange;

    const COLUMNS: &'static [&'static [ColumnSpec]] = &[DOC_WHO_COLUMNS, REPORT_FIGURE_COLUMNS];
    const NO_HEADER: (&'static str, &'static str) = super::docs::NO_HEADER;

    fn plan_row(&mut self, c: &mut dyn Conn, r: &DataRow, errors: &mut Errors) -> Plan<Self> {
        let sheet = errors.sheet();
        let who = identify(self.reg, c, errors, r)?;
        let year = year_of(errors, r, self.opts.year);
        let stage = stage(errors, r);
        let f = figures(&sheet.table, errors, r);
        let (Some(org), Some(year)) = (who, year) else {
            return Ok(None);
        };
        if let Some(prev) = self.seen.insert((org.id, year), r.number) {
            let m = match errors.lang() {
                Lang::Vi => format!("trùng tổ chức và năm với dòng {prev}"),
                Lang::En => format!("same organisation and year as row {prev}"),
            };
            errors.at(r.number, "name", m);
        }
        let today = self.reg.today();
        for e in f.check(year, org.fields.founding_date.unwrap_or(today), today) {
            // Without a year column the year is the file's: the row's organisation is
            // what is wrong.
            let field = if e.field == "year" && sheet.table.column("year").is_none() {
                "name".to_owned()
            } else {
                e.field.clone()
            };
            errors.problem(r.number, &field, e.problem);
        }
        let cur: Option<Doc<AnnualReport>> =
            docs::get(c, reports::KIND, &reports::key(org.id, year))?;
        if let Some(cur) = &cur {
            if cur.body.stage == ReportStage::Final && stage == ReportStage::Estimate {
                let m = errors
                    .lang()
                    .t("báo cáo đã là chính thức", "the report is already final");
                errors.at(r.number, "stage", m.to_owned());
            }
        }
        let change = ReportChange {
            org: org.id,
            year,
            stage,
            version: cur.as_ref().map(|c| c.version),
            figures: f,
        };
        let action = match cur {
            None => Action::Create(change),
            Some(cur) => {
                let mut after = cur.body.figures.clone();
                after.apply(&change.figures);
                if after == cur.body.figures && cur.body.stage == stage {
                    Action::Unchanged
                } else {
                    Action::Update(change)
                }
            }
        };
        Ok(Some(Planned::new(
            r.number,
            action,
            Some(org.id),
            org.name(),
        )))
    }

    fn prepare(&self, changes: Vec<ReportChange>) -> Result<Vec<ReportChange>> {
        Ok(changes)
    }

    fn write(
        &self,
        c: &mut dyn Conn,
        ready: &[ReportChange],
        _progress: &dyn Fn(Progress),
    ) -> Result<Vec<OrgId>> {
        for w in ready {
            let f = w.figures.clone();
            self.reg
                .file_report_in(c, w.org, w.year, w.stage, f, w.version, self.actor)?;
        }
        Ok(vec![])
    }
}

/// Estimate or final; final when the file does not say.
fn stage(errors: &mut Errors, r: &DataRow) -> ReportStage {
    let Some(t) = parse::text(r.get("stage")) else {
        return ReportStage::Final;
    };
    ReportStage::parse(&t).unwrap_or_else(|| {
        let allowed = vec!["ước tính".into(), "chính thức".into()];
        let p = FieldProblem::UnknownValue { value: t, allowed };
        errors.problem(r.number, "stage", p);
        ReportStage::Final
    })
}

/// Reads one row's report figures.
fn figures(table: &Table, ctx: &mut Errors, r: &DataRow) -> ReportFigures {
    let mut f = ReportFigures::default();
    let mut map = serde_json::Map::new();
    for spec in REPORT_FIGURE_COLUMNS {
        let field = spec.field;
        if matches!(field, "stage" | "sanctioned" | "sanction_note" | "award") {
            continue;
        }
        let mult = table.column(field).map_or(1, |c| c.multiplier);
        match parse::whole_number(r.get(field), mult) {
            Ok(Some(v)) => {
                map.insert(field.to_owned(), v.into());
            }
            Ok(None) => {}
            Err(_) => ctx.problem(
                r.number,
                field,
                FieldProblem::BadNumber(r.get(field).to_text()),
            ),
        }
    }
    if let Ok(parsed) = serde_json::from_value::<ReportFigures>(serde_json::Value::Object(map)) {
        f = parsed;
    }
    match yes_no(r.get("sanctioned")) {
        Some(v) => f.sanctioned = v,
        None => ctx.problem(
            r.number,
            "sanctioned",
            FieldProblem::UnknownValue {
                value: r.get("sanctioned").to_text(),
                allowed: vec!["có".into(), "không".into()],
            },
        ),
    }
    f.sanction_note = parse::text(r.get("sanction_note"));
    if let Some(t) = parse::text(r.get("award")) {
        match AwardLevel::parse(&t) {
            Some(a) => f.award = Some(a),
            None => ctx.problem(
                r.number,
                "award",
                FieldProblem::UnknownValue {
                    value: t,
                    allowed: AwardLevel::ALL
                        .iter()
                        .map(|a| a.label_vi().to_owned())
                        .collect(),
                },
            ),
        }
    }
    f
}

fn yes_no(cell: &Cell) -> Option<Option<bool>> {
    if cell.is_empty() {
        return Some(None);
    }
    match search_key(&cell.to_text()).as_str() {
        "co" | "x" | "yes" | "1" | "true" | "bi xu phat" => Some(Some(true)),
        "khong" | "no" | "0" | "false" | "-" => Some(Some(false)),
        _ => None,
    }
}
