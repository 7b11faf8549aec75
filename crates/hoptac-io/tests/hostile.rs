//! Hostile spreadsheets: each of these once crashed or stalled the server (a declared
//! cell at XFD1048576 asked for 512 GiB; one cell of a gigabyte reached 7 GB; a cell at
//! ZZ200000 cost 24 s). They must be read or refused with the limit named, never
//! aborting and never allocating from a size the file declares. A property test then
//! throws broken and hostile workbooks and CSV at the reader: no panic, ever.

use hoptac_io::grid::{read_csv_within, read_file_within, read_xlsx_within, Cell, ReadError};
use hoptac_io::limits::{Limit, ReadLimits};
use proptest::prelude::*;
use std::io::Write;

/// A workbook from its parts, as a zip (deflated, so large repetitive parts stay small).
fn zip_parts(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            z.start_file(*name, opts).expect("start part");
            z.write_all(body).expect("write part");
        }
        z.finish().expect("finish zip");
    }
    out.into_inner()
}

/// A one-sheet workbook whose sheet data is `sheet_data` (the inside of `<sheetData>`),
/// with optional shared strings.
fn workbook(sheet_data: &str, shared: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#
            )
            .into_bytes(),
        ),
    ];
    if let Some(sst) = shared {
        parts.push((
            "xl/sharedStrings.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>"#
            )
            .into_bytes(),
        ));
    }
    zip_parts(&parts)
}

fn inline(r: &str, text: &str) -> String {
    format!(
        r#"<row r="{}"><c r="{r}" t="inlineStr"><is><t>{text}</t></is></c></row>"#,
        row_of(r)
    )
}

fn row_of(r: &str) -> String {
    r.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .to_owned()
}

fn over(e: ReadError) -> (Limit, Option<String>) {
    match e {
        ReadError::OverLimit(o) => (o.limit, o.at),
        other => panic!("expected a limit, got {other:?}"),
    }
}

#[test]
fn a_cell_at_the_last_excel_column_is_refused_by_the_column_limit() {
    let data = format!("{}{}", inline("A1", "Tên HTX"), inline("XFD1048576", "x"));
    let e = read_xlsx_within(workbook(&data, None), &ReadLimits::default()).unwrap_err();
    assert_eq!(over(e), (Limit::Columns, Some("XFD1048576".to_owned())));
}

#[test]
fn the_last_excel_cell_within_raised_limits_is_read_sparsely() {
    // With every column allowed, the far corner is one row of 16.384 cells, not a dense
    // range of 17 billion.
    let limits = ReadLimits {
        max_columns: 16_384,
        ..ReadLimits::default()
    };
    let data = format!("{}{}", inline("A1", "Tên HTX"), inline("XFD1048576", "x"));
    let g = read_xlsx_within(workbook(&data, None), &limits).expect("read");
    assert_eq!(g.first_row, 1);
    assert_eq!(g.rows.len(), 1_048_576);
    assert_eq!(g.cell(0, 0), &Cell::Text("Tên HTX".into()));
    assert_eq!(g.cell(1_048_575, 16_383), &Cell::Text("x".into()));
    assert!(g.rows[1].is_empty(), "rows without data hold no cells");
}

#[test]
fn a_lone_cell_far_down_is_read_without_filling_the_rectangle() {
    let g = read_xlsx_within(
        workbook(&inline("ZZ200000", "x"), None),
        &ReadLimits::default(),
    )
    .expect("read");
    assert_eq!(g.first_row, 200_000);
    assert_eq!(g.rows.len(), 1);
    assert_eq!(g.rows[0].len(), 702);
    assert_eq!(g.cell(0, 701), &Cell::Text("x".into()));
}

#[test]
fn rows_past_the_row_limit_are_refused_with_the_cell_named() {
    let limits = ReadLimits {
        max_rows: 100,
        ..ReadLimits::default()
    };
    let e = read_xlsx_within(workbook(&inline("B101", "x"), None), &limits).unwrap_err();
    assert_eq!(over(e), (Limit::Rows, Some("B101".to_owned())));
}

