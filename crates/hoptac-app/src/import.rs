//! Importing organisations from .xlsx/.csv (spec §8). The whole file is read and
//! checked first; if any row is wrong nothing is written and every error is reported
//! with its row, column and reason. Rows are matched to existing records (record id,
//! tax code, registration number within its registering body, then kind + unaccented
//! name + place), and only what differs is written, so importing a file twice changes
//! nothing the second time.

use crate::columns::REGISTRY_COLUMNS;
use crate::error::{AppError, Result};
use crate::registry::{Actor, NewOrg, Registry};
use chrono::{NaiveDate, Utc};
use hoptac_domain::history::{ChangeBody, OrgState};
use hoptac_domain::i18n::{field_label, place_message, problem_message, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, ProductClass, Sector, Status, StatusChange};
use hoptac_domain::place::{Gazetteer, PlaceError, PlaceRef, Scheme};
use hoptac_domain::text::search_key;
use hoptac_domain::validate::{FieldError, FieldProblem};
use hoptac_io::grid::read_file;
use hoptac_io::parse::{self, CellError};
use hoptac_io::table::{column_letter, extract, DataRow, Note, Table, TableError};
use hoptac_store::{orgs, Conn};
use serde::Serialize;
use std::collections::HashMap;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The kind of every row when the file has no kind column.
    pub kind: Option<OrgKind>,
    /// Check and report, write nothing.
    pub dry_run: bool,
    pub lang: Lang,
}

/// One problem, where it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Spreadsheet row number as Excel shows it (0: the file as a whole).
    pub row: usize,
    /// Column letter, when the problem is in one cell.
    pub column: Option<String>,
    /// The header of that column as written in the file.
    pub header: Option<String>,
    pub field: String,
    pub message: String,
}

/// What happened to one row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowOutcome {
    pub row: usize,
    /// `create`, `update` or `unchanged`.
    pub action: String,
    /// The record (for `create`: once written).
    pub id: Option<OrgId>,
    pub name: String,
    /// The attributes that change, for updates.
    pub changed: Vec<String>,
}

/// The result of an import or a dry run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub file: String,
    pub sheet: String,
    /// First and last header rows.
    pub header_rows: (usize, usize),
    /// (column letter, header in the file, field).
    pub columns: Vec<(String, String, String)>,
    pub rows_read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    /// What was left out and why (hidden columns, totals row, signature block…).
    pub notes: Vec<String>,
    pub outcomes: Vec<RowOutcome>,
    pub dry_run: bool,
    pub written: bool,
    #[serde(skip)]
    pub lang: Lang,
}

impl ImportReport {
    pub fn summary(&self, lang: Lang) -> String {
        if !self.errors.is_empty() {
            return match lang {
                Lang::Vi => format!(
                    "Tệp {} có {} lỗi; không ghi dữ liệu nào. Sửa các lỗi rồi nhập lại.",
                    self.file,
                    self.errors.len()
                ),
                Lang::En => format!(
                    "{} has {} errors; nothing was written. Fix them and import again.",
                    self.file,
                    self.errors.len()
                ),
            };
        }
        let verb = match (self.dry_run, lang) {
            (true, Lang::Vi) => "Kiểm tra thử (chưa ghi)",
            (false, Lang::Vi) => "Đã nhập",
            (true, Lang::En) => "Dry run (nothing written)",
            (false, Lang::En) => "Imported",
        };
        match lang {
            Lang::Vi => format!(
                "{verb}: {} dòng, {} thêm mới, {} cập nhật, {} không đổi.",
                self.rows_read, self.created, self.updated, self.unchanged
            ),
            Lang::En => format!(
                "{verb}: {} rows, {} new, {} updated, {} unchanged.",
                self.rows_read, self.created, self.updated, self.unchanged
            ),
        }
    }
}

/// Progress of a long import, for a progress line or bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    Checking { done: usize, total: usize },
    Writing { done: usize, total: usize },
}

enum Plan {
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
    Unchanged,
}

/// What the check found for one row, to write once the whole file is known good.
struct Planned {
    row: usize,
    plan: Plan,
    name: String,
    id: Option<OrgId>,
    changed: Vec<String>,
}

