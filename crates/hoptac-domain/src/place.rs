//! Places (*địa bàn*) before and after the 1 July 2025 reform, and the mapping between
//! them (spec §3). A place is a (scheme, code) pair: codes are reused across schemes.

use crate::text::{nfc, search_key};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// The day the two-level administration took effect.
pub fn reform_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid constant date")
}

/// Which administrative scheme a code belongs to.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Scheme {
    /// The three-level units in force until 30 June 2025 (*trước sắp xếp*).
    #[serde(rename = "legacy")]
    Legacy,
    /// The two-level units in force from 1 July 2025 (*sau sắp xếp*).
    #[serde(rename = "2025")]
    Y2025,
}

impl Scheme {
    /// The scheme in force on a date.
    pub fn in_force_on(date: NaiveDate) -> Scheme {
        if date < reform_date() {
            Scheme::Legacy
        } else {
            Scheme::Y2025
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Legacy => "legacy",
            Scheme::Y2025 => "2025",
        }
    }
    pub fn parse(s: &str) -> Option<Scheme> {
        match search_key(s).as_str() {
            "legacy" | "cu" | "truoc 2025" | "truoc sap xep" | "old" => Some(Scheme::Legacy),
            "2025" | "moi" | "new" | "sau sap xep" => Some(Scheme::Y2025),
            _ => None,
        }
    }
}

/// A commune-level place: (scheme, commune code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlaceRef {
    pub scheme: Scheme,
    pub code: String,
}

impl PlaceRef {
    pub fn new(scheme: Scheme, code: impl Into<String>) -> Self {
        PlaceRef {
            scheme,
            code: code.into(),
        }
    }
}

/// A commune or ward (*xã, phường, thị trấn*) in one scheme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Commune {
    pub scheme: Scheme,
    pub code: String,
    pub name: String,
    /// *Xã*, *Phường*, *Thị trấn*.
    pub unit_type: String,
    pub province_code: String,
    /// Legacy scheme only: the district (*huyện*) the commune belonged to.
    pub district_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A legacy district (*huyện, thành phố, thị xã*), abolished on 1 July 2025.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct District {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub province_code: String,
}

/// A province (*tỉnh, thành phố trực thuộc trung ương*) in one scheme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Province {
    pub scheme: Scheme,
    pub code: String,
    pub name: String,
}

/// One row of the legacy → 2025 mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MappingRow {
    pub legacy_code: String,
    pub code_2025: String,
    /// The 2025 commune that took the legacy commune's seat; where a split commune's
    /// data goes unless someone chooses otherwise.
    pub is_default: bool,
    /// True when the legacy commune was divided among several new ones.
    pub split: bool,
}

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

/// The embedded administrative units of all provinces, both schemes.
#[derive(Debug)]
pub struct AdminUnits {
    communes: HashMap<(Scheme, String), Commune>,
    districts: BTreeMap<String, District>,
    provinces: HashMap<(Scheme, String), Province>,
    mapping: HashMap<String, Vec<MappingRow>>,
    reverse: HashMap<String, Vec<String>>,
    /// (scheme, bare name without diacritics) → commune codes, for name lookups.
    by_name: HashMap<(Scheme, String), Vec<String>>,
}

/// Shipped mapping rows that look wrong at the source and are flagged to administrators.
pub const SUSPECT_MAPPING_ROWS: &[(&str, &str, &str)] = &[(
    "06079",
    "06184",
    "Xã Hồng Phong (Bình Gia) được ghi là một phần chuyển vào Xã Đồng Đăng; có thể nhầm với Xã Hồng Phong (06205, Cao Lộc)",
)];

static UNITS: OnceLock<AdminUnits> = OnceLock::new();

const LEGACY_CSV: &str = include_str!("../../../data/admin-units/units_legacy.csv");
const NEW_CSV: &str = include_str!("../../../data/admin-units/units_2025.csv");
const MAPPING_CSV: &str = include_str!("../../../data/admin-units/legacy_to_2025.csv");

