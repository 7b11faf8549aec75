//! Versioned documents: annual reports, evaluations, follow-ups, targets. Each is a
//! JSON body under a (kind, id) key with the organisation and year it concerns, a
//! state, and a version; every write appends the whole new body to
//! `document_changes`, so the history of every field is kept with author and time.
//! Writes are conditional on the version the writer read.

use crate::db::{Conn, Result, Row, StoreError, Val};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Serialize};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A stored document.
#[derive(Debug, Clone)]
pub struct Doc<T> {
    pub kind: String,
    pub id: String,
    pub org_id: Option<i64>,
    pub year: Option<i64>,
    pub state: Option<String>,
    pub version: i64,
    pub body: T,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One entry of a document's history.
#[derive(Debug, Clone, Serialize)]
pub struct DocChange<T> {
    pub seq: i64,
    pub state: Option<String>,
    pub body: T,
    pub recorded_at: DateTime<Utc>,
    pub author: String,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// Who wrote, from where, and why.
#[derive(Debug, Clone)]
pub struct Stamp<'a> {
    pub author: &'a str,
    pub source: Option<&'a str>,
    pub note: Option<&'a str>,
    pub now: DateTime<Utc>,
}

const COLS: &str = "kind, id, org_id, year, state, version, body, created_at, updated_at";

fn from_row<T: DeserializeOwned>(r: &Row) -> Result<Doc<T>> {
    Ok(Doc {
        kind: r.text(0)?,
        id: r.text(1)?,
        org_id: r.opt_i64(2)?,
        year: r.opt_i64(3)?,
        state: r.opt_text(4)?,
        version: r.i64(5)?,
        body: serde_json::from_str(&r.text(6)?).map_err(corrupt)?,
        created_at: r.ts(7)?,
        updated_at: r.ts(8)?,
    })
}

fn append<T: Serialize>(
    c: &mut dyn Conn,
    kind: &str,
    id: &str,
    seq: i64,
    state: Option<&str>,
    body: &T,
    s: &Stamp,
) -> Result<()> {
    touch_doc(c, kind, id);
    c.execute(
        "INSERT INTO document_changes (kind, id, seq, state, body, recorded_at, author, source, note) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            kind.into(),
            id.into(),
            seq.into(),
            state.map(str::to_owned).into(),
            serde_json::to_string(body).map_err(corrupt)?.into(),
            s.now.into(),
            s.author.into(),
            s.source.map(str::to_owned).into(),
            s.note.map(str::to_owned).into(),
        ],
    )?;
    Ok(())
}

/// Names a document and its history for the audit trail's digests.
fn touch_doc(c: &mut dyn Conn, kind: &str, id: &str) {
    use crate::audit::{doc_record, touch, Audited};
    touch(c, Audited::Documents, doc_record(kind, id));
    touch(c, Audited::DocumentChanges, doc_record(kind, id));
}

/// Inserts a new document at version 1. A second insert of the same key fails with
/// [`StoreError::Unique`].
#[allow(clippy::too_many_arguments)]
pub fn insert<T: Serialize>(
    c: &mut dyn Conn,
    kind: &str,
    id: &str,
    org_id: Option<i64>,
    year: Option<i64>,
    state: Option<&str>,
    body: &T,
    s: &Stamp,
) -> Result<()> {
    c.execute(
        "INSERT INTO documents (kind, id, org_id, year, state, version, body, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
        &[
            kind.into(),
            id.into(),
            org_id.into(),
            year.into(),
            state.map(str::to_owned).into(),
            serde_json::to_string(body).map_err(corrupt)?.into(),
            s.now.into(),
            s.now.into(),
        ],
    )?;
    append(c, kind, id, 1, state, body, s)?;
    audit(c, kind, id, "create".into(), None, body, s);
    Ok(())
}

/// Adds a document's write to the audit trail.
fn audit<T: Serialize>(
    c: &mut dyn Conn,
    kind: &str,
    id: &str,
    action: String,
    before: Option<serde_json::Value>,
    body: &T,
    s: &Stamp,
) {
    crate::audit::record(
        c,
        s.author,
        s.source,
        crate::audit::Entry {
            entity: kind.to_owned(),
            id: id.to_owned(),
            action,
            before,
            after: serde_json::to_value(body).ok(),
        },
    );
}

/// Replaces a document if it is still at `expected`; false when someone else wrote
/// first (nothing is written then).
pub fn update<T: Serialize>(
    c: &mut dyn Conn,
    kind: &str,
    id: &str,
    expected: i64,
    state: Option<&str>,
    body: &T,
    s: &Stamp,
) -> Result<bool> {
    let before: Option<serde_json::Value> = c
        .query_one(
            "SELECT body FROM documents WHERE kind = ? AND id = ?",
            &[kind.into(), id.into()],
        )?
        .and_then(|r| r.text(0).ok())
        .and_then(|t| serde_json::from_str(&t).ok());
    let n = c.execute(
        "UPDATE documents SET version = version + 1, state = ?, body = ?, updated_at = ? \
         WHERE kind = ? AND id = ? AND version = ?",
        &[
            state.map(str::to_owned).into(),
            serde_json::to_string(body).map_err(corrupt)?.into(),
            s.now.into(),
            kind.into(),
            id.into(),
            expected.into(),
        ],
    )?;
    if n != 1 {
        return Ok(false);
    }
    append(c, kind, id, expected + 1, state, body, s)?;
    let action = s
        .note
        .map_or_else(|| "update".to_owned(), |n| format!("update: {n}"));
    audit(c, kind, id, action, before, body, s);
    Ok(true)
}

