//! The OpenAPI 3 document of `/api/v1`, published at `/api/v1/openapi.json`.

use super::files::*;
use super::organisations::*;
use super::places::*;
use crate::error::ErrorBody;
use axum::Json;
use hoptac_app::import::ImportReport;
use hoptac_app::NewOrg;
use hoptac_domain::list::{OrgView, Page};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "hoptac API", description = "Sổ đăng ký kinh tế tập thể: hợp tác xã, liên hiệp hợp tác xã, tổ hợp tác. Errors: JSON `{\"error\": {\"code\", \"message\", …}}`, message in Vietnamese unless `?lang=en` or `Accept-Language: en`. Writes need an API token (`Authorization: Bearer …`, issued with `hoptac user token`) of an account whose role and scope allow them: 401 without one, 403 outside its role or communes."),
    paths(openapi_json, list, create, get_one, update, set_status, add_link, end_link, convert, history, export_list, import, communes, districts, suspect, add_correction, add_alias),
    components(schemas(ErrorBody, ImportForm, Page<OrgView>, OrgView, NewOrg, UpdateRequest, StatusRequest, LinkRequest, EndLinkRequest, ConvertRequest, History, ImportReport, CommuneInfo, SuspectRow)),
    tags((name = "registry", description = "Organisations and their history"), (name = "places", description = "Administrative units before and after 1 July 2025"))
)]
pub struct ApiDoc;

/// The OpenAPI 3 document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(<crate::api_eval::EvalDoc as OpenApi>::openapi());
    // Bearer tokens (`hoptac user token`) carry an account's role and scope: public
    // routes answer anyone, the rest answer 401/403 or hide records outside the
    // caller's scope.
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
    // Each operation says whether it needs the token ([`super::contract`]); an
    // operation that forgot would need one.
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    super::contract::complete(&mut doc);
    doc
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "the OpenAPI 3 document", body = Object)))]
pub(super) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
