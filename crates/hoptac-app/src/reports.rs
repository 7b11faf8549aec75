//! Annual reports (*báo cáo năm*, spec §4): filed per organisation and year, first as an
//! estimate then final; every correction is kept with its author and time. Lists of
//! who has not filed by each deadline.

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::{DateTime, NaiveDate, Utc};
use hoptac_domain::list::{OrgFilter, OrgView, PageRequest};
use hoptac_domain::org::{OrgId, OrgKind, Status};
use hoptac_domain::report::{Deadlines, ReportFigures, ReportStage};
use hoptac_store::docs::{self, Doc, DocChange, Stamp};
use hoptac_store::orgs;
use hoptac_store::StoreError;
use serde::{Deserialize, Serialize};

pub const KIND: &str = "annual_report";

/// One organisation's report for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub org_id: OrgId,
    pub year: i32,
    pub stage: ReportStage,
    pub figures: ReportFigures,
    /// First filed (the estimate, or the final report if filed directly).
    pub filed_at: DateTime<Utc>,
    /// When it became final.
    pub final_at: Option<DateTime<Utc>>,
}

/// A report as stored, with its version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRecord {
    pub version: i64,
    pub report: AnnualReport,
}

/// The document key of an organisation's report for a year (the demo writes reports
/// directly under it).
pub fn key(org: OrgId, year: i32) -> String {
    format!("{org}:{year}")
}

fn record(d: Doc<AnnualReport>) -> ReportRecord {
    ReportRecord {
        version: d.version,
        report: d.body,
    }
}

/// Which filing a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Filing {
    /// The score sheet with the activity report (estimate), due 15 December of Y.
    SelfEvaluation,
    /// The final annual report, due 15 January of Y+1.
    FinalReport,
}

/// An organisation that has not filed by a deadline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MissingFiling {
    pub org: OrgView,
    pub due: NaiveDate,
    /// Past its deadline on the day asked.
    pub overdue: bool,
}

impl Registry {
    /// Files or corrects the report for (organisation, year). A new report needs no
    /// version; a correction names the version it read. A final report cannot go back
    /// to an estimate.
    pub fn file_report(
        &self,
        org_id: OrgId,
        year: i32,
        stage: ReportStage,
        figures: ReportFigures,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<ReportRecord> {
        let org = self.get(org_id, None)?;
        let founded = org.fields.founding_date.unwrap_or(self.today());
        let errs = figures.check(year, founded, self.today());
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        self.db
            .write(|c| self.file_report_in(c, org_id, year, stage, figures.clone(), version, actor))
    }

    /// Writes a checked report inside a transaction (imports write many in one).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn file_report_in(
        &self,
        c: &mut dyn hoptac_store::Conn,
        org_id: OrgId,
        year: i32,
        stage: ReportStage,
        figures: ReportFigures,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<ReportRecord> {
        let now = Utc::now();
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: None,
            now,
        };
        let id = key(org_id, year);
        let current: Option<Doc<AnnualReport>> = docs::get(c, KIND, &id)?;
        match (current, version) {
            (None, _) => {
                let r = AnnualReport {
                    org_id,
                    year,
                    stage,
                    figures: figures.clone(),
                    filed_at: now,
                    final_at: (stage == ReportStage::Final).then_some(now),
                };
                docs::insert(
                    c,
                    KIND,
                    &id,
                    Some(org_id),
                    Some(i64::from(year)),
                    Some(stage.code()),
                    &r,
                    &stamp,
                )
                .map_err(|e| match e {
                    StoreError::Unique(_) => stale(&id, 0, 0),
                    e => e.into(),
                })?;
                Ok(ReportRecord {
                    version: 1,
                    report: r,
                })
            }
            (Some(cur), None) => Err(stale_doc(&cur, 0)),
            (Some(cur), Some(v)) if cur.version != v => Err(stale_doc(&cur, v)),
            (Some(cur), Some(v)) => {
                if cur.body.stage == ReportStage::Final && stage == ReportStage::Estimate {
                    return Err(AppError::refused(
                        "report_already_final",
                        "Báo cáo đã là chính thức, không thể trở lại số ước tính",
                        "The report is already final and cannot go back to an estimate",
                    ));
                }
                let mut r = cur.body.clone();
                r.figures.apply(&figures);
                // The corrected report as a whole must hold together.
                let founded = orgs::get(c, org_id)?
                    .and_then(|o| o.state.fields.founding_date)
                    .unwrap_or(NaiveDate::MIN);
                let errs = r.figures.check(year, founded, self.today());
                if !errs.is_empty() {
                    return Err(AppError::Invalid(errs));
                }
                if r.stage == ReportStage::Estimate && stage == ReportStage::Final {
                    r.final_at = Some(now);
                }
                r.stage = stage;
                if !docs::update(c, KIND, &id, v, Some(stage.code()), &r, &stamp)? {
                    return Err(stale_doc(&cur, v));
                }
                Ok(ReportRecord {
                    version: v + 1,
                    report: r,
                })
            }
        }
    }

