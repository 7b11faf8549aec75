//! `hoptac targets`: Letter 538's targets and indicators for a year, as a table an
//! officer can paste into a report, or as JSON or CSV.

use super::{fail, Failure};
use clap::Args;
use hoptac_app::indicators::{Breakdown, IndicatorRow, TargetReport};
use hoptac_app::Registry;
use hoptac_domain::i18n::{format_date, format_decimal, format_int, Lang};
use hoptac_domain::indicators::{Indicator, Measure, TargetStatus};
use std::io::Write;

#[derive(Args)]
pub(super) struct TargetsArgs {
    /// The year (values on 31 December; period counts up to it).
    #[arg(long)]
    year: Option<i32>,
    /// Split by: commune (2025), district (legacy), legacy-commune, sector or kind.
    #[arg(long)]
    by: Option<String>,
    /// table (default), json or csv.
    #[arg(long, default_value = "table")]
    format: String,
}

pub(super) fn run(reg: &Registry, a: TargetsArgs, lang: Lang) -> Result<(), Failure> {
    use chrono::Datelike;
    let year = a.year.unwrap_or_else(|| reg.today().year());
    let by = match a.by.as_deref() {
        None => None,
        Some(b) => Some(
            hoptac_app::indicators::Breakdown::parse(&b.replace('-', "_")).ok_or_else(|| {
                Failure(format!(
                    "--by {b}: {}",
                    lang.t(
                        "dùng commune, district, legacy-commune, sector hoặc kind",
                        "use commune, district, legacy-commune, sector or kind"
                    )
                ))
            })?,
        ),
    };
    let report = reg.target_report(year, by).map_err(|e| fail(e, lang))?;
    if report.targets.is_empty() {
        return Err(Failure(
            lang.t(
                "Chưa có chỉ tiêu nào cho tỉnh này",
                "No targets for this province yet",
            )
            .to_owned(),
        ));
    }
    let places = reg.places();
    let province = places
        .province
        .as_ref()
        .and_then(|p| places.units.province(hoptac_domain::Scheme::Y2025, p))
        .map_or_else(
            || lang.t("Toàn quốc", "National").to_owned(),
            |p| p.name.clone(),
        );
    let mut out = std::io::stdout();
    let written = match a.format.as_str() {
        "table" => out.write_all(table(&report, lang, &province).as_bytes()),
        "json" => out.write_all(
            serde_json::to_string_pretty(&report)
                .map_err(|e| Failure(e.to_string()))?
                .as_bytes(),
        ),
        "csv" => out.write_all(&csv(&report, lang)),
        f => return Err(Failure(format!("--format {f}: table, json, csv"))),
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Failure(e.to_string())),
    }
}

fn value(ind: Indicator, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if ind.is_share() => format!("{}%", format_decimal(v, 1)),
        Some(v) => format_decimal(v, if v.fract() == 0.0 { 0 } else { 1 }),
    }
}

fn counted(m: &Measure) -> String {
    match m.denominator {
        Some(d) => format!("{}/{}", format_int(m.numerator), format_int(d)),
        None => format_int(m.numerator),
    }
}

fn label(ind: Indicator, lang: Lang) -> &'static str {
    lang.t(ind.label_vi(), ind.label_en())
}

fn status_label(s: TargetStatus, lang: Lang) -> &'static str {
    lang.t(s.label_vi(), s.label_en())
}

/// Lays out rows as aligned columns (widths by characters, not bytes).
fn aligned(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "{c}{}",
                    " ".repeat(widths[i].saturating_sub(c.chars().count()))
                )
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if n == 0 {
            out.push_str(
                &widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  "),
            );
            out.push('\n');
        }
    }
    out
}

fn table(r: &TargetReport, lang: Lang, province_name: &str) -> String {
    let mut out = String::new();
    let period = r.targets.first().map(|t| {
        (
            t.target.period_start,
            t.target.period_end,
            t.target.document.clone(),
        )
    });
    out.push_str(&match lang {
        Lang::Vi => format!(
            "Chỉ tiêu kinh tế tập thể — {province_name} — năm {}\n",
            r.year
        ),
        Lang::En => format!(
            "Collective economy targets — {province_name} — {}\n",
            r.year
        ),
    });
    if let Some((s, e, doc)) = &period {
        out.push_str(&format!(
            "{}: {} – {} ({doc})\n\n",
            lang.t("Kỳ", "Period"),
            format_date(*s),
            format_date(*e)
        ));
    }
    let mut rows = vec![vec![
        lang.t("Chỉ tiêu", "Indicator").to_owned(),
        lang.t("Mục tiêu", "Target").to_owned(),
        lang.t("Thực hiện", "Value").to_owned(),
        lang.t("Tử số/mẫu số", "Counted").to_owned(),
        lang.t("Chưa đánh giá", "Unevaluated").to_owned(),
        lang.t("Dự báo cuối kỳ", "Projected").to_owned(),
        lang.t("Đánh giá", "Status").to_owned(),
    ]];
    for t in &r.targets {
        let ind = t.target.indicator;
        let mut v = value(ind, t.current_value);
        if t.current.provisional {
            v.push_str(lang.t(" (tạm tính)", " (provisional)"));
        }
        rows.push(vec![
            label(ind, lang).to_owned(),
            format!(
                "{} {}",
                t.target.comparison.label_vi(),
                value(ind, Some(t.target.value))
            ),
            format!("{v} ({})", t.year),
            counted(&t.current),
            t.current.unevaluated.map(format_int).unwrap_or_default(),
            value(ind, t.projection),
            status_label(t.status, lang).to_owned(),
        ]);
    }
    out.push_str(&aligned(&rows));
    if let Some(by) = r.breakdown {
        out.push('\n');
        out.push_str(&breakdown_table(r, by, lang));
    }
    out
}

