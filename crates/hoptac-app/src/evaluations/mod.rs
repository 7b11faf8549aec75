//! Evaluations (*đánh giá, phân loại HTX*, spec §5): a score sheet per HTX or LHHTX and
//! year under one rule set, through draft → submitted → reviewed → approved, with
//! returns for correction, approval by someone other than the preparer, approved
//! sheets locked and reopened only with a reason.

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use crate::reports::{self};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use hoptac_domain::evaluation::Rating;
use hoptac_domain::evaluation::{propose, Outcome, Proposal, ScoreError};
use hoptac_domain::history::{Change, ChangeBody};
use hoptac_domain::org::{OrgId, Status};
use hoptac_domain::ruleset::RuleSet;
use hoptac_store::docs::Doc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod reads;
mod rules;
mod scoring;

pub const KIND: &str = "evaluation";

/// Workflow state (*trạng thái phiếu đánh giá*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvalState {
    Draft,
    Submitted,
    Reviewed,
    Approved,
}

impl EvalState {
    pub fn code(self) -> &'static str {
        match self {
            EvalState::Draft => "draft",
            EvalState::Submitted => "submitted",
            EvalState::Reviewed => "reviewed",
            EvalState::Approved => "approved",
        }
    }
    pub fn parse(code: &str) -> Option<EvalState> {
        [
            EvalState::Draft,
            EvalState::Submitted,
            EvalState::Reviewed,
            EvalState::Approved,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            EvalState::Draft => "Đang soạn",
            EvalState::Submitted => "Đã nộp",
            EvalState::Reviewed => "Đã thẩm định",
            EvalState::Approved => "Đã phê duyệt",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            EvalState::Draft => "Draft",
            EvalState::Submitted => "Submitted",
            EvalState::Reviewed => "Reviewed",
            EvalState::Approved => "Approved",
        }
    }
}

/// One line of the classification list (*danh sách phân loại*): an organisation to
/// classify in a year and where its sheet is.
#[derive(Debug, Clone, PartialEq)]
pub struct ToClassify {
    pub org_id: OrgId,
    /// `None`: no sheet yet.
    pub state: Option<EvalState>,
    /// The sheet's total in tenths and its rating, once scored.
    pub scored: Option<(i32, Rating)>,
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The HTX (or the commune for it) files the complete sheet.
    Submit,
    /// The registering level has checked it and forwards it.
    Review,
    /// The province approves; the sheet is then locked.
    Approve,
    /// Sent back for correction, with the reason.
    Return { reason: String },
    /// An approved sheet opened again (provincial officers), with the reason.
    Reopen { reason: String },
}

/// A score sheet and where it is in the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub org_id: OrgId,
    pub year: i32,
    pub rule_set: String,
    pub state: EvalState,
    /// Sub-criterion code → tenths of a point.
    pub scores: BTreeMap<String, i32>,
    /// Why a proposed score was changed, by sub-criterion.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
    pub proposals: Vec<Proposal>,
    /// The annual report version the sheet was based on, when submitted or approved.
    pub report_version: Option<i64>,
    pub outcome: Option<Outcome>,
    pub prepared_by: String,
    /// Everyone who saved scores on the sheet: none of them may approve it.
    #[serde(default)]
    pub editors: std::collections::BTreeSet<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// A historical sheet entered as approved by a provincial officer.
    #[serde(default)]
    pub imported: bool,
    pub last_return: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationRecord {
    pub version: i64,
    pub evaluation: Evaluation,
}

/// What [`Registry::recheck_evaluations`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recheck {
    /// Sheets with an outcome that were recomputed.
    pub checked: usize,
    pub differences: Vec<RecheckDifference>,
}

/// A sheet whose stored outcome is not what its scores give today.
#[derive(Debug, Clone, Serialize)]
pub struct RecheckDifference {
    pub org_id: OrgId,
    pub state: EvalState,
    pub stored: Outcome,
    /// `None` when it can no longer be computed (see `problem`).
    pub recomputed: Option<Outcome>,
    pub problem: Option<String>,
}

/// A score sheet as a page shows it (see [`Registry::sheet`]).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub record: Option<EvaluationRecord>,
    pub rule_set: RuleSet,
    pub proposals: Vec<Proposal>,
    /// The full names of the people the sheet names (preparer, reviewer, approver).
    pub people: crate::users::People,
}

fn key(org: OrgId, year: i32) -> String {
    reports::key(org, year)
}

