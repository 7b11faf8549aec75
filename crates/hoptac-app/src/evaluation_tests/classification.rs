//! Who is excluded from classification, and the list of those left to classify.

use crate::error::AppError;
use crate::evaluations::EvalState;
use crate::registry::NewOrg;
use crate::registry_tests::{actor, d, htx, registry, tt01_scores};
use hoptac_domain::evaluation::Rating;
use hoptac_domain::org::{OrgKind, Status, StatusChange};
use hoptac_domain::place::{PlaceRef, Scheme};
use std::collections::BTreeMap;

fn exclusions_come_from_the_history_and_the_report(url: &str) {
    let reg = registry(url);
    let a = actor();
    let young = reg
        .create(
            htx(
                "Hợp tác xã Mới Lập",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2024, 3, 1),
            ),
            &a,
        )
        .expect("young");
    let e = reg
        .import_approved(young.id, 2024, tt01_scores(900), None, &a)
        .expect("import");
    assert_eq!(
        e.evaluation.outcome.as_ref().map(|o| o.rating),
        Some(Rating::NotRated)
    );
    assert!(e.evaluation.imported);
    let paused = reg
        .create(
            htx(
                "Hợp tác xã Tạm Ngừng",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2015, 3, 1),
            ),
            &a,
        )
        .expect("paused");
    reg.set_status(
        paused.id,
        paused.version,
        StatusChange {
            status: Status::Suspended,
            until: Some(d(2024, 5, 31)),
            reason: None,
            document: Some("TB 5".into()),
        },
        Some(d(2024, 2, 1)),
        &a,
    )
    .expect("suspend");
    let e = reg
        .import_approved(paused.id, 2024, tt01_scores(900), None, &a)
        .expect("import");
    // 1 February – 31 May is 121 days: more than 3 months.
    assert_eq!(
        e.evaluation.outcome.as_ref().map(|o| o.rating),
        Some(Rating::NotRated)
    );
    let e = reg
        .import_approved(paused.id, 2023, tt01_scores(900), None, &a)
        .expect("import 2023");
    assert_eq!(
        e.evaluation.outcome.as_ref().map(|o| o.rating),
        Some(Rating::Good)
    );
    // Groups are not evaluated; credit funds neither.
    let tht = reg
        .create(
            NewOrg {
                kind: Some(OrgKind::CooperativeGroup),
                ..htx(
                    "Tổ hợp tác Không Chấm",
                    PlaceRef::new(Scheme::Legacy, "06205"),
                    d(2015, 1, 1),
                )
            },
            &a,
        )
        .expect("tht");
    assert!(matches!(
        reg.save_scores(
            tht.id,
            2024,
            BTreeMap::new(),
            BTreeMap::new(),
            None,
            None,
            &a
        ),
        Err(AppError::Refused {
            code: "not_evaluated",
            ..
        })
    ));
}

