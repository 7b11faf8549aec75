//! The follow-up list (*theo dõi HTX yếu, tồn tại hình thức*, `/theo-doi`): every HTX
//! rated weak or existing only on paper in a year, within the reader's scope, with its
//! plan, owner, deadline and outcome — and those still without a plan first, because
//! Letter 538 asks for a plan for each one.

use crate::templates::follow_up as tpl;
use crate::templates::Markup;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_app::followups::{Cause, NeedsFollowUp, Plan};
use hoptac_domain::i18n::{format_date, format_int, Lang};
use serde::Deserialize;

/// What signing in is needed for here.
const TO_READ: crate::auth::Need = (
    "Cần đăng nhập để xem danh sách theo dõi.",
    "Sign in to see the follow-up list.",
);

/// What signing in is needed for here.
const TO_RECORD: crate::auth::Need = (
    "Cần đăng nhập để ghi phương án.",
    "Sign in to record plans.",
);

#[derive(Deserialize)]
pub struct FollowUpQuery {
    year: Option<i32>,
    /// `1`: only those without a follow-up record.
    missing: Option<String>,
    /// The organisation whose plan was just saved (for the confirmation).
    saved: Option<i64>,
    page: Option<usize>,
    lang: Option<String>,
}

fn cause_label(c: Cause, lang: Lang) -> &'static str {
    match c {
        Cause::Weak => lang.t("Xếp loại yếu", "Rated weak"),
        Cause::FormalOnly => lang.t("Tồn tại hình thức", "Formal only"),
    }
}

fn plan_label(p: Plan, lang: Lang) -> &'static str {
    match p {
        Plan::Support => lang.t("Hỗ trợ, củng cố", "Support and consolidate"),
        Plan::Restructure => lang.t("Tổ chức lại", "Reorganise"),
        Plan::Dissolve => lang.t("Giải thể", "Dissolve"),
    }
}

/// Not done, and its deadline has passed.
fn overdue(n: &NeedsFollowUp, today: chrono::NaiveDate) -> bool {
    n.follow_up
        .as_ref()
        .is_some_and(|r| !r.follow_up.closed && r.follow_up.deadline < today)
}

fn row(
    n: &NeedsFollowUp,
    (year, today): (i32, chrono::NaiveDate),
    places: &hoptac_domain::Gazetteer,
    lang: Lang,
) -> tpl::Row {
    let causes: Vec<&str> = n.causes.iter().map(|c| cause_label(*c, lang)).collect();
    tpl::Row {
        id: n.org.id,
        year: n
            .follow_up
            .as_ref()
            .map(|r| r.follow_up.year)
            .unwrap_or(year),
        name: n.org.name().to_owned(),
        commune: crate::html::commune_label(&n.org, places),
        causes: causes.join(", "),
        plan: n.follow_up.as_ref().map(|r| {
            let f = &r.follow_up;
            tpl::Recorded {
                plan: plan_label(f.plan, lang),
                description: f.description.clone(),
                owner: f.owner.clone(),
                deadline: format_date(f.deadline),
                state: if f.closed {
                    lang.t("Đã xong", "Done")
                } else {
                    lang.t("Đang thực hiện", "In progress")
                },
                overdue: overdue(n, today),
                outcome: f.outcome.clone(),
            }
        }),
    }
}

