//! The audit trail for administrators (`/nhat-ky`): whether the chain verifies, and the
//! latest links with who, when, through what, and each record's before/after values.

use crate::html::esc;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_store::audit::{self, Finding};

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    lang: Option<String>,
}

pub async fn audit_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let (p, csrf) =
        match crate::auth::reader(&headers, &st, lang, "Cần đăng nhập.", "Sign in first.").await
        {
            Ok(x) => x,
            Err(r) => return r,
        };
    if !p.may(hoptac_domain::auth::Action::Administer) {
        return (
            StatusCode::FORBIDDEN,
            Html(crate::html::layout(
                lang,
                t("Nhật ký thay đổi", "Audit trail"),
                Some((&p, &csrf)),
                "/nhat-ky",
                &format!(
                    "<h1>{}</h1><p>{}</p>",
                    t("Nhật ký thay đổi", "Audit trail"),
                    t(
                        "Nhật ký dành cho quản trị viên.",
                        "The audit trail is for administrators."
                    )
                ),
            )),
        )
            .into_response();
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
    let (finding, anchor, links) = match crate::error::settle(lang, loaded) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let bad = |vi: &str, en: &str| format!("<span class=error>{}</span>", lang.t(vi, en));
    let state = match finding {
        Finding::Intact { links } => match lang {
            hoptac_domain::i18n::Lang::Vi => format!("Chuỗi nhật ký nguyên vẹn: {links} mắt xích."),
            hoptac_domain::i18n::Lang::En => format!("The chain is intact: {links} links."),
        },
        Finding::Missing { seq } => bad(
            &format!("Thiếu mắt xích {seq}: nhật ký đã bị xóa bớt."),
            &format!("Link {seq} is missing: rows were deleted."),
        ),
        Finding::Altered { seq } => bad(
            &format!("Mắt xích {seq} không khớp mã băm: đã bị sửa."),
            &format!("Link {seq} does not match its hash: it was edited."),
        ),
        Finding::Broken { seq } => bad(
            &format!("Chuỗi bị đứt tại mắt xích {seq}."),
            &format!("The chain breaks at link {seq}."),
        ),
        Finding::AnchorMismatch { seq } => bad(
            &format!("Mắt xích {seq} khác mốc đã lưu."),
            &format!("Link {seq} differs from the saved anchor."),
        ),
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
                format!("<br>… {more} {}", t("bản ghi nữa", "more records"))
            } else {
                String::new()
            }
        ));
    }
    let body = format!(
        r#"<h1>{title}</h1><p>{state}</p>
<p>{anchor_l}: <code>{anchor}</code></p>
<div class=w><table><thead><tr><th scope=col>#</th><th scope=col>{h_at}</th><th scope=col>{h_who}</th><th scope=col>{h_via}</th><th scope=col>{h_what}</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        title = t("Nhật ký thay đổi", "Audit trail"),
        anchor_l = t(
            "Mốc hiện tại (lưu ở nơi khác để phát hiện việc viết lại chuỗi)",
            "Current anchor (keep it elsewhere to detect a rewritten chain)"
        ),
        anchor = anchor.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
        h_at = t("Thời điểm (giờ Việt Nam)", "When (Vietnam time)"),
        h_who = t("Người", "Who"),
        h_via = t("Qua", "Through"),
        h_what = t("Thay đổi", "Changes"),
    );
    Html(crate::html::layout(
        lang,
        t("Nhật ký thay đổi", "Audit trail"),
        Some((&p, &csrf)),
        "/nhat-ky",
        &body,
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