fn the_classification_list_reads_ids_sheets_and_facts(url: &str) {
    let reg = registry(url);
    let a = actor();
    let legacy = |c: &str| PlaceRef::new(Scheme::Legacy, c);
    let mk = |name: &str, place: &str| {
        reg.create(htx(name, legacy(place), d(2015, 1, 1)), &a)
            .expect(name)
    };
    let dissolve = |id, on| {
        let v = reg.get(id, None).expect("get").version;
        let change = StatusChange {
            status: Status::Dissolved,
            until: None,
            reason: None,
            document: Some("QĐ".into()),
        };
        reg.set_status(id, v, change, Some(on), &a)
            .expect("dissolve");
    };
    let binh = mk("Hợp tác xã Bình", "06205");
    mk("Hợp tác xã An", "06205");
    let che = mk("Hợp tác xã Chè", "06205");
    let dau = mk("Hợp tác xã Dâu", "06205");
    let go = mk("Hợp tác xã Gỗ", "06205");
    dissolve(go.id, d(2023, 5, 1));
    let khe = mk("Hợp tác xã Khế", "06205");
    dissolve(khe.id, d(2025, 6, 1));
    let xa = mk("Hợp tác xã Xa", "06094");
    // Dissolved in 2023, restored in the middle of 2025: classified for 2025 only.
    let oi = mk("Hợp tác xã Ổi", "06205");
    dissolve(oi.id, d(2023, 5, 1));
    let v = reg.get(oi.id, None).expect("get").version;
    let restored = StatusChange {
        status: Status::Active,
        until: None,
        reason: Some("khôi phục".into()),
        document: None,
    };
    reg.set_status(oi.id, v, restored, Some(d(2025, 6, 1)), &a)
        .expect("restored");
    reg.create(
        NewOrg {
            kind: Some(OrgKind::CooperativeGroup),
            ..htx("Tổ hợp tác Lúa", legacy("06205"), d(2015, 1, 1))
        },
        &a,
    )
    .expect("tht");
    let mut union = htx("Liên hiệp Mận", legacy("06205"), d(2015, 1, 1));
    union.kind = Some(OrgKind::Union);
    union.fields.members = Some(4);
    reg.create(union, &a).expect("union");
    reg.save_scores(
        che.id,
        2025,
        tt01_scores(600),
        BTreeMap::new(),
        None,
        None,
        &a,
    )
    .expect("draft, not scored until submitted");
    reg.import_approved(dau.id, 2025, tt01_scores(850), None, &a)
        .expect("approved");
    let names = |rows: Vec<crate::evaluations::ToClassify>| {
        rows.into_iter()
            .map(|r| {
                (
                    reg.get(r.org_id, None).expect("get").name().to_owned(),
                    r.state,
                    r.scored.map(|(_, rating)| rating),
                )
            })
            .collect::<Vec<_>>()
    };
    let all = names(
        reg.to_classify(2025, &hoptac_domain::auth::Scope::All)
            .expect("list"),
    );
    let n = |s: &str| s.to_owned();
    assert_eq!(
        all,
        vec![
            (n("Hợp tác xã An"), None, None),
            (n("Hợp tác xã Bình"), None, None),
            (n("Hợp tác xã Khế"), None, None),
            (n("Hợp tác xã Ổi"), None, None),
            (n("Hợp tác xã Xa"), None, None),
            (n("Liên hiệp Mận"), None, None),
            (n("Hợp tác xã Chè"), Some(EvalState::Draft), None),
            (
                n("Hợp tác xã Dâu"),
                Some(EvalState::Approved),
                Some(Rating::Good)
            ),
        ],
        "groups are not classified; Gỗ was gone before 2025, Khế went during it"
    );
    // A commune officer's list: 2025 commune 06079 holds only Xa.
    let mine = hoptac_domain::auth::Scope::Communes {
        codes: vec!["06079".into()],
    };
    assert_eq!(
        names(reg.to_classify(2025, &mine).expect("scoped")),
        vec![(n("Hợp tác xã Xa"), None, None)]
    );
    // In 2023 Gỗ and Ổi were still there when the year began; all through 2024 Ổi
    // was closed.
    let in_year = |y| {
        names(
            reg.to_classify(y, &hoptac_domain::auth::Scope::All)
                .expect("list"),
        )
        .into_iter()
        .map(|(name, _, _)| name)
        .collect::<Vec<_>>()
    };
    assert!(
        in_year(2023).contains(&n("Hợp tác xã Gỗ")) && in_year(2023).contains(&n("Hợp tác xã Ổi"))
    );
    assert!(
        !in_year(2024).contains(&n("Hợp tác xã Ổi"))
            && !in_year(2024).contains(&n("Hợp tác xã Gỗ"))
    );
    let _ = (binh, xa);
}

hoptac_testkit::both_backends!(
    exclusions_come_from_the_history_and_the_report,
    the_classification_list_reads_ids_sheets_and_facts
);
