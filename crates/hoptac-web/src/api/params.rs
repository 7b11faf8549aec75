//! Schemas of query parameters as the server really reads them, for the OpenAPI
//! document: a parameter sent empty (`?as_of=`, as an HTML form sends an untouched
//! field) means "not given", so each schema admits the empty text beside its values.
//! utoipa leaves a field's doc comment out when its schema is given, so each schema
//! carries its own description.

use hoptac_domain::org::{OrgKind, Sector, Status};
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::Object;

/// One of `codes`, or empty.
fn codes_or_empty(codes: &[&str], what: &str) -> Object {
    let mut values = vec![""];
    values.extend_from_slice(codes);
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(what))
        .build()
}

/// A date (`yyyy-mm-dd`; `dd/mm/yyyy` is read too), or empty.
fn date(what: &str) -> Schema {
    let date = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
    let empty = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0));
    let text = format!("{what} (yyyy-mm-dd; dd/mm/yyyy is read too; empty: not given).");
    Schema::OneOf(
        OneOfBuilder::new()
            .item(date)
            .item(empty)
            .description(Some(text))
            .build(),
    )
}

pub fn founded_from() -> Schema {
    date("Founded on or after")
}

pub fn founded_to() -> Schema {
    date("Founded on or before")
}

pub fn list_as_of() -> Schema {
    date("Read the registry as it was on this date")
}

pub fn record_as_of() -> Schema {
    date("Read the record as it was on this date")
}

pub fn judged_on() -> Schema {
    date("The day to judge on (default today)")
}

pub fn sort() -> Object {
    codes_or_empty(
        &["name", "founding_date", "id"],
        "`name` (Vietnamese order, the default), `founding_date` or `id`.",
    )
}

pub fn export_format() -> Object {
    codes_or_empty(
        &["xlsx", "csv"],
        "`xlsx` (the default) or `csv` (UTF-8 with BOM).",
    )
}

pub fn scheme() -> Object {
    codes_or_empty(&["legacy", "2025"], "`legacy` or `2025` (the default).")
}

pub fn kind() -> Object {
    codes_or_empty(
        &["HTX", "LHHTX", "THT"],
        "Kind of every row when the file has no kind column.",
    )
}

pub fn breakdown() -> Object {
    codes_or_empty(
        &["commune", "district", "legacy_commune", "sector", "kind"],
        "`commune` (2025), `district` (legacy), `legacy_commune`, `sector` or `kind`; \
         empty: the whole province.",
    )
}

/// A comma-separated list of `values` (each exactly as written), or empty.
fn list_of(values: &[&str], what: &str) -> Object {
    let one = values
        .iter()
        .map(|v| regex_escape(v))
        .collect::<Vec<_>>()
        .join("|");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(format!("^$|^({one})(,({one}))*$")))
        .description(Some(format!(
            "{what} (comma-separated): {}.",
            values.join(", ")
        )))
        .build()
}

fn regex_escape(v: &str) -> String {
    v.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

fn sector_names() -> impl Iterator<Item = (Sector, &'static str)> {
    Sector::ALL
        .iter()
        .flat_map(|s| [(*s, s.code()), (*s, s.label_vi()), (*s, s.label_en())])
}

pub fn kinds() -> Object {
    let codes: Vec<_> = OrgKind::ALL.iter().map(|k| k.code()).collect();
    list_of(&codes, "Kinds")
}

pub fn statuses() -> Object {
    let codes: Vec<_> = Status::ALL.iter().map(|s| s.code()).collect();
    list_of(&codes, "Statuses")
}

pub fn sectors() -> Object {
    let names: Vec<_> = sector_names().map(|(_, n)| n).collect();
    list_of(&names, "Sectors, by code or label")
}

/// A kind by its code, exactly.
pub fn exact_kind(s: &str) -> Option<OrgKind> {
    OrgKind::ALL.iter().copied().find(|k| k.code() == s)
}

/// A status by its code, exactly.
pub fn exact_status(s: &str) -> Option<Status> {
    Status::ALL.iter().copied().find(|v| v.code() == s)
}

/// A sector by its code or a label, exactly.
pub fn exact_sector(s: &str) -> Option<Sector> {
    sector_names().find(|(_, n)| *n == s).map(|(v, _)| v)
}
