//! The page routes with who may open each, and the registry page: search the
//! registry, filter by kind, page through, export what is shown. Works without
//! JavaScript.

use crate::api::{ListQuery, ReqLang};
use crate::templates::registry as tpl;
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use hoptac_domain::i18n::{format_date, format_int, Lang};
use hoptac_domain::list::{OrgFilter, OrgView, PageRequest};

/// Who may open a page. Every page route is listed in [`table`] with its access, a
/// route layer ([`routes`]) refuses everyone else before the handler runs, and a test
/// checks each one for every role, so a new page cannot go unclassified. Scope (which
/// records) is the handler's, through the scoped registry handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; records outside a signed-in reader's scope do not exist for them.
    Public,
    /// Any account, within its scope.
    SignedIn,
    /// Accounts that register organisations: officers and administrators.
    Registrar,
    /// Accounts that write (not leaders), within their scope.
    Writer,
    /// Officers (not cooperative accounts or leaders), within their scope.
    Officer,
    /// Provincial officers and administrators.
    Provincial,
    /// Administrators only.
    Admin,
    /// Forms post here; there is no page to open. The handler checks the form's author
    /// and its CSRF token.
    PostOnly,
}

impl Access {
    /// Whether a reader (`None`: the public) may use a route with this access: the
    /// domain's role table decides.
    pub fn admits(self, who: Option<&hoptac_domain::auth::Principal>) -> bool {
        use hoptac_domain::auth::Action;
        let Some(p) = who else {
            return matches!(self, Access::Public | Access::PostOnly);
        };
        match self {
            Access::Public | Access::PostOnly => true,
            Access::SignedIn => p.may(Action::ReadInternal),
            Access::Registrar => p.may(Action::RegisterOrganisation),
            Access::Writer => p.may(Action::EditOrganisation),
            Access::Officer => p.may(Action::RecordFollowUp),
            Access::Provincial => p.may(Action::ManageProvince),
            Access::Admin => p.may(Action::Administer),
        }
    }
}

/// Every page route: its path, who may open it, and its handlers. Kept one route a
/// line so the table reads as a table.
#[rustfmt::skip]
pub fn table() -> Vec<(&'static str, Access, MethodRouter<AppState>)> {
    use crate::session_pages as session;
    use crate::account_page as account;
    use crate::{audit_page as audit, dashboard as dash, edit_page as edit, eval_page as eval};
    use crate::{followup_page as fu, import_page as import, org_page as org, users_page as users};
    use crate::second_factor_page as totp;
    use axum::routing::post;
    use Access::*;
    let upload = || axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT_BYTES);
    vec![
        ("/", Public, get(home)),
        ("/dang-nhap", Public, get(session::sign_in_page).post(session::sign_in)),
        ("/dang-xuat", PostOnly, post(session::sign_out)),
        ("/static/app.css", Public, get(session::stylesheet)),
        ("/health", Public, get(|| async { "ok" })),
        ("/ngon-ngu", Public, get(crate::html::switch_language)),
        ("/to-chuc/{id}", Public, get(org::org_page)),
        ("/to-chuc/moi", Registrar, get(edit::create_form).post(edit::create_save)),
        ("/to-chuc/{id}/sua", Writer, get(edit::edit_form).post(edit::edit_save)),
        ("/to-chuc/{id}/de-nghi/chap-nhan", PostOnly, post(crate::proposal_page::accept)),
        ("/to-chuc/{id}/de-nghi/tu-choi", PostOnly, post(crate::proposal_page::refuse)),
        ("/danh-gia", SignedIn, get(eval::eval_list)),
        ("/danh-gia/{id}/{year}", SignedIn, get(eval::sheet_page).post(eval::sheet_save)),
        ("/danh-gia/{id}/{year}/thao-tac", PostOnly, post(eval::sheet_action)),
        ("/bang-dieu-khien", SignedIn, get(dash::dashboard)),
        ("/theo-doi", SignedIn, get(fu::follow_up_page)),
        ("/tam-ngung", SignedIn, get(crate::stoppages_page::stoppages_page)),
        ("/theo-doi/{id}/{year}", Officer, get(fu::follow_up_form).post(fu::follow_up_save)),
        ("/nhap", Provincial, get(import::upload_form).post(import::preview).layer(upload())),
        ("/nhap/xac-nhan", PostOnly, post(import::confirm)),
        ("/nhap/tien-do/{job}", Provincial, get(import::progress)),
        ("/quan-tri/nguoi-dung", Admin, get(users::users_page).post(users::add_user)),
        ("/quan-tri/nguoi-dung/thao-tac", PostOnly, post(users::user_action)),
        ("/nhat-ky", Admin, get(audit::audit_page)),
        ("/tai-khoan/xac-thuc-hai-buoc", SignedIn, get(totp::second_factor_page).post(totp::second_factor_save)),
        ("/tai-khoan/mat-khau", SignedIn, get(account::password_form).post(account::change_password)),
    ]
}

