//! The CDSi supporting data in Sprout's compiled form.
//!
//! CDC publishes the supporting data as XML (one file per antigen plus a schedule
//! file). `tools/gen_cdsi.py` compiles a release into the JSON files beside this
//! module (`data/cdsi-<version>.json`); they are embedded in the binary and
//! parsed once, on first use.

use super::period::Period;
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Error for supporting data that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The JSON does not have the compiled shape.
    #[error("CDSi supporting data does not parse: {0}")]
    Json(#[from] serde_json::Error),
    /// A name refers to nothing (a vaccine group naming an unknown antigen).
    #[error("CDSi supporting data refers to unknown {what} `{name}`")]
    Unknown {
        /// What kind of name.
        what: &'static str,
        /// The name.
        name: String,
    },
}

/// One release of CDC's CDSi supporting data, indexed for the engine.
#[derive(Debug)]
pub struct SupportingData {
    /// The release, e.g. `"4.64"`.
    pub version: String,
    /// Vaccine groups in the schedule's order.
    pub vaccine_groups: Vec<VaccineGroup>,
    /// Antigens (one per antigen supporting data file).
    pub antigens: Vec<Antigen>,
    /// Live virus conflicts (schedule supporting data).
    pub live_virus_conflicts: Vec<LiveVirusConflict>,
    cvx: HashMap<u16, CvxMap>,
    antigen_index: HashMap<String, usize>,
    conflict_index: HashMap<(u16, u16), usize>,
}

static V4_64: LazyLock<SupportingData> = LazyLock::new(|| {
    SupportingData::from_json(include_str!("data/cdsi-4.64.json"))
        .expect("embedded CDSi supporting data 4.64 parses (tested)")
});

static V4_10: LazyLock<SupportingData> = LazyLock::new(|| {
    SupportingData::from_json(include_str!("data/cdsi-4.10.json"))
        .expect("embedded CDSi supporting data 4.10 parses (tested)")
});

impl SupportingData {
    /// The release the product forecasts with: CDSi supporting data 4.64.
    pub fn current() -> &'static SupportingData {
        &V4_64
    }

    /// CDSi supporting data 4.10, the release CDC paired with the test cases
    /// of `cdsi-test-cases-v4.8.csv`.
    pub fn v4_10() -> &'static SupportingData {
        &V4_10
    }

    /// An embedded release by its version (`"4.64"`, `"4.10"`); `None` for a
    /// release that is not compiled in.
    pub fn embedded(version: &str) -> Option<&'static SupportingData> {
        match version {
            "4.64" => Some(Self::current()),
            "4.10" => Some(Self::v4_10()),
            _ => None,
        }
    }

    /// Parses supporting data compiled by `tools/gen_cdsi.py`.
    ///
    /// # Errors
    /// [`DataError`] when the text is not the compiled shape or a vaccine group
    /// names an antigen that has no supporting data.
    pub fn from_json(text: &str) -> Result<SupportingData, DataError> {
        let raw: RawData = serde_json::from_str(text)?;
        let antigen_index: HashMap<String, usize> = raw
            .antigens
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.clone(), i))
            .collect();
        let mut vaccine_groups = Vec::with_capacity(raw.vaccine_groups.len());
        for g in raw.vaccine_groups {
            let mut antigens = Vec::new();
            for name in &g.antigens {
                let i = *antigen_index.get(name).ok_or_else(|| DataError::Unknown {
                    what: "antigen",
                    name: name.clone(),
                })?;
                antigens.push(i);
            }
            vaccine_groups.push(VaccineGroup {
                name: g.name,
                administer_full_vaccine_group: g.full,
                antigens,
            });
        }
        let mut cvx = HashMap::new();
        for m in raw.cvx {
            let mut associations = Vec::new();
            for a in m.antigens {
                // An association with an antigen that has no supporting data
                // (none in 4.10 or 4.64) is dropped rather than failing.
                if let Some(&i) = antigen_index.get(&a.antigen) {
                    associations.push(Association {
                        antigen: i,
                        begin: a.begin,
                        end: a.end,
                    });
                }
            }
            cvx.insert(
                m.cvx,
                CvxMap {
                    short_description: m.name,
                    associations,
                },
            );
        }
        let mut antigens = raw.antigens;
        for a in &mut antigens {
            for s in &mut a.series {
                s.doses.sort_by_key(|d| d.number);
            }
        }
        let conflict_index = raw
            .live_virus_conflicts
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.previous, c.current), i))
            .collect();
        Ok(SupportingData {
            conflict_index,
            version: raw.version,
            vaccine_groups,
            antigens,
            live_virus_conflicts: raw.live_virus_conflicts,
            cvx,
            antigen_index,
        })
    }

    /// The antigens a CVX code counts for, with the age bounds of each
    /// association (CVX 121, zoster live, counts for varicella before 50 years
    /// and for zoster from 50 years).
    pub fn cvx_associations(&self, cvx: u16) -> &[Association] {
        self.cvx
            .get(&cvx)
            .map(|m| m.associations.as_slice())
            .unwrap_or(&[])
    }

    /// CDC's short description of a CVX code in this release, if mapped.
    pub fn cvx_description(&self, cvx: u16) -> Option<&str> {
        self.cvx.get(&cvx).map(|m| m.short_description.as_str())
    }

    /// The live virus conflict between an earlier dose of `previous` and a
    /// later dose of `current` (CVX codes), if any.
    pub fn live_virus_conflict(&self, previous: u16, current: u16) -> Option<&LiveVirusConflict> {
        self.conflict_index
            .get(&(previous, current))
            .map(|&i| &self.live_virus_conflicts[i])
    }

    /// The index of an antigen by its name ("Measles").
    pub fn antigen_index(&self, name: &str) -> Option<usize> {
        self.antigen_index.get(name).copied()
    }

    /// A vaccine group by its name ("DTaP/Tdap/Td", "MMR").
    pub fn vaccine_group(&self, name: &str) -> Option<&VaccineGroup> {
        self.vaccine_groups.iter().find(|g| g.name == name)
    }
}

