//! The organisations repository. `organisations` holds each organisation's current
//! state, derived from its history (`org_changes`, append-only) on every write, so that
//! lists and searches run in SQL; reads "as of" a past date fold the history instead.

use crate::db::{Backend, Conn, Result, Row, StoreError, Val};
use chrono::{DateTime, NaiveDate, Utc};
use hoptac_domain::auth::Scope;
use hoptac_domain::history::{Change, ChangeBody, OrgState};
use hoptac_domain::list::{OrgFilter, OrgView, Page, PageRequest, PlaceFilter, SortBy};
use hoptac_domain::org::{LinkKind, OrgId, OrgKind, Status};
use hoptac_domain::text::{search_key, search_terms, sort_key};

/// An organisation's current state as stored, with its version.
#[derive(Debug, Clone)]
pub struct StoredOrg {
    pub version: i64,
    pub state: OrgState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn parse_kind(s: &str) -> Result<OrgKind> {
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
    c.execute(
        "INSERT INTO organisations (id, kind, version, name, tax_code, registration_number, \
         registering_body, place_scheme, place_code, commune_2025, legacy_commune, legacy_district, \
         province_2025, sector, founding_date, status, suspended_until, search_key, sort_key, \
         match_key, state, created_at, updated_at) \
         VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &p,
    )?;
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
        let one = "(?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        let values = vec![one; chunk.len()].join(", ");
        c.execute(
            &format!(
                "INSERT INTO organisations (id, kind, version, name, tax_code, registration_number, \
                 registering_body, place_scheme, place_code, commune_2025, legacy_commune, legacy_district, \
                 province_2025, sector, founding_date, status, suspended_until, search_key, sort_key, \
                 match_key, state, created_at, updated_at) VALUES {values}"
            ),
            &p,
        )?;
    }
    Ok(())
}

/// Takes the write on an organisation if it is still at `expected`: a conditional
/// write, so two editors who read the same version cannot both succeed. Returns false
/// when someone else wrote first.
pub fn claim_version(c: &mut dyn Conn, id: OrgId, expected: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE organisations SET version = version + 1 WHERE id = ? AND version = ?",
        &[id.into(), expected.into()],
    )? == 1)
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
        "UPDATE organisations SET name = ?, tax_code = ?, registration_number = ?, \
         registering_body = ?, place_scheme = ?, place_code = ?, commune_2025 = ?, \
         legacy_commune = ?, legacy_district = ?, province_2025 = ?, sector = ?, \
         founding_date = ?, status = ?, suspended_until = ?, search_key = ?, sort_key = ?, \
         match_key = ?, state = ?, updated_at = ? WHERE id = ?",
        &p,
    )?;
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
    Ok(c.execute(
        "UPDATE organisations SET name = ?, tax_code = ?, registration_number = ?, \
         registering_body = ?, place_scheme = ?, place_code = ?, commune_2025 = ?, \
         legacy_commune = ?, legacy_district = ?, province_2025 = ?, sector = ?, \
         founding_date = ?, status = ?, suspended_until = ?, search_key = ?, sort_key = ?, \
         match_key = ?, state = ?, updated_at = ? WHERE id = ? AND version = ?",
        &p,
    )? == 1)
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
    Ok(())
}

