//! Evaluation and classification (*đánh giá, phân loại*, spec §5.2–5.3): scores are
//! tenths of a point, summed exactly; exclusions, the sanction rule and the bands are
//! applied in the spec's order; points of computed sub-criteria are proposed from the
//! annual reports.

use crate::report::ReportFigures;
use crate::ruleset::{Banded, Method, Quantity, RuleSet, Unmeasured};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

code_enum! {
    /// Rating (*xếp loại*).
    Rating {
        Good = "good", "Tốt", "Good" ["tot", "xuat sac"];
        Fair = "fair", "Khá", "Fair" ["kha"];
        Average = "average", "Trung bình", "Average" ["trung binh", "tb"];
        Weak = "weak", "Yếu", "Weak" ["yeu", "kem"];
        NotRated = "not_rated", "Không xếp loại", "Not rated" ["khong xep loai", "khong danh gia"];
    }
}

/// Why an HTX is not rated for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotRatedReason {
    /// Founded in the year itself (less than 12 months before 31 December).
    FoundedInYear { founded: NaiveDate },
    /// Stopped for more than 3 months in the year.
    Stopped {
        months_suspended: Option<i64>,
        days_stopped: i64,
    },
}

/// What decides exclusions, besides the scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub year: i32,
    pub founded: NaiveDate,
    /// From the report for the year.
    pub months_suspended: Option<i64>,
    /// Days of the year in status `suspended` or `inactive`, from the history.
    pub days_stopped: i64,
    pub sanctioned: bool,
}

/// A problem with a score sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("unknown sub-criterion {0}")]
    Unknown(String),
    #[error("{code}: {score} is above the maximum {max}")]
    AboveMax { code: String, score: i32, max: i32 },
    #[error("{code}: {score} is negative")]
    Negative { code: String, score: i32 },
    #[error("{0}: no score")]
    Missing(String),
}

/// The result of classifying one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Exact total in tenths.
    pub total: i32,
    pub rating: Rating,
    pub not_rated: Option<NotRatedReason>,
    /// Rated weak because sanctioned in the year (rule sets that say so).
    pub sanction_applied: bool,
    /// Criterion code → total in tenths.
    pub by_criterion: BTreeMap<String, i32>,
}

/// Checks scores against the rule set; `complete` also requires every part.
pub fn check_scores(
    rs: &RuleSet,
    scores: &BTreeMap<String, i32>,
    complete: bool,
) -> Vec<ScoreError> {
    let mut errs = Vec::new();
    for (code, score) in scores {
        match rs.sub(code) {
            None => errs.push(ScoreError::Unknown(code.clone())),
            Some(s) if *score > s.max => errs.push(ScoreError::AboveMax {
                code: code.clone(),
                score: *score,
                max: s.max,
            }),
            Some(_) if *score < 0 => errs.push(ScoreError::Negative {
                code: code.clone(),
                score: *score,
            }),
            Some(_) => {}
        }
    }
    if complete {
        errs.extend(
            rs.subs()
                .filter(|(_, s)| !scores.contains_key(&s.code))
                .map(|(_, s)| ScoreError::Missing(s.code.clone())),
        );
    }
    errs
}

/// Whether the exclusions of spec §5.2 step 1 apply.
pub fn exclusion(f: &Facts) -> Option<NotRatedReason> {
    // Founded on 31 December of Y−1 or earlier is rated; anything later in Y is not.
    if f.founded.year() >= f.year {
        return Some(NotRatedReason::FoundedInYear { founded: f.founded });
    }
    if f.months_suspended.is_some_and(|m| m > 3) || f.days_stopped > 92 {
        return Some(NotRatedReason::Stopped {
            months_suspended: f.months_suspended,
            days_stopped: f.days_stopped,
        });
    }
    None
}

/// The band of an exact total.
pub fn band(rs: &RuleSet, total: i32) -> Rating {
    rs.bands
        .iter()
        .find(|b| total >= b.min)
        .map_or(Rating::Weak, |b| b.rating)
}

