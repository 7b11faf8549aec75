//! One organisation's page (*hồ sơ tổ chức*): its details, places in both schemes,
//! status, links; for signed-in readers also its annual reports, evaluations and the
//! history of every attribute with both clocks. No JavaScript.

use crate::templates::organisation::{
    organisation, EvaluationRow, HistoryRow, Link, Organisation, Places, ReportRow, SignedIn,
};
use crate::templates::Frame;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use hoptac_domain::history::changes_with_before;
use hoptac_domain::i18n::{field_label, format_date, format_int, Lang};
use hoptac_domain::org::OrgId;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

/// The order details are shown in.
const FIELD_ORDER: &[&str] = &[
    "name",
    "short_name",
    "tax_code",
    "registration_number",
    "registration_date",
    "registering_body",
    "founding_date",
    "address",
    "place",
    "sector",
    "product_class",
    "members",
    "charter_capital",
    "legal_representative",
    "phone",
    "email",
    "notes",
];

/// An attribute's value as a person reads it: labels for codes, vi-VN dates and numbers.
pub(crate) fn value_text(
    key: &str,
    v: &serde_json::Value,
    lang: Lang,
    places: &hoptac_domain::Gazetteer,
) -> String {
    use hoptac_domain::org::{ProductClass, Sector};
    match v {
        serde_json::Value::String(s) if key == "sector" => Sector::parse(s).map_or_else(
            || s.clone(),
            |x| lang.t(x.label_vi(), x.label_en()).to_owned(),
        ),
        serde_json::Value::String(s) if key == "product_class" => ProductClass::parse(s)
            .map_or_else(
                || s.clone(),
                |x| lang.t(x.label_vi(), x.label_en()).to_owned(),
            ),
        serde_json::Value::String(s) if key.ends_with("_date") => {
            hoptac_domain::i18n::parse_date(s).map_or_else(|| s.clone(), format_date)
        }
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_i64().map(format_int).unwrap_or_else(|| n.to_string()),
        serde_json::Value::Object(o) if o.contains_key("scheme") && o.contains_key("code") => {
            let scheme = o["scheme"].as_str().and_then(hoptac_domain::Scheme::parse);
            let code = o["code"].as_str().unwrap_or("");
            scheme
                .and_then(|s| places.units.commune(s, code))
                .map(|c| places.describe(c))
                .unwrap_or_else(|| code.to_owned())
        }
        serde_json::Value::Object(o) if o.contains_key("target") && o.contains_key("kind") => {
            let kind = o["kind"]
                .as_str()
                .and_then(hoptac_domain::org::LinkKind::parse)
                .map_or(String::new(), |k| {
                    lang.t(k.label_vi(), k.label_en()).to_owned()
                });
            let ended = if o.get("active").and_then(|a| a.as_bool()) == Some(false) {
                lang.t(" (đã kết thúc)", " (ended)")
            } else {
                ""
            };
            format!("{kind} #{}{ended}", o["target"])
        }
        serde_json::Value::Object(o) if o.contains_key("status") => {
            let mut t = o["status"]
                .as_str()
                .and_then(hoptac_domain::org::Status::parse)
                .map_or(String::new(), |s| {
                    lang.t(s.label_vi(), s.label_en()).to_owned()
                });
            if let Some(u) = o
                .get("until")
                .and_then(|u| u.as_str())
                .and_then(hoptac_domain::i18n::parse_date)
            {
                t.push_str(&format!(" {} {}", lang.t("đến", "until"), format_date(u)));
            }
            if let Some(d) = o.get("document").and_then(|d| d.as_str()) {
                t.push_str(&format!(" ({d})"));
            }
            t
        }
        other => other.to_string(),
    }
}

/// How a link reads from the other end (a union's members, the HTX a group became).
fn inverse_label(kind: hoptac_domain::org::LinkKind, lang: Lang) -> &'static str {
    use hoptac_domain::org::LinkKind::*;
    match kind {
        ConvertedFrom => lang.t("Đã chuyển đổi thành HTX", "Converted into"),
        MemberOf => lang.t("HTX thành viên", "Member cooperative"),
        ConsolidatedFrom => lang.t("Hợp nhất vào", "Consolidated into"),
        MergedFrom => lang.t("Sáp nhập vào", "Merged into"),
        DividedFrom => lang.t("Chia thành", "Divided into"),
        SeparatedFrom => lang.t("Tách ra", "Separated into"),
    }
}

