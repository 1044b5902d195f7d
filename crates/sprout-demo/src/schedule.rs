//! Schedules and curves the demo generator follows.
//!
//! Sources: the Bright Futures/AAP periodicity schedule (well-child visit ages);
//! the CDC/ACIP child and adolescent immunization schedule, 2025 (dose ages);
//! CDC 2000 growth charts, 50th percentiles (approximate medians below, for
//! plausible demo data only — the growth engine uses the real LMS tables).

/// Well-child visits: (age in months, label).
pub(crate) const WELL_VISITS: &[(i64, &str)] = &[
    (0, "newborn"),
    (1, "1 month"),
    (2, "2 months"),
    (4, "4 months"),
    (6, "6 months"),
    (9, "9 months"),
    (12, "12 months"),
    (15, "15 months"),
    (18, "18 months"),
    (24, "2 years"),
    (30, "30 months"),
    (36, "3 years"),
    (48, "4 years"),
    (60, "5 years"),
    (72, "6 years"),
    (84, "7 years"),
    (96, "8 years"),
    (108, "9 years"),
    (120, "10 years"),
    (132, "11 years"),
    (144, "12 years"),
    (156, "13 years"),
    (168, "14 years"),
    (180, "15 years"),
    (192, "16 years"),
    (204, "17 years"),
    (216, "18 years"),
];

/// One routine dose: given at the well visit of `at_months`.
pub(crate) struct Dose {
    pub(crate) at_months: i64,
    pub(crate) cvx: &'static str,
    pub(crate) text: &'static str,
}

const fn d(at_months: i64, cvx: &'static str, text: &'static str) -> Dose {
    Dose {
        at_months,
        cvx,
        text,
    }
}

/// The routine schedule, by visit.
pub(crate) const DOSES: &[Dose] = &[
    d(0, "08", "Hep B, adolescent or pediatric"),
    d(1, "08", "Hep B, adolescent or pediatric"),
    d(2, "20", "DTaP"),
    d(2, "10", "IPV"),
    d(2, "48", "Hib (PRP-T)"),
    d(2, "215", "Pneumococcal conjugate PCV15"),
    d(2, "116", "Rotavirus, pentavalent"),
    d(4, "20", "DTaP"),
    d(4, "10", "IPV"),
    d(4, "48", "Hib (PRP-T)"),
    d(4, "215", "Pneumococcal conjugate PCV15"),
    d(4, "116", "Rotavirus, pentavalent"),
    d(6, "20", "DTaP"),
    d(6, "08", "Hep B, adolescent or pediatric"),
    d(6, "48", "Hib (PRP-T)"),
    d(6, "215", "Pneumococcal conjugate PCV15"),
    d(6, "116", "Rotavirus, pentavalent"),
    d(9, "10", "IPV"),
    d(12, "03", "MMR"),
    d(12, "21", "Varicella"),
    d(12, "83", "Hep A, ped/adol, 2 dose"),
    d(15, "20", "DTaP"),
    d(15, "48", "Hib (PRP-T)"),
    d(15, "215", "Pneumococcal conjugate PCV15"),
    d(18, "83", "Hep A, ped/adol, 2 dose"),
    d(48, "20", "DTaP"),
    d(48, "10", "IPV"),
    d(48, "03", "MMR"),
    d(48, "21", "Varicella"),
    d(132, "115", "Tdap"),
    d(132, "165", "HPV9"),
    d(132, "203", "Meningococcal MenACWY (MenQuadfi)"),
    d(144, "165", "HPV9"),
    d(192, "203", "Meningococcal MenACWY (MenQuadfi)"),
    d(192, "163", "Meningococcal B, OMV (Trumenba)"),
];

/// Screening labs: (visit age in months, LOINC, display, typical value, UCUM unit).
/// Bright Futures: anemia screen at 12 months, lead at 12 and 24 months,
/// dyslipidemia screen once between 9 and 11 years.
pub(crate) const SCREENING_LABS: &[(i64, &str, &str, f64, &str)] = &[
    (
        12,
        "718-7",
        "Hemoglobin [Mass/volume] in Blood",
        12.1,
        "g/dL",
    ),
    (12, "5671-3", "Lead [Mass/volume] in Blood", 1.2, "ug/dL"),
    (24, "5671-3", "Lead [Mass/volume] in Blood", 1.0, "ug/dL"),
    (
        120,
        "2093-3",
        "Cholesterol [Mass/volume] in Serum or Plasma",
        155.0,
        "mg/dL",
    ),
    (
        120,
        "2085-9",
        "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
        52.0,
        "mg/dL",
    ),
    (
        120,
        "2571-8",
        "Triglyceride [Mass/volume] in Serum or Plasma",
        78.0,
        "mg/dL",
    ),
];

