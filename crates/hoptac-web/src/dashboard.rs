//! The dashboard (*bảng điều khiển*, `/bang-dieu-khien`): Letter 538's targets with
//! progress bars and each indicator's yearly trend, and a schematic map of the
//! province's communes (dots at their centres: the data has no boundaries) coloured by a
//! chosen indicator, by 2025 communes or legacy districts. SVG drawn here, no scripts.

use crate::templates::dashboard as tpl;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use hoptac_app::indicators::{Breakdown, TargetReport};
use hoptac_domain::i18n::{format_decimal, format_int, Lang};
use hoptac_domain::indicators::{Indicator, TargetStatus};
use hoptac_domain::place::Scheme;
use serde::Deserialize;

/// What signing in is needed for here.
const SIGN_IN: crate::auth::Need = (
    "Cần đăng nhập để xem bảng điều khiển.",
    "Sign in to see the dashboard.",
);

#[derive(Deserialize)]
pub struct DashQuery {
    year: Option<i32>,
    /// `2025` (communes) or `legacy` (districts).
    scheme: Option<String>,
    /// The indicator that colours the map.
    map: Option<String>,
    lang: Option<String>,
}

fn value(ind: Indicator, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if ind.is_share() => format!("{}%", format_decimal(v, 1)),
        Some(v) => format_decimal(v, if v.fract() == 0.0 { 0 } else { 1 }),
    }
}

/// A figure in the reader's language: vi-VN `1.234,5`, else `1,234.5`.
fn value_in(ind: Indicator, v: Option<f64>, lang: Lang) -> String {
    let s = value(ind, v);
    match lang {
        Lang::Vi => s,
        Lang::En => s
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

fn status_colour(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::OnTrack => "#2e7d32",
        TargetStatus::AtRisk => "#ef6c00",
        TargetStatus::OffTrack => "#c62828",
        TargetStatus::NoData | TargetStatus::NotEnoughData => "#757575",
    }
}

/// A horizontal bar: how far the value is towards the target (capped at 100%).
fn bar(fraction: f64, colour: &'static str) -> tpl::Bar {
    tpl::Bar {
        width: (fraction.clamp(0.0, 1.0) * 200.0).round(),
        colour,
    }
}

/// A small line chart of a yearly series with the target as a dashed line.
fn sparkline(series: &[(i32, Option<f64>)], target: f64) -> Option<tpl::Sparkline> {
    let pts: Vec<(i32, f64)> = series
        .iter()
        .filter_map(|(y, v)| v.map(|v| (*y, v)))
        .collect();
    if pts.is_empty() {
        return None;
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
    Some(tpl::Sparkline {
        target_y: yv(target),
        points: line.join(" "),
        dots: pts
            .iter()
            .map(|(y, v)| (x(*y), yv(*v), format!("{y}: {}", format_decimal(*v, 1))))
            .collect(),
    })
}

/// Dots at commune (or district) centres, coloured from red (low) to green (high).
fn map(
    report: &TargetReport,
    ind: Indicator,
    scheme: Scheme,
    places: &hoptac_domain::Gazetteer,
    lang: Lang,
) -> Option<Vec<tpl::Dot>> {
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
        return None;
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
    let mut dots = Vec::new();
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
        dots.push(tpl::Dot {
            href: link,
            x: sx(*lon),
            y: sy(*lat),
            r: if scheme == Scheme::Legacy { 14 } else { 7 },
            colour,
            title: format!("{name} — {}", value_in(ind, v, lang)),
        });
    }
    Some(dots)
}

pub async fn dashboard(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DashQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, SIGN_IN).await);
    // The latest year whose figures are final; the current year is one click away.
    let year = q.year.unwrap_or_else(|| st.gate.latest_final_year());
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
    // A commune officer's figures count their communes only (the handle's scope).
    let loaded = crate::run::on_page(&st, &p, lang, move |me| me.target_report(year, Some(by)));
    let report = or_page!(loaded.await);
    let places = st.gate.places();
    let mut rows = Vec::new();
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
        // A year whose final reports are not all due yet is provisional; a share says
        // how many HTX it could not count for want of an approved evaluation.
        let open_year = year > st.gate.latest_final_year() || t.current.provisional;
        let uncounted = t.current.unevaluated.filter(|n| *n > 0);
        let note = match (open_year, uncounted, lang) {
            (false, None, _) => None,
            (open, n, Lang::Vi) => Some(
                [
                    open.then(|| "Tạm tính: năm chưa hết hạn nộp báo cáo quyết toán".to_owned()),
                    n.map(|n| format!("{} HTX chưa có kết quả đánh giá được duyệt", format_int(n))),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
            ),
            (open, n, Lang::En) => Some(
                [
                    open.then(|| {
                        "Provisional: the year's final reports are not all due yet".to_owned()
                    }),
                    n.map(|n| {
                        format!(
                            "{} HTX without an approved evaluation",
                            format_int(n).replace('.', ",")
                        )
                    }),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
            ),
        };
        rows.push(tpl::TargetRow {
            href: format!(
                "/bang-dieu-khien?year={year}&scheme={}&map={}",
                scheme.as_str(),
                ind.code()
            ),
            label: lang.t(ind.label_vi(), ind.label_en()),
            comparison: t.target.comparison.label_vi(),
            target: value_in(ind, Some(t.target.value), lang),
            now: value_in(ind, t.current_value, lang),
            counted,
            note,
            bar: bar(fraction, colour),
            trend: sparkline(&t.series, t.target.value),
            status: lang.t(t.status.label_vi(), t.status.label_en()),
        });
    }
    let unit = if scheme == Scheme::Legacy {
        lang.t("huyện", "district")
    } else {
        lang.t("xã, phường", "commune")
    };
    let title = format!(
        "{} {year}",
        lang.t("Chỉ tiêu Công văn 538 — năm", "Letter 538 targets —")
    );
    let body = tpl::dashboard(&tpl::Dashboard {
        lang,
        title: &title,
        scoped: p.scope != hoptac_domain::auth::Scope::All,
        years: (2019, chrono::Datelike::year(&st.gate.today())),
        year,
        legacy: scheme == Scheme::Legacy,
        map_code: shown.code(),
        rows,
        map_title: lang.t(shown.label_vi(), shown.label_en()),
        unit,
        dots: map(&report, shown, scheme, &places, lang),
    });
    let frame = crate::templates::Frame {
        lang,
        title: &title,
        who: Some((&p, &csrf)),
        here: "/bang-dieu-khien",
    };
    Html(crate::templates::page(&frame, body).into_string()).into_response()
}
