//! The application's one error type. Each variant has a stable machine code and a
//! message in Vietnamese or English; storage details are logged, never shown.
//!
//! # Error policy
//! - Inside the app, errors are this typed enum; they become a status code and a
//!   message only at the edge (the web crate's `error` module, the CLI's exit).
//! - What the caller can fix (invalid input, a conflict, a refusal) is a 4xx with a
//!   message that names the field or record, in the caller's language.
//! - A record outside the caller's scope is [`AppError::NotFound`], exactly like a
//!   missing one, and no message names a record the caller cannot see.
//! - Our faults (a storage error, a bug, a panicked worker) are a 500 that is logged
//!   with its cause; the person sees a framed message, never SQL or a stack trace.
//! - A database that is away or overloaded is a 503 ("try again shortly"), never
//!   "not signed in" and never a hang: the connection wait is bounded.
//! - No error is swallowed: a fallible call either propagates, or is logged where a
//!   partial answer is the better service (and the code says why).

use crate::import::ImportReport;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgView;
use hoptac_domain::validate::FieldError;
use hoptac_store::{AsStoreError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound { what: &'static str, id: String },
    /// Someone else wrote the record since it was read.
    #[error("edit conflict")]
    Conflict {
        current: Box<OrgView>,
        your_version: i64,
    },
    /// Someone else wrote a document (report, evaluation, follow-up, target) since it
    /// was read.
    #[error("document edit conflict")]
    StaleDocument {
        what: &'static str,
        current: Box<serde_json::Value>,
        current_version: i64,
        your_version: i64,
    },
    /// An import found errors; nothing was written.
    #[error("import rejected")]
    ImportRejected(Box<ImportReport>),
    /// No (valid) sign-in for something that needs one.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but the role or scope does not allow it.
    #[error("forbidden")]
    Forbidden { vi: String, en: String },
    /// A request that cannot be done as asked, with the reason in both languages.
    #[error("{en}")]
    Refused {
        code: &'static str,
        vi: String,
        en: String,
    },
    /// Our fault (a worker panicked, an answer could not be built): logged, shown as a
    /// system error.
    #[error("internal error: {0}")]
    Internal(String),
    /// An upload larger than the server takes, in megabytes.
    #[error("upload too large")]
    TooLarge { limit_mb: u64 },
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AsStoreError for AppError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            AppError::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl AppError {
    /// Whether this is our fault or the storage's (5xx), to be logged with its cause.
    pub fn is_server_fault(&self) -> bool {
        matches!(self, AppError::Internal(_) | AppError::Store(_))
    }

    /// Whether the storage is away or overloaded (503): the request may be retried.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_unavailable())
    }

    pub fn refused(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn invalid(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }

    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { .. } | AppError::StaleDocument { .. } => "conflict",
            AppError::ImportRejected(_) => "import_rejected",
            AppError::Refused { code, .. } => code,
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::TooLarge { .. } => "too_large",
            AppError::Internal(_) => "internal",
            AppError::Store(StoreError::UnknownScheme(_)) => "bad_database_url",
            AppError::Store(e) if e.is_unavailable() => "unavailable",
            AppError::Store(_) => "internal",
        }
    }

    /// The message a person reads.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Invalid(errs) => {
                let list: Vec<String> = errs.iter().map(|e| e.message(lang)).collect();
                format!("{} {}", lang.t("Dữ liệu không hợp lệ:", "Invalid data:"), list.join("; "))
            }
            AppError::NotFound { what, id } => match lang {
                Lang::Vi => format!("Không tìm thấy {} {}", what_vi(what), id),
                Lang::En => format!("No {what} {id}"),
            },
            AppError::Conflict { current, your_version } => match lang {
                Lang::Vi => format!(
                    "Hồ sơ đã được người khác sửa: bạn sửa từ phiên bản {your_version}, hiện tại là phiên bản {}. Hãy xem bản hiện tại rồi sửa lại.",
                    current.version
                ),
                Lang::En => format!(
                    "Someone else changed this record: you edited version {your_version}, it is now version {}. Review the current version and edit again.",
                    current.version
                ),
            },
            AppError::StaleDocument { what, current_version, your_version, .. } => match lang {
                Lang::Vi => format!(
                    "{} đã được người khác sửa: bạn sửa từ phiên bản {your_version}, hiện tại là phiên bản {current_version}.",
                    what_vi(what)
                ),
                Lang::En => format!("Someone else changed this {what}: you edited version {your_version}, it is now version {current_version}."),
            },
            AppError::ImportRejected(r) => r.summary(lang),
            AppError::Refused { vi, en, .. } => lang.t(vi, en).to_owned(),
            AppError::Unauthorized => lang
                .t(
                    "Cần đăng nhập (hoặc mã truy cập API: Authorization: Bearer …) để thay đổi dữ liệu",
                    "Sign in (or send an API token: Authorization: Bearer …) to change data",
                )
                .to_owned(),
            AppError::Forbidden { vi, en } => lang.t(vi, en).to_owned(),
            AppError::TooLarge { limit_mb } => match lang {
                Lang::Vi => format!("Tệp tải lên quá lớn: tối đa {limit_mb} MB"),
                Lang::En => format!("The upload is too large: at most {limit_mb} MB"),
            },
            AppError::Store(StoreError::UnknownScheme(u)) => match lang {
                Lang::Vi => format!("Địa chỉ cơ sở dữ liệu không hỗ trợ: {u} (dùng sqlite://ĐƯỜNG_DẪN hoặc postgres://…)"),
                Lang::En => format!("Unsupported database URL: {u} (use sqlite://PATH or postgres://…)"),
            },
            AppError::Internal(_) => lang
                .t(
                    "Lỗi hệ thống; thao tác chưa được thực hiện. Hãy thử lại hoặc báo quản trị viên.",
                    "A system error occurred; nothing was done. Try again or tell the administrator.",
                )
                .to_owned(),
            AppError::Store(e) if e.is_unavailable() => lang
                .t(
                    "Cơ sở dữ liệu tạm thời không truy cập được; chưa thay đổi gì. Hãy thử lại sau ít phút.",
                    "The database cannot be reached just now; nothing was changed. Try again in a few minutes.",
                )
                .to_owned(),
            AppError::Store(StoreError::Open(m)) => {
                format!("{} {m}", lang.t("Không mở được cơ sở dữ liệu:", "Cannot open the database:"))
            }
            AppError::Store(_) => lang
                .t(
                    "Lỗi hệ thống khi truy cập dữ liệu; thao tác chưa được thực hiện. Hãy thử lại hoặc báo quản trị viên.",
                    "A storage error occurred; nothing was changed. Try again or tell the administrator.",
                )
                .to_owned(),
        }
    }
}

fn what_vi(what: &str) -> &str {
    match what {
        "organisation" => "tổ chức",
        "link" => "liên kết",
        "commune" => "xã/phường",
        "annual report" => "báo cáo năm",
        "evaluation" => "phiếu đánh giá",
        "follow-up" => "phương án xử lý",
        "target" => "chỉ tiêu",
        _ => what,
    }
}
