//! `hoptac audit`: the tamper-evident audit trail (nhật ký) — verify the hash
//! chain, print an anchor to keep, list recent links.

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
    /// Recompute the hash chain; with --anchor, also check it still passes through a
    /// link kept earlier (catches a rewritten chain). Exit 1 if anything is wrong.
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
}

pub(super) fn run(reg: &Registry, a: AuditArgs, lang: Lang) -> Result<(), Failure> {
    use hoptac_store::audit::{self, Anchor, Finding};
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
            match audit::verify(&reg.db, anchor.as_ref()).map_err(store)? {
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
    }
}
