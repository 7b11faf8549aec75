//! Proposal tests: growth from two reports, and the TT 09/2017 bands at their edges.

use super::tests::{tt01, tt09};
use super::*;
use crate::report::ReportFigures;

#[test]
fn growth_is_proposed_from_two_reports() {
    let rs = tt01();
    let y = ReportFigures {
        total_capital_end: Some(120),
        indivisible_assets_end: Some(50),
        ..Default::default()
    };
    let y1 = ReportFigures {
        total_capital_end: Some(100),
        indivisible_assets_end: Some(50),
        ..Default::default()
    };
    let p = propose(&rs, Some(&y), Some(&y1));
    assert_eq!(
        p.iter()
            .map(|p| (p.code.as_str(), p.points))
            .collect::<Vec<_>>(),
        vec![("1b", Some(10)), ("2b", Some(0))]
    );
    let none = propose(&rs, Some(&y), None);
    assert!(none.iter().all(|p| p.points.is_none()));
}

/// The proposal for one TT 09/2017 part from a report for the year alone.
fn tt09_proposal(code: &str, f: &ReportFigures) -> Option<i32> {
    let p = propose(&tt09(), Some(f), None);
    p.into_iter()
        .find(|p| p.code == code)
        .expect("criterion 1 parts are computed")
        .points
}

#[test]
fn tt09_1a_revenue_against_plan_edges() {
    let at = |revenue: i64, plan: Option<i64>| {
        tt09_proposal(
            "1a",
            &ReportFigures {
                revenue: Some(revenue),
                planned_revenue: plan,
                ..Default::default()
            },
        )
    };
    let plan = Some(1_000_000_000);
    assert_eq!(at(0, plan), Some(0));
    assert_eq!(at(999_999_999, plan), Some(0), "just below 100%");
    assert_eq!(at(1_000_000_000, plan), Some(40), "at 100%");
    assert_eq!(at(1_199_999_999, plan), Some(40), "just below 120%");
    assert_eq!(at(1_200_000_000, plan), Some(80), "at 120%");
    assert_eq!(at(5_000_000_000, plan), Some(80));
    // Exact at edges a float would miss: 120% of 3 VND is 3.6 VND.
    assert_eq!(at(6, Some(5)), Some(80), "6/5 is exactly 120%");
    // 120% of 2,999,999,999 is 3,599,999,998.8.
    assert_eq!(at(3_599_999_998, Some(2_999_999_999)), Some(40));
    assert_eq!(at(3_599_999_999, Some(2_999_999_999)), Some(80));
    // No plan, a zero plan or no revenue: no proposal.
    assert_eq!(at(1_000_000_000, None), None);
    assert_eq!(at(1_000_000_000, Some(0)), None);
    let no_revenue = ReportFigures {
        planned_revenue: plan,
        ..Default::default()
    };
    assert_eq!(tt09_proposal("1a", &no_revenue), None);
}

#[test]
fn tt09_1b_total_revenue_edges() {
    let at = |revenue: Option<i64>| {
        tt09_proposal(
            "1b",
            &ReportFigures {
                revenue,
                ..Default::default()
            },
        )
    };
    assert_eq!(at(Some(0)), Some(40), "below 1 billion still scores 4");
    assert_eq!(at(Some(999_999_999)), Some(40));
    assert_eq!(at(Some(1_000_000_000)), Some(60));
    assert_eq!(at(Some(4_999_999_999)), Some(60));
    assert_eq!(at(Some(5_000_000_000)), Some(80));
    assert_eq!(at(Some(9_999_999_999)), Some(80));
    assert_eq!(at(Some(10_000_000_000)), Some(100));
    assert_eq!(at(Some(i64::MAX)), Some(100));
    assert_eq!(at(None), None);
}

