//! The CDSi engine with the product's supporting data (4.64): a child's
//! record evaluated and forecast as the portal shows it.

use jiff::civil::{date, Date};
use sprout_domain::immunization::{
    forecast, forecast_group, AdministeredDose, EvaluationReason, EvaluationStatus, PatientFacts,
    SeriesStatus, SupportingData, Timing, VaccineGroupForecasts,
};
use sprout_domain::record::AdministrativeSex;

fn dose(date: Date, cvx: &str) -> AdministeredDose {
    AdministeredDose {
        date,
        cvx: cvx.to_owned(),
    }
}

fn child() -> PatientFacts {
    PatientFacts {
        birth_date: date(2020, 6, 15),
        sex: AdministrativeSex::Female,
    }
}

/// The infant and toddler doses on time, no kindergarten doses.
fn infant_series() -> Vec<AdministeredDose> {
    let mut doses = vec![dose(date(2020, 6, 15), "08")];
    for d in [date(2020, 8, 15), date(2020, 10, 15), date(2020, 12, 15)] {
        doses.push(dose(d, "20")); // DTaP
        doses.push(dose(d, "10")); // IPV
        doses.push(dose(d, "48")); // Hib PRP-T
        doses.push(dose(d, "133")); // PCV13
        doses.push(dose(d, "116")); // RotaTeq
    }
    doses.push(dose(date(2020, 8, 15), "08"));
    doses.push(dose(date(2020, 12, 15), "08"));
    for cvx in ["48", "133", "03", "21", "83"] {
        doses.push(dose(date(2021, 6, 15), cvx));
    }
    doses.push(dose(date(2021, 9, 15), "20"));
    doses.push(dose(date(2021, 12, 15), "83"));
    doses
}

fn status(f: &VaccineGroupForecasts, group: &str) -> SeriesStatus {
    f.group(group).unwrap_or_else(|| panic!("{group}")).status
}

#[test]
fn five_year_old_is_due_the_kindergarten_doses() {
    let today = date(2025, 8, 1);
    let f = forecast(&child(), &infant_series(), today, SupportingData::current());
    assert_eq!(f.supporting_data_version, "4.64");
    for (group, next) in [
        ("DTaP/Tdap/Td", 5),
        ("Polio", 4),
        ("MMR", 2),
        ("Varicella", 2),
    ] {
        let g = f.group(group).unwrap();
        assert_eq!(g.status, SeriesStatus::NotComplete, "{group}");
        assert_eq!(g.dose_number, Some(next), "{group}");
        let dates = g.dates.unwrap();
        // Recommended from age 4 (2024-06-15), so due now, not yet overdue.
        assert_eq!(dates.recommended, date(2024, 6, 15), "{group}");
        assert_eq!(dates.timing(today), Timing::Due, "{group}");
        assert!(g.doses.iter().all(|d| d.status == EvaluationStatus::Valid));
    }
    for group in ["HepB", "Hib", "Pneumococcal", "Rotavirus", "HepA"] {
        assert_eq!(status(&f, group), SeriesStatus::Complete, "{group}");
    }
    // Groups with only risk series apply to nobody without an indication.
    for group in ["Rabies", "Yellow Fever", "Typhoid"] {
        let g = f.group(group).unwrap();
        assert!(!g.relevant, "{group}");
        assert_eq!(g.status, SeriesStatus::NotRecommended, "{group}");
    }
    assert!(f.group("MMR").unwrap().relevant);
    // Every dose given is evaluated in some group.
    let evaluated: usize = f.groups.iter().map(|g| g.doses.len()).sum();
    assert_eq!(evaluated, infant_series().len());
}

