//! The score sheet's workflow and TT 09/2017's computed criterion.

use crate::error::AppError;
use crate::evaluations::{Action, EvalState};
use crate::registry::Actor;
use crate::registry_tests::{actor, d, htx, registry, tt01_scores};
use hoptac_domain::evaluation::Rating;
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::report::{ReportFigures, ReportStage};
use std::collections::BTreeMap;

fn the_evaluation_workflow(url: &str) {
    let reg = registry(url);
    let htx_actor = Actor::new("htx-chu-nhiem", None);
    let commune = Actor::new("can-bo-xa", None);
    let province = Actor::new("so-tai-chinh", None);
    let org = reg
        .create(
            htx(
                "Hợp tác xã Đánh Giá",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2018, 5, 1),
            ),
            &htx_actor,
        )
        .expect("org");
    reg.file_report(
        org.id,
        2023,
        ReportStage::Final,
        ReportFigures {
            total_capital_end: Some(100),
            indivisible_assets_end: Some(40),
            ..Default::default()
        },
        None,
        &htx_actor,
    )
    .expect("2023");
    reg.file_report(
        org.id,
        2024,
        ReportStage::Estimate,
        ReportFigures {
            total_capital_end: Some(150),
            indivisible_assets_end: Some(40),
            ..Default::default()
        },
        None,
        &htx_actor,
    )
    .expect("2024");
    let mut partial = BTreeMap::new();
    partial.insert("1a".to_owned(), 55);
    let e = reg
        .save_scores(
            org.id,
            2024,
            partial,
            BTreeMap::new(),
            None,
            None,
            &htx_actor,
        )
        .expect("draft");
    assert_eq!(
        (e.evaluation.state, e.evaluation.rule_set.as_str()),
        (EvalState::Draft, "tt01-2020")
    );
    let p: Vec<(String, Option<i32>)> = e
        .evaluation
        .proposals
        .iter()
        .map(|p| (p.code.clone(), p.points))
        .collect();
    assert_eq!(
        p,
        vec![("1b".to_owned(), Some(10)), ("2b".to_owned(), Some(0))],
        "growth proposed from the two reports"
    );
    // Bad scores are refused, naming the criterion.
    let mut bad = BTreeMap::new();
    bad.insert("1b".to_owned(), 11);
    bad.insert("99".to_owned(), 1);
    match reg.save_scores(
        org.id,
        2024,
        bad,
        BTreeMap::new(),
        None,
        Some(1),
        &htx_actor,
    ) {
        Err(AppError::Refused {
            code: "invalid_scores",
            vi,
            ..
        }) => {
            assert!(
                vi.contains("tiêu chí 1b: 1,1 điểm vượt mức tối đa 1,0"),
                "{vi}"
            );
            assert!(vi.contains("không có tiêu chí 99"), "{vi}");
        }
        other => panic!("expected invalid scores, got {other:?}"),
    }
    // An incomplete sheet cannot be submitted.
    assert!(matches!(
        reg.transition(org.id, 2024, Action::Submit, 1, &htx_actor),
        Err(AppError::Refused {
            code: "invalid_scores",
            ..
        })
    ));
    let e = reg
        .save_scores(
            org.id,
            2024,
            tt01_scores(705),
            BTreeMap::new(),
            None,
            Some(1),
            &htx_actor,
        )
        .expect("complete");
    // 2b scores 1.0 where the reports propose 0: submitting needs a reason.
    match reg.transition(org.id, 2024, Action::Submit, e.version, &htx_actor) {
        Err(AppError::Refused {
            code: "reason_required",
            vi,
            ..
        }) => assert!(vi.contains("2b"), "{vi}"),
        other => panic!("expected a reason to be required, got {other:?}"),
    }
    let mut reasons = BTreeMap::new();
    reasons.insert(
        "2b".to_owned(),
        "Tài sản không chia tăng theo biên bản kiểm kê cuối năm".to_owned(),
    );
    // A second person edits the sheet: they may not approve it either.
    let bookkeeper = Actor::new("ke-toan-htx", None);
    let e = reg
        .save_scores(
            org.id,
            2024,
            BTreeMap::new(),
            reasons,
            None,
            Some(e.version),
            &bookkeeper,
        )
        .expect("reason");
    let e = reg
        .transition(org.id, 2024, Action::Submit, e.version, &htx_actor)
        .expect("submit");
    let o = e.evaluation.outcome.clone().expect("outcome");
    assert_eq!((o.total, o.rating), (705, Rating::Fair));
    assert_eq!(e.evaluation.report_version, Some(1));
    let e = reg
        .transition(
            org.id,
            2024,
            Action::Return {
                reason: "Thiếu minh chứng tiêu chí 5".into(),
            },
            e.version,
            &commune,
        )
        .expect("return");
    assert_eq!(e.evaluation.state, EvalState::Draft);
    let e = reg
        .transition(org.id, 2024, Action::Submit, e.version, &htx_actor)
        .expect("resubmit");
    let e = reg
        .transition(org.id, 2024, Action::Review, e.version, &commune)
        .expect("review");
    assert!(matches!(
        reg.transition(org.id, 2024, Action::Approve, e.version, &htx_actor),
        Err(AppError::Refused {
            code: "approver_prepared",
            ..
        })
    ));
    assert!(matches!(
        reg.transition(org.id, 2024, Action::Approve, e.version, &bookkeeper),
        Err(AppError::Refused {
            code: "approver_prepared",
            ..
        })
    ));
    let e = reg
        .transition(org.id, 2024, Action::Approve, e.version, &province)
        .expect("approve");
    assert_eq!(e.evaluation.state, EvalState::Approved);
    // Approved sheets are locked.
    assert!(matches!(
        reg.save_scores(
            org.id,
            2024,
            tt01_scores(900),
            BTreeMap::new(),
            None,
            Some(e.version),
            &province
        ),
        Err(AppError::Refused {
            code: "not_a_draft",
            ..
        })
    ));
    assert!(matches!(
        reg.transition(
            org.id,
            2024,
            Action::Reopen { reason: " ".into() },
            e.version,
            &province
        ),
        Err(AppError::Refused {
            code: "reason_required",
            ..
        })
    ));
    let e = reg
        .transition(
            org.id,
            2024,
            Action::Reopen {
                reason: "Sai số liệu vốn".into(),
            },
            e.version,
            &province,
        )
        .expect("reopen");
    assert_eq!(e.evaluation.state, EvalState::Reviewed);
    let h = reg.evaluation_history(org.id, 2024).expect("history");
    assert!(h
        .iter()
        .any(|c| c.note.as_deref() == Some("Sai số liệu vốn")));
    // Stale versions are refused.
    assert!(matches!(
        reg.transition(org.id, 2024, Action::Approve, 1, &province),
        Err(AppError::StaleDocument { .. })
    ));
}

