//! Registry use cases on both databases.

use crate::error::AppError;
use crate::registry::{Actor, NewOrg, Registry};
use chrono::NaiveDate;
use hoptac_domain::list::{OrgFilter, PageRequest, PlaceFilter, SortBy};
use hoptac_domain::org::{LinkKind, OrgFields, OrgKind, Sector, Status, StatusChange};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::validate::FieldProblem;
use unicode_normalization::UnicodeNormalization;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// The test registry and author: the harness's (`crate::testing`), under the names the
/// other test modules import from here.
pub(crate) use crate::testing::{actor, registry};

/// A complete TT 01/2020 score sheet totalling `total` tenths (parts filled in order).
pub(crate) fn tt01_scores(total: i32) -> std::collections::BTreeMap<String, i32> {
    let rs = hoptac_domain::ruleset::RuleSet::shipped()
        .expect("rule sets")
        .into_iter()
        .find(|r| r.id == "tt01-2020")
        .expect("tt01");
    let mut left = total;
    rs.subs()
        .map(|(_, s)| {
            let v = left.min(s.max);
            left -= v;
            (s.code.clone(), v)
        })
        .collect()
}

pub(crate) fn htx(name: &str, place: PlaceRef, founded: NaiveDate) -> NewOrg {
    NewOrg {
        kind: Some(OrgKind::Cooperative),
        fields: OrgFields {
            name: Some(name.into()),
            place: Some(place),
            founding_date: Some(founded),
            sector: Some(Sector::Agriculture),
            members: Some(12),
            ..Default::default()
        },
        status: None,
    }
}

fn legacy(code: &str) -> PlaceRef {
    PlaceRef::new(Scheme::Legacy, code)
}

fn names(p: &hoptac_domain::list::Page<hoptac_domain::list::OrgView>) -> Vec<String> {
    p.items.iter().map(|v| v.name().to_owned()).collect()
}

/// The same small registry on any backend, for comparing results across backends.
fn seed(reg: &Registry) {
    let a = actor();
    for (name, place, founded, sector) in [
        (
            "Hợp tác xã Nông nghiệp Đồng Đăng",
            legacy("06184"),
            d(2015, 3, 1),
            Sector::Agriculture,
        ),
        (
            "Hợp tác xã Dịch vụ Hồng Phong",
            legacy("06205"),
            d(2018, 5, 2),
            Sector::TradeServices,
        ),
        (
            "Hợp tác xã Chè Dương Xá",
            legacy("06079"),
            d(2020, 1, 1),
            Sector::Agriculture,
        ),
        (
            "Hợp tác xã Ấm Hạ",
            legacy("06205"),
            d(2021, 9, 9),
            Sector::Industry,
        ),
        (
            "Hợp tác xã An Bình",
            PlaceRef::new(Scheme::Y2025, "06184"),
            d(2025, 8, 1),
            Sector::Agriculture,
        ),
        (
            "HỢP TÁC XÃ đông hưng",
            legacy("06184"),
            d(2012, 1, 1),
            Sector::Transport,
        ),
    ] {
        let mut n = htx(name, place, founded);
        n.fields.sector = Some(sector);
        reg.create(n, &a).expect("create");
    }
}

fn query_results(reg: &Registry) -> Vec<Vec<String>> {
    let q = |f: OrgFilter| names(&reg.list(&f, PageRequest::new(1, 50)).expect("list"));
    vec![
        q(OrgFilter::default()),
        q(OrgFilter {
            q: Some("hop tac nong nghiep".into()),
            ..Default::default()
        }),
        q(OrgFilter {
            q: Some("dong".into()),
            ..Default::default()
        }),
        q(OrgFilter {
            sectors: vec![Sector::Agriculture],
            ..Default::default()
        }),
        q(OrgFilter {
            place: Some(PlaceFilter::Commune2025("06184".into())),
            ..Default::default()
        }),
        q(OrgFilter {
            place: Some(PlaceFilter::LegacyDistrict("183".into())),
            ..Default::default()
        }),
        q(OrgFilter {
            founded_from: Some(d(2018, 1, 1)),
            founded_to: Some(d(2021, 12, 31)),
            sort: SortBy::FoundingDate,
            descending: true,
            ..Default::default()
        }),
        q(OrgFilter {
            as_of: Some(d(2020, 6, 1)),
            ..Default::default()
        }),
        names(
            &reg.list(&OrgFilter::default(), PageRequest::new(2, 4))
                .expect("page 2"),
        ),
    ]
}

