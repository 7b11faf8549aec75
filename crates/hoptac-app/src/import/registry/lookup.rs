//! Finding the record a registry row describes (*đối chiếu hồ sơ*), by the spec's
//! matching order: record id, tax code, registration number within its registering
//! body, then kind + unaccented name + place. Twins are never guessed.

use super::row::ParsedRow;
use crate::error::Result;
use crate::import::errors::Errors;
use crate::registry::Registry;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::OrgId;
use hoptac_domain::place::Gazetteer;
use hoptac_domain::text::search_key;
use hoptac_store::{orgs, Conn};
use std::collections::HashMap;

/// How rows find the records they update: a query per row, or, for a large file, an
/// index of every record's keys read once (same answers, far fewer round trips).
pub(super) enum Lookup {
    PerRow,
    Index {
        tax: HashMap<String, OrgId>,
        /// Registration number → (id, registering body), both compared as search keys.
        registration: HashMap<String, Vec<(OrgId, Option<String>)>>,
        key: HashMap<String, Vec<OrgId>>,
    },
}

impl Lookup {
    /// Rows from which reading every record's keys once is cheaper than a query each.
    const INDEX_FROM_ROWS: usize = 200;

    pub(super) fn load(c: &mut dyn Conn, rows: usize) -> Result<Lookup> {
        if rows < Self::INDEX_FROM_ROWS {
            return Ok(Lookup::PerRow);
        }
        let mut tax = HashMap::new();
        let mut registration: HashMap<String, Vec<(OrgId, Option<String>)>> = HashMap::new();
        let mut key: HashMap<String, Vec<OrgId>> = HashMap::new();
        for (id, t, number, body, k) in orgs::all_match_keys(c)? {
            if let Some(t) = t {
                tax.insert(t, id);
            }
            if let Some(n) = number {
                registration.entry(n).or_default().push((id, body));
            }
            if let Some(k) = k {
                key.entry(k).or_default().push(id);
            }
        }
        for ids in key.values_mut() {
            ids.sort_unstable();
        }
        for ids in registration.values_mut() {
            ids.sort_unstable();
        }
        Ok(Lookup::Index {
            tax,
            registration,
            key,
        })
    }

    fn tax(&self, c: &mut dyn Conn, tax_code: &str) -> Result<Option<OrgId>> {
        match self {
            Lookup::PerRow => Ok(orgs::by_tax_code(c, tax_code)?.map(|(id, _)| id)),
            Lookup::Index { tax, .. } => Ok(tax.get(tax_code).copied()),
        }
    }

    fn registration(
        &self,
        c: &mut dyn Conn,
        number: &str,
        body: Option<&str>,
    ) -> Result<Vec<OrgId>> {
        match self {
            Lookup::PerRow => Ok(orgs::by_registration(c, number, body)?),
            Lookup::Index { registration, .. } => {
                let body = body.map(search_key);
                Ok(registration
                    .get(&search_key(number))
                    .map(|found| {
                        found
                            .iter()
                            .filter(|(_, b)| body.is_none() || *b == body)
                            .map(|(id, _)| *id)
                            .collect()
                    })
                    .unwrap_or_default())
            }
        }
    }

    fn key(&self, c: &mut dyn Conn, k: &str) -> Result<Vec<OrgId>> {
        match self {
            Lookup::PerRow => Ok(orgs::by_match_key(c, k)?),
            Lookup::Index { key, .. } => Ok(key.get(k).cloned().unwrap_or_default()),
        }
    }
}

/// The record a row describes, if it is stored; a row that names a missing record,
/// or matches several, is an error.
pub(super) fn find_existing(
    c: &mut dyn Conn,
    lookup: &Lookup,
    reg: &Registry,
    ctx: &mut Errors,
    places: &Gazetteer,
    row: &ParsedRow,
    key: Option<&str>,
) -> Result<Option<OrgView>> {
    let load = |c: &mut dyn Conn, id: OrgId| -> Result<Option<OrgView>> {
        Ok(orgs::get(c, id)?.map(|s| reg.view(s.state, s.version, reg.today(), places)))
    };
    if let Some(id) = row.id {
        let v = load(c, id)?;
        if v.is_none() {
            ctx.at(
                row.number,
                "id",
                match ctx.lang() {
                    Lang::Vi => format!("không có hồ sơ mã {id}"),
                    Lang::En => format!("there is no record {id}"),
                },
            );
        }
        return Ok(v);
    }
    if let Some(t) = row.fields.tax_code.as_deref() {
        if let Some(tc) = hoptac_domain::validate::TaxCode::parse(t) {
            if let Some(id) = lookup.tax(c, tc.as_str())? {
                return load(c, id);
            }
        }
    }
    if let Some(number) = row.fields.registration_number.as_deref() {
        let ids = lookup.registration(c, number, row.fields.registering_body.as_deref())?;
        match ids.as_slice() {
            [id] => return load(c, *id),
            [] => {}
            many => {
                ctx.at(row.number, "registration_number", match ctx.lang() {
                    Lang::Vi => format!("số đăng ký {number} khớp với nhiều hồ sơ ({}); ghi thêm cơ quan đăng ký", join_ids(many)),
                    Lang::En => format!("registration number {number} matches several records ({}); add the registering body", join_ids(many)),
                });
                return Ok(None);
            }
        }
    }
    if let Some(k) = key {
        let ids = lookup.key(c, k)?;
        match ids.as_slice() {
            [id] => return load(c, *id),
            [] => {}
            many => {
                // Never guess, and never add a third twin: ask for a number.
                ctx.at(row.number, "name", match ctx.lang() {
                    Lang::Vi => format!("khớp với nhiều hồ sơ cùng tên, loại hình và địa bàn ({}); ghi thêm mã hồ sơ hoặc mã số thuế", join_ids(many)),
                    Lang::En => format!("matches several records with the same name, kind and place ({}); add the record id or tax code", join_ids(many)),
                });
                return Ok(None);
            }
        }
    }
    Ok(None)
}

fn join_ids(ids: &[OrgId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
