//! Rule set tests: the shipped sets load, and broken files are refused by name.

use super::parse::tenths;
use super::*;
use crate::i18n::Lang;

#[test]
fn shipped_rule_sets_load_and_add_up() {
    let all = RuleSet::shipped().expect("shipped rule sets are valid");
    let tt01 = all.iter().find(|r| r.id == "tt01-2020").expect("tt01");
    assert_eq!(tt01.criteria.len(), 15);
    assert_eq!(
        tt01.groups.iter().map(|g| g.max).collect::<Vec<_>>(),
        vec![300, 300, 400]
    );
    assert_eq!(
        tt01.sub("1b").map(|s| s.method.clone()),
        Some(Method::Grew(ReportField::TotalCapitalEnd))
    );
    assert_eq!(tt01.sub("5").map(|s| s.max), Some(80));
    assert!(tt01.provisional && tt01.criteria.iter().filter(|c| c.provisional).count() == 6);
    assert!(tt01.applies_to(OrgKind::Cooperative, Some(Sector::Agriculture), 2020));
    assert!(!tt01.applies_to(OrgKind::Cooperative, Some(Sector::Agriculture), 2019));
    assert!(!tt01.applies_to(OrgKind::Cooperative, Some(Sector::CreditFund), 2022));
    assert!(!tt01.applies_to(OrgKind::CooperativeGroup, None, 2022));
    let tt09 = all.iter().find(|r| r.id == "tt09-2017-nn").expect("tt09");
    assert!(tt09.groups.is_empty() && tt09.criteria.len() == 6 && tt09.sanctioned_is_weak);
    assert!(!tt09.applies_to(OrgKind::Cooperative, Some(Sector::Transport), 2022));
    // Criterion 1 is 38 points, confirmed, in five computed parts; 2–6 share 62.
    let maxes: Vec<(&str, i32, bool)> = tt09
        .criteria
        .iter()
        .map(|c| (c.code.as_str(), c.max, c.provisional))
        .collect();
    assert_eq!(
        maxes,
        vec![
            ("1", 380, false),
            ("2", 210, true),
            ("3", 130, true),
            ("4", 120, true),
            ("5", 80, true),
            ("6", 80, true)
        ]
    );
    let parts: Vec<(&str, i32)> = tt09.criteria[0]
        .subs
        .iter()
        .map(|s| (s.code.as_str(), s.max))
        .collect();
    assert_eq!(
        parts,
        vec![("1a", 80), ("1b", 100), ("1c", 100), ("1d", 50), ("1e", 50)]
    );
    assert!(tt09.criteria[0]
        .subs
        .iter()
        .all(|s| matches!(s.method, Method::Bands(_))));
    assert_eq!(tt09.sub("2a").map(|s| s.max), Some(80));
    assert_eq!(
        tt09.sub("1a").map(|s| s.method.clone()),
        Some(Method::Bands(Banded {
            quantity: Quantity::Percent {
                of: ReportField::Revenue,
                to: ReportField::PlannedRevenue
            },
            edges: vec![100, 120],
            points: vec![0, 40, 80],
        }))
    );
    let note = tt09.provisional_note.as_deref().unwrap_or_default();
    assert!(tt09.provisional && note.contains("1c") && note.contains("2–6"));
    assert!(!note.contains("25/25"));
}

/// A shipped rule set with its first `from` replaced by `to`, which must be refused.
fn broken_shipped(which: usize, origin: &str, from: &str, to: &str) -> RuleSetError {
    let shipped = SHIPPED[which].1;
    assert!(shipped.contains(from), "{from}");
    RuleSet::parse(&shipped.replacen(from, to, 1), origin).expect_err("must be refused")
}

fn broken_tt09(from: &str, to: &str) -> RuleSetError {
    broken_shipped(1, "tt09.toml", from, to)
}

