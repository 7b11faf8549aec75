//! The follow-up list (*theo dõi HTX yếu, tồn tại hình thức*, `/theo-doi`): every HTX
//! rated weak or existing only on paper in a year, within the reader's scope, with its
//! plan, owner, deadline and outcome — and those still without a plan first, because
//! Letter 538 asks for a plan for each one.

use crate::auth::browser_session;
use crate::html::esc;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_app::followups::{Cause, NeedsFollowUp, Plan};
use hoptac_domain::i18n::{format_date, format_int};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct FollowUpQuery {
    year: Option<i32>,
    /// `1`: only those without a follow-up record.
    missing: Option<String>,
}

fn cause_label(c: Cause) -> &'static str {
    match c {
        Cause::Weak => "Xếp loại yếu",
        Cause::FormalOnly => "Tồn tại hình thức",
    }
}

fn plan_label(p: Plan) -> &'static str {
    match p {
        Plan::Support => "Hỗ trợ, củng cố",
        Plan::Restructure => "Tổ chức lại",
        Plan::Dissolve => "Giải thể",
    }
}

fn row(n: &NeedsFollowUp, places: &hoptac_domain::Gazetteer) -> String {
    let commune = crate::html::commune_label(&n.org, places);
    let causes: Vec<&str> = n.causes.iter().map(|c| cause_label(*c)).collect();
    let (plan, owner, deadline, outcome) = match &n.follow_up {
        None => (
            "<strong class=error>Chưa có phương án</strong>".to_owned(),
            String::new(),
            String::new(),
            String::new(),
        ),
        Some(r) => {
            let f = &r.follow_up;
            let state = if f.closed {
                "Đã xong"
            } else {
                "Đang thực hiện"
            };
            (
                format!(
                    "{}<br><small>{}</small>",
                    plan_label(f.plan),
                    esc(&f.description)
                ),
                esc(&f.owner),
                format_date(f.deadline),
                format!(
                    "{state}{}",
                    f.outcome
                        .as_deref()
                        .map(|o| format!(": {}", esc(o)))
                        .unwrap_or_default()
                ),
            )
        }
    };
    format!(
        "<tr><td><a href=\"/to-chuc/{id}\">{name}</a></td><td>{commune}</td><td>{causes}</td><td>{plan}</td><td>{owner}</td><td>{deadline}</td><td>{outcome}</td></tr>",
        id = n.org.id,
        name = esc(n.org.name()),
        commune = esc(&commune),
        causes = causes.join(", "),
    )
}

pub async fn follow_up_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FollowUpQuery>,
) -> Response {
    let Some((p, _, _)) = browser_session(&headers, &st).await else {
        return crate::html::sign_in_required("Cần đăng nhập để xem danh sách theo dõi.");
    };
    let reg = st.registry.clone();
    let this_year = chrono::Datelike::year(&reg.today());
    let year = q
        .year
        .filter(|y| (1997..=this_year).contains(y))
        .unwrap_or(this_year - 1);
    let missing_only = q.missing.as_deref() == Some("1");
    let who = p.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        reg.needing_follow_up(year).map(|mut list| {
            list.retain(|n| who.can_see(&n.org));
            list
        })
    })
    .await;
    let Ok(Ok(mut list)) = loaded else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let total = list.len();
    let without = list.iter().filter(|n| n.follow_up.is_none()).count();
    if missing_only {
        list.retain(|n| n.follow_up.is_none());
    }
    // Those without a plan first, then by name.
    list.sort_by(|a, b| {
        (a.follow_up.is_some(), a.org.name()).cmp(&(b.follow_up.is_some(), b.org.name()))
    });
    let places = st.registry.places();
    let rows: String = list.iter().map(|n| row(n, &places)).collect();
    let body = if list.is_empty() {
        "<p>Không có HTX nào trong danh sách.</p>".to_owned()
    } else {
        format!("<div class=w><table><thead><tr><th scope=col>Hợp tác xã</th><th scope=col>Xã, phường</th><th scope=col>Lý do</th><th scope=col>Phương án</th><th scope=col>Phụ trách</th><th scope=col>Thời hạn</th><th scope=col>Kết quả</th></tr></thead><tbody>{rows}</tbody></table></div>")
    };
    let year_options = crate::html::year_options(2019, this_year, year);
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Theo dõi HTX yếu, tồn tại hình thức — hoptac</title><link rel="stylesheet" href="/static/app.css"></head>
<body><p><a href="/">← Danh sách</a></p><header><h1>Theo dõi HTX yếu, tồn tại hình thức — năm {year}</h1><p>{who}</p></header>
<p>{total} HTX cần có phương án; <strong>{without}</strong> chưa có.</p>
<form method="get" action="/theo-doi"><label>Năm <select name="year">{year_options}</select></label>
<label><input type="checkbox" name="missing" value="1"{checked}> Chỉ những HTX chưa có phương án</label>
<button type="submit">Xem</button></form>
{body}
</body></html>"#,
        who = esc(&p.display_name),
        total = format_int(total as i64),
        without = format_int(without as i64),
        checked = if missing_only { " checked" } else { "" },
    ))
    .into_response()
}
