//! HTX stopped and to settle (*HTX ngừng hoạt động cần giải quyết dứt điểm*, Letter
//! 538): those suspended or stopped without registering today, with since when and
//! until when, overdue first; and, per year, how many stoppages were settled by
//! resuming or closing (`hoptac_domain::stoppage`).

use crate::error::Result;
use crate::registry::Registry;
use chrono::Datelike;
use hoptac_domain::auth::Scope;
use hoptac_domain::list::{OrgFilter, OrgView};
use hoptac_domain::org::OrgKind;
use hoptac_domain::stoppage::{self, Outcome, Stoppage};
use std::collections::BTreeMap;

/// An HTX stopped today.
#[derive(Debug, Clone)]
pub struct ToSettle {
    pub org: OrgView,
    pub stoppage: Stoppage,
    pub overdue: bool,
}

/// Stoppages settled in a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettledInYear {
    pub year: i32,
    pub resumed: u64,
    pub closed: u64,
}

/// The list and the yearly counts, for one scope.
#[derive(Debug, Clone, Default)]
pub struct Stoppages {
    /// Overdue first, then the longest stopped first.
    pub to_settle: Vec<ToSettle>,
    /// Newest year first.
    pub settled: Vec<SettledInYear>,
}

impl Registry {
    /// HTX within `scope` stopped today, and the stoppages settled per year.
    pub fn stoppages(&self, scope: &Scope) -> Result<Stoppages> {
        let today = self.today();
        let filter = OrgFilter {
            kinds: vec![OrgKind::Cooperative],
            ..Default::default()
        };
        let ids = self.ids(scope, &filter)?;
        let histories = self.histories_by_id(&ids)?;
        let mut running = BTreeMap::new();
        let mut by_year: BTreeMap<i32, SettledInYear> = BTreeMap::new();
        for (id, h) in &histories {
            let (now, settled) = stoppage::read(&h.changes, today);
            if let Some(s) = now {
                running.insert(*id, s);
            }
            for s in settled {
                let y = by_year.entry(s.on.year()).or_insert(SettledInYear {
                    year: s.on.year(),
                    ..Default::default()
                });
                match s.outcome {
                    Outcome::Resumed => y.resumed += 1,
                    Outcome::Closed => y.closed += 1,
                }
            }
        }
        let ids: Vec<_> = running.keys().copied().collect();
        let mut to_settle: Vec<ToSettle> = self
            .current_views(&ids)?
            .into_iter()
            .filter_map(|org| {
                let s = *running.get(&org.id)?;
                Some(ToSettle {
                    overdue: s.overdue(today),
                    stoppage: s,
                    org,
                })
            })
            .collect();
        to_settle.sort_by_key(|t| (!t.overdue, t.stoppage.since, t.org.id));
        Ok(Stoppages {
            to_settle,
            settled: by_year.into_values().rev().collect(),
        })
    }
}
