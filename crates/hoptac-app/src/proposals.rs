//! Identity proposals (*đề nghị thay đổi thông tin pháp lý*): a cooperative account
//! may not change its own name, tax code, registration or sector, but it may propose
//! such a change. The proposal is a versioned document (kind `identity_proposal`)
//! with the proposed values and the values they replace; an officer in scope accepts
//! it (an ordinary update by that officer) or refuses it with a reason. Documents keep
//! their history and reach the audit trail, so both the proposal and the decision are
//! on record. The scoped handle (`access::proposals`) decides who may do what.

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::{DateTime, Utc};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId};
use hoptac_domain::validate::{FieldError, FieldProblem};
use hoptac_store::docs::{self, Doc, DocChange, Stamp};
use serde::{Deserialize, Serialize};

pub const KIND: &str = "identity_proposal";

/// The attributes a proposal may carry: those that identify an organisation in law.
/// (Its place is not among them: a cooperative account never moves itself.)
pub const IDENTITY_FIELDS: &[&str] = &[
    "name",
    "tax_code",
    "registration_number",
    "registration_date",
    "registering_body",
    "founding_date",
    "sector",
];

/// Only the identity attributes of `fields`.
pub fn identity_part(fields: &OrgFields) -> OrgFields {
    OrgFields {
        name: fields.name.clone(),
        tax_code: fields.tax_code.clone(),
        registration_number: fields.registration_number.clone(),
        registration_date: fields.registration_date,
        registering_body: fields.registering_body.clone(),
        founding_date: fields.founding_date,
        sector: fields.sector,
        ..OrgFields::default()
    }
}

/// `fields` without its identity attributes (what a cooperative may change itself).
pub fn without_identity(fields: &OrgFields) -> OrgFields {
    OrgFields {
        name: None,
        tax_code: None,
        registration_number: None,
        registration_date: None,
        registering_body: None,
        founding_date: None,
        sector: None,
        ..fields.clone()
    }
}

/// Only the attributes of `fields` named in `names`.
pub fn only(fields: &OrgFields, names: &[String]) -> OrgFields {
    let map: serde_json::Map<_, _> = fields
        .as_map()
        .into_iter()
        .filter(|(k, _)| names.iter().any(|n| n == k))
        .collect();
    serde_json::from_value(serde_json::Value::Object(map)).unwrap_or_default()
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for an officer (*chờ duyệt*).
    Pending,
    /// Accepted, wholly or field by field (*đã chấp nhận*).
    Accepted,
    /// Refused, with a reason (*đã từ chối*).
    Refused,
}

impl ProposalState {
    pub fn code(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Accepted => "accepted",
            ProposalState::Refused => "refused",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            ProposalState::Pending => "Chờ duyệt",
            ProposalState::Accepted => "Đã chấp nhận",
            ProposalState::Refused => "Đã từ chối",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            ProposalState::Pending => "Pending",
            ProposalState::Accepted => "Accepted",
            ProposalState::Refused => "Refused",
        }
    }
}

/// An officer's decision (*quyết định của cán bộ*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub state: ProposalState,
    /// The deciding officer.
    pub by: String,
    pub at: DateTime<Utc>,
    /// Why it was refused (required then), or a note on acceptance.
    pub reason: Option<String>,
    /// The fields accepted (all or some of those proposed); empty when refused.
    pub fields: Vec<String>,
}

/// A cooperative's proposed change to its legal identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityProposal {
    pub org_id: OrgId,
    /// The proposed values (identity attributes only, those that differed).
    pub proposed: OrgFields,
    /// The values they replace, as they were when proposed: a record changed since
    /// makes the proposal stale.
    pub was: OrgFields,
    /// The record's version when proposed.
    pub org_version: i64,
    pub author: String,
    pub proposed_at: DateTime<Utc>,
    pub decision: Option<Decision>,
}

impl IdentityProposal {
    pub fn state(&self) -> ProposalState {
        self.decision
            .as_ref()
            .map_or(ProposalState::Pending, |d| d.state)
    }
}

/// A stored proposal with its key and version.
#[derive(Debug, Clone)]
pub struct ProposalRecord {
    pub id: String,
    pub version: i64,
    pub proposal: IdentityProposal,
}

impl From<Doc<IdentityProposal>> for ProposalRecord {
    fn from(d: Doc<IdentityProposal>) -> Self {
        ProposalRecord {
            id: d.id,
            version: d.version,
            proposal: d.body,
        }
    }
}

pub(crate) fn proposal_not_found(id: &str) -> AppError {
    AppError::NotFound {
        what: "identity proposal",
        id: id.to_owned(),
    }
}

