//! Registering and editing organisations (*đăng ký, cập nhật hồ sơ*): checks, id
//! allocation, inserts and versioned updates.

use super::*;
use crate::error::{AppError, Result};
use chrono::{DateTime, NaiveDate, Utc};
use hoptac_domain::history::{Change, ChangeBody, OrgState};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, Status, StatusChange};
use hoptac_domain::place::Gazetteer;
use hoptac_domain::validate::{FieldError, FieldProblem};
use hoptac_store::{audit, orgs, Conn};

impl Registry {
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
    pub(super) fn name_duplicate<T>(&self, r: Result<T>, tax_code: Option<&str>) -> Result<T> {
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
    pub(super) fn allocate_and_insert(
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

    pub(super) fn current_in(
        &self,
        c: &mut dyn Conn,
        id: OrgId,
        places: &Gazetteer,
    ) -> Result<OrgView> {
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
        // A change cannot take effect before the organisation existed. A change that
        // corrects the founding date may take effect from the earlier of the two dates
        // (moving it later is recorded from the date it was believed to be).
        let founded = match (fields.founding_date, current.fields.founding_date) {
            (Some(new), Some(old)) => Some(new.min(old)),
            (new, old) => new.or(old),
        };
        errs.extend(
            self.validator(&places)
                .check_effective_since(effective, founded),
        );
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
}
