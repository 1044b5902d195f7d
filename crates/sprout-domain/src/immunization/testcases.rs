//! CDC's CDSi test cases: parsing the test-case CSV and running a case through
//! the engine.
//!
//! The CSV is CDC's "CDSi test cases" export (`cdsi-test-cases-v4.8.csv`): one
//! row per case with the patient (DOB, gender), up to seven doses (date, CVX,
//! expected evaluation status and reason), the expected series status and
//! forecast dates of one vaccine group on the assessment date. Parsing takes
//! the text, so the caller does the reading (no I/O here).

use super::{
    forecast, AdministeredDose, EvaluationStatus, PatientFacts, SeriesStatus, SupportingData,
    VaccineGroupForecast,
};
use crate::record::AdministrativeSex;
use jiff::civil::Date;

/// Error for a test-case file that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// Not CSV.
    #[error("test cases: {0}")]
    Csv(#[from] csv::Error),
    /// A column is missing.
    #[error("test cases: no column `{0}`")]
    MissingColumn(&'static str),
    /// A value does not parse.
    #[error("test case {case}: bad {what} `{value}`")]
    Bad {
        /// Case id.
        case: String,
        /// Which value.
        what: &'static str,
        /// The text.
        value: String,
    },
}

/// One dose of a test case with its expected evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedDose {
    /// Date given.
    pub date: Date,
    /// CVX code as written.
    pub cvx: String,
    /// CDC's vaccine name.
    pub vaccine_name: String,
    /// Expected status ("Valid", "Not Valid", "Extraneous").
    pub status: String,
    /// Expected reason ("Age: Too Young"), empty for valid doses.
    pub reason: String,
}

/// One CDC test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// CDC's id ("2013-0001").
    pub id: String,
    /// CDC's name.
    pub name: String,
    /// Date of birth.
    pub birth_date: Date,
    /// Sex.
    pub sex: AdministrativeSex,
    /// Doses given, in the file's order.
    pub doses: Vec<ExpectedDose>,
    /// Expected series status ("Not complete", "Complete", "Aged out", "Immune").
    pub series_status: String,
    /// Expected forecast dose number ("2"), "-" or empty.
    pub forecast_dose: String,
    /// Expected earliest date.
    pub earliest: Option<Date>,
    /// Expected recommended date.
    pub recommended: Option<Date>,
    /// Expected past due date.
    pub past_due: Option<Date>,
    /// CDC's vaccine group code ("DTAP", "POL", "HepB").
    pub vaccine_group_code: String,
    /// Assessment date.
    pub assessment_date: Date,
    /// CDC's evaluation test type ("Age: Below Absolute Minimum").
    pub evaluation_test_type: String,
    /// CDC's forecast test type ("Recommended based on age").
    pub forecast_test_type: String,
}

/// The supporting data's vaccine group name for CDC's test-case code.
pub fn vaccine_group_name(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "DTAP" => "DTaP/Tdap/Td",
        "POL" => "Polio",
        "HIB" => "Hib",
        "HPV" => "HPV",
        "HepB" => "HepB",
        "HepA" => "HepA",
        "PCV" => "Pneumococcal",
        "MMR" => "MMR",
        "VAR" => "Varicella",
        "ROTA" => "Rotavirus",
        "COVID-19" => "COVID-19",
        "MCV" => "Meningococcal",
        "MENB" => "Meningococcal B",
        "ZOSTER" => "Zoster",
        "FLU" => "Influenza",
        "RSV" => "RSV",
        _ => return None,
    })
}

fn parse_us_date(case: &str, what: &'static str, text: &str) -> Result<Option<Date>, CaseError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || CaseError::Bad {
        case: case.to_owned(),
        what,
        value: t.to_owned(),
    };
    let mut parts = t.split('/');
    let (Some(m), Some(d), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (m, d, y) = (
        m.parse::<i8>().map_err(|_| bad())?,
        d.parse::<i8>().map_err(|_| bad())?,
        y.parse::<i16>().map_err(|_| bad())?,
    );
    Date::new(y, m, d).map(Some).map_err(|_| bad())
}

