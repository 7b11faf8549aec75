//! Reading a spreadsheet into a grid of cells: the first visible sheet of an .xlsx, or
//! a .csv (UTF-8, with or without BOM; comma, semicolon or tab). Hidden columns are
//! marked so the table reader can leave them out.

use crate::limits::{Limit, OverLimit, ReadLimits};
use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
    /// The cell as text, numbers without a trailing `.0`.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// A sheet's cells, row by row, with 0-based column indices as in the file.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub sheet: String,
    /// `rows[i]` is spreadsheet row `first_row + i` (1-based numbering for messages).
    pub rows: Vec<Vec<Cell>>,
    pub first_row: usize,
    pub hidden_cols: BTreeSet<usize>,
}

impl Grid {
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
    /// The 1-based row number a person sees in Excel.
    pub fn row_number(&self, row: usize) -> usize {
        self.first_row + row
    }
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("unsupported file type {0:?} (expected .xlsx or .csv)")]
    UnsupportedType(String),
    #[error("the .xlsx file cannot be opened: {0}")]
    Xlsx(String),
    #[error("the .csv file cannot be read: {0}")]
    Csv(String),
    #[error("the file has no sheet with data")]
    Empty,
    #[error("the file is over the limit {} = {} ({:?})", .0.limit.env_var(), .0.allowed, .0.at)]
    OverLimit(OverLimit),
}

/// Reads a file by its name's extension, within the limits set in the environment.
pub fn read_file(name: &str, bytes: Vec<u8>) -> Result<Grid, ReadError> {
    read_file_within(name, bytes, &ReadLimits::from_env())
}

/// Reads a file by its name's extension, within the limits given.
pub fn read_file_within(
    name: &str,
    bytes: Vec<u8>,
    limits: &ReadLimits,
) -> Result<Grid, ReadError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        read_xlsx_within(bytes, limits)
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv_within(&bytes, limits)
    } else {
        Err(ReadError::UnsupportedType(name.to_owned()))
    }
}

fn cell_from(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => dt
            .as_datetime()
            .map(|t| Cell::Date(t.date()))
            .unwrap_or(Cell::Number(dt.as_f64())),
        DataRef::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
            .map(Cell::Date)
            .unwrap_or_else(|_| Cell::Text(s.clone())),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(_) => Cell::Empty,
    }
}

/// The characters of a cell's text, when over the limit.
fn text_over(d: &DataRef<'_>, max_chars: usize) -> bool {
    let s: &str = match d {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s,
        DataRef::SharedString(s) => s,
        _ => return false,
    };
    // Bytes bound characters from above, so most cells need no count.
    s.len() > max_chars && s.chars().count() > max_chars
}

/// Reads the first sheet that has data, within the default limits.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<Grid, ReadError> {
    read_xlsx_within(bytes, &ReadLimits::default())
}

/// Reads the first sheet that has data. The parts are unzipped once first, counting
/// bytes, so nothing later reads more than the limit; cells are then read one by one
/// (never as the dense range the file declares) and placed only where they hold data.
///
/// The .xlsx parser we use can still panic on some malformed parts (a shared-string
/// index past the table, found by the property test in `tests/hostile.rs`); such a panic
/// is contained here and reported as a damaged file, never left to end a worker.
pub fn read_xlsx_within(bytes: Vec<u8>, limits: &ReadLimits) -> Result<Grid, ReadError> {
    check_parts(&bytes, limits)?;
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_checked_xlsx(bytes, limits)
    }));
    read.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("the parser stopped");
        Err(ReadError::Xlsx(format!("damaged workbook ({why})")))
    })
}

