//! Identity proposals (issue 12 §6): a cooperative account proposes a change to its
//! legal identity, an officer in scope accepts or refuses it; an officer of another
//! commune neither sees nor decides it, and the cooperative cannot decide its own.
//! On both databases.

use crate::error::AppError;
use crate::proposals::ProposalState;
use crate::registry_tests::{actor, d, htx, registry};
use crate::{Registry, Scoped};
use hoptac_domain::auth::{Principal, Role, Scope};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, Sector};
use hoptac_domain::place::{PlaceRef, Scheme};

struct World {
    reg: Registry,
    own: OrgView,
    coop: Scoped,
    officer: Scoped,
    stranger: Scoped,
}

fn who(username: &str, role: Role, scope: Scope) -> Principal {
    Principal {
        user_id: 0,
        username: username.into(),
        display_name: username.into(),
        role,
        scope,
    }
}

fn world(url: &str) -> World {
    let reg = registry(url);
    let legacy = |c: &str| PlaceRef::new(Scheme::Legacy, c);
    let own = reg
        .create(
            htx("Hợp tác xã Đề Nghị", legacy("06205"), d(2019, 5, 1)),
            &actor(),
        )
        .expect("own");
    let other = reg
        .create(
            htx("Hợp tác xã Xã Khác", legacy("06094"), d(2019, 5, 1)),
            &actor(),
        )
        .expect("other");
    let commune = |v: &OrgView| v.places.commune_2025.clone().expect("commune");
    let coop = reg.for_principal(&who(
        "htx",
        Role::Cooperative,
        Scope::Organisation { id: own.id },
    ));
    let officer = reg.for_principal(&who(
        "can.bo.xa",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec![commune(&own)],
        },
    ));
    let stranger = reg.for_principal(&who(
        "can.bo.xa.khac",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec![commune(&other)],
        },
    ));
    World {
        reg,
        own,
        coop,
        officer,
        stranger,
    }
}

fn renaming() -> OrgFields {
    OrgFields {
        name: Some("Hợp tác xã Tên Mới".into()),
        tax_code: Some("4900000199".into()),
        // Not an identity attribute: a proposal leaves it out.
        phone: Some("0205 111 222".into()),
        ..Default::default()
    }
}

fn a_cooperative_proposes_and_an_officer_in_scope_accepts(url: &str) {
    let w = world(url);
    let id = w.own.id;
    // Changing it directly stays refused.
    let direct = w
        .coop
        .update(id, 1, renaming(), None, &w.coop.actor("test"));
    assert!(
        matches!(direct, Err(AppError::Forbidden { .. })),
        "{direct:?}"
    );
    let p = w
        .coop
        .propose_identity(id, &renaming(), &w.coop.actor("test"))
        .expect("propose")
        .expect("something to propose");
    assert_eq!(p.proposal.state(), ProposalState::Pending);
    assert_eq!(p.proposal.proposed.phone, None, "only identity attributes");
    assert_eq!(p.proposal.was.name.as_deref(), Some("Hợp tác xã Đề Nghị"));
    assert_eq!(p.proposal.author, "htx");
    // Proposing what the record already says is no proposal.
    let same = OrgFields {
        name: Some("Hợp tác xã Đề Nghị".into()),
        ..Default::default()
    };
    assert!(w
        .coop
        .propose_identity(id, &same, &w.coop.actor("t"))
        .expect("same")
        .is_none());
    // A bad tax code is named at once, not left for the officer.
    let bad = OrgFields {
        tax_code: Some("12".into()),
        ..Default::default()
    };
    assert!(matches!(
        w.coop.propose_identity(id, &bad, &w.coop.actor("t")),
        Err(AppError::Invalid(_))
    ));
    // The cooperative sees its proposal but cannot decide it.
    assert_eq!(w.coop.identity_proposals(id).expect("list").len(), 1);
    let all = ["name".to_owned(), "tax_code".to_owned()];
    let own_accept = w
        .coop
        .accept_proposal(id, &p.id, 1, &all, &w.coop.actor("t"));
    assert!(
        matches!(own_accept, Err(AppError::Forbidden { .. })),
        "{own_accept:?}"
    );
    let own_refuse = w
        .coop
        .refuse_proposal(id, &p.id, "không", &w.coop.actor("t"));
    assert!(matches!(own_refuse, Err(AppError::Forbidden { .. })));
    // The officer accepts: an ordinary update by the officer.
    let (view, decided) = w
        .officer
        .accept_proposal(id, &p.id, 1, &all, &w.officer.actor("web"))
        .expect("accept");
    assert_eq!(view.name(), "Hợp tác xã Tên Mới");
    assert_eq!(view.fields.tax_code.as_deref(), Some("4900000199"));
    let decision = decided.proposal.decision.clone().expect("decision");
    assert_eq!(
        (decision.state, decision.by.as_str()),
        (ProposalState::Accepted, "can.bo.xa")
    );
    let history = w.officer.history(id).expect("history");
    assert!(
        history.iter().any(|c| c.author == "can.bo.xa"),
        "the officer's update"
    );
    // Both the proposal and the decision are on record.
    let steps = w
        .officer
        .proposal_history(id, &p.id)
        .expect("proposal history");
    assert_eq!(steps.len(), 2);
    assert_eq!(
        (steps[0].author.as_str(), steps[1].author.as_str()),
        ("htx", "can.bo.xa")
    );
    // Decided once: a second decision is refused.
    let again = w
        .officer
        .refuse_proposal(id, &p.id, "muộn", &w.officer.actor("t"));
    assert!(matches!(again, Err(AppError::Refused { .. })), "{again:?}");
    let admin = w.reg.for_principal(&who("admin", Role::Admin, Scope::All));
    let trail = admin.audit(100, false).expect("audit").recent;
    let of_proposal = trail
        .iter()
        .filter(|l| l.entries.contains("identity_proposal") && l.entries.contains(&p.id))
        .map(|l| l.actor.as_str())
        .collect::<Vec<_>>();
    assert!(
        of_proposal.contains(&"htx") && of_proposal.contains(&"can.bo.xa"),
        "proposal and decision in the audit trail: {of_proposal:?}"
    );
}

