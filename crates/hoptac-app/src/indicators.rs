//! Computing Letter 538's indicators (spec §6) from the registry, the approved
//! evaluations and the final annual reports, for any year, by 2025 commune, legacy
//! district or commune, sector or kind; and following the targets. Every definition is
//! written out in docs/indicators.md.

use crate::error::{AppError, Result};
use crate::facts::{Facts, Snapshot, Timeline};
use crate::registry::{Actor, Registry};
use chrono::{Datelike, NaiveDate, Utc};
use hoptac_domain::auth::Scope;
use hoptac_domain::evaluation::Rating;
use hoptac_domain::indicators::{
    project, status, Comparison, Indicator, Measure, Target, TargetStatus,
};
use hoptac_domain::org::{OrgId, OrgKind, Sector, Status};
use hoptac_domain::place::{Derivation, Gazetteer, Scheme};
use hoptac_domain::report::Deadlines;
use hoptac_store::docs::{self, Doc, Stamp};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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

/// A group of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
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

    /// Computes every job in one pass over the organisations' facts.
    fn tally(&self, data: &Data, jobs: &[Job]) -> Result<Vec<Tally>> {
        let mut out: Vec<Tally> = vec![Tally::new(); jobs.len()];
        let ends = jobs
            .iter()
            .map(|j| dec31(j.year))
            .collect::<Result<Vec<_>>>()?;
        let provisional: Vec<bool> = jobs.iter().map(|j| self.provisional(data, j)).collect();
        // Each job counts one kind of organisation: look only at those.
        let kinds = OrgKind::ALL;
        let of_kind: Vec<Vec<usize>> = kinds
            .iter()
            .map(|k| {
                (0..jobs.len())
                    .filter(|i| kind_of(jobs[*i].ind) == *k)
                    .collect()
            })
            .collect();
        // A province's jobs skip organisations never placed there (a national
        // registry holds every province) before looking up any date.
        let mut provinces: Vec<Option<&str>> = jobs.iter().map(|j| j.province.as_deref()).collect();
        provinces.sort_unstable();
        provinces.dedup();
        let province_of: Vec<usize> = jobs
            .iter()
            .map(|j| {
                provinces
                    .iter()
                    .position(|p| *p == j.province.as_deref())
                    .unwrap_or(0)
            })
            .collect();
        let mut ever_in = Vec::with_capacity(provinces.len());
        for (id, timeline) in &data.facts.orgs {
            let Some(mine) = kinds.iter().position(|k| *k == timeline.kind) else {
                continue;
            };
            ever_in.clear();
            ever_in.extend(
                provinces
                    .iter()
                    .map(|p| p.is_none_or(|p| timeline.ever_in(p))),
            );
            for &i in &of_kind[mine] {
                if !ever_in[province_of[i]] {
                    continue;
                }
                let (job, end) = (&jobs[i], ends[i]);
                if let Some(c) = counted(data, *id, timeline, job, end) {
                    contribute(data, timeline.kind, c, job, provisional[i], &mut out[i]);
                }
            }
        }
        // A whole value exists even when nothing was counted.
        for ((job, tally), provisional) in jobs.iter().zip(out.iter_mut()).zip(provisional) {
            tally.entry(None).or_insert((
                Measure {
                    numerator: 0,
                    denominator: job.ind.is_share().then_some(0),
                    unevaluated: job.ind.is_share().then_some(0),
                    provisional,
                },
                0,
            ));
        }
        Ok(out)
    }

    /// Formal-only counts stay provisional until the final reports are due.
    fn provisional(&self, data: &Data, job: &Job) -> bool {
        job.ind == Indicator::FormalOnly
            && data
                .rules
                .deadlines
                .final_report_due(job.year)
                .is_none_or(|d| self.today() <= d)
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

    /// The targets stored for the province: (id, version, target).
    pub fn targets(&self) -> Result<Vec<(String, i64, Target)>> {
        let all: Vec<Doc<Target>> = self.db.read(|c| docs::list(c, TARGET_KIND, None, None))?;
        let province = self.places().province.clone();
        Ok(all
            .into_iter()
            .filter(|d| province.as_ref().is_none_or(|p| d.body.province == *p))
            .map(|d| (d.id, d.version, d.body))
            .collect())
    }

    /// Changes a target (the previous value stays in its history).
    pub fn update_target(
        &self,
        id: &str,
        version: i64,
        target: Target,
        actor: &Actor,
    ) -> Result<(String, i64, Target)> {
        let mut errs = target.problems();
        let known = self
            .places()
            .units
            .province(hoptac_domain::Scheme::Y2025, &target.province)
            .is_some();
        if !known {
            errs.push(hoptac_domain::validate::FieldError::new(
                "province",
                hoptac_domain::validate::FieldProblem::UnknownValue {
                    value: target.province.clone(),
                    allowed: self.places().province.clone().into_iter().collect(),
                },
            ));
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let now = Utc::now();
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: None,
            now,
        };
        self.db.write(|c| {
            let cur: Doc<Target> = docs::get(c, TARGET_KIND, id)?.ok_or(AppError::NotFound {
                what: "target",
                id: id.to_owned(),
            })?;
            if cur.version != version
                || !docs::update(c, TARGET_KIND, id, version, None, &target, &stamp)?
            {
                return Err(AppError::StaleDocument {
                    what: "target",
                    current: Box::new(serde_json::to_value(&cur.body).unwrap_or_default()),
                    current_version: cur.version,
                    your_version: version,
                });
            }
            Ok((id.to_owned(), version + 1, target.clone()))
        })
    }

    /// Loads the shipped targets of the province served (Letter 538 for Lạng Sơn) the
    /// first time; afterwards they are data to edit.
    pub fn seed_targets(&self) -> Result<usize> {
        let Some(province) = self.places().province.clone() else {
            return Ok(0);
        };
        let shipped = shipped_targets()?;
        let mine: Vec<Target> = shipped
            .into_iter()
            .filter(|t| t.province == province)
            .collect();
        if mine.is_empty() || !self.targets()?.is_empty() {
            return Ok(0);
        }
        let now = Utc::now();
        let stamp = Stamp {
            author: "hoptac",
            source: Some("data/targets"),
            note: None,
            now,
        };
        self.db.write(|c| {
            for t in &mine {
                let id = format!(
                    "{}:{}:{}",
                    t.province,
                    t.indicator.code(),
                    t.period_end.year()
                );
                docs::insert(
                    c,
                    TARGET_KIND,
                    &id,
                    None,
                    Some(i64::from(t.period_end.year())),
                    None,
                    t,
                    &stamp,
                )?;
            }
            Ok::<_, AppError>(mine.len())
        })
    }
}

