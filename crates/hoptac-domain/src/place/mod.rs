//! Places (*địa bàn*) before and after the 1 July 2025 reform, and the mapping between
//! them (spec §3). A place is a (scheme, code) pair: codes are reused across schemes.
//!
//! - `units`: the administrative units of both schemes, embedded;
//! - `gazetteer`: the units with a deployment's overlays, and the mapping between
//!   schemes;
//! - `lookup`: finding a unit from what people type.

use crate::text::search_key;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod gazetteer;
mod lookup;
mod units;

pub use gazetteer::{
    Derivation, Gazetteer, MappingCorrection, PlaceAlias, PlaceInBothSchemes, SUSPECT_MAPPING_ROWS,
};
pub use lookup::{strip_unit_type, PlaceError};
pub use units::{AdminUnits, Commune, District, MappingRow, Province};

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
