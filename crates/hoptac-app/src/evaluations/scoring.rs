//! Saving scores and moving a sheet through its states (*chấm điểm, trình, duyệt*),
//! and importing sheets approved elsewhere.

use super::*;
use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use crate::reports::{self, AnnualReport};
use chrono::{Datelike, Utc};
use hoptac_domain::evaluation::{self, classify, propose};
use hoptac_domain::org::OrgId;
use hoptac_store::docs::{self, Doc, Stamp};
use hoptac_store::orgs::OrgHistory;
use std::collections::BTreeMap;

impl Registry {
    /// Saves scores on a draft sheet (creating it). Partial sheets are fine until
    /// submitted; scores are checked against the rule set's maxima.
    #[allow(clippy::too_many_arguments)]
    pub fn save_scores(
        &self,
        org_id: OrgId,
        year: i32,
        scores: BTreeMap<String, i32>,
        reasons: BTreeMap<String, String>,
        rule_set: Option<&str>,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<EvaluationRecord> {
        let history = self.history_of(org_id)?;
        let org = self.org_in_year_from(&history, year)?;
        if year > self.today().year() {
            return Err(AppError::invalid(hoptac_domain::validate::FieldError::new(
                "year",
                hoptac_domain::validate::FieldProblem::FutureYear(year),
            )));
        }
        Self::existed_in(&history, year)?;
        // A draft keeps its rule set unless one is named.
        let existing = self.evaluation(org_id, year).ok();
        let named = rule_set.or(existing.as_ref().map(|e| e.evaluation.rule_set.as_str()));
        let rs = self.rule_set_for(org.kind, org.fields.sector, year, named)?;
        let errs = evaluation::check_scores(&rs, &scores, false);
        if !errs.is_empty() {
            return Err(score_errors(errs));
        }
        let id = key(org_id, year);
        let now = Utc::now();
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: None,
            now,
        };
        let (this, last) = self.db.read(|c| {
            Ok::<_, AppError>((
                docs::get::<AnnualReport>(c, reports::KIND, &key(org_id, year))?,
                docs::get::<AnnualReport>(c, reports::KIND, &key(org_id, year - 1))?,
            ))
        })?;
        let proposals = propose(
            &rs,
            this.as_ref().map(|d| &d.body.figures),
            last.as_ref().map(|d| &d.body.figures),
        );
        self.db.write(|c| {
            let cur: Option<Doc<Evaluation>> = docs::get(c, KIND, &id)?;
            match (cur, version) {
                (None, _) => {
                    let e = Evaluation {
                        org_id,
                        year,
                        rule_set: rs.id.clone(),
                        state: EvalState::Draft,
                        scores: scores.clone(),
                        reasons: reasons.clone(),
                        proposals: proposals.clone(),
                        report_version: None,
                        outcome: None,
                        prepared_by: actor.name.clone(),
                        editors: std::iter::once(actor.name.clone()).collect(),
                        submitted_at: None,
                        reviewed_by: None,
                        approved_by: None,
                        approved_at: None,
                        imported: false,
                        last_return: None,
                    };
                    match docs::insert(c, KIND, &id, Some(org_id), Some(i64::from(year)), Some("draft"), &e, &stamp) {
                        Ok(()) => Ok(EvaluationRecord { version: 1, evaluation: e }),
                        // Someone created it a moment ago: a conflict, not a failure.
                        Err(hoptac_store::StoreError::Unique(_)) => match docs::get::<Evaluation>(c, KIND, &id)? {
                            Some(cur) => Err(stale(&cur, 0)),
                            None => Err(AppError::refused("changed", "Phiếu vừa bị sửa", "The sheet just changed")),
                        },
                        Err(e) => Err(e.into()),
                    }
                }
                (Some(cur), v) if v != Some(cur.version) => Err(stale(&cur, v.unwrap_or(0))),
                (Some(cur), Some(v)) => {
                    if cur.body.state != EvalState::Draft {
                        return Err(AppError::refused(
                            "not_a_draft",
                            format!("Phiếu đánh giá đang ở trạng thái \"{}\": chỉ sửa điểm khi đang soạn (trả lại hoặc mở lại trước)", cur.body.state.label_vi()),
                            format!("The sheet is {}: scores can only change on a draft (return or reopen it first)", cur.body.state.code()),
                        ));
                    }
                    let mut e = cur.body.clone();
                    if e.rule_set != rs.id {
                        // Another rule set: the old scores mean nothing under it.
                        e.scores.clear();
                        e.reasons.clear();
                    }
                    e.scores.extend(scores.clone());
                    e.reasons.extend(reasons.clone());
                    let errs = evaluation::check_scores(&rs, &e.scores, false);
                    if !errs.is_empty() {
                        return Err(score_errors(errs));
                    }
                    e.proposals = proposals.clone();
                    e.rule_set = rs.id.clone();
                    e.editors.insert(actor.name.clone());
                    if !docs::update(c, KIND, &id, v, Some("draft"), &e, &stamp)? {
                        return Err(stale(&cur, v));
                    }
                    Ok(EvaluationRecord { version: v + 1, evaluation: e })
                }
                (Some(cur), None) => Err(stale(&cur, 0)),
            }
        })
    }