/// Classifies a complete score sheet: exclusions, then the sanction rule, then bands.
pub fn classify(
    rs: &RuleSet,
    facts: &Facts,
    scores: &BTreeMap<String, i32>,
) -> Result<Outcome, Vec<ScoreError>> {
    let errs = check_scores(rs, scores, true);
    if !errs.is_empty() {
        return Err(errs);
    }
    let by_criterion: BTreeMap<String, i32> = rs
        .criteria
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.subs
                    .iter()
                    .map(|s| scores.get(&s.code).copied().unwrap_or(0))
                    .sum(),
            )
        })
        .collect();
    let total = by_criterion.values().sum();
    let (rating, not_rated, sanction_applied) = match exclusion(facts) {
        Some(reason) => (Rating::NotRated, Some(reason), false),
        None if rs.sanctioned_is_weak && facts.sanctioned => (Rating::Weak, None, true),
        None => (band(rs, total), None, false),
    };
    Ok(Outcome {
        total,
        rating,
        not_rated,
        sanction_applied,
        by_criterion,
    })
}

/// A proposed score for a computed sub-criterion, with how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Proposal {
    pub code: String,
    /// Tenths; `None` when it cannot be computed (no report for the year before).
    pub points: Option<i32>,
    /// The formula and the figures it used, for the assessor.
    pub explanation: String,
}

/// Proposals for every computed sub-criterion from the reports for Y and Y−1.
pub fn propose(
    rs: &RuleSet,
    this_year: Option<&ReportFigures>,
    last_year: Option<&ReportFigures>,
) -> Vec<Proposal> {
    rs.subs()
        .filter_map(|(_, s)| match &s.method {
            Method::Entered => None,
            Method::Bands(b) => Some(propose_banded(&s.code, b, this_year)),
            Method::Grew(field) => {
                let field = *field;
                let now = this_year.and_then(|r| field.get(r));
                let before = last_year.and_then(|r| field.get(r));
                let name = field.name();
                Some(match (now, before) {
                    (Some(a), Some(b)) => Proposal {
                        code: s.code.clone(),
                        points: Some(if a > b { s.max } else { 0 }),
                        explanation: format!(
                            "{name}: {} so với {} năm trước",
                            crate::i18n::format_int(a),
                            crate::i18n::format_int(b)
                        ),
                    },
                    _ => Proposal {
                        code: s.code.clone(),
                        points: None,
                        explanation: format!("{name}: thiếu số liệu năm nay hoặc năm trước"),
                    },
                })
            }
        })
        .collect()
}

/// A banded sub-criterion's proposal from the report for the year: the band its figures
/// fall in, compared exactly; none when a figure is missing or a divisor not positive.
fn propose_banded(code: &str, b: &Banded, report: Option<&ReportFigures>) -> Proposal {
    use crate::i18n::format_int;
    let (of, by) = b.quantity.fields();
    let what = match by {
        None => of.name().to_owned(),
        Some(by) => format!("{} / {}", of.name(), by.name()),
    };
    let unit = |e: i64| match b.quantity {
        Quantity::Percent { .. } => format!("{}%", format_int(e)),
        _ => format_int(e),
    };
    let Some(report) = report else {
        return Proposal {
            code: code.to_owned(),
            points: None,
            explanation: format!("{what}: chưa có báo cáo năm"),
        };
    };
    let figures = match b.quantity.read(report) {
        Ok(f) => f,
        Err(Unmeasured::Missing(f)) => {
            return Proposal {
                code: code.to_owned(),
                points: None,
                explanation: format!("{what}: báo cáo thiếu {}", f.name()),
            }
        }
        Err(Unmeasured::DivisorNotPositive(f, v)) => {
            return Proposal {
                code: code.to_owned(),
                points: None,
                explanation: format!(
                    "{what}: {} là {}, không tính được (cần lớn hơn 0)",
                    f.name(),
                    format_int(v)
                ),
            }
        }
    };
    let (points, band) = b.score(figures);
    let (a, d) = figures;
    // Shown rounded down; the band was decided exactly above.
    let measured = match b.quantity {
        Quantity::Value { .. } => format_int(a),
        Quantity::Percent { .. } => {
            let tenths = i128::from(a) * 1000 / i128::from(d);
            let tenths = i64::try_from(tenths).unwrap_or(i64::MAX);
            format!(
                "{} / {} ≈ {}%",
                format_int(a),
                format_int(d),
                crate::i18n::format_decimal(tenths as f64 / 10.0, 1)
            )
        }
        Quantity::Per { .. } => format!(
            "{} / {} ≈ {}",
            format_int(a),
            format_int(d),
            format_int(a / d)
        ),
    };
    let range = match (band.checked_sub(1).map(|i| b.edges[i]), b.edges.get(band)) {
        (None, Some(hi)) => format!("dưới {}", unit(*hi)),
        (Some(lo), None) => format!("từ {} trở lên", unit(lo)),
        (Some(lo), Some(hi)) => format!("từ {} đến dưới {}", unit(lo), unit(*hi)),
        (None, None) => "mọi giá trị".to_owned(),
    };
    Proposal {
        code: code.to_owned(),
        points: Some(points),
        explanation: format!("{what}: {measured}, mức {range}"),
    }
}

