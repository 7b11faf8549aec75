//! Believable organisations (*HTX, LHHTX, THT*): names, people, tax codes and
//! products drawn from word lists, founding dates, and each one's history across the
//! 2025 reform — statuses, moves, conversions and memberships — by the generator
//! `Gen` that the province and stress datasets share.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use hoptac_domain::history::{Change, ChangeBody};
use hoptac_domain::org::{
    Link, LinkKind, OrgFields, OrgId, OrgKind, ProductClass, Sector, Status, StatusChange,
};
use hoptac_domain::place::{reform_date, strip_unit_type, Commune, Gazetteer, PlaceRef, Scheme};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

const SURNAMES: &[&str] = &[
    "Hoàng", "Nông", "Lương", "Lộc", "Vi", "Hà", "Đinh", "Lý", "Triệu", "Chu", "Nguyễn", "Lăng",
    "Mông", "Hứa", "La", "Hoàng", "Nông", "Vy", "Trần", "Dương",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Xuân", "Thu", "Quang", "Hồng",
];
const GIVEN: &[&str] = &[
    "Sơn", "Hùng", "Lan", "Thắng", "Hoa", "Tuấn", "Mai", "Cường", "Hạnh", "Dũng", "Thảo", "Bình",
    "Nga", "Phúc", "Tiến", "Hương", "Quyết", "Thành", "Liên", "Khánh",
];
const VILLAGE_A: &[&str] = &[
    "Nà", "Bản", "Khuổi", "Pò", "Cốc", "Khau", "Lũng", "Nà", "Bản", "Pác",
];
const VILLAGE_B: &[&str] = &[
    "Pàn", "Lầu", "Cáy", "Slam", "Mò", "Táng", "Lạn", "Pe", "Lượng", "Chang", "Rọ", "Nưa", "Thuộc",
    "Phai",
];

fn product_words(sector: Sector) -> &'static [&'static str] {
    match sector {
        Sector::Agriculture => &[
            "Nông nghiệp",
            "Nông lâm nghiệp",
            "Dịch vụ nông nghiệp",
            "Chè",
            "Hồi",
            "Na",
            "Thạch đen",
            "Chăn nuôi",
            "Rau an toàn",
            "Trồng rừng",
            "Quế",
            "Thạch đen Tràng Định",
            "Na Chi Lăng",
            "Hồng không hạt",
            "Dược liệu",
        ],
        Sector::Industry => &[
            "Mây tre đan",
            "Chế biến nông sản",
            "Sản xuất gạch",
            "Chế biến gỗ",
            "Dệt thổ cẩm",
        ],
        Sector::Construction => &["Xây dựng", "Xây dựng và Dịch vụ"],
        Sector::TradeServices => &[
            "Thương mại dịch vụ",
            "Dịch vụ tổng hợp",
            "Du lịch cộng đồng",
            "Thương mại",
        ],
        Sector::Transport => &["Vận tải", "Vận tải hành khách", "Dịch vụ vận tải"],
        Sector::CreditFund => &["Quỹ tín dụng nhân dân"],
        Sector::Environment => &["Vệ sinh môi trường", "Môi trường"],
        Sector::CleanWater => &["Nước sạch", "Cấp nước sinh hoạt"],
        Sector::Other => &["Dịch vụ", "Tổng hợp"],
    }
}

fn pick_sector(rng: &mut ChaCha8Rng, kind: OrgKind) -> Sector {
    let x: f64 = rng.random();
    if kind == OrgKind::CooperativeGroup {
        return if x < 0.8 {
            Sector::Agriculture
        } else if x < 0.9 {
            Sector::Industry
        } else {
            Sector::TradeServices
        };
    }
    match x {
        x if x < 0.60 => Sector::Agriculture,
        x if x < 0.72 => Sector::TradeServices,
        x if x < 0.82 => Sector::Industry,
        x if x < 0.87 => Sector::Construction,
        x if x < 0.93 => Sector::Transport,
        x if x < 0.95 => Sector::CreditFund,
        x if x < 0.97 => Sector::Environment,
        x if x < 0.99 => Sector::CleanWater,
        _ => Sector::Other,
    }
}

