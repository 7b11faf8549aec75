//! HTX stopped and to settle (*HTX ngừng hoạt động cần giải quyết dứt điểm*).

use super::{html, Markup};
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;

/// One stopped HTX as listed.
pub struct Row {
    pub id: OrgId,
    pub name: String,
    pub commune: String,
    /// "Suspended" or "Stopped without registering".
    pub state: &'static str,
    pub since: String,
    /// The registered end, or "—".
    pub until: String,
    pub overdue: bool,
}

/// Stoppages settled in a year: (year, resumed, closed).
pub type Settled = (i32, u64, u64);

pub struct Stoppages<'a> {
    pub lang: Lang,
    pub title: &'a str,
    pub rows: Vec<Row>,
    pub overdue: usize,
    pub settled: Vec<Settled>,
}

pub fn stoppages(v: &Stoppages<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        h1 { (v.title) }
        p {
            (v.rows.len()) " " (t("HTX đang ngừng hoạt động; ", "cooperatives stopped; "))
            strong { (v.overdue) } " " (t(
                "quá hạn (ngừng không đăng ký, tạm ngừng không có ngày kết thúc, hoặc đã hơn một năm).",
                "overdue (stopped without registering, suspended without an end date, or for over a year)."
            ))
        }
        @if v.rows.is_empty() {
            p { (t("Không có HTX nào đang ngừng hoạt động.", "No cooperative is stopped.")) }
        } @else {
            div.w tabindex="0" role="region" aria-label=(t("Danh sách HTX ngừng hoạt động", "Stopped cooperatives")) {
                table {
                    thead {
                        tr {
                            th scope="col" { (t("Tên", "Name")) }
                            th scope="col" { (t("Xã, phường", "Commune")) }
                            th scope="col" { (t("Tình trạng", "Status")) }
                            th scope="col" { (t("Từ ngày", "Since")) }
                            th scope="col" { (t("Đến ngày", "Until")) }
                        }
                    }
                    tbody {
                        @for r in &v.rows {
                            tr {
                                td { a href={ "/to-chuc/" (r.id) } { (r.name) } }
                                td { (r.commune) }
                                td {
                                    (r.state)
                                    @if r.overdue { br; strong.error { (t("Quá hạn", "Overdue")) } }
                                }
                                td { (r.since) }
                                td { (r.until) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t("Đã giải quyết theo năm", "Settled per year")) }
        @if v.settled.is_empty() {
            p { (t("Chưa có trường hợp nào.", "None yet.")) }
        } @else {
            div.w tabindex="0" role="region" aria-label=(t("Đã giải quyết theo năm", "Settled per year")) {
                table {
                    thead {
                        tr {
                            th scope="col" { (t("Năm", "Year")) }
                            th scope="col" { (t("Hoạt động trở lại", "Resumed")) }
                            th scope="col" { (t("Giải thể, phá sản, thu hồi", "Dissolved, bankrupt, revoked")) }
                            th scope="col" { (t("Cộng", "Total")) }
                        }
                    }
                    tbody {
                        @for (year, resumed, closed) in &v.settled {
                            tr { td { (year) } td { (resumed) } td { (closed) } td { (resumed + closed) } }
                        }
                    }
                }
            }
        }
    }
}
