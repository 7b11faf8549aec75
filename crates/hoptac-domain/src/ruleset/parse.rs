//! Reading a rule set file (TOML) and checking it: sums, bands, codes, names.

use super::{
    Band, BandProblem, Banded, Criterion, Group, Method, Quantity, RuleSet, RuleSetError,
    SubCriterion,
};
use crate::evaluation::Rating;
use crate::org::{OrgKind, Sector};
use crate::report::ReportField;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;

// The file format, before checking.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    id: String,
    name: String,
    #[serde(default)]
    name_en: String,
    source: String,
    in_force_from: toml::value::Datetime,
    first_year: i32,
    #[serde(default)]
    last_year: Option<i32>,
    kinds: Vec<String>,
    #[serde(default)]
    sectors: Vec<String>,
    #[serde(default)]
    excluded_sectors: Vec<String>,
    #[serde(default)]
    sanctioned_is_weak: bool,
    #[serde(default)]
    provisional: bool,
    #[serde(default)]
    provisional_note: Option<String>,
    bands: Vec<RawBand>,
    #[serde(default)]
    groups: Vec<RawGroup>,
    #[serde(default)]
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    rating: String,
    min: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    code: String,
    name: String,
    #[serde(default)]
    name_en: String,
    max: f64,
    #[serde(default)]
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    code: String,
    name: String,
    #[serde(default)]
    name_en: String,
    max: f64,
    #[serde(default)]
    provisional: bool,
    #[serde(default)]
    sub: Vec<RawSub>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSub {
    code: String,
    name: String,
    #[serde(default)]
    name_en: String,
    max: f64,
    #[serde(default)]
    formula: Option<String>,
    /// Banded formulas: lower edges of the bands above the first.
    #[serde(default)]
    edges: Option<Vec<i64>>,
    /// Banded formulas: points of each band, one more than the edges.
    #[serde(default)]
    points: Option<Vec<f64>>,
}

/// Points (`6`, `0.5`) to tenths, refusing finer values.
pub(super) fn tenths(origin: &str, at: &str, v: f64) -> Result<i32, RuleSetError> {
    let t = v * 10.0;
    if !(0.0..=10_000.0).contains(&t) || (t - t.round()).abs() > 1e-6 {
        return Err(RuleSetError::BadPoints {
            origin: origin.into(),
            at: at.into(),
            value: v,
        });
    }
    Ok(t.round() as i32)
}

/// Fills a banded formula's edges and points from the file and checks them: edges
/// rising strictly, one more band than edges, every band within the part's maximum and
/// one band at it. Other methods must not carry bands.
fn check_bands(origin: &str, s: &RawSub, max: i32, method: Method) -> Result<Method, RuleSetError> {
    let bad = |problem| RuleSetError::BadPointBands {
        origin: origin.into(),
        at: s.code.clone(),
        problem,
    };
    let Method::Bands(Banded { quantity, .. }) = method else {
        if s.edges.is_some() || s.points.is_some() {
            return Err(bad(BandProblem::NotBanded));
        }
        return Ok(method);
    };
    let (Some(edges), Some(raw_points)) = (&s.edges, &s.points) else {
        return Err(bad(BandProblem::Missing));
    };
    if !edges.windows(2).all(|w| w[0] < w[1]) {
        return Err(bad(BandProblem::NotRising));
    }
    if raw_points.len() != edges.len() + 1 {
        return Err(bad(BandProblem::Count {
            edges: edges.len(),
            points: raw_points.len(),
        }));
    }
    let points = raw_points
        .iter()
        .map(|p| tenths(origin, &s.code, *p))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(&points) = points.iter().find(|p| **p > max) {
        return Err(bad(BandProblem::AboveMax { points, max }));
    }
    if !points.contains(&max) {
        return Err(bad(BandProblem::MaxUnreachable { max }));
    }
    Ok(Method::Bands(Banded {
        quantity,
        edges: edges.clone(),
        points,
    }))
}

fn unknown(origin: &str, at: &str, what: &'static str, value: &str) -> RuleSetError {
    RuleSetError::Unknown {
        origin: origin.into(),
        at: at.into(),
        what,
        value: value.into(),
    }
}

/// Codes of the file (kinds, sectors) to values, refusing the first unknown one.
fn parse_codes<T>(
    origin: &str,
    what: &'static str,
    codes: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, RuleSetError> {
    codes
        .iter()
        .map(|c| parse(c).ok_or_else(|| unknown(origin, "-", what, c)))
        .collect()
}

/// Bands: good, fair, average, weak, strictly falling, the last at 0.
fn parse_bands(origin: &str, raw: &[RawBand]) -> Result<Vec<Band>, RuleSetError> {
    let mut bands = Vec::new();
    for b in raw {
        let rating = Rating::parse(&b.rating)
            .filter(|r| *r != Rating::NotRated)
            .ok_or_else(|| unknown(origin, "bands", "rating", &b.rating))?;
        bands.push(Band {
            rating,
            min: tenths(origin, &b.rating, b.min)?,
        });
    }
    let order = [Rating::Good, Rating::Fair, Rating::Average, Rating::Weak];
    let ordered = bands.len() == 4
        && bands.iter().zip(order).all(|(b, r)| b.rating == r)
        && bands.windows(2).all(|w| w[0].min > w[1].min)
        && bands.last().is_some_and(|b| b.min == 0);
    if !ordered {
        return Err(RuleSetError::BadBands {
            origin: origin.into(),
        });
    }
    Ok(bands)
}

/// How a part's points are proposed, from its formula (none: entered).
fn parse_method(origin: &str, s: &RawSub) -> Result<Method, RuleSetError> {
    let Some(f) = s.formula.as_deref() else {
        return Ok(Method::Entered);
    };
    let bad = || unknown(origin, &s.code, "formula", f);
    Ok(match f.split_once(':') {
        Some(("grew", field)) => Method::Grew(ReportField::parse(field).ok_or_else(bad)?),
        _ => Method::Bands(Banded {
            quantity: Quantity::parse(f).ok_or_else(bad)?,
            edges: Vec::new(),
            points: Vec::new(),
        }),
    })
}

/// Every code (group, criterion, part) used once in the whole file.
struct Codes<'a> {
    origin: &'a str,
    seen: HashSet<String>,
}

