//! One organisation's page (*hồ sơ tổ chức*): details, places in both schemes, status,
//! links; for signed-in readers also annual reports, evaluations, the status over time
//! and the history of every attribute with both clocks.

use super::{html, Markup};
use hoptac_domain::i18n::Lang;
use hoptac_domain::place::Derivation;

/// What the page shows; values are already in the reader's words (labels, vi-VN dates
/// and numbers).
pub struct Organisation<'a> {
    pub lang: Lang,
    pub id: i64,
    pub name: &'a str,
    pub kind: &'a str,
    pub status: String,
    /// Details in display order: label and value.
    pub details: Vec<(String, String)>,
    pub places: Places,
    pub links: Vec<Link>,
    /// What only signed-in readers see; `None` for the public.
    pub signed_in: Option<SignedIn>,
}

/// The organisation's commune after 1/7/2025 and before, with how each was found.
pub struct Places {
    pub commune_2025: String,
    pub commune_2025_derivation: Derivation,
    pub legacy_commune: String,
    pub legacy_district: String,
    pub legacy_derivation: Derivation,
}

/// A link to another organisation, read from this one's side.
pub struct Link {
    pub label: &'static str,
    pub other: i64,
    pub name: String,
    pub active: bool,
}

pub struct SignedIn {
    /// The status over time: effective date (ISO and as shown) and the status.
    pub timeline: Vec<(String, String, String)>,
    pub reports: Vec<ReportRow>,
    pub evaluations: Vec<EvaluationRow>,
    /// The year whose score sheet may be started, when it has none yet.
    pub new_sheet: Option<i32>,
    pub history: Vec<HistoryRow>,
}

pub struct ReportRow {
    pub year: i32,
    pub stage: &'static str,
    pub revenue: String,
    pub pre_tax_profit: String,
    pub members_end: String,
}

pub struct EvaluationRow {
    pub year: i32,
    pub rule_set: String,
    pub state: &'static str,
    pub total: String,
    pub rating: String,
}

/// One change of one attribute: the value before (none for the first) and after.
pub struct HistoryRow {
    pub label: String,
    pub before: Option<String>,
    pub after: String,
    pub effective: String,
    pub recorded: String,
    pub author: String,
}

fn derived(lang: Lang, d: Derivation) -> &'static str {
    match d {
        Derivation::Exact => "",
        Derivation::DefaultOfSplit => lang.t(
            " (xã cũ bị chia: theo xã nhận mặc định)",
            " (split commune: its default)",
        ),
        Derivation::Attributed => lang.t(
            " (suy ra: huyện góp nhiều xã nhất)",
            " (attributed: the district that contributed most)",
        ),
    }
}

pub fn organisation(v: &Organisation<'_>) -> Markup {
    let lang = v.lang;
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let ended = t(" (đã kết thúc)", " (ended)");
    html! {
        p {
            a href="/" { "← " (t("Danh sách", "Registry")) }
            @if v.signed_in.is_some() {
                " · " a href={ "/to-chuc/" (v.id) "/sua" } { (t("Sửa hồ sơ", "Edit")) }
            }
        }
        h1 { (v.name) }
        p { (v.kind) " · " (t("Tình trạng", "Status")) ": " (v.status) }
        div.w {
            table {
                tbody {
                    @for (label, value) in &v.details {
                        tr { th scope="row" { (label) } td { (value) } }
                    }
                    tr {
                        th scope="row" { (t("Xã/phường (sau 1/7/2025)", "Commune (2025)")) }
                        td { (v.places.commune_2025) (derived(lang, v.places.commune_2025_derivation)) }
                    }
                    tr {
                        th scope="row" { (t("Xã (trước 1/7/2025)", "Legacy commune")) }
                        td { (v.places.legacy_commune) }
                    }
                    tr {
                        th scope="row" { (t("Huyện (trước 1/7/2025)", "Legacy district")) }
                        td { (v.places.legacy_district) (derived(lang, v.places.legacy_derivation)) }
                    }
                }
            }
        }
        @if !v.links.is_empty() {
            h2 { (t("Liên kết", "Links")) }
            ul {
                @for l in &v.links {
                    li {
                        (l.label) ": " a href={ "/to-chuc/" (l.other) } { (l.name) }
                        @if !l.active { (ended) }
                    }
                }
            }
        }
        @match &v.signed_in {
            Some(s) => { (signed_in(lang, v.id, s)) }
            None => {
                p {
                    a href="/dang-nhap" {
                        (t("Đăng nhập để xem báo cáo, đánh giá và lịch sử",
                           "Sign in to see reports, evaluations and history"))
                    }
                }
            }
        }
    }
}

