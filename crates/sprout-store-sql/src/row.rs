//! Reading typed values out of `Any` rows. A value that does not parse is
//! [`StoreError::Corrupt`] naming the column, never the value (it may be
//! health data).

use crate::Backend;
use jiff::civil::Date;
use sprout_domain::record::{Confidentiality, Labels};
use sprout_store::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::str::FromStr;

fn corrupt(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

/// A row whose cells are read by column name: a row of the driver
/// ([`AnyRow`]) or one element of a list read as JSON ([`JsonRow`]).
pub(crate) trait Cols {
    /// The text in `col`, `None` for NULL.
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    /// The 64-bit integer in `col`, `None` for NULL.
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError>;
    /// The double in `col`, `None` for NULL.
    fn opt_real(&self, col: &str) -> Result<Option<f64>, StoreError>;
}

impl Cols for AnyRow {
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        self.try_get::<Option<String>, _>(col)
            .map_err(|e| corrupt(col, e))
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        self.try_get::<Option<i64>, _>(col)
            .map_err(|e| corrupt(col, e))
    }
    fn opt_real(&self, col: &str) -> Result<Option<f64>, StoreError> {
        self.try_get::<Option<f64>, _>(col)
            .map_err(|e| corrupt(col, e))
    }
}

/// One row of a list read in one statement as a JSON array of arrays (see
/// [`json_list_sql`]): the cells in the order of `names`. Text is a JSON
/// string, integers are numbers, and doubles are text (see
/// [`json_list_sql`]).
pub(crate) struct JsonRow {
    names: Names,
    cells: Vec<serde_json::Value>,
}

/// The names of a [`JsonRow`]'s cells, in order: the first list's, then the
/// second's (an item table's common columns, then its own).
pub(crate) type Names = [&'static [&'static str]; 2];

impl JsonRow {
    fn cell(&self, col: &str) -> Result<&serde_json::Value, StoreError> {
        self.names
            .iter()
            .flat_map(|n| n.iter())
            .position(|n| *n == col)
            .and_then(|i| self.cells.get(i))
            .ok_or_else(|| corrupt(col, "no such column"))
    }
}

impl Cols for JsonRow {
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        match self.cell(col)? {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => Ok(Some(s.clone())),
            _ => Err(corrupt(col, "not text")),
        }
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        match self.cell(col)? {
            serde_json::Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| corrupt(col, "not an integer")),
        }
    }
    fn opt_real(&self, col: &str) -> Result<Option<f64>, StoreError> {
        match self.cell(col)? {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => s
                .parse()
                .map(Some)
                .map_err(|_| corrupt(col, "not a number")),
            v => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| corrupt(col, "not a number")),
        }
    }
}

/// Columns that hold doubles. [`json_list_sql`] writes them as text that
/// reads back the same double: SQLite's JSON functions would write only 15
/// significant digits, and a JSON number is read by serde_json with a fast
/// parser that can be off by one in the last place; Rust's `str::parse` is
/// exact.
const REAL_COLUMNS: [&str; 1] = ["value_num"];

/// A statement returning one row of one text cell: the rows of `SELECT
/// {exprs} FROM {from}` ordered by `order`, as a JSON array of arrays
/// (`[]` for none), read with [`JsonRow`].
///
/// Why: a list read row by row costs a hand-over per row between the
/// driver's thread and the server's (sqlx runs each SQLite connection on a
/// thread of its own) and a copy of each row into owned `Any` values; a
/// child's vitals are about a hundred rows. Built by the database, the list
/// is one row (profiled under bench/run: thread switches and row copies were
/// most of a patient page's time).
pub(crate) fn json_list_sql(backend: Backend, exprs: &[&str], from: &str, order: &str) -> String {
    let cells = exprs
        .iter()
        .map(|e| match backend {
            Backend::Sqlite if REAL_COLUMNS.contains(e) => {
                format!("CASE WHEN {e} IS NULL THEN NULL ELSE printf('%!.17g', {e}) END")
            }
            // PostgreSQL's text of a double is the shortest that reads back
            // exactly.
            Backend::Postgres if REAL_COLUMNS.contains(e) => format!("{e}::text"),
            _ => (*e).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        Backend::Sqlite => {
            format!("SELECT json_group_array(json_array({cells}) ORDER BY {order}) FROM {from}")
        }
        Backend::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array({cells}) ORDER BY {order}), '[]'::json)::text \
             FROM {from}"
        ),
    }
}

