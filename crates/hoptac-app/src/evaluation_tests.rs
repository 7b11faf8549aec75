//! Annual reports and evaluations on both databases.

use crate::error::AppError;
use crate::evaluations::{Action, EvalState};
use crate::registry::{Actor, NewOrg};
use crate::registry_tests::{actor, d, htx, registry, tt01_scores};
use hoptac_domain::evaluation::Rating;
use hoptac_domain::org::{OrgKind, Status, StatusChange};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::report::{ReportFigures, ReportStage};
use std::collections::BTreeMap;

fn reports_keep_every_correction_and_refuse_bad_years_and_money(url: &str) {
    let reg = registry(url);
    let a = actor();
    let org = reg
        .create(
            htx(
                "Hợp tác xã Báo Cáo",
                PlaceRef::new(Scheme::Legacy, "06205"),
                d(2019, 5, 1),
            ),
            &a,
        )
        .expect("org");
    let est = ReportFigures {
        revenue: Some(1_000_000_000),
        total_capital_end: Some(500_000_000),
        ..Default::default()
    };
    let r = reg
        .file_report(org.id, 2024, ReportStage::Estimate, est, None, &a)
        .expect("estimate");
    assert_eq!(r.version, 1);
    // Filing again without naming the version is a conflict, not an overwrite.
    assert!(matches!(
        reg.file_report(
            org.id,
            2024,
            ReportStage::Estimate,
            ReportFigures::default(),
            None,
            &a
        ),
        Err(AppError::StaleDocument { .. })
    ));
    let other = Actor::new("kế toán", None);
    let fin = reg
        .file_report(
            org.id,
            2024,
            ReportStage::Final,
            ReportFigures {
                revenue: Some(1_100_000_000),
                ..Default::default()
            },
            Some(1),
            &other,
        )
        .expect("final");
    assert_eq!((fin.version, fin.report.stage), (2, ReportStage::Final));
    assert_eq!(
        fin.report.figures.total_capital_end,
        Some(500_000_000),
        "a correction keeps the other figures"
    );
    assert!(matches!(
        reg.file_report(
            org.id,
            2024,
            ReportStage::Estimate,
            ReportFigures::default(),
            Some(2),
            &a
        ),
        Err(AppError::Refused {
            code: "report_already_final",
            ..
        })
    ));
    // A correction is checked with the figures it joins.
    let ops = ReportFigures {
        months_operated: Some(10),
        ..Default::default()
    };
    let with_ops = reg
        .file_report(org.id, 2024, ReportStage::Final, ops, Some(2), &a)
        .expect("months");
    assert!(matches!(
        reg.file_report(
            org.id,
            2024,
            ReportStage::Final,
            ReportFigures {
                months_suspended: Some(5),
                ..Default::default()
            },
            Some(with_ops.version),
            &a
        ),
        Err(AppError::Invalid(_))
    ));
    let h = reg.report_history(org.id, 2024).expect("history");
    assert_eq!(
        h.iter().map(|c| c.author.as_str()).collect::<Vec<_>>(),
        vec!["tester", "kế toán", "tester"]
    );
    assert_eq!(h[0].body.figures.revenue, Some(1_000_000_000));
    let fields = |r| match r {
        Err(AppError::Invalid(errs)) => errs.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        other => panic!("expected invalid, got {other:?}"),
    };
    assert_eq!(
        fields(reg.file_report(
            org.id,
            2018,
            ReportStage::Final,
            ReportFigures::default(),
            None,
            &a
        )),
        vec!["year"]
    );
    assert_eq!(
        fields(reg.file_report(
            org.id,
            2027,
            ReportStage::Estimate,
            ReportFigures::default(),
            None,
            &a
        )),
        vec!["year"]
    );
    assert_eq!(
        fields(reg.file_report(
            org.id,
            2023,
            ReportStage::Final,
            ReportFigures {
                revenue: Some(-5),
                ..Default::default()
            },
            None,
            &a
        )),
        vec!["revenue"]
    );
}

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
    reports_keep_every_correction_and_refuse_bad_years_and_money,
    the_evaluation_workflow,
    tt09_criterion_1_is_proposed_from_imported_report_figures,
    exclusions_come_from_the_history_and_the_report,
    the_classification_list_reads_ids_sheets_and_facts
);
