//! Schemas of query parameters as the server really reads them, for the OpenAPI
//! document: a parameter sent empty (`?as_of=`, as an HTML form sends an untouched
//! field) means "not given", so each schema admits the empty text beside its values.
//! utoipa leaves a field's doc comment out when its schema is given, so each schema
//! carries its own description.

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
