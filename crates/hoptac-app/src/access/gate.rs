//! The way in for the web layer (*cổng truy cập*): a [`Gate`] wraps the registry and
//! hands out only handles that apply role and scope — [`Scoped`] for an account,
//! [`Public`] for everyone else — plus the account checks that make a principal
//! (password, session, API token). The registry itself never leaves it.

use super::Scoped;
use crate::error::Result;
use crate::export::Format;
use crate::registry::Registry;
use chrono::{DateTime, NaiveDate, Utc};
use hoptac_domain::auth::{Principal, Scope};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest};
use hoptac_domain::org::OrgId;
use hoptac_domain::place::Gazetteer;
use hoptac_domain::ruleset::RuleSet;

/// The registry behind a door that opens only onto scoped handles.
#[derive(Clone)]
pub struct Gate {
    reg: Registry,
}

impl Gate {
    /// Puts the registry behind the gate; nothing gets it back out.
    pub fn new(reg: Registry) -> Gate {
        Gate { reg }
    }

    /// The handle of a signed-in account: its role and scope apply to everything.
    pub fn for_principal(&self, who: &Principal) -> Scoped {
        self.reg.for_principal(who)
    }

    /// The handle of the public: published facts only.
    pub fn public(&self) -> Public {
        Public {
            reg: self.reg.clone(),
        }
    }

    /// The handle of whoever reads: an account's, or the public's without one.
    pub fn reader(&self, who: Option<&Principal>) -> Reader {
        match who {
            Some(p) => Reader::Signed(self.for_principal(p)),
            None => Reader::Public(self.public()),
        }
    }

    /// The administrative units (public facts, corrections included).
    pub fn places(&self) -> Gazetteer {
        self.reg.places()
    }

    /// The registry's today (fixed in tests).
    pub fn today(&self) -> NaiveDate {
        self.reg.today()
    }

    /// The latest year whose figures are final (its final-report deadline has passed):
    /// the year the dashboard and the lists open on.
    pub fn latest_final_year(&self) -> i32 {
        self.reg.deadlines.latest_final_year(self.reg.today())
    }

    /// The account behind an API token.
    pub fn token_principal(&self, token: &str) -> Result<Option<Principal>> {
        self.reg.token_principal(token)
    }

    /// The account of a browser session and its CSRF token, while the session lasts.
    pub fn session(&self, token: &str, now: DateTime<Utc>) -> Result<Option<(Principal, String)>> {
        self.reg.session(token, now)
    }

    /// Checks a password (and the second factor's code, for an account that has one)
    /// typed at `source` (the client's address, for throttling) and starts a session:
    /// `(session token, CSRF token)`.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(String, String)> {
        let p = self
            .reg
            .authenticate_with(username, password, code, source, now)?;
        self.reg.start_session(&p, now)
    }

    /// Ends a browser session on the server.
    pub fn end_session(&self, token: &str) -> Result<()> {
        self.reg.end_session(token)
    }
}

/// The registry as the public reads it (*công khai*): every record, without contacts,
/// notes or the reasons behind a status.
#[derive(Clone)]
pub struct Public {
    pub(super) reg: Registry,
}

impl Public {
    /// A page of a list, in public views.
    pub fn list(&self, filter: &OrgFilter, page: PageRequest) -> Result<Page<OrgView>> {
        // The public sees every organisation, in its public view.
        let mut page = self.reg.list(&Scope::All, filter, page)?;
        page.items = page.items.into_iter().map(OrgView::public).collect();
        Ok(page)
    }

    /// One organisation now or on a date, in its public view.
    pub fn get(&self, id: OrgId, as_of: Option<NaiveDate>) -> Result<OrgView> {
        self.reg.get(id, as_of).map(OrgView::public)
    }

    /// A filtered list (every page) as a spreadsheet, without what is not public.
    pub fn export(
        &self,
        filter: &OrgFilter,
        format: Format,
        lang: Lang,
    ) -> Result<(Vec<u8>, String)> {
        crate::export::export(&self.reg, &Scope::All, filter, format, lang, true)
    }

    /// The evaluation rule sets this server knows (published rules).
    pub fn rule_sets(&self) -> Result<Vec<RuleSet>> {
        self.reg.rule_sets()
    }
}

/// Whoever reads a public route: an account (its scope applies) or the public.
#[derive(Clone)]
pub enum Reader {
    Public(Public),
    Signed(Scoped),
}

impl Reader {
    /// A page of a list: the account's scope, or public views of everything.
    pub fn list(&self, filter: &OrgFilter, page: PageRequest) -> Result<Page<OrgView>> {
        match self {
            Reader::Public(p) => p.list(filter, page),
            Reader::Signed(s) => s.list(filter, page),
        }
    }

    /// One organisation now or on a date, as this reader may see it.
    pub fn get(&self, id: OrgId, as_of: Option<NaiveDate>) -> Result<OrgView> {
        match self {
            Reader::Public(p) => p.get(id, as_of),
            Reader::Signed(s) => s.get(id, as_of),
        }
    }

    /// A filtered list as a spreadsheet, as this reader may see it.
    pub fn export(
        &self,
        filter: &OrgFilter,
        format: Format,
        lang: Lang,
    ) -> Result<(Vec<u8>, String)> {
        match self {
            Reader::Public(p) => p.export(filter, format, lang),
            Reader::Signed(s) => s.export(filter, format, lang),
        }
    }

    /// The organisation page's content, as this reader may see it.
    pub fn dossier(&self, id: OrgId) -> Result<super::Dossier> {
        match self {
            Reader::Public(p) => p.dossier(id),
            Reader::Signed(s) => s.dossier(id),
        }
    }
}
