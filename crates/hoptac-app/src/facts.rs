//! The indicator facts (*số liệu tính chỉ tiêu*) kept between computations: each
//! organisation's states over time as the indicators read them, the approved ratings
//! and what the final reports say of activity. Built once per server, then brought up
//! to date from the audit trail, whose every link names the records its transaction
//! changed: a target report after an edit re-reads only what the edit touched
//! (docs/decisions/0013).

use crate::error::{AppError, Result};
use crate::evaluations::{self, EvalState};
use crate::indicators::{Activity, TARGET_KIND};
use crate::registry::Registry;
use crate::{followups, reports};
use chrono::NaiveDate;
use hoptac_domain::evaluation::Rating;
use hoptac_domain::history::{self, OrgState};
use hoptac_domain::org::{OrgId, OrgKind, Sector, Status};
use hoptac_domain::place::{Gazetteer, PlaceInBothSchemes, PlaceRef};
use hoptac_domain::report::ReportStage;
use hoptac_store::orgs::{self, OrgHistory};
use hoptac_store::{audit, docs};
use std::collections::HashMap;
use std::sync::Arc;

/// Audit links read to catch up; after more, everything is read again (cheaper than
/// following a long trail record by record).
const MAX_LINKS: i64 = 2_000;

/// Organisations read per page when building: memory stays bounded by a page of
/// histories however large the registry.
const PAGE: i64 = 5_000;

/// What the indicators read of an organisation while nothing about it changes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    status: Status,
    /// When a suspension ends (the status on a later date is active).
    until: Option<NaiveDate>,
    pub(crate) sector: Option<Sector>,
    /// Shared between the many records placed alike.
    pub(crate) places: Arc<PlaceInBothSchemes>,
}

impl Snapshot {
    pub(crate) fn status_on(&self, date: NaiveDate) -> Status {
        history::status_on(self.status, self.until, date)
    }
}

/// One organisation's states over time: the fold of its history at every date where
/// the fold can change, kept small (the national registry holds a hundred thousand).
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    pub(crate) kind: OrgKind,
    /// The founding date with everything recorded (period counts read it).
    pub(crate) founded: Option<NaiveDate>,
    /// From each date on, the state in force until the next step; sorted. Boxed, not
    /// a vector: no spare capacity kept for a million organisations.
    steps: Box<[(NaiveDate, Snapshot)]>,
}

impl Timeline {
    /// `None` for an organisation with no history.
    fn of(h: &OrgHistory, places: &Gazetteer, pool: &mut Pool) -> Option<Timeline> {
        let now = OrgState::fold(h.id, h.kind, &h.changes, None)?;
        let founded = now.fields.founding_date;
        // A fold as of a date reads the changes in force then, which change only on
        // their effective dates and on the founding date (the first facts hold from
        // it): folding on each of those gives every state there is.
        let mut dates: Vec<NaiveDate> = h
            .changes
            .iter()
            .map(|c| c.effective)
            .chain(founded)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let mut steps: Vec<(NaiveDate, Snapshot)> = Vec::new();
        for d in dates {
            let Some(st) = OrgState::fold(h.id, h.kind, &h.changes, Some(d)) else {
                continue;
            };
            let snap = Snapshot {
                status: st.status.status,
                until: st.status.until,
                sector: st.fields.sector,
                places: pool.place_of(&st, places),
            };
            if steps.last().is_none_or(|(_, s)| *s != snap) {
                steps.push((d, snap));
            }
        }
        Some(Timeline {
            kind: h.kind,
            founded,
            steps: steps.into_boxed_slice(),
        })
    }

    /// Whether the organisation was ever placed in a 2025 province.
    pub(crate) fn ever_in(&self, province: &str) -> bool {
        self.steps
            .iter()
            .any(|(_, s)| s.places.province_2025.as_deref() == Some(province))
    }

    /// Whether the organisation was closed (dissolved, bankrupt, revoked, converted)
    /// on `from` and stayed closed until `to`.
    pub(crate) fn closed_throughout(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let closed = |s: &Snapshot, d: NaiveDate| {
            matches!(
                s.status_on(d),
                Status::Dissolved | Status::Bankrupt | Status::Revoked | Status::Converted
            )
        };
        self.at(from).is_some_and(|s| closed(s, from))
            && self
                .steps
                .iter()
                .filter(|(d, _)| *d > from && *d <= to)
                .all(|(d, s)| closed(s, *d))
    }

    /// The state in force on a date (`None`: nothing recorded was in force yet).
    pub(crate) fn at(&self, date: NaiveDate) -> Option<&Snapshot> {
        let i = self.steps.partition_point(|(from, _)| *from <= date);
        i.checked_sub(1)
            .and_then(|i| self.steps.get(i))
            .map(|(_, s)| s)
    }
}

/// Derived places shared between the many records placed alike, each derived once.
#[derive(Debug, Clone, Default)]
struct Pool(HashMap<(Option<PlaceRef>, Option<String>), Arc<PlaceInBothSchemes>>);

