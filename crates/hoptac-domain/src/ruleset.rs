//! Evaluation rule sets as data (spec §5.1): criteria, sub-criteria and their maximum
//! points, how points are proposed, rating bands and exclusions, with the dates they
//! apply to. Shipped rule sets are embedded from `data/rulesets/`; others can be loaded
//! from a file. A rule set is checked when loaded and a broken one is refused with the
//! criterion named.

use crate::evaluation::Rating;
use crate::i18n::Lang;
use crate::org::{OrgKind, Sector};
use crate::report::{ReportField, ReportFigures};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

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

/// What a banded formula measures in the report for the year. Edges compare exactly,
/// in whole numbers: no rounding at an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Quantity {
    /// A figure itself (`value:revenue`); edges in its unit (VND).
    Value {
        #[schema(value_type = String)]
        of: ReportField,
    },
    /// One figure as a percentage of another (`percent:revenue/planned_revenue`); edges
    /// in whole percent. The divisor must be positive.
    Percent {
        #[schema(value_type = String)]
        of: ReportField,
        #[schema(value_type = String)]
        to: ReportField,
    },
    /// One figure per unit of another (`per:after_tax_profit/members_end`); edges in the
    /// first figure's unit (VND per member). The divisor must be positive.
    Per {
        #[schema(value_type = String)]
        of: ReportField,
        #[schema(value_type = String)]
        per: ReportField,
    },
}

/// A quantity and its point bands: below `edges[0]` scores `points[0]`; at or above
/// `edges[i]` (and below the next edge) scores `points[i + 1]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Banded {
    pub quantity: Quantity,
    /// Lower edges of the bands above the first, strictly rising.
    pub edges: Vec<i64>,
    /// Tenths of a point, one more than the edges.
    pub points: Vec<i32>,
}

/// Why a quantity cannot be measured in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmeasured {
    /// The report lacks this figure.
    Missing(ReportField),
    /// The divisor is zero or negative (e.g. no profit to set funds aside from).
    DivisorNotPositive(ReportField, i64),
}

impl Quantity {
    fn parse(formula: &str) -> Option<Quantity> {
        let (kind, rest) = formula.split_once(':')?;
        let pair = || {
            let (a, b) = rest.split_once('/')?;
            Some((ReportField::parse(a.trim())?, ReportField::parse(b.trim())?))
        };
        Some(match kind {
            "value" => Quantity::Value {
                of: ReportField::parse(rest.trim())?,
            },
            "percent" => {
                let (of, to) = pair()?;
                Quantity::Percent { of, to }
            }
            "per" => {
                let (of, per) = pair()?;
                Quantity::Per { of, per }
            }
            _ => return None,
        })
    }

    /// The figures it reads: the measured one, and the divisor if any.
    pub fn fields(self) -> (ReportField, Option<ReportField>) {
        match self {
            Quantity::Value { of } => (of, None),
            Quantity::Percent { of, to } => (of, Some(to)),
            Quantity::Per { of, per } => (of, Some(per)),
        }
    }

    /// The figures from a report: (measured, divisor), the divisor 1 for a plain value.
    pub fn read(self, f: &ReportFigures) -> Result<(i64, i64), Unmeasured> {
        let (of, by) = self.fields();
        let a = of.get(f).ok_or(Unmeasured::Missing(of))?;
        let b = match by {
            None => 1,
            Some(by) => by.get(f).ok_or(Unmeasured::Missing(by))?,
        };
        if b <= 0 {
            if let Some(by) = by {
                return Err(Unmeasured::DivisorNotPositive(by, b));
            }
        }
        Ok((a, b))
    }

    /// Whether figures read by [`Quantity::read`] (divisor positive) are at or above an
    /// edge, in exact integer arithmetic.
    pub fn at_least(self, (a, b): (i64, i64), edge: i64) -> bool {
        let (a, b, e) = (i128::from(a), i128::from(b), i128::from(edge));
        match self {
            Quantity::Value { .. } => a >= e,
            Quantity::Percent { .. } => a * 100 >= e * b,
            Quantity::Per { .. } => a >= e * b,
        }
    }
}

