//! Importing a spreadsheet (*nhập dữ liệu*, `/nhap`): the upload form, the check's
//! report, and the progress of a confirmed import.

use super::{html, Markup};
use hoptac_app::import::ImportReport;
use hoptac_domain::i18n::{field_label, format_int, Lang};

/// A page's own heading above its content.
pub fn titled(title: &str, body: Markup) -> Markup {
    html! {
        h1 { (title) }
        (body)
    }
}

/// One paragraph of text.
pub fn para(text: &str) -> Markup {
    html! { p { (text) } }
}

/// An error as a paragraph; `alert` announces it to screen readers.
pub fn error(text: &str, alert: bool) -> Markup {
    html! {
        @if alert {
            p.error role="alert" { (text) }
        } @else {
            p.error { (text) }
        }
    }
}

/// The way to sign in, for a signed-out reader.
pub fn sign_in(lang: Lang) -> Markup {
    html! { p { a href="/dang-nhap" { (lang.t("Cần đăng nhập.", "Sign in first.")) } } }
}

/// The file on the server is gone: upload it again.
pub fn gone(lang: Lang) -> Markup {
    html! {
        p.error {
            (lang.t(
                "Không còn tệp chờ nhập (đã nhập, hoặc đã quá hạn).",
                "The uploaded file is gone (imported already, or expired)."
            ))
            " "
            a href="/nhap" { (lang.t("Tải lên lại", "Upload again")) }
        }
    }
}

pub struct Upload<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    /// The organisation kinds as (code, label).
    pub kinds: Vec<(&'static str, &'static str)>,
}

pub fn upload(v: &Upload<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        p {
            (t(
                "Tệp .xlsx hoặc .csv như các phòng ban vẫn dùng (tiêu đề, dòng tổng cộng, phần ký tên được bỏ qua). Bước này chỉ kiểm tra; chưa ghi gì.",
                "An .xlsx or .csv file as offices keep them (titles, totals rows and signature blocks are skipped). This step only checks; nothing is written."
            ))
        }
        form method="post" action="/nhap" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(v.csrf);
            label { (t("Tệp", "File")) " " input type="file" name="file" accept=".xlsx,.csv" required; }
            br;
            label {
                (t("Loại hình (nếu tệp không có cột \"Loại hình\")", "Kind (if the file has no kind column)"))
                " "
                select name="kind" {
                    option value="" { "—" }
                    @for (code, label) in &v.kinds {
                        option value=(code) { (label) }
                    }
                }
            }
            br;
            button type="submit" { (t("Kiểm tra tệp", "Check the file")) }
        }
    }
}

/// What may follow a check's report.
pub enum Next<'a> {
    /// Rows would change: the confirmation form.
    Confirm {
        csrf: &'a str,
        token: &'a str,
        rows: usize,
    },
    /// The file is fine but changes nothing.
    NothingChanges,
    /// The file has errors: nothing was written.
    Rejected,
}

/// A check's or an import's report: summary, columns recognised, notes, then the row
/// errors, or what would be (or was) added and changed.
pub fn report(r: &ImportReport, lang: Lang) -> Markup {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    html! {
        p { strong { (r.summary(lang)) } }
        @if !r.columns.is_empty() {
            details {
                summary { (t("Cột nhận diện", "Columns recognised")) " (" (r.columns.len()) ")" }
                p {
                    @for (i, (c, h, f)) in r.columns.iter().enumerate() {
                        @if i > 0 { br; }
                        (c) " “" (h) "” → " (field_label(f, lang))
                    }
                }
            }
        }
        @if !r.notes.is_empty() {
            ul {
                @for n in &r.notes {
                    li { (n) }
                }
            }
        }
        @if !r.errors.is_empty() {
            div.w {
                table {
                    thead {
                        tr {
                            th scope="col" { (t("Dòng", "Row")) }
                            th scope="col" { (t("Cột", "Column")) }
                            th scope="col" { (t("Lỗi", "Error")) }
                        }
                    }
                    tbody {
                        @for e in &r.errors {
                            tr {
                                td {
                                    @if e.row == 0 { "—" } @else { (e.row) }
                                }
                                td { (e.column.as_deref().unwrap_or_default()) }
                                td { (e.message) }
                            }
                        }
                    }
                }
            }
        } @else {
            div.w {
                table {
                    thead {
                        tr {
                            th scope="col" { (t("Dòng", "Row")) }
                            th scope="col" { (t("Việc", "Action")) }
                            th scope="col" { (t("Tổ chức", "Organisation")) }
                        }
                    }
                    tbody {
                        @for o in r.outcomes.iter().filter(|o| o.action != "unchanged").take(200) {
                            tr {
                                td { (o.row) }
                                td {
                                    @if o.action == "create" {
                                        (t("thêm mới", "add"))
                                    } @else {
                                        (t("cập nhật", "update"))
                                    }
                                }
                                td { (o.name) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A check's report and what may follow it.
pub fn checked(r: &ImportReport, lang: Lang, next: &Next<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    html! {
        (report(r, lang))
        @match next {
            Next::Confirm { csrf, token, rows } => {
                form method="post" action="/nhap/xac-nhan" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="token" value=(token);
                    button type="submit" { (t("Xác nhận nhập", "Confirm: import")) " " (rows) " " (t("dòng", "rows")) }
                }
            }
            Next::NothingChanges => {
                p { (t("Không có gì thay đổi.", "Nothing changes.")) }
            }
            Next::Rejected => {
                p.error role="alert" {
                    (t(
                        "Không ghi dữ liệu nào. Sửa các lỗi trong tệp rồi",
                        "Nothing was written. Correct the errors in the file, then"
                    ))
                    " "
                    a href="/nhap" { (t("tải lên lại", "upload it again")) }
                    "."
                }
            }
        }
    }
}

/// How far a running import is.
pub struct Running<'a> {
    pub lang: Lang,
    pub writing: bool,
    pub file_name: &'a str,
    pub done: usize,
    pub total: usize,
}

pub fn running(v: &Running<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let phase = if v.writing {
        t("Đang ghi", "Writing")
    } else {
        t("Đang kiểm tra", "Checking")
    };
    html! {
        p {
            label for="bar" {
                (phase) " " (v.file_name) " — " (format_int(v.done as i64)) " / "
                (format_int(v.total as i64)) " " (t("dòng", "rows"))
            }
            br;
            progress #bar value=(v.done) max=(v.total.max(1)) { (v.done) "/" (v.total) }
        }
        p {
            small {
                (t(
                    "Trang tự cập nhật mỗi giây; có thể đóng trang, việc nhập vẫn tiếp tục.",
                    "The page refreshes every second; closing it does not stop the import."
                ))
            }
        }
    }
}