fn a_refusal_needs_a_reason_and_changes_nothing(url: &str) {
    let w = world(url);
    let id = w.own.id;
    let p = w
        .coop
        .propose_identity(id, &renaming(), &w.coop.actor("t"))
        .expect("propose")
        .expect("proposal");
    let blank = w
        .officer
        .refuse_proposal(id, &p.id, "  ", &w.officer.actor("t"));
    assert!(matches!(blank, Err(AppError::Invalid(_))), "{blank:?}");
    let refused = w
        .officer
        .refuse_proposal(
            id,
            &p.id,
            "Chưa có giấy chứng nhận mới",
            &w.officer.actor("t"),
        )
        .expect("refuse");
    let decision = refused.proposal.decision.expect("decision");
    assert_eq!(decision.state, ProposalState::Refused);
    assert_eq!(
        decision.reason.as_deref(),
        Some("Chưa có giấy chứng nhận mới")
    );
    let now = w.reg.get(id, None).expect("record");
    assert_eq!((now.name(), now.version), ("Hợp tác xã Đề Nghị", 1));
}

fn an_officer_of_another_commune_neither_sees_nor_decides(url: &str) {
    let w = world(url);
    let id = w.own.id;
    let p = w
        .coop
        .propose_identity(id, &renaming(), &w.coop.actor("t"))
        .expect("propose")
        .expect("proposal");
    let all = ["name".to_owned()];
    let a = w.stranger.actor("t");
    assert!(matches!(
        w.stranger.identity_proposals(id),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        w.stranger.accept_proposal(id, &p.id, 1, &all, &a),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        w.stranger.refuse_proposal(id, &p.id, "không", &a),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        w.stranger.proposal_history(id, &p.id),
        Err(AppError::NotFound { .. })
    ));
    // A proposal named under another record does not exist there.
    let other = w.reg.get(id + 1, None).expect("other").id;
    let o = w
        .reg
        .for_principal(&who("tinh", Role::ProvincialOfficer, Scope::All));
    assert!(matches!(
        o.accept_proposal(other, &p.id, 1, &all, &a),
        Err(AppError::NotFound { .. })
    ));
}

fn a_stale_proposal_is_accepted_field_by_field(url: &str) {
    let w = world(url);
    let id = w.own.id;
    let p = w
        .coop
        .propose_identity(id, &renaming(), &w.coop.actor("t"))
        .expect("propose")
        .expect("proposal");
    // Meanwhile the officer corrects the name and the sector.
    let fix = OrgFields {
        name: Some("Hợp tác xã Đề Nghị Đã Sửa".into()),
        sector: Some(Sector::TradeServices),
        ..Default::default()
    };
    let v = w
        .officer
        .update(id, 1, fix, None, &w.officer.actor("t"))
        .expect("fix");
    // The proposal read at version 1 is now behind: accepting from the old page is a
    // conflict, nothing written.
    let only_tax = ["tax_code".to_owned()];
    let late = w
        .officer
        .accept_proposal(id, &p.id, 1, &only_tax, &w.officer.actor("t"));
    assert!(matches!(late, Err(AppError::Conflict { .. })), "{late:?}");
    // Accepting only the tax code keeps the officer's name.
    let (view, rec) = w
        .officer
        .accept_proposal(id, &p.id, v.version, &only_tax, &w.officer.actor("t"))
        .expect("accept");
    assert_eq!(view.name(), "Hợp tác xã Đề Nghị Đã Sửa");
    assert_eq!(view.fields.tax_code.as_deref(), Some("4900000199"));
    assert_eq!(rec.proposal.decision.expect("decision").fields, only_tax);
    // Accepting no field at all is not an acceptance.
    let q = w
        .coop
        .propose_identity(id, &renaming(), &w.coop.actor("t"))
        .expect("propose")
        .expect("proposal");
    assert!(matches!(
        w.officer
            .accept_proposal(id, &q.id, view.version, &[], &w.officer.actor("t")),
        Err(AppError::Invalid(_))
    ));
}

hoptac_testkit::both_backends!(
    a_cooperative_proposes_and_an_officer_in_scope_accepts,
    a_refusal_needs_a_reason_and_changes_nothing,
    an_officer_of_another_commune_neither_sees_nor_decides,
    a_stale_proposal_is_accepted_field_by_field
);
