//! Shared messages in Vietnamese (default) and English (field problems, places), and
//! vi-VN formatting of numbers and dates. Page texts live beside their templates and
//! error texts beside their error types (`lang.t(vi, en)`); this holds what several
//! of them share, so that wording stays consistent.

use crate::place::PlaceError;
use crate::validate::FieldProblem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "vi")]
    Vi,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Lang {
        if s.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }
    /// Picks the text in this language.
    pub fn t<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// `1.234.567` (vi-VN thousands separator).
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `1.234.567,5` with the given number of decimals.
pub fn format_decimal(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int: i64 = int.parse().unwrap_or(0);
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", format_int(int))
    } else {
        format!("{sign}{},{frac}", format_int(int))
    }
}

/// `dd/mm/yyyy`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A date typed by a person or a client: `2025-07-01` or `01/07/2025`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// The label of an attribute, for messages and column headers.
pub fn field_label(field: &str, lang: Lang) -> String {
    let (vi, en) = match field {
        "name" => ("Tên", "Name"),
        "short_name" => ("Tên viết tắt", "Short name"),
        "kind" => ("Loại hình", "Kind"),
        "registration_number" => ("Số đăng ký", "Registration number"),
        "tax_code" => ("Mã số thuế", "Tax code"),
        "registration_date" => ("Ngày đăng ký", "Registration date"),
        "registering_body" => ("Cơ quan đăng ký", "Registering body"),
        "address" => ("Địa chỉ", "Address"),
        "place" => ("Địa bàn (xã/phường)", "Commune"),
        "legacy_commune" => ("Xã cũ (trước 2025)", "Legacy commune"),
        "commune" => ("Xã/phường", "Commune"),
        "commune_code" => ("Mã xã", "Commune code"),
        "id" => ("Mã hồ sơ", "Record ID"),
        "suspended_until" => ("Tạm ngừng đến", "Suspended until"),
        "until" => ("Tạm ngừng đến", "Suspended until"),
        "source" => ("Nguồn", "Source"),
        "district" => ("Huyện (trước 2025)", "District (before 2025)"),
        "scheme" => ("Hệ địa giới", "Scheme"),
        "sector" => ("Lĩnh vực", "Sector"),
        "legal_representative" => ("Người đại diện", "Legal representative"),
        "phone" => ("Điện thoại", "Phone"),
        "email" => ("Email", "Email"),
        "charter_capital" => ("Vốn điều lệ", "Charter capital"),
        "members" => ("Số thành viên", "Members"),
        "founding_date" => ("Ngày thành lập", "Founding date"),
        "notes" => ("Ghi chú", "Notes"),
        "product_class" => ("Loại sản phẩm", "Product class"),
        "status" => ("Tình trạng", "Status"),
        "status_date" => ("Ngày hiệu lực tình trạng", "Status date"),
        "effective" => ("Ngày hiệu lực", "Effective date"),
        "version" => ("Phiên bản", "Version"),
        other => (other, other),
    };
    lang.t(vi, en).to_owned()
}

