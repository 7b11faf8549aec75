//! Letter 538's indicators on a small province whose expected tables were worked out
//! by hand, in both place schemes, on both databases. The fixture:
//!
//! | HTX | founded | place | status | approved 2025 | final report 2025 |
//! |---|---|---|---|---|---|
//! | H1 | 2015-03-01 | legacy 06079 (Hồng Phong, Bình Gia: a split commune); from 2025-09-01 the 2025 commune 06184 (Đồng Đăng), legacy commune 06079 kept | active | 85.0 good | revenue |
//! | H2 | 2020-02-01 | legacy 06205 (Hồng Phong, Cao Lộc) | active | 70.0 fair | revenue |
//! | H3 | 2025-08-01 | 2025 commune 06184, legacy commune unknown | active | not rated (founded in 2025) | revenue |
//! | H4 | 2024-12-31 | legacy 06094 (Minh Khai, Bình Gia) | active | 40.0 weak | revenue |
//! | H5 | 2010-01-01 | legacy 06205 | active | none (a draft) | revenue |
//! | H6 | 2012-06-01 | legacy 06094 | active | 55.0 average | none: formal-only |
//! | H7 | 2019-06-10 | legacy 06094 | dissolved 2024-05-01 | none | none |
//!
//! plus a THT founded 2021-01-01 in legacy 06184 and an LHHTX founded 2019-06-11 (the
//! first day of the period) in legacy 06205. 2025 commune 06184 is made of Cao Lộc
//! communes (06184, 06190, 06205, 06208, 06214) and part of Bình Gia's 06079; 2025
//! commune 06079 of Bình Gia's 06079 (its default) and 06094.

use crate::evaluations::Action;
use crate::indicators::Breakdown;
use crate::registry::{Actor, NewOrg, Registry};
use crate::registry_tests::{d, htx, registry, tt01_scores};
use hoptac_domain::indicators::{Indicator, TargetStatus};
use hoptac_domain::org::{OrgFields, OrgKind, Status, StatusChange};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::report::{ReportFigures, ReportStage};
use std::collections::BTreeMap;

mod caught_up;

fn a_of(name: &str) -> Actor {
    Actor::new(name, None)
}

fn legacy(c: &str) -> PlaceRef {
    PlaceRef::new(Scheme::Legacy, c)
}

fn build(reg: &Registry) {
    let a = Actor::new("so-tai-chinh", None);
    let mk = |name: &str, place: PlaceRef, founded| {
        reg.create(htx(name, place, founded), &a).expect(name)
    };
    let h1 = mk("HTX H1", legacy("06079"), d(2015, 3, 1));
    reg.update(
        h1.id,
        1,
        OrgFields {
            place: Some(PlaceRef::new(Scheme::Y2025, "06184")),
            legacy_commune: Some("06079".into()),
            ..Default::default()
        },
        Some(d(2025, 9, 1)),
        &a,
    )
    .expect("move");
    let h2 = mk("HTX H2", legacy("06205"), d(2020, 2, 1));
    let h3 = mk(
        "HTX H3",
        PlaceRef::new(Scheme::Y2025, "06184"),
        d(2025, 8, 1),
    );
    let h4 = mk("HTX H4", legacy("06094"), d(2024, 12, 31));
    let h5 = mk("HTX H5", legacy("06205"), d(2010, 1, 1));
    let h6 = mk("HTX H6", legacy("06094"), d(2012, 6, 1));
    let h7 = mk("HTX H7", legacy("06094"), d(2019, 6, 10));
    reg.set_status(
        h7.id,
        1,
        StatusChange {
            status: Status::Dissolved,
            until: None,
            reason: None,
            document: Some("QĐ giải thể".into()),
        },
        Some(d(2024, 5, 1)),
        &a,
    )
    .expect("dissolve");
    reg.create(
        NewOrg {
            kind: Some(OrgKind::CooperativeGroup),
            ..htx("THT T1", legacy("06184"), d(2021, 1, 1))
        },
        &a,
    )
    .expect("tht");
    let mut union = htx("LHHTX U1", legacy("06205"), d(2019, 6, 11));
    union.kind = Some(OrgKind::Union);
    union.fields.members = Some(4);
    reg.create(union, &a).expect("union");
    let revenue = ReportFigures {
        revenue: Some(100_000_000),
        ..Default::default()
    };
    for o in [&h1, &h2, &h3, &h4, &h5] {
        reg.file_report(o.id, 2025, ReportStage::Final, revenue.clone(), None, &a)
            .expect("report");
    }
    for (o, total) in [(&h1, 850), (&h2, 700), (&h3, 600), (&h4, 400), (&h6, 550)] {
        reg.import_approved(o.id, 2025, tt01_scores(total), None, &a)
            .expect("evaluation");
    }
    let htx_actor = Actor::new("htx-h5", None);
    let draft = reg
        .save_scores(
            h5.id,
            2025,
            tt01_scores(900),
            BTreeMap::new(),
            None,
            None,
            &htx_actor,
        )
        .expect("draft");
    reg.transition(h5.id, 2025, Action::Submit, draft.version, &htx_actor)
        .expect("submitted, never approved");
}

