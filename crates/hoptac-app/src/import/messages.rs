//! The messages an import gives about the file as a whole: why it could not be read,
//! why no table was found in it, and what was left out of it.

use hoptac_domain::i18n::{field_label, Lang};
use hoptac_io::grid::ReadError;
use hoptac_io::table::{Note, TableError};

/// No table found: `no_header` says which columns the importer looks for.
pub(crate) fn table_error_message(e: &TableError, no_header: &str, lang: Lang) -> String {
    match (e, lang) {
        (TableError::NoHeader, _) => no_header.to_owned(),
        (TableError::DuplicateColumn { field, columns }, Lang::Vi) => format!(
            "Hai cột cùng là \"{}\": {}",
            field_label(field, lang),
            columns.join(", ")
        ),
        (TableError::DuplicateColumn { field, columns }, Lang::En) => format!(
            "Two columns are both \"{}\": {}",
            field_label(field, lang),
            columns.join(", ")
        ),
    }
}

pub(crate) fn read_error_message(e: &ReadError, lang: Lang) -> String {
    use ReadError::*;
    match (e, lang) {
        (UnsupportedType(n), Lang::Vi) => {
            format!("Không đọc được tệp {n}: chỉ nhận .xlsx hoặc .csv")
        }
        (UnsupportedType(n), Lang::En) => format!("Cannot read {n}: only .xlsx or .csv"),
        (Xlsx(m), Lang::Vi) => format!("Tệp .xlsx bị hỏng hoặc không phải Excel: {m}"),
        (Xlsx(m), Lang::En) => format!("The .xlsx file is damaged or not Excel: {m}"),
        (Csv(m), Lang::Vi) => format!("Tệp .csv không đọc được: {m}"),
        (Csv(m), Lang::En) => format!("The .csv file cannot be read: {m}"),
        (Empty, _) => lang
            .t("Tệp không có dữ liệu", "The file has no data")
            .to_owned(),
        (OverLimit(o), _) => over_limit_message(o, lang),
    }
}

/// A file over a reading limit: which limit, its value, where, and how an operator
/// raises it.
fn over_limit_message(o: &hoptac_io::limits::OverLimit, lang: Lang) -> String {
    use hoptac_io::limits::Limit::*;
    let (vi, en) = match o.limit {
        Rows => ("quá số dòng cho phép", "more rows than allowed"),
        Columns => ("quá số cột cho phép", "more columns than allowed"),
        Cells => ("quá số ô cho phép", "more cells than allowed"),
        CellChars => (
            "một ô dài quá số ký tự cho phép",
            "a cell longer than allowed",
        ),
        UnzippedBytes => (
            "dung lượng sau khi giải nén quá mức cho phép (MB)",
            "more unzipped data than allowed (MB)",
        ),
        Parts => (
            "quá số phần (tệp con) cho phép trong tệp .xlsx",
            "more parts inside the .xlsx than allowed",
        ),
    };
    let at = o.at.as_deref().map(|a| match lang {
        Lang::Vi => format!(" tại {a}"),
        Lang::En => format!(" at {a}"),
    });
    let at = at.unwrap_or_default();
    let var = o.limit.env_var();
    let n = hoptac_domain::i18n::format_int(o.allowed as i64);
    match lang {
        Lang::Vi => {
            format!("Tệp bị từ chối: {vi}{at} (giới hạn {n}, đặt bằng biến môi trường {var})")
        }
        Lang::En => {
            format!("File refused: {en}{at} (limit {n}, set by the environment variable {var})")
        }
    }
}

pub(crate) fn note_message(n: &Note, lang: Lang) -> String {
    match (n, lang) {
        (Note::HiddenColumn { column, header }, Lang::Vi) => {
            format!("Cột {column} (\"{header}\") đang ẩn: bỏ qua")
        }
        (Note::HiddenColumn { column, header }, Lang::En) => {
            format!("Column {column} (\"{header}\") is hidden: ignored")
        }
        (Note::UnknownColumn { column, header }, Lang::Vi) => {
            format!("Cột {column} (\"{header}\") không thuộc mẫu nhập: bỏ qua")
        }
        (Note::UnknownColumn { column, header }, Lang::En) => {
            format!("Column {column} (\"{header}\") is not an import column: ignored")
        }
        (Note::NumberingRow { row }, Lang::Vi) => format!("Dòng {row} là dòng đánh số cột: bỏ qua"),
        (Note::NumberingRow { row }, Lang::En) => format!("Row {row} numbers the columns: ignored"),
        (Note::BlankRows { count }, Lang::Vi) => format!("{count} dòng trống: bỏ qua"),
        (Note::BlankRows { count }, Lang::En) => format!("{count} blank rows: ignored"),
        (Note::TotalsRow { row }, Lang::Vi) => format!("Dòng {row} là dòng tổng cộng: bỏ qua"),
        (Note::TotalsRow { row }, Lang::En) => format!("Row {row} is a totals row: ignored"),
        (Note::TrailingRows { from, to }, Lang::Vi) => {
            format!("Dòng {from}–{to} (phần ký tên, ghi chú cuối bảng): bỏ qua")
        }
        (Note::TrailingRows { from, to }, Lang::En) => {
            format!("Rows {from}–{to} (signature block, notes below the table): ignored")
        }
    }
}
