//! The stress dataset (`demo --scale 1m`): a million organisations over the whole
//! country with one year of final reports, generated and written a chunk at a time.

use super::organisations::{date_between, founding, ymd, Gen};
use super::reports::insert_report;
use super::spec::{demo_today, DemoSummary};
use chrono::{TimeZone, Utc};
use hoptac_app::error::Result;
use hoptac_app::registry::Registry;
use hoptac_domain::history::{Change, OrgState};
use hoptac_domain::org::{OrgId, OrgKind, Status};
use hoptac_domain::place::{Commune, Scheme};
use hoptac_store::orgs;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Organisations generated and written per transaction by [`generate_stress`].
const STRESS_CHUNK: usize = 20_000;

/// The stress dataset (`demo --scale 1m`): `total` organisations over every
/// province's communes, HTX, THT and LHHTX in the national proportions, each with its
/// history, and one year (2025) of final reports for the HTX and LHHTX active then.
/// Generated and written a chunk at a time, so memory stays bounded by a chunk (plus
/// the names and tax codes already used); deterministic for a seed. `progress` hears
/// (done, total) after each chunk.
pub fn generate_stress(
    reg: &Registry,
    seed: u64,
    total: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<DemoSummary> {
    generate_in_chunks(reg, seed, total, STRESS_CHUNK, progress)
}

fn generate_in_chunks(
    reg: &Registry,
    seed: u64,
    total: usize,
    chunk_size: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<DemoSummary> {
    use hoptac_app::reports::AnnualReport;
    use hoptac_domain::report::{ReportFigures, ReportStage};

    let places = reg.places();
    let today = demo_today(reg.today());
    let communes: Vec<&Commune> = places.units.communes(Scheme::Legacy, None);
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        places: &places,
        today,
        go_live: ymd(2026, 1, 15).min(today),
        names: HashSet::new(),
        tax: HashSet::new(),
        orgs: Vec::new(),
        links: Vec::new(),
        next_link: 1,
    };
    let mut summary = DemoSummary::default();
    let mut id: OrgId = reg.db.read(|c| orgs::count(c))? + 1;
    let year_end = ymd(2025, 12, 31);
    let filed = Utc.from_utc_datetime(&ymd(2026, 1, 10).and_hms_opt(2, 0, 0).unwrap_or_default());
    let mut done = 0;
    while done < total {
        let n = chunk_size.min(total - done);
        let mut chunk: Vec<(OrgId, OrgKind, Vec<Change>)> = Vec::with_capacity(n);
        for _ in 0..n {
            let Some(commune) = communes.choose(&mut g.rng).copied() else {
                break;
            };
            // Vietnam's mix: about 35,000 HTX, 80,000 THT and 200 LHHTX.
            let x: f64 = g.rng.random();
            let kind = if x < 0.0017 {
                OrgKind::Union
            } else if x < 0.305 {
                OrgKind::Cooperative
            } else {
                OrgKind::CooperativeGroup
            };
            let founded = match kind {
                OrgKind::Union => date_between(&mut g.rng, ymd(2008, 1, 1), today),
                _ => founding(&mut g.rng, today),
            };
            let dn = commune
                .district_code
                .as_deref()
                .and_then(|d| places.units.district(d))
                .map_or(String::new(), |d| d.name.clone());
            let changes = g.organisation(id, kind, commune, founded, &dn);
            chunk.push((id, kind, changes));
            id += 1;
        }
        let mut rows = Vec::with_capacity(chunk.len());
        let mut reports: Vec<(String, AnnualReport)> = Vec::new();
        for (oid, kind, changes) in &chunk {
            let Some(st) = OrgState::fold(*oid, *kind, changes, None) else {
                continue;
            };
            let in_2025 = OrgState::fold(*oid, *kind, changes, Some(year_end))
                .filter(|s| s.status_on(year_end) == Status::Active);
            if let (Some(s), true) = (in_2025, *kind != OrgKind::CooperativeGroup) {
                let members = s.fields.members.unwrap_or(7);
                let capital: i64 = g.rng.random_range(500..20_000) * 1_000_000;
                let revenue = (capital as f64 * g.rng.random_range(0.3..1.5)) as i64;
                let profit = revenue / g.rng.random_range(8..30);
                reports.push((
                    hoptac_app::reports::key(*oid, 2025),
                    AnnualReport {
                        org_id: *oid,
                        year: 2025,
                        stage: ReportStage::Final,
                        figures: ReportFigures {
                            members_start: Some(members),
                            members_end: Some(members),
                            official_members: Some(members),
                            total_capital_end: Some(capital),
                            indivisible_assets_end: Some(capital / 3),
                            revenue: Some(revenue),
                            revenue_from_members: Some(revenue / 2),
                            planned_revenue: Some(capital / 10 * 9),
                            pre_tax_profit: Some(profit),
                            after_tax_profit: Some(profit - profit / 5),
                            months_operated: Some(12),
                            ..Default::default()
                        },
                        filed_at: filed,
                        final_at: Some(filed),
                    },
                ));
            }
            let view =
                hoptac_domain::list::OrgView::from_state(st.clone(), 1, reg.today(), &places);
            summary.changes += changes.len();
            match kind {
                OrgKind::Cooperative => summary.cooperatives += 1,
                OrgKind::Union => summary.unions += 1,
                OrgKind::CooperativeGroup => summary.groups += 1,
            }
            rows.push((view, st));
        }
        let all_changes: Vec<Change> = chunk.into_iter().flat_map(|(_, _, ch)| ch).collect();
        let now = Utc::now();
        reg.db.write(|c| {
            orgs::insert_many(c, &rows, now)?;
            orgs::append_changes(c, &all_changes)?;
            for (key, r) in &reports {
                insert_report(c, key, r)?;
            }
            hoptac_store::audit::summarize(
                c,
                "demo",
                Some("hoptac demo --scale 1m"),
                hoptac_store::audit::Entry {
                    entity: "demo".into(),
                    id: format!("seed {seed}"),
                    action: "generate".into(),
                    before: None,
                    after: Some(serde_json::json!({
                        "organisations": rows.len(),
                        "annual_reports": reports.len()
                    })),
                },
            );
            c.execute(
                "UPDATE id_counters SET next_id = ? WHERE name = 'organisation'",
                &[id.into()],
            )?;
            Ok::<_, hoptac_app::error::AppError>(())
        })?;
        summary.reports += reports.len();
        done += n;
        progress(done, total);
    }
    Ok(summary)
}

#[cfg(test)]
mod stress_tests {
    use super::*;
    use hoptac_domain::place::PlaceRef;

    #[test]
    fn a_search_of_a_common_word_counts_up_to_the_cap() {
        use hoptac_domain::list::{OrgFilter, PageRequest};
        let db = hoptac_testkit::sqlite();
        let store = hoptac_app::testing::open_db(&db.url);
        // A national registry: the stress data covers every province.
        let reg = Registry::open(store, None)
            .expect("registry")
            .with_today(ymd(2026, 11, 27));
        generate_in_chunks(&reg, 11, 10_600, 5_000, &|_, _| {}).expect("generate");
        let search = |q: &str| {
            let f = OrgFilter {
                q: Some(q.into()),
                ..Default::default()
            };
            reg.list(&hoptac_domain::auth::Scope::All, &f, PageRequest::default())
                .expect("search")
        };
        // Almost every name has "hợp tác" (HTX, THT): more than the cap.
        let common = search("hop tac");
        assert!(common.more, "counted up to the cap");
        assert_eq!(common.total as i64, orgs::SEARCH_COUNT_CAP);
        assert_eq!(common.items.len(), 50, "the first page is still full");
        // A rare word is counted exactly.
        let name = reg.get(4_321, None).expect("4321").name().to_owned();
        let rare = search(&name);
        assert!(
            !rare.more && rare.total >= 1 && rare.total < 50,
            "{}",
            rare.total
        );
        // Without a search the count is exact.
        let all = reg
            .list(
                &hoptac_domain::auth::Scope::All,
                &OrgFilter::default(),
                PageRequest::default(),
            )
            .expect("all");
        assert_eq!((all.total, all.more), (10_600, false));
    }

    #[test]
    fn the_stress_dataset_is_written_a_chunk_at_a_time_and_is_deterministic() {
        let make = || {
            let db = hoptac_testkit::sqlite();
            let url = db.url.clone();
            let reg = hoptac_app::testing::registry(&url);
            let seen = std::cell::RefCell::new(Vec::new());
            let s = generate_in_chunks(&reg, 7, 2_500, 1_000, &|d, t| {
                seen.borrow_mut().push((d, t))
            })
            .expect("generate");
            (db, reg, s, seen.into_inner())
        };
        let (_a, reg, s, seen) = make();
        assert_eq!(seen, vec![(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
        assert_eq!(s.cooperatives + s.groups + s.unions, 2_500);
        assert!(s.cooperatives > 600 && s.groups > 1_500, "{s:?}");
        assert!(
            s.reports > 300 && s.reports <= s.cooperatives + s.unions,
            "{s:?}"
        );
        assert_eq!(reg.db.read(orgs::count).expect("count"), 2_500);
        // Provinces all over the country.
        let provinces: HashSet<String> = (1..=2_500)
            .filter_map(|id| reg.get(id, None).ok())
            .filter_map(|v| v.places.province_2025)
            .collect();
        assert!(provinces.len() > 20, "{} provinces", provinces.len());
        // The next record gets the next id.
        let next = reg
            .create(
                hoptac_app::testing::htx(
                    "Hợp tác xã Sau Dữ Liệu Mẫu",
                    PlaceRef::new(Scheme::Legacy, "06205"),
                    ymd(2020, 1, 1),
                ),
                &hoptac_app::registry::Actor::new("test", None),
            )
            .expect("create");
        assert_eq!(next.id, 2_501);
        // Same seed, same data.
        let (_b, other, t, _) = make();
        assert_eq!(
            (t.cooperatives, t.groups, t.reports),
            (s.cooperatives, s.groups, s.reports)
        );
        assert_eq!(
            other.get(1_234, None).expect("1234").name(),
            reg.get(1_234, None).expect("1234").name()
        );
    }
}
