//! Counting organisations into indicators (*tổng hợp chỉ tiêu*): which ones count for
//! an indicator in a year, in which group of a breakdown, and whether the figure is
//! still provisional.

use super::*;
use crate::error::Result;
use crate::facts::{Snapshot, Timeline};
use crate::registry::Registry;
use chrono::NaiveDate;
use hoptac_domain::evaluation::Rating;
use hoptac_domain::indicators::{Indicator, Measure};
use hoptac_domain::org::{OrgId, OrgKind, Sector, Status};
use hoptac_domain::place::{Derivation, Gazetteer, Scheme};

impl Registry {
    /// Computes every job in one pass over the organisations' facts.
    pub(super) fn tally(&self, data: &Data, jobs: &[Job]) -> Result<Vec<Tally>> {
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
    pub(super) fn provisional(&self, data: &Data, job: &Job) -> bool {
        job.ind == Indicator::FormalOnly
            && data
                .rules
                .deadlines
                .final_report_due(job.year)
                .is_none_or(|d| self.today() <= d)
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
