//! Whole histories of many organisations at once, for folds as of a date and for
//! figures derived from the whole registry.

use super::parse_kind;
use super::read::{change_from_row, CHANGE_COLS};
use crate::db::{Conn, Result, Row, Val};
use chrono::NaiveDate;
use hoptac_domain::history::Change;
use hoptac_domain::org::{OrgId, OrgKind};

/// One organisation's history with what a fold needs besides it.
#[derive(Debug, Clone)]
pub struct OrgHistory {
    pub id: OrgId,
    pub kind: OrgKind,
    /// The current version (what an edit must name).
    pub version: i64,
    pub changes: Vec<Change>,
}

/// The highest organisation id (0 when there is none).
pub fn max_id(c: &mut dyn Conn) -> Result<i64> {
    Ok(
        c.query_one("SELECT COALESCE(MAX(id), 0) FROM organisations", &[])?
            .map(|r| r.i64(0))
            .transpose()?
            .unwrap_or(0),
    )
}

/// The histories of the organisations with `after < id <= until`, by id: a page of
/// [`histories_until`] for computations that stream the whole registry.
pub fn histories_between(c: &mut dyn Conn, after: OrgId, until: OrgId) -> Result<Vec<OrgHistory>> {
    histories_where(
        c,
        "c.org_id > ? AND c.org_id <= ?",
        &[after.into(), until.into()],
    )
}

/// The histories whose changes meet `condition` (on `c`, the changes, and `o`, the
/// organisations), grouped by organisation.
fn histories_where(c: &mut dyn Conn, condition: &str, params: &[Val]) -> Result<Vec<OrgHistory>> {
    let cols = CHANGE_COLS
        .split(", ")
        .map(|col| format!("c.{col}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = c.query(
        &format!(
            "SELECT o.kind, o.version, {cols} FROM org_changes c JOIN organisations o ON o.id = c.org_id \
             WHERE {condition} ORDER BY c.org_id, c.seq"
        ),
        params,
    )?;
    group_histories(&rows)
}

fn group_histories(rows: &[Row]) -> Result<Vec<OrgHistory>> {
    let mut out: Vec<OrgHistory> = Vec::new();
    for r in rows {
        let ch = change_from_row(r, 2)?;
        match out.last_mut() {
            Some(last) if last.id == ch.org_id => last.changes.push(ch),
            _ => out.push(OrgHistory {
                id: ch.org_id,
                kind: parse_kind(&r.text(0)?)?,
                version: r.i64(1)?,
                changes: vec![ch],
            }),
        }
    }
    Ok(out)
}

/// The histories of some organisations (those that no longer exist are left out): what
/// changed since derived figures were last computed.
pub fn histories_of(c: &mut dyn Conn, ids: &[OrgId]) -> Result<Vec<OrgHistory>> {
    let mut out = Vec::new();
    // Bounded statements: SQLite takes at most 32.766 parameters.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Val> = chunk.iter().map(|id| Val::from(*id)).collect();
        out.extend(histories_where(
            c,
            &format!("c.org_id IN ({marks})"),
            &args,
        )?);
    }
    Ok(out)
}

/// Every organisation's kind, current version and the changes effective on or before
/// a date: the input of an as-of fold.
pub fn histories_until(c: &mut dyn Conn, date: NaiveDate) -> Result<Vec<OrgHistory>> {
    histories_where(c, "c.effective <= ?", &[date.into()])
}