#[test]
fn kindergarten_doses_given_complete_the_series() {
    let mut doses = infant_series();
    for cvx in ["130", "03", "21"] {
        // Kinrix (DTaP-IPV), MMR, varicella at 4 years.
        doses.push(dose(date(2024, 6, 20), cvx));
    }
    let f = forecast(
        &child(),
        &doses,
        date(2025, 8, 1),
        SupportingData::current(),
    );
    for group in ["Polio", "MMR", "Varicella"] {
        assert_eq!(status(&f, group), SeriesStatus::Complete, "{group}");
    }
    // DTaP/Tdap/Td goes on: Tdap at 11 to 12 years.
    let dtap = f.group("DTaP/Tdap/Td").unwrap();
    assert_eq!(dtap.status, SeriesStatus::NotComplete);
    assert_eq!(dtap.dose_number, Some(6));
    assert_eq!(dtap.dates.unwrap().recommended, date(2031, 6, 15));
    assert_eq!(dtap.dates.unwrap().timing(date(2025, 8, 1)), Timing::NotYet);
}

#[test]
fn newborn_is_due_hepatitis_b() {
    let baby = PatientFacts {
        birth_date: date(2025, 3, 1),
        sex: AdministrativeSex::Male,
    };
    let hepb = forecast_group(
        &baby,
        &[],
        date(2025, 3, 1),
        SupportingData::current(),
        "HepB",
    )
    .unwrap();
    assert_eq!(hepb.status, SeriesStatus::NotComplete);
    assert_eq!(hepb.dose_number, Some(1));
    let d = hepb.dates.unwrap();
    assert_eq!(d.earliest, date(2025, 3, 1));
    assert_eq!(d.recommended, date(2025, 3, 1));
    assert_eq!(d.timing(date(2025, 3, 1)), Timing::Due);
    // DTaP is not yet: from 6 weeks, recommended at 2 months.
    let dtap = forecast_group(
        &baby,
        &[],
        date(2025, 3, 1),
        SupportingData::current(),
        "DTaP/Tdap/Td",
    )
    .unwrap();
    let d = dtap.dates.unwrap();
    assert_eq!(d.earliest, date(2025, 4, 12));
    assert_eq!(d.recommended, date(2025, 5, 1));
    assert_eq!(d.timing(date(2025, 3, 1)), Timing::NotYet);
    assert!(forecast_group(
        &baby,
        &[],
        date(2025, 3, 1),
        SupportingData::current(),
        "Nope"
    )
    .is_none());
}

#[test]
fn a_dose_given_too_early_does_not_count_and_is_repeated() {
    // DTaP at 4 weeks of age: below the absolute minimum age (6 weeks - 4 days).
    let doses = [dose(date(2020, 7, 13), "20")];
    let dtap = forecast_group(
        &child(),
        &doses,
        date(2020, 8, 1),
        SupportingData::current(),
        "DTaP/Tdap/Td",
    )
    .unwrap();
    assert_eq!(dtap.doses.len(), 1);
    assert_eq!(dtap.doses[0].status, EvaluationStatus::NotValid);
    assert_eq!(dtap.doses[0].reason, Some(EvaluationReason::AgeTooYoung));
    assert_eq!(dtap.dose_number, Some(1));
    // Repeat from 6 weeks of age, recommended at 2 months.
    let d = dtap.dates.unwrap();
    assert_eq!(d.earliest, date(2020, 7, 27));
    assert_eq!(d.recommended, date(2020, 8, 15));
    assert_eq!(d.timing(date(2020, 8, 1)), Timing::Early);
}

#[test]
fn live_vaccines_too_close_conflict() {
    // MMR at 12 months, varicella 10 days later (not the same day).
    let doses = [dose(date(2021, 6, 15), "03"), dose(date(2021, 6, 25), "21")];
    let f = forecast(
        &child(),
        &doses,
        date(2021, 8, 1),
        SupportingData::current(),
    );
    let var = f.group("Varicella").unwrap();
    assert_eq!(var.doses[0].status, EvaluationStatus::NotValid);
    assert_eq!(
        var.doses[0].reason,
        Some(EvaluationReason::LiveVirusConflict)
    );
    // Repeat 28 days after the varicella dose given in conflict.
    assert_eq!(var.dose_number, Some(1));
    assert!(var.dates.unwrap().earliest >= date(2021, 7, 13));
}

