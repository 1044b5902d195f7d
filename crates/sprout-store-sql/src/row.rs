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

/// Required text.
pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    row.try_get::<String, _>(col).map_err(|e| corrupt(col, e))
}

/// Optional text.
pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    row.try_get::<Option<String>, _>(col)
        .map_err(|e| corrupt(col, e))
}

/// Optional 64-bit integer.
pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    row.try_get::<Option<i64>, _>(col)
        .map_err(|e| corrupt(col, e))
}

/// Required 64-bit integer.
pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    row.try_get::<i64, _>(col).map_err(|e| corrupt(col, e))
}

/// Optional double.
pub(crate) fn opt_real(row: &AnyRow, col: &str) -> Result<Option<f64>, StoreError> {
    row.try_get::<Option<f64>, _>(col)
        .map_err(|e| corrupt(col, e))
}

/// Optional 0/1 flag.
pub(crate) fn opt_flag(row: &AnyRow, col: &str) -> Result<Option<bool>, StoreError> {
    Ok(opt_int(row, col)?.map(|v| v != 0))
}

/// Text parsed into a code enum or id.
pub(crate) fn parsed<T: FromStr>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    text(row, col)?
        .parse()
        .map_err(|_| corrupt(col, "unparseable value"))
}

/// Optional text parsed into a code enum or id.
pub(crate) fn opt_parsed<T: FromStr>(row: &AnyRow, col: &str) -> Result<Option<T>, StoreError> {
    opt_text(row, col)?
        .map(|s| s.parse().map_err(|_| corrupt(col, "unparseable value")))
        .transpose()
}

/// A stored `YYYY-MM-DD` date.
pub(crate) fn date(row: &AnyRow, col: &str) -> Result<Date, StoreError> {
    parsed(row, col)
}

/// An optional stored `YYYY-MM-DD` date.
pub(crate) fn opt_date(row: &AnyRow, col: &str) -> Result<Option<Date>, StoreError> {
    opt_parsed(row, col)
}

/// Builds an id newtype from text with its `parse(&str) -> Option<Self>`.
pub(crate) fn id<T>(
    row: &AnyRow,
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(&text(row, col)?).ok_or_else(|| corrupt(col, "not a valid id"))
}

/// An optional id newtype.
pub(crate) fn opt_id<T>(
    row: &AnyRow,
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    opt_text(row, col)?
        .map(|s| parse(&s).ok_or_else(|| corrupt(col, "not a valid id")))
        .transpose()
}

/// The `confidentiality` and `sensitivity` columns.
pub(crate) fn labels(row: &AnyRow) -> Result<Labels, StoreError> {
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
