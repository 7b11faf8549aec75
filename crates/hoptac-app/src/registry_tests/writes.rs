//! Writes: versions, concurrency, refusals, the audit trail.

use super::*;
use crate::error::AppError;
use crate::registry::{Actor, NewOrg};
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_domain::org::{OrgFields, OrgKind};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::validate::FieldProblem;

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
        reg.list(
            &hoptac_domain::auth::Scope::All,
            &OrgFilter::default(),
            PageRequest::default()
        )
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

/// Changes cannot take effect before the organisation existed, links not before both
/// ends existed, and follow-ups are for years from 1990 to this year.
fn dates_before_founding_and_years_out_of_range_are_refused(url: &str) {
    use hoptac_domain::org::{LinkKind, Status, StatusChange};
    let reg = registry(url);
    let a = actor();
    let v = reg
        .create(htx("Hợp tác xã Sau", legacy("06205"), d(2019, 1, 1)), &a)
        .expect("create");
    let members = |n| OrgFields {
        members: Some(n),
        ..Default::default()
    };
    fn field_problem<T: std::fmt::Debug>(r: crate::Result<T>) -> Vec<(String, FieldProblem)> {
        match r {
            Err(AppError::Invalid(errs)) => errs
                .into_iter()
                .map(|e| (e.field.to_string(), e.problem))
                .collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    let before = field_problem(reg.update(v.id, v.version, members(20), Some(d(192, 5, 1)), &a));
    assert!(
        matches!(
            before.as_slice(),
            [(f, FieldProblem::DateBeforeFounding { founded, .. })] if f == "effective" && *founded == d(2019, 1, 1)
        ),
        "{before:?}"
    );
    // Correcting the founding date to earlier lets an earlier change through.
    let earlier = OrgFields {
        founding_date: Some(d(2018, 6, 1)),
        ..members(20)
    };
    let v = reg
        .update(v.id, v.version, earlier, Some(d(2018, 6, 1)), &a)
        .expect("founding corrected with the change");
    let suspend = StatusChange {
        status: Status::Suspended,
        until: None,
        reason: None,
        document: None,
    };
    let before = field_problem(reg.set_status(v.id, v.version, suspend, Some(d(2000, 1, 1)), &a));
    assert_eq!(before[0].0, "effective");
    // A union founded in 2022: no membership before then.
    let union = reg
        .create(
            NewOrg {
                kind: Some(OrgKind::Union),
                ..htx("Liên hiệp HTX Mới", legacy("06205"), d(2022, 3, 1))
            },
            &a,
        )
        .expect("union");
    let before = field_problem(reg.link(
        v.id,
        v.version,
        LinkKind::MemberOf,
        union.id,
        Some(d(2021, 1, 1)),
        None,
        &a,
    ));
    assert!(
        matches!(before[0].1, FieldProblem::DateBeforeFounding { founded, .. } if founded == d(2022, 3, 1))
    );
    // Follow-ups: no year 3000, no year 1800.
    let plan = || crate::followups::FollowUpInput {
        plan: crate::followups::Plan::Support,
        description: "Hỗ trợ".into(),
        owner: "Phòng Kinh tế".into(),
        deadline: d(2026, 12, 31),
        outcome: None,
        closed: false,
    };
    for (year, expect_future) in [(3000, true), (218_387, true), (1800, false)] {
        let p = field_problem(reg.save_follow_up(v.id, year, plan(), None, &a));
        assert_eq!(p[0].0, "year", "{year}");
        assert_eq!(
            matches!(p[0].1, FieldProblem::FutureYear(_)),
            expect_future,
            "{year}: {p:?}"
        );
    }
}

hoptac_testkit::both_backends!(
    dates_before_founding_and_years_out_of_range_are_refused,
    a_stale_version_is_refused_with_both_versions,
    concurrent_writers_never_both_win,
    duplicate_tax_codes_and_bad_values_are_refused,
    late_corrections_conversion_dates_and_required_members,
    every_write_is_in_the_audit_trail_with_before_and_after
);
