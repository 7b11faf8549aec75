//! The fields of the edit form (*biểu mẫu sửa hồ sơ*) as typed and as read: which
//! inputs the editor changed, and what the conflict screen offers when someone else
//! saved in between. The form carries each value as it was read (`read_<field>`), so a
//! save applies only what its editor changed: an input left alone never writes the
//! value it was read at over somebody else's newer one.

use crate::templates::organisation_form::ConflictRow;
use chrono::NaiveDate;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, Sector};
use std::collections::HashMap;

pub type Values = HashMap<String, String>;

/// Text fields of the form, in order.
pub const TEXT: &[&str] = &[
    "name",
    "short_name",
    "tax_code",
    "registration_number",
    "registering_body",
    "address",
    "legal_representative",
    "phone",
    "email",
    "notes",
];
/// Whole-number fields of the form.
pub const NUMBERS: &[&str] = &["members", "charter_capital"];

/// The fields of the form that identify an organisation in law: a cooperative account
/// proposes changes to them (*đề nghị*), an officer in scope decides.
pub const IDENTITY: &[&str] = &[
    "name",
    "tax_code",
    "registration_number",
    "registering_body",
    "sector",
];

/// Every field of the edit form, in order.
pub fn all() -> impl Iterator<Item = &'static str> {
    TEXT.iter().chain(NUMBERS).copied().chain(["sector"])
}

/// The hidden input that carries a field's value as it was read.
pub fn read_key(field: &str) -> String {
    format!("read_{field}")
}

/// A field of the record as the form shows it.
pub fn current_value(v: &OrgView, field: &str) -> String {
    v.fields
        .as_map()
        .get(field)
        .map(|x| match x {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// Every field of the record as the form shows it.
pub fn record_values(v: &OrgView) -> Values {
    all().map(|f| (f.to_owned(), current_value(v, f))).collect()
}

/// The values the form was read at: as it carried them, else the record's (a form
/// without them, as from an older page, is read at the record).
pub fn read_values(form: &Values, v: &OrgView) -> Values {
    all()
        .map(|f| {
            let read = form.get(&read_key(f)).cloned();
            (f.to_owned(), read.unwrap_or_else(|| current_value(v, f)))
        })
        .collect()
}

/// Whether the editor changed `field`: a form that does not say what it was read at
/// changes every field it sends.
pub fn touched(form: &Values, field: &str) -> bool {
    let Some(typed) = form.get(field) else {
        return false;
    };
    match form.get(&read_key(field)) {
        Some(read) => same_text(read) != same_text(typed),
        None => true,
    }
}

/// A value compared as typed: browsers send a text area's lines ended by CR LF, while
/// the hidden copy keeps the record's LF.
fn same_text(s: &str) -> String {
    s.trim().replace("\r\n", "\n")
}

/// Leaves `field` out of a change.
pub fn forget(fields: &mut OrgFields, field: &str) {
    match field {
        "name" => fields.name = None,
        "short_name" => fields.short_name = None,
        "tax_code" => fields.tax_code = None,
        "registration_number" => fields.registration_number = None,
        "registering_body" => fields.registering_body = None,
        "address" => fields.address = None,
        "legal_representative" => fields.legal_representative = None,
        "phone" => fields.phone = None,
        "email" => fields.email = None,
        "notes" => fields.notes = None,
        "members" => fields.members = None,
        "charter_capital" => fields.charter_capital = None,
        "sector" => fields.sector = None,
        _ => {}
    }
}

/// The change a form asks for: only the fields its editor changed.
pub fn changed_fields(form: &Values, errors: &mut Values, lang: Lang) -> OrgFields {
    let mut fields = read_fields(form, errors, lang);
    for f in all().filter(|f| !touched(form, f)) {
        forget(&mut fields, f);
    }
    fields
}

/// The conflict screen's form and rows: the fields this editor changed keep what they
/// typed, every other field shows the current version, so pressing Save again applies
/// only their own changes. Rows name the fields where the two versions differ.
pub fn on_conflict(form: &Values, current: &OrgView) -> (Values, Vec<ConflictRow>) {
    let read = read_values(form, current);
    let mut values = Values::new();
    let mut rows = Vec::new();
    for f in all() {
        let theirs = current_value(current, f);
        let mine_changed = touched(form, f);
        let mine = if mine_changed {
            form.get(f).cloned().unwrap_or_default()
        } else {
            read.get(f).cloned().unwrap_or_default()
        };
        if same_text(&theirs) != same_text(&mine) {
            rows.push(ConflictRow {
                field: f,
                theirs: theirs.clone(),
                mine: mine.clone(),
                kept: !mine_changed,
            });
        }
        values.insert(f.to_owned(), if mine_changed { mine } else { theirs });
    }
    (values, rows)
}

/// A date typed as dd/mm/yyyy, or an error beside the field.
pub fn date_field(form: &Values, key: &str, errors: &mut Values, lang: Lang) -> Option<NaiveDate> {
    let raw = form.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())?;
    let parsed = hoptac_domain::i18n::parse_date(raw);
    if parsed.is_none() {
        errors.insert(
            key.to_owned(),
            format!(
                "\"{raw}\" {}",
                lang.t("không phải ngày (dd/mm/yyyy)", "is not a date (dd/mm/yyyy)")
            ),
        );
    }
    parsed
}

/// The fields of the shared inputs as typed; problems with numbers go to `errors`.
pub fn read_fields(form: &Values, errors: &mut Values, lang: Lang) -> OrgFields {
    let mut fields = OrgFields::default();
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned());
    fields.name = text("name");
    fields.short_name = text("short_name");
    fields.tax_code = text("tax_code");
    fields.registration_number = text("registration_number");
    fields.registering_body = text("registering_body");
    fields.address = text("address");
    fields.legal_representative = text("legal_representative");
    fields.phone = text("phone");
    fields.email = text("email");
    fields.notes = text("notes");
    fields.sector = form.get("sector").and_then(|s| Sector::parse(s));
    for f in NUMBERS {
        let raw = form.get(*f).map(|v| v.trim()).unwrap_or("");
        if raw.is_empty() {
            continue;
        }
        match hoptac_app::forms::whole_number(raw) {
            Ok(n) => {
                if *f == "members" {
                    fields.members = n
                } else {
                    fields.charter_capital = n
                }
            }
            Err(_) => {
                errors.insert(
                    (*f).to_owned(),
                    format!(
                        "\"{raw}\" {}",
                        lang.t("không phải số nguyên", "is not a whole number")
                    ),
                );
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_field_is_changed_only_when_typed_differs_from_read() {
        let f = form(&[
            ("notes", "hai\r\ndòng "),
            ("read_notes", "hai\ndòng"),
            ("email", "b@x.vn"),
            ("read_email", "a@x.vn"),
            ("phone", "0205"),
        ]);
        assert!(!touched(&f, "notes"), "a text area's CR LF is no change");
        assert!(touched(&f, "email"));
        assert!(
            touched(&f, "phone"),
            "without what it was read at, a field is sent"
        );
        assert!(!touched(&f, "members"), "a field not sent is not changed");
        let mut errors = Values::new();
        let fields = changed_fields(&f, &mut errors, Lang::Vi);
        assert_eq!(fields.notes, None);
        assert_eq!(fields.email.as_deref(), Some("b@x.vn"));
    }
}
