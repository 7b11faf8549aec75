//! Signing in and out in a browser: a plain form (no JavaScript), a CSRF token on every
//! form, the session in an HttpOnly, SameSite cookie (Secure behind HTTPS), and the
//! security headers every response carries.

use crate::auth::{cookie, SESSION_COOKIE};
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use axum::Form;
use hoptac_domain::i18n::Lang;
use serde::Deserialize;

/// The pre-sign-in CSRF cookie (double submit: cookie and form field must agree).
const LOGIN_CSRF: &str = "hoptac_login";

/// `GET /static/app.css`.
pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../../static/app.css"),
    )
        .into_response()
}

fn cookie_attrs(secure: bool) -> &'static str {
    if secure {
        "; Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Lax"
    }
}

fn page(lang: Lang, csrf: &str, error: Option<&str>, username: &str, next: Option<&str>) -> String {
    crate::templates::sign_in::sign_in(&crate::templates::sign_in::SignIn {
        lang,
        csrf,
        error,
        username,
        next: next.filter(|n| crate::html::is_local_path(n)),
    })
    .into_string()
}

/// The sign-in page's query: the page that asked for the sign-in.
#[derive(Deserialize)]
pub(crate) struct SignInQuery {
    next: Option<String>,
}

/// `GET /dang-nhap[?next=/page]`.
pub(crate) async fn sign_in_page(
    State(st): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<SignInQuery>,
) -> Response {
    let csrf = hoptac_app::users::random_secret(16);
    let set = format!("{LOGIN_CSRF}={csrf}{}", cookie_attrs(st.secure_cookies));
    (
        [(header::SET_COOKIE, set)],
        Html(page(Lang::Vi, &csrf, None, "", q.next.as_deref())),
    )
        .into_response()
}

#[derive(Deserialize)]
struct SignInForm {
    username: String,
    password: String,
    csrf: String,
    /// The second factor's code, for accounts that have one.
    #[serde(default)]
    code: String,
    /// Where to land: the page that asked for the sign-in.
    next: Option<String>,
}

/// `POST /dang-nhap`.
pub(crate) async fn sign_in(State(st): State<AppState>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let expected = cookie(&parts.headers, LOGIN_CSRF);
    let req = Request::from_parts(parts.clone(), body);
    let Ok(Form(f)) = Form::<SignInForm>::from_request(req, &st).await else {
        return (
            StatusCode::BAD_REQUEST,
            Html(page(Lang::Vi, "", Some("Biểu mẫu không hợp lệ"), "", None)),
        )
            .into_response();
    };
    let _ = &mut parts;
    let lang = Lang::Vi;
    if expected.as_deref() != Some(f.csrf.as_str()) || f.csrf.is_empty() {
        return (
            StatusCode::FORBIDDEN,
            Html(page(
                lang,
                &f.csrf,
                Some("Phiên biểu mẫu đã hết hạn; hãy tải lại trang và đăng nhập lại"),
                &f.username,
                f.next.as_deref(),
            )),
        )
            .into_response();
    }
    let gate = st.gate.clone();
    let (user, pass, code) = (f.username.clone(), f.password.clone(), f.code.clone());
    let source = client_address(&parts, st.trusted_proxy);
    let result = tokio::task::spawn_blocking(move || {
        let code = Some(code.as_str()).filter(|c| !c.trim().is_empty());
        gate.sign_in(&user, &pass, code, source.as_deref(), chrono::Utc::now())
    })
    .await;
    match result {
        Ok(Ok((token, _csrf))) => {
            let set = format!(
                "{SESSION_COOKIE}={token}{}; Max-Age={}",
                cookie_attrs(st.secure_cookies),
                hoptac_app::users::SESSION_HOURS * 3600
            );
            let to = crate::html::after_sign_in(f.next.as_deref());
            ([(header::SET_COOKIE, set)], Redirect::to(&to)).into_response()
        }
        Ok(Err(e)) if e.is_server_fault() => crate::error::page_error(lang, &e),
        Ok(Err(e)) => (
            StatusCode::UNAUTHORIZED,
            Html(page(
                lang,
                &f.csrf,
                Some(&e.message(lang)),
                &f.username,
                f.next.as_deref(),
            )),
        )
            .into_response(),
        Err(join) => crate::error::page_error(lang, &crate::error::panicked(join, "sign-in")),
    }
}

/// The client's address, for sign-in throttling: the last `X-Forwarded-For` entry
/// (the one our proxy added) when a proxy is trusted, else the connection's peer.
pub(crate) fn client_address(
    parts: &axum::http::request::Parts,
    trusted_proxy: bool,
) -> Option<String> {
    let forwarded = || {
        let h = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
        let last = h.rsplit(',').next()?.trim();
        last.parse::<std::net::IpAddr>()
            .ok()
            .map(|ip| ip.to_string())
    };
    let peer = || {
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
    };
    if trusted_proxy {
        forwarded().or_else(peer)
    } else {
        peer()
    }
}

#[derive(Deserialize)]
struct SignOutForm {
    csrf: String,
}

/// `POST /dang-xuat`.
pub(crate) async fn sign_out(State(st): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let lang = crate::html::page_lang(&parts.headers, None);
    let session = or_page!(crate::auth::page_session(&parts.headers, &st, lang).await);
    let req = Request::from_parts(parts, body);
    let Ok(Form(f)) = Form::<SignOutForm>::from_request(req, &st).await else {
        return crate::html::message_page(
            lang,
            StatusCode::BAD_REQUEST,
            lang.t(
                "Biểu mẫu đăng xuất không hợp lệ.",
                "The sign-out form is not valid.",
            ),
            "/",
            lang.t("Trang đầu", "Home"),
        );
    };
    if let Some((_, csrf, token)) = session {
        if let Some(r) = crate::auth::expired_form(Some(&f.csrf), &csrf, lang) {
            return r;
        }
        let gate = st.gate.clone();
        // The server's session must really end: a failure is said, not hidden.
        let ended = tokio::task::spawn_blocking(move || gate.end_session(&token)).await;
        if let Err(r) = crate::error::settle(lang, ended) {
            return r;
        }
    }
    let clear = format!(
        "{SESSION_COOKIE}={}; Max-Age=0",
        cookie_attrs(st.secure_cookies)
    );
    ([(header::SET_COOKIE, clear)], Redirect::to("/")).into_response()
}

/// A request declaring a body over the upload limit is answered 413 before any of it is
/// read: as the JSON error body under `/api/`, as a framed page elsewhere.
pub async fn refuse_oversized(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > crate::UPLOAD_LIMIT_BYTES as u64) {
        return too_large(&req);
    }
    next.run(req).await
}

/// The 413 answer, in the form the path's clients read.
pub fn too_large(req: &Request) -> Response {
    let limit_mb = crate::UPLOAD_LIMIT_BYTES as u64 / (1024 * 1024);
    let lang = crate::html::page_lang(req.headers(), crate::html::query_lang(req.uri().query()));
    if req.uri().path().starts_with("/api/") {
        return crate::error::ApiError::new(hoptac_app::AppError::TooLarge { limit_mb }, lang)
            .into_response();
    }
    let msg = hoptac_app::AppError::TooLarge { limit_mb }.message(lang);
    crate::html::message_page(
        lang,
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        &msg,
        "/",
        lang.t("Trang đầu", "Home"),
    )
}

/// Headers on every response: no inline or outside scripts, no framing, no sniffing;
/// nothing kept in a cache unless the answer says it may be (pages and exports can hold
/// personal data); HSTS when the server is reached over HTTPS.
pub async fn security_headers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if st.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, "content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    resp
}

use axum::extract::FromRequest;