impl Banded {
    /// The points (tenths) and the index of the band the figures fall in.
    pub fn score(&self, figures: (i64, i64)) -> (i32, usize) {
        let band = self
            .edges
            .iter()
            .take_while(|e| self.quantity.at_least(figures, **e))
            .count();
        (self.points.get(band).copied().unwrap_or(0), band)
    }
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

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
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

/// What is wrong with a rule set file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleSetError {
    #[error("{origin}: not a valid rule set file: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: {at}: {value} is not a number of points in tenths (0.1)")]
    BadPoints {
        origin: String,
        at: String,
        value: f64,
    },
    #[error(
        "{origin}: criterion {criterion}: its parts add up to {sum} tenths, its maximum is {max}"
    )]
    PartsDoNotAddUp {
        origin: String,
        criterion: String,
        sum: i32,
        max: i32,
    },
    #[error("{origin}: group {group}: its criteria add up to {sum} tenths, its maximum is {max}")]
    GroupDoesNotAddUp {
        origin: String,
        group: String,
        sum: i32,
        max: i32,
    },
    #[error("{origin}: the criteria add up to {total} tenths, not 1000 (100 points)")]
    TotalNot100 { origin: String, total: i32 },
    #[error("{origin}: bands must go good, fair, average, weak with falling minimums down to 0")]
    BadBands { origin: String },
    #[error("{origin}: code {code} is used twice")]
    DuplicateCode { origin: String, code: String },
    #[error("{origin}: criterion {at}: unknown {what} {value:?}")]
    Unknown {
        origin: String,
        at: String,
        what: &'static str,
        value: String,
    },
    #[error("{origin}: criterion {criterion} names group {group}, which does not exist")]
    NoSuchGroup {
        origin: String,
        criterion: String,
        group: String,
    },
    #[error("{origin}: criterion {at}: point bands: {problem}")]
    BadPointBands {
        origin: String,
        at: String,
        problem: BandProblem,
    },
}

/// What is wrong with the point bands of a banded formula.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BandProblem {
    #[error("the formula needs `edges` and `points`")]
    Missing,
    #[error("`edges` and `points` belong only to value:, percent: and per: formulas")]
    NotBanded,
    #[error("the edges must rise strictly")]
    NotRising,
    #[error("{edges} edges need {} points, there are {points}", edges + 1)]
    Count { edges: usize, points: usize },
    #[error("{points} tenths is above the maximum {max}")]
    AboveMax { points: i32, max: i32 },
    #[error("no band scores the maximum {max} tenths")]
    MaxUnreachable { max: i32 },
}

impl BandProblem {
    fn message_vi(&self) -> String {
        let p = |t: &i32| crate::i18n::format_decimal(f64::from(*t) / 10.0, 1);
        match self {
            BandProblem::Missing => "công thức cần khai báo `edges` và `points`".into(),
            BandProblem::NotBanded => {
                "`edges` và `points` chỉ dùng cho công thức value:, percent: và per:".into()
            }
            BandProblem::NotRising => "các ngưỡng phải tăng dần".into(),
            BandProblem::Count { edges, points } => {
                format!(
                    "{edges} ngưỡng cần {} mức điểm, đang có {points}",
                    edges + 1
                )
            }
            BandProblem::AboveMax { points, max } => {
                format!("mức {} điểm vượt điểm tối đa {}", p(points), p(max))
            }
            BandProblem::MaxUnreachable { max } => {
                format!("không mức nào đạt điểm tối đa {}", p(max))
            }
        }
    }
}

