//! Digests of the audited rows (*mã băm bản ghi*): the tables the trail vouches for,
//! and one digest per record of what is stored there. Writers only name the records
//! they wrote ([`touch`]); the digests are read back from the rows just before commit,
//! by the same code that verification uses, so the two cannot disagree on encoding.

use crate::db::{Conn, Result, Row, Val};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// A table whose rows the audit trail vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audited {
    /// Current state of organisations (*hồ sơ tổ chức*), one record per organisation.
    Organisations,
    /// Their history (*lịch sử thay đổi*): one record per organisation, all its rows.
    OrgChanges,
    /// Links between organisations (membership, conversion).
    OrgLinks,
    /// Documents: annual reports, evaluations (*phiếu chấm điểm*), follow-ups, targets
    /// (*chỉ tiêu*); record `kind:id`.
    Documents,
    /// Their history, one record per document (`kind:id`).
    DocumentChanges,
    /// Accounts (*tài khoản*): password hash, role, scope, disabled flag.
    Users,
    /// API tokens: their digest, owner, expiry and revocation.
    ApiTokens,
    /// Place corrections and aliases (*hiệu chỉnh địa bàn*).
    PlaceOverlays,
    /// Second factors (*xác thực hai bước*): whose, and the secret (not the last step
    /// used, which every sign-in moves).
    SecondFactors,
}

/// How a table's records are read.
struct Spec {
    /// The column naming a record (after `kind`, for documents).
    key: &'static str,
    /// Documents are keyed by kind and id.
    kinded: bool,
    /// The digested columns, in order: every column, so no edit goes unnoticed.
    cols: &'static str,
    /// Histories hold many rows per record: their order within it.
    order: &'static str,
}

impl Audited {
    pub const ALL: [Audited; 9] = [
        Audited::Organisations,
        Audited::OrgChanges,
        Audited::OrgLinks,
        Audited::Documents,
        Audited::DocumentChanges,
        Audited::Users,
        Audited::ApiTokens,
        Audited::PlaceOverlays,
        Audited::SecondFactors,
    ];

    /// The table's name in the schema.
    pub fn table(self) -> &'static str {
        match self {
            Audited::Organisations => "organisations",
            Audited::OrgChanges => "org_changes",
            Audited::OrgLinks => "org_links",
            Audited::Documents => "documents",
            Audited::DocumentChanges => "document_changes",
            Audited::Users => "users",
            Audited::ApiTokens => "api_tokens",
            Audited::PlaceOverlays => "place_overlays",
            Audited::SecondFactors => "second_factors",
        }
    }

    fn spec(self) -> Spec {
        let one = |key, cols| Spec {
            key,
            kinded: false,
            cols,
            order: "",
        };
        match self {
            Audited::Organisations => one(
                "id",
                "id, kind, version, name, tax_code, registration_number, registering_body, \
                 place_scheme, place_code, commune_2025, legacy_commune, legacy_district, \
                 province_2025, sector, founding_date, status, suspended_until, search_key, \
                 sort_key, match_key, state, created_at, updated_at",
            ),
            Audited::OrgChanges => Spec {
                order: ", seq",
                ..one(
                    "org_id",
                    "org_id, seq, effective, recorded_at, author, source, body",
                )
            },
            Audited::OrgLinks => one("id", "id, kind, subject_id, object_id, created_at"),
            Audited::Documents => Spec {
                kinded: true,
                ..one(
                    "id",
                    "kind, id, org_id, year, state, version, body, created_at, updated_at",
                )
            },
            Audited::DocumentChanges => Spec {
                kinded: true,
                order: ", seq",
                ..one(
                    "id",
                    "kind, id, seq, state, body, recorded_at, author, source, note",
                )
            },
            Audited::Users => one(
                "id",
                "id, username, display_name, password_hash, role, scope, disabled, version, \
                 created_at, updated_at",
            ),
            Audited::ApiTokens => one(
                "id",
                "id, token_hash, user_id, label, created_at, expires_at, revoked_at",
            ),
            Audited::PlaceOverlays => one(
                "id",
                "id, kind, legacy_code, body, source, recorded_at, author",
            ),
            Audited::SecondFactors => one("user_id", "user_id, secret, created_at"),
        }
    }
}

/// The records a transaction wrote, by table.
pub(crate) type Touched = BTreeMap<Audited, BTreeSet<String>>;

/// Digests by table and record, as a link carries them.
pub type Digests = BTreeMap<Audited, BTreeMap<String, String>>;

/// What a link says of a record that is gone at commit.
pub(crate) const ABSENT: &str = "";

/// Notes that the current transaction wrote a record: its digest goes into the trail
/// at commit.
pub fn touch(c: &mut dyn Conn, table: Audited, record: impl Into<String>) {
    c.audit_buffer()
        .touched
        .entry(table)
        .or_default()
        .insert(record.into());
}

