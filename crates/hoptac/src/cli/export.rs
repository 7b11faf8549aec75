//! `hoptac export`: organisations, filtered as in the web list, to .xlsx or .csv in
//! the import layout.

use super::{fail, Failure};
use chrono::NaiveDate;
use clap::Args;
use hoptac_app::export::{export, Format};
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PlaceFilter};
use hoptac_domain::org::{OrgKind, Sector, Status};
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub(super) struct ExportArgs {
    /// Output file (.xlsx or .csv), or - for standard output.
    file: PathBuf,
    /// xlsx or csv (default: from the file name).
    #[arg(long)]
    format: Option<String>,
    /// Words to search for (diacritics ignored).
    #[arg(long)]
    q: Option<String>,
    /// Kinds, comma-separated: HTX,LHHTX,THT.
    #[arg(long)]
    kind: Option<String>,
    /// Statuses, comma-separated (active, suspended, dissolved, …).
    #[arg(long)]
    status: Option<String>,
    /// Sectors, comma-separated (codes or labels).
    #[arg(long)]
    sector: Option<String>,
    /// Only this 2025 commune (code).
    #[arg(long)]
    commune_2025: Option<String>,
    /// Only this legacy district (code).
    #[arg(long)]
    legacy_district: Option<String>,
    /// Only this legacy commune (code).
    #[arg(long)]
    legacy_commune: Option<String>,
    /// Founded on or after (yyyy-mm-dd or dd/mm/yyyy).
    #[arg(long)]
    founded_from: Option<String>,
    /// Founded on or before.
    #[arg(long)]
    founded_to: Option<String>,
    /// The registry as it was on this date.
    #[arg(long)]
    as_of: Option<String>,
}

fn date_arg(v: &Option<String>, name: &str, lang: Lang) -> Result<Option<NaiveDate>, Failure> {
    v.as_deref()
        .map(|s| {
            hoptac_domain::i18n::parse_date(s).ok_or_else(|| {
                Failure(format!(
                    "--{name} {s}: {}",
                    lang.t(
                        "không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy)",
                        "not a date (yyyy-mm-dd or dd/mm/yyyy)"
                    )
                ))
            })
        })
        .transpose()
}

fn list_arg<T>(
    v: &Option<String>,
    name: &str,
    parse: fn(&str) -> Option<T>,
    lang: Lang,
) -> Result<Vec<T>, Failure> {
    hoptac_domain::list::parse_list(v.as_deref(), parse).map_err(|bad| {
        Failure(format!(
            "--{name} {bad}: {}",
            lang.t("giá trị không hợp lệ", "not a valid value")
        ))
    })
}

pub(super) fn run(reg: &Registry, a: ExportArgs, lang: Lang) -> Result<(), Failure> {
    let format = match a.format.as_deref() {
        Some(f) => Format::parse(f).ok_or_else(|| Failure(format!("--format {f}: xlsx, csv")))?,
        None if a
            .file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            Format::Csv
        }
        None if a.file.as_os_str() == "-" => Format::Csv,
        None => Format::Xlsx,
    };
    let place = match (&a.commune_2025, &a.legacy_district, &a.legacy_commune) {
        (Some(c), _, _) => Some(PlaceFilter::Commune2025(c.clone())),
        (_, Some(d), _) => Some(PlaceFilter::LegacyDistrict(d.clone())),
        (_, _, Some(c)) => Some(PlaceFilter::LegacyCommune(c.clone())),
        _ => None,
    };
    let filter = OrgFilter {
        q: a.q.clone(),
        kinds: list_arg(&a.kind, "kind", OrgKind::parse, lang)?,
        statuses: list_arg(&a.status, "status", Status::parse, lang)?,
        sectors: list_arg(&a.sector, "sector", Sector::parse, lang)?,
        place,
        founded_from: date_arg(&a.founded_from, "founded-from", lang)?,
        founded_to: date_arg(&a.founded_to, "founded-to", lang)?,
        as_of: date_arg(&a.as_of, "as-of", lang)?,
        ..Default::default()
    };
    // The command line is the operator of the database: everything.
    let scope = hoptac_domain::auth::Scope::All;
    let (bytes, _) =
        export(reg, &scope, &filter, format, lang, false).map_err(|e| fail(e, lang))?;
    if a.file.as_os_str() == "-" {
        match std::io::stdout().write_all(&bytes) {
            // The reader stopped early (`| head`): not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            r => r.map_err(|e| Failure(e.to_string()))?,
        }
    } else {
        std::fs::write(&a.file, &bytes)
            .map_err(|e| Failure(format!("{}: {e}", a.file.display())))?;
        eprintln!("{} {}", lang.t("Đã xuất", "Exported to"), a.file.display());
    }
    Ok(())
}
