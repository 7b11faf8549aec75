//! The audit trail for administrators (*nhật ký thay đổi*, `/nhat-ky`).

use super::{html, Markup};
use hoptac_domain::i18n::Lang;

/// Whether the chain verifies, as one sentence; `bad` shows it as an error.
pub struct State {
    pub text: String,
    pub bad: bool,
}

/// One record of a link: action, entity, id, and the keys an update changed.
pub struct Change {
    pub action: String,
    pub entity: String,
    pub id: String,
    pub changed: Vec<String>,
}

/// One link of the chain as shown: the first few records and how many more.
pub struct Link {
    pub seq: i64,
    /// Vietnam time, already formatted.
    pub at: String,
    pub actor: String,
    pub source: String,
    pub changes: Vec<Change>,
    pub more: usize,
}

/// The stored records compared with the trail.
pub struct Records {
    pub compared: u64,
    /// How many records the trail does not vouch for (only the first few are listed).
    pub total: usize,
    /// (table, record, what is wrong)
    pub findings: Vec<(String, String, &'static str)>,
}

pub struct Audit {
    pub lang: Lang,
    pub state: State,
    /// `None` until the reader asks for the comparison.
    pub records: Option<Records>,
    pub anchor: String,
    pub links: Vec<Link>,
}

pub fn title(lang: Lang) -> &'static str {
    lang.t("Nhật ký thay đổi", "Audit trail")
}

/// The page shown to a signed-in reader who is not an administrator.
pub fn refused(lang: Lang) -> Markup {
    html! {
        h1 { (title(lang)) }
        p { (lang.t("Nhật ký dành cho quản trị viên.", "The audit trail is for administrators.")) }
    }
}

pub fn audit(v: &Audit) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        h1 { (title(v.lang)) }
        p {
            @if v.state.bad {
                span.error { (v.state.text) }
            } @else {
                (v.state.text)
            }
        }
        (records(v))
        p {
            (t(
                "Mốc hiện tại (lưu ở nơi khác để phát hiện việc viết lại chuỗi)",
                "Current anchor (keep it elsewhere to detect a rewritten chain)"
            ))
            ": "
            code { (v.anchor) }
        }
        div.w {
            table {
                thead {
                    tr {
                        th scope="col" { "#" }
                        th scope="col" { (t("Thời điểm (giờ Việt Nam)", "When (Vietnam time)")) }
                        th scope="col" { (t("Người", "Who")) }
                        th scope="col" { (t("Qua", "Through")) }
                        th scope="col" { (t("Thay đổi", "Changes")) }
                    }
                }
                tbody {
                    @for l in &v.links {
                        tr {
                            td { (l.seq) }
                            td { (l.at) }
                            td { (l.actor) }
                            td { (l.source) }
                            td {
                                @for (i, c) in l.changes.iter().enumerate() {
                                    @if i > 0 { br; }
                                    (c.action) " " (c.entity) " " code { (c.id) }
                                    @if !c.changed.is_empty() {
                                        ": " mark { (c.changed.join(", ")) }
                                    }
                                }
                                @if l.more > 0 {
                                    br; "… " (l.more) " " (t("bản ghi nữa", "more records"))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The comparison of the stored records with the trail, or the link that asks for it.
fn records(v: &Audit) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let lang_q = match v.lang {
        Lang::Vi => "",
        Lang::En => "&lang=en",
    };
    html! {
        @match &v.records {
            None => p {
                a href=(format!("/nhat-ky?doi-chieu=1{lang_q}")) {
                    (t(
                        "Đối chiếu mọi bản ghi đang lưu với nhật ký",
                        "Compare every stored record with the trail"
                    ))
                }
                " " (t("(đọc toàn bộ dữ liệu; có thể mất vài giây)", "(reads all the data; may take seconds)"))
            },
            Some(r) if r.total == 0 => p {
                (t("Dữ liệu đang lưu khớp nhật ký", "The stored data matches the trail"))
                ": " (r.compared) " " (t("bản ghi.", "records."))
            },
            Some(r) => {
                p {
                    span.error {
                        (r.total) " " (t(
                            "bản ghi không khớp nhật ký (đã đối chiếu",
                            "records do not match the trail (compared"
                        )) " " (r.compared) ")."
                    }
                }
                div.w {
                    table {
                        caption { (t("Bản ghi không khớp", "Records that do not match")) }
                        thead {
                            tr {
                                th scope="col" { (t("Bảng", "Table")) }
                                th scope="col" { (t("Bản ghi", "Record")) }
                                th scope="col" { (t("Vấn đề", "Problem")) }
                            }
                        }
                        tbody {
                            @for (table, record, problem) in &r.findings {
                                tr { td { code { (table) } } td { code { (record) } } td { (problem) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
