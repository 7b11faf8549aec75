//! How errors reach people: one status for each [`AppError`] ([`status_of`]), then a
//! JSON body with a stable machine code under `/api/` (axum's own rejections too, by
//! [`json_errors`]) or a framed page in the reader's language elsewhere
//! ([`page_error`]). The policy is written at the top of the app's `error` module: our
//! faults are logged with their cause and answered 5xx, a storage that is away is 503,
//! and nobody is shown SQL or a stack trace.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoptac_app::AppError;
use hoptac_domain::i18n::Lang;
use serde::Serialize;

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `invalid`, `not_found`, `conflict`, `import_rejected`,
    /// `bad_request`, `internal`, …
    pub code: String,
    /// For people, in Vietnamese or English (`?lang=en` / `Accept-Language`).
    pub message: String,
    /// Per-field problems, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
    /// For `conflict`: the record as it is now, with its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<hoptac_domain::list::OrgView>>,
    /// For `conflict` on a report, evaluation, follow-up or target: it as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_document: Option<Box<serde_json::Value>>,
    /// For `conflict`: the version the request was based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_version: Option<i64>,
    /// For `conflict`: the changes the request wanted to make, to compare with
    /// `current` and re-apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yours: Option<serde_json::Value>,
    /// For `import_rejected`: the report with every row error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<hoptac_app::import::ImportReport>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// An error with the language to tell it in.
pub struct ApiError {
    pub error: AppError,
    pub lang: Lang,
    /// What the request wanted to write, shown beside the current record on a conflict.
    pub yours: Option<Box<serde_json::Value>>,
    /// A status other than [`status_of`]'s, where the API's contract names one (a
    /// place looked up and not found is 404, though the app calls it a refusal).
    pub status: Option<StatusCode>,
}

impl ApiError {
    pub fn new(error: AppError, lang: Lang) -> Self {
        ApiError {
            error,
            lang,
            yours: None,
            status: None,
        }
    }

    /// Answers with `status` instead of [`status_of`]'s.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Attaches the request's changes (shown on a conflict).
    pub fn with_yours(mut self, yours: impl Serialize) -> Self {
        self.yours = serde_json::to_value(yours).ok().map(Box::new);
        self
    }
    /// An upload that could not be read: too large (413), or malformed (400).
    pub fn upload(lang: Lang, e: axum::extract::multipart::MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::new(
                AppError::TooLarge {
                    limit_mb: crate::UPLOAD_LIMIT_BYTES as u64 / (1024 * 1024),
                },
                lang,
            );
        }
        ApiError::bad_request(
            lang,
            format!("Không đọc được tệp tải lên: {e}"),
            format!("Cannot read the upload: {e}"),
        )
    }

    /// A malformed request (bad query parameter, body that is not JSON …).
    pub fn bad_request(lang: Lang, vi: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(AppError::refused("bad_request", vi, en), lang)
    }
}

/// The status an error is answered with, for the API and the pages alike.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) | AppError::ImportRejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Conflict { .. } | AppError::StaleDocument { .. } => StatusCode::CONFLICT,
        AppError::Refused { .. } => StatusCode::BAD_REQUEST,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
        AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        e if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) | AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs an error that is our fault (or the storage's), with its cause; others are the
/// caller's to fix and need no log line.
pub fn log_fault(e: &AppError, what: &str) {
    if e.is_unavailable() {
        tracing::warn!(error = %e, "{what}: storage unavailable");
    } else if e.is_server_fault() {
        tracing::error!(error = %e, "{what}");
    }
}

/// A worker that panicked: logged, and an internal error for the caller.
pub fn panicked(e: tokio::task::JoinError, what: &str) -> AppError {
    tracing::error!(error = %e, "{what}: worker panicked");
    AppError::Internal(format!("{what}: {e}"))
}

/// The framed message page for an error, in the reader's language, logged when it is
/// our fault; 503 pages ask to try again.
pub fn page_error(lang: Lang, e: &AppError) -> Response {
    log_fault(e, "page");
    let status = status_of(e);
    if status == StatusCode::UNAUTHORIZED {
        return crate::html::sign_in_required(lang, &e.message(lang));
    }
    let mut r = crate::html::message_page(
        lang,
        status,
        &e.message(lang),
        "/",
        lang.t("Trang đầu", "Home"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("30"),
        );
    }
    r
}

/// The outcome of blocking work for a page: its value, or the page that says what went
/// wrong (logged when it is our fault; a panic is a logged 500). The error is the
/// answer itself, as for every page helper, hence its size.
#[allow(clippy::result_large_err)]
pub fn settle<T, E: Into<AppError>>(
    lang: Lang,
    r: Result<Result<T, E>, tokio::task::JoinError>,
) -> Result<T, Response> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(page_error(lang, &e.into())),
        Err(join) => Err(page_error(lang, &panicked(join, "page"))),
    }
}