struct Ctx<'a> {
    reg: &'a Registry,
    places: Gazetteer,
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

    fn field_error(&mut self, row: usize, e: &FieldError) {
        let m = problem_message(&e.problem, self.lang);
        self.err(row, &e.field, m);
    }

    fn cell_error(&mut self, row: usize, field: &str, e: CellError) {
        let p = match e {
            CellError::NotAWholeNumber(v) => FieldProblem::BadNumber(v),
            CellError::NotADate(v) => FieldProblem::BadDate(v),
        };
        self.field_error(row, &FieldError::new(field, p));
    }

    fn text(&self, r: &DataRow, f: &str) -> Option<String> {
        parse::text(r.get(f))
    }

    fn date(&mut self, r: &DataRow, f: &str) -> Option<NaiveDate> {
        match parse::date(r.get(f)) {
            Ok(d) => d,
            Err(e) => {
                self.cell_error(r.number, f, e);
                None
            }
        }
    }

    fn int(&mut self, r: &DataRow, f: &str) -> Option<i64> {
        let mult = self.table.column(f).map_or(1, |c| c.multiplier);
        match parse::whole_number(r.get(f), mult) {
            Ok(v) => v,
            Err(e) => {
                self.cell_error(r.number, f, e);
                None
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        r: &DataRow,
        f: &str,
        parse: fn(&str) -> Option<T>,
        all: &[T],
        label: fn(T) -> &'static str,
    ) -> Option<T> {
        let t = self.text(r, f)?;
        match parse(&t) {
            Some(v) => Some(v),
            None => {
                let allowed = all.iter().map(|v| label(*v).to_owned()).collect();
                self.field_error(
                    r.number,
                    &FieldError::new(f, FieldProblem::UnknownValue { value: t, allowed }),
                );
                None
            }
        }
    }

    /// The row's place: a code (with the scheme column or the scheme in force on
    /// `date`), else a commune name (and district, for the legacy scheme).
    fn place(&mut self, r: &DataRow, date: NaiveDate) -> Option<PlaceRef> {
        let scheme = match self.text(r, "scheme") {
            Some(s) => match Scheme::parse(&s) {
                Some(s) => Some(s),
                None => {
                    self.field_error(
                        r.number,
                        &FieldError::new(
                            "scheme",
                            FieldProblem::UnknownValue {
                                value: s,
                                allowed: vec!["legacy".into(), "2025".into()],
                            },
                        ),
                    );
                    return None;
                }
            },
            None => None,
        };
        let in_force = scheme.unwrap_or_else(|| Scheme::in_force_on(date));
        if let Some(code) = parse::identifier(r.get("commune_code"), 5) {
            let code = if code.len() < 5 && code.chars().all(|c| c.is_ascii_digit()) {
                format!("{code:0>5}")
            } else {
                code
            };
            let p = PlaceRef::new(in_force, code);
            return match self.places.check(&p) {
                Ok(_) => Some(p),
                Err(e) => {
                    let m = place_message(&e, self.lang);
                    self.err(r.number, "commune_code", m);
                    None
                }
            };
        }
        let name = self.text(r, "commune")?;
        let district = self.text(r, "district");
        match self
            .places
            .find_commune(in_force, &name, district.as_deref())
        {
            Ok(c) => Some(PlaceRef::new(in_force, c.code.clone())),
            Err(e) => {
                let mut m = place_message(&e, self.lang);
                if scheme.is_none() {
                    if let (PlaceError::UnknownName { .. }, Some(other)) =
                        (&e, other_scheme(in_force))
                    {
                        if let Ok(c) = self.places.find_commune(other, &name, district.as_deref()) {
                            m.push_str(&match self.lang {
                                Lang::Vi => format!(
                                    " — \"{name}\" là {} theo hệ {}; ngày hiệu lực của dòng ({}) thuộc hệ {}. Thêm cột \"Hệ địa giới\" ghi \"{}\" nếu đúng.",
                                    self.places.describe(c),
                                    scheme_vi(other),
                                    hoptac_domain::i18n::format_date(date),
                                    scheme_vi(in_force),
                                    other.as_str()
                                ),
                                Lang::En => format!(
                                    " — \"{name}\" is {} in the {} scheme; the row's date ({date}) falls in the {} scheme. Add a \"Scheme\" column saying \"{}\" if that is right.",
                                    self.places.describe(c),
                                    other.as_str(),
                                    in_force.as_str(),
                                    other.as_str()
                                ),
                            });
                        }
                    }
                }
                self.err(r.number, "commune", m);
                None
            }
        }
    }
}

fn other_scheme(s: Scheme) -> Option<Scheme> {
    Some(match s {
        Scheme::Legacy => Scheme::Y2025,
        Scheme::Y2025 => Scheme::Legacy,
    })
}

fn scheme_vi(s: Scheme) -> &'static str {
    match s {
        Scheme::Legacy => "trước 2025",
        Scheme::Y2025 => "2025",
    }
}

