//! Finding the table in a spreadsheet as provincial offices make them: a title block
//! above, a header of one or two rows (Vietnamese with or without diacritics, or
//! English), a numbering row, blank rows, a totals row and a signature block below,
//! hidden columns. What is left out is reported, never silently dropped.

use crate::grid::{Cell, Grid};
use hoptac_domain::text::search_key;
use std::collections::HashMap;

/// A column the importer knows, by the names people give it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub field: &'static str,
    /// Header texts as search keys (lowercase, no diacritics).
    pub aliases: &'static [&'static str],
}

/// A file column matched to a field.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedColumn {
    pub field: &'static str,
    pub col: usize,
    pub header: String,
    /// Unit written in the header: `(triệu đồng)` → 1,000,000.
    pub multiplier: i64,
}

/// What the reader left out, and where.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    HiddenColumn { column: String, header: String },
    UnknownColumn { column: String, header: String },
    NumberingRow { row: usize },
    BlankRows { count: usize },
    TotalsRow { row: usize },
    TrailingRows { from: usize, to: usize },
}

/// One data row: its spreadsheet row number and its cells by field.
#[derive(Debug, Clone)]
pub struct DataRow {
    pub number: usize,
    pub cells: HashMap<&'static str, Cell>,
}

impl DataRow {
    pub fn get(&self, field: &str) -> &Cell {
        self.cells.get(field).unwrap_or(&Cell::Empty)
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// 1-based row numbers of the header (one or two rows).
    pub header_rows: (usize, usize),
    pub columns: Vec<MappedColumn>,
    pub rows: Vec<DataRow>,
    pub notes: Vec<Note>,
}

impl Table {
    pub fn column(&self, field: &str) -> Option<&MappedColumn> {
        self.columns.iter().find(|c| c.field == field)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("no header row found")]
    NoHeader,
    #[error("two columns for one field")]
    DuplicateColumn {
        field: &'static str,
        columns: Vec<String>,
    },
}

/// `0` → `A`, `27` → `AB`.
pub fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A header's key and unit: `Vốn điều lệ (triệu đồng) *` → (`von dieu le`, 1,000,000).
fn header_key(text: &str) -> (String, i64) {
    let k = search_key(text);
    let unit = if k.contains("trieu dong") || k.contains("tr.d") || k.contains("trieu d") {
        1_000_000
    } else if k.contains("ty dong") {
        1_000_000_000
    } else if k.contains("nghin dong")
        || k.contains("ngan dong")
        || k.contains("1.000 dong")
        || k.contains("1000 dong")
    {
        1_000
    } else {
        1
    };
    let mut out = String::new();
    let mut depth = 0;
    for c in k.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            '*' | ':' | '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    (out.split_whitespace().collect::<Vec<_>>().join(" "), unit)
}

fn match_field(specs: &[ColumnSpec], text: &str) -> Option<(&'static str, i64)> {
    let (k, unit) = header_key(text);
    if k.is_empty() {
        return None;
    }
    specs
        .iter()
        .find(|s| s.aliases.contains(&k.as_str()))
        .map(|s| (s.field, unit))
}

/// Maps the columns of a header of one row (`child = None`) or two.
fn map_header(
    grid: &Grid,
    specs: &[ColumnSpec],
    parent: usize,
    child: Option<usize>,
) -> Vec<(usize, &'static str, String, i64)> {
    let mut out = Vec::new();
    let mut last_parent = String::new();
    for col in 0..grid.width() {
        let p = grid.cell(parent, col).to_text();
        let c = child
            .map(|r| grid.cell(r, col).to_text())
            .unwrap_or_default();
        // A merged parent cell holds its text only in its first column.
        if !p.is_empty() {
            last_parent = p.clone();
        }
        let p_eff = if p.is_empty() && !c.is_empty() {
            last_parent.clone()
        } else {
            p.clone()
        };
        let candidates: Vec<String> = match child {
            None => vec![p.clone()],
            Some(_) if c.is_empty() => vec![p.clone()],
            Some(_) => vec![c.clone(), format!("{p_eff} {c}"), format!("{p_eff} - {c}")],
        };
        for cand in candidates {
            if let Some((field, unit)) = match_field(specs, &cand) {
                out.push((col, field, cand.trim().to_owned(), unit));
                break;
            }
        }
    }
    out
}

fn distinct_fields(
    m: &[(usize, &'static str, String, i64)],
    hidden: &std::collections::BTreeSet<usize>,
) -> usize {
    let mut f: Vec<&str> = m
        .iter()
        .filter(|x| !hidden.contains(&x.0))
        .map(|x| x.1)
        .collect();
    f.sort_unstable();
    f.dedup();
    f.len()
}

fn is_numbering_row(grid: &Grid, row: usize) -> bool {
    let vals: Vec<String> = grid
        .rows
        .get(row)
        .map(|r| {
            r.iter()
                .filter(|c| !c.is_empty())
                .map(Cell::to_text)
                .collect()
        })
        .unwrap_or_default();
    vals.len() >= 3
        && vals.iter().all(|v| {
            let v = v.trim_matches(|c| c == '(' || c == ')' || c == ' ');
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_digit() || c == '=' || c == '+' || c == 'x' || c == '*')
        })
}

const TOTALS: &[&str] = &[
    "tong",
    "tong cong",
    "tong so",
    "cong",
    "total",
    "grand total",
    "tong cong toan tinh",
];
const SIGNATURE: &[&str] = &[
    "nguoi lap",
    "thu truong",
    "ky ten",
    "ky, ghi ro",
    "ky ghi ro",
    "giam doc",
    "chu tich",
    "xac nhan",
    "t/m",
    "tm.",
    "kt.",
    "noi nhan",
    "prepared by",
    "approved by",
];

fn first_text(grid: &Grid, row: usize) -> Option<String> {
    grid.rows
        .get(row)?
        .iter()
        .find(|c| !c.is_empty())
        .map(Cell::to_text)
}

fn is_totals(grid: &Grid, row: usize) -> bool {
    first_text(grid, row).is_some_and(|t| {
        let k = search_key(&t);
        let k = k.trim_end_matches(':').trim();
        TOTALS.contains(&k) || k.starts_with("tong cong") || k.starts_with("total ")
    })
}

fn is_signature(grid: &Grid, row: usize) -> bool {
    let non_empty = grid
        .rows
        .get(row)
        .map_or(0, |r| r.iter().filter(|c| !c.is_empty()).count());
    non_empty <= 3
        && first_text(grid, row).is_some_and(|t| {
            let k = search_key(&t);
            SIGNATURE.iter().any(|s| k.starts_with(s))
                || (k.contains("ngay")
                    && k.contains("thang")
                    && k.contains("nam")
                    && k.contains(','))
        })
}

/// Finds the header among the first rows, maps its columns and collects the data rows.
pub fn extract(grid: &Grid, specs: &[ColumnSpec]) -> Result<Table, TableError> {
    let scan = grid.rows.len().min(40);
    let mut best: Option<(usize, usize, Option<usize>)> = None; // (score, row, child)
    for r in 0..scan {
        let one = distinct_fields(&map_header(grid, specs, r, None), &grid.hidden_cols);
        if one > best.map_or(1, |b| b.0) {
            best = Some((one, r, None));
        }
        if r + 1 < grid.rows.len() {
            let two = distinct_fields(&map_header(grid, specs, r, Some(r + 1)), &grid.hidden_cols);
            if two > best.map_or(1, |b| b.0) && two > one {
                best = Some((two, r, Some(r + 1)));
            }
        }
    }
    let (_, header, child) = best.ok_or(TableError::NoHeader)?;
    let mapped = map_header(grid, specs, header, child);
    let mut notes = Vec::new();
    let mut columns: Vec<MappedColumn> = Vec::new();
    for (col, field, text, unit) in mapped.iter().cloned() {
        if grid.hidden_cols.contains(&col) {
            notes.push(Note::HiddenColumn {
                column: column_letter(col),
                header: text,
            });
            continue;
        }
        if let Some(prev) = columns.iter().find(|c| c.field == field) {
            return Err(TableError::DuplicateColumn {
                field,
                columns: vec![column_letter(prev.col), column_letter(col)],
            });
        }
        columns.push(MappedColumn {
            field,
            col,
            header: text,
            multiplier: unit,
        });
    }
    let last_header = child.unwrap_or(header);
    for col in 0..grid.width() {
        if mapped.iter().any(|m| m.0 == col) {
            continue;
        }
        let text = match child {
            Some(c) => format!(
                "{} {}",
                grid.cell(header, col).to_text(),
                grid.cell(c, col).to_text()
            ),
            None => grid.cell(header, col).to_text(),
        };
        let text = text.trim().to_owned();
        if text.is_empty() {
            continue;
        }
        if grid.hidden_cols.contains(&col) {
            notes.push(Note::HiddenColumn {
                column: column_letter(col),
                header: text,
            });
        } else {
            notes.push(Note::UnknownColumn {
                column: column_letter(col),
                header: text,
            });
        }
    }
    let mut rows = Vec::new();
    let mut blank = 0;
    let mut r = last_header + 1;
    if r < grid.rows.len() && is_numbering_row(grid, r) {
        notes.push(Note::NumberingRow {
            row: grid.row_number(r),
        });
        r += 1;
    }
    while r < grid.rows.len() {
        let row_cells = &grid.rows[r];
        if row_cells.iter().all(Cell::is_empty) {
            blank += 1;
            r += 1;
            continue;
        }
        if is_totals(grid, r) || is_signature(grid, r) {
            let end = (r..grid.rows.len())
                .rev()
                .find(|i| !grid.rows[*i].iter().all(Cell::is_empty))
                .unwrap_or(r);
            if is_totals(grid, r) {
                notes.push(Note::TotalsRow {
                    row: grid.row_number(r),
                });
                // What follows the totals (a signature block), from its first line.
                if let Some(next) =
                    (r + 1..=end).find(|i| !grid.rows[*i].iter().all(Cell::is_empty))
                {
                    notes.push(Note::TrailingRows {
                        from: grid.row_number(next),
                        to: grid.row_number(end),
                    });
                }
            } else {
                notes.push(Note::TrailingRows {
                    from: grid.row_number(r),
                    to: grid.row_number(end),
                });
            }
            break;
        }
        let cells: HashMap<&'static str, Cell> = columns
            .iter()
            .map(|c| (c.field, grid.cell(r, c.col).clone()))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        if cells.is_empty() {
            // Only unmapped or hidden columns have something: nothing to import.
            blank += 1;
        } else {
            rows.push(DataRow {
                number: grid.row_number(r),
                cells,
            });
        }
        r += 1;
    }
    if blank > 0 {
        notes.push(Note::BlankRows { count: blank });
    }
    Ok(Table {
        header_rows: (grid.row_number(header), grid.row_number(last_header)),
        columns,
        rows,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn header_keys_drop_marks_and_read_units() {
        assert_eq!(
            header_key("Vốn điều lệ (triệu đồng) *"),
            ("von dieu le".into(), 1_000_000)
        );
        assert_eq!(header_key("Tên HTX:"), ("ten htx".into(), 1));
    }
}