/// The group of a breakdown an organisation falls in, and whether its place there was
/// derived (a default or an attribution) rather than recorded.
fn group_of(kind: OrgKind, snap: &Snapshot, by: Breakdown, places: &Gazetteer) -> (Group, bool) {
    let name = |scheme: Scheme, code: &str| {
        places
            .units
            .commune(scheme, code)
            .map_or(code.to_owned(), |c| c.name.clone())
    };
    let unknown = || Group {
        code: String::new(),
        label: "(chưa rõ)".into(),
    };
    let p = &snap.places;
    match by {
        Breakdown::Commune => match &p.commune_2025 {
            Some(c) => (
                Group {
                    code: c.clone(),
                    label: name(Scheme::Y2025, c),
                },
                p.commune_2025_derivation != Derivation::Exact,
            ),
            None => (unknown(), false),
        },
        Breakdown::District => match &p.legacy_district {
            Some(d) => (
                Group {
                    code: d.clone(),
                    label: places
                        .units
                        .district(d)
                        .map_or(d.clone(), |x| x.name.clone()),
                },
                p.legacy_derivation != Derivation::Exact,
            ),
            None => (unknown(), false),
        },
        Breakdown::LegacyCommune => match &p.legacy_commune {
            Some(c) => (
                Group {
                    code: c.clone(),
                    label: name(Scheme::Legacy, c),
                },
                false,
            ),
            None => (
                Group {
                    code: String::new(),
                    label: "(chưa rõ xã cũ)".into(),
                },
                false,
            ),
        },
        Breakdown::Sector => match snap.sector {
            Some(s) => (
                Group {
                    code: s.code().into(),
                    label: s.label_vi().into(),
                },
                false,
            ),
            None => (unknown(), false),
        },
        Breakdown::Kind => (
            Group {
                code: kind.code().into(),
                label: kind.label_vi().into(),
            },
            false,
        ),
    }
}

/// Adds one counted organisation to one job's tally.
fn contribute(
    data: &Data,
    kind: OrgKind,
    (snap, num, den, unevaluated): Counted,
    job: &Job,
    provisional: bool,
    out: &mut Tally,
) {
    let mut add = |g: Option<Group>, derived: bool| {
        let e = out.entry(g).or_insert((
            Measure {
                numerator: 0,
                denominator: den.map(|_| 0),
                unevaluated: unevaluated.map(|_| 0),
                provisional,
            },
            0,
        ));
        e.0.numerator += num;
        if let (Some(d), Some(x)) = (e.0.denominator.as_mut(), den) {
            *d += x;
        }
        if let (Some(u), Some(x)) = (e.0.unevaluated.as_mut(), unevaluated) {
            *u += x;
        }
        e.1 += usize::from(derived);
    };
    add(None, false);
    if let Some(b) = job.by {
        let (g, derived) = group_of(kind, snap, b, &data.places);
        add(Some(g), derived);
    }
}