struct ParsedRow {
    number: usize,
    id: Option<OrgId>,
    kind: Option<OrgKind>,
    fields: OrgFields,
    status: Option<StatusChange>,
    status_date: Option<NaiveDate>,
    effective: Option<NaiveDate>,
    /// Fields whose cells could not be read: later checks of them would only repeat
    /// the error (a missing place after an unknown commune, say).
    failed: Vec<String>,
}

impl ParsedRow {
    fn already_reported(&self, field: &str) -> bool {
        let place_cells = [
            "commune",
            "commune_code",
            "scheme",
            "district",
            "founding_date",
            "effective",
        ];
        self.failed
            .iter()
            .any(|f| f == field || (field == "place" && place_cells.contains(&f.as_str())))
    }
}

fn parse_row(ctx: &mut Ctx, r: &DataRow, default_kind: Option<OrgKind>) -> ParsedRow {
    let n = r.number;
    let before = ctx.errors.len();
    let id = ctx.int(r, "id");
    let kind = ctx
        .choice(r, "kind", OrgKind::parse, OrgKind::ALL, OrgKind::code)
        .or(default_kind);
    let mut f = OrgFields {
        name: ctx.text(r, "name"),
        short_name: ctx.text(r, "short_name"),
        tax_code: parse::identifier(r.get("tax_code"), 10),
        registration_number: ctx.text(r, "registration_number"),
        registration_date: ctx.date(r, "registration_date"),
        registering_body: ctx.text(r, "registering_body"),
        address: ctx.text(r, "address"),
        legacy_commune: parse::identifier(r.get("legacy_commune"), 5),
        sector: ctx.choice(r, "sector", Sector::parse, Sector::ALL, Sector::label_vi),
        product_class: ctx.choice(
            r,
            "product_class",
            ProductClass::parse,
            ProductClass::ALL,
            ProductClass::label_vi,
        ),
        legal_representative: ctx.text(r, "legal_representative"),
        phone: parse::identifier(r.get("phone"), 10),
        email: ctx.text(r, "email"),
        charter_capital: ctx.int(r, "charter_capital"),
        members: ctx.int(r, "members"),
        founding_date: ctx.date(r, "founding_date"),
        notes: ctx.text(r, "notes"),
        place: None,
    };
    let effective = ctx.date(r, "effective");
    let status_date = ctx.date(r, "status_date");
    let until = ctx.date(r, "suspended_until");
    let status = ctx
        .choice(r, "status", Status::parse, Status::ALL, Status::label_vi)
        .map(|s| StatusChange {
            status: s,
            until: until.filter(|_| s == Status::Suspended),
            reason: None,
            document: None,
        });
    let failed: Vec<String> = ctx.errors[before..]
        .iter()
        .map(|e| e.field.clone())
        .collect();
    // The scheme of a name depends on the row's date: without a readable date there is
    // no telling which commune is meant, and the date error says what to fix.
    let date_unreadable = failed
        .iter()
        .any(|f| f == "founding_date" || f == "effective")
        && !r.cells.contains_key("scheme");
    if !date_unreadable {
        let place_date = effective
            .or(f.founding_date)
            .unwrap_or_else(|| ctx.reg.today());
        f.place = ctx.place(r, place_date);
    }
    if kind.is_none() && !r.cells.contains_key("kind") {
        ctx.field_error(n, &FieldError::new("kind", FieldProblem::Required));
    }
    let failed = ctx.errors[before..]
        .iter()
        .map(|e| e.field.clone())
        .collect();
    ParsedRow {
        number: n,
        id,
        kind,
        fields: f,
        status,
        status_date,
        effective,
        failed,
    }
}

