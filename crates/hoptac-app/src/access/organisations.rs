//! Organisations through the scoped handle: reads as of a date, lists, registration,
//! edits, status, links and conversion (*đăng ký, sửa đổi, liên kết, chuyển đổi*).

use super::{not_found, outside_communes, refusal, Scoped};
use crate::error::{AppError, Result};
use crate::registry::{Actor, NewOrg};
use chrono::NaiveDate;
use hoptac_domain::auth::{Action, Scope};
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest};
use hoptac_domain::org::{OrgFields, OrgId, StatusChange};
use hoptac_domain::validate::FieldProblem;
use hoptac_domain::LinkKind;

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
        self.reg.list(&self.who.scope, filter, page)
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

impl Scoped {
    /// A record to edit: within the scope, and the role may edit. Otherwise it does not
    /// exist for this account (an edit form reveals nothing either).
    pub fn for_edit(&self, id: OrgId) -> Result<OrgView> {
        let v = self.visible(id)?;
        if self.who.may(Action::EditOrganisation) {
            Ok(v)
        } else {
            Err(not_found(id))
        }
    }

    /// An organisation's changes, with both clocks, if it lies within the scope.
    pub fn history(&self, id: OrgId) -> Result<Vec<hoptac_domain::history::Change>> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.history(id)
    }

    /// The links other organisations hold to this one (link id, kind, holder), if it
    /// lies within the scope.
    pub fn incoming_links(&self, id: OrgId) -> Result<Vec<(i64, LinkKind, OrgId)>> {
        self.allowed(Action::ReadInternal)?;
        self.visible(id)?;
        self.reg.incoming_links(id)
    }

    /// Today's records of these ids, leaving out those outside the scope.
    pub fn current_views(&self, ids: &[OrgId]) -> Result<Vec<OrgView>> {
        let mut views = self.reg.current_views(ids)?;
        views.retain(|v| self.sees(v));
        Ok(views)
    }

    /// A filtered list (every page) as a spreadsheet, within the scope, with what only
    /// signed-in readers see.
    pub fn export(
        &self,
        filter: &OrgFilter,
        format: crate::export::Format,
        lang: hoptac_domain::i18n::Lang,
    ) -> Result<(Vec<u8>, String)> {
        crate::export::export(&self.reg, &self.who.scope, filter, format, lang, false)
    }
}
