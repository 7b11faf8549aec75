//! Status changes, links between organisations and conversion (*thay đổi tình trạng,
//! liên kết, chuyển đổi*).

use super::*;
use crate::error::{AppError, Result};
use chrono::{NaiveDate, Utc};
use hoptac_domain::history::ChangeBody;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{Link, LinkKind, OrgFields, OrgId, OrgKind, Status, StatusChange};
use hoptac_store::orgs;

impl Registry {
    /// Records a status change with its effective date and deciding document.
    pub fn set_status(
        &self,
        id: OrgId,
        version: i64,
        status: StatusChange,
        effective: Option<NaiveDate>,
        actor: &Actor,
    ) -> Result<OrgView> {
        let places = self.places();
        let effective = effective.unwrap_or_else(|| self.today());
        let current = self.get(id, None)?;
        let mut errs = check_status(current.kind, &status);
        errs.extend(
            self.validator(&places)
                .check_effective_since(effective, current.fields.founding_date),
        );
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let now = Utc::now();
        self.db.write(|c| {
            self.append(
                c,
                id,
                version,
                vec![(
                    effective,
                    ChangeBody::Status {
                        status: status.clone(),
                    },
                )],
                actor,
                now,
                &places,
            )
        })
    }

    /// Links `subject` to `object` from `effective` (e.g. an HTX joins a union).
    #[allow(clippy::too_many_arguments)]
    pub fn link(
        &self,
        subject: OrgId,
        version: i64,
        kind: LinkKind,
        object: OrgId,
        effective: Option<NaiveDate>,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        let places = self.places();
        let effective = self.effective(&places, effective)?;
        let s = self.get(subject, None)?;
        let o = self.get(object, None)?;
        // A link starts once both ends exist.
        let founded = s.fields.founding_date.max(o.fields.founding_date);
        if let Some(e) = self
            .validator(&places)
            .check_effective_since(effective, founded)
        {
            return Err(AppError::invalid(e));
        }
        check_link(kind, &s, &o)?;
        let now = Utc::now();
        self.db.write(|c| {
            let id = orgs::allocate_ids(c, "link", 1)?;
            orgs::insert_link(c, id, kind, subject, object, now)?;
            let link = Link {
                id,
                kind,
                target: object,
                active: true,
                document: document.clone(),
            };
            self.append(
                c,
                subject,
                version,
                vec![(effective, ChangeBody::Link { link })],
                actor,
                now,
                &places,
            )
        })
    }

    /// Ends a link from `effective` (e.g. an HTX leaves its union); its history stays.
    pub fn end_link(
        &self,
        subject: OrgId,
        version: i64,
        link_id: i64,
        effective: Option<NaiveDate>,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        let places = self.places();
        let effective = self.effective(&places, effective)?;
        let s = self.get(subject, None)?;
        let link = s
            .links
            .iter()
            .find(|l| l.id == link_id)
            .ok_or(AppError::NotFound {
                what: "link",
                id: link_id.to_string(),
            })?;
        let ended = Link {
            active: false,
            document: document.or_else(|| link.document.clone()),
            ..link.clone()
        };
        let now = Utc::now();
        self.db.write(|c| {
            self.append(
                c,
                subject,
                version,
                vec![(
                    effective,
                    ChangeBody::Link {
                        link: ended.clone(),
                    },
                )],
                actor,
                now,
                &places,
            )
        })
    }

    /// Converts a THT into a new HTX (*chuyển đổi THT thành HTX*): the HTX records its
    /// source, the THT's status becomes `converted`, both effective on the HTX's
    /// founding date, in one transaction. Missing HTX attributes come from the THT.
    pub fn convert(
        &self,
        tht: OrgId,
        tht_version: i64,
        new: OrgFields,
        document: Option<String>,
        actor: &Actor,
    ) -> Result<OrgView> {
        self.convert_checked(tht, tht_version, new, document, actor, &|_| Ok(()))
    }

