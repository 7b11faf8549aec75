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

fn row(n: &NeedsFollowUp, year: i32, places: &hoptac_domain::Gazetteer) -> String {
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
        "<tr><td><a href=\"/to-chuc/{id}\">{name}</a></td><td>{commune}</td><td>{causes}</td><td>{plan}<br><a href=\"/theo-doi/{id}/{year}\">Ghi phương án</a></td><td>{owner}</td><td>{deadline}</td><td>{outcome}</td></tr>",
        id = n.org.id,
        year = n.follow_up.as_ref().map(|r| r.follow_up.year).unwrap_or(year),
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
    let rows: String = list.iter().map(|n| row(n, year, &places)).collect();
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

/// Who may record a plan: officers (not cooperative accounts, not leaders) in scope.
fn may_record(p: &hoptac_domain::auth::Principal) -> bool {
    p.role.writes() && p.role != hoptac_domain::auth::Role::Cooperative
}

fn plan_options(selected: Option<&str>) -> String {
    [Plan::Support, Plan::Restructure, Plan::Dissolve]
        .iter()
        .map(|p| {
            let code = plan_code(*p);
            format!(
                "<option value=\"{code}\"{}>{}</option>",
                if selected == Some(code) {
                    " selected"
                } else {
                    ""
                },
                plan_label(*p)
            )
        })
        .collect()
}

fn plan_code(p: Plan) -> &'static str {
    match p {
        Plan::Support => "support",
        Plan::Restructure => "restructure",
        Plan::Dissolve => "dissolve",
    }
}

/// The form's values: what was typed, else the record, else empty.
type Values = std::collections::HashMap<String, String>;

fn values_of(n: &NeedsFollowUp) -> (Values, i64) {
    let mut v = Values::new();
    let Some(r) = &n.follow_up else {
        return (v, 0);
    };
    let f = &r.follow_up;
    v.insert("plan".into(), plan_code(f.plan).into());
    v.insert("description".into(), f.description.clone());
    v.insert("owner".into(), f.owner.clone());
    v.insert("deadline".into(), format_date(f.deadline));
    v.insert("outcome".into(), f.outcome.clone().unwrap_or_default());
    if f.closed {
        v.insert("closed".into(), "1".into());
    }
    (v, r.version)
}

fn form_html(
    n: &NeedsFollowUp,
    year: i32,
    values: &Values,
    version: i64,
    csrf: &str,
    errors: &Values,
    notice: &str,
) -> String {
    let val = |k: &str| esc(values.get(k).map(String::as_str).unwrap_or(""));
    let err = |k: &str| {
        errors
            .get(k)
            .map(|m| format!(" <span class=error id=\"{k}-error\">{}</span>", esc(m)))
            .unwrap_or_default()
    };
    let causes: Vec<&str> = n.causes.iter().map(|c| cause_label(*c)).collect();
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phương án — {name}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><p><a href="/theo-doi?year={year}">← Danh sách theo dõi</a></p>
<h1>Phương án năm {year}: <a href="/to-chuc/{id}">{name}</a></h1><p>Lý do: {causes}</p>{notice}
<form method="post" action="/theo-doi/{id}/{year}" class=signin>
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="version" value="{version}">
<label>Phương án <select name="plan">{plans}</select></label>
<label>Nội dung{e_desc}<input name="description" value="{desc}" required></label>
<label>Cơ quan, người phụ trách{e_owner}<input name="owner" value="{owner}" required></label>
<label>Thời hạn (dd/mm/yyyy){e_deadline}<input name="deadline" value="{deadline}" required inputmode="numeric"></label>
<label>Kết quả<input name="outcome" value="{outcome}"></label>
<label><input type="checkbox" name="closed" value="1"{closed}> Đã xong</label>
<button type="submit">Lưu phương án</button></form></body></html>"#,
        id = n.org.id,
        name = esc(n.org.name()),
        causes = causes.join(", "),
        plans = plan_options(values.get("plan").map(String::as_str)),
        desc = val("description"),
        owner = val("owner"),
        deadline = val("deadline"),
        outcome = val("outcome"),
        closed = if values.contains_key("closed") {
            " checked"
        } else {
            ""
        },
        e_desc = err("description"),
        e_owner = err("owner"),
        e_deadline = err("deadline"),
    )
}

fn message(status: StatusCode, msg: &str) -> Response {
    crate::html::message_page(status, msg, "/theo-doi", "Danh sách theo dõi")
}

