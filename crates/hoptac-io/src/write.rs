//! Writing tables as .xlsx (bold header, frozen, dates as real dates, numbers as
//! numbers with vi-VN formats) and .csv (UTF-8 with BOM so Excel shows Vietnamese).

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

/// One value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Empty,
    Text(String),
    Int(i64),
    Date(NaiveDate),
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// An .xlsx workbook of one sheet, as bytes.
pub fn xlsx(sheet: &str, headers: &[String], rows: &[Vec<Out>]) -> Result<Vec<u8>, WriteError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let int = Format::new().set_num_format("#,##0");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 + 4.0).clamp(10.0, 40.0))?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                Out::Empty => {}
                Out::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Out::Int(n) => {
                    ws.write_number_with_format(r, c, *n as f64, &int)?;
                }
                Out::Date(d) => {
                    ws.write_date_with_format(r, c, *d, &date)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(
        0,
        0,
        rows.len() as u32,
        headers.len().saturating_sub(1) as u16,
    )?;
    Ok(wb.save_to_buffer()?)
}

/// The characters that make a spreadsheet read a cell as a formula (or start one after
/// a field separator it invents): `=`, `+`, `-`, `@`, tab and carriage return.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell that a spreadsheet could run as a formula, made inert the way the
/// spreadsheet-injection guidance recommends: a leading apostrophe, which spreadsheets
/// show as text and the importer takes off again ([`crate::grid`]'s CSV reader).
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    // Apostrophes already in front of a formula character get one more, so that reading
    // back takes off exactly ours.
    if s.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// CSV text with a byte-order mark; dates dd/mm/yyyy, numbers without separators so
/// that any spreadsheet reads them as numbers. Text that a spreadsheet would run as a
/// formula is made inert ([`inert`]); numbers are written as numbers, never as text.
pub fn csv(headers: &[String], rows: &[Vec<Out>]) -> Result<Vec<u8>, WriteError> {
    let mut buf = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        w.write_record(headers.iter().map(|h| inert(h).into_owned()))?;
        for row in rows {
            w.write_record(row.iter().map(|v| match v {
                Out::Empty => String::new(),
                Out::Text(s) => inert(s).into_owned(),
                Out::Int(n) => n.to_string(),
                Out::Date(d) => d.format("%d/%m/%Y").to_string(),
            }))?;
        }
        w.flush()?;
    }
    Ok(buf)
}