impl Pool {
    fn place_of(&mut self, st: &OrgState, places: &Gazetteer) -> Arc<PlaceInBothSchemes> {
        let key = (st.fields.place.clone(), st.fields.legacy_commune.clone());
        self.0
            .entry(key)
            .or_insert_with_key(|(place, legacy)| {
                Arc::new(match place {
                    Some(p) => places.both_schemes(p, legacy.as_deref()),
                    None => hoptac_domain::list::no_place(),
                })
            })
            .clone()
    }
}

/// Everything the indicators read, as of an audit link.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// The audit link these facts include.
    seq: i64,
    /// The place overlays' generation the places were derived with.
    generation: u64,
    pub(crate) orgs: HashMap<OrgId, Timeline>,
    pub(crate) approved: HashMap<(OrgId, i32), Rating>,
    /// Final reports: only the figures the formal-only rule reads.
    pub(crate) final_reports: HashMap<(OrgId, i32), Activity>,
    pool: Pool,
}

/// The facts a registry keeps, and how often it had to read everything (the logs and
/// tests tell catching up from building).
#[derive(Debug, Default)]
pub(crate) struct FactsSlot {
    facts: Option<Arc<Facts>>,
    pub(crate) builds: u64,
}

/// Records named by the audit trail since the facts were read.
#[derive(Default)]
struct Touched {
    orgs: Vec<OrgId>,
    evaluations: Vec<String>,
    reports: Vec<String>,
}

impl Touched {
    /// `None` when something the facts cannot follow record by record changed (place
    /// overlays, generated data, anything new): read everything again.
    fn from(named: Vec<(String, String)>) -> Option<Touched> {
        let mut t = Touched::default();
        for (entity, id) in named {
            match entity.as_str() {
                "organisation" => t.orgs.push(id.parse().ok()?),
                evaluations::KIND => t.evaluations.push(id),
                reports::KIND => t.reports.push(id),
                "user" | "api_token" | TARGET_KIND | followups::KIND => {}
                _ => return None,
            }
        }
        for v in [&mut t.evaluations, &mut t.reports] {
            v.sort_unstable();
            v.dedup();
        }
        t.orgs.sort_unstable();
        t.orgs.dedup();
        Some(t)
    }
}

const RATING: &[&[&str]] = &[&["outcome", "rating"]];
const ACTIVITY: &[&[&str]] = &[&["figures", "revenue"], &["figures", "supplied_to_members"]];

fn rating_of(org: i64, year: i64, values: &[Option<String>]) -> Option<((OrgId, i32), Rating)> {
    let rating = values.first()?.as_deref().and_then(Rating::parse)?;
    Some(((org, i32::try_from(year).ok()?), rating))
}

fn activity_of(org: i64, year: i64, values: &[Option<String>]) -> Option<((OrgId, i32), Activity)> {
    let number = |i: usize| values.get(i)?.as_deref()?.parse::<i64>().ok();
    let activity = Activity {
        revenue: number(0),
        supplied_to_members: number(1),
    };
    Some(((org, i32::try_from(year).ok()?), activity))
}

impl Registry {
    /// Reads the indicator facts, or brings them up to date: servers do it at start
    /// and every few seconds, so that dashboards find them ready.
    pub fn warm_indicators(&self) -> Result<()> {
        // While a computation reads the facts, catching up would copy them all: leave
        // it to the next round (or to the next report, which needs it).
        let busy = self
            .facts
            .lock()
            .map(|slot| {
                slot.facts
                    .as_ref()
                    .is_some_and(|f| Arc::strong_count(f) > 1)
            })
            .unwrap_or(false);
        if busy {
            return Ok(());
        }
        self.facts().map(|_| ())
    }

    /// The facts as of now: built on first use and after place overlays change,
    /// otherwise brought up to date with what the audit trail says changed.
    pub(crate) fn facts(&self) -> Result<Arc<Facts>> {
        // One builder at a time: others wait for its result rather than build too.
        let mut slot = self
            .facts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let generation = self
            .places_generation
            .load(std::sync::atomic::Ordering::SeqCst);
        if let Some(facts) = slot.facts.as_mut() {
            if facts.generation == generation && self.catch_up(facts)? {
                return Ok(facts.clone());
            }
        }
        let started = std::time::Instant::now();
        let built = Arc::new(self.build_facts(generation)?);
        slot.facts = Some(built.clone());
        slot.builds += 1;
        tracing::info!(
            organisations = built.orgs.len(),
            ms = started.elapsed().as_millis() as u64,
            "indicator facts read"
        );
        Ok(built)
    }

