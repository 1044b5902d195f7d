//! Growth z-scores over CSV, for checking Sprout's numbers against WHO's and
//! CDC's software: the contract of `sprout growth zscore` (issue 9, item 3).
//!
//! Input: a header with `sex,birth_date,observation_date,measurement,value` and
//! optionally `position`, `gestation_weeks` and `length_cm`, in any order. `sex` is
//! `male` or `female`; dates are `YYYY-MM-DD`; `measurement` is one of
//! `weight_kg`, `length_cm`, `height_cm`, `head_circumference_cm`, `bmi`.
//!
//! - `weight_kg` is weight-for-age, or weight-for-length/height when the row has a
//!   `length_cm`.
//! - `length_cm` is length/height-for-age measured lying, `height_cm` measured
//!   standing, unless the `position` column (`lying`/`standing`) says otherwise.
//! - `gestation_weeks` (completed weeks) corrects the age of a preterm infant.
//!
//! Output: the same rows and columns, then `reference` (`who2006`/`cdc2000`), `z`
//! (3 decimals), `percentile` (2 decimals) and `error`. A row that cannot be
//! computed keeps its fields, has `reference`, `z` and `percentile` empty and says
//! why in `error`; the other rows go on.

use super::{zscore, GrowthError, Indicator, Measurement, Position, Reference, Sex};
use jiff::civil::Date;

/// The columns every input must have.
pub const REQUIRED_COLUMNS: [&str; 5] = [
    "sex",
    "birth_date",
    "observation_date",
    "measurement",
    "value",
];

/// The columns added to the output, in order.
pub const OUTPUT_COLUMNS: [&str; 4] = ["reference", "z", "percentile", "error"];