fn signed_in(lang: Lang, id: i64, s: &SignedIn) -> Markup {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    html! {
        h2 { (t("Tình trạng qua các thời kỳ", "Status over time")) }
        ol {
            @for (iso, date, status) in &s.timeline {
                li { time datetime=(iso) { (date) } ": " (status) }
            }
        }
        h2 { (t("Báo cáo năm", "Annual reports")) }
        div.w {
            table {
                thead {
                    tr {
                        th { (t("Năm", "Year")) }
                        th { (t("Số liệu", "Stage")) }
                        th.n { (t("Doanh thu (đồng)", "Revenue (VND)")) }
                        th.n { (t("Lợi nhuận (đồng)", "Profit (VND)")) }
                        th.n { (t("Thành viên cuối năm", "Members at year end")) }
                    }
                }
                tbody {
                    @for r in &s.reports {
                        tr {
                            td { (r.year) }
                            td { (r.stage) }
                            td.n { (r.revenue) }
                            td.n { (r.pre_tax_profit) }
                            td.n { (r.members_end) }
                        }
                    }
                }
            }
        }
        h2 { (t("Đánh giá, phân loại", "Evaluations")) }
        @if let Some(year) = s.new_sheet {
            p {
                a href={ "/danh-gia/" (id) "/" (year) } {
                    (t("Lập phiếu đánh giá năm", "Start the score sheet for")) " " (year)
                }
            }
        }
        div.w {
            table {
                thead {
                    tr {
                        th { (t("Năm", "Year")) }
                        th { (t("Bộ tiêu chí", "Rule set")) }
                        th { (t("Trạng thái", "State")) }
                        th.n { (t("Tổng điểm", "Total")) }
                        th { (t("Xếp loại", "Rating")) }
                    }
                }
                tbody {
                    @for e in &s.evaluations {
                        tr {
                            td { a href={ "/danh-gia/" (id) "/" (e.year) } { (e.year) } }
                            td { (e.rule_set) }
                            td { (e.state) }
                            td.n { (e.total) }
                            td { (e.rating) }
                        }
                    }
                }
            }
        }
        h2 { (t("Lịch sử thay đổi", "History")) }
        p {
            (t("Mỗi thay đổi có ngày hiệu lực (khi sự việc xảy ra) và thời điểm ghi (khi nhập vào hệ thống, giờ Việt Nam).",
               "Each change has its effective date (when it became true) and when it was recorded (Vietnam time)."))
        }
        div.w {
            table {
                thead {
                    tr {
                        th scope="col" { (t("Thông tin", "Attribute")) }
                        th scope="col" { (t("Trước", "Before")) }
                        th scope="col" { (t("Sau", "After")) }
                        th scope="col" { (t("Ngày hiệu lực", "Effective")) }
                        th scope="col" { (t("Thời điểm ghi", "Recorded")) }
                        th scope="col" { (t("Người ghi", "By")) }
                    }
                }
                tbody {
                    @for h in &s.history {
                        tr {
                            td { (h.label) }
                            // The difference highlighted: what was removed struck
                            // through, what came in marked; an unchanged value (a
                            // re-recording) is shown plain.
                            @match &h.before {
                                Some(b) if *b == h.after => {
                                    td { (b) }
                                    td { (h.after) }
                                }
                                Some(b) => {
                                    td { del { (b) } }
                                    td { ins { (h.after) } }
                                }
                                None => {
                                    td { "—" }
                                    td { ins { (h.after) } }
                                }
                            }
                            td { (h.effective) }
                            td { (h.recorded) }
                            td { (h.author) }
                        }
                    }
                }
            }
        }
    }
}