/// The HTX's entry in the follow-up list of `year`, if the reader may record it.
async fn entry(
    st: &AppState,
    p: &hoptac_domain::auth::Principal,
    id: i64,
    year: i32,
) -> Result<NeedsFollowUp, Response> {
    if !may_record(p) {
        return Err(message(
            StatusCode::FORBIDDEN,
            "Tài khoản này không ghi được phương án.",
        ));
    }
    let reg = st.registry.clone();
    let who = p.clone();
    let found = tokio::task::spawn_blocking(move || {
        reg.needing_follow_up(year).map(|list| {
            list.into_iter()
                .find(|n| n.org.id == id && who.can_see(&n.org))
        })
    })
    .await;
    match found {
        Ok(Ok(Some(n))) => Ok(n),
        Ok(Ok(None)) => Err(message(
            StatusCode::NOT_FOUND,
            "HTX này không thuộc danh sách cần theo dõi năm đó (hoặc ngoài phạm vi của bạn).",
        )),
        _ => Err(message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Lỗi hệ thống; chưa lưu gì.",
        )),
    }
}

pub async fn follow_up_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path((id, year)): axum::extract::Path<(i64, i32)>,
) -> Response {
    let Some((p, csrf, _)) = browser_session(&headers, &st).await else {
        return crate::html::sign_in_required("Cần đăng nhập để ghi phương án.");
    };
    let n = match entry(&st, &p, id, year).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let (values, version) = values_of(&n);
    Html(form_html(
        &n,
        year,
        &values,
        version,
        &csrf,
        &Values::new(),
        "",
    ))
    .into_response()
}

pub async fn follow_up_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path((id, year)): axum::extract::Path<(i64, i32)>,
    axum::extract::Form(form): axum::extract::Form<Values>,
) -> Response {
    let Some((p, csrf, _)) = browser_session(&headers, &st).await else {
        return crate::html::sign_in_required("Cần đăng nhập để ghi phương án.");
    };
    if form.get("csrf") != Some(&csrf) {
        return message(
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn; hãy tải lại trang.",
        );
    }
    let n = match entry(&st, &p, id, year).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let mut errors = Values::new();
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let plan = match form.get("plan").map(String::as_str) {
        Some("restructure") => Plan::Restructure,
        Some("dissolve") => Plan::Dissolve,
        _ => Plan::Support,
    };
    let deadline_text = text("deadline");
    let deadline = hoptac_domain::i18n::parse_date(&deadline_text);
    if deadline.is_none() {
        errors.insert(
            "deadline".into(),
            format!("\"{deadline_text}\" không phải ngày (dd/mm/yyyy)"),
        );
    }
    for (k, label) in [("description", "Nội dung"), ("owner", "Người phụ trách")] {
        if text(k).is_empty() {
            errors.insert(k.into(), format!("{label}: cần điền"));
        }
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let invalid = |errors: &Values, notice: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(form_html(&n, year, &form, version, &csrf, errors, notice)),
        )
            .into_response()
    };
    let Some(deadline) = deadline.filter(|_| errors.is_empty()) else {
        return invalid(
            &errors,
            "<p class=error role=alert>Chưa lưu: có thông tin chưa hợp lệ (xem bên dưới).</p>",
        );
    };
    let input = hoptac_app::followups::FollowUpInput {
        plan,
        description: text("description"),
        owner: text("owner"),
        deadline,
        outcome: Some(text("outcome")).filter(|o| !o.is_empty()),
        closed: form.contains_key("closed"),
    };
    let reg = st.registry.clone();
    let actor = hoptac_app::Actor::new(p.username.clone(), Some("web: phương án theo dõi".into()));
    let saved = tokio::task::spawn_blocking(move || {
        reg.save_follow_up(id, year, input, (version > 0).then_some(version), &actor)
    })
    .await;
    match saved {
        Ok(Ok(_)) => {
            axum::response::Redirect::to(&format!("/theo-doi?year={year}")).into_response()
        }
        Ok(Err(
            hoptac_app::AppError::StaleDocument { .. }
            | hoptac_app::AppError::Refused {
                code: "changed", ..
            },
        )) => {
            // Someone saved first: show the current record, keep nothing of ours silently.
            let fresh = entry(&st, &p, id, year).await;
            match fresh {
                Ok(cur) => {
                    let (values, version) = values_of(&cur);
                    (
                        StatusCode::CONFLICT,
                        Html(form_html(
                            &cur,
                            year,
                            &values,
                            version,
                            &csrf,
                            &Values::new(),
                            "<p class=error role=alert>Phương án vừa được người khác lưu. Chưa lưu gì của bạn; đây là bản hiện tại.</p>",
                        )),
                    )
                        .into_response()
                }
                Err(r) => r,
            }
        }
        Ok(Err(hoptac_app::AppError::Invalid(errs))) => {
            let errors: Values = errs
                .iter()
                .map(|e| (e.field.clone(), e.message(hoptac_domain::i18n::Lang::Vi)))
                .collect();
            invalid(
                &errors,
                "<p class=error role=alert>Chưa lưu: có thông tin chưa hợp lệ (xem bên dưới).</p>",
            )
        }
        _ => message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Lỗi hệ thống; chưa lưu gì.",
        ),
    }
}
