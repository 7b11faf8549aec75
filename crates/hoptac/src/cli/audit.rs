//! `hoptac audit`: the tamper-evident audit trail (nhật ký) — verify the hash
//! chain and the stored state against it, print an anchor to keep, list recent
//! links, seal rows older than the trail's digests.

use super::{fail, Failure};
use clap::{Args, Subcommand};
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct AuditArgs {
    #[command(subcommand)]
    what: AuditCmd,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain and check its last link against the head (a cut tail
    /// is caught); with --anchor, also check it still passes through a link kept
    /// earlier (catches a rewritten chain). Then compare every audited record
    /// (organisations and their history, documents such as score sheets and targets,
    /// accounts, API tokens, place overlays) with the digest the trail last recorded
    /// for it, naming each table and record edited, added or deleted outside the
    /// application. Exit 1 if anything is wrong.
    Verify {
        /// SEQ:HASH as printed by `hoptac audit anchor`.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Print the latest link (SEQ:HASH) to keep outside the database.
    Anchor,
    /// The most recent links: who, when, what.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Record a baseline digest for every record the trail does not name yet (rows
    /// written before this version), in one link of its own. Run once after
    /// upgrading, having checked with `verify` that nothing else is reported: records
    /// the trail already names are never sealed, so later edits stay visible.
    Seal,
}

pub(super) fn run(reg: &Registry, a: AuditArgs, lang: Lang) -> Result<(), Failure> {
    use hoptac_store::audit::{self, Anchor};
    let store = |e: hoptac_store::StoreError| fail(e.into(), lang);
    match a.what {
        AuditCmd::Anchor => {
            match audit::anchor(&reg.db).map_err(store)? {
                Some(anchor) => outln!("{anchor}"),
                None => outln!(
                    "{}",
                    lang.t("Nhật ký còn trống", "The audit trail is empty")
                ),
            }
            Ok(())
        }
        AuditCmd::List { limit } => {
            for l in audit::recent(&reg.db, limit).map_err(store)? {
                let n = serde_json::from_str::<Vec<serde_json::Value>>(&l.entries)
                    .map_or(0, |v| v.len());
                outln!(
                    "{}  {}  {}  {}  {} {}",
                    l.seq,
                    l.recorded_at.format("%d/%m/%Y %H:%M:%S UTC"),
                    l.actor,
                    l.source.unwrap_or_default(),
                    n,
                    lang.t("bản ghi", "records")
                );
            }
            Ok(())
        }
        AuditCmd::Verify { anchor } => {
            let anchor = match anchor {
                Some(s) => Some(
                    Anchor::parse(&s).ok_or_else(|| Failure(format!("--anchor {s}: SEQ:HASH")))?,
                ),
                None => None,
            };
            chain(
                audit::verify(&reg.db, anchor.as_ref()).map_err(store)?,
                lang,
            )?;
            state(audit::verify_state(&reg.db).map_err(store)?, lang)
        }
        AuditCmd::Seal => {
            let n = audit::seal(&reg.db, "cli").map_err(store)?;
            outln!(
                "{n} {}",
                lang.t(
                    "bản ghi được niêm phong vào nhật ký",
                    "records sealed into the audit trail"
                )
            );
            Ok(())
        }
    }
}

/// The chain's verdict: a line when whole, the failure otherwise.
fn chain(f: hoptac_store::audit::Finding, lang: Lang) -> Result<(), Failure> {
    use hoptac_store::audit::Finding;
    match f {
        Finding::Intact { links } => {
            outln!(
                "{}: {links} {}",
                lang.t("Nhật ký nguyên vẹn", "Audit trail intact"),
                lang.t("mắt xích", "links")
            );
            Ok(())
        }
        Finding::Missing { seq } => Err(Failure(match lang {
            Lang::Vi => format!("nhật ký bị xóa: thiếu mắt xích {seq}"),
            Lang::En => format!("audit trail cut: link {seq} is missing"),
        })),
        Finding::Altered { seq } => Err(Failure(match lang {
            Lang::Vi => format!("nhật ký bị sửa: mắt xích {seq} không khớp mã băm"),
            Lang::En => format!("audit trail edited: link {seq} does not match its hash"),
        })),
        Finding::Broken { seq } => Err(Failure(match lang {
            Lang::Vi => format!("chuỗi nhật ký bị đứt tại mắt xích {seq}"),
            Lang::En => format!("audit chain broken at link {seq}"),
        })),
        Finding::AnchorMismatch { seq } => Err(Failure(match lang {
            Lang::Vi => format!("nhật ký đã bị viết lại: mắt xích {seq} khác mốc đã lưu"),
            Lang::En => {
                format!("audit trail rewritten: link {seq} differs from the kept anchor")
            }
        })),
    }
}

/// The most records named one by one; the rest are counted.
const SHOWN: usize = 50;

/// The stored state's verdict: a line when the trail vouches for every record, each
/// record it does not (with its table) otherwise.
fn state(check: hoptac_store::audit::StateCheck, lang: Lang) -> Result<(), Failure> {
    use hoptac_store::audit::Problem;
    if check.is_intact() {
        outln!(
            "{}: {} {}",
            lang.t("Dữ liệu khớp nhật ký", "Stored state matches the trail"),
            check.records,
            lang.t("bản ghi", "records")
        );
        return Ok(());
    }
    for f in check.findings.iter().take(SHOWN) {
        let what = match (f.problem, lang) {
            (Problem::Altered, Lang::Vi) => "bị sửa ngoài ứng dụng",
            (Problem::Altered, Lang::En) => "edited outside the application",
            (Problem::Unrecorded, Lang::Vi) => {
                "không có trong nhật ký (thêm ngoài ứng dụng, hoặc ghi trước phiên bản này: hoptac audit seal)"
            }
            (Problem::Unrecorded, Lang::En) => {
                "not in the trail (added outside the application, or written before this version: hoptac audit seal)"
            }
            (Problem::Deleted, Lang::Vi) => "bị xóa ngoài ứng dụng",
            (Problem::Deleted, Lang::En) => "deleted outside the application",
        };
        outln!("{} {}: {what}", f.table, f.record);
    }
    let n = check.findings.len();
    if n > SHOWN {
        outln!("… {} {}", n - SHOWN, lang.t("bản ghi nữa", "more records"));
    }
    Err(Failure(match lang {
        Lang::Vi => format!("{n} bản ghi không khớp nhật ký"),
        Lang::En => format!("{n} records do not match the audit trail"),
    }))
}
