//! Tampering with the stored state outside the application is caught by the audit
//! trail (issue 11 §5): each edit below is made by direct SQL, and verification names
//! the table and record. On both databases.

use crate::evaluations::Action;
use crate::import_tests::messy_registry;
use crate::registry::{Actor, Registry};
use crate::registry_tests::{d, htx, tt01_scores};
use hoptac_domain::auth::{Role, Scope};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::report::{ReportFigures, ReportStage};
use hoptac_store::audit::{self, Finding, Problem, RecordFinding};
use hoptac_store::Val;
use std::collections::BTreeMap;

fn sql(reg: &Registry, q: &str, p: &[Val]) {
    reg.db
        .write(|c| c.execute(q, p).map(|_| ()))
        .unwrap_or_else(|e| panic!("{q}: {e}"));
}

fn one_i64(reg: &Registry, q: &str) -> i64 {
    reg.db
        .read(|c| c.query_one(q, &[]))
        .expect("read")
        .expect("a row")
        .i64(0)
        .expect("a number")
}

fn one_text(reg: &Registry, q: &str) -> String {
    reg.db
        .read(|c| c.query_one(q, &[]))
        .expect("read")
        .expect("a row")
        .text(0)
        .expect("text")
}

fn findings(reg: &Registry) -> Vec<(String, String, Problem)> {
    audit::verify_state(&reg.db)
        .expect("verify state")
        .findings
        .into_iter()
        .map(
            |RecordFinding {
                 table,
                 record,
                 problem,
             }| (table.to_owned(), record, problem),
        )
        .collect()
}

/// An approved score sheet for a new cooperative, through the whole workflow.
fn approved_sheet(reg: &Registry) {
    let (coop, commune, province) = (
        Actor::new("htx-chu-nhiem", None),
        Actor::new("can-bo-xa", None),
        Actor::new("so-tai-chinh", None),
    );
    let org = reg
        .create(
            htx(
                "Hợp tác xã Kiểm Toán",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2018, 5, 1),
            ),
            &coop,
        )
        .expect("org");
    for (year, stage) in [(2023, ReportStage::Final), (2024, ReportStage::Estimate)] {
        let figures = ReportFigures {
            total_capital_end: Some(100),
            indivisible_assets_end: Some(40),
            ..Default::default()
        };
        reg.file_report(org.id, year, stage, figures, None, &coop)
            .expect("report");
    }
    let mut reasons = BTreeMap::new();
    for code in ["1b", "2b"] {
        reasons.insert(code.to_owned(), "Theo biên bản kiểm kê".to_owned());
    }
    let e = reg
        .save_scores(org.id, 2024, tt01_scores(705), reasons, None, None, &coop)
        .expect("scores");
    let e = reg
        .transition(org.id, 2024, Action::Submit, e.version, &coop)
        .expect("submit");
    let e = reg
        .transition(org.id, 2024, Action::Review, e.version, &commune)
        .expect("review");
    reg.transition(org.id, 2024, Action::Approve, e.version, &province)
        .expect("approve");
}

/// A registry after an import, with accounts, tokens (one revoked), an approved score
/// sheet and the shipped targets: everything written by the application.
fn populated(url: &str) -> Registry {
    let reg = messy_registry(url);
    let cli = Actor::new("cli", None);
    reg.add_user(
        "can.bo.xa",
        "Cán bộ xã",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec!["06184".into()],
        },
        "mot-mat-khau-dai",
        &cli,
    )
    .expect("commune officer");
    reg.add_user(
        "lanh.dao",
        "Lãnh đạo",
        Role::Leader,
        Scope::All,
        "mot-mat-khau-dai",
        &cli,
    )
    .expect("leader");
    reg.issue_token("can.bo.xa", "api", &cli).expect("token");
    reg.issue_token("lanh.dao", "old", &cli).expect("token");
    let old = reg.tokens(Some("lanh.dao")).expect("tokens")[0].id;
    reg.revoke_token(old, &cli).expect("revoke");
    reg.reset_password("lanh.dao", "mot-mat-khau-moi", &cli)
        .expect("reset");
    approved_sheet(&reg);
    reg
}