    /// [`Registry::convert`] with a check of the new cooperative as it is registered,
    /// inside the write (an `Err` leaves nothing written).
    pub(crate) fn convert_checked(
        &self,
        tht: OrgId,
        tht_version: i64,
        new: OrgFields,
        document: Option<String>,
        actor: &Actor,
        check: &dyn Fn(&OrgView) -> Result<()>,
    ) -> Result<OrgView> {
        let places = self.places();
        let source = self.get(tht, None)?;
        if source.kind != OrgKind::CooperativeGroup {
            return Err(AppError::refused(
                "not_a_group",
                "Chỉ tổ hợp tác mới chuyển đổi thành hợp tác xã",
                "Only a cooperative group can be converted into a cooperative",
            ));
        }
        if source.status == Status::Converted {
            return Err(AppError::refused(
                "already_converted",
                "Tổ hợp tác này đã chuyển đổi",
                "This group was already converted",
            ));
        }
        let mut fields = source.fields.clone();
        // The new cooperative is founded when it registers, not when the group began.
        fields.tax_code = None;
        fields.registration_number = None;
        fields.registration_date = None;
        fields.founding_date = None;
        fields.apply(&new);
        if fields.founding_date.is_none() {
            fields.founding_date = Some(self.today());
        }
        let (kind, fields, status) = self.check_new(
            NewOrg {
                kind: Some(OrgKind::Cooperative),
                fields,
                status: None,
            },
            &places,
        )?;
        let effective = fields.founding_date.unwrap_or_else(|| self.today());
        let now = Utc::now();
        let written = self.db.write(|c| {
            let id = self
                .allocate_and_insert(c, kind, fields.clone(), status.clone(), actor, now, &places)?
                .id;
            let link_id = orgs::allocate_ids(c, "link", 1)?;
            orgs::insert_link(c, link_id, LinkKind::ConvertedFrom, id, tht, now)?;
            let link = Link {
                id: link_id,
                kind: LinkKind::ConvertedFrom,
                target: tht,
                active: true,
                document: document.clone(),
            };
            let htx = self.append(
                c,
                id,
                1,
                vec![(effective, ChangeBody::Link { link })],
                actor,
                now,
                &places,
            )?;
            check(&htx)?;
            let converted = StatusChange {
                status: Status::Converted,
                until: None,
                reason: Some(format!("Chuyển đổi thành HTX (mã hồ sơ {id})")),
                document: document.clone(),
            };
            self.append(
                c,
                tht,
                tht_version,
                vec![(effective, ChangeBody::Status { status: converted })],
                actor,
                now,
                &places,
            )?;
            Ok::<_, AppError>(htx)
        });
        self.name_duplicate(written, fields.tax_code.as_deref())
    }
}

fn check_link(kind: LinkKind, s: &OrgView, o: &OrgView) -> Result<()> {
    // A union that has closed takes no new members; a group is the source of a
    // conversion only once it has been converted (the conversion itself links them).
    let closed = matches!(
        o.status,
        Status::Dissolved | Status::Bankrupt | Status::Revoked | Status::Converted
    );
    let status_ok = match kind {
        LinkKind::MemberOf => !closed,
        LinkKind::ConvertedFrom => o.status == Status::Converted,
        _ => true,
    };
    if !status_ok {
        return Err(AppError::refused(
            "link_target_status",
            format!(
                "Không thể tạo liên kết \"{}\": tổ chức đích đang ở tình trạng \"{}\"",
                kind.label_vi(),
                o.status.label_vi()
            ),
            format!(
                "Cannot link \"{}\": the target's status is \"{}\"",
                kind.label_en(),
                o.status.label_en()
            ),
        ));
    }
    let ok = s.id != o.id
        && match kind {
            LinkKind::ConvertedFrom => {
                s.kind == OrgKind::Cooperative && o.kind == OrgKind::CooperativeGroup
            }
            LinkKind::MemberOf => s.kind == OrgKind::Cooperative && o.kind == OrgKind::Union,
            _ => s.kind == o.kind,
        };
    if ok {
        Ok(())
    } else {
        Err(AppError::refused(
            "bad_link",
            format!(
                "Không thể tạo liên kết \"{}\" từ {} ({}) tới {} ({})",
                kind.label_vi(),
                s.name(),
                s.kind.label_vi(),
                o.name(),
                o.kind.label_vi()
            ),
            format!(
                "Cannot link \"{}\" from {} ({}) to {} ({})",
                kind.label_en(),
                s.name(),
                s.kind.label_en(),
                o.name(),
                o.kind.label_en()
            ),
        ))
    }
}
