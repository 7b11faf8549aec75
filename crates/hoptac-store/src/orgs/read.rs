//! Reading organisations one at a time or by a key: current state, history, links.

use super::{corrupt, parse_kind, StoredOrg};
use crate::db::{Backend, Conn, Result, Row, Val};
use hoptac_domain::history::{Change, ChangeBody};
use hoptac_domain::org::{LinkKind, OrgId, OrgKind, Status};
use hoptac_domain::text::search_key;

pub(super) fn change_from_row(r: &Row, offset: usize) -> Result<Change> {
    let body: ChangeBody = serde_json::from_str(&r.text(offset + 6)?).map_err(corrupt)?;
    Ok(Change {
        org_id: r.i64(offset)?,
        seq: r.i64(offset + 1)?,
        effective: r.date(offset + 2)?,
        recorded_at: r.ts(offset + 3)?,
        author: r.text(offset + 4)?,
        source: r.opt_text(offset + 5)?,
        body,
    })
}

pub(super) const CHANGE_COLS: &str = "org_id, seq, effective, recorded_at, author, source, body";

/// An organisation's whole history, in recorded order.
pub fn changes(c: &mut dyn Conn, id: OrgId) -> Result<Vec<Change>> {
    c.query(
        &format!("SELECT {CHANGE_COLS} FROM org_changes WHERE org_id = ? ORDER BY seq"),
        &[id.into()],
    )?
    .iter()
    .map(|r| change_from_row(r, 0))
    .collect()
}

pub(super) const ORG_COLS: &str = "version, state, created_at, updated_at";

pub(super) fn stored_from_row(r: &Row) -> Result<StoredOrg> {
    Ok(StoredOrg {
        version: r.i64(0)?,
        state: serde_json::from_str(&r.text(1)?).map_err(corrupt)?,
        created_at: r.ts(2)?,
        updated_at: r.ts(3)?,
    })
}

/// The current state of one organisation.
pub fn get(c: &mut dyn Conn, id: OrgId) -> Result<Option<StoredOrg>> {
    c.query_one(
        &format!("SELECT {ORG_COLS} FROM organisations WHERE id = ?"),
        &[id.into()],
    )?
    .map(|r| stored_from_row(&r))
    .transpose()
}

/// Several organisations' current state in a few queries (those that do not exist are
/// left out), in no particular order.
pub fn get_many(c: &mut dyn Conn, ids: &[OrgId]) -> Result<Vec<StoredOrg>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Val> = chunk.iter().map(|id| Val::from(*id)).collect();
        for r in c.query(
            &format!("SELECT {ORG_COLS} FROM organisations WHERE id IN ({marks})"),
            &args,
        )? {
            out.push(stored_from_row(&r)?);
        }
    }
    Ok(out)
}

/// The kind and version of one organisation.
pub fn kind_and_version(c: &mut dyn Conn, id: OrgId) -> Result<Option<(OrgKind, i64)>> {
    c.query_one(
        "SELECT kind, version FROM organisations WHERE id = ?",
        &[id.into()],
    )?
    .map(|r| Ok((parse_kind(&r.text(0)?)?, r.i64(1)?)))
    .transpose()
}

/// Who holds a tax code now: (id, name).
pub fn by_tax_code(c: &mut dyn Conn, tax_code: &str) -> Result<Option<(OrgId, String)>> {
    c.query_one(
        "SELECT id, name FROM organisations WHERE tax_code = ?",
        &[tax_code.into()],
    )?
    .map(|r| Ok((r.i64(0)?, r.text(1)?)))
    .transpose()
}

/// Organisations with a registration number from a registering body (compared
/// without diacritics or case).
pub fn by_registration(c: &mut dyn Conn, number: &str, body: Option<&str>) -> Result<Vec<OrgId>> {
    let rows = match body {
        Some(b) => c.query(
            "SELECT id FROM organisations WHERE registration_number = ? AND registering_body = ? ORDER BY id",
            &[search_key(number).into(), search_key(b).into()],
        )?,
        None => c.query(
            "SELECT id FROM organisations WHERE registration_number = ? ORDER BY id",
            &[search_key(number).into()],
        )?,
    };
    rows.iter().map(|r| r.i64(0)).collect()
}

/// What imports match rows on, for every organisation in one read: (id, tax code,
/// registration number, registering body, match key). A large file looks rows up here
/// instead of asking the database once per row.
pub type MatchKeys = (
    OrgId,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn all_match_keys(c: &mut dyn Conn) -> Result<Vec<MatchKeys>> {
    c.query(
        "SELECT id, tax_code, registration_number, registering_body, match_key FROM organisations",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok((
            r.i64(0)?,
            r.opt_text(1)?,
            r.opt_text(2)?,
            r.opt_text(3)?,
            r.opt_text(4)?,
        ))
    })
    .collect()
}

/// Organisations with a match key (kind, unaccented name, place).
pub fn by_match_key(c: &mut dyn Conn, key: &str) -> Result<Vec<OrgId>> {
    c.query(
        "SELECT id FROM organisations WHERE match_key = ? ORDER BY id",
        &[key.into()],
    )?
    .iter()
    .map(|r| r.i64(0))
    .collect()
}

/// Links pointing at an organisation: (link id, kind, subject).
pub fn links_to(c: &mut dyn Conn, object: OrgId) -> Result<Vec<(i64, LinkKind, OrgId)>> {
    c.query(
        "SELECT id, kind, subject_id FROM org_links WHERE object_id = ? ORDER BY id",
        &[object.into()],
    )?
    .iter()
    .map(|r| {
        let k = r.text(1)?;
        Ok((
            r.i64(0)?,
            LinkKind::parse(&k).ok_or_else(|| corrupt(format!("unknown link kind {k}")))?,
            r.i64(2)?,
        ))
    })
    .collect()
}

/// How many organisations are stored.
pub fn count(c: &mut dyn Conn) -> Result<i64> {
    c.query_one("SELECT COUNT(*) FROM organisations", &[])?
        .map(|r| r.i64(0))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Ids of every organisation (for recomputing derived places after a correction).
pub fn all_ids(c: &mut dyn Conn) -> Result<Vec<OrgId>> {
    c.query("SELECT id FROM organisations ORDER BY id", &[])?
        .iter()
        .map(|r| r.i64(0))
        .collect()
}

/// Whether the engine is SQLite (used by backups).
pub fn is_sqlite(c: &dyn Conn) -> bool {
    c.backend() == Backend::Sqlite
}

/// Status codes, for documentation of the status filter.
pub fn status_codes() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.code()).collect()
}
