//! One score sheet (`/danh-gia/{id}/{year}`): its proposed points, the scores, the
//! outcome and the workflow steps the reader may take; the loading shared by its forms.

use super::*;

#[derive(Deserialize)]
pub struct SheetQuery {
    /// What was just done, for the notice at the top.
    ok: Option<String>,
    lang: Option<String>,
}

/// What the reader may do with the sheet: a form's action name, by the role table.
pub(super) fn may(p: &Principal, action: &str) -> bool {
    use hoptac_domain::auth::Action::*;
    let needed = match action {
        "save" | "submit" => ScoreSheet,
        "review" | "return" => ReviewSheet,
        "approve" | "reopen" => ApproveSheet,
        _ => return false,
    };
    p.may(needed)
}

pub(super) struct Ctx<'a> {
    pub(super) lang: Lang,
    pub(super) p: &'a Principal,
    pub(super) csrf: &'a str,
    pub(super) org: &'a OrgView,
    pub(super) year: i32,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        lang: Lang,
        p: &'a Principal,
        csrf: &'a str,
        org: &'a OrgView,
        year: i32,
    ) -> Self {
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
pub(super) type Notice<'a> = Option<(bool, &'a str)>;

pub(super) fn sheet_html(
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
    let name = |u: &str| sheet.people.name_of(u).to_owned();
    let people = ev.map(|e| tpl::People {
        prepared_by: name(&e.prepared_by),
        reviewed_by: e.reviewed_by.as_deref().map(name),
        approved_by: e.approved_by.as_deref().map(name),
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

/// Where this page's messages lead on.
const SHEETS: crate::html::WayOn =
    crate::html::WayOn::new("/danh-gia", "Danh sách phiếu", "All sheets");

pub(super) fn message(status: StatusCode, msg: &str, lang: Lang) -> Response {
    SHEETS.message(lang, status, msg)
}

/// A form posted on a sheet: the signed-in author (the form's CSRF token checked), then
/// the organisation and its sheet if the author may see them. `need`: what to tell
/// someone not signed in.
pub(super) async fn posted(
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
pub(super) async fn load(
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

pub(super) fn page(cx: &Ctx, status: StatusCode, content: Markup) -> Response {
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

pub(super) fn done_notice(ok: Option<&str>, lang: Lang) -> Option<&'static str> {
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
