//! Organisations: lists, one record now or as of a date, registration, edits, status,
//! links, conversion and history.

use super::{parse_date, ApiResult, ListQuery};
use crate::error::ErrorBody;
use crate::run::{Api, Body};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use hoptac_app::NewOrg;
use hoptac_domain::history::{attribute_history, AttributeChange, Change};
use hoptac_domain::list::{OrgView, Page};
use hoptac_domain::org::{LinkKind, OrgFields, OrgId, StatusChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// List organisations.
#[utoipa::path(get, path = "/api/v1/organisations", params(ListQuery), tag = "registry",
    responses((status = 200, body = Page<OrgView>), (status = 400, body = ErrorBody)))]
pub(super) async fn list(api: Api, Query(q): Query<ListQuery>) -> ApiResult<Json<Page<OrgView>>> {
    let (filter, page) = q.to_filter(api.lang)?;
    api.reader(move |r| r.list(&filter, page)).await.map(Json)
}

/// Register a new organisation.
#[utoipa::path(post, path = "/api/v1/organisations", request_body = NewOrg, tag = "registry",
    responses((status = 201, body = OrgView), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    api: Api,
    Body(new): Body<NewOrg>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    let v = api
        .scoped(move |me| me.create(new, &me.actor("api: POST /organisations")))
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Read the record as it was on this date (yyyy-mm-dd or dd/mm/yyyy).
    #[param(schema_with = super::params::record_as_of)]
    pub as_of: Option<String>,
    pub lang: Option<String>,
}

/// One organisation, now or as of a date.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", params(("id" = i64, Path, example = 1), AsOfQuery), tag = "registry",
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_one(
    api: Api,
    Path(id): Path<OrgId>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<Json<OrgView>> {
    let as_of = parse_date(api.lang, "as_of", &q.as_of)?;
    // Outside the reader's scope a record does not exist for them, whatever the date;
    // nor does one on a day before it was registered.
    api.reader(move |r| r.get(id, as_of))
        .await
        .map(Json)
        .map_err(|e| match e.error.code() {
            "not_yet_registered" => e.with_status(StatusCode::NOT_FOUND),
            _ => e,
        })
}

/// An update names the version it read; a stale version is refused with 409.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateRequest {
    pub version: i64,
    /// The attributes to change; an empty text clears one.
    #[serde(deserialize_with = "hoptac_domain::wire::from_object")]
    pub fields: OrgFields,
    /// When the change took effect (default today; never in the future).
    pub effective: Option<NaiveDate>,
}

/// Change attributes.
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", params(("id" = i64, Path, example = 1)), request_body = UpdateRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 409, description = "edited by someone else since `version`", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    api: Api,
    Path(id): Path<OrgId>,
    Body(r): Body<UpdateRequest>,
) -> ApiResult<Json<OrgView>> {
    let yours = r.fields.clone();
    api.scoped(move |me| {
        let actor = me.actor("api: PATCH");
        me.update(id, r.version, r.fields, r.effective, &actor)
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
#[utoipa::path(post, path = "/api/v1/organisations/{id}/status", params(("id" = i64, Path, example = 1)), request_body = StatusRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_status(
    api: Api,
    Path(id): Path<OrgId>,
    Body(r): Body<StatusRequest>,
) -> ApiResult<Json<OrgView>> {
    api.scoped(move |me| {
        let actor = me.actor("api: status");
        me.set_status(id, r.version, r.status, r.effective, &actor)
    })
    .await
    .map(Json)
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
#[utoipa::path(post, path = "/api/v1/organisations/{id}/links", params(("id" = i64, Path, example = 1)), request_body = LinkRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn add_link(
    api: Api,
    Path(id): Path<OrgId>,
    Body(r): Body<LinkRequest>,
) -> ApiResult<Json<OrgView>> {
    api.scoped(move |me| {
        let actor = me.actor("api: link");
        me.link(
            id,
            r.version,
            r.kind,
            r.target,
            r.effective,
            r.document,
            &actor,
        )
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndLinkRequest {
    pub version: i64,
    pub effective: Option<NaiveDate>,
    pub document: Option<String>,
}

/// End a link (the history keeps it).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/links/{link_id}/end", params(("id" = i64, Path, example = 1), ("link_id" = i64, Path)), request_body = EndLinkRequest, tag = "registry",
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn end_link(
    api: Api,
    Path((id, link_id)): Path<(OrgId, i64)>,
    Body(r): Body<EndLinkRequest>,
) -> ApiResult<Json<OrgView>> {
    api.scoped(move |me| {
        let actor = me.actor("api: end link");
        me.end_link(id, r.version, link_id, r.effective, r.document, &actor)
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConvertRequest {
    /// The group's version.
    pub version: i64,
    /// The new cooperative's attributes (missing ones come from the group).
    #[serde(deserialize_with = "hoptac_domain::wire::from_object")]
    pub fields: OrgFields,
    pub document: Option<String>,
}

/// Convert a cooperative group (THT) into a new cooperative (HTX).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/convert", params(("id" = i64, Path, example = 1)), request_body = ConvertRequest, tag = "registry",
    responses((status = 201, description = "the new cooperative", body = OrgView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn convert(
    api: Api,
    Path(id): Path<OrgId>,
    Body(r): Body<ConvertRequest>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    let v = api
        .scoped(move |me| {
            let actor = me.actor("api: convert");
            me.convert(id, r.version, r.fields, r.document, &actor)
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
#[utoipa::path(get, path = "/api/v1/organisations/{id}/history", params(("id" = i64, Path, example = 1)), tag = "registry",
    responses((status = 200, body = History), (status = 404, body = ErrorBody)))]
pub(super) async fn history(api: Api, Path(id): Path<OrgId>) -> ApiResult<Json<History>> {
    let (changes, incoming) = api
        .scoped(move |me| Ok((me.history(id)?, me.incoming_links(id)?)))
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
