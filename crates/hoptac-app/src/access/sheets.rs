//! Score sheets through the scoped handle (*phiếu đánh giá, phân loại*): read, score and
//! move along the workflow those of organisations within the scope; each step asks the
//! role it needs.

use super::Scoped;
use crate::error::{AppError, Result};
use crate::evaluations::{Action as Step, EvaluationRecord, Sheet, ToClassify};
use crate::registry::Actor;
use hoptac_domain::auth::{Action, Scope};
use hoptac_domain::list::{OrgFilter, OrgView};
use hoptac_domain::org::OrgId;
use std::collections::{BTreeMap, HashSet};

/// The role a workflow step needs.
pub fn step_needs(step: &Step) -> Action {
    match step {
        Step::Submit => Action::ScoreSheet,
        Step::Review | Step::Return { .. } => Action::ReviewSheet,
        Step::Approve | Step::Reopen { .. } => Action::ApproveSheet,
    }
}

impl Scoped {
    /// An organisation's score sheet record for a year.
    pub fn evaluation(&self, id: OrgId, year: i32) -> Result<EvaluationRecord> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.evaluation(id, year)
    }

    /// The organisation and its sheet for a year of evaluation (2015 to this year), with
    /// the proposed points.
    pub fn sheet(&self, id: OrgId, year: i32) -> Result<(OrgView, Sheet)> {
        self.allowed(Action::ReadInternal)?;
        let v = self.visible(id)?;
        let this_year = chrono::Datelike::year(&self.reg.today());
        if !(2015..=this_year).contains(&year) {
            return Err(AppError::refused(
                "bad_year",
                format!("Năm {year} ngoài khoảng đánh giá"),
                format!("{year} is outside the evaluation years"),
            ));
        }
        Ok((v, self.reg.sheet(id, year)?))
    }

    /// Saves scores on a draft sheet (creating it).
    #[allow(clippy::too_many_arguments)]
    pub fn save_scores(
        &self,
        id: OrgId,
        year: i32,
        scores: BTreeMap<String, i32>,
        reasons: BTreeMap<String, String>,
        rule_set: Option<&str>,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<EvaluationRecord> {
        self.allowed(Action::ScoreSheet)?;
        self.visible(id)?;
        self.reg
            .save_scores(id, year, scores, reasons, rule_set, version, actor)
    }

    /// One workflow step on a sheet, if the role may take it.
    pub fn transition(
        &self,
        id: OrgId,
        year: i32,
        step: Step,
        version: i64,
        actor: &Actor,
    ) -> Result<EvaluationRecord> {
        self.allowed(step_needs(&step))?;
        self.visible(id)?;
        self.reg.transition(id, year, step, version, actor)
    }

    /// Every sheet of a year for organisations within the scope.
    pub fn evaluations_for_year(&self, year: i32) -> Result<Vec<EvaluationRecord>> {
        self.allowed(Action::ReadInternal)?;
        let all = self.reg.evaluations_for_year(year)?;
        if self.who.scope == Scope::All {
            return Ok(all);
        }
        let visible: HashSet<OrgId> = self
            .reg
            .ids(&self.who.scope, &OrgFilter::default())?
            .into_iter()
            .collect();
        Ok(all
            .into_iter()
            .filter(|e| visible.contains(&e.evaluation.org_id))
            .collect())
    }

    /// The organisations within the scope to classify in a year, with their sheet's
    /// state.
    pub fn to_classify(&self, year: i32) -> Result<Vec<ToClassify>> {
        self.allowed(Action::ReadInternal)?;
        self.reg.to_classify(year, &self.who.scope)
    }
}
