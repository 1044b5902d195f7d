//! Immunization evaluation and forecast by CDC's CDSi rules.
//!
//! CDC's "Clinical Decision Support for Immunization" (CDSi) publishes how an
//! immunization registry decides whether each dose given counts and which dose
//! is due next, as a logic specification plus supporting data (antigen series
//! with ages, intervals, vaccines, skip conditions; live virus conflicts; the
//! CVX-to-antigen map). This module implements that logic as a pure function of
//! the patient's birth date and sex, the doses given and the assessment date,
//! driven by the supporting data compiled by `tools/gen_cdsi.py`.
//!
//! The steps follow the specification's processing model:
//! 1. organize the history: each dose counts for the antigens its CVX maps to;
//! 2. create the relevant patient series (standard series of the patient's
//!    gender; risk series need indications, which Sprout does not record yet);
//! 3. evaluate each dose against the target doses of each series (conditional
//!    skip, inadvertent vaccine, age, preferable and allowable interval, live
//!    virus conflict, preferable and allowable vaccine);
//! 4. forecast each series (evidence of immunity, forecast need, earliest,
//!    recommended, past-due and latest dates);
//! 5. select the best series of each antigen (scoring) and
//! 6. combine the antigens of each vaccine group (DTaP/Tdap/Td, MMR).
//!
//! [`forecast`] is the entry point; [`SupportingData::current`] is the release
//! the product uses (4.64). [`testcases`] runs CDC's test cases.

mod data;
mod engine;
mod period;
pub mod testcases;

pub use data::{
    Age, Antigen, Association, ConditionType, ConditionalSkip, Contraindication, CountLogic,
    DataError, DoseType, Gender, Immunity, Indication, Interval, LiveVirusConflict, Logic, Season,
    Series, SeriesDose, SeriesType, SkipCondition, SkipContext, SkipSet, SupportingData, Vaccine,
    VaccineGroup,
};
pub use period::Period;

use crate::record::AdministrativeSex;
use jiff::civil::Date;
use serde::Serialize;

/// What the engine needs to know about the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    /// Date of birth.
    pub birth_date: Date,
    /// Administrative sex; `other` and `unknown` select the series CDSi gives
    /// for an unknown gender.
    pub sex: AdministrativeSex,
}

/// One dose given, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministeredDose {
    /// Date given.
    pub date: Date,
    /// CVX code as written in the record (`"08"`, `"8"`). A code that is not a
    /// number or that the supporting data does not map is counted nowhere.
    pub cvx: String,
}

/// Evaluation status of a dose given (CDSi "evaluation status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvaluationStatus {
    /// The dose counts.
    Valid,
    /// The dose does not count and must be repeated.
    NotValid,
    /// The dose does not count and need not be repeated (given after the series
    /// was complete, or past the maximum age).
    Extraneous,
    /// The dose was expired or sub-potent.
    SubStandard,
}

/// Why a dose does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvaluationReason {
    /// Given before the absolute minimum age (or before the minimum age right
    /// after a dose that did not count).
    AgeTooYoung,
    /// Given at or after the maximum age.
    AgeTooOld,
    /// Given too soon after an earlier dose.
    IntervalTooShort,
    /// Given too soon after a live vaccine.
    LiveVirusConflict,
    /// The vaccine is neither preferable nor allowable for this dose.
    VaccineNotAllowable,
    /// The vaccine was given by mistake for this dose (e.g. Tdap to a baby).
    InadvertentVaccine,
    /// The series was already complete.
    SeriesAlreadyComplete,
}

impl EvaluationReason {
    /// CDC's wording in the test cases ("Age: Too Young").
    pub fn cdc_text(self) -> &'static str {
        match self {
            EvaluationReason::AgeTooYoung => "Age: Too Young",
            EvaluationReason::AgeTooOld => "Age: Too Old",
            EvaluationReason::IntervalTooShort => "Interval: too short",
            EvaluationReason::LiveVirusConflict => "Live Virus Conflict",
            EvaluationReason::VaccineNotAllowable => "Vaccine: not allowable",
            EvaluationReason::InadvertentVaccine => "Inadvertent Vaccine",
            EvaluationReason::SeriesAlreadyComplete => "Series Already Complete",
        }
    }
}

/// How one dose given was evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoseEvaluation {
    /// Index of the dose in the slice passed to [`forecast`].
    pub dose: usize,
    /// Date given.
    pub date: Date,
    /// CVX code.
    pub cvx: u16,
    /// Status.
    pub status: EvaluationStatus,
    /// Reason, for a dose that does not count.
    pub reason: Option<EvaluationReason>,
    /// The series dose number it was evaluated as (1-based), if any.
    pub dose_number: Option<u32>,
}

/// Status of a patient series or vaccine group (CDSi "patient series status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeriesStatus {
    /// More doses are needed.
    NotComplete,
    /// The series is complete.
    Complete,
    /// The patient has evidence of immunity.
    Immune,
    /// No dose is recommended given the past doses (every remaining dose skipped).
    NotRecommended,
    /// The patient is past the maximum age of the next dose.
    AgedOut,
    /// The patient has a contraindication.
    Contraindicated,
}