    /// Applies what changed since the facts were read; `false` when they must be
    /// built again instead.
    fn catch_up(&self, facts: &mut Arc<Facts>) -> Result<bool> {
        let head = self.db.read(audit::head_seq)?;
        if head == facts.seq {
            return Ok(true);
        }
        // An older head: the database was restored or replaced.
        if head < facts.seq {
            return Ok(false);
        }
        let Some((last, named)) = self
            .db
            .read(|c| audit::changed_since(c, facts.seq, MAX_LINKS))?
        else {
            return Ok(false);
        };
        let Some(touched) = Touched::from(named) else {
            return Ok(false);
        };
        // The records are read after the links, so they are at least as new; a
        // record changed meanwhile is read again with its own link next time.
        let histories = self.db.read(|c| orgs::histories_of(c, &touched.orgs))?;
        let ratings = self
            .db
            .read(|c| docs::fields_of_ids(c, evaluations::KIND, &touched.evaluations, RATING))?;
        let activity = self
            .db
            .read(|c| docs::fields_of_ids(c, reports::KIND, &touched.reports, ACTIVITY))?;
        let places = self.places();
        let f = Arc::make_mut(facts);
        for id in &touched.orgs {
            f.orgs.remove(id);
        }
        for h in &histories {
            if let Some(t) = Timeline::of(h, &places, &mut f.pool) {
                f.orgs.insert(h.id, t);
            }
        }
        for (state, (org, year, values)) in ratings {
            let key = (org, i32::try_from(year).unwrap_or(i32::MIN));
            f.approved.remove(&key);
            if state.as_deref() == Some(EvalState::Approved.code()) {
                f.approved.extend(rating_of(org, year, &values));
            }
        }
        for (state, (org, year, values)) in activity {
            let key = (org, i32::try_from(year).unwrap_or(i32::MIN));
            f.final_reports.remove(&key);
            if state.as_deref() == Some(ReportStage::Final.code()) {
                f.final_reports.extend(activity_of(org, year, &values));
            }
        }
        f.seq = last;
        Ok(true)
    }

    /// Every approved rating.
    fn approved_ratings(&self) -> Result<HashMap<(OrgId, i32), Rating>> {
        Ok(self
            .db
            .read(|c| {
                docs::fields_of_all(c, evaluations::KIND, EvalState::Approved.code(), RATING)
            })?
            .into_iter()
            .filter_map(|(org, year, values)| rating_of(org, year, &values))
            .collect())
    }

    /// The activity figures of every final report.
    fn final_activity(&self) -> Result<HashMap<(OrgId, i32), Activity>> {
        Ok(self
            .db
            .read(|c| docs::fields_of_all(c, reports::KIND, ReportStage::Final.code(), ACTIVITY))?
            .into_iter()
            .filter_map(|(org, year, values)| activity_of(org, year, &values))
            .collect())
    }

    /// Reads every organisation (pages of histories), approved rating and final report.
    fn build_facts(&self, generation: u64) -> Result<Facts> {
        // The head first: what is read after is at least as new.
        let seq = self.db.read(audit::head_seq)?;
        let places = self.places();
        let mut facts = Facts {
            seq,
            generation,
            ..Facts::default()
        };
        let last = self.db.read(orgs::max_id)?;
        // Sized once: growing a table of a million entries would hold the old one and
        // the new one at once, and leave the old one's memory behind.
        let count = self.db.read(orgs::count)?;
        facts.orgs.reserve(usize::try_from(count).unwrap_or(0));
        // Pages of histories are read and folded on every core, each worker with its
        // own places; ratings and report figures are read beside them.
        let pages: Vec<(i64, i64)> = (0..last)
            .step_by(usize::try_from(PAGE).unwrap_or(5_000))
            .map(|from| (from, from + PAGE))
            .collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(OrgId, Timeline)>>(1);
        let outcome = std::thread::scope(|scope| {
            let folding: Vec<_> = (0..workers)
                .map(|_| {
                    let (tx, next, pages, places) = (tx.clone(), &next, &pages, &places);
                    scope.spawn(move || -> Result<Pool> {
                        let mut pool = Pool::default();
                        while let Some(&(from, until)) =
                            pages.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                        {
                            let page = self.db.read(|c| orgs::histories_between(c, from, until))?;
                            let folded = page
                                .iter()
                                .filter_map(|h| Some((h.id, Timeline::of(h, places, &mut pool)?)))
                                .collect();
                            if tx.send(folded).is_err() {
                                break;
                            }
                        }
                        Ok(pool)
                    })
                })
                .collect();
            drop(tx);
            for folded in rx {
                facts.orgs.extend(folded);
            }
            let joined = |what: &str| {
                AppError::refused(
                    "facts",
                    format!("{what} dừng bất thường"),
                    format!("{what} stopped abnormally"),
                )
            };
            for worker in folding {
                let pool = worker.join().map_err(|_| joined("folding"))??;
                facts.pool.0.extend(pool.0);
            }
            Ok::<_, AppError>(())
        });
        outcome?;
        facts.approved = self.approved_ratings()?;
        facts.final_reports = self.final_activity()?;
        Ok(facts)
    }
}
