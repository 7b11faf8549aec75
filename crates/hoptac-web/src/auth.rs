//! Who is calling: an API bearer token (`Authorization: Bearer …`) or a browser session
//! (with its CSRF token on anything that changes data) names an account; without one the
//! caller is the public. What the account may do (the domain's role table,
//! [`Principal::may`]) and what it may touch are both decided by the app's scoped handle
//! ([`Caller::scoped`]); the route layer asks the same table before a page runs.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use hoptac_app::{AppError, Gate, Scoped};
use hoptac_domain::auth::Principal;

/// The caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<Principal>);

/// The name of the browser session cookie.
pub const SESSION_COOKIE: &str = "hoptac_session";

/// A cookie's value from the request.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A browser session: who, its CSRF token, its cookie.
pub type Session = (Principal, String, String);

/// The signed-in browser session, if any. A storage error while checking it is an
/// error (answered 503 or 500), never "not signed in".
pub async fn browser_session(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> Result<Option<Session>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let gate = state.gate.clone();
    let t = token.clone();
    let found = tokio::task::spawn_blocking(move || gate.session(&t, chrono::Utc::now()))
        .await
        .map_err(|j| crate::error::panicked(j, "checking a session"))??;
    Ok(found.map(|(p, csrf)| (p, csrf, token)))
}

/// [`browser_session`] for a page: the error becomes the page that says so.
pub async fn page_session(
    headers: &axum::http::HeaderMap,
    state: &AppState,
    lang: hoptac_domain::i18n::Lang,
) -> Result<Option<Session>, axum::response::Response> {
    browser_session(headers, state)
        .await
        .map_err(|e| crate::error::page_error(lang, &e))
}

/// What a page needs signing in for, in Vietnamese and English.
pub type Need<'a> = (&'a str, &'a str);

/// The signed-in reader of a page, or the sign-in page saying what needs signing in.
pub async fn reader(
    headers: &axum::http::HeaderMap,
    state: &AppState,
    lang: hoptac_domain::i18n::Lang,
    (vi, en): Need<'_>,
) -> Result<(Principal, String), axum::response::Response> {
    match page_session(headers, state, lang).await? {
        Some((p, csrf, _)) => Ok((p, csrf)),
        None => Err(crate::html::sign_in_required(lang, lang.t(vi, en))),
    }
}

/// A form post must carry its session's CSRF token; otherwise nothing is done and this
/// is the page that says the form expired.
pub fn expired_form(
    sent: Option<&String>,
    csrf: &str,
    lang: hoptac_domain::i18n::Lang,
) -> Option<axum::response::Response> {
    if sent.map(String::as_str) == Some(csrf) {
        return None;
    }
    Some(crate::html::message_page(
        lang,
        axum::http::StatusCode::FORBIDDEN,
        lang.t(
            "Biểu mẫu đã hết hạn; hãy tải lại trang.",
            "The form expired; reload the page.",
        ),
        "/",
        lang.t("Trang đầu", "Home"),
    ))
}

/// The signed-in author of a form post whose CSRF token matches their session, or the
/// page that says why not (sign in first; the form expired).
pub async fn poster(
    headers: &axum::http::HeaderMap,
    state: &AppState,
    lang: hoptac_domain::i18n::Lang,
    sent: Option<&String>,
    need: Need<'_>,
) -> Result<(Principal, String), axum::response::Response> {
    let (p, csrf) = reader(headers, state, lang, need).await?;
    match expired_form(sent, &csrf, lang) {
        Some(r) => Err(r),
        None => Ok((p, csrf)),
    }
}

impl FromRequestParts<AppState> for Caller {
    /// Only a storage error (or a panic) while checking the token or session: 503/500.
    type Rejection = crate::error::ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = crate::api::ReqLang::from_request_parts(parts, state)
            .await
            .map(|l| l.0)
            .unwrap_or_default();
        let fail = |e: AppError| crate::error::ApiError::new(e, lang);
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        if let Some(token) = token {
            let gate = state.gate.clone();
            let p = tokio::task::spawn_blocking(move || gate.token_principal(&token))
                .await
                .map_err(|j| fail(crate::error::panicked(j, "checking a token")))?
                .map_err(fail)?;
            return Ok(Caller(p));
        }
        // A browser session counts only with its CSRF token on anything that changes
        // data, so another site cannot ride on the cookie.
        let Some((p, csrf, _)) = browser_session(&parts.headers, state).await.map_err(fail)? else {
            return Ok(Caller(None));
        };
        let safe = matches!(
            parts.method,
            axum::http::Method::GET | axum::http::Method::HEAD
        );
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        if safe || sent == Some(csrf.as_str()) {
            Ok(Caller(Some(p)))
        } else {
            Ok(Caller(None))
        }
    }
}

impl Caller {
    /// The registry as this caller may use it: every read and write through the handle
    /// applies the caller's role and scope (401 without an account).
    pub fn scoped(&self, gate: &Gate) -> Result<Scoped, AppError> {
        let p = self.0.as_ref().ok_or(AppError::Unauthorized)?;
        Ok(gate.for_principal(p))
    }
}
