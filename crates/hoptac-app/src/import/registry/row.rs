//! Reading one row of a registry file into an organisation's fields (*đọc một dòng*):
//! each cell through the error collector, then the place, which depends on the row's
//! date (the scheme of administrative units in force then).

use crate::import::errors::Errors;
use chrono::NaiveDate;
use hoptac_domain::i18n::{place_message, Lang};
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, ProductClass, Sector, Status, StatusChange};
use hoptac_domain::place::{Gazetteer, PlaceError, PlaceRef, Scheme};
use hoptac_domain::text::search_key;
use hoptac_domain::validate::{FieldError, FieldProblem};
use hoptac_io::parse;
use hoptac_io::table::DataRow;

fn text(r: &DataRow, f: &str) -> Option<String> {
    parse::text(r.get(f))
}

/// The row's place: a code (with the scheme column or the scheme in force on
/// `date`), else a commune name (and district, for the legacy scheme).
pub(super) fn place(
    places: &Gazetteer,
    errors: &mut Errors,
    r: &DataRow,
    date: NaiveDate,
) -> Option<PlaceRef> {
    let lang = errors.lang();
    let scheme = match text(r, "scheme") {
        Some(s) => match Scheme::parse(&s) {
            Some(s) => Some(s),
            None => {
                errors.field_error(
                    r.number,
                    &FieldError::new(
                        "scheme",
                        FieldProblem::UnknownValue {
                            value: s,
                            allowed: vec!["legacy".into(), "2025".into()],
                        },
                    ),
                );
                return None;
            }
        },
        None => None,
    };
    let in_force = scheme.unwrap_or_else(|| Scheme::in_force_on(date));
    if let Some(code) = parse::identifier(r.get("commune_code"), 5) {
        let code = if code.len() < 5 && code.chars().all(|c| c.is_ascii_digit()) {
            format!("{code:0>5}")
        } else {
            code
        };
        let p = PlaceRef::new(in_force, code);
        return match places.check(&p) {
            Ok(_) => Some(p),
            Err(e) => {
                errors.at(r.number, "commune_code", place_message(&e, lang));
                None
            }
        };
    }
    let name = text(r, "commune")?;
    let district = text(r, "district");
    match places.find_commune(in_force, &name, district.as_deref()) {
        Ok(c) => Some(PlaceRef::new(in_force, c.code.clone())),
        Err(e) => {
            let mut m = place_message(&e, lang);
            if scheme.is_none() && matches!(e, PlaceError::UnknownName { .. }) {
                m.push_str(
                    &other_scheme_hint(places, &name, district.as_deref(), date, lang)
                        .unwrap_or_default(),
                );
            }
            errors.at(r.number, "commune", m);
            None
        }
    }
}

/// A name unknown in the scheme in force on the row's date but known in the other:
/// says so, and how to say which is meant.
fn other_scheme_hint(
    places: &Gazetteer,
    name: &str,
    district: Option<&str>,
    date: NaiveDate,
    lang: Lang,
) -> Option<String> {
    let in_force = Scheme::in_force_on(date);
    let other = other_scheme(in_force);
    let c = places.find_commune(other, name, district).ok()?;
    Some(match lang {
        Lang::Vi => format!(
            " — \"{name}\" là {} theo hệ {}; ngày hiệu lực của dòng ({}) thuộc hệ {}. Thêm cột \"Hệ địa giới\" ghi \"{}\" nếu đúng.",
            places.describe(c),
            scheme_vi(other),
            hoptac_domain::i18n::format_date(date),
            scheme_vi(in_force),
            other.as_str()
        ),
        Lang::En => format!(
            " — \"{name}\" is {} in the {} scheme; the row's date ({date}) falls in the {} scheme. Add a \"Scheme\" column saying \"{}\" if that is right.",
            places.describe(c),
            other.as_str(),
            in_force.as_str(),
            other.as_str()
        ),
    })
}

fn other_scheme(s: Scheme) -> Scheme {
    match s {
        Scheme::Legacy => Scheme::Y2025,
        Scheme::Y2025 => Scheme::Legacy,
    }
}

fn scheme_vi(s: Scheme) -> &'static str {
    match s {
        Scheme::Legacy => "trước 2025",
        Scheme::Y2025 => "2025",
    }
}

