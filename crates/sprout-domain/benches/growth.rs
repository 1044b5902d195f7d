//! The cost of one growth z-score (DESIGN.md performance budget: under 1 µs).
//!
//! Run: `cargo bench -p sprout-domain --bench growth`.

use criterion::{criterion_group, criterion_main, Criterion};
use sprout_domain::growth::{zscore, Indicator, Measurement, Position, Reference, Sex};
use std::hint::black_box;

fn growth(c: &mut Criterion) {
    let who_weight = Measurement::new(Sex::Female, 412, Indicator::WeightForAge, 9.1);
    c.bench_function("zscore who2006 weight-for-age", |b| {
        b.iter(|| zscore(black_box(&who_weight), black_box(None)))
    });

    let who_wfl = Measurement::new(Sex::Male, 300, Indicator::WeightForLengthHeight, 12.0)
        .with_length_cm(71.33)
        .with_position(Position::Standing)
        .with_gestation_weeks(34);
    let restricted = zscore(&who_wfl, Some(Reference::Who2006)).map(|s| s.z);
    assert!(matches!(restricted, Ok(z) if z > 3.0), "{restricted:?}");
    c.bench_function(
        "zscore who2006 weight-for-length, preterm, restricted",
        |b| b.iter(|| zscore(black_box(&who_wfl), black_box(Some(Reference::Who2006)))),
    );

    let cdc_bmi = Measurement::new(Sex::Male, 3000, Indicator::BmiForAge, 17.4);
    c.bench_function("zscore cdc2000 bmi-for-age (interpolated)", |b| {
        b.iter(|| zscore(black_box(&cdc_bmi), black_box(None)))
    });

    let cdc_height = Measurement::new(Sex::Female, 5000, Indicator::LengthHeightForAge, 150.2)
        .with_position(Position::Standing);
    c.bench_function("zscore cdc2000 stature-for-age (interpolated)", |b| {
        b.iter(|| zscore(black_box(&cdc_height), black_box(None)))
    });
}

criterion_group!(benches, growth);
criterion_main!(benches);
