//! The organisations repository. `organisations` holds each organisation's current
//! state, derived from its history (`org_changes`, append-only) on every write, so that
//! lists and searches run in SQL; reads "as of" a past date fold the history instead.

mod history;
mod read;
mod search;
mod write;

pub use history::{histories_between, histories_of, histories_until, max_id, OrgHistory};
pub use read::{
    all_ids, all_match_keys, by_match_key, by_registration, by_tax_code, changes, count, get,
    get_many, is_sqlite, kind_and_version, links_to, status_codes, MatchKeys,
};
pub use search::{ids_where, indexed_word, list_current, SEARCH_COUNT_CAP};
pub use write::{
    append_change_rows, append_changes, change_row, claim_version, insert, insert_link,
    insert_many, insert_rows, next_seq, org_row, reserve_cache, save_state, save_state_at,
};

use crate::db::{Conn, Result, StoreError};
use chrono::{DateTime, Utc};
use hoptac_domain::history::OrgState;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::OrgKind;
use hoptac_domain::text::search_key;

/// An organisation's current state as stored, with its version.
#[derive(Debug, Clone)]
pub struct StoredOrg {
    pub version: i64,
    pub state: OrgState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn parse_kind(s: &str) -> Result<OrgKind> {
    OrgKind::parse(s).ok_or_else(|| corrupt(format!("unknown kind {s}")))
}

/// Reserves `n` consecutive ids from a counter and returns the first. Ids come from the
/// application, never from the engine, so the schema runs anywhere.
pub fn allocate_ids(c: &mut dyn Conn, counter: &str, n: i64) -> Result<i64> {
    let row = c
        .query_one(
            "UPDATE id_counters SET next_id = next_id + ? WHERE name = ? RETURNING next_id",
            &[n.into(), counter.into()],
        )?
        .ok_or_else(|| corrupt(format!("no id counter {counter}")))?;
    Ok(row.i64(0)? - n)
}

/// The key that matches records without a tax or registration number (spec §8):
/// kind, name without diacritics, and place (in 2025 terms, so both schemes agree).
pub fn match_key(view: &OrgView) -> String {
    let place = view
        .places
        .commune_2025
        .clone()
        .or_else(|| view.fields.place.as_ref().map(|p| p.code.clone()))
        .unwrap_or_default();
    format!("{}|{}|{}", view.kind.code(), search_key(view.name()), place)
}
