//! `hoptac recheck`: recompute every scored evaluation (phiếu đánh giá) of a year
//! and list those whose stored outcome differs.

use super::{fail, Failure};
use clap::Args;
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct RecheckArgs {
    #[arg(long)]
    year: i32,
}

pub(super) fn run(reg: &Registry, a: RecheckArgs, lang: Lang) -> Result<(), Failure> {
    let found = reg.recheck_evaluations(a.year).map_err(|e| fail(e, lang))?;
    let points = |t: i32| hoptac_domain::i18n::format_decimal(f64::from(t) / 10.0, 1);
    for d in &found.differences {
        let name = reg
            .get(d.org_id, None)
            .map(|v| v.name().to_owned())
            .unwrap_or_default();
        let now = match (&d.recomputed, &d.problem) {
            (Some(o), _) => format!(
                "{} {}",
                points(o.total),
                lang.t(o.rating.label_vi(), o.rating.label_en())
            ),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        };
        outln!(
            "{} {name}: {} {} {} → {now}",
            d.org_id,
            lang.t("đã lưu", "stored"),
            points(d.stored.total),
            lang.t(d.stored.rating.label_vi(), d.stored.rating.label_en()),
        );
    }
    outln!(
        "{} {} {}; {} {}",
        lang.t("Đã tính lại", "Recomputed"),
        found.checked,
        lang.t("phiếu", "sheets"),
        found.differences.len(),
        lang.t("phiếu khác kết quả đã lưu", "differ from what is stored"),
    );
    if found.differences.is_empty() {
        Ok(())
    } else {
        Err(Failure(
            lang.t("có phiếu khác kết quả đã lưu", "some sheets differ")
                .into(),
        ))
    }
}
