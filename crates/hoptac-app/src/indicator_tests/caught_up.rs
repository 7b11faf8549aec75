//! Facts caught up from the audit trail, re-checks and follow-ups on the fixture.

use super::*;
use crate::error::AppError;
use crate::evaluations::Action;
use crate::indicators::Breakdown;
use crate::registry::{Actor, Registry};
use crate::registry_tests::{d, htx, registry, tt01_scores};
use hoptac_domain::org::{OrgFields, Status, StatusChange};
use hoptac_domain::report::ReportStage;

fn facts_caught_up_from_the_audit_trail_equal_facts_read_afresh(url: &str) {
    use hoptac_domain::org::Sector;
    let reg = registry(url);
    build(&reg);
    let a = a_of("so-tai-chinh");
    let reports = |reg: &Registry| {
        let mut out = Vec::new();
        for year in [2024, 2025, 2026] {
            for by in [
                None,
                Some(Breakdown::Commune),
                Some(Breakdown::District),
                Some(Breakdown::Sector),
                Some(Breakdown::LegacyCommune),
            ] {
                let r = reg.compute_target_report(year, by, None).expect("report");
                out.push(serde_json::to_value(&r).expect("json"));
            }
        }
        let mine = hoptac_domain::auth::Scope::Communes {
            codes: vec!["06079".into()],
        };
        out.push(
            serde_json::to_value(
                reg.compute_target_report(2025, None, Some(&mine))
                    .expect("scoped"),
            )
            .expect("json"),
        );
        out
    };
    let before = reports(&reg);
    let builds = || reg.facts.lock().map(|s| s.builds).unwrap_or(0);
    assert_eq!(builds(), 1);
    // Changes of every kind the indicators read, some through another server.
    let other = registry(url);
    let find = |name: &str| {
        reg.list(
            &hoptac_domain::auth::Scope::All,
            &hoptac_domain::list::OrgFilter {
                q: Some(name.into()),
                ..Default::default()
            },
            hoptac_domain::list::PageRequest::default(),
        )
        .expect("find")
        .items[0]
            .clone()
    };
    let h2 = find("HTX H2");
    other
        .update(
            h2.id,
            h2.version,
            OrgFields {
                place: Some(legacy("06094")),
                ..Default::default()
            },
            Some(d(2025, 6, 1)),
            &a,
        )
        .expect("moved");
    let h4 = find("HTX H4");
    reg.update(
        h4.id,
        h4.version,
        OrgFields {
            sector: Some(Sector::CreditFund),
            ..Default::default()
        },
        Some(d(2025, 1, 1)),
        &a,
    )
    .expect("credit fund");
    let h6 = find("HTX H6");
    reg.set_status(
        h6.id,
        h6.version,
        StatusChange {
            status: Status::Suspended,
            until: Some(d(2025, 12, 30)),
            reason: Some("tạm ngừng".into()),
            document: None,
        },
        Some(d(2025, 3, 1)),
        &a,
    )
    .expect("suspended");
    other
        .file_report(
            h6.id,
            2025,
            ReportStage::Final,
            hoptac_domain::report::ReportFigures {
                revenue: Some(5),
                ..Default::default()
            },
            None,
            &a,
        )
        .expect("report");
    let h1 = find("HTX H1");
    let sheet = reg.evaluation(h1.id, 2025).expect("sheet");
    other
        .transition(
            h1.id,
            2025,
            Action::Reopen {
                reason: "Sai điểm".into(),
            },
            sheet.version,
            &a,
        )
        .expect("reopened");
    let h5 = find("HTX H5");
    reg.import_approved(h5.id, 2024, tt01_scores(300), None, &a)
        .expect("2024 weak");
    other
        .create(htx("HTX H9", legacy("06205"), d(2024, 5, 1)), &a)
        .expect("h9");
    let after = reports(&reg);
    assert_eq!(
        builds(),
        1,
        "caught up from the audit trail, not read again"
    );
    assert_ne!(before, after, "the changes move the figures");
    assert_eq!(
        after,
        reports(&registry(url)),
        "the same as facts read afresh"
    );
    // A place overlay re-derives places: everything is read again.
    let corr = hoptac_domain::place::MappingCorrection {
        legacy_code: "06079".into(),
        rows: vec![hoptac_domain::place::MappingRow {
            legacy_code: "06079".into(),
            code_2025: "06184".into(),
            is_default: true,
            split: false,
        }],
        source: "Công văn kiểm tra địa giới (thử nghiệm)".into(),
    };
    reg.add_correction(corr, &a).expect("overlay");
    let corrected = reports(&reg);
    assert_eq!(builds(), 2);
    assert_eq!(corrected, reports(&registry(url)));
}

