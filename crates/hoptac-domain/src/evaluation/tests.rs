//! Classification tests: bands on exact totals, exclusions, score checks, stopped days.

use super::*;
use proptest::prelude::*;

/// A shipped rule set by its id.
fn shipped(id: &str) -> RuleSet {
    RuleSet::shipped()
        .expect("shipped")
        .into_iter()
        .find(|r| r.id == id)
        .expect(id)
}
pub(super) fn tt01() -> RuleSet {
    shipped("tt01-2020")
}
pub(super) fn tt09() -> RuleSet {
    shipped("tt09-2017-nn")
}
pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}
pub(super) fn facts() -> Facts {
    Facts {
        year: 2024,
        founded: d(2015, 1, 1),
        months_suspended: Some(0),
        days_stopped: 0,
        sanctioned: false,
    }
}
/// Scores that total `total` tenths, filling parts in order.
pub(super) fn scores_for(rs: &RuleSet, mut total: i32) -> BTreeMap<String, i32> {
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
