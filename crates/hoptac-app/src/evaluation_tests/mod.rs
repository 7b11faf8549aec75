//! Annual reports and evaluations on both databases.

use crate::error::AppError;
use crate::registry::Actor;
use crate::registry_tests::{actor, d, htx, registry};
use hoptac_domain::place::{PlaceRef, Scheme};
use hoptac_domain::report::{ReportFigures, ReportStage};

mod classification;
mod workflow;

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

hoptac_testkit::both_backends!(reports_keep_every_correction_and_refuse_bad_years_and_money,);
