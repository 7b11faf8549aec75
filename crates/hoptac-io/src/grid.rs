//! Reading a spreadsheet into a grid of cells: the first visible sheet of an .xlsx, or
//! a .csv (UTF-8, with or without BOM; comma, semicolon or tab). Hidden columns are
//! marked so the table reader can leave them out.

use calamine::{Data, Reader, Xlsx};
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
}

/// Reads a file by its name's extension.
pub fn read_file(name: &str, bytes: Vec<u8>) -> Result<Grid, ReadError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        read_xlsx(bytes)
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(&bytes)
    } else {
        Err(ReadError::UnsupportedType(name.to_owned()))
    }
}

fn cell_from(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|t| Cell::Date(t.date()))
            .unwrap_or(Cell::Number(dt.as_f64())),
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
            .map(Cell::Date)
            .unwrap_or_else(|_| Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(_) => Cell::Empty,
    }
}

/// Reads the first sheet that has data.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<Grid, ReadError> {
    let hidden = hidden_columns(&bytes);
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| ReadError::Xlsx(e.to_string()))?;
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ReadError::Xlsx(e.to_string()))?;
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        let (r0, c0) = (r0 as usize, c0 as usize);
        let rows: Vec<Vec<Cell>> = range
            .rows()
            .map(|row| {
                let mut v = vec![Cell::Empty; c0];
                v.extend(row.iter().map(cell_from));
                v
            })
            .collect();
        if rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
            continue;
        }
        return Ok(Grid {
            hidden_cols: hidden.get(&name).cloned().unwrap_or_default(),
            sheet: name,
            rows,
            first_row: r0 + 1,
        });
    }
    Err(ReadError::Empty)
}

/// Hidden columns per sheet name, read from the workbook's XML (calamine does not
/// expose them). A file whose XML cannot be read simply has none.
fn hidden_columns(bytes: &[u8]) -> std::collections::HashMap<String, BTreeSet<usize>> {
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
                // 1-based inclusive in the XML; cap wide ranges ("hide all to the right").
                set.extend((min.saturating_sub(1))..max.min(min + 200));
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
                                a.unescape_value()
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

/// Reads CSV text; every cell is text (numbers and dates are parsed by the table
/// reader with the vi-VN rules).
pub fn read_csv(bytes: &[u8]) -> Result<Grid, ReadError> {
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
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ReadError::Csv(e.to_string()))?;
        rows.push(
            rec.iter()
                .map(|s| {
                    if s.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_owned())
                    }
                })
                .collect(),
        );
    }
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(Grid {
        sheet: String::new(),
        rows,
        first_row: 1,
        hidden_cols: BTreeSet::new(),
    })
}