pub async fn follow_up_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<FollowUpQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_READ).await);
    let this_year = chrono::Datelike::year(&st.gate.today());
    let year = q
        .year
        .filter(|y| (1997..=this_year).contains(y))
        .unwrap_or_else(|| st.gate.latest_final_year());
    let missing_only = q.missing.as_deref() == Some("1");
    let loaded = crate::run::on_page(&st, &p, lang, move |me| me.needing_follow_up(year));
    let mut list = or_page!(loaded.await);
    let total = list.len();
    let without = list.iter().filter(|n| n.follow_up.is_none()).count();
    let today = st.gate.today();
    let late = list.iter().filter(|n| overdue(n, today)).count();
    let saved = q
        .saved
        .and_then(|id| list.iter().find(|n| n.org.id == id))
        .map(|n| n.org.name().to_owned());
    if missing_only {
        list.retain(|n| n.follow_up.is_none());
    }
    // Those without a plan first, then by name.
    list.sort_by(|a, b| {
        (a.follow_up.is_some(), a.org.name()).cmp(&(b.follow_up.is_some(), b.org.name()))
    });
    // A hundred a page: a national list runs to thousands, on slow links.
    const PER_PAGE: usize = 100;
    let pages = list.len().div_ceil(PER_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let places = st.gate.places();
    let rows = list
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|n| row(n, (year, today), &places, lang))
        .collect();
    let title = format!(
        "{} {year}",
        t(
            "Theo dõi HTX yếu, tồn tại hình thức — năm",
            "Follow-up of weak and formal-only cooperatives —"
        )
    );
    let count = |n: usize| match lang {
        Lang::Vi => format_int(n as i64),
        Lang::En => format_int(n as i64).replace('.', ","),
    };
    let body = tpl::list(&tpl::List {
        lang,
        title: &title,
        year,
        years: (2019, this_year),
        total: &count(total),
        without: &count(without),
        overdue: &count(late),
        saved: saved.as_deref(),
        missing_only,
        rows,
        page,
        pages,
    });
    let frame = crate::templates::Frame {
        lang,
        title: &title,
        who: Some((&p, &csrf)),
        here: "/theo-doi",
    };
    Html(crate::templates::page(&frame, body).into_string()).into_response()
}

/// Who may record a plan: officers (not cooperative accounts, not leaders) in scope.
fn may_record(p: &hoptac_domain::auth::Principal) -> bool {
    p.may(hoptac_domain::auth::Action::RecordFollowUp)
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

/// The plan form: what was typed (or the record), errors beside their fields.
fn form_html(
    f: &Ctx,
    n: &NeedsFollowUp,
    values: &Values,
    version: i64,
    errors: &Values,
    notice: Option<&str>,
) -> Markup {
    let lang = f.lang;
    let causes: Vec<&str> = n.causes.iter().map(|c| cause_label(*c, lang)).collect();
    tpl::form(&tpl::Form {
        lang,
        csrf: f.csrf,
        id: n.org.id,
        year: f.year,
        name: n.org.name(),
        causes: &causes.join(", "),
        notice: notice.map(|m| (true, m)),
        version,
        plans: [Plan::Support, Plan::Restructure, Plan::Dissolve]
            .into_iter()
            .map(|p| tpl::PlanChoice {
                code: plan_code(p),
                label: plan_label(p, lang),
            })
            .collect(),
        values,
        errors,
    })
}

/// Where this page's messages lead on.
const FOLLOW_UPS: crate::html::WayOn =
    crate::html::WayOn::new("/theo-doi", "Danh sách theo dõi", "Follow-up list");

fn message(status: StatusCode, msg: &str, lang: Lang) -> Response {
    FOLLOW_UPS.message(lang, status, msg)
}

/// The HTX's entry in the follow-up list of `year`, if the reader may record it.
async fn entry(
    st: &AppState,
    p: &hoptac_domain::auth::Principal,
    id: i64,
    year: i32,
    lang: Lang,
) -> Result<NeedsFollowUp, Response> {
    if !may_record(p) {
        return Err(message(
            StatusCode::FORBIDDEN,
            lang.t(
                "Tài khoản này không ghi được phương án.",
                "This account cannot record plans.",
            ),
            lang,
        ));
    }
    // The reader's scope is today's, whatever the cooperative's place at the year's end.
    let found = crate::run::on_page(st, p, lang, move |me| me.follow_up_entry(id, year)).await?;
    found.ok_or_else(|| {
        message(
            StatusCode::NOT_FOUND,
            lang.t(
                "HTX này không thuộc danh sách cần theo dõi năm đó (hoặc ngoài phạm vi của bạn).",
                "This cooperative is not on that year's follow-up list (or is outside your scope).",
            ),
            lang,
        )
    })
}

struct Ctx<'a> {
    lang: Lang,
    p: &'a hoptac_domain::auth::Principal,
    csrf: &'a str,
    id: i64,
    year: i32,
}

