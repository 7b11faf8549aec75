//! Importing annual reports and score sheets from .xlsx/.csv, with the registry's
//! import rules: the whole file is checked first, any error means nothing is written
//! and every error names its row and column; `dry_run` only reports; importing the same
//! file again changes nothing. Each row names its organisation by record id, tax code,
//! or name and commune.

use crate::error::{AppError, Result};
use crate::evaluations::{self, EvalState};
use crate::import::{note_message, read_error_message, ImportReport, RowError, RowOutcome};
use crate::registry::{Actor, Registry};
use crate::reports::{self, AnnualReport};
use hoptac_domain::i18n::{field_label, place_message, problem_message, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgId, OrgKind};
use hoptac_domain::place::Scheme;
use hoptac_domain::report::{AwardLevel, ReportFigures, ReportStage};
use hoptac_domain::text::search_key;
use hoptac_domain::validate::FieldProblem;
use hoptac_io::grid::{read_file, Cell, Grid};
use hoptac_io::parse;
use hoptac_io::table::{column_letter, extract, ColumnSpec, DataRow, Table};
use hoptac_store::docs::{self, Doc};
use hoptac_store::orgs;
use std::collections::BTreeMap;

macro_rules! spec {
    ($field:literal: $($alias:literal),+) => {
        ColumnSpec { field: $field, aliases: &[$($alias),+] }
    };
}

/// Columns that say which organisation a row is about.
const WHO: &[ColumnSpec] = &[
    spec!("id": "ma ho so", "record id", "id"),
    spec!("tax_code": "ma so thue", "mst", "tax code"),
    spec!("name": "ten", "ten htx", "ten hop tac xa", "ten to chuc", "ten don vi", "name"),
    spec!("commune": "xa", "xa phuong", "xa/phuong", "commune"),
    spec!("district": "huyen", "district"),
    spec!("year": "nam", "nam bao cao", "nam danh gia", "year"),
    spec!("stt": "stt", "tt", "so tt"),
];

/// Annual report figure columns.
const FIGURES: &[ColumnSpec] = &[
    spec!("stage": "giai doan", "loai so lieu", "so lieu", "stage"),
    spec!("members_start": "thanh vien dau nam", "so thanh vien dau nam", "members start"),
    spec!("members_end": "thanh vien cuoi nam", "so thanh vien cuoi nam", "members end"),
    spec!("members_joined": "thanh vien gia nhap", "ket nap moi", "members joined"),
    spec!("members_left": "thanh vien ra khoi", "thanh vien ra", "members left"),
    spec!("official_members": "thanh vien chinh thuc", "official members"),
    spec!("associate_members": "thanh vien lien ket", "associate members"),
    spec!("regular_workers": "lao dong thuong xuyen", "so lao dong", "regular workers"),
    spec!("regular_workers_members": "lao dong la thanh vien", "workers who are members"),
    spec!("charter_capital": "von dieu le", "charter capital"),
    spec!("total_capital_start": "tong nguon von dau nam", "total capital start"),
    spec!("total_capital_end": "tong nguon von cuoi nam", "tong nguon von", "total capital end"),
    spec!("indivisible_assets_start": "tai san khong chia dau nam", "indivisible assets start"),
    spec!("indivisible_assets_end": "tai san khong chia cuoi nam", "tai san khong chia", "indivisible assets end"),
    spec!("revenue": "doanh thu", "tong doanh thu", "revenue"),
    spec!("revenue_from_members": "doanh thu tu thanh vien", "doanh thu cung ung cho thanh vien", "revenue from members"),
    spec!("planned_revenue": "doanh thu ke hoach", "ke hoach doanh thu", "planned revenue", "revenue plan"),
    spec!("pre_tax_profit": "loi nhuan truoc thue", "loi nhuan", "pre-tax profit", "profit"),
    spec!("after_tax_profit": "loi nhuan sau thue", "thu nhap sau thue", "after-tax profit"),
    spec!("fund_development": "quy dau tu phat trien", "development fund"),
    spec!("fund_reserve": "quy du phong", "reserve fund"),
    spec!("fund_other": "quy khac", "other funds"),
    spec!("avg_income_workers": "thu nhap binh quan lao dong", "thu nhap binh quan nguoi lao dong", "average income of workers"),
    spec!("avg_income_members": "thu nhap binh quan thanh vien", "average income of members"),
    spec!("supplied_to_members": "gia tri san pham dich vu cung ung cho thanh vien", "gia tri sp, dv cung ung cho thanh vien",
        "gia tri sp dv cung ung cho thanh vien", "cung ung cho thanh vien", "supplied to members"),
    spec!("members_trained": "thanh vien duoc dao tao", "so thanh vien duoc dao tao", "members trained"),
    spec!("months_operated": "so thang hoat dong", "thang hoat dong", "months operated"),
    spec!("months_suspended": "so thang tam ngung", "thang tam ngung", "months suspended"),
    spec!("sanctioned": "bi xu phat", "xu phat vi pham hanh chinh", "sanctioned"),
    spec!("sanction_note": "noi dung xu phat", "sanction note"),
    spec!("award": "khen thuong", "cap khen thuong", "award"),
];

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

