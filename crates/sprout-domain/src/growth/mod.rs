//! Growth z-scores and percentiles against the WHO and CDC growth references.
//!
//! Parents ask "is my child growing normally?"; the answer a pediatrician gives is
//! a measurement's place on the reference charts: its z-score and percentile. This
//! module computes them the way WHO's and CDC's own software does, from the LMS
//! parameters of the published tables (Cole and Green, 1992):
//! `z = ((x/M)^L - 1) / (L*S)`, `ln(x/M)/S` when `L = 0`, and the percentile
//! `100 * Φ(z)`.
//!
//! Sources, compiled in by `tools/gen_growth.py` (see [`Table`]):
//! - **WHO Child Growth Standards (2006)**, WHO Multicentre Growth Reference Study
//!   Group, for 0-5 years: tables by day of age (the exact day's row is used, as
//!   WHO's igrowup does) and by 0.1 cm of length/height (interpolated linearly, as
//!   igrowup does). Rules of WHO's **igrowup** macros (2011): length lying below
//!   731 days and height standing from 731 days, converted by 0.7 cm when the
//!   position does not fit the age; weight-for-length (45-110 cm) below 731 days
//!   and weight-for-height (65-120 cm) from 731 days; the *restricted* z-score
//!   beyond ±3 for weight-for-age, weight-for-length/height and BMI-for-age
//!   ([`Lms::z_who_restricted`]); no weight-based z-score for a child with oedema;
//!   values flagged as implausible beyond igrowup's limits.
//! - **CDC 2000 Growth Charts** (CDC/NCHS), for 0-36 months (recumbent length)
//!   and 2-20 years (stature): tables by month with rows at birth and at half
//!   months, interpolated linearly at the exact age in months (days / 30.4375),
//!   as CDC's SAS program does; biologically implausible values flagged by CDC's
//!   modified z-score cut-offs.
//!
//! By default WHO is used below 24 months (731 days) and CDC from 24 months, as
//! CDC and the AAP recommend for the United States. Ages of infants born before
//! 37 weeks are corrected until 24 months when the gestation is known.
//!
//! Everything here is pure: ages are given in days or as two dates, never read
//! from a clock. [`csv::process`] is the CSV-in/CSV-out form used by the CLI.
//!
//! ```
//! use sprout_domain::growth::{zscore, Indicator, Measurement, Position, Reference, Sex};
//!
//! // A girl of one year (365 days) weighing 8.9 kg: WHO, near the median.
//! let m = Measurement::new(Sex::Female, 365, Indicator::WeightForAge, 8.9);
//! let score = zscore(&m, None)?;
//! assert_eq!(score.reference, Reference::Who2006);
//! assert!(score.z.abs() < 0.1 && (score.percentile - 50.0).abs() < 4.0);
//!
//! // Born at 30 weeks, 6 months old: compared at the corrected age (4 months).
//! let m = Measurement::new(Sex::Male, 183, Indicator::LengthHeightForAge, 62.0)
//!     .with_position(Position::Lying)
//!     .with_gestation_weeks(30);
//! assert_eq!(zscore(&m, None)?.corrected_age_days, Some(113));
//! # Ok::<(), sprout_domain::growth::GrowthError>(())
//! ```

// Generated tables: numbers such as -0.3183 are published L values, not
// approximations of mathematical constants.
#[allow(clippy::approx_constant)]
mod cdc2000_data;
pub mod csv;
mod lms;
mod table;
#[allow(clippy::approx_constant)]
mod who2006_data;

pub use lms::{normal_cdf, Lms};
pub use table::{Table, TableKey};

use crate::record::{code_enum, AdministrativeSex};
use jiff::civil::Date;

code_enum!(
    /// Sex, as the growth references are split.
    Sex, "sex", {
        /// Boys.
        Male = "male",
        /// Girls.
        Female = "female",
    }
);

impl TryFrom<AdministrativeSex> for Sex {
    type Error = GrowthError;

    /// `male` and `female`; the references have no other tables, so `other` and
    /// `unknown` give [`GrowthError::NoReferenceForSex`].
    fn try_from(sex: AdministrativeSex) -> Result<Self, GrowthError> {
        match sex {
            AdministrativeSex::Male => Ok(Sex::Male),
            AdministrativeSex::Female => Ok(Sex::Female),
            AdministrativeSex::Other | AdministrativeSex::Unknown => {
                Err(GrowthError::NoReferenceForSex)
            }
        }
    }
}

