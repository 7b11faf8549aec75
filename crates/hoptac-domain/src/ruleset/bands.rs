//! Banded formulas: a quantity read from the year's report and the points each band
//! of it scores, checked when a rule set is loaded.

use crate::report::{ReportField, ReportFigures};
use serde::Serialize;

/// What a banded formula measures in the report for the year. Edges compare exactly,
/// in whole numbers: no rounding at an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Quantity {
    /// A figure itself (`value:revenue`); edges in its unit (VND).
    Value {
        #[schema(value_type = String)]
        of: ReportField,
    },
    /// One figure as a percentage of another (`percent:revenue/planned_revenue`); edges
    /// in whole percent. The divisor must be positive.
    Percent {
        #[schema(value_type = String)]
        of: ReportField,
        #[schema(value_type = String)]
        to: ReportField,
    },
    /// One figure per unit of another (`per:after_tax_profit/members_end`); edges in the
    /// first figure's unit (VND per member). The divisor must be positive.
    Per {
        #[schema(value_type = String)]
        of: ReportField,
        #[schema(value_type = String)]
        per: ReportField,
    },
}

/// A quantity and its point bands: below `edges[0]` scores `points[0]`; at or above
/// `edges[i]` (and below the next edge) scores `points[i + 1]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Banded {
    pub quantity: Quantity,
    /// Lower edges of the bands above the first, strictly rising.
    pub edges: Vec<i64>,
    /// Tenths of a point, one more than the edges.
    pub points: Vec<i32>,
}

/// Why a quantity cannot be measured in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmeasured {
    /// The report lacks this figure.
    Missing(ReportField),
    /// The divisor is zero or negative (e.g. no profit to set funds aside from).
    DivisorNotPositive(ReportField, i64),
}

impl Quantity {
    pub(super) fn parse(formula: &str) -> Option<Quantity> {
        let (kind, rest) = formula.split_once(':')?;
        let pair = || {
            let (a, b) = rest.split_once('/')?;
            Some((ReportField::parse(a.trim())?, ReportField::parse(b.trim())?))
        };
        Some(match kind {
            "value" => Quantity::Value {
                of: ReportField::parse(rest.trim())?,
            },
            "percent" => {
                let (of, to) = pair()?;
                Quantity::Percent { of, to }
            }
            "per" => {
                let (of, per) = pair()?;
                Quantity::Per { of, per }
            }
            _ => return None,
        })
    }

    /// The figures it reads: the measured one, and the divisor if any.
    pub fn fields(self) -> (ReportField, Option<ReportField>) {
        match self {
            Quantity::Value { of } => (of, None),
            Quantity::Percent { of, to } => (of, Some(to)),
            Quantity::Per { of, per } => (of, Some(per)),
        }
    }

    /// The figures from a report: (measured, divisor), the divisor 1 for a plain value.
    pub fn read(self, f: &ReportFigures) -> Result<(i64, i64), Unmeasured> {
        let (of, by) = self.fields();
        let a = of.get(f).ok_or(Unmeasured::Missing(of))?;
        let b = match by {
            None => 1,
            Some(by) => by.get(f).ok_or(Unmeasured::Missing(by))?,
        };
        if b <= 0 {
            if let Some(by) = by {
                return Err(Unmeasured::DivisorNotPositive(by, b));
            }
        }
        Ok((a, b))
    }

    /// Whether figures read by [`Quantity::read`] (divisor positive) are at or above an
    /// edge, in exact integer arithmetic.
    pub fn at_least(self, (a, b): (i64, i64), edge: i64) -> bool {
        let (a, b, e) = (i128::from(a), i128::from(b), i128::from(edge));
        match self {
            Quantity::Value { .. } => a >= e,
            Quantity::Percent { .. } => a * 100 >= e * b,
            Quantity::Per { .. } => a >= e * b,
        }
    }
}

impl Banded {
    /// The points (tenths) and the index of the band the figures fall in.
    pub fn score(&self, figures: (i64, i64)) -> (i32, usize) {
        let band = self
            .edges
            .iter()
            .take_while(|e| self.quantity.at_least(figures, **e))
            .count();
        (self.points.get(band).copied().unwrap_or(0), band)
    }
}
