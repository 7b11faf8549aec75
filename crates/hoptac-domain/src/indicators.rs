//! Targets and indicators (spec §6): what each indicator counts, how a target compares,
//! and the trend, projection and status rules. The counting itself needs the registry
//! and lives in the app; the definitions are documented in docs/indicators.md.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    /// An indicator of Letter 538 (*chỉ tiêu*).
    Indicator {
        NewCooperatives = "new_htx", "Số HTX thành lập mới", "New cooperatives";
        NewGroups = "new_tht", "Số THT thành lập mới", "New cooperative groups";
        NewUnions = "new_union", "Số LHHTX thành lập mới", "New unions" ["new_lhhtx"];
        ShareGoodFair = "share_good_fair", "Tỷ lệ HTX xếp loại tốt, khá", "Share of rated HTX rated good or fair";
        FormalOnly = "formal_only", "Số HTX tồn tại hình thức", "Formal-only cooperatives";
        ShareWeak = "share_weak", "Tỷ lệ HTX xếp loại yếu", "Share of rated HTX rated weak";
    }
}

impl Indicator {
    /// Shares are percentages of a denominator; the rest are counts.
    pub fn is_share(self) -> bool {
        matches!(self, Indicator::ShareGoodFair | Indicator::ShareWeak)
    }
    /// Counts over a period (cumulative), rather than a state at the end of a year.
    pub fn is_period_count(self) -> bool {
        matches!(
            self,
            Indicator::NewCooperatives | Indicator::NewGroups | Indicator::NewUnions
        )
    }
}

code_enum! {
    /// How a value is compared with its target.
    Comparison {
        AtLeast = "ge", "≥", "≥" [">="];
        MoreThan = "gt", ">", ">" [];
        AtMost = "le", "≤", "≤" ["<="];
        LessThan = "lt", "<", "<" [];
        Equal = "eq", "=", "=" ["=="];
    }
}

impl Comparison {
    pub fn holds(self, value: f64, target: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Comparison::AtLeast => value >= target - EPS,
            Comparison::MoreThan => value > target + EPS,
            Comparison::AtMost => value <= target + EPS,
            Comparison::LessThan => value < target - EPS,
            Comparison::Equal => (value - target).abs() < EPS,
        }
    }
    /// How far a value falls short of the target (0 when it meets it).
    pub fn shortfall(self, value: f64, target: f64) -> f64 {
        if self.holds(value, target) {
            return 0.0;
        }
        // A strict comparison missed by being equal still misses, by a hair.
        let miss = match self {
            Comparison::AtLeast | Comparison::MoreThan => target - value,
            Comparison::AtMost | Comparison::LessThan => value - target,
            Comparison::Equal => (value - target).abs(),
        };
        miss.max(1e-9)
    }
}

/// A target (*mục tiêu*): indicator × period × place × comparison × value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Target {
    pub indicator: Indicator,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The province (2025 code) it is set for.
    pub province: String,
    pub comparison: Comparison,
    /// Count, or percent for shares.
    pub value: f64,
    /// The document that set it.
    pub document: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl Target {
    /// What is wrong with a target as entered, by field: the period's order and years,
    /// the value's range (a share is a percentage, a count a whole number), the
    /// document that set it. The province is checked by the caller, which knows the
    /// units. A target that fails here could make its indicator vanish from reports.
    pub fn problems(&self) -> Vec<crate::validate::FieldError> {
        use crate::validate::{control_character, FieldError, FieldProblem};
        let mut errs = Vec::new();
        if self.period_end < self.period_start {
            errs.push(FieldError::new(
                "period_end",
                FieldProblem::EndBeforeStart {
                    start: self.period_start,
                    end: self.period_end,
                },
            ));
        }
        for (field, d) in [
            ("period_start", self.period_start),
            ("period_end", self.period_end),
        ] {
            let y = chrono::Datelike::year(&d);
            if !(2000..=2100).contains(&y) {
                errs.push(FieldError::new(
                    field,
                    FieldProblem::OutOfRange {
                        value: y.to_string(),
                        range: "2000–2100".into(),
                    },
                ));
            }
        }
        let (max, whole) = if self.indicator.is_share() {
            (100.0, false)
        } else {
            (1_000_000.0, true)
        };
        let v = self.value;
        if !v.is_finite() || v < 0.0 || v > max || (whole && v.fract() != 0.0) {
            let range = if whole {
                "0–1.000.000, số nguyên / whole number"
            } else {
                "0–100 %"
            };
            errs.push(FieldError::new(
                "value",
                FieldProblem::OutOfRange {
                    value: v.to_string(),
                    range: range.into(),
                },
            ));
        }
        if self.document.trim().is_empty() {
            errs.push(FieldError::new("document", FieldProblem::Required));
        }
        for (field, text) in [
            ("document", Some(&self.document)),
            ("note", self.note.as_ref()),
        ] {
            if let Some(position) = text.and_then(|t| control_character(t, field == "note")) {
                errs.push(FieldError::new(
                    field,
                    FieldProblem::ControlCharacter { position },
                ));
            }
        }
        errs
    }
}

