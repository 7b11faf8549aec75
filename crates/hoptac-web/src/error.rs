//! How errors reach API clients: a status code and a JSON body with a stable machine
//! code and a message in the caller's language. Internal details are logged only.

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
}

impl ApiError {
    pub fn new(error: AppError, lang: Lang) -> Self {
        ApiError {
            error,
            lang,
            yours: None,
        }
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let yours = self.yours;
        let e = self.error;
        let status = match &e {
            AppError::Invalid(_) | AppError::ImportRejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } | AppError::StaleDocument { .. } => StatusCode::CONFLICT,
            AppError::Refused { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(hoptac_store::StoreError::Pool(_)) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %e, "request failed");
        }
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