struct Ctx<'a> {
    table: &'a Table,
    lang: Lang,
    errors: Vec<RowError>,
}

impl Ctx<'_> {
    fn err(&mut self, row: usize, field: &str, message: String) {
        let col = self.table.column(field);
        self.errors.push(RowError {
            row,
            column: col.map(|c| column_letter(c.col)),
            header: col.map(|c| c.header.clone()),
            field: field.to_owned(),
            message: format!("{}: {message}", field_label(field, self.lang)),
        });
    }
    fn problem(&mut self, row: usize, field: &str, p: FieldProblem) {
        let m = problem_message(&p, self.lang);
        self.err(row, field, m);
    }
}

fn new_report(file: &str, grid: &Grid, table: &Table, dry_run: bool, lang: Lang) -> ImportReport {
    ImportReport {
        file: file.to_owned(),
        sheet: grid.sheet.clone(),
        header_rows: table.header_rows,
        columns: table
            .columns
            .iter()
            .filter(|c| c.field != "stt")
            .map(|c| (column_letter(c.col), c.header.clone(), c.field.to_owned()))
            .collect(),
        rows_read: table.rows.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        errors: vec![],
        notes: table.notes.iter().map(|n| note_message(n, lang)).collect(),
        outcomes: vec![],
        dry_run,
        written: false,
        lang,
    }
}

fn read_table(
    file: &str,
    bytes: Vec<u8>,
    specs: &[ColumnSpec],
    lang: Lang,
) -> Result<(Grid, Table)> {
    let reject = |message: String| {
        let mut r = ImportReport {
            file: file.to_owned(),
            sheet: String::new(),
            header_rows: (0, 0),
            columns: vec![],
            rows_read: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            errors: vec![],
            notes: vec![],
            outcomes: vec![],
            dry_run: false,
            written: false,
            lang,
        };
        r.errors.push(RowError {
            row: 0,
            column: None,
            header: None,
            field: "file".into(),
            message,
        });
        AppError::ImportRejected(Box::new(r))
    };
    let grid = read_file(file, bytes).map_err(|e| reject(read_error_message(&e, lang)))?;
    let table = extract(&grid, specs).map_err(|_| {
        reject(lang.t("Không tìm thấy dòng tiêu đề (cần các cột như \"Mã số thuế\" hoặc \"Tên HTX\", \"Năm\"…)", "No header row found (it needs columns such as \"Tax code\" or \"Name\", \"Year\"…)").to_owned())
    })?;
    Ok((grid, table))
}

