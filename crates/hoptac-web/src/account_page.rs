//! `/tai-khoan/mat-khau`: any signed-in account changes its own password (*đổi mật
//! khẩu*). The other sessions of the account end, this one stays.

use crate::templates::{account as tpl, page, Frame};
use crate::AppState;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use hoptac_app::users::{PasswordChange, PasswordChangeError};
use hoptac_domain::auth::Principal;
use hoptac_domain::i18n::Lang;
use std::collections::HashMap;

/// What signing in is needed for here.
const TO_CHANGE: crate::auth::Need = (
    "Cần đăng nhập để đổi mật khẩu.",
    "Sign in to change your password.",
);
const HERE: &str = "/tai-khoan/mat-khau";

/// The page, with a confirmation or a problem.
fn render(
    lang: Lang,
    who: (&Principal, &str),
    status: StatusCode,
    done: bool,
    problem: Option<(Option<&str>, &str)>,
) -> Response {
    let frame = Frame {
        lang,
        title: tpl::title(lang),
        who: Some(who),
        here: HERE,
    };
    let body = tpl::password_page(&tpl::PasswordPage {
        lang,
        csrf: who.1,
        username: &who.0.username,
        done,
        problem,
    });
    (status, Html(page(&frame, body).into_string())).into_response()
}

/// `GET /tai-khoan/mat-khau`.
pub async fn password_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let lang = crate::html::page_lang(&headers, crate::html::query_lang(uri.query()));
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_CHANGE).await);
    render(lang, (&p, &csrf), StatusCode::OK, false, None)
}

/// `POST /tai-khoan/mat-khau`.
pub async fn change_password(State(st): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let lang = crate::html::page_lang(&parts.headers, crate::html::query_lang(parts.uri.query()));
    let session = or_page!(crate::auth::page_session(&parts.headers, &st, lang).await);
    let Some((p, csrf, token)) = session else {
        return crate::html::sign_in_required(lang, lang.t(TO_CHANGE.0, TO_CHANGE.1));
    };
    let source = crate::session_pages::client_address(&parts, st.trusted_proxy);
    let Ok(Form(form)) =
        Form::<HashMap<String, String>>::from_request(Request::from_parts(parts, body), &st).await
    else {
        let msg = lang.t("Biểu mẫu không hợp lệ.", "The form is not valid.");
        return render(
            lang,
            (&p, &csrf),
            StatusCode::BAD_REQUEST,
            false,
            Some((None, msg)),
        );
    };
    if let Some(r) = crate::auth::expired_form(form.get("csrf"), &csrf, lang) {
        return r;
    }
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (current, new, repeat) = (field("current"), field("new"), field("repeat"));
    let me = st.gate.for_principal(&p);
    let changed = tokio::task::spawn_blocking(move || {
        let change = PasswordChange {
            current: &current,
            new: &new,
            repeat: &repeat,
        };
        me.change_own_password(&change, Some(&token), source.as_deref())
    })
    .await;
    match changed {
        Ok(Ok(())) => render(lang, (&p, &csrf), StatusCode::OK, true, None),
        Ok(Err(PasswordChangeError::Other(e))) if e.is_server_fault() => {
            crate::error::page_error(lang, &e)
        }
        Ok(Err(e)) => {
            let msg = e.message(lang);
            let status = match e {
                PasswordChangeError::Other(ref a) => crate::error::status_of(a),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(lang, (&p, &csrf), status, false, Some((e.field(), &msg)))
        }
        Err(join) => crate::error::page_error(lang, &crate::error::panicked(join, "password")),
    }
}
