//! The forms posted on a score sheet: saving the typed scores, and one workflow step
//! (submit, review, approve, return, reopen). Each checks CSRF and the sheet's version.

use super::sheet::*;
use super::*;

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
