//! The spreadsheet columns: what the importers recognise (Vietnamese with or without
//! diacritics, English) — the registry's, and those of annual reports and score
//! sheets — and what the exporter writes. Every exported header is one the importer
//! knows, so an export comes back unchanged.

use hoptac_io::table::ColumnSpec;

macro_rules! spec {
    ($field:literal: $($alias:literal),+) => {
        ColumnSpec { field: $field, aliases: &[$($alias),+] }
    };
}

/// Import columns; aliases are header search keys (lowercase, no diacritics, units in
/// parentheses removed).
pub const REGISTRY_COLUMNS: &[ColumnSpec] = &[
    spec!("id": "ma ho so", "record id", "id"),
    spec!("kind": "loai hinh", "loai", "loai hinh to chuc", "kind", "type"),
    spec!("name": "ten", "ten htx", "ten hop tac xa", "ten to chuc", "ten tht", "ten to hop tac", "ten lhhtx",
        "ten lien hiep htx", "ten don vi", "ten to chuc kinh te tap the", "name", "organisation name", "organization name"),
    spec!("short_name": "ten viet tat", "short name"),
    spec!("tax_code": "ma so thue", "mst", "ma so doanh nghiep", "ma so htx", "tax code", "tax id"),
    spec!("registration_number": "so dang ky", "so dkkd", "so giay chung nhan dang ky", "so gcn", "so gcndk",
        "so giay chung nhan", "so dang ky kinh doanh", "registration number", "registration no"),
    spec!("registration_date": "ngay dang ky", "ngay cap", "ngay cap dang ky", "ngay cap gcn", "registration date"),
    spec!("registering_body": "co quan dang ky", "noi cap", "co quan cap", "registering body"),
    spec!("address": "dia chi", "dia chi tru so", "tru so", "dia chi tru so chinh", "address"),
    spec!("scheme": "he dia gioi", "he don vi hanh chinh", "scheme"),
    spec!("commune_code": "ma xa", "ma xa phuong", "ma dvhc", "commune code"),
    spec!("commune": "xa", "xa phuong", "xa/phuong", "phuong xa", "phuong/xa", "xa, phuong, thi tran", "xa phuong thi tran",
        "dia ban xa", "ten xa", "dia ban xa phuong", "commune", "ward", "commune/ward"),
    spec!("district": "huyen", "huyen thi xa thanh pho", "huyen/thanh pho", "huyen, thanh pho", "dia ban huyen",
        "huyen truoc 2025", "district", "district before 2025"),
    spec!("legacy_commune": "ma xa cu", "legacy commune code"),
    spec!("sector": "linh vuc", "linh vuc hoat dong", "nganh nghe", "nganh", "nganh nghe kinh doanh chinh", "sector"),
    spec!("product_class": "loai san pham", "phan loai san pham", "product class"),
    spec!("legal_representative": "nguoi dai dien", "nguoi dai dien theo phap luat", "nguoi dai dien phap luat",
        "ho ten giam doc", "giam doc", "chu nhiem", "to truong", "representative", "legal representative"),
    spec!("phone": "dien thoai", "so dien thoai", "sdt", "dt", "phone", "telephone"),
    spec!("email": "email", "e-mail", "thu dien tu"),
    spec!("charter_capital": "von dieu le", "von dieu le dang ky", "charter capital"),
    spec!("members": "so thanh vien", "thanh vien", "so tv", "so luong thanh vien", "tong so thanh vien", "members",
        "number of members"),
    spec!("founding_date": "ngay thanh lap", "ngay thanh lap htx", "founding date", "founded"),
    spec!("status": "tinh trang", "tinh trang hoat dong", "trang thai", "trang thai hoat dong", "status"),
    spec!("status_date": "ngay hieu luc tinh trang", "ngay thay doi tinh trang", "status date"),
    spec!("suspended_until": "tam ngung den", "tam ngung den ngay", "suspended until"),
    spec!("effective": "ngay hieu luc", "effective date"),
    spec!("notes": "ghi chu", "notes", "note"),
    spec!("stt": "stt", "so tt", "tt", "so thu tu", "no", "no.", "#"),
];

/// Reports and score sheets: the columns that say which organisation and year a row is
/// about.
pub const DOC_WHO_COLUMNS: &[ColumnSpec] = &[
    spec!("id": "ma ho so", "record id", "id"),
    spec!("tax_code": "ma so thue", "mst", "tax code"),
    spec!("name": "ten", "ten htx", "ten hop tac xa", "ten to chuc", "ten don vi", "name"),
    spec!("commune": "xa", "xa phuong", "xa/phuong", "commune"),
    spec!("district": "huyen", "district"),
    spec!("year": "nam", "nam bao cao", "nam danh gia", "year"),
    spec!("stt": "stt", "tt", "so tt"),
];

