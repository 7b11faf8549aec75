//! Lists, search and reads as of a date.

use super::*;
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_domain::org::{OrgFields, Sector};
use hoptac_domain::place::{PlaceRef, Scheme};
use unicode_normalization::UnicodeNormalization;

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
        .list(
            &hoptac_domain::auth::Scope::All,
            &OrgFilter::default(),
            PageRequest::new(2, 4),
        )
        .expect("page");
    assert_eq!(page.total, 6);
    // The search index follows a renamed record: the new name is found, the old
    // one no longer is (short words, under three letters, are searched too).
    let names = |q: &str| -> Vec<String> {
        let f = OrgFilter {
            q: Some(q.into()),
            ..Default::default()
        };
        reg.list(&hoptac_domain::auth::Scope::All, &f, PageRequest::default())
            .expect("search")
            .items
            .iter()
            .map(|v| v.name().to_owned())
            .collect()
    };
    let an_binh = reg
        .list(
            &hoptac_domain::auth::Scope::All,
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
            &hoptac_domain::auth::Scope::All,
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
        reg.list(
            &hoptac_domain::auth::Scope::All,
            &agri_2020,
            PageRequest::default()
        )
        .expect("list")
        .total,
        1
    );
    let agri_now = OrgFilter {
        sectors: vec![Sector::Agriculture],
        ..Default::default()
    };
    assert_eq!(
        reg.list(
            &hoptac_domain::auth::Scope::All,
            &agri_now,
            PageRequest::default()
        )
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
            &hoptac_domain::auth::Scope::All,
            &OrgFilter {
                q: Some(nfd.clone()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .expect("list");
    assert_eq!(found.total, 1);
}

/// Officers type the kinds' abbreviations: `htx che` finds "Hợp tác xã … Chè" and
/// "HTX Chè …", `tht` the groups, `lhhtx` the unions; the other words still go through
/// the trigram index; the as-of path reads the same words.
fn kind_abbreviations_find_the_names_they_stand_for(url: &str) {
    use hoptac_domain::org::OrgKind;
    let reg = registry(url);
    let a = actor();
    let place = legacy("06205");
    let kinds = [
        ("Hợp tác xã Nông nghiệp Chè Tân Tiến", OrgKind::Cooperative),
        ("HTX Chè Bản Lải", OrgKind::Cooperative),
        ("Hợp tác xã Lúa Gạo", OrgKind::Cooperative),
        ("Tổ hợp tác chè Khau Ca", OrgKind::CooperativeGroup),
        ("Liên hiệp hợp tác xã Chè Xứ Lạng", OrgKind::Union),
    ];
    for (name, kind) in kinds {
        let mut new = htx(name, place.clone(), d(2020, 1, 1));
        new.kind = Some(kind);
        reg.create(new, &a).expect(name);
    }
    let search = |q: &str, as_of: Option<NaiveDate>| -> Vec<String> {
        let f = OrgFilter {
            q: Some(q.into()),
            as_of,
            ..Default::default()
        };
        let mut n = names(
            &reg.list(&hoptac_domain::auth::Scope::All, &f, PageRequest::default())
                .expect("search"),
        );
        n.sort();
        n
    };
    for as_of in [None, Some(d(2025, 1, 1))] {
        assert_eq!(
            search("htx che", as_of),
            vec![
                "HTX Chè Bản Lải",
                "Hợp tác xã Nông nghiệp Chè Tân Tiến",
                "Liên hiệp hợp tác xã Chè Xứ Lạng",
            ],
            "{as_of:?}"
        );
        assert_eq!(search("THT chè", as_of), vec!["Tổ hợp tác chè Khau Ca"]);
        assert_eq!(
            search("lhhtx che", as_of),
            vec!["Liên hiệp hợp tác xã Chè Xứ Lạng"]
        );
        assert_eq!(search("hop tac xa lua", as_of), vec!["Hợp tác xã Lúa Gạo"]);
    }
    // The plain word is the one looked up in the trigram index (SQLite; PostgreSQL's
    // planner picks its index itself).
    let f = OrgFilter {
        q: Some("htx tan tien".into()),
        ..Default::default()
    };
    let word = reg
        .db
        .read(|c| hoptac_store::orgs::indexed_word(c, &f))
        .expect("word");
    if url.starts_with("sqlite") {
        assert_eq!(word.as_deref(), Some("tien"));
    }
}

hoptac_testkit::both_backends!(
    search_sort_filter_and_pages,
    kind_abbreviations_find_the_names_they_stand_for,
    a_founding_date_corrected_later_reaches_back_in_lists_records_and_indicators,
    as_of_reads_a_record_that_moved_across_the_reform_and_changed_sector,
    nfd_names_are_stored_as_their_nfc_twin
);
