//! Limits on what a spreadsheet from outside may make us do (*giới hạn tệp nhập*).
//!
//! Every file is hostile until read: a few kilobytes of .xlsx can declare a cell at
//! `XFD1048576` or a string of a gigabyte. The reader checks each size against these
//! limits before it allocates for it, and refuses the file with the limit named. The
//! defaults are generous for real provincial files (a whole country's registry is about
//! 125.000 rows of 20 columns); an operator can change each with an environment variable.

/// How much one spreadsheet may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Rows of a sheet, counted to the last row with data (Excel's own maximum).
    pub max_rows: usize,
    /// Columns of a sheet, counted to the last column with data.
    pub max_columns: usize,
    /// Cells held in memory: each row counts up to its last cell with data.
    pub max_cells: usize,
    /// Characters in one cell (Excel's own maximum is 32.767).
    pub max_cell_chars: usize,
    /// Bytes of an .xlsx once unzipped, all parts together.
    pub max_unzipped_bytes: u64,
    /// Parts (files) inside an .xlsx.
    pub max_parts: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_rows: 1_048_576,
            max_columns: 1_024,
            max_cells: 10_000_000,
            max_cell_chars: 32_767,
            max_unzipped_bytes: 512 * 1024 * 1024,
            max_parts: 10_000,
        }
    }
}

/// Which limit a file went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Rows,
    Columns,
    Cells,
    CellChars,
    UnzippedBytes,
    Parts,
}

impl Limit {
    /// The environment variable that sets this limit.
    pub fn env_var(self) -> &'static str {
        match self {
            Limit::Rows => "HOPTAC_IMPORT_MAX_ROWS",
            Limit::Columns => "HOPTAC_IMPORT_MAX_COLUMNS",
            Limit::Cells => "HOPTAC_IMPORT_MAX_CELLS",
            Limit::CellChars => "HOPTAC_IMPORT_MAX_CELL_CHARS",
            Limit::UnzippedBytes => "HOPTAC_IMPORT_MAX_UNZIPPED_MB",
            Limit::Parts => "HOPTAC_IMPORT_MAX_PARTS",
        }
    }

    /// Every limit, for documentation and for reading the environment.
    pub const ALL: [Limit; 6] = [
        Limit::Rows,
        Limit::Columns,
        Limit::Cells,
        Limit::CellChars,
        Limit::UnzippedBytes,
        Limit::Parts,
    ];
}

/// A file over a limit: which, the limit, and where in the file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLimit {
    pub limit: Limit,
    /// The limit in force, in the unit the variable takes (megabytes for unzipped size).
    pub allowed: u64,
    /// Where: a cell reference (`XFD1048576`) or a part name.
    pub at: Option<String>,
}

impl ReadLimits {
    /// The defaults, with any `HOPTAC_IMPORT_MAX_*` variable that holds a whole number
    /// above zero taking the place of its default.
    pub fn from_env() -> ReadLimits {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`ReadLimits::from_env`] over any lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> ReadLimits {
        let mut l = ReadLimits::default();
        for limit in Limit::ALL {
            let Some(n) = get(limit.env_var()).and_then(|v| v.trim().parse::<u64>().ok()) else {
                continue;
            };
            if n == 0 {
                continue;
            }
            let as_usize = usize::try_from(n).unwrap_or(usize::MAX);
            match limit {
                Limit::Rows => l.max_rows = as_usize,
                Limit::Columns => l.max_columns = as_usize,
                Limit::Cells => l.max_cells = as_usize,
                Limit::CellChars => l.max_cell_chars = as_usize,
                Limit::UnzippedBytes => l.max_unzipped_bytes = n.saturating_mul(1024 * 1024),
                Limit::Parts => l.max_parts = as_usize,
            }
        }
        l
    }

    /// The limit in force, in the unit its variable takes.
    pub fn allowed(&self, limit: Limit) -> u64 {
        match limit {
            Limit::Rows => self.max_rows as u64,
            Limit::Columns => self.max_columns as u64,
            Limit::Cells => self.max_cells as u64,
            Limit::CellChars => self.max_cell_chars as u64,
            Limit::UnzippedBytes => self.max_unzipped_bytes / (1024 * 1024),
            Limit::Parts => self.max_parts as u64,
        }
    }

    pub(crate) fn over(&self, limit: Limit, at: Option<String>) -> OverLimit {
        OverLimit {
            limit,
            allowed: self.allowed(limit),
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_defaults_and_ignores_nonsense() {
        let env = |k: &str| match k {
            "HOPTAC_IMPORT_MAX_ROWS" => Some("5000".to_owned()),
            "HOPTAC_IMPORT_MAX_UNZIPPED_MB" => Some("64".to_owned()),
            "HOPTAC_IMPORT_MAX_COLUMNS" => Some("many".to_owned()),
            "HOPTAC_IMPORT_MAX_CELLS" => Some("0".to_owned()),
            _ => None,
        };
        let l = ReadLimits::from_lookup(env);
        assert_eq!(l.max_rows, 5000);
        assert_eq!(l.max_unzipped_bytes, 64 * 1024 * 1024);
        assert_eq!(l.allowed(Limit::UnzippedBytes), 64);
        assert_eq!(l.max_columns, ReadLimits::default().max_columns);
        assert_eq!(l.max_cells, ReadLimits::default().max_cells);
    }
}
