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
        .unwrap_or(this_year - 1);
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

#[derive(Deserialize)]
pub struct SheetQuery {
    /// What was just done, for the notice at the top.
    ok: Option<String>,
    lang: Option<String>,
}

/// What the reader may do with the sheet: a form's action name, by the role table.
fn may(p: &Principal, action: &str) -> bool {
    use hoptac_domain::auth::Action::*;
    let needed = match action {
        "save" | "submit" => ScoreSheet,
        "review" | "return" => ReviewSheet,
        "approve" | "reopen" => ApproveSheet,
        _ => return false,
    };
    p.may(needed)
}

struct Ctx<'a> {
    lang: Lang,
    p: &'a Principal,
    csrf: &'a str,
    org: &'a OrgView,
    year: i32,
}

impl<'a> Ctx<'a> {
    fn new(lang: Lang, p: &'a Principal, csrf: &'a str, org: &'a OrgView, year: i32) -> Self {
        Ctx {
            lang,
            p,
            csrf,
            org,
            year,
        }
    }
}

/// A notice at the top of a sheet: `(error, text)`.
type Notice<'a> = Option<(bool, &'a str)>;

fn sheet_html(
    cx: &Ctx,
    sheet: &Sheet,
    typed: Option<&Values>,
    errors: &Values,
    notice: Notice<'_>,
) -> Markup {
    let lang = cx.lang;
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let rs = &sheet.rule_set;
    let ev = sheet.record.as_ref().map(|r| &r.evaluation);
    let version = sheet.record.as_ref().map_or(0, |r| r.version);
    let state = ev.map(|e| e.state);
    let editable = state.is_none_or(|s| s == EvalState::Draft) && may(cx.p, "save");
    let proposals: HashMap<&str, &hoptac_domain::evaluation::Proposal> = sheet
        .proposals
        .iter()
        .map(|p| (p.code.as_str(), p))
        .collect();
    let criteria = rs
        .criteria
        .iter()
        .map(|c| tpl::CriterionRows {
            code: c.code.clone(),
            name: lang.t(&c.name, &c.name_en).to_owned(),
            max: points_text(c.max, lang),
            scored: ev
                .and_then(|e| e.outcome.as_ref())
                .and_then(|o| o.by_criterion.get(&c.code))
                .map(|x| points_text(*x, lang)),
            provisional: c.provisional,
            subs: c
                .subs
                .iter()
                .map(|s| {
                    let code = &s.code;
                    let stored = ev.and_then(|e| e.scores.get(code)).copied();
                    let reason_stored = ev.and_then(|e| e.reasons.get(code)).cloned();
                    let (score, reason) = if editable {
                        (
                            typed
                                .and_then(|v| v.get(&format!("s.{code}")).cloned())
                                .or_else(|| stored.map(|x| points_text(x, lang)))
                                .unwrap_or_default(),
                            typed
                                .and_then(|v| v.get(&format!("r.{code}")).cloned())
                                .or(reason_stored)
                                .unwrap_or_default(),
                        )
                    } else {
                        (
                            stored.map(|x| points_text(x, lang)).unwrap_or_default(),
                            reason_stored.unwrap_or_default(),
                        )
                    };
                    tpl::SubRow {
                        code: code.clone(),
                        name: lang.t(&s.name, &s.name_en).to_owned(),
                        max: points_text(s.max, lang),
                        proposal: proposals.get(code.as_str()).map(|pr| {
                            (
                                pr.points
                                    .map(|x| points_text(x, lang))
                                    .unwrap_or_else(|| "—".into()),
                                pr.explanation.clone(),
                            )
                        }),
                        score,
                        reason,
                        error: errors.get(&format!("s.{code}")).cloned(),
                    }
                })
                .collect(),
        })
        .collect();
    let outcome = ev.and_then(|e| e.outcome.as_ref()).map(|o| tpl::Outcome {
        total: points_text(o.total, lang),
        rating: lang.t(o.rating.label_vi(), o.rating.label_en()),
        why: match &o.not_rated {
            Some(hoptac_domain::evaluation::NotRatedReason::FoundedInYear { .. }) => {
                t(" (thành lập trong năm)", " (founded in the year)")
            }
            Some(hoptac_domain::evaluation::NotRatedReason::Stopped { .. }) => t(
                " (ngừng hoạt động quá 3 tháng)",
                " (stopped for over 3 months)",
            ),
            None if o.sanction_applied => t(
                " (bị xử phạt vi phạm hành chính trong năm)",
                " (sanctioned in the year)",
            ),
            None => "",
        },
    });
    let returned = ev
        .filter(|e| e.state == EvalState::Draft)
        .and_then(|e| e.last_return.as_deref());
    let people = ev.map(|e| tpl::People {
        prepared_by: e.prepared_by.clone(),
        reviewed_by: e.reviewed_by.clone(),
        approved_by: e.approved_by.clone(),
    });
    let possible: &[(&'static str, &'static str, bool)] = match state {
        Some(EvalState::Draft) => &[("submit", "Nộp phiếu|Submit", false)],
        Some(EvalState::Submitted) => &[
            (
                "review",
                "Thẩm định xong, chuyển phê duyệt|Mark reviewed",
                false,
            ),
            ("return", "Trả lại để sửa|Return for correction", true),
        ],
        Some(EvalState::Reviewed) => &[
            ("approve", "Phê duyệt|Approve", false),
            ("return", "Trả lại để sửa|Return for correction", true),
        ],
        Some(EvalState::Approved) => &[("reopen", "Mở lại phiếu|Reopen", true)],
        None => &[],
    };
    let steps = possible
        .iter()
        .filter(|(action, _, _)| may(cx.p, action))
        .map(|&(action, labels, reason)| {
            let (vi, en) = labels.split_once('|').unwrap_or((labels, labels));
            tpl::Step {
                action,
                label: lang.t(vi, en),
                reason,
            }
        })
        .collect();
    tpl::sheet(&tpl::Sheet {
        lang,
        csrf: cx.csrf,
        id: cx.org.id,
        name: cx.org.name(),
        year: cx.year,
        rule_set: lang.t(&rs.name, &rs.name_en),
        provisional: rs.provisional,
        state: state_label(state, lang),
        notice,
        returned,
        outcome,
        people,
        editable,
        version,
        criteria,
        steps,
    })
}

