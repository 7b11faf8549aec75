//! Letter 538's indicators and targets through the scoped handle (*chỉ tiêu*): a
//! commune officer's figures count their communes only; targets are the province's.

use super::Scoped;
use crate::error::Result;
use crate::indicators::{Breakdown, TargetReport};
use crate::registry::Actor;
use hoptac_domain::auth::{Action, Scope};
use hoptac_domain::indicators::Target;

impl Scoped {
    /// The targets of a year with their indicators, counted within the scope.
    pub fn target_report(&self, year: i32, by: Option<Breakdown>) -> Result<TargetReport> {
        self.allowed(Action::ReadInternal)?;
        let within = (self.who.scope != Scope::All).then_some(&self.who.scope);
        self.reg.target_report_within(year, by, within)
    }

    /// Changes a target (provincial officers); its earlier values stay in its history.
    pub fn update_target(
        &self,
        id: &str,
        version: i64,
        target: Target,
        actor: &Actor,
    ) -> Result<(String, i64, Target)> {
        self.allowed(Action::ManageProvince)?;
        self.reg.update_target(id, version, target, actor)
    }
}

impl Scoped {
    /// HTX within the scope stopped today, and the stoppages settled per year.
    pub fn stoppages(&self) -> Result<crate::stoppages::Stoppages> {
        self.allowed(Action::ReadInternal)?;
        self.reg.stoppages(&self.who.scope)
    }
}
