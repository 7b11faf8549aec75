//! Registering (`/to-chuc/moi`) and editing (`/to-chuc/{id}/sua`) an organisation: the
//! two forms, each problem named beside its field, and the screen of a save that came
//! after someone else's (both versions side by side).

use super::{html, Markup};
use hoptac_domain::i18n::{field_label, Lang};
use hoptac_domain::org::{OrgKind, Sector};

/// One input as it is shown again: what was typed (or the record's value) and the
/// problem with it, if any.
pub struct Input {
    pub name: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// The inputs shared by both forms, in order.
pub struct OrgInputs {
    /// Text fields (`notes` is a text area).
    pub text: Vec<Input>,
    /// Whole numbers.
    pub numbers: Vec<Input>,
    /// The code of the chosen sector ("" for none).
    pub sector: String,
    /// "No sector" is offered (editing a record that has none).
    pub no_sector: bool,
}

/// What is said at the top of a form shown again.
pub enum Notice {
    None,
    /// Some fields are wrong; each is named beside itself.
    Invalid,
    /// The registry refused the whole save, with this reason.
    Refused(String),
    /// Someone else saved first: the version now current and the fields that differ.
    Conflict {
        version: i64,
        rows: Vec<ConflictRow>,
    },
}

/// A field whose saved value differs from this reader's.
pub struct ConflictRow {
    pub field: &'static str,
    pub theirs: String,
    /// What this reader typed, or read when they left it alone.
    pub mine: String,
    /// This reader left the field alone: the current value stays.
    pub kept: bool,
}

/// The edit form of one organisation, read at `version`.
pub struct EditForm<'a> {
    pub lang: Lang,
    pub id: i64,
    pub name: &'a str,
    pub csrf: &'a str,
    pub version: i64,
    pub notice: Notice,
    pub inputs: OrgInputs,
    pub effective: Input,
    /// Each field as it was read (hidden `read_<field>` inputs), so a save applies
    /// only the fields this reader changed.
    pub read: Vec<(String, String)>,
    /// The reader may only propose changes to these identity fields (a cooperative
    /// account): an officer in scope decides.
    pub proposed: &'a [&'a str],
}

/// The form that registers a new organisation.
pub struct CreateForm<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub notice: Notice,
    /// The code of the chosen kind.
    pub kind: &'a str,
    /// The communes the reader may register in: code and name.
    pub communes: &'a [(String, String)],
    /// The code of the chosen commune ("" for none).
    pub commune: &'a str,
    pub commune_error: Option<String>,
    /// Founding and registration dates.
    pub dates: Vec<Input>,
    pub inputs: OrgInputs,
}

fn err_id(name: &str) -> String {
    format!("err-{name}")
}

/// `aria-invalid` and `aria-describedby` of an input with a problem.
fn aria(i: &Input) -> (Option<&'static str>, Option<String>) {
    match i.error {
        Some(_) => (Some("true"), Some(err_id(i.name))),
        None => (None, None),
    }
}

fn error(i: &Input) -> Markup {
    html! {
        @if let Some(e) = &i.error {
            span.error id=(err_id(i.name)) { (e) }
        }
    }
}