fn message(status: StatusCode, msg: &str, lang: Lang) -> Response {
    crate::html::message_page(
        lang,
        status,
        msg,
        "/danh-gia",
        lang.t("Danh sách phiếu", "All sheets"),
    )
}

/// A form posted on a sheet: the signed-in author (the form's CSRF token checked), then
/// the organisation and its sheet if the author may see them. `need`: what to tell
/// someone not signed in.
async fn posted(
    st: &AppState,
    headers: &HeaderMap,
    id: OrgId,
    year: i32,
    form: &Values,
    need: crate::auth::Need<'_>,
) -> Result<(Lang, Principal, String, OrgView, Sheet), Response> {
    let lang = page_lang(headers, None);
    let (p, csrf) = crate::auth::poster(headers, st, lang, form.get("csrf"), need).await?;
    let (org, sheet) = load(st, &p, id, year, lang).await?;
    Ok((lang, p, csrf, org, sheet))
}

/// The organisation and its sheet, if the reader may see them.
async fn load(
    st: &AppState,
    p: &Principal,
    id: OrgId,
    year: i32,
    lang: Lang,
) -> Result<(OrgView, Sheet), Response> {
    let loaded = crate::run::on_page_tried(st, p, lang, move |me| me.sheet(id, year)).await?;
    loaded.map_err(|e| {
        crate::error::log_fault(&e, "loading a score sheet");
        let status = match e {
            AppError::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ref e => crate::error::status_of(e),
        };
        message(status, &e.message(lang), lang)
    })
}