#[test]
fn unknown_codes_count_nowhere() {
    let doses = [
        dose(date(2021, 6, 15), "abc"),
        dose(date(2021, 6, 15), "99999"),
    ];
    let f = forecast(
        &child(),
        &doses,
        date(2021, 8, 1),
        SupportingData::current(),
    );
    assert!(f.groups.iter().all(|g| g.doses.is_empty()));
}

#[test]
fn both_releases_forecast_the_routine_groups() {
    for data in [SupportingData::current(), SupportingData::v4_10()] {
        let f = forecast(&child(), &infant_series(), date(2025, 8, 1), data);
        for group in [
            "DTaP/Tdap/Td",
            "Polio",
            "MMR",
            "Varicella",
            "HepB",
            "HepA",
            "Hib",
            "Pneumococcal",
            "Rotavirus",
            "HPV",
            "Meningococcal",
        ] {
            assert!(f.group(group).is_some(), "{} {group}", data.version);
        }
    }
    assert_eq!(SupportingData::embedded("4.10").unwrap().version, "4.10");
    assert!(SupportingData::embedded("3.0").is_none());
}

mod properties {
    use super::*;
    use jiff::ToSpan;
    use proptest::prelude::*;

    /// Common childhood and adult CVX codes, and one the data does not map.
    const CODES: &[&str] = &[
        "08", "20", "106", "107", "110", "115", "113", "09", "10", "48", "49", "133", "215", "33",
        "03", "21", "94", "83", "116", "119", "62", "165", "114", "136", "150", "141", "187",
        "208", "999",
    ];

    fn history() -> impl Strategy<Value = (i64, Vec<(i64, usize)>, i64, bool)> {
        (
            0i64..30_000,
            prop::collection::vec((0i64..8_000, 0..CODES.len()), 0..14),
            0i64..9_000,
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Any history forecasts without panicking, and every forecast is
        /// consistent: recommended and past due never before earliest, each
        /// dose evaluated at most once per group, statuses with dates only when
        /// not complete.
        #[test]
        fn forecasts_are_consistent((birth, given, age, female) in history()) {
            let birth_date = date(1940, 1, 1).checked_add(birth.days()).unwrap();
            let patient = PatientFacts {
                birth_date,
                sex: if female { AdministrativeSex::Female } else { AdministrativeSex::Male },
            };
            let doses: Vec<AdministeredDose> = given
                .iter()
                .map(|&(offset, code)| dose(birth_date.checked_add(offset.days()).unwrap(), CODES[code]))
                .collect();
            let today = birth_date.checked_add(age.days()).unwrap();
            let f = forecast(&patient, &doses, today, SupportingData::current());
            prop_assert_eq!(f.assessment_date, today);
            for g in &f.groups {
                if let Some(d) = g.dates {
                    prop_assert_eq!(g.status, SeriesStatus::NotComplete);
                    prop_assert!(d.recommended >= d.earliest, "{} {:?}", g.vaccine_group, d);
                    prop_assert!(d.past_due.is_none_or(|p| p >= d.earliest), "{} {:?}", g.vaccine_group, d);
                    prop_assert!(g.dose_number.is_some());
                }
                if g.status != SeriesStatus::NotComplete {
                    prop_assert!(g.dates.is_none());
                }
                let mut seen: Vec<usize> = g.doses.iter().map(|d| d.dose).collect();
                seen.sort_unstable();
                seen.dedup();
                prop_assert_eq!(seen.len(), g.doses.len());
                for d in &g.doses {
                    prop_assert!(d.dose < doses.len());
                    prop_assert_eq!(d.date, doses[d.dose].date);
                    prop_assert_eq!(d.status == EvaluationStatus::Valid, d.reason.is_none());
                }
            }
        }
    }
}
