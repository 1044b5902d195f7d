//! Acceptance (issue 9): for every row of every CDC 2000 table in
//! `shared/data/growth/cdc`, a value equal to the row's P3, P5, ..., P97 column
//! gives that percentile to within 0.1 and the percentile's z-score to within 0.001,
//! evaluated at the row's exact age in months (or length).

use sprout_domain::growth::{
    normal_cdf, zscore, Indicator, Measurement, Position, Reference, Sex, Table,
};
use std::path::PathBuf;

fn cdc_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/growth/cdc"
    ))
}

/// Quantiles of the standard normal distribution, Φ⁻¹(p/100), from Python's
/// `statistics.NormalDist().inv_cdf` (double precision).
const QUANTILES: &[(f64, f64)] = &[
    (3.0, -1.8807936081512509),
    (5.0, -1.6448536269514726),
    (10.0, -1.2815515655446008),
    (25.0, -0.6744897501960817),
    (50.0, 0.0),
    (75.0, 0.6744897501960817),
    (85.0, 1.0364333894937894),
    (90.0, 1.2815515655446008),
    (95.0, 1.6448536269514715),
    (97.0, 1.8807936081512504),
];

fn quantile(p: f64) -> f64 {
    QUANTILES
        .iter()
        .find(|q| q.0 == p)
        .unwrap_or_else(|| panic!("no quantile for P{p}"))
        .1
}

struct Row {
    sex: Sex,
    key: f64,
    /// (percentile, value) for every P column.
    percentiles: Vec<(f64, f64)>,
}

fn read(table: Table) -> Vec<Row> {
    let path = cdc_dir().join(table.source_file());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let p_columns: Vec<(usize, f64)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| Some((i, h.strip_prefix('P')?.parse::<f64>().ok()?)))
        .collect();
    assert!(p_columns.len() >= 9, "{path:?}: P columns {header:?}");
    assert!(matches!(&header[1], "Agemos" | "Length"), "{header:?}");
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let num = |i: usize| r[i].trim().parse::<f64>().unwrap();
            Row {
                sex: match r[0].trim() {
                    "1" => Sex::Male,
                    "2" => Sex::Female,
                    other => panic!("sex {other}"),
                },
                key: num(1),
                percentiles: p_columns.iter().map(|&(i, p)| (p, num(i))).collect(),
            }
        })
        .collect()
}

const CDC_TABLES: [Table; 7] = [
    Table::CdcWeightForAgeInfant,
    Table::CdcLengthForAgeInfant,
    Table::CdcHeadCircumferenceForAgeInfant,
    Table::CdcWeightForLengthInfant,
    Table::CdcWeightForAge,
    Table::CdcStatureForAge,
    Table::CdcBmiForAge,
];

#[test]
fn every_cdc_percentile_column_gives_its_percentile() {
    let mut total = 0;
    for table in CDC_TABLES {
        assert_eq!(table.reference(), Reference::Cdc2000);
        let rows = read(table);
        let mut worst_z: f64 = 0.0;
        let mut worst_p: f64 = 0.0;
        for row in &rows {
            let lms = table
                .lms(row.sex, row.key)
                .unwrap_or_else(|| panic!("{table:?} {:?} {}: no LMS", row.sex, row.key));
            for &(p, value) in &row.percentiles {
                let z = lms.z(value);
                let percentile = 100.0 * normal_cdf(z);
                let dz = (z - quantile(p)).abs();
                let dp = (percentile - p).abs();
                assert!(
                    dz < 0.001 && dp < 0.1,
                    "{table:?} {:?} at {}: P{p} = {value} gives z {z} (want {}), percentile {percentile}",
                    row.sex,
                    row.key,
                    quantile(p)
                );
                worst_z = worst_z.max(dz);
                worst_p = worst_p.max(dp);
                total += 1;
            }
        }
        println!(
            "{:<16} {:>4} rows: max |z error| {worst_z:.2e}, max |percentile error| {worst_p:.2e}",
            table.source_file(),
            rows.len()
        );
    }
    assert!(total > 15_000, "only {total} values checked");
    println!("{total} percentile values checked");
}

