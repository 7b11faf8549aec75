//! Proposed points for the computed sub-criteria (*điểm đề xuất*), from the annual
//! reports: growth on the year before, or the band a figure of the year falls in.

use crate::report::ReportFigures;
use crate::ruleset::{Banded, Method, Quantity, RuleSet, Unmeasured};
use serde::{Deserialize, Serialize};

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
