//! Computing Letter 538's indicators (spec §6) from the registry, the approved
//! evaluations and the final annual reports, for any year, by 2025 commune, legacy
//! district or commune, sector or kind; and following the targets. Every definition is
//! written out in docs/indicators.md.

use crate::error::{AppError, Result};
use crate::facts::{Facts, Snapshot};
use crate::registry::Registry;
use chrono::{Datelike, NaiveDate};
use hoptac_domain::auth::Scope;
use hoptac_domain::indicators::{project, status, Indicator, Measure, Target, TargetStatus};
use hoptac_domain::org::OrgKind;
use hoptac_domain::place::Gazetteer;
use hoptac_domain::report::Deadlines;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

mod tally;
mod targets;
pub use targets::shipped_targets;

pub const TARGET_KIND: &str = "target";

/// Target reports computed since the data last changed (see
/// [`Registry::target_report_within`]).
#[derive(Debug, Default)]
pub struct IndicatorCache {
    seq: i64,
    /// The place overlays' generation the reports were computed with.
    places: u64,
    today: Option<NaiveDate>,
    reports: HashMap<(i32, Option<Breakdown>, Option<String>), TargetReport>,
}

/// How to split an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// 2025 communes.
    Commune,
    /// Legacy districts (2025-placed records attributed when their legacy commune is unknown).
    District,
    /// Legacy communes (records without a known legacy commune form their own group).
    LegacyCommune,
    Sector,
    Kind,
}

impl Breakdown {
    pub fn parse(s: &str) -> Option<Breakdown> {
        Some(match hoptac_domain::text::search_key(s).as_str() {
            "commune" | "xa" | "commune_2025" | "2025" => Breakdown::Commune,
            "district" | "huyen" | "legacy_district" => Breakdown::District,
            "legacy_commune" | "xa cu" => Breakdown::LegacyCommune,
            "sector" | "linh vuc" => Breakdown::Sector,
            "kind" | "loai hinh" => Breakdown::Kind,
            _ => return None,
        })
    }
}

/// Options that the spec leaves configurable.
#[derive(Debug, Clone)]
pub struct IndicatorRules {
    /// Credit funds are left out of HTX counts and shares.
    pub exclude_credit_funds: bool,
    pub deadlines: Deadlines,
    pub formal_only: FormalOnlyRule,
}

impl Default for IndicatorRules {
    fn default() -> Self {
        IndicatorRules {
            exclude_credit_funds: true,
            deadlines: Deadlines::default(),
            formal_only: FormalOnlyRule::default(),
        }
    }
}

/// When an HTX active on 31 December counts as existing only on paper (*tồn tại hình
/// thức*). No regulation defines it (spec §5.5); this is the default, configurable.
#[derive(Debug, Clone, Copy)]
pub struct FormalOnlyRule {
    /// No final annual report for the year.
    pub no_final_report: bool,
    /// Zero revenue and zero products or services supplied to members.
    pub no_activity: bool,
}

impl Default for FormalOnlyRule {
    fn default() -> Self {
        FormalOnlyRule {
            no_final_report: true,
            no_activity: true,
        }
    }
}

impl FormalOnlyRule {
    /// Whether an HTX with this final report (or none) counts as formal-only.
    pub fn applies_to_activity(&self, final_report: Option<&Activity>) -> bool {
        match final_report {
            None => self.no_final_report,
            Some(a) => {
                self.no_activity
                    && a.revenue.unwrap_or(0) == 0
                    && a.supplied_to_members.unwrap_or(0) == 0
            }
        }
    }
}

/// What the formal-only rule reads of a final report: kept for every organisation and
/// year, so small (32 bytes, not a whole report's figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    pub revenue: Option<i64>,
    pub supplied_to_members: Option<i64>,
}

/// A group of a breakdown. Published as `BreakdownGroup`: the rule sets have a
/// `Group` of criteria too, and one document cannot hold two schemas of one name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[schema(as = BreakdownGroup)]
pub struct Group {
    pub code: String,
    pub label: String,
}

/// One indicator for one group (or the whole province).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    pub group: Option<Group>,
    pub measure: Measure,
    pub value: Option<f64>,
    /// Records counted here through a default (split commune) or attribution.
    pub derived_places: usize,
}

