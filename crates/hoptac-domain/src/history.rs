//! History with two clocks (spec §2.1): every change has an effective date (when it
//! became true) and a recorded time and author (when and by whom it was written).
//! Nothing is overwritten: the state "as of D" is a fold of the changes effective on or
//! before D, same-day changes in recorded order.

use crate::org::{Link, OrgFields, OrgId, OrgKind, Status, StatusChange};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What one change says.
// Changes are read and written as whole lists, never moved around in hot loops, so
// the larger `Fields` variant is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChangeBody {
    /// New values for the attributes present; an empty text clears the attribute.
    Fields {
        fields: OrgFields,
    },
    Status {
        status: StatusChange,
    },
    Link {
        link: Link,
    },
}

/// One entry in an organisation's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Change {
    pub org_id: OrgId,
    /// Recorded order within the organisation.
    pub seq: i64,
    /// Valid time: when the fact became true (*ngày hiệu lực*).
    pub effective: NaiveDate,
    /// Transaction time: when it was written (UTC).
    pub recorded_at: DateTime<Utc>,
    pub author: String,
    /// Where it came from: a form, an API call, an import file.
    pub source: Option<String>,
    pub body: ChangeBody,
}

/// An organisation's attributes as of one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgState {
    pub id: OrgId,
    pub kind: OrgKind,
    pub fields: OrgFields,
    /// The last recorded status; see [`OrgState::status_on`] for suspensions that ended.
    pub status: StatusChange,
    pub status_since: NaiveDate,
    pub links: Vec<Link>,
}

fn set<T: Clone>(slot: &mut Option<T>, v: &Option<T>) {
    if let Some(v) = v {
        *slot = Some(v.clone());
    }
}

fn set_text(slot: &mut Option<String>, v: &Option<String>) {
    if let Some(v) = v {
        *slot = if v.trim().is_empty() {
            None
        } else {
            Some(v.clone())
        };
    }
}

impl OrgFields {
    /// Applies a patch: attributes present in `p` replace ours.
    pub fn apply(&mut self, p: &OrgFields) {
        set_text(&mut self.name, &p.name);
        set_text(&mut self.short_name, &p.short_name);
        set_text(&mut self.registration_number, &p.registration_number);
        set_text(&mut self.tax_code, &p.tax_code);
        set(&mut self.registration_date, &p.registration_date);
        set_text(&mut self.registering_body, &p.registering_body);
        set_text(&mut self.address, &p.address);
        // A different place invalidates a carried legacy commune; the same place
        // re-sent (a form, an import without that column) keeps it.
        if p.place.is_some() && p.place != self.place && p.legacy_commune.is_none() {
            self.legacy_commune = None;
        }
        set(&mut self.place, &p.place);
        set_text(&mut self.legacy_commune, &p.legacy_commune);
        set(&mut self.sector, &p.sector);
        set_text(&mut self.legal_representative, &p.legal_representative);
        set_text(&mut self.phone, &p.phone);
        set_text(&mut self.email, &p.email);
        set(&mut self.charter_capital, &p.charter_capital);
        set(&mut self.members, &p.members);
        set(&mut self.founding_date, &p.founding_date);
        set_text(&mut self.notes, &p.notes);
        set(&mut self.product_class, &p.product_class);
    }

    /// The attributes of `new` that differ from `self`: the patch that turns one into
    /// the other, so that an unchanged re-submission records nothing.
    pub fn changes_to(&self, new: &OrgFields) -> OrgFields {
        let mut after = self.clone();
        after.apply(new);
        let a = self.as_map();
        let b = after.as_map();
        let mut diff = serde_json::Map::new();
        for (k, v) in &b {
            if a.get(k) != Some(v) {
                diff.insert(k.clone(), v.clone());
            }
        }
        // Only text attributes can be cleared (by an empty text), so a key that
        // disappeared is a text one.
        for k in a.keys().filter(|k| !b.contains_key(*k)) {
            diff.insert(k.clone(), serde_json::Value::String(String::new()));
        }
        serde_json::from_value(serde_json::Value::Object(diff))
            .expect("a diff of two valid field sets is a valid field set")
    }