/// Every page route, each behind a layer that admits only the readers its access names
/// (the public gets the sign-in page, others a refusal page), before the handler runs.
pub fn routes(state: &AppState) -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |r, (path, access, handlers)| {
            r.route(path, guarded(state, access, handlers))
        })
}

/// A route's handlers behind the layer that admits only the readers `access` names.
pub(crate) fn guarded(
    state: &AppState,
    access: Access,
    handlers: MethodRouter<AppState>,
) -> MethodRouter<AppState> {
    let guard = axum::middleware::from_fn_with_state(
        state.clone(),
        move |State(st): State<AppState>,
              req: axum::extract::Request,
              next: axum::middleware::Next| async move { admit(st, access, req, next).await },
    );
    handlers.route_layer(guard)
}

/// The route layer of [`routes`]. A GET's address is kept for the request's handlers
/// ([`crate::html::ASKED_FOR`]): a page that needs a sign-in sends the reader back
/// to it afterwards.
async fn admit(
    st: AppState,
    access: Access,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let asked = (req.method() == axum::http::Method::GET)
        .then(|| req.uri().path_and_query().map(|pq| pq.as_str().to_owned()))
        .flatten();
    match asked {
        Some(here) => {
            crate::html::ASKED_FOR
                .scope(here, admit_asked(st, access, req, next))
                .await
        }
        None => admit_asked(st, access, req, next).await,
    }
}

/// [`admit`] once the address asked for is kept.
async fn admit_asked(
    st: AppState,
    access: Access,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if access == Access::Public || access == Access::PostOnly {
        return next.run(req).await;
    }
    let lang = crate::html::page_lang(req.headers(), crate::html::query_lang(req.uri().query()));
    let session = or_page!(crate::auth::page_session(req.headers(), &st, lang).await);
    let who = session.as_ref().map(|(p, _, _)| p);
    if access.admits(who) {
        return next.run(req).await;
    }
    match who {
        None => crate::html::sign_in_required(
            lang,
            lang.t(
                "Cần đăng nhập để xem trang này.",
                "Sign in to see this page.",
            ),
        ),
        Some(_) => crate::html::message_page(
            lang,
            StatusCode::FORBIDDEN,
            lang.t(
                "Trang này không dành cho tài khoản của bạn.",
                "This page is not for your account.",
            ),
            "/",
            lang.t("Trang đầu", "Home"),
        ),
    }
}

fn row<'a>(v: &'a OrgView, lang: Lang, places: &hoptac_domain::Gazetteer) -> tpl::Row<'a> {
    tpl::Row {
        id: v.id,
        kind: v.kind.code(),
        name: v.name(),
        commune: crate::html::commune_label(v, places),
        status: lang.t(v.status.label_vi(), v.status.label_en()),
        members: v.fields.members.map(format_int).unwrap_or_default(),
        founded: v.fields.founding_date.map(format_date).unwrap_or_default(),
    }
}

