//! Bulk inserts (*ghi hàng loạt*): many rows into one table, pulled from an iterator
//! as they are made, so that whoever makes them (another thread) works while the
//! database writes. SQLite runs one prepared statement per row; PostgreSQL streams the
//! rows with `COPY … FROM STDIN`, which the server parses and plans once, not once per
//! statement of a few hundred rows.

use super::{Result, StoreError, Val};
use std::fmt::Write as _;
use std::io::Write as _;

/// The rows an insert pulls: each one value per column, or the error that stops it.
pub type Rows<'a> = &'a mut dyn Iterator<Item = Result<Vec<Val>>>;

fn column_list(columns: &[&str]) -> String {
    columns.join(", ")
}

/// Values per SQLite statement: under its limit of 32,766 bound values.
const SQLITE_VALUES: usize = 30_000;
/// Rows per SQLite statement at most.
const SQLITE_ROWS: usize = 1_000;

/// Several hundred rows per statement: each statement that writes the trigram index
/// (a trigger) flushes that index's pending terms as a new segment, so one statement
/// per row would cost a segment, and later merges, per row.
pub(super) fn sqlite(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    columns: &[&str],
    rows: Rows<'_>,
) -> Result<u64> {
    let per = (SQLITE_VALUES / columns.len().max(1)).clamp(1, SQLITE_ROWS);
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let sql = |n: usize| {
        format!(
            "INSERT INTO {table} ({}) VALUES {}",
            column_list(columns),
            vec![one.as_str(); n].join(", ")
        )
    };
    let mut chunk: Vec<Val> = Vec::with_capacity(per * columns.len());
    let mut n = 0;
    let flush = |chunk: &mut Vec<Val>| -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        let mut st = tx.prepare_cached(&sql(chunk.len() / columns.len()))?;
        st.execute(rusqlite::params_from_iter(chunk.iter()))
            .map_err(|e| StoreError::from(e).classify())?;
        chunk.clear();
        Ok(())
    };
    for row in rows {
        let row = row?;
        check_width(&row, columns)?;
        chunk.extend(row);
        n += 1;
        if chunk.len() >= per * columns.len() {
            flush(&mut chunk)?;
        }
    }
    flush(&mut chunk)?;
    Ok(n)
}

pub(super) fn postgres(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    columns: &[&str],
    rows: Rows<'_>,
) -> Result<u64> {
    let sql = format!("COPY {table} ({}) FROM STDIN", column_list(columns));
    let mut w = tx.copy_in(&sql)?;
    // The text form, a buffer at a time: COPY's own row format, one line per row.
    let mut buf = String::with_capacity(1 << 16);
    for row in rows {
        let row = row?;
        check_width(&row, columns)?;
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                buf.push('\t');
            }
            copy_text(v, &mut buf);
        }
        buf.push('\n');
        if buf.len() >= 1 << 16 {
            w.write_all(buf.as_bytes()).map_err(copy_error)?;
            buf.clear();
        }
    }
    w.write_all(buf.as_bytes()).map_err(copy_error)?;
    w.finish().map_err(|e| StoreError::from(e).classify())
}

fn check_width(row: &[Val], columns: &[&str]) -> Result<()> {
    if row.len() == columns.len() {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "a row of {} values for {} columns",
            row.len(),
            columns.len()
        )))
    }
}

/// A write into the COPY stream failed: the server's error, when it sent one.
fn copy_error(e: std::io::Error) -> StoreError {
    match e.into_inner() {
        Some(inner) => match inner.downcast::<postgres::Error>() {
            Ok(pg) => StoreError::from(*pg).classify(),
            Err(other) => StoreError::Corrupt(other.to_string()),
        },
        None => StoreError::Corrupt("COPY stream closed".into()),
    }
}

/// One value in COPY's text format: `\N` for null, backslash escapes in text, the
/// same instant as the binary form gives (microseconds, UTC).
pub(super) fn copy_text(v: &Val, out: &mut String) {
    match v {
        Val::Null => out.push_str("\\N"),
        Val::I64(x) => {
            let _ = write!(out, "{x}");
        }
        Val::F64(x) => {
            let _ = write!(out, "{x:?}");
        }
        Val::Text(s) => escape(s, out),
        Val::Date(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        Val::Ts(t) => {
            let _ = write!(out, "{}+00", t.format("%Y-%m-%d %H:%M:%S%.6f"));
        }
        Val::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Val::Bytes(b) => {
            out.push_str("\\\\x");
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
        }
    }
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn text(v: Val) -> String {
        let mut s = String::new();
        copy_text(&v, &mut s);
        s
    }

    #[test]
    fn values_are_written_in_copy_text_form() {
        assert_eq!(text(Val::Null), "\\N");
        assert_eq!(text(Val::I64(-42)), "-42");
        assert_eq!(text(Val::F64(1.5)), "1.5");
        assert_eq!(text("a\\b\tc\nd\re".into()), "a\\\\b\\tc\\nd\\re");
        assert_eq!(text("Hợp tác xã".into()), "Hợp tác xã");
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(text(Val::Date(d)), "2025-07-01");
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 15, 30, 5).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(text(Val::Ts(t)), "2026-12-02 15:30:05.123456+00");
        assert_eq!(text(Val::Bool(true)), "t");
        assert_eq!(text(Val::Bytes(vec![0, 255])), "\\\\x00ff");
    }
}
