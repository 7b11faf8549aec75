//! Identity proposals through the scoped handle (*đề nghị thay đổi thông tin pháp
//! lý*): any account that edits a record in its scope may propose a change to its
//! legal identity; only an account that may change identity (an officer in scope)
//! decides. A record outside the scope, and its proposals, do not exist.

use super::Scoped;
use crate::error::Result;
use crate::proposals::{
    already_decided, fields_required, only, reason_required, Decision, ProposalRecord,
    ProposalState,
};
use crate::registry::Actor;
use hoptac_domain::auth::Action;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId};

impl Scoped {
    /// The identity change `proposed` asks of a record within the scope, validated:
    /// only what differs; empty when nothing does. Nothing is stored.
    pub fn identity_change(&self, id: OrgId, proposed: &OrgFields) -> Result<OrgFields> {
        self.allowed(Action::EditOrganisation)?;
        let current = self.visible(id)?;
        self.reg.identity_change(&current, proposed)
    }

    /// Proposes a change to the identity of a record within the scope; `None` when
    /// nothing would change.
    pub fn propose_identity(
        &self,
        id: OrgId,
        proposed: &OrgFields,
        actor: &Actor,
    ) -> Result<Option<ProposalRecord>> {
        self.allowed(Action::EditOrganisation)?;
        let current = self.visible(id)?;
        let change = self.reg.identity_change(&current, proposed)?;
        if change.is_empty() {
            return Ok(None);
        }
        self.reg.store_proposal(&current, change, actor).map(Some)
    }

    /// The proposals of a record within the scope, newest first.
    pub fn identity_proposals(&self, id: OrgId) -> Result<Vec<ProposalRecord>> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.proposals(id)
    }

    /// One proposal's history (proposed, then decided), if its record is in scope.
    pub fn proposal_history(
        &self,
        id: OrgId,
        proposal: &str,
    ) -> Result<Vec<hoptac_store::docs::DocChange<crate::proposals::IdentityProposal>>> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.proposal(id, proposal)?;
        self.reg.proposal_history(proposal)
    }

    /// A pending proposal of a record within the scope that this account may decide.
    fn decidable(&self, id: OrgId, proposal: &str) -> Result<(OrgView, ProposalRecord)> {
        let current = self.visible(id)?;
        self.allowed(Action::EditIdentity)?;
        let rec = self.reg.proposal(id, proposal)?;
        if rec.proposal.state() != ProposalState::Pending {
            return Err(already_decided());
        }
        Ok((current, rec))
    }

    /// Accepts `fields` of a proposal (all, or some when the record changed since it
    /// was proposed): an ordinary update by this officer of the record read at
    /// `version`, so scope, validation and conflicts apply; then the decision.
    pub fn accept_proposal(
        &self,
        id: OrgId,
        proposal: &str,
        version: i64,
        fields: &[String],
        actor: &Actor,
    ) -> Result<(OrgView, ProposalRecord)> {
        let (_, rec) = self.decidable(id, proposal)?;
        let patch = only(&rec.proposal.proposed, fields);
        if patch.is_empty() {
            return Err(fields_required());
        }
        let accepted: Vec<String> = patch.as_map().keys().cloned().collect();
        let view = self.update(id, version, patch, None, actor)?;
        // The update and the decision are two writes: should the second fail, the
        // proposal stays pending and accepting it again changes nothing more.
        let decision = Decision {
            state: ProposalState::Accepted,
            by: actor.name.clone(),
            at: chrono::Utc::now(),
            reason: None,
            fields: accepted,
        };
        let rec = self.reg.record_decision(&rec, decision, actor)?;
        Ok((view, rec))
    }

    /// Refuses a proposal, with the reason the cooperative will read.
    pub fn refuse_proposal(
        &self,
        id: OrgId,
        proposal: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<ProposalRecord> {
        let (_, rec) = self.decidable(id, proposal)?;
        let reason = hoptac_domain::text::nfc(reason.trim());
        if reason.is_empty() {
            return Err(reason_required());
        }
        let decision = Decision {
            state: ProposalState::Refused,
            by: actor.name.clone(),
            at: chrono::Utc::now(),
            reason: Some(reason),
            fields: Vec::new(),
        };
        self.reg.record_decision(&rec, decision, actor)
    }

    /// Whether this account decides proposals (and so is offered Accept / Refuse).
    pub fn decides_proposals(&self) -> bool {
        self.who.may(Action::EditIdentity)
    }
}
