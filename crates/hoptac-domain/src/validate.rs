//! Validation of organisation data (spec §2): parse, don't validate — the values that
//! pass are the ones stored.

use crate::i18n::Lang;
use crate::org::{OrgFields, OrgKind};
use crate::place::{Gazetteer, PlaceError, PlaceRef};
use chrono::{FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Vietnam's time zone (UTC+7, no daylight saving): "today" for dates not in the future.
pub fn today_in_vietnam() -> NaiveDate {
    let tz = FixedOffset::east_opt(7 * 3600).expect("valid offset");
    Utc::now().with_timezone(&tz).date_naive()
}

/// A tax code (*mã số thuế*): 10 digits, or 13 written `0123456789-001` for a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxCode(String);

impl TaxCode {
    /// Accepts spaces, dots and a missing dash before the branch suffix.
    pub fn parse(s: &str) -> Option<TaxCode> {
        let digits: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let dashes = s.chars().filter(|c| *c == '-').count();
        match digits.len() {
            10 if dashes == 0 => Some(TaxCode(digits)),
            13 if dashes <= 1 => Some(TaxCode(format!("{}-{}", &digits[..10], &digits[10..]))),
            _ => None,
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One minimum-members rule: from a date, under a law.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MinMembersRule {
    pub kind: OrgKind,
    pub from: NaiveDate,
    pub minimum: i64,
    pub law: String,
    /// Not confirmed from the official text (spec §9).
    pub provisional: bool,
}

/// Legal minima, as data: the founding date decides which law applies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LawRules {
    pub min_members: Vec<MinMembersRule>,
}

impl Default for LawRules {
    fn default() -> Self {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("constant date");
        let r = |kind, from, minimum, law: &str, provisional| MinMembersRule {
            kind,
            from,
            minimum,
            law: law.into(),
            provisional,
        };
        let old = d(1900, 1, 1);
        let new = d(2024, 7, 1);
        LawRules {
            min_members: vec![
                r(
                    OrgKind::Cooperative,
                    old,
                    7,
                    "Luật Hợp tác xã 23/2012/QH13",
                    false,
                ),
                r(
                    OrgKind::Cooperative,
                    new,
                    5,
                    "Luật Hợp tác xã 17/2023/QH15",
                    false,
                ),
                r(
                    OrgKind::Union,
                    old,
                    4,
                    "Luật Hợp tác xã 23/2012/QH13",
                    false,
                ),
                r(OrgKind::Union, new, 3, "Luật Hợp tác xã 17/2023/QH15", true),
                r(
                    OrgKind::CooperativeGroup,
                    old,
                    2,
                    "Bộ luật Dân sự 2015",
                    false,
                ),
                r(
                    OrgKind::CooperativeGroup,
                    new,
                    2,
                    "Nghị định 92/2024/NĐ-CP",
                    false,
                ),
            ],
        }
    }
}

impl LawRules {
    /// The rule in force on a founding date.
    pub fn min_members(&self, kind: OrgKind, founded: NaiveDate) -> Option<&MinMembersRule> {
        self.min_members
            .iter()
            .filter(|r| r.kind == kind && r.from <= founded)
            .max_by_key(|r| r.from)
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FieldProblem {
    #[error("required")]
    Required,
    #[error("date in the future")]
    FutureDate(NaiveDate),
    /// A deadline that has passed already, for something still to be done.
    #[error("date passed")]
    PastDate(NaiveDate),
    #[error("bad tax code")]
    BadTaxCode(String),
    #[error("tax code already used")]
    DuplicateTaxCode { other_id: i64, other_name: String },
    #[error("negative")]
    Negative(i64),
    #[error("below minimum members")]
    BelowMinimumMembers { minimum: i64, law: String },
    #[error("place")]
    Place(PlaceError),
    #[error("not for this kind")]
    NotForKind(OrgKind),
    #[error("bad email")]
    BadEmail(String),
    #[error("bad phone number")]
    BadPhone(String),
    /// A control character (NUL, escape …) at this 1-based position: never data, often
    /// an attack or a broken file.
    #[error("control character")]
    ControlCharacter { position: usize },
    #[error("bad date")]
    BadDate(String),
    #[error("bad number")]
    BadNumber(String),
    #[error("unknown value")]
    UnknownValue { value: String, allowed: Vec<String> },
    #[error("too long")]
    TooLong { max: usize },
    #[error("year in the future")]
    FutureYear(i32),
    #[error("year before founding")]
    BeforeFounding { year: i32, founded: NaiveDate },
    /// A change said to take effect before the organisation existed.
    #[error("date before founding")]
    DateBeforeFounding { date: NaiveDate, founded: NaiveDate },
    #[error("above maximum")]
    AboveMaximum { value: i64, max: i64 },
    /// A period that ends before it starts.
    #[error("end before start")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    /// A figure outside what it can be (a share above 100 %, a fractional count …).
    #[error("out of range")]
    OutOfRange { value: String, range: String },
    /// Points finer than a tenth (a score sheet counts in tenths: 6,5).
    #[error("finer than tenths")]
    NotTenths(String),
}

/// A problem with a named field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The attribute's API name (`tax_code`, `place`, …).
    pub field: String,
    pub problem: FieldProblem,
}

impl FieldError {
    pub fn new(field: &str, problem: FieldProblem) -> Self {
        FieldError {
            field: field.into(),
            problem,
        }
    }
    /// "Mã số thuế: …" in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        format!(
            "{}: {}",
            crate::i18n::field_label(&self.field, lang),
            crate::i18n::problem_message(&self.problem, lang)
        )
    }
}

/// The context validation needs: no I/O, so "today" and the places come in.
pub struct Validator<'a> {
    pub today: NaiveDate,
    pub places: &'a Gazetteer,
    pub law: &'a LawRules,
}

impl Validator<'_> {
    /// Normalises a patch in place (NFC text, canonical tax code) and returns every
    /// problem. `creating` requires the founding attributes and checks the minimum
    /// number of members by the law in force on the founding date.
    pub fn check(&self, kind: OrgKind, f: &mut OrgFields, creating: bool) -> Vec<FieldError> {
        let mut errs = Vec::new();
        for (name, slot) in [
            ("name", &mut f.name),
            ("short_name", &mut f.short_name),
            ("registration_number", &mut f.registration_number),
            ("registering_body", &mut f.registering_body),
            ("address", &mut f.address),
            ("legal_representative", &mut f.legal_representative),
            ("phone", &mut f.phone),
            ("email", &mut f.email),
            ("notes", &mut f.notes),
            ("legacy_commune", &mut f.legacy_commune),
        ] {
            if let Some(v) = slot.as_mut() {
                *v = crate::text::nfc(v);
                let max = if name == "notes" { 10_000 } else { 500 };
                if v.chars().count() > max {
                    errs.push(FieldError::new(name, FieldProblem::TooLong { max }));
                }
                // Line breaks and tabs belong only in the free-text fields.
                let multiline = matches!(name, "notes" | "address");
                if let Some(position) = control_character(v, multiline) {
                    errs.push(FieldError::new(
                        name,
                        FieldProblem::ControlCharacter { position },
                    ));
                }
            }
        }
        if creating {
            if f.name.as_deref().is_none_or(str::is_empty) {
                errs.push(FieldError::new("name", FieldProblem::Required));
            }
            if f.founding_date.is_none() {
                errs.push(FieldError::new("founding_date", FieldProblem::Required));
            }
            if f.place.is_none() {
                errs.push(FieldError::new("place", FieldProblem::Required));
            }
        } else if f.name.as_deref() == Some("") {
            errs.push(FieldError::new("name", FieldProblem::Required));
        }
        if let Some(t) = f.tax_code.as_mut().filter(|t| !t.is_empty()) {
            match TaxCode::parse(t) {
                Some(tc) => *t = tc.0,
                None => errs.push(FieldError::new(
                    "tax_code",
                    FieldProblem::BadTaxCode(t.clone()),
                )),
            }
        }
        for (name, date) in [
            ("founding_date", f.founding_date),
            ("registration_date", f.registration_date),
        ] {
            if let Some(d) = date.filter(|d| *d > self.today) {
                errs.push(FieldError::new(name, FieldProblem::FutureDate(d)));
            }
        }
        for (name, v) in [
            ("charter_capital", f.charter_capital),
            ("members", f.members),
        ] {
            if let Some(v) = v.filter(|v| *v < 0) {
                errs.push(FieldError::new(name, FieldProblem::Negative(v)));
            }
        }
        if let Some(p) = f.phone.as_ref().filter(|p| !p.is_empty()) {
            if !is_phone_list(p) {
                errs.push(FieldError::new("phone", FieldProblem::BadPhone(p.clone())));
            }
        }
        if let Some(e) = f.email.as_ref().filter(|e| !e.is_empty()) {
            let ok = e
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !e.contains(' '));
            if !ok {
                errs.push(FieldError::new("email", FieldProblem::BadEmail(e.clone())));
            }
        }
        if f.product_class.is_some() && kind != OrgKind::Cooperative {
            errs.push(FieldError::new(
                "product_class",
                FieldProblem::NotForKind(kind),
            ));
        }
        if let Some(p) = &f.place {
            if let Err(e) = self.places.check(p) {
                errs.push(FieldError::new("place", FieldProblem::Place(e)));
            }
        }
        if let Some(l) = f.legacy_commune.as_ref().filter(|l| !l.is_empty()) {
            let lp = PlaceRef::new(crate::place::Scheme::Legacy, l.clone());
            if let Err(e) = self.places.check(&lp) {
                errs.push(FieldError::new("legacy_commune", FieldProblem::Place(e)));
            }
        }
        if creating {
            if f.members.is_none() && kind != OrgKind::CooperativeGroup {
                errs.push(FieldError::new("members", FieldProblem::Required));
            }
            errs.extend(self.check_min_members(kind, f));
        }
        errs
    }

    /// The number of members against the law in force on the founding date.
    pub fn check_min_members(&self, kind: OrgKind, f: &OrgFields) -> Option<FieldError> {
        let (m, founded) = (f.members?, f.founding_date?);
        let rule = self.law.min_members(kind, founded)?;
        (m < rule.minimum).then(|| {
            FieldError::new(
                "members",
                FieldProblem::BelowMinimumMembers {
                    minimum: rule.minimum,
                    law: rule.law.clone(),
                },
            )
        })
    }

    /// An effective date may be in the past (a late registration) but not the future.
    pub fn check_effective(&self, d: NaiveDate) -> Option<FieldError> {
        (d > self.today).then(|| FieldError::new("effective", FieldProblem::FutureDate(d)))
    }

    /// An effective date for a change to an organisation founded on `founded`: not in
    /// the future, and not before the organisation existed.
    pub fn check_effective_since(
        &self,
        d: NaiveDate,
        founded: Option<NaiveDate>,
    ) -> Option<FieldError> {
        self.check_effective(d).or_else(|| {
            let founded = founded.filter(|f| d < *f)?;
            Some(FieldError::new(
                "effective",
                FieldProblem::DateBeforeFounding { date: d, founded },
            ))
        })
    }
}