/// A document's record name.
pub fn doc_record(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

/// The digests of some records of a table, read back as stored (a record with no row
/// gets [`ABSENT`]). A few hundred records per statement.
pub(crate) fn digests_of(
    c: &mut dyn Conn,
    table: Audited,
    records: &BTreeSet<String>,
) -> Result<BTreeMap<String, String>> {
    let spec = table.spec();
    let mut out: BTreeMap<String, String> = records
        .iter()
        .map(|r| (r.clone(), ABSENT.to_owned()))
        .collect();
    // Documents are read kind by kind, so that the primary key serves the lookup.
    let mut by_kind: BTreeMap<Option<&str>, Vec<&str>> = BTreeMap::new();
    for r in records {
        match (spec.kinded, r.split_once(':')) {
            (true, Some((kind, id))) => by_kind.entry(Some(kind)).or_default().push(id),
            (true, None) => {}
            (false, _) => by_kind.entry(None).or_default().push(r),
        }
    }
    for (kind, ids) in by_kind {
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut args: Vec<Val> = kind.map(Val::from).into_iter().collect();
            for id in chunk {
                args.push(if spec.kinded {
                    Val::from(*id)
                } else {
                    // Integer keys: a record name that is not a number names no row.
                    Val::I64(id.parse().unwrap_or(i64::MIN))
                });
            }
            let kind_cond = if spec.kinded { "kind = ? AND " } else { "" };
            let sql = format!(
                "SELECT {}, {} FROM {} WHERE {kind_cond}{} IN ({marks}) ORDER BY {}{}",
                record_cols(&spec),
                spec.cols,
                table.table(),
                spec.key,
                spec.key,
                spec.order
            );
            out.extend(digest_rows(&spec, &c.query(&sql, &args)?));
        }
    }
    Ok(out)
}

/// Every record of a table with its digest, in pages (a national registry does not fit
/// in one read).
pub(crate) fn all_digests(
    c: &mut dyn Conn,
    table: Audited,
    mut each: impl FnMut(String, String),
) -> Result<()> {
    let spec = table.spec();
    let select = format!(
        "SELECT {}, {} FROM {}",
        record_cols(&spec),
        spec.cols,
        table.table()
    );
    if spec.kinded {
        // Documents are few next to organisations: one read per kind.
        let kinds = c.query(
            &format!("SELECT DISTINCT kind FROM {} ORDER BY kind", table.table()),
            &[],
        )?;
        for k in kinds {
            let sql = format!("{select} WHERE kind = ? ORDER BY id{}", spec.order);
            for (r, d) in digest_rows(&spec, &c.query(&sql, &[k.0[0].clone()])?) {
                each(r, d);
            }
        }
        return Ok(());
    }
    // Rows whose key is missing (added by hand) are read apart, then ranges of keys.
    let sql = format!("{select} WHERE {} IS NULL", spec.key);
    for (r, d) in digest_rows(&spec, &c.query(&sql, &[])?) {
        each(r, d);
    }
    let bounds = c
        .query_one(
            &format!(
                "SELECT COALESCE(MIN({k}), 0), COALESCE(MAX({k}), 0) FROM {}",
                table.table(),
                k = spec.key
            ),
            &[],
        )?
        .map(|r| Ok::<_, crate::StoreError>((r.i64(0)?, r.i64(1)?)))
        .transpose()?
        .unwrap_or((0, 0));
    let sql = format!(
        "{select} WHERE {k} >= ? AND {k} < ? ORDER BY {k}{}",
        spec.order,
        k = spec.key
    );
    let mut from = bounds.0;
    while from <= bounds.1 {
        let to = from.saturating_add(2_000);
        for (r, d) in digest_rows(&spec, &c.query(&sql, &[from.into(), to.into()])?) {
            each(r, d);
        }
        from = to;
    }
    Ok(())
}

/// The columns that name a record, read before the digested ones.
fn record_cols(spec: &Spec) -> String {
    if spec.kinded {
        format!("kind, {}", spec.key)
    } else {
        spec.key.to_owned()
    }
}

/// Groups rows by record (they come ordered by it) and digests each group.
fn digest_rows(spec: &Spec, rows: &[Row]) -> Vec<(String, String)> {
    let skip = if spec.kinded { 2 } else { 1 };
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, Sha256)> = None;
    for r in rows {
        let record = if spec.kinded {
            doc_record(&plain(&r.0[0]), &plain(&r.0[1]))
        } else {
            plain(&r.0[0])
        };
        match &mut current {
            Some((name, h)) if *name == record => feed_row(h, &r.0[skip..]),
            _ => {
                if let Some((name, h)) = current.take() {
                    out.push((name, finish(h)));
                }
                let mut h = Sha256::new();
                feed_row(&mut h, &r.0[skip..]);
                current = Some((record, h));
            }
        }
    }
    if let Some((name, h)) = current {
        out.push((name, finish(h)));
    }
    out
}

/// A record name from its key column.
fn plain(v: &Val) -> String {
    match v {
        Val::Null => "?".into(),
        Val::I64(x) => x.to_string(),
        Val::Text(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// Feeds one row: every value tagged with its type and length, so that no two rows
/// share an encoding. Values are as the backend returns them; both the writer and the
/// verifier read them the same way.
fn feed_row(h: &mut Sha256, row: &[Val]) {
    h.update([0xff]);
    for v in row {
        match v {
            Val::Null => h.update([0]),
            Val::I64(x) => {
                h.update([1]);
                h.update(x.to_be_bytes());
            }
            Val::Bool(b) => {
                h.update([1]);
                h.update(i64::from(*b).to_be_bytes());
            }
            Val::F64(x) => {
                h.update([2]);
                h.update(x.to_bits().to_be_bytes());
            }
            Val::Text(s) => feed_bytes(h, 3, s.as_bytes()),
            Val::Date(d) => feed_bytes(h, 4, d.format("%Y-%m-%d").to_string().as_bytes()),
            Val::Ts(t) => {
                h.update([5]);
                h.update(t.timestamp_micros().to_be_bytes());
            }
            Val::Bytes(b) => feed_bytes(h, 6, b),
        }
    }
}

fn feed_bytes(h: &mut Sha256, tag: u8, b: &[u8]) {
    h.update([tag]);
    h.update((b.len() as u64).to_be_bytes());
    h.update(b);
}

/// 128 bits of SHA-256 in hex: ample to notice an edit, half the trail's size.
fn finish(h: Sha256) -> String {
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
