//! Acceptance (issue 9): for every child of WHO's igrowup sample survey
//! (`shared/data/growth/who/igrowup-sample-survey-expected-z.csv`, the survey
//! shipped with WHO's igrowup macros and the z-scores those macros computed), the
//! z-scores Sprout computes for weight-for-age, length/height-for-age,
//! BMI-for-age, head circumference-for-age and weight-for-length/height equal
//! WHO's to within 0.01 wherever WHO gives a value, and Sprout gives an error
//! (never a number) wherever WHO gives none although the measurements are there.

use sprout_domain::growth::{
    bmi, who_length_cm, zscore, GrowthError, Indicator, Measurement, Position, Reference, Sex,
};
use std::collections::BTreeMap;

const SURVEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/growth/who/igrowup-sample-survey-expected-z.csv"
);

/// WHO prints z-scores rounded to 2 decimals; a value within 0.01 of it, plus
/// floating-point slack.
const TOLERANCE: f64 = 0.01 + 1e-9;

#[derive(Default)]
struct Tally {
    /// Children for whom WHO gives a value.
    who_values: usize,
    /// ... and Sprout's value is within 0.01.
    matched: usize,
    /// ... and Sprout's value rounded as igrowup rounds (half away from zero,
    /// 2 decimals) is WHO's exactly.
    same_rounded: usize,
    /// Children for whom WHO gives none although the measurement is there.
    who_blank: usize,
    /// ... and Sprout gives an error too.
    blank_and_error: usize,
    worst: f64,
    problems: Vec<String>,
}

struct Child {
    id: String,
    sex: Sex,
    age_days: u32,
    weight: Option<f64>,
    height: Option<f64>,
    position: Option<Position>,
    oedema: bool,
    head: Option<f64>,
}

fn score(m: Measurement) -> Result<f64, GrowthError> {
    zscore(&m, Some(Reference::Who2006)).map(|s| s.z)
}

#[test]
fn igrowup_sample_survey_z_scores() {
    let mut reader = csv::Reader::from_path(SURVEY).expect("igrowup sample survey");
    let header = reader.headers().unwrap().clone();
    // First column of that name (the file repeats `oedema`).
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (id, gender, agemons, age_days) =
        (col("id"), col("GENDER"), col("agemons"), col("age.days"));
    let (weight, height, measure, oedema, head) = (
        col("WEIGHT"),
        col("HEIGHT"),
        col("measure"),
        col("oedema"),
        col("HEAD"),
    );
    let cbmi = col("cbmi");
    let expected_columns = [
        ("zwei", Indicator::WeightForAge),
        ("zlen", Indicator::LengthHeightForAge),
        ("zbmi", Indicator::BmiForAge),
        ("zhc", Indicator::HeadCircumferenceForAge),
        ("zwfl", Indicator::WeightForLengthHeight),
    ]
    .map(|(name, indicator)| (col(name), name, indicator));

    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut children = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let number = |i: usize| -> Option<f64> {
            match r[i].trim() {
                "" | "NA" => None,
                s => Some(s.parse().unwrap()),
            }
        };
        let child = Child {
            id: r[id].to_owned(),
            sex: match &r[gender] {
                "1" => Sex::Male,
                "2" => Sex::Female,
                other => panic!("GENDER {other}"),
            },
            age_days: r[age_days].parse().unwrap(),
            weight: number(weight),
            height: number(height),
            position: match r[measure].trim() {
                "l" | "L" => Some(Position::Lying),
                "h" | "H" => Some(Position::Standing),
                _ => None,
            },
            oedema: r[oedema].trim().eq_ignore_ascii_case("y"),
            head: number(head),
        };
        children += 1;
        // igrowup's age in days from age in months: round(agemons * 30.4375).
        let months = number(agemons).unwrap();
        assert_eq!(
            (months * 30.4375).round() as u32,
            child.age_days,
            "child {}",
            child.id
        );

        // WHO's BMI is computed from the length adjusted for position (clenhei).
        let child_bmi = match (child.weight, child.height) {
            (Some(w), Some(h)) => {
                let b = bmi(w, who_length_cm(h, child.position, child.age_days));
                let who_bmi = number(cbmi).expect("cbmi");
                assert!(
                    (b - who_bmi).abs() < 1e-9,
                    "child {}: BMI {b} vs {who_bmi}",
                    child.id
                );
                Some(b)
            }
            _ => None,
        };

        for (column, name, indicator) in expected_columns {
            let base = |value: f64| Measurement {
                position: child.position,
                oedema: child.oedema,
                ..Measurement::new(child.sex, child.age_days, indicator, value)
            };
            let ours = match indicator {
                Indicator::WeightForAge => child.weight.map(|w| score(base(w))),
                Indicator::LengthHeightForAge => child.height.map(|h| score(base(h))),
                Indicator::BmiForAge => child_bmi.map(|b| score(base(b))),
                Indicator::HeadCircumferenceForAge => child.head.map(|c| score(base(c))),
                Indicator::WeightForLengthHeight => match (child.weight, child.height) {
                    (Some(w), Some(h)) => Some(score(base(w).with_length_cm(h))),
                    _ => None,
                },
            };
            let tally = tallies.entry(name).or_default();
            match (number(column), ours) {
                (Some(who), Some(Ok(z))) => {
                    tally.who_values += 1;
                    let d = (z - who).abs();
                    tally.worst = tally.worst.max(d);
                    if (z * 100.0).round() / 100.0 == who {
                        tally.same_rounded += 1;
                    }
                    if d <= TOLERANCE {
                        tally.matched += 1;
                    } else {
                        tally
                            .problems
                            .push(format!("child {}: {z:.4} vs WHO {who}", child.id));
                    }
                }
                (Some(who), Some(Err(e))) => {
                    tally.who_values += 1;
                    tally
                        .problems
                        .push(format!("child {}: error `{e}` vs WHO {who}", child.id));
                }
                (Some(who), None) => {
                    tally.who_values += 1;
                    tally
                        .problems
                        .push(format!("child {}: no measurement but WHO {who}", child.id));
                }
                (None, Some(Err(_))) => {
                    tally.who_blank += 1;
                    tally.blank_and_error += 1;
                }
                (None, Some(Ok(z))) => {
                    tally.who_blank += 1;
                    tally
                        .problems
                        .push(format!("child {}: {z:.4} where WHO gives none", child.id));
                }
                (None, None) => {}
            }
        }
    }

    println!("{children} children in WHO's igrowup sample survey");
    for (name, t) in &tallies {
        println!(
            "{name}: {}/{} WHO values matched within 0.01 ({:.1}%), {} identical after rounding, max |difference| {:.4}; \
             WHO blank with measurements: {} (Sprout error for {})",
            t.matched,
            t.who_values,
            100.0 * t.matched as f64 / t.who_values.max(1) as f64,
            t.same_rounded,
            t.worst,
            t.who_blank,
            t.blank_and_error
        );
        for p in &t.problems {
            println!("  {p}");
        }
    }
    assert_eq!(children, 498);
    for (name, t) in &tallies {
        assert!(t.who_values > 0, "{name}: no WHO values");
        assert_eq!(t.matched, t.who_values, "{name}: {:?}", t.problems);
        // Stronger than the acceptance: rounded like igrowup, every value is WHO's.
        assert_eq!(t.same_rounded, t.who_values, "{name}");
        assert_eq!(t.blank_and_error, t.who_blank, "{name}: {:?}", t.problems);
    }
}