/// A target and how it is going.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetProgress {
    pub id: String,
    pub version: i64,
    pub target: Target,
    /// The value at the end of each year of the period so far.
    pub series: Vec<(i32, Option<f64>)>,
    pub year: i32,
    pub current: Measure,
    pub current_value: Option<f64>,
    /// Least-squares line through the series, at the period's last year.
    pub projection: Option<f64>,
    pub status: TargetStatus,
}

/// Targets and indicators for a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetReport {
    pub year: i32,
    pub province: Option<String>,
    pub targets: Vec<TargetProgress>,
    pub breakdown: Option<Breakdown>,
    /// With a breakdown: each indicator by group, for the period of the year's targets.
    pub rows: Vec<IndicatorRow>,
}

/// What the computations read, loaded once.
pub(crate) struct Data {
    pub(crate) places: Gazetteer,
    pub(crate) rules: IndicatorRules,
    /// States over time, ratings and report figures.
    pub(crate) facts: Arc<Facts>,
    /// Count only what lies within this scope (a commune officer's communes).
    pub(crate) within: Option<Scope>,
}

/// One figure to compute: an indicator over a period, at the end of a year, for a
/// province (or everything), whole and optionally split.
#[derive(Debug, Clone)]
struct Job {
    ind: Indicator,
    period: (NaiveDate, NaiveDate),
    year: i32,
    by: Option<Breakdown>,
    province: Option<String>,
}

/// A job's counts by group (`None`: the whole), with how many records were placed
/// there by derivation.
type Tally = BTreeMap<Option<Group>, (Measure, usize)>;

/// How an organisation counts in a job: the state that places it, numerator,
/// denominator, unevaluated.
type Counted<'a> = (&'a Snapshot, i64, Option<i64>, Option<i64>);

fn dec31(year: i32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| AppError::refused("bad_year", "Năm không hợp lệ", "Invalid year"))
}

fn kind_of(ind: Indicator) -> OrgKind {
    match ind {
        Indicator::NewGroups => OrgKind::CooperativeGroup,
        Indicator::NewUnions => OrgKind::Union,
        _ => OrgKind::Cooperative,
    }
}

impl Registry {
    /// The facts brought up to date, with the places and rules they are read with.
    pub(crate) fn indicator_facts(&self) -> Result<Data> {
        Ok(Data {
            within: None,
            facts: self.facts()?,
            places: self.places(),
            rules: IndicatorRules {
                deadlines: self.deadlines,
                ..IndicatorRules::default()
            },
        })
    }

    /// One indicator's value per group for a year and period.
    pub fn indicator(
        &self,
        ind: Indicator,
        period: (NaiveDate, NaiveDate),
        year: i32,
        by: Option<Breakdown>,
    ) -> Result<Vec<IndicatorRow>> {
        let data = self.indicator_facts()?;
        let job = Job {
            ind,
            period,
            year,
            by,
            province: data.places.province.clone(),
        };
        let m = self.tally(&data, &[job])?.pop().unwrap_or_default();
        Ok(m.into_iter()
            .map(|(group, (measure, derived))| IndicatorRow {
                indicator: ind,
                group,
                value: measure.value(),
                measure,
                derived_places: derived,
            })
            .collect())
    }

    /// The targets of the province for the period that contains `year` (or ends
    /// before it), with series, projection and status, and optionally a breakdown.
    pub fn target_report(&self, year: i32, by: Option<Breakdown>) -> Result<TargetReport> {
        self.target_report_within(year, by, None)
    }

