//! Whether the stored state is what the trail says (*đối chiếu dữ liệu với nhật ký*):
//! every audited record's digest now against the latest digest a link holds for it.
//! A row edited, added or removed outside the application is named with its table.

use super::records::{all_digests, touch, Audited, Digests, ABSENT};
use super::{record, Entry};
use crate::db::{Conn, Db, Result, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// What is wrong with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Problem {
    /// Its row differs from the row the trail last recorded: edited outside the
    /// application.
    Altered,
    /// No link names it: added outside the application, or written before the trail
    /// kept digests (then `hoptac audit seal` records a baseline once).
    Unrecorded,
    /// The trail recorded it but its row is gone: deleted outside the application.
    Deleted,
}

/// One record whose stored state the trail does not vouch for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordFinding {
    pub table: &'static str,
    /// The record: its id, or `kind:id` for documents.
    pub record: String,
    pub problem: Problem,
}

impl std::fmt::Display for RecordFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {:?}", self.table, self.record, self.problem)
    }
}

/// The outcome of comparing the stored state with the trail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StateCheck {
    /// Records compared.
    pub records: u64,
    /// Records the trail does not vouch for, by table then record.
    pub findings: Vec<RecordFinding>,
}

impl StateCheck {
    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The latest digest the trail holds for every record it names.
fn trail_digests(c: &mut dyn Conn) -> Result<Digests> {
    let rows = c.query(
        "SELECT seq, digests FROM audit_log WHERE digests IS NOT NULL ORDER BY seq",
        &[],
    )?;
    let mut latest = Digests::new();
    for r in &rows {
        let link: Digests = serde_json::from_str(&r.text(1)?).map_err(|e| {
            StoreError::Corrupt(format!("digests of link {}: {e}", r.i64(0).unwrap_or(0)))
        })?;
        for (table, records) in link {
            latest.entry(table).or_default().extend(records);
        }
    }
    Ok(latest)
}

/// Compares every audited record with the latest digest the trail holds for it, in
/// one consistent read.
pub fn verify_state(db: &Db) -> Result<StateCheck> {
    db.read(check)
}

fn check(c: &mut dyn Conn) -> Result<StateCheck> {
    let mut trail = trail_digests(c)?;
    let mut out = StateCheck::default();
    for table in Audited::ALL {
        let mut said = trail.remove(&table).unwrap_or_default();
        let mut found = Vec::new();
        all_digests(c, table, |record, digest| {
            out.records += 1;
            let problem = match said.remove(&record) {
                Some(d) if d == digest => return,
                Some(d) if d == ABSENT => Problem::Unrecorded,
                Some(_) => Problem::Altered,
                None => Problem::Unrecorded,
            };
            found.push((record, problem));
        })?;
        // What the trail still names has no row any more.
        found.extend(
            said.into_iter()
                .filter(|(_, d)| d != ABSENT)
                .map(|(record, _)| (record, Problem::Deleted)),
        );
        found.sort();
        out.findings
            .extend(found.into_iter().map(|(record, problem)| RecordFinding {
                table: table.table(),
                record,
                problem,
            }));
    }
    Ok(out)
}

/// Records a baseline digest for every record the trail does not name yet — rows
/// written before the trail kept digests — in one link by `actor`. Records the trail
/// names already are left alone, so an edit made since cannot be sealed away. Returns
/// how many records were sealed.
pub fn seal(db: &Db, actor: &str) -> Result<u64> {
    db.write(|c| {
        let unrecorded: Vec<RecordFinding> = check(c)?
            .findings
            .into_iter()
            .filter(|f| f.problem == Problem::Unrecorded)
            .collect();
        if unrecorded.is_empty() {
            return Ok(0);
        }
        let mut by_table: BTreeMap<&str, u64> = BTreeMap::new();
        for f in &unrecorded {
            let table = Audited::ALL
                .into_iter()
                .find(|t| t.table() == f.table)
                .ok_or_else(|| StoreError::Corrupt(format!("table {}", f.table)))?;
            touch(c, table, f.record.clone());
            *by_table.entry(f.table).or_default() += 1;
        }
        record(
            c,
            actor,
            Some("hoptac audit seal"),
            Entry {
                entity: "audit".into(),
                id: "seal".into(),
                action: "seal".into(),
                before: None,
                after: serde_json::to_value(&by_table).ok(),
            },
        );
        Ok(unrecorded.len() as u64)
    })
}
