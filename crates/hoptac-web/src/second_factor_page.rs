//! Two-step verification for one's own account (*xác thực hai bước*,
//! `/tai-khoan/xac-thuc-hai-buoc`): turn it on with a new secret, a code and the
//! password, or off with a code and the password.

use crate::html::page_lang;
use crate::templates::second_factor::{self as tpl, HERE};
use crate::templates::{page, Frame};
use crate::AppState;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_app::users::TotpSetup;
use hoptac_app::AppError;
use hoptac_domain::auth::Principal;
use hoptac_domain::i18n::Lang;

const SIGN_IN: crate::auth::Need = ("Cần đăng nhập.", "Sign in first.");

#[derive(serde::Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct SecondFactorForm {
    csrf: String,
    action: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// The page as it is now for `p`, with what was just done or refused.
async fn show(
    st: &AppState,
    (p, csrf): (&Principal, &str),
    lang: Lang,
    status: StatusCode,
    (done, error): (Option<&str>, Option<&str>),
) -> Response {
    let on = or_page!(crate::run::on_page(st, p, lang, |me| me.has_second_factor()).await);
    let setup = TotpSetup::new(&p.username);
    let grouped = setup.grouped();
    let body = tpl::second_factor(&tpl::SecondFactor {
        lang,
        csrf,
        on,
        secret: &setup.secret,
        grouped: &grouped,
        url: &setup.url,
        done,
        error,
    });
    let frame = Frame {
        lang,
        title: tpl::title(lang),
        who: Some((p, csrf)),
        here: HERE,
    };
    (status, Html(page(&frame, body).into_string())).into_response()
}

/// `GET /tai-khoan/xac-thuc-hai-buoc`.
pub async fn second_factor_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, SIGN_IN).await);
    show(&st, (&p, &csrf), lang, StatusCode::OK, (None, None)).await
}

/// `POST /tai-khoan/xac-thuc-hai-buoc`: turn on or off.
pub async fn second_factor_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SecondFactorForm>,
) -> Response {
    let lang = page_lang(&headers, None);
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, SIGN_IN).await);
    if f.csrf != csrf {
        let msg = lang.t(
            "Biểu mẫu đã hết hạn; hãy tải lại trang.",
            "The form expired; reload the page.",
        );
        return show(
            &st,
            (&p, &csrf),
            lang,
            StatusCode::FORBIDDEN,
            (None, Some(msg)),
        )
        .await;
    }
    let turn_on = f.action == "on";
    let done = crate::run::on_page_tried(&st, &p, lang, move |me| {
        if turn_on {
            me.enable_second_factor(&f.password, &f.secret, &f.code)
        } else {
            me.disable_second_factor(&f.password, &f.code).map(|_| ())
        }
    })
    .await;
    let said = if turn_on {
        lang.t("Đã bật xác thực hai bước.", "Two-step verification is on.")
    } else {
        lang.t("Đã tắt xác thực hai bước.", "Two-step verification is off.")
    };
    match done {
        Ok(Ok(())) => show(&st, (&p, &csrf), lang, StatusCode::OK, (Some(said), None)).await,
        Ok(Err(e @ (AppError::Refused { .. } | AppError::Invalid(_)))) => {
            let msg = e.message(lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(&st, (&p, &csrf), lang, status, (None, Some(&msg))).await
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}
