//! What the organisation page shows (*hồ sơ tổ chức*): the record, its links both ways
//! with the other organisation's name, and for accounts its history, reports and score
//! sheets. The public gets the public view and no internal part.

use super::{Public, Scoped};
use crate::error::Result;
use crate::evaluations::EvaluationRecord;
use crate::registry::Registry;
use crate::reports::ReportRecord;
use hoptac_domain::auth::Action;
use hoptac_domain::history::Change;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{LinkKind, OrgId};

/// A link seen from the page's organisation.
#[derive(Debug, Clone)]
pub struct DossierLink {
    /// Held by this organisation (or by the other, pointing here).
    pub outgoing: bool,
    pub kind: LinkKind,
    pub other: OrgId,
    pub active: bool,
    /// The other organisation's name (names are public facts).
    pub name: String,
}

/// The part of the page only accounts see.
#[derive(Debug, Clone)]
pub struct Internal {
    pub history: Vec<Change>,
    /// Every year's annual report on file, newest first.
    pub reports: Vec<ReportRecord>,
    /// Every year's score sheet, newest first.
    pub evaluations: Vec<EvaluationRecord>,
    /// Identity proposals, pending and decided, newest first.
    pub proposals: Vec<crate::proposals::ProposalRecord>,
    /// The full names of those who made the changes.
    pub people: crate::users::People,
}

/// The organisation page's content.
#[derive(Debug, Clone)]
pub struct Dossier {
    pub view: OrgView,
    pub links: Vec<DossierLink>,
    pub internal: Option<Internal>,
}

/// Links both ways, with the other organisation's name (few per record).
fn links(reg: &Registry, v: &OrgView) -> Vec<DossierLink> {
    let mut links = Vec::new();
    for l in &v.links {
        let name = reg
            .get(l.target, None)
            .map(|o| o.name().to_owned())
            .unwrap_or_default();
        links.push(DossierLink {
            outgoing: true,
            kind: l.kind,
            other: l.target,
            active: l.active,
            name,
        });
    }
    for (_, kind, subject) in reg.incoming_links(v.id).unwrap_or_default() {
        if let Ok(o) = reg.get(subject, None) {
            let active = o
                .links
                .iter()
                .any(|l| l.target == v.id && l.kind == kind && l.active);
            links.push(DossierLink {
                outgoing: false,
                kind,
                other: subject,
                active,
                name: o.name().to_owned(),
            });
        }
    }
    links
}

impl Scoped {
    /// The organisation page of a record within the scope.
    pub fn dossier(&self, id: OrgId) -> Result<Dossier> {
        self.allowed(Action::ReadInternal)?;
        let view = self.visible(id)?;
        let links = links(&self.reg, &view);
        let history = self.reg.history(id)?;
        let years: Vec<i32> = (2015..=chrono::Datelike::year(&self.reg.today()))
            .rev()
            .collect();
        // A year without a report or sheet is simply absent.
        let reports = years
            .iter()
            .filter_map(|y| self.reg.report(id, *y).ok())
            .collect();
        let evaluations = years
            .iter()
            .filter_map(|y| self.reg.evaluation(id, *y).ok())
            .collect();
        let proposals = self.reg.proposals(id)?;
        Ok(Dossier {
            view,
            links,
            internal: Some(Internal {
                history,
                reports,
                evaluations,
                proposals,
                people: self.reg.people()?,
            }),
        })
    }
}

impl Public {
    /// The organisation page as the public sees it.
    pub fn dossier(&self, id: OrgId) -> Result<Dossier> {
        let v = self.reg.get(id, None)?;
        let links = links(&self.reg, &v);
        Ok(Dossier {
            view: v.public(),
            links,
            internal: None,
        })
    }
}