pub(super) fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=days))
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Founding dates 1997–today, with the burst of new cooperatives after 2019.
pub(super) fn founding(rng: &mut ChaCha8Rng, today: NaiveDate) -> NaiveDate {
    let x: f64 = rng.random();
    let (a, b) = if x < 0.33 {
        (ymd(1997, 1, 1), ymd(2012, 12, 31))
    } else if x < 0.52 {
        (ymd(2013, 1, 1), ymd(2019, 6, 10))
    } else {
        (ymd(2019, 6, 11), today)
    };
    date_between(rng, a, b.min(today))
}

/// When a fact was written: history before the system started was loaded on its
/// first day; later facts a few days after they happened.
fn recorded(
    rng: &mut ChaCha8Rng,
    effective: NaiveDate,
    go_live: NaiveDate,
    today: NaiveDate,
) -> DateTime<Utc> {
    let day = if effective < go_live {
        go_live
    } else {
        (effective + Duration::days(rng.random_range(0..5))).min(today)
    };
    let secs = rng.random_range(3600..10 * 3600); // office hours, UTC+7
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()) + Duration::seconds(secs)
}

pub(super) struct Gen<'a> {
    pub(super) rng: ChaCha8Rng,
    pub(super) places: &'a Gazetteer,
    pub(super) today: NaiveDate,
    pub(super) go_live: NaiveDate,
    pub(super) names: HashSet<String>,
    pub(super) tax: HashSet<String>,
    pub(super) orgs: Vec<(OrgId, OrgKind, Vec<Change>)>,
    pub(super) links: Vec<(i64, LinkKind, OrgId, OrgId)>,
    pub(super) next_link: i64,
}

