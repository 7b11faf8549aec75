//! The dashboard (*bảng điều khiển*, `/bang-dieu-khien`): Letter 538's targets with
//! progress bars and each indicator's yearly trend, and a schematic map of the
//! province's communes (dots at their centres: the data has no boundaries) coloured by a
//! chosen indicator, by 2025 communes or legacy districts. SVG drawn here, no scripts.

use crate::auth::browser_session;
use crate::html::esc;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hoptac_app::indicators::{Breakdown, TargetReport};
use hoptac_domain::i18n::{format_decimal, format_int};
use hoptac_domain::indicators::{Indicator, TargetStatus};
use hoptac_domain::place::Scheme;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct DashQuery {
    year: Option<i32>,
    /// `2025` (communes) or `legacy` (districts).
    scheme: Option<String>,
    /// The indicator that colours the map.
    map: Option<String>,
}

fn value(ind: Indicator, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if ind.is_share() => format!("{}%", format_decimal(v, 1)),
        Some(v) => format_decimal(v, if v.fract() == 0.0 { 0 } else { 1 }),
    }
}

fn status_colour(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::OnTrack => "#2e7d32",
        TargetStatus::AtRisk => "#ef6c00",
        TargetStatus::OffTrack => "#c62828",
        TargetStatus::NoData => "#757575",
    }
}

/// A horizontal bar: how far the value is towards the target (capped at 100%).
fn bar(fraction: f64, colour: &str) -> String {
    let w = (fraction.clamp(0.0, 1.0) * 200.0).round();
    format!(
        r##"<svg width="200" height="14" role="img" aria-hidden="true"><rect width="200" height="14" fill="#eee"/><rect width="{w}" height="14" fill="{colour}"/></svg>"##
    )
}

/// A small line chart of a yearly series with the target as a dashed line.
fn sparkline(series: &[(i32, Option<f64>)], target: f64) -> String {
    let pts: Vec<(i32, f64)> = series
        .iter()
        .filter_map(|(y, v)| v.map(|v| (*y, v)))
        .collect();
    if pts.is_empty() {
        return String::new();
    }
    let (w, h) = (160.0, 40.0);
    let max = pts.iter().map(|p| p.1).fold(target, f64::max).max(1.0);
    let (y0, y1) = (pts[0].0, pts[pts.len() - 1].0.max(pts[0].0 + 1));
    let x = |y: i32| 4.0 + (w - 8.0) * f64::from(y - y0) / f64::from(y1 - y0);
    let yv = |v: f64| h - 4.0 - (h - 8.0) * v / max;
    let line: Vec<String> = pts
        .iter()
        .map(|(y, v)| format!("{:.1},{:.1}", x(*y), yv(*v)))
        .collect();
    let labels: Vec<String> = pts
        .iter()
        .map(|(y, v)| format!("<title>{y}: {}</title>", format_decimal(*v, 1)))
        .collect();
    format!(
        r##"<svg width="{w}" height="{h}" role="img" aria-label="xu hướng"><line x1="0" x2="{w}" y1="{t:.1}" y2="{t:.1}" stroke="#999" stroke-dasharray="3,3"/><polyline points="{}" fill="none" stroke="#1a5fb4" stroke-width="2"/>{}</svg>"##,
        line.join(" "),
        pts.iter()
            .zip(labels)
            .map(|((y, v), l)| format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="#1a5fb4">{l}</circle>"##,
                x(*y),
                yv(*v)
            ))
            .collect::<String>(),
        t = yv(target),
    )
}

/// Dots at commune (or district) centres, coloured from red (low) to green (high).
fn map(
    report: &TargetReport,
    ind: Indicator,
    scheme: Scheme,
    places: &hoptac_domain::Gazetteer,
) -> String {
    let rows: Vec<_> = report.rows.iter().filter(|r| r.indicator == ind).collect();
    let province = places.province.clone();
    // Positions: 2025 communes, or legacy districts at the mean of their communes.
    let mut points: Vec<(String, String, f64, f64)> = Vec::new();
    match scheme {
        Scheme::Y2025 => {
            for c in places.units.communes(Scheme::Y2025, province.as_deref()) {
                if let (Some(lat), Some(lon)) = (c.lat, c.lon) {
                    points.push((c.code.clone(), c.name.clone(), lat, lon));
                }
            }
        }
        Scheme::Legacy => {
            for d in places.find_districts_all() {
                let cs: Vec<_> = places
                    .units
                    .communes(Scheme::Legacy, None)
                    .into_iter()
                    .filter(|c| c.district_code.as_deref() == Some(d.code.as_str()))
                    .filter_map(|c| Some((c.lat?, c.lon?)))
                    .collect();
                if !cs.is_empty() {
                    let n = cs.len() as f64;
                    points.push((
                        d.code.clone(),
                        d.name.clone(),
                        cs.iter().map(|p| p.0).sum::<f64>() / n,
                        cs.iter().map(|p| p.1).sum::<f64>() / n,
                    ));
                }
            }
        }
    }
    if points.is_empty() {
        return String::new();
    }
    let (minlat, maxlat) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.2), a.1.max(p.2)));
    let (minlon, maxlon) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.3), a.1.max(p.3)));
    let (w, h) = (520.0, 420.0);
    let sx = |lon: f64| 20.0 + (w - 40.0) * (lon - minlon) / (maxlon - minlon).max(1e-6);
    let sy = |lat: f64| 20.0 + (h - 40.0) * (maxlat - lat) / (maxlat - minlat).max(1e-6);
    let values: Vec<f64> = rows.iter().filter_map(|r| r.value).collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |a, v| (a.0.min(*v), a.1.max(*v)));
    let mut dots = String::new();
    for (code, name, lat, lon) in &points {
        let row = rows
            .iter()
            .find(|r| r.group.as_ref().is_some_and(|g| &g.code == code));
        let v = row.and_then(|r| r.value);
        // Low is bad except for weak and formal-only, where high is bad.
        let good_high = !matches!(ind, Indicator::ShareWeak | Indicator::FormalOnly);
        let colour = match v {
            None => "#bdbdbd".to_owned(),
            Some(v) => {
                let mut t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                if !good_high {
                    t = 1.0 - t;
                }
                format!(
                    "rgb({},{},60)",
                    (200.0 * (1.0 - t)) as u8 + 40,
                    (160.0 * t) as u8 + 60
                )
            }
        };
        let link = match scheme {
            Scheme::Y2025 => format!("/?commune_2025={code}"),
            Scheme::Legacy => format!("/?legacy_district={code}"),
        };
        dots.push_str(&format!(
            r##"<a href="{link}"><circle cx="{:.1}" cy="{:.1}" r="{}" fill="{colour}" stroke="#333" stroke-width=".5"><title>{} — {}</title></circle></a>"##,
            sx(*lon),
            sy(*lat),
            if scheme == Scheme::Legacy { 14 } else { 7 },
            esc(name),
            value(ind, v),
        ));
    }
    format!(
        r##"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="sơ đồ vị trí các xã"><rect width="{w}" height="{h}" fill="#fafafa" stroke="#ddd"/>{dots}</svg>"##
    )
}