/// Reads the one cell of a [`json_list_sql`] statement into rows named by
/// `names` (the statement's `exprs`, or their aliases, in order).
///
/// # Errors
/// [`StoreError::Corrupt`] when the cell is not a JSON array of arrays of
/// as many cells as `names` holds.
pub(crate) fn json_rows(text: &str, names: Names) -> Result<Vec<JsonRow>, StoreError> {
    let width = names[0].len() + names[1].len();
    let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(text)
        .map_err(|_| StoreError::Corrupt("list: not a JSON array of rows".into()))?;
    rows.into_iter()
        .map(|cells| {
            if cells.len() == width {
                Ok(JsonRow { names, cells })
            } else {
                Err(StoreError::Corrupt("list: a row of the wrong width".into()))
            }
        })
        .collect()
}

/// Required text.
pub(crate) fn text(row: &(impl Cols + ?Sized), col: &str) -> Result<String, StoreError> {
    row.opt_text(col)?
        .ok_or_else(|| corrupt(col, "unexpected NULL"))
}

/// Optional text.
pub(crate) fn opt_text(
    row: &(impl Cols + ?Sized),
    col: &str,
) -> Result<Option<String>, StoreError> {
    row.opt_text(col)
}

/// Optional 64-bit integer.
pub(crate) fn opt_int(row: &(impl Cols + ?Sized), col: &str) -> Result<Option<i64>, StoreError> {
    row.opt_int(col)
}

/// Required 64-bit integer.
pub(crate) fn int(row: &(impl Cols + ?Sized), col: &str) -> Result<i64, StoreError> {
    row.opt_int(col)?
        .ok_or_else(|| corrupt(col, "unexpected NULL"))
}

/// Optional double.
pub(crate) fn opt_real(row: &(impl Cols + ?Sized), col: &str) -> Result<Option<f64>, StoreError> {
    row.opt_real(col)
}

/// Optional 0/1 flag.
pub(crate) fn opt_flag(row: &(impl Cols + ?Sized), col: &str) -> Result<Option<bool>, StoreError> {
    Ok(opt_int(row, col)?.map(|v| v != 0))
}

/// Text parsed into a code enum or id.
pub(crate) fn parsed<T: FromStr>(row: &(impl Cols + ?Sized), col: &str) -> Result<T, StoreError> {
    text(row, col)?
        .parse()
        .map_err(|_| corrupt(col, "unparseable value"))
}

/// Optional text parsed into a code enum or id.
pub(crate) fn opt_parsed<T: FromStr>(
    row: &(impl Cols + ?Sized),
    col: &str,
) -> Result<Option<T>, StoreError> {
    opt_text(row, col)?
        .map(|s| s.parse().map_err(|_| corrupt(col, "unparseable value")))
        .transpose()
}

/// A stored `YYYY-MM-DD` date.
pub(crate) fn date(row: &(impl Cols + ?Sized), col: &str) -> Result<Date, StoreError> {
    parsed(row, col)
}

/// An optional stored `YYYY-MM-DD` date.
pub(crate) fn opt_date(row: &(impl Cols + ?Sized), col: &str) -> Result<Option<Date>, StoreError> {
    opt_parsed(row, col)
}

/// Builds an id newtype from text with its `parse(&str) -> Option<Self>`.
pub(crate) fn id<T>(
    row: &(impl Cols + ?Sized),
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(&text(row, col)?).ok_or_else(|| corrupt(col, "not a valid id"))
}

