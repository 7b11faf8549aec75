//! The evaluation pages (*đánh giá, phân loại HTX*): the year's list of score sheets and
//! one score sheet with its workflow steps.

use super::{html, notice, pager, year_options, Markup};
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;

/// One organisation in the list of sheets.
pub struct ListRow {
    pub id: OrgId,
    pub name: String,
    pub commune: String,
    /// The sheet's state, as read.
    pub state: &'static str,
    /// Total points and rating, once scored (else empty).
    pub total: String,
    pub rating: String,
}

/// One choice of the state filter: its code, label and how many (none for "all").
pub struct StateChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub count: Option<String>,
}

/// What the list of sheets shows.
pub struct List<'a> {
    pub lang: Lang,
    pub title: &'a str,
    pub summary: &'a str,
    pub year: i32,
    /// The years offered: from, to.
    pub years: (i32, i32),
    pub states: Vec<StateChoice>,
    /// The state asked for (empty: all).
    pub wanted: &'a str,
    pub rows: Vec<ListRow>,
    pub page: usize,
    pub pages: usize,
}

pub fn list(v: &List<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let year = v.year;
    let href = |n: usize| {
        format!(
            "/danh-gia?year={year}&state={}&page={n}",
            crate::html::url_escape(v.wanted)
        )
    };
    html! {
        h1 { (v.title) }
        p { (v.summary) }
        "\n"
        form method="get" action="/danh-gia" {
            label {
                (t("Năm", "Year")) " "
                select name="year" { (year_options(v.years.0, v.years.1, year)) }
            }
            "\n"
            label {
                (t("Trạng thái", "State")) " "
                select name="state" {
                    @for s in &v.states {
                        option value=(s.code) selected[v.wanted == s.code] {
                            (s.label)
                            @if let Some(n) = &s.count { " (" (n) ")" }
                        }
                    }
                }
            }
            button type="submit" { (t("Xem", "Show")) }
        }
        @if v.rows.is_empty() {
            p { (t("Không có tổ chức nào.", "Nothing to list.")) }
        } @else {
            div.w {
                table {
                    thead {
                        tr {
                            th scope="col" { (t("Tổ chức", "Organisation")) }
                            th scope="col" { (t("Xã, phường", "Commune")) }
                            th scope="col" { (t("Phiếu", "Sheet")) }
                            th.n scope="col" { (t("Tổng điểm", "Total")) }
                            th scope="col" { (t("Xếp loại", "Rating")) }
                        }
                    }
                    tbody {
                        @for r in &v.rows {
                            tr {
                                td { a href={ "/danh-gia/" (r.id) "/" (year) } { (r.name) } }
                                td { (r.commune) }
                                td { (r.state) }
                                td.n { (r.total) }
                                td { (r.rating) }
                            }
                        }
                    }
                }
            }
            (pager(v.lang, v.page, v.pages, href))
        }
    }
}

/// A sub-criterion's row of the sheet.
pub struct SubRow {
    pub code: String,
    pub name: String,
    pub max: String,
    /// The proposed points (or "—") and why, if the rules propose any.
    pub proposal: Option<(String, String)>,
    /// The points shown or typed, and the reason.
    pub score: String,
    pub reason: String,
    /// What is wrong with what was typed.
    pub error: Option<String>,
}

/// A criterion's heading row and its sub-criteria.
pub struct CriterionRows {
    pub code: String,
    pub name: String,
    pub max: String,
    /// The points scored on it, once there is an outcome.
    pub scored: Option<String>,
    pub provisional: bool,
    pub subs: Vec<SubRow>,
}

/// The result line of a scored sheet.
pub struct Outcome {
    pub total: String,
    pub rating: &'static str,
    /// Why it was not rated as scored (e.g. " (founded in the year)"), or empty.
    pub why: &'static str,
}

/// Who prepared, reviewed and approved the sheet.
pub struct People {
    pub prepared_by: String,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
}

/// A workflow step the reader may take: its action name, button label, and whether it
/// asks for a reason.
pub struct Step {
    pub action: &'static str,
    pub label: &'static str,
    pub reason: bool,
}

/// What a score sheet shows.
pub struct Sheet<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub id: OrgId,
    pub name: &'a str,
    pub year: i32,
    pub rule_set: &'a str,
    pub provisional: bool,
    pub state: &'static str,
    /// A notice at the top: `(error, text)`.
    pub notice: Option<(bool, &'a str)>,
    /// The reason given when the sheet was returned (for drafts).
    pub returned: Option<&'a str>,
    pub outcome: Option<Outcome>,
    pub people: Option<People>,
    /// Whether the reader may type scores: the rows are inputs in a form.
    pub editable: bool,
    pub version: i64,
    pub criteria: Vec<CriterionRows>,
    pub steps: Vec<Step>,
}