/// One row as read: the organisation's fields and what the row says about it.
pub(super) struct ParsedRow {
    pub number: usize,
    pub id: Option<OrgId>,
    pub kind: Option<OrgKind>,
    pub fields: OrgFields,
    pub status: Option<StatusChange>,
    pub status_date: Option<NaiveDate>,
    pub effective: Option<NaiveDate>,
    /// Fields whose cells could not be read: later checks of them would only repeat
    /// the error (a missing place after an unknown commune, say).
    failed: Vec<String>,
}

impl ParsedRow {
    pub(super) fn already_reported(&self, field: &str) -> bool {
        let place_cells = [
            "commune",
            "commune_code",
            "scheme",
            "district",
            "founding_date",
            "effective",
        ];
        self.failed
            .iter()
            .any(|f| f == field || (field == "place" && place_cells.contains(&f.as_str())))
    }
}

/// Reads a row; `today` places a row without dates, `default_kind` is the kind chosen
/// for the whole file.
pub(super) fn parse_row(
    places: &Gazetteer,
    today: NaiveDate,
    ctx: &mut Errors,
    r: &DataRow,
    default_kind: Option<OrgKind>,
) -> ParsedRow {
    let n = r.number;
    let before = ctx.mark();
    let id = ctx.int(r, "id");
    let kind = ctx
        .choice(r, "kind", OrgKind::parse, OrgKind::ALL, OrgKind::code)
        .or(default_kind);
    let mut f = OrgFields {
        name: text(r, "name"),
        short_name: text(r, "short_name"),
        tax_code: parse::identifier(r.get("tax_code"), 10),
        registration_number: text(r, "registration_number"),
        registration_date: ctx.date(r, "registration_date"),
        registering_body: text(r, "registering_body"),
        address: text(r, "address"),
        legacy_commune: parse::identifier(r.get("legacy_commune"), 5),
        sector: ctx.choice(r, "sector", Sector::parse, Sector::ALL, Sector::label_vi),
        product_class: ctx.choice(
            r,
            "product_class",
            ProductClass::parse,
            ProductClass::ALL,
            ProductClass::label_vi,
        ),
        legal_representative: text(r, "legal_representative"),
        phone: parse::identifier(r.get("phone"), 10),
        email: text(r, "email"),
        charter_capital: ctx.int(r, "charter_capital"),
        members: ctx.int(r, "members"),
        founding_date: ctx.date(r, "founding_date"),
        notes: text(r, "notes"),
        place: None,
    };
    let effective = ctx.date(r, "effective");
    let status_date = ctx.date(r, "status_date");
    let until = ctx.date(r, "suspended_until");
    let status = ctx
        .choice(r, "status", Status::parse, Status::ALL, Status::label_vi)
        .map(|s| StatusChange {
            status: s,
            until: until.filter(|_| s == Status::Suspended),
            reason: None,
            document: None,
        });
    let failed = ctx.fields_since(before);
    // The scheme of a name depends on the row's date: without a readable date there is
    // no telling which commune is meant, and the date error says what to fix.
    let date_unreadable = failed
        .iter()
        .any(|f| f == "founding_date" || f == "effective")
        && !r.cells.contains_key("scheme");
    if !date_unreadable {
        let place_date = effective.or(f.founding_date).unwrap_or(today);
        f.place = place(places, ctx, r, place_date);
    }
    if kind.is_none() && !r.cells.contains_key("kind") {
        ctx.field_error(n, &FieldError::new("kind", FieldProblem::Required));
    }
    let failed = ctx.fields_since(before);
    ParsedRow {
        number: n,
        id,
        kind,
        fields: f,
        status,
        status_date,
        effective,
        failed,
    }
}

/// The key that finds a record by kind, unaccented name and place (2025 terms).
pub(super) fn match_key(places: &Gazetteer, kind: OrgKind, f: &OrgFields) -> Option<String> {
    let name = f.name.as_deref()?;
    let place = f.place.as_ref()?;
    let both = places.both_schemes(place, f.legacy_commune.as_deref());
    Some(format!(
        "{}|{}|{}",
        kind.code(),
        search_key(name),
        both.commune_2025.unwrap_or_else(|| place.code.clone())
    ))
}