fn page(cx: &Ctx, status: StatusCode, content: Markup) -> Response {
    let title = format!(
        "{} {}",
        cx.lang.t("Phiếu đánh giá", "Score sheet"),
        cx.org.name()
    );
    let here = format!("/danh-gia/{}/{}", cx.org.id, cx.year);
    let frame = Frame {
        lang: cx.lang,
        title: &title,
        who: Some((cx.p, cx.csrf)),
        here: &here,
    };
    (
        status,
        Html(crate::templates::page(&frame, content).into_string()),
    )
        .into_response()
}

fn done_notice(ok: Option<&str>, lang: Lang) -> Option<&'static str> {
    let msg = match ok {
        Some("saved") => lang.t("Đã lưu phiếu.", "Sheet saved."),
        Some("submit") => lang.t("Đã nộp phiếu.", "Sheet submitted."),
        Some("review") => lang.t("Đã thẩm định phiếu.", "Sheet reviewed."),
        Some("approve") => lang.t("Đã phê duyệt phiếu.", "Sheet approved."),
        Some("return") => lang.t("Đã trả lại phiếu.", "Sheet returned."),
        Some("reopen") => lang.t("Đã mở lại phiếu.", "Sheet reopened."),
        _ => return None,
    };
    Some(msg)
}

/// `GET /danh-gia/{id}/{year}`.
pub async fn sheet_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, year)): Path<(OrgId, i32)>,
    Query(q): Query<SheetQuery>,
) -> Response {
    let lang = page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_READ).await);
    let (org, sheet) = or_page!(load(&st, &p, id, year, lang).await);
    let cx = Ctx::new(lang, &p, &csrf, &org, year);
    let content = sheet_html(
        &cx,
        &sheet,
        None,
        &Values::new(),
        done_notice(q.ok.as_deref(), lang).map(|m| (false, m)),
    );
    page(&cx, StatusCode::OK, content)
}

/// What went wrong with a write, shown above the current sheet (as an alert).
fn refusal(e: &AppError, lang: Lang) -> (StatusCode, String) {
    match e {
        AppError::StaleDocument { .. } => (
            StatusCode::CONFLICT,
            lang.t(
                "Phiếu vừa được người khác thay đổi. Chưa lưu gì của bạn; đây là bản hiện tại.",
                "Someone else changed the sheet. Nothing of yours was saved; this is the current sheet.",
            )
            .to_owned(),
        ),
        AppError::Forbidden { .. } | AppError::Unauthorized => {
            (StatusCode::FORBIDDEN, e.message(lang))
        }
        AppError::Refused { .. } | AppError::Invalid(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, e.message(lang))
        }
        e => {
            crate::error::log_fault(e, "a score sheet step");
            (crate::error::status_of(e), e.message(lang))
        }
    }
}

