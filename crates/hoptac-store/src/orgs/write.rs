//! Writing organisations: their current state, their history and their links.

use super::{corrupt, match_key};
use crate::audit::{touch, Audited};
use crate::db::{Conn, Result, Rows, Val};
use chrono::{DateTime, Utc};
use hoptac_domain::history::{Change, OrgState};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{LinkKind, OrgId};
use hoptac_domain::text::{search_key, sort_key};

/// The columns of a new organisation: its id and kind, version 1, what
/// [`snapshot_params`] gives, and its creation and update times.
const INSERT_ORG: &str = "INSERT INTO organisations (id, kind, version, name, tax_code, \
     registration_number, registering_body, place_scheme, place_code, commune_2025, \
     legacy_commune, legacy_district, province_2025, sector, founding_date, status, \
     suspended_until, search_key, sort_key, match_key, state, created_at, updated_at)";
const ONE_ORG: &str = "(?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// What a rewrite of the current state sets: [`snapshot_params`], then the update time.
const SET_STATE: &str = "name = ?, tax_code = ?, registration_number = ?, \
     registering_body = ?, place_scheme = ?, place_code = ?, commune_2025 = ?, \
     legacy_commune = ?, legacy_district = ?, province_2025 = ?, sector = ?, \
     founding_date = ?, status = ?, suspended_until = ?, search_key = ?, sort_key = ?, \
     match_key = ?, state = ?, updated_at = ?";

/// The stored columns of a state, in the order of [`INSERT_ORG`] and [`SET_STATE`].
fn snapshot_params(view: &OrgView, state: &OrgState) -> Result<Vec<Val>> {
    let f = &view.fields;
    Ok(vec![
        view.name().into(),
        f.tax_code.clone().into(),
        f.registration_number.as_deref().map(search_key).into(),
        f.registering_body.as_deref().map(search_key).into(),
        f.place.as_ref().map(|p| p.scheme.as_str()).into(),
        f.place.as_ref().map(|p| p.code.clone()).into(),
        view.places.commune_2025.clone().into(),
        view.places.legacy_commune.clone().into(),
        view.places.legacy_district.clone().into(),
        view.places.province_2025.clone().into(),
        f.sector.map(|s| s.code()).into(),
        f.founding_date.into(),
        state.status.status.code().into(),
        state.status.until.into(),
        view.search_text().into(),
        sort_key(view.name()).into(),
        match_key(view).into(),
        serde_json::to_string(state).map_err(corrupt)?.into(),
    ])
}

/// Inserts a new organisation's current state at version 1.
pub fn insert(
    c: &mut dyn Conn,
    view: &OrgView,
    state: &OrgState,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut p = vec![state.id.into(), state.kind.code().into()];
    p.extend(snapshot_params(view, state)?);
    p.push(now.into());
    p.push(now.into());
    c.execute(&format!("{INSERT_ORG} VALUES {ONE_ORG}"), &p)?;
    touch(c, Audited::Organisations, state.id.to_string());
    Ok(())
}

/// Inserts many new organisations at version 1, several rows per statement (bulk
/// imports: one round trip per few hundred records instead of one per record).
pub fn insert_many(
    c: &mut dyn Conn,
    rows: &[(OrgView, OrgState)],
    now: DateTime<Utc>,
) -> Result<()> {
    const PER_STATEMENT: usize = 400;
    for chunk in rows.chunks(PER_STATEMENT) {
        let mut p: Vec<Val> = Vec::with_capacity(chunk.len() * 22);
        for (view, state) in chunk {
            p.push(state.id.into());
            p.push(state.kind.code().into());
            p.extend(snapshot_params(view, state)?);
            p.push(now.into());
            p.push(now.into());
        }
        let values = vec![ONE_ORG; chunk.len()].join(", ");
        c.execute(&format!("{INSERT_ORG} VALUES {values}"), &p)?;
    }
    for (_, state) in rows {
        touch(c, Audited::Organisations, state.id.to_string());
    }
    Ok(())
}

/// The columns of a new organisation as [`org_row`] gives them (those of [`INSERT_ORG`]).
const ORG_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "version",
    "name",
    "tax_code",
    "registration_number",
    "registering_body",
    "place_scheme",
    "place_code",
    "commune_2025",
    "legacy_commune",
    "legacy_district",
    "province_2025",
    "sector",
    "founding_date",
    "status",
    "suspended_until",
    "search_key",
    "sort_key",
    "match_key",
    "state",
    "created_at",
    "updated_at",
];

/// The columns of a history entry as [`change_row`] gives them.
const CHANGE_COLUMNS: &[&str] = &[
    "org_id",
    "seq",
    "effective",
    "recorded_at",
    "author",
    "source",
    "body",
];

/// A new organisation's row at version 1, for [`insert_rows`]. Making it (search
/// keys, the state as JSON) is most of the cost of a row, so a bulk writer makes rows
/// on one thread while another inserts them.
pub fn org_row(view: &OrgView, state: &OrgState, now: DateTime<Utc>) -> Result<Vec<Val>> {
    let mut p = Vec::with_capacity(ORG_COLUMNS.len());
    p.extend([state.id.into(), state.kind.code().into(), Val::I64(1)]);
    p.extend(snapshot_params(view, state)?);
    p.extend([now.into(), now.into()]);
    Ok(p)
}

/// A history entry's row, for [`append_change_rows`].
pub fn change_row(ch: &Change) -> Result<Vec<Val>> {
    Ok(vec![
        ch.org_id.into(),
        ch.seq.into(),
        ch.effective.into(),
        ch.recorded_at.into(),
        ch.author.clone().into(),
        ch.source.clone().into(),
        serde_json::to_string(&ch.body).map_err(corrupt)?.into(),
    ])
}