/// The first year a yearly record (report, evaluation, follow-up) may be for.
pub const FIRST_RECORD_YEAR: i32 = 1990;

/// A year for a yearly record: from [`FIRST_RECORD_YEAR`] to the current year.
pub fn check_record_year(year: i32, today: NaiveDate) -> Option<FieldError> {
    use chrono::Datelike;
    if year > today.year() {
        return Some(FieldError::new("year", FieldProblem::FutureYear(year)));
    }
    (year < FIRST_RECORD_YEAR).then(|| {
        FieldError::new(
            "year",
            FieldProblem::OutOfRange {
                value: year.to_string(),
                range: format!("{FIRST_RECORD_YEAR}–{}", today.year()),
            },
        )
    })
}

/// The 1-based position of the first control character, if any (`\n`, `\r` and `\t`
/// pass where the field may span lines).
pub fn control_character(s: &str, multiline: bool) -> Option<usize> {
    s.chars()
        .position(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        .map(|i| i + 1)
}

/// One or more phone numbers as officers write them (`0205 3870 123`, `+84 912.345.678`,
/// `(0205) 387 0123 / 0912 345 678`): digits with spaces, dots, dashes and brackets,
/// `+` only in front, several numbers separated by `/`, `,` or `;`, each of 8 to 15
/// digits.
pub fn is_phone_list(s: &str) -> bool {
    s.split(['/', ',', ';']).all(|one| {
        let one = one.trim();
        let body = one.strip_prefix('+').unwrap_or(one);
        let allowed = body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'));
        let digits = body.chars().filter(char::is_ascii_digit).count();
        allowed && (8..=15).contains(&digits)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::Scheme;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// Checks a record being created, on 1 January 2026 in province 20, under the law
    /// as it stands.
    fn check_new_in_2026(kind: OrgKind, f: &mut OrgFields) -> Vec<FieldError> {
        let law = LawRules::default();
        let places = Gazetteer::new(Some("20".into()));
        let v = Validator {
            today: d(2026, 1, 1),
            places: &places,
            law: &law,
        };
        v.check(kind, f, true)
    }

    #[test]
    fn tax_codes() {
        assert_eq!(
            TaxCode::parse("4900123456").map(|t| t.0),
            Some("4900123456".into())
        );
        assert_eq!(
            TaxCode::parse("4900123456001").map(|t| t.0),
            Some("4900123456-001".into())
        );
        assert_eq!(
            TaxCode::parse("4900 123 456-001").map(|t| t.0),
            Some("4900123456-001".into())
        );
        assert!(TaxCode::parse("49001234").is_none());
        assert!(TaxCode::parse("49001234AB").is_none());
        assert!(TaxCode::parse("49001-23456").is_none());
    }

    #[test]
    fn minimum_members_follow_the_law_at_founding() {
        let law = LawRules::default();
        assert_eq!(
            law.min_members(OrgKind::Cooperative, d(2020, 1, 1))
                .map(|r| r.minimum),
            Some(7)
        );
        assert_eq!(
            law.min_members(OrgKind::Cooperative, d(2024, 7, 1))
                .map(|r| r.minimum),
            Some(5)
        );
        let mut f = OrgFields {
            name: Some("HTX A".into()),
            founding_date: Some(d(2020, 1, 1)),
            place: Some(PlaceRef::new(Scheme::Legacy, "06205")),
            members: Some(6),
            ..Default::default()
        };
        let errs = check_new_in_2026(OrgKind::Cooperative, &mut f);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "members");
        f.founding_date = Some(d(2024, 8, 1));
        assert!(check_new_in_2026(OrgKind::Cooperative, &mut f).is_empty());
    }

    #[test]
    fn future_dates_unknown_places_and_bad_values_are_named() {
        let mut f = OrgFields {
            name: Some("HTX A".into()),
            founding_date: Some(d(2026, 1, 2)),
            place: Some(PlaceRef::new(Scheme::Y2025, "99999")),
            tax_code: Some("12".into()),
            charter_capital: Some(-5),
            email: Some("not-an-email".into()),
            ..Default::default()
        };
        let mut fields: Vec<String> = check_new_in_2026(OrgKind::CooperativeGroup, &mut f)
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                "charter_capital",
                "email",
                "founding_date",
                "place",
                "tax_code"
            ]
        );
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_in_free_text() {
        assert_eq!(control_character("HTX Tân\u{0}Tiến", false), Some(8));
        assert_eq!(control_character("\u{1b}[2J", false), Some(1));
        assert_eq!(control_character("Thôn 1\nXã Tân", false), Some(7));
        assert_eq!(control_character("Thôn 1\nXã Tân", true), None);
        assert_eq!(control_character("Hợp tác xã Chè", false), None);
    }

    #[test]
    fn phone_numbers_as_officers_write_them() {
        for ok in [
            "0205 3870 123",
            "+84 912.345.678",
            "(0205) 387 0123 / 0912 345 678",
            "0912-345-678; 02053870123",
        ] {
            assert!(is_phone_list(ok), "{ok}");
        }
        for bad in [
            "12345",
            "0912 abc 678",
            "=HYPERLINK(1)",
            "09+12345678",
            "0205 3870 123 /",
        ] {
            assert!(!is_phone_list(bad), "{bad}");
        }
    }
}