/// `POST /danh-gia/{id}/{year}`: saves the scores typed on a draft.
pub async fn sheet_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, year)): Path<(OrgId, i32)>,
    Form(form): Form<Values>,
) -> Response {
    let (lang, p, csrf, org, sheet) =
        or_page!(posted(&st, &headers, id, year, &form, TO_SAVE).await);
    let cx = Ctx::new(lang, &p, &csrf, &org, year);
    if !may(&p, "save") {
        let content = sheet_html(
            &cx,
            &sheet,
            None,
            &Values::new(),
            Some((
                true,
                lang.t("Tài khoản này chỉ được xem.", "This account is read-only."),
            )),
        );
        return page(&cx, StatusCode::FORBIDDEN, content);
    }
    let mut scores = BTreeMap::new();
    let mut reasons = BTreeMap::new();
    let mut errors = Values::new();
    for c in &sheet.rule_set.criteria {
        for s in &c.subs {
            let typed = form
                .get(&format!("s.{}", s.code))
                .map(|v| v.trim())
                .unwrap_or("");
            if !typed.is_empty() {
                match crate::html::parse_points(typed) {
                    Some(x) if x <= s.max => {
                        scores.insert(s.code.clone(), x);
                    }
                    Some(_) => {
                        errors.insert(
                            format!("s.{}", s.code),
                            format!(
                                "{} {}",
                                lang.t("Tối đa", "At most"),
                                points_text(s.max, lang)
                            ),
                        );
                    }
                    None => {
                        errors.insert(
                            format!("s.{}", s.code),
                            format!(
                                "\"{typed}\" {}",
                                lang.t(
                                    "không phải số điểm (lẻ tới 0,1)",
                                    "is not a number of points (tenths at most)"
                                )
                            ),
                        );
                    }
                }
            }
            if let Some(r) = form
                .get(&format!("r.{}", s.code))
                .map(|r| r.trim())
                .filter(|r| !r.is_empty())
            {
                reasons.insert(s.code.clone(), r.to_owned());
            }
        }
    }
    if !errors.is_empty() {
        let content = sheet_html(
            &cx,
            &sheet,
            Some(&form),
            &errors,
            Some((
                true,
                lang.t(
                    "Chưa lưu: có điểm chưa hợp lệ (xem bên dưới).",
                    "Not saved: some points are invalid (see below).",
                ),
            )),
        );
        return page(&cx, StatusCode::UNPROCESSABLE_ENTITY, content);
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let saved = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let actor = me.actor("web: phiếu đánh giá");
        let version = (version > 0).then_some(version);
        me.save_scores(id, year, scores, reasons, None, version, &actor)
    })
    .await;
    match saved {
        Ok(Ok(_)) => Redirect::to(&format!("/danh-gia/{id}/{year}?ok=saved")).into_response(),
        Ok(Err(e)) => {
            let (status, notice) = refusal(&e, lang);
            // The current sheet, fresh: what someone else saved is what is shown.
            let fresh = match load(&st, &p, id, year, lang).await {
                Ok((_, s)) => s,
                Err(r) => return r,
            };
            let typed = (status != StatusCode::CONFLICT).then_some(&form);
            let content = sheet_html(&cx, &fresh, typed, &Values::new(), Some((true, &notice)));
            page(&cx, status, content)
        }
        Err(r) => r,
    }
}

/// `POST /danh-gia/{id}/{year}/thao-tac`: one workflow step.
pub async fn sheet_action(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, year)): Path<(OrgId, i32)>,
    Form(form): Form<Values>,
) -> Response {
    let (lang, p, csrf, org, _) = or_page!(posted(&st, &headers, id, year, &form, TO_ACT).await);
    let name = form.get("action").cloned().unwrap_or_default();
    let reason = form.get("reason").cloned().unwrap_or_default();
    let action = match name.as_str() {
        "submit" => Action::Submit,
        "review" => Action::Review,
        "approve" => Action::Approve,
        "return" => Action::Return { reason },
        "reopen" => Action::Reopen { reason },
        _ => {
            return message(
                StatusCode::BAD_REQUEST,
                lang.t("Thao tác không hợp lệ.", "Unknown action."),
                lang,
            )
        }
    };
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let result = if may(&p, &name) {
        let done = crate::run::on_page_tried(&st, &p, lang, move |me| {
            me.transition(id, year, action, version, &me.actor("web: phiếu đánh giá"))
        });
        or_page!(done.await)
    } else {
        Err(AppError::Forbidden {
            vi: "Tài khoản này không được thực hiện bước này".into(),
            en: "This account may not take this step".into(),
        })
    };
    match result {
        Ok(_) => Redirect::to(&format!("/danh-gia/{id}/{year}?ok={name}")).into_response(),
        Err(e) => {
            let (status, notice) = refusal(&e, lang);
            let fresh = match load(&st, &p, id, year, lang).await {
                Ok((_, s)) => s,
                Err(r) => return r,
            };
            let cx = Ctx::new(lang, &p, &csrf, &org, year);
            let content = sheet_html(&cx, &fresh, None, &Values::new(), Some((true, &notice)));
            page(&cx, status, content)
        }
    }
}