/// [`read_xlsx_within`] once the parts are known to be within the limits.
fn read_checked_xlsx(bytes: Vec<u8>, limits: &ReadLimits) -> Result<Grid, ReadError> {
    let hidden = hidden_columns(&bytes, limits.max_columns);
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| ReadError::Xlsx(e.to_string()))?;
    for name in wb.sheet_names() {
        let mut cells = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| ReadError::Xlsx(e.to_string()))?;
        let mut sparse = SparseRows::new(limits);
        while let Some(c) = cells
            .next_cell()
            .map_err(|e| ReadError::Xlsx(e.to_string()))?
        {
            let value = c.get_value();
            if matches!(value, DataRef::Empty) {
                continue;
            }
            let (row, col) = c.get_position();
            if text_over(value, limits.max_cell_chars) {
                return Err(ReadError::OverLimit(
                    limits.over(Limit::CellChars, Some(cell_ref(row, col))),
                ));
            }
            sparse.put(row as usize, col as usize, cell_from(value))?;
        }
        let Some(grid) = sparse.into_grid(name.clone(), &hidden) else {
            continue;
        };
        return Ok(grid);
    }
    Err(ReadError::Empty)
}

/// Rows built from cells in any order, each only as long as its last cell.
struct SparseRows<'l> {
    limits: &'l ReadLimits,
    rows: Vec<Vec<Cell>>,
    cells: usize,
}

impl<'l> SparseRows<'l> {
    fn new(limits: &'l ReadLimits) -> Self {
        SparseRows {
            limits,
            rows: Vec::new(),
            cells: 0,
        }
    }

    fn put(&mut self, row: usize, col: usize, cell: Cell) -> Result<(), ReadError> {
        let l = self.limits;
        let at = || Some(cell_ref(row as u32, col as u32));
        if row >= l.max_rows {
            return Err(ReadError::OverLimit(l.over(Limit::Rows, at())));
        }
        if col >= l.max_columns {
            return Err(ReadError::OverLimit(l.over(Limit::Columns, at())));
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let r = &mut self.rows[row];
        if r.len() <= col {
            self.cells += col + 1 - r.len();
            if self.cells > l.max_cells {
                return Err(ReadError::OverLimit(l.over(Limit::Cells, at())));
            }
            r.resize(col + 1, Cell::Empty);
        }
        r[col] = cell;
        Ok(())
    }

    /// The grid from the first row with data, or `None` when nothing has data.
    fn into_grid(
        mut self,
        sheet: String,
        hidden: &std::collections::HashMap<String, BTreeSet<usize>>,
    ) -> Option<Grid> {
        let first = self
            .rows
            .iter()
            .position(|r| r.iter().any(|c| !c.is_empty()))?;
        self.rows.drain(..first);
        Some(Grid {
            hidden_cols: hidden.get(&sheet).cloned().unwrap_or_default(),
            sheet,
            rows: self.rows,
            first_row: first + 1,
        })
    }
}

/// A 0-based position as Excel names it (`A1`).
pub fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col as u64 + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row as u64 + 1)
}

/// Unzips every part once, counting: too many parts, or more unzipped bytes than the
/// limit, refuse the file before any part is parsed. A zip's declared sizes are not
/// trusted; only the bytes that really come out count.
fn check_parts(bytes: &[u8], limits: &ReadLimits) -> Result<(), ReadError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Xlsx(e.to_string()))?;
    if zip.len() > limits.max_parts {
        return Err(ReadError::OverLimit(limits.over(Limit::Parts, None)));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| ReadError::Xlsx(e.to_string()))?;
        let name = part.name().to_owned();
        loop {
            let n = part
                .read(&mut buf)
                .map_err(|e| ReadError::Xlsx(format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limits.max_unzipped_bytes {
                return Err(ReadError::OverLimit(
                    limits.over(Limit::UnzippedBytes, Some(name)),
                ));
            }
        }
    }
    Ok(())
}

