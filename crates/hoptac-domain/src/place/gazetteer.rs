//! The gazetteer (*danh mục địa bàn*): the embedded units with a deployment's
//! overlays — the province it serves, aliases of merged-away communes and
//! administrators' corrections to the mapping — and the mapping between schemes
//! (legacy → 2025, 2025 → legacy district, a place in both schemes).

use super::{AdminUnits, Commune, MappingRow, PlaceError, PlaceRef, Scheme};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// A correction to the shipped mapping, kept as data with its source: it replaces all
/// shipped rows of its legacy commune.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MappingCorrection {
    pub legacy_code: String,
    pub rows: Vec<MappingRow>,
    pub source: String,
}

/// An old commune name (merged away before 30 June 2025) and its legacy successor.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlaceAlias {
    pub name: String,
    pub legacy_code: String,
    pub source: String,
}

/// Shipped mapping rows that look wrong at the source and are flagged to administrators.
pub const SUSPECT_MAPPING_ROWS: &[(&str, &str, &str)] = &[(
    "06079",
    "06184",
    "Xã Hồng Phong (Bình Gia) được ghi là một phần chuyển vào Xã Đồng Đăng; có thể nhầm với Xã Hồng Phong (06205, Cao Lộc)",
)];

/// Where a derived place came from, so views can say when they chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Derivation {
    /// Recorded, or a whole-commune mapping: nothing was chosen.
    #[serde(rename = "exact")]
    Exact,
    /// A split legacy commune sent to its default 2025 commune.
    #[serde(rename = "default_of_split")]
    DefaultOfSplit,
    /// A 2025 commune attributed to the legacy district that contributed most communes.
    #[serde(rename = "attributed")]
    Attributed,
}

/// A record's place in both schemes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlaceInBothSchemes {
    pub commune_2025: Option<String>,
    pub commune_2025_derivation: Derivation,
    /// Known only when the record was placed in the legacy scheme (or carries it).
    pub legacy_commune: Option<String>,
    pub legacy_district: Option<String>,
    pub legacy_derivation: Derivation,
    pub province_2025: Option<String>,
}

/// The embedded units with the deployment's overlays: which province it serves, and
/// the aliases and mapping corrections administrators added.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub units: &'static AdminUnits,
    /// The 2025 province code served, or `None` for a national deployment.
    pub province: Option<String>,
    corrections: Arc<HashMap<String, MappingCorrection>>,
    pub(super) aliases: Arc<Vec<PlaceAlias>>,
    /// Communes and legacy districts of the province served (`None`: all).
    pub(super) scope: Option<Arc<Scope>>,
}

#[derive(Debug, Default)]
pub(super) struct Scope {
    pub(super) communes: HashSet<(Scheme, String)>,
    pub(super) districts: HashSet<String>,
}

impl Gazetteer {
    pub fn new(province: Option<String>) -> Self {
        let mut g = Gazetteer {
            units: AdminUnits::embedded(),
            province,
            corrections: Arc::new(HashMap::new()),
            aliases: Arc::new(Vec::new()),
            scope: None,
        };
        g.compute_scope();
        g
    }

    pub fn with_overlays(
        mut self,
        corrections: Vec<MappingCorrection>,
        aliases: Vec<PlaceAlias>,
    ) -> Self {
        self.corrections = Arc::new(
            corrections
                .into_iter()
                .map(|c| (c.legacy_code.clone(), c))
                .collect(),
        );
        self.aliases = Arc::new(aliases);
        self.compute_scope();
        self
    }

    /// Which communes and districts belong to the province served, once, so lookups
    /// do not walk the whole country.
    fn compute_scope(&mut self) {
        let Some(p) = self.province.clone() else {
            self.scope = None;
            return;
        };
        let mut scope = Scope::default();
        for c in self.units.communes.values() {
            let place = PlaceRef::new(c.scheme, c.code.clone());
            if self.province_2025_of(&place).as_deref() == Some(p.as_str()) {
                scope.communes.insert((c.scheme, c.code.clone()));
                if let Some(d) = &c.district_code {
                    scope.districts.insert(d.clone());
                }
            }
        }
        self.scope = Some(Arc::new(scope));
    }

