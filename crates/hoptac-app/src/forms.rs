//! Typed values read from web forms by the importer's rules, so a number typed in a
//! form means what it means in a spreadsheet cell (*đọc số như khi nhập tệp*).

/// A text that is not a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAWholeNumber;

/// A whole number as the importer reads a text cell (`1.200`, `1 200`, `1200`); `None`
/// for an empty one.
pub fn whole_number(raw: &str) -> Result<Option<i64>, NotAWholeNumber> {
    hoptac_io::parse::whole_number(&hoptac_io::grid::Cell::Text(raw.to_owned()), 1)
        .map_err(|_| NotAWholeNumber)
}
