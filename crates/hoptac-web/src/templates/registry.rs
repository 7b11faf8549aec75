//! The registry page (*sổ đăng ký*, `/`): search, filter by kind, the list, paging and
//! the export links.

use super::{html, Markup};
use hoptac_domain::i18n::Lang;

/// One organisation as listed.
pub struct Row<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub name: &'a str,
    pub commune: String,
    pub status: &'a str,
    pub members: String,
    pub founded: String,
}

pub struct Registry<'a> {
    pub lang: Lang,
    pub province: String,
    /// The reader may register organisations: the link to the form.
    pub may_register: bool,
    /// What was searched for.
    pub q: &'a str,
    /// The kind filtered on, if any.
    pub kind: Option<&'a str>,
    /// How many were found, as text ("more than 1.000" when counting stopped).
    pub total: String,
    /// The query of the export links (`&q=…&kind=…`), not yet escaped.
    pub export_qs: String,
    pub rows: Vec<Row<'a>>,
    pub page: u32,
    pub last: u32,
    /// The addresses of the previous and next pages, where there are such pages.
    pub prev: Option<String>,
    pub next: Option<String>,
    /// What was wrong with the filter in the address, when it was set aside.
    pub problem: Option<String>,
}

pub fn title(lang: Lang) -> &'static str {
    lang.t("Sổ đăng ký kinh tế tập thể", "Collective economy registry")
}

fn row(r: &Row<'_>) -> Markup {
    html! {
        tr {
            td { (r.id) }
            td { (r.kind) }
            td { a href={ "/to-chuc/" (r.id) } { (r.name) } }
            td { (r.commune) }
            td { (r.status) }
            td.n { (r.members) }
            td { (r.founded) }
        }
    }
}

pub fn registry(v: &Registry<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let kinds = [
        ("HTX", t("Hợp tác xã", "Cooperative")),
        ("LHHTX", t("Liên hiệp HTX", "Union")),
        ("THT", t("Tổ hợp tác", "Cooperative group")),
    ];
    html! {
        header { h1 { (title(v.lang)) } }
        p {
            (v.province)
            @if v.may_register {
                " · " a href="/to-chuc/moi" { (t("Đăng ký tổ chức mới", "Register an organisation")) }
            }
        }
        form method="get" action="/" {
            label {
                (t("Tìm", "Search")) " "
                input name="q" value=(v.q) placeholder="hop tac nong nghiep";
            }
            label {
                (t("Loại hình", "Kind")) " "
                select name="kind" {
                    option value="" { (t("Tất cả", "All")) }
                    @for (code, label) in kinds {
                        option value=(code) selected[v.kind == Some(code)] { (label) }
                    }
                }
            }
            @if v.lang == Lang::En {
                input type="hidden" name="lang" value="en";
            }
            button type="submit" { (t("Tìm kiếm", "Search")) }
        }
        @if let Some(problem) = &v.problem {
            p.error role="alert" { (problem) }
        }
        p {
            (t("Kết quả", "Found")) ": " strong { (v.total) }
            " · " a href={ "/api/v1/export?format=xlsx" (v.export_qs) } { (t("Xuất", "Export")) " .xlsx" }
            " · " a href={ "/api/v1/export?format=csv" (v.export_qs) } { ".csv" }
            " · " a href="/api/v1/openapi.json" { "API (OpenAPI)" }
        }
        div.w {
            table {
                thead {
                    tr {
                        th { (t("Mã", "ID")) }
                        th { (t("Loại", "Kind")) }
                        th { (t("Tên", "Name")) }
                        th { (t("Địa bàn", "Commune")) }
                        th { (t("Tình trạng", "Status")) }
                        th.n { (t("Thành viên", "Members")) }
                        th { (t("Thành lập", "Founded")) }
                    }
                }
                tbody {
                    @for r in &v.rows { (row(r)) }
                }
            }
        }
        p {
            @if let Some(href) = &v.prev {
                a href=(href) { "« " (t("Trước", "Previous")) } " "
            }
            (t("Trang", "Page")) " " (v.page) " / " (v.last)
            @if let Some(href) = &v.next {
                " " a href=(href) { (t("Sau", "Next")) " »" }
            }
        }
    }
}
