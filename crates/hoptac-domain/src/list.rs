//! Lists of organisations: filters, sort orders and pages, shared by the SQL path
//! (current state) and the as-of path (folded history) so both mean the same thing.

use crate::history::OrgState;
use crate::org::{Link, OrgFields, OrgId, OrgKind, Sector, Status, StatusChange};
use crate::place::{Gazetteer, PlaceInBothSchemes};
use crate::text::{search_key, search_words};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Parses a comma-separated list of codes or labels (`HTX,THT`); the error is the
/// first value that does not parse.
pub fn parse_list<T>(v: Option<&str>, parse: fn(&str) -> Option<T>) -> Result<Vec<T>, String> {
    v.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).ok_or_else(|| s.to_owned()))
        .collect()
}

/// A place to filter by, in either scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "by", content = "code", rename_all = "snake_case")]
pub enum PlaceFilter {
    /// A 2025 commune (legacy-placed records through the mapping).
    Commune2025(String),
    /// A legacy district (2025-placed records by their known legacy commune, else by
    /// attribution).
    LegacyDistrict(String),
    /// A legacy commune (only records whose legacy commune is known).
    LegacyCommune(String),
}

/// Sort orders for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Vietnamese alphabetical order of the name.
    #[default]
    Name,
    FoundingDate,
    Id,
}

/// What a list shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgFilter {
    /// Words that must all appear in the name, short name, tax code or registration
    /// number, diacritics ignored.
    pub q: Option<String>,
    pub kinds: Vec<OrgKind>,
    pub statuses: Vec<Status>,
    pub sectors: Vec<Sector>,
    pub place: Option<PlaceFilter>,
    pub founded_from: Option<NaiveDate>,
    pub founded_to: Option<NaiveDate>,
    /// Read the registry as it was on this date (`None`: now).
    pub as_of: Option<NaiveDate>,
    pub sort: SortBy,
    pub descending: bool,
}

/// A page of a list: 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 1000;
    /// Clamps to sane bounds.
    pub fn new(page: u32, per_page: u32) -> Self {
        PageRequest {
            page: page.max(1),
            per_page: per_page.clamp(1, Self::MAX_PER_PAGE),
        }
    }
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
    /// Everything, for exports.
    pub fn all() -> Self {
        PageRequest {
            page: 1,
            per_page: u32::MAX,
        }
    }
}

/// One page and the size of the whole list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// The count stopped at a cap (searches of very large registries): there are more
    /// than `total`.
    #[serde(default)]
    pub more: bool,
}

/// An organisation as a list or a record page shows it: its attributes on a date, its
/// status on that date, its place in both schemes and its current version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgView {
    pub id: OrgId,
    pub kind: OrgKind,
    /// The version an update must name (*phiên bản*).
    pub version: i64,
    pub as_of: NaiveDate,
    pub fields: OrgFields,
    /// The status in force on `as_of` (an ended suspension reads `active`).
    pub status: Status,
    pub status_detail: StatusChange,
    pub status_since: NaiveDate,
    pub links: Vec<Link>,
    pub places: PlaceInBothSchemes,
    /// HTX only: the scale class on `as_of` from what the registry knows (members);
    /// classes that need revenue or capital wait for the annual report.
    pub scale: Option<crate::scale::ScaleAssessment>,
}

/// The derived places of a record without a place.
pub fn no_place() -> PlaceInBothSchemes {
    PlaceInBothSchemes {
        commune_2025: None,
        commune_2025_derivation: crate::place::Derivation::Exact,
        legacy_commune: None,
        legacy_district: None,
        legacy_derivation: crate::place::Derivation::Exact,
        province_2025: None,
    }
}

impl OrgView {
    pub fn from_state(st: OrgState, version: i64, as_of: NaiveDate, places: &Gazetteer) -> OrgView {
        let both = match &st.fields.place {
            Some(p) => places.both_schemes(p, st.fields.legacy_commune.as_deref()),
            None => no_place(),
        };
        let scale = crate::scale::ScaleRules::standard().assess(
            st.kind,
            st.fields.sector,
            st.fields.members,
            None,
            None,
            as_of,
        );
        OrgView {
            scale,
            id: st.id,
            kind: st.kind,
            version,
            as_of,
            status: st.status_on(as_of),
            status_detail: st.status.clone(),
            status_since: st.status_since,
            fields: st.fields,
            links: st.links,
            places: both,
        }
    }

    /// The text the search looks in.
    pub fn search_text(&self) -> String {
        let f = &self.fields;
        [&f.name, &f.short_name, &f.tax_code, &f.registration_number]
            .into_iter()
            .flatten()
            .map(|s| search_key(s))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    pub fn name(&self) -> &str {
        self.fields.name.as_deref().unwrap_or("")
    }

    /// What the public sees: the registry facts, without the people's contacts and
    /// the internal notes.
    pub fn public(mut self) -> OrgView {
        self.fields.phone = None;
        self.fields.email = None;
        self.fields.legal_representative = None;
        self.fields.notes = None;
        self.status_detail.reason = None;
        self
    }
}

impl OrgFilter {
    /// The filter as a predicate on a view (the as-of path), within the reader's scope
    /// (what lies outside is never listed, spec §1).
    pub fn matches(&self, v: &OrgView, scope: &crate::auth::Scope) -> bool {
        if let Some(q) = &self.q {
            let hay = v.search_text();
            if !search_words(q).iter().all(|w| w.found_in(&hay)) {
                return false;
            }
        }
        if !self.kinds.is_empty() && !self.kinds.contains(&v.kind) {
            return false;
        }
        if !self.statuses.is_empty() && !self.statuses.contains(&v.status) {
            return false;
        }
        if !self.sectors.is_empty() && !v.fields.sector.is_some_and(|s| self.sectors.contains(&s)) {
            return false;
        }
        let founded = v.fields.founding_date;
        if self
            .founded_from
            .is_some_and(|d| founded.is_none_or(|f| f < d))
            || self
                .founded_to
                .is_some_and(|d| founded.is_none_or(|f| f > d))
        {
            return false;
        }
        let in_scope = match scope {
            crate::auth::Scope::All => true,
            crate::auth::Scope::Communes { codes } => v
                .places
                .commune_2025
                .as_ref()
                .is_some_and(|c| codes.contains(c)),
            crate::auth::Scope::Organisation { id } => v.id == *id,
        };
        if !in_scope {
            return false;
        }
        match &self.place {
            None => true,
            Some(PlaceFilter::Commune2025(c)) => {
                v.places.commune_2025.as_deref() == Some(c.as_str())
            }
            Some(PlaceFilter::LegacyDistrict(d)) => {
                v.places.legacy_district.as_deref() == Some(d.as_str())
            }
            Some(PlaceFilter::LegacyCommune(c)) => {
                v.places.legacy_commune.as_deref() == Some(c.as_str())
            }
        }
    }

    /// Sorts views the way the SQL path does: by key, then by id.
    pub fn sort(&self, views: &mut [OrgView]) {
        match self.sort {
            SortBy::Name => views.sort_by_cached_key(|v| (crate::text::sort_key(v.name()), v.id)),
            SortBy::FoundingDate => views.sort_by_key(|v| (v.fields.founding_date, v.id)),
            SortBy::Id => views.sort_by_key(|v| v.id),
        }
        if self.descending {
            views.reverse();
        }
    }
}
