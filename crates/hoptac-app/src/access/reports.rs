//! Annual reports through the scoped handle (*báo cáo năm*): read and file those of
//! organisations within the scope; lists of missing filings keep to the scope.

use super::Scoped;
use crate::error::Result;
use crate::registry::Actor;
use crate::reports::AnnualReport;
use crate::reports::{Filing, MissingFiling, ReportRecord};
use chrono::NaiveDate;
use hoptac_domain::auth::Action;
use hoptac_domain::org::OrgId;
use hoptac_domain::report::{ReportFigures, ReportStage};
use hoptac_store::docs::DocChange;

impl Scoped {
    /// An organisation's report for a year.
    pub fn report(&self, id: OrgId, year: i32) -> Result<ReportRecord> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.report(id, year)
    }

    /// Every version of a report, with author and time.
    pub fn report_history(&self, id: OrgId, year: i32) -> Result<Vec<DocChange<AnnualReport>>> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.report_history(id, year)
    }

    /// Files or corrects a report of an organisation within the scope.
    #[allow(clippy::too_many_arguments)]
    pub fn file_report(
        &self,
        id: OrgId,
        year: i32,
        stage: ReportStage,
        figures: ReportFigures,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<ReportRecord> {
        self.allowed(Action::FileReport)?;
        self.visible(id)?;
        self.reg
            .file_report(id, year, stage, figures, version, actor)
    }

    /// Organisations within the scope that had not filed by a deadline, judged on `on`
    /// (default today).
    pub fn missing_filings(
        &self,
        year: i32,
        filing: Filing,
        on: Option<NaiveDate>,
    ) -> Result<Vec<MissingFiling>> {
        self.allowed(Action::ReadInternal)?;
        let on = on.unwrap_or_else(|| self.reg.today());
        let who = &self.who.scope;
        self.reg
            .missing_filings(who, year, filing, on, &self.reg.deadlines)
    }
}
