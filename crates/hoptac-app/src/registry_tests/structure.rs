//! Statuses, links, conversion and place corrections.

use super::*;
use crate::registry::{NewOrg, Registry};
use hoptac_domain::list::{OrgFilter, PageRequest, PlaceFilter};
use hoptac_domain::org::{LinkKind, OrgFields, OrgKind, Status, StatusChange};

fn statuses_links_and_conversion(url: &str) {
    let reg = registry(url);
    let a = actor();
    let tht = reg
        .create(
            NewOrg {
                kind: Some(OrgKind::CooperativeGroup),
                ..htx(
                    "Tổ hợp tác trồng na thôn Nà Pàn",
                    legacy("06205"),
                    d(2018, 1, 1),
                )
            },
            &a,
        )
        .expect("tht");
    let htx_v = reg
        .convert(
            tht.id,
            tht.version,
            OrgFields {
                founding_date: Some(d(2022, 3, 1)),
                members: Some(9),
                ..Default::default()
            },
            Some("GCN 12/2022".into()),
            &a,
        )
        .expect("convert");
    assert_eq!(htx_v.kind, OrgKind::Cooperative);
    assert_eq!(htx_v.links[0].kind, LinkKind::ConvertedFrom);
    assert_eq!(htx_v.links[0].target, tht.id);
    let tht_now = reg.get(tht.id, None).expect("tht now");
    assert_eq!(tht_now.status, Status::Converted);
    assert_eq!(
        reg.get(tht.id, Some(d(2021, 1, 1))).expect("before").status,
        Status::Active
    );
    let union = reg
        .create(
            NewOrg {
                kind: Some(OrgKind::Union),
                ..htx("Liên hiệp HTX Cao Lộc", legacy("06205"), d(2020, 1, 1))
            },
            &a,
        )
        .expect("union");
    let joined = reg
        .link(
            htx_v.id,
            htx_v.version,
            LinkKind::MemberOf,
            union.id,
            Some(d(2023, 1, 1)),
            None,
            &a,
        )
        .expect("join");
    let link_id = joined
        .links
        .iter()
        .find(|l| l.kind == LinkKind::MemberOf)
        .expect("link")
        .id;
    let left = reg
        .end_link(
            htx_v.id,
            joined.version,
            link_id,
            Some(d(2025, 1, 1)),
            Some("Đơn xin ra".into()),
            &a,
        )
        .expect("leave");
    assert!(left.links.iter().any(|l| l.id == link_id && !l.active));
    let member_2024 = reg.get(htx_v.id, Some(d(2024, 1, 1))).expect("2024");
    assert!(member_2024
        .links
        .iter()
        .any(|l| l.id == link_id && l.active));
    assert_eq!(reg.incoming_links(union.id).expect("incoming").len(), 1);
    // A suspension ends by itself.
    let s = reg
        .set_status(
            union.id,
            union.version,
            StatusChange {
                status: Status::Suspended,
                until: Some(d(2024, 6, 30)),
                reason: None,
                document: Some("TB 1".into()),
            },
            Some(d(2024, 1, 1)),
            &a,
        )
        .expect("suspend");
    assert_eq!(s.status, Status::Active);
    assert_eq!(
        reg.get(union.id, Some(d(2024, 3, 1))).expect("then").status,
        Status::Suspended
    );
    let suspended_now = OrgFilter {
        statuses: vec![Status::Suspended],
        ..Default::default()
    };
    assert_eq!(
        reg.list(
            &hoptac_domain::auth::Scope::All,
            &suspended_now,
            PageRequest::default()
        )
        .expect("list")
        .total,
        0
    );
    // Wrong links are refused.
    assert!(reg
        .link(
            union.id,
            s.version,
            LinkKind::MemberOf,
            htx_v.id,
            None,
            None,
            &a
        )
        .is_err());
}

