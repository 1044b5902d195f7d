use super::*;
use jiff::civil::date;

fn who(m: Measurement) -> Result<GrowthScore, GrowthError> {
    zscore(&m, Some(Reference::Who2006))
}

fn cdc(m: Measurement) -> Result<GrowthScore, GrowthError> {
    zscore(&m, Some(Reference::Cdc2000))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn median_is_z_zero_and_fiftieth_percentile() {
    // WHO weight-for-age, boys, day 0: L 0.3487, M 3.3464, S 0.14602.
    let s = who(Measurement::new(
        Sex::Male,
        0,
        Indicator::WeightForAge,
        3.3464,
    ))
    .unwrap();
    assert!(s.z.abs() < 1e-12);
    assert!((s.percentile - 50.0).abs() < 1e-9);
    assert_eq!(s.table, Table::WhoWeightForAge);
    assert_eq!(
        (s.reference, s.indicator),
        (Reference::Who2006, Indicator::WeightForAge)
    );
    // And a value off the median follows the LMS formula with the row's L, M, S.
    let s = who(Measurement::new(Sex::Male, 0, Indicator::WeightForAge, 4.0)).unwrap();
    let expected = ((4.0f64 / 3.3464).powf(0.3487) - 1.0) / (0.3487 * 0.14602);
    assert!(close(s.z, expected));
    assert!(close(s.percentile, 100.0 * normal_cdf(expected)));
}

#[test]
fn who_weight_beyond_three_is_restricted() {
    let lms = Table::WhoWeightForAge.lms(Sex::Female, 400.0).unwrap();
    let heavy = lms.value_at(3.0) + 0.5 * (lms.value_at(3.0) - lms.value_at(2.0));
    let s = who(Measurement::new(
        Sex::Female,
        400,
        Indicator::WeightForAge,
        heavy,
    ))
    .unwrap();
    assert!((s.z - 3.5).abs() < 1e-9, "{}", s.z);
    assert!(
        lms.z(heavy) < 3.5,
        "the plain LMS z-score compresses the tail"
    );
    // Length is not weight-based: plain LMS beyond 3.
    let lms = Table::WhoLengthHeightForAge
        .lms(Sex::Female, 400.0)
        .unwrap();
    let tall = lms.value_at(3.5);
    let s = who(Measurement::new(
        Sex::Female,
        400,
        Indicator::LengthHeightForAge,
        tall,
    ))
    .unwrap();
    assert!((s.z - 3.5).abs() < 1e-9);
}

#[test]
fn position_converts_by_seven_millimetres() {
    // Below 731 days WHO expects length lying: a standing height gets +0.7 cm.
    let lying = who(
        Measurement::new(Sex::Male, 300, Indicator::LengthHeightForAge, 70.7)
            .with_position(Position::Lying),
    )
    .unwrap();
    let standing = who(
        Measurement::new(Sex::Male, 300, Indicator::LengthHeightForAge, 70.0)
            .with_position(Position::Standing),
    )
    .unwrap();
    assert!(close(lying.z, standing.z));
    assert!(close(standing.value, 70.7));
    // From 731 days height standing: a lying length gets -0.7 cm.
    let standing = who(
        Measurement::new(Sex::Male, 800, Indicator::LengthHeightForAge, 88.0)
            .with_position(Position::Standing),
    )
    .unwrap();
    let lying = who(
        Measurement::new(Sex::Male, 800, Indicator::LengthHeightForAge, 88.7)
            .with_position(Position::Lying),
    )
    .unwrap();
    assert!(close(lying.z, standing.z));
    // No position given: taken as fitting the age, no conversion.
    let none = who(Measurement::new(
        Sex::Male,
        800,
        Indicator::LengthHeightForAge,
        88.0,
    ))
    .unwrap();
    assert!(close(none.z, standing.z));
    assert_eq!(convert_length_cm(80.0, None, Position::Lying), 80.0);
    assert_eq!(who_length_cm(80.0, Some(Position::Standing), 730), 80.7);
    assert_eq!(who_length_cm(80.0, Some(Position::Standing), 731), 80.0);
}

#[test]
fn weight_for_length_or_height_by_age_with_conversion() {
    // 500 days, measured standing at 75 cm: weight-for-length at 75.7 cm.
    let s = who(
        Measurement::new(Sex::Female, 500, Indicator::WeightForLengthHeight, 9.5)
            .with_length_cm(75.0)
            .with_position(Position::Standing),
    )
    .unwrap();
    assert_eq!(s.table, Table::WhoWeightForLength);
    assert!(close(s.key, 75.7));
    let lms = Table::WhoWeightForLength.lms(Sex::Female, 75.7).unwrap();
    assert!(close(s.z, lms.z(9.5)));
    // 1000 days: weight-for-height.
    let s = who(
        Measurement::new(Sex::Female, 1000, Indicator::WeightForLengthHeight, 13.0)
            .with_length_cm(92.0),
    )
    .unwrap();
    assert_eq!(s.table, Table::WhoWeightForHeight);
    // Between two 0.1 cm rows the LMS values are interpolated (igrowup).
    let a = Table::WhoWeightForHeight.lms(Sex::Female, 92.0).unwrap();
    let b = Table::WhoWeightForHeight.lms(Sex::Female, 92.1).unwrap();
    let mid = Table::WhoWeightForHeight.lms(Sex::Female, 92.05).unwrap();
    assert!((mid.m - (a.m + b.m) / 2.0).abs() < 1e-9);
}

#[test]
fn corrected_age_for_preterm_infants() {
    // Born at 32 weeks: 8 weeks (56 days) early.
    assert_eq!(corrected_age_days(100, Some(32)), Ok(Some(44)));
    assert_eq!(corrected_age_days(100, Some(36)), Ok(Some(72)));
    // Term or unknown gestation: not corrected.
    assert_eq!(corrected_age_days(100, Some(37)), Ok(None));
    assert_eq!(corrected_age_days(100, None), Ok(None));
    // Only until 24 months of chronological age.
    assert_eq!(corrected_age_days(730, Some(30)), Ok(Some(660)));
    assert_eq!(corrected_age_days(731, Some(30)), Ok(None));
    // Before term-equivalent age, and implausible gestations.
    assert_eq!(
        corrected_age_days(50, Some(28)),
        Err(GrowthError::BeforeTerm)
    );
    assert_eq!(corrected_age_days(84, Some(28)), Ok(Some(0)));
    assert_eq!(
        corrected_age_days(100, Some(19)),
        Err(GrowthError::InvalidGestation)
    );
    assert_eq!(
        corrected_age_days(100, Some(46)),
        Err(GrowthError::InvalidGestation)
    );

    let m = Measurement::new(Sex::Female, 100, Indicator::WeightForAge, 4.2);
    let corrected = zscore(&m.with_gestation_weeks(32), None).unwrap();
    let at_44_days = zscore(&Measurement { age_days: 44, ..m }, None).unwrap();
    assert_eq!(corrected.corrected_age_days, Some(44));
    assert_eq!(corrected.age_days, 44);
    assert!(close(corrected.z, at_44_days.z));
    assert!(corrected.z > zscore(&m, None).unwrap().z);
    assert_eq!(zscore(&m, None).unwrap().corrected_age_days, None);
}

#[test]
fn default_reference_is_who_below_two_years_and_cdc_from_two() {
    let m = |days| Measurement::new(Sex::Male, days, Indicator::WeightForAge, 12.0);
    assert_eq!(zscore(&m(730), None).unwrap().reference, Reference::Who2006);
    let s = zscore(&m(731), None).unwrap();
    assert_eq!(s.reference, Reference::Cdc2000);
    assert_eq!(s.table, Table::CdcWeightForAge);
    assert!(close(s.key, 731.0 / 30.4375));
    // The corrected age decides: 740 days is corrected when under 731 days only.
    let preterm = m(700).with_gestation_weeks(30);
    assert_eq!(
        zscore(&preterm, None).unwrap().reference,
        Reference::Who2006
    );
}

#[test]
fn cdc_chart_follows_age_and_position() {
    let at = |days, position: Option<Position>, cm| {
        let m = Measurement::new(Sex::Female, days, Indicator::LengthHeightForAge, cm);
        let m = Measurement { position, ..m };
        cdc(m).unwrap()
    };
    // 30 months (913 days): lying -> infant chart, standing or unknown -> 2-20.
    let lying = at(913, Some(Position::Lying), 90.0);
    assert_eq!(lying.table, Table::CdcLengthForAgeInfant);
    assert!(close(lying.value, 90.0));
    assert_eq!(
        at(913, Some(Position::Standing), 90.0).table,
        Table::CdcStatureForAge
    );
    assert_eq!(at(913, None, 90.0).table, Table::CdcStatureForAge);
    // 12 months standing: infant chart, height converted to length.
    let s = at(365, Some(Position::Standing), 74.0);
    assert_eq!(s.table, Table::CdcLengthForAgeInfant);
    assert!(close(s.value, 74.7));
    // 40 months lying: only the 2-20 chart covers it; length converted.
    let s = at(1218, Some(Position::Lying), 98.0);
    assert_eq!(s.table, Table::CdcStatureForAge);
    assert!(close(s.value, 97.3));
    // Interpolated at the exact age in months.
    let s = at(1000, None, 92.0);
    let lms = Table::CdcStatureForAge
        .lms(Sex::Female, 1000.0 / 30.4375)
        .unwrap();
    assert!(close(s.z, lms.z(92.0)));
    // Head circumference at 30 months standing: only the infant chart has it.
    let hc = Measurement::new(Sex::Male, 913, Indicator::HeadCircumferenceForAge, 49.0)
        .with_position(Position::Standing);
    assert_eq!(
        cdc(hc).unwrap().table,
        Table::CdcHeadCircumferenceForAgeInfant
    );
}

#[test]
fn out_of_range_ages_and_lengths_are_errors() {
    let wfa = |days| Measurement::new(Sex::Male, days, Indicator::WeightForAge, 15.0);
    assert_eq!(
        who(wfa(1857)),
        Err(GrowthError::AgeOutOfRange {
            reference: Reference::Who2006,
            indicator: Indicator::WeightForAge
        })
    );
    assert!(who(wfa(1856)).is_ok());
    // CDC up to 240 months (7305 days), then nothing.
    assert!(matches!(
        cdc(wfa(7400)),
        Err(GrowthError::AgeOutOfRange { .. })
    ));
    assert!(matches!(
        zscore(&wfa(7400), None),
        Err(GrowthError::AgeOutOfRange { .. })
    ));
    // CDC BMI starts at 24 months; CDC head circumference ends at 36 months.
    let bmi = Measurement::new(Sex::Female, 365, Indicator::BmiForAge, 17.0);
    assert!(matches!(cdc(bmi), Err(GrowthError::AgeOutOfRange { .. })));
    let hc = Measurement::new(Sex::Female, 1200, Indicator::HeadCircumferenceForAge, 49.0);
    assert!(matches!(cdc(hc), Err(GrowthError::AgeOutOfRange { .. })));
    // Weight-for-length outside 45-110 cm, weight-for-height outside 65-120 cm.
    let wfl = |days, cm| {
        Measurement::new(Sex::Male, days, Indicator::WeightForLengthHeight, 3.0).with_length_cm(cm)
    };
    let length_error = Err(GrowthError::LengthOutOfRange {
        reference: Reference::Who2006,
    });
    assert_eq!(who(wfl(10, 44.9)), length_error);
    assert_eq!(who(wfl(1000, 64.0)), length_error);
    assert_eq!(
        who(wfl(1000, 121.0)).map(|s| s.z),
        length_error.map(|s: GrowthScore| s.z)
    );
    assert!(matches!(
        cdc(wfl(10, 44.0)),
        Err(GrowthError::LengthOutOfRange { .. })
    ));
    // The error text names the range but not the measured value.
    let text = who(wfa(2000)).unwrap_err().to_string();
    assert!(text.contains("0 to 1856 days"), "{text}");
    assert!(!text.contains("2000"), "{text}");
}

#[test]
fn impossible_values_are_errors_not_numbers() {
    for value in [0.0, -3.0, f64::NAN, f64::INFINITY] {
        let m = Measurement::new(Sex::Female, 200, Indicator::WeightForAge, value);
        assert_eq!(
            zscore(&m, None),
            Err(GrowthError::InvalidValue { what: "value" })
        );
    }
    let wfl = Measurement::new(Sex::Female, 200, Indicator::WeightForLengthHeight, 7.0);
    assert_eq!(zscore(&wfl, None), Err(GrowthError::MissingLength));
    assert_eq!(
        zscore(&wfl.with_length_cm(-60.0), None),
        Err(GrowthError::InvalidValue { what: "length_cm" })
    );
    // Absurd but positive: 60 kg at one year, 40 cm of height at 10 years.
    let heavy = Measurement::new(Sex::Male, 365, Indicator::WeightForAge, 60.0);
    assert!(matches!(
        zscore(&heavy, None),
        Err(GrowthError::Implausible { .. })
    ));
    let short = Measurement::new(Sex::Male, 3650, Indicator::LengthHeightForAge, 40.0);
    assert!(matches!(
        zscore(&short, None),
        Err(GrowthError::Implausible { .. })
    ));
    // Oedema: no weight-based z-score (WHO), length still computed.
    let oedema = Measurement::new(Sex::Male, 365, Indicator::WeightForAge, 9.0).with_oedema();
    assert!(matches!(
        zscore(&oedema, None),
        Err(GrowthError::Oedema { .. })
    ));
    let length =
        Measurement::new(Sex::Male, 365, Indicator::LengthHeightForAge, 75.0).with_oedema();
    assert!(zscore(&length, None).is_ok());
}

#[test]
fn ages_from_dates() {
    let m = Measurement::at_dates(
        Sex::Male,
        date(2024, 2, 29),
        date(2025, 3, 1),
        Indicator::WeightForAge,
        10.0,
    )
    .unwrap();
    assert_eq!(m.age_days, 366);
    assert_eq!(age_in_days(date(2024, 1, 1), date(2024, 1, 1)), Ok(0));
    assert_eq!(
        age_in_days(date(2024, 1, 2), date(2024, 1, 1)),
        Err(GrowthError::ObservedBeforeBirth)
    );
}

#[test]
fn sex_from_administrative_sex() {
    assert_eq!(Sex::try_from(AdministrativeSex::Female), Ok(Sex::Female));
    assert_eq!(
        Sex::try_from(AdministrativeSex::Unknown),
        Err(GrowthError::NoReferenceForSex)
    );
    assert_eq!("male".parse::<Sex>().unwrap(), Sex::Male);
}

#[test]
fn bmi_formula() {
    assert!(close(bmi(20.0, 100.0), 20.0));
    assert!(close(bmi(10.0, 50.0), 40.0));
}

mod csv_process {
    use super::super::csv::{process, GrowthCsvError};
    use super::*;

    fn rows(out: &str) -> Vec<Vec<String>> {
        out.lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn adds_columns_and_a_bad_row_gets_an_error() {
        let input = "\
sex,birth_date,observation_date,measurement,value,position,gestation_weeks,length_cm
male,2024-01-01,2024-01-01,weight_kg,3.3464,,,
female,2024-01-01,2024-07-01,weight_kg,-2,,,
female,2020-01-01,2024-07-01,bmi,16.2,,,
male,2024-01-01,2024-05-01,weight_kg,6.1,,,62.5
child,2024-01-01,2024-05-01,weight_kg,6.1,,,
female,2024-01-01,2024-05-01,height_cm,60.0,,,
female,2024-01-01,2024-05-01,length_cm,60.0,standing,,
male,2024-01-01,2023-05-01,weight_kg,6.1,,,
male,2024-01-01,2024-05-01,weight_kg,6.1,,32,
";
        let out = process(input, None).unwrap();
        let rows = rows(&out);
        assert_eq!(
            rows[0].join(","),
            "sex,birth_date,observation_date,measurement,value,position,gestation_weeks,length_cm,reference,z,percentile,error"
        );
        assert_eq!(rows.len(), 10);
        // Row 1: the WHO median at birth.
        assert_eq!(rows[1][8..], ["who2006", "0.000", "50.00", ""]);
        // Row 2: negative weight -> error, other fields kept, no numbers.
        assert_eq!(
            rows[2][..5],
            ["female", "2024-01-01", "2024-07-01", "weight_kg", "-2"]
        );
        assert_eq!(rows[2][8..11], ["", "", ""]);
        assert_eq!(rows[2][11], "value must be a positive number");
        // Row 3: 4.5 years -> CDC BMI-for-age, and the row after the bad one went on.
        assert_eq!(rows[3][8], "cdc2000");
        let m = Measurement::at_dates(
            Sex::Female,
            date(2020, 1, 1),
            date(2024, 7, 1),
            Indicator::BmiForAge,
            16.2,
        )
        .unwrap();
        let s = zscore(&m, None).unwrap();
        assert_eq!(rows[3][9], format!("{:.3}", s.z));
        assert_eq!(rows[3][10], format!("{:.2}", s.percentile));
        // Row 4: weight with length -> weight-for-length.
        let m = Measurement::new(Sex::Male, 121, Indicator::WeightForLengthHeight, 6.1)
            .with_length_cm(62.5);
        assert_eq!(rows[4][9], format!("{:.3}", zscore(&m, None).unwrap().z));
        // Row 5: unknown sex.
        assert!(rows[5][11].starts_with("`sex`"), "{:?}", rows[5]);
        // Rows 6 and 7: height_cm implies standing; the position column wins.
        assert_eq!(rows[6][9], rows[7][9]);
        let m = Measurement::new(Sex::Female, 121, Indicator::LengthHeightForAge, 60.7);
        assert_eq!(rows[6][9], format!("{:.3}", zscore(&m, None).unwrap().z));
        // Row 8: observed before birth.
        assert_eq!(rows[8][11], "observation date is before the birth date");
        // Row 9: corrected age used.
        let m = Measurement::new(Sex::Male, 121 - 56, Indicator::WeightForAge, 6.1);
        assert_eq!(rows[9][9], format!("{:.3}", zscore(&m, None).unwrap().z));
    }

    #[test]
    fn forced_reference_and_minimal_header() {
        let input = "measurement,value,sex,observation_date,birth_date\n\
                     weight_kg,10,female,2024-01-01,2023-01-01\n";
        let who = process(input, Some(Reference::Who2006)).unwrap();
        let cdc = process(input, Some(Reference::Cdc2000)).unwrap();
        assert!(who.lines().nth(1).unwrap().contains(",who2006,"));
        assert!(cdc.lines().nth(1).unwrap().contains(",cdc2000,"));
        assert_ne!(who, cdc);
    }

    #[test]
    fn ragged_rows_and_quoted_fields() {
        let input = "sex,birth_date,observation_date,measurement,value\n\
                     male,2024-01-01\n\
                     \"male\",2024-01-01,2024-03-01,\"weight_kg\",5.5\n";
        let out = process(input, None).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[1],
            "male,2024-01-01,,,,,,,\"row has 2 fields, header has 5\""
        );
        assert!(lines[2].starts_with("male,2024-01-01,2024-03-01,weight_kg,5.5,who2006,"));
    }

    #[test]
    fn tiny_negative_z_prints_as_zero() {
        // WHO boys day 0 median 3.3464 kg; a hair below it.
        let input = "sex,birth_date,observation_date,measurement,value\n\
                     male,2024-01-01,2024-01-01,weight_kg,3.34639\n";
        let out = process(input, None).unwrap();
        assert!(out.contains(",who2006,0.000,50.00,"), "{out}");
    }

    #[test]
    fn whole_input_errors() {
        assert!(matches!(process("", None), Err(GrowthCsvError::Empty)));
        assert!(matches!(
            process("sex,birth_date,measurement,value\n", None),
            Err(GrowthCsvError::MissingColumn("observation_date"))
        ));
    }
}
