//! Collective economic organisations (*tổ chức kinh tế tập thể*): their kinds, statuses,
//! sectors and attributes (spec §2).

use crate::place::PlaceRef;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Stable internal id of an organisation; never reused.
pub type OrgId = i64;

/// Declares an enum of codes with Vietnamese and English labels and loose parsing.
macro_rules! code_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[$vm:meta])* $var:ident = $code:literal, $vi:literal, $en:literal $([$($alias:literal),*])?;)* }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $var,)*
        }
        // Published by hand: the derive would name the values by their Rust names
        // (`Cooperative`) where the wire carries the codes (`HTX`).
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let docs: &[&str] = &[$($doc),*];
                let description = docs.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description((!description.is_empty()).then_some(description))
                    .enum_values(Some([$($code),*]))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            /// The code used in the API, files and database.
            pub fn code(self) -> &'static str {
                match self { $($name::$var => $code,)* }
            }
            /// Vietnamese label.
            pub fn label_vi(self) -> &'static str {
                match self { $($name::$var => $vi,)* }
            }
            /// English label.
            pub fn label_en(self) -> &'static str {
                match self { $($name::$var => $en,)* }
            }
            /// Other names people write, as loose keys.
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$var => &[$($($alias),*)?],)* }
            }
            /// Parses a code, a Vietnamese or English label or a usual alias, ignoring
            /// case, diacritics and punctuation.
            pub fn parse(s: &str) -> Option<Self> {
                let k = crate::text::loose_key(s);
                Self::ALL.iter().copied().find(|v| {
                    k == crate::text::loose_key(v.code())
                        || k == crate::text::loose_key(v.label_vi())
                        || k == crate::text::loose_key(v.label_en())
                        || v.aliases().contains(&k.as_str())
                })
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum! {
    /// Kind of organisation (*loại hình*).
    OrgKind {
        /// Cooperative (*hợp tác xã*).
        Cooperative = "HTX", "Hợp tác xã", "Cooperative" ["htx", "hop tac xa"];
        /// Cooperative union (*liên hiệp hợp tác xã*).
        Union = "LHHTX", "Liên hiệp hợp tác xã", "Cooperative union" ["lien hiep htx", "union"];
        /// Cooperative group (*tổ hợp tác*).
        CooperativeGroup = "THT", "Tổ hợp tác", "Cooperative group" ["to hop tac", "group"];
    }
}

code_enum! {
    /// Legal status (*tình trạng hoạt động*), spec §2.1.
    Status {
        /// *đang hoạt động*
        Active = "active", "Đang hoạt động", "Active" ["hoat dong", "dang hd", "binh thuong"];
        /// *tạm ngừng kinh doanh*, registered stoppage with an end date.
        Suspended = "suspended", "Tạm ngừng kinh doanh", "Suspended" ["tam ngung", "tam ngung hoat dong", "tam dung hoat dong", "tam ngung kd"];
        /// *ngừng hoạt động không đăng ký*
        Inactive = "inactive", "Ngừng hoạt động không đăng ký", "Inactive (unregistered stop)" ["ngung hoat dong", "khong hoat dong", "inactive"];
        /// *đang giải thể*
        Dissolving = "dissolving", "Đang giải thể", "Dissolving" ["dang lam thu tuc giai the"];
        /// *đã giải thể*
        Dissolved = "dissolved", "Đã giải thể", "Dissolved" ["giai the"];
        /// *phá sản*
        Bankrupt = "bankrupt", "Phá sản", "Bankrupt" ["da pha san"];
        /// *bị thu hồi giấy chứng nhận*
        Revoked = "revoked", "Bị thu hồi giấy chứng nhận", "Certificate revoked" ["thu hoi", "bi thu hoi", "thu hoi gcn", "thu hoi giay chung nhan"];
        /// THT converted into an HTX (*đã chuyển đổi thành HTX*).
        Converted = "converted", "Đã chuyển đổi thành HTX", "Converted into a cooperative" ["chuyen doi", "da chuyen doi", "chuyen thanh htx"];
    }
}

code_enum! {
    /// Sector category used in provincial reports (*lĩnh vực*), each in one Decree
    /// 113/2024 group.
    Sector {
        Agriculture = "nong_nghiep", "Nông nghiệp", "Agriculture" ["nong lam nghiep", "nong lam ngu nghiep", "nong nghiep nong thon", "lam nghiep", "thuy san", "chan nuoi", "trong trot"];
        Industry = "cong_nghiep_ttcn", "Công nghiệp - tiểu thủ công nghiệp", "Industry and handicrafts" ["cong nghiep", "cn ttcn", "cong nghiep ttcn", "tieu thu cong nghiep", "tieu thu cong nghiep cong nghiep", "industry"];
        Construction = "xay_dung", "Xây dựng", "Construction" ["xd"];
        TradeServices = "thuong_mai_dich_vu", "Thương mại - dịch vụ", "Trade and services" ["thuong mai", "dich vu", "tm dv", "tmdv", "thuong mai va dich vu", "trade", "services"];
        Transport = "van_tai", "Vận tải", "Transport" ["giao thong van tai", "van tai hanh khach", "van tai hang hoa"];
        /// People's credit fund (*quỹ tín dụng nhân dân*): registered, not scored here.
        CreditFund = "quy_tin_dung", "Quỹ tín dụng nhân dân", "People's credit fund" ["quy tin dung", "qtdnd", "tin dung", "credit fund"];
        Environment = "moi_truong", "Môi trường", "Environment" ["ve sinh moi truong", "thu gom rac"];
        CleanWater = "nuoc_sach", "Nước sạch", "Clean water" ["cap nuoc", "nuoc sinh hoat"];
        Other = "khac", "Khác", "Other" ["linh vuc khac"];
    }
}

code_enum! {
    /// Sector group of Decree 113/2024/NĐ-CP, on which scale classes depend.
    SectorGroup {
        Agriculture = "agriculture", "Nông, lâm, ngư nghiệp, diêm nghiệp", "Agriculture";
        IndustryConstruction = "industry_construction", "Công nghiệp - xây dựng", "Industry and construction";
        TradeServices = "trade_services", "Thương mại, dịch vụ và lĩnh vực khác", "Trade, services and other";
    }
}

impl Sector {
    pub fn group(self) -> SectorGroup {
        match self {
            Sector::Agriculture => SectorGroup::Agriculture,
            Sector::Industry | Sector::Construction | Sector::Environment | Sector::CleanWater => {
                SectorGroup::IndustryConstruction
            }
            Sector::TradeServices | Sector::Transport | Sector::CreditFund | Sector::Other => {
                SectorGroup::TradeServices
            }
        }
    }
}

code_enum! {
    /// HTX product-type class (*phân loại theo sản phẩm*).
    ProductClass {
        Production = "san_xuat", "Sản xuất", "Production";
        Consumption = "tieu_dung", "Tiêu dùng", "Consumption";
        Employment = "tao_viec_lam", "Tạo việc làm", "Job creation";
        Mixed = "hon_hop", "Hỗn hợp", "Mixed";
    }
}

code_enum! {
    /// Kind of link between organisations.
    LinkKind {
        /// This HTX was converted from the THT named (*chuyển đổi từ THT*).
        ConvertedFrom = "converted_from", "Chuyển đổi từ THT", "Converted from group";
        /// This HTX is a member of the LHHTX named (*thành viên LHHTX*).
        MemberOf = "member_of", "Thành viên của LHHTX", "Member of union";
        /// Successor by consolidation (*hợp nhất*).
        ConsolidatedFrom = "consolidated_from", "Hợp nhất từ", "Consolidated from";
        /// Successor by merger (*sáp nhập*): this organisation absorbed the one named.
        MergedFrom = "merged_from", "Sáp nhập từ", "Merged from";
        /// Successor by division (*chia*).
        DividedFrom = "divided_from", "Chia từ", "Divided from";
        /// Successor by separation (*tách*).
        SeparatedFrom = "separated_from", "Tách từ", "Separated from";
    }
}

/// The attributes of an organisation that change over time and keep history. Every
/// field is optional so a change can carry just what changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrgFields {
    /// Registered name (*tên*), NFC-normalised, spelling kept.
    pub name: Option<String>,
    pub short_name: Option<String>,
    /// Registration number (*số đăng ký*): free text, old certificates carry district numbers.
    pub registration_number: Option<String>,
    /// Tax code (*mã số thuế*): 10 digits or 10-3 with a branch suffix.
    pub tax_code: Option<String>,
    /// Registration date (*ngày cấp đăng ký*).
    pub registration_date: Option<NaiveDate>,
    /// Registering body (*cơ quan đăng ký*).
    pub registering_body: Option<String>,
    pub address: Option<String>,
    /// Commune-level place (*địa bàn xã*).
    pub place: Option<PlaceRef>,
    /// For a record placed in a 2025 commune: its legacy commune code, when known.
    pub legacy_commune: Option<String>,
    pub sector: Option<Sector>,
    /// Legal representative (*người đại diện theo pháp luật*).
    pub legal_representative: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Charter capital in VND (*vốn điều lệ*).
    pub charter_capital: Option<i64>,
    /// Number of (official) members (*số thành viên*).
    pub members: Option<i64>,
    /// Founding date (*ngày thành lập*).
    pub founding_date: Option<NaiveDate>,
    pub notes: Option<String>,
    /// HTX only.
    pub product_class: Option<ProductClass>,
}

/// A status change (*thay đổi tình trạng*) with what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub status: Status,
    /// For `suspended`: the last day of the registered stoppage.
    #[serde(default)]
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The deciding document (*văn bản, quyết định*).
    #[serde(default)]
    pub document: Option<String>,
}

/// A link to another organisation, as recorded on its subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Link {
    pub id: i64,
    pub kind: LinkKind,
    /// The other organisation.
    pub target: OrgId,
    /// False once the link has ended (e.g. an HTX left its union).
    pub active: bool,
    #[serde(default)]
    pub document: Option<String>,
}