    /// Attribute name → value, for the present attributes.
    pub fn as_map(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => {
                m.into_iter().filter(|(_, v)| !v.is_null()).collect()
            }
            _ => serde_json::Map::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.as_map().is_empty()
    }
}

/// A status with its end date (`until`), as in force on a date: a suspension whose end
/// date has passed counts as active from the day after, without anyone writing it.
pub fn status_on(status: Status, until: Option<NaiveDate>, date: NaiveDate) -> Status {
    match (status, until) {
        (Status::Suspended, Some(until)) if until < date => Status::Active,
        (s, _) => s,
    }
}

impl OrgState {
    /// The status in force on a date: a suspension whose end date has passed counts as
    /// active from the day after, without anyone writing it.
    pub fn status_on(&self, date: NaiveDate) -> Status {
        status_on(self.status.status, self.status.until, date)
    }

    /// Folds an organisation's changes as of a date (`None`: everything recorded).
    /// Returns `None` when nothing about it was in force yet on that date.
    pub fn fold(
        id: OrgId,
        kind: OrgKind,
        changes: &[Change],
        as_of: Option<NaiveDate>,
    ) -> Option<OrgState> {
        // The registration's first facts hold from the founding date in force, even
        // when a later correction moved that date before them.
        let first = changes.iter().map(|c| c.effective).min()?;
        // Only a founding date before the first facts can move them; without one
        // there is nothing to look up (the common, fast case). The correction may be
        // dated any day, the first facts' own included.
        let moved = changes.iter().any(|c| {
            matches!(&c.body, ChangeBody::Fields { fields } if fields.founding_date.is_some_and(|f| f < first))
        });
        let founded = if as_of.is_some() && moved {
            Self::fold(id, kind, changes, None).and_then(|s| s.fields.founding_date)
        } else {
            None
        };
        let effective = |c: &Change| match founded {
            Some(f) if c.effective == first && f < first => f,
            _ => c.effective,
        };
        let mut ordered: Vec<&Change> = changes
            .iter()
            .filter(|c| as_of.is_none_or(|d| effective(c) <= d))
            .collect();
        if ordered.is_empty() {
            return None;
        }
        ordered.sort_by_key(|c| (effective(c), c.seq));
        let mut st = OrgState {
            id,
            kind,
            fields: OrgFields::default(),
            status: StatusChange {
                status: Status::Active,
                until: None,
                reason: None,
                document: None,
            },
            status_since: effective(ordered[0]),
            links: Vec::new(),
        };
        for c in ordered {
            match &c.body {
                ChangeBody::Fields { fields } => st.fields.apply(fields),
                ChangeBody::Status { status } => {
                    st.status = status.clone();
                    st.status_since = effective(c);
                }
                ChangeBody::Link { link } => {
                    st.links.retain(|l| l.id != link.id);
                    st.links.push(link.clone());
                }
            }
        }
        st.links.sort_by_key(|l| l.id);
        Some(st)
    }
}

/// One attribute's change, for history pages: which attribute, its new value, and both
/// clocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttributeChange {
    pub attribute: String,
    pub value: serde_json::Value,
    pub effective: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub author: String,
    pub source: Option<String>,
    pub seq: i64,
}

/// Splits changes into per-attribute entries.
pub fn attribute_history(changes: &[Change]) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    for c in changes {
        let entries: Vec<(String, serde_json::Value)> = match &c.body {
            ChangeBody::Fields { fields } => fields.as_map().into_iter().collect(),
            ChangeBody::Status { status } => {
                vec![(
                    "status".into(),
                    serde_json::to_value(status).unwrap_or_default(),
                )]
            }
            ChangeBody::Link { link } => {
                vec![(
                    format!("link:{}", link.id),
                    serde_json::to_value(link).unwrap_or_default(),
                )]
            }
        };
        for (attribute, value) in entries {
            out.push(AttributeChange {
                attribute,
                value,
                effective: c.effective,
                recorded_at: c.recorded_at,
                author: c.author.clone(),
                source: c.source.clone(),
                seq: c.seq,
            });
        }
    }
    out
}

