//! One organisation's page (*hồ sơ tổ chức*): its details, places in both schemes,
//! status, links; for signed-in readers also its annual reports, evaluations and the
//! history of every attribute with both clocks. No JavaScript.

use crate::html::esc;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use hoptac_domain::history::changes_with_before;
use hoptac_domain::i18n::{field_label, format_date, format_int, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::OrgId;
use hoptac_domain::place::Derivation;
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
fn value_text(
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
    let session = match crate::auth::page_session(&headers, &st, lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let reg = st.registry.clone();
    let who = session.as_ref().map(|(p, _, _)| p.clone());
    let loaded = tokio::task::spawn_blocking(move || {
        let v = reg.get(id, None)?;
        if who.as_ref().is_some_and(|p| !p.can_see(&v)) {
            return Err(hoptac_app::AppError::NotFound {
                what: "organisation",
                id: id.to_string(),
            });
        }
        // Links both ways, with the other organisation's name (few per record).
        let mut links: Vec<(bool, hoptac_domain::org::LinkKind, OrgId, bool, String)> = Vec::new();
        for l in &v.links {
            let name = reg
                .get(l.target, None)
                .map(|o| o.name().to_owned())
                .unwrap_or_default();
            links.push((true, l.kind, l.target, l.active, name));
        }
        for (_, kind, subject) in reg.incoming_links(id).unwrap_or_default() {
            if let Ok(o) = reg.get(subject, None) {
                let active = o
                    .links
                    .iter()
                    .any(|l| l.target == id && l.kind == kind && l.active);
                links.push((false, kind, subject, active, o.name().to_owned()));
            }
        }
        let extra = if who.is_some() {
            let history = reg.history(id)?;
            let years: Vec<i32> = (2015..=chrono::Datelike::year(&reg.today()))
                .rev()
                .collect();
            let reports: Vec<_> = years
                .iter()
                .filter_map(|y| reg.report(id, *y).ok())
                .collect();
            let evals: Vec<_> = years
                .iter()
                .filter_map(|y| reg.evaluation(id, *y).ok())
                .collect();
            Some((history, reports, evals))
        } else {
            None
        };
        Ok::<_, hoptac_app::AppError>((v, extra, links))
    })
    .await;
    let (v, extra, links): (OrgView, _, _) = match loaded {
        Ok(Ok((v, extra, links))) => (if extra.is_some() { v } else { v.public() }, extra, links),
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
    let places = st.registry.places();
    let mut details = String::new();
    let map = v.fields.as_map();
    for k in FIELD_ORDER {
        if let Some(val) = map.get(*k) {
            details.push_str(&format!(
                "<tr><th scope=row>{}</th><td>{}</td></tr>",
                esc(&field_label(k, lang)),
                esc(&value_text(k, val, lang, &places))
            ));
        }
    }
    let derived = |d: Derivation| match d {
        Derivation::Exact => "",
        Derivation::DefaultOfSplit => lang.t(
            " (xã cũ bị chia: theo xã nhận mặc định)",
            " (split commune: its default)",
        ),
        Derivation::Attributed => lang.t(
            " (suy ra: huyện góp nhiều xã nhất)",
            " (attributed: the district that contributed most)",
        ),
    };
    let commune = |s: hoptac_domain::Scheme, c: &Option<String>| {
        c.as_ref()
            .and_then(|c| places.units.commune(s, c))
            .map_or_else(|| "—".to_owned(), |c| places.describe(c))
    };
    let district = v
        .places
        .legacy_district
        .as_ref()
        .and_then(|d| places.units.district(d))
        .map_or("—".to_owned(), |d| d.name.clone());
    let place_rows = format!(
        "<tr><th scope=row>{}</th><td>{}{}</td></tr><tr><th scope=row>{}</th><td>{}</td></tr><tr><th scope=row>{}</th><td>{}{}</td></tr>",
        lang.t("Xã/phường (sau 1/7/2025)", "Commune (2025)"),
        esc(&commune(hoptac_domain::Scheme::Y2025, &v.places.commune_2025)),
        derived(v.places.commune_2025_derivation),
        lang.t("Xã (trước 1/7/2025)", "Legacy commune"),
        esc(&commune(hoptac_domain::Scheme::Legacy, &v.places.legacy_commune)),
        lang.t("Huyện (trước 1/7/2025)", "Legacy district"),
        esc(&district),
        derived(v.places.legacy_derivation),
    );
    let status = format!(
        "{} {} {}",
        esc(lang.t(v.status.label_vi(), v.status.label_en())),
        lang.t("từ", "since"),
        format_date(v.status_since)
    );
    let mut sections = String::new();
    if !links.is_empty() {
        let items: String = links
            .iter()
            .map(|(outgoing, kind, other, active, name)| {
                let label = if *outgoing {
                    lang.t(kind.label_vi(), kind.label_en())
                } else {
                    inverse_label(*kind, lang)
                };
                format!(
                    "<li>{}: <a href=\"/to-chuc/{other}\">{}</a>{}</li>",
                    esc(label),
                    esc(name),
                    if *active {
                        ""
                    } else {
                        lang.t(" (đã kết thúc)", " (ended)")
                    }
                )
            })
            .collect();
        sections.push_str(&format!(
            "<h2>{}</h2><ul>{items}</ul>",
            lang.t("Liên kết", "Links")
        ));
    }
    if let Some((history, reports, evals)) = &extra {
        // The status over time, on the effective-date line.
        let mut statuses: Vec<&hoptac_domain::history::Change> = history
            .iter()
            .filter(|c| matches!(c.body, hoptac_domain::history::ChangeBody::Status { .. }))
            .collect();
        statuses.sort_by_key(|c| (c.effective, c.seq));
        let timeline: String = statuses
            .iter()
            .filter_map(|c| match &c.body {
                hoptac_domain::history::ChangeBody::Status { status } => Some(format!(
                    "<li><time datetime=\"{}\">{}</time>: {}</li>",
                    c.effective,
                    format_date(c.effective),
                    esc(&value_text(
                        "status",
                        &serde_json::to_value(status).unwrap_or_default(),
                        lang,
                        &places
                    ))
                )),
                _ => None,
            })
            .collect();
        sections.push_str(&format!(
            "<h2>{}</h2><ol>{timeline}</ol>",
            lang.t("Tình trạng qua các thời kỳ", "Status over time")
        ));
        let mut rows = String::new();
        for r in reports {
            let f = &r.report.figures;
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                r.report.year,
                esc(lang.t(r.report.stage.label_vi(), r.report.stage.label_en())),
                f.revenue.map(format_int).unwrap_or_default(),
                f.pre_tax_profit.map(format_int).unwrap_or_default(),
                f.members_end.map(format_int).unwrap_or_default(),
            ));
        }
        sections.push_str(&format!(
            "<h2>{}</h2><div class=w><table><thead><tr><th>{}</th><th>{}</th><th class=n>{}</th><th class=n>{}</th><th class=n>{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            lang.t("Báo cáo năm", "Annual reports"),
            lang.t("Năm", "Year"),
            lang.t("Số liệu", "Stage"),
            lang.t("Doanh thu (đồng)", "Revenue (VND)"),
            lang.t("Lợi nhuận (đồng)", "Profit (VND)"),
            lang.t("Thành viên cuối năm", "Members at year end"),
        ));
        let mut rows = String::new();
        for e in evals {
            let o = e.evaluation.outcome.as_ref();
            rows.push_str(&format!(
                "<tr><td><a href=\"/danh-gia/{}/{}\">{}</a></td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
                v.id,
                e.evaluation.year,
                e.evaluation.year,
                esc(&e.evaluation.rule_set),
                esc(lang.t(e.evaluation.state.label_vi(), e.evaluation.state.label_en())),
                o.map(|o| hoptac_domain::i18n::format_decimal(f64::from(o.total) / 10.0, 1))
                    .unwrap_or_default(),
                o.map(|o| lang.t(o.rating.label_vi(), o.rating.label_en()).to_owned())
                    .unwrap_or_default(),
            ));
        }
        // The last finished year is the one being classified; offer its sheet if none.
        let last_year = chrono::Datelike::year(&st.registry.today()) - 1;
        let new_sheet = if v.kind != hoptac_domain::org::OrgKind::CooperativeGroup
            && !evals.iter().any(|e| e.evaluation.year == last_year)
        {
            format!(
                "<p><a href=\"/danh-gia/{}/{last_year}\">{} {last_year}</a></p>",
                v.id,
                lang.t("Lập phiếu đánh giá năm", "Start the score sheet for")
            )
        } else {
            String::new()
        };
        sections.push_str(&format!(
            "<h2>{}</h2>{new_sheet}<div class=w><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=n>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            lang.t("Đánh giá, phân loại", "Evaluations"),
            lang.t("Năm", "Year"),
            lang.t("Bộ tiêu chí", "Rule set"),
            lang.t("Trạng thái", "State"),
            lang.t("Tổng điểm", "Total"),
            lang.t("Xếp loại", "Rating"),
        ));
        let mut rows = String::new();
        let mut attrs = changes_with_before(history);
        attrs.sort_by(|(a, _), (b, _)| b.recorded_at.cmp(&a.recorded_at).then(b.seq.cmp(&a.seq)));
        for (a, before) in attrs {
            let label = if a.attribute.starts_with("link:") {
                lang.t("Liên kết", "Link").to_owned()
            } else {
                field_label(&a.attribute, lang)
            };
            // The difference highlighted: what was removed struck through, what came in
            // marked; an unchanged value (a re-recording) is shown plain.
            let after = value_text(&a.attribute, &a.value, lang, &places);
            let (before_cell, after_cell) =
                match before.map(|b| value_text(&a.attribute, &b, lang, &places)) {
                    Some(b) if b == after => (esc(&b), esc(&after)),
                    Some(b) => (
                        format!("<del>{}</del>", esc(&b)),
                        format!("<ins>{}</ins>", esc(&after)),
                    ),
                    None => ("—".to_owned(), format!("<ins>{}</ins>", esc(&after))),
                };
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{before_cell}</td><td>{after_cell}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&label),
                format_date(a.effective),
                (a.recorded_at + chrono::Duration::hours(7)).format("%d/%m/%Y %H:%M"),
                esc(&a.author),
            ));
        }
        sections.push_str(&format!(
            "<h2>{}</h2><p>{}</p><div class=w><table><thead><tr><th scope=col>{}</th><th scope=col>{}</th><th scope=col>{}</th><th scope=col>{}</th><th scope=col>{}</th><th scope=col>{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
            lang.t("Lịch sử thay đổi", "History"),
            lang.t("Mỗi thay đổi có ngày hiệu lực (khi sự việc xảy ra) và thời điểm ghi (khi nhập vào hệ thống, giờ Việt Nam).", "Each change has its effective date (when it became true) and when it was recorded (Vietnam time)."),
            lang.t("Thông tin", "Attribute"),
            lang.t("Trước", "Before"),
            lang.t("Sau", "After"),
            lang.t("Ngày hiệu lực", "Effective"),
            lang.t("Thời điểm ghi", "Recorded"),
            lang.t("Người ghi", "By"),
        ));
    } else {
        sections.push_str(&format!(
            "<p><a href=\"/dang-nhap\">{}</a></p>",
            lang.t(
                "Đăng nhập để xem báo cáo, đánh giá và lịch sử",
                "Sign in to see reports, evaluations and history"
            )
        ));
    }
    let body = format!(
        r#"<p><a href="/">← {back}</a>{edit}</p><h1>{name}</h1>
<p>{kind} · {status_label}: {status}</p>
<div class=w><table><tbody>{details}{place_rows}</tbody></table></div>
{sections}"#,
        name = esc(v.name()),
        back = lang.t("Danh sách", "Registry"),
        edit = if extra.is_some() {
            format!(
                " · <a href=\"/to-chuc/{}/sua\">{}</a>",
                v.id,
                lang.t("Sửa hồ sơ", "Edit")
            )
        } else {
            String::new()
        },
        kind = esc(lang.t(v.kind.label_vi(), v.kind.label_en())),
        status_label = lang.t("Tình trạng", "Status"),
    );
    let who = session.as_ref().map(|(p, csrf, _)| (p, csrf.as_str()));
    Html(crate::html::layout(
        lang,
        v.name(),
        who,
        &format!("/to-chuc/{}", v.id),
        &body,
    ))
    .into_response()
}