impl RuleSetError {
    /// The message in Vietnamese or English (administrators read these).
    pub fn message(&self, lang: Lang) -> String {
        let p = |t: &i32| crate::i18n::format_decimal(f64::from(*t) / 10.0, 1);
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (RuleSetError::Parse { origin, message }, Lang::Vi) => format!("{origin}: tệp bộ tiêu chí không đọc được: {message}"),
            (RuleSetError::BadPoints { origin, at, value }, Lang::Vi) => format!("{origin}: {at}: {value} không phải số điểm (lẻ tối đa 0,1)"),
            (RuleSetError::PartsDoNotAddUp { origin, criterion, sum, max }, Lang::Vi) => format!("{origin}: tiêu chí {criterion}: tổng điểm các tiêu chí con là {}, điểm tối đa là {}", p(sum), p(max)),
            (RuleSetError::GroupDoesNotAddUp { origin, group, sum, max }, Lang::Vi) => format!("{origin}: nhóm {group}: tổng điểm các tiêu chí là {}, điểm tối đa của nhóm là {}", p(sum), p(max)),
            (RuleSetError::TotalNot100 { origin, total }, Lang::Vi) => format!("{origin}: tổng điểm các tiêu chí là {}, không phải 100", p(total)),
            (RuleSetError::BadBands { origin }, Lang::Vi) => format!("{origin}: các mức xếp loại phải theo thứ tự tốt, khá, trung bình, yếu với điểm sàn giảm dần tới 0"),
            (RuleSetError::DuplicateCode { origin, code }, Lang::Vi) => format!("{origin}: mã {code} bị dùng hai lần"),
            (RuleSetError::Unknown { origin, at, what, value }, Lang::Vi) => format!("{origin}: tiêu chí {at}: {what} \"{value}\" không hợp lệ"),
            (RuleSetError::NoSuchGroup { origin, criterion, group }, Lang::Vi) => format!("{origin}: tiêu chí {criterion} thuộc nhóm {group} không tồn tại"),
            (RuleSetError::BadPointBands { origin, at, problem }, Lang::Vi) => format!("{origin}: tiêu chí {at}: các mức điểm: {}", problem.message_vi()),
        }
    }
}

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
fn tenths(origin: &str, at: &str, v: f64) -> Result<i32, RuleSetError> {
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

const SHIPPED: &[(&str, &str)] = &[
    (
        "data/rulesets/tt01-2020.toml",
        include_str!("../../../data/rulesets/tt01-2020.toml"),
    ),
    (
        "data/rulesets/tt09-2017-nn.toml",
        include_str!("../../../data/rulesets/tt09-2017-nn.toml"),
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

    /// Parses and checks a rule set file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<RuleSet, RuleSetError> {
        let o = origin.to_owned();
        let raw: RawRuleSet = toml::from_str(text).map_err(|e| RuleSetError::Parse {
            origin: o.clone(),
            message: e.to_string().trim().to_owned(),
        })?;
        let unknown = |at: &str, what: &'static str, value: &str| RuleSetError::Unknown {
            origin: o.clone(),
            at: at.into(),
            what,
            value: value.into(),
        };
        let kinds = raw
            .kinds
            .iter()
            .map(|k| OrgKind::parse(k).ok_or_else(|| unknown("-", "kind", k)))
            .collect::<Result<_, _>>()?;
        let sectors = raw
            .sectors
            .iter()
            .map(|s| Sector::parse(s).ok_or_else(|| unknown("-", "sector", s)))
            .collect::<Result<_, _>>()?;
        let excluded_sectors = raw
            .excluded_sectors
            .iter()
            .map(|s| Sector::parse(s).ok_or_else(|| unknown("-", "sector", s)))
            .collect::<Result<_, _>>()?;
        let in_force_from = raw
            .in_force_from
            .date
            .and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            })
            .ok_or_else(|| unknown("-", "date", &raw.in_force_from.to_string()))?;
        // Bands: good, fair, average, weak, strictly falling, the last at 0.
        let mut bands = Vec::new();
        for b in &raw.bands {
            let rating = Rating::parse(&b.rating)
                .filter(|r| *r != Rating::NotRated)
                .ok_or_else(|| unknown("bands", "rating", &b.rating))?;
            bands.push(Band {
                rating,
                min: tenths(&o, &b.rating, b.min)?,
            });
        }
        let order = [Rating::Good, Rating::Fair, Rating::Average, Rating::Weak];
        let ordered = bands.len() == 4
            && bands.iter().zip(order).all(|(b, r)| b.rating == r)
            && bands.windows(2).all(|w| w[0].min > w[1].min)
            && bands.last().is_some_and(|b| b.min == 0);
        if !ordered {
            return Err(RuleSetError::BadBands { origin: o });
        }
        let mut codes = HashSet::new();
        let mut seen = |code: &str| -> Result<(), RuleSetError> {
            if codes.insert(code.to_owned()) {
                Ok(())
            } else {
                Err(RuleSetError::DuplicateCode {
                    origin: o.clone(),
                    code: code.into(),
                })
            }
        };
        let mut groups = Vec::new();
        let mut raw_criteria: Vec<(Option<String>, &RawCriterion)> =
            raw.criteria.iter().map(|c| (None, c)).collect();
        for g in &raw.groups {
            seen(&format!("group {}", g.code))?;
            groups.push(Group {
                code: g.code.clone(),
                name: g.name.clone(),
                name_en: g.name_en.clone(),
                max: tenths(&o, &g.code, g.max)?,
            });
            raw_criteria.extend(g.criteria.iter().map(|c| (Some(g.code.clone()), c)));
        }
        let mut criteria = Vec::new();
        for (group, c) in raw_criteria {
            seen(&c.code)?;
            let max = tenths(&o, &c.code, c.max)?;
            let mut subs = Vec::new();
            for s in &c.sub {
                seen(&s.code)?;
                let sub_max = tenths(&o, &s.code, s.max)?;
                let method = match s.formula.as_deref() {
                    None => Method::Entered,
                    Some(f) => match f.split_once(':') {
                        Some(("grew", field)) => Method::Grew(
                            ReportField::parse(field)
                                .ok_or_else(|| unknown(&s.code, "formula", f))?,
                        ),
                        _ => Method::Bands(Banded {
                            quantity: Quantity::parse(f)
                                .ok_or_else(|| unknown(&s.code, "formula", f))?,
                            edges: Vec::new(),
                            points: Vec::new(),
                        }),
                    },
                };
                let method = check_bands(&o, s, sub_max, method)?;
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
                    origin: o,
                    criterion: c.code.clone(),
                    sum,
                    max,
                });
            }
            criteria.push(Criterion {
                code: c.code.clone(),
                name: c.name.clone(),
                name_en: c.name_en.clone(),
                group,
                max,
                provisional: c.provisional,
                subs,
            });
        }
        for g in &groups {
            let sum: i32 = criteria
                .iter()
                .filter(|c| c.group.as_deref() == Some(g.code.as_str()))
                .map(|c| c.max)
                .sum();
            if sum != g.max {
                return Err(RuleSetError::GroupDoesNotAddUp {
                    origin: o,
                    group: g.code.clone(),
                    sum,
                    max: g.max,
                });
            }
        }
        let total: i32 = criteria.iter().map(|c| c.max).sum();
        if total != 1000 {
            return Err(RuleSetError::TotalNot100 { origin: o, total });
        }
        Ok(RuleSet {
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
            provisional: raw.provisional || criteria.iter().any(|c| c.provisional),
            provisional_note: raw.provisional_note,
            bands,
            groups,
            criteria,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rule_sets_load_and_add_up() {
        let all = RuleSet::shipped().expect("shipped rule sets are valid");
        let tt01 = all.iter().find(|r| r.id == "tt01-2020").expect("tt01");
        assert_eq!(tt01.criteria.len(), 15);
        assert_eq!(
            tt01.groups.iter().map(|g| g.max).collect::<Vec<_>>(),
            vec![300, 300, 400]
        );
        assert_eq!(
            tt01.sub("1b").map(|s| s.method.clone()),
            Some(Method::Grew(ReportField::TotalCapitalEnd))
        );
        assert_eq!(tt01.sub("5").map(|s| s.max), Some(80));
        assert!(tt01.provisional && tt01.criteria.iter().filter(|c| c.provisional).count() == 6);
        assert!(tt01.applies_to(OrgKind::Cooperative, Some(Sector::Agriculture), 2020));
        assert!(!tt01.applies_to(OrgKind::Cooperative, Some(Sector::Agriculture), 2019));
        assert!(!tt01.applies_to(OrgKind::Cooperative, Some(Sector::CreditFund), 2022));
        assert!(!tt01.applies_to(OrgKind::CooperativeGroup, None, 2022));
        let tt09 = all.iter().find(|r| r.id == "tt09-2017-nn").expect("tt09");
        assert!(tt09.groups.is_empty() && tt09.criteria.len() == 6 && tt09.sanctioned_is_weak);
        assert!(!tt09.applies_to(OrgKind::Cooperative, Some(Sector::Transport), 2022));
        // Criterion 1 is 38 points, confirmed, in five computed parts; 2–6 share 62.
        let maxes: Vec<(&str, i32, bool)> = tt09
            .criteria
            .iter()
            .map(|c| (c.code.as_str(), c.max, c.provisional))
            .collect();
        assert_eq!(
            maxes,
            vec![
                ("1", 380, false),
                ("2", 210, true),
                ("3", 130, true),
                ("4", 120, true),
                ("5", 80, true),
                ("6", 80, true)
            ]
        );
        let parts: Vec<(&str, i32)> = tt09.criteria[0]
            .subs
            .iter()
            .map(|s| (s.code.as_str(), s.max))
            .collect();
        assert_eq!(
            parts,
            vec![("1a", 80), ("1b", 100), ("1c", 100), ("1d", 50), ("1e", 50)]
        );
        assert!(tt09.criteria[0]
            .subs
            .iter()
            .all(|s| matches!(s.method, Method::Bands(_))));
        assert_eq!(tt09.sub("2a").map(|s| s.max), Some(80));
        assert_eq!(
            tt09.sub("1a").map(|s| s.method.clone()),
            Some(Method::Bands(Banded {
                quantity: Quantity::Percent {
                    of: ReportField::Revenue,
                    to: ReportField::PlannedRevenue
                },
                edges: vec![100, 120],
                points: vec![0, 40, 80],
            }))
        );
        let note = tt09.provisional_note.as_deref().unwrap_or_default();
        assert!(tt09.provisional && note.contains("1c") && note.contains("2–6"));
        assert!(!note.contains("25/25"));
    }

    fn broken_tt09(from: &str, to: &str) -> RuleSetError {
        assert!(SHIPPED[1].1.contains(from), "{from}");
        let text = SHIPPED[1].1.replacen(from, to, 1);
        RuleSet::parse(&text, "tt09.toml").expect_err("must be refused")
    }

    #[test]
    fn broken_point_bands_are_refused_at_load_naming_the_part() {
        let bands = |e: RuleSetError| match e {
            RuleSetError::BadPointBands { at, problem, .. } => (at, problem),
            other => panic!("expected bad point bands, got {other:?}"),
        };
        assert_eq!(
            bands(broken_tt09("  edges = [100, 120]", "  edges = [120, 100]")),
            ("1a".into(), BandProblem::NotRising)
        );
        assert_eq!(
            bands(broken_tt09("  edges = [100, 120]", "  edges = [100, 100]")),
            ("1a".into(), BandProblem::NotRising)
        );
        assert_eq!(
            bands(broken_tt09("  points = [0, 4, 8]", "  points = [0, 8]")),
            (
                "1a".into(),
                BandProblem::Count {
                    edges: 2,
                    points: 2
                }
            )
        );
        assert_eq!(
            bands(broken_tt09("  points = [0, 4, 8]", "  points = [0, 4, 9]")),
            (
                "1a".into(),
                BandProblem::AboveMax {
                    points: 90,
                    max: 80
                }
            )
        );
        assert_eq!(
            bands(broken_tt09("  points = [0, 4, 8]", "  points = [0, 4, 7]")),
            ("1a".into(), BandProblem::MaxUnreachable { max: 80 })
        );
        assert_eq!(
            bands(broken_tt09("  edges = [100, 120]\n", "")),
            ("1a".into(), BandProblem::Missing)
        );
        let e = broken_tt09(
            "  max = 8\n  [[criteria.sub]]\n  code = \"2b\"",
            "  max = 8\n  edges = [1]\n  points = [0, 8]\n  [[criteria.sub]]\n  code = \"2b\"",
        );
        assert!(e.message(Lang::Vi).contains("tiêu chí 2a"), "{e}");
        assert_eq!(bands(e), ("2a".into(), BandProblem::NotBanded));
        for bad in [
            "percent:revenue",
            "percent:revenue/plan",
            "ratio:revenue/planned_revenue",
            "value:turnover",
        ] {
            let e = broken_tt09(
                "formula = \"percent:revenue/planned_revenue\"",
                &format!("formula = \"{bad}\""),
            );
            assert!(
                matches!(&e, RuleSetError::Unknown { at, what: "formula", .. } if at == "1a"),
                "{bad}: {e:?}"
            );
        }
        let e = broken_tt09("  points = [0, 4, 8]", "  points = [0, 4.05, 8]");
        assert!(matches!(e, RuleSetError::BadPoints { .. }), "{e:?}");
        let e = broken_tt09("  points = [0, 4, 8]", "  points = [0, 4, 9]");
        assert_eq!(
            e.to_string(),
            "tt09.toml: criterion 1a: point bands: 90 tenths is above the maximum 80"
        );
        assert!(
            e.message(Lang::Vi).contains("vượt điểm tối đa 8,0"),
            "{}",
            e.message(Lang::Vi)
        );
    }

    #[test]
    fn report_fields_parse_by_their_names() {
        for f in ReportField::ALL {
            assert_eq!(ReportField::parse(f.name()), Some(f));
            assert_eq!(serde_json::to_value(f).ok(), Some(f.name().into()));
        }
        assert_eq!(ReportField::parse("turnover"), None);
    }

    fn broken(from: &str, to: &str) -> RuleSetError {
        let text = SHIPPED[0].1.replacen(from, to, 1);
        RuleSet::parse(&text, "test.toml").expect_err("must be refused")
    }

    #[test]
    fn broken_files_name_the_criterion() {
        // 1a's maximum 6 → 5: criterion 1's parts no longer add up to 7.
        let e = broken(
            "max = 6\n    [[groups.criteria.sub]]\n    code = \"1b\"",
            "max = 5\n    [[groups.criteria.sub]]\n    code = \"1b\"",
        );
        assert!(
            matches!(&e, RuleSetError::PartsDoNotAddUp { criterion, sum: 60, max: 70, .. } if criterion == "1"),
            "{e:?}"
        );
        assert!(e.message(Lang::Vi).contains("tiêu chí 1"));
        let e = broken("min = 65", "min = 85");
        assert!(matches!(e, RuleSetError::BadBands { .. }));
        let e = broken(
            "formula = \"grew:total_capital_end\"",
            "formula = \"shrank:total_capital_end\"",
        );
        assert!(
            matches!(&e, RuleSetError::Unknown { at, .. } if at == "1b"),
            "{e:?}"
        );
        assert!(matches!(
            tenths("t", "x", 0.55),
            Err(RuleSetError::BadPoints { .. })
        ));
        assert_eq!(tenths("t", "x", 0.5), Ok(5));
        let e = broken("code = \"15\"", "code = \"14\"");
        assert!(
            matches!(&e, RuleSetError::DuplicateCode { code, .. } if code == "14"),
            "{e:?}"
        );
        let e = RuleSet::parse("id = 1", "x.toml").expect_err("not a rule set");
        assert!(e
            .to_string()
            .starts_with("x.toml: not a valid rule set file"));
    }

    #[test]
    fn group_and_total_sums_are_checked() {
        // Moving 2 points from criterion 15 to 14 keeps group III; taking 2 breaks it.
        let e = broken(
            "max = 4\n  provisional = true",
            "max = 2\n  provisional = true",
        );
        assert!(
            matches!(&e, RuleSetError::GroupDoesNotAddUp { group, sum: 380, max: 400, .. } if group == "III"),
            "{e:?}"
        );
        let tt09 = SHIPPED[1]
            .1
            .replacen("max = 13\nprovisional", "max = 12\nprovisional", 1);
        let e = RuleSet::parse(&tt09, "tt09").expect_err("total");
        assert!(
            matches!(e, RuleSetError::TotalNot100 { total: 990, .. }),
            "{e:?}"
        );
        // A part's points must add up to its criterion's, banded or not.
        let e = broken_tt09("max = 38", "max = 37");
        assert!(
            matches!(&e, RuleSetError::PartsDoNotAddUp { criterion, sum: 380, max: 370, .. } if criterion == "1"),
            "{e:?}"
        );
    }
}
