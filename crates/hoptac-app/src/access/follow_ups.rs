//! Follow-ups of weak and formal-only cooperatives through the scoped handle (*phương
//! án theo dõi, hỗ trợ*): the list keeps to the scope; recording needs an officer.

use super::Scoped;
use crate::error::{AppError, Result};
use crate::followups::{FollowUpInput, FollowUpRecord, NeedsFollowUp};
use crate::registry::Actor;
use hoptac_domain::auth::Action;
use hoptac_domain::org::OrgId;

impl Scoped {
    /// The cooperatives within the scope that need following up after a year.
    pub fn needing_follow_up(&self, year: i32) -> Result<Vec<NeedsFollowUp>> {
        self.allowed(Action::ReadInternal)?;
        let mut list = self.reg.needing_follow_up(year)?;
        list.retain(|n| self.sees(&n.org));
        Ok(list)
    }

    /// One cooperative's entry in a year's list, for recording its plan; `None` when it
    /// is not on the list or lies outside the scope. The scope is today's, whatever the
    /// cooperative's place at the year's end.
    pub fn follow_up_entry(&self, id: OrgId, year: i32) -> Result<Option<NeedsFollowUp>> {
        self.allowed(Action::RecordFollowUp)?;
        match self.visible(id) {
            Ok(_) => {}
            Err(AppError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
        Ok(self
            .reg
            .needing_follow_up(year)?
            .into_iter()
            .find(|n| n.org.id == id))
    }

    /// Records or updates the follow-up of a cooperative within the scope.
    pub fn save_follow_up(
        &self,
        id: OrgId,
        year: i32,
        input: FollowUpInput,
        version: Option<i64>,
        actor: &Actor,
    ) -> Result<FollowUpRecord> {
        self.allowed(Action::RecordFollowUp)?;
        self.visible(id)?;
        self.reg.save_follow_up(id, year, input, version, actor)
    }
}
