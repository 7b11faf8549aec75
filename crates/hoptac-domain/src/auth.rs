//! Who may see and do what (spec §1): roles, and the places or organisation an account
//! is limited to. Decisions only; sign-in itself lives in the app crate.

use crate::list::OrgView;
use crate::org::OrgId;
use serde::{Deserialize, Serialize};

code_enum! {
    /// A user's role (*vai trò*).
    Role {
        /// Manages users and reference data (*quản trị viên*).
        Admin = "admin", "Quản trị viên", "Administrator" ["quan tri"];
        /// Whole province: registry, approvals, targets (*cán bộ cấp tỉnh*).
        ProvincialOfficer = "provincial_officer", "Cán bộ cấp tỉnh", "Provincial officer" ["can bo tinh", "tinh"];
        /// Own communes (*cán bộ cấp xã*).
        CommuneOfficer = "commune_officer", "Cán bộ cấp xã", "Commune officer" ["can bo xa", "xa"];
        /// Own organisation (*tài khoản HTX*).
        Cooperative = "cooperative", "Tài khoản hợp tác xã", "Cooperative account" ["htx"];
        /// Whole province, read-only (*lãnh đạo*).
        Leader = "leader", "Lãnh đạo", "Leader" ["lanh dao"];
    }
}

/// What an account is limited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scope {
    /// The whole province (or country) served.
    All,
    /// These 2025 communes, and the legacy communes that went into them.
    Communes { codes: Vec<String> },
    /// One organisation.
    Organisation { id: OrgId },
}

/// A signed-in user (or API token holder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Role {
    /// The scope a role's accounts must have.
    pub fn scope_fits(self, scope: &Scope) -> bool {
        match self {
            Role::Admin | Role::ProvincialOfficer | Role::Leader => *scope == Scope::All,
            Role::CommuneOfficer => matches!(scope, Scope::Communes { codes } if !codes.is_empty()),
            Role::Cooperative => matches!(scope, Scope::Organisation { .. }),
        }
    }

    /// Whether the role may change data at all (leaders only read).
    pub fn writes(self) -> bool {
        self != Role::Leader
    }
}

impl Principal {
    /// Whether this user may see an organisation (in the state shown). Legacy-placed
    /// records are seen by the officers of the 2025 commune they went into.
    pub fn can_see(&self, org: &OrgView) -> bool {
        self.scope.sees(org)
    }
}

impl Scope {
    /// Whether an organisation (in the state shown) lies within this scope.
    pub fn sees(&self, org: &OrgView) -> bool {
        self.sees_placed(org.id, org.places.commune_2025.as_deref())
    }

    /// [`Scope::sees`] for an organisation known by its id and 2025 commune.
    pub fn sees_placed(&self, id: crate::org::OrgId, commune_2025: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Communes { codes } => commune_2025.is_some_and(|c| codes.iter().any(|x| x == c)),
            Scope::Organisation { id: own } => id == *own,
        }
    }
}