#[test]
fn too_many_cells_are_refused() {
    let limits = ReadLimits {
        max_cells: 50,
        ..ReadLimits::default()
    };
    let data: String = (1..=10)
        .map(|r| format!(r#"<row r="{r}"><c r="J{r}"><v>1</v></c></row>"#))
        .collect();
    let e = read_xlsx_within(workbook(&data, None), &limits).unwrap_err();
    assert_eq!(over(e), (Limit::Cells, Some("J6".to_owned())));
}

#[test]
fn a_huge_shared_string_is_refused_before_it_is_parsed() {
    // 40 MB of one letter deflates to a few tens of kilobytes: the declared size is not
    // trusted, the unzipped bytes are counted.
    let huge = "a".repeat(40 * 1024 * 1024);
    let file = workbook(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        Some(&format!("<si><t>{huge}</t></si>")),
    );
    assert!(
        file.len() < 1024 * 1024,
        "the bomb is small: {}",
        file.len()
    );
    let limits = ReadLimits {
        max_unzipped_bytes: 16 * 1024 * 1024,
        ..ReadLimits::default()
    };
    let (limit, at) = over(read_xlsx_within(file, &limits).unwrap_err());
    assert_eq!(limit, Limit::UnzippedBytes);
    assert_eq!(at.as_deref(), Some("xl/sharedStrings.xml"));
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_with_its_reference() {
    let long = "ă".repeat(32_768);
    let e =
        read_xlsx_within(workbook(&inline("C7", &long), None), &ReadLimits::default()).unwrap_err();
    assert_eq!(over(e), (Limit::CellChars, Some("C7".to_owned())));
    // Exactly Excel's maximum is fine.
    let fits = "ă".repeat(32_767);
    let g = read_xlsx_within(workbook(&inline("C7", &fits), None), &ReadLimits::default())
        .expect("read");
    assert_eq!(g.cell(0, 2), &Cell::Text(fits));
}

#[test]
fn too_many_parts_are_refused() {
    let names: Vec<String> = (0..30).map(|i| format!("xl/media/p{i}.bin")).collect();
    let parts: Vec<(&str, Vec<u8>)> = names.iter().map(|n| (n.as_str(), vec![0u8; 4])).collect();
    let limits = ReadLimits {
        max_parts: 20,
        ..ReadLimits::default()
    };
    let (limit, _) = over(read_xlsx_within(zip_parts(&parts), &limits).unwrap_err());
    assert_eq!(limit, Limit::Parts);
}

#[test]
fn hidden_column_ranges_cannot_grow_without_bound() {
    // A `<col>` hiding columns up to usize::MAX once overflowed; now it is capped.
    let sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="{}" max="{}" hidden="1"/><col min="2" max="99999999" hidden="1"/></cols><sheetData>{}</sheetData></worksheet>"#,
        usize::MAX,
        usize::MAX,
        inline("A1", "x")
    );
    let mut file = workbook("", None);
    // Rebuild with the hostile sheet in place of the plain one.
    let plain = zip::ZipArchive::new(std::io::Cursor::new(file.clone())).expect("zip");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut plain = plain;
    for i in 0..plain.len() {
        let mut f = plain.by_index(i).expect("part");
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut body).expect("read part");
        let name = f.name().to_owned();
        if name == "xl/worksheets/sheet1.xml" {
            body = sheet.clone().into_bytes();
        }
        parts.push((name, body));
    }
    let refs: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    file = zip_parts(&refs);
    let g = read_xlsx_within(file, &ReadLimits::default()).expect("read");
    assert!(g.hidden_cols.len() <= ReadLimits::default().max_columns);
    assert!(g.hidden_cols.contains(&1));
}

#[test]
fn csv_limits_hold_too() {
    let limits = ReadLimits {
        max_rows: 3,
        max_columns: 4,
        max_cell_chars: 10,
        ..ReadLimits::default()
    };
    let (l, at) = over(read_csv_within(b"a\nb\nc\nd\n", &limits).unwrap_err());
    assert_eq!((l, at.as_deref()), (Limit::Rows, Some("A4")));
    let (l, at) = over(read_csv_within(b"a,b,c,d,e\n", &limits).unwrap_err());
    assert_eq!((l, at.as_deref()), (Limit::Columns, Some("E1")));
    let (l, at) = over(read_csv_within("x,ăăăăăăăăăăă\n".as_bytes(), &limits).unwrap_err());
    assert_eq!((l, at.as_deref()), (Limit::CellChars, Some("B1")));
    // Empty cells past the last one with data take no room: commas alone are fine.
    let g = read_csv_within(format!("a{}\n", ",".repeat(100)).as_bytes(), &limits).expect("read");
    assert_eq!(g.rows[0].len(), 1);
}

/// A valid small workbook whose bytes the property test damages.
fn valid_workbook() -> Vec<u8> {
    workbook(
        &[
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>HTX Tân Tiến</t></is></c><c r="B2"><v>3700</v></c></row>"#,
        ]
        .concat(),
        Some("<si><t>Tên HTX</t></si><si><t>Vốn</t></si>"),
    )
}

/// Cell references a hostile file might use, in range or far out of it.
fn any_ref() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..30, 0u32..30).prop_map(|(r, c)| hoptac_io::grid::cell_ref(r, c)),
        (0u32..2_000_000, 0u32..20_000).prop_map(|(r, c)| hoptac_io::grid::cell_ref(r, c)),
        "[A-Z]{1,4}[0-9]{1,10}",
        ".{0,8}",
    ]
}