code_enum!(
    /// A growth reference.
    Reference, "growth reference", {
        /// WHO Child Growth Standards (2006), 0-5 years.
        Who2006 = "who2006",
        /// CDC 2000 Growth Charts, 0-20 years.
        Cdc2000 = "cdc2000",
    }
);

code_enum!(
    /// What a z-score is of.
    Indicator, "growth indicator", {
        /// Weight (kg) for age.
        WeightForAge = "weight-for-age",
        /// Length (lying) or height (standing) in cm for age.
        LengthHeightForAge = "length-height-for-age",
        /// Head circumference (cm) for age.
        HeadCircumferenceForAge = "head-circumference-for-age",
        /// Body mass index (kg/m²) for age.
        BmiForAge = "bmi-for-age",
        /// Weight (kg) for length (lying) or height (standing) in cm.
        WeightForLengthHeight = "weight-for-length-height",
    }
);

impl Indicator {
    /// Whether the indicator is weight-based: WHO computes its z-score with the
    /// restricted method beyond ±3 and not at all for a child with oedema.
    pub fn is_weight_based(self) -> bool {
        matches!(
            self,
            Indicator::WeightForAge | Indicator::BmiForAge | Indicator::WeightForLengthHeight
        )
    }
}

code_enum!(
    /// How a length or height was measured.
    Position, "position", {
        /// Recumbent length, lying on a length board.
        Lying = "lying",
        /// Standing height, on a stadiometer.
        Standing = "standing",
    }
);

/// Age in days below which WHO measures length lying, uses weight-for-length and
/// (by default) Sprout uses WHO rather than CDC: 731 days, WHO igrowup's
/// `age.days < 731` (24 months of 30.4375 days is 730.5 days).
pub const TWO_YEARS_DAYS: u32 = 731;

/// The last day of age of the WHO standards (WHO tables: days 0-1856).
pub const WHO_MAX_AGE_DAYS: u32 = 1856;

/// Days in an average month, WHO's and CDC's conversion of days to months.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Recumbent length exceeds standing height by 0.7 cm (WHO Child Growth
/// Standards, Methods and development, 2006; igrowup).
pub const LYING_MINUS_STANDING_CM: f64 = 0.7;

/// Term gestation in weeks; corrected age subtracts `40 - gestation` weeks.
pub const TERM_WEEKS: u8 = 40;

/// Infants born before this many weeks of gestation are preterm, and their age is
/// corrected.
pub const PRETERM_BEFORE_WEEKS: u8 = 37;

/// The gestations accepted, in completed weeks (others are taken as typing errors).
pub const GESTATION_WEEKS: std::ops::RangeInclusive<u8> = 20..=45;

/// One measurement of a child, to be placed on a reference.
///
/// `value` is in the indicator's unit: kg for weight, cm for length, height and
/// head circumference, kg/m² for BMI. For [`Indicator::WeightForLengthHeight`],
/// `value` is the weight and `length_cm` the length or height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// The child's sex.
    pub sex: Sex,
    /// Chronological age on the day of the measurement, in days.
    pub age_days: u32,
    /// What was measured.
    pub indicator: Indicator,
    /// The measured value, in the indicator's unit.
    pub value: f64,
    /// How length/height was measured; `None` means "as fits the age" (lying
    /// below 731 days, standing from then on), so no conversion.
    pub position: Option<Position>,
    /// Length or height in cm, for [`Indicator::WeightForLengthHeight`].
    pub length_cm: Option<f64>,
    /// Gestational age at birth in completed weeks, when known.
    pub gestation_weeks: Option<u8>,
    /// Bilateral pitting oedema (WHO computes no weight-based z-score then).
    pub oedema: bool,
}

impl Measurement {
    /// A measurement at `age_days` with no position, length, gestation or
    /// oedema given.
    pub fn new(sex: Sex, age_days: u32, indicator: Indicator, value: f64) -> Self {
        Measurement {
            sex,
            age_days,
            indicator,
            value,
            position: None,
            length_cm: None,
            gestation_weeks: None,
            oedema: false,
        }
    }