#[derive(Debug, Deserialize)]
struct RawData {
    version: String,
    vaccine_groups: Vec<RawVaccineGroup>,
    cvx: Vec<RawCvxMap>,
    live_virus_conflicts: Vec<LiveVirusConflict>,
    antigens: Vec<Antigen>,
}

#[derive(Debug, Deserialize)]
struct RawVaccineGroup {
    name: String,
    #[serde(default)]
    full: bool,
    antigens: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawCvxMap {
    cvx: u16,
    #[serde(default)]
    name: String,
    #[serde(default)]
    antigens: Vec<RawAssociation>,
}

#[derive(Debug, Deserialize)]
struct RawAssociation {
    antigen: String,
    #[serde(default)]
    begin: Option<Period>,
    #[serde(default)]
    end: Option<Period>,
}

#[derive(Debug)]
struct CvxMap {
    short_description: String,
    associations: Vec<Association>,
}

/// A CVX code's association with an antigen (schedule supporting data,
/// `cvxToAntigenMap`).
#[derive(Debug, Clone, Copy)]
pub struct Association {
    /// Index into [`SupportingData::antigens`].
    pub antigen: usize,
    /// Age from which a dose counts for the antigen (none: from birth).
    pub begin: Option<Period>,
    /// Age before which a dose counts for the antigen (none: no limit).
    pub end: Option<Period>,
}

/// A vaccine group: the antigens given together and forecast as one
/// ("MMR": measles, mumps, rubella).
#[derive(Debug, Clone)]
pub struct VaccineGroup {
    /// CDC's name ("DTaP/Tdap/Td").
    pub name: String,
    /// Whether every antigen must be given together (MMR: yes; DTaP/Tdap/Td: no).
    pub administer_full_vaccine_group: bool,
    /// Indexes into [`SupportingData::antigens`].
    pub antigens: Vec<usize>,
}

/// A live virus conflict: a dose of `current` given within the interval after
/// a dose of `previous` is not valid.
#[derive(Debug, Clone, Deserialize)]
pub struct LiveVirusConflict {
    /// CVX of the earlier dose.
    pub previous: u16,
    /// CVX of the later dose.
    pub current: u16,
    /// Start of the conflict after the earlier dose.
    pub begin: Period,
    /// End of the conflict (exclusive) when the earlier dose was valid (grace).
    pub min_end: Period,
    /// End of the conflict (exclusive) otherwise.
    pub end: Period,
}

/// An antigen's supporting data.
#[derive(Debug, Deserialize)]
pub struct Antigen {
    /// Target disease ("Measles").
    pub name: String,
    /// Evidence of immunity.
    #[serde(default)]
    pub immunity: Option<Immunity>,
    /// Observations that contraindicate every vaccine of the group.
    #[serde(default)]
    pub group_contraindications: Vec<Contraindication>,
    /// Observations that contraindicate one vaccine (CVX).
    #[serde(default)]
    pub vaccine_contraindications: Vec<Contraindication>,
    /// Antigen series, in the supporting data's order.
    pub series: Vec<Series>,
}

/// Evidence of immunity for an antigen.
#[derive(Debug, Deserialize)]
pub struct Immunity {
    /// Observation codes that are evidence of immunity (lab evidence, disease).
    #[serde(default)]
    pub guidelines: Vec<String>,
    /// Born before this date: presumed immune (measles: 1957-01-01).
    #[serde(default)]
    pub birth_date: Option<Date>,
    /// Country of birth the birth-date rule needs ("U.S."), if any.
    #[serde(default)]
    pub birth_country: Option<String>,
    /// Observation codes that cancel the birth-date rule (health care personnel).
    #[serde(default)]
    pub exclusions: Vec<String>,
}

/// A contraindication by observation code, within an age range.
#[derive(Debug, Deserialize)]
pub struct Contraindication {
    /// CDSi observation code ("080").
    pub code: String,
    /// The vaccine, for a vaccine contraindication.
    #[serde(default)]
    pub cvx: Option<u16>,
    /// From this age (none: birth).
    #[serde(default)]
    pub begin: Option<Period>,
    /// Before this age (none: no limit).
    #[serde(default)]
    pub end: Option<Period>,
}

/// Series type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeriesType {
    /// Routine series for everyone of the required gender.
    Standard,
    /// Series for patients with an indication (observation).
    Risk,
    /// Series used only to evaluate past doses.
    EvaluationOnly,
}

