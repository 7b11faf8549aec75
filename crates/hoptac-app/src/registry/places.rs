//! The places the registry serves (*địa bàn*): the gazetteer with its overlays
//! (mapping corrections and aliases), reloaded when another server adds one.

use super::*;
use crate::error::{AppError, Result};
use chrono::{NaiveDate, Utc};
use hoptac_domain::place::{Gazetteer, MappingCorrection, PlaceAlias};
use hoptac_domain::validate::{FieldError, FieldProblem, Validator};
use hoptac_store::{audit, orgs, overlays};

impl Registry {
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
    pub(super) fn effective(
        &self,
        places: &Gazetteer,
        effective: Option<NaiveDate>,
    ) -> Result<NaiveDate> {
        let effective = effective.unwrap_or_else(|| self.today());
        match self.validator(places).check_effective(effective) {
            Some(e) => Err(AppError::invalid(e)),
            None => Ok(effective),
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
    pub(super) fn add_overlay(
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

    pub(super) fn load_places(&self) -> Result<Gazetteer> {
        let (corrections, aliases) = self.db.read(overlays::load)?;
        let province = self.places().province.clone();
        Ok(Gazetteer::new(province).with_overlays(corrections, aliases))
    }

    pub(super) fn swap_places(&self, places: Gazetteer, seen: i64) {
        use std::sync::atomic::Ordering;
        match self.places.write() {
            Ok(mut g) => *g = places,
            Err(p) => *p.into_inner() = places,
        }
        self.overlays_seen.store(seen, Ordering::SeqCst);
        self.places_generation.fetch_add(1, Ordering::SeqCst);
    }

    pub(super) fn reload_places(&self) -> Result<()> {
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
