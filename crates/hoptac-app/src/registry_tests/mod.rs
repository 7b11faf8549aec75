//! Registry use cases on both databases.

use crate::registry::Registry;
use chrono::NaiveDate;
use hoptac_domain::list::{OrgFilter, PageRequest, PlaceFilter, SortBy};
use hoptac_domain::org::Sector;
use hoptac_domain::place::{PlaceRef, Scheme};

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// The test registry and author: the harness's (`crate::testing`), under the names the
/// other test modules import from here.
pub(crate) use crate::testing::{actor, htx, registry};

mod lists;
mod structure;
mod writes;

/// A complete TT 01/2020 score sheet totalling `total` tenths (parts filled in order).
pub(crate) fn tt01_scores(total: i32) -> std::collections::BTreeMap<String, i32> {
    let rs = hoptac_domain::ruleset::RuleSet::shipped()
        .expect("rule sets")
        .into_iter()
        .find(|r| r.id == "tt01-2020")
        .expect("tt01");
    let mut left = total;
    rs.subs()
        .map(|(_, s)| {
            let v = left.min(s.max);
            left -= v;
            (s.code.clone(), v)
        })
        .collect()
}

fn legacy(code: &str) -> PlaceRef {
    PlaceRef::new(Scheme::Legacy, code)
}

fn names(p: &hoptac_domain::list::Page<hoptac_domain::list::OrgView>) -> Vec<String> {
    p.items.iter().map(|v| v.name().to_owned()).collect()
}

/// The same small registry on any backend, for comparing results across backends.
fn seed(reg: &Registry) {
    let a = actor();
    for (name, place, founded, sector) in [
        (
            "Hợp tác xã Nông nghiệp Đồng Đăng",
            legacy("06184"),
            d(2015, 3, 1),
            Sector::Agriculture,
        ),
        (
            "Hợp tác xã Dịch vụ Hồng Phong",
            legacy("06205"),
            d(2018, 5, 2),
            Sector::TradeServices,
        ),
        (
            "Hợp tác xã Chè Dương Xá",
            legacy("06079"),
            d(2020, 1, 1),
            Sector::Agriculture,
        ),
        (
            "Hợp tác xã Ấm Hạ",
            legacy("06205"),
            d(2021, 9, 9),
            Sector::Industry,
        ),
        (
            "Hợp tác xã An Bình",
            PlaceRef::new(Scheme::Y2025, "06184"),
            d(2025, 8, 1),
            Sector::Agriculture,
        ),
        (
            "HỢP TÁC XÃ đông hưng",
            legacy("06184"),
            d(2012, 1, 1),
            Sector::Transport,
        ),
    ] {
        let mut n = htx(name, place, founded);
        n.fields.sector = Some(sector);
        reg.create(n, &a).expect("create");
    }
}

fn query_results(reg: &Registry) -> Vec<Vec<String>> {
    let q = |f: OrgFilter| {
        names(
            &reg.list(
                &hoptac_domain::auth::Scope::All,
                &f,
                PageRequest::new(1, 50),
            )
            .expect("list"),
        )
    };
    vec![
        q(OrgFilter::default()),
        q(OrgFilter {
            q: Some("hop tac nong nghiep".into()),
            ..Default::default()
        }),
        q(OrgFilter {
            q: Some("dong".into()),
            ..Default::default()
        }),
        q(OrgFilter {
            sectors: vec![Sector::Agriculture],
            ..Default::default()
        }),
        q(OrgFilter {
            place: Some(PlaceFilter::Commune2025("06184".into())),
            ..Default::default()
        }),
        q(OrgFilter {
            place: Some(PlaceFilter::LegacyDistrict("183".into())),
            ..Default::default()
        }),
        q(OrgFilter {
            founded_from: Some(d(2018, 1, 1)),
            founded_to: Some(d(2021, 12, 31)),
            sort: SortBy::FoundingDate,
            descending: true,
            ..Default::default()
        }),
        q(OrgFilter {
            as_of: Some(d(2020, 6, 1)),
            ..Default::default()
        }),
        names(
            &reg.list(
                &hoptac_domain::auth::Scope::All,
                &OrgFilter::default(),
                PageRequest::new(2, 4),
            )
            .expect("page 2"),
        ),
    ]
}

#[test]
fn both_backends_give_identical_results() {
    let Some(pg) = hoptac_testkit::postgres() else {
        return;
    };
    let lite = hoptac_testkit::sqlite();
    let (a, b) = (registry(&lite), registry(&pg));
    seed(&a);
    seed(&b);
    assert_eq!(query_results(&a), query_results(&b));
}