/// Hidden columns per sheet name, read from the workbook's XML (calamine does not
/// expose them). A file whose XML cannot be read simply has none.
fn hidden_columns(
    bytes: &[u8],
    max_columns: usize,
) -> std::collections::HashMap<String, BTreeSet<usize>> {
    let mut out = std::collections::HashMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let mut read = |path: &str| -> Option<String> {
        let mut f = zip.by_name(path).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let (Some(workbook), Some(rels)) =
        (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"))
    else {
        return out;
    };
    let targets: std::collections::HashMap<String, String> = elements(&rels, "Relationship")
        .into_iter()
        .filter_map(|a| Some((attr(&a, "Id")?, attr(&a, "Target")?)))
        .collect();
    for sheet in elements(&workbook, "sheet") {
        let (Some(name), Some(rid)) = (attr(&sheet, "name"), attr(&sheet, "r:id")) else {
            continue;
        };
        let Some(target) = targets.get(&rid) else {
            continue;
        };
        let path = target
            .strip_prefix('/')
            .map(str::to_owned)
            .unwrap_or_else(|| format!("xl/{target}"));
        let Some(xml) = read(&path) else { continue };
        let mut set = BTreeSet::new();
        for col in elements(&xml, "col") {
            let hidden = attr(&col, "hidden").is_some_and(|h| h == "1" || h == "true");
            if let (true, Some(min), Some(max)) = (
                hidden,
                attr(&col, "min").and_then(|m| m.parse::<usize>().ok()),
                attr(&col, "max").and_then(|m| m.parse::<usize>().ok()),
            ) {
                // 1-based inclusive in the XML; cap wide ranges ("hide all to the right"),
                // and no column past the limit can hold data anyway.
                let end = max.min(min.saturating_add(200)).min(max_columns);
                set.extend((min.saturating_sub(1))..end);
            }
        }
        out.insert(name, set);
    }
    out
}

/// The attribute lists of every element with a local name, decoded.
fn elements(xml: &str, local: &str) -> Vec<Vec<(String, String)>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        let decoder = reader.decoder();
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref() == local.as_bytes() =>
            {
                out.push(
                    e.attributes()
                        .flatten()
                        .map(|a| {
                            (
                                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                                a.decode_and_unescape_value(decoder)
                                    .map(|v| v.into_owned())
                                    .unwrap_or_default(),
                            )
                        })
                        .collect(),
                );
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

fn attr(attrs: &[(String, String)], key: &str) -> Option<String> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// A cell as it was before [`crate::write::inert`] made it safe: the apostrophe in front
/// of a formula character is ours, so it comes off.
fn uninert(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(crate::write::FORMULA_TRIGGERS) =>
        {
            rest
        }
        _ => s,
    }
}

/// Reads CSV text within the default limits.
pub fn read_csv(bytes: &[u8]) -> Result<Grid, ReadError> {
    read_csv_within(bytes, &ReadLimits::default())
}

/// Reads CSV text; every cell is text (numbers and dates are parsed by the table
/// reader with the vi-VN rules). Rows, columns, cells and cell length are checked as
/// each record is read.
pub fn read_csv_within(bytes: &[u8], limits: &ReadLimits) -> Result<Grid, ReadError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|e| ReadError::Csv(format!("not UTF-8 text ({e}); save it as \"CSV UTF-8\"")))?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut sparse = SparseRows::new(limits);
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    while rdr
        .read_record(&mut record)
        .map_err(|e| ReadError::Csv(e.to_string()))?
    {
        if row >= limits.max_rows {
            return Err(ReadError::OverLimit(
                limits.over(Limit::Rows, Some(cell_ref(row as u32, 0))),
            ));
        }
        if sparse.rows.len() <= row {
            sparse.rows.resize_with(row + 1, Vec::new);
        }
        for (col, s) in record.iter().enumerate() {
            if s.trim().is_empty() {
                continue;
            }
            if s.len() > limits.max_cell_chars && s.chars().count() > limits.max_cell_chars {
                return Err(ReadError::OverLimit(limits.over(
                    Limit::CellChars,
                    Some(cell_ref(row as u32, col.min(u32::MAX as usize) as u32)),
                )));
            }
            sparse.put(row, col, Cell::Text(uninert(s).to_owned()))?;
        }
        row += 1;
    }
    if row == 0 {
        return Err(ReadError::Empty);
    }
    Ok(Grid {
        sheet: String::new(),
        rows: sparse.rows,
        first_row: 1,
        hidden_cols: BTreeSet::new(),
    })
}