pub fn place_message(e: &PlaceError, lang: Lang) -> String {
    match e {
        PlaceError::UnknownCode { scheme, code } => match lang {
            Lang::Vi => format!(
                "không có đơn vị hành chính mã {code} trong hệ {}",
                lang.t(
                    if scheme.as_str() == "legacy" {
                        "trước 2025"
                    } else {
                        "2025"
                    },
                    ""
                )
            ),
            Lang::En => format!(
                "no administrative unit with code {code} in the {} scheme",
                scheme.as_str()
            ),
        },
        PlaceError::UnknownName { name, suggestions } => {
            let base = match lang {
                Lang::Vi => format!("không tìm thấy xã/phường \"{name}\""),
                Lang::En => format!("no commune called \"{name}\""),
            };
            if suggestions.is_empty() {
                base
            } else {
                format!(
                    "{base}; {}: {}",
                    lang.t("có phải là", "did you mean"),
                    suggestions.join("; ")
                )
            }
        }
        PlaceError::Ambiguous { name, candidates } => match lang {
            Lang::Vi => format!(
                "tên \"{name}\" trùng với nhiều xã/phường: {}; hãy ghi thêm huyện hoặc dùng mã",
                candidates.join("; ")
            ),
            Lang::En => format!(
                "\"{name}\" matches several communes: {}; add the district or use the code",
                candidates.join("; ")
            ),
        },
        PlaceError::UnknownDistrict { name } => match lang {
            Lang::Vi => {
                format!("không tìm thấy huyện/thành phố \"{name}\" (trước 2025) trong tỉnh")
            }
            Lang::En => format!("no legacy district called \"{name}\" in the province"),
        },
        PlaceError::OutsideProvince { code, province } => match lang {
            Lang::Vi => {
                format!("xã/phường mã {code} không thuộc tỉnh đang quản lý (mã tỉnh {province})")
            }
            Lang::En => {
                format!("commune {code} is outside the province served (province code {province})")
            }
        },
    }
}

