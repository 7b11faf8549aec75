//! The registry seen through one account (*truy cập theo quyền và địa bàn*): a handle
//! that holds the principal and applies the role table ([`Principal::may`]) and the
//! account's scope to every read and write it offers.
//!
//! Rules, in the order they are applied:
//! - a record outside the scope does not exist: reading or writing it answers
//!   [`AppError::NotFound`], exactly as a missing id does, so ids reveal nothing;
//! - an action the role does not allow answers [`AppError::Forbidden`];
//! - a write is checked on the record as it is *and* as it would become, inside the
//!   write's transaction: moving a record out of the scope, or registering one outside
//!   it, is refused and leaves nothing written;
//! - a link's target must be within the scope too, and a link can be ended by the
//!   officers of either end.
//!
//! The web crate holds a [`Gate`], never the [`Registry`]: it hands out this handle for
//! a signed-in account, a [`Public`] one for everyone else, and the account checks
//! that make a principal. Each subject has its file: organisations, the organisation
//! page (`dossier`), reports, score sheets, follow-ups, indicators, imports, and
//! administration (accounts, places, audit).

mod account;
mod admin;
mod dossier;
mod follow_ups;
mod gate;
mod imports;
mod indicators;
mod organisations;
#[cfg(test)]
mod proposal_tests;
mod proposals;
mod reports;
#[cfg(test)]
mod scope_tests;
mod sheets;

pub use crate::users::People;
pub use admin::{
    Anchor, AuditEntry, AuditLink, AuditView, Finding, RecordFinding, RecordProblem, StateCheck,
};
pub use dossier::{Dossier, DossierLink, Internal};
pub use gate::{Gate, Public, Reader};
pub use imports::PendingUpload;
pub use sheets::step_needs;

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use hoptac_domain::auth::{Action, Principal};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::OrgId;

/// The registry for one principal. Made by [`Registry::for_principal`].
#[derive(Clone)]
pub struct Scoped {
    reg: Registry,
    who: Principal,
}

impl Registry {
    /// A handle on this registry that acts as `who`, within their role and scope.
    pub fn for_principal(&self, who: &Principal) -> Scoped {
        Scoped {
            reg: self.clone(),
            who: who.clone(),
        }
    }
}

pub(crate) fn not_found(id: OrgId) -> AppError {
    AppError::NotFound {
        what: "organisation",
        id: id.to_string(),
    }
}

impl Scoped {
    /// Who this handle acts for.
    pub fn principal(&self) -> &Principal {
        &self.who
    }

    /// The history entry's author for a change made through this handle.
    pub fn actor(&self, source: &str) -> Actor {
        Actor::new(self.who.username.clone(), Some(source.to_owned()))
    }

    /// The role allows `action`, or the refusal that says it does not.
    pub fn allowed(&self, action: Action) -> Result<()> {
        if self.who.may(action) {
            Ok(())
        } else {
            Err(refusal(action))
        }
    }

    /// The registry's today (fixed in tests), for default years and dates.
    pub fn today(&self) -> chrono::NaiveDate {
        self.reg.today()
    }

    /// Whether an organisation, as it is today, lies within the scope.
    pub fn sees(&self, v: &OrgView) -> bool {
        self.who.scope.sees(v)
    }

    /// An organisation as it is today, if it lies within the scope; otherwise it does
    /// not exist for this account.
    pub fn visible(&self, id: OrgId) -> Result<OrgView> {
        let v = self.reg.get(id, None)?;
        if self.sees(&v) {
            Ok(v)
        } else {
            Err(not_found(id))
        }
    }
}

pub(crate) fn outside_communes() -> AppError {
    AppError::Forbidden {
        vi: "Địa bàn của tổ chức sẽ nằm ngoài các xã của tài khoản".into(),
        en: "The organisation would be placed outside the account's communes".into(),
    }
}

/// Why a role may not do something, in both languages.
pub fn refusal(action: Action) -> AppError {
    let (vi, en) = match action {
        Action::ReadInternal => (
            "Cần đăng nhập để xem nội dung này",
            "Sign in to see this",
        ),
        Action::RegisterOrganisation => (
            "Tài khoản này không đăng ký tổ chức mới",
            "This account cannot register organisations",
        ),
        Action::EditOrganisation | Action::FileReport | Action::ScoreSheet => (
            "Tài khoản lãnh đạo chỉ được xem",
            "Leader accounts are read-only",
        ),
        Action::EditIdentity => (
            "Tài khoản HTX không tự sửa tên, mã số thuế, đăng ký, ngành nghề hay địa bàn; hãy đề nghị cán bộ phụ trách",
            "A cooperative account cannot change its name, tax code, registration, sector or place itself; ask the officer in charge",
        ),
        Action::ChangeStatus
        | Action::Link
        | Action::Convert
        | Action::ReviewSheet
        | Action::RecordFollowUp => (
            "Việc này dành cho cán bộ",
            "This is for officers",
        ),
        Action::ApproveSheet | Action::ManageProvince => (
            "Việc này dành cho cán bộ cấp tỉnh",
            "This is for provincial officers",
        ),
        Action::Administer => (
            "Việc này dành cho quản trị viên",
            "This is for administrators",
        ),
    };
    AppError::Forbidden {
        vi: vi.into(),
        en: en.into(),
    }
}