pub async fn dashboard(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DashQuery>,
) -> Response {
    let Some((p, _, _)) = browser_session(&headers, &st).await else {
        return crate::html::sign_in_required("Cần đăng nhập để xem bảng điều khiển.");
    };
    let reg = st.registry.clone();
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&reg.today()));
    let scheme = q
        .scheme
        .as_deref()
        .and_then(Scheme::parse)
        .unwrap_or(Scheme::Y2025);
    let by = if scheme == Scheme::Legacy {
        Breakdown::District
    } else {
        Breakdown::Commune
    };
    let shown = q
        .map
        .as_deref()
        .and_then(Indicator::parse)
        .unwrap_or(Indicator::ShareGoodFair);
    let loaded = tokio::task::spawn_blocking(move || reg.target_report(year, Some(by))).await;
    let Ok(Ok(report)) = loaded else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let places = st.registry.places();
    let mut rows = String::new();
    for t in &report.targets {
        let ind = t.target.indicator;
        let colour = status_colour(t.status);
        let fraction = match (t.current_value, ind) {
            (Some(v), Indicator::FormalOnly) => {
                if v == 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            (Some(v), Indicator::ShareWeak) => {
                if v <= 0.0 {
                    1.0
                } else {
                    (t.target.value / v).min(1.0)
                }
            }
            (Some(v), _) => v / t.target.value.max(1e-9),
            (None, _) => 0.0,
        };
        let counted = match t.current.denominator {
            Some(d) => format!("{}/{}", format_int(t.current.numerator), format_int(d)),
            None => format_int(t.current.numerator),
        };
        rows.push_str(&format!(
            "<tr><td><a href=\"/bang-dieu-khien?year={year}&amp;scheme={}&amp;map={}\">{}</a></td><td>{} {}</td><td>{} <small>({counted})</small></td><td>{}</td><td>{}</td><td><strong style-free>{}</strong></td></tr>",
            scheme.as_str(),
            ind.code(),
            esc(ind.label_vi()),
            t.target.comparison.label_vi(),
            value(ind, Some(t.target.value)),
            value(ind, t.current_value),
            bar(fraction, colour),
            sparkline(&t.series, t.target.value),
            esc(t.status.label_vi()),
        ).replace(" style-free", ""));
    }
    let year_options =
        crate::html::year_options(2019, chrono::Datelike::year(&st.registry.today()), year);
    let html = format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bảng điều khiển — hoptac</title><link rel="stylesheet" href="/static/app.css"></head>
<body><p><a href="/">← Danh sách</a></p><header><h1>Chỉ tiêu Công văn 538 — năm {year}</h1><p>{who}</p></header>
<form method="get" action="/bang-dieu-khien"><label>Năm <select name="year">{year_options}</select></label>
<label>Địa bàn <select name="scheme"><option value="2025"{s25}>Xã, phường (từ 1/7/2025)</option><option value="legacy"{sleg}>Huyện (trước 1/7/2025)</option></select></label>
<input type="hidden" name="map" value="{map_code}"><button type="submit">Xem</button></form>
<div class=w><table><thead><tr><th>Chỉ tiêu</th><th>Mục tiêu</th><th>Thực hiện</th><th>Tiến độ</th><th>Xu hướng</th><th>Đánh giá</th></tr></thead><tbody>{rows}</tbody></table></div>
<h2>{map_title} theo {unit}</h2>
<p><small>Sơ đồ vị trí tâm các {unit} (dữ liệu không có ranh giới); bấm vào một điểm để xem danh sách. Xám: chưa có số liệu.</small></p>
{map}
</body></html>"#,
        who = esc(&p.display_name),
        s25 = if scheme == Scheme::Y2025 {
            " selected"
        } else {
            ""
        },
        sleg = if scheme == Scheme::Legacy {
            " selected"
        } else {
            ""
        },
        map_code = shown.code(),
        map_title = esc(shown.label_vi()),
        unit = if scheme == Scheme::Legacy {
            "huyện"
        } else {
            "xã, phường"
        },
        map = map(&report, shown, scheme, &places),
    );
    Html(html).into_response()
}