fn opt_f64(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

impl AdminUnits {
    /// The units embedded in the binary, parsed once.
    pub fn embedded() -> &'static AdminUnits {
        UNITS.get_or_init(|| Self::parse(LEGACY_CSV, NEW_CSV, MAPPING_CSV))
    }

    fn parse(legacy: &str, new: &str, mapping: &str) -> AdminUnits {
        let mut u = AdminUnits {
            communes: HashMap::new(),
            districts: BTreeMap::new(),
            provinces: HashMap::new(),
            mapping: HashMap::new(),
            reverse: HashMap::new(),
            by_name: HashMap::new(),
        };
        // The files are plain comma-separated text without quoting (checked when copied).
        for line in legacy.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            if f.len() >= 10 {
                u.districts
                    .entry(f[2].to_owned())
                    .or_insert_with(|| District {
                        code: f[2].to_owned(),
                        name: f[3].to_owned(),
                        unit_type: f[4].to_owned(),
                        province_code: f[0].to_owned(),
                    });
                u.add(
                    Scheme::Legacy,
                    [f[0], f[1]],
                    Some(f[2]),
                    [f[5], f[6], f[7]],
                    [f[8], f[9]],
                );
            }
        }
        for line in new.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            if f.len() >= 7 {
                u.add(
                    Scheme::Y2025,
                    [f[0], f[1]],
                    None,
                    [f[2], f[3], f[4]],
                    [f[5], f[6]],
                );
            }
        }
        for line in mapping.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            if f.len() < 4 {
                continue;
            }
            let row = MappingRow {
                legacy_code: f[0].to_owned(),
                code_2025: f[1].to_owned(),
                is_default: f[2] == "1",
                split: f[3] == "split",
            };
            u.reverse
                .entry(row.code_2025.clone())
                .or_default()
                .push(row.legacy_code.clone());
            u.mapping
                .entry(row.legacy_code.clone())
                .or_default()
                .push(row);
        }
        for c in u.communes.values() {
            u.by_name
                .entry((c.scheme, search_key(strip_unit_type(&c.name))))
                .or_default()
                .push(c.code.clone());
        }
        u
    }

    /// Adds a commune (and its province, once) from one CSV row.
    fn add(
        &mut self,
        scheme: Scheme,
        [province_code, province_name]: [&str; 2],
        district: Option<&str>,
        [code, name, unit_type]: [&str; 3],
        [lat, lon]: [&str; 2],
    ) {
        self.provinces
            .entry((scheme, province_code.to_owned()))
            .or_insert_with(|| Province {
                scheme,
                code: province_code.to_owned(),
                name: province_name.to_owned(),
            });
        self.communes.insert(
            (scheme, code.to_owned()),
            Commune {
                scheme,
                code: code.to_owned(),
                name: name.to_owned(),
                unit_type: unit_type.to_owned(),
                province_code: province_code.to_owned(),
                district_code: district.map(str::to_owned),
                lat: opt_f64(lat),
                lon: opt_f64(lon),
            },
        );
    }

    pub fn commune(&self, scheme: Scheme, code: &str) -> Option<&Commune> {
        self.communes.get(&(scheme, code.to_owned()))
    }

    pub fn district(&self, code: &str) -> Option<&District> {
        self.districts.get(code)
    }

    pub fn province(&self, scheme: Scheme, code: &str) -> Option<&Province> {
        self.provinces.get(&(scheme, code.to_owned()))
    }

    /// Communes of one scheme, optionally of one province, sorted by code.
    pub fn communes(&self, scheme: Scheme, province: Option<&str>) -> Vec<&Commune> {
        let mut v: Vec<&Commune> = self
            .communes
            .values()
            .filter(|c| c.scheme == scheme && province.is_none_or(|p| c.province_code == p))
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// Legacy districts, optionally of one province, sorted by code.
    pub fn districts(&self, province: Option<&str>) -> Vec<&District> {
        self.districts
            .values()
            .filter(|d| province.is_none_or(|p| d.province_code == p))
            .collect()
    }

    /// Provinces of one scheme, sorted by code.
    pub fn provinces(&self, scheme: Scheme) -> Vec<&Province> {
        let mut v: Vec<&Province> = self
            .provinces
            .values()
            .filter(|p| p.scheme == scheme)
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    }

    /// The shipped mapping rows of one legacy commune.
    pub fn mapping_rows(&self, legacy_code: &str) -> &[MappingRow] {
        self.mapping.get(legacy_code).map_or(&[], Vec::as_slice)
    }

    /// Legacy communes with a shipped row into a 2025 commune.
    pub fn predecessors(&self, code_2025: &str) -> &[String] {
        self.reverse.get(code_2025).map_or(&[], Vec::as_slice)
    }
}

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