fn mapping_corrections_re_derive_places(url: &str) {
    let reg = registry(url);
    // A second app server on the same database, opened before the correction.
    let other_server = registry(url);
    let v = reg
        .create(
            htx(
                "Hợp tác xã Hồng Phong Bình Gia",
                legacy("06079"),
                d(2019, 1, 1),
            ),
            &actor(),
        )
        .expect("create");
    assert_eq!(v.places.commune_2025.as_deref(), Some("06079"));
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
    reg.add_correction(corr, &actor()).expect("correct");
    let f = OrgFilter {
        place: Some(PlaceFilter::Commune2025("06184".into())),
        ..Default::default()
    };
    assert_eq!(
        reg.list(&hoptac_domain::auth::Scope::All, &f, PageRequest::default())
            .expect("list")
            .total,
        1
    );
    // The other server picks the correction up without a restart.
    assert!(
        other_server.refresh_places().expect("refresh"),
        "it had missed one"
    );
    assert!(
        !other_server.refresh_places().expect("again"),
        "nothing new since"
    );
    assert_eq!(
        other_server
            .list(&hoptac_domain::auth::Scope::All, &f, PageRequest::default())
            .expect("list")
            .total,
        1
    );
    let mapped = other_server
        .places()
        .both_schemes(&legacy("06079"), None)
        .commune_2025;
    assert_eq!(mapped.as_deref(), Some("06184"));
    // Survives a restart: corrections are data in the database.
    let again = Registry::open(reg.db.clone(), Some("20".into())).expect("reopen");
    assert_eq!(
        again
            .get(v.id, None)
            .expect("get")
            .places
            .commune_2025
            .as_deref(),
        Some("06184")
    );
}

/// Stopped HTX to settle: the running stoppages (overdue first) and those settled per
/// year, within a scope. Today is 27/11/2026.
fn stopped_htx_to_settle_and_settled_per_year(url: &str) {
    let reg = registry(url);
    let a = actor();
    let stop = |name: &str, commune: &str, events: &[(NaiveDate, Status, Option<NaiveDate>)]| {
        let mut v = reg
            .create(htx(name, legacy(commune), d(2015, 1, 1)), &a)
            .expect("create");
        for (on, status, until) in events {
            let change = StatusChange {
                status: *status,
                until: *until,
                reason: None,
                document: Some("QĐ 12/QĐ-UBND".into()),
            };
            v = reg
                .set_status(v.id, v.version, change, Some(*on), &a)
                .expect("status");
        }
        v.id
    };
    use Status::*;
    let fresh = stop(
        "HTX Tạm Ngừng",
        "06205",
        &[(d(2026, 3, 1), Suspended, Some(d(2026, 12, 31)))],
    );
    let silent = stop("HTX Im Lặng", "06205", &[(d(2026, 1, 10), Inactive, None)]);
    stop(
        "HTX Trở Lại",
        "06205",
        &[(d(2025, 2, 1), Suspended, Some(d(2025, 6, 30)))],
    );
    stop(
        "HTX Giải Thể",
        "06205",
        &[
            (d(2025, 5, 1), Suspended, None),
            (d(2026, 2, 1), Dissolved, None),
        ],
    );
    let elsewhere = stop("HTX Nơi Khác", "06094", &[(d(2026, 4, 1), Inactive, None)]);
    let all = reg
        .stoppages(&hoptac_domain::auth::Scope::All)
        .expect("all");
    let listed: Vec<(i64, bool)> = all
        .to_settle
        .iter()
        .map(|t| (t.org.id, t.overdue))
        .collect();
    assert_eq!(
        listed,
        vec![(silent, true), (elsewhere, true), (fresh, false)],
        "overdue first"
    );
    let s = &all.to_settle[2].stoppage;
    assert_eq!((s.since, s.until), (d(2026, 3, 1), Some(d(2026, 12, 31))));
    let years: Vec<(i32, u64, u64)> = all
        .settled
        .iter()
        .map(|y| (y.year, y.resumed, y.closed))
        .collect();
    assert_eq!(years, vec![(2026, 0, 1), (2025, 1, 0)]);
    // A commune officer of Đồng Đăng (06184, which took Cao Lộc's 06205) sees their own.
    let mine = reg
        .stoppages(&hoptac_domain::auth::Scope::Communes {
            codes: vec!["06184".into()],
        })
        .expect("mine");
    assert!(mine.to_settle.iter().all(|t| t.org.id != elsewhere));
    assert_eq!(mine.to_settle.len(), 2);
}

hoptac_testkit::both_backends!(
    stopped_htx_to_settle_and_settled_per_year,
    statuses_links_and_conversion,
    mapping_corrections_re_derive_places
);
