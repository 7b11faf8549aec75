//! User administration for administrators (*quản lý người dùng*, `/quan-tri/nguoi-dung`):
//! every account with its role and scope; add an account; disable or enable one; set a
//! new random password, shown once. The same rules as `hoptac user` (the app decides).

use crate::html::page_lang;
use crate::templates::users::{self as tpl, Notice};
use crate::templates::{page, Frame, Markup};
use crate::AppState;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hoptac_app::users::{ApiToken, User};
use hoptac_app::AppError;
use hoptac_domain::auth::{Principal, Role, Scope};
use hoptac_domain::i18n::Lang;
use std::collections::HashMap;

type Values = HashMap<String, String>;

const HERE: &str = "/quan-tri/nguoi-dung";

#[derive(serde::Deserialize)]
pub struct UsersQuery {
    /// What was just done, for the notice at the top.
    ok: Option<String>,
    lang: Option<String>,
}

fn scope_text(s: &Scope, places: &hoptac_domain::Gazetteer, lang: Lang) -> String {
    match s {
        Scope::All => lang.t("Toàn tỉnh", "Whole province").to_owned(),
        Scope::Communes { codes } => codes
            .iter()
            .map(|c| {
                places
                    .units
                    .commune(hoptac_domain::Scheme::Y2025, c)
                    .map_or_else(|| c.clone(), |x| format!("{} ({c})", x.name))
            })
            .collect::<Vec<_>>()
            .join(", "),
        Scope::Organisation { id } => format!("{} #{id}", lang.t("Tổ chức", "Organisation")),
    }
}

struct Ctx<'a> {
    lang: Lang,
    p: &'a Principal,
    csrf: &'a str,
}

impl Ctx<'_> {
    fn page(&self, status: StatusCode, body: Markup) -> Response {
        let frame = Frame {
            lang: self.lang,
            title: tpl::title(self.lang),
            who: Some((self.p, self.csrf)),
            here: HERE,
        };
        (status, Html(page(&frame, body).into_string())).into_response()
    }
}

/// A time as an officer reads it: the day in Vietnam.
fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(7))
        .format("%d/%m/%Y")
        .to_string()
}

fn token_rows(tokens: &[ApiToken], lang: Lang) -> Vec<tpl::TokenRow> {
    let now = chrono::Utc::now();
    tokens
        .iter()
        .map(|k| tpl::TokenRow {
            id: k.id,
            username: k.username.clone(),
            label: k.label.clone(),
            issued: day(k.created_at),
            expires: k
                .expires_at
                .map_or_else(|| lang.t("không hạn", "never").to_owned(), day),
            revoked: k.revoked_at.map(day).unwrap_or_default(),
            live: k.live(now),
        })
        .collect()
}