pub fn sheet(v: &Sheet<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let hidden = html! {
        input type="hidden" name="csrf" value=(v.csrf);
        input type="hidden" name="version" value=(v.version);
    };
    let table = html! {
        div.w {
            table.sheet {
                thead {
                    tr {
                        th scope="col" { (t("Tiêu chí", "Criterion")) }
                        th.n scope="col" { (t("Tối đa", "Max")) }
                        th scope="col" { (t("Điểm đề xuất", "Proposed")) }
                        th.n scope="col" { (t("Điểm", "Points")) }
                        th scope="col" { (t("Lý do (nếu khác đề xuất)", "Reason (if not the proposal)")) }
                    }
                }
                tbody {
                    @for c in &v.criteria {
                        tr {
                            th scope="rowgroup" colspan="5" {
                                (c.code) " " (c.name) " (" (t("tối đa", "max")) " " (c.max) ")"
                                @if let Some(x) = &c.scored { " — " (x) }
                                @if c.provisional {
                                    (t(" — điểm tạm tính, chưa đối chiếu văn bản", " — provisional points"))
                                }
                            }
                        }
                        @for s in &c.subs {
                            tr {
                                td { (s.code) " " (s.name) }
                                td.n { (s.max) }
                                td {
                                    @if let Some((points, why)) = &s.proposal {
                                        (points) br; small { (why) }
                                    }
                                }
                                td.n {
                                    @if v.editable {
                                        @let error_id = format!("e-{}", s.code);
                                        input name={ "s." (s.code) } id={ "s-" (s.code) } value=(s.score)
                                            inputmode="decimal"
                                            aria-label={ (t("Điểm", "Points")) " " (s.code) " (" (t("tối đa", "max")) " " (s.max) ")" }
                                            aria-invalid=[s.error.as_ref().map(|_| "true")]
                                            aria-describedby=[s.error.as_ref().map(|_| &error_id)];
                                        @if let Some(e) = &s.error {
                                            br; span.error id=(error_id) { (e) }
                                        }
                                    } @else {
                                        (s.score)
                                    }
                                }
                                td {
                                    @if v.editable {
                                        input.reason name={ "r." (s.code) } value=(s.reason)
                                            aria-label={ (t("Lý do khác điểm đề xuất", "Why it differs from the proposal")) " " (s.code) };
                                    } @else {
                                        (s.reason)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    html! {
        p { a href={ "/danh-gia?year=" (v.year) } { "← " (t("Danh sách phiếu", "All sheets")) } }
        "\n"
        h1 {
            (t("Phiếu đánh giá năm", "Score sheet")) " " (v.year) ": "
            a href={ "/to-chuc/" (v.id) } { (v.name) }
        }
        "\n"
        p {
            (t("Bộ tiêu chí", "Rule set")) ": " (v.rule_set)
            @if v.provisional { (t(" (một số điểm tạm tính)", " (some points provisional)")) }
            " · " (t("Trạng thái", "State")) ": " strong { (v.state) }
        }
        @if let Some((error, text)) = v.notice { (notice(error, text)) }
        @if let Some(r) = v.returned {
            p.notice { (t("Phiếu bị trả lại", "Returned")) ": " (r) }
        }
        @if let Some(o) = &v.outcome {
            p { strong { (t("Kết quả", "Result")) ": " (o.total) " — " (o.rating) (o.why) } }
        }
        @if let Some(p) = &v.people {
            p {
                (t("Người lập", "Prepared by")) ": " (p.prepared_by)
                @if let Some(r) = &p.reviewed_by { "; " (t("thẩm định", "reviewed by")) ": " (r) }
                @if let Some(a) = &p.approved_by { "; " (t("phê duyệt", "approved by")) ": " (a) }
            }
        }
        @if v.editable {
            form method="post" action={ "/danh-gia/" (v.id) "/" (v.year) } {
                (hidden)
                (table)
                p { button type="submit" { (t("Lưu phiếu (nháp)", "Save the sheet (draft)")) } }
            }
        } @else {
            (table)
        }
        @if !v.steps.is_empty() {
            h2 { (t("Xử lý phiếu", "Workflow")) }
            @for s in &v.steps {
                form method="post" action={ "/danh-gia/" (v.id) "/" (v.year) "/thao-tac" } {
                    (hidden)
                    input type="hidden" name="action" value=(s.action);
                    @if s.reason {
                        label { (t("Lý do", "Reason")) " " textarea name="reason" rows="2" required {} }
                    }
                    button type="submit" { (s.label) }
                }
            }
        }
    }
}