fn stale(cur: &Doc<Evaluation>, yours: i64) -> AppError {
    AppError::StaleDocument {
        what: "evaluation",
        current: Box::new(serde_json::to_value(&cur.body).unwrap_or_default()),
        current_version: cur.version,
        your_version: yours,
    }
}

fn score_errors(errs: Vec<ScoreError>) -> AppError {
    let vi: Vec<String> = errs.iter().map(score_error_vi).collect();
    let en: Vec<String> = errs.iter().map(ToString::to_string).collect();
    AppError::refused(
        "invalid_scores",
        format!("Phiếu điểm không hợp lệ: {}", vi.join("; ")),
        format!("Invalid scores: {}", en.join("; ")),
    )
}

fn points(t: i32) -> String {
    hoptac_domain::i18n::format_decimal(f64::from(t) / 10.0, 1)
}

pub fn score_error_vi(e: &ScoreError) -> String {
    match e {
        ScoreError::Unknown(c) => format!("không có tiêu chí {c} trong bộ tiêu chí"),
        ScoreError::AboveMax { code, score, max } => format!(
            "tiêu chí {code}: {} điểm vượt mức tối đa {}",
            points(*score),
            points(*max)
        ),
        ScoreError::Negative { code, score } => {
            format!("tiêu chí {code}: điểm âm ({})", points(*score))
        }
        ScoreError::Missing(c) => format!("tiêu chí {c} chưa có điểm"),
    }
}

/// Each day's stopped-or-not timeline from an organisation's history, a registered
/// suspension ending by itself the day after its end date.
pub fn stopped_timeline(changes: &[Change]) -> Vec<(NaiveDate, bool)> {
    let mut ordered: Vec<&Change> = changes.iter().collect();
    ordered.sort_by_key(|c| (c.effective, c.seq));
    let mut out: Vec<(NaiveDate, bool)> = Vec::new();
    for c in ordered {
        if let ChangeBody::Status { status } = &c.body {
            // A later event supersedes an automatic end that has not happened yet.
            out.retain(|(d, _)| *d < c.effective);
            let stopped = matches!(status.status, Status::Suspended | Status::Inactive);
            out.push((c.effective, stopped));
            if let (Status::Suspended, Some(until)) = (status.status, status.until) {
                out.push((until + Duration::days(1), false));
            }
        }
    }
    out
}

impl Registry {
    /// The sheet an import would write: a new draft, the existing draft with the new
    /// scores, or (historical sheets) an approved one with its outcome.
    pub(crate) fn prepare_sheet(
        &self,
        org_id: OrgId,
        year: i32,
        scores: BTreeMap<String, i32>,
        approved: bool,
        existing: Option<&Evaluation>,
        actor: &Actor,
    ) -> Result<Evaluation> {
        let history = self.history_of(org_id)?;
        if existing.is_none() && !approved {
            // A new draft, as on the sheet page; sheets approved long ago are history.
            Self::existed_in(&history, year)?;
        }
        let org = self.org_in_year_from(&history, year)?;
        let rs = self.rule_set_for(
            org.kind,
            org.fields.sector,
            year,
            existing.map(|e| e.rule_set.as_str()),
        )?;
        let this = self.report(org_id, year).ok().map(|r| r.report.figures);
        let last = self.report(org_id, year - 1).ok().map(|r| r.report.figures);
        let mut e = existing.cloned().unwrap_or(Evaluation {
            org_id,
            year,
            rule_set: rs.id.clone(),
            state: EvalState::Draft,
            scores: BTreeMap::new(),
            reasons: BTreeMap::new(),
            proposals: vec![],
            report_version: None,
            outcome: None,
            prepared_by: actor.name.clone(),
            editors: std::collections::BTreeSet::new(),
            submitted_at: None,
            reviewed_by: None,
            approved_by: None,
            approved_at: None,
            imported: false,
            last_return: None,
        });
        e.scores.extend(scores);
        e.editors.insert(actor.name.clone());
        e.proposals = propose(&rs, this.as_ref(), last.as_ref());
        if approved {
            self.classify_into(&mut e)?;
            let now = Utc::now();
            e.state = EvalState::Approved;
            e.imported = true;
            e.submitted_at = e.submitted_at.or(Some(now));
            e.approved_by = Some(actor.name.clone());
            e.approved_at = Some(now);
        }
        Ok(e)
    }
}
