//! Follow-up of weak and formal-only cooperatives (spec §5.5): every HTX rated weak, or
//! existing only on paper, in a year gets a record of the plan (support,
//! restructuring, dissolution), who owns it, the deadline and the outcome; and a list
//! shows those that have none.

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::{NaiveDate, Utc};
use hoptac_domain::evaluation::Rating;
use hoptac_domain::history::OrgState;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgId, OrgKind, Sector, Status};
use hoptac_domain::validate::{FieldError, FieldProblem};
use hoptac_store::docs::{self, Doc, Stamp};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const KIND: &str = "follow_up";

/// Why an HTX needs a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Rated weak (*yếu*) in an approved evaluation.
    Weak,
    /// Existing only on paper (*tồn tại hình thức*).
    FormalOnly,
}

/// The plan (*phương án*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// Support to strengthen it (*hỗ trợ, củng cố*).
    Support,
    /// Restructure (*tổ chức lại*).
    Restructure,
    /// Dissolve (*giải thể*).
    Dissolve,
}

/// A follow-up record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub org_id: OrgId,
    pub year: i32,
    pub causes: Vec<Cause>,
    pub plan: Plan,
    pub description: String,
    /// The agency or person in charge.
    pub owner: String,
    pub deadline: NaiveDate,
    pub outcome: Option<String>,
    pub closed: bool,
}

/// What a user sends.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    pub plan: Plan,
    pub description: String,
    pub owner: String,
    pub deadline: NaiveDate,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub closed: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUpRecord {
    pub version: i64,
    pub follow_up: FollowUp,
}

/// An HTX that needs a follow-up for a year, and the record if there is one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NeedsFollowUp {
    pub org: OrgView,
    pub causes: Vec<Cause>,
    pub follow_up: Option<FollowUpRecord>,
}

fn key(org: OrgId, year: i32) -> String {
    crate::reports::key(org, year)
}

impl Registry {
    /// HTX rated weak or formal-only in `year`, with their follow-up if any. Found
    /// from the indicator facts; only those found are read and folded.
    pub fn needing_follow_up(&self, year: i32) -> Result<Vec<NeedsFollowUp>> {
        let data = self.indicator_facts()?;
        let end = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| AppError::refused("bad_year", "Năm không hợp lệ", "Invalid year"))?;
        let mut found: Vec<(OrgId, Vec<Cause>)> = Vec::new();
        for (id, t) in &data.facts.orgs {
            if t.kind != OrgKind::Cooperative {
                continue;
            }
            let Some(snap) = t.at(end) else {
                continue;
            };
            if data.rules.exclude_credit_funds && snap.sector == Some(Sector::CreditFund) {
                continue;
            }
            let mut causes = Vec::new();
            if data.facts.approved.get(&(*id, year)) == Some(&Rating::Weak) {
                causes.push(Cause::Weak);
            }
            if snap.status_on(end) == Status::Active
                && data
                    .rules
                    .formal_only
                    .applies_to_activity(data.facts.final_reports.get(&(*id, year)))
            {
                causes.push(Cause::FormalOnly);
            }
            if !causes.is_empty() {
                found.push((*id, causes));
            }
        }
        found.sort_by_key(|(id, _)| *id);
        let ids: Vec<OrgId> = found.iter().map(|(id, _)| *id).collect();
        let histories = self.histories_by_id(&ids)?;
        let mut records: HashMap<OrgId, FollowUpRecord> = self
            .db
            .read(|c| docs::list::<FollowUp>(c, KIND, Some(i64::from(year)), None))?
            .into_iter()
            .filter_map(|d| {
                let record = FollowUpRecord {
                    version: d.version,
                    follow_up: d.body,
                };
                Some((d.org_id?, record))
            })
            .collect();
        let mut out = Vec::new();
        for (id, causes) in found {
            // Changed since the facts were read: left for the next reading.
            let Some(h) = histories.get(&id) else {
                continue;
            };
            let Some(st) = OrgState::fold(h.id, h.kind, &h.changes, Some(end)) else {
                continue;
            };
            out.push(NeedsFollowUp {
                org: OrgView::from_state(st, h.version, end, &data.places),
                causes,
                follow_up: records.remove(&id),
            });
        }
        Ok(out)
    }

    /// Records or updates the follow-up of an HTX for a year (the previous versions stay
    /// in its history).
    pub fn save_follow_up(
        &self,
        org_id: OrgId,
        year: i32,
        input: FollowUpInput,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<FollowUpRecord> {
        let mut errs: Vec<FieldError> =
            hoptac_domain::validate::check_record_year(year, self.today())
                .into_iter()
                .collect();
        // A new plan sets a deadline still ahead; a recorded one keeps its deadline
        // (an overdue plan is corrected or closed, not refused).
        if version.is_none() && input.deadline < self.today() {
            errs.push(FieldError::new(
                "deadline",
                FieldProblem::PastDate(input.deadline),
            ));
        }
        for (field, v) in [("description", &input.description), ("owner", &input.owner)] {
            if v.trim().is_empty() {
                errs.push(FieldError::new(field, FieldProblem::Required));
            }
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let needed = self.needing_follow_up(year)?;
        let Some(n) = needed.into_iter().find(|n| n.org.id == org_id) else {
            return Err(AppError::refused(
                "no_follow_up_needed",
                format!(
                    "Tổ chức {org_id} không xếp loại yếu và không tồn tại hình thức năm {year}"
                ),
                format!("Organisation {org_id} was neither weak nor formal-only in {year}"),
            ));
        };
        let f = FollowUp {
            org_id,
            year,
            causes: n.causes,
            plan: input.plan,
            description: hoptac_domain::text::nfc(&input.description),
            owner: hoptac_domain::text::nfc(&input.owner),
            deadline: input.deadline,
            outcome: input.outcome.map(|o| hoptac_domain::text::nfc(&o)),
            closed: input.closed,
        };
        let id = key(org_id, year);
        let now = Utc::now();
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: None,
            now,
        };
        self.db.write(|c| {
            let cur: Option<Doc<FollowUp>> = docs::get(c, KIND, &id)?;
            let stale = |cur: &Doc<FollowUp>, yours: i64| AppError::StaleDocument {
                what: "follow-up",
                current: Box::new(serde_json::to_value(&cur.body).unwrap_or_default()),
                current_version: cur.version,
                your_version: yours,
            };
            match (cur, version) {
                (None, _) => {
                    docs::insert(
                        c,
                        KIND,
                        &id,
                        Some(org_id),
                        Some(i64::from(year)),
                        Some(if f.closed { "closed" } else { "open" }),
                        &f,
                        &stamp,
                    )
                    .map_err(|e| match e {
                        // Someone recorded it a moment ago: a conflict, not a failure.
                        hoptac_store::StoreError::Unique(_) => AppError::refused(
                            "changed",
                            "Phương án vừa được người khác ghi; hãy tải lại",
                            "Someone just recorded this follow-up; reload it",
                        ),
                        e => e.into(),
                    })?;
                    Ok(FollowUpRecord {
                        version: 1,
                        follow_up: f.clone(),
                    })
                }
                (Some(cur), Some(v)) if cur.version == v => {
                    if !docs::update(
                        c,
                        KIND,
                        &id,
                        v,
                        Some(if f.closed { "closed" } else { "open" }),
                        &f,
                        &stamp,
                    )? {
                        return Err(stale(&cur, v));
                    }
                    Ok(FollowUpRecord {
                        version: v + 1,
                        follow_up: f.clone(),
                    })
                }
                (Some(cur), v) => Err(stale(&cur, v.unwrap_or(0))),
            }
        })
    }
}