pub fn get<T: DeserializeOwned>(c: &mut dyn Conn, kind: &str, id: &str) -> Result<Option<Doc<T>>> {
    c.query_one(
        &format!("SELECT {COLS} FROM documents WHERE kind = ? AND id = ?"),
        &[kind.into(), id.into()],
    )?
    .map(|r| from_row(&r))
    .transpose()
}

/// Documents of a kind, optionally for one year and/or one organisation, by id.
pub fn list<T: DeserializeOwned>(
    c: &mut dyn Conn,
    kind: &str,
    year: Option<i64>,
    org_id: Option<i64>,
) -> Result<Vec<Doc<T>>> {
    let mut sql = format!("SELECT {COLS} FROM documents WHERE kind = ?");
    let mut p: Vec<Val> = vec![kind.into()];
    if let Some(y) = year {
        sql.push_str(" AND year = ?");
        p.push(y.into());
    }
    if let Some(o) = org_id {
        sql.push_str(" AND org_id = ?");
        p.push(o.into());
    }
    sql.push_str(" ORDER BY org_id, year, id");
    c.query(&sql, &p)?.iter().map(from_row).collect()
}

/// (organisation, year, field values) of one document.
pub type Fields = (i64, i64, Vec<Option<String>>);

/// The SQL that reads each field path as text inside the database; paths are checked
/// to be plain names, since they are written into the statement.
fn field_exprs(c: &dyn Conn, paths: &[&[&str]]) -> Result<Vec<String>> {
    let ok =
        |p: &&str| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if paths.is_empty()
        || !paths
            .iter()
            .all(|path| !path.is_empty() && path.iter().all(ok))
    {
        return Err(crate::db::StoreError::Corrupt(format!(
            "bad field paths {paths:?}"
        )));
    }
    Ok(paths
        .iter()
        .map(|path| match c.backend() {
            // Numbers come back as numbers from json_extract: read everything as text.
            crate::db::Backend::Sqlite => {
                format!("CAST(json_extract(body, '$.{}') AS TEXT)", path.join("."))
            }
            crate::db::Backend::Postgres => format!("(body::jsonb) #>> '{{{}}}'", path.join(",")),
        })
        .collect())
}

fn values_from(r: &Row, from: usize, n: usize) -> Result<Vec<Option<String>>> {
    (0..n).map(|i| r.opt_text(from + i)).collect()
}

/// Some fields of every document of a kind in a state, read inside the database (the
/// rest of each body is not parsed): (organisation, year, each field as text — a
/// string as it is, an object or number as JSON). For figures across many documents.
pub fn fields_of_all(
    c: &mut dyn Conn,
    kind: &str,
    state: &str,
    paths: &[&[&str]],
) -> Result<Vec<Fields>> {
    let fields = field_exprs(c, paths)?;
    c.query(
        &format!(
            "SELECT org_id, year, {} FROM documents WHERE kind = ? AND state = ? \
             AND org_id IS NOT NULL AND year IS NOT NULL",
            fields.join(", ")
        ),
        &[kind.into(), state.into()],
    )?
    .iter()
    .map(|r| Ok((r.i64(0)?, r.i64(1)?, values_from(r, 2, paths.len())?)))
    .collect()
}

/// [`fields_of_all`] for every document of a kind and year, whatever its state:
/// (state, then as there).
pub fn fields_of_year(
    c: &mut dyn Conn,
    kind: &str,
    year: i64,
    paths: &[&[&str]],
) -> Result<Vec<(Option<String>, Fields)>> {
    let fields = field_exprs(c, paths)?;
    c.query(
        &format!(
            "SELECT org_id, year, state, {} FROM documents WHERE kind = ? AND year = ? \
             AND org_id IS NOT NULL",
            fields.join(", ")
        ),
        &[kind.into(), year.into()],
    )?
    .iter()
    .map(|r| {
        Ok((
            r.opt_text(2)?,
            (r.i64(0)?, r.i64(1)?, values_from(r, 3, paths.len())?),
        ))
    })
    .collect()
}

/// [`fields_of_all`] for some documents by id, whatever their state: (state, then as
/// there). What changed since derived figures were last computed.
pub fn fields_of_ids(
    c: &mut dyn Conn,
    kind: &str,
    ids: &[String],
    paths: &[&[&str]],
) -> Result<Vec<(Option<String>, Fields)>> {
    let fields = field_exprs(c, paths)?;
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<Val> = vec![kind.into()];
        args.extend(chunk.iter().map(|id| Val::from(id.as_str())));
        for r in c.query(
            &format!(
                "SELECT org_id, year, state, {} FROM documents WHERE kind = ? AND id IN ({marks}) \
                 AND org_id IS NOT NULL AND year IS NOT NULL",
                fields.join(", ")
            ),
            &args,
        )? {
            out.push((
                r.opt_text(2)?,
                (r.i64(0)?, r.i64(1)?, values_from(&r, 3, paths.len())?),
            ));
        }
    }
    Ok(out)
}

/// A document's whole history, oldest first.
pub fn history<T: DeserializeOwned>(
    c: &mut dyn Conn,
    kind: &str,
    id: &str,
) -> Result<Vec<DocChange<T>>> {
    c.query(
        "SELECT seq, state, body, recorded_at, author, source, note FROM document_changes \
         WHERE kind = ? AND id = ? ORDER BY seq",
        &[kind.into(), id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(DocChange {
            seq: r.i64(0)?,
            state: r.opt_text(1)?,
            body: serde_json::from_str(&r.text(2)?).map_err(corrupt)?,
            recorded_at: r.ts(3)?,
            author: r.text(4)?,
            source: r.opt_text(5)?,
            note: r.opt_text(6)?,
        })
    })
    .collect()
}
