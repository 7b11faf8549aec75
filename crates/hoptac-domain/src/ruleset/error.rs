//! What can be wrong with a rule set file, in both languages.

use crate::i18n::Lang;

/// What is wrong with a rule set file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleSetError {
    #[error("{origin}: not a valid rule set file: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: {at}: {value} is not a number of points in tenths (0.1)")]
    BadPoints {
        origin: String,
        at: String,
        value: f64,
    },
    #[error(
        "{origin}: criterion {criterion}: its parts add up to {sum} tenths, its maximum is {max}"
    )]
    PartsDoNotAddUp {
        origin: String,
        criterion: String,
        sum: i32,
        max: i32,
    },
    #[error("{origin}: group {group}: its criteria add up to {sum} tenths, its maximum is {max}")]
    GroupDoesNotAddUp {
        origin: String,
        group: String,
        sum: i32,
        max: i32,
    },
    #[error("{origin}: the criteria add up to {total} tenths, not 1000 (100 points)")]
    TotalNot100 { origin: String, total: i32 },
    #[error("{origin}: bands must go good, fair, average, weak with falling minimums down to 0")]
    BadBands { origin: String },
    #[error("{origin}: code {code} is used twice")]
    DuplicateCode { origin: String, code: String },
    #[error("{origin}: criterion {at}: unknown {what} {value:?}")]
    Unknown {
        origin: String,
        at: String,
        what: &'static str,
        value: String,
    },
    #[error("{origin}: criterion {criterion} names group {group}, which does not exist")]
    NoSuchGroup {
        origin: String,
        criterion: String,
        group: String,
    },
    #[error("{origin}: criterion {at}: point bands: {problem}")]
    BadPointBands {
        origin: String,
        at: String,
        problem: BandProblem,
    },
}

/// What is wrong with the point bands of a banded formula.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BandProblem {
    #[error("the formula needs `edges` and `points`")]
    Missing,
    #[error("`edges` and `points` belong only to value:, percent: and per: formulas")]
    NotBanded,
    #[error("the edges must rise strictly")]
    NotRising,
    #[error("{edges} edges need {} points, there are {points}", edges + 1)]
    Count { edges: usize, points: usize },
    #[error("{points} tenths is above the maximum {max}")]
    AboveMax { points: i32, max: i32 },
    #[error("no band scores the maximum {max} tenths")]
    MaxUnreachable { max: i32 },
}

impl BandProblem {
    fn message_vi(&self) -> String {
        let p = |t: &i32| crate::i18n::format_decimal(f64::from(*t) / 10.0, 1);
        match self {
            BandProblem::Missing => "công thức cần khai báo `edges` và `points`".into(),
            BandProblem::NotBanded => {
                "`edges` và `points` chỉ dùng cho công thức value:, percent: và per:".into()
            }
            BandProblem::NotRising => "các ngưỡng phải tăng dần".into(),
            BandProblem::Count { edges, points } => {
                format!(
                    "{edges} ngưỡng cần {} mức điểm, đang có {points}",
                    edges + 1
                )
            }
            BandProblem::AboveMax { points, max } => {
                format!("mức {} điểm vượt điểm tối đa {}", p(points), p(max))
            }
            BandProblem::MaxUnreachable { max } => {
                format!("không mức nào đạt điểm tối đa {}", p(max))
            }
        }
    }
}

impl RuleSetError {
    /// The message in Vietnamese or English (administrators read these).
    pub fn message(&self, lang: Lang) -> String {
        let p = |t: &i32| crate::i18n::format_decimal(f64::from(*t) / 10.0, 1);
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (RuleSetError::Parse { origin, message }, Lang::Vi) => format!("{origin}: tệp bộ tiêu chí không đọc được: {message}"),
            (RuleSetError::BadPoints { origin, at, value }, Lang::Vi) => format!("{origin}: {at}: {value} không phải số điểm (lẻ tối đa 0,1)"),
            (RuleSetError::PartsDoNotAddUp { origin, criterion, sum, max }, Lang::Vi) => format!("{origin}: tiêu chí {criterion}: tổng điểm các tiêu chí con là {}, điểm tối đa là {}", p(sum), p(max)),
            (RuleSetError::GroupDoesNotAddUp { origin, group, sum, max }, Lang::Vi) => format!("{origin}: nhóm {group}: tổng điểm các tiêu chí là {}, điểm tối đa của nhóm là {}", p(sum), p(max)),
            (RuleSetError::TotalNot100 { origin, total }, Lang::Vi) => format!("{origin}: tổng điểm các tiêu chí là {}, không phải 100", p(total)),
            (RuleSetError::BadBands { origin }, Lang::Vi) => format!("{origin}: các mức xếp loại phải theo thứ tự tốt, khá, trung bình, yếu với điểm sàn giảm dần tới 0"),
            (RuleSetError::DuplicateCode { origin, code }, Lang::Vi) => format!("{origin}: mã {code} bị dùng hai lần"),
            (RuleSetError::Unknown { origin, at, what, value }, Lang::Vi) => format!("{origin}: tiêu chí {at}: {what} \"{value}\" không hợp lệ"),
            (RuleSetError::NoSuchGroup { origin, criterion, group }, Lang::Vi) => format!("{origin}: tiêu chí {criterion} thuộc nhóm {group} không tồn tại"),
            (RuleSetError::BadPointBands { origin, at, problem }, Lang::Vi) => format!("{origin}: tiêu chí {at}: các mức điểm: {}", problem.message_vi()),
        }
    }
}
