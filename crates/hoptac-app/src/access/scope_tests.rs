//! Every method of the scoped handle that takes an organisation's id answers `NotFound`
//! to a commune officer for a record outside their communes, exactly as for an id that
//! does not exist; the lists leave such records out. On both databases.

use crate::error::AppError;
use crate::evaluations::Action as Step;
use crate::followups::{FollowUpInput, Plan};
use crate::registry_tests::{actor, d, htx, registry, tt01_scores};
use crate::reports::Filing;
use crate::Scoped;
use hoptac_domain::auth::{Principal, Role, Scope};
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_domain::org::{LinkKind, OrgFields, OrgId, Status, StatusChange};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::report::{ReportFigures, ReportStage};

fn ok<T>(r: Result<T, AppError>) -> Result<(), AppError> {
    r.map(|_| ())
}

/// Every read and write the web does through the handle, on one id.
fn by_id(me: &Scoped, id: OrgId, other: OrgId) -> Vec<(&'static str, Result<(), AppError>)> {
    let a = me.actor("test");
    let fu = FollowUpInput {
        plan: Plan::Support,
        description: "Hỗ trợ".into(),
        owner: "Cán bộ".into(),
        deadline: d(2026, 12, 31),
        outcome: None,
        closed: false,
    };
    let status = StatusChange {
        status: Status::Suspended,
        until: Some(d(2026, 12, 31)),
        reason: None,
        document: Some("QĐ 1".into()),
    };
    let rename = OrgFields {
        notes: Some("ghi chú".into()),
        ..Default::default()
    };
    vec![
        ("get", ok(me.get(id, None))),
        ("get as of", ok(me.get(id, Some(d(2024, 1, 1))))),
        ("visible", ok(me.visible(id))),
        ("for_edit", ok(me.for_edit(id))),
        ("history", ok(me.history(id))),
        ("incoming_links", ok(me.incoming_links(id))),
        ("dossier", ok(me.dossier(id))),
        ("report", ok(me.report(id, 2025))),
        ("report_history", ok(me.report_history(id, 2025))),
        ("evaluation", ok(me.evaluation(id, 2025))),
        ("sheet", ok(me.sheet(id, 2025))),
        (
            "file_report",
            ok(me.file_report(
                id,
                2025,
                ReportStage::Estimate,
                ReportFigures::default(),
                None,
                &a,
            )),
        ),
        (
            "save_scores",
            ok(me.save_scores(
                id,
                2025,
                Default::default(),
                Default::default(),
                None,
                None,
                &a,
            )),
        ),
        (
            "transition",
            ok(me.transition(id, 2025, Step::Submit, 1, &a)),
        ),
        (
            "save_follow_up",
            ok(me.save_follow_up(id, 2025, fu, None, &a)),
        ),
        ("update", ok(me.update(id, 1, rename, None, &a))),
        ("set_status", ok(me.set_status(id, 1, status, None, &a))),
        (
            "link",
            ok(me.link(id, 1, LinkKind::MemberOf, other, None, None, &a)),
        ),
        ("end_link", ok(me.end_link(id, 1, 1, None, None, &a))),
        (
            "convert",
            ok(me.convert(id, 1, OrgFields::default(), None, &a)),
        ),
    ]
}

fn out_of_scope_ids_are_not_found_everywhere(url: &str) {
    let reg = registry(url);
    let a = actor();
    let legacy = |c: &str| PlaceRef::new(Scheme::Legacy, c);
    let own = reg
        .create(
            htx("Hợp tác xã Trong Xã", legacy("06205"), d(2019, 5, 1)),
            &a,
        )
        .expect("own");
    let other = reg
        .create(
            htx("Hợp tác xã Ngoài Xã", legacy("06094"), d(2019, 5, 1)),
            &a,
        )
        .expect("other");
    // The other record has a report and a score sheet, so a read that skipped the scope
    // would find something.
    reg.file_report(
        other.id,
        2025,
        ReportStage::Estimate,
        ReportFigures::default(),
        None,
        &a,
    )
    .expect("report");
    reg.save_scores(
        other.id,
        2025,
        tt01_scores(700),
        Default::default(),
        None,
        None,
        &a,
    )
    .expect("scores");
    let commune = own.places.commune_2025.clone().expect("2025 commune");
    assert_ne!(other.places.commune_2025.as_ref(), Some(&commune));
    let officer = Principal {
        user_id: 0,
        username: "xa".into(),
        display_name: "Cán bộ xã".into(),
        role: Role::CommuneOfficer,
        scope: Scope::Communes {
            codes: vec![commune],
        },
    };
    let me = reg.for_principal(&officer);
    let missing: OrgId = 987_654;
    for (id, what) in [(other.id, "out of scope"), (missing, "missing")] {
        for (method, r) in by_id(&me, id, own.id) {
            assert!(
                matches!(r, Err(AppError::NotFound { .. })),
                "{method} on a record {what}: {r:?}"
            );
        }
    }
    // Province-wide, the same reads find the other record: the refusals are the scope's.
    let province = reg.for_principal(&Principal {
        role: Role::ProvincialOfficer,
        scope: Scope::All,
        ..officer.clone()
    });
    assert!(province.dossier(other.id).is_ok() && province.history(other.id).is_ok());
    assert!(province.report(other.id, 2025).is_ok());
    assert!(province.evaluation(other.id, 2025).is_ok() && province.sheet(other.id, 2025).is_ok());
    // The same reads succeed in scope, so the refusals above are the scope's.
    assert!(me.dossier(own.id).is_ok() && me.history(own.id).is_ok());
    assert!(me.report_history(own.id, 2025).is_ok() && me.sheet(own.id, 2025).is_ok());
    assert!(me.follow_up_entry(other.id, 2025).expect("entry").is_none());
    assert!(me
        .current_views(&[own.id, other.id])
        .expect("views")
        .iter()
        .all(|v| v.id == own.id));
    // Lists leave the other commune's record out.
    let listed = me
        .list(&OrgFilter::default(), PageRequest::all())
        .expect("list");
    assert!(listed.items.iter().all(|v| v.id != other.id));
    assert!(!listed.items.is_empty());
    let missing_filings = me
        .missing_filings(2025, Filing::SelfEvaluation, None)
        .expect("missing");
    assert!(missing_filings.iter().all(|m| m.org.id != other.id));
    assert!(me
        .to_classify(2025)
        .expect("to classify")
        .iter()
        .all(|r| r.org_id != other.id));
    assert!(me
        .needing_follow_up(2025)
        .expect("follow-ups")
        .iter()
        .all(|n| n.org.id != other.id));
}

hoptac_testkit::both_backends!(out_of_scope_ids_are_not_found_everywhere);