    pub(super) fn in_scope(&self, c: &Commune) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.communes.contains(&(c.scheme, c.code.clone())))
    }

    pub fn aliases(&self) -> &[PlaceAlias] {
        self.aliases.as_slice()
    }

    /// Mapping rows of a legacy commune, with any correction applied.
    pub fn mapping_rows(&self, legacy_code: &str) -> Vec<MappingRow> {
        match self.corrections.get(legacy_code) {
            Some(c) => c.rows.clone(),
            None => self.units.mapping_rows(legacy_code).to_vec(),
        }
    }

    /// Whether a shipped row is suspect and not yet corrected.
    pub fn suspect_rows(&self) -> Vec<(MappingRow, &'static str)> {
        SUSPECT_MAPPING_ROWS
            .iter()
            .filter(|(legacy, _, _)| !self.corrections.contains_key(*legacy))
            .flat_map(|(legacy, new, why)| {
                self.units
                    .mapping_rows(legacy)
                    .iter()
                    .filter(move |r| r.code_2025 == *new)
                    .map(move |r| (r.clone(), *why))
            })
            .collect()
    }

    /// The province a 2025 commune or legacy commune belongs to, in 2025 terms.
    fn province_2025_of(&self, place: &PlaceRef) -> Option<String> {
        match place.scheme {
            Scheme::Y2025 => self
                .units
                .commune(Scheme::Y2025, &place.code)
                .map(|c| c.province_code.clone()),
            Scheme::Legacy => self.legacy_to_2025(&place.code).and_then(|(code, _)| {
                self.units
                    .commune(Scheme::Y2025, &code)
                    .map(|c| c.province_code.clone())
            }),
        }
    }

    /// Checks a place exists and lies in the deployment's province.
    pub fn check(&self, place: &PlaceRef) -> Result<&'static Commune, PlaceError> {
        let c = self
            .units
            .commune(place.scheme, &place.code)
            .ok_or_else(|| PlaceError::UnknownCode {
                scheme: place.scheme,
                code: place.code.clone(),
            })?;
        if let Some(p) = &self.province {
            if self.province_2025_of(place).as_deref() != Some(p.as_str()) {
                return Err(PlaceError::OutsideProvince {
                    code: place.code.clone(),
                    province: p.clone(),
                });
            }
        }
        Ok(c)
    }

    /// Legacy → 2025: the one target of a whole commune, or the default of a split one.
    pub fn legacy_to_2025(&self, legacy_code: &str) -> Option<(String, Derivation)> {
        let rows = self.mapping_rows(legacy_code);
        let split = rows.len() > 1 || rows.iter().any(|r| r.split);
        let row = rows
            .iter()
            .find(|r| r.is_default)
            .or_else(|| rows.first())?;
        Some((
            row.code_2025.clone(),
            if split {
                Derivation::DefaultOfSplit
            } else {
                Derivation::Exact
            },
        ))
    }

    /// The legacy communes that contributed to a 2025 commune (corrections applied).
    pub fn predecessors(&self, code_2025: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .units
            .predecessors(code_2025)
            .iter()
            .filter(|l| !self.corrections.contains_key(*l))
            .cloned()
            .collect();
        for c in self.corrections.values() {
            if c.rows.iter().any(|r| r.code_2025 == code_2025) {
                v.push(c.legacy_code.clone());
            }
        }
        v.sort();
        v.dedup();
        v
    }

    /// 2025 → legacy district: the district that contributed most communes to the new
    /// commune, ties to the lowest code.
    pub fn attributed_district(&self, code_2025: &str) -> Option<String> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for l in self.predecessors(code_2025) {
            if let Some(d) = self
                .units
                .commune(Scheme::Legacy, &l)
                .and_then(|c| c.district_code.clone())
            {
                *counts.entry(d).or_default() += 1;
            }
        }
        // BTreeMap iterates by code, and max_by_key keeps the last maximum: go in reverse.
        counts
            .into_iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map(|(d, _)| d)
    }

    /// A place in both schemes. `known_legacy` is the legacy commune a 2025-placed
    /// record carries when it is known.
    pub fn both_schemes(&self, place: &PlaceRef, known_legacy: Option<&str>) -> PlaceInBothSchemes {
        let district_of = |l: &str| {
            self.units
                .commune(Scheme::Legacy, l)
                .and_then(|c| c.district_code.clone())
        };
        match place.scheme {
            Scheme::Legacy => {
                let (c25, d) = self
                    .legacy_to_2025(&place.code)
                    .map_or((None, Derivation::Exact), |(c, d)| (Some(c), d));
                PlaceInBothSchemes {
                    province_2025: self.province_2025_of(place),
                    commune_2025: c25,
                    commune_2025_derivation: d,
                    legacy_commune: Some(place.code.clone()),
                    legacy_district: district_of(&place.code),
                    legacy_derivation: Derivation::Exact,
                }
            }
            Scheme::Y2025 => {
                let (lc, ld, der) = match known_legacy {
                    Some(l) => (Some(l.to_owned()), district_of(l), Derivation::Exact),
                    None => (
                        None,
                        self.attributed_district(&place.code),
                        Derivation::Attributed,
                    ),
                };
                PlaceInBothSchemes {
                    province_2025: self.province_2025_of(place),
                    commune_2025: Some(place.code.clone()),
                    commune_2025_derivation: Derivation::Exact,
                    legacy_commune: lc,
                    legacy_district: ld,
                    legacy_derivation: der,
                }
            }
        }
    }

    /// "Xã Đồng Đăng (06184, 2025)" or "Xã Hồng Phong, Huyện Bình Gia (06079, trước 2025)".
    pub fn describe(&self, c: &Commune) -> String {
        match (&c.district_code, c.scheme) {
            (Some(d), Scheme::Legacy) => {
                let dn = self
                    .units
                    .district(d)
                    .map_or(d.as_str(), |d| d.name.as_str());
                format!("{}, {} ({}, trước 2025)", c.name, dn, c.code)
            }
            _ => format!("{} ({}, 2025)", c.name, c.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang_son() -> Gazetteer {
        Gazetteer::new(Some("20".into()))
    }

    #[test]
    fn split_commune_goes_to_its_default_and_says_so() {
        let g = lang_son();
        let (code, d) = g.legacy_to_2025("06079").expect("mapped");
        assert_eq!(code, "06079");
        assert_eq!(d, Derivation::DefaultOfSplit);
        let (code, d) = g.legacy_to_2025("06205").expect("mapped");
        assert_eq!((code.as_str(), d), ("06184", Derivation::Exact));
    }

    #[test]
    fn correction_overrides_the_suspect_row() {
        let g = lang_son();
        assert_eq!(g.suspect_rows().len(), 1);
        let g = g.with_overlays(
            vec![MappingCorrection {
                legacy_code: "06079".into(),
                rows: vec![MappingRow {
                    legacy_code: "06079".into(),
                    code_2025: "06079".into(),
                    is_default: true,
                    split: false,
                }],
                source: "test".into(),
            }],
            vec![],
        );
        assert!(g.suspect_rows().is_empty());
        assert_eq!(
            g.legacy_to_2025("06079"),
            Some(("06079".into(), Derivation::Exact))
        );
        assert!(!g.predecessors("06184").contains(&"06079".to_string()));
    }

    #[test]
    fn a_2025_place_is_attributed_to_the_district_that_contributed_most() {
        let g = lang_son();
        let both = g.both_schemes(&PlaceRef::new(Scheme::Y2025, "06184"), None);
        assert_eq!(both.legacy_derivation, Derivation::Attributed);
        // Đồng Đăng was made of Cao Lộc communes (district 183), plus Bình Gia's split row.
        assert_eq!(both.legacy_district.as_deref(), Some("183"));
        let both = g.both_schemes(&PlaceRef::new(Scheme::Y2025, "06184"), Some("06205"));
        assert_eq!(both.legacy_derivation, Derivation::Exact);
        assert_eq!(both.legacy_commune.as_deref(), Some("06205"));
    }

    #[test]
    fn a_place_outside_the_province_is_refused() {
        let g = lang_son();
        assert!(g.check(&PlaceRef::new(Scheme::Y2025, "06184")).is_ok());
        assert!(matches!(
            g.check(&PlaceRef::new(Scheme::Y2025, "00004")),
            Err(PlaceError::OutsideProvince { .. })
        ));
        assert!(Gazetteer::new(None)
            .check(&PlaceRef::new(Scheme::Y2025, "00004"))
            .is_ok());
    }
}