/// Parses CDC's test-case CSV.
///
/// # Errors
/// [`CaseError`] for text that is not CSV, lacks a column, or has a date that
/// does not parse.
pub fn parse_cases(text: &str) -> Result<Vec<TestCase>, CaseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let col = |name: &'static str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or(CaseError::MissingColumn(name))
    };
    let id_c = col("CDC_Test_ID")?;
    let name_c = col("Testcase_Name")?;
    let dob_c = col("DOB")?;
    let gender_c = col("gender")?;
    let status_c = col("Series_Status")?;
    let num_c = col("Forecast_num")?;
    let earliest_c = col("Earliest_Date")?;
    let rec_c = col("Recommended_Date")?;
    let due_c = col("Past_Due_Date")?;
    let group_c = col("Vaccine_Group")?;
    let assess_c = col("Assessment_Date")?;
    let evtype_c = col("Evaluation_Test_Type")?;
    let fctype_c = col("Forecast_Test_Type")?;
    let mut dose_cols = Vec::new();
    for k in 1..=7 {
        let find = |prefix: &str| {
            headers
                .iter()
                .position(|h| h.trim() == format!("{prefix}_{k}"))
        };
        if let (Some(date), Some(name), Some(cvx), Some(status), Some(reason)) = (
            find("Date_Administered"),
            find("Vaccine_Name"),
            find("CVX"),
            find("Evaluation_Status"),
            find("Evaluation_Reason"),
        ) {
            dose_cols.push((date, name, cvx, status, reason));
        }
    }
    let mut cases = Vec::new();
    for record in reader.records() {
        let record = record?;
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        let id = get(id_c).to_owned();
        if id.is_empty() {
            continue;
        }
        let birth_date = parse_us_date(&id, "DOB", get(dob_c))?.ok_or_else(|| CaseError::Bad {
            case: id.clone(),
            what: "DOB",
            value: String::new(),
        })?;
        let assessment_date =
            parse_us_date(&id, "assessment date", get(assess_c))?.ok_or_else(|| {
                CaseError::Bad {
                    case: id.clone(),
                    what: "assessment date",
                    value: String::new(),
                }
            })?;
        let sex = match get(gender_c) {
            "F" | "f" => AdministrativeSex::Female,
            "M" | "m" => AdministrativeSex::Male,
            _ => AdministrativeSex::Unknown,
        };
        let mut doses = Vec::new();
        for &(date_c, name_c, cvx_c, st_c, reason_c) in &dose_cols {
            if let Some(date) = parse_us_date(&id, "date administered", get(date_c))? {
                doses.push(ExpectedDose {
                    date,
                    cvx: get(cvx_c).to_owned(),
                    vaccine_name: get(name_c).to_owned(),
                    status: get(st_c).to_owned(),
                    reason: get(reason_c).to_owned(),
                });
            }
        }
        cases.push(TestCase {
            name: get(name_c).to_owned(),
            birth_date,
            sex,
            doses,
            series_status: get(status_c).to_owned(),
            forecast_dose: get(num_c).to_owned(),
            earliest: parse_us_date(&id, "earliest date", get(earliest_c))?,
            recommended: parse_us_date(&id, "recommended date", get(rec_c))?,
            past_due: parse_us_date(&id, "past due date", get(due_c))?,
            vaccine_group_code: get(group_c).to_owned(),
            assessment_date,
            evaluation_test_type: get(evtype_c).to_owned(),
            forecast_test_type: get(fctype_c).to_owned(),
            id,
        });
    }
    Ok(cases)
}

/// How a case came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    /// Case id.
    pub id: String,
    /// CDC's vaccine group code.
    pub vaccine_group_code: String,
    /// Every dose's evaluation status as expected.
    pub evaluation_passed: bool,
    /// Series status and earliest, recommended and past-due dates as expected.
    pub forecast_passed: bool,
    /// One line per evaluation difference ("dose 2: expected Not Valid (Age:
    /// Too Young), got Valid").
    pub evaluation_differences: Vec<String>,
    /// One line per forecast difference ("earliest: expected 2021-06-07, got
    /// 2021-06-11").
    pub forecast_differences: Vec<String>,
    /// The engine's forecast for the case's vaccine group, if it has one.
    pub actual: Option<VaccineGroupForecast>,
}

fn status_text(s: EvaluationStatus) -> &'static str {
    match s {
        EvaluationStatus::Valid => "Valid",
        EvaluationStatus::NotValid => "Not Valid",
        EvaluationStatus::Extraneous => "Extraneous",
        EvaluationStatus::SubStandard => "Sub-standard",
    }
}

fn show(d: Option<Date>) -> String {
    d.map_or_else(|| "none".to_owned(), |d| d.to_string())
}