fn a_recheck_finds_sheets_the_facts_no_longer_support(url: &str) {
    let reg = registry(url);
    build(&reg);
    // H1 becomes a people's credit fund in 2026: its 2025 sheet was scored under
    // the rules for what it was in 2025, and stays valid.
    let h1 = reg
        .list(
            &hoptac_domain::auth::Scope::All,
            &hoptac_domain::list::OrgFilter {
                q: Some("H1".into()),
                ..Default::default()
            },
            hoptac_domain::list::PageRequest::default(),
        )
        .expect("h1")
        .items[0]
        .clone();
    reg.update(
        h1.id,
        h1.version,
        OrgFields {
            sector: Some(hoptac_domain::org::Sector::CreditFund),
            ..Default::default()
        },
        Some(d(2026, 3, 1)),
        &a_of("so-tai-chinh"),
    )
    .expect("sector");
    assert_eq!(
        reg.sheet(h1.id, 2025).expect("its 2025 sheet").rule_set.id,
        "tt01-2020"
    );
    let clean = reg.recheck_evaluations(2025).expect("recheck");
    // Five approved sheets and H5's submitted one.
    assert_eq!(
        (clean.checked, clean.differences.len()),
        (6, 0),
        "{clean:?}"
    );
    // H2's founding date corrected to 2025: it can no longer be rated for 2025.
    let h2 = reg
        .list(
            &hoptac_domain::auth::Scope::All,
            &hoptac_domain::list::OrgFilter {
                q: Some("H2".into()),
                ..Default::default()
            },
            hoptac_domain::list::PageRequest::default(),
        )
        .expect("h2")
        .items[0]
        .clone();
    reg.update(
        h2.id,
        h2.version,
        OrgFields {
            founding_date: Some(d(2025, 3, 1)),
            ..Default::default()
        },
        Some(d(2020, 2, 1)),
        &a_of("so-tai-chinh"),
    )
    .expect("correct");
    let found = reg.recheck_evaluations(2025).expect("recheck");
    assert_eq!(found.differences.len(), 1);
    let diff = &found.differences[0];
    assert_eq!(diff.org_id, h2.id);
    assert_eq!(diff.stored.rating, hoptac_domain::evaluation::Rating::Fair);
    assert_eq!(
        diff.recomputed.as_ref().map(|o| o.rating),
        Some(hoptac_domain::evaluation::Rating::NotRated)
    );
}

fn weak_and_formal_only_htx_get_follow_ups(url: &str) {
    use crate::followups::{Cause, FollowUpInput, Plan};
    let reg = registry(url);
    build(&reg);
    let a = Actor::new("so-tai-chinh", None);
    let needed = reg.needing_follow_up(2025).expect("list");
    let names: Vec<(String, Vec<Cause>)> = needed
        .iter()
        .map(|n| (n.org.name().to_owned(), n.causes.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("HTX H4".to_owned(), vec![Cause::Weak]),
            ("HTX H6".to_owned(), vec![Cause::FormalOnly])
        ]
    );
    assert!(needed.iter().all(|n| n.follow_up.is_none()));
    let h4 = needed[0].org.id;
    let input = |desc: &str| FollowUpInput {
        plan: Plan::Support,
        description: desc.into(),
        owner: "Liên minh HTX tỉnh".into(),
        deadline: d(2027, 6, 30),
        outcome: None,
        closed: false,
    };
    assert!(matches!(
        reg.save_follow_up(h4, 2025, input(" "), None, &a),
        Err(AppError::Invalid(_))
    ));
    let f = reg
        .save_follow_up(
            h4,
            2025,
            input("Tập huấn kế toán, hỗ trợ xây dựng phương án kinh doanh"),
            None,
            &a,
        )
        .expect("save");
    assert_eq!(f.version, 1);
    let f = reg
        .save_follow_up(
            h4,
            2025,
            FollowUpInput {
                outcome: Some("Đã tập huấn".into()),
                closed: true,
                ..input("Tập huấn kế toán")
            },
            Some(1),
            &a,
        )
        .expect("update");
    assert!(f.follow_up.closed);
    let needed = reg.needing_follow_up(2025).expect("list");
    assert_eq!(
        needed.iter().filter(|n| n.follow_up.is_none()).count(),
        1,
        "only H6 still has none"
    );
    let h1 = reg
        .list(
            &hoptac_domain::auth::Scope::All,
            &hoptac_domain::list::OrgFilter {
                q: Some("H1".into()),
                ..Default::default()
            },
            hoptac_domain::list::PageRequest::default(),
        )
        .expect("h1")
        .items[0]
        .id;
    assert!(matches!(
        reg.save_follow_up(h1, 2025, input("x"), None, &a),
        Err(AppError::Refused {
            code: "no_follow_up_needed",
            ..
        })
    ));
}

hoptac_testkit::both_backends!(
    facts_caught_up_from_the_audit_trail_equal_facts_read_afresh,
    a_recheck_finds_sheets_the_facts_no_longer_support,
    weak_and_formal_only_htx_get_follow_ups
);
