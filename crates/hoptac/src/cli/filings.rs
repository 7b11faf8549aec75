//! `hoptac filings`: who has not filed the self-evaluation (tự đánh giá) or the
//! final report (báo cáo quyết toán) by its deadline, by commune (xã).

use super::{fail, Failure};
use clap::Args;
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct FilingsArgs {
    #[arg(long)]
    year: i32,
    /// self-evaluation (due 15/12) or final-report (due 15/01 of the next year).
    #[arg(long, default_value = "final-report")]
    filing: String,
}

pub(super) fn run(reg: &Registry, a: FilingsArgs, lang: Lang) -> Result<(), Failure> {
    use hoptac_app::reports::Filing;
    let filing = match a.filing.replace('_', "-").as_str() {
        "final-report" | "final" => Filing::FinalReport,
        "self-evaluation" | "self" => Filing::SelfEvaluation,
        f => {
            return Err(Failure(format!(
                "--filing {f}: final-report, self-evaluation"
            )))
        }
    };
    let missing = reg
        .missing_filings(
            &hoptac_domain::auth::Scope::All,
            a.year,
            filing,
            reg.today(),
            &reg.deadlines,
        )
        .map_err(|e| fail(e, lang))?;
    let places = reg.places();
    let mut by_commune: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for m in &missing {
        let commune = m
            .org
            .places
            .commune_2025
            .as_deref()
            .and_then(|c| places.units.commune(hoptac_domain::Scheme::Y2025, c))
            .map_or_else(
                || lang.t("(chưa rõ)", "(unknown)").to_owned(),
                |c| c.name.clone(),
            );
        by_commune
            .entry(commune)
            .or_default()
            .push(format!("{} ({})", m.org.name(), m.org.id));
    }
    let due = missing
        .first()
        .map(|m| hoptac_domain::i18n::format_date(m.due))
        .unwrap_or_default();
    outln!(
        "{}: {} {}",
        lang.t("Chưa nộp", "Not filed"),
        missing.len(),
        if due.is_empty() {
            String::new()
        } else {
            format!("({} {due})", lang.t("hạn", "due"))
        }
    );
    let mut communes: Vec<_> = by_commune.into_iter().collect();
    communes.sort_by_key(|(c, _)| hoptac_domain::text::sort_key(c));
    for (commune, orgs) in communes {
        outln!("\n{commune} ({})", orgs.len());
        for o in orgs {
            outln!("  - {o}");
        }
    }
    Ok(())
}
