//! The audit trail's anchor published on a schedule (*công bố mốc nhật ký*): the
//! latest link (`SEQ:HASH`), with the time, into the server's log and appended to a
//! file an operator copies off the machine. A chain rewritten inside the database
//! no longer passes through the anchors kept outside it (decision 0020).

use chrono::{DateTime, Utc};
use hoptac_store::audit::{self, Anchor};
use hoptac_store::{Db, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How often the server publishes the anchor.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Why an anchor could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("reading the audit trail: {0}")]
    Store(#[from] StoreError),
    #[error("appending to {0}: {1}")]
    File(PathBuf, std::io::Error),
}

/// The line an anchor file gets: time, then the anchor as `verify --anchor` takes it.
pub fn anchor_line(at: DateTime<Utc>, anchor: &Anchor) -> String {
    format!("{} {anchor}", at.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// Publishes the current anchor once: into the log, and appended to `file` if given.
/// `None` while the trail is empty.
pub fn publish(
    db: &Db,
    file: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<Option<Anchor>, PublishError> {
    let Some(anchor) = audit::anchor(db)? else {
        return Ok(None);
    };
    tracing::info!(anchor = %anchor, "audit trail anchor");
    if let Some(path) = file {
        let fail = |e| PublishError::File(path.to_owned(), e);
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(fail)?;
        writeln!(f, "{}", anchor_line(now, &anchor)).map_err(fail)?;
    }
    Ok(Some(anchor))
}

/// Publishes the anchor now and every [`EVERY`], on a thread of its own.
pub fn publish_every_hour(db: Db, file: Option<PathBuf>) {
    let spawned = std::thread::Builder::new()
        .name("audit-anchor".into())
        .spawn(move || loop {
            if let Err(e) = publish(&db, file.as_deref(), Utc::now()) {
                tracing::warn!(error = %e, "publishing the audit trail anchor");
            }
            std::thread::sleep(EVERY);
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start publishing the audit trail anchor");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_publication_appends_a_line_that_verify_takes() {
        let db = hoptac_testkit::sqlite();
        let reg = crate::testing::registry(&db);
        let file = std::env::temp_dir().join(format!("hoptac-anchors-{}.txt", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let now = Utc::now();
        let a = publish(&reg.db, Some(&file), now)
            .expect("publish")
            .expect("targets were seeded: the trail is not empty");
        publish(&reg.db, Some(&file), now).expect("again");
        let text = std::fs::read_to_string(&file).expect("read");
        let _ = std::fs::remove_file(&file);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let kept = lines[1].split_once(' ').expect("time, anchor").1;
        assert_eq!(Anchor::parse(kept), Some(a.clone()));
        assert!(matches!(
            audit::verify(&reg.db, Some(&a)).expect("verify"),
            audit::Finding::Intact { .. }
        ));
    }
}