/// Errors finding a place by name or code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaceError {
    #[error("unknown place {scheme:?} {code}")]
    UnknownCode { scheme: Scheme, code: String },
    #[error("unknown place name {name}")]
    UnknownName {
        name: String,
        suggestions: Vec<String>,
    },
    #[error("ambiguous place name {name}")]
    Ambiguous {
        name: String,
        candidates: Vec<String>,
    },
    #[error("unknown district {name}")]
    UnknownDistrict { name: String },
    #[error("place outside the province")]
    OutsideProvince { code: String, province: String },
}

/// The embedded units with the deployment's overlays: which province it serves, and
/// the aliases and mapping corrections administrators added.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub units: &'static AdminUnits,
    /// The 2025 province code served, or `None` for a national deployment.
    pub province: Option<String>,
    corrections: Arc<HashMap<String, MappingCorrection>>,
    aliases: Arc<Vec<PlaceAlias>>,
    /// Communes and legacy districts of the province served (`None`: all).
    scope: Option<Arc<Scope>>,
}

#[derive(Debug, Default)]
struct Scope {
    communes: HashSet<(Scheme, String)>,
    districts: HashSet<String>,
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

    fn in_scope(&self, c: &Commune) -> bool {
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

    /// Finds a commune by name in one scheme (legacy: optionally within a district
    /// named or coded), by the spec's rules: exact name first (with or without its
    /// unit type, case ignored), then without diacritics only when that is unique;
    /// aliases of merged-away communes count as names of their successors.
    pub fn find_commune(
        &self,
        scheme: Scheme,
        name: &str,
        district: Option<&str>,
    ) -> Result<&'static Commune, PlaceError> {
        let units = self.units;
        let wanted = nfc(name).to_lowercase();
        let wanted_key = search_key(name);
        let districts: Option<Vec<String>> = match (scheme, district) {
            (Scheme::Legacy, Some(d)) if !d.trim().is_empty() => {
                let found: Vec<String> = self
                    .find_districts(d)
                    .into_iter()
                    .map(|d| d.code.clone())
                    .collect();
                if found.is_empty() {
                    return Err(PlaceError::UnknownDistrict { name: d.to_owned() });
                }
                Some(found)
            }
            _ => None,
        };
        let usable = |c: &&'static Commune| {
            self.in_scope(c)
                && districts
                    .as_ref()
                    .is_none_or(|ds| c.district_code.as_ref().is_some_and(|d| ds.contains(d)))
        };
        let lookup = |key: &str| -> Vec<&'static Commune> {
            units
                .by_name
                .get(&(scheme, key.to_owned()))
                .into_iter()
                .flatten()
                .filter_map(|code| units.commune(scheme, code))
                .filter(usable)
                .collect()
        };
        // The name without its unit type, and as written (a commune may be called "Xa …").
        let mut candidates = lookup(&search_key(strip_unit_type(name)));
        candidates.extend(lookup(&search_key(name)));
        let alias_targets = |exact: bool| -> Vec<&'static Commune> {
            if scheme != Scheme::Legacy {
                return Vec::new();
            }
            self.aliases
                .iter()
                .filter(|a| {
                    if exact {
                        nfc(&a.name).to_lowercase() == wanted
                    } else {
                        search_key(&a.name) == wanted_key
                    }
                })
                .filter_map(|a| units.commune(Scheme::Legacy, &a.legacy_code))
                .filter(usable)
                .collect()
        };
        let finish = |mut v: Vec<&'static Commune>| {
            v.sort_by(|a, b| a.code.cmp(&b.code));
            v.dedup_by(|a, b| a.code == b.code);
            v
        };
        let exact = finish(
            candidates
                .iter()
                .copied()
                .filter(|c| {
                    c.name.to_lowercase() == wanted
                        || strip_unit_type(&c.name).to_lowercase() == wanted
                })
                .chain(alias_targets(true))
                .collect(),
        );
        let describe = |v: &[&'static Commune]| v.iter().map(|c| self.describe(c)).collect();
        match exact.len() {
            1 => return Ok(exact[0]),
            n if n > 1 => {
                return Err(PlaceError::Ambiguous {
                    name: name.to_owned(),
                    candidates: describe(&exact),
                })
            }
            _ => {}
        }
        let folded = finish(
            candidates
                .iter()
                .copied()
                .filter(|c| {
                    search_key(&c.name) == wanted_key
                        || search_key(strip_unit_type(&c.name)) == wanted_key
                })
                .chain(alias_targets(false))
                .collect(),
        );
        match folded.len() {
            1 => Ok(folded[0]),
            0 => {
                let bare_wanted = search_key(strip_unit_type(name));
                let mut scored: Vec<(usize, &'static Commune)> = units
                    .communes
                    .values()
                    .filter(|c| c.scheme == scheme)
                    .filter(usable)
                    .map(|c| {
                        (
                            levenshtein(&search_key(strip_unit_type(&c.name)), &bare_wanted),
                            c,
                        )
                    })
                    .collect();
                scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
                let close: Vec<&'static Commune> = scored
                    .into_iter()
                    .take_while(|(d, _)| *d <= 3)
                    .take(5)
                    .map(|(_, c)| c)
                    .collect();
                Err(PlaceError::UnknownName {
                    name: name.to_owned(),
                    suggestions: describe(&close),
                })
            }
            _ => Err(PlaceError::Ambiguous {
                name: name.to_owned(),
                candidates: describe(&folded),
            }),
        }
    }

    /// Every legacy district of the province served.
    pub fn find_districts_all(&self) -> Vec<&'static District> {
        self.units
            .districts
            .values()
            .filter(|d| {
                self.scope
                    .as_ref()
                    .is_none_or(|s| s.districts.contains(&d.code))
            })
            .collect()
    }

    /// Legacy districts matching a name or code (exact first, then without diacritics).
    pub fn find_districts(&self, name_or_code: &str) -> Vec<&'static District> {
        let units = self.units;
        let in_scope: Vec<&'static District> = units
            .districts
            .values()
            .filter(|d| {
                self.scope
                    .as_ref()
                    .is_none_or(|s| s.districts.contains(&d.code))
            })
            .collect();
        let wanted = [
            nfc(name_or_code).to_lowercase(),
            nfc(strip_unit_type(name_or_code)).to_lowercase(),
        ];
        let exact: Vec<_> = in_scope
            .iter()
            .copied()
            .filter(|d| {
                wanted.iter().any(|w| {
                    d.code == *w
                        || d.name.to_lowercase() == *w
                        || strip_unit_type(&d.name).to_lowercase() == *w
                })
            })
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        let keys = [
            search_key(name_or_code),
            search_key(strip_unit_type(name_or_code)),
        ];
        in_scope
            .into_iter()
            .filter(|d| {
                keys.iter().any(|k| {
                    search_key(&d.name) == *k || search_key(strip_unit_type(&d.name)) == *k
                })
            })
            .collect()
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