    /// A measurement taken on `observed` of a child born on `birth`.
    ///
    /// # Errors
    /// [`GrowthError::ObservedBeforeBirth`] when `observed` is before `birth`.
    pub fn at_dates(
        sex: Sex,
        birth: Date,
        observed: Date,
        indicator: Indicator,
        value: f64,
    ) -> Result<Self, GrowthError> {
        Ok(Self::new(
            sex,
            age_in_days(birth, observed)?,
            indicator,
            value,
        ))
    }

    /// The same measurement, measured lying or standing.
    pub fn with_position(self, position: Position) -> Self {
        Measurement {
            position: Some(position),
            ..self
        }
    }

    /// The same measurement with the length or height (cm) for weight-for-length.
    pub fn with_length_cm(self, length_cm: f64) -> Self {
        Measurement {
            length_cm: Some(length_cm),
            ..self
        }
    }

    /// The same measurement of a child born at `weeks` of gestation.
    pub fn with_gestation_weeks(self, weeks: u8) -> Self {
        Measurement {
            gestation_weeks: Some(weeks),
            ..self
        }
    }

    /// The same measurement of a child with bilateral pitting oedema.
    pub fn with_oedema(self) -> Self {
        Measurement {
            oedema: true,
            ..self
        }
    }
}

/// A measurement's place on a reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrowthScore {
    /// The z-score (WHO's restricted z-score for WHO weight-based indicators).
    pub z: f64,
    /// The percentile, `100 * Φ(z)`, in 0-100.
    pub percentile: f64,
    /// The reference used.
    pub reference: Reference,
    /// The indicator.
    pub indicator: Indicator,
    /// The table used (which chart to draw the point on).
    pub table: Table,
    /// The age the reference was read at, in days: the corrected age when the
    /// age was corrected, otherwise the chronological age.
    pub age_days: u32,
    /// The corrected age in days, when the age was corrected for prematurity.
    pub corrected_age_days: Option<u32>,
    /// Where on the table's key the measurement sits, in the unit of
    /// [`Table::key`]: age in days (WHO), age in months (CDC) or length/height in
    /// cm after position conversion (weight-for-length/height).
    pub key: f64,
    /// The value compared with the reference: the measured value, except a
    /// length/height converted by 0.7 cm to the table's position.
    pub value: f64,
}

/// Why a measurement has no z-score. Messages carry no measured values.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum GrowthError {
    /// The value (or the length for weight-for-length) is not a positive finite
    /// number.
    #[error("{what} must be a positive number")]
    InvalidValue {
        /// Which value: `"value"` or `"length_cm"`.
        what: &'static str,
    },
    /// Weight-for-length/height needs the length or height.
    #[error("weight-for-length/height needs the length or height (length_cm)")]
    MissingLength,
    /// The age is outside the reference's tables for the indicator.
    #[error("age outside the {reference} {indicator} reference ({})", coverage(*.reference, *.indicator))]
    AgeOutOfRange {
        /// The reference asked.
        reference: Reference,
        /// The indicator asked.
        indicator: Indicator,
    },
    /// The length/height is outside the weight-for-length/height table.
    #[error("length/height outside the {reference} weight-for-length/height reference ({})", coverage(*.reference, Indicator::WeightForLengthHeight))]
    LengthOutOfRange {
        /// The reference asked.
        reference: Reference,
    },
    /// The observation date is before the birth date.
    #[error("observation date is before the birth date")]
    ObservedBeforeBirth,
    /// The gestation is not a plausible number of weeks.
    #[error("gestation must be 20 to 45 completed weeks")]
    InvalidGestation,
    /// The corrected age is before term (40 weeks): the references start at a
    /// term birth; preterm infants before term need a preterm chart (Fenton).
    #[error(
        "corrected age is before term (40 weeks of gestation); the references start at term birth"
    )]
    BeforeTerm,
    /// Weight-based indicators are not computed for a child with oedema (WHO).
    #[error("{indicator} is not computed for a child with oedema (WHO)")]
    Oedema {
        /// The weight-based indicator asked.
        indicator: Indicator,
    },
    /// The z-score is beyond the reference's limits of biologically plausible
    /// values, most likely a measuring or typing error.
    #[error("implausible {indicator} for the age or length ({limits}); check the measurement")]
    Implausible {
        /// The indicator.
        indicator: Indicator,
        /// The limits applied, e.g. `"WHO igrowup: z below -6 or above 5"`.
        limits: &'static str,
    },
    /// The references have tables for boys and girls only.
    #[error("the growth references have tables for male and female only")]
    NoReferenceForSex,
}

