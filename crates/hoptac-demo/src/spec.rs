//! What the demo is asked for (`DemoSpec`: seed and size), what it made
//! (`DemoSummary`), and the demo's fixed "today".

use chrono::NaiveDate;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    /// 1.0: about 500 HTX, 300 THT and 6 LHHTX.
    pub scale: f64,
    /// Exact numbers of (HTX, THT, LHHTX), overriding `scale` (national datasets).
    pub counts: Option<(usize, usize, usize)>,
}

impl Default for DemoSpec {
    fn default() -> Self {
        DemoSpec {
            seed: 538,
            scale: 1.0,
            counts: None,
        }
    }
}

impl DemoSpec {
    /// Vietnam's size: about 35,000 HTX, 80,000 THT and 200 LHHTX, over every
    /// province's communes.
    pub fn national(seed: u64) -> Self {
        DemoSpec {
            seed,
            scale: 1.0,
            counts: Some((35_000, 80_000, 200)),
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub reports: usize,
    pub evaluations: usize,
    pub cooperatives: usize,
    pub unions: usize,
    pub groups: usize,
    pub changes: usize,
}

/// The demo's "today": fixed so the same seed gives the same data whatever the day.
pub fn demo_today(real_today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).map_or(real_today, |d| d.min(real_today))
}
