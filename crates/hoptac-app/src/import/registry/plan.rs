//! The registry importer's plan for one row (*kế hoạch ghi từng dòng*): read it, find
//! the record it describes, and say what would change — a new record, the fields and
//! status that differ (dated), or nothing. Problems go to the error collector.

use super::lookup::find_existing;
use super::read::{ReadRow, Reader};
use super::row::{place, ParsedRow};
use super::{OrgChange, RegistryImport};
use crate::error::{AppError, Result};
use crate::import::errors::Errors;
use crate::import::pipeline::{Action, Planned};
use crate::registry::NewOrg;
use chrono::NaiveDate;
use hoptac_domain::history::{ChangeBody, OrgState};
use hoptac_domain::i18n::{format_date, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgKind, Status, StatusChange};
use hoptac_domain::place::Scheme;
use hoptac_domain::validate::{FieldError, FieldProblem, TaxCode};
use hoptac_io::table::DataRow;
use hoptac_store::{orgs, Conn};

type Plan = Option<Planned<OrgChange>>;

impl RegistryImport<'_> {
    pub(super) fn plan(
        &mut self,
        c: &mut dyn Conn,
        r: &DataRow,
        errors: &mut Errors,
    ) -> Result<Plan> {
        let ReadRow { row, key, problems } = self.take_read(errors, r);
        errors.extend(problems);
        self.tax_code_once(errors, &row);
        let Some(kind) = row.kind else {
            return Ok(None);
        };
        let (reg, k) = (self.reg, key.as_deref());
        match find_existing(c, &self.lookup, reg, errors, self.places, &row, k)? {
            Some(cur) => self.plan_update(c, r, errors, row, cur),
            None if row.id.is_some() => Ok(None), // reported by find_existing
            None => self.plan_create(errors, row, kind, key),
        }
    }

    /// What reads the rows of this import.
    pub(super) fn reader<'s>(&'s self, errors: &Errors<'s>) -> Reader<'s> {
        Reader {
            places: self.places,
            today: self.today,
            kind: self.opts.kind,
            sheet: errors.sheet(),
            lang: errors.lang(),
        }
    }

    /// The row as read ahead, or read now if it was not.
    fn take_read(&mut self, errors: &mut Errors, r: &DataRow) -> ReadRow {
        match self.read.front() {
            Some(ahead) if ahead.row.number == r.number => {
                self.read.pop_front().expect("the row just seen")
            }
            _ => self.reader(errors).read(errors, r),
        }
    }

    /// A tax code names one organisation: once per file.
    fn tax_code_once(&mut self, errors: &mut Errors, row: &ParsedRow) {
        let Some(t) = row.fields.tax_code.as_deref() else {
            return;
        };
        let t = TaxCode::parse(t).map_or_else(|| t.to_owned(), |tc| tc.as_str().to_owned());
        if let Some(prev) = self.seen_tax.insert(t.clone(), row.number) {
            let m = match errors.lang() {
                Lang::Vi => format!("mã số thuế {t} trùng với dòng {prev} của tệp"),
                Lang::En => format!("tax code {t} repeats row {prev} of the file"),
            };
            errors.at(row.number, "tax_code", m);
        }
    }

    /// A row about a stored record: what differs from it.
    fn plan_update(
        &mut self,
        c: &mut dyn Conn,
        r: &DataRow,
        errors: &mut Errors,
        mut row: ParsedRow,
        cur: OrgView,
    ) -> Result<Plan> {
        let n = row.number;
        if !self.same_record_once(errors, n, &cur) || !same_kind(errors, &row, &cur) {
            return Ok(None);
        }
        let effective = row.effective.unwrap_or(self.today);
        // The place was read in the scheme of the founding date; an update takes effect
        // on its own date. The same place keeps what is stored; another one is read
        // again in the scheme in force on that date.
        if let Some(p) = row.fields.place.clone() {
            let same = self.places.both_schemes(&p, None).commune_2025 == cur.places.commune_2025;
            if same {
                row.fields.place = None;
            } else if !r.cells.contains_key("scheme") && Scheme::in_force_on(effective) != p.scheme
            {
                row.fields.place = place(self.places, errors, r, effective);
            }
        }
        for e in self.validator.check(cur.kind, &mut row.fields, false) {
            if !row.already_reported(&e.field) {
                errors.field_error(n, &e);
            }
        }
        if let Some(e) = self.validator.check_effective(effective) {
            errors.field_error(n, &e);
        }
        if let Some(t) = row.fields.tax_code.as_deref() {
            if let Some((other_id, other_name)) = orgs::by_tax_code(c, t)? {
                if other_id != cur.id {
                    let p = FieldProblem::DuplicateTaxCode {
                        other_id,
                        other_name,
                    };
                    errors.field_error(n, &FieldError::new("tax_code", p));
                }
            }
        }
        // Back-dated rows are compared with what was in force on their date.
        let base = if effective < self.today {
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
        if let Some(s) = self.status_change(errors, &mut row, &cur, effective) {
            bodies.push(s);
            changed.push("status".into());
        }
        let action = if bodies.is_empty() {
            Action::Unchanged
        } else {
            Action::Update(OrgChange::Update {
                id: cur.id,
                version: cur.version,
                bodies,
            })
        };
        let mut plan = Planned::new(n, action, Some(cur.id), cur.name());
        plan.changed = changed;
        Ok(Some(plan))
    }

    /// A record is named by one row of a file.
    fn same_record_once(&mut self, errors: &mut Errors, n: usize, cur: &OrgView) -> bool {
        let Some(prev) = self.seen_ids.insert(cur.id, n) else {
            return true;
        };
        let m = match errors.lang() {
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
        };
        errors.at(n, "name", m);
        false
    }

    /// The row's status, dated, when it differs from the record's.
    fn status_change(
        &self,
        errors: &mut Errors,
        row: &mut ParsedRow,
        cur: &OrgView,
        effective: NaiveDate,
    ) -> Option<(NaiveDate, ChangeBody)> {
        let s = row.status.take()?;
        // Same as recorded, or as in force today (an ended suspension reads as
        // active), is no change.
        let as_recorded =
            s.status == cur.status_detail.status && s.until == cur.status_detail.until;
        let as_today = s.status == cur.status && s.status != Status::Suspended;
        for e in crate::registry::check_status(cur.kind, &s) {
            errors.field_error(row.number, &e);
        }
        if as_recorded || as_today {
            return None;
        }
        let d = row.status_date.unwrap_or(effective);
        if let Some(e) = self.validator.check_effective(d) {
            let e = FieldError {
                field: "status_date".into(),
                ..e
            };
            errors.field_error(row.number, &e);
        }
        let status = StatusChange {
            document: Some(format!("Tệp nhập: {}", self.file)),
            ..s
        };
        Some((d, ChangeBody::Status { status }))
    }

    /// A row about no stored record: a new one, checked as any new record is.
    fn plan_create(
        &mut self,
        errors: &mut Errors,
        row: ParsedRow,
        kind: OrgKind,
        key: Option<String>,
    ) -> Result<Plan> {
        let n = row.number;
        let name = row.fields.name.clone().unwrap_or_default();
        if let Some(k) = key {
            if let Some(prev) = self.seen_keys.insert(k, n) {
                let m = match errors.lang() {
                    Lang::Vi => format!("trùng tên, loại hình và địa bàn với dòng {prev} của tệp"),
                    Lang::En => format!("same name, kind and place as row {prev} of the file"),
                };
                errors.at(n, "name", m);
            }
        }
        let mut status = row.status.clone();
        if let Some(s) = status.as_mut() {
            s.document = Some(format!("Tệp nhập: {}", self.file));
        }
        let new = NewOrg {
            kind: Some(kind),
            fields: row.fields.clone(),
            status,
        };
        let (kind, fields, status) = match self.reg.check_new(new, self.places) {
            Ok(checked) => checked,
            Err(AppError::Invalid(errs)) => {
                for e in errs.iter().filter(|e| !row.already_reported(&e.field)) {
                    errors.field_error(n, e);
                }
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        // A status other than active is an event on the row's status date (or the
        // import date), after the founding.
        let status_at =
            (status.status != Status::Active).then(|| row.status_date.unwrap_or(self.today));
        if let (Some(at), Some(founded)) = (status_at, fields.founding_date) {
            if at < founded {
                let m = match errors.lang() {
                    Lang::Vi => format!(
                        "ngày {} trước ngày thành lập {}",
                        format_date(at),
                        format_date(founded)
                    ),
                    Lang::En => format!("{at} is before the founding date {founded}"),
                };
                errors.at(n, "status_date", m);
            }
        }
        let change = OrgChange::Create {
            kind,
            fields: Box::new(fields),
            status,
            status_at,
        };
        Ok(Some(Planned::new(n, Action::Create(change), None, &name)))
    }
}

/// A kind column that disagrees with the stored record is an error (a record's kind
/// changes by conversion, not by import).
fn same_kind(errors: &mut Errors, row: &ParsedRow, cur: &OrgView) -> bool {
    let Some(kind) = row.kind.filter(|k| *k != cur.kind) else {
        return true;
    };
    if errors.sheet().table.column("kind").is_none() {
        return true;
    }
    let m = match errors.lang() {
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
    };
    errors.at(row.number, "kind", m);
    false
}
