//! Registry use cases (*đăng ký, cập nhật hồ sơ*): create, update, change status, link
//! and convert organisations, read them now or as of a date, and list them.

use crate::error::{AppError, Result};
use chrono::{DateTime, NaiveDate, Utc};
use hoptac_domain::history::{Change, ChangeBody, OrgState};
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest};
use hoptac_domain::org::{Link, LinkKind, OrgFields, OrgId, OrgKind, Status, StatusChange};
use hoptac_domain::place::{Gazetteer, MappingCorrection, PlaceAlias};
use hoptac_domain::validate::{today_in_vietnam, FieldError, FieldProblem, LawRules, Validator};
use hoptac_store::{audit, orgs, overlays, Conn, Db, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};

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
    #[serde(default)]
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

    /// The places served, with their overlays.
    pub fn places(&self) -> Gazetteer {
        self.places
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub(crate) fn validator<'a>(&'a self, places: &'a Gazetteer) -> Validator<'a> {
        Validator {
            today: self.today(),
            places,
            law: &self.law,
        }
    }

    /// An effective date (default today), refused when in the future.
    fn effective(&self, places: &Gazetteer, effective: Option<NaiveDate>) -> Result<NaiveDate> {
        let effective = effective.unwrap_or_else(|| self.today());
        match self.validator(places).check_effective(effective) {
            Some(e) => Err(AppError::invalid(e)),
            None => Ok(effective),
        }
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

    /// Registers a new organisation. Its attributes take effect on its founding date.
    pub fn create(&self, new: NewOrg, actor: &Actor) -> Result<OrgView> {
        let places = self.places();
        let (kind, fields, status) = self.check_new(new, &places)?;
        let now = Utc::now();
        let created = self.db.write(|c| {
            self.allocate_and_insert(c, kind, fields.clone(), status.clone(), actor, now, &places)
        });
        self.name_duplicate(created, fields.tax_code.as_deref())
    }

    /// A tax code taken by another writer between our check and our write reaches us as
    /// the unique index's refusal, which names no record: read the record that holds
    /// the code now (it has committed), so the message names the real one.
    fn name_duplicate<T>(&self, r: Result<T>, tax_code: Option<&str>) -> Result<T> {
        let Some(tax) = tax_code else { return r };
        let mut errs = match r {
            Err(AppError::Invalid(errs)) => errs,
            r => return r,
        };
        for e in &mut errs {
            if let FieldProblem::DuplicateTaxCode {
                other_id,
                other_name,
            } = &mut e.problem
            {
                if *other_id != 0 {
                    continue;
                }
                match self.db.read(|c| orgs::by_tax_code(c, tax)) {
                    Ok(Some((id, name))) => (*other_id, *other_name) = (id, name),
                    Ok(None) => {}
                    Err(err) => tracing::warn!(error = %err, "naming the holder of a tax code"),
                }
            }
        }
        Err(AppError::Invalid(errs))
    }

    /// Takes the next id and inserts a validated new organisation.
    #[allow(clippy::too_many_arguments)]
    fn allocate_and_insert(
        &self,
        c: &mut dyn Conn,
        kind: OrgKind,
        fields: OrgFields,
        status: StatusChange,
        actor: &Actor,
        now: DateTime<Utc>,
        places: &Gazetteer,
    ) -> Result<OrgView> {
        let id = orgs::allocate_ids(c, "organisation", 1)?;
        self.insert_new(c, id, kind, fields, status, None, actor, now, places)
    }

    /// Validates a new organisation; returns what to store.
    pub(crate) fn check_new(
        &self,
        new: NewOrg,
        places: &Gazetteer,
    ) -> Result<(OrgKind, OrgFields, StatusChange)> {
        let mut fields = new.fields;
        let mut errs = Vec::new();
        let kind = match new.kind {
            Some(k) => k,
            None => {
                errs.push(FieldError::new("kind", FieldProblem::Required));
                OrgKind::Cooperative
            }
        };
        errs.extend(self.validator(places).check(kind, &mut fields, true));
        let status = new.status.unwrap_or(StatusChange {
            status: Status::Active,
            until: None,
            reason: None,
            document: None,
        });
        errs.extend(check_status(kind, &status));
        if errs.is_empty() {
            Ok((kind, fields, status))
        } else {
            Err(AppError::Invalid(errs))
        }
    }

    /// Inserts a validated new organisation inside a transaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_new(
        &self,
        c: &mut dyn Conn,
        id: OrgId,
        kind: OrgKind,
        fields: OrgFields,
        status: StatusChange,
        status_at: Option<NaiveDate>,
        actor: &Actor,
        now: DateTime<Utc>,
        places: &Gazetteer,
    ) -> Result<OrgView> {
        check_tax_code_free(c, id, &fields)?;
        let (view, st, changes) =
            self.new_record(id, kind, fields, status, status_at, actor, now, places)?;
        orgs::insert(c, &view, &st, now).map_err(store)?;
        orgs::append_changes(c, &changes).map_err(store)?;
        record_creation(c, actor, &st);
        Ok(view)
    }

    /// A new organisation's first history entries, state and view, not yet stored.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new_record(
        &self,
        id: OrgId,
        kind: OrgKind,
        fields: OrgFields,
        status: StatusChange,
        status_at: Option<NaiveDate>,
        actor: &Actor,
        now: DateTime<Utc>,
        places: &Gazetteer,
    ) -> Result<(OrgView, OrgState, Vec<Change>)> {
        let founded = fields.founding_date.unwrap_or_else(|| self.today());
        let mut changes = vec![Change {
            org_id: id,
            seq: 1,
            effective: founded,
            recorded_at: now,
            author: actor.name.clone(),
            source: actor.source.clone(),
            body: ChangeBody::Fields { fields },
        }];
        match status_at.filter(|d| *d > founded) {
            // Founded active; the status came later, on its own date.
            Some(at) => {
                let active = StatusChange {
                    status: Status::Active,
                    until: None,
                    reason: None,
                    document: None,
                };
                changes.push(Change {
                    seq: 2,
                    body: ChangeBody::Status { status: active },
                    ..changes[0].clone()
                });
                changes.push(Change {
                    seq: 3,
                    effective: at,
                    body: ChangeBody::Status { status },
                    ..changes[0].clone()
                });
            }
            None => changes.push(Change {
                seq: 2,
                body: ChangeBody::Status { status },
                ..changes[0].clone()
            }),
        }
        let st = OrgState::fold(id, kind, &changes, None).ok_or_else(|| not_found(id))?;
        let view = self.view(st.clone(), 1, self.today(), places);
        Ok((view, st, changes))
    }

    /// Stores many new organisations made by [`Registry::new_record`] in a few
    /// statements (imports). Tax codes are unique in the database, so a duplicate
    /// still fails the whole transaction.
    pub(crate) fn insert_many(
        &self,
        c: &mut dyn Conn,
        records: Vec<(OrgView, OrgState, Vec<Change>)>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut rows = Vec::with_capacity(records.len());
        let mut changes = Vec::with_capacity(records.len() * 2);
        for (view, st, ch) in records {
            record_creation(c, actor, &st);
            changes.extend(ch);
            rows.push((view, st));
        }
        orgs::insert_many(c, &rows, now).map_err(store)?;
        orgs::append_changes(c, &changes).map_err(store)?;
        Ok(())
    }

    /// Appends changes to an organisation after claiming the version its writer read.
    /// The claim is a conditional write: if someone else wrote first, nothing happens
    /// and the caller gets [`AppError::Conflict`] with the current record.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn append(
        &self,
        c: &mut dyn Conn,
        id: OrgId,
        version: i64,
        bodies: Vec<(NaiveDate, ChangeBody)>,
        actor: &Actor,
        now: DateTime<Utc>,
        places: &Gazetteer,
    ) -> Result<OrgView> {
        let (kind, _) = orgs::kind_and_version(c, id)?.ok_or_else(|| not_found(id))?;
        if !orgs::claim_version(c, id, version)? {
            return Err(AppError::Conflict {
                current: Box::new(self.current_in(c, id, places)?),
                your_version: version,
            });
        }
        let before = orgs::get(c, id)?.map(|s| s.state);
        let mut changes = orgs::changes(c, id)?;
        let last = changes.iter().map(|c| c.seq).max().unwrap_or(0);
        let mut new = Vec::new();
        for (seq, (effective, body)) in (last + 1..).zip(bodies) {
            if let ChangeBody::Fields { fields } = &body {
                check_tax_code_free(c, id, fields)?;
            }
            new.push(Change {
                org_id: id,
                seq,
                effective,
                recorded_at: now,
                author: actor.name.clone(),
                source: actor.source.clone(),
                body,
            });
        }
        changes.extend(new.iter().cloned());
        let st = OrgState::fold(id, kind, &changes, None).ok_or_else(|| not_found(id))?;
        let view = self.view(st.clone(), version + 1, self.today(), places);
        orgs::append_changes(c, &new).map_err(store)?;
        orgs::save_state(c, &view, &st, now).map_err(store)?;
        audit::record(
            c,
            &actor.name,
            actor.source.as_deref(),
            audit::Entry {
                entity: "organisation".into(),
                id: id.to_string(),
                action: "update".into(),
                before: before.and_then(|b| serde_json::to_value(b).ok()),
                after: serde_json::to_value(&st).ok(),
            },
        );
        Ok(view)
    }

    fn current_in(&self, c: &mut dyn Conn, id: OrgId, places: &Gazetteer) -> Result<OrgView> {
        let s = orgs::get(c, id)?.ok_or_else(|| not_found(id))?;
        Ok(self.view(s.state, s.version, self.today(), places))
    }

    /// Changes attributes. Only what differs from the current values is recorded; the
    /// change takes effect on `effective` (default today), which may be in the past.
    pub fn update(
        &self,
        id: OrgId,
        version: i64,
        fields: OrgFields,
        effective: Option<NaiveDate>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.update_checked(id, version, fields, effective, actor, &|_, _| Ok(()))
    }

    /// [`Registry::update`] with a check of the change (`patch`, what differs) and of
    /// the record as it becomes, inside the write: an `Err` from `check` leaves nothing
    /// written. The scoped handle checks role and scope here.
    pub(crate) fn update_checked(
        &self,
        id: OrgId,
        version: i64,
        fields: OrgFields,
        effective: Option<NaiveDate>,
        actor: &Actor,
        check: &dyn Fn(&OrgFields, &OrgView) -> Result<()>,
    ) -> Result<OrgView> {
        let places = self.places();
        let effective = effective.unwrap_or_else(|| self.today());
        let current = self.get(id, None)?;
        let mut fields = fields;
        let mut errs = self
            .validator(&places)
            .check(current.kind, &mut fields, false);
        errs.extend(self.validator(&places).check_effective(effective));
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let now = Utc::now();
        let today = self.today();
        let tax_code = fields.tax_code.clone();
        let written = self.db.write(|c| {
            let st = orgs::get(c, id)?.ok_or_else(|| not_found(id))?;
            // A back-dated change is compared with what was in force on its date, so a
            // late correction is recorded even when today's value already agrees.
            let base = if effective < today {
                OrgState::fold(id, current.kind, &orgs::changes(c, id)?, Some(effective))
                    .map(|s| s.fields)
                    .unwrap_or_default()
            } else {
                st.state.fields.clone()
            };
            let patch = base.changes_to(&fields);
            if patch.members.is_some() || patch.founding_date.is_some() {
                let mut merged = st.state.fields.clone();
                merged.apply(&patch);
                if let Some(e) = self
                    .validator(&places)
                    .check_min_members(current.kind, &merged)
                {
                    return Err(AppError::invalid(e));
                }
            }
            let bodies = if patch.is_empty() {
                vec![]
            } else {
                vec![(
                    effective,
                    ChangeBody::Fields {
                        fields: patch.clone(),
                    },
                )]
            };
            if bodies.is_empty() && st.version == version {
                let view = self.view(st.state, st.version, self.today(), &places);
                check(&patch, &view)?;
                return Ok(view);
            }
            let view = self.append(c, id, version, bodies, actor, now, &places)?;
            check(&patch, &view)?;
            Ok(view)
        });
        self.name_duplicate(written, tax_code.as_deref())
    }

    /// Records a status change with its effective date and deciding document.
    pub fn set_status(
        &self,
        id: OrgId,
        version: i64,
        status: StatusChange,
        effective: Option<NaiveDate>,
        actor: &Actor,
    ) -> Result<OrgView> {
        let places = self.places();
        let effective = effective.unwrap_or_else(|| self.today());
        let current = self.get(id, None)?;
        let mut errs = check_status(current.kind, &status);
        errs.extend(self.validator(&places).check_effective(effective));
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let now = Utc::now();
        self.db.write(|c| {
            self.append(
                c,
                id,
                version,
                vec![(
                    effective,
                    ChangeBody::Status {
                        status: status.clone(),
                    },
                )],
                actor,
                now,
                &places,
            )
        })
    }

    /// Links `subject` to `object` from `effective` (e.g. an HTX joins a union).
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
        let places = self.places();
        let effective = self.effective(&places, effective)?;
        let s = self.get(subject, None)?;
        let o = self.get(object, None)?;
        check_link(kind, &s, &o)?;
        let now = Utc::now();
        self.db.write(|c| {
            let id = orgs::allocate_ids(c, "link", 1)?;
            orgs::insert_link(c, id, kind, subject, object, now)?;
            let link = Link {
                id,
                kind,
                target: object,
                active: true,
                document: document.clone(),
            };
            self.append(
                c,
                subject,
                version,
                vec![(effective, ChangeBody::Link { link })],
                actor,
                now,
                &places,
            )
        })
    }

    /// Ends a link from `effective` (e.g. an HTX leaves its union); its history stays.
    pub fn end_link(
        &self,
        subject: OrgId,
        version: i64,
        link_id: i64,
        effective: Option<NaiveDate>,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        let places = self.places();
        let effective = self.effective(&places, effective)?;
        let s = self.get(subject, None)?;
        let link = s
            .links
            .iter()
            .find(|l| l.id == link_id)
            .ok_or(AppError::NotFound {
                what: "link",
                id: link_id.to_string(),
            })?;
        let ended = Link {
            active: false,
            document: document.or_else(|| link.document.clone()),
            ..link.clone()
        };
        let now = Utc::now();
        self.db.write(|c| {
            self.append(
                c,
                subject,
                version,
                vec![(
                    effective,
                    ChangeBody::Link {
                        link: ended.clone(),
                    },
                )],
                actor,
                now,
                &places,
            )
        })
    }

    /// Converts a THT into a new HTX (*chuyển đổi THT thành HTX*): the HTX records its
    /// source, the THT's status becomes `converted`, both effective on the HTX's
    /// founding date, in one transaction. Missing HTX attributes come from the THT.
    pub fn convert(
        &self,
        tht: OrgId,
        tht_version: i64,
        new: OrgFields,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.convert_checked(tht, tht_version, new, document, actor, &|_| Ok(()))
    }

    /// [`Registry::convert`] with a check of the new cooperative as it is registered,
    /// inside the write (an `Err` leaves nothing written).
    pub(crate) fn convert_checked(
        &self,
        tht: OrgId,
        tht_version: i64,
        new: OrgFields,
        document: Option<String>,
        actor: &Actor,
        check: &dyn Fn(&OrgView) -> Result<()>,
    ) -> Result<OrgView> {
        let places = self.places();
        let source = self.get(tht, None)?;
        if source.kind != OrgKind::CooperativeGroup {
            return Err(AppError::refused(
                "not_a_group",
                "Chỉ tổ hợp tác mới chuyển đổi thành hợp tác xã",
                "Only a cooperative group can be converted into a cooperative",
            ));
        }
        if source.status == Status::Converted {
            return Err(AppError::refused(
                "already_converted",
                "Tổ hợp tác này đã chuyển đổi",
                "This group was already converted",
            ));
        }
        let mut fields = source.fields.clone();
        // The new cooperative is founded when it registers, not when the group began.
        fields.tax_code = None;
        fields.registration_number = None;
        fields.registration_date = None;
        fields.founding_date = None;
        fields.apply(&new);
        if fields.founding_date.is_none() {
            fields.founding_date = Some(self.today());
        }
        let (kind, fields, status) = self.check_new(
            NewOrg {
                kind: Some(OrgKind::Cooperative),
                fields,
                status: None,
            },
            &places,
        )?;
        let effective = fields.founding_date.unwrap_or_else(|| self.today());
        let now = Utc::now();
        let written = self.db.write(|c| {
            let id = self
                .allocate_and_insert(c, kind, fields.clone(), status.clone(), actor, now, &places)?
                .id;
            let link_id = orgs::allocate_ids(c, "link", 1)?;
            orgs::insert_link(c, link_id, LinkKind::ConvertedFrom, id, tht, now)?;
            let link = Link {
                id: link_id,
                kind: LinkKind::ConvertedFrom,
                target: tht,
                active: true,
                document: document.clone(),
            };
            let htx = self.append(
                c,
                id,
                1,
                vec![(effective, ChangeBody::Link { link })],
                actor,
                now,
                &places,
            )?;
            check(&htx)?;
            let converted = StatusChange {
                status: Status::Converted,
                until: None,
                reason: Some(format!("Chuyển đổi thành HTX (mã hồ sơ {id})")),
                document: document.clone(),
            };
            self.append(
                c,
                tht,
                tht_version,
                vec![(effective, ChangeBody::Status { status: converted })],
                actor,
                now,
                &places,
            )?;
            Ok::<_, AppError>(htx)
        });
        self.name_duplicate(written, fields.tax_code.as_deref())
    }

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

    /// The ids of every organisation a filter selects (as of today), in its order:
    /// for lists whose figures come from elsewhere and whose records are read later.
    pub fn ids(&self, filter: &OrgFilter) -> Result<Vec<OrgId>> {
        let today = self.today();
        Ok(self.db.read(|c| orgs::ids_where(c, filter, today))?)
    }

    pub fn list(&self, filter: &OrgFilter, page: PageRequest) -> Result<Page<OrgView>> {
        let places = self.places();
        let today = self.today();
        match filter.as_of.filter(|d| *d < today) {
            None => {
                let p = self
                    .db
                    .read(|c| orgs::list_current(c, filter, page, today))?;
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
                let mut past = filter.clone();
                let visible_today: Option<std::collections::HashSet<OrgId>> =
                    match past.within.take() {
                        None | Some(hoptac_domain::auth::Scope::All) => None,
                        Some(scope) => Some(
                            self.ids(&OrgFilter {
                                within: Some(scope),
                                ..OrgFilter::default()
                            })?
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
                    .filter(|v| past.matches(v))
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

    /// Adds a mapping correction (as data, with its source) and re-derives every
    /// record's place in the other scheme.
    pub fn add_correction(&self, corr: MappingCorrection, actor: &Actor) -> Result<()> {
        let known = |code: &str, scheme| self.places().units.commune(scheme, code).is_some();
        if !known(&corr.legacy_code, hoptac_domain::Scheme::Legacy)
            || corr.rows.is_empty()
            || corr.rows.iter().any(|r| {
                !known(&r.code_2025, hoptac_domain::Scheme::Y2025)
                    || r.legacy_code != corr.legacy_code
            })
            || corr.rows.iter().filter(|r| r.is_default).count() != 1
        {
            return Err(AppError::refused(
                "bad_correction",
                "Hiệu chỉnh không hợp lệ: cần mã xã cũ có thật, các xã mới có thật và đúng một xã mặc định",
                "Invalid correction: it needs a real legacy commune, real 2025 communes and exactly one default",
            ));
        }
        if corr.source.trim().is_empty() {
            return Err(AppError::invalid(FieldError::new(
                "source",
                FieldProblem::Required,
            )));
        }
        self.add_overlay(
            "mapping_correction",
            &corr.legacy_code,
            &corr,
            actor,
            |c, id, now| overlays::add_correction(c, id, &corr, &actor.name, now),
        )
    }

    /// Adds an alias: an old commune name and its legacy successor.
    pub fn add_alias(&self, alias: PlaceAlias, actor: &Actor) -> Result<()> {
        if self
            .places()
            .units
            .commune(hoptac_domain::Scheme::Legacy, &alias.legacy_code)
            .is_none()
            || alias.name.trim().is_empty()
        {
            return Err(AppError::refused(
                "bad_alias",
                "Bí danh cần tên và mã xã cũ có thật",
                "An alias needs a name and a real legacy commune code",
            ));
        }
        self.add_overlay(
            "place_alias",
            &alias.legacy_code,
            &alias,
            actor,
            |c, id, now| overlays::add_alias(c, id, &alias, &actor.name, now),
        )
    }

    /// Stores one place overlay with its audit entry, then re-derives every record's
    /// place with the overlays now in force.
    fn add_overlay(
        &self,
        entity: &str,
        key: &str,
        value: &impl serde::Serialize,
        actor: &Actor,
        store: impl Fn(
            &mut dyn hoptac_store::Conn,
            i64,
            chrono::DateTime<Utc>,
        ) -> Result<(), hoptac_store::StoreError>,
    ) -> Result<()> {
        let now = Utc::now();
        self.db.write(|c| {
            let id = orgs::allocate_ids(c, "place_overlay", 1)?;
            store(c, id, now)?;
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: entity.into(),
                    id: key.to_owned(),
                    action: "create".into(),
                    before: None,
                    after: serde_json::to_value(value).ok(),
                },
            );
            Ok::<_, AppError>(())
        })?;
        self.reload_places()
    }

    /// Loads place overlays added through another app server since this one loaded
    /// its own (the records' derived places were already rewritten by that server).
    /// Returns whether anything changed. Cheap when nothing did: one indexed read.
    pub fn refresh_places(&self) -> Result<bool> {
        use std::sync::atomic::Ordering;
        let latest = self.db.read(overlays::latest_id)?;
        if latest == self.overlays_seen.load(Ordering::SeqCst) {
            return Ok(false);
        }
        let places = self.load_places()?;
        self.swap_places(places, latest);
        Ok(true)
    }

    fn load_places(&self) -> Result<Gazetteer> {
        let (corrections, aliases) = self.db.read(overlays::load)?;
        let province = self.places().province.clone();
        Ok(Gazetteer::new(province).with_overlays(corrections, aliases))
    }

    fn swap_places(&self, places: Gazetteer, seen: i64) {
        use std::sync::atomic::Ordering;
        match self.places.write() {
            Ok(mut g) => *g = places,
            Err(p) => *p.into_inner() = places,
        }
        self.overlays_seen.store(seen, Ordering::SeqCst);
        self.places_generation.fetch_add(1, Ordering::SeqCst);
    }

    fn reload_places(&self) -> Result<()> {
        let seen = self.db.read(overlays::latest_id)?;
        let places = self.load_places()?;
        let now = Utc::now();
        // Derived places live in the current-state rows: recompute them all.
        self.db.write(|c| {
            for id in orgs::all_ids(c)? {
                if let Some(s) = orgs::get(c, id)? {
                    let view = self.view(s.state.clone(), s.version, self.today(), &places);
                    // Conditional on the version read: a concurrent edit wins, and its
                    // own write has already derived the places with the new data.
                    orgs::save_state_at(c, &view, &s.state, s.version, now)?;
                }
            }
            Ok::<_, AppError>(())
        })?;
        self.swap_places(places, seen);
        Ok(())
    }
}

/// Notes a new organisation for the audit trail.
fn record_creation(c: &mut dyn Conn, actor: &Actor, st: &OrgState) {
    audit::record(
        c,
        &actor.name,
        actor.source.as_deref(),
        audit::Entry {
            entity: "organisation".into(),
            id: st.id.to_string(),
            action: "create".into(),
            before: None,
            after: serde_json::to_value(st).ok(),
        },
    );
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

fn check_link(kind: LinkKind, s: &OrgView, o: &OrgView) -> Result<()> {
    // A union that has closed takes no new members; a group is the source of a
    // conversion only once it has been converted (the conversion itself links them).
    let closed = matches!(
        o.status,
        Status::Dissolved | Status::Bankrupt | Status::Revoked | Status::Converted
    );
    let status_ok = match kind {
        LinkKind::MemberOf => !closed,
        LinkKind::ConvertedFrom => o.status == Status::Converted,
        _ => true,
    };
    if !status_ok {
        return Err(AppError::refused(
            "link_target_status",
            format!(
                "Không thể tạo liên kết \"{}\": tổ chức đích đang ở tình trạng \"{}\"",
                kind.label_vi(),
                o.status.label_vi()
            ),
            format!(
                "Cannot link \"{}\": the target's status is \"{}\"",
                kind.label_en(),
                o.status.label_en()
            ),
        ));
    }
    let ok = s.id != o.id
        && match kind {
            LinkKind::ConvertedFrom => {
                s.kind == OrgKind::Cooperative && o.kind == OrgKind::CooperativeGroup
            }
            LinkKind::MemberOf => s.kind == OrgKind::Cooperative && o.kind == OrgKind::Union,
            _ => s.kind == o.kind,
        };
    if ok {
        Ok(())
    } else {
        Err(AppError::refused(
            "bad_link",
            format!(
                "Không thể tạo liên kết \"{}\" từ {} ({}) tới {} ({})",
                kind.label_vi(),
                s.name(),
                s.kind.label_vi(),
                o.name(),
                o.kind.label_vi()
            ),
            format!(
                "Cannot link \"{}\" from {} ({}) to {} ({})",
                kind.label_en(),
                s.name(),
                s.kind.label_en(),
                o.name(),
                o.kind.label_en()
            ),
        ))
    }
}
