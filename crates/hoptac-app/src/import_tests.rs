//! Import and export against hand-made files (tests/fixtures, made with openpyxl, not
//! by our exporter), on both databases.

use crate::error::AppError;
use crate::export::{export, Format};
use crate::import::{import_file, ImportOptions, ImportReport, RowError};
use crate::registry::Registry;
use crate::registry_tests::{actor, registry};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_domain::org::{OrgKind, Sector, Status};
use std::path::PathBuf;

pub(crate) fn fixture(name: &str) -> (String, Vec<u8>) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    (
        name.to_owned(),
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
}

pub(crate) fn opts(kind: Option<OrgKind>, dry_run: bool) -> ImportOptions {
    ImportOptions {
        kind,
        dry_run,
        lang: Lang::Vi,
    }
}

pub(crate) fn run(reg: &Registry, file: &str, o: &ImportOptions) -> Result<ImportReport, AppError> {
    let (name, bytes) = fixture(file);
    import_file(reg, &name, bytes, o, &actor(), &|_| {})
}

/// Every row a cooperative (the files have no kind column).
pub(crate) fn htx(dry_run: bool) -> ImportOptions {
    opts(Some(OrgKind::Cooperative), dry_run)
}

/// A registry holding the ten cooperatives of registry_messy.xlsx.
pub(crate) fn messy_registry(url: &str) -> Registry {
    let reg = registry(url);
    run(&reg, "registry_messy.xlsx", &htx(false)).expect("registry");
    reg
}

/// Imports CSV text, every row a cooperative.
fn import_csv(reg: &Registry, name: &str, csv: &str) -> Result<ImportReport, AppError> {
    import_file(
        reg,
        name,
        csv.as_bytes().to_vec(),
        &htx(false),
        &actor(),
        &|_| {},
    )
}

/// The report of an import that must have been rejected.
pub(crate) fn rejected(result: Result<ImportReport, AppError>) -> Box<ImportReport> {
    match result {
        Err(AppError::ImportRejected(r)) => r,
        other => panic!("expected a rejected import, got {other:?}"),
    }
}

/// The error's message holds `part`.
pub(crate) fn says(e: &RowError, part: &str) {
    assert!(e.message.contains(part), "{}", e.message);
}

/// The error's message begins with `part`.
pub(crate) fn begins(e: &RowError, part: &str) {
    assert!(e.message.starts_with(part), "{}", e.message);
}

fn total(reg: &Registry) -> u64 {
    reg.list(
        &hoptac_domain::auth::Scope::All,
        &OrgFilter::default(),
        PageRequest::default(),
    )
    .expect("list")
    .total
}

/// Expected rows of a fixture file, from tests/fixtures/expected_rows.csv.
fn expected(file: &str) -> Vec<csv::StringRecord> {
    let (_, bytes) = fixture("expected_rows.csv");
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    r.records()
        .map(|r| r.expect("row"))
        .filter(|r| &r[0] == file && r[14].is_empty())
        .collect()
}

/// Every expected row is stored with the expected values.
fn check_stored(reg: &Registry, file: &str) {
    let rows = expected(file);
    assert!(!rows.is_empty());
    for e in rows {
        let found = reg
            .list(
                &hoptac_domain::auth::Scope::All,
                &OrgFilter {
                    q: Some(e[2].to_owned()),
                    ..Default::default()
                },
                PageRequest::default(),
            )
            .expect("search");
        let v = found
            .items
            .iter()
            .find(|v| v.name() == &e[2])
            .unwrap_or_else(|| panic!("row {} ({}) not stored", &e[1], &e[2]));
        let f = &v.fields;
        assert_eq!(v.kind.code(), &e[3], "kind of {}", &e[2]);
        assert_eq!(
            f.tax_code.as_deref().unwrap_or(""),
            &e[4],
            "tax code of {}",
            &e[2]
        );
        let place = f.place.as_ref().expect("place");
        assert_eq!(
            (place.scheme.as_str(), place.code.as_str()),
            (&e[5], &e[6]),
            "place of {}",
            &e[2]
        );
        assert_eq!(
            f.sector.map(|s| s.label_vi()),
            Sector::parse(&e[9]).map(|s| s.label_vi()),
            "sector of {}",
            &e[2]
        );
        assert_eq!(
            f.members.map(|m| m.to_string()).unwrap_or_default(),
            &e[10],
            "members of {}",
            &e[2]
        );
        assert_eq!(
            f.charter_capital.map(|m| m.to_string()).unwrap_or_default(),
            &e[11],
            "capital of {}",
            &e[2]
        );
        assert_eq!(
            f.founding_date.map(|d| d.to_string()).unwrap_or_default(),
            &e[12],
            "founding of {}",
            &e[2]
        );
        let status = Status::parse(&e[13]).unwrap_or(Status::Active);
        assert_eq!(v.status_detail.status, status, "status of {}", &e[2]);
    }
}

