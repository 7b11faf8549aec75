//! Administration through the scoped handle (*quản trị*): accounts and the audit trail
//! (administrators), place corrections and aliases (provincial officers).

use super::Scoped;
use crate::error::Result;
use crate::registry::Actor;
use crate::users::User;
use hoptac_domain::auth::{Action, Role, Scope};
use hoptac_domain::place::{MappingCorrection, PlaceAlias};

pub use hoptac_store::audit::{
    Anchor, Entry as AuditEntry, Finding, Link as AuditLink, Problem as RecordProblem,
    RecordFinding, StateCheck,
};

/// What the audit page shows: whether the chain verifies, its latest link, and the
/// most recent links.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub finding: Finding,
    pub anchor: Option<Anchor>,
    pub recent: Vec<AuditLink>,
    /// The stored records compared with the trail, when asked for (it reads them all).
    pub state: Option<StateCheck>,
}

impl Scoped {
    /// Every account.
    pub fn users(&self) -> Result<Vec<User>> {
        self.allowed(Action::Administer)?;
        self.reg.users()
    }

    /// Adds an account with its first password.
    pub fn add_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        scope: Scope,
        password: &str,
        actor: &Actor,
    ) -> Result<User> {
        self.allowed(Action::Administer)?;
        self.reg
            .add_user(username, display_name, role, scope, password, actor)
    }

    /// Disables or enables an account.
    pub fn set_disabled(&self, username: &str, disabled: bool, actor: &Actor) -> Result<User> {
        self.allowed(Action::Administer)?;
        self.reg.set_disabled(username, disabled, actor)
    }

    /// Gives an account a new password.
    pub fn reset_password(&self, username: &str, password: &str, actor: &Actor) -> Result<()> {
        self.allowed(Action::Administer)?;
        self.reg.reset_password(username, password, actor)
    }

    /// Every API token, newest first, without secrets.
    pub fn tokens(&self) -> Result<Vec<crate::users::ApiToken>> {
        self.allowed(Action::Administer)?;
        self.reg.tokens(None)
    }

    /// Issues an API token for an account, valid for `days`: the secret (shown once)
    /// and its listing.
    pub fn issue_token(
        &self,
        username: &str,
        label: &str,
        days: u32,
        actor: &Actor,
    ) -> Result<(String, crate::users::ApiToken)> {
        self.allowed(Action::Administer)?;
        self.reg.issue_token_for_days(username, label, days, actor)
    }

    /// Revokes an API token by its id.
    pub fn revoke_token(&self, id: i64, actor: &Actor) -> Result<()> {
        self.allowed(Action::Administer)?;
        self.reg.revoke_token(id, actor)
    }

    /// Corrects the legacy → 2025 mapping of one legacy commune.
    pub fn add_correction(&self, corr: MappingCorrection, actor: &Actor) -> Result<()> {
        self.allowed(Action::ManageProvince)?;
        self.reg.add_correction(corr, actor)
    }

    /// Adds an old commune name and its legacy successor.
    pub fn add_alias(&self, alias: PlaceAlias, actor: &Actor) -> Result<()> {
        self.allowed(Action::ManageProvince)?;
        self.reg.add_alias(alias, actor)
    }

    /// The audit trail's state and its latest `limit` links; with `records`, also
    /// every stored record compared with what the trail says of it.
    pub fn audit(&self, limit: i64, records: bool) -> Result<AuditView> {
        use hoptac_store::audit;
        self.allowed(Action::Administer)?;
        let db = &self.reg.db;
        Ok(AuditView {
            finding: audit::verify(db, None)?,
            anchor: audit::anchor(db)?,
            recent: audit::recent(db, limit)?,
            state: if records {
                Some(audit::verify_state(db)?)
            } else {
                None
            },
        })
    }
}
