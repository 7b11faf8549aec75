//! Importing annual reports and score sheets against hand-made files
//! (tests/fixtures), on both databases: checked first, written once, every error
//! where it is, and a sheet already approved never overwritten.

use crate::error::AppError;
use crate::evaluations::EvalState;
use crate::import::ImportReport;
use crate::import::{import_reports, import_score_sheets, DocImportOptions};
use crate::import_tests::{begins, fixture, messy_registry, opts, rejected, run, says};
use crate::registry::Registry;
use crate::registry_tests::actor;
use hoptac_domain::evaluation::Rating;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_domain::report::ReportStage;

fn doc_opts(dry_run: bool, approved: bool) -> DocImportOptions {
    DocImportOptions {
        year: None,
        dry_run,
        lang: Lang::Vi,
        approved,
    }
}

/// Imports a fixture as annual reports.
fn reports_from(
    reg: &Registry,
    file: &str,
    o: &DocImportOptions,
) -> Result<ImportReport, AppError> {
    let (name, bytes) = fixture(file);
    import_reports(reg, &name, bytes, o, &actor())
}

/// Imports a fixture as score sheets.
fn sheets_from(reg: &Registry, file: &str, o: &DocImportOptions) -> Result<ImportReport, AppError> {
    let (name, bytes) = fixture(file);
    import_score_sheets(reg, &name, bytes, o, &actor())
}

fn by_tax(reg: &Registry, tax: &str) -> i64 {
    reg.list(
        &hoptac_domain::auth::Scope::All,
        &OrgFilter {
            q: Some(tax.into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .expect("list")
    .items[0]
        .id
}

fn annual_reports_import_check_first_and_once(url: &str) {
    let reg = messy_registry(url);
    let file = "reports_2024.xlsx";
    let dry = reports_from(&reg, file, &doc_opts(true, false)).expect("dry");
    assert_eq!((dry.created, dry.written), (4, false));
    let r = reports_from(&reg, file, &doc_opts(false, false)).expect("import");
    assert_eq!((r.created, r.updated, r.unchanged), (4, 0, 0));
    assert!(
        r.notes.iter().any(|n| n.contains("tổng cộng")),
        "{:?}",
        r.notes
    );
    let again = reports_from(&reg, file, &doc_opts(false, false)).expect("again");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
    let hd = reg
        .report(by_tax(&reg, "4900101001"), 2024)
        .expect("report")
        .report;
    assert_eq!(
        (hd.figures.revenue, hd.figures.total_capital_end, hd.stage),
        (Some(2_300_500_000), Some(1_250_000_000), ReportStage::Final)
    );
    let tt = reg
        .report(by_tax(&reg, "4900101002"), 2024)
        .expect("report")
        .report;
    assert_eq!(
        tt.figures.pre_tax_profit,
        Some(-35_000_000),
        "a loss is a negative profit, allowed"
    );
    let hung_dao = reg
        .report(by_tax(&reg, "4900101003"), 2024)
        .expect("report")
        .report;
    assert_eq!(
        (hung_dao.stage, hung_dao.figures.sanctioned),
        (ReportStage::Estimate, Some(true))
    );
    let mai_pha = reg
        .report(by_tax(&reg, "4900101005"), 2024)
        .expect("report")
        .report;
    assert_eq!(mai_pha.figures.supplied_to_members, Some(1_000_000_000));
}

fn bad_reports_write_nothing_and_say_where(url: &str) {
    let reg = messy_registry(url);
    let r = rejected(reports_from(
        &reg,
        "reports_bad.csv",
        &doc_opts(false, false),
    ));
    let at: Vec<(usize, &str)> = r.errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(
        at,
        vec![
            (2, "revenue"),
            (3, "year"),
            (4, "year"),
            (5, "tax_code"),
            (6, "months_suspended")
        ],
        "{:?}",
        r.errors
    );
    says(&r.errors[1], "trước khi thành lập");
    says(&r.errors[2], "2027");
    assert_eq!(r.errors[0].column.as_deref(), Some("D"));
    assert!(reg.reports_for_year(2024).expect("reports").is_empty());
}

fn score_sheets_import_as_approved_history(url: &str) {
    let reg = messy_registry(url);
    run(&reg, "registry_unaccented.csv", &opts(None, false)).expect("groups");
    let file = "scores_2024.xlsx";
    let r = sheets_from(&reg, file, &doc_opts(false, true)).expect("import");
    assert_eq!(r.created, 3);
    let rating = |tax: &str| {
        let e = reg
            .evaluation(by_tax(&reg, tax), 2024)
            .expect("sheet")
            .evaluation;
        assert_eq!((e.state, e.imported), (EvalState::Approved, true));
        e.outcome.expect("outcome").rating
    };
    assert_eq!(rating("4900101001"), Rating::Good);
    assert_eq!(rating("4900101002"), Rating::Fair);
    assert_eq!(rating("4900101005"), Rating::Weak);
    let again = sheets_from(&reg, file, &doc_opts(false, true)).expect("again");
    assert_eq!(again.unchanged, 3);
    let r = rejected(sheets_from(&reg, "scores_bad.xlsx", &doc_opts(false, true)));
    let msgs: Vec<String> = r
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}",
                e.row,
                e.column.clone().unwrap_or_default(),
                e.message
            )
        })
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("2:F:") && m.contains("vượt mức tối đa")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("2:AC:") && m.contains("không có tiêu chí 16")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("3:") && m.contains("Tổ hợp tác")),
        "{msgs:?}"
    );
    assert_eq!(
        reg.evaluations_for_year(2024).expect("sheets").len(),
        3,
        "nothing more written"
    );
}

