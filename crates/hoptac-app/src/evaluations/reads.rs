//! Reading evaluations (*tra cứu kết quả đánh giá*): one sheet, a year's sheets, their
//! history, the re-check after the rules change, and what is left to classify.

use super::*;
use crate::error::{AppError, Result};
use crate::registry::Registry;
use crate::reports::{self, AnnualReport};
use chrono::NaiveDate;
use hoptac_domain::auth::Scope;
use hoptac_domain::evaluation::propose;
use hoptac_domain::evaluation::Rating;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgFilter;
use hoptac_domain::org::{OrgId, OrgKind};
use hoptac_store::docs::{self, Doc, DocChange};
use hoptac_store::orgs::{self};
use std::collections::HashMap;

impl Registry {
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
            people: self.people()?,
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
            ..Default::default()
        };
        let ids = self.ids(scope, &filter)?;
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