/// The key that finds a record by kind, unaccented name and place (2025 terms).
fn match_key(places: &Gazetteer, kind: OrgKind, f: &OrgFields) -> Option<String> {
    let name = f.name.as_deref()?;
    let place = f.place.as_ref()?;
    let both = places.both_schemes(place, f.legacy_commune.as_deref());
    Some(format!(
        "{}|{}|{}",
        kind.code(),
        search_key(name),
        both.commune_2025.unwrap_or_else(|| place.code.clone())
    ))
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
    let lang = opts.lang;
    let mut report = ImportReport {
        file: file_name.to_owned(),
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
        dry_run: opts.dry_run,
        written: false,
        lang,
    };
    let file_error = |report: &mut ImportReport, field: &str, message: String| {
        report.errors.push(RowError {
            row: 0,
            column: None,
            header: None,
            field: field.into(),
            message,
        });
    };
    let grid = match read_file(file_name, bytes) {
        Ok(g) => g,
        Err(e) => {
            file_error(&mut report, "file", read_error_message(&e, lang));
            return Err(AppError::ImportRejected(Box::new(report)));
        }
    };
    report.sheet = grid.sheet.clone();
    let table = match extract(&grid, REGISTRY_COLUMNS) {
        Ok(t) => t,
        Err(e) => {
            let m = match (e, lang) {
                (TableError::NoHeader, Lang::Vi) => "Không tìm thấy dòng tiêu đề (cần ít nhất hai cột như \"Tên HTX\", \"Mã số thuế\", \"Xã\"…)".to_owned(),
                (TableError::NoHeader, Lang::En) => "No header row found (it needs at least two known columns such as \"Name\", \"Tax code\", \"Commune\")".to_owned(),
                (TableError::DuplicateColumn { field, columns }, Lang::Vi) => format!("Hai cột cùng là \"{}\": {}", field_label(field, lang), columns.join(", ")),
                (TableError::DuplicateColumn { field, columns }, Lang::En) => format!("Two columns are both \"{}\": {}", field_label(field, lang), columns.join(", ")),
            };
            file_error(&mut report, "header", m);
            return Err(AppError::ImportRejected(Box::new(report)));
        }
    };
    report.header_rows = table.header_rows;
    report.columns = table
        .columns
        .iter()
        .filter(|c| c.field != "stt")
        .map(|c| (column_letter(c.col), c.header.clone(), c.field.to_owned()))
        .collect();
    report.notes = table.notes.iter().map(|n| note_message(n, lang)).collect();
    if table.column("name").is_none() && table.column("id").is_none() {
        file_error(
            &mut report,
            "name",
            lang.t(
                "Tệp thiếu cột tên (\"Tên HTX\")",
                "The file has no name column",
            )
            .to_owned(),
        );
    }
    if table.column("kind").is_none() && opts.kind.is_none() && table.column("id").is_none() {
        file_error(
            &mut report,
            "kind",
            lang.t(
                "Tệp không có cột \"Loại hình\": hãy chọn loại hình cho cả tệp (HTX, LHHTX hoặc THT)",
                "The file has no \"Kind\" column: choose the kind for the whole file (HTX, LHHTX or THT)",
            )
            .to_owned(),
        );
    }
    report.rows_read = table.rows.len();
    if !report.errors.is_empty() {
        return Err(AppError::ImportRejected(Box::new(report)));
    }

    let places = reg.places();
    let mut ctx = Ctx {
        reg,
        places: places.clone(),
        table: &table,
        lang,
        errors: Vec::new(),
    };
    let total = table.rows.len();
    let mut plans: Vec<Planned> = Vec::new();
    let mut seen_tax: HashMap<String, usize> = HashMap::new();
    let mut seen_ids: HashMap<OrgId, usize> = HashMap::new();
    let mut seen_keys: HashMap<String, usize> = HashMap::new();
    let today = reg.today();
    let validator = reg.validator(&places);
    reg.db.read(|c| {
        let lookup = Lookup::load(c, table.rows.len())?;
        for (i, r) in table.rows.iter().enumerate() {
            if i % 200 == 0 {
                progress(Progress::Checking { done: i, total });
            }
            let mut row = parse_row(&mut ctx, r, opts.kind);
            let n = row.number;
            let name = row.fields.name.clone().unwrap_or_default();
            let normalised_tax = row.fields.tax_code.as_deref().map(|t| {
                hoptac_domain::validate::TaxCode::parse(t)
                    .map_or_else(|| t.to_owned(), |tc| tc.as_str().to_owned())
            });
            if let Some(t) = normalised_tax {
                if let Some(prev) = seen_tax.insert(t.clone(), n) {
                    ctx.err(
                        n,
                        "tax_code",
                        match lang {
                            Lang::Vi => format!("mã số thuế {t} trùng với dòng {prev} của tệp"),
                            Lang::En => format!("tax code {t} repeats row {prev} of the file"),
                        },
                    );
                }
            }
            let Some(kind) = row.kind else { continue };
            let existing = find_existing(c, &lookup, &mut ctx, &places, &row, kind)?;
            match existing {
                Some(cur) => {
                    if let Some(prev) = seen_ids.insert(cur.id, n) {
                        ctx.err(
                            n,
                            "name",
                            match lang {
                                Lang::Vi => format!(
                                    "dòng này và dòng {prev} cùng là hồ sơ {} ({})",
                                    cur.id,
                                    cur.name()
                                ),
                                Lang::En => format!(
                                    "this row and row {prev} are both record {} ({})",
                                    cur.id,
                                    cur.name()
                                ),
                            },
                        );
                        continue;
                    }
                    if row.kind.is_some_and(|k| k != cur.kind) && table.column("kind").is_some() {
                        ctx.err(
                            n,
                            "kind",
                            match lang {
                                Lang::Vi => format!(
                                    "hồ sơ {} là {}, không phải {}",
                                    cur.id,
                                    cur.kind.label_vi(),
                                    kind.label_vi()
                                ),
                                Lang::En => format!(
                                    "record {} is a {}, not a {}",
                                    cur.id,
                                    cur.kind.label_en(),
                                    kind.label_en()
                                ),
                            },
                        );
                        continue;
                    }
                    let effective = row.effective.unwrap_or(today);
                    // The place was read in the scheme of the founding date; an update
                    // takes effect on its own date. The same place keeps what is stored;
                    // another one is read again in the scheme in force on that date.
                    if let Some(p) = row.fields.place.clone() {
                        let same =
                            places.both_schemes(&p, None).commune_2025 == cur.places.commune_2025;
                        if same {
                            row.fields.place = None;
                        } else if !r.cells.contains_key("scheme")
                            && Scheme::in_force_on(effective) != p.scheme
                        {
                            row.fields.place = ctx.place(r, effective);
                        }
                    }
                    for e in validator.check(cur.kind, &mut row.fields, false) {
                        if !row.already_reported(&e.field) {
                            ctx.field_error(n, &e);
                        }
                    }
                    if let Some(e) = validator.check_effective(effective) {
                        ctx.field_error(n, &e);
                    }
                    if let Some(t) = row.fields.tax_code.as_deref() {
                        if let Some((other, other_name)) = orgs::by_tax_code(c, t)? {
                            if other != cur.id {
                                ctx.field_error(
                                    n,
                                    &FieldError::new(
                                        "tax_code",
                                        FieldProblem::DuplicateTaxCode {
                                            other_id: other,
                                            other_name,
                                        },
                                    ),
                                );
                            }
                        }
                    }
                    // Back-dated rows are compared with what was in force on their date.
                    let base = if effective < today {
                        OrgState::fold(
                            cur.id,
                            cur.kind,
                            &orgs::changes(c, cur.id)?,
                            Some(effective),
                        )
                        .map(|s| s.fields)
                        .unwrap_or_default()
                    } else {
                        cur.fields.clone()
                    };
                    let patch = base.changes_to(&row.fields);
                    let mut bodies = Vec::new();
                    let mut changed: Vec<String> = patch.as_map().keys().cloned().collect();
                    if !patch.is_empty() {
                        bodies.push((effective, ChangeBody::Fields { fields: patch }));
                    }
                    if let Some(s) = row.status.take() {
                        // Same as recorded, or as in force today (an ended suspension
                        // reads as active), is no change.
                        let as_recorded = s.status == cur.status_detail.status
                            && s.until == cur.status_detail.until;
                        let as_today = s.status == cur.status && s.status != Status::Suspended;
                        for e in crate::registry::check_status(cur.kind, &s) {
                            ctx.field_error(n, &e);
                        }
                        if !(as_recorded || as_today) {
                            let d = row.status_date.unwrap_or(effective);
                            if let Some(e) = validator.check_effective(d) {
                                ctx.field_error(
                                    n,
                                    &FieldError {
                                        field: "status_date".into(),
                                        ..e
                                    },
                                );
                            }
                            let s = StatusChange {
                                document: Some(format!("Tệp nhập: {file_name}")),
                                ..s
                            };
                            bodies.push((d, ChangeBody::Status { status: s }));
                            changed.push("status".into());
                        }
                    }
                    let plan = if bodies.is_empty() {
                        Plan::Unchanged
                    } else {
                        Plan::Update {
                            id: cur.id,
                            version: cur.version,
                            bodies,
                        }
                    };
                    plans.push(Planned {
                        row: n,
                        plan,
                        name: cur.name().to_owned(),
                        id: Some(cur.id),
                        changed,
                    });
                }
                None => {
                    if row.id.is_some() {
                        continue; // reported by find_existing
                    }
                    if let Some(k) = match_key(&places, kind, &row.fields) {
                        if let Some(prev) = seen_keys.insert(k, n) {
                            ctx.err(
                                n,
                                "name",
                                match lang {
                                    Lang::Vi => format!(
                                        "trùng tên, loại hình và địa bàn với dòng {prev} của tệp"
                                    ),
                                    Lang::En => format!(
                                        "same name, kind and place as row {prev} of the file"
                                    ),
                                },
                            );
                        }
                    }
                    let mut status = row.status.clone();
                    if let Some(s) = status.as_mut() {
                        s.document = Some(format!("Tệp nhập: {file_name}"));
                    }
                    match reg.check_new(
                        NewOrg {
                            kind: Some(kind),
                            fields: row.fields.clone(),
                            status,
                        },
                        &places,
                    ) {
                        Ok((kind, fields, status)) => {
                            // A status other than active is an event on the row's status
                            // date (or the import date), after the founding.
                            let status_at = (status.status != Status::Active)
                                .then(|| row.status_date.unwrap_or(today));
                            if let (Some(at), Some(founded)) = (status_at, fields.founding_date) {
                                if at < founded {
                                    ctx.err(
                                        n,
                                        "status_date",
                                        match lang {
                                            Lang::Vi => format!(
                                                "ngày {} trước ngày thành lập {}",
                                                hoptac_domain::i18n::format_date(at),
                                                hoptac_domain::i18n::format_date(founded)
                                            ),
                                            Lang::En => format!(
                                                "{at} is before the founding date {founded}"
                                            ),
                                        },
                                    );
                                }
                            }
                            plans.push(Planned {
                                row: n,
                                plan: Plan::Create {
                                    kind,
                                    fields: Box::new(fields),
                                    status,
                                    status_at,
                                },
                                name,
                                id: None,
                                changed: vec![],
                            });
                        }
                        Err(AppError::Invalid(errs)) => {
                            for e in errs.iter().filter(|e| !row.already_reported(&e.field)) {
                                ctx.field_error(n, e);
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok::<_, AppError>(())
    })?;
    progress(Progress::Checking { done: total, total });
    report.errors = std::mem::take(&mut ctx.errors);
    report.errors.sort_by_key(|e| e.row);
    if !report.errors.is_empty() {
        return Err(AppError::ImportRejected(Box::new(report)));
    }
    for p in &plans {
        let action = match p.plan {
            Plan::Create { .. } => {
                report.created += 1;
                "create"
            }
            Plan::Update { .. } => {
                report.updated += 1;
                "update"
            }
            Plan::Unchanged => {
                report.unchanged += 1;
                "unchanged"
            }
        };
        report.outcomes.push(RowOutcome {
            row: p.row,
            action: action.into(),
            id: p.id,
            name: p.name.clone(),
            changed: p.changed.clone(),
        });
    }
    if opts.dry_run {
        return Ok(report);
    }
    let creates = plans
        .iter()
        .filter(|p| matches!(p.plan, Plan::Create { .. }))
        .count() as i64;
    let now = Utc::now();
    let writes = plans
        .iter()
        .filter(|p| !matches!(p.plan, Plan::Unchanged))
        .count();
    let new_ids = reg.db.write(|c| {
        let mut next = if creates > 0 {
            orgs::allocate_ids(c, "organisation", creates)?
        } else {
            0
        };
        let mut ids = Vec::new();
        let mut done = 0;
        // New records go in batches of several hundred rows per statement.
        let mut batch = Vec::new();
        for p in &plans {
            match &p.plan {
                Plan::Create {
                    kind,
                    fields,
                    status,
                    status_at,
                } => {
                    batch.push(reg.new_record(
                        next,
                        *kind,
                        (**fields).clone(),
                        status.clone(),
                        *status_at,
                        actor,
                        now,
                        &places,
                    )?);
                    ids.push(next);
                    next += 1;
                    if batch.len() == 1000 {
                        reg.insert_many(c, std::mem::take(&mut batch), actor, now)?;
                    }
                }
                Plan::Update {
                    id,
                    version,
                    bodies,
                } => {
                    reg.append(c, *id, *version, bodies.clone(), actor, now, &places)
                        .map_err(|e| {
                            match e {
                        AppError::Conflict { .. } => AppError::refused(
                            "changed_during_import",
                            "Dữ liệu đã bị sửa trong lúc nhập; không ghi gì. Hãy nhập lại.",
                            "Records changed while importing; nothing was written. Import again.",
                        ),
                        e => e,
                    }
                        })?;
                }
                Plan::Unchanged => continue,
            }
            done += 1;
            if done % 200 == 0 {
                progress(Progress::Writing {
                    done,
                    total: writes,
                });
            }
        }
        reg.insert_many(c, batch, actor, now)?;
        Ok::<_, AppError>(ids)
    })?;
    progress(Progress::Writing {
        done: writes,
        total: writes,
    });
    let mut it = new_ids.into_iter();
    for o in report.outcomes.iter_mut().filter(|o| o.action == "create") {
        o.id = it.next();
    }
    report.written = true;
    Ok(report)
}

/// Finds the record a row describes, by the spec's matching order.
/// How rows find the records they update: a query per row, or, for a large file, an
/// index of every record's keys read once (same answers, far fewer round trips).
enum Lookup {
    PerRow,
    Index {
        tax: HashMap<String, OrgId>,
        /// Registration number → (id, registering body), both compared as search keys.
        registration: HashMap<String, Vec<(OrgId, Option<String>)>>,
        key: HashMap<String, Vec<OrgId>>,
    },
}

impl Lookup {
    /// Rows from which reading every record's keys once is cheaper than a query each.
    const INDEX_FROM_ROWS: usize = 200;

    fn load(c: &mut dyn Conn, rows: usize) -> Result<Lookup> {
        if rows < Self::INDEX_FROM_ROWS {
            return Ok(Lookup::PerRow);
        }
        let mut tax = HashMap::new();
        let mut registration: HashMap<String, Vec<(OrgId, Option<String>)>> = HashMap::new();
        let mut key: HashMap<String, Vec<OrgId>> = HashMap::new();
        for (id, t, number, body, k) in orgs::all_match_keys(c)? {
            if let Some(t) = t {
                tax.insert(t, id);
            }
            if let Some(n) = number {
                registration.entry(n).or_default().push((id, body));
            }
            if let Some(k) = k {
                key.entry(k).or_default().push(id);
            }
        }
        for ids in key.values_mut() {
            ids.sort_unstable();
        }
        for ids in registration.values_mut() {
            ids.sort_unstable();
        }
        Ok(Lookup::Index {
            tax,
            registration,
            key,
        })
    }

    fn tax(&self, c: &mut dyn Conn, tax_code: &str) -> Result<Option<OrgId>> {
        match self {
            Lookup::PerRow => Ok(orgs::by_tax_code(c, tax_code)?.map(|(id, _)| id)),
            Lookup::Index { tax, .. } => Ok(tax.get(tax_code).copied()),
        }
    }

    fn registration(
        &self,
        c: &mut dyn Conn,
        number: &str,
        body: Option<&str>,
    ) -> Result<Vec<OrgId>> {
        match self {
            Lookup::PerRow => Ok(orgs::by_registration(c, number, body)?),
            Lookup::Index { registration, .. } => {
                let body = body.map(search_key);
                Ok(registration
                    .get(&search_key(number))
                    .map(|found| {
                        found
                            .iter()
                            .filter(|(_, b)| body.is_none() || *b == body)
                            .map(|(id, _)| *id)
                            .collect()
                    })
                    .unwrap_or_default())
            }
        }
    }

    fn key(&self, c: &mut dyn Conn, k: &str) -> Result<Vec<OrgId>> {
        match self {
            Lookup::PerRow => Ok(orgs::by_match_key(c, k)?),
            Lookup::Index { key, .. } => Ok(key.get(k).cloned().unwrap_or_default()),
        }
    }
}

fn find_existing(
    c: &mut dyn Conn,
    lookup: &Lookup,
    ctx: &mut Ctx,
    places: &Gazetteer,
    row: &ParsedRow,
    kind: OrgKind,
) -> Result<Option<OrgView>> {
    let reg = ctx.reg;
    let load = |c: &mut dyn Conn, id: OrgId| -> Result<Option<OrgView>> {
        Ok(orgs::get(c, id)?.map(|s| reg.view(s.state, s.version, reg.today(), places)))
    };
    if let Some(id) = row.id {
        let v = load(c, id)?;
        if v.is_none() {
            ctx.err(
                row.number,
                "id",
                match ctx.lang {
                    Lang::Vi => format!("không có hồ sơ mã {id}"),
                    Lang::En => format!("there is no record {id}"),
                },
            );
        }
        return Ok(v);
    }
    if let Some(t) = row.fields.tax_code.as_deref() {
        if let Some(tc) = hoptac_domain::validate::TaxCode::parse(t) {
            if let Some(id) = lookup.tax(c, tc.as_str())? {
                return load(c, id);
            }
        }
    }
    if let Some(number) = row.fields.registration_number.as_deref() {
        let ids = lookup.registration(c, number, row.fields.registering_body.as_deref())?;
        match ids.as_slice() {
            [id] => return load(c, *id),
            [] => {}
            many => {
                ctx.err(row.number, "registration_number", match ctx.lang {
                    Lang::Vi => format!("số đăng ký {number} khớp với nhiều hồ sơ ({}); ghi thêm cơ quan đăng ký", join_ids(many)),
                    Lang::En => format!("registration number {number} matches several records ({}); add the registering body", join_ids(many)),
                });
                return Ok(None);
            }
        }
    }
    if let Some(k) = match_key(places, kind, &row.fields) {
        let ids = lookup.key(c, &k)?;
        match ids.as_slice() {
            [id] => return load(c, *id),
            [] => {}
            many => {
                // Never guess, and never add a third twin: ask for a number.
                ctx.err(row.number, "name", match ctx.lang {
                    Lang::Vi => format!("khớp với nhiều hồ sơ cùng tên, loại hình và địa bàn ({}); ghi thêm mã hồ sơ hoặc mã số thuế", join_ids(many)),
                    Lang::En => format!("matches several records with the same name, kind and place ({}); add the record id or tax code", join_ids(many)),
                });
                return Ok(None);
            }
        }
    }
    Ok(None)
}

fn join_ids(ids: &[OrgId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn read_error_message(e: &hoptac_io::grid::ReadError, lang: Lang) -> String {
    use hoptac_io::grid::ReadError::*;
    match (e, lang) {
        (UnsupportedType(n), Lang::Vi) => {
            format!("Không đọc được tệp {n}: chỉ nhận .xlsx hoặc .csv")
        }
        (UnsupportedType(n), Lang::En) => format!("Cannot read {n}: only .xlsx or .csv"),
        (Xlsx(m), Lang::Vi) => format!("Tệp .xlsx bị hỏng hoặc không phải Excel: {m}"),
        (Xlsx(m), Lang::En) => format!("The .xlsx file is damaged or not Excel: {m}"),
        (Csv(m), Lang::Vi) => format!("Tệp .csv không đọc được: {m}"),
        (Csv(m), Lang::En) => format!("The .csv file cannot be read: {m}"),
        (Empty, _) => lang
            .t("Tệp không có dữ liệu", "The file has no data")
            .to_owned(),
        (OverLimit(o), _) => over_limit_message(o, lang),
    }
}

/// A file over a reading limit: which limit, its value, where, and how an operator
/// raises it.
fn over_limit_message(o: &hoptac_io::limits::OverLimit, lang: Lang) -> String {
    use hoptac_io::limits::Limit::*;
    let (vi, en) = match o.limit {
        Rows => ("quá số dòng cho phép", "more rows than allowed"),
        Columns => ("quá số cột cho phép", "more columns than allowed"),
        Cells => ("quá số ô cho phép", "more cells than allowed"),
        CellChars => (
            "một ô dài quá số ký tự cho phép",
            "a cell longer than allowed",
        ),
        UnzippedBytes => (
            "dung lượng sau khi giải nén quá mức cho phép (MB)",
            "more unzipped data than allowed (MB)",
        ),
        Parts => (
            "quá số phần (tệp con) cho phép trong tệp .xlsx",
            "more parts inside the .xlsx than allowed",
        ),
    };
    let at = o.at.as_deref().map(|a| match lang {
        Lang::Vi => format!(" tại {a}"),
        Lang::En => format!(" at {a}"),
    });
    let at = at.unwrap_or_default();
    let var = o.limit.env_var();
    let n = hoptac_domain::i18n::format_int(o.allowed as i64);
    match lang {
        Lang::Vi => {
            format!("Tệp bị từ chối: {vi}{at} (giới hạn {n}, đặt bằng biến môi trường {var})")
        }
        Lang::En => {
            format!("File refused: {en}{at} (limit {n}, set by the environment variable {var})")
        }
    }
}

pub(crate) fn note_message(n: &Note, lang: Lang) -> String {
    match (n, lang) {
        (Note::HiddenColumn { column, header }, Lang::Vi) => {
            format!("Cột {column} (\"{header}\") đang ẩn: bỏ qua")
        }
        (Note::HiddenColumn { column, header }, Lang::En) => {
            format!("Column {column} (\"{header}\") is hidden: ignored")
        }
        (Note::UnknownColumn { column, header }, Lang::Vi) => {
            format!("Cột {column} (\"{header}\") không thuộc mẫu nhập: bỏ qua")
        }
        (Note::UnknownColumn { column, header }, Lang::En) => {
            format!("Column {column} (\"{header}\") is not an import column: ignored")
        }
        (Note::NumberingRow { row }, Lang::Vi) => format!("Dòng {row} là dòng đánh số cột: bỏ qua"),
        (Note::NumberingRow { row }, Lang::En) => format!("Row {row} numbers the columns: ignored"),
        (Note::BlankRows { count }, Lang::Vi) => format!("{count} dòng trống: bỏ qua"),
        (Note::BlankRows { count }, Lang::En) => format!("{count} blank rows: ignored"),
        (Note::TotalsRow { row }, Lang::Vi) => format!("Dòng {row} là dòng tổng cộng: bỏ qua"),
        (Note::TotalsRow { row }, Lang::En) => format!("Row {row} is a totals row: ignored"),
        (Note::TrailingRows { from, to }, Lang::Vi) => {
            format!("Dòng {from}–{to} (phần ký tên, ghi chú cuối bảng): bỏ qua")
        }
        (Note::TrailingRows { from, to }, Lang::En) => {
            format!("Rows {from}–{to} (signature block, notes below the table): ignored")
        }
    }
}
