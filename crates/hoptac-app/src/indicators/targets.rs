//! Targets (*mục tiêu*): the shipped ones (Letter 538), loading them into a new
//! database, and officers' edits.

use super::*;
use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::{Datelike, Utc};
use hoptac_domain::indicators::{Comparison, Indicator, Target};
use hoptac_store::docs::{self, Doc, Stamp};
use serde::Deserialize;

impl Registry {
    /// The targets stored for the province: (id, version, target).
    pub fn targets(&self) -> Result<Vec<(String, i64, Target)>> {
        let all: Vec<Doc<Target>> = self.db.read(|c| docs::list(c, TARGET_KIND, None, None))?;
        let province = self.places().province.clone();
        Ok(all
            .into_iter()
            .filter(|d| province.as_ref().is_none_or(|p| d.body.province == *p))
            .map(|d| (d.id, d.version, d.body))
            .collect())
    }

    /// Changes a target (the previous value stays in its history).
    pub fn update_target(
        &self,
        id: &str,
        version: i64,
        target: Target,
        actor: &Actor,
    ) -> Result<(String, i64, Target)> {
        let mut errs = target.problems();
        let known = self
            .places()
            .units
            .province(hoptac_domain::Scheme::Y2025, &target.province)
            .is_some();
        if !known {
            errs.push(hoptac_domain::validate::FieldError::new(
                "province",
                hoptac_domain::validate::FieldProblem::UnknownValue {
                    value: target.province.clone(),
                    allowed: self.places().province.clone().into_iter().collect(),
                },
            ));
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let now = Utc::now();
        let stamp = Stamp {
            author: &actor.name,
            source: actor.source.as_deref(),
            note: None,
            now,
        };
        self.db.write(|c| {
            let cur: Doc<Target> = docs::get(c, TARGET_KIND, id)?.ok_or(AppError::NotFound {
                what: "target",
                id: id.to_owned(),
            })?;
            if cur.version != version
                || !docs::update(c, TARGET_KIND, id, version, None, &target, &stamp)?
            {
                return Err(AppError::StaleDocument {
                    what: "target",
                    current: Box::new(serde_json::to_value(&cur.body).unwrap_or_default()),
                    current_version: cur.version,
                    your_version: version,
                });
            }
            Ok((id.to_owned(), version + 1, target.clone()))
        })
    }

    /// Loads the shipped targets of the province served (Letter 538 for Lạng Sơn) the
    /// first time; afterwards they are data to edit.
    pub fn seed_targets(&self) -> Result<usize> {
        let Some(province) = self.places().province.clone() else {
            return Ok(0);
        };
        let shipped = shipped_targets()?;
        let mine: Vec<Target> = shipped
            .into_iter()
            .filter(|t| t.province == province)
            .collect();
        if mine.is_empty() || !self.targets()?.is_empty() {
            return Ok(0);
        }
        let now = Utc::now();
        let stamp = Stamp {
            author: "hoptac",
            source: Some("data/targets"),
            note: None,
            now,
        };
        self.db.write(|c| {
            for t in &mine {
                let id = format!(
                    "{}:{}:{}",
                    t.province,
                    t.indicator.code(),
                    t.period_end.year()
                );
                docs::insert(
                    c,
                    TARGET_KIND,
                    &id,
                    None,
                    Some(i64::from(t.period_end.year())),
                    None,
                    t,
                    &stamp,
                )?;
            }
            Ok::<_, AppError>(mine.len())
        })
    }
}

#[derive(Deserialize)]
struct TargetFile {
    province: String,
    document: String,
    targets: Vec<TargetRow>,
}

#[derive(Deserialize)]
struct TargetRow {
    indicator: String,
    period_start: String,
    period_end: String,
    comparison: String,
    value: f64,
    #[serde(default)]
    note: Option<String>,
}

const SHIPPED_TARGETS: &[&str] = &[include_str!("../../../../data/targets/538-lang-son.toml")];

/// The targets shipped in `data/targets/`.
pub fn shipped_targets() -> Result<Vec<Target>> {
    let bad = |m: String| {
        AppError::refused(
            "bad_targets",
            format!("Tệp chỉ tiêu không hợp lệ: {m}"),
            format!("Invalid targets file: {m}"),
        )
    };
    let mut out = Vec::new();
    for text in SHIPPED_TARGETS {
        // Dates are quoted by the TOML reader as datetimes; read them back as text.
        let value: toml::Value = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let normalized = toml_dates_to_strings(value);
        let file: TargetFile = normalized
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
        for r in file.targets {
            let date = |s: &str| {
                hoptac_domain::i18n::parse_date(s).ok_or_else(|| bad(format!("ngày {s}")))
            };
            out.push(Target {
                indicator: Indicator::parse(&r.indicator)
                    .ok_or_else(|| bad(r.indicator.clone()))?,
                period_start: date(&r.period_start)?,
                period_end: date(&r.period_end)?,
                province: file.province.clone(),
                comparison: Comparison::parse(&r.comparison)
                    .ok_or_else(|| bad(r.comparison.clone()))?,
                value: r.value,
                document: file.document.clone(),
                note: r.note,
            });
        }
    }
    Ok(out)
}

fn toml_dates_to_strings(v: toml::Value) -> toml::Value {
    match v {
        toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
        toml::Value::Array(a) => {
            toml::Value::Array(a.into_iter().map(toml_dates_to_strings).collect())
        }
        toml::Value::Table(t) => toml::Value::Table(
            t.into_iter()
                .map(|(k, v)| (k, toml_dates_to_strings(v)))
                .collect(),
        ),
        other => other,
    }
}
