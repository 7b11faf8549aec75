//! The JSON API under `/api/v1`. Handlers parse, call a use case on a blocking thread
//! (the database drivers are synchronous) and answer JSON; every error goes through
//! [`ApiError`].

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use hoptac_app::export::{export, Format};
use hoptac_app::import::{import_file, ImportOptions, ImportReport};
use hoptac_app::{AppError, NewOrg};
use hoptac_domain::history::{attribute_history, AttributeChange, Change};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest, PlaceFilter, SortBy};
use hoptac_domain::org::{LinkKind, OrgFields, OrgId, OrgKind, Sector, Status, StatusChange};
use hoptac_domain::place::{Commune, District, MappingCorrection, MappingRow, PlaceAlias, Scheme};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

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

type ApiResult<T> = Result<T, ApiError>;

/// Runs blocking work (database calls) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    lang: Lang,
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> ApiResult<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(|e| ApiError::new(e, lang)),
        Err(e) => Err(ApiError::new(crate::error::panicked(e, "api"), lang)),
    }
}

/// A date in a query: `2025-07-01` or `01/07/2025`.
fn parse_date(lang: Lang, name: &str, v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
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

fn parse_list<T>(
    lang: Lang,
    name: &str,
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
) -> ApiResult<Vec<T>> {
    hoptac_domain::list::parse_list(v.as_deref(), parse).map_err(|bad| {
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
    pub kind: Option<String>,
    /// `active`, `suspended`, `inactive`, `dissolving`, `dissolved`, `bankrupt`,
    /// `revoked`, `converted` (comma-separated).
    pub status: Option<String>,
    /// Sector codes or labels (comma-separated).
    pub sector: Option<String>,
    /// A 2025 commune code.
    pub commune_2025: Option<String>,
    /// A legacy district code.
    pub legacy_district: Option<String>,
    /// A legacy commune code.
    pub legacy_commune: Option<String>,
    /// Founded on or after (yyyy-mm-dd or dd/mm/yyyy).
    pub founded_from: Option<String>,
    /// Founded on or before.
    pub founded_to: Option<String>,
    /// Read the registry as it was on this date.
    pub as_of: Option<String>,
    /// `name` (Vietnamese order, default), `founding_date` or `id`.
    pub sort: Option<String>,
    /// Descending order.
    pub desc: Option<bool>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page (default 50, at most 1000).
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
            kinds: parse_list(lang, "kind", &self.kind, OrgKind::parse)?,
            statuses: parse_list(lang, "status", &self.status, Status::parse)?,
            sectors: parse_list(lang, "sector", &self.sector, Sector::parse)?,
            place,
            founded_from: parse_date(lang, "founded_from", &self.founded_from)?,
            founded_to: parse_date(lang, "founded_to", &self.founded_to)?,
            as_of: parse_date(lang, "as_of", &self.as_of)?,
            sort,
            descending: self.desc.unwrap_or(false),
            within: None,
        };
        Ok((
            filter,
            PageRequest::new(self.page.unwrap_or(1), self.per_page.unwrap_or(50)),
        ))
    }
}

/// List organisations.
#[utoipa::path(get, path = "/api/v1/organisations", params(ListQuery), tag = "registry",
    responses((status = 200, body = Page<OrgView>), (status = 400, body = ErrorBody)))]
async fn list(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Page<OrgView>>> {
    let (mut filter, page) = q.to_filter(lang)?;
    filter.within = caller.0.as_ref().map(|p| p.scope.clone());
    let reg = st.registry.clone();
    let mut page = blocking(lang, move || reg.list(&filter, page)).await?;
    if caller.0.is_none() {
        page.items = page.items.into_iter().map(OrgView::public).collect();
    }
    Ok(Json(page))
}

/// Register a new organisation.
#[utoipa::path(post, path = "/api/v1/organisations", request_body = NewOrg, tag = "registry",
    responses((status = 201, body = OrgView), (status = 422, body = ErrorBody)))]
