//! Every importer (registry, annual reports, score sheets) takes hostile files without
//! panicking: generated tables whose headers are real ones and noise, and whose cells
//! are the values officers type and the values an attacker would, as .csv and .xlsx.
//! Each file goes through all three importers as a dry run. The readers below them are
//! fuzzed on raw bytes in `hoptac-io/tests/hostile.rs`.

use crate::import::{import_file, ImportOptions};
use crate::import::{import_reports, import_score_sheets, DocImportOptions};
use crate::registry::Registry;
use hoptac_domain::i18n::Lang;
use hoptac_io::write::{self, Out};
use proptest::prelude::*;
use std::sync::OnceLock;

/// One registry for every case (imports here are dry runs: nothing is written).
fn registry() -> &'static Registry {
    static REG: OnceLock<(hoptac_testkit::TestDb, Registry)> = OnceLock::new();
    let (_, reg) = REG.get_or_init(|| {
        let db = hoptac_testkit::sqlite();
        let reg = crate::testing::registry(&db);
        (db, reg)
    });
    reg
}

/// Headers the importers know, and some they do not.
fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Tên HTX".to_owned()),
        Just("Mã số thuế".to_owned()),
        Just("Xã".to_owned()),
        Just("Mã xã".to_owned()),
        Just("Huyện".to_owned()),
        Just("Loại hình".to_owned()),
        Just("Ngày thành lập".to_owned()),
        Just("Số thành viên".to_owned()),
        Just("Vốn điều lệ (triệu đồng)".to_owned()),
        Just("Tình trạng".to_owned()),
        Just("Năm".to_owned()),
        Just("Doanh thu".to_owned()),
        Just("Lợi nhuận".to_owned()),
        Just("Mã hồ sơ".to_owned()),
        Just("1a".to_owned()),
        Just("2b".to_owned()),
        Just("STT".to_owned()),
        ".{0,12}",
    ]
}

/// Cell values: what officers type, and what an attacker would.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Hợp tác xã Tân Tiến".to_owned()),
        Just("4900000001".to_owned()),
        Just("06205".to_owned()),
        Just("HTX".to_owned()),
        Just("31/02/2020".to_owned()),
        Just("01/01/1900".to_owned()),
        Just("99999999999999999999999".to_owned()),
        Just("-1".to_owned()),
        Just("1.234.567,5".to_owned()),
        Just("=HYPERLINK(\"http://x\")".to_owned()),
        Just("\u{0}\u{1b}[2J".to_owned()),
        Just("Tổng cộng".to_owned()),
        Just("(1)".to_owned()),
        "[0-9]{1,12}",
        "[0-9]{1,2}/[0-9]{1,2}/[0-9]{1,5}",
        ".{0,30}",
    ]
}

fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    (1usize..8).prop_flat_map(|w| {
        (
            prop::collection::vec(header(), w),
            prop::collection::vec(prop::collection::vec(cell(), w), 0..12),
        )
    })
}

fn csv_bytes(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(headers).expect("header");
        for r in rows {
            w.write_record(r).expect("row");
        }
        w.flush().expect("flush");
    }
    out
}

fn xlsx_bytes(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let rows: Vec<Vec<Out>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c.parse::<i64>() {
                    Ok(n) => Out::Int(n),
                    Err(_) if c.is_empty() => Out::Empty,
                    Err(_) => Out::Text(c.clone()),
                })
                .collect()
        })
        .collect();
    write::xlsx("Sheet1", headers, &rows).expect("xlsx")
}

/// All three importers, as dry runs, on one file: each answers (a report or a
/// rejection), none panics.
fn every_importer(name: &str, bytes: Vec<u8>) {
    let reg = registry();
    let actor = crate::testing::actor();
    let opts = ImportOptions {
        kind: None,
        dry_run: true,
        lang: Lang::Vi,
    };
    let _ = import_file(reg, name, bytes.clone(), &opts, &actor, &|_| {});
    for approved in [false, true] {
        let docs = DocImportOptions {
            year: Some(2024),
            dry_run: true,
            lang: Lang::En,
            approved,
        };
        let _ = import_reports(reg, name, bytes.clone(), &docs, &actor);
        let _ = import_score_sheets(reg, name, bytes.clone(), &docs, &actor);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn importers_take_hostile_csv((headers, rows) in table()) {
        every_importer("tep.csv", csv_bytes(&headers, &rows));
    }

    #[test]
    fn importers_take_hostile_xlsx((headers, rows) in table()) {
        every_importer("tep.xlsx", xlsx_bytes(&headers, &rows));
    }
}