/// Under `/api/`, any error answer that is not already our JSON body (axum's own
/// rejections: a body that is not JSON, a bad query, `abc` for a number in the path,
/// a wrong method, a missing content type) is rewritten into it, with its status kept.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = lang_of(&req);
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    // axum's rejection texts are short; read at most a few kilobytes of them.
    let detail = match axum::body::to_bytes(body, 4096).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_owned(),
        Err(_) => String::new(),
    };
    if status.is_server_error() {
        tracing::error!(%status, detail, "request failed");
    }
    let (code, vi, en) = match status {
        StatusCode::NOT_FOUND => ("not_found", "Không có đường dẫn này", "No such route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Phương thức không được hỗ trợ cho đường dẫn này",
            "This method is not allowed on this route",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Kiểu nội dung không được hỗ trợ (cần Content-Type: application/json)",
            "Unsupported content type (send Content-Type: application/json)",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            "Nội dung gửi lên quá lớn",
            "The request body is too large",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid",
            "Dữ liệu gửi lên không hợp lệ",
            "The request body is not valid",
        ),
        s if s.is_server_error() => ("internal", "Lỗi hệ thống", "Internal error"),
        _ => ("bad_request", "Yêu cầu không hợp lệ", "Bad request"),
    };
    let mut message = lang.t(vi, en).to_owned();
    if !detail.is_empty() && !status.is_server_error() {
        message = format!("{message}: {detail}");
    }
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            fields: vec![],
            current: None,
            current_document: None,
            your_version: None,
            yours: None,
            report: None,
        },
    };
    let mut out = (status, Json(body)).into_response();
    for (k, v) in parts.headers.iter() {
        if k == axum::http::header::ALLOW || k == axum::http::header::RETRY_AFTER {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

/// The reader's language from `?lang=` or `Accept-Language`.
fn lang_of(req: &axum::extract::Request) -> Lang {
    crate::html::page_lang(req.headers(), crate::html::query_lang(req.uri().query()))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let yours = self.yours;
        let e = self.error;
        let status = self.status.unwrap_or_else(|| status_of(&e));
        log_fault(&e, "request failed");
        let mut detail = ErrorDetail {
            code: e.code().to_owned(),
            message: e.message(lang),
            fields: vec![],
            current: None,
            current_document: None,
            your_version: None,
            yours: None,
            report: None,
        };
        match e {
            AppError::Invalid(errs) => {
                detail.fields = errs
                    .iter()
                    .map(|f| FieldMessage {
                        field: f.field.clone(),
                        message: f.message(lang),
                    })
                    .collect();
            }
            AppError::Conflict {
                current,
                your_version,
            } => {
                detail.current = Some(current);
                detail.your_version = Some(your_version);
                detail.yours = yours.map(|b| *b);
            }
            AppError::StaleDocument {
                current,
                your_version,
                ..
            } => {
                detail.current_document = Some(current);
                detail.your_version = Some(your_version);
                detail.yours = yours.map(|b| *b);
            }
            AppError::ImportRejected(r) => detail.report = Some(r),
            _ => {}
        }
        (status, Json(ErrorBody { error: detail })).into_response()
    }
}