/// What a reference covers for an indicator, in words (for error messages).
pub fn coverage(reference: Reference, indicator: Indicator) -> &'static str {
    match (reference, indicator) {
        (Reference::Who2006, Indicator::WeightForLengthHeight) => {
            "0 to 1856 days; 45-110 cm lying below 731 days, 65-120 cm standing from 731 days"
        }
        (Reference::Who2006, _) => "0 to 1856 days",
        (Reference::Cdc2000, Indicator::WeightForAge | Indicator::LengthHeightForAge) => {
            "0 to 240 months"
        }
        (Reference::Cdc2000, Indicator::HeadCircumferenceForAge) => "0 to 36 months",
        (Reference::Cdc2000, Indicator::BmiForAge) => "24 to 240 months",
        (Reference::Cdc2000, Indicator::WeightForLengthHeight) => {
            "0 to 36 months, 45-103.5 cm lying"
        }
    }
}

/// Age in days on `observed` of a child born on `birth`.
///
/// # Errors
/// [`GrowthError::ObservedBeforeBirth`] when `observed` is before `birth`.
pub fn age_in_days(birth: Date, observed: Date) -> Result<u32, GrowthError> {
    let days = birth
        .until(observed)
        .map_err(|_| GrowthError::ObservedBeforeBirth)?
        .get_days();
    u32::try_from(days).map_err(|_| GrowthError::ObservedBeforeBirth)
}

/// The corrected age in days of an infant born at `gestation_weeks`, or `None`
/// when the age is not corrected: chronological age minus `40 - gestation`
/// weeks, for infants born before 37 weeks, while the chronological age is below
/// 24 months (731 days). Source: AAP, "Age terminology during the perinatal
/// period" (Pediatrics 2004); CDC's guidance on growth charts for preterm infants.
///
/// # Errors
/// [`GrowthError::InvalidGestation`] outside 20-45 weeks;
/// [`GrowthError::BeforeTerm`] when the corrected age would be below 0.
pub fn corrected_age_days(
    age_days: u32,
    gestation_weeks: Option<u8>,
) -> Result<Option<u32>, GrowthError> {
    let Some(weeks) = gestation_weeks else {
        return Ok(None);
    };
    if !GESTATION_WEEKS.contains(&weeks) {
        return Err(GrowthError::InvalidGestation);
    }
    if weeks >= PRETERM_BEFORE_WEEKS || age_days >= TWO_YEARS_DAYS {
        return Ok(None);
    }
    let early = u32::from(TERM_WEEKS - weeks) * 7;
    age_days
        .checked_sub(early)
        .map(Some)
        .ok_or(GrowthError::BeforeTerm)
}

/// A length or height converted to the position of the reference it is compared
/// with: a standing height +0.7 cm where lying length is expected, a lying length
/// −0.7 cm where standing height is expected; unchanged when `measured` is `None`
/// (taken as fitting) or already `expected` (WHO igrowup, `clenhei`).
pub fn convert_length_cm(length_cm: f64, measured: Option<Position>, expected: Position) -> f64 {
    match (measured, expected) {
        (Some(Position::Standing), Position::Lying) => length_cm + LYING_MINUS_STANDING_CM,
        (Some(Position::Lying), Position::Standing) => length_cm - LYING_MINUS_STANDING_CM,
        _ => length_cm,
    }
}

/// The length or height WHO uses at `age_days` (igrowup's `clenhei`): lying below
/// 731 days, standing from then on, converted by [`convert_length_cm`]. WHO
/// computes BMI-for-age from this length: `weight / (clenhei/100)²`.
pub fn who_length_cm(length_cm: f64, measured: Option<Position>, age_days: u32) -> f64 {
    convert_length_cm(length_cm, measured, who_position(age_days))
}

/// Body mass index in kg/m² from weight in kg and length/height in cm.
pub fn bmi(weight_kg: f64, length_cm: f64) -> f64 {
    let m = length_cm / 100.0;
    weight_kg / (m * m)
}