fn tt09_criterion_1_is_proposed_from_imported_report_figures(url: &str) {
    use crate::import::{import_reports, DocImportOptions};
    let reg = registry(url);
    let a = actor();
    // An agricultural HTX in 2019, before TT 01/2020: TT 09/2017 applies.
    let org = reg
        .create(
            htx(
                "Hợp tác xã Nông nghiệp Chín",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2015, 5, 1),
            ),
            &a,
        )
        .expect("org");
    let csv = format!(
            "Mã hồ sơ,Năm,Doanh thu,Doanh thu kế hoạch,Lợi nhuận sau thuế,Quỹ đầu tư phát triển,Quỹ dự phòng,Số thành viên cuối năm\n\
             {},2019,\"6.000.000.000\",\"5.000.000.000\",\"120.000.000\",\"24.000.000\",\"5.999.999\",20\n",
            org.id
        );
    let opts = DocImportOptions {
        year: None,
        dry_run: false,
        lang: hoptac_domain::i18n::Lang::Vi,
        approved: false,
    };
    let r = import_reports(&reg, "bao_cao_2019.csv", csv.into_bytes(), &opts, &a).expect("import");
    assert_eq!(r.created, 1);
    let f = reg.report(org.id, 2019).expect("report").report.figures;
    assert_eq!(
        (f.planned_revenue, f.after_tax_profit),
        (Some(5_000_000_000), Some(120_000_000))
    );
    let e = reg
        .save_scores(
            org.id,
            2019,
            BTreeMap::new(),
            BTreeMap::new(),
            None,
            None,
            &a,
        )
        .expect("draft");
    assert_eq!(e.evaluation.rule_set, "tt09-2017-nn");
    let p: Vec<(&str, Option<i32>)> = e
        .evaluation
        .proposals
        .iter()
        .map(|p| (p.code.as_str(), p.points))
        .collect();
    // 120% of plan → 8; 6 billion → 8; 6 million a member → 7; 20% → 5; just under 5% → 0.
    assert_eq!(
        p,
        vec![
            ("1a", Some(80)),
            ("1b", Some(80)),
            ("1c", Some(70)),
            ("1d", Some(50)),
            ("1e", Some(0))
        ]
    );
    let scores: BTreeMap<String, i32> = [
        ("1a", 80),
        ("1b", 80),
        ("1c", 70),
        ("1d", 50),
        ("1e", 0),
        ("2a", 80),
        ("2b", 130),
        ("3", 130),
        ("4", 120),
        ("5", 0),
        ("6", 40),
    ]
    .into_iter()
    .map(|(c, v)| (c.to_owned(), v))
    .collect();
    let e = reg
        .save_scores(
            org.id,
            2019,
            scores,
            BTreeMap::new(),
            None,
            Some(e.version),
            &a,
        )
        .expect("complete");
    let e = reg
        .transition(org.id, 2019, Action::Submit, e.version, &a)
        .expect("submit: the scores follow the proposals");
    let o = e.evaluation.outcome.expect("outcome");
    assert_eq!(
        (o.total, o.rating, o.by_criterion.get("1").copied()),
        (780, Rating::Fair, Some(280))
    );
}

