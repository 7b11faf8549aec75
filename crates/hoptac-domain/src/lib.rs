//! hoptac's domain core: organisations, places before and after the 2025 reform,
//! history with two clocks, validation and the message catalogue. No I/O here.

// First: its `code_enum!` macro is used by the modules below.
#[macro_use]
pub mod org;

pub mod auth;
pub mod evaluation;
pub mod history;
pub mod i18n;
pub mod indicators;
pub mod list;
pub mod place;
pub mod report;
pub mod ruleset;
pub mod scale;
pub mod stoppage;
pub mod support;
pub mod text;
pub mod throttle;
pub mod validate;
pub mod wire;

pub use history::{Change, ChangeBody, OrgState};
pub use i18n::Lang;
pub use org::{
    Link, LinkKind, OrgFields, OrgId, OrgKind, ProductClass, Sector, Status, StatusChange,
};
pub use place::{Gazetteer, PlaceRef, Scheme};
