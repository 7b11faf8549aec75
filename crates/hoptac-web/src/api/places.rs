//! Administrative units before and after 1 July 2025, and their corrections.

use super::{ApiResult, ReqLang};
use crate::error::{ApiError, ErrorBody};
use crate::run::{Api, Body};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use hoptac_app::AppError;
use hoptac_domain::i18n::Lang;
use hoptac_domain::place::{
    Commune, District, MappingCorrection, MappingRow, PlaceAlias, PlaceError, Scheme,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommuneQuery {
    /// `legacy` or `2025` (default 2025).
    #[param(schema_with = super::params::scheme)]
    pub scheme: Option<String>,
    /// Only communes of this legacy district.
    pub district: Option<String>,
    /// A name to look up by the import rules (exact, then without diacritics if unique).
    pub name: Option<String>,
    /// A commune code (meaningful only with its scheme).
    pub code: Option<String>,
    pub lang: Option<String>,
}

/// A commune with its place in the other scheme.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneInfo {
    #[serde(flatten)]
    pub commune: Commune,
    /// Legacy communes: where they went (with any correction applied).
    pub maps_to: Vec<MappingRow>,
    /// 2025 communes: the legacy communes they were made of.
    pub made_of: Vec<String>,
    /// 2025 communes: the legacy district legacy views attribute them to.
    pub attributed_district: Option<String>,
}

fn scheme_param(lang: Lang, s: &Option<String>) -> ApiResult<Scheme> {
    match s.as_deref() {
        None | Some("") => Ok(Scheme::Y2025),
        Some(v) => Scheme::parse(v).ok_or_else(|| {
            ApiError::bad_request(
                lang,
                format!("Hệ địa giới \"{v}\" không hợp lệ (legacy, 2025)"),
                format!("Scheme \"{v}\" is not valid (legacy, 2025)"),
            )
        }),
    }
}

/// Communes of the province served, in either scheme; or one looked up by name.
#[utoipa::path(get, path = "/api/v1/places/communes", params(CommuneQuery), tag = "places",
    responses((status = 200, body = Vec<CommuneInfo>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn communes(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<CommuneQuery>,
) -> ApiResult<Json<Vec<CommuneInfo>>> {
    let scheme = scheme_param(lang, &q.scheme)?;
    let places = st.gate.places();
    let info = |c: &Commune| CommuneInfo {
        commune: c.clone(),
        maps_to: if c.scheme == Scheme::Legacy {
            places.mapping_rows(&c.code)
        } else {
            vec![]
        },
        made_of: if c.scheme == Scheme::Y2025 {
            places.predecessors(&c.code)
        } else {
            vec![]
        },
        attributed_district: if c.scheme == Scheme::Y2025 {
            places.attributed_district(&c.code)
        } else {
            None
        },
    };
    let not_found = |e: hoptac_domain::place::PlaceError| {
        // A name that fits several communes is the caller's to narrow (400); any other
        // miss is a commune that does not exist here (404).
        let status = if matches!(e, PlaceError::Ambiguous { .. }) {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::NOT_FOUND
        };
        ApiError::new(
            AppError::refused(
                "place_not_found",
                hoptac_domain::i18n::place_message(&e, Lang::Vi),
                hoptac_domain::i18n::place_message(&e, Lang::En),
            ),
            lang,
        )
        .with_status(status)
    };
    if let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) {
        let place = hoptac_domain::PlaceRef::new(scheme, code.to_owned());
        return places
            .check(&place)
            .map(|c| Json(vec![info(c)]))
            .map_err(not_found);
    }
    if let Some(name) = q.name.as_deref().filter(|n| !n.is_empty()) {
        return places
            .find_commune(scheme, name, q.district.as_deref())
            .map(|c| Json(vec![info(c)]))
            .map_err(not_found);
    }
    let district = q.district.clone();
    let list = places
        .units
        .communes(scheme, None)
        .into_iter()
        .filter(|c| {
            places
                .check(&hoptac_domain::PlaceRef::new(c.scheme, c.code.clone()))
                .is_ok()
        })
        .filter(|c| {
            district
                .as_ref()
                .is_none_or(|d| c.district_code.as_deref() == Some(d.as_str()))
        })
        .map(info)
        .collect();
    Ok(Json(list))
}

/// Legacy districts of the province served.
#[utoipa::path(get, path = "/api/v1/places/districts", tag = "places", responses((status = 200, body = Vec<District>)))]
pub(super) async fn districts(State(st): State<AppState>) -> Json<Vec<District>> {
    let places = st.gate.places();
    let mut ds: Vec<District> = places.find_districts_all().into_iter().cloned().collect();
    ds.sort_by(|a, b| a.code.cmp(&b.code));
    Json(ds)
}

/// A shipped mapping row that looks wrong and has no correction yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuspectRow {
    pub row: MappingRow,
    pub why: String,
}

/// Mapping rows flagged for administrators (until a correction overrides them).
#[utoipa::path(get, path = "/api/v1/places/suspect-mappings", tag = "places", responses((status = 200, body = Vec<SuspectRow>)))]
pub(super) async fn suspect(State(st): State<AppState>) -> Json<Vec<SuspectRow>> {
    Json(
        st.gate
            .places()
            .suspect_rows()
            .into_iter()
            .map(|(row, why)| SuspectRow {
                row,
                why: why.to_owned(),
            })
            .collect(),
    )
}

/// Correct the legacy → 2025 mapping of one legacy commune, with the source.
#[utoipa::path(post, path = "/api/v1/places/corrections", request_body = MappingCorrection, tag = "places",
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub(super) async fn add_correction(
    api: Api,
    Body(c): Body<MappingCorrection>,
) -> ApiResult<StatusCode> {
    api.scoped(move |me| me.add_correction(c, &me.actor("api: correction")))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an alias: an old commune name and its legacy successor, with the source.
#[utoipa::path(post, path = "/api/v1/places/aliases", request_body = PlaceAlias, tag = "places",
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub(super) async fn add_alias(api: Api, Body(a): Body<PlaceAlias>) -> ApiResult<StatusCode> {
    api.scoped(move |me| me.add_alias(a, &me.actor("api: alias")))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