fn who_position(age_days: u32) -> Position {
    if age_days < TWO_YEARS_DAYS {
        Position::Lying
    } else {
        Position::Standing
    }
}

/// The z-score and percentile of `measurement` on `reference`, or by default on
/// WHO below 24 months (731 days of the age used) and CDC from 24 months.
///
/// The age used is the corrected age ([`corrected_age_days`]) when it applies.
/// WHO: the table row of the exact day; lengths converted to lying below 731 days
/// and standing from 731 days; weight-for-length (45-110 cm) below 731 days and
/// weight-for-height (65-120 cm) from then; the restricted z-score for
/// weight-based indicators. CDC: the infant chart (0-36 months, lying) below 24
/// months or for a child measured lying, otherwise the 2-20 years chart
/// (standing), whichever covers the age; lengths converted by 0.7 cm to the
/// chart's position; the table interpolated at the exact age in months.
///
/// # Errors
/// A [`GrowthError`] for an impossible value, a missing length, an age or
/// length outside the reference, an invalid gestation or one whose corrected age
/// is before term, oedema with a weight-based indicator, or a z-score beyond the
/// reference's limits of plausible values. Never a number for those.
pub fn zscore(
    measurement: &Measurement,
    reference: Option<Reference>,
) -> Result<GrowthScore, GrowthError> {
    let m = measurement;
    if !(m.value.is_finite() && m.value > 0.0) {
        return Err(GrowthError::InvalidValue { what: "value" });
    }
    if m.indicator == Indicator::WeightForLengthHeight {
        match m.length_cm {
            None => return Err(GrowthError::MissingLength),
            Some(l) if !(l.is_finite() && l > 0.0) => {
                return Err(GrowthError::InvalidValue { what: "length_cm" })
            }
            Some(_) => {}
        }
    }
    if m.oedema && m.indicator.is_weight_based() {
        return Err(GrowthError::Oedema {
            indicator: m.indicator,
        });
    }
    let corrected = corrected_age_days(m.age_days, m.gestation_weeks)?;
    let age_days = corrected.unwrap_or(m.age_days);
    let reference = reference.unwrap_or(if age_days < TWO_YEARS_DAYS {
        Reference::Who2006
    } else {
        Reference::Cdc2000
    });
    let (table, key, value) = match reference {
        Reference::Who2006 => who_select(m, age_days)?,
        Reference::Cdc2000 => cdc_select(m, age_days)?,
    };
    let out_of_range = || match table.key() {
        TableKey::LengthCm => GrowthError::LengthOutOfRange { reference },
        _ => GrowthError::AgeOutOfRange {
            reference,
            indicator: m.indicator,
        },
    };
    let lms = table.lms(m.sex, key).ok_or_else(out_of_range)?;
    let z = match reference {
        Reference::Who2006 if m.indicator.is_weight_based() => lms.z_who_restricted(value),
        _ => lms.z(value),
    };
    check_plausible(reference, m.indicator, &lms, value, z)?;
    Ok(GrowthScore {
        z,
        percentile: 100.0 * normal_cdf(z),
        reference,
        indicator: m.indicator,
        table,
        age_days,
        corrected_age_days: corrected,
        key,
        value,
    })
}

/// The WHO table, key and compared value for a measurement at `age_days`.
fn who_select(m: &Measurement, age_days: u32) -> Result<(Table, f64, f64), GrowthError> {
    if age_days > WHO_MAX_AGE_DAYS {
        return Err(GrowthError::AgeOutOfRange {
            reference: Reference::Who2006,
            indicator: m.indicator,
        });
    }
    let age = f64::from(age_days);
    let expected = who_position(age_days);
    Ok(match m.indicator {
        Indicator::WeightForAge => (Table::WhoWeightForAge, age, m.value),
        Indicator::LengthHeightForAge => (
            Table::WhoLengthHeightForAge,
            age,
            convert_length_cm(m.value, m.position, expected),
        ),
        Indicator::HeadCircumferenceForAge => (Table::WhoHeadCircumferenceForAge, age, m.value),
        Indicator::BmiForAge => (Table::WhoBmiForAge, age, m.value),
        Indicator::WeightForLengthHeight => {
            let table = match expected {
                Position::Lying => Table::WhoWeightForLength,
                Position::Standing => Table::WhoWeightForHeight,
            };
            let length = m.length_cm.ok_or(GrowthError::MissingLength)?;
            (
                table,
                convert_length_cm(length, m.position, expected),
                m.value,
            )
        }
    })
}

