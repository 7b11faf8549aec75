//! Annual reports (*báo cáo năm*) and approved evaluations (*phiếu đánh giá*) for
//! the demo's HTX and LHHTX, with a quality that drifts year by year.

use super::organisations::ymd;
use super::spec::DemoSpec;
use chrono::{NaiveDate, TimeZone, Utc};
use hoptac_app::error::Result;
use hoptac_app::registry::Registry;
use hoptac_domain::history::{Change, OrgState};
use hoptac_domain::org::{OrgId, OrgKind, Status};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Annual reports 2019–2025 and approved evaluations 2020–2025 for the demo's HTX and
/// LHHTX: each has a quality that drifts up a little each year, so the share rated good
/// or fair improves slowly; a few file nothing or report no activity (formal-only).
pub(super) fn reports_and_evaluations(
    reg: &Registry,
    spec: &DemoSpec,
    orgs_out: &[(OrgId, OrgKind, Vec<Change>)],
    today: NaiveDate,
) -> Result<(usize, usize)> {
    use hoptac_app::evaluations::{stopped_timeline, EvalState, Evaluation};
    use hoptac_app::reports::AnnualReport;
    use hoptac_domain::evaluation::{classify, days_stopped, propose, Facts};
    use hoptac_domain::report::{ReportFigures, ReportStage};
    use hoptac_domain::ruleset::RuleSet;
    use hoptac_store::docs::{self, Stamp};
    use std::collections::BTreeMap;

    let rule_sets = reg.rule_sets()?;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x0538_2019);
    let at =
        |d: NaiveDate, h: u32| Utc.from_utc_datetime(&d.and_hms_opt(h, 0, 0).unwrap_or_default());
    let mut reports: Vec<(String, AnnualReport)> = Vec::new();
    let mut evals: Vec<(String, Evaluation)> = Vec::new();
    for (id, kind, changes) in orgs_out.iter().filter(|o| o.1 != OrgKind::CooperativeGroup) {
        let quality: f64 = rng.random_range(0.35..0.85);
        let habit: f64 = rng.random(); // how reliably it reports
        let mut last: Option<ReportFigures> = None;
        let mut capital: i64 = rng.random_range(500..20_000) * 1_000_000;
        let mut assets: i64 = capital / 3;
        for year in 2019..=2025 {
            let end = ymd(year, 12, 31);
            if end > today {
                break;
            }
            let Some(st) = OrgState::fold(*id, *kind, changes, Some(end)) else {
                continue;
            };
            let Some(founded) = st.fields.founding_date else {
                continue;
            };
            if !matches!(
                st.status_on(end),
                Status::Active | Status::Suspended | Status::Inactive
            ) {
                continue;
            }
            let timeline = stopped_timeline(changes);
            let stopped = days_stopped(&timeline, ymd(year, 1, 1), end);
            // A few never report: the formal-only ones.
            let files = habit > 0.015 && rng.random_bool(0.99);
            let report = if files {
                let idle = habit < 0.03;
                capital =
                    (capital as f64 * rng.random_range(0.95..1.15)) as i64 / 1_000_000 * 1_000_000;
                assets =
                    (assets as f64 * rng.random_range(0.97..1.12)) as i64 / 1_000_000 * 1_000_000;
                let revenue = if idle {
                    0
                } else {
                    (capital as f64 * rng.random_range(0.3..1.5)) as i64 / 1_000_000 * 1_000_000
                };
                let members = st.fields.members.unwrap_or(7);
                // Drawn in the same order as before, so the rest of the demo is unchanged.
                let workers = rng.random_range(2..30);
                let profit = if idle {
                    0
                } else {
                    revenue / rng.random_range(8..30)
                };
                // Corporate income tax at 20%; the funds, the plan (TT 09/2017 criterion
                // 1) vary with the capital, without drawing.
                let after_tax = profit - profit.max(0) / 5;
                let pick = usize::try_from(capital / 1_000_000 % 3).unwrap_or(0);
                let f = ReportFigures {
                    members_start: Some(members),
                    members_end: Some(members),
                    official_members: Some(members),
                    regular_workers: Some(workers),
                    charter_capital: st.fields.charter_capital,
                    total_capital_end: Some(capital),
                    indivisible_assets_end: Some(assets),
                    revenue: Some(revenue),
                    revenue_from_members: Some(revenue / 2),
                    planned_revenue: Some(capital / 10 * 9 / 1_000_000 * 1_000_000),
                    pre_tax_profit: Some(profit),
                    after_tax_profit: Some(after_tax),
                    fund_development: Some(after_tax.max(0) * [15, 20, 30][pick] / 100),
                    fund_reserve: Some(after_tax.max(0) * [3, 5, 10][pick] / 100),
                    supplied_to_members: Some(if idle { 0 } else { revenue / 3 }),
                    months_operated: Some(12 - (stopped / 30).min(12)),
                    months_suspended: Some((stopped / 30).min(12)),
                    sanctioned: Some(rng.random_bool(0.02)),
                    ..Default::default()
                };
                reports.push((
                    hoptac_app::reports::key(*id, year),
                    AnnualReport {
                        org_id: *id,
                        year,
                        stage: ReportStage::Final,
                        figures: f.clone(),
                        filed_at: at(ymd(year + 1, 1, 10), 2),
                        final_at: Some(at(ymd(year + 1, 1, 10), 2)),
                    },
                ));
                Some(f)
            } else {
                None
            };
            // Some sheets are never approved (the coverage the dashboards show).
            if year >= 2020 && founded <= end && rng.random_bool(0.95) {
                let pick: Option<&RuleSet> = rule_sets
                    .iter()
                    .filter(|r| r.applies_to(*kind, st.fields.sector, year))
                    .max_by_key(|r| r.in_force_from);
                if let Some(rs) = pick {
                    let q = (quality + 0.018 * f64::from(year - 2020)).min(0.97);
                    let scores: BTreeMap<String, i32> = rs
                        .subs()
                        .map(|(_, s)| {
                            let x = (q + rng.random_range(-0.2..0.2)).clamp(0.0, 1.0);
                            (s.code.clone(), (f64::from(s.max) * x).round() as i32)
                        })
                        .collect();
                    let facts = Facts {
                        year,
                        founded,
                        months_suspended: report.as_ref().and_then(|r| r.months_suspended),
                        days_stopped: stopped,
                        sanctioned: report.as_ref().and_then(|r| r.sanctioned).unwrap_or(false),
                    };
                    if let Ok(outcome) = classify(rs, &facts, &scores) {
                        let approved = at(ymd(year, 12, 20), 3);
                        evals.push((
                            hoptac_app::reports::key(*id, year),
                            Evaluation {
                                org_id: *id,
                                year,
                                rule_set: rs.id.clone(),
                                state: EvalState::Approved,
                                proposals: propose(rs, report.as_ref(), last.as_ref()),
                                scores,
                                reasons: BTreeMap::new(),
                                report_version: report.as_ref().map(|_| 1),
                                outcome: Some(outcome),
                                prepared_by: "demo: hợp tác xã".into(),
                                editors: std::iter::once("demo: hợp tác xã".to_owned()).collect(),
                                submitted_at: Some(at(ymd(year, 12, 12), 2)),
                                reviewed_by: Some("demo: UBND xã".into()),
                                approved_by: Some("demo: Sở Tài chính".into()),
                                approved_at: Some(approved),
                                imported: true,
                                last_return: None,
                            },
                        ));
                    }
                }
            }
            last = report;
        }
    }
    reg.db.write(|c| {
        for (key, r) in &reports {
            insert_report(c, key, r)?;
        }
        for (key, e) in &evals {
            let stamp = Stamp {
                author: "demo",
                source: Some("demo"),
                note: None,
                now: e.approved_at.unwrap_or_else(Utc::now),
            };
            docs::insert(
                c,
                hoptac_app::evaluations::KIND,
                key,
                Some(e.org_id),
                Some(i64::from(e.year)),
                Some(e.state.code()),
                e,
                &stamp,
            )?;
        }
        hoptac_store::audit::summarize(c, "demo", Some("hoptac demo"), hoptac_store::audit::Entry {
            entity: "demo".into(),
            id: format!("seed {}", spec.seed),
            action: "generate reports and evaluations".into(),
            before: None,
            after: Some(serde_json::json!({ "annual_reports": reports.len(), "evaluations": evals.len() })),
        });
        Ok::<_, hoptac_app::error::AppError>(())
    })?;
    Ok((reports.len(), evals.len()))
}

/// Stores one generated annual report, filed by "demo" at its filing time.
pub(super) fn insert_report(
    c: &mut dyn hoptac_store::Conn,
    key: &str,
    r: &hoptac_app::reports::AnnualReport,
) -> std::result::Result<(), hoptac_store::StoreError> {
    let stamp = hoptac_store::docs::Stamp {
        author: "demo",
        source: Some("demo"),
        note: None,
        now: r.filed_at,
    };
    hoptac_store::docs::insert(
        c,
        hoptac_app::reports::KIND,
        key,
        Some(r.org_id),
        Some(i64::from(r.year)),
        Some(r.stage.code()),
        r,
        &stamp,
    )
}