/// Sheets entered as drafts are not overwritten by approved history: every row is
/// refused, with the reason, and nothing is written.
fn approved_history_never_overwrites_a_sheet(url: &str) {
    let reg = messy_registry(url);
    run(&reg, "registry_unaccented.csv", &opts(None, false)).expect("groups");
    let file = "scores_2024.xlsx";
    let drafts = sheets_from(&reg, file, &doc_opts(false, false)).expect("drafts");
    assert_eq!(drafts.created, 3);
    let r = rejected(sheets_from(&reg, file, &doc_opts(false, true)));
    assert_eq!(r.errors.len(), 3, "{:?}", r.errors);
    for e in &r.errors {
        assert_eq!((e.field.as_str(), e.column.as_deref()), ("name", None));
        assert_eq!(
            e.message,
            "phiếu đánh giá năm này đã nộp hoặc đã duyệt: không ghi đè"
        );
    }
    assert!(!r.written);
    let states: Vec<EvalState> = reg
        .evaluations_for_year(2024)
        .expect("sheets")
        .into_iter()
        .map(|e| e.evaluation.state)
        .collect();
    assert_eq!(states, vec![EvalState::Draft; 3], "still drafts");
}

/// A file without a header the importer knows says which columns it looks for, as
/// a problem with the file as a whole.
fn a_file_without_a_header_is_refused_as_a_whole(url: &str) {
    let reg = messy_registry(url);
    let csv = b"a,b,c\n1,2,3\n".to_vec();
    for r in [
        import_reports(&reg, "x.csv", csv.clone(), &doc_opts(true, false), &actor()),
        import_score_sheets(&reg, "x.csv", csv.clone(), &doc_opts(true, false), &actor()),
    ] {
        let r = rejected(r);
        let at: Vec<(usize, &str)> = r.errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(at, vec![(0, "header")]);
        begins(&r.errors[0], "Không tìm thấy dòng tiêu đề");
    }
    let twice = "Mã số thuế,MST,Năm,Doanh thu\n4900101001,4900101001,2024,1\n";
    let r = rejected(import_reports(
        &reg,
        "twice.csv",
        twice.as_bytes().to_vec(),
        &doc_opts(true, false),
        &actor(),
    ));
    begins(&r.errors[0], "Hai cột cùng là");
}

hoptac_testkit::both_backends!(
    annual_reports_import_check_first_and_once,
    bad_reports_write_nothing_and_say_where,
    score_sheets_import_as_approved_history,
    approved_history_never_overwrites_a_sheet,
    a_file_without_a_header_is_refused_as_a_whole
);
