//! Stopped organisations to settle (*giải quyết dứt điểm HTX ngừng hoạt động*, Letter
//! 538): an organisation stopped — suspended (*tạm ngừng*, registered, with an end
//! date) or inactive (*ngừng hoạt động không đăng ký*) — is settled when it resumes
//! or closes. Read from its status events, in effective order; a suspension whose end
//! date has passed resumes the day after (spec §2.1) without anyone writing it.

use crate::history::{Change, ChangeBody};
use crate::org::Status;
use chrono::{Duration, NaiveDate};

/// A stoppage still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stoppage {
    /// Stopped since (the first stop of an unbroken run).
    pub since: NaiveDate,
    /// The registered end of the current suspension, if any.
    pub until: Option<NaiveDate>,
    /// `true` for a registered suspension, `false` for an unregistered stop.
    pub registered: bool,
}

impl Stoppage {
    /// Waiting too long to be settled: stopped without registering, suspended without
    /// an end date, or stopped for more than a year.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.registered
            || self.until.is_none()
            || self.since.checked_add_months(chrono::Months::new(12)) < Some(today)
    }
}

/// How a stoppage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Back at work (*hoạt động trở lại*).
    Resumed,
    /// Dissolved, bankrupt or its certificate revoked (*giải thể, phá sản, thu hồi*).
    Closed,
}

/// A stoppage settled on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    pub on: NaiveDate,
    pub outcome: Outcome,
}

/// What the status events say as of `today`: the stoppage still running, if any, and
/// every stoppage settled, in order.
pub fn read(changes: &[Change], today: NaiveDate) -> (Option<Stoppage>, Vec<Settlement>) {
    let mut events: Vec<&Change> = changes
        .iter()
        .filter(|c| matches!(c.body, ChangeBody::Status { .. }) && c.effective <= today)
        .collect();
    events.sort_by_key(|c| (c.effective, c.seq));
    let mut running: Option<Stoppage> = None;
    let mut settled = Vec::new();
    for c in events {
        let ChangeBody::Status { status } = &c.body else {
            continue;
        };
        lapse(&mut running, &mut settled, c.effective);
        match status.status {
            Status::Suspended | Status::Inactive => {
                let since = running.map_or(c.effective, |r| r.since);
                running = Some(Stoppage {
                    since,
                    until: status.until.filter(|_| status.status == Status::Suspended),
                    registered: status.status == Status::Suspended,
                });
            }
            Status::Active => end_at(&mut running, &mut settled, c.effective, Outcome::Resumed),
            Status::Dissolving | Status::Dissolved | Status::Bankrupt | Status::Revoked => {
                end_at(&mut running, &mut settled, c.effective, Outcome::Closed)
            }
            Status::Converted => {}
        }
    }
    lapse(&mut running, &mut settled, today + Duration::days(1));
    (running, settled)
}

/// A suspension whose end date passed before `next` resumed the day after it.
fn lapse(running: &mut Option<Stoppage>, settled: &mut Vec<Settlement>, next: NaiveDate) {
    if let Some(end) = running.and_then(|r| r.until).map(|u| u + Duration::days(1)) {
        if end < next {
            end_at(running, settled, end, Outcome::Resumed);
        }
    }
}

fn end_at(
    running: &mut Option<Stoppage>,
    settled: &mut Vec<Settlement>,
    on: NaiveDate,
    o: Outcome,
) {
    if running.take().is_some() {
        settled.push(Settlement { on, outcome: o });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::StatusChange;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn status(seq: i64, on: NaiveDate, s: Status, until: Option<NaiveDate>) -> Change {
        Change {
            org_id: 1,
            seq,
            effective: on,
            recorded_at: chrono::Utc::now(),
            author: "t".into(),
            source: None,
            body: ChangeBody::Status {
                status: StatusChange {
                    status: s,
                    until,
                    reason: None,
                    document: None,
                },
            },
        }
    }

    #[test]
    fn a_suspension_runs_until_its_end_date_then_resumes_by_itself() {
        let h = [status(
            1,
            d(2024, 3, 1),
            Status::Suspended,
            Some(d(2025, 2, 28)),
        )];
        let (running, settled) = read(&h, d(2025, 1, 10));
        let r = running.expect("running");
        assert_eq!(
            (r.since, r.until, r.registered),
            (d(2024, 3, 1), Some(d(2025, 2, 28)), true)
        );
        assert!(!r.overdue(d(2025, 1, 10)), "within its year and end date");
        assert!(settled.is_empty());
        let (running, settled) = read(&h, d(2025, 6, 1));
        assert_eq!(running, None);
        assert_eq!(
            settled,
            vec![Settlement {
                on: d(2025, 3, 1),
                outcome: Outcome::Resumed
            }]
        );
    }

    #[test]
    fn stops_without_an_end_or_unregistered_or_over_a_year_are_overdue() {
        let open = [status(1, d(2025, 5, 1), Status::Suspended, None)];
        assert!(read(&open, d(2025, 6, 1))
            .0
            .expect("running")
            .overdue(d(2025, 6, 1)));
        let inactive = [status(1, d(2025, 5, 1), Status::Inactive, None)];
        assert!(read(&inactive, d(2025, 6, 1))
            .0
            .expect("running")
            .overdue(d(2025, 6, 1)));
        // Suspended again and again: the run counts from its first day.
        let renewed = [
            status(1, d(2024, 1, 1), Status::Suspended, Some(d(2024, 12, 31))),
            status(2, d(2024, 12, 1), Status::Suspended, Some(d(2025, 12, 31))),
        ];
        let r = read(&renewed, d(2025, 3, 1)).0.expect("running");
        assert_eq!(r.since, d(2024, 1, 1));
        assert!(r.overdue(d(2025, 3, 1)));
    }

    #[test]
    fn resuming_or_closing_settles_once() {
        let h = [
            status(1, d(2023, 1, 1), Status::Inactive, None),
            status(2, d(2024, 4, 1), Status::Active, None),
            status(3, d(2024, 9, 1), Status::Suspended, Some(d(2026, 1, 1))),
            status(4, d(2025, 2, 1), Status::Dissolving, None),
            status(5, d(2025, 8, 1), Status::Dissolved, None),
        ];
        let (running, settled) = read(&h, d(2026, 6, 1));
        assert_eq!(running, None);
        assert_eq!(
            settled,
            vec![
                Settlement {
                    on: d(2024, 4, 1),
                    outcome: Outcome::Resumed
                },
                Settlement {
                    on: d(2025, 2, 1),
                    outcome: Outcome::Closed
                },
            ]
        );
        // An active organisation becoming active again settles nothing.
        let none = [status(1, d(2020, 1, 1), Status::Active, None)];
        assert_eq!(read(&none, d(2026, 1, 1)), (None, vec![]));
    }
}
