//! Who may see and do what (spec §1): roles, the places or organisation an account is
//! limited to, and the one table of what each role may do ([`Role::may`]). Decisions
//! only; sign-in itself lives in the app crate, and the scoped handle that applies these
//! decisions to every read and write is the app's `Scoped` (handed out by its `Gate`).

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
        self.may(Action::EditOrganisation)
    }
}

/// Declares [`Action`] and [`Action::ALL`] from one list, so the two cannot drift.
macro_rules! actions {
    ($(#[$enum_doc:meta])* { $( $(#[$doc:meta])* $name:ident, )+ }) => {
        $(#[$enum_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[$doc])* $name, )+
        }

        impl Action {
            /// Every action, for tests that walk the table.
            pub const ALL: [Action; [$(stringify!($name)),+].len()] = [$(Action::$name),+];
        }
    };
}

actions! {
    /// Something an account may be allowed to do (*thao tác*). Scope is a separate check:
    /// an action allowed to a role is still only done on records within the account's scope,
    /// both as they are and as they would become.
    {
        /// Reports, score sheets, histories, dashboards, follow-up lists: any account.
        ReadInternal,
        /// Register a new organisation (*đăng ký tổ chức mới*).
        RegisterOrganisation,
        /// Change an organisation's ordinary attributes (contact, members, capital …).
        EditOrganisation,
        /// Change what identifies an organisation in law or places it: name, tax code,
        /// registration, founding date, sector, commune. Cooperative accounts may not.
        EditIdentity,
        /// Record a status change (suspend, restore, dissolve …).
        ChangeStatus,
        /// Attach or end a link between organisations (member of a union, merged into …).
        Link,
        /// Convert a cooperative group into a cooperative.
        Convert,
        /// File or correct an annual report.
        FileReport,
        /// Enter scores on a score sheet, and submit it.
        ScoreSheet,
        /// Review a submitted score sheet, or return it for correction.
        ReviewSheet,
        /// Approve a reviewed score sheet, or reopen an approved one.
        ApproveSheet,
        /// Record a follow-up plan for a weak or formal-only cooperative.
        RecordFollowUp,
        /// Import files, correct place mappings, set targets: the province's work.
        ManageProvince,
        /// Manage accounts and read the audit trail.
        Administer,
    }
}

impl Role {
    /// What a role may do: the one table (spec §1). The public may do none of these.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        use Role::*;
        match action {
            ReadInternal => true,
            EditOrganisation | FileReport | ScoreSheet => self != Leader,
            RegisterOrganisation | EditIdentity | ChangeStatus | Link | Convert | ReviewSheet
            | RecordFollowUp => {
                matches!(self, Admin | ProvincialOfficer | CommuneOfficer)
            }
            ApproveSheet | ManageProvince => matches!(self, Admin | ProvincialOfficer),
            Administer => self == Admin,
        }
    }
}

impl Principal {
    /// Whether this account's role allows an action (scope is checked on the record).
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as the spec states it, written out so a change to it is a visible one.
    #[test]
    fn the_role_table() {
        use Action::*;
        let expect = |role: Role, allowed: &[Action]| {
            for a in Action::ALL {
                assert_eq!(role.may(a), allowed.contains(&a), "{role:?} {a:?}");
            }
        };
        // Officers may do everything but what is named as withheld from them.
        let all_but = |withheld: &[Action]| -> Vec<Action> {
            Action::ALL
                .iter()
                .copied()
                .filter(|a| !withheld.contains(a))
                .collect()
        };
        assert_eq!(Action::ALL.len(), 14);
        expect(Role::Admin, &Action::ALL);
        expect(Role::ProvincialOfficer, &all_but(&[Administer]));
        expect(
            Role::CommuneOfficer,
            &all_but(&[ApproveSheet, ManageProvince, Administer]),
        );
        expect(
            Role::Cooperative,
            &[ReadInternal, EditOrganisation, FileReport, ScoreSheet],
        );
        expect(Role::Leader, &[ReadInternal]);
    }
}
