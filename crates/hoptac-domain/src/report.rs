//! Annual reports (*báo cáo tình hình hoạt động năm*, spec §4): the figures an HTX or
//! LHHTX files for year Y, first as an estimate (with the score sheet, by 15 December)
//! and then final (by 15 January of Y+1).

use crate::validate::{FieldError, FieldProblem};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum! {
    /// Whether the figures are estimated or final.
    ReportStage {
        Estimate = "estimate", "Ước tính", "Estimate" ["uoc", "uoc thuc hien"];
        Final = "final", "Chính thức", "Final" ["chinh thuc", "quyet toan"];
    }
}

code_enum! {
    /// Level of an award received in the year (*khen thưởng*).
    AwardLevel {
        Central = "central", "Trung ương", "Central" ["trung uong", "nha nuoc", "chinh phu"];
        Provincial = "provincial", "Tỉnh", "Provincial" ["cap tinh", "ubnd tinh"];
        DistrictCommune = "district_commune", "Huyện, xã", "District or commune" ["huyen", "xa", "cap huyen", "cap xa"];
    }
}

/// The figures of one annual report. Money in VND, counts as whole numbers; every
/// figure is optional so a report can be corrected field by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReportFigures {
    pub members_start: Option<i64>,
    pub members_end: Option<i64>,
    pub members_joined: Option<i64>,
    pub members_left: Option<i64>,
    pub official_members: Option<i64>,
    pub associate_members: Option<i64>,
    pub regular_workers: Option<i64>,
    pub regular_workers_members: Option<i64>,
    pub charter_capital: Option<i64>,
    pub total_capital_start: Option<i64>,
    pub total_capital_end: Option<i64>,
    pub indivisible_assets_start: Option<i64>,
    pub indivisible_assets_end: Option<i64>,
    pub revenue: Option<i64>,
    pub revenue_from_members: Option<i64>,
    /// Revenue planned for the year (*doanh thu kế hoạch*), against which TT 09/2017
    /// criterion 1a measures the revenue.
    pub planned_revenue: Option<i64>,
    /// May be negative (a loss).
    pub pre_tax_profit: Option<i64>,
    /// Profit after corporate income tax (*lợi nhuận sau thuế*); may be negative. The
    /// funds are set aside from it (TT 09/2017 criteria 1c–1e).
    pub after_tax_profit: Option<i64>,
    pub fund_development: Option<i64>,
    pub fund_reserve: Option<i64>,
    pub fund_other: Option<i64>,
    pub avg_income_workers: Option<i64>,
    pub avg_income_members: Option<i64>,
    /// Value of products and services supplied to members.
    pub supplied_to_members: Option<i64>,
    pub members_trained: Option<i64>,
    pub months_operated: Option<i64>,
    pub months_suspended: Option<i64>,
    /// Administratively sanctioned in the year (*bị xử phạt vi phạm hành chính*).
    pub sanctioned: Option<bool>,
    pub sanction_note: Option<String>,
    pub award: Option<AwardLevel>,
}

/// A figure that formulas can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportField {
    TotalCapitalEnd,
    IndivisibleAssetsEnd,
    Revenue,
    PlannedRevenue,
    PreTaxProfit,
    AfterTaxProfit,
    FundDevelopment,
    FundReserve,
    MembersEnd,
}