fn breakdown_title(by: Breakdown, lang: Lang) -> &'static str {
    match by {
        Breakdown::Commune => lang.t("Xã, phường (sau 1/7/2025)", "Commune (2025)"),
        Breakdown::District => lang.t(
            "Huyện, thành phố (trước 1/7/2025)",
            "District (before 2025)",
        ),
        Breakdown::LegacyCommune => lang.t("Xã (trước 1/7/2025)", "Commune (before 2025)"),
        Breakdown::Sector => lang.t("Lĩnh vực", "Sector"),
        Breakdown::Kind => lang.t("Loại hình", "Kind"),
    }
}

fn breakdown_table(r: &TargetReport, by: Breakdown, lang: Lang) -> String {
    let indicators: Vec<Indicator> = r.targets.iter().map(|t| t.target.indicator).collect();
    let mut groups: Vec<(String, String)> = r
        .rows
        .iter()
        .filter_map(|row| {
            row.group
                .as_ref()
                .map(|g| (g.code.clone(), g.label.clone()))
        })
        .collect();
    groups.sort_by(|a, b| {
        hoptac_domain::text::sort_key(&a.1).cmp(&hoptac_domain::text::sort_key(&b.1))
    });
    groups.dedup();
    let mut header = vec![breakdown_title(by, lang).to_owned()];
    header.extend(indicators.iter().map(|i| label(*i, lang).to_owned()));
    let mut rows = vec![header];
    let mut derived = 0;
    for (code, name) in &groups {
        let mut line = vec![if code.is_empty() {
            name.clone()
        } else {
            format!("{name} ({code})")
        }];
        for ind in &indicators {
            let row: Option<&IndicatorRow> = r
                .rows
                .iter()
                .find(|x| x.indicator == *ind && x.group.as_ref().is_some_and(|g| &g.code == code));
            line.push(match row {
                Some(x) => {
                    derived += x.derived_places;
                    match x.measure.denominator {
                        Some(_) => format!("{} ({})", value(*ind, x.value), counted(&x.measure)),
                        None => counted(&x.measure),
                    }
                }
                None => "0".into(),
            });
        }
        rows.push(line);
    }
    let mut out = aligned(&rows);
    if derived > 0 {
        out.push_str(&match lang {
            Lang::Vi => format!("\nGhi chú: {derived} lượt tổ chức được xếp vào địa bàn theo quy tắc (xã bị chia về xã nhận mặc định; xã mới về huyện cũ góp nhiều xã nhất).\n"),
            Lang::En => format!("\nNote: {derived} placements were derived (split communes to their default; 2025 communes to the legacy district that contributed most).\n"),
        });
    }
    out
}

fn csv(r: &TargetReport, lang: Lang) -> Vec<u8> {
    let mut w = csv_writer();
    let _ = w.write_record([
        "indicator",
        "label",
        "group_code",
        "group",
        "year",
        "target",
        "numerator",
        "denominator",
        "unevaluated",
        "value",
        "projection",
        "status",
    ]);
    for t in &r.targets {
        let ind = t.target.indicator;
        let _ = w.write_record([
            ind.code().to_owned(),
            label(ind, lang).to_owned(),
            String::new(),
            String::new(),
            t.year.to_string(),
            format!("{} {}", t.target.comparison.label_vi(), t.target.value),
            t.current.numerator.to_string(),
            t.current
                .denominator
                .map(|d| d.to_string())
                .unwrap_or_default(),
            t.current
                .unevaluated
                .map(|d| d.to_string())
                .unwrap_or_default(),
            t.current_value
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            t.projection.map(|v| format!("{v:.1}")).unwrap_or_default(),
            t.status.code().to_owned(),
        ]);
    }
    for row in &r.rows {
        let ind = row.indicator;
        let g = row.group.clone().unwrap_or(hoptac_app::indicators::Group {
            code: String::new(),
            label: String::new(),
        });
        let _ = w.write_record([
            ind.code().to_owned(),
            label(ind, lang).to_owned(),
            g.code,
            g.label,
            r.year.to_string(),
            String::new(),
            row.measure.numerator.to_string(),
            row.measure
                .denominator
                .map(|d| d.to_string())
                .unwrap_or_default(),
            row.measure
                .unevaluated
                .map(|d| d.to_string())
                .unwrap_or_default(),
            row.value.map(|v| format!("{v:.1}")).unwrap_or_default(),
            String::new(),
            String::new(),
        ]);
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(w.into_inner().unwrap_or_default());
    out
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}