impl Ctx<'_> {
    fn page(&self, status: StatusCode, content: Markup) -> Response {
        let here = format!("/theo-doi/{}/{}", self.id, self.year);
        let frame = crate::templates::Frame {
            lang: self.lang,
            title: self.lang.t("Phương án theo dõi", "Follow-up plan"),
            who: Some((self.p, self.csrf)),
            here: &here,
        };
        (
            status,
            Html(crate::templates::page(&frame, content).into_string()),
        )
            .into_response()
    }
}

fn invalid_notice(lang: Lang) -> &'static str {
    lang.t(
        "Chưa lưu: có thông tin chưa hợp lệ (xem bên dưới).",
        "Not saved: some fields are invalid (see below).",
    )
}

pub async fn follow_up_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path((id, year)): axum::extract::Path<(i64, i32)>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_RECORD).await);
    let n = or_page!(entry(&st, &p, id, year, lang).await);
    let (values, version) = values_of(&n);
    let frame = Ctx {
        lang,
        p: &p,
        csrf: &csrf,
        id,
        year,
    };
    frame.page(
        StatusCode::OK,
        form_html(&frame, &n, &values, version, &Values::new(), None),
    )
}

pub async fn follow_up_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path((id, year)): axum::extract::Path<(i64, i32)>,
    axum::extract::Form(form): axum::extract::Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) =
        or_page!(crate::auth::poster(&headers, &st, lang, form.get("csrf"), TO_RECORD).await);
    let n = or_page!(entry(&st, &p, id, year, lang).await);
    let frame = Ctx {
        lang,
        p: &p,
        csrf: &csrf,
        id,
        year,
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
            format!(
                "\"{deadline_text}\" {}",
                lang.t("không phải ngày (dd/mm/yyyy)", "is not a date (dd/mm/yyyy)")
            ),
        );
    }
    for (k, label) in [
        ("description", lang.t("Nội dung", "What")),
        ("owner", lang.t("Người phụ trách", "Owner")),
    ] {
        if text(k).is_empty() {
            errors.insert(
                k.into(),
                format!("{label}: {}", lang.t("cần điền", "required")),
            );
        }
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let invalid = |errors: &Values| {
        frame.page(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_html(
                &frame,
                &n,
                &form,
                version,
                errors,
                Some(invalid_notice(lang)),
            ),
        )
    };
    let Some(deadline) = deadline.filter(|_| errors.is_empty()) else {
        return invalid(&errors);
    };
    let input = hoptac_app::followups::FollowUpInput {
        plan,
        description: text("description"),
        owner: text("owner"),
        deadline,
        outcome: Some(text("outcome")).filter(|o| !o.is_empty()),
        closed: form.contains_key("closed"),
    };
    let saved = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let actor = me.actor("web: phương án theo dõi");
        me.save_follow_up(id, year, input, (version > 0).then_some(version), &actor)
    })
    .await;
    match saved {
        Ok(Ok(_)) => {
            let to = format!("/theo-doi?year={year}&saved={id}");
            axum::response::Redirect::to(&to).into_response()
        }
        Ok(Err(
            hoptac_app::AppError::StaleDocument { .. }
            | hoptac_app::AppError::Refused {
                code: "changed", ..
            },
        )) => {
            // Someone saved first: show the current record, keep nothing of ours silently.
            match entry(&st, &p, id, year, lang).await {
                Ok(cur) => {
                    let (values, version) = values_of(&cur);
                    let notice = lang.t(
                        "Phương án vừa được người khác lưu. Chưa lưu gì của bạn; đây là bản hiện tại.",
                        "Someone else just saved the plan. Nothing of yours was saved; this is the current plan.",
                    );
                    frame.page(
                        StatusCode::CONFLICT,
                        form_html(&frame, &cur, &values, version, &Values::new(), Some(notice)),
                    )
                }
                Err(r) => r,
            }
        }
        Ok(Err(hoptac_app::AppError::Invalid(errs))) => {
            let errors: Values = errs
                .iter()
                .map(|e| (e.field.clone(), e.message(lang)))
                .collect();
            invalid(&errors)
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}
