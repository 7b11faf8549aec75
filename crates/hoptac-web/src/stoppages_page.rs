//! HTX stopped and to settle (*HTX ngừng hoạt động*, `/tam-ngung`), within the reader's
//! scope: overdue first, and the stoppages settled per year (Letter 538: *giải quyết
//! dứt điểm*).

use crate::templates::stoppages as tpl;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use hoptac_domain::i18n::format_date;
use hoptac_domain::org::Status;

const TO_READ: crate::auth::Need = (
    "Cần đăng nhập để xem danh sách HTX ngừng hoạt động.",
    "Sign in to see the stopped cooperatives.",
);

#[derive(serde::Deserialize)]
pub struct StoppagesQuery {
    lang: Option<String>,
}

/// `GET /tam-ngung`.
pub async fn stoppages_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<StoppagesQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_READ).await);
    let found = or_page!(crate::run::on_page(&st, &p, lang, |me| me.stoppages()).await);
    let places = st.gate.places();
    let rows: Vec<tpl::Row> = found
        .to_settle
        .iter()
        .map(|s| tpl::Row {
            id: s.org.id,
            name: s.org.name().to_owned(),
            commune: crate::html::commune_label(&s.org, &places),
            state: if s.stoppage.registered {
                lang.t(Status::Suspended.label_vi(), Status::Suspended.label_en())
            } else {
                lang.t(Status::Inactive.label_vi(), Status::Inactive.label_en())
            },
            since: format_date(s.stoppage.since),
            until: s.stoppage.until.map_or_else(|| "—".into(), format_date),
            overdue: s.overdue,
        })
        .collect();
    let title = lang.t(
        "HTX ngừng hoạt động cần giải quyết dứt điểm",
        "Stopped cooperatives to settle",
    );
    let body = tpl::stoppages(&tpl::Stoppages {
        lang,
        title,
        overdue: rows.iter().filter(|r| r.overdue).count(),
        rows,
        settled: found
            .settled
            .iter()
            .map(|s| (s.year, s.resumed, s.closed))
            .collect(),
    });
    let frame = crate::templates::Frame {
        lang,
        title,
        who: Some((&p, &csrf)),
        here: "/tam-ngung",
    };
    Html(crate::templates::page(&frame, body).into_string()).into_response()
}
