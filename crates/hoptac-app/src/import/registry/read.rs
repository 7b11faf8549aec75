//! Reading every row of a registry file before the rows are planned (*đọc trước*):
//! reading a row (text cleaned, dates, the place named, the match key) needs nothing
//! stored, so a large file is read on two threads, each half with its own error
//! collector. Each row keeps the problems its cells had, which the plan reports in
//! its turn: the errors come out in the same order as read one row at a time.

use super::row::{match_key, parse_row, ParsedRow};
use crate::import::errors::Errors;
use crate::import::pipeline::Sheet;
use crate::import::report::RowError;
use chrono::NaiveDate;
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgKind;
use hoptac_domain::place::Gazetteer;
use hoptac_io::table::DataRow;
use std::collections::VecDeque;

/// Rows from which a second thread pays for itself.
const TWO_THREADS_FROM: usize = 2_000;

/// A row as read, with the problems found in its cells.
pub(super) struct ReadRow {
    pub row: ParsedRow,
    /// The key that finds it by kind, unaccented name and place, when it has them.
    pub key: Option<String>,
    pub problems: Vec<RowError>,
}

/// What a row is read with.
#[derive(Clone, Copy)]
pub(super) struct Reader<'a> {
    pub places: &'a Gazetteer,
    pub today: NaiveDate,
    pub kind: Option<OrgKind>,
    pub sheet: &'a Sheet,
    pub lang: Lang,
}

impl Reader<'_> {
    /// Reads one row through `errors`, then takes back what it found.
    pub(super) fn read(&self, errors: &mut Errors, r: &DataRow) -> ReadRow {
        let mark = errors.mark();
        let row = parse_row(self.places, self.today, errors, r, self.kind);
        let key = row
            .kind
            .and_then(|k| match_key(self.places, k, &row.fields));
        ReadRow {
            row,
            key,
            problems: errors.take_since(mark),
        }
    }

    fn read_all(&self, rows: &[DataRow]) -> Vec<ReadRow> {
        let mut errors = Errors::new(self.sheet, self.lang);
        rows.iter().map(|r| self.read(&mut errors, r)).collect()
    }

    /// Every row of the sheet, in order.
    pub(super) fn read_sheet(&self) -> VecDeque<ReadRow> {
        let rows = &self.sheet.table.rows;
        if rows.len() < TWO_THREADS_FROM {
            return self.read_all(rows).into();
        }
        let (first, second) = rows.split_at(rows.len() / 2);
        let (mut a, b) = std::thread::scope(|s| {
            let other = s.spawn(|| self.read_all(second));
            let a = self.read_all(first);
            (a, other.join())
        });
        // A panic on the other thread is a bug: raise it here.
        let b = b.unwrap_or_else(|p| std::panic::resume_unwind(p));
        a.extend(b);
        a.into()
    }
}