fn list_html(
    cx: &Ctx,
    (users, tokens): (&[User], &[ApiToken]),
    places: &hoptac_domain::Gazetteer,
    typed: &Values,
    notice: Notice<'_>,
) -> Markup {
    let lang = cx.lang;
    let rows = users
        .iter()
        .map(|u| tpl::Row {
            username: &u.username,
            display_name: &u.display_name,
            role: lang.t(u.role.label_vi(), u.role.label_en()),
            scope: scope_text(&u.scope, places, lang),
            disabled: u.disabled,
            own: u.username == cx.p.username,
        })
        .collect();
    let val = |k: &str| typed.get(k).map(String::as_str).unwrap_or("");
    let role_now = typed
        .get("role")
        .map(String::as_str)
        .unwrap_or("commune_officer");
    let roles = Role::ALL
        .iter()
        .map(|r| tpl::Choice {
            value: r.code().to_owned(),
            label: lang.t(r.label_vi(), r.label_en()).to_owned(),
            selected: r.code() == role_now,
        })
        .collect();
    let chosen: Vec<&str> = typed
        .get("communes")
        .map(|c| c.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let communes = places
        .units
        .communes(hoptac_domain::Scheme::Y2025, places.province.as_deref())
        .iter()
        .map(|c| tpl::Choice {
            value: c.code.clone(),
            label: format!("{} ({})", c.name, c.code),
            selected: chosen.contains(&c.code.as_str()),
        })
        .collect();
    let accounts = users
        .iter()
        .filter(|u| !u.disabled)
        .map(|u| tpl::Choice {
            value: u.username.clone(),
            label: format!("{} ({})", u.display_name, u.username),
            selected: false,
        })
        .collect();
    tpl::users(&tpl::Users {
        lang,
        csrf: cx.csrf,
        notice,
        rows,
        username: val("username"),
        display_name: val("display_name"),
        organisation: val("organisation"),
        roles,
        communes,
        tokens: token_rows(tokens, lang),
        accounts,
    })
}

async fn admin(
    headers: &HeaderMap,
    st: &AppState,
    lang: Lang,
) -> Result<(Principal, String), Response> {
    match crate::auth::page_session(headers, st, lang).await? {
        None => Err(crate::html::sign_in_required(
            lang,
            lang.t("Cần đăng nhập.", "Sign in first."),
        )),
        Some((p, csrf, _)) if p.may(hoptac_domain::auth::Action::Administer) => Ok((p, csrf)),
        Some((p, csrf, _)) => Err(Ctx {
            lang,
            p: &p,
            csrf: &csrf,
        }
        .page(StatusCode::FORBIDDEN, tpl::refused(lang))),
    }
}

/// An administrator's form post carrying its session's CSRF token, or the page that
/// says why not (the list again, with the form expired).
async fn admin_post(
    headers: &HeaderMap,
    st: &AppState,
    lang: Lang,
    sent: Option<&String>,
) -> Result<(Principal, String), Response> {
    let (p, csrf) = admin(headers, st, lang).await?;
    if sent == Some(&csrf) {
        return Ok((p, csrf));
    }
    let cx = Ctx {
        lang,
        p: &p,
        csrf: &csrf,
    };
    let msg = lang.t(
        "Biểu mẫu đã hết hạn; hãy tải lại trang.",
        "The form expired; reload the page.",
    );
    let empty = Values::new();
    Err(render(st, &cx, StatusCode::FORBIDDEN, &empty, Notice::Error(msg)).await)
}

/// The list again with the form as typed and what is wrong with it.
async fn invalid(st: &AppState, cx: &Ctx<'_>, typed: &Values, msg: &str) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(st, cx, status, typed, Notice::Error(msg)).await
}

async fn render(
    st: &AppState,
    cx: &Ctx<'_>,
    status: StatusCode,
    typed: &Values,
    notice: Notice<'_>,
) -> Response {
    let (users, tokens) = or_page!(
        crate::run::on_page(st, cx.p, cx.lang, |me| Ok((me.users()?, me.tokens()?))).await
    );
    let places = st.gate.places();
    let listed = (users.as_slice(), tokens.as_slice());
    cx.page(status, list_html(cx, listed, &places, typed, notice))
}

/// `GET /quan-tri/nguoi-dung`.
pub async fn users_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<UsersQuery>,
) -> Response {
    let lang = page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(admin(&headers, &st, lang).await);
    let notice = match q.ok.as_deref() {
        Some("disable") => Notice::Done(lang.t("Đã khóa tài khoản.", "Account disabled.")),
        Some("enable") => Notice::Done(lang.t("Đã mở lại tài khoản.", "Account enabled.")),
        Some("revoke-token") => Notice::Done(lang.t("Đã thu hồi khóa API.", "API token revoked.")),
        _ => Notice::None,
    };
    let cx = Ctx {
        lang,
        p: &p,
        csrf: &csrf,
    };
    render(&st, &cx, StatusCode::OK, &Values::new(), notice).await
}

/// The form's fields in order, repeated `communes` joined with commas.
fn form_values(pairs: Vec<(String, String)>) -> Values {
    let mut v = Values::new();
    for (k, val) in pairs {
        v.entry(k)
            .and_modify(|e: &mut String| {
                e.push(',');
                e.push_str(&val);
            })
            .or_insert(val);
    }
    v
}