impl SeriesStatus {
    /// CDC's wording in the test cases ("Not complete").
    pub fn cdc_text(self) -> &'static str {
        match self {
            SeriesStatus::NotComplete => "Not complete",
            SeriesStatus::Complete => "Complete",
            SeriesStatus::Immune => "Immune",
            SeriesStatus::NotRecommended => "Not Recommended",
            SeriesStatus::AgedOut => "Aged out",
            SeriesStatus::Contraindicated => "Contraindicated",
        }
    }
}

/// The dates of a forecast dose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ForecastDates {
    /// Earliest date the dose counts if given.
    pub earliest: Date,
    /// Date it is recommended.
    pub recommended: Date,
    /// Last day before the dose is past due (none: never past due).
    pub past_due: Option<Date>,
    /// Last day the dose can be given (the day before the maximum age).
    pub latest: Option<Date>,
}

/// Where a forecast dose stands on a date, in a parent's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    /// Not yet: before the earliest date.
    NotYet,
    /// May be given (from the earliest date), not yet recommended.
    Early,
    /// Due: from the recommended date up to the past-due date.
    Due,
    /// Overdue: after the past-due date.
    Overdue,
}

impl ForecastDates {
    /// Where the dose stands on `on`.
    pub fn timing(&self, on: Date) -> Timing {
        if on < self.earliest {
            Timing::NotYet
        } else if self.past_due.is_some_and(|p| on > p) {
            Timing::Overdue
        } else if on >= self.recommended {
            Timing::Due
        } else {
            Timing::Early
        }
    }
}

/// The outcome for one antigen (its best patient series).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AntigenForecast {
    /// Antigen (target disease) name ("Measles").
    pub antigen: String,
    /// Name of the best patient series ("HepB 3-dose series"); none when the
    /// patient has no relevant series.
    pub series: Option<String>,
    /// Series status.
    pub status: SeriesStatus,
    /// The next dose number, when another dose is needed.
    pub dose_number: Option<u32>,
    /// Forecast dates, when another dose is needed.
    pub dates: Option<ForecastDates>,
    /// Each dose counted for the antigen, evaluated in the best series.
    pub doses: Vec<DoseEvaluation>,
    /// CVX codes recommended for the next dose.
    pub recommended_vaccines: Vec<u16>,
}

/// The forecast of one vaccine group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaccineGroupForecast {
    /// CDC's vaccine group name ("DTaP/Tdap/Td", "MMR", "HepB").
    pub vaccine_group: String,
    /// Whether any series of the group applies to the patient. `false` for
    /// groups that have only risk series (rabies, yellow fever, cholera...),
    /// which need an indication the engine is not given; such a group has the
    /// status `NotRecommended` and nothing to show unless doses were given.
    pub relevant: bool,
    /// Status of the group.
    pub status: SeriesStatus,
    /// The next dose number, when another dose is needed.
    pub dose_number: Option<u32>,
    /// Forecast dates, when another dose is needed.
    pub dates: Option<ForecastDates>,
    /// Each dose given that counts for the group, in date order, with the
    /// group's evaluation (a dose is valid for the group when it is valid for
    /// every antigen of the group it counts for).
    pub doses: Vec<DoseEvaluation>,
    /// CVX codes recommended for the next dose.
    pub recommended_vaccines: Vec<u16>,
    /// Per antigen detail.
    pub antigens: Vec<AntigenForecast>,
}

/// Every vaccine group's forecast for a patient on an assessment date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaccineGroupForecasts {
    /// The supporting data release used ("4.64").
    pub supporting_data_version: String,
    /// The assessment date.
    pub assessment_date: Date,
    /// One entry per vaccine group of the supporting data, in its order.
    pub groups: Vec<VaccineGroupForecast>,
}

impl VaccineGroupForecasts {
    /// A vaccine group's forecast by CDC's name ("MMR").
    pub fn group(&self, name: &str) -> Option<&VaccineGroupForecast> {
        self.groups.iter().find(|g| g.vaccine_group == name)
    }
}

/// Evaluates every dose and forecasts every vaccine group for the patient on
/// `assessment_date`, by the CDSi logic and `data`.
///
/// Doses are evaluated in date order whatever their order in `doses` (a dose
/// dated after the assessment date is evaluated too, as CDC's test cases
/// expect); [`DoseEvaluation::dose`] indexes into `doses`.
pub fn forecast(
    patient: &PatientFacts,
    doses: &[AdministeredDose],
    assessment_date: Date,
    data: &SupportingData,
) -> VaccineGroupForecasts {
    engine::run(patient, doses, assessment_date, data, None)
}

/// Like [`forecast`] for one vaccine group only (by CDC's name); `None` for a
/// name the supporting data does not have.
pub fn forecast_group(
    patient: &PatientFacts,
    doses: &[AdministeredDose],
    assessment_date: Date,
    data: &SupportingData,
    vaccine_group: &str,
) -> Option<VaccineGroupForecast> {
    data.vaccine_group(vaccine_group)?;
    engine::run(patient, doses, assessment_date, data, Some(vaccine_group))
        .groups
        .into_iter()
        .next()
}

/// Parses a CVX code as written in a record (`"08"`, `" 8 "`).
pub fn parse_cvx(code: &str) -> Option<u16> {
    let t = code.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}