impl Gen<'_> {
    fn person(&mut self) -> String {
        let s = *SURNAMES.choose(&mut self.rng).unwrap_or(&"Hoàng");
        let m = *MIDDLE.choose(&mut self.rng).unwrap_or(&"Văn");
        let g = *GIVEN.choose(&mut self.rng).unwrap_or(&"Sơn");
        format!("{s} {m} {g}")
    }

    fn unique_name(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while !self.names.insert(hoptac_domain::text::search_key(&name)) {
            name = format!("{base} {n}");
            n += 1;
        }
        name
    }

    fn tax_code(&mut self) -> String {
        loop {
            let t = format!("49{:08}", self.rng.random_range(0..100_000_000u32));
            if self.tax.insert(t.clone()) {
                return t;
            }
        }
    }

    fn province_name(&self, c: &Commune) -> String {
        self.places
            .units
            .province(c.scheme, &c.province_code)
            .map_or_else(
                || "tỉnh".to_owned(),
                // "Tỉnh Lạng Sơn" → "tỉnh Lạng Sơn", as it reads inside a sentence.
                |p| {
                    p.name
                        .replacen("Tỉnh ", "tỉnh ", 1)
                        .replacen("Thành phố ", "thành phố ", 1)
                },
            )
    }

    /// Appends a change after the last one of `changes`.
    pub(super) fn append(
        &mut self,
        changes: &mut Vec<Change>,
        id: OrgId,
        effective: NaiveDate,
        body: ChangeBody,
    ) {
        let mut seq = changes.iter().map(|c| c.seq).max().unwrap_or(0);
        let c = self.change(id, &mut seq, effective, body, "demo");
        changes.push(c);
    }

    /// A new link from `subject` to `object`, recorded for the links table.
    pub(super) fn new_link(
        &mut self,
        kind: LinkKind,
        subject: OrgId,
        object: OrgId,
        document: &str,
    ) -> Link {
        let id = self.next_link;
        self.next_link += 1;
        self.links.push((id, kind, subject, object));
        Link {
            id,
            kind,
            target: object,
            active: true,
            document: Some(document.into()),
        }
    }

    fn change(
        &mut self,
        id: OrgId,
        seq: &mut i64,
        effective: NaiveDate,
        body: ChangeBody,
        author: &str,
    ) -> Change {
        *seq += 1;
        Change {
            org_id: id,
            seq: *seq,
            effective,
            recorded_at: recorded(&mut self.rng, effective, self.go_live, self.today),
            author: author.to_owned(),
            source: Some(
                if effective < self.go_live {
                    "demo: số liệu ban đầu"
                } else {
                    "demo: cập nhật"
                }
                .to_owned(),
            ),
            body,
        }
    }

    /// One organisation's founding facts and the life it had since.
    pub(super) fn organisation(
        &mut self,
        id: OrgId,
        kind: OrgKind,
        commune: &Commune,
        founded: NaiveDate,
        district_name: &str,
    ) -> Vec<Change> {
        let sector = if kind == OrgKind::Union {
            Sector::Agriculture
        } else {
            pick_sector(&mut self.rng, kind)
        };
        let bare = strip_unit_type(&commune.name).to_owned();
        let word = *product_words(sector)
            .choose(&mut self.rng)
            .unwrap_or(&"Nông nghiệp");
        let base = match kind {
            OrgKind::Cooperative if sector == Sector::CreditFund => {
                format!("Quỹ tín dụng nhân dân {bare}")
            }
            OrgKind::Cooperative => format!("Hợp tác xã {word} {bare}"),
            OrgKind::Union => format!(
                "Liên hiệp hợp tác xã {word} {}",
                strip_unit_type(district_name)
            ),
            OrgKind::CooperativeGroup => {
                let a = *VILLAGE_A.choose(&mut self.rng).unwrap_or(&"Nà");
                let b = *VILLAGE_B.choose(&mut self.rng).unwrap_or(&"Pàn");
                format!("Tổ hợp tác {} thôn {a} {b}", word.to_lowercase())
            }
        };
        let name = self.unique_name(base);
        // Places are recorded in the scheme in force when the fact took effect.
        let place = if founded < reform_date() {
            PlaceRef::new(Scheme::Legacy, commune.code.clone())
        } else {
            let code = self
                .places
                .legacy_to_2025(&commune.code)
                .map(|(c, _)| c)
                .unwrap_or_else(|| commune.code.clone());
            PlaceRef::new(Scheme::Y2025, code)
        };
        let min_members = match kind {
            OrgKind::Cooperative if founded >= ymd(2024, 7, 1) => 5,
            OrgKind::Cooperative => 7,
            OrgKind::Union => 4,
            OrgKind::CooperativeGroup => 2,
        };
        let members: i64 = match kind {
            OrgKind::Cooperative => {
                let r: f64 = self.rng.random();
                min_members + (r * r * r * 250.0) as i64 + self.rng.random_range(0..15)
            }
            OrgKind::Union => self.rng.random_range(4..9),
            OrgKind::CooperativeGroup => self.rng.random_range(2..25),
        };
        let capital = match kind {
            OrgKind::CooperativeGroup if self.rng.random_bool(0.6) => None,
            OrgKind::CooperativeGroup => Some(self.rng.random_range(5..200) * 1_000_000),
            _ => Some(self.rng.random_range(100..5000) * 1_000_000),
        };
        let registering_body = match kind {
            OrgKind::CooperativeGroup => format!("UBND {}", commune.name),
            OrgKind::Union => format!("Sở Kế hoạch và Đầu tư {}", self.province_name(commune)),
            OrgKind::Cooperative if founded < reform_date() => {
                format!("Phòng Tài chính - Kế hoạch {district_name}")
            }
            OrgKind::Cooperative => format!("Sở Tài chính {}", self.province_name(commune)),
        };
        let has_tax = kind != OrgKind::CooperativeGroup
            && (founded.year() > 2005 || self.rng.random_bool(0.7));
        let fields = OrgFields {
            name: Some(name),
            short_name: None,
            registration_number: (kind != OrgKind::CooperativeGroup || self.rng.random_bool(0.3))
                .then(|| format!("{}/{}", 1000 + id, founded.year())),
            tax_code: has_tax.then(|| self.tax_code()),
            registration_date: Some(founded),
            registering_body: Some(registering_body),
            address: Some(format!(
                "Thôn {} {}, {}",
                VILLAGE_A.choose(&mut self.rng).unwrap_or(&"Nà"),
                VILLAGE_B.choose(&mut self.rng).unwrap_or(&"Pàn"),
                commune.name
            )),
            place: Some(place),
            legacy_commune: None,
            sector: Some(sector),
            legal_representative: Some(self.person()),
            phone: Some(format!("09{:08}", self.rng.random_range(0..100_000_000u32))),
            email: None,
            charter_capital: capital,
            members: Some(members),
            founding_date: Some(founded),
            notes: None,
            product_class: (kind == OrgKind::Cooperative).then(|| {
                *[
                    ProductClass::Production,
                    ProductClass::Production,
                    ProductClass::Mixed,
                    ProductClass::Consumption,
                    ProductClass::Employment,
                ]
                .choose(&mut self.rng)
                .unwrap_or(&ProductClass::Production)
            }),
        };
        let mut seq = 0;
        let author = "demo";
        let mut changes =
            vec![self.change(id, &mut seq, founded, ChangeBody::Fields { fields }, author)];
        let active = StatusChange {
            status: Status::Active,
            until: None,
            reason: None,
            document: None,
        };
        changes.push(self.change(
            id,
            &mut seq,
            founded,
            ChangeBody::Status { status: active },
            author,
        ));
        // Members change over the years.
        let mut m = members;
        let mut d = founded;
        while self.rng.random_bool(0.5) {
            d += Duration::days(self.rng.random_range(200..900));
            if d > self.today {
                break;
            }
            m = (m + self.rng.random_range(-3..8)).max(min_members);
            let f = OrgFields {
                members: Some(m),
                ..Default::default()
            };
            changes.push(self.change(id, &mut seq, d, ChangeBody::Fields { fields: f }, author));
        }
        // Some change sector.
        if self.rng.random_bool(0.05) && self.today > founded + Duration::days(400) {
            let d = date_between(&mut self.rng, founded + Duration::days(365), self.today);
            let f = OrgFields {
                sector: Some(pick_sector(&mut self.rng, kind)),
                ..Default::default()
            };
            changes.push(self.change(id, &mut seq, d, ChangeBody::Fields { fields: f }, author));
        }
        // Status events.
        let x: f64 = self.rng.random();
        let after = founded + Duration::days(365);
        if after < self.today {
            if x < 0.10 {
                let d = date_between(&mut self.rng, after, self.today);
                let s = StatusChange {
                    status: Status::Dissolved,
                    until: None,
                    reason: Some("Giải thể tự nguyện theo nghị quyết đại hội thành viên".into()),
                    document: Some(format!("QĐ {}/QĐ-UBND", self.rng.random_range(10..900))),
                };
                changes.push(self.change(
                    id,
                    &mut seq,
                    d,
                    ChangeBody::Status { status: s },
                    author,
                ));
                return changes;
            } else if x < 0.18 {
                let d = date_between(&mut self.rng, after, self.today);
                let until = d + Duration::days(self.rng.random_range(90..730));
                let s = StatusChange {
                    status: Status::Suspended,
                    until: Some(until),
                    reason: Some("Tạm ngừng kinh doanh do khó khăn về thị trường".into()),
                    document: Some(format!("Thông báo {}/TB", self.rng.random_range(1..300))),
                };
                changes.push(self.change(
                    id,
                    &mut seq,
                    d,
                    ChangeBody::Status { status: s },
                    author,
                ));
            } else if x < 0.21 && kind != OrgKind::Union {
                let d = date_between(&mut self.rng, after, self.today);
                let s = StatusChange {
                    status: Status::Inactive,
                    until: None,
                    reason: Some("Không hoạt động, không báo cáo".into()),
                    document: None,
                };
                changes.push(self.change(
                    id,
                    &mut seq,
                    d,
                    ChangeBody::Status { status: s },
                    author,
                ));
            }
        }
        // After the reform, some updated their address to the new commune.
        if founded < reform_date() && self.today > reform_date() && self.rng.random_bool(0.3) {
            if let Some((code, _)) = self.places.legacy_to_2025(&commune.code) {
                let d = date_between(&mut self.rng, reform_date(), self.today);
                let f = OrgFields {
                    place: Some(PlaceRef::new(Scheme::Y2025, code)),
                    legacy_commune: Some(commune.code.clone()),
                    ..Default::default()
                };
                changes.push(self.change(
                    id,
                    &mut seq,
                    d,
                    ChangeBody::Fields { fields: f },
                    author,
                ));
            }
        }
        changes
    }
}