/// Days in `[from, to]` on which a status timeline is in one of the stopped statuses.
/// `timeline` is (effective date, stopped?) in date order; a suspension's end date is
/// already folded in by the caller as a change back to active.
pub fn days_stopped(timeline: &[(NaiveDate, bool)], from: NaiveDate, to: NaiveDate) -> i64 {
    let mut days = 0;
    for (i, (start, stopped)) in timeline.iter().enumerate() {
        if !stopped {
            continue;
        }
        let end = timeline
            .get(i + 1)
            .map_or(to, |(next, _)| *next - chrono::Duration::days(1));
        let (a, b) = ((*start).max(from), end.min(to));
        if b >= a {
            days += (b - a).num_days() + 1;
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tt01() -> RuleSet {
        RuleSet::shipped()
            .expect("shipped")
            .into_iter()
            .find(|r| r.id == "tt01-2020")
            .expect("tt01")
    }
    fn tt09() -> RuleSet {
        RuleSet::shipped()
            .expect("shipped")
            .into_iter()
            .find(|r| r.id == "tt09-2017-nn")
            .expect("tt09")
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }
    fn facts() -> Facts {
        Facts {
            year: 2024,
            founded: d(2015, 1, 1),
            months_suspended: Some(0),
            days_stopped: 0,
            sanctioned: false,
        }
    }
    /// Scores that total `total` tenths, filling parts in order.
    fn scores_for(rs: &RuleSet, mut total: i32) -> BTreeMap<String, i32> {
        rs.subs()
            .map(|(_, s)| {
                let v = total.min(s.max);
                total -= v;
                (s.code.clone(), v)
            })
            .collect()
    }

    #[test]
    fn bands_on_the_exact_total_in_tenths() {
        let rs = tt01();
        let rating = |t| {
            classify(&rs, &facts(), &scores_for(&rs, t))
                .expect("valid")
                .rating
        };
        assert_eq!(rating(1000), Rating::Good);
        assert_eq!(rating(800), Rating::Good);
        assert_eq!(rating(799), Rating::Fair);
        assert_eq!(rating(650), Rating::Fair);
        assert_eq!(rating(649), Rating::Average);
        assert_eq!(rating(500), Rating::Average);
        assert_eq!(rating(499), Rating::Weak);
        assert_eq!(rating(0), Rating::Weak);
    }

    #[test]
    fn exclusions_come_first_then_the_sanction_rule() {
        let rs = tt09();
        let top = scores_for(&rs, 1000);
        let founded_in_year = Facts {
            founded: d(2024, 1, 1),
            ..facts()
        };
        assert_eq!(
            classify(&rs, &founded_in_year, &top).expect("ok").rating,
            Rating::NotRated
        );
        let founded_new_years_eve = Facts {
            founded: d(2023, 12, 31),
            ..facts()
        };
        assert_eq!(
            classify(&rs, &founded_new_years_eve, &top)
                .expect("ok")
                .rating,
            Rating::Good
        );
        let stopped = Facts {
            months_suspended: Some(4),
            ..facts()
        };
        assert_eq!(
            classify(&rs, &stopped, &top).expect("ok").rating,
            Rating::NotRated
        );
        let three_months = Facts {
            months_suspended: Some(3),
            days_stopped: 92,
            ..facts()
        };
        assert_eq!(
            classify(&rs, &three_months, &top).expect("ok").rating,
            Rating::Good
        );
        let days = Facts {
            days_stopped: 93,
            ..facts()
        };
        assert_eq!(
            classify(&rs, &days, &top).expect("ok").rating,
            Rating::NotRated
        );
        let sanctioned = Facts {
            sanctioned: true,
            ..facts()
        };
        let o = classify(&rs, &sanctioned, &top).expect("ok");
        assert_eq!((o.rating, o.sanction_applied), (Rating::Weak, true));
        // TT 01/2020 has no sanction rule.
        assert_eq!(
            classify(&tt01(), &sanctioned, &scores_for(&tt01(), 1000))
                .expect("ok")
                .rating,
            Rating::Good
        );
        // Not rated wins over the sanction rule.
        let both = Facts {
            sanctioned: true,
            founded: d(2024, 3, 1),
            ..facts()
        };
        assert_eq!(
            classify(&rs, &both, &top).expect("ok").rating,
            Rating::NotRated
        );
    }

    #[test]
    fn scores_outside_their_range_or_unknown_are_refused() {
        let rs = tt01();
        let mut s = scores_for(&rs, 700);
        s.insert("1b".into(), 11);
        s.insert("zz".into(), 5);
        s.insert("2b".into(), -1);
        let errs = classify(&rs, &facts(), &s).expect_err("refused");
        assert!(errs.contains(&ScoreError::AboveMax {
            code: "1b".into(),
            score: 11,
            max: 10
        }));
        assert!(errs.contains(&ScoreError::Unknown("zz".into())));
        assert!(errs.contains(&ScoreError::Negative {
            code: "2b".into(),
            score: -1
        }));
        let mut partial = scores_for(&rs, 700);
        partial.remove("5");
        assert_eq!(
            classify(&rs, &facts(), &partial).expect_err("incomplete"),
            vec![ScoreError::Missing("5".into())]
        );
    }

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

    #[test]
    fn days_stopped_count_the_year_only() {
        let t = vec![
            (d(2023, 11, 1), true),
            (d(2024, 2, 1), false),
            (d(2024, 10, 1), true),
        ];
        // 1 Jan–31 Jan (31) + 1 Oct–31 Dec (92).
        assert_eq!(days_stopped(&t, d(2024, 1, 1), d(2024, 12, 31)), 123);
        assert_eq!(days_stopped(&[], d(2024, 1, 1), d(2024, 12, 31)), 0);
    }

    proptest! {
        #[test]
        fn the_band_follows_the_total(total in 0i32..=1000) {
            let rs = tt01();
            let o = classify(&rs, &facts(), &scores_for(&rs, total)).expect("valid");
            prop_assert_eq!(o.total, total);
            let expected = if total >= 800 { Rating::Good } else if total >= 650 { Rating::Fair } else if total >= 500 { Rating::Average } else { Rating::Weak };
            prop_assert_eq!(o.rating, expected);
        }

        #[test]
        fn more_points_never_lower_the_rating(a in 0i32..=1000, b in 0i32..=1000) {
            let rs = tt09();
            let (lo, hi) = (a.min(b), a.max(b));
            let rank = |r: Rating| [Rating::Weak, Rating::Average, Rating::Fair, Rating::Good].iter().position(|x| *x == r);
            let rl = classify(&rs, &facts(), &scores_for(&rs, lo)).expect("ok").rating;
            let rh = classify(&rs, &facts(), &scores_for(&rs, hi)).expect("ok").rating;
            prop_assert!(rank(rl) <= rank(rh));
        }

        #[test]
        fn exclusions_always_win(total in 0i32..=1000, months in 4i64..=12, sanctioned: bool) {
            let rs = tt09();
            let f = Facts { months_suspended: Some(months), sanctioned, ..facts() };
            let o = classify(&rs, &f, &scores_for(&rs, total)).expect("ok");
            prop_assert_eq!(o.rating, Rating::NotRated);
            prop_assert!(o.not_rated.is_some());
        }
    }
}
