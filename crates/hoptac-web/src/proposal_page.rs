//! Identity proposals on the organisation page (*đề nghị thay đổi thông tin pháp
//! lý*): the section that lists them, and the two forms an officer in scope posts,
//! Accept (`/to-chuc/{id}/de-nghi/chap-nhan`, the chosen fields) and Refuse
//! (`/to-chuc/{id}/de-nghi/tu-choi`, with a reason). The scoped handle decides who may:
//! another commune's officer gets 404, the cooperative itself 403.

use crate::edit_fields::Values;
use crate::templates::proposals::{ProposalRow, ProposalView, Proposals};
use crate::templates::Markup;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hoptac_app::proposals::{ProposalRecord, ProposalState};
use hoptac_app::AppError;
use hoptac_domain::i18n::{field_label, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId};

/// What signing in is needed for here.
const TO_DECIDE: crate::auth::Need = (
    "Cần đăng nhập để duyệt đề nghị.",
    "Sign in to decide proposals.",
);

/// Vietnam time, as the page's history shows it.
fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(7))
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// One field of a set as a person reads it ("—" when absent).
fn shown(fields: &OrgFields, key: &str, lang: Lang, places: &hoptac_domain::Gazetteer) -> String {
    fields.as_map().get(key).map_or_else(
        || "—".to_owned(),
        |v| crate::org_page::value_text(key, v, lang, places),
    )
}

fn view_of(
    r: &ProposalRecord,
    now: &OrgView,
    lang: Lang,
    places: &hoptac_domain::Gazetteer,
) -> ProposalView {
    let p = &r.proposal;
    let rows = p
        .proposed
        .as_map()
        .keys()
        .map(|k| {
            let (was, current) = (
                shown(&p.was, k, lang, places),
                shown(&now.fields, k, lang, places),
            );
            ProposalRow {
                key: k.clone(),
                label: field_label(k, lang),
                stale: was != current,
                was,
                now: current,
                proposed: shown(&p.proposed, k, lang, places),
            }
        })
        .collect();
    let decision = p.decision.as_ref().map(|d| {
        let mut s = format!(
            "{} {}, {}",
            lang.t("Quyết định của", "Decided by"),
            d.by,
            local(d.at)
        );
        if let Some(reason) = &d.reason {
            s.push_str(&format!(" — {}: {reason}", lang.t("lý do", "reason")));
        }
        s
    });
    let state = p.state();
    ProposalView {
        id: r.id.clone(),
        author: p.author.clone(),
        proposed_at: local(p.proposed_at),
        state: lang.t(state.label_vi(), state.label_en()),
        pending: state == ProposalState::Pending,
        rows,
        decision,
    }
}

/// The proposals section of the organisation page for a signed-in reader.
pub fn section(
    lang: Lang,
    csrf: &str,
    v: &OrgView,
    records: &[ProposalRecord],
    decides: bool,
    places: &hoptac_domain::Gazetteer,
) -> Markup {
    crate::templates::proposals::proposals(&Proposals {
        lang,
        org_id: v.id,
        csrf,
        version: v.version,
        decides,
        items: records
            .iter()
            .map(|r| view_of(r, v, lang, places))
            .collect(),
    })
}

/// The answer to a decision: back to the organisation page, or why not.
fn answer(id: OrgId, r: Result<Result<(), AppError>, Response>, lang: Lang) -> Response {
    let page = format!("/to-chuc/{id}");
    let back = lang.t("Về hồ sơ", "Back to the record");
    match r {
        Ok(Ok(())) => Redirect::to(&page).into_response(),
        Ok(Err(e)) => {
            let msg = match &e {
                AppError::Invalid(errs) if errs.iter().any(|f| f.field == "reason") => lang
                    .t(
                        "Cần ghi lý do từ chối.",
                        "A reason for refusing is required.",
                    )
                    .to_owned(),
                AppError::Invalid(errs) if errs.iter().any(|f| f.field == "fields") => lang
                    .t(
                        "Chọn ít nhất một thông tin để chấp nhận.",
                        "Choose at least one field to accept.",
                    )
                    .to_owned(),
                AppError::Conflict { .. } => lang
                    .t(
                        "Hồ sơ vừa được người khác sửa; hãy xem lại đề nghị rồi quyết định.",
                        "The record was just changed; review the proposal again, then decide.",
                    )
                    .to_owned(),
                e => e.message(lang),
            };
            crate::error::log_fault(&e, "identity proposal");
            crate::html::message_page(lang, crate::error::status_of(&e), &msg, &page, back)
        }
        Err(r) => r,
    }
}

/// `POST /to-chuc/{id}/de-nghi/chap-nhan`: accepts the chosen fields of a proposal.
pub async fn accept(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Form(form): Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, _) =
        or_page!(crate::auth::poster(&headers, &st, lang, form.get("csrf"), TO_DECIDE).await);
    let proposal = form.get("proposal").cloned().unwrap_or_default();
    let version = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let fields: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("f_"))
        .map(str::to_owned)
        .collect();
    let r = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let actor = me.actor(&format!("web: chấp nhận đề nghị {proposal}"));
        me.accept_proposal(id, &proposal, version, &fields, &actor)
            .map(|_| ())
    })
    .await;
    answer(id, r, lang)
}

/// `POST /to-chuc/{id}/de-nghi/tu-choi`: refuses a proposal, with a reason.
pub async fn refuse(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Form(form): Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, _) =
        or_page!(crate::auth::poster(&headers, &st, lang, form.get("csrf"), TO_DECIDE).await);
    let proposal = form.get("proposal").cloned().unwrap_or_default();
    let reason = form.get("reason").cloned().unwrap_or_default();
    let r = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let actor = me.actor("web: từ chối đề nghị");
        me.refuse_proposal(id, &proposal, &reason, &actor)
            .map(|_| ())
    })
    .await;
    answer(id, r, lang)
}
