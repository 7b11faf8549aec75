//! The audit trail (*nhật ký thay đổi*): every transaction that changes data appends
//! one row — who, when, through what, and each record's value before and after — to a
//! hash chain, so that editing, deleting or rewriting rows afterwards is detectable.
//! Rows are written at commit time by [`crate::Db::write`]; writers only describe what
//! they changed with [`record`], and the store's repositories name the rows they wrote
//! with [`touch`], so that each link also carries a digest of those rows and
//! [`verify_state`] can tell whether the stored state is still what the trail says.

mod records;
mod state;

pub use records::{doc_record, touch, Audited, Digests};
pub use state::{seal, verify_state, Problem, RecordFinding, StateCheck};

use crate::db::{Conn, Db, Result, StoreError, Val};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One record changed in a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `organisation`, `annual_report`, `evaluation`, …
    pub entity: String,
    pub id: String,
    /// `create`, `update`, …
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// What a transaction will append when it commits.
#[derive(Debug, Default)]
pub struct Buffer {
    actor: Option<String>,
    source: Option<String>,
    entries: Vec<Entry>,
    /// The audited records written, whose digests the link will carry.
    pub(crate) touched: records::Touched,
}

/// Notes a change for the audit trail of the current transaction.
pub fn record(c: &mut dyn Conn, actor: &str, source: Option<&str>, entry: Entry) {
    let b = c.audit_buffer();
    if b.actor.is_none() {
        b.actor = Some(actor.to_owned());
        b.source = source.map(str::to_owned);
    }
    b.entries.push(entry);
}

/// Replaces what the transaction noted with one summary entry: for generated bulk data
/// (the demo), where a per-record trail would only repeat the generator. The digests of
/// the records written are kept, so the state still verifies record by record.
pub fn summarize(c: &mut dyn Conn, actor: &str, source: Option<&str>, entry: Entry) {
    let b = c.audit_buffer();
    b.entries.clear();
    b.actor = None;
    record(c, actor, source, entry);
}

/// The sequence number of the last link: it changes with every transaction that
/// changed data, so caches of derived figures can key on it (on every app server).
pub fn head_seq(c: &mut dyn Conn) -> Result<i64> {
    match c.query_one("SELECT seq FROM audit_head WHERE id = 1", &[])? {
        Some(r) => r.i64(0),
        None => Ok(0),
    }
}

/// The most audit text [`changed_since`] reads in one go.
const MAX_BYTES: i64 = 32 * 1024 * 1024;

/// The last link read, and the (entity, id) of every record its links name.
pub type Changed = (i64, Vec<(String, String)>);

/// What changed after a link: the last link read and each (entity, id) its entries
/// name, so that derived figures can be brought up to date without recomputing
/// everything. `None` when more than `max_links` links or 32 MB of entries followed, or
/// a link cannot be read (recompute instead).
pub fn changed_since(c: &mut dyn Conn, after: i64, max_links: i64) -> Result<Option<Changed>> {
    #[derive(Deserialize)]
    struct Named {
        entity: String,
        id: String,
    }
    // Sizes first: a trail too long, or too large to read at once (one import of a
    // hundred thousand records is one link), is not worth following.
    let sizes = c.query(
        "SELECT CAST(LENGTH(entries) AS BIGINT) FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
        &[after.into(), (max_links + 1).into()],
    )?;
    let mut bytes = 0i64;
    for r in &sizes {
        bytes = bytes.saturating_add(r.i64(0)?);
    }
    if i64::try_from(sizes.len()).unwrap_or(i64::MAX) > max_links || bytes > MAX_BYTES {
        return Ok(None);
    }
    let rows = c.query(
        "SELECT seq, entries FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
        &[after.into(), max_links.into()],
    )?;
    let mut last = after;
    let mut named = Vec::new();
    for r in &rows {
        last = r.i64(0)?;
        // A link that cannot be read names nothing that can be followed.
        let Ok(entries) = serde_json::from_str::<Vec<Named>>(&r.text(1)?) else {
            return Ok(None);
        };
        named.extend(entries.into_iter().map(|n| (n.entity, n.id)));
    }
    Ok(Some((last, named)))
}

/// One link of the chain as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub seq: i64,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub source: Option<String>,
    pub entries: String,
    pub prev_hash: String,
    pub hash: String,
}

#[cfg(test)]
pub(crate) fn hash(
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    source: Option<&str>,
    entries: &str,
    prev: &str,
) -> String {
    hash_with_digests(seq, at, actor, source, entries, prev, None)
}

/// [`hash`] of a link that carries digests: they are one more field, so links written
/// before digests existed hash as they always did.
fn hash_with_digests(
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    source: Option<&str>,
    entries: &str,
    prev: &str,
    digests: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let seq = seq.to_string();
    // Lengths keep field boundaries unambiguous.
    let parts = [
        &seq,
        at.as_str(),
        actor,
        source.unwrap_or(""),
        entries,
        prev,
    ];
    for part in parts.into_iter().chain(digests) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends the transaction's link, if it changed anything. Called before commit.
pub(crate) fn flush(c: &mut dyn Conn) -> Result<()> {
    let b = std::mem::take(c.audit_buffer());
    if b.entries.is_empty() && b.touched.is_empty() {
        return Ok(());
    }
    // Read back before the head is taken: the row lock is then held no longer than
    // before digests existed.
    let mut digests = Digests::new();
    for (table, recs) in &b.touched {
        digests.insert(*table, records::digests_of(c, *table, recs)?);
    }
    let digests = if digests.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&digests).map_err(|e| StoreError::Corrupt(e.to_string()))?)
    };
    // Taking the head row serialises writers on PostgreSQL; SQLite has one writer.
    let head = c
        .query_one(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
            &[],
        )?
        .ok_or_else(|| StoreError::Corrupt("audit_head is missing".into()))?;
    let (seq, prev) = (head.i64(0)?, head.text(1)?);
    let at = Utc::now().trunc_subsecs(6);
    let entries =
        serde_json::to_string(&b.entries).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Rows written with nothing described (derived data refreshed) are the system's.
    let actor = b.actor.unwrap_or_else(|| "system".into());
    let h = hash_with_digests(
        seq,
        at,
        &actor,
        b.source.as_deref(),
        &entries,
        &prev,
        digests.as_deref(),
    );
    c.execute(
        "INSERT INTO audit_log (seq, recorded_at, actor, source, entries, prev_hash, hash, digests) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[seq.into(), at.into(), actor.into(), b.source.into(), entries.into(), prev.into(), h.clone().into(), digests.into()],
    )?;
    c.execute("UPDATE audit_head SET hash = ? WHERE id = 1", &[h.into()])?;
    Ok(())
}

