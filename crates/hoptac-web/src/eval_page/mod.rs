//! Evaluation pages (*đánh giá, phân loại HTX*): a year's score sheets in the reader's
//! scope, and each sheet with its proposed points, the scores, the outcome and the
//! workflow steps (submit, review, approve, return, reopen) the reader may take.
//! Forms post without JavaScript; every write checks CSRF and the sheet's version.

use crate::html::{page_lang, points_text};
use crate::templates::evaluation as tpl;
use crate::templates::{Frame, Markup};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hoptac_app::evaluations::{Action, EvalState, Sheet};
use hoptac_app::AppError;
use hoptac_domain::auth::Principal;
use hoptac_domain::i18n::{format_int, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::OrgId;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

mod sheet;
mod steps;

pub use sheet::{sheet_page, SheetQuery};
pub use steps::{sheet_action, sheet_save};

/// What signing in is needed for here.
const TO_SAVE: crate::auth::Need = ("Cần đăng nhập để lưu phiếu.", "Sign in to save the sheet.");
const TO_ACT: crate::auth::Need = (
    "Cần đăng nhập để xử lý phiếu.",
    "Sign in to work on the sheet.",
);
const TO_READ: crate::auth::Need = (
    "Cần đăng nhập để xem phiếu đánh giá.",
    "Sign in to see evaluations.",
);

type Values = HashMap<String, String>;

const PER_PAGE: usize = 100;

#[derive(Deserialize)]
pub struct ListQuery {
    year: Option<i32>,
    /// `none`, `draft`, `submitted`, `reviewed`, `approved`.
    state: Option<String>,
    page: Option<usize>,
    lang: Option<String>,
}

fn state_label(s: Option<EvalState>, lang: Lang) -> &'static str {
    match s {
        None => lang.t("Chưa có phiếu", "No sheet"),
        Some(s) => lang.t(s.label_vi(), s.label_en()),
    }
}

/// `/danh-gia`: every HTX and LHHTX in the reader's scope that should be classified in
/// the year, with its sheet's state, those without a sheet first.
pub async fn eval_list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_READ).await);
    let this_year = chrono::Datelike::year(&st.gate.today());
    let year = q
        .year
        .filter(|y| (2015..=this_year).contains(y))
        .unwrap_or_else(|| st.gate.latest_final_year());
    let wanted = q.state.clone().filter(|s| !s.is_empty());
    let want = wanted.clone();
    let asked_page = q.page.unwrap_or(1);
    // The whole list is ids, states and totals; only the page shown is read in full.
    let loaded = crate::run::on_page(&st, &p, lang, move |me| {
        let mut rows = me.to_classify(year)?;
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        for r in &rows {
            *counts
                .entry(r.state.map_or("none", EvalState::code))
                .or_default() += 1;
        }
        if let Some(w) = &want {
            rows.retain(|r| r.state.map_or("none", EvalState::code) == w);
        }
        let total = rows.len();
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = asked_page.clamp(1, pages);
        let rows: Vec<_> = rows
            .into_iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .collect();
        let ids: Vec<OrgId> = rows.iter().map(|r| r.org_id).collect();
        let mut views: HashMap<OrgId, OrgView> = me
            .current_views(&ids)?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        let shown: Vec<_> = rows
            .into_iter()
            .filter_map(|r| Some((views.remove(&r.org_id)?, r)))
            .collect();
        Ok((shown, counts, pages, page))
    });
    let (shown, counts, pages, page) = or_page!(loaded.await);
    let wanted = wanted.as_deref().unwrap_or("");
    let places = st.gate.places();
    let rows = shown
        .iter()
        .map(|(v, r)| {
            let (total, rating) = r
                .scored
                .map(|(total, rating)| {
                    (
                        points_text(total, lang),
                        lang.t(rating.label_vi(), rating.label_en()).to_owned(),
                    )
                })
                .unwrap_or_default();
            tpl::ListRow {
                id: v.id,
                name: v.name().to_owned(),
                commune: crate::html::commune_label(v, &places),
                state: state_label(r.state, lang),
                total,
                rating,
            }
        })
        .collect();
    let states = [
        ("", lang.t("Tất cả", "All")),
        ("none", state_label(None, lang)),
        ("draft", state_label(Some(EvalState::Draft), lang)),
        ("submitted", state_label(Some(EvalState::Submitted), lang)),
        ("reviewed", state_label(Some(EvalState::Reviewed), lang)),
        ("approved", state_label(Some(EvalState::Approved), lang)),
    ]
    .into_iter()
    .map(|(code, label)| tpl::StateChoice {
        code,
        label,
        count: (!code.is_empty()).then(|| format_int(*counts.get(code).unwrap_or(&0) as i64)),
    })
    .collect();
    let title = format!(
        "{} {year}",
        lang.t("Đánh giá, phân loại năm", "Evaluations for")
    );
    let summary = format!(
        "{} {}; {} {}.",
        format_int(counts.values().sum::<usize>() as i64),
        lang.t("tổ chức cần xếp loại", "organisations to classify"),
        format_int(*counts.get("none").unwrap_or(&0) as i64),
        lang.t("chưa có phiếu", "without a sheet"),
    );
    let body = tpl::list(&tpl::List {
        lang,
        title: &title,
        summary: &summary,
        year,
        years: (2015, this_year),
        states,
        wanted,
        rows,
        page,
        pages,
    });
    let here = format!("/danh-gia?year={year}");
    let frame = Frame {
        lang,
        title: &title,
        who: Some((&p, &csrf)),
        here: &here,
    };
    Html(crate::templates::page(&frame, body).into_string()).into_response()
}