/// `POST /quan-tri/nguoi-dung`: adds an account with a random first password.
pub async fn add_user(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = page_lang(&headers, None);
    let form = form_values(pairs);
    let (p, csrf) = or_page!(admin_post(&headers, &st, lang, form.get("csrf")).await);
    let cx = Ctx {
        lang,
        p: &p,
        csrf: &csrf,
    };
    let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let Some(role) = Role::parse(&get("role")) else {
        let msg = lang.t("Chưa chọn vai trò.", "Choose a role.");
        return invalid(&st, &cx, &form, msg).await;
    };
    let scope = match role {
        Role::CommuneOfficer => Scope::Communes {
            codes: get("communes")
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        },
        Role::Cooperative => match get("organisation").parse() {
            Ok(id) => Scope::Organisation { id },
            Err(_) => {
                let msg = lang.t(
                    "Tài khoản HTX cần mã tổ chức (số).",
                    "A cooperative account needs an organisation ID (a number).",
                );
                return invalid(&st, &cx, &form, msg).await;
            }
        },
        _ => Scope::All,
    };
    let password = hoptac_app::users::generate_password(&get("username"));
    let (username, display, pass) = (get("username"), get("display_name"), password.clone());
    let added = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let actor = me.actor("web: quản lý người dùng");
        me.add_user(&username, &display, role, scope, &pass, &actor)
    })
    .await;
    match added {
        Ok(Ok(u)) => {
            let notice = Notice::Added {
                username: &u.username,
                password: &password,
            };
            render(&st, &cx, StatusCode::OK, &Values::new(), notice).await
        }
        Ok(Err(
            e @ (AppError::Refused { .. } | AppError::Invalid(_) | AppError::NotFound { .. }),
        )) => {
            render(
                &st,
                &cx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Notice::Error(&e.message(lang)),
            )
            .await
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}

/// `POST /quan-tri/nguoi-dung/thao-tac`: disable, enable, or a new random password.
pub async fn user_action(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Values>,
) -> Response {
    let lang = page_lang(&headers, None);
    let (p, csrf) = or_page!(admin_post(&headers, &st, lang, form.get("csrf")).await);
    let cx = Ctx {
        lang,
        p: &p,
        csrf: &csrf,
    };
    let username = form
        .get("username")
        .map(|u| u.trim().to_lowercase())
        .unwrap_or_default();
    let action = form.get("action").cloned().unwrap_or_default();
    match action.as_str() {
        "token" => return issue_token(&st, &cx, &form, &username).await,
        "revoke-token" => return revoke_token(&st, &cx, &form).await,
        _ => {}
    }
    if username == p.username.to_lowercase() {
        let msg = lang.t(
            "Không tự khóa hay đặt lại mật khẩu của chính mình ở đây.",
            "You cannot disable or reset your own account here.",
        );
        return render(
            &st,
            &cx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &Values::new(),
            Notice::Error(msg),
        )
        .await;
    }
    let password = hoptac_app::users::generate_password(&username);
    let pass = password.clone();
    let (name, act) = (username.clone(), action.clone());
    let done = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let actor = me.actor("web: quản lý người dùng");
        match act.as_str() {
            "disable" => me.set_disabled(&name, true, &actor).map(|_| ()),
            "enable" => me.set_disabled(&name, false, &actor).map(|_| ()),
            "reset" => me.reset_password(&name, &pass, &actor),
            _ => Err(AppError::refused(
                "bad_action",
                "Thao tác không hợp lệ",
                "Unknown action",
            )),
        }
    })
    .await;
    match done {
        Ok(Ok(())) if action == "reset" => {
            let notice = Notice::Reset {
                username: &username,
                password: &password,
            };
            render(&st, &cx, StatusCode::OK, &Values::new(), notice).await
        }
        Ok(Ok(())) => Redirect::to(&format!("{HERE}?ok={action}")).into_response(),
        Ok(Err(e)) if !matches!(e, AppError::Store(_)) => {
            render(
                &st,
                &cx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &Values::new(),
                Notice::Error(&e.message(lang)),
            )
            .await
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}

/// Issues an API token from the form; its secret is shown once.
async fn issue_token(st: &AppState, cx: &Ctx<'_>, form: &Values, username: &str) -> Response {
    let lang = cx.lang;
    let label = form.get("label").cloned().unwrap_or_default();
    let Ok(days) = form.get("days").map_or("", |d| d.trim()).parse::<u32>() else {
        let msg = lang.t(
            "Số ngày hiệu lực là một số từ 1 đến 730.",
            "Days is a number from 1 to 730.",
        );
        return invalid(st, cx, &Values::new(), msg).await;
    };
    let (name, lbl) = (username.to_owned(), label.clone());
    let issued = crate::run::on_page_tried(st, cx.p, lang, move |me| {
        let actor = me.actor("web: quản lý người dùng");
        me.issue_token(&name, &lbl, days, &actor)
    })
    .await;
    match issued {
        Ok(Ok((secret, token))) => {
            let expires = token.expires_at.map(day).unwrap_or_default();
            let notice = Notice::Token {
                username: &token.username,
                label: &token.label,
                expires: &expires,
                secret: &secret,
            };
            render(st, cx, StatusCode::OK, &Values::new(), notice).await
        }
        Ok(Err(e)) if !matches!(e, AppError::Store(_)) => {
            invalid(st, cx, &Values::new(), &e.message(lang)).await
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}

/// Revokes the API token the form names.
async fn revoke_token(st: &AppState, cx: &Ctx<'_>, form: &Values) -> Response {
    let lang = cx.lang;
    let Some(id) = form.get("token").and_then(|t| t.trim().parse::<i64>().ok()) else {
        let msg = lang.t("Không rõ khóa nào.", "Which token?");
        return invalid(st, cx, &Values::new(), msg).await;
    };
    let done = crate::run::on_page_tried(st, cx.p, lang, move |me| {
        let actor = me.actor("web: quản lý người dùng");
        me.revoke_token(id, &actor)
    })
    .await;
    match done {
        Ok(Ok(())) => Redirect::to(&format!("{HERE}?ok=revoke-token")).into_response(),
        Ok(Err(e)) if !matches!(e, AppError::Store(_)) => {
            invalid(st, cx, &Values::new(), &e.message(lang)).await
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}
