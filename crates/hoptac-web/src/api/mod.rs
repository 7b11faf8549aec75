//! The JSON API under `/api/v1`. Handlers parse, run a use case through the caller's
//! handle on a blocking thread ([`crate::run`]) and answer JSON; every error goes
//! through [`ApiError`]. By subject: organisations, files (export, import), places,
//! and the OpenAPI document.

pub(crate) mod contract;
mod files;
mod openapi;
mod organisations;
pub(crate) mod params;
mod places;

pub use files::{ExportQuery, ImportQuery};
pub use openapi::{openapi, ApiDoc};
pub use organisations::{
    AsOfQuery, ConvertRequest, EndLinkRequest, History, IncomingLink, LinkRequest, StatusRequest,
    UpdateRequest,
};
pub use places::{CommuneInfo, CommuneQuery, SuspectRow};

pub(crate) use crate::run::blocking;
pub use crate::run::ApiResult;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PageRequest, PlaceFilter, SortBy};
use serde::Deserialize;
use utoipa::IntoParams;

/// The language of a request: `?lang=en`, else `Accept-Language`, else Vietnamese.
#[derive(Debug, Clone, Copy)]
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .map(Lang::parse)
        });
        let from_header = || {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::parse)
        };
        Ok(ReqLang(from_query.or_else(from_header).unwrap_or_default()))
    }
}

/// A date in a query: `2025-07-01` or `01/07/2025`.
pub(crate) fn parse_date(
    lang: Lang,
    name: &str,
    v: &Option<String>,
) -> ApiResult<Option<NaiveDate>> {
    let Some(v) = v.as_deref().filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    hoptac_domain::i18n::parse_date(v).map(Some).ok_or_else(|| {
        ApiError::bad_request(
            lang,
            format!("Tham số {name}: \"{v}\" không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy)"),
            format!("Parameter {name}: \"{v}\" is not a date (yyyy-mm-dd or dd/mm/yyyy)"),
        )
    })
}

/// Years a path or query may name (*năm*): wide around any record (the first are of
/// 1990), narrow enough that a year's deadlines, which fall in the next year, are plain
/// four-digit dates. Another year is a bad request (400), never a server error.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// `year` if it is within [`YEARS`], else a 400 naming the parameter.
pub(crate) fn check_year(lang: Lang, year: i32) -> ApiResult<i32> {
    if YEARS.contains(&year) {
        return Ok(year);
    }
    let (lo, hi) = (YEARS.start(), YEARS.end());
    Err(ApiError::bad_request(
        lang,
        format!("Tham số year: {year} nằm ngoài khoảng {lo}–{hi}"),
        format!("Parameter year: {year} is outside {lo}–{hi}"),
    ))
}

/// A comma-separated list of values, each exactly one of those `params` publishes
/// (`kind=HTX,THT`); empty is no filter. Loose spellings (`htx`, ` HTX`) and empty
/// items (`HTX,`) are refused, as the document's pattern says.
fn parse_list<T>(
    lang: Lang,
    name: &str,
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
) -> ApiResult<Vec<T>> {
    let given = v.as_deref().filter(|v| !v.is_empty());
    let listed = given.map_or(Ok(vec![]), |v| {
        v.split(',')
            .map(|s| parse(s).ok_or_else(|| s.to_owned()))
            .collect()
    });
    listed.map_err(|bad: String| {
        ApiError::bad_request(
            lang,
            format!("Tham số {name}: giá trị \"{bad}\" không hợp lệ"),
            format!("Parameter {name}: \"{bad}\" is not a valid value"),
        )
    })
}

