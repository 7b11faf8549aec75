//! The dashboard (*bảng điều khiển*, `/bang-dieu-khien`): Letter 538's targets with
//! progress bars and trends, and the schematic map, all drawn as SVG here (no scripts).
//! SVG elements are written with an empty body (`rect … {}`), never as void elements:
//! inside `<svg>` an unclosed `<rect>` would contain what follows it.

use super::{html, Markup};
use hoptac_domain::i18n::Lang;

/// A horizontal bar: `width` of 200 filled in `colour`.
pub struct Bar {
    pub width: f64,
    pub colour: &'static str,
}

/// A small line chart: the target's height, the points and each point's title.
pub struct Sparkline {
    pub target_y: f64,
    pub points: String,
    /// (x, y, title) of each dot.
    pub dots: Vec<(f64, f64, String)>,
}

/// One target's row.
pub struct TargetRow<'a> {
    pub href: String,
    pub label: &'a str,
    pub comparison: &'a str,
    pub target: String,
    pub now: String,
    pub counted: String,
    /// Why the figure is not final, and its coverage (HTX without an approved
    /// evaluation), in the reader's language.
    pub note: Option<String>,
    pub bar: Bar,
    pub trend: Option<Sparkline>,
    pub status: &'a str,
}

/// One dot of the map.
pub struct Dot {
    pub href: String,
    pub x: f64,
    pub y: f64,
    pub r: u32,
    pub colour: String,
    pub title: String,
}

pub struct Dashboard<'a> {
    pub lang: Lang,
    pub title: &'a str,
    /// The figures count only the reader's communes.
    pub scoped: bool,
    pub years: (i32, i32),
    pub year: i32,
    pub legacy: bool,
    pub map_code: &'a str,
    pub rows: Vec<TargetRow<'a>>,
    pub map_title: &'a str,
    pub unit: &'a str,
    /// The map's dots; none when no place has a position.
    pub dots: Option<Vec<Dot>>,
}

fn bar(b: &Bar) -> Markup {
    html! {
        svg width="200" height="14" role="img" aria-hidden="true" {
            rect width="200" height="14" fill="#eee" {}
            rect width=(b.width) height="14" fill=(b.colour) {}
        }
    }
}

fn sparkline(s: &Sparkline) -> Markup {
    let t = format!("{:.1}", s.target_y);
    html! {
        svg width="160" height="40" role="img" aria-label="xu hướng" {
            line x1="0" x2="160" y1=(t) y2=(t) stroke="#999" stroke-dasharray="3,3" {}
            polyline points=(s.points) fill="none" stroke="#1a5fb4" stroke-width="2" {}
            @for (x, y, title) in &s.dots {
                circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2.5" fill="#1a5fb4" {
                    title { (title) }
                }
            }
        }
    }
}

fn map(lang: Lang, dots: &[Dot]) -> Markup {
    html! {
        svg width="520" height="420" viewBox="0 0 520 420" role="img"
            aria-label=(lang.t("sơ đồ vị trí các xã", "schematic map of the communes")) {
            rect width="520" height="420" fill="#fafafa" stroke="#ddd" {}
            @for d in dots {
                a href=(d.href) {
                    circle cx=(format!("{:.1}", d.x)) cy=(format!("{:.1}", d.y)) r=(d.r)
                        fill=(d.colour) stroke="#333" stroke-width=".5" {
                        title { (d.title) }
                    }
                }
            }
        }
    }
}

pub fn dashboard(v: &Dashboard<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        header { h1 { (v.title) } }
        @if v.scoped {
            p.notice {
                (t(
                    "Số liệu chỉ tính các tổ chức trên địa bàn của tài khoản; mục tiêu là của cả tỉnh.",
                    "Figures count only the organisations in the account's communes; the targets are the province's."
                ))
            }
        }
        form method="get" action="/bang-dieu-khien" {
            label {
                (t("Năm", "Year")) " "
                select name="year" {
                    @for y in (v.years.0..=v.years.1).rev() {
                        option selected[y == v.year] { (y) }
                    }
                }
            }
            label {
                (t("Địa bàn", "Places")) " "
                select name="scheme" {
                    option value="2025" selected[!v.legacy] { (t("Xã, phường (từ 1/7/2025)", "Communes (from 1 July 2025)")) }
                    option value="legacy" selected[v.legacy] { (t("Huyện (trước 1/7/2025)", "Districts (before 1 July 2025)")) }
                }
            }
            input type="hidden" name="map" value=(v.map_code);
            button type="submit" { (t("Xem", "Show")) }
        }
        div.w {
            table {
                thead {
                    tr {
                        th scope="col" { (t("Chỉ tiêu", "Indicator")) }
                        th scope="col" { (t("Mục tiêu", "Target")) }
                        th scope="col" { (t("Thực hiện", "Now")) }
                        th scope="col" { (t("Tiến độ", "Progress")) }
                        th scope="col" { (t("Xu hướng", "Trend")) }
                        th scope="col" { (t("Đánh giá", "Status")) }
                    }
                }
                tbody {
                    @for r in &v.rows {
                        tr {
                            td { a href=(r.href) { (r.label) } }
                            td { (r.comparison) " " (r.target) }
                            td {
                                (r.now) " " small { "(" (r.counted) ")" }
                                @if let Some(n) = &r.note { br; small.provisional { (n) } }
                            }
                            td { (bar(&r.bar)) }
                            td {
                                @if let Some(s) = &r.trend { (sparkline(s)) }
                            }
                            td { strong { (r.status) } }
                        }
                    }
                }
            }
        }
        h2 { (v.map_title) " " (t("theo", "by")) " " (v.unit) }
        p {
            small {
                (t("Sơ đồ vị trí tâm các", "Schematic: the centres of the")) " " (v.unit) " "
                (t(
                    "(dữ liệu không có ranh giới); bấm vào một điểm để xem danh sách. Xám: chưa có số liệu.",
                    "(the data has no boundaries); select a dot for its list. Grey: no data."
                ))
            }
        }
        @if let Some(dots) = &v.dots { (map(v.lang, dots)) }
    }
}