/// One indicator's value: what was counted, over what.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Measure {
    pub numerator: i64,
    /// Shares only: the rated HTX.
    pub denominator: Option<i64>,
    /// Shares only: HTX active on 31 December without an approved evaluation.
    pub unevaluated: Option<i64>,
    /// Formal-only before the final report deadline has passed.
    pub provisional: bool,
}

impl Measure {
    /// The value compared with targets: the count, or the percentage (`None` when
    /// nothing was rated).
    pub fn value(&self) -> Option<f64> {
        match self.denominator {
            None => Some(self.numerator as f64),
            Some(0) => None,
            Some(d) => Some(100.0 * self.numerator as f64 / d as f64),
        }
    }
}

code_enum! {
    /// Whether a target will be met (*đánh giá khả năng đạt*).
    TargetStatus {
        OnTrack = "on_track", "Đạt tiến độ", "On track";
        AtRisk = "at_risk", "Có nguy cơ không đạt", "At risk";
        OffTrack = "off_track", "Không đạt tiến độ", "Off track";
        NoData = "no_data", "Chưa có số liệu", "No data";
        /// One year of figures: not enough to project a trend, and the target is not
        /// met yet.
        NotEnoughData = "not_enough_data", "Chưa đủ số liệu để dự báo", "Not enough data to project";
    }
}

/// Least-squares line through (x, y) points: (slope, intercept). One point gives a
/// flat line through it; none gives nothing.
pub fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    match points.len() {
        0 => None,
        1 => Some((0.0, points[0].1)),
        _ => {
            let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
            let my = points.iter().map(|p| p.1).sum::<f64>() / n;
            let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
            if sxx == 0.0 {
                return Some((0.0, my));
            }
            let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
            let slope = sxy / sxx;
            Some((slope, my - slope * mx))
        }
    }
}

/// The value projected to `year` from a yearly series: a trend needs at least two
/// years, so one year gives no projection.
pub fn project(series: &[(i32, f64)], year: i32) -> Option<f64> {
    let years: std::collections::BTreeSet<i32> = series.iter().map(|(y, _)| *y).collect();
    if years.len() < 2 {
        return None;
    }
    let pts: Vec<(f64, f64)> = series.iter().map(|(y, v)| (f64::from(*y), *v)).collect();
    least_squares(&pts).map(|(a, b)| a * f64::from(year) + b)
}