/// Why the whole input could not be processed (a bad row only gets an `error`).
#[derive(Debug, thiserror::Error)]
pub enum GrowthCsvError {
    /// The input has no header line.
    #[error("the input is empty: expected a header line")]
    Empty,
    /// The header lacks a required column.
    #[error("missing column `{0}` (required: sex,birth_date,observation_date,measurement,value)")]
    MissingColumn(&'static str),
    /// The CSV could not be read or written.
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
}

/// Why one row has no z-score.
#[derive(Debug, thiserror::Error)]
enum RowError {
    #[error("row has {found} fields, header has {expected}")]
    FieldCount { found: usize, expected: usize },
    #[error("`{column}` is empty")]
    Empty { column: &'static str },
    #[error("`{column}`: {reason}")]
    Bad {
        column: &'static str,
        reason: &'static str,
    },
    #[error(transparent)]
    Growth(#[from] GrowthError),
}

struct Columns {
    sex: usize,
    birth_date: usize,
    observation_date: usize,
    measurement: usize,
    value: usize,
    position: Option<usize>,
    gestation_weeks: Option<usize>,
    length_cm: Option<usize>,
}

/// Reads measurements as CSV and writes them back with `reference`, `z`,
/// `percentile` and `error` columns added (see the module documentation).
/// `reference` forces WHO or CDC; `None` chooses WHO below 24 months and CDC from
/// 24 months.
///
/// # Errors
/// [`GrowthCsvError`] only for an input without a header or without a required
/// column; problems of single rows are reported in their `error` column.
pub fn process(input: &str, reference: Option<Reference>) -> Result<String, GrowthCsvError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(input.as_bytes());
    let header = reader.headers()?.clone();
    if header.is_empty() || header.iter().all(str::is_empty) {
        return Err(GrowthCsvError::Empty);
    }
    let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let need = |name: &'static str| find(name).ok_or(GrowthCsvError::MissingColumn(name));
    let cols = Columns {
        sex: need("sex")?,
        birth_date: need("birth_date")?,
        observation_date: need("observation_date")?,
        measurement: need("measurement")?,
        value: need("value")?,
        position: find("position"),
        gestation_weeks: find("gestation_weeks"),
        length_cm: find("length_cm"),
    };

    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(header.iter().chain(OUTPUT_COLUMNS))?;
    for record in reader.records() {
        let record = record?;
        let mut fields: Vec<&str> = record.iter().collect();
        let result = if fields.len() == header.len() {
            row_score(&fields, &cols, reference)
        } else {
            Err(RowError::FieldCount {
                found: fields.len(),
                expected: header.len(),
            })
        };
        fields.resize(header.len(), "");
        let added: [String; 4] = match result {
            Ok(score) => [
                score.reference.code().to_owned(),
                format!("{:.3}", no_negative_zero(score.z, 1000.0)),
                format!("{:.2}", score.percentile),
                String::new(),
            ],
            Err(e) => [String::new(), String::new(), String::new(), e.to_string()],
        };
        writer.write_record(
            fields
                .iter()
                .copied()
                .chain(added.iter().map(String::as_str)),
        )?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| GrowthCsvError::Csv(e.into_error().into()))?;
    // Only `&str` fields were written, so the output is UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `x`, or 0 when it rounds to zero at `scale` (so no `-0.000` is printed).
fn no_negative_zero(x: f64, scale: f64) -> f64 {
    if (x * scale).round() == 0.0 {
        0.0
    } else {
        x
    }
}

fn row_score(
    fields: &[&str],
    cols: &Columns,
    reference: Option<Reference>,
) -> Result<super::GrowthScore, RowError> {
    let field = |i: usize, column: &'static str| -> Result<&str, RowError> {
        match fields[i] {
            "" => Err(RowError::Empty { column }),
            s => Ok(s),
        }
    };
    let optional = |i: Option<usize>| i.map(|i| fields[i]).filter(|s| !s.is_empty());

    let sex: Sex = field(cols.sex, "sex")?
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| RowError::Bad {
            column: "sex",
            reason: "expected male or female",
        })?;
    let date = |i: usize, column: &'static str| -> Result<Date, RowError> {
        field(i, column)?.parse().map_err(|_| RowError::Bad {
            column,
            reason: "expected a date YYYY-MM-DD",
        })
    };
    let birth = date(cols.birth_date, "birth_date")?;
    let observed = date(cols.observation_date, "observation_date")?;
    let number = |s: &str, column: &'static str| -> Result<f64, RowError> {
        s.parse::<f64>().map_err(|_| RowError::Bad {
            column,
            reason: "expected a number",
        })
    };
    let value = number(field(cols.value, "value")?, "value")?;
    let length_cm = optional(cols.length_cm)
        .map(|s| number(s, "length_cm"))
        .transpose()?;
    let position = optional(cols.position)
        .map(|s| {
            s.to_ascii_lowercase()
                .parse::<Position>()
                .map_err(|_| RowError::Bad {
                    column: "position",
                    reason: "expected lying or standing",
                })
        })
        .transpose()?;
    let gestation_weeks = optional(cols.gestation_weeks)
        .map(|s| {
            s.parse::<u8>().map_err(|_| RowError::Bad {
                column: "gestation_weeks",
                reason: "expected completed weeks, a whole number",
            })
        })
        .transpose()?;

    let (indicator, implied) = match field(cols.measurement, "measurement")? {
        "weight_kg" if length_cm.is_some() => (Indicator::WeightForLengthHeight, None),
        "weight_kg" => (Indicator::WeightForAge, None),
        "length_cm" => (Indicator::LengthHeightForAge, Some(Position::Lying)),
        "height_cm" => (Indicator::LengthHeightForAge, Some(Position::Standing)),
        "head_circumference_cm" => (Indicator::HeadCircumferenceForAge, None),
        "bmi" => (Indicator::BmiForAge, None),
        _ => {
            return Err(RowError::Bad {
                column: "measurement",
                reason: "expected weight_kg, length_cm, height_cm, head_circumference_cm or bmi",
            })
        }
    };
    let measurement = Measurement {
        position: position.or(implied),
        length_cm,
        gestation_weeks,
        ..Measurement::at_dates(sex, birth, observed, indicator, value)?
    };
    Ok(zscore(&measurement, reference)?)
}