    pub fn report(&self, org_id: OrgId, year: i32) -> Result<ReportRecord> {
        let d: Option<Doc<AnnualReport>> =
            self.db.read(|c| docs::get(c, KIND, &key(org_id, year)))?;
        d.map(record).ok_or(AppError::NotFound {
            what: "annual report",
            id: key(org_id, year),
        })
    }

    /// Every version of a report, with author and time.
    pub fn report_history(&self, org_id: OrgId, year: i32) -> Result<Vec<DocChange<AnnualReport>>> {
        Ok(self
            .db
            .read(|c| docs::history(c, KIND, &key(org_id, year)))?)
    }

    /// All reports for a year.
    pub fn reports_for_year(&self, year: i32) -> Result<Vec<ReportRecord>> {
        let all: Vec<Doc<AnnualReport>> = self
            .db
            .read(|c| docs::list(c, KIND, Some(i64::from(year)), None))?;
        Ok(all.into_iter().map(record).collect())
    }

    /// HTX and LHHTX within `scope` expected to file for `year` (registered and not closed on 31
    /// December of the year) that had not filed by the deadline, as of `on`.
    pub fn missing_filings(
        &self,
        scope: &hoptac_domain::auth::Scope,
        year: i32,
        filing: Filing,
        on: NaiveDate,
        deadlines: &Deadlines,
    ) -> Result<Vec<MissingFiling>> {
        let due = match filing {
            Filing::SelfEvaluation => deadlines.self_evaluation_due(year),
            Filing::FinalReport => deadlines.final_report_due(year),
        }
        .ok_or_else(|| {
            AppError::refused("bad_deadline", "Hạn nộp không hợp lệ", "Invalid deadline")
        })?;
        let dec31 = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| AppError::refused("bad_year", "Năm không hợp lệ", "Invalid year"))?;
        let filter = OrgFilter {
            kinds: vec![OrgKind::Cooperative, OrgKind::Union],
            as_of: Some(dec31.min(self.today())),
            ..Default::default()
        };
        let orgs = self.list(scope, &filter, PageRequest::all())?.items;
        let reports = self.reports_for_year(year)?;
        let evaluations = self.evaluations_for_year(year)?;
        let cutoff = due.min(on);
        let mut out = Vec::new();
        for o in orgs {
            if !matches!(
                o.status,
                Status::Active | Status::Suspended | Status::Inactive
            ) {
                continue;
            }
            let filed = match filing {
                Filing::FinalReport => reports.iter().any(|r| {
                    r.report.org_id == o.id
                        && r.report.final_at.is_some_and(|t| vietnam_date(t) <= cutoff)
                }),
                Filing::SelfEvaluation => evaluations.iter().any(|e| {
                    e.evaluation.org_id == o.id
                        && e.evaluation
                            .submitted_at
                            .is_some_and(|t| vietnam_date(t) <= cutoff)
                }),
            };
            if !filed {
                out.push(MissingFiling {
                    org: o,
                    due,
                    overdue: on > due,
                });
            }
        }
        Ok(out)
    }
}

/// The calendar day in Vietnam (UTC+7) of a recorded time: deadlines are Vietnamese days.
fn vietnam_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(7)).date_naive()
}

fn stale(id: &str, current: i64, yours: i64) -> AppError {
    AppError::StaleDocument {
        what: "annual report",
        current: Box::new(serde_json::json!({ "id": id })),
        current_version: current,
        your_version: yours,
    }
}

fn stale_doc(cur: &Doc<AnnualReport>, yours: i64) -> AppError {
    AppError::StaleDocument {
        what: "annual report",
        current: Box::new(serde_json::to_value(&cur.body).unwrap_or_default()),
        current_version: cur.version,
        your_version: yours,
    }
}
