//! Evaluation and classification (*đánh giá, phân loại*, spec §5.2–5.3): scores are
//! tenths of a point, summed exactly; exclusions, the sanction rule and the bands are
//! applied in the spec's order; points of computed sub-criteria are proposed from the
//! annual reports.

use crate::ruleset::RuleSet;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod propose;
#[cfg(test)]
mod propose_tests;
#[cfg(test)]
mod tests;

pub use propose::{propose, Proposal};

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