/// Unit types as search keys, longest first.
const UNIT_TYPES: [&str; 11] = [
    "thi tran",
    "thi xa",
    "thanh pho",
    "dac khu",
    "xa",
    "phuong",
    "huyen",
    "quan",
    "tp",
    "tx",
    "tt",
];

/// "Xã Đồng Đăng" (or "xa dong dang") → "Đồng Đăng" ("dong dang").
pub fn strip_unit_type(name: &str) -> &str {
    let name = name.trim();
    // "TP. Lạng Sơn": abbreviations end with a dot.
    let key = search_key(name).replace('.', " ");
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    for t in UNIT_TYPES {
        if key.starts_with(t) && key[t.len()..].starts_with(' ') {
            // Skip as many words of the original as the type has.
            let words = t.split(' ').count();
            let mut rest = name;
            for _ in 0..words {
                rest = rest.trim_start();
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '.')
                    .unwrap_or(rest.len());
                rest = rest[end..].trim_start_matches('.');
            }
            let rest = rest.trim_start();
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    name
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang_son() -> Gazetteer {
        Gazetteer::new(Some("20".into()))
    }

    #[test]
    fn lang_son_has_the_documented_counts() {
        let u = AdminUnits::embedded();
        let legacy = u.communes(Scheme::Legacy, Some("20"));
        assert_eq!(legacy.len(), 194);
        assert_eq!(u.districts(Some("20")).len(), 11);
        assert_eq!(u.communes(Scheme::Y2025, Some("20")).len(), 65);
        let split: Vec<_> = legacy
            .iter()
            .filter(|c| u.mapping_rows(&c.code).len() > 1)
            .collect();
        assert_eq!(split.len(), 3);
        assert_eq!(u.provinces(Scheme::Y2025).len(), 34);
        assert_eq!(u.provinces(Scheme::Legacy).len(), 63);
    }

    #[test]
    fn codes_mean_nothing_without_their_scheme() {
        let u = AdminUnits::embedded();
        assert_eq!(
            u.commune(Scheme::Legacy, "06184").map(|c| c.name.as_str()),
            Some("Thị trấn Đồng Đăng")
        );
        assert_eq!(
            u.commune(Scheme::Y2025, "06184").map(|c| c.name.as_str()),
            Some("Xã Đồng Đăng")
        );
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
    fn lookup_by_name_exact_then_unaccented_then_ambiguous() {
        let g = lang_son();
        let c = g
            .find_commune(Scheme::Y2025, "Xã Đồng Đăng", None)
            .expect("found");
        assert_eq!(c.code, "06184");
        let c = g
            .find_commune(Scheme::Y2025, "dong dang", None)
            .expect("found");
        assert_eq!(c.code, "06184");
        // Two legacy communes called Hồng Phong (Bình Gia and Cao Lộc).
        match g.find_commune(Scheme::Legacy, "Hồng Phong", None) {
            Err(PlaceError::Ambiguous { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("expected ambiguity, got {other:?}"),
        }
        let c = g
            .find_commune(Scheme::Legacy, "Hồng Phong", Some("Cao Lộc"))
            .expect("found with district");
        assert_eq!(c.code, "06205");
        match g.find_commune(Scheme::Y2025, "Dong Dangg", None) {
            Err(PlaceError::UnknownName { suggestions, .. }) => {
                assert!(suggestions[0].contains("06184"), "{suggestions:?}")
            }
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    #[test]
    fn unit_types_and_their_abbreviations_are_stripped() {
        assert_eq!(strip_unit_type("Xã Đồng Đăng"), "Đồng Đăng");
        assert_eq!(strip_unit_type("xa dong dang"), "dong dang");
        assert_eq!(strip_unit_type("Thị trấn Na Sầm"), "Na Sầm");
        assert_eq!(strip_unit_type("TP. Lạng Sơn"), "Lạng Sơn");
        assert_eq!(strip_unit_type("tp lang son"), "lang son");
        assert_eq!(strip_unit_type("Lộc Bình"), "Lộc Bình");
        let g = lang_son();
        assert_eq!(g.find_districts("TP Lạng Sơn").len(), 1);
        assert_eq!(g.find_districts("tp lang son").len(), 1);
        assert_eq!(
            g.find_districts("H. Cao Lộc").len(),
            0,
            "no such abbreviation"
        );
        assert_eq!(g.find_districts("cao loc")[0].code, "183");
        assert!(matches!(
            g.find_commune(Scheme::Legacy, "Hoàng Đồng", Some("Huyện Không Có")),
            Err(PlaceError::UnknownDistrict { .. })
        ));
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