/// A point of the chain to check against later (kept outside the database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl Anchor {
    pub fn parse(s: &str) -> Option<Anchor> {
        let (seq, hash) = s.trim().split_once(':')?;
        Some(Anchor {
            seq: seq.parse().ok()?,
            hash: hash.to_owned(),
        })
    }
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Finding {
    /// The chain is whole (and matches the anchor, if one was given).
    Intact { links: i64 },
    /// A row was removed (a gap in the sequence) before `seq`.
    Missing { seq: i64 },
    /// Row `seq` does not hash to what it says: it was edited.
    Altered { seq: i64 },
    /// Row `seq` does not follow the row before it.
    Broken { seq: i64 },
    /// The chain is internally whole but differs from the anchor: it was rewritten.
    AnchorMismatch { seq: i64 },
}

/// The latest link, to keep as an anchor.
pub fn anchor(db: &Db) -> Result<Option<Anchor>> {
    db.read(|c| {
        c.query_one(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            &[],
        )?
        .map(|r| {
            Ok(Anchor {
                seq: r.i64(0)?,
                hash: r.text(1)?,
            })
        })
        .transpose()
    })
}

/// Recomputes the whole chain, checks that its last link is the head the writers keep
/// (a deleted or replaced tail is caught without an anchor) and, with an anchor, that
/// the chain still passes through it. The stored state is checked by [`verify_state`].
pub fn verify(db: &Db, anchor: Option<&Anchor>) -> Result<Finding> {
    db.read(|c| {
        let rows = c.query(
            "SELECT seq, recorded_at, actor, source, entries, prev_hash, hash, digests FROM audit_log ORDER BY seq",
            &[],
        )?;
        let mut prev = String::new();
        let mut expected = 1;
        for r in &rows {
            let (seq, at, actor, source, entries, prev_hash, h, digests) = (
                r.i64(0)?,
                r.ts(1)?,
                r.text(2)?,
                r.opt_text(3)?,
                r.text(4)?,
                r.text(5)?,
                r.text(6)?,
                r.opt_text(7)?,
            );
            if seq != expected {
                return Ok(Finding::Missing { seq: expected });
            }
            if prev_hash != prev {
                return Ok(Finding::Broken { seq });
            }
            let again = hash_with_digests(
                seq,
                at,
                &actor,
                source.as_deref(),
                &entries,
                &prev_hash,
                digests.as_deref(),
            );
            if again != h {
                return Ok(Finding::Altered { seq });
            }
            prev = h;
            expected += 1;
        }
        let last = expected - 1;
        if let Some(f) = check_head(c, last, &prev)? {
            return Ok(f);
        }
        if let Some(a) = anchor {
            let at = rows.iter().find(|r| r.i64(0).ok() == Some(a.seq));
            match at {
                None => return Ok(Finding::Missing { seq: a.seq }),
                Some(r) if r.text(6)? != a.hash => return Ok(Finding::AnchorMismatch { seq: a.seq }),
                Some(_) => {}
            }
        }
        Ok(Finding::Intact { links: last })
    })
}

/// The head against the chain's last link (`last`, hashing to `hash`): links cut off
/// the end show as missing, a last link replaced as differing from the head.
fn check_head(c: &mut dyn Conn, last: i64, hash: &str) -> Result<Option<Finding>> {
    let Some(head) = c.query_one("SELECT seq, hash FROM audit_head WHERE id = 1", &[])? else {
        return Ok(Some(Finding::Missing { seq: last + 1 }));
    };
    let (seq, head_hash) = (head.i64(0)?, head.text(1)?);
    Ok(if seq > last {
        Some(Finding::Missing { seq: last + 1 })
    } else if seq < last {
        // Links after the head were not appended by a writer.
        Some(Finding::Broken { seq: seq + 1 })
    } else if head_hash != hash {
        Some(Finding::AnchorMismatch { seq })
    } else {
        None
    })
}

/// Recent links, newest first (for administrators).
pub fn recent(db: &Db, limit: i64) -> Result<Vec<Link>> {
    db.read(|c| {
        c.query(
            "SELECT seq, recorded_at, actor, source, entries, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT ?",
            &[Val::I64(limit)],
        )?
        .iter()
        .map(|r| {
            Ok(Link {
                seq: r.i64(0)?,
                recorded_at: r.ts(1)?,
                actor: r.text(2)?,
                source: r.opt_text(3)?,
                entries: r.text(4)?,
                prev_hash: r.text(5)?,
                hash: r.text(6)?,
            })
        })
        .collect()
    })
}
