//! CDC's CDSi test cases (v4.8, 823 cases) against the engine with the
//! supporting data CDC paired with them (4.10).
//!
//! Prints the match rates per vaccine group and overall, and every failing case
//! with its differences; asserts the rates do not fall below what the engine
//! achieves today (a ratchet: raise the floors when the engine improves).
//! Run with `--nocapture` to see the report.

use sprout_domain::immunization::testcases::{parse_cases, run_case, CaseOutcome, TestCase};
use sprout_domain::immunization::SupportingData;
use std::collections::BTreeMap;
use std::time::Instant;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/immunization/cdsi-test-cases-v4.8.csv"
);

/// Floors (passed cases) that must hold: evaluation, forecast.
const MIN_EVALUATION_PASSED: usize = 822;
const MIN_FORECAST_PASSED: usize = 823;

fn cases() -> Vec<TestCase> {
    let text = std::fs::read_to_string(CASES).expect("CDC test cases are in shared/data");
    parse_cases(&text).expect("test cases parse")
}

#[test]
fn cdc_test_cases_with_supporting_data_4_10() {
    let cases = cases();
    assert_eq!(cases.len(), 823, "the v4.8 file has 823 cases");
    let data = SupportingData::v4_10();

    let start = Instant::now();
    let outcomes: Vec<CaseOutcome> = cases.iter().map(|c| run_case(c, data)).collect();
    let elapsed = start.elapsed();

    let mut by_group: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let e = by_group.entry(o.vaccine_group_code.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(o.evaluation_passed);
        e.2 += usize::from(o.forecast_passed);
    }
    println!("group      cases  evaluation   forecast");
    for (g, (n, ev, fc)) in &by_group {
        println!(
            "{g:<10} {n:>5}  {ev:>4} {:>5.1}%  {fc:>4} {:>5.1}%",
            100.0 * *ev as f64 / *n as f64,
            100.0 * *fc as f64 / *n as f64
        );
    }
    for o in outcomes
        .iter()
        .filter(|o| !o.evaluation_passed || !o.forecast_passed)
    {
        println!("FAIL {} [{}]", o.id, o.vaccine_group_code);
        for d in o
            .evaluation_differences
            .iter()
            .chain(&o.forecast_differences)
        {
            println!("    {d}");
        }
    }
    let evaluation_passed = outcomes.iter().filter(|o| o.evaluation_passed).count();
    let forecast_passed = outcomes.iter().filter(|o| o.forecast_passed).count();
    let n = outcomes.len();
    println!(
        "evaluation: {evaluation_passed} passed, {} failed ({:.1}%)",
        n - evaluation_passed,
        100.0 * evaluation_passed as f64 / n as f64
    );
    println!(
        "forecast: {forecast_passed} passed, {} failed ({:.1}%)",
        n - forecast_passed,
        100.0 * forecast_passed as f64 / n as f64
    );
    println!("{n} cases in {elapsed:?}");
    if let Ok(id) = std::env::var("CDSI_CASE") {
        for o in outcomes.iter().filter(|o| o.id == id) {
            println!("{:#?}", o.actual);
        }
    }

    assert!(
        evaluation_passed >= MIN_EVALUATION_PASSED,
        "evaluation regressed: {evaluation_passed} < {MIN_EVALUATION_PASSED}"
    );
    assert!(
        forecast_passed >= MIN_FORECAST_PASSED,
        "forecast regressed: {forecast_passed} < {MIN_FORECAST_PASSED}"
    );
}