/// The organisation a row names: record id, else tax code, else name + commune.
fn identify(
    reg: &Registry,
    c: &mut dyn hoptac_store::Conn,
    ctx: &mut Ctx,
    r: &DataRow,
) -> Result<Option<OrgView>> {
    let places = reg.places();
    let load =
        |c: &mut dyn hoptac_store::Conn, id: OrgId| -> Result<Option<OrgView>> {
            Ok(orgs::get(c, id)?
                .map(|s| OrgView::from_state(s.state, s.version, reg.today(), &places)))
        };
    if let Ok(Some(id)) = parse::whole_number(r.get("id"), 1) {
        let v = load(c, id)?;
        if v.is_none() {
            ctx.err(
                r.number,
                "id",
                ctx.lang
                    .t("không có hồ sơ này", "no such record")
                    .to_owned(),
            );
        }
        return Ok(v);
    }
    if let Some(t) = parse::identifier(r.get("tax_code"), 10) {
        let found = hoptac_domain::validate::TaxCode::parse(&t)
            .map(|tc| orgs::by_tax_code(c, tc.as_str()))
            .transpose()?
            .flatten();
        return match found {
            Some((id, _)) => load(c, id),
            None => {
                ctx.err(
                    r.number,
                    "tax_code",
                    match ctx.lang {
                        Lang::Vi => {
                            format!("không có tổ chức nào mã số thuế \"{t}\" trong sổ đăng ký")
                        }
                        Lang::En => {
                            format!("no organisation with tax code \"{t}\" in the registry")
                        }
                    },
                );
                Ok(None)
            }
        };
    }
    let (Some(name), Some(commune)) = (parse::text(r.get("name")), parse::text(r.get("commune")))
    else {
        ctx.err(
            r.number,
            "name",
            ctx.lang
                .t(
                    "cần mã hồ sơ, mã số thuế, hoặc tên và xã/phường",
                    "needs a record id, a tax code, or a name and commune",
                )
                .to_owned(),
        );
        return Ok(None);
    };
    let district = parse::text(r.get("district"));
    // Reports and sheets are about HTX and LHHTX first: a group and the cooperative it
    // became often share a name and a commune.
    let mut found: Vec<OrgId> = Vec::new();
    for scheme in [Scheme::Y2025, Scheme::Legacy] {
        if let Ok(cm) = places.find_commune(
            scheme,
            &commune,
            district.as_deref().filter(|_| scheme == Scheme::Legacy),
        ) {
            let code_2025 = places
                .both_schemes(&hoptac_domain::PlaceRef::new(scheme, cm.code.clone()), None)
                .commune_2025
                .unwrap_or_else(|| cm.code.clone());
            for kinds in [
                &[OrgKind::Cooperative, OrgKind::Union][..],
                &[OrgKind::CooperativeGroup][..],
            ] {
                for kind in kinds {
                    let key = format!("{}|{}|{}", kind.code(), search_key(&name), code_2025);
                    found.extend(orgs::by_match_key(c, &key)?);
                }
                if !found.is_empty() {
                    break;
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    found.sort_unstable();
    found.dedup();
    if found.len() > 1 {
        let ids: Vec<String> = found.iter().map(ToString::to_string).collect();
        ctx.err(r.number, "name", match ctx.lang {
            Lang::Vi => format!("\"{name}\" ở \"{commune}\" khớp với nhiều hồ sơ ({}); ghi thêm mã hồ sơ hoặc mã số thuế", ids.join(", ")),
            Lang::En => format!("\"{name}\" in \"{commune}\" matches several records ({}); add the record id or tax code", ids.join(", ")),
        });
        return Ok(None);
    }
    let found = found.first().copied();
    match found {
        Some(id) => load(c, id),
        None => {
            let hint = places
                .find_commune(Scheme::Legacy, &commune, district.as_deref())
                .err()
                .map(|e| place_message(&e, ctx.lang));
            ctx.err(
                r.number,
                "name",
                match ctx.lang {
                    Lang::Vi => format!(
                        "không tìm thấy \"{name}\" ở \"{commune}\" trong sổ đăng ký{}",
                        hint.map(|h| format!(" ({h})")).unwrap_or_default()
                    ),
                    Lang::En => format!(
                        "\"{name}\" in \"{commune}\" is not in the registry{}",
                        hint.map(|h| format!(" ({h})")).unwrap_or_default()
                    ),
                },
            );
            Ok(None)
        }
    }
}

fn year_of(ctx: &mut Ctx, r: &DataRow, default: Option<i32>) -> Option<i32> {
    match parse::whole_number(r.get("year"), 1) {
        Ok(Some(y)) if (1990..=2100).contains(&y) => Some(y as i32),
        Ok(Some(y)) => {
            ctx.problem(r.number, "year", FieldProblem::BadNumber(y.to_string()));
            None
        }
        Ok(None) => {
            if default.is_none() {
                ctx.problem(r.number, "year", FieldProblem::Required);
            }
            default
        }
        Err(_) => {
            ctx.problem(
                r.number,
                "year",
                FieldProblem::BadNumber(r.get("year").to_text()),
            );
            None
        }
    }
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

/// Reads one row's report figures.
fn figures(ctx: &mut Ctx, r: &DataRow) -> ReportFigures {
    let mut f = ReportFigures::default();
    let mut map = serde_json::Map::new();
    for spec in FIGURES {
        let field = spec.field;
        if matches!(field, "stage" | "sanctioned" | "sanction_note" | "award") {
            continue;
        }
        let mult = ctx.table.column(field).map_or(1, |c| c.multiplier);
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

/// Imports annual reports (one row per organisation and year).
pub fn import_reports(
    reg: &Registry,
    file: &str,
    bytes: Vec<u8>,
    opts: &DocImportOptions,
    actor: &Actor,
) -> Result<ImportReport> {
    let specs: Vec<ColumnSpec> = WHO.iter().chain(FIGURES).copied().collect();
    let (grid, table) = read_table(file, bytes, &specs, opts.lang)?;
    let mut report = new_report(file, &grid, &table, opts.dry_run, opts.lang);
    let mut ctx = Ctx {
        table: &table,
        lang: opts.lang,
        errors: vec![],
    };
    let mut plans: Vec<(usize, OrgView, i32, ReportStage, ReportFigures, Option<i64>)> = Vec::new();
    let mut seen: BTreeMap<(OrgId, i32), usize> = BTreeMap::new();
    reg.db.read(|c| {
        for r in &table.rows {
            let who = identify(reg, c, &mut ctx, r)?;
            let year = year_of(&mut ctx, r, opts.year);
            let stage = match parse::text(r.get("stage")) {
                None => ReportStage::Final,
                Some(t) => ReportStage::parse(&t).unwrap_or_else(|| {
                    ctx.problem(
                        r.number,
                        "stage",
                        FieldProblem::UnknownValue {
                            value: t,
                            allowed: vec!["ước tính".into(), "chính thức".into()],
                        },
                    );
                    ReportStage::Final
                }),
            };
            let f = figures(&mut ctx, r);
            let (Some(org), Some(year)) = (who, year) else {
                continue;
            };
            if let Some(prev) = seen.insert((org.id, year), r.number) {
                ctx.err(
                    r.number,
                    "name",
                    match ctx.lang {
                        Lang::Vi => format!("trùng tổ chức và năm với dòng {prev}"),
                        Lang::En => format!("same organisation and year as row {prev}"),
                    },
                );
            }
            let founded = org.fields.founding_date.unwrap_or(reg.today());
            for e in f.check(year, founded, reg.today()) {
                let field = if e.field == "year" && table.column("year").is_none() {
                    "name".to_owned()
                } else {
                    e.field.clone()
                };
                ctx.problem(r.number, &field, e.problem);
            }
            let cur: Option<Doc<AnnualReport>> =
                docs::get(c, reports::KIND, &reports::key(org.id, year))?;
            if let Some(cur) = &cur {
                if cur.body.stage == ReportStage::Final && stage == ReportStage::Estimate {
                    ctx.err(
                        r.number,
                        "stage",
                        ctx.lang
                            .t("báo cáo đã là chính thức", "the report is already final")
                            .to_owned(),
                    );
                }
            }
            plans.push((r.number, org, year, stage, f, cur.map(|c| c.version)));
        }
        Ok::<_, AppError>(())
    })?;
    report.errors = std::mem::take(&mut ctx.errors);
    if !report.errors.is_empty() {
        return Err(AppError::ImportRejected(Box::new(report)));
    }
    // What each row would change.
    let mut writes = Vec::new();
    for (row, org, year, stage, f, version) in plans {
        let action = match version {
            None => "create",
            Some(_) => {
                let cur = reg.report(org.id, year)?.report;
                let mut after = cur.figures.clone();
                after.apply(&f);
                if after == cur.figures && cur.stage == stage {
                    "unchanged"
                } else {
                    "update"
                }
            }
        };
        match action {
            "create" => report.created += 1,
            "update" => report.updated += 1,
            _ => report.unchanged += 1,
        }
        report.outcomes.push(RowOutcome {
            row,
            action: action.into(),
            id: Some(org.id),
            name: org.name().to_owned(),
            changed: vec![],
        });
        if action != "unchanged" {
            writes.push((org.id, year, stage, f, version));
        }
    }
    if opts.dry_run {
        return Ok(report);
    }
    reg.db.write(|c| {
        for (org, year, stage, f, version) in &writes {
            reg.file_report_in(c, *org, *year, *stage, f.clone(), *version, actor)?;
        }
        Ok::<_, AppError>(())
    })?;
    report.written = true;
    Ok(report)
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
    let (grid, table) = read_table(file, bytes, WHO, opts.lang)?;
    let mut report = new_report(file, &grid, &table, opts.dry_run, opts.lang);
    // Score columns: the header row's cells that look like criterion codes.
    let header_row = table.header_rows.1.saturating_sub(grid.first_row);
    let mut score_cols: Vec<(usize, String, String)> = Vec::new();
    for col in 0..grid.width() {
        if grid.hidden_cols.contains(&col) || table.columns.iter().any(|c| c.col == col) {
            continue;
        }
        let h = grid.cell(header_row, col).to_text();
        if let Some(code) = criterion_code(&h) {
            score_cols.push((col, h, code));
        }
    }
    let mut ctx = Ctx {
        table: &table,
        lang: opts.lang,
        errors: vec![],
    };
    if score_cols.is_empty() {
        ctx.err(
            0,
            "scores",
            opts.lang
                .t(
                    "không có cột điểm tiêu chí nào (1a, 1b, …)",
                    "no score columns (1a, 1b, …)",
                )
                .to_owned(),
        );
    }
    let mut plans: Vec<(usize, OrgView, i32, BTreeMap<String, i32>)> = Vec::new();
    reg.db.read(|c| {
        for r in &table.rows {
            let who = identify(reg, c, &mut ctx, r)?;
            let year = year_of(&mut ctx, r, opts.year);
            let (Some(org), Some(year)) = (who, year) else {
                continue;
            };
            let rs = match reg.rule_set_for(org.kind, org.fields.sector, year, None) {
                Ok(rs) => rs,
                Err(e) => {
                    ctx.err(r.number, "name", e.message(opts.lang));
                    continue;
                }
            };
            let mut scores = BTreeMap::new();
            for (col, header, code) in &score_cols {
                let cell = grid.cell(r.number - grid.first_row, *col);
                let here = |ctx: &mut Ctx, m: String| {
                    ctx.errors.push(RowError {
                        row: r.number,
                        column: Some(column_letter(*col)),
                        header: Some(header.clone()),
                        field: code.clone(),
                        message: m,
                    });
                };
                let Some(sub) = rs.sub(code) else {
                    here(
                        &mut ctx,
                        match opts.lang {
                            Lang::Vi => {
                                format!("không có tiêu chí {code} trong bộ tiêu chí {}", rs.id)
                            }
                            Lang::En => format!("rule set {} has no sub-criterion {code}", rs.id),
                        },
                    );
                    continue;
                };
                match score_tenths(cell) {
                    Ok(Some(v)) if v > sub.max || v < 0 => here(
                        &mut ctx,
                        evaluations::score_error_vi(&if v < 0 {
                            hoptac_domain::evaluation::ScoreError::Negative {
                                code: code.clone(),
                                score: v,
                            }
                        } else {
                            hoptac_domain::evaluation::ScoreError::AboveMax {
                                code: code.clone(),
                                score: v,
                                max: sub.max,
                            }
                        }),
                    ),
                    Ok(Some(v)) => {
                        scores.insert(code.clone(), v);
                    }
                    Ok(None) => {}
                    Err(t) => here(
                        &mut ctx,
                        match opts.lang {
                            Lang::Vi => {
                                format!("tiêu chí {code}: \"{t}\" không phải số điểm (lẻ tới 0,1)")
                            }
                            Lang::En => format!("{code}: \"{t}\" is not a score (tenths at most)"),
                        },
                    ),
                }
            }
            if opts.approved {
                let missing: Vec<String> = rs
                    .subs()
                    .filter(|(_, s)| !scores.contains_key(&s.code))
                    .map(|(_, s)| s.code.clone())
                    .collect();
                if !missing.is_empty() {
                    ctx.err(
                        r.number,
                        "name",
                        match opts.lang {
                            Lang::Vi => format!(
                                "phiếu đã phê duyệt phải đủ điểm; thiếu tiêu chí {}",
                                missing.join(", ")
                            ),
                            Lang::En => format!(
                                "an approved sheet needs every score; missing {}",
                                missing.join(", ")
                            ),
                        },
                    );
                }
            }
            plans.push((r.number, org, year, scores));
        }
        Ok::<_, AppError>(())
    })?;
    report.errors = std::mem::take(&mut ctx.errors);
    report.errors.sort_by_key(|e| e.row);
    if !report.errors.is_empty() {
        return Err(AppError::ImportRejected(Box::new(report)));
    }
    let mut writes = Vec::new();
    for (row, org, year, scores) in plans {
        let cur = reg.evaluation(org.id, year).ok();
        let action = match &cur {
            None => "create",
            Some(e)
                if e.evaluation.scores == scores
                    && (!opts.approved || e.evaluation.state == EvalState::Approved) =>
            {
                "unchanged"
            }
            Some(_) => "update",
        };
        // Approved history is entered once; a sheet that exists goes through its workflow.
        if action == "update"
            && (opts.approved
                || cur
                    .as_ref()
                    .is_some_and(|e| e.evaluation.state != EvalState::Draft))
        {
            report.errors.push(RowError {
                row,
                column: None,
                header: None,
                field: "name".into(),
                message: opts
                    .lang
                    .t(
                        "phiếu đánh giá năm này đã nộp hoặc đã duyệt: không ghi đè",
                        "this year's sheet is already submitted or approved: not overwritten",
                    )
                    .to_owned(),
            });
            continue;
        }
        match action {
            "create" => report.created += 1,
            "update" => report.updated += 1,
            _ => report.unchanged += 1,
        }
        report.outcomes.push(RowOutcome {
            row,
            action: action.into(),
            id: Some(org.id),
            name: org.name().to_owned(),
            changed: vec![],
        });
        if action != "unchanged" {
            writes.push((org.id, year, scores, cur.map(|e| e.version)));
        }
    }
    if !report.errors.is_empty() {
        return Err(AppError::ImportRejected(Box::new(report)));
    }
    if opts.dry_run {
        return Ok(report);
    }
    // Every sheet is prepared (and classified) first, then all are written in one
    // transaction: a conflict leaves nothing half-imported.
    let mut docs_out = Vec::new();
    for (org, year, scores, version) in writes {
        let existing = match version {
            Some(_) => Some(reg.evaluation(org, year)?.evaluation),
            None => None,
        };
        let e = reg.prepare_sheet(org, year, scores, opts.approved, existing.as_ref(), actor)?;
        docs_out.push((org, year, e, version));
    }
    let now = chrono::Utc::now();
    let stamp = docs::Stamp {
        author: &actor.name,
        source: actor.source.as_deref(),
        note: Some(file),
        now,
    };
    reg.db.write(|c| {
        for (org, year, e, version) in &docs_out {
            let key = reports::key(*org, *year);
            match version {
                None => docs::insert(
                    c,
                    evaluations::KIND,
                    &key,
                    Some(*org),
                    Some(i64::from(*year)),
                    Some(e.state.code()),
                    e,
                    &stamp,
                )?,
                Some(v) => {
                    if !docs::update(
                        c,
                        evaluations::KIND,
                        &key,
                        *v,
                        Some(e.state.code()),
                        e,
                        &stamp,
                    )? {
                        return Err(AppError::refused(
                            "changed_during_import",
                            "Phiếu đánh giá bị sửa trong lúc nhập; không ghi gì. Hãy nhập lại.",
                            "Sheets changed while importing; nothing was written. Import again.",
                        ));
                    }
                }
            }
        }
        Ok(())
    })?;
    report.written = true;
    Ok(report)
}
