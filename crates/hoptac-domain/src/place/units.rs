//! The administrative units (*đơn vị hành chính*) of every province in both schemes
//! — communes (*xã, phường, thị trấn*), legacy districts (*huyện*), provinces
//! (*tỉnh*) — and the shipped legacy → 2025 mapping rows, embedded from
//! data/admin-units.

use super::{strip_unit_type, Scheme};
use crate::text::search_key;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

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

/// The embedded administrative units of all provinces, both schemes.
#[derive(Debug)]
pub struct AdminUnits {
    pub(super) communes: HashMap<(Scheme, String), Commune>,
    pub(super) districts: BTreeMap<String, District>,
    provinces: HashMap<(Scheme, String), Province>,
    mapping: HashMap<String, Vec<MappingRow>>,
    reverse: HashMap<String, Vec<String>>,
    /// (scheme, bare name without diacritics) → commune codes, for name lookups.
    pub(super) by_name: HashMap<(Scheme, String), Vec<String>>,
}

static UNITS: OnceLock<AdminUnits> = OnceLock::new();

const LEGACY_CSV: &str = include_str!("../../../../data/admin-units/units_legacy.csv");
const NEW_CSV: &str = include_str!("../../../../data/admin-units/units_2025.csv");
const MAPPING_CSV: &str = include_str!("../../../../data/admin-units/legacy_to_2025.csv");

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