/// Runs one case through [`forecast`] with `data` and compares: evaluation
/// passes when every dose's status equals CDC's; forecast passes when the
/// series status and the earliest, recommended and past-due dates all equal
/// CDC's (an empty expected date expects none).
pub fn run_case(case: &TestCase, data: &SupportingData) -> CaseOutcome {
    let patient = PatientFacts {
        birth_date: case.birth_date,
        sex: case.sex,
    };
    let doses: Vec<AdministeredDose> = case
        .doses
        .iter()
        .map(|d| AdministeredDose {
            date: d.date,
            cvx: d.cvx.clone(),
        })
        .collect();
    let group_name = vaccine_group_name(&case.vaccine_group_code);
    let all = forecast(&patient, &doses, case.assessment_date, data);
    let actual = group_name.and_then(|name| all.group(name).cloned());
    let mut evaluation_differences = Vec::new();
    let mut forecast_differences = Vec::new();
    match &actual {
        None => {
            let text = format!("no vaccine group for `{}`", case.vaccine_group_code);
            evaluation_differences.push(text.clone());
            forecast_differences.push(text);
        }
        Some(group) => {
            for (k, expected) in case.doses.iter().enumerate() {
                // A dose of another vaccine group (a varicella dose in an MMR
                // case) is expected as evaluated in its own group.
                let got = group.doses.iter().find(|d| d.dose == k).or_else(|| {
                    all.groups
                        .iter()
                        .find_map(|g| g.doses.iter().find(|d| d.dose == k))
                });
                let got_status = got.map_or("not evaluated", |d| status_text(d.status));
                if !got_status.eq_ignore_ascii_case(expected.status.trim()) {
                    let reason = |r: &str| {
                        if r.is_empty() {
                            String::new()
                        } else {
                            format!(" ({r})")
                        }
                    };
                    evaluation_differences.push(format!(
                        "dose {} ({} CVX {}): expected {}{}, got {}{}",
                        k + 1,
                        expected.date,
                        expected.cvx,
                        expected.status,
                        reason(&expected.reason),
                        got_status,
                        reason(got.and_then(|d| d.reason).map_or("", |r| r.cdc_text())),
                    ));
                }
            }
            let status = group.status.cdc_text();
            if !status.eq_ignore_ascii_case(case.series_status.trim()) {
                forecast_differences.push(format!(
                    "status: expected {}, got {}",
                    case.series_status, status
                ));
            }
            let dates = group
                .dates
                .filter(|_| group.status == SeriesStatus::NotComplete);
            for (what, expected, got) in [
                ("earliest", case.earliest, dates.map(|d| d.earliest)),
                (
                    "recommended",
                    case.recommended,
                    dates.map(|d| d.recommended),
                ),
                ("past due", case.past_due, dates.and_then(|d| d.past_due)),
            ] {
                if expected != got {
                    forecast_differences.push(format!(
                        "{what}: expected {}, got {}",
                        show(expected),
                        show(got)
                    ));
                }
            }
        }
    }
    CaseOutcome {
        id: case.id.clone(),
        vaccine_group_code: case.vaccine_group_code.clone(),
        evaluation_passed: evaluation_differences.is_empty(),
        forecast_passed: forecast_differences.is_empty(),
        evaluation_differences,
        forecast_differences,
        actual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}\"CDC_Test_ID\",\"Testcase_Name\",\"DOB\",\"gender\",\"Series_Status\",\"Date_Administered_1\",\"Vaccine_Name_1\",\"CVX_1\",\"MVX_1\",\"Evaluation_Status_1\",\"Evaluation_Reason_1\",\"Forecast_num\",\"Earliest_Date\",\"Recommended_Date\",\"Past_Due_Date\",\"Vaccine_Group\",\"Assessment_Date\",\"Evaluation_Test_Type\",\"Forecast_Test_Type\"\n\
\"2013-0001\",\"Newborn Testing\",05/10/2021,\"F\",\"Not complete\",,,,,,,\"1\",06/21/2021,07/10/2021,09/06/2021,\"DTAP\",05/10/2021,\"No Doses Administered\",\"Recommended based on age\"\n";

    #[test]
    fn parses_and_runs_a_newborn_case() {
        let cases = parse_cases(SAMPLE).unwrap();
        assert_eq!(cases.len(), 1);
        let c = &cases[0];
        assert_eq!(c.id, "2013-0001");
        assert_eq!(c.birth_date, jiff::civil::date(2021, 5, 10));
        assert!(c.doses.is_empty());
        assert_eq!(c.earliest, Some(jiff::civil::date(2021, 6, 21)));
        let outcome = run_case(c, SupportingData::v4_10());
        assert!(outcome.evaluation_passed);
        assert!(
            outcome.forecast_passed,
            "{:?}",
            outcome.forecast_differences
        );
    }

    #[test]
    fn rejects_bad_dates() {
        let bad = SAMPLE.replace("05/10/2021,\"F\"", "13/45/2021,\"F\"");
        assert!(matches!(parse_cases(&bad), Err(CaseError::Bad { .. })));
    }
}