/// Whether and how an organisation counts in a job (period counts: founded from the
/// period's start to the end of the year or the period): the state that places it,
/// then numerator, denominator and unevaluated; `None` when it does not count.
fn counted<'a>(
    data: &Data,
    id: OrgId,
    timeline: &'a Timeline,
    job: &Job,
    end: NaiveDate,
) -> Option<Counted<'a>> {
    let (ind, period, year) = (job.ind, job.period, job.year);
    let kind = kind_of(ind);
    if timeline.kind != kind {
        return None;
    }
    // Which state decides place and sector: the founding date for period counts,
    // 31 December for the rest.
    let at = if ind.is_period_count() {
        let founded = timeline.founded?;
        if founded < period.0 || founded > period.1.min(end) {
            return None;
        }
        founded
    } else {
        end
    };
    let snap = timeline.at(at)?;
    let credit_fund = data.rules.exclude_credit_funds
        && kind == OrgKind::Cooperative
        && snap.sector == Some(Sector::CreditFund);
    // A province's target counts that province only (national deployments hold every
    // province); a commune officer's figures count their communes only.
    if credit_fund
        || job
            .province
            .as_deref()
            .is_some_and(|p| snap.places.province_2025.as_deref() != Some(p))
        || data
            .within
            .as_ref()
            .is_some_and(|s| !s.sees_placed(id, snap.places.commune_2025.as_deref()))
    {
        return None;
    }
    let active = || snap.status_on(at) == Status::Active;
    let (num, den, unevaluated) = match ind {
        Indicator::NewCooperatives | Indicator::NewGroups | Indicator::NewUnions => (1, None, None),
        Indicator::ShareGoodFair | Indicator::ShareWeak => {
            match data.facts.approved.get(&(id, year)) {
                Some(Rating::NotRated) => return None,
                Some(r) => {
                    let hit = match ind {
                        Indicator::ShareGoodFair => matches!(r, Rating::Good | Rating::Fair),
                        _ => *r == Rating::Weak,
                    };
                    (i64::from(hit), Some(1), Some(0))
                }
                None if active() => (0, Some(0), Some(1)),
                None => return None,
            }
        }
        Indicator::FormalOnly => {
            if !active()
                || !data
                    .rules
                    .formal_only
                    .applies_to_activity(data.facts.final_reports.get(&(id, year)))
            {
                return None;
            }
            (1, None, None)
        }
    };
    Some((snap, num, den, unevaluated))
}

#[derive(Deserialize)]
struct TargetFile {
    province: String,
    document: String,
    targets: Vec<TargetRow>,
}

#[derive(Deserialize)]
struct TargetRow {
    indicator: String,
    period_start: String,
    period_end: String,
    comparison: String,
    value: f64,
    #[serde(default)]
    note: Option<String>,
}

const SHIPPED_TARGETS: &[&str] = &[include_str!("../../../data/targets/538-lang-son.toml")];

/// The targets shipped in `data/targets/`.
pub fn shipped_targets() -> Result<Vec<Target>> {
    let bad = |m: String| {
        AppError::refused(
            "bad_targets",
            format!("Tệp chỉ tiêu không hợp lệ: {m}"),
            format!("Invalid targets file: {m}"),
        )
    };
    let mut out = Vec::new();
    for text in SHIPPED_TARGETS {
        // Dates are quoted by the TOML reader as datetimes; read them back as text.
        let value: toml::Value = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let normalized = toml_dates_to_strings(value);
        let file: TargetFile = normalized
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
        for r in file.targets {
            let date = |s: &str| {
                hoptac_domain::i18n::parse_date(s).ok_or_else(|| bad(format!("ngày {s}")))
            };
            out.push(Target {
                indicator: Indicator::parse(&r.indicator)
                    .ok_or_else(|| bad(r.indicator.clone()))?,
                period_start: date(&r.period_start)?,
                period_end: date(&r.period_end)?,
                province: file.province.clone(),
                comparison: Comparison::parse(&r.comparison)
                    .ok_or_else(|| bad(r.comparison.clone()))?,
                value: r.value,
                document: file.document.clone(),
                note: r.note,
            });
        }
    }
    Ok(out)
}

fn toml_dates_to_strings(v: toml::Value) -> toml::Value {
    match v {
        toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
        toml::Value::Array(a) => {
            toml::Value::Array(a.into_iter().map(toml_dates_to_strings).collect())
        }
        toml::Value::Table(t) => toml::Value::Table(
            t.into_iter()
                .map(|(k, v)| (k, toml_dates_to_strings(v)))
                .collect(),
        ),
        other => other,
    }
}