/// Annual reports (*báo cáo năm*): the figure columns.
pub const REPORT_FIGURE_COLUMNS: &[ColumnSpec] = &[
    spec!("stage": "giai doan", "loai so lieu", "so lieu", "stage"),
    spec!("members_start": "thanh vien dau nam", "so thanh vien dau nam", "members start"),
    spec!("members_end": "thanh vien cuoi nam", "so thanh vien cuoi nam", "members end"),
    spec!("members_joined": "thanh vien gia nhap", "ket nap moi", "members joined"),
    spec!("members_left": "thanh vien ra khoi", "thanh vien ra", "members left"),
    spec!("official_members": "thanh vien chinh thuc", "official members"),
    spec!("associate_members": "thanh vien lien ket", "associate members"),
    spec!("regular_workers": "lao dong thuong xuyen", "so lao dong", "regular workers"),
    spec!("regular_workers_members": "lao dong la thanh vien", "workers who are members"),
    spec!("charter_capital": "von dieu le", "charter capital"),
    spec!("total_capital_start": "tong nguon von dau nam", "total capital start"),
    spec!("total_capital_end": "tong nguon von cuoi nam", "tong nguon von", "total capital end"),
    spec!("indivisible_assets_start": "tai san khong chia dau nam", "indivisible assets start"),
    spec!("indivisible_assets_end": "tai san khong chia cuoi nam", "tai san khong chia", "indivisible assets end"),
    spec!("revenue": "doanh thu", "tong doanh thu", "revenue"),
    spec!("revenue_from_members": "doanh thu tu thanh vien", "doanh thu cung ung cho thanh vien", "revenue from members"),
    spec!("planned_revenue": "doanh thu ke hoach", "ke hoach doanh thu", "planned revenue", "revenue plan"),
    spec!("pre_tax_profit": "loi nhuan truoc thue", "loi nhuan", "pre-tax profit", "profit"),
    spec!("after_tax_profit": "loi nhuan sau thue", "thu nhap sau thue", "after-tax profit"),
    spec!("fund_development": "quy dau tu phat trien", "development fund"),
    spec!("fund_reserve": "quy du phong", "reserve fund"),
    spec!("fund_other": "quy khac", "other funds"),
    spec!("avg_income_workers": "thu nhap binh quan lao dong", "thu nhap binh quan nguoi lao dong", "average income of workers"),
    spec!("avg_income_members": "thu nhap binh quan thanh vien", "average income of members"),
    spec!("supplied_to_members": "gia tri san pham dich vu cung ung cho thanh vien", "gia tri sp, dv cung ung cho thanh vien",
        "gia tri sp dv cung ung cho thanh vien", "cung ung cho thanh vien", "supplied to members"),
    spec!("members_trained": "thanh vien duoc dao tao", "so thanh vien duoc dao tao", "members trained"),
    spec!("months_operated": "so thang hoat dong", "thang hoat dong", "months operated"),
    spec!("months_suspended": "so thang tam ngung", "thang tam ngung", "months suspended"),
    spec!("sanctioned": "bi xu phat", "xu phat vi pham hanh chinh", "sanctioned"),
    spec!("sanction_note": "noi dung xu phat", "sanction note"),
    spec!("award": "khen thuong", "cap khen thuong", "award"),
];

/// Export headers (Vietnamese, English) in order. Derived columns carry "(suy ra)" /
/// "(derived)" so the importer leaves them alone.
pub const EXPORT_COLUMNS: &[(&str, &str, &str)] = &[
    ("id", "Mã hồ sơ", "Record ID"),
    ("kind", "Loại hình", "Kind"),
    ("name", "Tên", "Name"),
    ("short_name", "Tên viết tắt", "Short name"),
    ("tax_code", "Mã số thuế", "Tax code"),
    ("registration_number", "Số đăng ký", "Registration number"),
    ("registration_date", "Ngày đăng ký", "Registration date"),
    ("registering_body", "Cơ quan đăng ký", "Registering body"),
    ("address", "Địa chỉ", "Address"),
    ("scheme", "Hệ địa giới", "Scheme"),
    ("commune_code", "Mã xã", "Commune code"),
    ("commune", "Xã/phường", "Commune"),
    ("district", "Huyện (trước 2025)", "District (before 2025)"),
    ("legacy_commune", "Mã xã cũ", "Legacy commune code"),
    (
        "derived_2025",
        "Mã xã 2025 (suy ra)",
        "2025 commune code (derived)",
    ),
    (
        "derived_district",
        "Mã huyện cũ (suy ra)",
        "Legacy district code (derived)",
    ),
    ("sector", "Lĩnh vực", "Sector"),
    ("product_class", "Loại sản phẩm", "Product class"),
    (
        "legal_representative",
        "Người đại diện",
        "Legal representative",
    ),
    ("phone", "Điện thoại", "Phone"),
    ("email", "Email", "Email"),
    (
        "charter_capital",
        "Vốn điều lệ (đồng)",
        "Charter capital (VND)",
    ),
    ("members", "Số thành viên", "Members"),
    ("founding_date", "Ngày thành lập", "Founding date"),
    ("status", "Tình trạng", "Status"),
    ("status_date", "Ngày hiệu lực tình trạng", "Status date"),
    ("suspended_until", "Tạm ngừng đến", "Suspended until"),
    ("notes", "Ghi chú", "Notes"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_domain::text::search_key;

    #[test]
    fn every_exported_header_is_recognised_or_marked_derived() {
        for (field, vi, en) in EXPORT_COLUMNS {
            for h in [vi, en] {
                let key = search_key(h);
                let key = key.split(" (").next().unwrap_or("").trim().to_owned();
                let found = REGISTRY_COLUMNS
                    .iter()
                    .find(|s| s.aliases.contains(&key.as_str()));
                if field.starts_with("derived") {
                    assert!(found.is_none(), "{h} must not be imported");
                } else {
                    assert_eq!(found.map(|s| s.field), Some(*field), "header {h}");
                }
            }
        }
    }

    #[test]
    fn aliases_are_unique() {
        let mut all: Vec<&str> = REGISTRY_COLUMNS
            .iter()
            .flat_map(|s| s.aliases.iter().copied())
            .collect();
        all.sort_unstable();
        let n = all.len();
        all.dedup();
        assert_eq!(n, all.len());
    }
}
