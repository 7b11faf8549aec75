//! The audit trail for administrators (`/nhat-ky`): whether the chain verifies, and the
//! latest links with who, when, through what, and each record's before/after values.

use crate::auth::browser_session;
use crate::html::esc;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_domain::auth::Role;
use hoptac_store::audit::{self, Finding};

pub async fn audit_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let Some((p, _, _)) = browser_session(&headers, &st).await else {
        return (StatusCode::UNAUTHORIZED, Html("<!doctype html><meta charset=utf-8><link rel=stylesheet href=/static/app.css><p>Cần đăng nhập. <a href=\"/dang-nhap\">Đăng nhập</a></p>".to_owned())).into_response();
    };
    if p.role != Role::Admin {
        return (StatusCode::FORBIDDEN, Html("<!doctype html><meta charset=utf-8><link rel=stylesheet href=/static/app.css><p>Nhật ký dành cho quản trị viên.</p>".to_owned())).into_response();
    }
    let db = st.registry.db.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        Ok::<_, hoptac_store::StoreError>((
            audit::verify(&db, None)?,
            audit::anchor(&db)?,
            audit::recent(&db, 100)?,
        ))
    })
    .await;
    let Ok(Ok((finding, anchor, links))) = loaded else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let state = match finding {
        Finding::Intact { links } => format!("Chuỗi nhật ký nguyên vẹn: {links} mắt xích."),
        Finding::Missing { seq } => {
            format!("<span class=error>Thiếu mắt xích {seq}: nhật ký đã bị xóa bớt.</span>")
        }
        Finding::Altered { seq } => {
            format!("<span class=error>Mắt xích {seq} không khớp mã băm: đã bị sửa.</span>")
        }
        Finding::Broken { seq } => {
            format!("<span class=error>Chuỗi bị đứt tại mắt xích {seq}.</span>")
        }
        Finding::AnchorMismatch { seq } => {
            format!("<span class=error>Mắt xích {seq} khác mốc đã lưu.</span>")
        }
    };
    let mut rows = String::new();
    for l in links {
        let entries: Vec<audit::Entry> = serde_json::from_str(&l.entries).unwrap_or_default();
        let what: Vec<String> = entries
            .iter()
            .take(5)
            .map(|e| {
                let changed: Vec<String> = match (&e.before, &e.after) {
                    (Some(b), Some(a)) => diff_keys(b, a),
                    _ => vec![],
                };
                format!(
                    "{} {} <code>{}</code>{}",
                    esc(&e.action),
                    esc(&e.entity),
                    esc(&e.id),
                    if changed.is_empty() {
                        String::new()
                    } else {
                        format!(": <mark>{}</mark>", esc(&changed.join(", ")))
                    }
                )
            })
            .collect();
        let more = entries.len().saturating_sub(5);
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            l.seq,
            (l.recorded_at + chrono::Duration::hours(7)).format("%d/%m/%Y %H:%M:%S"),
            esc(&l.actor),
            esc(l.source.as_deref().unwrap_or("")),
            what.join("<br>"),
            if more > 0 {
                format!("<br>… {more} bản ghi nữa")
            } else {
                String::new()
            }
        ));
    }
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nhật ký thay đổi — hoptac</title><link rel="stylesheet" href="/static/app.css"></head>
<body><p><a href="/">← Danh sách</a></p><h1>Nhật ký thay đổi</h1><p>{state}</p>
<p>Mốc hiện tại (lưu ở nơi khác để phát hiện việc viết lại chuỗi): <code>{anchor}</code></p>
<div class=w><table><thead><tr><th>#</th><th>Thời điểm</th><th>Người</th><th>Qua</th><th>Thay đổi</th></tr></thead><tbody>{rows}</tbody></table></div></body></html>"#,
        anchor = anchor.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
    ))
    .into_response()
}

/// The top-level keys (and `fields` keys) whose values differ: what an update changed.
fn diff_keys(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return out;
    };
    for (k, av) in a {
        let bv = b.get(k);
        if bv == Some(av) {
            continue;
        }
        match (bv.and_then(|x| x.as_object()), av.as_object()) {
            (Some(bo), Some(ao)) if k == "fields" || k == "figures" => {
                for (fk, fv) in ao {
                    if bo.get(fk) != Some(fv) {
                        out.push(fk.clone());
                    }
                }
            }
            _ => out.push(k.clone()),
        }
    }
    out
}
