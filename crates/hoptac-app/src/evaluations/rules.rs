//! Which rule set scores an organisation in a year, and the facts it is scored on
//! (*bộ tiêu chí, dữ kiện chấm điểm*).

use super::*;
use crate::error::{AppError, Result};
use crate::registry::Registry;
use crate::reports::AnnualReport;
use chrono::{Datelike, NaiveDate};
use hoptac_domain::evaluation::{self, Facts};
use hoptac_domain::history::OrgState;
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::{OrgId, OrgKind, Sector};
use hoptac_domain::ruleset::RuleSet;
use hoptac_store::orgs::{self, OrgHistory};

impl Registry {
    /// The rule sets this registry knows: the shipped ones and any loaded from files.
    pub fn rule_sets(&self) -> Result<Vec<RuleSet>> {
        let mut all = RuleSet::shipped().map_err(|e| {
            AppError::refused("bad_rule_set", e.message(Lang::Vi), e.message(Lang::En))
        })?;
        for extra in self.extra_rule_sets.iter() {
            all.retain(|r| r.id != extra.id);
            all.push(extra.clone());
        }
        Ok(all)
    }

    /// The rule set for an organisation and year: the one named, else the newest that
    /// applies (TT 01/2020 from 2020, TT 09/2017 for agricultural HTX before).
    pub fn rule_set_for(
        &self,
        kind: OrgKind,
        sector: Option<Sector>,
        year: i32,
        named: Option<&str>,
    ) -> Result<RuleSet> {
        let all = self.rule_sets()?;
        let found = match named {
            Some(id) => all.into_iter().find(|r| r.id == id).ok_or_else(|| {
                AppError::refused(
                    "unknown_rule_set",
                    format!("Không có bộ tiêu chí \"{id}\""),
                    format!("No rule set \"{id}\""),
                )
            })?,
            None => {
                let mut fitting: Vec<RuleSet> = all
                    .into_iter()
                    .filter(|r| r.applies_to(kind, sector, year))
                    .collect();
                fitting.sort_by_key(|r| r.in_force_from);
                fitting.pop().ok_or_else(|| match kind {
                    OrgKind::CooperativeGroup => AppError::refused(
                        "not_evaluated",
                        "Tổ hợp tác không được đánh giá, phân loại theo bộ tiêu chí HTX",
                        "Cooperative groups are not evaluated under the cooperative rule sets",
                    ),
                    _ => AppError::refused(
                        "no_rule_set",
                        format!("Không có bộ tiêu chí áp dụng cho năm {year} với tổ chức này (quỹ tín dụng nhân dân theo quy định của Ngân hàng Nhà nước)"),
                        format!("No rule set applies to this organisation in {year} (credit funds follow State Bank rules)"),
                    ),
                })?
            }
        };
        if named.is_some() && !found.applies_to(kind, sector, year) {
            return Err(AppError::refused(
                "rule_set_does_not_apply",
                format!(
                    "Bộ tiêu chí {} không áp dụng cho tổ chức này năm {year}",
                    found.id
                ),
                format!(
                    "Rule set {} does not apply to this organisation in {year}",
                    found.id
                ),
            ));
        }
        Ok(found)
    }

    /// The organisation as it stood on 31 December of the year evaluated: its kind and
    /// sector then decide the rule set (a later change of sector does not reach back).
    /// Founded after that day: as it is now.
    pub(super) fn org_in_year(
        &self,
        org_id: OrgId,
        year: i32,
    ) -> Result<hoptac_domain::list::OrgView> {
        self.org_in_year_from(&self.history_of(org_id)?, year)
    }

    /// An organisation's history, with its kind and version, in one read.
    pub(super) fn history_of(&self, org_id: OrgId) -> Result<OrgHistory> {
        self.db
            .read(|c| orgs::histories_of(c, &[org_id]))?
            .pop()
            .ok_or(AppError::NotFound {
                what: "organisation",
                id: org_id.to_string(),
            })
    }

    /// The organisation as it stood on 31 December of the year (as it is now when
    /// that is still to come, or when it was not yet registered then).
    pub(super) fn org_in_year_from(
        &self,
        h: &OrgHistory,
        year: i32,
    ) -> Result<hoptac_domain::list::OrgView> {
        let (places, today) = (self.places(), self.today());
        if let Some(d) = NaiveDate::from_ymd_opt(year, 12, 31).filter(|d| *d < today) {
            if let Some(st) = OrgState::fold(h.id, h.kind, &h.changes, Some(d)) {
                return Ok(self.view(st, h.version, d, &places));
            }
        }
        let st = OrgState::fold(h.id, h.kind, &h.changes, None).ok_or(AppError::NotFound {
            what: "organisation",
            id: h.id.to_string(),
        })?;
        Ok(self.view(st, h.version, today, &places))
    }

    /// A year can be evaluated only once the organisation exists: a sheet for an
    /// earlier year would score a year it never had (its founding date as known now,
    /// corrections included).
    pub(super) fn existed_in(h: &OrgHistory, year: i32) -> Result<()> {
        use hoptac_domain::validate::{FieldError, FieldProblem};
        let founded =
            OrgState::fold(h.id, h.kind, &h.changes, None).and_then(|st| st.fields.founding_date);
        match founded {
            Some(founded) if year < founded.year() => Err(AppError::invalid(FieldError::new(
                "year",
                FieldProblem::BeforeFounding { year, founded },
            ))),
            _ => Ok(()),
        }
    }

    pub(super) fn facts_for(
        h: &OrgHistory,
        year: i32,
        report: Option<&AnnualReport>,
    ) -> Result<Facts> {
        let founded =
            OrgState::fold(h.id, h.kind, &h.changes, None).and_then(|st| st.fields.founding_date);
        let from = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| AppError::refused("bad_year", "Năm không hợp lệ", "Invalid year"))?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(from);
        Ok(Facts {
            year,
            founded: founded.unwrap_or(from),
            months_suspended: report.and_then(|r| r.figures.months_suspended),
            days_stopped: evaluation::days_stopped(&stopped_timeline(&h.changes), from, to),
            sanctioned: report.and_then(|r| r.figures.sanctioned).unwrap_or(false),
        })
    }
}