/// The registry's filter from the address; a bad one (`?page=abc`, `?status=nope`) is
/// the whole unfiltered list with a message saying what was wrong, so a reader who
/// mistyped an address still gets the page, never an error body.
fn filter_of(
    q: Result<Query<ListQuery>, QueryRejection>,
    lang: Lang,
) -> (ListQuery, OrgFilter, PageRequest, Option<String>) {
    let bad = |vi: String, en: String| Some(lang.t(&vi, &en).to_owned());
    let (q, problem) = match q {
        Ok(Query(q)) => (q, None),
        Err(r) => {
            let why = r.body_text();
            let problem = bad(
                format!("Bộ lọc không hợp lệ ({why}); đang hiện toàn bộ sổ."),
                format!("The filter is not valid ({why}); showing the whole registry."),
            );
            (ListQuery::default(), problem)
        }
    };
    match q.to_filter(lang) {
        Ok((filter, page)) => (q, filter, page, problem),
        Err(e) => {
            let why = e.error.message(lang);
            let problem = bad(
                format!("{why}; đang hiện toàn bộ sổ."),
                format!("{why}; showing the whole registry."),
            );
            let (filter, page) = ListQuery::default()
                .to_filter(lang)
                .unwrap_or_else(|_| (OrgFilter::default(), PageRequest::new(1, 50)));
            (ListQuery::default(), filter, page, problem)
        }
    }
}

async fn home(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: Uri,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let lang = crate::html::page_lang(&headers, crate::html::query_lang(uri.query()));
    let session = or_page!(crate::auth::page_session(&headers, &st, lang).await);
    let (q, filter, page, problem) = filter_of(q, lang);
    let reader = st.gate.reader(session.as_ref().map(|(p, _, _)| p));
    let f2 = filter.clone();
    let result = tokio::task::spawn_blocking(move || reader.list(&f2, page)).await;
    let page_data = match result {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return crate::error::page_error(lang, &e),
        Err(join) => {
            return crate::error::page_error(lang, &crate::error::panicked(join, "registry page"))
        }
    };
    let places = st.gate.places();
    let rows = page_data
        .items
        .iter()
        .map(|v| row(v, lang, &places))
        .collect();
    // The search, kind and language of the links (plain `&`: the template escapes).
    let mut kept = String::new();
    if let Some(q) = &q.q {
        kept.push_str(&format!("&q={}", crate::html::url_escape(q)));
    }
    if let Some(k) = &q.kind {
        kept.push_str(&format!("&kind={}", crate::html::url_escape(k)));
    }
    if lang == Lang::En {
        kept.push_str("&lang=en");
    }
    let at = |p: u32| format!("/?page={p}{kept}");
    let last = page_data
        .total
        .div_ceil(u64::from(page_data.per_page))
        .max(1) as u32;
    let view = tpl::Registry {
        lang,
        province: places
            .province
            .as_ref()
            .and_then(|p| places.units.province(hoptac_domain::Scheme::Y2025, p))
            .map_or_else(
                || lang.t("Toàn quốc", "National").to_owned(),
                |p| p.name.clone(),
            ),
        may_register: matches!(&session, Some((p, _, _))
            if p.may(hoptac_domain::auth::Action::RegisterOrganisation)),
        q: q.q.as_deref().unwrap_or(""),
        kind: q.kind.as_deref(),
        total: if page_data.more {
            format!(
                "{} {}",
                lang.t("hơn", "more than"),
                format_int(page_data.total as i64)
            )
        } else {
            format_int(page_data.total as i64)
        },
        export_qs: kept.clone(),
        rows,
        page: page_data.page,
        last,
        prev: (page_data.page > 1).then(|| at(page_data.page - 1)),
        next: (page_data.page < last).then(|| at(page_data.page + 1)),
        problem,
    };
    let who = session.as_ref().map(|(p, csrf, _)| (p, csrf.as_str()));
    let here = uri.path_and_query().map_or("/", |p| p.as_str());
    let frame = crate::templates::Frame {
        lang,
        title: tpl::title(lang),
        who,
        here,
    };
    let status = if view.problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = crate::templates::page(&frame, tpl::registry(&view)).into_string();
    (status, Html(body)).into_response()
}

/// Unknown paths: JSON under /api, a short page elsewhere.
pub async fn not_found(ReqLang(lang): ReqLang, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        let e = hoptac_app::AppError::NotFound {
            what: "route",
            id: uri.path().to_owned(),
        };
        return crate::error::ApiError::new(e, lang).into_response();
    }
    crate::html::message_page(
        lang,
        StatusCode::NOT_FOUND,
        lang.t("Không có trang này.", "No such page."),
        "/",
        lang.t("Về trang chủ", "Home"),
    )
}