fn an_untouched_database_verifies_as_intact(url: &str) {
    let reg = populated(url);
    assert!(matches!(
        audit::verify(&reg.db, None).expect("verify"),
        Finding::Intact { .. }
    ));
    let state = audit::verify_state(&reg.db).expect("verify state");
    assert_eq!(state.findings, vec![], "nothing outside the trail");
    assert!(state.records > 30, "{} records compared", state.records);
    // Sealing has nothing to do on a database the trail covers.
    assert_eq!(audit::seal(&reg.db, "test").expect("seal"), 0);
}

fn each_tampering_is_named_with_its_table_and_record(url: &str) {
    let reg = populated(url);
    let mut expected: Vec<(String, String, Problem)> = Vec::new();
    let mut tamper = |q: &str, p: &[Val], table: &str, record: String, problem: Problem| {
        sql(&reg, q, p);
        expected.push((table.to_owned(), record, problem));
        let mut want = expected.clone();
        want.sort();
        let mut got = findings(&reg);
        got.sort();
        assert_eq!(got, want, "after {q}");
    };
    tamper(
        "UPDATE organisations SET name = 'Hợp tác xã Giả' WHERE id = 3",
        &[],
        "organisations",
        "3".into(),
        Problem::Altered,
    );
    tamper(
        "UPDATE org_changes SET author = 'ai-do' WHERE org_id = 5 AND seq = 1",
        &[],
        "org_changes",
        "5".into(),
        Problem::Altered,
    );
    let officer = one_i64(&reg, "SELECT id FROM users WHERE username = 'can.bo.xa'");
    tamper(
        "UPDATE users SET role = 'admin', scope = '{\"type\":\"all\"}' WHERE id = ?",
        &[officer.into()],
        "users",
        officer.to_string(),
        Problem::Altered,
    );
    let leader = one_i64(&reg, "SELECT id FROM users WHERE username = 'lanh.dao'");
    tamper(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = ?) WHERE id = ?",
        &[officer.into(), leader.into()],
        "users",
        leader.to_string(),
        Problem::Altered,
    );
    let revoked = one_i64(
        &reg,
        "SELECT id FROM api_tokens WHERE revoked_at IS NOT NULL",
    );
    tamper(
        "UPDATE api_tokens SET revoked_at = NULL WHERE id = ?",
        &[revoked.into()],
        "api_tokens",
        revoked.to_string(),
        Problem::Altered,
    );
    tamper(
        "INSERT INTO api_tokens (id, token_hash, user_id, label, created_at) VALUES (999, 'abc', ?, 'x', ?)",
        &[officer.into(), chrono::Utc::now().into()],
        "api_tokens",
        "999".into(),
        Problem::Unrecorded,
    );
    let sheet = one_text(
        &reg,
        "SELECT id FROM documents WHERE kind = 'evaluation' AND state = 'approved'",
    );
    tamper(
        "UPDATE documents SET body = REPLACE(body, '705', '905') WHERE kind = 'evaluation' AND id = ?",
        &[sheet.clone().into()],
        "documents",
        format!("evaluation:{sheet}"),
        Problem::Altered,
    );
    let target = reg.targets().expect("targets")[0].0.clone();
    tamper(
        "UPDATE documents SET body = REPLACE(body, '\"value\":', '\"value\":1') WHERE kind = 'target' AND id = ?",
        &[target.clone().into()],
        "documents",
        format!("target:{target}"),
        Problem::Altered,
    );
    tamper(
        "DELETE FROM document_changes WHERE kind = 'target' AND id = ?",
        &[target.clone().into()],
        "document_changes",
        format!("target:{target}"),
        Problem::Deleted,
    );
    // Sealing covers only what the trail never named: the added token, nothing else.
    assert_eq!(audit::seal(&reg.db, "test").expect("seal"), 1);
    let left = findings(&reg);
    assert_eq!(left.len(), expected.len() - 1, "{left:?}");
    // The tail: the last link deleted is missing, without an anchor.
    let last = one_i64(&reg, "SELECT MAX(seq) FROM audit_log");
    sql(&reg, "DELETE FROM audit_log WHERE seq = ?", &[last.into()]);
    assert_eq!(
        audit::verify(&reg.db, None).expect("verify"),
        Finding::Missing { seq: last }
    );
}

hoptac_testkit::both_backends!(
    an_untouched_database_verifies_as_intact,
    each_tampering_is_named_with_its_table_and_record
);
