//! `hoptac import`: organisations (sổ đăng ký), annual reports (báo cáo năm) or
//! score sheets (phiếu chấm điểm) from .xlsx or .csv, all or nothing, with a
//! report of how the file was read.

use super::{fail, Failure};
use clap::Args;
use hoptac_app::import::{import_file, ImportOptions, ImportReport, Progress};
use hoptac_app::{Actor, AppError, Registry};
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgKind;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub(super) struct ImportArgs {
    /// The .xlsx or .csv file.
    file: PathBuf,
    /// What the file holds: registry (organisations), reports (annual reports) or
    /// scores (score sheets, one column per sub-criterion).
    #[arg(long, default_value = "registry")]
    what: String,
    /// Kind of every row when the file has no "Loại hình" column: HTX, LHHTX or THT.
    #[arg(long)]
    kind: Option<String>,
    /// Reports and scores: the year of every row when the file has no "Năm" column.
    #[arg(long)]
    year: Option<i32>,
    /// Scores: enter the sheets as approved historical sheets (provincial officers).
    #[arg(long)]
    approved: bool,
    /// Check the whole file and report, without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Who is importing (recorded in every record's history).
    #[arg(long = "as", default_value = "cli")]
    author: String,
}

fn print_report(r: &ImportReport, lang: Lang) {
    let mut out = std::io::stderr();
    let _ = writeln!(
        out,
        "{} {}{}{}",
        lang.t("Tệp", "File"),
        r.file,
        if r.sheet.is_empty() {
            String::new()
        } else {
            format!(", {} \"{}\"", lang.t("trang", "sheet"), r.sheet)
        },
        if r.header_rows.0 > 0 {
            format!(
                ", {} {}–{}",
                lang.t("tiêu đề ở dòng", "header on rows"),
                r.header_rows.0,
                r.header_rows.1
            )
        } else {
            String::new()
        }
    );
    for (col, header, field) in &r.columns {
        let _ = writeln!(
            out,
            "  {} {col} \"{header}\" → {}",
            lang.t("cột", "column"),
            hoptac_domain::i18n::field_label(field, lang)
        );
    }
    for n in &r.notes {
        let _ = writeln!(out, "  {}: {n}", lang.t("Ghi chú", "Note"));
    }
    if !r.errors.is_empty() {
        let _ = writeln!(out, "{} ({}):", lang.t("Lỗi", "Errors"), r.errors.len());
        for e in &r.errors {
            let place = match (e.row, &e.column, &e.header) {
                (0, _, _) => lang.t("Tệp", "File").to_owned(),
                (row, Some(c), Some(h)) => format!(
                    "{} {row}, {} {c} \"{h}\"",
                    lang.t("Dòng", "Row"),
                    lang.t("cột", "column")
                ),
                (row, _, _) => format!("{} {row}", lang.t("Dòng", "Row")),
            };
            let _ = writeln!(out, "  {place}: {}", e.message);
        }
    }
}

pub(super) fn run(reg: &Registry, a: ImportArgs, lang: Lang) -> Result<(), Failure> {
    let kind = match a.kind.as_deref() {
        Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
            Failure(format!(
                "--kind {k}: {}",
                lang.t("dùng HTX, LHHTX hoặc THT", "use HTX, LHHTX or THT")
            ))
        })?),
        None => None,
    };
    let bytes =
        std::fs::read(&a.file).map_err(|e| Failure(format!("{}: {e}", a.file.display())))?;
    let name = a.file.file_name().map_or_else(
        || a.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let opts = ImportOptions {
        kind,
        dry_run: a.dry_run,
        lang,
    };
    let actor = Actor::new(a.author.clone(), Some(format!("import: {name}")));
    let progress = |p: Progress| {
        let (what, done, total) = match p {
            Progress::Checking { done, total } => {
                (lang.t("Đang kiểm tra", "Checking"), done, total)
            }
            Progress::Writing { done, total } => (lang.t("Đang ghi", "Writing"), done, total),
        };
        if total >= 500 {
            eprint!("\r{what}: {done}/{total} {}   ", lang.t("dòng", "rows"));
            if done == total {
                eprintln!();
            }
        }
    };
    let doc_opts = hoptac_app::import::DocImportOptions {
        year: a.year,
        dry_run: a.dry_run,
        lang,
        approved: a.approved,
    };
    let result = match a.what.as_str() {
        "registry" => import_file(reg, &name, bytes, &opts, &actor, &progress),
        "reports" => hoptac_app::import::import_reports(reg, &name, bytes, &doc_opts, &actor),
        "scores" => hoptac_app::import::import_score_sheets(reg, &name, bytes, &doc_opts, &actor),
        w => return Err(Failure(format!("--what {w}: registry, reports, scores"))),
    };
    match result {
        Ok(r) => {
            print_report(&r, lang);
            outln!("{}", r.summary(lang));
            Ok(())
        }
        Err(AppError::ImportRejected(r)) => {
            print_report(&r, lang);
            Err(Failure(r.summary(lang)))
        }
        Err(e) => Err(fail(e, lang)),
    }
}