pub fn problem_message(p: &FieldProblem, lang: Lang) -> String {
    use FieldProblem::*;
    match (p, lang) {
        (Required, _) => lang.t("bắt buộc phải có", "is required").into(),
        (FutureDate(d), Lang::Vi) => {
            format!("ngày {} ở tương lai (theo giờ Việt Nam)", format_date(*d))
        }
        (FutureDate(d), Lang::En) => format!("{} is in the future (Vietnam time)", format_date(*d)),
        (PastDate(d), Lang::Vi) => format!("ngày {} đã qua", format_date(*d)),
        (PastDate(d), Lang::En) => format!("{} has passed", format_date(*d)),
        (BadTaxCode(v), Lang::Vi) => {
            format!("\"{v}\" không phải mã số thuế hợp lệ (10 chữ số, hoặc 10 chữ số-3 chữ số)")
        }
        (BadTaxCode(v), Lang::En) => {
            format!("\"{v}\" is not a valid tax code (10 digits, or 10-3 digits)")
        }
        (DuplicateTaxCode { other_id: 0, .. }, Lang::Vi) => {
            "đã được dùng cho một tổ chức khác".to_owned()
        }
        (DuplicateTaxCode { other_id: 0, .. }, Lang::En) => {
            "already used by another organisation".to_owned()
        }
        (
            DuplicateTaxCode {
                other_id,
                other_name,
            },
            Lang::Vi,
        ) => {
            format!("đã được dùng cho \"{other_name}\" (mã hồ sơ {other_id})")
        }
        (
            DuplicateTaxCode {
                other_id,
                other_name,
            },
            Lang::En,
        ) => {
            format!("already used by \"{other_name}\" (record {other_id})")
        }
        (Negative(v), Lang::Vi) => format!("không được âm ({})", format_int(*v)),
        (Negative(v), Lang::En) => format!("must not be negative ({v})"),
        (BelowMinimumMembers { minimum, law }, Lang::Vi) => {
            format!(
                "tối thiểu {minimum} thành viên theo {law} (luật có hiệu lực tại ngày thành lập)"
            )
        }
        (BelowMinimumMembers { minimum, law }, Lang::En) => {
            format!(
                "at least {minimum} members under {law} (the law in force on the founding date)"
            )
        }
        (Place(e), _) => place_message(e, lang),
        (NotForKind(k), Lang::Vi) => format!("không áp dụng cho {}", k.label_vi()),
        (NotForKind(k), Lang::En) => format!("does not apply to a {}", k.label_en().to_lowercase()),
        (BadEmail(v), Lang::Vi) => format!("\"{v}\" không phải địa chỉ email"),
        (BadEmail(v), Lang::En) => format!("\"{v}\" is not an email address"),
        (EndBeforeStart { start, end }, Lang::Vi) => format!(
            "kết thúc {} trước khi bắt đầu {}",
            format_date(*end),
            format_date(*start)
        ),
        (EndBeforeStart { start, end }, Lang::En) => format!(
            "ends on {} before it starts on {}",
            format_date(*end),
            format_date(*start)
        ),
        (NotTenths(v), Lang::Vi) => format!("{v} điểm (chỉ lẻ tới 0,1)"),
        (NotTenths(v), Lang::En) => format!("{v} points (tenths at most)"),
        (OutOfRange { value, range }, Lang::Vi) => {
            format!("{value} nằm ngoài khoảng cho phép ({range})")
        }
        (OutOfRange { value, range }, Lang::En) => {
            format!("{value} is outside what is allowed ({range})")
        }
        (BadPhone(v), Lang::Vi) => {
            format!("\"{v}\" không phải số điện thoại (8 đến 15 chữ số; nhiều số cách nhau bằng /)")
        }
        (BadPhone(v), Lang::En) => {
            format!("\"{v}\" is not a phone number (8 to 15 digits; several separated by /)")
        }
        (ControlCharacter { position }, Lang::Vi) => {
            format!("có ký tự điều khiển không hợp lệ ở vị trí {position}")
        }
        (ControlCharacter { position }, Lang::En) => {
            format!("holds a control character at position {position}")
        }
        (BadDate(v), Lang::Vi) => format!("\"{v}\" không phải ngày hợp lệ (dd/mm/yyyy)"),
        (BadDate(v), Lang::En) => format!("\"{v}\" is not a valid date (dd/mm/yyyy)"),
        (BadNumber(v), Lang::Vi) => format!("\"{v}\" không phải số nguyên hợp lệ"),
        (BadNumber(v), Lang::En) => format!("\"{v}\" is not a valid whole number"),
        (UnknownValue { value, allowed }, Lang::Vi) => {
            format!(
                "\"{value}\" không hợp lệ; giá trị cho phép: {}",
                allowed.join(", ")
            )
        }
        (UnknownValue { value, allowed }, Lang::En) => {
            format!(
                "\"{value}\" is not allowed; expected one of: {}",
                allowed.join(", ")
            )
        }
        (FutureYear(y), Lang::Vi) => format!("năm {y} chưa tới"),
        (FutureYear(y), Lang::En) => format!("{y} is in the future"),
        (DateBeforeFounding { date, founded }, Lang::Vi) => {
            format!(
                "ngày {} trước ngày thành lập ({})",
                format_date(*date),
                format_date(*founded)
            )
        }
        (DateBeforeFounding { date, founded }, Lang::En) => {
            format!(
                "{} is before the founding date ({})",
                format_date(*date),
                format_date(*founded)
            )
        }
        (BeforeFounding { year, founded }, Lang::Vi) => {
            format!("năm {year} trước khi thành lập ({})", format_date(*founded))
        }
        (BeforeFounding { year, founded }, Lang::En) => {
            format!(
                "{year} is before the founding date ({})",
                format_date(*founded)
            )
        }
        (AboveMaximum { value, max }, Lang::Vi) => {
            format!(
                "{} vượt mức tối đa {}",
                format_int(*value),
                format_int(*max)
            )
        }
        (AboveMaximum { value, max }, Lang::En) => format!("{value} is above the maximum {max}"),
        (TooLong { max }, Lang::Vi) => format!("dài quá {max} ký tự"),
        (TooLong { max }, Lang::En) => format!("longer than {max} characters"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vi_vn_formats() {
        assert_eq!(format_int(1_234_567), "1.234.567");
        assert_eq!(format_int(-1_000), "-1.000");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_decimal(1_234_567.5, 1), "1.234.567,5");
        assert_eq!(format_decimal(-0.25, 2), "-0,25");
        assert_eq!(
            format_date(NaiveDate::from_ymd_opt(2025, 7, 1).expect("d")),
            "01/07/2025"
        );
    }
}