/// Issue 12 §6: a draft score sheet for a year before the organisation existed is
/// refused, the message naming the founding date; the founding year itself is fine.
fn no_score_sheet_for_a_year_before_the_founding(url: &str) {
    use hoptac_domain::i18n::Lang;
    use hoptac_domain::validate::FieldProblem;
    let reg = registry(url);
    let a = actor();
    let org = reg
        .create(
            htx(
                "Hợp tác xã Lập Sau",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2021, 6, 15),
            ),
            &a,
        )
        .expect("org");
    let mut partial = BTreeMap::new();
    partial.insert("1a".to_owned(), 55);
    let early = reg.save_scores(
        org.id,
        2020,
        partial.clone(),
        BTreeMap::new(),
        None,
        None,
        &a,
    );
    let Err(e @ AppError::Invalid(_)) = early else {
        panic!("a sheet for 2020 was not refused: {early:?}");
    };
    let AppError::Invalid(errs) = &e else {
        unreachable!()
    };
    assert!(
        matches!(
            &errs[..],
            [f] if f.field == "year"
                && f.problem == FieldProblem::BeforeFounding { year: 2020, founded: d(2021, 6, 15) }
        ),
        "{errs:?}"
    );
    assert!(
        e.message(Lang::Vi).contains("15/06/2021"),
        "{}",
        e.message(Lang::Vi)
    );
    assert!(
        e.message(Lang::En).contains("founding") || e.message(Lang::En).contains("founded"),
        "{}",
        e.message(Lang::En)
    );
    assert!(reg.evaluation(org.id, 2020).is_err(), "nothing was written");
    reg.save_scores(org.id, 2021, partial, BTreeMap::new(), None, None, &a)
        .expect("the founding year can be scored");
}

hoptac_testkit::both_backends!(
    the_evaluation_workflow,
    no_score_sheet_for_a_year_before_the_founding,
    tt09_criterion_1_is_proposed_from_imported_report_figures
);
