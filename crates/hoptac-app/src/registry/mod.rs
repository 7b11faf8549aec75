//! Registry use cases (*đăng ký, cập nhật hồ sơ*): create, update, change status, link
//! and convert organisations, read them now or as of a date, and list them.

use crate::error::{AppError, Result};
use chrono::NaiveDate;
use hoptac_domain::history::OrgState;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, Status, StatusChange};
use hoptac_domain::place::Gazetteer;
use hoptac_domain::validate::{today_in_vietnam, FieldError, FieldProblem, LawRules};
use hoptac_store::{audit, orgs, overlays, Conn, Db, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};

mod organisations;
mod places;
mod reads;
mod status_links;

/// Who writes, and through what: recorded with every change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    /// A form, an API call, an import file name…
    pub source: Option<String>,
}

impl Actor {
    pub fn new(name: impl Into<String>, source: Option<String>) -> Self {
        Actor {
            name: name.into(),
            source,
        }
    }
}

/// A new organisation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewOrg {
    pub kind: Option<OrgKind>,
    #[serde(default, deserialize_with = "hoptac_domain::wire::from_object")]
    pub fields: OrgFields,
    /// Initial status (default active, effective on the founding date).
    #[serde(default)]
    pub status: Option<StatusChange>,
}

/// The registry: one database, the places it serves, the law's minima.
#[derive(Clone)]
pub struct Registry {
    pub db: Db,
    places: Arc<RwLock<Gazetteer>>,
    pub law: LawRules,
    today: Option<NaiveDate>,
    /// Rule sets loaded from files, beside (or replacing, by id) the shipped ones.
    pub(crate) extra_rule_sets: Arc<Vec<hoptac_domain::ruleset::RuleSet>>,
    /// The filing deadlines (15 December, 15 January by default; configurable).
    pub deadlines: hoptac_domain::report::Deadlines,
    /// Target reports until the data changes.
    pub(crate) indicator_cache: Arc<std::sync::Mutex<crate::indicators::IndicatorCache>>,
    /// What the indicators read, kept up to date from the audit trail.
    pub(crate) facts: Arc<std::sync::Mutex<crate::facts::FactsSlot>>,
    /// Moves each time this server swaps in new place overlays, so that nothing
    /// computed with the old ones is served after.
    pub(crate) places_generation: Arc<std::sync::atomic::AtomicU64>,
    /// The newest place overlay this server has loaded.
    overlays_seen: Arc<std::sync::atomic::AtomicI64>,
}

fn store(e: StoreError) -> AppError {
    match e {
        StoreError::Unique(c) if c.contains("tax_code") => AppError::invalid(FieldError::new(
            "tax_code",
            FieldProblem::DuplicateTaxCode {
                other_id: 0,
                other_name: String::new(),
            },
        )),
        e => AppError::Store(e),
    }
}

fn not_found(id: OrgId) -> AppError {
    AppError::NotFound {
        what: "organisation",
        id: id.to_string(),
    }
}

impl Registry {
    /// Opens the registry on a migrated database for one province (`None`: national).
    pub fn open(db: Db, province: Option<String>) -> Result<Registry> {
        let seen = db.read(overlays::latest_id)?;
        let (corrections, aliases) = db.read(overlays::load)?;
        let places = Gazetteer::new(province).with_overlays(corrections, aliases);
        let reg = Registry {
            db,
            places: Arc::new(RwLock::new(places)),
            law: LawRules::default(),
            today: None,
            extra_rule_sets: Arc::new(Vec::new()),
            deadlines: hoptac_domain::report::Deadlines::default(),
            indicator_cache: Default::default(),
            facts: Default::default(),
            places_generation: Default::default(),
            overlays_seen: Arc::new(std::sync::atomic::AtomicI64::new(seen)),
        };
        reg.seed_targets()?;
        Ok(reg)
    }

    /// Adds rule sets read from a file or a folder of `.toml` files; a broken file is
    /// refused with the criterion named.
    pub fn with_rule_sets_from(mut self, path: &std::path::Path) -> Result<Self> {
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| {
                    AppError::refused(
                        "rule_sets_unreadable",
                        format!("{}: {e}", path.display()),
                        format!("{}: {e}", path.display()),
                    )
                })?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            v.sort();
            v
        } else {
            vec![path.to_owned()]
        };
        let mut sets = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| {
                AppError::refused(
                    "rule_sets_unreadable",
                    format!("{}: {e}", f.display()),
                    format!("{}: {e}", f.display()),
                )
            })?;
            let rs = hoptac_domain::ruleset::RuleSet::parse(&text, &f.display().to_string())
                .map_err(|e| {
                    AppError::refused(
                        "bad_rule_set",
                        e.message(hoptac_domain::Lang::Vi),
                        e.message(hoptac_domain::Lang::En),
                    )
                })?;
            sets.push(rs);
        }
        self.extra_rule_sets = Arc::new(sets);
        Ok(self)
    }

    /// Other filing deadlines than spec §4's defaults.
    pub fn with_deadlines(mut self, deadlines: hoptac_domain::report::Deadlines) -> Self {
        self.deadlines = deadlines;
        self
    }

    /// Fixes "today" (tests and demo generation only).
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// Today in Vietnam's time zone.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(today_in_vietnam)
    }

    pub(crate) fn view(
        &self,
        st: OrgState,
        version: i64,
        as_of: NaiveDate,
        places: &Gazetteer,
    ) -> OrgView {
        OrgView::from_state(st, version, as_of, places)
    }
}

/// Notes a new organisation for the audit trail.
fn record_creation(c: &mut dyn Conn, actor: &Actor, st: &OrgState) {
    audit::record(c, &actor.name, actor.source.as_deref(), creation_entry(st));
}

/// The audit entry of a new organisation (made apart from the write by bulk imports).
pub(crate) fn creation_entry(st: &OrgState) -> audit::Entry {
    audit::Entry {
        entity: "organisation".into(),
        id: st.id.to_string(),
        action: "create".into(),
        before: None,
        after: serde_json::to_value(st).ok(),
    }
}

fn check_tax_code_free(c: &mut dyn Conn, id: OrgId, fields: &OrgFields) -> Result<()> {
    if let Some(t) = fields.tax_code.as_deref().filter(|t| !t.is_empty()) {
        if let Some((other_id, other_name)) = orgs::by_tax_code(c, t)? {
            if other_id != id {
                return Err(AppError::invalid(FieldError::new(
                    "tax_code",
                    FieldProblem::DuplicateTaxCode {
                        other_id,
                        other_name,
                    },
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn check_status(kind: OrgKind, s: &StatusChange) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if s.status == Status::Converted && kind != OrgKind::CooperativeGroup {
        errs.push(FieldError::new("status", FieldProblem::NotForKind(kind)));
    }
    if s.until.is_some() && s.status != Status::Suspended {
        errs.push(FieldError::new(
            "until",
            FieldProblem::UnknownValue {
                value: "until".into(),
                allowed: vec!["suspended".into()],
            },
        ));
    }
    errs
}