/// Required gender of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Transgender.
    Transgender,
    /// Unknown.
    Unknown,
}

/// An antigen series: the doses that together give protection.
#[derive(Debug, Deserialize)]
pub struct Series {
    /// CDC's name ("HepB 3-dose series").
    pub name: String,
    /// Vaccine group name.
    pub vaccine_group: String,
    /// Standard, risk or evaluation-only.
    #[serde(rename = "type")]
    pub series_type: SeriesType,
    /// Series groups this series' group is equivalent to.
    #[serde(default)]
    pub equivalent_groups: Vec<u32>,
    /// Required genders (empty: any).
    #[serde(default)]
    pub genders: Vec<Gender>,
    /// The default series of its group.
    #[serde(default)]
    pub default: bool,
    /// A product series (one vaccine product throughout).
    #[serde(default)]
    pub product: bool,
    /// Series group.
    pub group: u32,
    /// Series group name.
    #[serde(default)]
    pub group_name: Option<String>,
    /// Series priority ("A" is highest).
    #[serde(default)]
    pub priority: Option<String>,
    /// Series preference within its group (1 is most preferred).
    #[serde(default)]
    pub preference: Option<u32>,
    /// Minimum age to start the series.
    #[serde(default)]
    pub min_age_to_start: Option<Period>,
    /// Maximum age to start the series.
    #[serde(default)]
    pub max_age_to_start: Option<Period>,
    /// Indications (observation codes) of a risk series.
    #[serde(default)]
    pub indications: Vec<Indication>,
    /// Series doses, by dose number.
    pub doses: Vec<SeriesDose>,
}

/// An indication of a risk series.
#[derive(Debug, Deserialize)]
pub struct Indication {
    /// CDSi observation code.
    pub code: String,
    /// From this age.
    #[serde(default)]
    pub begin: Option<Period>,
    /// Before this age.
    #[serde(default)]
    pub end: Option<Period>,
}

