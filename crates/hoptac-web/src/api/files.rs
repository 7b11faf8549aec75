//! Spreadsheets: export of a filtered list, import of a file.

use super::{ApiResult, ListQuery};
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::run::Api;
use axum::extract::{Multipart, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoptac_app::export::Format;
use hoptac_app::import::{ImportOptions, ImportReport};
use hoptac_domain::org::OrgKind;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (default) or `csv` (UTF-8 with BOM).
    #[param(schema_with = super::params::export_format)]
    pub format: Option<String>,
}

/// Export a filtered list (every page) as .xlsx or .csv, in the import layout.
#[utoipa::path(get, path = "/api/v1/export", params(ExportQuery, ListQuery), tag = "registry",
    responses((status = 200, description = "the file, as an attachment", content(
        (Spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (String = "text/csv")),
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"…\"`"))),
        (status = 400, body = ErrorBody)))]
pub(super) async fn export_list(
    api: Api,
    Query(q): Query<ExportQuery>,
    Query(lq): Query<ListQuery>,
) -> ApiResult<Response> {
    let (filter, _) = lq.to_filter(api.lang)?;
    let format = match q.format.as_deref() {
        None | Some("") => Format::Xlsx,
        Some(f) => Format::parse(f).ok_or_else(|| {
            api.bad_request(
                format!("Định dạng \"{f}\" không hỗ trợ (xlsx, csv)"),
                format!("Format \"{f}\" is not supported (xlsx, csv)"),
            )
        })?,
    };
    let lang = api.lang;
    let (bytes, name) = api.reader(move |r| r.export(&filter, format, lang)).await?;
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

/// An .xlsx workbook.
// Only for the OpenAPI document: bytes, where `Vec<u8>` would read as numbers.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Spreadsheet(pub Vec<u8>);

/// The upload form: one spreadsheet in the field `file`.
// Only for the OpenAPI document; the handler reads the fields as they stream in.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The .xlsx or .csv file.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Kind of every row when the file has no kind column.
    #[param(schema_with = super::params::kind)]
    pub kind: Option<String>,
    /// Check only, write nothing.
    pub dry_run: Option<bool>,
    pub lang: Option<String>,
}

/// Import a .xlsx/.csv file (multipart field `file`). The whole file is checked first;
/// on any error nothing is written and the report lists every error with row and column.
#[utoipa::path(post, path = "/api/v1/import", params(ImportQuery), tag = "registry",
    request_body(content = ImportForm, content_type = "multipart/form-data", description = "field `file`: the spreadsheet"),
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
pub(super) async fn import(
    api: Api,
    Query(q): Query<ImportQuery>,
    mut mp: Multipart,
) -> ApiResult<Json<ImportReport>> {
    let lang = api.lang;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
            api.bad_request(
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
        api.bad_request("Thiếu tệp (trường \"file\")", "No file (field \"file\")")
    })?;
    let opts = ImportOptions {
        kind,
        dry_run: q.dry_run.unwrap_or(false),
        lang,
    };
    let source = format!("api: import {name}");
    api.scoped(move |me| me.import_file(&name, bytes, &opts, &me.actor(&source), &|_| {}))
        .await
        .map(Json)
}