fn change_from_row(r: &Row, offset: usize) -> Result<Change> {
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

const CHANGE_COLS: &str = "org_id, seq, effective, recorded_at, author, source, body";

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

const ORG_COLS: &str = "version, state, created_at, updated_at";

fn stored_from_row(r: &Row) -> Result<StoredOrg> {
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

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The WHERE clause and parameters for a filter on current state, `today` deciding
/// whether a suspension has ended.
/// The search word worth looking up in the trigram index (SQLite's FTS5; PostgreSQL's
/// planner weighs its pg_trgm index itself): the longest word of three letters or more
/// that the index finds in fewer than [`RARE`] records. A common word ("hop", "tac")
/// is cheaper to check on the rows than to fetch as a long list from the index; asking
/// the index how common a word is reads at most [`RARE`] entries. FTS5 takes no ESCAPE
/// clause, so words with LIKE's own signs are never indexed.
pub fn indexed_word(c: &mut dyn Conn, filter: &OrgFilter) -> Result<Option<String>> {
    /// Matches below which a word counts as rare.
    const RARE: i64 = 2_000;
    let Some(q) = &filter.q else {
        return Ok(None);
    };
    if c.backend() != Backend::Sqlite {
        return Ok(None);
    }
    let mut words: Vec<String> = search_terms(q)
        .into_iter()
        .filter(|t| t.chars().count() >= 3 && !t.contains(['%', '_', '\\']))
        .collect();
    words.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    for t in words {
        let n = c
            .query_one(
                "SELECT COUNT(*) FROM (SELECT rowid FROM org_search WHERE search_key LIKE ? LIMIT ?)",
                &[format!("%{t}%").into(), RARE.into()],
            )?
            .map(|r| r.i64(0))
            .transpose()?
            .unwrap_or(0);
        if n < RARE {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

fn where_clause(filter: &OrgFilter, today: NaiveDate, indexed: Option<&str>) -> (String, Vec<Val>) {
    let mut w = vec!["1 = 1".to_owned()];
    let mut p: Vec<Val> = Vec::new();
    if let Some(q) = &filter.q {
        for t in search_terms(q) {
            if indexed == Some(t.as_str()) {
                w.push("id IN (SELECT rowid FROM org_search WHERE search_key LIKE ?)".into());
                p.push(format!("%{t}%").into());
            } else {
                w.push("search_key LIKE ? ESCAPE '\\'".into());
                p.push(format!("%{}%", escape_like(&t)).into());
            }
        }
    }
    if !filter.kinds.is_empty() {
        w.push(format!("kind IN ({})", in_list(filter.kinds.len())));
        p.extend(filter.kinds.iter().map(|k| Val::from(k.code())));
    }
    if !filter.statuses.is_empty() {
        w.push(format!(
            "(CASE WHEN status = 'suspended' AND suspended_until < ? THEN 'active' ELSE status END) IN ({})",
            in_list(filter.statuses.len())
        ));
        p.push(today.into());
        p.extend(filter.statuses.iter().map(|s| Val::from(s.code())));
    }
    if !filter.sectors.is_empty() {
        w.push(format!("sector IN ({})", in_list(filter.sectors.len())));
        p.extend(filter.sectors.iter().map(|s| Val::from(s.code())));
    }
    if let Some(d) = filter.founded_from {
        w.push("founding_date >= ?".into());
        p.push(d.into());
    }
    if let Some(d) = filter.founded_to {
        w.push("founding_date <= ?".into());
        p.push(d.into());
    }
    match &filter.within {
        None | Some(Scope::All) => {}
        Some(Scope::Communes { codes }) => {
            w.push(format!("commune_2025 IN ({})", in_list(codes.len().max(1))));
            if codes.is_empty() {
                p.push(Val::Null);
            }
            p.extend(codes.iter().map(|c| Val::from(c.clone())));
        }
        Some(Scope::Organisation { id }) => {
            w.push("id = ?".into());
            p.push((*id).into());
        }
    }
    match &filter.place {
        None => {}
        Some(PlaceFilter::Commune2025(c)) => {
            w.push("commune_2025 = ?".into());
            p.push(c.clone().into());
        }
        Some(PlaceFilter::LegacyDistrict(d)) => {
            w.push("legacy_district = ?".into());
            p.push(d.clone().into());
        }
        Some(PlaceFilter::LegacyCommune(l)) => {
            w.push("legacy_commune = ?".into());
            p.push(l.clone().into());
        }
    }
    (w.join(" AND "), p)
}

fn order_clause(filter: &OrgFilter) -> String {
    let dir = if filter.descending { "DESC" } else { "ASC" };
    match filter.sort {
        SortBy::Name => format!("sort_key {dir}, id {dir}"),
        // NULLs first on both engines (PostgreSQL would put them last).
        SortBy::FoundingDate => format!(
            "CASE WHEN founding_date IS NULL THEN 0 ELSE 1 END {dir}, founding_date {dir}, id {dir}"
        ),
        SortBy::Id => format!("id {dir}"),
    }
}

/// One page of current states matching a filter (its `as_of` is ignored here).
pub fn list_current(
    c: &mut dyn Conn,
    filter: &OrgFilter,
    page: PageRequest,
    today: NaiveDate,
) -> Result<Page<StoredOrg>> {
    let indexed = indexed_word(c, filter)?;
    let (w, p) = where_clause(filter, today, indexed.as_deref());
    // A search counts its matches up to a cap: a common word in a national registry
    // would otherwise check every row just to say how many there are.
    let mut count_p = p.clone();
    let count_sql = if filter.q.is_some() {
        count_p.push((SEARCH_COUNT_CAP + 1).into());
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM organisations WHERE {w} LIMIT ?) AS m")
    } else {
        format!("SELECT COUNT(*) FROM organisations WHERE {w}")
    };
    let counted = c
        .query_one(&count_sql, &count_p)?
        .map(|r| r.i64(0))
        .transpose()?
        .unwrap_or(0);
    let more = filter.q.is_some() && counted > SEARCH_COUNT_CAP;
    let total = if more { SEARCH_COUNT_CAP } else { counted };
    let mut p2 = p.clone();
    p2.push(i64::from(page.per_page).into());
    p2.push((page.offset() as i64).into());
    let items = c
        .query(
            &format!(
                "SELECT {ORG_COLS} FROM organisations WHERE {w} ORDER BY {} LIMIT ? OFFSET ?",
                order_clause(filter)
            ),
            &p2,
        )?
        .iter()
        .map(stored_from_row)
        .collect::<Result<_>>()?;
    Ok(Page {
        items,
        total: total as u64,
        page: page.page,
        per_page: page.per_page,
        more,
    })
}

/// The ids of every organisation a filter selects, in its order: for lists built from
/// other figures, whose shown page is read afterwards.
pub fn ids_where(c: &mut dyn Conn, filter: &OrgFilter, today: NaiveDate) -> Result<Vec<OrgId>> {
    let indexed = indexed_word(c, filter)?;
    let (w, p) = where_clause(filter, today, indexed.as_deref());
    c.query(
        &format!(
            "SELECT id FROM organisations WHERE {w} ORDER BY {}",
            order_clause(filter)
        ),
        &p,
    )?
    .iter()
    .map(|r| r.i64(0))
    .collect()
}

/// Matches a search counts exactly; beyond, its page says "more than".
pub const SEARCH_COUNT_CAP: i64 = 10_000;

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
    let rows = c.query(
        &format!(
            "SELECT o.kind, o.version, {} FROM org_changes c JOIN organisations o ON o.id = c.org_id \
             WHERE c.org_id > ? AND c.org_id <= ? ORDER BY c.org_id, c.seq",
            CHANGE_COLS
                .split(", ")
                .map(|col| format!("c.{col}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        &[after.into(), until.into()],
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
    let cols = CHANGE_COLS
        .split(", ")
        .map(|col| format!("c.{col}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = Vec::new();
    // Bounded statements: SQLite takes at most 32.766 parameters.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Val> = chunk.iter().map(|id| Val::from(*id)).collect();
        let rows = c.query(
            &format!(
                "SELECT o.kind, o.version, {cols} FROM org_changes c JOIN organisations o ON o.id = c.org_id \
                 WHERE c.org_id IN ({marks}) ORDER BY c.org_id, c.seq"
            ),
            &args,
        )?;
        out.extend(group_histories(&rows)?);
    }
    Ok(out)
}

/// Every organisation's kind, current version and the changes effective on or before
/// a date: the input of an as-of fold.
pub fn histories_until(c: &mut dyn Conn, date: NaiveDate) -> Result<Vec<OrgHistory>> {
    let rows = c.query(
        &format!(
            "SELECT o.kind, o.version, {} FROM org_changes c JOIN organisations o ON o.id = c.org_id \
             WHERE c.effective <= ? ORDER BY c.org_id, c.seq",
            CHANGE_COLS
                .split(", ")
                .map(|col| format!("c.{col}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        &[date.into()],
    )?;
    group_histories(&rows)
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
    Ok(())
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