/// The same check through the public `zscore` for the weight-for-length table,
/// whose key (length) is given exactly, at one year of age, measured lying.
#[test]
fn cdc_weight_for_length_through_zscore() {
    for row in read(Table::CdcWeightForLengthInfant) {
        for &(p, weight) in &row.percentiles {
            let m = Measurement::new(row.sex, 365, Indicator::WeightForLengthHeight, weight)
                .with_length_cm(row.key)
                .with_position(Position::Lying);
            let s = zscore(&m, Some(Reference::Cdc2000)).unwrap();
            assert_eq!(s.table, Table::CdcWeightForLengthInfant);
            assert!(
                (s.z - quantile(p)).abs() < 0.001,
                "{} cm P{p}: {}",
                row.key,
                s.z
            );
            assert!((s.percentile - p).abs() < 0.1);
        }
    }
}

/// Between rows the public `zscore` reads the table linearly interpolated at the
/// exact age in months (days / 30.4375): checked against an interpolation of the
/// published rows done here, with the plain LMS formula, for every 5th day of
/// every age table's range.
#[test]
fn cdc_interpolates_at_the_exact_age_in_months() {
    let mut checked = 0;
    for (table, indicator, position) in [
        (
            Table::CdcWeightForAgeInfant,
            Indicator::WeightForAge,
            Position::Lying,
        ),
        (
            Table::CdcLengthForAgeInfant,
            Indicator::LengthHeightForAge,
            Position::Lying,
        ),
        (
            Table::CdcHeadCircumferenceForAgeInfant,
            Indicator::HeadCircumferenceForAge,
            Position::Lying,
        ),
        (
            Table::CdcWeightForAge,
            Indicator::WeightForAge,
            Position::Standing,
        ),
        (
            Table::CdcStatureForAge,
            Indicator::LengthHeightForAge,
            Position::Standing,
        ),
        (
            Table::CdcBmiForAge,
            Indicator::BmiForAge,
            Position::Standing,
        ),
    ] {
        let path = cdc_dir().join(table.source_file());
        let text = std::fs::read_to_string(&path).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        // (sex, Agemos, L, M, S) as published.
        let rows: Vec<(String, f64, f64, f64, f64)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                let n = |i: usize| r[i].trim().parse::<f64>().unwrap();
                (r[0].trim().to_owned(), n(1), n(2), n(3), n(4))
            })
            .collect();
        for (code, sex) in [("1", Sex::Male), ("2", Sex::Female)] {
            let rows: Vec<_> = rows.iter().filter(|r| r.0 == code).collect();
            let (first, last) = (rows[0].1, rows[rows.len() - 1].1);
            let mut day = (first * 30.4375).ceil() as u32;
            while f64::from(day) / 30.4375 <= last {
                let months = f64::from(day) / 30.4375;
                let i = rows.iter().rposition(|r| r.1 <= months).unwrap();
                let (a, b) = (rows[i], rows[(i + 1).min(rows.len() - 1)]);
                let t = if b.1 > a.1 {
                    (months - a.1) / (b.1 - a.1)
                } else {
                    0.0
                };
                let (l, m, s) = (
                    a.2 + t * (b.2 - a.2),
                    a.3 + t * (b.3 - a.3),
                    a.4 + t * (b.4 - a.4),
                );
                let value = m * 1.04;
                let expected = ((value / m).powf(l) - 1.0) / (l * s);
                let measurement =
                    Measurement::new(sex, day, indicator, value).with_position(position);
                let score = zscore(&measurement, Some(Reference::Cdc2000)).unwrap();
                // Infant tables are measured lying, 2-20 tables standing, so the
                // chart picked is the table itself.
                assert_eq!(score.table, table, "day {day}");
                assert!(
                    (score.z - expected).abs() < 1e-9,
                    "{table:?} {sex:?} day {day}: {} vs {expected}",
                    score.z
                );
                checked += 1;
                day += 5;
            }
        }
    }
    assert!(checked > 2500, "{checked}");
    println!("{checked} interpolated ages checked");
}
