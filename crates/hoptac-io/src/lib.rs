//! Spreadsheet input and output for hoptac: reading .xlsx/.csv as people make them,
//! and writing .xlsx/.csv that the importer takes back.

pub mod grid;
pub mod limits;
pub mod parse;
pub mod table;
pub mod write;
