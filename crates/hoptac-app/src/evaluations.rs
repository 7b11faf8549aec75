//! Evaluations (*đánh giá, phân loại HTX*, spec §5): a score sheet per HTX or LHHTX and
//! year under one rule set, through draft → submitted → reviewed → approved, with
//! returns for correction, approval by someone other than the preparer, approved
//! sheets locked and reopened only with a reason.

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use crate::reports::{self, AnnualReport};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use hoptac_domain::auth::Scope;
use hoptac_domain::evaluation::Rating;
use hoptac_domain::evaluation::{self, classify, propose, Facts, Outcome, Proposal, ScoreError};
use hoptac_domain::history::{Change, ChangeBody, OrgState};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgFilter;
use hoptac_domain::org::{OrgId, OrgKind, Sector, Status};
use hoptac_domain::ruleset::RuleSet;
use hoptac_store::docs::{self, Doc, DocChange, Stamp};
use hoptac_store::orgs::{self, OrgHistory};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    /// The rule sets this registry knows: the shipped ones and any loaded from files.
    pub fn rule_sets(&self) -> Result<Vec<RuleSet>> {
        let mut all = RuleSet::shipped().map_err(|e| {
            AppError::refused("bad_rule_set", e.message(Lang::Vi), e.message(Lang::En))
        })?;
        for extra in self.extra_rule_sets.iter() {
            all.retain(|r| r.id != extra.id);
            all.push(extra.clone());
        }
        Ok(all)
    }

    /// The rule set for an organisation and year: the one named, else the newest that
    /// applies (TT 01/2020 from 2020, TT 09/2017 for agricultural HTX before).
    pub fn rule_set_for(
        &self,
        kind: OrgKind,
        sector: Option<Sector>,
        year: i32,
        named: Option<&str>,
    ) -> Result<RuleSet> {
        let all = self.rule_sets()?;
        let found = match named {
            Some(id) => all.into_iter().find(|r| r.id == id).ok_or_else(|| {
                AppError::refused(
                    "unknown_rule_set",
                    format!("Không có bộ tiêu chí \"{id}\""),
                    format!("No rule set \"{id}\""),
                )
            })?,
            None => {
                let mut fitting: Vec<RuleSet> = all
                    .into_iter()
                    .filter(|r| r.applies_to(kind, sector, year))
                    .collect();
                fitting.sort_by_key(|r| r.in_force_from);
                fitting.pop().ok_or_else(|| match kind {
                    OrgKind::CooperativeGroup => AppError::refused(
                        "not_evaluated",
                        "Tổ hợp tác không được đánh giá, phân loại theo bộ tiêu chí HTX",
                        "Cooperative groups are not evaluated under the cooperative rule sets",
                    ),
                    _ => AppError::refused(
                        "no_rule_set",
                        format!("Không có bộ tiêu chí áp dụng cho năm {year} với tổ chức này (quỹ tín dụng nhân dân theo quy định của Ngân hàng Nhà nước)"),
                        format!("No rule set applies to this organisation in {year} (credit funds follow State Bank rules)"),
                    ),
                })?
            }
        };
        if named.is_some() && !found.applies_to(kind, sector, year) {
            return Err(AppError::refused(
                "rule_set_does_not_apply",
                format!(
                    "Bộ tiêu chí {} không áp dụng cho tổ chức này năm {year}",
                    found.id
                ),
                format!(
                    "Rule set {} does not apply to this organisation in {year}",
                    found.id
                ),
            ));
        }
        Ok(found)
    }

    /// The organisation as it stood on 31 December of the year evaluated: its kind and
    /// sector then decide the rule set (a later change of sector does not reach back).
    /// Founded after that day: as it is now.
    fn org_in_year(&self, org_id: OrgId, year: i32) -> Result<hoptac_domain::list::OrgView> {
        self.org_in_year_from(&self.history_of(org_id)?, year)
    }

    /// An organisation's history, with its kind and version, in one read.
    fn history_of(&self, org_id: OrgId) -> Result<OrgHistory> {
        self.db
            .read(|c| orgs::histories_of(c, &[org_id]))?
            .pop()
            .ok_or(AppError::NotFound {
                what: "organisation",
                id: org_id.to_string(),
            })
    }

    /// The organisation as it stood on 31 December of the year (as it is now when
    /// that is still to come, or when it was not yet registered then).
    fn org_in_year_from(&self, h: &OrgHistory, year: i32) -> Result<hoptac_domain::list::OrgView> {
        let (places, today) = (self.places(), self.today());
        if let Some(d) = NaiveDate::from_ymd_opt(year, 12, 31).filter(|d| *d < today) {
            if let Some(st) = OrgState::fold(h.id, h.kind, &h.changes, Some(d)) {
                return Ok(self.view(st, h.version, d, &places));
            }
        }
        let st = OrgState::fold(h.id, h.kind, &h.changes, None).ok_or(AppError::NotFound {
            what: "organisation",
            id: h.id.to_string(),
        })?;
        Ok(self.view(st, h.version, today, &places))
    }

    fn facts_for(h: &OrgHistory, year: i32, report: Option<&AnnualReport>) -> Result<Facts> {
        let founded =
            OrgState::fold(h.id, h.kind, &h.changes, None).and_then(|st| st.fields.founding_date);
        let from = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| AppError::refused("bad_year", "Năm không hợp lệ", "Invalid year"))?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(from);
        Ok(Facts {
            year,
            founded: founded.unwrap_or(from),
            months_suspended: report.and_then(|r| r.figures.months_suspended),
            days_stopped: evaluation::days_stopped(&stopped_timeline(&h.changes), from, to),
            sanctioned: report.and_then(|r| r.figures.sanctioned).unwrap_or(false),
        })
    }

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
        let org = self.org_in_year(org_id, year)?;
        if year > self.today().year() {
            return Err(AppError::invalid(hoptac_domain::validate::FieldError::new(
                "year",
                hoptac_domain::validate::FieldProblem::FutureYear(year),
            )));
        }
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
    fn classify_into(&self, e: &mut Evaluation) -> Result<()> {
        let h = self.history_of(e.org_id)?;
        let report = self.report(e.org_id, e.year).ok();
        self.classify_from(e, &h, report)
    }

    /// Classifies a sheet from its organisation's history and the year's report.
    fn classify_from(
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
        let org = self.org_in_year(org_id, year)?;
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

    pub fn evaluation(&self, org_id: OrgId, year: i32) -> Result<EvaluationRecord> {
        let d: Option<Doc<Evaluation>> =
            self.db.read(|c| docs::get(c, KIND, &key(org_id, year)))?;
        d.map(|d| EvaluationRecord {
            version: d.version,
            evaluation: d.body,
        })
        .ok_or(AppError::NotFound {
            what: "evaluation",
            id: key(org_id, year),
        })
    }

    /// What a score-sheet page shows: the sheet if there is one, the rule set it is
    /// (or would be) scored under, and the proposals — the sheet's own, or computed now
    /// from the reports for the year and the year before when there is no sheet yet.
    pub fn sheet(&self, org_id: OrgId, year: i32) -> Result<Sheet> {
        let org = self.org_in_year(org_id, year)?;
        let existing = self.evaluation(org_id, year).ok();
        let named = existing.as_ref().map(|e| e.evaluation.rule_set.clone());
        let rule_set = self.rule_set_for(org.kind, org.fields.sector, year, named.as_deref())?;
        let proposals = match &existing {
            Some(e) => e.evaluation.proposals.clone(),
            None => {
                let (this, last) = self.db.read(|c| {
                    Ok::<_, AppError>((
                        docs::get::<AnnualReport>(c, reports::KIND, &key(org_id, year))?,
                        docs::get::<AnnualReport>(c, reports::KIND, &key(org_id, year - 1))?,
                    ))
                })?;
                propose(
                    &rule_set,
                    this.as_ref().map(|d| &d.body.figures),
                    last.as_ref().map(|d| &d.body.figures),
                )
            }
        };
        Ok(Sheet {
            record: existing,
            rule_set,
            proposals,
        })
    }

    /// Recomputes every scored sheet of a year (submitted, reviewed or approved) from
    /// its scores, its rule set and the year's facts, and lists those whose stored
    /// outcome differs — after a rule-set correction or late changes to the registry,
    /// before anyone relies on the classification. Reads only.
    pub fn recheck_evaluations(&self, year: i32) -> Result<Recheck> {
        let sheets = self.evaluations_for_year(year)?;
        // Every history and report the sheets read, in a few queries rather than a few
        // per sheet.
        let ids: Vec<OrgId> = sheets.iter().map(|r| r.evaluation.org_id).collect();
        let histories = self.histories_by_id(&ids)?;
        let mut reports: HashMap<OrgId, crate::reports::ReportRecord> = self
            .reports_for_year(year)?
            .into_iter()
            .map(|r| (r.report.org_id, r))
            .collect();
        let mut out = Recheck::default();
        for rec in sheets {
            let e = &rec.evaluation;
            let Some(stored) = e.outcome.clone() else {
                continue;
            };
            out.checked += 1;
            let mut again = e.clone();
            let done = match histories.get(&e.org_id) {
                Some(h) => self.classify_from(&mut again, h, reports.remove(&e.org_id)),
                None => Err(AppError::NotFound {
                    what: "organisation",
                    id: e.org_id.to_string(),
                }),
            };
            match done {
                Ok(()) if again.outcome.as_ref() == Some(&stored) => {}
                Ok(()) => out.differences.push(RecheckDifference {
                    org_id: e.org_id,
                    state: e.state,
                    stored,
                    recomputed: again.outcome,
                    problem: None,
                }),
                Err(err) => out.differences.push(RecheckDifference {
                    org_id: e.org_id,
                    state: e.state,
                    stored,
                    recomputed: None,
                    problem: Some(err.message(Lang::Vi)),
                }),
            }
        }
        Ok(out)
    }

    pub fn evaluation_history(
        &self,
        org_id: OrgId,
        year: i32,
    ) -> Result<Vec<DocChange<Evaluation>>> {
        Ok(self
            .db
            .read(|c| docs::history(c, KIND, &key(org_id, year)))?)
    }

    pub fn evaluations_for_year(&self, year: i32) -> Result<Vec<EvaluationRecord>> {
        let all: Vec<Doc<Evaluation>> = self
            .db
            .read(|c| docs::list(c, KIND, Some(i64::from(year)), None))?;
        Ok(all
            .into_iter()
            .map(|d| EvaluationRecord {
                version: d.version,
                evaluation: d.body,
            })
            .collect())
    }

    /// Every HTX and LHHTX within a scope to classify in a year, those without a sheet
    /// first, then by the sheet's state, then by name. Those closed (dissolved, bankrupt,
    /// revoked, converted) before the year began and all through it are left out unless
    /// they have a sheet. Read as ids, sheet fields and indicator facts, so that a national list
    /// folds nothing; the page shown is read afterwards.
    pub fn to_classify(&self, year: i32, scope: &Scope) -> Result<Vec<ToClassify>> {
        let filter = OrgFilter {
            kinds: vec![OrgKind::Cooperative, OrgKind::Union],
            within: Some(scope.clone()),
            ..Default::default()
        };
        let ids = self.ids(&filter)?;
        let mut sheets: HashMap<OrgId, (EvalState, Option<(i32, Rating)>)> = self
            .db
            .read(|c| {
                docs::fields_of_year(
                    c,
                    KIND,
                    i64::from(year),
                    &[&["outcome", "total"], &["outcome", "rating"]],
                )
            })?
            .into_iter()
            .filter_map(|(state, (org, _, v))| {
                let state = EvalState::parse(state.as_deref()?)?;
                let total = v.first()?.as_deref().and_then(|t| t.parse::<i32>().ok());
                let rating = v.get(1)?.as_deref().and_then(Rating::parse);
                Some((org, (state, total.zip(rating))))
            })
            .collect();
        let facts = self.facts()?;
        let bad_year = || AppError::refused("bad_year", "Năm không hợp lệ", "Invalid year");
        let eve = NaiveDate::from_ymd_opt(year - 1, 12, 31).ok_or_else(bad_year)?;
        let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad_year)?;
        // Gone: closed before the year began and never reopened in it.
        let gone = |id: OrgId| {
            facts
                .orgs
                .get(&id)
                .is_some_and(|t| t.closed_throughout(eve, end))
        };
        let mut out: Vec<ToClassify> = ids
            .into_iter()
            .filter_map(|id| {
                let sheet = sheets.remove(&id);
                (sheet.is_some() || !gone(id)).then(|| ToClassify {
                    org_id: id,
                    state: sheet.map(|(s, _)| s),
                    scored: sheet.and_then(|(_, x)| x),
                })
            })
            .collect();
        // Stable: names stay in order within each state.
        out.sort_by_key(|r| r.state.map_or(0, |s| s as u8 + 1));
        Ok(out)
    }

    /// Organisation ids of every stored organisation (for year-wide jobs).
    pub fn all_org_ids(&self) -> Result<Vec<OrgId>> {
        Ok(self.db.read(orgs::all_ids)?)
    }
}