#[test]
fn broken_point_bands_are_refused_at_load_naming_the_part() {
    let bands = |e: RuleSetError| match e {
        RuleSetError::BadPointBands { at, problem, .. } => (at, problem),
        other => panic!("expected bad point bands, got {other:?}"),
    };
    assert_eq!(
        bands(broken_tt09("  edges = [100, 120]", "  edges = [120, 100]")),
        ("1a".into(), BandProblem::NotRising)
    );
    assert_eq!(
        bands(broken_tt09("  edges = [100, 120]", "  edges = [100, 100]")),
        ("1a".into(), BandProblem::NotRising)
    );
    assert_eq!(
        bands(broken_tt09("  points = [0, 4, 8]", "  points = [0, 8]")),
        (
            "1a".into(),
            BandProblem::Count {
                edges: 2,
                points: 2
            }
        )
    );
    assert_eq!(
        bands(broken_tt09("  points = [0, 4, 8]", "  points = [0, 4, 9]")),
        (
            "1a".into(),
            BandProblem::AboveMax {
                points: 90,
                max: 80
            }
        )
    );
    assert_eq!(
        bands(broken_tt09("  points = [0, 4, 8]", "  points = [0, 4, 7]")),
        ("1a".into(), BandProblem::MaxUnreachable { max: 80 })
    );
    assert_eq!(
        bands(broken_tt09("  edges = [100, 120]\n", "")),
        ("1a".into(), BandProblem::Missing)
    );
    let e = broken_tt09(
        "  max = 8\n  [[criteria.sub]]\n  code = \"2b\"",
        "  max = 8\n  edges = [1]\n  points = [0, 8]\n  [[criteria.sub]]\n  code = \"2b\"",
    );
    assert!(e.message(Lang::Vi).contains("tiêu chí 2a"), "{e}");
    assert_eq!(bands(e), ("2a".into(), BandProblem::NotBanded));
    for bad in [
        "percent:revenue",
        "percent:revenue/plan",
        "ratio:revenue/planned_revenue",
        "value:turnover",
    ] {
        let e = broken_tt09(
            "formula = \"percent:revenue/planned_revenue\"",
            &format!("formula = \"{bad}\""),
        );
        assert!(
            matches!(&e, RuleSetError::Unknown { at, what: "formula", .. } if at == "1a"),
            "{bad}: {e:?}"
        );
    }
    let e = broken_tt09("  points = [0, 4, 8]", "  points = [0, 4.05, 8]");
    assert!(matches!(e, RuleSetError::BadPoints { .. }), "{e:?}");
    let e = broken_tt09("  points = [0, 4, 8]", "  points = [0, 4, 9]");
    assert_eq!(
        e.to_string(),
        "tt09.toml: criterion 1a: point bands: 90 tenths is above the maximum 80"
    );
    assert!(
        e.message(Lang::Vi).contains("vượt điểm tối đa 8,0"),
        "{}",
        e.message(Lang::Vi)
    );
}

#[test]
fn report_fields_parse_by_their_names() {
    for f in ReportField::ALL {
        assert_eq!(ReportField::parse(f.name()), Some(f));
        assert_eq!(serde_json::to_value(f).ok(), Some(f.name().into()));
    }
    assert_eq!(ReportField::parse("turnover"), None);
}

fn broken(from: &str, to: &str) -> RuleSetError {
    broken_shipped(0, "test.toml", from, to)
}

#[test]
fn broken_files_name_the_criterion() {
    // 1a's maximum 6 → 5: criterion 1's parts no longer add up to 7.
    let e = broken(
        "max = 6\n    [[groups.criteria.sub]]\n    code = \"1b\"",
        "max = 5\n    [[groups.criteria.sub]]\n    code = \"1b\"",
    );
    assert!(
        matches!(&e, RuleSetError::PartsDoNotAddUp { criterion, sum: 60, max: 70, .. } if criterion == "1"),
        "{e:?}"
    );
    assert!(e.message(Lang::Vi).contains("tiêu chí 1"));
    let e = broken("min = 65", "min = 85");
    assert!(matches!(e, RuleSetError::BadBands { .. }));
    let e = broken(
        "formula = \"grew:total_capital_end\"",
        "formula = \"shrank:total_capital_end\"",
    );
    assert!(
        matches!(&e, RuleSetError::Unknown { at, .. } if at == "1b"),
        "{e:?}"
    );
    assert!(matches!(
        tenths("t", "x", 0.55),
        Err(RuleSetError::BadPoints { .. })
    ));
    assert_eq!(tenths("t", "x", 0.5), Ok(5));
    let e = broken("code = \"15\"", "code = \"14\"");
    assert!(
        matches!(&e, RuleSetError::DuplicateCode { code, .. } if code == "14"),
        "{e:?}"
    );
    let e = RuleSet::parse("id = 1", "x.toml").expect_err("not a rule set");
    assert!(e
        .to_string()
        .starts_with("x.toml: not a valid rule set file"));
}

#[test]
fn group_and_total_sums_are_checked() {
    // Moving 2 points from criterion 15 to 14 keeps group III; taking 2 breaks it.
    let e = broken(
        "max = 4\n  provisional = true",
        "max = 2\n  provisional = true",
    );
    assert!(
        matches!(&e, RuleSetError::GroupDoesNotAddUp { group, sum: 380, max: 400, .. } if group == "III"),
        "{e:?}"
    );
    let tt09 = SHIPPED[1]
        .1
        .replacen("max = 13\nprovisional", "max = 12\nprovisional", 1);
    let e = RuleSet::parse(&tt09, "tt09").expect_err("total");
    assert!(
        matches!(e, RuleSetError::TotalNot100 { total: 990, .. }),
        "{e:?}"
    );
    // A part's points must add up to its criterion's, banded or not.
    let e = broken_tt09("max = 38", "max = 37");
    assert!(
        matches!(&e, RuleSetError::PartsDoNotAddUp { criterion, sum: 380, max: 370, .. } if criterion == "1"),
        "{e:?}"
    );
}