async fn create(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Json(new): Json<NewOrg>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    let reg = st.registry.clone();
    let v = blocking(lang, move || {
        let me = caller.scoped(&reg)?;
        me.create(new, &me.actor("api: POST /organisations"))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Read the record as it was on this date (yyyy-mm-dd or dd/mm/yyyy).
    pub as_of: Option<String>,
    pub lang: Option<String>,
}

/// One organisation, now or as of a date.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", params(("id" = i64, Path), AsOfQuery), tag = "registry",
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path(id): Path<OrgId>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<OrgView>> {
    let as_of = parse_date(lang, "as_of", &q.as_of)?;
    let reg = st.registry.clone();
    let v = blocking(lang, move || match &caller.0 {
        // Outside the reader's scope a record does not exist for them, whatever the date.
        Some(p) => reg.for_principal(p).get(id, as_of),
        None => reg.get(id, as_of).map(OrgView::public),
    })
    .await?;
    Ok(Json(v))
}

/// An update names the version it read; a stale version is refused with 409.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateRequest {
    pub version: i64,
    /// The attributes to change; an empty text clears one.
    pub fields: OrgFields,
    /// When the change took effect (default today; never in the future).
    pub effective: Option<NaiveDate>,
}

/// Change attributes.
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", params(("id" = i64, Path)), request_body = UpdateRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 409, description = "edited by someone else since `version`", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path(id): Path<OrgId>,
    Json(r): Json<UpdateRequest>,
) -> ApiResult<Json<OrgView>> {
    let reg = st.registry.clone();
    let yours = r.fields.clone();
    blocking(lang, move || {
        let me = caller.scoped(&reg)?;
        me.update(
            id,
            r.version,
            r.fields,
            r.effective,
            &me.actor("api: PATCH"),
        )
    })
    .await
    .map(Json)
    .map_err(|e| e.with_yours(yours))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusRequest {
    pub version: i64,
    pub status: StatusChange,
    pub effective: Option<NaiveDate>,
}

/// Record a status change (with its deciding document).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/status", params(("id" = i64, Path)), request_body = StatusRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_status(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path(id): Path<OrgId>,
    Json(r): Json<StatusRequest>,
) -> ApiResult<Json<OrgView>> {
    let reg = st.registry.clone();
    Ok(Json(
        blocking(lang, move || {
            let me = caller.scoped(&reg)?;
            me.set_status(
                id,
                r.version,
                r.status,
                r.effective,
                &me.actor("api: status"),
            )
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkRequest {
    pub version: i64,
    pub kind: LinkKind,
    pub target: OrgId,
    pub effective: Option<NaiveDate>,
    pub document: Option<String>,
}

/// Link to another organisation (membership of a union, succession).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/links", params(("id" = i64, Path)), request_body = LinkRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_link(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path(id): Path<OrgId>,
    Json(r): Json<LinkRequest>,
) -> ApiResult<Json<OrgView>> {
    let reg = st.registry.clone();
    Ok(Json(
        blocking(lang, move || {
            let me = caller.scoped(&reg)?;
            me.link(
                id,
                r.version,
                r.kind,
                r.target,
                r.effective,
                r.document,
                &me.actor("api: link"),
            )
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndLinkRequest {
    pub version: i64,
    pub effective: Option<NaiveDate>,
    pub document: Option<String>,
}

/// End a link (the history keeps it).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/links/{link_id}/end", params(("id" = i64, Path), ("link_id" = i64, Path)), request_body = EndLinkRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn end_link(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path((id, link_id)): Path<(OrgId, i64)>,
    Json(r): Json<EndLinkRequest>,
) -> ApiResult<Json<OrgView>> {
    let reg = st.registry.clone();
    Ok(Json(
        blocking(lang, move || {
            let me = caller.scoped(&reg)?;
            me.end_link(
                id,
                r.version,
                link_id,
                r.effective,
                r.document,
                &me.actor("api: end link"),
            )
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConvertRequest {
    /// The group's version.
    pub version: i64,
    /// The new cooperative's attributes (missing ones come from the group).
    pub fields: OrgFields,
    pub document: Option<String>,
}

/// Convert a cooperative group (THT) into a new cooperative (HTX).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/convert", params(("id" = i64, Path)), request_body = ConvertRequest, tag = "registry",
    responses((status = 201, description = "the new cooperative", body = OrgView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn convert(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path(id): Path<OrgId>,
    Json(r): Json<ConvertRequest>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    let reg = st.registry.clone();
    let v = blocking(lang, move || {
        let me = caller.scoped(&reg)?;
        me.convert(
            id,
            r.version,
            r.fields,
            r.document,
            &me.actor("api: convert"),
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// An organisation's history: each change with both clocks, and the same split by
/// attribute.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    pub changes: Vec<Change>,
    pub attributes: Vec<AttributeChange>,
    /// Links from other organisations to this one: (link id, kind, from).
    pub incoming_links: Vec<IncomingLink>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncomingLink {
    pub id: i64,
    pub kind: LinkKind,
    pub from: OrgId,
}

/// The full history of an organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/history", params(("id" = i64, Path)), tag = "registry",
    responses((status = 200, body = History), (status = 404, body = ErrorBody)))]
async fn history(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Path(id): Path<OrgId>,
) -> ApiResult<Json<History>> {
    let reg = st.registry.clone();
    let (changes, incoming) = blocking(lang, move || {
        let p = caller.0.as_ref().ok_or(AppError::Unauthorized)?;
        crate::auth::guard_read(&reg, p, id)?;
        Ok((reg.history(id)?, reg.incoming_links(id)?))
    })
    .await?;
    Ok(Json(History {
        attributes: attribute_history(&changes),
        changes,
        incoming_links: incoming
            .into_iter()
            .map(|(id, kind, from)| IncomingLink { id, kind, from })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (default) or `csv` (UTF-8 with BOM).
    pub format: Option<String>,
}

/// Export a filtered list (every page) as .xlsx or .csv, in the import layout.
#[utoipa::path(get, path = "/api/v1/export", params(ExportQuery, ListQuery), tag = "registry",
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 400, body = ErrorBody)))]
async fn export_list(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Query(q): Query<ExportQuery>,
    Query(lq): Query<ListQuery>,
) -> ApiResult<Response> {
    let (mut filter, _) = lq.to_filter(lang)?;
    filter.within = caller.0.as_ref().map(|p| p.scope.clone());
    let public = caller.0.is_none();
    let format = match q.format.as_deref() {
        None | Some("") => Format::Xlsx,
        Some(f) => Format::parse(f).ok_or_else(|| {
            ApiError::bad_request(
                lang,
                format!("Định dạng \"{f}\" không hỗ trợ (xlsx, csv)"),
                format!("Format \"{f}\" is not supported (xlsx, csv)"),
            )
        })?,
    };
    let reg = st.registry.clone();
    let (bytes, name) = blocking(lang, move || export(&reg, &filter, format, lang, public)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Kind of every row when the file has no kind column.
    pub kind: Option<String>,
    /// Check only, write nothing.
    pub dry_run: Option<bool>,
    pub lang: Option<String>,
}

/// Import a .xlsx/.csv file (multipart field `file`). The whole file is checked first;
/// on any error nothing is written and the report lists every error with row and column.
#[utoipa::path(post, path = "/api/v1/import", params(ImportQuery), tag = "registry",
    request_body(content_type = "multipart/form-data", description = "field `file`: the spreadsheet"),
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
async fn import(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Query(q): Query<ImportQuery>,
    mut mp: Multipart,
) -> ApiResult<Json<ImportReport>> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                lang,
                format!("Loại hình \"{k}\" không hợp lệ (HTX, LHHTX, THT)"),
                format!("Kind \"{k}\" is not valid (HTX, LHHTX, THT)"),
            )
        })?),
        None => None,
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::upload(lang, e))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_owned();
            let bytes = field.bytes().await.map_err(|e| ApiError::upload(lang, e))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.ok_or_else(|| {
        ApiError::bad_request(
            lang,
            "Thiếu tệp (trường \"file\")",
            "No file (field \"file\")",
        )
    })?;
    let reg = st.registry.clone();
    let opts = ImportOptions {
        kind,
        dry_run: q.dry_run.unwrap_or(false),
        lang,
    };
    let source = format!("api: import {name}");
    Ok(Json(
        blocking(lang, move || {
            let p = caller
                .allowed(hoptac_domain::auth::Action::ManageProvince)?
                .clone();
            import_file(
                &reg,
                &name,
                bytes,
                &opts,
                &Caller::actor(&p, &source),
                &|_| {},
            )
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommuneQuery {
    /// `legacy` or `2025` (default 2025).
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
async fn communes(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    Query(q): Query<CommuneQuery>,
) -> ApiResult<Json<Vec<CommuneInfo>>> {
    let scheme = scheme_param(lang, &q.scheme)?;
    let places = st.registry.places();
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
        ApiError::new(
            AppError::refused(
                "place_not_found",
                hoptac_domain::i18n::place_message(&e, Lang::Vi),
                hoptac_domain::i18n::place_message(&e, Lang::En),
            ),
            lang,
        )
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
async fn districts(State(st): State<AppState>) -> Json<Vec<District>> {
    let places = st.registry.places();
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
async fn suspect(State(st): State<AppState>) -> Json<Vec<SuspectRow>> {
    Json(
        st.registry
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
async fn add_correction(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Json(c): Json<MappingCorrection>,
) -> ApiResult<StatusCode> {
    let reg = st.registry.clone();
    blocking(lang, move || {
        let p = caller
            .allowed(hoptac_domain::auth::Action::ManageProvince)?
            .clone();

        reg.add_correction(c, &Caller::actor(&p, "api: correction"))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an alias: an old commune name and its legacy successor, with the source.
#[utoipa::path(post, path = "/api/v1/places/aliases", request_body = PlaceAlias, tag = "places",
    responses((status = 204), (status = 400, body = ErrorBody)))]
async fn add_alias(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
    caller: Caller,
    Json(a): Json<PlaceAlias>,
) -> ApiResult<StatusCode> {
    let reg = st.registry.clone();
    blocking(lang, move || {
        let p = caller
            .allowed(hoptac_domain::auth::Action::ManageProvince)?
            .clone();
        reg.add_alias(a, &Caller::actor(&p, "api: alias"))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "hoptac API", description = "Sổ đăng ký kinh tế tập thể: hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác. Errors: JSON `{\"error\": {\"code\", \"message\", …}}`, message in Vietnamese unless `?lang=en` or `Accept-Language: en`. Writes need an API token (`Authorization: Bearer …`, issued with `hoptac user token`) of an account whose role and scope allow them: 401 without one, 403 outside its role or communes."),
    paths(openapi_json, list, create, get_one, update, set_status, add_link, end_link, convert, history, export_list, import, communes, districts, suspect, add_correction, add_alias),
    components(schemas(ErrorBody, Page<OrgView>, OrgView, NewOrg, UpdateRequest, StatusRequest, LinkRequest, EndLinkRequest, ConvertRequest, History, ImportReport, CommuneInfo, SuspectRow)),
    tags((name = "registry", description = "Organisations and their history"), (name = "places", description = "Administrative units before and after 1 July 2025"))
)]
pub struct ApiDoc;

/// The OpenAPI 3 document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(<crate::api_eval::EvalDoc as OpenApi>::openapi());
    // Bearer tokens (`hoptac user token`) carry an account's role and scope. Sign-in is
    // optional for the document as a whole: public routes answer anyone, the rest answer
    // 401/403 or hide records outside the caller's scope.
    use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
    let mut bearer = Http::new(HttpAuthScheme::Bearer);
    bearer.description = Some(
        "Mã truy cập của tài khoản (`hoptac user token`), cùng vai trò và phạm vi / \
         an account's API token, with its role and scope"
            .into(),
    );
    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme("bearer", SecurityScheme::Http(bearer));
    doc.security = Some(vec![
        SecurityRequirement::default(),
        SecurityRequirement::new("bearer", Vec::<String>::new()),
    ]);
    doc
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "the OpenAPI 3 document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations", get(list).post(create))
        .route("/api/v1/organisations/{id}", get(get_one).patch(update))
        .route("/api/v1/organisations/{id}/status", post(set_status))
        .route("/api/v1/organisations/{id}/links", post(add_link))
        .route(
            "/api/v1/organisations/{id}/links/{link_id}/end",
            post(end_link),
        )
        .route("/api/v1/organisations/{id}/convert", post(convert))
        .route("/api/v1/organisations/{id}/history", get(history))
        .route("/api/v1/export", get(export_list))
        .route(
            "/api/v1/import",
            post(import).layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT_BYTES)),
        )
        .route("/api/v1/places/communes", get(communes))
        .route("/api/v1/places/districts", get(districts))
        .route("/api/v1/places/suspect-mappings", get(suspect))
        .route("/api/v1/places/corrections", post(add_correction))
        .route("/api/v1/places/aliases", post(add_alias))
        .route("/api/v1/openapi.json", get(openapi_json))
}