fn notice(lang: Lang, n: &Notice) -> Markup {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    html! {
        @match n {
            Notice::None => {}
            Notice::Invalid => {
                p.error role="alert" {
                    (t("Chưa lưu: có thông tin chưa hợp lệ (xem bên dưới).",
                       "Not saved: some fields are invalid (see below)."))
                }
            }
            Notice::Refused(msg) => { p.error role="alert" { (msg) } }
            Notice::Conflict { version, rows } => {
                p.error role="alert" {
                    (t("Hồ sơ vừa được người khác lưu", "Someone else saved this record"))
                    " (" (t("phiên bản", "version")) " " (version) "). "
                    (t("Chưa lưu gì của bạn. So sánh rồi bấm Lưu lần nữa: chỉ những thông tin bạn đã sửa được ghi lên bản hiện tại, các thông tin khác giữ như bản hiện tại.",
                       "Nothing of yours was saved. Compare, then press Save again: only the fields you changed are written over the current version; the others stay as they are now."))
                }
                div.w {
                    table {
                        thead {
                            tr {
                                th scope="col" { (t("Thông tin", "Field")) }
                                th scope="col" { (t("Bản hiện tại", "Current")) }
                                th scope="col" { (t("Bản của bạn", "Yours")) }
                            }
                        }
                        tbody {
                            @for r in rows {
                                tr {
                                    th scope="row" { (field_label(r.field, lang)) }
                                    td { mark { @if r.theirs.is_empty() { "—" } @else { (r.theirs) } } }
                                    td {
                                        @if r.mine.is_empty() { "—" } @else { (r.mine) }
                                        @if r.kept {
                                            " " small { (t("(bạn không sửa — giữ bản hiện tại)", "(you did not change it — the current value stays)")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// After the label of a field the reader may only propose a change to.
fn proposal_mark(lang: Lang, proposed: &[&str], name: &str) -> Markup {
    html! {
        @if proposed.contains(&name) {
            small { (lang.t("(đề nghị, cán bộ duyệt)", "(proposal, an officer decides)")) } " "
        }
    }
}

/// The inputs shared by the create and edit forms; changes to `proposed` fields are
/// proposals.
fn org_inputs(lang: Lang, v: &OrgInputs, proposed: &[&str]) -> Markup {
    html! {
        @for i in &v.text {
            @let (invalid, described) = aria(i);
            label {
                (field_label(i.name, lang)) " " (proposal_mark(lang, proposed, i.name))
                @if i.name == "notes" {
                    textarea name=(i.name) rows="3" aria-invalid=[invalid] aria-describedby=[described] { (i.value) }
                } @else {
                    input name=(i.name) value=(i.value) aria-invalid=[invalid] aria-describedby=[described];
                }
                " " (error(i))
            }
            br;
        }
        @for i in &v.numbers {
            @let (invalid, described) = aria(i);
            label {
                (field_label(i.name, lang)) " "
                input name=(i.name) inputmode="numeric" value=(i.value) aria-invalid=[invalid] aria-describedby=[described];
                " " (error(i))
            }
            br;
        }
        label {
            (field_label("sector", lang)) " " (proposal_mark(lang, proposed, "sector"))
            select name="sector" {
                // A record without a sector keeps none unless one is chosen.
                @if v.no_sector {
                    option value="" selected { "—" }
                }
                @for s in Sector::ALL {
                    option value=(s.code()) selected[s.code() == v.sector] { (lang.t(s.label_vi(), s.label_en())) }
                }
            }
        }
        br;
    }
}

/// The edit form (also the page of a refused save, with its notice).
pub fn edit_form(v: &EditForm<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let (invalid, described) = aria(&v.effective);
    html! {
        p { a href={ "/to-chuc/" (v.id) } { "← " (v.name) } }
        h1 { (t("Sửa hồ sơ", "Edit")) ": " (v.name) }
        (notice(v.lang, &v.notice))
        form method="post" action={ "/to-chuc/" (v.id) "/sua" } {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="version" value=(v.version);
            @for (name, value) in &v.read {
                input type="hidden" name=(name) value=(value);
            }
            @if !v.proposed.is_empty() {
                p {
                    small {
                        (t("Thay đổi tên, mã số thuế, số đăng ký, cơ quan đăng ký hay ngành nghề được gửi thành đề nghị; cán bộ phụ trách chấp nhận hoặc từ chối.",
                           "Changes to the name, tax code, registration number, registering body or sector are sent as a proposal; the officer in charge accepts or refuses it."))
                    }
                }
            }
            (org_inputs(v.lang, &v.inputs, v.proposed))
            label {
                (field_label("effective", v.lang)) " "
                input name="effective" placeholder="dd/mm/yyyy" value=(v.effective.value) aria-invalid=[invalid] aria-describedby=[described];
                " " (error(&v.effective))
            }
            br;
            p {
                small {
                    (t("Để trống \"Ngày hiệu lực\" nếu thay đổi có hiệu lực từ hôm nay; ghi ngày cũ hơn cho việc đính chính.",
                       "Leave the effective date empty if the change takes effect today; give an earlier date for a correction."))
                }
            }
            button type="submit" { (t("Lưu", "Save")) }
        }
    }
}

/// The form that registers an organisation.
pub fn create_form(v: &CreateForm<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let (commune_invalid, commune_described) = match v.commune_error {
        Some(_) => (Some("true"), Some(err_id("place"))),
        None => (None, None),
    };
    html! {
        h1 { (t("Đăng ký tổ chức mới", "Register an organisation")) }
        (notice(v.lang, &v.notice))
        form method="post" action="/to-chuc/moi" {
            input type="hidden" name="csrf" value=(v.csrf);
            label {
                (field_label("kind", v.lang)) " "
                select name="kind" {
                    @for k in OrgKind::ALL {
                        option value=(k.code()) selected[k.code() == v.kind] { (v.lang.t(k.label_vi(), k.label_en())) }
                    }
                }
            }
            br;
            label {
                (field_label("place", v.lang)) " "
                select name="commune" aria-invalid=[commune_invalid] aria-describedby=[commune_described] {
                    option value="" { "—" }
                    @for (code, name) in v.communes {
                        option value=(code) selected[code == v.commune] { (name) }
                    }
                }
                @if let Some(e) = &v.commune_error {
                    " " span.error id=(err_id("place")) { (e) }
                }
            }
            br;
            @for i in &v.dates {
                @let (invalid, described) = aria(i);
                label {
                    (field_label(i.name, v.lang)) " "
                    input name=(i.name) placeholder="dd/mm/yyyy" inputmode="numeric" value=(i.value) aria-invalid=[invalid] aria-describedby=[described];
                    @if i.error.is_some() {
                        " " (error(i))
                    }
                }
                br;
            }
            (org_inputs(v.lang, &v.inputs, &[]))
            button type="submit" { (t("Đăng ký", "Register")) }
        }
    }
}