/// A series dose: the requirements one dose must meet.
#[derive(Debug, Deserialize)]
pub struct SeriesDose {
    /// Dose number, from 1.
    pub number: u32,
    /// Age requirements (more than one when they changed on a date).
    #[serde(default)]
    pub ages: Vec<Age>,
    /// Preferable intervals.
    #[serde(default)]
    pub intervals: Vec<Interval>,
    /// Allowable intervals.
    #[serde(default)]
    pub allowable_intervals: Vec<Interval>,
    /// Preferable vaccines.
    #[serde(default)]
    pub preferable: Vec<Vaccine>,
    /// Allowable vaccines.
    #[serde(default)]
    pub allowable: Vec<Vaccine>,
    /// Vaccines given by mistake for this dose (CVX).
    #[serde(default)]
    pub inadvertent: Vec<u16>,
    /// Conditional skips.
    #[serde(default)]
    pub skips: Vec<ConditionalSkip>,
    /// A recurring dose (influenza every season).
    #[serde(default)]
    pub recurring: bool,
    /// Seasonal recommendation window.
    #[serde(default)]
    pub season: Option<Season>,
}

/// Age requirements of a series dose.
#[derive(Debug, Default, Deserialize)]
pub struct Age {
    /// Absolute minimum age (with the 4-day grace period).
    #[serde(default)]
    pub abs_min: Option<Period>,
    /// Minimum age.
    #[serde(default)]
    pub min: Option<Period>,
    /// Earliest recommended age.
    #[serde(default)]
    pub earliest_rec: Option<Period>,
    /// Latest recommended age: the forecast's past-due date is the day before.
    #[serde(default)]
    pub latest_rec: Option<Period>,
    /// Maximum age (exclusive).
    #[serde(default)]
    pub max: Option<Period>,
    /// In force from this date.
    #[serde(default)]
    pub effective: Option<Date>,
    /// In force until this date (inclusive).
    #[serde(default)]
    pub cessation: Option<Date>,
}

/// An interval requirement of a series dose.
#[derive(Debug, Default, Deserialize)]
pub struct Interval {
    /// From the immediately previous dose.
    #[serde(default)]
    pub from_previous: bool,
    /// From the dose that satisfied this target dose number.
    #[serde(default)]
    pub from_target_dose: Option<u32>,
    /// From the most recent dose of these vaccines (CVX).
    #[serde(default)]
    pub from_most_recent: Vec<u16>,
    /// From an observation (code).
    #[serde(default)]
    pub from_observation: Option<String>,
    /// Absolute minimum interval.
    #[serde(default)]
    pub abs_min: Option<Period>,
    /// Minimum interval.
    #[serde(default)]
    pub min: Option<Period>,
    /// Earliest recommended interval.
    #[serde(default)]
    pub earliest_rec: Option<Period>,
    /// Latest recommended interval.
    #[serde(default)]
    pub latest_rec: Option<Period>,
    /// Interval priority "override".
    #[serde(default)]
    pub r#override: bool,
    /// In force from this date.
    #[serde(default)]
    pub effective: Option<Date>,
    /// In force until this date (inclusive).
    #[serde(default)]
    pub cessation: Option<Date>,
}

/// A preferable or allowable vaccine of a series dose.
#[derive(Debug, Deserialize)]
pub struct Vaccine {
    /// CVX code.
    pub cvx: u16,
    /// From this age.
    #[serde(default)]
    pub begin: Option<Period>,
    /// Before this age.
    #[serde(default)]
    pub end: Option<Period>,
    /// Recommended in a forecast ("forecast vaccine type" Y).
    #[serde(default)]
    pub forecast: bool,
    /// Manufacturer (MVX), if the series names one.
    #[serde(default)]
    pub mvx: Option<String>,
    /// Volume in mL.
    #[serde(default)]
    pub volume: Option<f64>,
}

/// Where a conditional skip applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SkipContext {
    /// When evaluating a dose given.
    Evaluation,
    /// When forecasting.
    Forecast,
    /// Both.
    Both,
}

/// AND / OR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Logic {
    /// Every one must be met.
    And,
    /// One is enough.
    Or,
}