    /// Moves a sheet through the workflow.
    pub fn transition(
        &self,
        org_id: OrgId,
        year: i32,
        action: Action,
        version: i64,
        actor: &Actor,
    ) -> Result<EvaluationRecord> {
        let id = key(org_id, year);
        let cur: Doc<Evaluation> =
            self.db
                .read(|c| docs::get(c, KIND, &id))?
                .ok_or(AppError::NotFound {
                    what: "evaluation",
                    id: id.clone(),
                })?;
        if cur.version != version {
            return Err(stale(&cur, version));
        }
        let mut e = cur.body.clone();
        let wrong = |from: EvalState| {
            AppError::refused(
                "wrong_state",
                format!("Không thể thực hiện khi phiếu đang \"{}\"", from.label_vi()),
                format!("Not possible while the sheet is {}", from.code()),
            )
        };
        let reason_needed = |r: &str| {
            if r.trim().is_empty() {
                Err(AppError::refused(
                    "reason_required",
                    "Cần ghi rõ lý do",
                    "A reason is required",
                ))
            } else {
                Ok(())
            }
        };
        let now = Utc::now();
        let mut note = None;
        match (&action, e.state) {
            (Action::Submit, EvalState::Draft) => {
                // A proposal is only a proposal, but changing it needs a reason (§5.3).
                let unexplained: Vec<String> = e
                    .proposals
                    .iter()
                    .filter_map(|p| p.points.map(|pts| (p, pts)))
                    .filter(|(p, pts)| e.scores.get(&p.code).is_some_and(|s| s != pts))
                    .filter(|(p, _)| e.reasons.get(&p.code).is_none_or(|r| r.trim().is_empty()))
                    .map(|(p, _)| p.code.clone())
                    .collect();
                if !unexplained.is_empty() {
                    return Err(AppError::refused(
                        "reason_required",
                        format!(
                            "Điểm khác điểm đề xuất ở tiêu chí {}: cần ghi lý do",
                            unexplained.join(", ")
                        ),
                        format!(
                            "Scores differ from the proposal for {}: give a reason",
                            unexplained.join(", ")
                        ),
                    ));
                }
                self.classify_into(&mut e)?;
                e.state = EvalState::Submitted;
                e.submitted_at = Some(now);
            }
            (Action::Review, EvalState::Submitted) => {
                e.state = EvalState::Reviewed;
                e.reviewed_by = Some(actor.name.clone());
            }
            (Action::Approve, EvalState::Reviewed) => {
                if actor.name == e.prepared_by || e.editors.contains(&actor.name) {
                    return Err(AppError::refused(
                        "approver_prepared",
                        "Người lập phiếu không được phê duyệt phiếu của mình",
                        "The person who prepared the sheet cannot approve it",
                    ));
                }
                self.classify_into(&mut e)?;
                e.state = EvalState::Approved;
                e.approved_by = Some(actor.name.clone());
                e.approved_at = Some(now);
            }
            (Action::Return { reason }, EvalState::Submitted | EvalState::Reviewed) => {
                reason_needed(reason)?;
                e.state = EvalState::Draft;
                e.last_return = Some(reason.clone());
                note = Some(reason.clone());
            }
            (Action::Reopen { reason }, EvalState::Approved) => {
                reason_needed(reason)?;
                e.state = EvalState::Reviewed;
                e.approved_by = None;
                e.approved_at = None;
                note = Some(reason.clone());
            }
            (_, from) => return Err(wrong(from)),
        }
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: note.as_deref(),
            now,
        };
        self.db.write(|c| {
            if docs::update(c, KIND, &id, version, Some(e.state.code()), &e, &stamp)? {
                Ok(EvaluationRecord {
                    version: version + 1,
                    evaluation: e.clone(),
                })
            } else {
                Err(stale(&cur, version))
            }
        })
    }

    /// Scores the sheet against its rule set with the facts of the year, recording the
    /// report version used.
    pub(super) fn classify_into(&self, e: &mut Evaluation) -> Result<()> {
        let h = self.history_of(e.org_id)?;
        let report = self.report(e.org_id, e.year).ok();
        self.classify_from(e, &h, report)
    }

    /// Classifies a sheet from its organisation's history and the year's report.
    pub(super) fn classify_from(
        &self,
        e: &mut Evaluation,
        h: &OrgHistory,
        report: Option<crate::reports::ReportRecord>,
    ) -> Result<()> {
        let org = self.org_in_year_from(h, e.year)?;
        let rs = self.rule_set_for(org.kind, org.fields.sector, e.year, Some(&e.rule_set))?;
        let facts = Self::facts_for(h, e.year, report.as_ref().map(|r| &r.report))?;
        e.outcome = Some(classify(&rs, &facts, &e.scores).map_err(score_errors)?);
        e.report_version = report.map(|r| r.version);
        Ok(())
    }

    /// Enters a historical sheet as approved (provincial officers), marked imported.
    pub fn import_approved(
        &self,
        org_id: OrgId,
        year: i32,
        scores: BTreeMap<String, i32>,
        rule_set: Option<&str>,
        actor: &Actor,
    ) -> Result<EvaluationRecord> {
        let rec = self.save_scores(org_id, year, scores, BTreeMap::new(), rule_set, None, actor)?;
        let mut e = rec.evaluation;
        self.classify_into(&mut e)?;
        let now = Utc::now();
        e.state = EvalState::Approved;
        e.imported = true;
        e.submitted_at = Some(now);
        e.approved_by = Some(actor.name.clone());
        e.approved_at = Some(now);
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: Some("nhập phiếu đã phê duyệt"),
            now,
        };
        let id = key(org_id, year);
        self.db.write(|c| {
            if docs::update(c, KIND, &id, rec.version, Some("approved"), &e, &stamp)? {
                Ok(EvaluationRecord {
                    version: rec.version + 1,
                    evaluation: e.clone(),
                })
            } else {
                Err(AppError::refused(
                    "changed",
                    "Phiếu vừa bị sửa",
                    "The sheet just changed",
                ))
            }
        })
    }
}