/// Filters for lists and exports. Several values are separated by commas.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words to find in the name, short name, tax code or registration number, with or
    /// without diacritics (`hop tac nong nghiep`).
    pub q: Option<String>,
    /// `HTX`, `LHHTX`, `THT` (comma-separated).
    #[param(schema_with = params::kinds)]
    pub kind: Option<String>,
    /// `active`, `suspended`, `inactive`, `dissolving`, `dissolved`, `bankrupt`,
    /// `revoked`, `converted` (comma-separated).
    #[param(schema_with = params::statuses)]
    pub status: Option<String>,
    /// Sector codes or labels, exactly as published (comma-separated).
    #[param(schema_with = params::sectors)]
    pub sector: Option<String>,
    /// A 2025 commune code.
    pub commune_2025: Option<String>,
    /// A legacy district code.
    pub legacy_district: Option<String>,
    /// A legacy commune code.
    pub legacy_commune: Option<String>,
    /// Founded on or after (yyyy-mm-dd or dd/mm/yyyy).
    #[param(schema_with = params::founded_from)]
    pub founded_from: Option<String>,
    /// Founded on or before.
    #[param(schema_with = params::founded_to)]
    pub founded_to: Option<String>,
    /// Read the registry as it was on this date.
    #[param(schema_with = params::list_as_of)]
    pub as_of: Option<String>,
    /// `name` (Vietnamese order, default), `founding_date` or `id`.
    #[param(schema_with = params::sort)]
    pub sort: Option<String>,
    /// Descending order.
    pub desc: Option<bool>,
    /// Page number, from 1.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Rows per page (default 50; more than 1000 reads as 1000).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
    /// `vi` (default) or `en`.
    pub lang: Option<String>,
}

impl ListQuery {
    pub fn to_filter(&self, lang: Lang) -> ApiResult<(OrgFilter, PageRequest)> {
        let place = match (
            &self.commune_2025,
            &self.legacy_district,
            &self.legacy_commune,
        ) {
            (Some(c), _, _) if !c.is_empty() => Some(PlaceFilter::Commune2025(c.clone())),
            (_, Some(d), _) if !d.is_empty() => Some(PlaceFilter::LegacyDistrict(d.clone())),
            (_, _, Some(c)) if !c.is_empty() => Some(PlaceFilter::LegacyCommune(c.clone())),
            _ => None,
        };
        let sort = match self.sort.as_deref().unwrap_or("name") {
            "name" | "" => SortBy::Name,
            "founding_date" => SortBy::FoundingDate,
            "id" => SortBy::Id,
            other => {
                return Err(ApiError::bad_request(
                    lang,
                    format!("Tham số sort: \"{other}\" không hợp lệ (name, founding_date, id)"),
                    format!("Parameter sort: \"{other}\" is not valid (name, founding_date, id)"),
                ))
            }
        };
        let filter = OrgFilter {
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            kinds: parse_list(lang, "kind", &self.kind, params::exact_kind)?,
            statuses: parse_list(lang, "status", &self.status, params::exact_status)?,
            sectors: parse_list(lang, "sector", &self.sector, params::exact_sector)?,
            place,
            founded_from: parse_date(lang, "founded_from", &self.founded_from)?,
            founded_to: parse_date(lang, "founded_to", &self.founded_to)?,
            as_of: parse_date(lang, "as_of", &self.as_of)?,
            sort,
            descending: self.desc.unwrap_or(false),
        };
        Ok((
            filter,
            PageRequest::new(self.page.unwrap_or(1), self.per_page.unwrap_or(50)),
        ))
    }
}

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/organisations",
            get(organisations::list).post(organisations::create),
        )
        .route(
            "/api/v1/organisations/{id}",
            get(organisations::get_one).patch(organisations::update),
        )
        .route(
            "/api/v1/organisations/{id}/status",
            post(organisations::set_status),
        )
        .route(
            "/api/v1/organisations/{id}/links",
            post(organisations::add_link),
        )
        .route(
            "/api/v1/organisations/{id}/links/{link_id}/end",
            post(organisations::end_link),
        )
        .route(
            "/api/v1/organisations/{id}/convert",
            post(organisations::convert),
        )
        .route(
            "/api/v1/organisations/{id}/history",
            get(organisations::history),
        )
        .route("/api/v1/export", get(files::export_list))
        .route(
            "/api/v1/import",
            post(files::import).layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT_BYTES)),
        )
        .route("/api/v1/places/communes", get(places::communes))
        .route("/api/v1/places/districts", get(places::districts))
        .route("/api/v1/places/suspect-mappings", get(places::suspect))
        .route("/api/v1/places/corrections", post(places::add_correction))
        .route("/api/v1/places/aliases", post(places::add_alias))
        .route("/api/v1/openapi.json", get(openapi::openapi_json))
}