/// Spec §6: on track when the projection meets the target; at risk when it misses by
/// less than 10% of the target value; off track otherwise. A target of "= 0" is on
/// track only while the current value is 0. Without a projection (one year of
/// figures), a target the current value meets is on track, any other has not enough
/// data: one point says nothing of the trend.
pub fn status(t: &Target, current: Option<f64>, projection: Option<f64>) -> TargetStatus {
    let Some(current) = current else {
        return TargetStatus::NoData;
    };
    if t.comparison == Comparison::Equal && t.value == 0.0 {
        return if current == 0.0 {
            TargetStatus::OnTrack
        } else {
            TargetStatus::OffTrack
        };
    }
    let Some(p) = projection else {
        return if t.comparison.shortfall(current, t.value) == 0.0 {
            TargetStatus::OnTrack
        } else {
            TargetStatus::NotEnoughData
        };
    };
    let miss = t.comparison.shortfall(p, t.value);
    if miss == 0.0 {
        TargetStatus::OnTrack
    } else if miss < 0.1 * t.value.abs() {
        TargetStatus::AtRisk
    } else {
        TargetStatus::OffTrack
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_target_names_what_is_wrong_with_it() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let good = Target {
            indicator: Indicator::ShareGoodFair,
            period_start: d(2021, 1, 1),
            period_end: d(2025, 12, 31),
            province: "20".into(),
            comparison: Comparison::MoreThan,
            value: 45.0,
            document: "538/UBND-KTTH".into(),
            note: None,
        };
        assert!(good.problems().is_empty());
        let fields =
            |t: &Target| -> Vec<String> { t.problems().into_iter().map(|e| e.field).collect() };
        let backwards = Target {
            period_end: d(2020, 12, 31),
            ..good.clone()
        };
        assert_eq!(fields(&backwards), ["period_end"]);
        let over = Target {
            value: 100.5,
            ..good.clone()
        };
        assert_eq!(fields(&over), ["value"]);
        let nan = Target {
            value: f64::NAN,
            ..good.clone()
        };
        assert_eq!(fields(&nan), ["value"]);
        let half_a_coop = Target {
            indicator: Indicator::NewCooperatives,
            value: 100.5,
            ..good.clone()
        };
        assert_eq!(fields(&half_a_coop), ["value"]);
        let far = Target {
            period_end: d(3000, 12, 31),
            ..good.clone()
        };
        assert_eq!(fields(&far), ["period_end"]);
        let undocumented = Target {
            document: " ".into(),
            ..good
        };
        assert_eq!(fields(&undocumented), ["document"]);
    }

    use super::*;

    fn target(ind: Indicator, cmp: Comparison, value: f64) -> Target {
        Target {
            indicator: ind,
            period_start: NaiveDate::from_ymd_opt(2019, 6, 11).expect("d"),
            period_end: NaiveDate::from_ymd_opt(2025, 12, 31).expect("d"),
            province: "20".into(),
            comparison: cmp,
            value,
            document: "538".into(),
            note: None,
        }
    }

    #[test]
    fn least_squares_fits_a_line() {
        let (a, b) =
            least_squares(&[(2020.0, 10.0), (2021.0, 20.0), (2022.0, 30.0)]).expect("line");
        assert!((a - 10.0).abs() < 1e-9 && (a * 2025.0 + b - 60.0).abs() < 1e-6);
        // One year is no trend (issue 12: "not enough data", never "off track").
        assert_eq!(project(&[(2026, 7.0)], 2030), None);
        assert_eq!(project(&[(2025, 7.0), (2025, 8.0)], 2030), None);
        assert_eq!(project(&[(2025, 7.0), (2026, 8.0)], 2030), Some(12.0));
        assert_eq!(project(&[], 2030), None);
    }

    #[test]
    fn status_rules() {
        let t = target(Indicator::NewCooperatives, Comparison::AtLeast, 100.0);
        assert_eq!(status(&t, Some(50.0), Some(100.0)), TargetStatus::OnTrack);
        assert_eq!(status(&t, Some(50.0), Some(91.0)), TargetStatus::AtRisk);
        assert_eq!(status(&t, Some(50.0), Some(90.0)), TargetStatus::OffTrack);
        let weak = target(Indicator::ShareWeak, Comparison::LessThan, 10.0);
        assert_eq!(status(&weak, Some(12.0), Some(9.0)), TargetStatus::OnTrack);
        assert_eq!(status(&weak, Some(12.0), Some(10.5)), TargetStatus::AtRisk);
        let good = target(Indicator::ShareGoodFair, Comparison::MoreThan, 45.0);
        assert_eq!(
            status(&good, Some(40.0), Some(45.0)),
            TargetStatus::AtRisk,
            "exactly 45 is not more than 45"
        );
        let zero = target(Indicator::FormalOnly, Comparison::Equal, 0.0);
        assert_eq!(status(&zero, Some(0.0), Some(3.0)), TargetStatus::OnTrack);
        assert_eq!(status(&zero, Some(1.0), Some(-5.0)), TargetStatus::OffTrack);
        // Without a projection: met already is on track, anything else not enough data.
        assert_eq!(status(&t, Some(50.0), None), TargetStatus::NotEnoughData);
        assert_eq!(status(&t, Some(120.0), None), TargetStatus::OnTrack);
        assert_eq!(status(&weak, Some(12.0), None), TargetStatus::NotEnoughData);
        assert_eq!(status(&t, None, None), TargetStatus::NoData);
        assert_eq!(status(&good, None, None), TargetStatus::NoData);
    }

    #[test]
    fn shares_are_percentages_of_the_rated() {
        let m = Measure {
            numerator: 9,
            denominator: Some(20),
            unevaluated: Some(3),
            provisional: false,
        };
        assert_eq!(m.value(), Some(45.0));
        assert_eq!(
            Measure {
                denominator: Some(0),
                ..m
            }
            .value(),
            None
        );
        assert_eq!(
            Measure {
                numerator: 4,
                ..Default::default()
            }
            .value(),
            Some(4.0)
        );
    }
}