pub async fn org_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let session = or_page!(crate::auth::page_session(&headers, &st, lang).await);
    let reader = st.gate.reader(session.as_ref().map(|(p, _, _)| p));
    let loaded = tokio::task::spawn_blocking(move || reader.dossier(id)).await;
    let hoptac_app::access::Dossier {
        view: v,
        links,
        internal,
    } = match loaded {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            crate::error::log_fault(&e, "organisation page");
            return crate::html::message_page(
                lang,
                crate::error::status_of(&e),
                &e.message(lang),
                "/",
                lang.t("Về trang danh sách", "Back to the registry"),
            );
        }
        Err(join) => {
            return crate::error::page_error(
                lang,
                &crate::error::panicked(join, "organisation page"),
            )
        }
    };
    let places = st.gate.places();
    let map = v.fields.as_map();
    let details = FIELD_ORDER
        .iter()
        .filter_map(|k| {
            map.get(*k)
                .map(|val| (field_label(k, lang), value_text(k, val, lang, &places)))
        })
        .collect();
    let commune = |s: hoptac_domain::Scheme, c: &Option<String>| {
        c.as_ref()
            .and_then(|c| places.units.commune(s, c))
            .map_or_else(|| "—".to_owned(), |c| places.describe(c))
    };
    let place_view = Places {
        commune_2025: commune(hoptac_domain::Scheme::Y2025, &v.places.commune_2025),
        commune_2025_derivation: v.places.commune_2025_derivation,
        legacy_commune: commune(hoptac_domain::Scheme::Legacy, &v.places.legacy_commune),
        legacy_district: v
            .places
            .legacy_district
            .as_ref()
            .and_then(|d| places.units.district(d))
            .map_or("—".to_owned(), |d| d.name.clone()),
        legacy_derivation: v.places.legacy_derivation,
    };
    let status = format!(
        "{} {} {}",
        lang.t(v.status.label_vi(), v.status.label_en()),
        lang.t("từ", "since"),
        format_date(v.status_since)
    );
    let links = links
        .into_iter()
        .map(|l| Link {
            label: if l.outgoing {
                lang.t(l.kind.label_vi(), l.kind.label_en())
            } else {
                inverse_label(l.kind, lang)
            },
            other: l.other,
            name: l.name,
            active: l.active,
        })
        .collect();
    // Identity proposals, with Accept / Refuse for an officer who decides them.
    let proposals = match (&internal, &session) {
        (Some(i), Some((p, csrf, _))) => crate::proposal_page::section(
            lang,
            csrf,
            &v,
            &i.proposals,
            p.may(hoptac_domain::auth::Action::EditIdentity),
            &places,
        ),
        _ => maud::html! {},
    };
    let signed_in = internal.as_ref().map(|i| {
        let (history, reports, evals) = (&i.history, &i.reports, &i.evaluations);
        // The status over time, on the effective-date line.
        let mut statuses: Vec<&hoptac_domain::history::Change> = history
            .iter()
            .filter(|c| matches!(c.body, hoptac_domain::history::ChangeBody::Status { .. }))
            .collect();
        statuses.sort_by_key(|c| (c.effective, c.seq));
        let timeline = statuses
            .iter()
            .filter_map(|c| match &c.body {
                hoptac_domain::history::ChangeBody::Status { status } => Some((
                    c.effective.to_string(),
                    format_date(c.effective),
                    value_text(
                        "status",
                        &serde_json::to_value(status).unwrap_or_default(),
                        lang,
                        &places,
                    ),
                )),
                _ => None,
            })
            .collect();
        let reports = reports
            .iter()
            .map(|r| {
                let f = &r.report.figures;
                ReportRow {
                    year: r.report.year,
                    stage: lang.t(r.report.stage.label_vi(), r.report.stage.label_en()),
                    revenue: f.revenue.map(format_int).unwrap_or_default(),
                    pre_tax_profit: f.pre_tax_profit.map(format_int).unwrap_or_default(),
                    members_end: f.members_end.map(format_int).unwrap_or_default(),
                }
            })
            .collect();
        let evaluations = evals
            .iter()
            .map(|e| {
                let o = e.evaluation.outcome.as_ref();
                EvaluationRow {
                    year: e.evaluation.year,
                    rule_set: e.evaluation.rule_set.clone(),
                    state: lang.t(e.evaluation.state.label_vi(), e.evaluation.state.label_en()),
                    total: o
                        .map(|o| hoptac_domain::i18n::format_decimal(f64::from(o.total) / 10.0, 1))
                        .unwrap_or_default(),
                    rating: o
                        .map(|o| lang.t(o.rating.label_vi(), o.rating.label_en()).to_owned())
                        .unwrap_or_default(),
                }
            })
            .collect();
        // The last finished year is the one being classified; offer its sheet if none.
        let last_year = chrono::Datelike::year(&st.gate.today()) - 1;
        let new_sheet = (v.kind != hoptac_domain::org::OrgKind::CooperativeGroup
            && !evals.iter().any(|e| e.evaluation.year == last_year))
        .then_some(last_year);
        let mut attrs = changes_with_before(history);
        attrs.sort_by(|(a, _), (b, _)| b.recorded_at.cmp(&a.recorded_at).then(b.seq.cmp(&a.seq)));
        let history = attrs
            .into_iter()
            .map(|(a, before)| HistoryRow {
                label: if a.attribute.starts_with("link:") {
                    lang.t("Liên kết", "Link").to_owned()
                } else {
                    field_label(&a.attribute, lang)
                },
                before: before.map(|b| value_text(&a.attribute, &b, lang, &places)),
                after: value_text(&a.attribute, &a.value, lang, &places),
                effective: format_date(a.effective),
                recorded: (a.recorded_at + chrono::Duration::hours(7))
                    .format("%d/%m/%Y %H:%M")
                    .to_string(),
                author: i.people.name_of(&a.author).to_owned(),
            })
            .collect();
        SignedIn {
            timeline,
            reports,
            evaluations,
            new_sheet,
            history,
        }
    });
    let body = organisation(&Organisation {
        lang,
        id: v.id,
        name: v.name(),
        kind: lang.t(v.kind.label_vi(), v.kind.label_en()),
        status,
        details,
        places: place_view,
        links,
        signed_in,
    });
    let here = format!("/to-chuc/{}", v.id);
    let frame = Frame {
        lang,
        title: v.name(),
        who: session.as_ref().map(|(p, csrf, _)| (p, csrf.as_str())),
        here: &here,
    };
    let body = maud::html! { (body) (proposals) };
    Html(crate::templates::page(&frame, body).into_string()).into_response()
}