fn stamp<'a>(actor: &'a Actor, note: Option<&'a str>, now: DateTime<Utc>) -> Stamp<'a> {
    Stamp {
        author: &actor.name,
        source: actor.source.as_deref(),
        note,
        now,
    }
}

impl Registry {
    /// What of `proposed` would change `current`'s identity, validated; empty when
    /// nothing would.
    pub(crate) fn identity_change(
        &self,
        current: &OrgView,
        proposed: &OrgFields,
    ) -> Result<OrgFields> {
        let places = self.places();
        let mut fields = identity_part(proposed);
        let errs = self
            .validator(&places)
            .check(current.kind, &mut fields, false);
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        Ok(identity_part(&current.fields.changes_to(&fields)))
    }

    /// Stores a new pending proposal for `current` (already checked by
    /// [`Registry::identity_change`]).
    pub(crate) fn store_proposal(
        &self,
        current: &OrgView,
        change: OrgFields,
        actor: &Actor,
    ) -> Result<ProposalRecord> {
        let names: Vec<String> = change.as_map().keys().cloned().collect();
        let now = Utc::now();
        let body = IdentityProposal {
            org_id: current.id,
            was: only(&current.fields, &names),
            proposed: change,
            org_version: current.version,
            author: actor.name.clone(),
            proposed_at: now,
            decision: None,
        };
        self.db.write(|c| {
            let n = docs::list::<IdentityProposal>(c, KIND, None, Some(current.id))?.len();
            let id = format!("{}-{}", current.id, n + 1);
            let s = stamp(actor, Some("proposed"), now);
            let state = Some(ProposalState::Pending.code());
            docs::insert(c, KIND, &id, Some(current.id), None, state, &body, &s).map_err(|e| {
                match e {
                    // Two proposals at once for one record: the second is asked again.
                    hoptac_store::StoreError::Unique(_) => AppError::refused(
                        "conflict",
                        "Một đề nghị khác vừa được gửi; hãy thử lại",
                        "Another proposal was just sent; try again",
                    ),
                    e => e.into(),
                }
            })?;
            Ok(ProposalRecord {
                id,
                version: 1,
                proposal: body.clone(),
            })
        })
    }

    /// An organisation's proposals, newest first.
    pub(crate) fn proposals(&self, org: OrgId) -> Result<Vec<ProposalRecord>> {
        let mut all: Vec<ProposalRecord> = self
            .db
            .read(|c| docs::list::<IdentityProposal>(c, KIND, None, Some(org)))?
            .into_iter()
            .map(ProposalRecord::from)
            .collect();
        all.sort_by_key(|r| std::cmp::Reverse(r.proposal.proposed_at));
        Ok(all)
    }

    /// One proposal of `org`; any other answers not found.
    pub(crate) fn proposal(&self, org: OrgId, id: &str) -> Result<ProposalRecord> {
        let doc: Option<Doc<IdentityProposal>> = self.db.read(|c| docs::get(c, KIND, id))?;
        match doc {
            Some(d) if d.org_id == Some(org) => Ok(d.into()),
            _ => Err(proposal_not_found(id)),
        }
    }

    /// A proposal's history (proposed, then decided), oldest first.
    pub(crate) fn proposal_history(&self, id: &str) -> Result<Vec<DocChange<IdentityProposal>>> {
        Ok(self.db.read(|c| docs::history(c, KIND, id))?)
    }

    /// Records the decision on a pending proposal read at `version`.
    pub(crate) fn record_decision(
        &self,
        rec: &ProposalRecord,
        decision: Decision,
        actor: &Actor,
    ) -> Result<ProposalRecord> {
        let mut body = rec.proposal.clone();
        let state = decision.state;
        body.decision = Some(decision);
        let now = Utc::now();
        let note = state.code();
        self.db.write(|c| {
            if !docs::update(
                c,
                KIND,
                &rec.id,
                rec.version,
                Some(note),
                &body,
                &stamp(actor, Some(note), now),
            )? {
                return Err(already_decided());
            }
            Ok(ProposalRecord {
                id: rec.id.clone(),
                version: rec.version + 1,
                proposal: body.clone(),
            })
        })
    }
}

/// A proposal decided already (or by someone else a moment ago).
pub(crate) fn already_decided() -> AppError {
    AppError::refused(
        "decided",
        "Đề nghị này đã được quyết định",
        "This proposal has already been decided",
    )
}

/// A refusal needs its reason.
pub(crate) fn reason_required() -> AppError {
    AppError::invalid(FieldError::new("reason", FieldProblem::Required))
}

/// An acceptance needs at least one field.
pub(crate) fn fields_required() -> AppError {
    AppError::invalid(FieldError::new("fields", FieldProblem::Required))
}
