//! Place overlays kept as data with their source: aliases of merged-away communes and
//! corrections to the legacy → 2025 mapping. Append-only; the newest entry for a legacy
//! commune wins.

use crate::db::{Conn, Result, StoreError, Val};
use chrono::{DateTime, Utc};
use hoptac_domain::place::{MappingCorrection, PlaceAlias};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub fn add_correction(
    c: &mut dyn Conn,
    id: i64,
    corr: &MappingCorrection,
    author: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO place_overlays (id, kind, legacy_code, body, source, recorded_at, author) VALUES (?, 'correction', ?, ?, ?, ?, ?)",
        &[
            id.into(),
            corr.legacy_code.clone().into(),
            serde_json::to_string(&corr.rows).map_err(corrupt)?.into(),
            corr.source.clone().into(),
            now.into(),
            author.into(),
        ],
    )?;
    crate::audit::touch(c, crate::audit::Audited::PlaceOverlays, id.to_string());
    Ok(())
}

pub fn add_alias(
    c: &mut dyn Conn,
    id: i64,
    alias: &PlaceAlias,
    author: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO place_overlays (id, kind, legacy_code, body, source, recorded_at, author) VALUES (?, 'alias', ?, ?, ?, ?, ?)",
        &[
            id.into(),
            alias.legacy_code.clone().into(),
            Val::Text(alias.name.clone()),
            alias.source.clone().into(),
            now.into(),
            author.into(),
        ],
    )?;
    crate::audit::touch(c, crate::audit::Audited::PlaceOverlays, id.to_string());
    Ok(())
}

/// The newest overlay's id: overlays are only ever added, so a server whose places were
/// loaded at a smaller id has missed one (written through another server).
pub fn latest_id(c: &mut dyn Conn) -> Result<i64> {
    Ok(
        c.query_one("SELECT COALESCE(MAX(id), 0) FROM place_overlays", &[])?
            .map(|r| r.i64(0))
            .transpose()?
            .unwrap_or(0),
    )
}

/// The corrections in force (newest per legacy commune) and all aliases.
pub fn load(c: &mut dyn Conn) -> Result<(Vec<MappingCorrection>, Vec<PlaceAlias>)> {
    let rows = c.query(
        "SELECT kind, legacy_code, body, source FROM place_overlays ORDER BY id",
        &[],
    )?;
    let mut corrections: Vec<MappingCorrection> = Vec::new();
    let mut aliases = Vec::new();
    for r in rows {
        let (kind, legacy_code, body, source) = (r.text(0)?, r.text(1)?, r.text(2)?, r.text(3)?);
        if kind == "correction" {
            corrections.retain(|c| c.legacy_code != legacy_code);
            corrections.push(MappingCorrection {
                legacy_code,
                rows: serde_json::from_str(&body).map_err(corrupt)?,
                source,
            });
        } else {
            aliases.push(PlaceAlias {
                name: body,
                legacy_code,
                source,
            });
        }
    }
    Ok((corrections, aliases))
}