impl ReportField {
    pub const ALL: [ReportField; 9] = [
        ReportField::TotalCapitalEnd,
        ReportField::IndivisibleAssetsEnd,
        ReportField::Revenue,
        ReportField::PlannedRevenue,
        ReportField::PreTaxProfit,
        ReportField::AfterTaxProfit,
        ReportField::FundDevelopment,
        ReportField::FundReserve,
        ReportField::MembersEnd,
    ];
    pub fn parse(s: &str) -> Option<ReportField> {
        ReportField::ALL.into_iter().find(|f| f.name() == s)
    }
    /// The field's name, as in reports and formulas.
    pub fn name(self) -> &'static str {
        match self {
            ReportField::TotalCapitalEnd => "total_capital_end",
            ReportField::IndivisibleAssetsEnd => "indivisible_assets_end",
            ReportField::Revenue => "revenue",
            ReportField::PlannedRevenue => "planned_revenue",
            ReportField::PreTaxProfit => "pre_tax_profit",
            ReportField::AfterTaxProfit => "after_tax_profit",
            ReportField::FundDevelopment => "fund_development",
            ReportField::FundReserve => "fund_reserve",
            ReportField::MembersEnd => "members_end",
        }
    }
    pub fn get(self, f: &ReportFigures) -> Option<i64> {
        match self {
            ReportField::TotalCapitalEnd => f.total_capital_end,
            ReportField::IndivisibleAssetsEnd => f.indivisible_assets_end,
            ReportField::Revenue => f.revenue,
            ReportField::PlannedRevenue => f.planned_revenue,
            ReportField::PreTaxProfit => f.pre_tax_profit,
            ReportField::AfterTaxProfit => f.after_tax_profit,
            ReportField::FundDevelopment => f.fund_development,
            ReportField::FundReserve => f.fund_reserve,
            ReportField::MembersEnd => f.members_end,
        }
    }
}

impl ReportFigures {
    /// Problems with the figures of a report for `year` by an organisation founded on
    /// `founded`, today being `today` (Vietnam time).
    pub fn check(&self, year: i32, founded: NaiveDate, today: NaiveDate) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if year > today.year() {
            errs.push(FieldError::new("year", FieldProblem::FutureYear(year)));
        }
        if year < founded.year() {
            errs.push(FieldError::new(
                "year",
                FieldProblem::BeforeFounding { year, founded },
            ));
        }
        let non_negative = [
            ("members_start", self.members_start),
            ("members_end", self.members_end),
            ("members_joined", self.members_joined),
            ("members_left", self.members_left),
            ("official_members", self.official_members),
            ("associate_members", self.associate_members),
            ("regular_workers", self.regular_workers),
            ("regular_workers_members", self.regular_workers_members),
            ("charter_capital", self.charter_capital),
            ("total_capital_start", self.total_capital_start),
            ("total_capital_end", self.total_capital_end),
            ("indivisible_assets_start", self.indivisible_assets_start),
            ("indivisible_assets_end", self.indivisible_assets_end),
            ("revenue", self.revenue),
            ("revenue_from_members", self.revenue_from_members),
            ("planned_revenue", self.planned_revenue),
            ("fund_development", self.fund_development),
            ("fund_reserve", self.fund_reserve),
            ("fund_other", self.fund_other),
            ("avg_income_workers", self.avg_income_workers),
            ("avg_income_members", self.avg_income_members),
            ("supplied_to_members", self.supplied_to_members),
            ("members_trained", self.members_trained),
            ("months_operated", self.months_operated),
            ("months_suspended", self.months_suspended),
        ];
        for (name, v) in non_negative {
            if let Some(v) = v.filter(|v| *v < 0) {
                errs.push(FieldError::new(name, FieldProblem::Negative(v)));
            }
        }
        for (name, v) in [
            ("months_operated", self.months_operated),
            ("months_suspended", self.months_suspended),
        ] {
            if let Some(v) = v.filter(|v| *v > 12) {
                errs.push(FieldError::new(
                    name,
                    FieldProblem::AboveMaximum { value: v, max: 12 },
                ));
            }
        }
        // Each is checked alone above; their sum only when both are months (a sum of
        // two huge numbers would overflow).
        if let (Some(a @ 0..=12), Some(b @ 0..=12)) = (self.months_operated, self.months_suspended)
        {
            if a + b > 12 {
                errs.push(FieldError::new(
                    "months_suspended",
                    FieldProblem::AboveMaximum {
                        value: a + b,
                        max: 12,
                    },
                ));
            }
        }
        if let (Some(part), Some(whole)) = (self.revenue_from_members, self.revenue) {
            if part > whole && whole >= 0 {
                errs.push(FieldError::new(
                    "revenue_from_members",
                    FieldProblem::AboveMaximum {
                        value: part,
                        max: whole,
                    },
                ));
            }
        }
        errs
    }

    /// Applies a correction: figures present in `p` replace ours.
    pub fn apply(&mut self, p: &ReportFigures) {
        let mut a = serde_json::to_value(&*self).unwrap_or_default();
        if let (Some(a), Ok(serde_json::Value::Object(b))) =
            (a.as_object_mut(), serde_json::to_value(p))
        {
            for (k, v) in b.into_iter().filter(|(_, v)| !v.is_null()) {
                a.insert(k, v);
            }
        }
        if let Ok(merged) = serde_json::from_value(a) {
            *self = merged;
        }
    }
}