/// A conditional skip of a series dose.
#[derive(Debug, Deserialize)]
pub struct ConditionalSkip {
    /// Evaluation, forecast or both.
    pub context: SkipContext,
    /// How the sets combine.
    pub set_logic: Logic,
    /// Condition sets.
    #[serde(default)]
    pub sets: Vec<SkipSet>,
}

/// A set of skip conditions.
#[derive(Debug, Deserialize)]
pub struct SkipSet {
    /// Set id.
    #[serde(default)]
    pub id: u32,
    /// CDC's description ("Dose is not required for those 4 years or older...").
    #[serde(default)]
    pub description: Option<String>,
    /// How the conditions combine.
    pub logic: Logic,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<SkipCondition>,
    /// In force from this date.
    #[serde(default)]
    pub effective: Option<Date>,
    /// In force until this date (inclusive).
    #[serde(default)]
    pub cessation: Option<Date>,
}

/// Kind of skip condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConditionType {
    /// Patient's age at the reference date in a range.
    Age,
    /// Time since the previous dose.
    Interval,
    /// Doses given within an age range.
    CountByAge,
    /// Doses given within a date range.
    CountByDate,
    /// Doses given within a date range and an age range.
    CountByDateAndAge,
    /// A series of a series group is complete.
    CompletedSeries,
}

/// How a dose count compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountLogic {
    /// More than the count.
    Greater,
    /// Exactly the count.
    Equal,
    /// Fewer than the count.
    Less,
}

/// Which doses a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DoseType {
    /// Valid doses only.
    Valid,
    /// Every dose given.
    Total,
}

/// One skip condition.
#[derive(Debug, Deserialize)]
pub struct SkipCondition {
    /// Kind.
    #[serde(rename = "type")]
    pub condition_type: ConditionType,
    /// Age from.
    #[serde(default)]
    pub begin: Option<Period>,
    /// Age before.
    #[serde(default)]
    pub end: Option<Period>,
    /// Date from.
    #[serde(default)]
    pub start_date: Option<Date>,
    /// Date before.
    #[serde(default)]
    pub end_date: Option<Date>,
    /// Interval since the previous dose.
    #[serde(default)]
    pub interval: Option<Period>,
    /// Dose count.
    #[serde(default)]
    pub count: Option<u32>,
    /// Count comparison.
    #[serde(default)]
    pub count_logic: Option<CountLogic>,
    /// Valid or total doses.
    #[serde(default)]
    pub dose_type: Option<DoseType>,
    /// Vaccines counted (CVX; empty: all of the antigen).
    #[serde(default)]
    pub vaccine_types: Vec<u16>,
    /// Series groups (completed series).
    #[serde(default)]
    pub series_groups: Vec<u32>,
}

/// A seasonal recommendation window (influenza).
#[derive(Debug, Deserialize)]
pub struct Season {
    /// First day of the season.
    #[serde(default)]
    pub start: Option<Date>,
    /// Last day of the season.
    #[serde(default)]
    pub end: Option<Date>,
}

/// Whether a supporting-data element with effective and cessation dates is in
/// force on `on` (effective date inclusive, cessation date inclusive).
pub(crate) fn in_force(effective: Option<Date>, cessation: Option<Date>, on: Date) -> bool {
    effective.is_none_or(|e| on >= e) && cessation.is_none_or(|c| on <= c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_releases_parse() {
        for data in [SupportingData::current(), SupportingData::v4_10()] {
            assert!(data.vaccine_group("MMR").is_some());
            let mmr = data.vaccine_group("MMR").unwrap();
            assert!(mmr.administer_full_vaccine_group);
            assert_eq!(mmr.antigens.len(), 3);
            // CVX 03 (MMR) counts for measles, mumps and rubella.
            assert_eq!(data.cvx_associations(3).len(), 3);
            assert!(!data.live_virus_conflicts.is_empty());
            for a in &data.antigens {
                for s in &a.series {
                    assert!(!s.doses.is_empty(), "{} has doses", s.name);
                }
            }
        }
        assert_eq!(SupportingData::current().version, "4.64");
        assert_eq!(SupportingData::v4_10().version, "4.10");
        assert!(SupportingData::current().vaccine_group("RSV").is_some());
    }
}
