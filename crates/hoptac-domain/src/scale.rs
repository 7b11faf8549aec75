//! Scale classes of cooperatives (*quy mô HTX*, spec §2.3), as data: which rule applies
//! depends on the date (Circular 01/2020 before the 2023 law took effect, Decree
//! 113/2024 after) and, under the decree, on the sector group. Bands not confirmed from
//! the official text are not guessed: the class is then reported as undetermined.

use crate::org::{OrgKind, Sector, SectorGroup};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum! {
    /// Scale class (*quy mô*).
    ScaleClass {
        Micro = "micro", "Siêu nhỏ", "Micro";
        Small = "small", "Nhỏ", "Small";
        Medium = "medium", "Vừa", "Medium";
        Large = "large", "Lớn", "Large";
    }
}

/// One band: at least `min_members` official members and, where given, revenue or
/// total capital at least the amounts (VND).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScaleBand {
    pub class: ScaleClass,
    pub min_members: i64,
    pub min_revenue: Option<i64>,
    pub min_capital: Option<i64>,
}

/// The bands of one rule, largest class first; below the last band is `micro` when
/// `complete`, undetermined otherwise (bands not confirmed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScaleRule {
    pub source: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// `None`: every sector group.
    pub group: Option<SectorGroup>,
    pub bands: Vec<ScaleBand>,
    pub complete: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScaleRules {
    pub rules: Vec<ScaleRule>,
}

/// The class of one cooperative on a date, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScaleAssessment {
    pub class: Option<ScaleClass>,
    /// The rule applied (document).
    pub source: String,
    /// Why no class could be given (Vietnamese), when `class` is empty.
    pub missing: Option<String>,
}

const BILLION: i64 = 1_000_000_000;

impl Default for ScaleRules {
    fn default() -> Self {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("constant date");
        let band = |class, min_members, r: Option<i64>, c: Option<i64>| ScaleBand {
            class,
            min_members,
            min_revenue: r,
            min_capital: c,
        };
        let decree = "Nghị định 113/2024/NĐ-CP".to_owned();
        ScaleRules {
            rules: vec![
                ScaleRule {
                    source: "Thông tư 01/2020/TT-BKHĐT".into(),
                    from: d(1900, 1, 1),
                    until: Some(d(2024, 6, 30)),
                    group: None,
                    bands: vec![
                        band(ScaleClass::Large, 1001, None, None),
                        band(ScaleClass::Medium, 301, None, None),
                        band(ScaleClass::Small, 50, None, None),
                    ],
                    complete: true,
                },
                ScaleRule {
                    source: decree.clone(),
                    from: d(2024, 7, 1),
                    until: None,
                    group: Some(SectorGroup::Agriculture),
                    bands: vec![
                        band(
                            ScaleClass::Large,
                            300,
                            Some(50 * BILLION),
                            Some(10 * BILLION),
                        ),
                        band(
                            ScaleClass::Medium,
                            200,
                            Some(10 * BILLION),
                            Some(5 * BILLION),
                        ),
                        band(ScaleClass::Small, 50, Some(2 * BILLION), Some(BILLION)),
                    ],
                    complete: true,
                },
                // Only the large band is confirmed for industry–construction (spec §9).
                ScaleRule {
                    source: decree.clone(),
                    from: d(2024, 7, 1),
                    until: None,
                    group: Some(SectorGroup::IndustryConstruction),
                    bands: vec![band(
                        ScaleClass::Large,
                        100,
                        Some(80 * BILLION),
                        Some(20 * BILLION),
                    )],
                    complete: false,
                },
                ScaleRule {
                    source: decree,
                    from: d(2024, 7, 1),
                    until: None,
                    group: Some(SectorGroup::TradeServices),
                    bands: vec![],
                    complete: false,
                },
            ],
        }
    }
}

