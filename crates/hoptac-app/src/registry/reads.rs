//! Reading organisations now or as of a date, their history, and lists (*tra cứu*).

use super::*;
use crate::error::{AppError, Result};
use chrono::NaiveDate;
use hoptac_domain::auth::Scope;
use hoptac_domain::history::{Change, OrgState};
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest};
use hoptac_domain::org::{LinkKind, OrgId};
use hoptac_store::orgs;

impl Registry {
    /// One organisation now, or as it was on a date.
    pub fn get(&self, id: OrgId, as_of: Option<NaiveDate>) -> Result<OrgView> {
        let places = self.places();
        let today = self.today();
        match as_of.filter(|d| *d < today) {
            None => {
                let s = self
                    .db
                    .read(|c| orgs::get(c, id))?
                    .ok_or_else(|| not_found(id))?;
                Ok(self.view(s.state, s.version, today, &places))
            }
            Some(d) => {
                let (kind_version, changes) = self.db.read(|c| {
                    Ok::<_, AppError>((orgs::kind_and_version(c, id)?, orgs::changes(c, id)?))
                })?;
                let (kind, version) = kind_version.ok_or_else(|| not_found(id))?;
                let st = OrgState::fold(id, kind, &changes, Some(d)).ok_or_else(|| {
                    AppError::refused(
                        "not_yet_registered",
                        format!(
                            "Tổ chức {id} chưa có trong sổ đăng ký vào ngày {}",
                            hoptac_domain::i18n::format_date(d)
                        ),
                        format!("Organisation {id} was not yet registered on {d}"),
                    )
                })?;
                Ok(self.view(st, version, d, &places))
            }
        }
    }

    /// An organisation's whole history, both clocks, in recorded order.
    pub fn history(&self, id: OrgId) -> Result<Vec<Change>> {
        let changes = self.db.read(|c| orgs::changes(c, id))?;
        if changes.is_empty() {
            return Err(not_found(id));
        }
        Ok(changes)
    }

    /// Organisations linked to this one from elsewhere: (link id, kind, subject).
    pub fn incoming_links(&self, id: OrgId) -> Result<Vec<(i64, LinkKind, OrgId)>> {
        Ok(self.db.read(|c| orgs::links_to(c, id))?)
    }

    /// A page of a list. The current registry is filtered, sorted and paged in SQL; a
    /// past date folds every history up to that date and applies the same filter.
    /// Several organisations as they are today, in the order of `ids` (those that do
    /// not exist are left out), in a few queries: the page a list shows.
    pub fn current_views(&self, ids: &[OrgId]) -> Result<Vec<OrgView>> {
        let (places, today) = (self.places(), self.today());
        let mut found: std::collections::HashMap<OrgId, OrgView> = self
            .db
            .read(|c| orgs::get_many(c, ids))?
            .into_iter()
            .map(|s| (s.state.id, self.view(s.state, s.version, today, &places)))
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// The histories of some organisations, by id, in a few queries.
    pub(crate) fn histories_by_id(
        &self,
        ids: &[OrgId],
    ) -> Result<std::collections::HashMap<OrgId, orgs::OrgHistory>> {
        Ok(self
            .db
            .read(|c| orgs::histories_of(c, ids))?
            .into_iter()
            .map(|h| (h.id, h))
            .collect())
    }

    /// The ids of every organisation within `scope` a filter selects (as of today), in
    /// its order: for lists whose figures come from elsewhere and whose records are
    /// read later. System code passes [`Scope::All`] explicitly.
    pub fn ids(&self, scope: &Scope, filter: &OrgFilter) -> Result<Vec<OrgId>> {
        let today = self.today();
        Ok(self.db.read(|c| orgs::ids_where(c, scope, filter, today))?)
    }

    /// A page of the organisations within `scope` a filter selects, now or as of its
    /// date. The scope is today's, for past dates too. System code passes
    /// [`Scope::All`] explicitly.
    pub fn list(
        &self,
        scope: &Scope,
        filter: &OrgFilter,
        page: PageRequest,
    ) -> Result<Page<OrgView>> {
        let places = self.places();
        let today = self.today();
        match filter.as_of.filter(|d| *d < today) {
            None => {
                let p = self
                    .db
                    .read(|c| orgs::list_current(c, scope, filter, page, today))?;
                Ok(Page {
                    items: p
                        .items
                        .into_iter()
                        .map(|s| self.view(s.state, s.version, today, &places))
                        .collect(),
                    total: p.total,
                    page: p.page,
                    per_page: p.per_page,
                    more: p.more,
                })
            }
            Some(d) => {
                // Every change, not only those effective by then: a later correction of
                // the founding date reaches back (as it does for one record and for the
                // indicators).
                let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
                let all = self.db.read(|c| orgs::histories_until(c, far))?;
                // The reader's scope is today's: a record that has since moved into (or
                // out of) an officer's communes is theirs (or not) in every past list.
                let visible_today: Option<std::collections::HashSet<OrgId>> = match scope {
                    Scope::All => None,
                    scope => Some(
                        self.ids(scope, &OrgFilter::default())?
                            .into_iter()
                            .collect(),
                    ),
                };
                let mut views: Vec<OrgView> = all
                    .into_iter()
                    .filter(|h| visible_today.as_ref().is_none_or(|v| v.contains(&h.id)))
                    .filter_map(|h| {
                        OrgState::fold(h.id, h.kind, &h.changes, Some(d))
                            .map(|st| self.view(st, h.version, d, &places))
                    })
                    .filter(|v| filter.matches(v, &Scope::All))
                    .collect();
                filter.sort(&mut views);
                let total = views.len() as u64;
                let items = views
                    .into_iter()
                    .skip(page.offset() as usize)
                    .take(page.per_page as usize)
                    .collect();
                Ok(Page {
                    items,
                    total,
                    page: page.page,
                    per_page: page.per_page,
                    more: false,
                })
            }
        }
    }
}