/// The CDC table, key and compared value for a measurement at `age_days`.
fn cdc_select(m: &Measurement, age_days: u32) -> Result<(Table, f64, f64), GrowthError> {
    let months = f64::from(age_days) / DAYS_PER_MONTH;
    let (infant, child) = match m.indicator {
        Indicator::WeightForAge => (
            Some(Table::CdcWeightForAgeInfant),
            Some(Table::CdcWeightForAge),
        ),
        Indicator::LengthHeightForAge => (
            Some(Table::CdcLengthForAgeInfant),
            Some(Table::CdcStatureForAge),
        ),
        Indicator::HeadCircumferenceForAge => (Some(Table::CdcHeadCircumferenceForAgeInfant), None),
        Indicator::BmiForAge => (None, Some(Table::CdcBmiForAge)),
        Indicator::WeightForLengthHeight => (Some(Table::CdcWeightForLengthInfant), None),
    };
    let prefer_infant = months < 24.0 || m.position == Some(Position::Lying);
    let order = if prefer_infant {
        [infant, child]
    } else {
        [child, infant]
    };
    let covers = |table: Table| {
        // The infant weight-for-length chart is for 0-36 months, the age range of
        // the infant weight-for-age chart.
        let by_age = if table == Table::CdcWeightForLengthInfant {
            Table::CdcWeightForAgeInfant
        } else {
            table
        };
        let (first, last) = by_age.key_range(m.sex);
        months >= first && months <= last
    };
    let table =
        order
            .into_iter()
            .flatten()
            .find(|&t| covers(t))
            .ok_or(GrowthError::AgeOutOfRange {
                reference: Reference::Cdc2000,
                indicator: m.indicator,
            })?;
    let expected = if Some(table) == infant {
        Position::Lying
    } else {
        Position::Standing
    };
    Ok(match m.indicator {
        Indicator::LengthHeightForAge => (
            table,
            months,
            convert_length_cm(m.value, m.position, expected),
        ),
        Indicator::WeightForLengthHeight => {
            let length = m.length_cm.ok_or(GrowthError::MissingLength)?;
            (
                table,
                convert_length_cm(length, m.position, expected),
                m.value,
            )
        }
        _ => (table, months, m.value),
    })
}

/// Rejects z-scores beyond the reference's limits of biologically plausible
/// values. WHO: igrowup's flags on the (restricted) z-score. CDC: the cut-offs on
/// the modified z-score of CDC's SAS program for the 2000 growth charts.
fn check_plausible(
    reference: Reference,
    indicator: Indicator,
    lms: &Lms,
    value: f64,
    z: f64,
) -> Result<(), GrowthError> {
    let (low, high, limits, score) = match reference {
        Reference::Who2006 => {
            let (low, high, limits) = match indicator {
                Indicator::LengthHeightForAge => (-6.0, 6.0, "WHO igrowup: z below -6 or above 6"),
                Indicator::WeightForAge => (-6.0, 5.0, "WHO igrowup: z below -6 or above 5"),
                _ => (-5.0, 5.0, "WHO igrowup: z below -5 or above 5"),
            };
            (low, high, limits, z)
        }
        Reference::Cdc2000 => {
            let (low, high, limits) = match indicator {
                Indicator::LengthHeightForAge => (-5.0, 4.0, "CDC: modified z below -5 or above 4"),
                Indicator::WeightForAge => (-5.0, 8.0, "CDC: modified z below -5 or above 8"),
                Indicator::HeadCircumferenceForAge => {
                    (-5.0, 5.0, "CDC: modified z below -5 or above 5")
                }
                Indicator::BmiForAge | Indicator::WeightForLengthHeight => {
                    (-4.0, 8.0, "CDC: modified z below -4 or above 8")
                }
            };
            (low, high, limits, lms.z_cdc_modified(value))
        }
    };
    if score.is_finite() && z.is_finite() && (low..=high).contains(&score) {
        Ok(())
    } else {
        Err(GrowthError::Implausible { indicator, limits })
    }
}

#[cfg(test)]
mod tests;
