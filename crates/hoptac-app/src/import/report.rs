//! What an import tells the person who ran it (*kết quả nhập*): every problem with its
//! row and column, what each row did, and a one-line summary.

use crate::error::AppError;
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgId;
use serde::Serialize;

/// One problem, where it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Spreadsheet row number as Excel shows it (0: the file as a whole).
    pub row: usize,
    /// Column letter, when the problem is in one cell.
    pub column: Option<String>,
    /// The header of that column as written in the file.
    pub header: Option<String>,
    pub field: String,
    pub message: String,
}

/// What happened to one row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowOutcome {
    pub row: usize,
    /// `create`, `update` or `unchanged`.
    pub action: String,
    /// The record (for `create`: once written).
    pub id: Option<OrgId>,
    pub name: String,
    /// The attributes that change, for updates.
    pub changed: Vec<String>,
}

/// The result of an import or a dry run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub file: String,
    pub sheet: String,
    /// First and last header rows.
    pub header_rows: (usize, usize),
    /// (column letter, header in the file, field).
    pub columns: Vec<(String, String, String)>,
    pub rows_read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    /// What was left out and why (hidden columns, totals row, signature block…).
    pub notes: Vec<String>,
    pub outcomes: Vec<RowOutcome>,
    pub dry_run: bool,
    pub written: bool,
    #[serde(skip)]
    pub lang: Lang,
}

impl ImportReport {
    /// A report on a file not read yet.
    pub(crate) fn new(file: &str, dry_run: bool, lang: Lang) -> ImportReport {
        ImportReport {
            file: file.to_owned(),
            sheet: String::new(),
            header_rows: (0, 0),
            columns: vec![],
            rows_read: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            errors: vec![],
            notes: vec![],
            outcomes: vec![],
            dry_run,
            written: false,
            lang,
        }
    }

    /// The import refused with these errors: nothing was written.
    pub(crate) fn rejected(mut self, errors: Vec<RowError>) -> AppError {
        self.errors = errors;
        AppError::ImportRejected(Box::new(self))
    }

    pub fn summary(&self, lang: Lang) -> String {
        if !self.errors.is_empty() {
            return match lang {
                Lang::Vi => format!(
                    "Tệp {} có {} lỗi; không ghi dữ liệu nào. Sửa các lỗi rồi nhập lại.",
                    self.file,
                    self.errors.len()
                ),
                Lang::En => format!(
                    "{} has {} errors; nothing was written. Fix them and import again.",
                    self.file,
                    self.errors.len()
                ),
            };
        }
        let verb = match (self.dry_run, lang) {
            (true, Lang::Vi) => "Kiểm tra thử (chưa ghi)",
            (false, Lang::Vi) => "Đã nhập",
            (true, Lang::En) => "Dry run (nothing written)",
            (false, Lang::En) => "Imported",
        };
        match lang {
            Lang::Vi => format!(
                "{verb}: {} dòng, {} thêm mới, {} cập nhật, {} không đổi.",
                self.rows_read, self.created, self.updated, self.unchanged
            ),
            Lang::En => format!(
                "{verb}: {} rows, {} new, {} updated, {} unchanged.",
                self.rows_read, self.created, self.updated, self.unchanged
            ),
        }
    }
}
