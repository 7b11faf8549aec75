//! `hoptac follow-ups`: HTX rated weak (yếu) or formal-only (tồn tại hình thức) in
//! a year, and their follow-up plans (phương án).

use super::{fail, Failure};
use clap::Args;
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct FollowUpsArgs {
    #[arg(long)]
    year: i32,
    /// Only those without a follow-up record.
    #[arg(long)]
    missing_only: bool,
}

pub(super) fn run(reg: &Registry, a: FollowUpsArgs, lang: Lang) -> Result<(), Failure> {
    let mut list = reg.needing_follow_up(a.year).map_err(|e| fail(e, lang))?;
    if a.missing_only {
        list.retain(|n| n.follow_up.is_none());
    }
    outln!(
        "{}: {}",
        lang.t("HTX yếu hoặc tồn tại hình thức", "Weak or formal-only HTX"),
        list.len()
    );
    for n in list {
        let causes: Vec<&str> = n
            .causes
            .iter()
            .map(|c| match c {
                hoptac_app::followups::Cause::Weak => lang.t("yếu", "weak"),
                hoptac_app::followups::Cause::FormalOnly => {
                    lang.t("tồn tại hình thức", "formal-only")
                }
            })
            .collect();
        let plan = match &n.follow_up {
            Some(f) => format!(
                "{} — {}, {} {}",
                f.follow_up.description,
                f.follow_up.owner,
                lang.t("hạn", "due"),
                hoptac_domain::i18n::format_date(f.follow_up.deadline)
            ),
            None => lang.t("CHƯA CÓ PHƯƠNG ÁN", "NO PLAN YET").to_owned(),
        };
        outln!(
            "  {} ({}): {} — {plan}",
            n.org.name(),
            n.org.id,
            causes.join(", ")
        );
    }
    Ok(())
}