impl Codes<'_> {
    fn claim(&mut self, code: &str) -> Result<(), RuleSetError> {
        if self.seen.insert(code.to_owned()) {
            Ok(())
        } else {
            Err(RuleSetError::DuplicateCode {
                origin: self.origin.into(),
                code: code.into(),
            })
        }
    }
}

/// A criterion and its parts, checked: the parts add up to its maximum. A criterion
/// without parts is scored as one part with its own code.
fn parse_criterion(
    codes: &mut Codes,
    group: Option<String>,
    c: &RawCriterion,
) -> Result<Criterion, RuleSetError> {
    let o = codes.origin;
    codes.claim(&c.code)?;
    let max = tenths(o, &c.code, c.max)?;
    let mut subs = Vec::new();
    for s in &c.sub {
        codes.claim(&s.code)?;
        let sub_max = tenths(o, &s.code, s.max)?;
        let method = check_bands(o, s, sub_max, parse_method(o, s)?)?;
        subs.push(SubCriterion {
            code: s.code.clone(),
            name: s.name.clone(),
            name_en: s.name_en.clone(),
            max: sub_max,
            method,
        });
    }
    if subs.is_empty() {
        subs.push(SubCriterion {
            code: c.code.clone(),
            name: c.name.clone(),
            name_en: c.name_en.clone(),
            max,
            method: Method::Entered,
        });
    }
    let sum: i32 = subs.iter().map(|s| s.max).sum();
    if sum != max {
        return Err(RuleSetError::PartsDoNotAddUp {
            origin: o.into(),
            criterion: c.code.clone(),
            sum,
            max,
        });
    }
    Ok(Criterion {
        code: c.code.clone(),
        name: c.name.clone(),
        name_en: c.name_en.clone(),
        group,
        max,
        provisional: c.provisional,
        subs,
    })
}

/// The groups and every criterion (in groups or not), checked: each group's criteria
/// add up to its maximum, and all criteria to 100 points.
fn parse_criteria(
    origin: &str,
    raw: &RawRuleSet,
) -> Result<(Vec<Group>, Vec<Criterion>), RuleSetError> {
    let mut codes = Codes {
        origin,
        seen: HashSet::new(),
    };
    let mut groups = Vec::new();
    let mut raw_criteria: Vec<(Option<String>, &RawCriterion)> =
        raw.criteria.iter().map(|c| (None, c)).collect();
    for g in &raw.groups {
        codes.claim(&format!("group {}", g.code))?;
        groups.push(Group {
            code: g.code.clone(),
            name: g.name.clone(),
            name_en: g.name_en.clone(),
            max: tenths(origin, &g.code, g.max)?,
        });
        raw_criteria.extend(g.criteria.iter().map(|c| (Some(g.code.clone()), c)));
    }
    let criteria = raw_criteria
        .into_iter()
        .map(|(group, c)| parse_criterion(&mut codes, group, c))
        .collect::<Result<Vec<_>, _>>()?;
    for g in &groups {
        let sum: i32 = criteria
            .iter()
            .filter(|c| c.group.as_deref() == Some(g.code.as_str()))
            .map(|c| c.max)
            .sum();
        if sum != g.max {
            return Err(RuleSetError::GroupDoesNotAddUp {
                origin: origin.into(),
                group: g.code.clone(),
                sum,
                max: g.max,
            });
        }
    }
    let total: i32 = criteria.iter().map(|c| c.max).sum();
    if total != 1000 {
        return Err(RuleSetError::TotalNot100 {
            origin: origin.into(),
            total,
        });
    }
    Ok((groups, criteria))
}

impl RuleSet {
    /// Parses and checks a rule set file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<RuleSet, RuleSetError> {
        let o = origin;
        let raw: RawRuleSet = toml::from_str(text).map_err(|e| RuleSetError::Parse {
            origin: o.into(),
            message: e.to_string().trim().to_owned(),
        })?;
        let kinds = parse_codes(o, "kind", &raw.kinds, OrgKind::parse)?;
        let sectors = parse_codes(o, "sector", &raw.sectors, Sector::parse)?;
        let excluded_sectors = parse_codes(o, "sector", &raw.excluded_sectors, Sector::parse)?;
        let in_force_from = raw
            .in_force_from
            .date
            .and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            })
            .ok_or_else(|| unknown(o, "-", "date", &raw.in_force_from.to_string()))?;
        let bands = parse_bands(o, &raw.bands)?;
        let (groups, criteria) = parse_criteria(o, &raw)?;
        Ok(RuleSet {
            provisional: raw.provisional || criteria.iter().any(|c| c.provisional),
            id: raw.id,
            name: raw.name,
            name_en: raw.name_en,
            source: raw.source,
            in_force_from,
            first_year: raw.first_year,
            last_year: raw.last_year,
            kinds,
            sectors,
            excluded_sectors,
            sanctioned_is_weak: raw.sanctioned_is_weak,
            provisional_note: raw.provisional_note,
            bands,
            groups,
            criteria,
        })
    }
}
