//! Name lookup: finding a commune or legacy district from what people type — with or
//! without its unit type (*Xã*, *Phường*, *Huyện*, *TP.* …), with or without
//! diacritics, through aliases of merged-away communes — and the errors when a
//! place cannot be found.

use super::{Commune, District, Gazetteer, Scheme};
use crate::text::{nfc, search_key};

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

impl Gazetteer {
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
}
