//! A deterministic demo province: believable cooperatives, unions and groups spread
//! over the real communes, with founding dates, statuses, histories across the 2025
//! reform, conversions and union memberships. Same seed, same province.

use crate::error::Result;
use crate::registry::Registry;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use hoptac_domain::history::{Change, ChangeBody, OrgState};
use hoptac_domain::org::{
    Link, LinkKind, OrgFields, OrgId, OrgKind, ProductClass, Sector, Status, StatusChange,
};
use hoptac_domain::place::{reform_date, strip_unit_type, Commune, Gazetteer, PlaceRef, Scheme};
use hoptac_store::orgs;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    /// 1.0: about 500 HTX, 300 THT and 6 LHHTX.
    pub scale: f64,
    /// Exact numbers of (HTX, THT, LHHTX), overriding `scale` (national datasets).
    pub counts: Option<(usize, usize, usize)>,
}

impl Default for DemoSpec {
    fn default() -> Self {
        DemoSpec {
            seed: 538,
            scale: 1.0,
            counts: None,
        }
    }
}

impl DemoSpec {
    /// Vietnam's size: about 35,000 HTX, 80,000 THT and 200 LHHTX, over every
    /// province's communes.
    pub fn national(seed: u64) -> Self {
        DemoSpec {
            seed,
            scale: 1.0,
            counts: Some((35_000, 80_000, 200)),
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub reports: usize,
    pub evaluations: usize,
    pub cooperatives: usize,
    pub unions: usize,
    pub groups: usize,
    pub changes: usize,
}

/// The demo's "today": fixed so the same seed gives the same data whatever the day.
pub fn demo_today(real_today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).map_or(real_today, |d| d.min(real_today))
}

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

fn date_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=days))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Founding dates 1997–today, with the burst of new cooperatives after 2019.
fn founding(rng: &mut ChaCha8Rng, today: NaiveDate) -> NaiveDate {
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

struct Gen<'a> {
    rng: ChaCha8Rng,
    places: &'a Gazetteer,
    today: NaiveDate,
    go_live: NaiveDate,
    names: HashSet<String>,
    tax: HashSet<String>,
    orgs: Vec<(OrgId, OrgKind, Vec<Change>)>,
    links: Vec<(i64, LinkKind, OrgId, OrgId)>,
    next_link: i64,
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
    fn append(
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
    fn new_link(&mut self, kind: LinkKind, subject: OrgId, object: OrgId, document: &str) -> Link {
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
    fn organisation(
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

/// Generates the demo province into an empty registry, in one transaction.
pub fn generate(reg: &Registry, spec: &DemoSpec) -> Result<DemoSummary> {
    let places = reg.places();
    let today = demo_today(reg.today());
    let province = places.province.clone();
    let communes: Vec<&Commune> = places
        .units
        .communes(Scheme::Legacy, None)
        .into_iter()
        .filter(|c| {
            province.as_ref().is_none_or(|p| {
                places
                    .check(&PlaceRef::new(Scheme::Legacy, c.code.clone()))
                    .is_ok()
                    && !p.is_empty()
            })
        })
        .collect();
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(spec.seed),
        places: &places,
        today,
        go_live: ymd(2026, 1, 15).min(today),
        names: HashSet::new(),
        tax: HashSet::new(),
        orgs: Vec::new(),
        links: Vec::new(),
        next_link: 1,
    };
    let n = |base: f64| ((base * spec.scale).round() as usize).max(1);
    let (n_htx, n_tht, n_union) = spec.counts.unwrap_or((n(500.0), n(300.0), n(6.0)));
    let district_name = |c: &Commune| {
        c.district_code
            .as_deref()
            .and_then(|d| places.units.district(d))
            .map_or(String::new(), |d| d.name.clone())
    };
    let mut id: OrgId = reg.db.read(|c| orgs::count(c))? + 1;
    let mut htx_ids: Vec<(OrgId, NaiveDate)> = Vec::new();
    for kind_i in 0..3 {
        let (kind, count) = [
            (OrgKind::Cooperative, n_htx),
            (OrgKind::CooperativeGroup, n_tht),
            (OrgKind::Union, n_union),
        ][kind_i];
        for _ in 0..count {
            let Some(commune) = communes.choose(&mut g.rng).copied() else {
                break;
            };
            let founded = match kind {
                OrgKind::Union => date_between(&mut g.rng, ymd(2008, 1, 1), today),
                _ => founding(&mut g.rng, today),
            };
            let dn = district_name(commune);
            let mut changes = g.organisation(id, kind, commune, founded, &dn);
            if kind == OrgKind::Cooperative {
                htx_ids.push((id, founded));
            }
            if kind == OrgKind::Union {
                // Members join from the union's founding (or their own, if later).
                let k = g.rng.random_range(4..9).min(htx_ids.len());
                let members: Vec<(OrgId, NaiveDate)> =
                    htx_ids.choose_multiple(&mut g.rng, k).copied().collect();
                for (htx, htx_founded) in members {
                    let d = founded.max(htx_founded);
                    let link = g.new_link(
                        LinkKind::MemberOf,
                        htx,
                        id,
                        "Nghị quyết đại hội thành lập LHHTX",
                    );
                    if let Some(idx) = g.orgs.iter().position(|o| o.0 == htx) {
                        let mut ch = std::mem::take(&mut g.orgs[idx].2);
                        g.append(&mut ch, htx, d, ChangeBody::Link { link });
                        g.orgs[idx].2 = ch;
                    }
                }
            }
            if kind == OrgKind::CooperativeGroup
                && founded < ymd(2024, 1, 1)
                && g.rng.random_bool(0.15)
            {
                // This group becomes a cooperative (*chuyển đổi THT thành HTX*).
                let converted_on = date_between(&mut g.rng, founded + Duration::days(365), today);
                let htx_id = id + 1;
                let st = StatusChange {
                    status: Status::Converted,
                    until: None,
                    reason: Some(format!("Chuyển đổi thành HTX (mã hồ sơ {htx_id})")),
                    document: Some("Giấy chứng nhận đăng ký HTX".into()),
                };
                changes.retain(|c| {
                    !(c.effective > converted_on && matches!(c.body, ChangeBody::Status { .. }))
                });
                g.append(
                    &mut changes,
                    id,
                    converted_on,
                    ChangeBody::Status { status: st },
                );
                g.orgs.push((id, kind, changes));
                id += 1;
                let mut htx = g.organisation(id, OrgKind::Cooperative, commune, converted_on, &dn);
                let link = g.new_link(
                    LinkKind::ConvertedFrom,
                    id,
                    id - 1,
                    "Giấy chứng nhận đăng ký HTX",
                );
                g.append(&mut htx, id, converted_on, ChangeBody::Link { link });
                htx_ids.push((id, converted_on));
                g.orgs.push((id, OrgKind::Cooperative, htx));
                id += 1;
                continue;
            }
            g.orgs.push((id, kind, changes));
            id += 1;
        }
    }
    let mut summary = DemoSummary::default();
    let now = Utc::now();
    let last_id = id;
    let (orgs_out, links) = (std::mem::take(&mut g.orgs), std::mem::take(&mut g.links));
    let next_link = g.next_link;
    reg.db.write(|c| {
        for (id, kind, changes) in &orgs_out {
            let Some(st) = OrgState::fold(*id, *kind, changes, None) else {
                continue;
            };
            let view = reg.view(st.clone(), 1, reg.today(), &places);
            orgs::insert(c, &view, &st, now)?;
            orgs::append_changes(c, changes)?;
        }
        for (link_id, kind, subject, object) in &links {
            orgs::insert_link(c, *link_id, *kind, *subject, *object, now)?;
        }
        hoptac_store::audit::summarize(
            c,
            "demo",
            Some("hoptac demo"),
            hoptac_store::audit::Entry {
                entity: "demo".into(),
                id: format!("seed {}", spec.seed),
                action: "generate".into(),
                before: None,
                after: Some(
                    serde_json::json!({ "organisations": orgs_out.len(), "links": links.len() }),
                ),
            },
        );
        c.execute(
            "UPDATE id_counters SET next_id = ? WHERE name = 'organisation'",
            &[last_id.into()],
        )?;
        c.execute(
            "UPDATE id_counters SET next_id = ? WHERE name = 'link'",
            &[next_link.into()],
        )?;
        Ok::<_, crate::error::AppError>(())
    })?;
    let (reports, evaluations) = reports_and_evaluations(reg, spec, &orgs_out, today)?;
    summary.reports = reports;
    summary.evaluations = evaluations;
    for (_, kind, changes) in &orgs_out {
        summary.changes += changes.len();
        match kind {
            OrgKind::Cooperative => summary.cooperatives += 1,
            OrgKind::Union => summary.unions += 1,
            OrgKind::CooperativeGroup => summary.groups += 1,
        }
    }
    Ok(summary)
}

/// Annual reports 2019–2025 and approved evaluations 2020–2025 for the demo's HTX and
/// LHHTX: each has a quality that drifts up a little each year, so the share rated good
/// or fair improves slowly; a few file nothing or report no activity (formal-only).
fn reports_and_evaluations(
    reg: &Registry,
    spec: &DemoSpec,
    orgs_out: &[(OrgId, OrgKind, Vec<Change>)],
    today: NaiveDate,
) -> Result<(usize, usize)> {
    use crate::evaluations::{stopped_timeline, EvalState, Evaluation};
    use crate::reports::AnnualReport;
    use hoptac_domain::evaluation::{classify, days_stopped, propose, Facts};
    use hoptac_domain::report::{ReportFigures, ReportStage};
    use hoptac_domain::ruleset::RuleSet;
    use hoptac_store::docs::{self, Stamp};
    use std::collections::BTreeMap;

    let rule_sets = reg.rule_sets()?;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x0538_2019);
    let at =
        |d: NaiveDate, h: u32| Utc.from_utc_datetime(&d.and_hms_opt(h, 0, 0).unwrap_or_default());
    let mut reports: Vec<(String, AnnualReport)> = Vec::new();
    let mut evals: Vec<(String, Evaluation)> = Vec::new();
    for (id, kind, changes) in orgs_out.iter().filter(|o| o.1 != OrgKind::CooperativeGroup) {
        let quality: f64 = rng.random_range(0.35..0.85);
        let habit: f64 = rng.random(); // how reliably it reports
        let mut last: Option<ReportFigures> = None;
        let mut capital: i64 = rng.random_range(500..20_000) * 1_000_000;
        let mut assets: i64 = capital / 3;
        for year in 2019..=2025 {
            let end = ymd(year, 12, 31);
            if end > today {
                break;
            }
            let Some(st) = OrgState::fold(*id, *kind, changes, Some(end)) else {
                continue;
            };
            let Some(founded) = st.fields.founding_date else {
                continue;
            };
            if !matches!(
                st.status_on(end),
                Status::Active | Status::Suspended | Status::Inactive
            ) {
                continue;
            }
            let timeline = stopped_timeline(changes);
            let stopped = days_stopped(&timeline, ymd(year, 1, 1), end);
            // A few never report: the formal-only ones.
            let files = habit > 0.015 && rng.random_bool(0.99);
            let report = if files {
                let idle = habit < 0.03;
                capital =
                    (capital as f64 * rng.random_range(0.95..1.15)) as i64 / 1_000_000 * 1_000_000;
                assets =
                    (assets as f64 * rng.random_range(0.97..1.12)) as i64 / 1_000_000 * 1_000_000;
                let revenue = if idle {
                    0
                } else {
                    (capital as f64 * rng.random_range(0.3..1.5)) as i64 / 1_000_000 * 1_000_000
                };
                let members = st.fields.members.unwrap_or(7);
                // Drawn in the same order as before, so the rest of the demo is unchanged.
                let workers = rng.random_range(2..30);
                let profit = if idle {
                    0
                } else {
                    revenue / rng.random_range(8..30)
                };
                // Corporate income tax at 20%; the funds, the plan (TT 09/2017 criterion
                // 1) vary with the capital, without drawing.
                let after_tax = profit - profit.max(0) / 5;
                let pick = usize::try_from(capital / 1_000_000 % 3).unwrap_or(0);
                let f = ReportFigures {
                    members_start: Some(members),
                    members_end: Some(members),
                    official_members: Some(members),
                    regular_workers: Some(workers),
                    charter_capital: st.fields.charter_capital,
                    total_capital_end: Some(capital),
                    indivisible_assets_end: Some(assets),
                    revenue: Some(revenue),
                    revenue_from_members: Some(revenue / 2),
                    planned_revenue: Some(capital / 10 * 9 / 1_000_000 * 1_000_000),
                    pre_tax_profit: Some(profit),
                    after_tax_profit: Some(after_tax),
                    fund_development: Some(after_tax.max(0) * [15, 20, 30][pick] / 100),
                    fund_reserve: Some(after_tax.max(0) * [3, 5, 10][pick] / 100),
                    supplied_to_members: Some(if idle { 0 } else { revenue / 3 }),
                    months_operated: Some(12 - (stopped / 30).min(12)),
                    months_suspended: Some((stopped / 30).min(12)),
                    sanctioned: Some(rng.random_bool(0.02)),
                    ..Default::default()
                };
                reports.push((
                    crate::reports::key(*id, year),
                    AnnualReport {
                        org_id: *id,
                        year,
                        stage: ReportStage::Final,
                        figures: f.clone(),
                        filed_at: at(ymd(year + 1, 1, 10), 2),
                        final_at: Some(at(ymd(year + 1, 1, 10), 2)),
                    },
                ));
                Some(f)
            } else {
                None
            };
            // Some sheets are never approved (the coverage the dashboards show).
            if year >= 2020 && founded <= end && rng.random_bool(0.95) {
                let pick: Option<&RuleSet> = rule_sets
                    .iter()
                    .filter(|r| r.applies_to(*kind, st.fields.sector, year))
                    .max_by_key(|r| r.in_force_from);
                if let Some(rs) = pick {
                    let q = (quality + 0.018 * f64::from(year - 2020)).min(0.97);
                    let scores: BTreeMap<String, i32> = rs
                        .subs()
                        .map(|(_, s)| {
                            let x = (q + rng.random_range(-0.2..0.2)).clamp(0.0, 1.0);
                            (s.code.clone(), (f64::from(s.max) * x).round() as i32)
                        })
                        .collect();
                    let facts = Facts {
                        year,
                        founded,
                        months_suspended: report.as_ref().and_then(|r| r.months_suspended),
                        days_stopped: stopped,
                        sanctioned: report.as_ref().and_then(|r| r.sanctioned).unwrap_or(false),
                    };
                    if let Ok(outcome) = classify(rs, &facts, &scores) {
                        let approved = at(ymd(year, 12, 20), 3);
                        evals.push((
                            crate::reports::key(*id, year),
                            Evaluation {
                                org_id: *id,
                                year,
                                rule_set: rs.id.clone(),
                                state: EvalState::Approved,
                                proposals: propose(rs, report.as_ref(), last.as_ref()),
                                scores,
                                reasons: BTreeMap::new(),
                                report_version: report.as_ref().map(|_| 1),
                                outcome: Some(outcome),
                                prepared_by: "demo: hợp tác xã".into(),
                                editors: std::iter::once("demo: hợp tác xã".to_owned()).collect(),
                                submitted_at: Some(at(ymd(year, 12, 12), 2)),
                                reviewed_by: Some("demo: UBND xã".into()),
                                approved_by: Some("demo: Sở Tài chính".into()),
                                approved_at: Some(approved),
                                imported: true,
                                last_return: None,
                            },
                        ));
                    }
                }
            }
            last = report;
        }
    }
    reg.db.write(|c| {
        for (key, r) in &reports {
            insert_report(c, key, r)?;
        }
        for (key, e) in &evals {
            let stamp = Stamp {
                author: "demo",
                source: Some("demo"),
                note: None,
                now: e.approved_at.unwrap_or_else(Utc::now),
            };
            docs::insert(
                c,
                crate::evaluations::KIND,
                key,
                Some(e.org_id),
                Some(i64::from(e.year)),
                Some(e.state.code()),
                e,
                &stamp,
            )?;
        }
        hoptac_store::audit::summarize(c, "demo", Some("hoptac demo"), hoptac_store::audit::Entry {
            entity: "demo".into(),
            id: format!("seed {}", spec.seed),
            action: "generate reports and evaluations".into(),
            before: None,
            after: Some(serde_json::json!({ "annual_reports": reports.len(), "evaluations": evals.len() })),
        });
        Ok::<_, crate::error::AppError>(())
    })?;
    Ok((reports.len(), evals.len()))
}

/// Stores one generated annual report, filed by "demo" at its filing time.
fn insert_report(
    c: &mut dyn hoptac_store::Conn,
    key: &str,
    r: &crate::reports::AnnualReport,
) -> std::result::Result<(), hoptac_store::StoreError> {
    let stamp = hoptac_store::docs::Stamp {
        author: "demo",
        source: Some("demo"),
        note: None,
        now: r.filed_at,
    };
    hoptac_store::docs::insert(
        c,
        crate::reports::KIND,
        key,
        Some(r.org_id),
        Some(i64::from(r.year)),
        Some(r.stage.code()),
        r,
        &stamp,
    )
}

/// Organisations generated and written per transaction by [`generate_stress`].
const STRESS_CHUNK: usize = 20_000;

/// The stress dataset (`demo --scale 1m`): `total` organisations over every
/// province's communes, HTX, THT and LHHTX in the national proportions, each with its
/// history, and one year (2025) of final reports for the HTX and LHHTX active then.
/// Generated and written a chunk at a time, so memory stays bounded by a chunk (plus
/// the names and tax codes already used); deterministic for a seed. `progress` hears
/// (done, total) after each chunk.
pub fn generate_stress(
    reg: &Registry,
    seed: u64,
    total: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<DemoSummary> {
    generate_in_chunks(reg, seed, total, STRESS_CHUNK, progress)
}

fn generate_in_chunks(
    reg: &Registry,
    seed: u64,
    total: usize,
    chunk_size: usize,
    progress: &dyn Fn(usize, usize),
) -> Result<DemoSummary> {
    use crate::reports::AnnualReport;
    use hoptac_domain::report::{ReportFigures, ReportStage};

    let places = reg.places();
    let today = demo_today(reg.today());
    let communes: Vec<&Commune> = places.units.communes(Scheme::Legacy, None);
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        places: &places,
        today,
        go_live: ymd(2026, 1, 15).min(today),
        names: HashSet::new(),
        tax: HashSet::new(),
        orgs: Vec::new(),
        links: Vec::new(),
        next_link: 1,
    };
    let mut summary = DemoSummary::default();
    let mut id: OrgId = reg.db.read(|c| orgs::count(c))? + 1;
    let year_end = ymd(2025, 12, 31);
    let filed = Utc.from_utc_datetime(&ymd(2026, 1, 10).and_hms_opt(2, 0, 0).unwrap_or_default());
    let mut done = 0;
    while done < total {
        let n = chunk_size.min(total - done);
        let mut chunk: Vec<(OrgId, OrgKind, Vec<Change>)> = Vec::with_capacity(n);
        for _ in 0..n {
            let Some(commune) = communes.choose(&mut g.rng).copied() else {
                break;
            };
            // Vietnam's mix: about 35,000 HTX, 80,000 THT and 200 LHHTX.
            let x: f64 = g.rng.random();
            let kind = if x < 0.0017 {
                OrgKind::Union
            } else if x < 0.305 {
                OrgKind::Cooperative
            } else {
                OrgKind::CooperativeGroup
            };
            let founded = match kind {
                OrgKind::Union => date_between(&mut g.rng, ymd(2008, 1, 1), today),
                _ => founding(&mut g.rng, today),
            };
            let dn = commune
                .district_code
                .as_deref()
                .and_then(|d| places.units.district(d))
                .map_or(String::new(), |d| d.name.clone());
            let changes = g.organisation(id, kind, commune, founded, &dn);
            chunk.push((id, kind, changes));
            id += 1;
        }
        let mut rows = Vec::with_capacity(chunk.len());
        let mut reports: Vec<(String, AnnualReport)> = Vec::new();
        for (oid, kind, changes) in &chunk {
            let Some(st) = OrgState::fold(*oid, *kind, changes, None) else {
                continue;
            };
            let in_2025 = OrgState::fold(*oid, *kind, changes, Some(year_end))
                .filter(|s| s.status_on(year_end) == Status::Active);
            if let (Some(s), true) = (in_2025, *kind != OrgKind::CooperativeGroup) {
                let members = s.fields.members.unwrap_or(7);
                let capital: i64 = g.rng.random_range(500..20_000) * 1_000_000;
                let revenue = (capital as f64 * g.rng.random_range(0.3..1.5)) as i64;
                let profit = revenue / g.rng.random_range(8..30);
                reports.push((
                    crate::reports::key(*oid, 2025),
                    AnnualReport {
                        org_id: *oid,
                        year: 2025,
                        stage: ReportStage::Final,
                        figures: ReportFigures {
                            members_start: Some(members),
                            members_end: Some(members),
                            official_members: Some(members),
                            total_capital_end: Some(capital),
                            indivisible_assets_end: Some(capital / 3),
                            revenue: Some(revenue),
                            revenue_from_members: Some(revenue / 2),
                            planned_revenue: Some(capital / 10 * 9),
                            pre_tax_profit: Some(profit),
                            after_tax_profit: Some(profit - profit / 5),
                            months_operated: Some(12),
                            ..Default::default()
                        },
                        filed_at: filed,
                        final_at: Some(filed),
                    },
                ));
            }
            let view = reg.view(st.clone(), 1, reg.today(), &places);
            summary.changes += changes.len();
            match kind {
                OrgKind::Cooperative => summary.cooperatives += 1,
                OrgKind::Union => summary.unions += 1,
                OrgKind::CooperativeGroup => summary.groups += 1,
            }
            rows.push((view, st));
        }
        let all_changes: Vec<Change> = chunk.into_iter().flat_map(|(_, _, ch)| ch).collect();
        let now = Utc::now();
        reg.db.write(|c| {
            orgs::insert_many(c, &rows, now)?;
            orgs::append_changes(c, &all_changes)?;
            for (key, r) in &reports {
                insert_report(c, key, r)?;
            }
            hoptac_store::audit::summarize(
                c,
                "demo",
                Some("hoptac demo --scale 1m"),
                hoptac_store::audit::Entry {
                    entity: "demo".into(),
                    id: format!("seed {seed}"),
                    action: "generate".into(),
                    before: None,
                    after: Some(serde_json::json!({
                        "organisations": rows.len(),
                        "annual_reports": reports.len()
                    })),
                },
            );
            c.execute(
                "UPDATE id_counters SET next_id = ? WHERE name = 'organisation'",
                &[id.into()],
            )?;
            Ok::<_, crate::error::AppError>(())
        })?;
        summary.reports += reports.len();
        done += n;
        progress(done, total);
    }
    Ok(summary)
}

#[cfg(test)]
mod stress_tests {
    use super::*;

    #[test]
    fn a_search_of_a_common_word_counts_up_to_the_cap() {
        use hoptac_domain::list::{OrgFilter, PageRequest};
        let db = hoptac_testkit::sqlite();
        let store = crate::testing::open_db(&db.url);
        // A national registry: the stress data covers every province.
        let reg = Registry::open(store, None)
            .expect("registry")
            .with_today(ymd(2026, 11, 27));
        generate_in_chunks(&reg, 11, 10_600, 5_000, &|_, _| {}).expect("generate");
        let search = |q: &str| {
            let f = OrgFilter {
                q: Some(q.into()),
                ..Default::default()
            };
            reg.list(&f, PageRequest::default()).expect("search")
        };
        // Almost every name has "hợp tác" (HTX, THT): more than the cap.
        let common = search("hop tac");
        assert!(common.more, "counted up to the cap");
        assert_eq!(common.total as i64, orgs::SEARCH_COUNT_CAP);
        assert_eq!(common.items.len(), 50, "the first page is still full");
        // A rare word is counted exactly.
        let name = reg.get(4_321, None).expect("4321").name().to_owned();
        let rare = search(&name);
        assert!(
            !rare.more && rare.total >= 1 && rare.total < 50,
            "{}",
            rare.total
        );
        // Without a search the count is exact.
        let all = reg
            .list(&OrgFilter::default(), PageRequest::default())
            .expect("all");
        assert_eq!((all.total, all.more), (10_600, false));
    }

    #[test]
    fn the_stress_dataset_is_written_a_chunk_at_a_time_and_is_deterministic() {
        let make = || {
            let db = hoptac_testkit::sqlite();
            let url = db.url.clone();
            let reg = crate::registry_tests::registry(&url);
            let seen = std::cell::RefCell::new(Vec::new());
            let s = generate_in_chunks(&reg, 7, 2_500, 1_000, &|d, t| {
                seen.borrow_mut().push((d, t))
            })
            .expect("generate");
            (db, reg, s, seen.into_inner())
        };
        let (_a, reg, s, seen) = make();
        assert_eq!(seen, vec![(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
        assert_eq!(s.cooperatives + s.groups + s.unions, 2_500);
        assert!(s.cooperatives > 600 && s.groups > 1_500, "{s:?}");
        assert!(
            s.reports > 300 && s.reports <= s.cooperatives + s.unions,
            "{s:?}"
        );
        assert_eq!(reg.db.read(orgs::count).expect("count"), 2_500);
        // Provinces all over the country.
        let provinces: HashSet<String> = (1..=2_500)
            .filter_map(|id| reg.get(id, None).ok())
            .filter_map(|v| v.places.province_2025)
            .collect();
        assert!(provinces.len() > 20, "{} provinces", provinces.len());
        // The next record gets the next id.
        let next = reg
            .create(
                crate::registry_tests::htx(
                    "Hợp tác xã Sau Dữ Liệu Mẫu",
                    PlaceRef::new(Scheme::Legacy, "06205"),
                    ymd(2020, 1, 1),
                ),
                &crate::registry::Actor::new("test", None),
            )
            .expect("create");
        assert_eq!(next.id, 2_501);
        // Same seed, same data.
        let (_b, other, t, _) = make();
        assert_eq!(
            (t.cooperatives, t.groups, t.reports),
            (s.cooperatives, s.groups, s.reports)
        );
        assert_eq!(
            other.get(1_234, None).expect("1234").name(),
            reg.get(1_234, None).expect("1234").name()
        );
    }
}
