//! Running a use case for a request: on the blocking pool (the database drivers are
//! synchronous), through the handle the caller is entitled to, with the error mapped
//! once — to the API's JSON error, or to the page that says what went wrong.

use crate::api::ReqLang;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::response::Response;
use hoptac_app::{AppError, Reader, Scoped};
use hoptac_domain::auth::Principal;
use hoptac_domain::i18n::Lang;

/// The answer of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON request body that must be an object, as every body of this API is
/// documented: serde would also read a struct from an array, by position.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = axum::response::Response;
    async fn from_request(req: axum::extract::Request, st: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let lang =
            crate::html::page_lang(req.headers(), crate::html::query_lang(req.uri().query()));
        let axum::Json(v) = axum::Json::<serde_json::Value>::from_request(req, st)
            .await
            .map_err(IntoResponse::into_response)?;
        let read = if v.is_object() {
            serde_json::from_value(v).map_err(|e| e.to_string())
        } else {
            Err("the body must be a JSON object".to_owned())
        };
        read.map(Body).map_err(|why| {
            let e = AppError::refused(
                "invalid",
                format!("Dữ liệu gửi lên không hợp lệ: {why}"),
                format!("The request body is not valid: {why}"),
            );
            ApiError::new(e, lang)
                .with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
                .into_response()
        })
    }
}

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

/// What every API handler that reads or writes data starts from: the state, the
/// request's language and the caller.
pub struct Api {
    pub st: AppState,
    pub lang: Lang,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let Ok(ReqLang(lang)) = ReqLang::from_request_parts(parts, st).await;
        let caller = Caller::from_request_parts(parts, st).await?;
        // An operation that needs an account says so before anything else is read: a
        // caller without one hears 401, not what was wrong with the body they sent.
        let public = parts
            .extensions
            .get::<MatchedPath>()
            .is_none_or(|m| crate::api::contract::is_public(parts.method.as_str(), m.as_str()));
        if caller.0.is_none() && !public {
            return Err(ApiError::new(AppError::Unauthorized, lang));
        }
        Ok(Api {
            st: st.clone(),
            lang,
            caller,
        })
    }
}

impl Api {
    /// Runs `f` on the caller's scoped handle: 401 without an account.
    pub async fn scoped<T: Send + 'static>(
        self,
        f: impl FnOnce(&Scoped) -> Result<T, AppError> + Send + 'static,
    ) -> ApiResult<T> {
        let (gate, caller) = (self.st.gate, self.caller);
        blocking(self.lang, move || f(&caller.scoped(&gate)?)).await
    }

    /// Runs `f` as whoever reads: the account's handle, or the public's.
    pub async fn reader<T: Send + 'static>(
        self,
        f: impl FnOnce(&Reader) -> Result<T, AppError> + Send + 'static,
    ) -> ApiResult<T> {
        let (gate, caller) = (self.st.gate, self.caller);
        blocking(self.lang, move || f(&gate.reader(caller.0.as_ref()))).await
    }

    /// A year from the path or query, if within [`crate::api::YEARS`] (else 400).
    pub fn year(&self, year: i32) -> ApiResult<i32> {
        crate::api::check_year(self.lang, year)
    }

    /// A 400 answer in the request's language.
    pub fn bad_request(&self, vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::bad_request(self.lang, vi, en)
    }
}

/// Runs `f` for a page on the reader's scoped handle; an error is the page that says
/// so. The error is the answer itself, as for every page helper, hence its size.
#[allow(clippy::result_large_err)]
pub async fn on_page<T: Send + 'static>(
    st: &AppState,
    p: &Principal,
    lang: Lang,
    f: impl FnOnce(&Scoped) -> Result<T, AppError> + Send + 'static,
) -> Result<T, Response> {
    let me = st.gate.for_principal(p);
    crate::error::settle(lang, tokio::task::spawn_blocking(move || f(&me)).await)
}

/// [`on_page`] that hands back the use case's own error, for pages that show some
/// errors in place (a form's problems, a conflict); a panic is a logged 500 page.
#[allow(clippy::result_large_err)]
pub async fn on_page_tried<T: Send + 'static>(
    st: &AppState,
    p: &Principal,
    lang: Lang,
    f: impl FnOnce(&Scoped) -> Result<T, AppError> + Send + 'static,
) -> Result<Result<T, AppError>, Response> {
    let me = st.gate.for_principal(p);
    tokio::task::spawn_blocking(move || f(&me))
        .await
        .map_err(|j| crate::error::page_error(lang, &crate::error::panicked(j, "page")))
}
