//! The registry importer's write (*ghi*), in the import's one transaction: new records
//! are made (history, state, search keys, JSON, audit entry) on a second thread while
//! this one inserts them, then their history rows go in, then the updates. Making a
//! row costs about as much as inserting it, so the two cores share the work.

use super::{changed_during_import, OrgChange, RegistryImport};
use crate::error::{AppError, Result};
use crate::import::Progress;
use crate::registry::{creation_entry, Actor, Registry};
use chrono::{DateTime, NaiveDate, Utc};
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, StatusChange};
use hoptac_domain::place::Gazetteer;
use hoptac_store::{audit, orgs, Conn, StoreError, Val};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// New records per message between the threads.
const CHUNK: usize = 256;
/// Messages the maker may run ahead of the writer (bounded: memory stays flat).
const AHEAD: usize = 8;

/// A row that creates a record, as checked.
struct NewRow<'a> {
    kind: OrgKind,
    fields: &'a OrgFields,
    status: &'a StatusChange,
    status_at: Option<NaiveDate>,
}

/// A new record ready to insert: its row, its history rows and its audit entry.
struct Built {
    org: Vec<Val>,
    changes: Vec<Vec<Val>>,
    audit: audit::Entry,
}

/// What the maker thread needs: shared, read-only.
#[derive(Clone, Copy)]
struct Maker<'a> {
    reg: &'a Registry,
    actor: &'a Actor,
    places: &'a Gazetteer,
    now: DateTime<Utc>,
}

impl RegistryImport<'_> {
    /// Writes every checked change; returns the ids of the new records, in row order.
    pub(super) fn write_all(
        &self,
        c: &mut dyn Conn,
        ready: &[OrgChange],
        progress: &dyn Fn(Progress),
    ) -> Result<Vec<OrgId>> {
        let new: Vec<NewRow> = ready.iter().filter_map(new_row).collect();
        orgs::reserve_cache(c, new.len())?;
        let first = match new.len() {
            0 => 0,
            n => orgs::allocate_ids(c, "organisation", n as i64)?,
        };
        let maker = Maker {
            reg: self.reg,
            actor: self.actor,
            places: self.places,
            now: Utc::now(),
        };
        let total = ready.len();
        std::thread::scope(|s| {
            let (tx, rx) = sync_channel(AHEAD);
            let new = &new;
            s.spawn(move || maker.make_all(new, first, tx));
            insert_made(c, rx, maker.actor, &|done| {
                progress(Progress::Writing { done, total })
            })
        })?;
        let mut done = new.len();
        for p in ready {
            if let OrgChange::Update {
                id,
                version,
                bodies,
            } = p
            {
                let (reg, actor, now) = (self.reg, self.actor, maker.now);
                reg.append(c, *id, *version, bodies.clone(), actor, now, self.places)
                    .map_err(changed_during_import)?;
                done += 1;
                if done.is_multiple_of(200) {
                    progress(Progress::Writing { done, total });
                }
            }
        }
        Ok((first..first + new.len() as i64).collect())
    }
}

fn new_row(p: &OrgChange) -> Option<NewRow<'_>> {
    match p {
        OrgChange::Create {
            kind,
            fields,
            status,
            status_at,
        } => Some(NewRow {
            kind: *kind,
            fields,
            status,
            status_at: *status_at,
        }),
        OrgChange::Update { .. } => None,
    }
}

impl Maker<'_> {
    /// Makes every new record, a chunk at a time, until done, an error, or the writer
    /// stops listening (it failed: the transaction is rolled back).
    fn make_all(self, new: &[NewRow], first: OrgId, tx: SyncSender<Result<Vec<Built>>>) {
        let mut id = first;
        for chunk in new.chunks(CHUNK) {
            let made: Result<Vec<Built>> = chunk
                .iter()
                .map(|r| {
                    id += 1;
                    self.make(id - 1, r)
                })
                .collect();
            let failed = made.is_err();
            if tx.send(made).is_err() || failed {
                return;
            }
        }
    }

    fn make(&self, id: OrgId, r: &NewRow) -> Result<Built> {
        let (view, st, changes) = self.reg.new_record(
            id,
            r.kind,
            r.fields.clone(),
            r.status.clone(),
            r.status_at,
            self.actor,
            self.now,
            self.places,
        )?;
        Ok(Built {
            org: orgs::org_row(&view, &st, self.now)?,
            changes: changes
                .iter()
                .map(orgs::change_row)
                .collect::<std::result::Result<_, _>>()?,
            audit: creation_entry(&st),
        })
    }
}

/// Inserts the records as they are made, then their history; notes each for the audit
/// trail. An error on the maker's side stops the insert and is returned.
fn insert_made(
    c: &mut dyn Conn,
    rx: Receiver<Result<Vec<Built>>>,
    actor: &Actor,
    progress: &dyn Fn(usize),
) -> Result<()> {
    let mut changes = Vec::new();
    let mut entries = Vec::new();
    let mut failed: Option<AppError> = None;
    {
        let mut rows = rx
            .iter()
            .map_while(|made| made.map_err(|e| failed = Some(e)).ok())
            .flatten()
            .map(|b| {
                changes.extend(b.changes);
                entries.push(b.audit);
                if entries.len().is_multiple_of(200) {
                    progress(entries.len());
                }
                Ok::<_, StoreError>(b.org)
            });
        orgs::insert_rows(c, &mut rows)?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    orgs::append_change_rows(c, &mut changes.into_iter().map(Ok))?;
    for e in entries {
        audit::record(c, &actor.name, actor.source.as_deref(), e);
    }
    Ok(())
}
