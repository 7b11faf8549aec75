//! A deterministic demo province: believable cooperatives, unions and groups spread
//! over the real communes, with founding dates, statuses, histories across the 2025
//! reform, conversions and union memberships. Same seed, same province.
//!
//! `spec` holds what is asked and what was made, `organisations` the generator
//! of organisations and their histories, `province` the demo province, `reports`
//! its annual reports and evaluations, `stress` the one-million dataset, and
//! `accounts` the demo accounts, one for each role.

mod accounts;
mod organisations;
mod province;
mod reports;
mod spec;
mod stress;

pub use accounts::{create_demo_accounts, DemoAccount, DEMO_ACCOUNTS};
pub use province::generate;
pub use spec::{demo_today, DemoSpec, DemoSummary};
pub use stress::generate_stress;

#[cfg(test)]
mod audit_tests;
