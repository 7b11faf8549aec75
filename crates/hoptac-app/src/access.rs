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

use crate::error::{AppError, Result};
use crate::registry::{Actor, NewOrg, Registry};
use chrono::NaiveDate;
use hoptac_domain::auth::{Action, Principal, Scope};
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest};
use hoptac_domain::org::{OrgFields, OrgId, StatusChange};
use hoptac_domain::validate::FieldProblem;
use hoptac_domain::LinkKind;

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

fn not_found(id: OrgId) -> AppError {
    AppError::NotFound {
        what: "organisation",
        id: id.to_string(),
    }
}

/// The attributes that identify an organisation in law or place it: a cooperative
/// account may not change them itself (an officer in scope does).
fn touches_identity(patch: &OrgFields) -> bool {
    patch.name.is_some()
        || patch.tax_code.is_some()
        || patch.registration_number.is_some()
        || patch.registration_date.is_some()
        || patch.registering_body.is_some()
        || patch.founding_date.is_some()
        || patch.sector.is_some()
        || patch.place.is_some()
        || patch.legacy_commune.is_some()
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

    /// One organisation now or on a date. Scope is decided on today's record, before
    /// the date is looked at, so a past date reveals nothing about a hidden record.
    pub fn get(&self, id: OrgId, as_of: Option<NaiveDate>) -> Result<OrgView> {
        let today = self.visible(id)?;
        match as_of {
            None => Ok(today),
            Some(_) => self.reg.get(id, as_of),
        }
    }

    /// A page of a list, always within the scope (today's, for past dates too).
    pub fn list(&self, filter: &OrgFilter, page: PageRequest) -> Result<Page<OrgView>> {
        let mut f = filter.clone();
        f.within = Some(self.who.scope.clone());
        self.reg.list(&f, page)
    }

    /// Registers a new organisation, which must lie within the scope.
    pub fn create(&self, new: NewOrg, actor: &Actor) -> Result<OrgView> {
        self.allowed(Action::RegisterOrganisation)?;
        self.check_new_place(&new.fields)?;
        self.reg.create(new, actor).map_err(|e| self.as_seen(e))
    }

    /// The commune of a new record, in 2025 terms, must be one of the account's.
    fn check_new_place(&self, fields: &OrgFields) -> Result<()> {
        match &self.who.scope {
            Scope::All => Ok(()),
            Scope::Organisation { .. } => Err(refusal(Action::RegisterOrganisation)),
            Scope::Communes { codes } => {
                let c25 = fields.place.as_ref().and_then(|pl| {
                    self.reg
                        .places()
                        .both_schemes(pl, fields.legacy_commune.as_deref())
                        .commune_2025
                });
                if c25.is_some_and(|c| codes.contains(&c)) {
                    Ok(())
                } else {
                    Err(outside_communes())
                }
            }
        }
    }

    /// Changes attributes. A cooperative account cannot change identity attributes;
    /// nobody can move a record out of their scope.
    pub fn update(
        &self,
        id: OrgId,
        version: i64,
        fields: OrgFields,
        effective: Option<NaiveDate>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.allowed(Action::EditOrganisation)?;
        self.visible(id)?;
        let may_identity = self.who.may(Action::EditIdentity);
        let scope = self.who.scope.clone();
        self.reg
            .update_checked(id, version, fields, effective, actor, &|patch, after| {
                if !may_identity && touches_identity(patch) {
                    return Err(refusal(Action::EditIdentity));
                }
                if !scope.sees(after) {
                    return Err(outside_communes());
                }
                Ok(())
            })
            .map_err(|e| self.as_seen(e))
    }

    /// Records a status change on a record within the scope.
    pub fn set_status(
        &self,
        id: OrgId,
        version: i64,
        status: StatusChange,
        effective: Option<NaiveDate>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.allowed(Action::ChangeStatus)?;
        self.visible(id)?;
        self.reg.set_status(id, version, status, effective, actor)
    }

    /// Links two organisations, both within the scope.
    #[allow(clippy::too_many_arguments)]
    pub fn link(
        &self,
        subject: OrgId,
        version: i64,
        kind: LinkKind,
        object: OrgId,
        effective: Option<NaiveDate>,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.allowed(Action::Link)?;
        self.visible(subject)?;
        self.visible(object)?;
        self.reg
            .link(subject, version, kind, object, effective, document, actor)
    }

    /// Ends a link. The officers of either end may end it: a link attached to their
    /// organisation from elsewhere is theirs to remove too. Those who cannot see the
    /// subject get their own organisation back, never the subject.
    pub fn end_link(
        &self,
        subject: OrgId,
        version: i64,
        link_id: i64,
        effective: Option<NaiveDate>,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.allowed(Action::Link)?;
        let s = self.reg.get(subject, None)?;
        let target = s.links.iter().find(|l| l.id == link_id).map(|l| l.target);
        let target_seen = match target {
            Some(t) => self.reg.get(t, None).is_ok_and(|v| self.sees(&v)),
            None => false,
        };
        if self.sees(&s) {
            return self
                .reg
                .end_link(subject, version, link_id, effective, document, actor);
        }
        if !target_seen {
            return Err(not_found(subject));
        }
        // The other end's officers cannot read the subject, so they cannot know its
        // version, and a conflict must not show it to them: they end the link on the
        // subject as it is now, and see only their own organisation afterwards.
        match self
            .reg
            .end_link(subject, s.version, link_id, effective, document, actor)
        {
            Ok(_) => self.visible(target.unwrap_or(subject)),
            Err(AppError::Conflict { .. }) => Err(AppError::refused(
                "conflict",
                "Hồ sơ vừa được người khác sửa; hãy thử lại",
                "The record was just changed by someone else; try again",
            )),
            Err(e) => Err(e),
        }
    }

    /// Converts a group within the scope into a cooperative, which must be registered
    /// within the scope too.
    pub fn convert(
        &self,
        tht: OrgId,
        tht_version: i64,
        new: OrgFields,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.allowed(Action::Convert)?;
        self.visible(tht)?;
        let scope = self.who.scope.clone();
        self.reg
            .convert_checked(tht, tht_version, new, document, actor, &|htx| {
                if scope.sees(htx) {
                    Ok(())
                } else {
                    Err(outside_communes())
                }
            })
            .map_err(|e| self.as_seen(e))
    }
}

impl Scoped {
    /// An error as this account may read it: a duplicate tax code held by a record
    /// outside the scope is reported without naming that record.
    fn as_seen(&self, e: AppError) -> AppError {
        let AppError::Invalid(mut errs) = e else {
            return e;
        };
        for f in &mut errs {
            if let FieldProblem::DuplicateTaxCode {
                other_id,
                other_name,
            } = &mut f.problem
            {
                let seen = *other_id != 0 && self.visible(*other_id).is_ok();
                if !seen {
                    (*other_id, *other_name) = (0, String::new());
                }
            }
        }
        AppError::Invalid(errs)
    }
}

fn outside_communes() -> AppError {
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