/// (group code, numerator, denominator, unevaluated) rows for one indicator.
type Table = Vec<(&'static str, i64, Option<i64>, Option<i64>)>;

fn table(
    reg: &Registry,
    ind: Indicator,
    by: Option<Breakdown>,
) -> Vec<(String, i64, Option<i64>, Option<i64>)> {
    let rows = reg
        .indicator(ind, (d(2019, 6, 11), d(2025, 12, 31)), 2025, by)
        .expect("indicator");
    rows.into_iter()
        .filter(|r| by.is_none() || r.group.is_some())
        .map(|r| {
            (
                r.group.map(|g| g.code).unwrap_or_default(),
                r.measure.numerator,
                r.measure.denominator,
                r.measure.unevaluated,
            )
        })
        .collect()
}

fn expect(reg: &Registry, ind: Indicator, by: Option<Breakdown>, expected: Table) {
    let want: Vec<(String, i64, Option<i64>, Option<i64>)> = expected
        .into_iter()
        .map(|(g, n, d, u)| (g.to_owned(), n, d, u))
        .collect();
    assert_eq!(table(reg, ind, by), want, "{ind:?} by {by:?}");
}

fn the_hand_computed_tables(url: &str) {
    let reg = registry(url);
    build(&reg);
    use Indicator::*;
    // The whole province, 2025.
    expect(&reg, NewCooperatives, None, vec![("", 3, None, None)]);
    expect(&reg, NewGroups, None, vec![("", 1, None, None)]);
    expect(&reg, NewUnions, None, vec![("", 1, None, None)]);
    expect(&reg, ShareGoodFair, None, vec![("", 2, Some(4), Some(1))]);
    expect(&reg, ShareWeak, None, vec![("", 1, Some(4), Some(1))]);
    expect(&reg, FormalOnly, None, vec![("", 1, None, None)]);
    // By 2025 commune (place on 31 December 2025; on the founding date for new ones).
    let c = Some(Breakdown::Commune);
    expect(
        &reg,
        NewCooperatives,
        c,
        vec![("06079", 1, None, None), ("06184", 2, None, None)],
    );
    expect(&reg, NewGroups, c, vec![("06184", 1, None, None)]);
    expect(&reg, NewUnions, c, vec![("06184", 1, None, None)]);
    expect(
        &reg,
        ShareGoodFair,
        c,
        vec![
            ("06079", 0, Some(2), Some(0)),
            ("06184", 2, Some(2), Some(1)),
        ],
    );
    expect(
        &reg,
        ShareWeak,
        c,
        vec![
            ("06079", 1, Some(2), Some(0)),
            ("06184", 0, Some(2), Some(1)),
        ],
    );
    expect(&reg, FormalOnly, c, vec![("06079", 1, None, None)]);
    // By legacy district: H1 keeps its Bình Gia commune, H3 is attributed to Cao Lộc.
    let ds = Some(Breakdown::District);
    expect(
        &reg,
        NewCooperatives,
        ds,
        vec![("181", 1, None, None), ("183", 2, None, None)],
    );
    expect(
        &reg,
        ShareGoodFair,
        ds,
        vec![("181", 1, Some(3), Some(0)), ("183", 1, Some(1), Some(1))],
    );
    expect(
        &reg,
        ShareWeak,
        ds,
        vec![("181", 1, Some(3), Some(0)), ("183", 0, Some(1), Some(1))],
    );
    expect(&reg, FormalOnly, ds, vec![("181", 1, None, None)]);
    let rows = reg
        .indicator(NewCooperatives, (d(2019, 6, 11), d(2025, 12, 31)), 2025, ds)
        .expect("rows");
    let cao_loc = rows
        .iter()
        .find(|r| r.group.as_ref().is_some_and(|g| g.code == "183"))
        .expect("183");
    assert_eq!(
        cao_loc.derived_places, 1,
        "H3 is attributed, and the view says so"
    );
    let rows = reg
        .indicator(ShareGoodFair, (d(2019, 6, 11), d(2025, 12, 31)), 2025, c)
        .expect("rows");
    let hong_phong = rows
        .iter()
        .find(|r| r.group.as_ref().is_some_and(|g| g.code == "06079"))
        .expect("06079");
    assert_eq!(hong_phong.value, Some(0.0));
    // 2024: only H7's dissolution and the founding of H4 on 31 December matter.
    let formal_2024 = reg
        .indicator(FormalOnly, (d(2019, 6, 11), d(2025, 12, 31)), 2024, None)
        .expect("2024");
    assert_eq!(
        formal_2024[0].measure.numerator, 5,
        "H1, H2, H4, H5, H6: active with no 2024 report"
    );
    // Letter 538's targets are preloaded for Lạng Sơn and followed.
    let report = reg
        .target_report(2025, Some(Breakdown::Commune))
        .expect("targets");
    assert_eq!(report.targets.len(), 6);
    let new_htx = report
        .targets
        .iter()
        .find(|t| t.target.indicator == NewCooperatives)
        .expect("new htx");
    assert_eq!(
        (new_htx.current.numerator, new_htx.target.value),
        (3, 100.0)
    );
    assert_eq!(
        new_htx
            .series
            .iter()
            .map(|(y, v)| (*y, *v))
            .collect::<Vec<_>>(),
        vec![
            (2019, Some(0.0)),
            (2020, Some(1.0)),
            (2021, Some(1.0)),
            (2022, Some(1.0)),
            (2023, Some(1.0)),
            (2024, Some(2.0)),
            (2025, Some(3.0))
        ]
    );
    assert_eq!(new_htx.status, TargetStatus::OffTrack);
    let formal = report
        .targets
        .iter()
        .find(|t| t.target.indicator == FormalOnly)
        .expect("formal");
    assert_eq!(
        formal.status,
        TargetStatus::OffTrack,
        "one formal-only HTX misses a target of 0"
    );
    assert!(!report.rows.is_empty());
    // A year before the period still has its figures (the series is empty).
    let before = reg
        .target_report(2018, Some(Breakdown::Commune))
        .expect("2018");
    let share = before
        .targets
        .iter()
        .find(|t| t.target.indicator == ShareGoodFair)
        .expect("share");
    assert!(
        share.series.is_empty() && share.current.denominator.is_some(),
        "{:?}",
        share.current
    );
    assert!(
        before.rows.iter().any(|r| r.indicator == ShareGoodFair),
        "the breakdown too"
    );
    // A commune officer's dashboard: only 2025 commune 06079, the same figures as
    // its row of the breakdown.
    let mine = hoptac_domain::auth::Scope::Communes {
        codes: vec!["06079".into()],
    };
    let scoped = reg
        .target_report_within(2025, None, Some(&mine))
        .expect("scoped");
    let current = |r: &crate::indicators::TargetReport, i: Indicator| {
        let t = r
            .targets
            .iter()
            .find(|t| t.target.indicator == i)
            .expect("target");
        (t.current.numerator, t.current.denominator)
    };
    assert_eq!(current(&scoped, NewCooperatives), (1, None));
    assert_eq!(current(&scoped, ShareGoodFair), (0, Some(2)));
    assert_eq!(current(&scoped, ShareWeak), (1, Some(2)));
    assert_eq!(current(&scoped, FormalOnly), (1, None));
    assert_eq!(current(&scoped, NewGroups), (0, None));
    // Cached figures follow every change, also one made by another app server on
    // the same database.
    let other_server = registry(url);
    other_server
        .create(htx("HTX H8", legacy("06094"), d(2025, 3, 1)), &a_of("xa"))
        .expect("h8");
    let after = reg
        .target_report_within(2025, None, Some(&mine))
        .expect("after");
    assert_eq!(current(&after, NewCooperatives), (2, None));
    assert_eq!(
        current(
            &reg.target_report(2025, None).expect("province"),
            NewCooperatives
        ),
        (4, None)
    );
}

hoptac_testkit::both_backends!(the_hand_computed_tables,);
