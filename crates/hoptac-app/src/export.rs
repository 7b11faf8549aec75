//! Exporting any filtered list as .xlsx or .csv, in the layout the importer reads.

use crate::columns::EXPORT_COLUMNS;
use crate::error::Result;
use crate::registry::Registry;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, OrgView, PageRequest};
use hoptac_domain::org::Status;
use hoptac_domain::place::Gazetteer;
use hoptac_io::write::{self, Out};

/// File formats for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "xlsx" | "excel" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

fn text(s: &Option<String>) -> Out {
    s.as_ref().map_or(Out::Empty, |s| Out::Text(s.clone()))
}

fn row(v: &OrgView, places: &Gazetteer, lang: Lang) -> Vec<Out> {
    let f = &v.fields;
    let commune = f
        .place
        .as_ref()
        .and_then(|p| places.units.commune(p.scheme, &p.code));
    let district = commune
        .and_then(|c| c.district_code.as_deref())
        .and_then(|d| places.units.district(d))
        .map(|d| d.name.clone());
    let label = |vi: &'static str, en: &'static str| Out::Text(lang.t(vi, en).to_owned());
    EXPORT_COLUMNS
        .iter()
        .map(|(field, _, _)| match *field {
            "id" => Out::Int(v.id),
            "kind" => Out::Text(v.kind.code().to_owned()),
            "name" => text(&f.name),
            "short_name" => text(&f.short_name),
            "tax_code" => text(&f.tax_code),
            "registration_number" => text(&f.registration_number),
            "registration_date" => f.registration_date.map_or(Out::Empty, Out::Date),
            "registering_body" => text(&f.registering_body),
            "address" => text(&f.address),
            "scheme" => f
                .place
                .as_ref()
                .map_or(Out::Empty, |p| Out::Text(p.scheme.as_str().to_owned())),
            "commune_code" => f
                .place
                .as_ref()
                .map_or(Out::Empty, |p| Out::Text(p.code.clone())),
            "commune" => commune.map_or(Out::Empty, |c| Out::Text(c.name.clone())),
            "district" => text(&district),
            "legacy_commune" => text(&f.legacy_commune),
            "derived_2025" => text(&v.places.commune_2025),
            "derived_district" => text(&v.places.legacy_district),
            "sector" => f
                .sector
                .map_or(Out::Empty, |s| label(s.label_vi(), s.label_en())),
            "product_class" => f
                .product_class
                .map_or(Out::Empty, |s| label(s.label_vi(), s.label_en())),
            "legal_representative" => text(&f.legal_representative),
            "phone" => text(&f.phone),
            "email" => text(&f.email),
            "charter_capital" => f.charter_capital.map_or(Out::Empty, Out::Int),
            "members" => f.members.map_or(Out::Empty, Out::Int),
            "founding_date" => f.founding_date.map_or(Out::Empty, Out::Date),
            "status" => label(v.status.label_vi(), v.status.label_en()),
            "status_date" => Out::Date(v.status_since),
            "suspended_until" => match (v.status, v.status_detail.until) {
                (Status::Suspended, Some(d)) => Out::Date(d),
                _ => Out::Empty,
            },
            "notes" => text(&f.notes),
            _ => Out::Empty,
        })
        .collect()
}

/// The file for a filtered list within `scope` (every page), and a suggested file
/// name. `public` leaves out what only signed-in users see (contacts, notes).
pub fn export(
    reg: &Registry,
    scope: &hoptac_domain::auth::Scope,
    filter: &OrgFilter,
    format: Format,
    lang: Lang,
    public: bool,
) -> Result<(Vec<u8>, String)> {
    let mut page = reg.list(scope, filter, PageRequest::all())?;
    if public {
        page.items = page.items.into_iter().map(OrgView::public).collect();
    }
    let places = reg.places();
    let headers: Vec<String> = EXPORT_COLUMNS
        .iter()
        .map(|(_, vi, en)| lang.t(vi, en).to_owned())
        .collect();
    let rows: Vec<Vec<Out>> = page.items.iter().map(|v| row(v, &places, lang)).collect();
    let date = filter.as_of.unwrap_or_else(|| reg.today());
    let name = format!(
        "{}-{}.{}",
        lang.t("danh-sach-to-chuc", "organisations"),
        date.format("%Y-%m-%d"),
        format.extension()
    );
    let bytes = match format {
        Format::Xlsx => write::xlsx(lang.t("Danh sách", "Organisations"), &headers, &rows),
        Format::Csv => write::csv(&headers, &rows),
    }
    .map_err(|e| {
        crate::error::AppError::refused(
            "export_failed",
            format!("Không xuất được tệp: {e}"),
            format!("Export failed: {e}"),
        )
    })?;
    Ok((bytes, name))
}