fn search_sort_filter_and_pages(url: &str) {
    let reg = registry(url);
    seed(&reg);
    let r = query_results(&reg);
    // Vietnamese order: A < Ấ < Ch < D < Đ (đông hưng, Đồng Đăng: tones break ties) …
    assert_eq!(
        r[0],
        vec![
            "Hợp tác xã An Bình",
            "Hợp tác xã Ấm Hạ",
            "Hợp tác xã Chè Dương Xá",
            "Hợp tác xã Dịch vụ Hồng Phong",
            "HỢP TÁC XÃ đông hưng",
            "Hợp tác xã Nông nghiệp Đồng Đăng",
        ]
    );
    assert_eq!(r[1], vec!["Hợp tác xã Nông nghiệp Đồng Đăng"]);
    // `dong` finds Đông and Đồng, not Dương or Hồng.
    assert_eq!(
        r[2],
        vec!["HỢP TÁC XÃ đông hưng", "Hợp tác xã Nông nghiệp Đồng Đăng"]
    );
    assert_eq!(r[3].len(), 3);
    // 2025 Đồng Đăng: its legacy communes 06184 and 06205, the 2025-placed one, and the
    // Bình Gia split commune 06079, which defaults to its own successor (06079).
    assert_eq!(r[4].len(), 5);
    assert!(!r[4].contains(&"Hợp tác xã Chè Dương Xá".to_owned()));
    // Legacy Cao Lộc district (183): legacy-placed records there, and the 2025-placed one
    // attributed to the district that contributed most communes.
    assert_eq!(r[5].len(), 5);
    assert_eq!(
        r[6],
        vec![
            "Hợp tác xã Ấm Hạ",
            "Hợp tác xã Chè Dương Xá",
            "Hợp tác xã Dịch vụ Hồng Phong"
        ]
    );
    assert_eq!(
        r[7],
        vec![
            "Hợp tác xã Chè Dương Xá",
            "Hợp tác xã Dịch vụ Hồng Phong",
            "HỢP TÁC XÃ đông hưng",
            "Hợp tác xã Nông nghiệp Đồng Đăng"
        ]
    );
    assert_eq!(
        r[8],
        vec!["HỢP TÁC XÃ đông hưng", "Hợp tác xã Nông nghiệp Đồng Đăng"]
    );
    let page = reg
        .list(&OrgFilter::default(), PageRequest::new(2, 4))
        .expect("page");
    assert_eq!(page.total, 6);
    // The search index follows a renamed record: the new name is found, the old
    // one no longer is (short words, under three letters, are searched too).
    let names = |q: &str| -> Vec<String> {
        let f = OrgFilter {
            q: Some(q.into()),
            ..Default::default()
        };
        reg.list(&f, PageRequest::default())
            .expect("search")
            .items
            .iter()
            .map(|v| v.name().to_owned())
            .collect()
    };
    let an_binh = reg
        .list(
            &OrgFilter {
                q: Some("an binh".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .expect("an binh")
        .items[0]
        .clone();
    reg.update(
        an_binh.id,
        an_binh.version,
        OrgFields {
            name: Some("Hợp tác xã Bảo Lâm Xanh".into()),
            ..Default::default()
        },
        None,
        &actor(),
    )
    .expect("rename");
    assert_eq!(names("bao lam"), vec!["Hợp tác xã Bảo Lâm Xanh"]);
    assert!(names("an binh").is_empty());
    assert_eq!(
        names("xa bao").len(),
        1,
        "words of two letters and more together"
    );
}

fn a_founding_date_corrected_later_reaches_back_in_lists_records_and_indicators(url: &str) {
    let reg = registry(url);
    let a = actor();
    let v = reg
        .create(
            htx("Hợp tác xã Sửa Ngày Lập", legacy("06205"), d(2020, 5, 1)),
            &a,
        )
        .expect("create");
    // Recorded as effective the same day as the first facts, and later.
    reg.update(
        v.id,
        v.version,
        OrgFields {
            founding_date: Some(d(2019, 8, 1)),
            ..Default::default()
        },
        Some(d(2020, 5, 1)),
        &a,
    )
    .expect("same day");
    let w = reg
        .create(
            htx(
                "Hợp tác xã Sửa Ngày Lập Hai",
                legacy("06205"),
                d(2020, 5, 1),
            ),
            &a,
        )
        .expect("create");
    reg.update(
        w.id,
        w.version,
        OrgFields {
            founding_date: Some(d(2019, 9, 1)),
            ..Default::default()
        },
        Some(d(2021, 3, 1)),
        &a,
    )
    .expect("later");
    let end_2019 = d(2019, 12, 31);
    for id in [v.id, w.id] {
        assert!(
            reg.get(id, Some(end_2019)).is_ok(),
            "{id} existed at the end of 2019"
        );
    }
    let listed = reg
        .list(
            &OrgFilter {
                as_of: Some(end_2019),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .expect("list");
    assert_eq!(
        listed.total, 2,
        "the list as of 2019 agrees with each record"
    );
    let new_htx = reg
        .indicator(
            hoptac_domain::indicators::Indicator::NewCooperatives,
            (d(2019, 6, 11), d(2025, 12, 31)),
            2025,
            None,
        )
        .expect("indicator");
    assert_eq!(
        new_htx[0].measure.numerator, 2,
        "both count as new since Letter 538"
    );
}

fn as_of_reads_a_record_that_moved_across_the_reform_and_changed_sector(url: &str) {
    let reg = registry(url);
    let a = actor();
    let v = reg
        .create(
            htx("Hợp tác xã Na Chi Lăng", legacy("06205"), d(2015, 3, 1)),
            &a,
        )
        .expect("create");
    let v = reg
        .update(
            v.id,
            v.version,
            OrgFields {
                sector: Some(Sector::TradeServices),
                ..Default::default()
            },
            Some(d(2022, 1, 1)),
            &a,
        )
        .expect("sector");
    let v = reg
        .update(
            v.id,
            v.version,
            OrgFields {
                place: Some(PlaceRef::new(Scheme::Y2025, "06184")),
                legacy_commune: Some("06205".into()),
                ..Default::default()
            },
            Some(d(2025, 9, 1)),
            &a,
        )
        .expect("move");
    assert_eq!(v.version, 3);
    let in_2020 = reg.get(v.id, Some(d(2020, 1, 1))).expect("2020");
    assert_eq!(in_2020.fields.sector, Some(Sector::Agriculture));
    assert_eq!(in_2020.fields.place, Some(legacy("06205")));
    assert_eq!(in_2020.places.legacy_district.as_deref(), Some("183"));
    let in_2023 = reg.get(v.id, Some(d(2023, 1, 1))).expect("2023");
    assert_eq!(in_2023.fields.sector, Some(Sector::TradeServices));
    assert_eq!(in_2023.fields.place, Some(legacy("06205")));
    let now = reg.get(v.id, None).expect("now");
    assert_eq!(
        now.fields.place,
        Some(PlaceRef::new(Scheme::Y2025, "06184"))
    );
    assert_eq!(now.places.legacy_commune.as_deref(), Some("06205"));
    assert!(reg.get(v.id, Some(d(2015, 2, 28))).is_err());
    // Lists as of a date see the same.
    let agri_2020 = OrgFilter {
        sectors: vec![Sector::Agriculture],
        as_of: Some(d(2020, 1, 1)),
        ..Default::default()
    };
    assert_eq!(
        reg.list(&agri_2020, PageRequest::default())
            .expect("list")
            .total,
        1
    );
    let agri_now = OrgFilter {
        sectors: vec![Sector::Agriculture],
        ..Default::default()
    };
    assert_eq!(
        reg.list(&agri_now, PageRequest::default())
            .expect("list")
            .total,
        0
    );
    // The history keeps both clocks for every attribute.
    let h = reg.history(v.id).expect("history");
    assert_eq!(h.len(), 4);
    assert!(h
        .iter()
        .all(|c| c.author == "tester" && c.recorded_at.timestamp() > 0));
    let attrs = hoptac_domain::history::attribute_history(&h);
    assert!(attrs
        .iter()
        .any(|a| a.attribute == "sector" && a.effective == d(2022, 1, 1)));
    assert!(attrs
        .iter()
        .any(|a| a.attribute == "place" && a.effective == d(2025, 9, 1)));
}

fn a_stale_version_is_refused_with_both_versions(url: &str) {
    let reg = registry(url);
    let a = actor();
    let v = reg
        .create(
            htx("Hợp tác xã Tân Thanh", legacy("06205"), d(2019, 1, 1)),
            &a,
        )
        .expect("create");
    let mine = OrgFields {
        members: Some(20),
        ..Default::default()
    };
    let theirs = OrgFields {
        members: Some(30),
        ..Default::default()
    };
    let after_theirs = reg
        .update(v.id, v.version, theirs, None, &a)
        .expect("first writer");
    match reg.update(v.id, v.version, mine, None, &a) {
        Err(AppError::Conflict {
            current,
            your_version,
        }) => {
            assert_eq!(your_version, 1);
            assert_eq!(current.version, 2);
            assert_eq!(current.fields.members, Some(30));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(reg.get(v.id, None).expect("get").fields.members, Some(30));
    assert_eq!(after_theirs.version, 2);
    // Re-submitting the same values records nothing.
    let same = reg
        .update(
            v.id,
            2,
            OrgFields {
                members: Some(30),
                ..Default::default()
            },
            None,
            &a,
        )
        .expect("same");
    assert_eq!(same.version, 2);
    assert_eq!(reg.history(v.id).expect("history").len(), 3);
}

fn concurrent_writers_never_both_win(url: &str) {
    let reg = registry(url);
    let a = actor();
    let v = reg
        .create(
            htx("Hợp tác xã Song Song", legacy("06205"), d(2019, 1, 1)),
            &a,
        )
        .expect("create");
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let reg = reg.clone();
            let a = a.clone();
            std::thread::spawn(move || {
                reg.update(
                    v.id,
                    1,
                    OrgFields {
                        members: Some(40 + i),
                        ..Default::default()
                    },
                    None,
                    &a,
                )
                .is_ok()
            })
        })
        .collect();
    let wins = handles
        .into_iter()
        .filter_map(|h| h.join().ok())
        .filter(|ok| *ok)
        .count();
    assert_eq!(wins, 1);
    assert_eq!(reg.get(v.id, None).expect("get").version, 2);
}

fn duplicate_tax_codes_and_bad_values_are_refused(url: &str) {
    let reg = registry(url);
    let a = actor();
    let mut n = htx("Hợp tác xã Một", legacy("06205"), d(2019, 1, 1));
    n.fields.tax_code = Some("4900123456".into());
    let first = reg.create(n.clone(), &a).expect("first");
    n.fields.name = Some("Hợp tác xã Hai".into());
    match reg.create(n, &a) {
        Err(AppError::Invalid(errs)) => {
            assert_eq!(errs.len(), 1);
            assert_eq!(errs[0].field, "tax_code");
            assert!(
                matches!(&errs[0].problem, FieldProblem::DuplicateTaxCode { other_id, .. } if *other_id == first.id)
            );
            assert!(errs[0]
                .message(hoptac_domain::Lang::Vi)
                .contains("Hợp tác xã Một"));
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    let mut bad = htx(
        "Hợp tác xã Ba",
        PlaceRef::new(Scheme::Y2025, "99999"),
        d(2027, 1, 1),
    );
    bad.fields.members = Some(3);
    match reg.create(bad, &a) {
        Err(AppError::Invalid(errs)) => {
            let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
            assert!(
                fields.contains(&"place") && fields.contains(&"founding_date"),
                "{fields:?}"
            );
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    assert_eq!(
        reg.list(&OrgFilter::default(), PageRequest::default())
            .expect("list")
            .total,
        1
    );
}

fn late_corrections_conversion_dates_and_required_members(url: &str) {
    let reg = registry(url);
    let a = actor();
    let v = reg
        .create(htx("Hợp tác xã Tên Cũ", legacy("06205"), d(2015, 1, 1)), &a)
        .expect("create");
    let v = reg
        .update(
            v.id,
            v.version,
            OrgFields {
                name: Some("Hợp tác xã Tên Mới".into()),
                ..Default::default()
            },
            Some(d(2024, 1, 1)),
            &a,
        )
        .expect("rename");
    // Later it turns out the new name was in use from 2020: today's value already
    // agrees, but the correction must still be recorded for 2020–2023.
    let v = reg
        .update(
            v.id,
            v.version,
            OrgFields {
                name: Some("Hợp tác xã Tên Mới".into()),
                ..Default::default()
            },
            Some(d(2020, 1, 1)),
            &a,
        )
        .expect("late correction");
    assert_eq!(v.version, 3);
    assert_eq!(
        reg.get(v.id, Some(d(2021, 6, 1))).expect("2021").name(),
        "Hợp tác xã Tên Mới"
    );
    assert_eq!(
        reg.get(v.id, Some(d(2019, 6, 1))).expect("2019").name(),
        "Hợp tác xã Tên Cũ"
    );
    // A group converted without a founding date is founded today, not when the group began.
    let tht = reg
        .create(
            NewOrg {
                kind: Some(OrgKind::CooperativeGroup),
                ..htx("Tổ hợp tác Chuyển Đổi", legacy("06205"), d(2016, 1, 1))
            },
            &a,
        )
        .expect("tht");
    let h = reg
        .convert(tht.id, tht.version, OrgFields::default(), None, &a)
        .expect("convert");
    assert_eq!(h.fields.founding_date, Some(d(2026, 11, 27)));
    // An HTX needs its number of members to check the legal minimum.
    let mut no_members = htx(
        "Hợp tác xã Không Rõ Thành Viên",
        legacy("06205"),
        d(2020, 1, 1),
    );
    no_members.fields.members = None;
    match reg.create(no_members, &a) {
        Err(AppError::Invalid(errs)) => assert_eq!(errs[0].field, "members"),
        other => panic!("expected invalid, got {other:?}"),
    }
    // Lowering members below the minimum of the founding law is refused on update.
    assert!(matches!(
        reg.update(
            h.id,
            h.version,
            OrgFields {
                members: Some(3),
                ..Default::default()
            },
            None,
            &a
        ),
        Err(AppError::Invalid(_))
    ));
}

fn every_write_is_in_the_audit_trail_with_before_and_after(url: &str) {
    use hoptac_store::audit;
    let reg = registry(url);
    let a = Actor::new("can-bo-so", Some("test".into()));
    let v = reg
        .create(
            htx("Hợp tác xã Nhật Ký", legacy("06205"), d(2019, 1, 1)),
            &a,
        )
        .expect("create");
    reg.update(
        v.id,
        v.version,
        OrgFields {
            members: Some(31),
            ..Default::default()
        },
        None,
        &a,
    )
    .expect("update");
    let links = audit::recent(&reg.db, 10).expect("links");
    // The oldest link is Letter 538's targets, loaded when the registry first opened.
    assert_eq!(links.len(), 3);
    assert_eq!(links[2].actor, "hoptac");
    assert_eq!(links[0].actor, "can-bo-so");
    let entries: Vec<audit::Entry> = serde_json::from_str(&links[0].entries).expect("entries");
    assert_eq!(
        (entries[0].entity.as_str(), entries[0].action.as_str()),
        ("organisation", "update")
    );
    assert_eq!(
        entries[0]
            .before
            .as_ref()
            .and_then(|b| b["fields"]["members"].as_i64()),
        Some(12)
    );
    assert_eq!(
        entries[0]
            .after
            .as_ref()
            .and_then(|b| b["fields"]["members"].as_i64()),
        Some(31)
    );
    assert_eq!(
        audit::verify(&reg.db, None).expect("verify"),
        audit::Finding::Intact { links: 3 }
    );
}

fn nfd_names_are_stored_as_their_nfc_twin(url: &str) {
    let reg = registry(url);
    let nfc = "Hợp tác xã Quế Hồi Văn Quan";
    let nfd: String = nfc.nfd().collect();
    let v = reg
        .create(htx(&nfd, legacy("06205"), d(2019, 1, 1)), &actor())
        .expect("create");
    assert_eq!(v.name(), nfc);
    let found = reg
        .list(
            &OrgFilter {
                q: Some(nfd.clone()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .expect("list");
    assert_eq!(found.total, 1);
}

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
        reg.list(&suspended_now, PageRequest::default())
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
    assert_eq!(reg.list(&f, PageRequest::default()).expect("list").total, 1);
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
            .list(&f, PageRequest::default())
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
    search_sort_filter_and_pages,
    a_founding_date_corrected_later_reaches_back_in_lists_records_and_indicators,
    as_of_reads_a_record_that_moved_across_the_reform_and_changed_sector,
    a_stale_version_is_refused_with_both_versions,
    concurrent_writers_never_both_win,
    duplicate_tax_codes_and_bad_values_are_refused,
    late_corrections_conversion_dates_and_required_members,
    every_write_is_in_the_audit_trail_with_before_and_after,
    nfd_names_are_stored_as_their_nfc_twin,
    statuses_links_and_conversion,
    mapping_corrections_re_derive_places
);

#[test]
fn both_backends_give_identical_results() {
    let Some(pg) = hoptac_testkit::postgres() else {
        return;
    };
    let lite = hoptac_testkit::sqlite();
    let (a, b) = (registry(&lite), registry(&pg));
    seed(&a);
    seed(&b);
    assert_eq!(query_results(&a), query_results(&b));
}
