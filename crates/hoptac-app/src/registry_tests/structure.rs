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

hoptac_testkit::both_backends!(
    statuses_links_and_conversion,
    mapping_corrections_re_derive_places
);