/// The deadlines of year Y's filings (spec §4, §5.4; configurable dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// (month, day) in year Y: score sheet, activity report, estimate.
    pub self_evaluation: (u32, u32),
    /// (month, day) in year Y+1: the final annual report.
    pub final_report: (u32, u32),
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            self_evaluation: (12, 15),
            final_report: (1, 15),
        }
    }
}

impl Deadlines {
    pub fn self_evaluation_due(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.self_evaluation.0, self.self_evaluation.1)
    }
    pub fn final_report_due(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            year.checked_add(1)?,
            self.final_report.0,
            self.final_report.1,
        )
    }

    /// The latest year whose figures are final on `today`: its final-report deadline
    /// has passed. Lists and dashboards open on it; later years are provisional.
    pub fn latest_final_year(&self, today: NaiveDate) -> i32 {
        use chrono::Datelike;
        let mut year = today.year();
        while self.final_report_due(year).is_none_or(|due| due >= today) && year > 1 {
            year -= 1;
        }
        year
    }
}

#[cfg(test)]
mod tests {
    /// Found by Schemathesis: two huge month counts overflowed when added (a panic and
    /// a 500); each is refused alone, with no sum.
    #[test]
    fn huge_month_counts_are_refused_without_overflow() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let f = super::ReportFigures {
            months_operated: Some(i64::MAX),
            months_suspended: Some(i64::MAX),
            ..Default::default()
        };
        let errs = f.check(2024, d(2020, 1, 1), d(2026, 12, 2));
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["months_operated", "months_suspended"]);
        assert_eq!(super::Deadlines::default().final_report_due(i32::MAX), None);
    }

    #[test]
    fn the_latest_final_year_is_the_one_whose_final_report_deadline_has_passed() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let dl = super::Deadlines::default();
        // The final report of Y is due on 15 January of Y+1.
        assert_eq!(dl.latest_final_year(d(2026, 12, 2)), 2025);
        assert_eq!(dl.latest_final_year(d(2026, 1, 15)), 2024);
        assert_eq!(dl.latest_final_year(d(2026, 1, 16)), 2025);
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn years_money_and_months_are_checked() {
        let ok = ReportFigures {
            revenue: Some(100),
            pre_tax_profit: Some(-5),
            after_tax_profit: Some(-5),
            months_operated: Some(12),
            ..Default::default()
        };
        assert!(ok.check(2024, d(2020, 1, 1), d(2026, 1, 1)).is_empty());
        let fields = |f: &ReportFigures, y| -> Vec<String> {
            f.check(y, d(2020, 5, 1), d(2026, 1, 1))
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(&ok, 2027), vec!["year"]);
        assert_eq!(fields(&ok, 2019), vec!["year"]);
        let bad = ReportFigures {
            revenue: Some(-1),
            planned_revenue: Some(-1),
            months_suspended: Some(13),
            ..Default::default()
        };
        assert_eq!(
            fields(&bad, 2024),
            vec!["revenue", "planned_revenue", "months_suspended"]
        );
    }

    #[test]
    fn corrections_replace_only_what_they_carry() {
        let mut r = ReportFigures {
            revenue: Some(10),
            members_end: Some(9),
            ..Default::default()
        };
        r.apply(&ReportFigures {
            revenue: Some(12),
            ..Default::default()
        });
        assert_eq!((r.revenue, r.members_end), (Some(12), Some(9)));
    }
}
