//! What annual reports and score sheets share (*báo cáo năm*, *phiếu chấm điểm*): each
//! row names its organisation — by record id, tax code, or name and commune — and its
//! year.

use crate::error::Result;
use crate::import::errors::Errors;
use crate::registry::Registry;
use hoptac_domain::i18n::{place_message, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgId, OrgKind};
use hoptac_domain::place::{Gazetteer, PlaceRef, Scheme};
use hoptac_domain::text::search_key;
use hoptac_domain::validate::{FieldProblem, TaxCode};
use hoptac_io::parse;
use hoptac_io::table::DataRow;
use hoptac_store::{orgs, Conn};

/// The organisation a row names: record id, else tax code, else name + commune.
pub(super) fn identify(
    reg: &Registry,
    c: &mut dyn Conn,
    ctx: &mut Errors,
    r: &DataRow,
) -> Result<Option<OrgView>> {
    let places = reg.places();
    let load =
        |c: &mut dyn Conn, id: OrgId| -> Result<Option<OrgView>> {
            Ok(orgs::get(c, id)?
                .map(|s| OrgView::from_state(s.state, s.version, reg.today(), &places)))
        };
    if let Ok(Some(id)) = parse::whole_number(r.get("id"), 1) {
        let v = load(c, id)?;
        if v.is_none() {
            ctx.at(
                r.number,
                "id",
                ctx.lang()
                    .t("không có hồ sơ này", "no such record")
                    .to_owned(),
            );
        }
        return Ok(v);
    }
    if let Some(t) = parse::identifier(r.get("tax_code"), 10) {
        let found = TaxCode::parse(&t)
            .map(|tc| orgs::by_tax_code(c, tc.as_str()))
            .transpose()?
            .flatten();
        return match found {
            Some((id, _)) => load(c, id),
            None => {
                ctx.at(
                    r.number,
                    "tax_code",
                    match ctx.lang() {
                        Lang::Vi => {
                            format!("không có tổ chức nào mã số thuế \"{t}\" trong sổ đăng ký")
                        }
                        Lang::En => {
                            format!("no organisation with tax code \"{t}\" in the registry")
                        }
                    },
                );
                Ok(None)
            }
        };
    }
    let (Some(name), Some(commune)) = (parse::text(r.get("name")), parse::text(r.get("commune")))
    else {
        ctx.at(
            r.number,
            "name",
            ctx.lang()
                .t(
                    "cần mã hồ sơ, mã số thuế, hoặc tên và xã/phường",
                    "needs a record id, a tax code, or a name and commune",
                )
                .to_owned(),
        );
        return Ok(None);
    };
    let district = parse::text(r.get("district"));
    let mut found = by_name(c, &places, &name, &commune, district.as_deref())?;
    found.sort_unstable();
    found.dedup();
    if found.len() > 1 {
        let ids: Vec<String> = found.iter().map(ToString::to_string).collect();
        ctx.at(r.number, "name", match ctx.lang() {
            Lang::Vi => format!("\"{name}\" ở \"{commune}\" khớp với nhiều hồ sơ ({}); ghi thêm mã hồ sơ hoặc mã số thuế", ids.join(", ")),
            Lang::En => format!("\"{name}\" in \"{commune}\" matches several records ({}); add the record id or tax code", ids.join(", ")),
        });
        return Ok(None);
    }
    let found = found.first().copied();
    match found {
        Some(id) => load(c, id),
        None => {
            let hint = places
                .find_commune(Scheme::Legacy, &commune, district.as_deref())
                .err()
                .map(|e| place_message(&e, ctx.lang()));
            ctx.at(
                r.number,
                "name",
                match ctx.lang() {
                    Lang::Vi => format!(
                        "không tìm thấy \"{name}\" ở \"{commune}\" trong sổ đăng ký{}",
                        hint.map(|h| format!(" ({h})")).unwrap_or_default()
                    ),
                    Lang::En => format!(
                        "\"{name}\" in \"{commune}\" is not in the registry{}",
                        hint.map(|h| format!(" ({h})")).unwrap_or_default()
                    ),
                },
            );
            Ok(None)
        }
    }
}

/// Records of a name in a commune (either scheme). Reports and sheets are about HTX
/// and LHHTX first: a group and the cooperative it became often share a name and a
/// commune.
fn by_name(
    c: &mut dyn Conn,
    places: &Gazetteer,
    name: &str,
    commune: &str,
    district: Option<&str>,
) -> Result<Vec<OrgId>> {
    let mut found: Vec<OrgId> = Vec::new();
    for scheme in [Scheme::Y2025, Scheme::Legacy] {
        if let Ok(cm) = places.find_commune(
            scheme,
            commune,
            district.filter(|_| scheme == Scheme::Legacy),
        ) {
            let code_2025 = places
                .both_schemes(&PlaceRef::new(scheme, cm.code.clone()), None)
                .commune_2025
                .unwrap_or_else(|| cm.code.clone());
            for kinds in [
                &[OrgKind::Cooperative, OrgKind::Union][..],
                &[OrgKind::CooperativeGroup][..],
            ] {
                for kind in kinds {
                    let key = format!("{}|{}|{}", kind.code(), search_key(name), code_2025);
                    found.extend(orgs::by_match_key(c, &key)?);
                }
                if !found.is_empty() {
                    break;
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    Ok(found)
}

/// The row's year, or the one chosen for the whole file.
pub(super) fn year_of(ctx: &mut Errors, r: &DataRow, default: Option<i32>) -> Option<i32> {
    match parse::whole_number(r.get("year"), 1) {
        Ok(Some(y)) if (1990..=2100).contains(&y) => Some(y as i32),
        Ok(Some(y)) => {
            ctx.problem(r.number, "year", FieldProblem::BadNumber(y.to_string()));
            None
        }
        Ok(None) => {
            if default.is_none() {
                ctx.problem(r.number, "year", FieldProblem::Required);
            }
            default
        }
        Err(_) => {
            ctx.problem(
                r.number,
                "year",
                FieldProblem::BadNumber(r.get("year").to_text()),
            );
            None
        }
    }
}

/// What to say when a report or score-sheet file has no header row.
pub(super) const NO_HEADER: (&str, &str) = (
    "Không tìm thấy dòng tiêu đề (cần các cột như \"Mã số thuế\" hoặc \"Tên HTX\", \"Năm\"…)",
    "No header row found (it needs columns such as \"Tax code\" or \"Name\", \"Year\"…)",
);
