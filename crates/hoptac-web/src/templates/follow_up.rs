//! The follow-up pages (*theo dõi HTX yếu, tồn tại hình thức*): the year's list, and the
//! form recording one cooperative's plan.

use super::{html, notice, pager, year_options, Markup};
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;
use std::collections::HashMap;

/// A recorded plan, as listed.
pub struct Recorded {
    pub plan: &'static str,
    pub description: String,
    pub owner: String,
    pub deadline: String,
    /// "Done" or "In progress".
    pub state: &'static str,
    /// Not done and its deadline has passed.
    pub overdue: bool,
    pub outcome: Option<String>,
}

/// One cooperative in the list.
pub struct Row {
    pub id: OrgId,
    /// The year of its record (the list's year if none).
    pub year: i32,
    pub name: String,
    pub commune: String,
    pub causes: String,
    pub plan: Option<Recorded>,
}

/// What the follow-up list shows.
pub struct List<'a> {
    pub lang: Lang,
    pub title: &'a str,
    pub year: i32,
    /// The years offered: from, to.
    pub years: (i32, i32),
    /// How many need a plan, and how many have none (written for the page's language).
    pub total: &'a str,
    pub without: &'a str,
    /// How many plans are overdue (written for the page's language).
    pub overdue: &'a str,
    /// A plan was just saved: for which cooperative.
    pub saved: Option<&'a str>,
    pub missing_only: bool,
    pub rows: Vec<Row>,
    pub page: usize,
    pub pages: usize,
}

pub fn list(v: &List<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let year = v.year;
    let missing = if v.missing_only { "&missing=1" } else { "" };
    let href = |n: usize| format!("/theo-doi?year={year}{missing}&page={n}");
    html! {
        header { h1 { (v.title) } }
        "\n"
        @if let Some(name) = v.saved {
            (notice(false, &format!("{} {name}.", t("Đã lưu phương án của", "Plan saved for"))))
        }
        p {
            @match v.lang {
                Lang::Vi => { (v.total) " HTX cần có phương án; " strong { (v.without) } " chưa có; " strong { (v.overdue) } " phương án quá hạn." }
                Lang::En => { (v.total) " cooperatives need a plan; " strong { (v.without) } " have none yet; " strong { (v.overdue) } " plans are overdue." }
            }
        }
        "\n"
        form method="get" action="/theo-doi" {
            label {
                (t("Năm", "Year")) " "
                select name="year" { (year_options(v.years.0, v.years.1, year)) }
            }
            "\n"
            label {
                input type="checkbox" name="missing" value="1" checked[v.missing_only];
                " " (t("Chỉ những HTX chưa có phương án", "Only those without a plan"))
            }
            "\n"
            button type="submit" { (t("Xem", "Show")) }
        }
        "\n"
        @if v.rows.is_empty() {
            p { (t("Không có HTX nào trong danh sách.", "No cooperative is listed.")) }
        } @else {
            div.w {
                table {
                    thead {
                        tr {
                            th scope="col" { (t("Hợp tác xã", "Cooperative")) }
                            th scope="col" { (t("Xã, phường", "Commune")) }
                            th scope="col" { (t("Lý do", "Why")) }
                            th scope="col" { (t("Phương án", "Plan")) }
                            th scope="col" { (t("Phụ trách", "Owner")) }
                            th scope="col" { (t("Thời hạn", "Deadline")) }
                            th scope="col" { (t("Kết quả", "Outcome")) }
                        }
                    }
                    tbody {
                        @for r in &v.rows {
                            tr {
                                td { a href={ "/to-chuc/" (r.id) } { (r.name) } }
                                td { (r.commune) }
                                td { (r.causes) }
                                td {
                                    @match &r.plan {
                                        None => { strong.error { (t("Chưa có phương án", "No plan yet")) } }
                                        Some(f) => { (f.plan) br; small { (f.description) } }
                                    }
                                    br;
                                    a href={ "/theo-doi/" (r.id) "/" (r.year) } { (t("Ghi phương án", "Record the plan")) }
                                }
                                @match &r.plan {
                                    None => { td {} td {} td {} }
                                    Some(f) => {
                                        td { (f.owner) }
                                        td {
                                            (f.deadline)
                                            @if f.overdue {
                                                br; strong.error { (t("Quá hạn", "Overdue")) }
                                            }
                                        }
                                        td {
                                            (f.state)
                                            @if let Some(o) = &f.outcome { ": " (o) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (pager(v.lang, v.page, v.pages, href))
        }
    }
}

/// A choice of plan: its code and label.
pub struct PlanChoice {
    pub code: &'static str,
    pub label: &'static str,
}

/// What the plan form shows: what was typed (or the record), errors beside their
/// fields.
pub struct Form<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub id: OrgId,
    pub year: i32,
    pub name: &'a str,
    pub causes: &'a str,
    /// A notice at the top: `(error, text)`.
    pub notice: Option<(bool, &'a str)>,
    pub version: i64,
    pub plans: Vec<PlanChoice>,
    /// The fields' values, by name: what was typed, else the record.
    pub values: &'a HashMap<String, String>,
    /// What is wrong with a field, by name.
    pub errors: &'a HashMap<String, String>,
}

pub fn form(v: &Form<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let value = |k: &str| v.values.get(k).map_or("", String::as_str);
    let err = |k: &str| {
        html! {
            @if let Some(m) = v.errors.get(k) {
                " " span.error id={ (k) "-error" } { (m) }
            }
        }
    };
    let selected = value("plan");
    html! {
        p { a href={ "/theo-doi?year=" (v.year) } { "← " (t("Danh sách theo dõi", "Follow-up list")) } }
        "\n"
        h1 {
            (t("Phương án năm", "Plan for")) " " (v.year) ": "
            a href={ "/to-chuc/" (v.id) } { (v.name) }
        }
        p { (t("Lý do", "Why")) ": " (v.causes) }
        @if let Some((error, text)) = v.notice { (notice(error, text)) }
        "\n"
        form.signin method="post" action={ "/theo-doi/" (v.id) "/" (v.year) } {
            "\n"
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="version" value=(v.version);
            "\n"
            label {
                (t("Phương án", "Plan")) " "
                select name="plan" {
                    @for p in &v.plans {
                        option value=(p.code) selected[selected == p.code] { (p.label) }
                    }
                }
            }
            "\n"
            label {
                (t("Nội dung", "What")) (err("description"))
                input name="description" value=(value("description")) required;
            }
            "\n"
            label {
                (t("Cơ quan, người phụ trách", "Owner (agency, person)")) (err("owner"))
                input name="owner" value=(value("owner")) required;
            }
            "\n"
            label {
                (t("Thời hạn", "Deadline")) " (dd/mm/yyyy)" (err("deadline"))
                input name="deadline" value=(value("deadline")) required inputmode="numeric";
            }
            "\n"
            label {
                (t("Kết quả", "Outcome"))
                input name="outcome" value=(value("outcome"));
            }
            "\n"
            label {
                input type="checkbox" name="closed" value="1" checked[v.values.contains_key("closed")];
                " " (t("Đã xong", "Done"))
            }
            "\n"
            button type="submit" { (t("Lưu phương án", "Save the plan")) }
        }
    }
}