#[test]
fn tt09_1c_after_tax_income_per_member_edges() {
    let at = |profit: i64, members: Option<i64>| {
        tt09_proposal(
            "1c",
            &ReportFigures {
                after_tax_profit: Some(profit),
                members_end: members,
                ..Default::default()
            },
        )
    };
    let ten = Some(10);
    // The lowest edge (unconfirmed): some income, at least 1 VND a member.
    assert_eq!(at(-50_000_000, ten), Some(0), "a loss");
    assert_eq!(at(0, ten), Some(0));
    assert_eq!(at(9, ten), Some(0), "0.9 VND a member");
    assert_eq!(at(10, ten), Some(20), "1 VND a member");
    assert_eq!(
        at(9_999_999, ten),
        Some(20),
        "just below 1 million a member"
    );
    assert_eq!(at(10_000_000, ten), Some(40), "1 million a member");
    assert_eq!(at(49_999_999, ten), Some(40));
    assert_eq!(at(50_000_000, ten), Some(70), "5 million a member");
    assert_eq!(at(99_999_999, ten), Some(70));
    assert_eq!(at(100_000_000, ten), Some(100), "10 million a member");
    // Exact with members that do not divide the edge: 7 × 1,000,000.
    assert_eq!(at(6_999_999, Some(7)), Some(20));
    assert_eq!(at(7_000_000, Some(7)), Some(40));
    // No members, or no figures: no proposal.
    assert_eq!(at(100_000_000, Some(0)), None);
    assert_eq!(at(100_000_000, None), None);
    let no_profit = ReportFigures {
        pre_tax_profit: Some(100_000_000),
        members_end: ten,
        ..Default::default()
    };
    assert_eq!(
        tt09_proposal("1c", &no_profit),
        None,
        "pre-tax profit is not used"
    );
}

#[test]
fn tt09_1d_1e_funds_against_profit_edges() {
    let at = |code: &str, fund: Option<i64>, profit: Option<i64>| {
        let f = ReportFigures {
            after_tax_profit: profit,
            fund_development: fund,
            fund_reserve: fund,
            ..Default::default()
        };
        tt09_proposal(code, &f)
    };
    let profit = Some(1_000_000);
    // 1d: at least 20% of after-tax profit.
    assert_eq!(at("1d", Some(0), profit), Some(0));
    assert_eq!(at("1d", Some(199_999), profit), Some(0), "just below 20%");
    assert_eq!(at("1d", Some(200_000), profit), Some(50), "at 20%");
    assert_eq!(at("1d", Some(2_000_000), profit), Some(50));
    assert_eq!(at("1d", Some(1), Some(5)), Some(50), "1/5 is exactly 20%");
    assert_eq!(at("1d", Some(1), Some(6)), Some(0));
    // 1e: at least 5%.
    assert_eq!(at("1e", Some(0), profit), Some(0));
    assert_eq!(at("1e", Some(49_999), profit), Some(0), "just below 5%");
    assert_eq!(at("1e", Some(50_000), profit), Some(50), "at 5%");
    assert_eq!(at("1e", Some(1), Some(20)), Some(50), "1/20 is exactly 5%");
    assert_eq!(at("1e", Some(1), Some(21)), Some(0));
    // No profit (zero or a loss), or a missing figure: no proposal.
    for code in ["1d", "1e"] {
        assert_eq!(at(code, Some(100), Some(0)), None);
        assert_eq!(at(code, Some(100), Some(-1_000_000)), None);
        assert_eq!(at(code, None, profit), None);
        assert_eq!(at(code, Some(100), None), None);
    }
}

#[test]
fn tt09_proposals_explain_the_band_and_need_the_report() {
    let f = ReportFigures {
        revenue: Some(1_100_000_000),
        planned_revenue: Some(1_000_000_000),
        after_tax_profit: Some(-5_000_000),
        fund_development: Some(0),
        members_end: Some(20),
        ..Default::default()
    };
    let p = propose(&tt09(), Some(&f), None);
    let got: Vec<(&str, Option<i32>)> = p.iter().map(|p| (p.code.as_str(), p.points)).collect();
    assert_eq!(
        got,
        vec![
            ("1a", Some(40)),
            ("1b", Some(60)),
            ("1c", Some(0)),
            ("1d", None),
            ("1e", None)
        ]
    );
    let text = |code: &str| {
        p.iter()
            .find(|p| p.code == code)
            .map(|p| p.explanation.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        text("1a"),
        "revenue / planned_revenue: 1.100.000.000 / 1.000.000.000 ≈ 110,0%, mức từ 100% đến dưới 120%"
    );
    assert_eq!(
        text("1b"),
        "revenue: 1.100.000.000, mức từ 1.000.000.000 đến dưới 5.000.000.000"
    );
    assert!(text("1c").contains("mức dưới 1"), "{}", text("1c"));
    assert!(
        text("1d").contains("after_tax_profit là -5.000.000"),
        "{}",
        text("1d")
    );
    assert!(text("1e").contains("thiếu fund_reserve"), "{}", text("1e"));
    // Without a report for the year nothing is proposed; a score sheet of the old
    // kind (criterion 1 as one part) no longer fits.
    assert!(propose(&tt09(), None, None)
        .iter()
        .all(|p| p.points.is_none()));
    let mut old = BTreeMap::new();
    old.insert("1".to_owned(), 250);
    assert!(check_scores(&tt09(), &old, false).contains(&ScoreError::Unknown("1".into())));
}
