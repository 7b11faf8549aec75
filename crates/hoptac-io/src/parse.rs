//! Cell values to typed values with the vi-VN rules of spec §8: in money and counts
//! `.` and `,` are thousands separators; dates are dd/mm/yyyy text or Excel serials.

use crate::grid::Cell;
use chrono::{Days, NaiveDate};
use hoptac_domain::text::nfc;

/// Why a cell could not be read as the wanted type (the raw text, for the message).
#[derive(Debug, Clone, PartialEq)]
pub enum CellError {
    NotAWholeNumber(String),
    NotADate(String),
}

/// Text, NFC-normalised; `None` for an empty cell.
pub fn text(cell: &Cell) -> Option<String> {
    let t = nfc(&cell.to_text());
    (!t.is_empty()).then_some(t)
}

/// A whole number, possibly with thousands separators, times the header's unit. With a
/// unit above 1, a decimal comma is allowed (`1,5` triệu đồng).
pub fn whole_number(cell: &Cell, multiplier: i64) -> Result<Option<i64>, CellError> {
    let bad = || CellError::NotAWholeNumber(cell.to_text());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => {
            let v = n * multiplier as f64;
            if (v - v.round()).abs() > 1e-6 || v.abs() > 9e15 {
                Err(bad())
            } else {
                Ok(Some(v.round() as i64))
            }
        }
        Cell::Text(s) => {
            let mut t: String = s.trim().to_owned();
            for unit in ["VNĐ", "VND", "vnđ", "vnd", "đồng", "đ", "người"] {
                t = t.trim_end_matches(unit).trim().to_owned();
            }
            let t: String = t
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
                .collect();
            if t.is_empty() {
                return Ok(None);
            }
            let (neg, digits) = match t.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, t.as_str()),
            };
            let v = parse_grouped(digits, multiplier).ok_or_else(bad)?;
            Ok(Some(if neg { -v } else { v }))
        }
        _ => Err(bad()),
    }
}

/// `1.234.567` or `1,234,567` (groups of three) or plain digits; with a unit, also a
/// decimal comma.
fn parse_grouped(s: &str, multiplier: i64) -> Option<i64> {
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let grouped = |s: &str, sep: char| {
        let parts: Vec<&str> = s.split(sep).collect();
        parts.len() > 1
            && !parts[0].is_empty()
            && parts[0].len() <= 3
            && parts[1..].iter().all(|p| p.len() == 3)
    };
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let int_part = |s: &str| -> Option<i64> { s.replace(['.', ','], "").parse().ok() };
    if all_digits(s) {
        return s.parse::<i64>().ok()?.checked_mul(multiplier);
    }
    if !s.contains(',') && grouped(s, '.') || !s.contains('.') && grouped(s, ',') {
        return int_part(s)?.checked_mul(multiplier);
    }
    if multiplier > 1 {
        // vi-VN decimal: 1.234,5 — or a lone decimal point: 2.5
        let (int, frac) = match s.rsplit_once(',') {
            Some((i, f)) if (i.is_empty() || all_digits(i) || grouped(i, '.')) && all_digits(f) => {
                (i, f)
            }
            _ => match s.split_once('.') {
                Some((i, f)) if all_digits(i) && all_digits(f) && !f.contains('.') => (i, f),
                _ => return None,
            },
        };
        let int = if int.is_empty() { 0 } else { int_part(int)? };
        let frac_v: f64 = format!("0.{frac}").parse().ok()?;
        let v = (int as f64 + frac_v) * multiplier as f64;
        return ((v - v.round()).abs() < 1e-6).then_some(v.round() as i64);
    }
    None
}

/// A date from a date cell, an Excel serial number or dd/mm/yyyy text (also `-` or
/// `.` separators, and ISO yyyy-mm-dd).
pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, CellError> {
    let bad = || CellError::NotADate(cell.to_text());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n < 2_958_466.0 => {
            // Excel's 1900 date system, counted from 30 December 1899 (its leap-year bug
            // only affects dates before March 1900).
            NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|d| d.checked_add_days(Days::new(*n as u64)))
                .map(Some)
                .ok_or_else(bad)
        }
        Cell::Text(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                return Ok(Some(d));
            }
            let parts: Vec<&str> = s.split(['/', '-', '.']).map(str::trim).collect();
            if parts.len() == 3 && parts[2].len() == 4 {
                if let (Ok(d), Ok(m), Ok(y)) =
                    (parts[0].parse(), parts[1].parse(), parts[2].parse())
                {
                    if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                        return Ok(Some(date));
                    }
                }
            }
            // A serial number stored as text.
            if let Ok(n) = s.parse::<f64>() {
                if n.fract() == 0.0 && (20_000.0..80_000.0).contains(&n) {
                    return date(&Cell::Number(n));
                }
            }
            Err(bad())
        }
        _ => Err(bad()),
    }
}

/// Digits-only identifiers that lose leading zeros when stored as numbers (tax codes,
/// phone numbers) come back as text with the zero restored.
pub fn identifier(cell: &Cell, usual_len: usize) -> Option<String> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
            let s = format!("{}", *n as i64);
            Some(if s.len() + 1 == usual_len {
                format!("0{s}")
            } else {
                s
            })
        }
        c => text(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn whole_numbers_with_separators() {
        assert_eq!(whole_number(&t("1.234.567"), 1), Ok(Some(1_234_567)));
        assert_eq!(whole_number(&t("1,234,567"), 1), Ok(Some(1_234_567)));
        assert_eq!(whole_number(&t("1 234 567 đ"), 1), Ok(Some(1_234_567)));
        assert_eq!(whole_number(&t("-500"), 1), Ok(Some(-500)));
        assert_eq!(whole_number(&Cell::Number(12.0), 1), Ok(Some(12)));
        assert!(whole_number(&t("1,5"), 1).is_err());
        assert!(whole_number(&t("12.34"), 1).is_err());
        assert!(whole_number(&t("mười"), 1).is_err());
        assert!(whole_number(&Cell::Number(1.5), 1).is_err());
    }

    #[test]
    fn units_in_headers_allow_decimals() {
        assert_eq!(whole_number(&t("1,5"), 1_000_000), Ok(Some(1_500_000)));
        assert_eq!(
            whole_number(&t("1.234,5"), 1_000_000),
            Ok(Some(1_234_500_000))
        );
        assert_eq!(whole_number(&t("2.5"), 1_000_000), Ok(Some(2_500_000)));
        assert_eq!(
            whole_number(&Cell::Number(0.75), 1_000_000),
            Ok(Some(750_000))
        );
    }

    #[test]
    fn dates_in_every_usual_form() {
        let d = NaiveDate::from_ymd_opt(2019, 6, 11);
        assert_eq!(date(&t("11/06/2019")), Ok(d));
        assert_eq!(date(&t("11/6/2019")), Ok(d));
        assert_eq!(date(&t("11-06-2019")), Ok(d));
        assert_eq!(date(&t("2019-06-11")), Ok(d));
        assert_eq!(date(&Cell::Number(43627.0)), Ok(d));
        assert_eq!(date(&t("43627")), Ok(d));
        assert!(date(&t("31/02/2019")).is_err());
        assert!(date(&t("06/2019")).is_err());
    }

    #[test]
    fn identifiers_get_their_leading_zero_back() {
        assert_eq!(
            identifier(&Cell::Number(101234567.0), 10).as_deref(),
            Some("0101234567")
        );
        assert_eq!(
            identifier(&Cell::Number(912345678.0), 10).as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            identifier(&t("4900123456"), 10).as_deref(),
            Some("4900123456")
        );
    }
}
