//! The cost of running all 823 CDC CDSi test cases through the engine (issue 10
//! budget: under 1 second in total), and of one child's full forecast.
//!
//! Run: `cargo bench -p sprout-domain --bench cdsi`.

use criterion::{criterion_group, criterion_main, Criterion};
use sprout_domain::immunization::testcases::{parse_cases, run_case};
use sprout_domain::immunization::SupportingData;
use std::hint::black_box;
use std::time::Instant;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/immunization/cdsi-test-cases-v4.8.csv"
);

fn cdsi(c: &mut Criterion) {
    let text = std::fs::read_to_string(CASES).expect("CDC test cases are in shared/data");
    let cases = parse_cases(&text).expect("test cases parse");
    assert_eq!(cases.len(), 823);
    // First use parses the embedded supporting data; time it once, apart.
    let start = Instant::now();
    let data = SupportingData::v4_10();
    println!("supporting data 4.10 parsed in {:?}", start.elapsed());
    let start = Instant::now();
    let passed = cases
        .iter()
        .map(|case| run_case(case, data))
        .filter(|o| o.evaluation_passed && o.forecast_passed)
        .count();
    println!(
        "823 cases once: {:?} ({passed} passed both)",
        start.elapsed()
    );
    c.bench_function("cdsi 823 CDC test cases (4.10)", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(run_case(black_box(case), data));
            }
        })
    });
    let case = cases.iter().find(|c| c.id == "2013-0099").expect("case");
    c.bench_function("cdsi one case, every vaccine group", |b| {
        b.iter(|| black_box(run_case(black_box(case), data)))
    });
}

criterion_group!(benches, cdsi);
criterion_main!(benches);
