//! The demo province (*tỉnh mẫu*) or national dataset: organisations over the real
//! communes, union memberships and THT → HTX conversions, written in one
//! transaction, then their reports and evaluations.

use super::organisations::{date_between, founding, ymd, Gen};
use super::reports::reports_and_evaluations;
use super::spec::{demo_today, DemoSpec, DemoSummary};
use chrono::{Duration, NaiveDate, Utc};
use hoptac_app::error::Result;
use hoptac_app::registry::Registry;
use hoptac_domain::history::{ChangeBody, OrgState};
use hoptac_domain::org::{LinkKind, OrgId, OrgKind, Status, StatusChange};
use hoptac_domain::place::{Commune, PlaceRef, Scheme};
use hoptac_store::orgs;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Generates the demo province into an empty registry, in one transaction.
pub fn generate(reg: &Registry, spec: &DemoSpec) -> Result<DemoSummary> {
    let places = reg.places();
    let today = demo_today(reg.today());
    let province = places.province.clone();
    let communes: Vec<&Commune> = places
        .units
        .communes(Scheme::Legacy, None)
        .into_iter()
        .filter(|c| {
            province.as_ref().is_none_or(|p| {
                places
                    .check(&PlaceRef::new(Scheme::Legacy, c.code.clone()))
                    .is_ok()
                    && !p.is_empty()
            })
        })
        .collect();
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(spec.seed),
        places: &places,
        today,
        go_live: ymd(2026, 1, 15).min(today),
        names: HashSet::new(),
        tax: HashSet::new(),
        orgs: Vec::new(),
        links: Vec::new(),
        next_link: 1,
    };
    let n = |base: f64| ((base * spec.scale).round() as usize).max(1);
    let (n_htx, n_tht, n_union) = spec.counts.unwrap_or((n(500.0), n(300.0), n(6.0)));
    let district_name = |c: &Commune| {
        c.district_code
            .as_deref()
            .and_then(|d| places.units.district(d))
            .map_or(String::new(), |d| d.name.clone())
    };
    let mut id: OrgId = reg.db.read(|c| orgs::count(c))? + 1;
    let mut htx_ids: Vec<(OrgId, NaiveDate)> = Vec::new();
    for kind_i in 0..3 {
        let (kind, count) = [
            (OrgKind::Cooperative, n_htx),
            (OrgKind::CooperativeGroup, n_tht),
            (OrgKind::Union, n_union),
        ][kind_i];
        for _ in 0..count {
            let Some(commune) = communes.choose(&mut g.rng).copied() else {
                break;
            };
            let founded = match kind {
                OrgKind::Union => date_between(&mut g.rng, ymd(2008, 1, 1), today),
                _ => founding(&mut g.rng, today),
            };
            let dn = district_name(commune);
            let mut changes = g.organisation(id, kind, commune, founded, &dn);
            if kind == OrgKind::Cooperative {
                htx_ids.push((id, founded));
            }
            if kind == OrgKind::Union {
                // Members join from the union's founding (or their own, if later).
                let k = g.rng.random_range(4..9).min(htx_ids.len());
                let members: Vec<(OrgId, NaiveDate)> =
                    htx_ids.choose_multiple(&mut g.rng, k).copied().collect();
                for (htx, htx_founded) in members {
                    let d = founded.max(htx_founded);
                    let link = g.new_link(
                        LinkKind::MemberOf,
                        htx,
                        id,
                        "Nghị quyết đại hội thành lập LHHTX",
                    );
                    if let Some(idx) = g.orgs.iter().position(|o| o.0 == htx) {
                        let mut ch = std::mem::take(&mut g.orgs[idx].2);
                        g.append(&mut ch, htx, d, ChangeBody::Link { link });
                        g.orgs[idx].2 = ch;
                    }
                }
            }
            if kind == OrgKind::CooperativeGroup
                && founded < ymd(2024, 1, 1)
                && g.rng.random_bool(0.15)
            {
                // This group becomes a cooperative (*chuyển đổi THT thành HTX*).
                let converted_on = date_between(&mut g.rng, founded + Duration::days(365), today);
                let htx_id = id + 1;
                let st = StatusChange {
                    status: Status::Converted,
                    until: None,
                    reason: Some(format!("Chuyển đổi thành HTX (mã hồ sơ {htx_id})")),
                    document: Some("Giấy chứng nhận đăng ký HTX".into()),
                };
                changes.retain(|c| {
                    !(c.effective > converted_on && matches!(c.body, ChangeBody::Status { .. }))
                });
                g.append(
                    &mut changes,
                    id,
                    converted_on,
                    ChangeBody::Status { status: st },
                );
                g.orgs.push((id, kind, changes));
                id += 1;
                let mut htx = g.organisation(id, OrgKind::Cooperative, commune, converted_on, &dn);
                let link = g.new_link(
                    LinkKind::ConvertedFrom,
                    id,
                    id - 1,
                    "Giấy chứng nhận đăng ký HTX",
                );
                g.append(&mut htx, id, converted_on, ChangeBody::Link { link });
                htx_ids.push((id, converted_on));
                g.orgs.push((id, OrgKind::Cooperative, htx));
                id += 1;
                continue;
            }
            g.orgs.push((id, kind, changes));
            id += 1;
        }
    }
    let mut summary = DemoSummary::default();
    let now = Utc::now();
    let last_id = id;
    let (orgs_out, links) = (std::mem::take(&mut g.orgs), std::mem::take(&mut g.links));
    let next_link = g.next_link;
    reg.db.write(|c| {
        for (id, kind, changes) in &orgs_out {
            let Some(st) = OrgState::fold(*id, *kind, changes, None) else {
                continue;
            };
            let view =
                hoptac_domain::list::OrgView::from_state(st.clone(), 1, reg.today(), &places);
            orgs::insert(c, &view, &st, now)?;
            orgs::append_changes(c, changes)?;
        }
        for (link_id, kind, subject, object) in &links {
            orgs::insert_link(c, *link_id, *kind, *subject, *object, now)?;
        }
        hoptac_store::audit::summarize(
            c,
            "demo",
            Some("hoptac demo"),
            hoptac_store::audit::Entry {
                entity: "demo".into(),
                id: format!("seed {}", spec.seed),
                action: "generate".into(),
                before: None,
                after: Some(
                    serde_json::json!({ "organisations": orgs_out.len(), "links": links.len() }),
                ),
            },
        );
        c.execute(
            "UPDATE id_counters SET next_id = ? WHERE name = 'organisation'",
            &[last_id.into()],
        )?;
        c.execute(
            "UPDATE id_counters SET next_id = ? WHERE name = 'link'",
            &[next_link.into()],
        )?;
        Ok::<_, hoptac_app::error::AppError>(())
    })?;
    let (reports, evaluations) = reports_and_evaluations(reg, spec, &orgs_out, today)?;
    summary.reports = reports;
    summary.evaluations = evaluations;
    for (_, kind, changes) in &orgs_out {
        summary.changes += changes.len();
        match kind {
            OrgKind::Cooperative => summary.cooperatives += 1,
            OrgKind::Union => summary.unions += 1,
            OrgKind::CooperativeGroup => summary.groups += 1,
        }
    }
    Ok(summary)
}