    /// [`Registry::target_report`] counting only what lies within `within` (a commune
    /// officer's communes). Results are cached until the next change to the data: the
    /// key is the audit trail's last link, which every writing transaction moves, on
    /// whichever app server it ran.
    pub fn target_report_within(
        &self,
        year: i32,
        by: Option<Breakdown>,
        within: Option<&Scope>,
    ) -> Result<TargetReport> {
        let seq = self.db.read(hoptac_store::audit::head_seq)?;
        let generation = || {
            self.places_generation
                .load(std::sync::atomic::Ordering::SeqCst)
        };
        let places = generation();
        let key = (
            year,
            by,
            within.map(|s| serde_json::to_string(s).unwrap_or_default()),
        );
        let today = self.today();
        if let Ok(cache) = self.indicator_cache.lock() {
            if cache.seq == seq && cache.places == places && cache.today == Some(today) {
                if let Some(r) = cache.reports.get(&key) {
                    return Ok(r.clone());
                }
            }
        }
        // A miss: the data moved (place corrections through another server move the
        // audit head too), so load any overlays this server has missed first. The
        // generation is read before computing: overlays swapped in meanwhile make the
        // entry stale.
        self.refresh_places()?;
        let places = generation();
        let report = self.compute_target_report(year, by, within)?;
        if let Ok(mut cache) = self.indicator_cache.lock() {
            if cache.seq != seq || cache.places != places || cache.today != Some(today) {
                cache.reports.clear();
                cache.seq = seq;
                cache.places = places;
                cache.today = Some(today);
            }
            // Bounded: a handful of years, breakdowns and scopes are what people read.
            if cache.reports.len() >= 256 {
                cache.reports.clear();
            }
            cache.reports.insert(key, report.clone());
        }
        Ok(report)
    }

    /// [`Registry::target_report_within`] computed afresh, as after a change to the
    /// data (benchmarks measure both).
    pub fn compute_target_report(
        &self,
        year: i32,
        by: Option<Breakdown>,
        within: Option<&Scope>,
    ) -> Result<TargetReport> {
        let mut data = self.indicator_facts()?;
        data.within = within.cloned();
        let targets = self.targets()?;
        // The period the year falls in; after the last period, the last one.
        let mut periods: Vec<(NaiveDate, NaiveDate)> = targets
            .iter()
            .map(|(_, _, t)| (t.period_start, t.period_end))
            .collect();
        periods.sort();
        periods.dedup();
        let period = periods
            .iter()
            .find(|(s, e)| s.year() <= year && year <= e.year())
            .or_else(|| periods.iter().rev().find(|(_, e)| e.year() < year))
            .or(periods.first())
            .copied();
        let targets: Vec<(String, i64, Target)> = targets
            .into_iter()
            .filter(|(_, _, t)| Some((t.period_start, t.period_end)) == period)
            .collect();
        // Every figure of every target in one pass: the yearly series (whole), then
        // the last year with the breakdown.
        let mut jobs = Vec::new();
        for (_, _, t) in &targets {
            let last = year.min(t.period_end.year());
            let job = |y: i32, by: Option<Breakdown>| Job {
                ind: t.indicator,
                period: (t.period_start, t.period_end),
                year: y,
                by,
                province: Some(t.province.clone()),
            };
            // The series (empty for a year before the period), then the year asked
            // for with its breakdown.
            for y in t.period_start.year()..=last {
                jobs.push(job(y, None));
            }
            jobs.push(job(last, by));
        }
        let mut tallies = self.tally(&data, &jobs)?.into_iter();
        let mut out = Vec::new();
        let mut rows = Vec::new();
        for (id, version, t) in targets {
            let last = year.min(t.period_end.year());
            let mut series = Vec::new();
            for y in t.period_start.year()..=last {
                let m = tallies.next().unwrap_or_default();
                series.push((y, m.get(&None).and_then(|(m, _)| m.value())));
            }
            let whole = tallies.next().unwrap_or_default();
            let current = whole.get(&None).map(|(m, _)| *m).unwrap_or_default();
            let points: Vec<(i32, f64)> = series
                .iter()
                .filter_map(|(y, v)| v.map(|v| (*y, v)))
                .collect();
            let projection = project(&points, t.period_end.year());
            let st = status(&t, current.value(), projection);
            if by.is_some() {
                for (group, (measure, derived)) in whole.into_iter().filter(|(g, _)| g.is_some()) {
                    rows.push(IndicatorRow {
                        indicator: t.indicator,
                        group,
                        value: measure.value(),
                        measure,
                        derived_places: derived,
                    });
                }
            }
            out.push(TargetProgress {
                id,
                version,
                series,
                year: last,
                current_value: current.value(),
                current,
                projection,
                status: st,
                target: t,
            });
        }
        // In the order of the letter (and of spec §6).
        out.sort_by_key(|t| {
            (
                Indicator::ALL.iter().position(|i| *i == t.target.indicator),
                t.target.period_end,
            )
        });
        Ok(TargetReport {
            year,
            province: data.places.province.clone(),
            targets: out,
            breakdown: by,
            rows,
        })
    }
}
