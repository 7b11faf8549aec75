//! Lists and searches on current state: a filter becomes a WHERE clause, a sort an
//! ORDER BY, and a search word may go through the trigram index.

use super::read::{stored_from_row, ORG_COLS};
use super::StoredOrg;
use crate::db::{Backend, Conn, Result, Val};
use chrono::NaiveDate;
use hoptac_domain::auth::Scope;
use hoptac_domain::list::{OrgFilter, Page, PageRequest, PlaceFilter, SortBy};
use hoptac_domain::org::OrgId;
use hoptac_domain::text::search_words;

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}

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
    // A word with several forms (a kind's abbreviation) is checked on the rows.
    let mut words: Vec<String> = search_words(q)
        .iter()
        .filter_map(|w| w.plain())
        .filter(|t| t.chars().count() >= 3 && !t.contains(['%', '_', '\\']))
        .map(str::to_owned)
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

/// The WHERE clause and parameters for a filter on current state, `today` deciding
/// whether a suspension has ended.
fn where_clause(
    scope: &Scope,
    filter: &OrgFilter,
    today: NaiveDate,
    indexed: Option<&str>,
) -> (String, Vec<Val>) {
    let mut w = vec!["1 = 1".to_owned()];
    let mut p: Vec<Val> = Vec::new();
    if let Some(q) = &filter.q {
        for word in search_words(q) {
            match word.plain() {
                Some(t) if indexed == Some(t) => {
                    w.push("id IN (SELECT rowid FROM org_search WHERE search_key LIKE ?)".into());
                    p.push(format!("%{t}%").into());
                }
                _ => {
                    let any = vec!["search_key LIKE ? ESCAPE '\\'"; word.any_of.len()];
                    w.push(format!("({})", any.join(" OR ")));
                    p.extend(
                        word.any_of
                            .iter()
                            .map(|f| Val::from(format!("%{}%", escape_like(f)))),
                    );
                }
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
    match scope {
        Scope::All => {}
        Scope::Communes { codes } => {
            w.push(format!("commune_2025 IN ({})", in_list(codes.len().max(1))));
            if codes.is_empty() {
                p.push(Val::Null);
            }
            p.extend(codes.iter().map(|c| Val::from(c.clone())));
        }
        Scope::Organisation { id } => {
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

/// One page of current states within a scope matching a filter (its `as_of` is
/// ignored here).
pub fn list_current(
    c: &mut dyn Conn,
    scope: &Scope,
    filter: &OrgFilter,
    page: PageRequest,
    today: NaiveDate,
) -> Result<Page<StoredOrg>> {
    let indexed = indexed_word(c, filter)?;
    let (w, p) = where_clause(scope, filter, today, indexed.as_deref());
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

/// The ids of every organisation within a scope a filter selects, in its order: for
/// lists built from other figures, whose shown page is read afterwards.
pub fn ids_where(
    c: &mut dyn Conn,
    scope: &Scope,
    filter: &OrgFilter,
    today: NaiveDate,
) -> Result<Vec<OrgId>> {
    let indexed = indexed_word(c, filter)?;
    let (w, p) = where_clause(scope, filter, today, indexed.as_deref());
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
