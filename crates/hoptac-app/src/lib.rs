//! hoptac's use cases: the registry (create, update, status, links, conversion, lists
//! and as-of reads), import and export of spreadsheets, and the demo province.

pub mod access;
pub mod anchors;
pub mod columns;

pub mod error;
pub mod evaluations;
pub mod export;
mod facts;
pub mod followups;
pub mod forms;
pub mod import;
/// The former home of the report and score-sheet importers, kept for callers that
/// still name it: everything is in [`import`] now.
pub use import as import_docs;
pub mod indicators;
pub mod proposals;
pub mod registry;
pub mod reports;
pub mod stoppages;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod users;

pub use access::{Gate, Public, Reader, Scoped};
pub use error::{AppError, Result};
pub use registry::{Actor, NewOrg, Registry};

#[cfg(test)]
mod audit_state_tests;
#[cfg(test)]
mod evaluation_tests;
#[cfg(test)]
mod import_bulk_tests;
#[cfg(test)]
mod import_doc_tests;
#[cfg(test)]
mod import_fuzz_tests;
#[cfg(test)]
mod import_tests;
#[cfg(test)]
mod indicator_tests;
#[cfg(test)]
mod registry_tests;