/// Each attribute change with the value it replaced: the same attribute's value in
/// force just before it on the effective-date line (ties by recording order), `None`
/// for the first. History pages show the two side by side.
pub fn changes_with_before(
    changes: &[Change],
) -> Vec<(AttributeChange, Option<serde_json::Value>)> {
    let mut entries = attribute_history(changes);
    entries.sort_by(|a, b| {
        (&a.attribute, a.effective, a.seq).cmp(&(&b.attribute, b.effective, b.seq))
    });
    let mut out = Vec::with_capacity(entries.len());
    let mut last: Option<(String, serde_json::Value)> = None;
    for e in entries {
        let before = match &last {
            Some((attr, v)) if *attr == e.attribute => Some(v.clone()),
            _ => None,
        };
        last = Some((e.attribute.clone(), e.value.clone()));
        out.push((e, before));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::Sector;
    use crate::place::{PlaceRef, Scheme};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn change(seq: i64, effective: NaiveDate, body: ChangeBody) -> Change {
        Change {
            org_id: 1,
            seq,
            effective,
            recorded_at: DateTime::from_timestamp(1_700_000_000 + seq, 0).expect("ts"),
            author: "test".into(),
            source: None,
            body,
        }
    }

    fn fields(f: OrgFields) -> ChangeBody {
        ChangeBody::Fields { fields: f }
    }

    #[test]
    fn a_founding_date_corrected_on_the_first_day_moves_the_first_facts_back() {
        let changes = vec![
            change(
                1,
                d(2020, 5, 1),
                fields(OrgFields {
                    name: Some("HTX A".into()),
                    founding_date: Some(d(2020, 5, 1)),
                    ..Default::default()
                }),
            ),
            // The same day, the founding date is corrected to the year before.
            change(
                2,
                d(2020, 5, 1),
                fields(OrgFields {
                    founding_date: Some(d(2019, 8, 1)),
                    ..Default::default()
                }),
            ),
        ];
        let end_2019 = OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2019, 12, 31)))
            .expect("in force in 2019");
        assert_eq!(end_2019.fields.founding_date, Some(d(2019, 8, 1)));
        assert_eq!(end_2019.fields.name.as_deref(), Some("HTX A"));
        assert!(OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2019, 7, 31))).is_none());
    }

    #[test]
    fn each_change_shows_the_value_it_replaced_on_the_effective_line() {
        let changes = vec![
            change(
                1,
                d(2015, 3, 1),
                fields(OrgFields {
                    name: Some("HTX A".into()),
                    members: Some(7),
                    ..Default::default()
                }),
            ),
            change(
                2,
                d(2024, 1, 1),
                fields(OrgFields {
                    members: Some(12),
                    ..Default::default()
                }),
            ),
            // Recorded last, effective between the two: it replaced 7, and 12 replaced it.
            change(
                3,
                d(2020, 1, 1),
                fields(OrgFields {
                    members: Some(9),
                    ..Default::default()
                }),
            ),
        ];
        let before = |seq: i64, attr: &str| {
            changes_with_before(&changes)
                .into_iter()
                .find(|(c, _)| c.seq == seq && c.attribute == attr)
                .expect("entry")
                .1
        };
        assert_eq!(before(1, "members"), None);
        assert_eq!(before(1, "name"), None);
        assert_eq!(before(3, "members"), Some(serde_json::json!(7)));
        assert_eq!(before(2, "members"), Some(serde_json::json!(9)));
    }

    #[test]
    fn as_of_reads_each_attribute_in_force_with_late_corrections() {
        let changes = vec![
            change(
                1,
                d(2015, 3, 1),
                fields(OrgFields {
                    name: Some("HTX Na Sầm".into()),
                    sector: Some(Sector::Agriculture),
                    place: Some(PlaceRef::new(Scheme::Legacy, "06079")),
                    ..Default::default()
                }),
            ),
            change(
                2,
                d(2025, 9, 1),
                fields(OrgFields {
                    place: Some(PlaceRef::new(Scheme::Y2025, "06184")),
                    ..Default::default()
                }),
            ),
            // Recorded later, effective earlier: a late correction of the sector.
            change(
                3,
                d(2022, 1, 1),
                fields(OrgFields {
                    sector: Some(Sector::TradeServices),
                    ..Default::default()
                }),
            ),
        ];
        assert!(OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2015, 2, 28))).is_none());
        let s2020 =
            OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2020, 1, 1))).expect("state");
        assert_eq!(s2020.fields.sector, Some(Sector::Agriculture));
        assert_eq!(
            s2020.fields.place,
            Some(PlaceRef::new(Scheme::Legacy, "06079"))
        );
        let s2023 =
            OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2023, 1, 1))).expect("state");
        assert_eq!(s2023.fields.sector, Some(Sector::TradeServices));
        let now = OrgState::fold(1, OrgKind::Cooperative, &changes, None).expect("state");
        assert_eq!(
            now.fields.place,
            Some(PlaceRef::new(Scheme::Y2025, "06184"))
        );
        assert_eq!(now.fields.name.as_deref(), Some("HTX Na Sầm"));
    }

    #[test]
    fn a_founding_date_corrected_earlier_brings_the_first_facts_with_it() {
        let changes = vec![
            change(
                1,
                d(2020, 5, 1),
                fields(OrgFields {
                    name: Some("X".into()),
                    founding_date: Some(d(2020, 5, 1)),
                    ..Default::default()
                }),
            ),
            change(
                2,
                d(2024, 1, 1),
                fields(OrgFields {
                    founding_date: Some(d(2018, 3, 1)),
                    ..Default::default()
                }),
            ),
        ];
        let s = OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2019, 1, 1)))
            .expect("exists from 2018");
        assert_eq!(s.fields.name.as_deref(), Some("X"));
        assert!(OrgState::fold(1, OrgKind::Cooperative, &changes, Some(d(2018, 2, 28))).is_none());
    }

    #[test]
    fn re_sending_the_same_place_keeps_the_legacy_commune() {
        let place = PlaceRef::new(Scheme::Y2025, "06184");
        let mut f = OrgFields {
            place: Some(place.clone()),
            legacy_commune: Some("06205".into()),
            ..Default::default()
        };
        let same = OrgFields {
            place: Some(place),
            ..Default::default()
        };
        assert!(f.changes_to(&same).is_empty());
        f.apply(&OrgFields {
            place: Some(PlaceRef::new(Scheme::Y2025, "06079")),
            ..Default::default()
        });
        assert_eq!(f.legacy_commune, None);
    }

    #[test]
    fn same_day_changes_apply_in_recorded_order() {
        let changes = vec![
            change(
                2,
                d(2020, 1, 1),
                fields(OrgFields {
                    members: Some(9),
                    ..Default::default()
                }),
            ),
            change(
                1,
                d(2020, 1, 1),
                fields(OrgFields {
                    members: Some(7),
                    ..Default::default()
                }),
            ),
        ];
        let s = OrgState::fold(1, OrgKind::Cooperative, &changes, None).expect("state");
        assert_eq!(s.fields.members, Some(9));
    }

    #[test]
    fn a_suspension_ends_by_itself_the_day_after() {
        let changes = vec![
            change(
                1,
                d(2020, 1, 1),
                fields(OrgFields {
                    name: Some("X".into()),
                    ..Default::default()
                }),
            ),
            change(
                2,
                d(2023, 1, 1),
                ChangeBody::Status {
                    status: StatusChange {
                        status: Status::Suspended,
                        until: Some(d(2023, 6, 30)),
                        reason: None,
                        document: Some("QĐ 12".into()),
                    },
                },
            ),
        ];
        let s = OrgState::fold(1, OrgKind::Cooperative, &changes, None).expect("state");
        assert_eq!(s.status_on(d(2023, 6, 30)), Status::Suspended);
        assert_eq!(s.status_on(d(2023, 7, 1)), Status::Active);
    }

    #[test]
    fn changes_to_records_only_what_differs_and_clears_with_empty_text() {
        let old = OrgFields {
            name: Some("A".into()),
            phone: Some("0205".into()),
            members: Some(7),
            ..Default::default()
        };
        let new = OrgFields {
            name: Some("A".into()),
            phone: Some("".into()),
            members: Some(8),
            ..Default::default()
        };
        let p = old.changes_to(&new);
        assert_eq!(p.name, None);
        assert_eq!(p.members, Some(8));
        assert_eq!(p.phone.as_deref(), Some(""));
        let mut after = old.clone();
        after.apply(&p);
        assert_eq!(after.phone, None);
        assert!(after.changes_to(&new).is_empty());
    }
}
