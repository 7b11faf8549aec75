//! The audit trail for administrators (`/nhat-ky`): whether the chain verifies, and the
//! latest links with who, when, through what, and each record's before/after values.

use crate::templates::{audit as tpl, page, Frame};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_app::access::{AuditEntry, AuditView, Finding, RecordProblem, StateCheck};

/// What signing in is needed for here.
const SIGN_IN: crate::auth::Need = ("Cần đăng nhập.", "Sign in first.");

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    lang: Option<String>,
    /// Compare the stored records with the trail (`?doi-chieu=1`).
    #[serde(rename = "doi-chieu")]
    compare: Option<String>,
}

pub async fn audit_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, SIGN_IN).await);
    let frame = Frame {
        lang,
        title: tpl::title(lang),
        who: Some((&p, &csrf)),
        here: "/nhat-ky",
    };
    if !p.may(hoptac_domain::auth::Action::Administer) {
        return (
            StatusCode::FORBIDDEN,
            Html(page(&frame, tpl::refused(lang)).into_string()),
        )
            .into_response();
    }
    let compare = q.compare.is_some_and(|v| !v.is_empty() && v != "0");
    let AuditView {
        finding,
        anchor,
        recent: links,
        state: records,
    } = or_page!(crate::run::on_page(&st, &p, lang, move |me| me.audit(100, compare)).await);
    let people = or_page!(crate::run::on_page(&st, &p, lang, |me| me.people()).await);
    let bad = |vi: String, en: String| tpl::State {
        text: match lang {
            hoptac_domain::i18n::Lang::Vi => vi,
            hoptac_domain::i18n::Lang::En => en,
        },
        bad: true,
    };
    let state = match finding {
        Finding::Intact { links } => tpl::State {
            text: match lang {
                hoptac_domain::i18n::Lang::Vi => {
                    format!("Chuỗi nhật ký nguyên vẹn: {links} mắt xích.")
                }
                hoptac_domain::i18n::Lang::En => format!("The chain is intact: {links} links."),
            },
            bad: false,
        },
        Finding::Missing { seq } => bad(
            format!("Thiếu mắt xích {seq}: nhật ký đã bị xóa bớt."),
            format!("Link {seq} is missing: rows were deleted."),
        ),
        Finding::Altered { seq } => bad(
            format!("Mắt xích {seq} không khớp mã băm: đã bị sửa."),
            format!("Link {seq} does not match its hash: it was edited."),
        ),
        Finding::Broken { seq } => bad(
            format!("Chuỗi bị đứt tại mắt xích {seq}."),
            format!("The chain breaks at link {seq}."),
        ),
        Finding::AnchorMismatch { seq } => bad(
            format!("Mắt xích {seq} khác mốc đã lưu."),
            format!("Link {seq} differs from the saved anchor."),
        ),
    };
    let links = links
        .into_iter()
        .map(|l| {
            let entries: Vec<AuditEntry> = serde_json::from_str(&l.entries).unwrap_or_default();
            let more = entries.len().saturating_sub(5);
            let changes = entries
                .into_iter()
                .take(5)
                .map(|e| tpl::Change {
                    changed: match (&e.before, &e.after) {
                        (Some(b), Some(a)) => diff_keys(b, a),
                        _ => vec![],
                    },
                    action: e.action,
                    entity: e.entity,
                    id: e.id,
                })
                .collect();
            tpl::Link {
                seq: l.seq,
                at: (l.recorded_at + chrono::Duration::hours(7))
                    .format("%d/%m/%Y %H:%M:%S")
                    .to_string(),
                actor: people.name_of(&l.actor).to_owned(),
                source: l.source.unwrap_or_default(),
                changes,
                more,
            }
        })
        .collect();
    let body = tpl::audit(&tpl::Audit {
        lang,
        state,
        records: records.map(|c| records_view(lang, c)),
        anchor: anchor.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
        links,
    });
    Html(page(&frame, body).into_string()).into_response()
}

/// The comparison of stored records with the trail, in the reader's words.
fn records_view(lang: hoptac_domain::i18n::Lang, c: StateCheck) -> tpl::Records {
    let problem = |p: &RecordProblem| match p {
        RecordProblem::Altered => lang.t(
            "khác với lần ghi cuối trong nhật ký: đã bị sửa ngoài ứng dụng",
            "differs from its last write in the trail: edited outside the application",
        ),
        RecordProblem::Unrecorded => lang.t(
            "không có trong nhật ký: thêm ngoài ứng dụng, hoặc có từ trước (hoptac audit seal)",
            "not in the trail: added outside the application, or older (hoptac audit seal)",
        ),
        RecordProblem::Deleted => lang.t(
            "nhật ký có nhưng bản ghi đã mất: bị xóa ngoài ứng dụng",
            "in the trail but gone: deleted outside the application",
        ),
    };
    tpl::Records {
        compared: c.records,
        total: c.findings.len(),
        findings: c
            .findings
            .iter()
            .take(200)
            .map(|f| (f.table.to_owned(), f.record.clone(), problem(&f.problem)))
            .collect(),
    }
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