/// An optional id newtype.
pub(crate) fn opt_id<T>(
    row: &(impl Cols + ?Sized),
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    opt_text(row, col)?
        .map(|s| parse(&s).ok_or_else(|| corrupt(col, "not a valid id")))
        .transpose()
}

/// The `confidentiality` and `sensitivity` columns.
pub(crate) fn labels(row: &(impl Cols + ?Sized)) -> Result<Labels, StoreError> {
    let confidentiality: Confidentiality = parsed(row, "confidentiality")?;
    let sensitivity = Labels::parse_sensitivity(&text(row, "sensitivity")?)
        .map_err(|_| corrupt("sensitivity", "unknown code"))?;
    Ok(Labels {
        confidentiality,
        sensitivity,
    })
}

/// Bind placeholders for `n` values numbered from `first`: `$first, ...,
/// $first+n-1` for PostgreSQL, `?, ?, ...` for SQLite.
///
/// Why two forms: sqlx-sqlite looks up the name of every `$N` parameter, and
/// SQLite finds a name by walking the statement's list of names, so binding a
/// long multi-row `INSERT` with `$N` costs quadratic time (two thirds of an
/// import's time, measured). Anonymous `?` parameters have no names and are
/// numbered in order of appearance, which is the order values are bound here.
pub(crate) fn placeholders(backend: Backend, first: usize, n: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; n].join(", "),
        Backend::Postgres => (first..first + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: Names = [&["id", "n"], &["value_num", "note"]];

    #[test]
    fn json_rows_read_each_kind_of_cell_by_name() {
        let rows = json_rows(
            r#"[["a", 7, "0.30000000000000004", null], ["b", null, null, "x\"y"]]"#,
            NAMES,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(text(&rows[0], "id").unwrap(), "a");
        assert_eq!(opt_int(&rows[0], "n").unwrap(), Some(7));
        assert_eq!(opt_real(&rows[0], "value_num").unwrap(), Some(0.1 + 0.2));
        assert_eq!(opt_text(&rows[0], "note").unwrap(), None);
        assert_eq!(opt_int(&rows[1], "n").unwrap(), None);
        assert_eq!(opt_real(&rows[1], "value_num").unwrap(), None);
        assert_eq!(opt_text(&rows[1], "note").unwrap().as_deref(), Some("x\"y"));
        assert!(json_rows("[]", NAMES).unwrap().is_empty());
    }

    #[test]
    fn bad_lists_and_cells_are_corrupt_never_a_panic() {
        fn corrupt<T>(r: Result<T, StoreError>) -> bool {
            matches!(r, Err(StoreError::Corrupt(_)))
        }
        assert!(corrupt(json_rows("not json", NAMES)));
        assert!(corrupt(json_rows(r#"[["a", 1, null]]"#, NAMES)));
        let rows = json_rows(r#"[[1, "x", "y", null]]"#, NAMES).unwrap();
        assert!(corrupt(text(&rows[0], "id")));
        assert!(corrupt(opt_int(&rows[0], "n")));
        assert!(corrupt(opt_real(&rows[0], "value_num")));
        assert!(
            corrupt(text(&rows[0], "note")),
            "NULL where text is required"
        );
        assert!(corrupt(opt_text(&rows[0], "missing")));
    }

    #[test]
    fn doubles_are_selected_as_exact_text_on_both_backends() {
        let lite = json_list_sql(Backend::Sqlite, &["id", "value_num"], "t", "id");
        assert!(lite.contains("printf('%!.17g', value_num)"), "{lite}");
        assert!(lite.starts_with("SELECT json_group_array(json_array(id, CASE"));
        let pg = json_list_sql(Backend::Postgres, &["id", "value_num"], "t", "id");
        assert!(
            pg.contains("json_build_array(id, value_num::text) ORDER BY id"),
            "{pg}"
        );
        assert!(pg.contains("'[]'::json"), "no rows is an empty list: {pg}");
    }
}