fn messy_xlsx_imports_once_and_reimports_as_unchanged(url: &str) {
    let reg = registry(url);
    let dry = run(&reg, "registry_messy.xlsx", &htx(true)).expect("dry run");
    assert_eq!((dry.created, dry.written), (10, false));
    assert_eq!(total(&reg), 0, "a dry run writes nothing");
    let r = run(&reg, "registry_messy.xlsx", &htx(false)).expect("import");
    assert_eq!(
        (r.rows_read, r.created, r.updated, r.unchanged),
        (10, 10, 0, 0)
    );
    assert_eq!(r.header_rows, (4, 5));
    let notes = r.notes.join("\n");
    assert!(notes.contains("Cột D") && notes.contains("ẩn"), "{notes}");
    assert!(notes.contains("Dòng 6"), "numbering row: {notes}");
    assert!(notes.contains("Dòng 18 là dòng tổng cộng"), "{notes}");
    assert!(notes.contains("Dòng 20–22"), "{notes}");
    check_stored(&reg, "registry_messy.xlsx");
    let again = run(&reg, "registry_messy.xlsx", &htx(false)).expect("again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 10));
    assert_eq!(total(&reg), 10);
    // The status column became a status event naming the file.
    let suspended = reg
        .list(
            &hoptac_domain::auth::Scope::All,
            &OrgFilter {
                statuses: vec![Status::Suspended],
                ..Default::default()
            },
            PageRequest::default(),
        )
        .expect("list");
    assert_eq!(suspended.total, 1);
    assert!(suspended.items[0]
        .status_detail
        .document
        .as_deref()
        .unwrap_or("")
        .contains("registry_messy.xlsx"));
    // A status from the file takes effect on the import date, not on the founding
    // date: Tú Mịch (founded 2009, "Đã giải thể" in the file) was active in 2020.
    let tu_mich = reg
        .list(
            &hoptac_domain::auth::Scope::All,
            &OrgFilter {
                q: Some("tu mich".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .expect("list")
        .items[0]
        .clone();
    assert_eq!(tu_mich.status, Status::Dissolved);
    assert_eq!(
        reg.get(tu_mich.id, Some(crate::registry_tests::d(2020, 1, 1)))
            .expect("2020")
            .status,
        Status::Active
    );
}

fn unaccented_english_and_group_files_import(url: &str) {
    let reg = registry(url);
    for f in [
        "registry_unaccented.csv",
        "registry_english.csv",
        "tht_no_numbers.xlsx",
    ] {
        let r = run(&reg, f, &opts(None, false)).unwrap_or_else(|e| panic!("{f}: {e:?}"));
        assert_eq!(r.created, expected(f).len(), "{f}");
        check_stored(&reg, f);
        let again = run(&reg, f, &opts(None, false)).expect("again");
        assert_eq!(
            again.unchanged,
            expected(f).len(),
            "{f} matched on re-import"
        );
    }
    // Groups without numbers are matched by kind, unaccented name and place.
    assert_eq!(total(&reg), 15);
}

fn three_bad_rows_in_a_thousand_write_nothing(url: &str) {
    let reg = registry(url);
    let r = rejected(run(&reg, "registry_1000_with_3_bad.csv", &htx(false)));
    assert_eq!(r.rows_read, 1000);
    let rows: Vec<(usize, &str, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str(), e.column.as_deref()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (101, "tax_code", Some("C")),
            (501, "founding_date", Some("H")),
            (1001, "commune", Some("D"))
        ]
    );
    begins(
        &r.errors[0],
        "Mã số thuế: \"49123\" không phải mã số thuế hợp lệ",
    );
    assert!(r.errors[1].message.contains("31/02/2020"));
    assert!(r.errors[2].message.contains("Xã Không Có Thật"));
    assert!(!r.written);
    assert_eq!(total(&reg), 0, "nothing written");
    let en = ImportOptions {
        lang: Lang::En,
        ..htx(false)
    };
    let r = rejected(run(&reg, "registry_1000_with_3_bad.csv", &en));
    begins(&r.errors[0], "Tax code:");
}

fn unknown_communes_suggest_close_matches_and_wrong_schemes_are_explained(url: &str) {
    let reg = registry(url);
    // Row 2: a typo; row 3: a 2025 name on a 2020 row; row 4: unaccented and unique,
    // so accepted.
    let csv = "Tên HTX,Xã,Huyện,Ngày thành lập,Số thành viên\n\
                   Hợp tác xã Một,Hoàng Đôngg,Thành phố Lạng Sơn,01/01/2020,9\n\
                   Hợp tác xã Hai,Xã Đồng Đăng,,01/01/2020,9\n\
                   Hợp tác xã Ba,hoang dong,tp lang son,01/01/2020,9\n";
    let r = rejected(import_csv(&reg, "sai.csv", csv));
    let at: Vec<(usize, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect();
    assert_eq!(at, vec![(2, Some("B")), (3, Some("B"))], "{:?}", r.errors);
    begins(&r.errors[0], "Xã/phường: không tìm thấy");
    says(&r.errors[0], "Xã Hoàng Đồng");
    says(&r.errors[1], "Hệ địa giới");
    assert_eq!(total(&reg), 0);
}

fn twins_are_never_guessed(url: &str) {
    let reg = registry(url);
    for _ in 0..2 {
        // Registered twice by mistake, with no numbers to tell them apart.
        reg.create(
            crate::registry_tests::htx(
                "Hợp tác xã Song Sinh",
                hoptac_domain::PlaceRef::new(hoptac_domain::Scheme::Legacy, "06205"),
                crate::registry_tests::d(2019, 1, 1),
            ),
            &actor(),
        )
        .map(|_| ())
        .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let csv = "Tên HTX,Xã,Huyện,Ngày thành lập,Số thành viên\nHợp tác xã Song Sinh,Hồng Phong,Cao Lộc,01/01/2019,20\n";
    let r = rejected(import_csv(&reg, "twins.csv", csv));
    assert!(
        r.errors[0].message.contains("nhiều hồ sơ"),
        "{:?}",
        r.errors
    );
    assert_eq!(total(&reg), 2, "no third twin");
}

fn exports_come_back_unchanged(url: &str) {
    let reg = messy_registry(url);
    run(&reg, "registry_unaccented.csv", &opts(None, false)).expect("import");
    for (format, lang) in [
        (Format::Xlsx, Lang::Vi),
        (Format::Csv, Lang::Vi),
        (Format::Csv, Lang::En),
    ] {
        let (bytes, name) = export(
            &reg,
            &hoptac_domain::auth::Scope::All,
            &OrgFilter::default(),
            format,
            lang,
            false,
        )
        .expect("export");
        if format == Format::Csv {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV starts with a BOM");
        }
        let r = import_file(&reg, &name, bytes, &opts(None, false), &actor(), &|_| {})
            .expect("re-import");
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 16), "{name}");
    }
    let filtered = OrgFilter {
        kinds: vec![OrgKind::CooperativeGroup],
        ..Default::default()
    };
    let (bytes, name) = export(
        &reg,
        &hoptac_domain::auth::Scope::All,
        &filtered,
        Format::Csv,
        Lang::Vi,
        false,
    )
    .expect("export");
    let r = import_file(&reg, &name, bytes, &opts(None, true), &actor(), &|_| {}).expect("dry");
    assert_eq!(r.unchanged, 2);
}

hoptac_testkit::both_backends!(
    messy_xlsx_imports_once_and_reimports_as_unchanged,
    unaccented_english_and_group_files_import,
    three_bad_rows_in_a_thousand_write_nothing,
    unknown_communes_suggest_close_matches_and_wrong_schemes_are_explained,
    twins_are_never_guessed,
    exports_come_back_unchanged
);