/// Before a bulk insert of `rows` new organisations on SQLite: a page cache that holds
/// what they write (about 4 KB each, with their indexes and the trigram index), up to
/// 512 MB, so that the transaction does not spill pages to the WAL and read them back
/// midway. The pool shrinks the cache again when the transaction ends.
pub fn reserve_cache(c: &mut dyn Conn, rows: usize) -> Result<()> {
    if c.backend() != crate::db::Backend::Sqlite {
        return Ok(());
    }
    let kib = (rows.saturating_mul(4)).clamp(16 * 1024, 512 * 1024);
    c.batch(&format!("PRAGMA cache_size=-{kib}"))
}

/// Inserts new organisations' rows ([`org_row`]) as `rows` yields them: a prepared
/// statement per row on SQLite, one `COPY` on PostgreSQL. Returns how many.
pub fn insert_rows(c: &mut dyn Conn, rows: Rows<'_>) -> Result<u64> {
    insert_touched(
        c,
        "organisations",
        ORG_COLUMNS,
        Audited::Organisations,
        rows,
    )
}

/// Appends history rows ([`change_row`]) as `rows` yields them.
pub fn append_change_rows(c: &mut dyn Conn, rows: Rows<'_>) -> Result<u64> {
    insert_touched(c, "org_changes", CHANGE_COLUMNS, Audited::OrgChanges, rows)
}

/// Inserts rows whose first column is the organisation's id, and names each
/// organisation for the audit trail's digests (as the one-row writes do).
fn insert_touched(
    c: &mut dyn Conn,
    table: &str,
    columns: &[&str],
    audited: Audited,
    rows: Rows<'_>,
) -> Result<u64> {
    let mut ids = std::collections::BTreeSet::new();
    let n = {
        let mut seen = rows.inspect(|r| {
            if let Ok(Some(Val::I64(id))) = r.as_ref().map(|r| r.first()) {
                ids.insert(*id);
            }
        });
        c.insert_rows(table, columns, &mut seen)?
    };
    for id in ids {
        touch(c, audited, id.to_string());
    }
    Ok(n)
}

/// Takes the write on an organisation if it is still at `expected`: a conditional
/// write, so two editors who read the same version cannot both succeed. Returns false
/// when someone else wrote first.
pub fn claim_version(c: &mut dyn Conn, id: OrgId, expected: i64) -> Result<bool> {
    let claimed = c.execute(
        "UPDATE organisations SET version = version + 1 WHERE id = ? AND version = ?",
        &[id.into(), expected.into()],
    )? == 1;
    if claimed {
        touch(c, Audited::Organisations, id.to_string());
    }
    Ok(claimed)
}

/// Rewrites the current state after a claimed write.
pub fn save_state(
    c: &mut dyn Conn,
    view: &OrgView,
    state: &OrgState,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut p = snapshot_params(view, state)?;
    p.push(now.into());
    p.push(state.id.into());
    c.execute(
        &format!("UPDATE organisations SET {SET_STATE} WHERE id = ?"),
        &p,
    )?;
    touch(c, Audited::Organisations, state.id.to_string());
    Ok(())
}

/// Rewrites the current state only if the version is still `version` (derived data
/// refreshed outside an edit); returns whether it did.
pub fn save_state_at(
    c: &mut dyn Conn,
    view: &OrgView,
    state: &OrgState,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut p = snapshot_params(view, state)?;
    p.push(now.into());
    p.push(state.id.into());
    p.push(version.into());
    let saved = c.execute(
        &format!("UPDATE organisations SET {SET_STATE} WHERE id = ? AND version = ?"),
        &p,
    )? == 1;
    if saved {
        touch(c, Audited::Organisations, state.id.to_string());
    }
    Ok(saved)
}

/// The next recorded-order number in an organisation's history.
pub fn next_seq(c: &mut dyn Conn, id: OrgId) -> Result<i64> {
    let r = c.query_one(
        "SELECT COALESCE(MAX(seq), 0) FROM org_changes WHERE org_id = ?",
        &[id.into()],
    )?;
    Ok(r.map(|r| r.i64(0)).transpose()?.unwrap_or(0) + 1)
}

/// Appends history entries, several rows per statement.
pub fn append_changes(c: &mut dyn Conn, changes: &[Change]) -> Result<()> {
    const PER_STATEMENT: usize = 1000;
    for chunk in changes.chunks(PER_STATEMENT) {
        let mut p: Vec<Val> = Vec::with_capacity(chunk.len() * 7);
        for ch in chunk {
            p.extend([
                ch.org_id.into(),
                ch.seq.into(),
                ch.effective.into(),
                ch.recorded_at.into(),
                ch.author.clone().into(),
                ch.source.clone().into(),
                serde_json::to_string(&ch.body).map_err(corrupt)?.into(),
            ]);
        }
        let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        c.execute(
            &format!(
                "INSERT INTO org_changes (org_id, seq, effective, recorded_at, author, source, body) \
                 VALUES {values}"
            ),
            &p,
        )?;
    }
    // One digest per organisation covers all its history rows.
    let mut last = None;
    for ch in changes {
        if last != Some(ch.org_id) {
            touch(c, Audited::OrgChanges, ch.org_id.to_string());
            last = Some(ch.org_id);
        }
    }
    Ok(())
}

/// Records a link's identity (its state lives in the subject's history).
pub fn insert_link(
    c: &mut dyn Conn,
    id: i64,
    kind: LinkKind,
    subject: OrgId,
    object: OrgId,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO org_links (id, kind, subject_id, object_id, created_at) VALUES (?, ?, ?, ?, ?)",
        &[id.into(), kind.code().into(), subject.into(), object.into(), now.into()],
    )?;
    touch(c, Audited::OrgLinks, id.to_string());
    Ok(())
}
