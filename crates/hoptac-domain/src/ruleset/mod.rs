//! Evaluation rule sets as data (spec §5.1): criteria, sub-criteria and their maximum
//! points, how points are proposed, rating bands and exclusions, with the dates they
//! apply to. Shipped rule sets are embedded from `data/rulesets/`; others can be loaded
//! from a file. A rule set is checked when loaded and a broken one is refused with the
//! criterion named.

mod bands;
mod error;
mod parse;
#[cfg(test)]
mod tests;

pub use bands::{Banded, Quantity, Unmeasured};
pub use error::{BandProblem, RuleSetError};

use crate::evaluation::Rating;
use crate::org::{OrgKind, Sector};
use crate::report::ReportField;
use chrono::NaiveDate;
use serde::Serialize;

/// How a sub-criterion's points are proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "method", content = "field", rename_all = "snake_case")]
pub enum Method {
    /// Entered by the assessor.
    Entered,
    /// Full points if the year-end figure grew on the previous year's report; no
    /// proposal without that report.
    #[schema(value_type = String)]
    Grew(ReportField),
    /// Points by the band a quantity from the year's report falls in; no proposal when
    /// the report lacks a figure it needs or a divisor is not positive.
    Bands(Banded),
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SubCriterion {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// Maximum, in tenths of a point.
    pub max: i32,
    pub method: Method,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub group: Option<String>,
    /// Tenths of a point.
    pub max: i32,
    pub provisional: bool,
    /// A criterion without parts is scored as one part with its own code.
    pub subs: Vec<SubCriterion>,
}

/// A group of criteria (*nhóm tiêu chí*), published as `CriterionGroup`: the
/// indicators' breakdown has a `Group` too.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = CriterionGroup)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub max: i32,
}

/// A rating band: totals at or above `min` (tenths) and below the band above.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Band {
    pub rating: Rating,
    pub min: i32,
}

/// A checked rule set.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RuleSet {
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// The document it comes from.
    pub source: String,
    pub in_force_from: NaiveDate,
    /// First evaluation year it applies to (and last, if replaced).
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub kinds: Vec<OrgKind>,
    /// Empty: every sector.
    pub sectors: Vec<Sector>,
    pub excluded_sectors: Vec<Sector>,
    /// An HTX administratively sanctioned in the year is rated weak (TT 09/2017).
    pub sanctioned_is_weak: bool,
    /// Some points are not confirmed from the official text.
    pub provisional: bool,
    pub provisional_note: Option<String>,
    /// Highest first.
    pub bands: Vec<Band>,
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
}

pub(super) const SHIPPED: &[(&str, &str)] = &[
    (
        "data/rulesets/tt01-2020.toml",
        include_str!("../../../../data/rulesets/tt01-2020.toml"),
    ),
    (
        "data/rulesets/tt09-2017-nn.toml",
        include_str!("../../../../data/rulesets/tt09-2017-nn.toml"),
    ),
];

impl RuleSet {
    /// The rule sets shipped in the binary, parsed once (every score sheet reads them).
    pub fn shipped() -> Result<Vec<RuleSet>, RuleSetError> {
        static PARSED: std::sync::OnceLock<Result<Vec<RuleSet>, RuleSetError>> =
            std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                SHIPPED
                    .iter()
                    .map(|(origin, text)| RuleSet::parse(text, origin))
                    .collect()
            })
            .clone()
    }

    /// Every scored part, in order.
    pub fn subs(&self) -> impl Iterator<Item = (&Criterion, &SubCriterion)> {
        self.criteria
            .iter()
            .flat_map(|c| c.subs.iter().map(move |s| (c, s)))
    }

    pub fn sub(&self, code: &str) -> Option<&SubCriterion> {
        self.subs().map(|(_, s)| s).find(|s| s.code == code)
    }

    /// Whether it applies to an organisation of this kind and sector in a year.
    pub fn applies_to(&self, kind: OrgKind, sector: Option<Sector>, year: i32) -> bool {
        self.kinds.contains(&kind)
            && year >= self.first_year
            && self.last_year.is_none_or(|l| year <= l)
            && (self.sectors.is_empty() || sector.is_some_and(|s| self.sectors.contains(&s)))
            && !sector.is_some_and(|s| self.excluded_sectors.contains(&s))
    }
}
