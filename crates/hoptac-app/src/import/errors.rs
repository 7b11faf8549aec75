//! The one error collector every importer writes to (*danh sách lỗi*): each problem
//! with its row, the column it was found in (letter and header as written in the file)
//! and the reason, in the reader's language. Reading a cell through the collector
//! records why it could not be read.

use super::pipeline::Sheet;
use super::report::RowError;
use chrono::NaiveDate;
use hoptac_domain::i18n::{field_label, problem_message, Lang};
use hoptac_domain::validate::{FieldError, FieldProblem};
use hoptac_io::parse::{self, CellError};
use hoptac_io::table::{column_letter, DataRow, Table};

/// The problems found in one file.
pub(crate) struct Errors<'t> {
    sheet: &'t Sheet,
    table: &'t Table,
    lang: Lang,
    found: Vec<RowError>,
}

impl<'t> Errors<'t> {
    pub(crate) fn new(sheet: &'t Sheet, lang: Lang) -> Errors<'t> {
        Errors {
            sheet,
            table: &sheet.table,
            lang,
            found: Vec::new(),
        }
    }

    pub(crate) fn lang(&self) -> Lang {
        self.lang
    }

    /// The sheet the problems are in.
    pub(crate) fn sheet(&self) -> &'t Sheet {
        self.sheet
    }

    /// A problem with one field of a row, in that field's column, prefixed with the
    /// field's label.
    pub(crate) fn at(&mut self, row: usize, field: &str, message: String) {
        let col = self.table.column(field);
        self.found.push(RowError {
            row,
            column: col.map(|c| column_letter(c.col)),
            header: col.map(|c| c.header.clone()),
            field: field.to_owned(),
            message: format!("{}: {message}", field_label(field, self.lang)),
        });
    }

    pub(crate) fn problem(&mut self, row: usize, field: &str, p: FieldProblem) {
        let m = problem_message(&p, self.lang);
        self.at(row, field, m);
    }

    pub(crate) fn field_error(&mut self, row: usize, e: &FieldError) {
        let m = problem_message(&e.problem, self.lang);
        self.at(row, &e.field, m);
    }

    /// A problem in a column the table did not map to a field (a score column), with
    /// the message as given.
    pub(crate) fn in_column(
        &mut self,
        row: usize,
        col: usize,
        header: &str,
        field: &str,
        message: String,
    ) {
        self.found.push(RowError {
            row,
            column: Some(column_letter(col)),
            header: Some(header.to_owned()),
            field: field.to_owned(),
            message,
        });
    }

    /// A problem with the file as a whole (row 0), with the message as given.
    pub(crate) fn file(&mut self, field: &str, message: String) {
        self.found.push(whole_file(field, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// Where the next problem will go: with [`Errors::fields_since`], the fields of a
    /// row that could not be read.
    pub(crate) fn mark(&self) -> usize {
        self.found.len()
    }

    pub(crate) fn fields_since(&self, mark: usize) -> Vec<String> {
        self.found[mark..].iter().map(|e| e.field.clone()).collect()
    }

    /// Takes back the problems found since `mark` (a row read ahead of its turn).
    pub(crate) fn take_since(&mut self, mark: usize) -> Vec<RowError> {
        self.found.split_off(mark)
    }

    /// Adds problems found elsewhere (by [`Errors::take_since`]), in their order.
    pub(crate) fn extend(&mut self, problems: Vec<RowError>) {
        self.found.extend(problems);
    }

    /// Every problem, by row (in the order found within a row).
    pub(crate) fn into_sorted(mut self) -> Vec<RowError> {
        self.found.sort_by_key(|e| e.row);
        self.found
    }

    fn cell_error(&mut self, row: usize, field: &str, e: CellError) {
        let p = match e {
            CellError::NotAWholeNumber(v) => FieldProblem::BadNumber(v),
            CellError::NotADate(v) => FieldProblem::BadDate(v),
        };
        self.field_error(row, &FieldError::new(field, p));
    }

    /// A date cell; a cell that is not a date is recorded.
    pub(crate) fn date(&mut self, r: &DataRow, f: &str) -> Option<NaiveDate> {
        match parse::date(r.get(f)) {
            Ok(d) => d,
            Err(e) => {
                self.cell_error(r.number, f, e);
                None
            }
        }
    }

    /// A whole number, scaled by the unit in its header (`(triệu đồng)`).
    pub(crate) fn int(&mut self, r: &DataRow, f: &str) -> Option<i64> {
        let mult = self.table.column(f).map_or(1, |c| c.multiplier);
        match parse::whole_number(r.get(f), mult) {
            Ok(v) => v,
            Err(e) => {
                self.cell_error(r.number, f, e);
                None
            }
        }
    }

    /// One of a list of values; an unknown one is recorded with what is allowed.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        r: &DataRow,
        f: &str,
        parse: fn(&str) -> Option<T>,
        all: &[T],
        label: fn(T) -> &'static str,
    ) -> Option<T> {
        let t = parse::text(r.get(f))?;
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
}

/// A problem with the file as a whole: row 0, no column.
pub(crate) fn whole_file(field: &str, message: String) -> RowError {
    RowError {
        row: 0,
        column: None,
        header: None,
        field: field.to_owned(),
        message,
    }
}