fn any_cell() -> impl Strategy<Value = String> {
    (
        any_ref(),
        prop_oneof!["s", "n", "inlineStr", "b", "e", "str", "d", ".{0,3}"],
        ".{0,40}",
    )
        .prop_map(|(r, t, v)| {
            let v = v.replace('<', "&lt;");
            format!(r#"<row><c r="{r}" t="{t}"><v>{v}</v><is><t>{v}</t></is></c></row>"#)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Damaged bytes of a real workbook: read or refused, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8), cut in any::<prop::sample::Index>(), truncate in any::<bool>()) {
        let mut bytes = valid_workbook();
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        if truncate {
            let at = cut.index(bytes.len());
            bytes.truncate(at);
        }
        let small = ReadLimits { max_rows: 10_000, max_columns: 64, max_cells: 100_000, ..ReadLimits::default() };
        let _ = read_file_within("f.xlsx", bytes, &small);
    }

    /// Generated sheets with hostile references and types: read or refused.
    #[test]
    fn hostile_sheets_never_panic(cells in prop::collection::vec(any_cell(), 0..12), sst in prop::collection::vec(".{0,20}", 0..4)) {
        let sst: String = sst.iter().map(|s| format!("<si><t>{}</t></si>", s.replace('<', "&lt;"))).collect();
        let small = ReadLimits { max_rows: 10_000, max_columns: 64, max_cells: 100_000, ..ReadLimits::default() };
        let _ = read_xlsx_within(workbook(&cells.concat(), Some(&sst)), &small);
    }

    /// Arbitrary bytes as CSV: read or refused.
    #[test]
    fn arbitrary_csv_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let small = ReadLimits { max_rows: 50, max_columns: 8, max_cell_chars: 16, ..ReadLimits::default() };
        let _ = read_file_within("f.csv", bytes, &small);
    }
}

/// Exports never emit a cell a spreadsheet would run, and the importer reads its own
/// neutralised export back unchanged.
#[test]
fn csv_export_is_inert_and_reads_back_unchanged() {
    use hoptac_io::write::{csv, Out};
    let texts = [
        "=HYPERLINK(\"http://x\",\"bấm\")",
        "+84 912 345 678",
        "-1",
        "@SUM(A1)",
        "\tTab",
        "\rCR",
        "'=already quoted",
        "''-two",
        "Hợp tác xã = tốt",
        "plain",
    ];
    let rows: Vec<Vec<Out>> = texts
        .iter()
        .map(|t| vec![Out::Text((*t).to_owned()), Out::Int(-5)])
        .collect();
    let bytes = csv(&["Tên".to_owned(), "Số".to_owned()], &rows).expect("csv");
    // Every text field starts with something a spreadsheet shows as text.
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[3..]);
    for rec in rdr.records() {
        let rec = rec.expect("record");
        let first = rec[0].chars().next().expect("not empty");
        assert!(
            !['=', '+', '-', '@', '\t', '\r'].contains(&first),
            "{:?} would run as a formula",
            &rec[0]
        );
        assert_eq!(&rec[1], "-5", "numbers stay numbers");
    }
    let g = read_csv_within(&bytes, &ReadLimits::default()).expect("read back");
    for (i, t) in texts.iter().enumerate() {
        assert_eq!(g.cell(i + 1, 0), &Cell::Text((*t).to_owned()), "row {i}");
    }
}

/// Found by `hostile_sheets_never_panic`: a shared-string index past the table panics
/// inside the .xlsx parser; the reader reports a damaged file instead.
#[test]
fn a_shared_string_index_past_the_table_is_a_damaged_file() {
    let file = workbook(
        r#"<row r="1"><c r="A1" t="s"><v>7</v></c></row>"#,
        Some("<si><t>only one</t></si>"),
    );
    match read_xlsx_within(file, &ReadLimits::default()) {
        Err(ReadError::Xlsx(m)) => assert!(m.contains("damaged"), "{m}"),
        other => panic!("expected a damaged file, got {other:?}"),
    }
}