impl ScaleRules {
    /// The shipped rules, built once.
    pub fn standard() -> &'static ScaleRules {
        static RULES: std::sync::OnceLock<ScaleRules> = std::sync::OnceLock::new();
        RULES.get_or_init(ScaleRules::default)
    }

    /// The class of an HTX with these figures on a date. Revenue and total capital come
    /// from the annual report; without them a class that depends on them is not given.
    pub fn assess(
        &self,
        kind: OrgKind,
        sector: Option<Sector>,
        members: Option<i64>,
        revenue: Option<i64>,
        total_capital: Option<i64>,
        on: NaiveDate,
    ) -> Option<ScaleAssessment> {
        if kind != OrgKind::Cooperative {
            return None;
        }
        let group = sector.map(Sector::group);
        let rule = self.rules.iter().find(|r| {
            r.from <= on
                && r.until.is_none_or(|u| on <= u)
                && (r.group.is_none() || r.group == group)
        })?;
        let out = |class: Option<ScaleClass>, missing: Option<&str>| ScaleAssessment {
            class,
            source: rule.source.clone(),
            missing: missing.map(str::to_owned),
        };
        let Some(members) = members else {
            return Some(out(None, Some("chưa có số thành viên")));
        };
        for b in &rule.bands {
            if members < b.min_members {
                continue;
            }
            if b.min_revenue.is_none() && b.min_capital.is_none() {
                return Some(out(Some(b.class), None));
            }
            let meets =
                |v: Option<i64>, min: Option<i64>| matches!((v, min), (Some(v), Some(m)) if v >= m);
            if meets(revenue, b.min_revenue) || meets(total_capital, b.min_capital) {
                return Some(out(Some(b.class), None));
            }
            if revenue.is_none() && total_capital.is_none() {
                return Some(out(
                    None,
                    Some("cần doanh thu hoặc tổng nguồn vốn từ báo cáo năm"),
                ));
            }
        }
        if rule.complete {
            Some(out(Some(ScaleClass::Micro), None))
        } else {
            Some(out(
                None,
                Some("ngưỡng quy mô của nhóm ngành này chưa được xác nhận"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn circular_01_2020_counts_members_only() {
        let r = ScaleRules::default();
        let class = |m| {
            r.assess(
                OrgKind::Cooperative,
                Some(Sector::Transport),
                Some(m),
                None,
                None,
                d(2023, 1, 1),
            )
            .and_then(|a| a.class)
        };
        assert_eq!(class(49), Some(ScaleClass::Micro));
        assert_eq!(class(50), Some(ScaleClass::Small));
        assert_eq!(class(300), Some(ScaleClass::Small));
        assert_eq!(class(301), Some(ScaleClass::Medium));
        assert_eq!(class(1000), Some(ScaleClass::Medium));
        assert_eq!(class(1001), Some(ScaleClass::Large));
    }

    #[test]
    fn decree_113_agriculture_needs_members_and_money() {
        let r = ScaleRules::default();
        let a = |m, rev, cap| {
            r.assess(
                OrgKind::Cooperative,
                Some(Sector::Agriculture),
                Some(m),
                rev,
                cap,
                d(2025, 1, 1),
            )
        };
        assert_eq!(
            a(300, Some(50 * BILLION), None).and_then(|a| a.class),
            Some(ScaleClass::Large)
        );
        assert_eq!(
            a(300, None, Some(10 * BILLION - 1)).and_then(|a| a.class),
            Some(ScaleClass::Medium)
        );
        assert_eq!(
            a(250, Some(0), Some(BILLION)).and_then(|a| a.class),
            Some(ScaleClass::Small)
        );
        assert_eq!(
            a(40, None, None).and_then(|a| a.class),
            Some(ScaleClass::Micro)
        );
        let unknown = a(120, None, None).expect("assessed");
        assert_eq!(unknown.class, None);
        assert!(unknown.missing.is_some());
    }

    #[test]
    fn unconfirmed_bands_are_not_guessed() {
        let r = ScaleRules::default();
        let a = r
            .assess(
                OrgKind::Cooperative,
                Some(Sector::TradeServices),
                Some(500),
                Some(BILLION),
                None,
                d(2025, 1, 1),
            )
            .expect("assessed");
        assert_eq!(a.class, None);
        let ic = r.assess(
            OrgKind::Cooperative,
            Some(Sector::Construction),
            Some(150),
            Some(90 * BILLION),
            None,
            d(2025, 1, 1),
        );
        assert_eq!(ic.and_then(|a| a.class), Some(ScaleClass::Large));
        assert!(r
            .assess(
                OrgKind::CooperativeGroup,
                None,
                Some(10),
                None,
                None,
                d(2025, 1, 1)
            )
            .is_none());
    }
}