/// (age in months, boys' value, girls' value).
type Curve = &'static [(f64, f64, f64)];

const HEIGHT: Curve = &[
    (0.0, 49.9, 49.1),
    (1.0, 54.7, 53.7),
    (2.0, 58.4, 57.1),
    (4.0, 63.9, 62.1),
    (6.0, 67.6, 65.7),
    (9.0, 72.0, 70.1),
    (12.0, 75.7, 74.0),
    (18.0, 82.3, 80.7),
    (24.0, 87.1, 85.7),
    (36.0, 95.3, 94.1),
    (48.0, 102.5, 101.6),
    (60.0, 109.2, 108.4),
    (84.0, 121.7, 120.6),
    (108.0, 133.0, 132.5),
    (132.0, 143.5, 144.8),
    (156.0, 156.0, 157.1),
    (180.0, 169.0, 161.8),
    (204.0, 174.6, 163.0),
    (240.0, 176.8, 163.3),
];

const WEIGHT: Curve = &[
    (0.0, 3.3, 3.2),
    (1.0, 4.5, 4.2),
    (2.0, 5.6, 5.1),
    (4.0, 7.0, 6.4),
    (6.0, 7.9, 7.3),
    (9.0, 8.9, 8.2),
    (12.0, 9.6, 8.9),
    (18.0, 10.9, 10.2),
    (24.0, 12.2, 11.5),
    (36.0, 14.3, 13.9),
    (48.0, 16.3, 15.9),
    (60.0, 18.4, 18.0),
    (84.0, 22.9, 22.4),
    (108.0, 28.1, 28.2),
    (132.0, 35.6, 36.9),
    (156.0, 45.3, 46.0),
    (180.0, 56.0, 52.1),
    (204.0, 64.2, 55.4),
    (240.0, 70.6, 57.7),
];

const HEAD: Curve = &[
    (0.0, 34.5, 33.9),
    (3.0, 40.5, 39.5),
    (6.0, 43.3, 42.2),
    (12.0, 46.1, 44.9),
    (24.0, 48.3, 47.2),
    (36.0, 49.5, 48.5),
];

fn interpolate(curve: Curve, months: f64, female: bool) -> f64 {
    let pick = |row: &(f64, f64, f64)| if female { row.2 } else { row.1 };
    let first = &curve[0];
    if months <= first.0 {
        return pick(first);
    }
    for w in curve.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if months <= b.0 {
            let t = (months - a.0) / (b.0 - a.0);
            return pick(a) + t * (pick(b) - pick(a));
        }
    }
    pick(&curve[curve.len() - 1])
}

/// Approximate median length/height in cm at an age in months.
pub(crate) fn median_height_cm(months: f64, female: bool) -> f64 {
    interpolate(HEIGHT, months, female)
}

/// Approximate median weight in kg at an age in months.
pub(crate) fn median_weight_kg(months: f64, female: bool) -> f64 {
    interpolate(WEIGHT, months, female)
}

/// Approximate median head circumference in cm at an age in months.
pub(crate) fn median_head_cm(months: f64, female: bool) -> f64 {
    interpolate(HEAD, months, female)
}

/// A typical resting heart rate (beats per minute) at an age in months.
pub(crate) fn heart_rate(months: f64) -> f64 {
    if months < 12.0 {
        135.0
    } else if months < 36.0 {
        115.0
    } else if months < 72.0 {
        100.0
    } else if months < 144.0 {
        88.0
    } else {
        75.0
    }
}

/// The product actually in use on `date` for a scheduled CVX code: (CVX, text).
/// PCV15 (CVX 215) was licensed for children in 2022 (PCV13, CVX 133, before);
/// quadrivalent influenza (CVX 150) from the 2013-14 season (trivalent, CVX 141,
/// before); MenQuadfi (CVX 203) from 2020 (Menactra, CVX 114, before).
pub(crate) fn cvx_given_on(
    cvx: &'static str,
    date: jiff::civil::Date,
) -> (&'static str, &'static str) {
    let before = |y: i16, m: i8| date < jiff::civil::Date::constant(y, m, 1);
    match cvx {
        "215" if before(2022, 7) => ("133", "Pneumococcal conjugate PCV13"),
        "215" => ("215", "Pneumococcal conjugate PCV15"),
        "150" if before(2013, 8) => ("141", "Influenza, seasonal, injectable"),
        "150" => (
            "150",
            "Influenza, injectable, quadrivalent, preservative free",
        ),
        "203" if before(2020, 5) => ("114", "Meningococcal MCV4P (Menactra)"),
        other => (
            other,
            DOSES.iter().find(|d| d.cvx == other).map_or("", |d| d.text),
        ),
    }
}
