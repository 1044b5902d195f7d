//! The growth chart page: "is my child growing normally?" answered on the charts
//! pediatricians use (DESIGN.md, capability 8; issue 9).
//!
//! `GET /patients/{id}/growth` reads the patient's vital signs through the one
//! read path ([`crate::read::view`] of the `vitals` section: the access policy
//! decides, the audit event is written, a user who may not see vitals gets the
//! same 404 as for an unknown patient). Weights, lengths/heights, head
//! circumferences and BMIs are picked by LOINC code and placed on the WHO
//! (below 2 years) or CDC (from 2 years) reference by
//! [`sprout_domain::growth::zscore`]; ages are corrected for infants born
//! before 37 weeks when the gestation is known.
//!
//! Each chart is plain inline SVG built here (no JavaScript): the reference's
//! percentile curves (WHO 2, 5, 10, 25, 50, 75, 90, 95, 98; CDC 3, 5, 10, 25,
//! 50, 75, 90, 95, 97) computed from the LMS tables with
//! [`Lms::value_at`](sprout_domain::growth::Lms::value_at) once per process,
//! axes with ticks, and the child's points (`circle.growth-point`). A table of
//! the measurements follows each chart as its text alternative: date, age,
//! value in metric and US units, percentile and z-score, or why none was
//! computed. The SVG scales to the page's width; `static/growth.css` enlarges
//! its text on phones and lays the page out for print.

use crate::context::Authed;
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::pages::{self, Current, Page};
use crate::read::{self, Data, Want};
use crate::views::{self, Chrome, PatientFrame};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use jiff::civil::Date;
use jiff::{ToSpan, Unit};
use sprout_domain::growth::{
    self, GrowthError, GrowthScore, Indicator, Measurement, Position, Reference, Sex, Table,
    TableKey, DAYS_PER_MONTH, TWO_YEARS_DAYS,
};
use sprout_domain::record::{Observation, Patient};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The page's stylesheet, embedded and served at `/static/growth.css`.
const GROWTH_CSS: &str = include_str!("../static/growth.css");

/// `GET /static/growth.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        GROWTH_CSS,
    )
}

// ---------------------------------------------------------------------------
// Observations to measurements

/// What a vital-sign observation measures, as far as the charts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Body weight.
    Weight,
    /// Recumbent length or standing height.
    Length,
    /// Head (occipital-frontal) circumference.
    Head,
    /// Body mass index.
    Bmi,
}

/// The LOINC codes [`kind_of`] charts: the only vitals the growth page reads.
pub(crate) const GROWTH_LOINC: [&str; 8] = [
    "29463-7", "3141-9", "8302-2", "8306-3", "8308-9", "9843-4", "8287-5", "39156-5",
];

/// The chart kind and measuring position of a LOINC code.
///
/// Weight 29463-7 (and 3141-9, "measured"); body height 8302-2, whose
/// position LOINC leaves open, so it is taken as fitting the age (lying below
/// 2 years, standing after, WHO igrowup's rule for an unknown position); body
/// length lying 8306-3; height standing 8308-9; head circumference 9843-4
/// (and 8287-5); BMI 39156-5.
fn kind_of(loinc: &str) -> Option<(Kind, Option<Position>)> {
    Some(match loinc {
        "29463-7" | "3141-9" => (Kind::Weight, None),
        "8302-2" => (Kind::Length, None),
        "8306-3" => (Kind::Length, Some(Position::Lying)),
        "8308-9" => (Kind::Length, Some(Position::Standing)),
        "9843-4" | "8287-5" => (Kind::Head, None),
        "39156-5" => (Kind::Bmi, None),
        _ => return None,
    })
}

/// The value in the charts' unit (kg, cm, kg/m²) from a UCUM unit; `None` for
/// a unit the charts do not use.
fn to_metric(kind: Kind, value: f64, unit: Option<&str>) -> Option<f64> {
    let unit = unit.unwrap_or("").trim();
    let factor = match (kind, unit) {
        (Kind::Weight, "kg") => 1.0,
        (Kind::Weight, "g") => 0.001,
        (Kind::Weight, "[lb_av]" | "lb" | "lbs") => 0.453_592_37,
        (Kind::Weight, "[oz_av]" | "oz") => 0.028_349_523_125,
        (Kind::Length | Kind::Head, "cm") => 1.0,
        (Kind::Length | Kind::Head, "mm") => 0.1,
        (Kind::Length | Kind::Head, "m") => 100.0,
        (Kind::Length | Kind::Head, "[in_i]" | "[in_us]" | "in") => 2.54,
        (Kind::Bmi, "kg/m2" | "kg/m^2" | "kg/m²") => 1.0,
        _ => return None,
    };
    Some(value * factor)
}

/// One usable vital-sign observation.
#[derive(Debug, Clone)]
struct Reading {
    date: Date,
    kind: Kind,
    /// The value in kg, cm or kg/m², or the raw value and the unit not
    /// understood.
    value: Result<f64, (f64, String)>,
    position: Option<Position>,
}

/// The observations the charts use: known LOINC code, a value, a date, not
/// entered in error or cancelled.
fn readings(observations: &[Observation]) -> Vec<Reading> {
    let mut out: Vec<Reading> = observations
        .iter()
        .filter(|o| !matches!(o.status.as_str(), "entered-in-error" | "cancelled"))
        .filter_map(|o| {
            let (kind, position) = kind_of(o.loinc.as_deref()?)?;
            let value = o.value?;
            let date = o.effective.as_deref()?.get(..10)?.parse::<Date>().ok()?;
            let metric = to_metric(kind, value, o.unit.as_deref())
                .ok_or_else(|| (value, o.unit.clone().unwrap_or_default()));
            Some(Reading {
                date,
                kind,
                value: metric,
                position,
            })
        })
        .collect();
    out.sort_by_key(|r| r.date);
    out
}

/// Why a measurement has no percentile.
#[derive(Debug, Clone, PartialEq)]
enum Why {
    /// The engine's reason.
    Growth(GrowthError),
    /// The unit is not one the charts use.
    Unit(String),
}

/// One measurement placed (or not) on a reference.
#[derive(Debug, Clone)]
struct Entry {
    date: Date,
    indicator: Indicator,
    /// The measured value (kg, cm, kg/m²), or the raw value when the unit was
    /// not understood.
    value: f64,
    /// The length or height (cm) of a weight-for-length measurement.
    length_cm: Option<f64>,
    /// Chronological age in days (0 when measured before birth).
    age_days: u32,
    /// The corrected age in days, when it applies.
    corrected_days: Option<u32>,
    result: Result<GrowthScore, Why>,
}

/// Ages past which a measurement is not put on these charts: 20 years (the end
/// of the CDC charts) and, for head circumference and weight-for-length, 36
/// months (the end of the CDC infant charts), in days.
const MAX_AGE_DAYS: u32 = 7305;
/// See [`MAX_AGE_DAYS`].
const INFANT_MAX_AGE_DAYS: u32 = 1096;

/// The indicators in the order the page shows them.
const INDICATORS: [Indicator; 5] = [
    Indicator::WeightForAge,
    Indicator::LengthHeightForAge,
    Indicator::HeadCircumferenceForAge,
    Indicator::BmiForAge,
    Indicator::WeightForLengthHeight,
];

/// The measurements of a child of `sex` born on `birth` (at `gestation`
/// weeks, when known), and how many were left off as outside the charts' ages.
fn entries(
    sex: Sex,
    birth: Date,
    gestation: Option<u8>,
    readings: &[Reading],
) -> (Vec<Entry>, usize) {
    let mut out = Vec::new();
    let mut left_off = 0;
    let age_of = |date: Date| growth::age_in_days(birth, date);
    for r in readings {
        let indicator = match r.kind {
            Kind::Weight => Indicator::WeightForAge,
            Kind::Length => Indicator::LengthHeightForAge,
            Kind::Head => Indicator::HeadCircumferenceForAge,
            Kind::Bmi => Indicator::BmiForAge,
        };
        let age = age_of(r.date);
        let limit = if indicator == Indicator::HeadCircumferenceForAge {
            INFANT_MAX_AGE_DAYS
        } else {
            MAX_AGE_DAYS
        };
        if age.is_ok_and(|a| a > limit) {
            left_off += 1;
            continue;
        }
        out.push(entry(sex, r, indicator, age, gestation, None));
        // Weight for length: the weight with a length measured the same day,
        // while the infant charts apply.
        if r.kind == Kind::Weight && age.is_ok_and(|a| a <= INFANT_MAX_AGE_DAYS) {
            let length = readings
                .iter()
                .find(|l| l.kind == Kind::Length && l.date == r.date && l.value.is_ok());
            if let Some(l) = length {
                out.push(entry(
                    sex,
                    r,
                    Indicator::WeightForLengthHeight,
                    age,
                    gestation,
                    Some(l),
                ));
            }
        }
    }
    (out, left_off)
}

fn entry(
    sex: Sex,
    r: &Reading,
    indicator: Indicator,
    age: Result<u32, GrowthError>,
    gestation: Option<u8>,
    length: Option<&Reading>,
) -> Entry {
    let value = match &r.value {
        Ok(v) | Err((v, _)) => *v,
    };
    let length_cm = length.and_then(|l| l.value.as_ref().ok().copied());
    let age_days = age.as_ref().map_or(0, |a| *a);
    let corrected_days = age
        .as_ref()
        .ok()
        .and_then(|&a| growth::corrected_age_days(a, gestation).ok().flatten());
    let result = match (&r.value, age) {
        (Err((_, unit)), _) => Err(Why::Unit(unit.clone())),
        (_, Err(e)) => Err(Why::Growth(e)),
        (Ok(v), Ok(age)) => {
            let mut m = Measurement::new(sex, age, indicator, *v);
            // The position of the length: of the length itself for
            // length-for-age, of the paired length for weight-for-length.
            let position = match length {
                Some(l) => l.position,
                None => r.position,
            };
            if let Some(p) = position {
                m = m.with_position(p);
            }
            if let Some(l) = length_cm {
                m = m.with_length_cm(l);
            }
            if let Some(g) = gestation {
                m = m.with_gestation_weeks(g);
            }
            growth::zscore(&m, None).map_err(Why::Growth)
        }
    };
    Entry {
        date: r.date,
        indicator,
        value,
        length_cm,
        age_days,
        corrected_days,
        result,
    }
}

/// The table a measurement without a score belongs with: WHO's below 2 years
/// (of the corrected age), CDC's from then.
fn expected_table(indicator: Indicator, age_used_days: u32) -> Table {
    let who = age_used_days < TWO_YEARS_DAYS;
    match (indicator, who) {
        (Indicator::WeightForAge, true) => Table::WhoWeightForAge,
        (Indicator::LengthHeightForAge, true) => Table::WhoLengthHeightForAge,
        (Indicator::HeadCircumferenceForAge, true) => Table::WhoHeadCircumferenceForAge,
        (Indicator::BmiForAge, true) => Table::WhoBmiForAge,
        (Indicator::WeightForLengthHeight, true) => Table::WhoWeightForLength,
        (Indicator::WeightForAge, false) => Table::CdcWeightForAge,
        (Indicator::LengthHeightForAge, false) => Table::CdcStatureForAge,
        (Indicator::HeadCircumferenceForAge, false) => Table::CdcHeadCircumferenceForAgeInfant,
        (Indicator::BmiForAge, false) => Table::CdcBmiForAge,
        (Indicator::WeightForLengthHeight, false) => Table::CdcWeightForLengthInfant,
    }
}

/// The measurements of one indicator on one reference table (one chart).
#[derive(Debug)]
struct Group {
    indicator: Indicator,
    table: Table,
    entries: Vec<Entry>,
}

/// Entries grouped by indicator (page order) and table (WHO before CDC), in
/// date order within a group.
fn groups(entries: Vec<Entry>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for e in entries {
        let table = match &e.result {
            Ok(s) => s.table,
            Err(_) => expected_table(e.indicator, e.corrected_days.unwrap_or(e.age_days)),
        };
        match out
            .iter_mut()
            .find(|g| g.indicator == e.indicator && g.table == table)
        {
            Some(g) => g.entries.push(e),
            None => out.push(Group {
                indicator: e.indicator,
                table,
                entries: vec![e],
            }),
        }
    }
    let rank = |g: &Group| {
        let i = INDICATORS.iter().position(|&x| x == g.indicator);
        let t = Table::ALL.iter().position(|&x| x == g.table);
        (i, t)
    };
    out.sort_by_key(rank);
    for g in &mut out {
        g.entries.sort_by_key(|e| e.date);
    }
    out
}

// ---------------------------------------------------------------------------
// Percentile curves

/// The percentiles drawn and their z-scores, `Φ⁻¹(p/100)` to 6 decimals. WHO
/// charts show 2, 5, 10, 25, 50, 75, 90, 95 and 98 (WHO Child Growth Standards,
/// percentile charts); CDC charts 3, 5, 10, 25, 50, 75, 90, 95 and 97 (CDC 2000
/// growth charts).
const WHO_PERCENTILES: [(u8, f64); 9] = [
    (2, -2.053_749),
    (5, -1.644_854),
    (10, -1.281_552),
    (25, -0.674_490),
    (50, 0.0),
    (75, 0.674_490),
    (90, 1.281_552),
    (95, 1.644_854),
    (98, 2.053_749),
];
/// See [`WHO_PERCENTILES`].
const CDC_PERCENTILES: [(u8, f64); 9] = [
    (3, -1.880_794),
    (5, -1.644_854),
    (10, -1.281_552),
    (25, -0.674_490),
    (50, 0.0),
    (75, 0.674_490),
    (90, 1.281_552),
    (95, 1.644_854),
    (97, 1.880_794),
];

fn percentiles(reference: Reference) -> &'static [(u8, f64); 9] {
    match reference {
        Reference::Who2006 => &WHO_PERCENTILES,
        Reference::Cdc2000 => &CDC_PERCENTILES,
    }
}

/// What a chart's horizontal axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// Age in months (WHO, CDC infant charts).
    Months,
    /// Age in years (CDC 2 to 20 years).
    Years,
    /// Length or height in cm.
    Cm,
}

fn axis_of(table: Table, sex: Sex) -> Axis {
    match table.key() {
        TableKey::AgeDays => Axis::Months,
        TableKey::AgeMonths if table.key_range(sex).0 < 1.0 => Axis::Months,
        TableKey::AgeMonths => Axis::Years,
        TableKey::LengthCm => Axis::Cm,
    }
}

/// A table key (days, months or cm) in the axis's unit.
fn axis_x(table: Table, sex: Sex, key: f64) -> f64 {
    match (table.key(), axis_of(table, sex)) {
        (TableKey::AgeDays, _) => key / DAYS_PER_MONTH,
        (TableKey::AgeMonths, Axis::Years) => key / 12.0,
        _ => key,
    }
}

/// The percentile curves of one table and sex: x in the axis's unit, and the
/// value of each percentile of [`percentiles`] there.
#[derive(Debug)]
struct Curves {
    x: Vec<f64>,
    values: Vec<[f64; 9]>,
}

impl Curves {
    /// Samples the table: WHO's daily rows every 7 days, 0.1 cm rows every
    /// 0.5 cm, CDC's monthly rows all; the last row always (~100-270 points).
    fn compute(table: Table, sex: Sex) -> Self {
        let spacing = match table.key() {
            TableKey::AgeDays => 7.0,
            TableKey::LengthCm => 0.5,
            TableKey::AgeMonths => 0.0,
        };
        let ps = percentiles(table.reference());
        let rows: Vec<_> = table.points(sex).collect();
        let mut x = Vec::new();
        let mut values = Vec::new();
        let mut last: Option<f64> = None;
        for (i, (key, lms)) in rows.iter().enumerate() {
            let is_last = i + 1 == rows.len();
            if !is_last && last.is_some_and(|l| key - l < spacing - 1e-9) {
                continue;
            }
            last = Some(*key);
            x.push(axis_x(table, sex, *key));
            values.push(ps.map(|(_, z)| lms.value_at(z)));
        }
        Self { x, values }
    }

    /// Percentile `j`'s value at `x` (linear between samples), if in range.
    fn at(&self, j: usize, x: f64) -> Option<f64> {
        let i = self.x.partition_point(|&v| v <= x);
        if i == 0 {
            return None;
        }
        let (x0, v0) = (self.x[i - 1], self.values[i - 1][j]);
        if i == self.x.len() || x0 == x {
            return (x0 == x).then_some(v0);
        }
        let (x1, v1) = (self.x[i], self.values[i][j]);
        Some(v0 + (v1 - v0) * (x - x0) / (x1 - x0))
    }
}

/// The curves of `table` for `sex`, computed once per process.
fn curves(table: Table, sex: Sex) -> &'static Curves {
    static ALL: OnceLock<Vec<Curves>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Table::ALL
            .iter()
            .flat_map(|&t| [Sex::Male, Sex::Female].map(|s| Curves::compute(t, s)))
            .collect()
    });
    let t = Table::ALL.iter().position(|&x| x == table).unwrap_or(0);
    let s = usize::from(sex == Sex::Female);
    &all[t * 2 + s]
}

// ---------------------------------------------------------------------------
// The SVG chart

/// The chart's drawing box (SVG user units) and plot area.
const W: f64 = 600.0;
const H: f64 = 400.0;
const LEFT: f64 = 50.0;
const RIGHT: f64 = W - 36.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = H - 48.0;
/// Least vertical distance between two percentile labels (fits the phone's
/// larger text, see growth.css).
const LABEL_GAP: f64 = 20.0;

/// The percentile curves of one chart, drawn for the range `x0..x1` by
/// `y0..y1`: the 25th-75th band, then the lines (the 50th thick, the
/// outermost dashed). The same for every child whose chart has the same
/// table, sex and ranges (most children of an age band), so kept: drawing
/// them was most of the growth page's time (about 3,600 coordinates a chart,
/// perf under bench/run).
fn curve_paths(
    table: Table,
    sex: Sex,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    curves: &Curves,
    ps: &[(u8, f64)],
) -> std::sync::Arc<str> {
    type Key = (usize, bool, [u64; 4]);
    static DRAWN: OnceLock<std::sync::Mutex<std::collections::HashMap<Key, std::sync::Arc<str>>>> =
        OnceLock::new();
    /// Distinct charts kept; past it the cache starts over.
    const KEEP: usize = 1024;
    let key: Key = (
        Table::ALL
            .iter()
            .position(|&t| t == table)
            .unwrap_or(usize::MAX),
        sex == Sex::Female,
        [x0.to_bits(), x1.to_bits(), y0.to_bits(), y1.to_bits()],
    );
    let drawn = DRAWN.get_or_init(Default::default);
    if let Some(hit) = drawn.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return hit;
    }
    let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * (RIGHT - LEFT);
    let sy = |y: f64| BOTTOM - (y - y0) / (y1 - y0) * (BOTTOM - TOP);
    let first = curves.x.partition_point(|&x| x < x0).saturating_sub(1);
    let last = (curves.x.partition_point(|&x| x <= x1) + 1).min(curves.x.len());
    let span = first..last;
    let mut s = String::with_capacity(16 * 1024);
    // Percentile `j` in drawing coordinates: runs of defined values, each
    // simplified (see `simplify`).
    let runs = |j: usize| {
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut run = Vec::new();
        for i in span.clone() {
            let v = curves.values[i][j];
            if v.is_finite() {
                run.push((sx(curves.x[i]), sy(v)));
            } else if !run.is_empty() {
                runs.push(simplify(&std::mem::take(&mut run), CURVE_TOLERANCE));
            }
        }
        if !run.is_empty() {
            runs.push(simplify(&run, CURVE_TOLERANCE));
        }
        runs
    };
    let path = |j: usize| {
        let mut d = String::new();
        for run in runs(j) {
            for (k, (x, y)) in run.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{} {}",
                    if k == 0 { " M" } else { " L" },
                    D1(*x),
                    D1(*y)
                );
            }
        }
        d
    };
    {
        let mut band = path(3);
        let upper: Vec<(f64, f64)> = runs(5).concat();
        for (x, y) in upper.iter().rev() {
            let _ = write!(band, " L{} {}", D1(*x), D1(*y));
        }
        if !band.is_empty() {
            let _ = write!(
                s,
                r##"<path class="growth-band" d="{} Z" fill="#e3f1ea" stroke="none"/>"##,
                band.trim_start()
            );
        }
    }
    for (j, (p, _)) in ps.iter().enumerate() {
        let class = match j {
            4 => "growth-curve growth-curve-median",
            0 | 8 => "growth-curve growth-curve-outer",
            _ => "growth-curve",
        };
        let (stroke, width, dash) = match j {
            4 => ("#1d6b4f", 2.5, ""),
            0 | 8 => ("#8a958f", 1.2, r#" stroke-dasharray="5 4""#),
            _ => ("#a9b4ae", 1.2, ""),
        };
        let _ = write!(
            s,
            r#"<path class="{class}" data-percentile="{p}" d="{}" fill="none" stroke="{stroke}" stroke-width="{width}"{dash}/>"#,
            path(j).trim_start()
        );
    }
    let out: std::sync::Arc<str> = s.into();
    if let Ok(mut m) = drawn.lock() {
        if m.len() >= KEEP {
            m.clear();
        }
        m.insert(key, out.clone());
    }
    out
}

/// How far (SVG user units, a 600 x 400 box) a simplified percentile curve
/// may stray from the table's: a third of a unit, under a pixel on any
/// screen the chart is drawn for. The tables' 300 or so samples a curve
/// come down to a few dozen points, and the page from about 200 kB to a
/// fraction of it (the growth page was the slowest of bench/run's mix).
const CURVE_TOLERANCE: f64 = 0.33;

/// A polyline with fewer points that stays within `tolerance` of `points`
/// (Ramer-Douglas-Peucker): the first and last points are kept, and between
/// two kept points the farthest one from the segment joining them is kept
/// when it lies farther than `tolerance`, recursively.
fn simplify(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut todo = vec![(0, points.len() - 1)];
    while let Some((a, b)) = todo.pop() {
        let ((ax, ay), (bx, by)) = (points[a], points[b]);
        let (dx, dy) = (bx - ax, by - ay);
        let len = dx.hypot(dy);
        let mut far = (0.0, a);
        for (i, &(px, py)) in points.iter().enumerate().take(b).skip(a + 1) {
            let d = if len == 0.0 {
                (px - ax).hypot(py - ay)
            } else {
                ((px - ax) * dy - (py - ay) * dx).abs() / len
            };
            if d > far.0 {
                far = (d, i);
            }
        }
        if far.0 > tolerance {
            keep[far.1] = true;
            todo.push((a, far.1));
            todo.push((far.1, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// A drawing coordinate with one decimal, as `{:.1}` writes it but through
/// integer formatting (halves round away from zero, invisible in a drawing):
/// the exact float formatting of `{:.1}` was a fifth of the growth page's
/// time under load (perf, bench/run).
struct D1(f64);

impl std::fmt::Display for D1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if !v.is_finite() || v.abs() >= 1e12 {
            return write!(f, "{v:.1}");
        }
        // In range: |v * 10| < 1e13 fits an i64 exactly.
        #[allow(clippy::cast_possible_truncation)]
        let n = (v * 10.0).round() as i64;
        let sign = if n < 0 { "-" } else { "" };
        let n = n.unsigned_abs();
        write!(f, "{sign}{}.{}", n / 10, n % 10)
    }
}

/// One point of the child's.
struct Point {
    /// In the axis's unit.
    x: f64,
    /// In the measurement's unit.
    y: f64,
    /// Its tooltip ("March 5, 2024: 8.9 kg, 45th percentile").
    title: String,
}

/// The horizontal range shown: from the table's start to a round age past the
/// child's last point (or a 20 cm window around the lengths), within the table.
fn x_range(axis: Axis, table: Table, sex: Sex, xs: &[f64]) -> (f64, f64) {
    let (k0, k1) = table.key_range(sex);
    let (t0, t1) = (axis_x(table, sex, k0), axis_x(table, sex, k1));
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (t0, t1);
    }
    let ends: &[f64] = match axis {
        Axis::Months => &[6.0, 12.0, 18.0, 24.0, 30.0, 36.0, 48.0, 60.0],
        Axis::Years => &[4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0],
        Axis::Cm => {
            let mut start = (((lo - 5.0) / 5.0).floor() * 5.0).max(t0);
            let mut end = (((hi + 5.0) / 5.0).ceil() * 5.0).min(t1);
            if end - start < 20.0 {
                end = (start + 20.0).min(t1);
                start = (end - 20.0).max(t0);
            }
            return (start, end);
        }
    };
    let end = ends
        .iter()
        .copied()
        .find(|&e| e >= hi + 0.5 && e <= t1 + 1e-9)
        .unwrap_or(t1);
    (t0, end)
}

/// Tick spacing for the horizontal axis.
fn x_step(axis: Axis, span: f64) -> f64 {
    match axis {
        Axis::Months if span <= 6.0 => 1.0,
        Axis::Months if span <= 12.0 => 2.0,
        Axis::Months if span <= 24.0 => 3.0,
        Axis::Months => 6.0,
        Axis::Years if span <= 8.0 => 1.0,
        Axis::Years => 2.0,
        Axis::Cm if span <= 40.0 => 5.0,
        Axis::Cm => 10.0,
    }
}

/// A round tick spacing giving about six ticks over `span`.
fn y_step(span: f64) -> f64 {
    const STEPS: [f64; 9] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0];
    let raw = span / 6.0;
    STEPS.into_iter().find(|&s| s >= raw).unwrap_or(100.0)
}

/// Ticks from `lo` to `hi` (inclusive, within rounding) every `step`.
fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Spreads label positions (sorted top to bottom) at least `gap` apart within
/// `[min, max]`, moving each as little as a forward and a backward pass can.
fn spread(ys: &mut [f64], gap: f64, min: f64, max: f64) {
    for i in 0..ys.len() {
        let floor = if i == 0 { min } else { ys[i - 1] + gap };
        ys[i] = ys[i].max(floor);
    }
    for i in (0..ys.len()).rev() {
        let ceiling = if i + 1 == ys.len() {
            max
        } else {
            ys[i + 1] - gap
        };
        ys[i] = ys[i].min(ceiling);
    }
}

/// Escapes text for SVG (XML) content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What a chart needs besides its points.
struct ChartText<'a> {
    /// Element id prefix, unique on the page.
    id: &'a str,
    /// Accessible name (`<title>`).
    title: &'a str,
    /// Accessible description (`<desc>`).
    desc: &'a str,
    x_label: &'a str,
    y_label: &'a str,
}

/// An inline SVG chart of `table`'s percentile curves for `sex` with the
/// child's `points` (`circle.growth-point`, joined by a line in order).
fn chart_svg(t: &Tr<'_>, table: Table, sex: Sex, points: &[Point], text: &ChartText<'_>) -> String {
    let axis = axis_of(table, sex);
    let curves = curves(table, sex);
    let ps = percentiles(table.reference());
    let xs: Vec<f64> = points.iter().map(|p| p.x).collect();
    let (x0, x1) = x_range(axis, table, sex, &xs);

    // Vertical range: the outer curves over the range shown, and the points.
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (x, v) in curves.x.iter().zip(&curves.values) {
        if *x >= x0 - 1e-9 && *x <= x1 + 1e-9 {
            lo = lo.min(v[0]);
            hi = hi.max(v[8]);
        }
    }
    for j in [0, 8] {
        for x in [x0, x1] {
            if let Some(v) = curves.at(j, x) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    for p in points {
        lo = lo.min(p.y);
        hi = hi.max(p.y);
    }
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        lo = 0.0;
        hi = 1.0;
    }
    let pad = (hi - lo) * 0.03;
    let ystep = y_step(hi - lo + 2.0 * pad);
    let y0 = ((lo - pad) / ystep).floor() * ystep;
    let y1 = ((hi + pad) / ystep).ceil() * ystep;
    let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * (RIGHT - LEFT);
    let sy = |y: f64| BOTTOM - (y - y0) / (y1 - y0) * (BOTTOM - TOP);

    let id = text.id;
    let mut s = String::with_capacity(24 * 1024);
    let _ = write!(
        s,
        r##"<svg class="growth-svg" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"##,
        esc(text.title),
        esc(text.desc)
    );
    let _ = write!(
        s,
        r##"<defs><clipPath id="{id}-clip"><rect x="{LEFT}" y="{TOP}" width="{}" height="{}"/></clipPath></defs>"##,
        RIGHT - LEFT,
        BOTTOM - TOP
    );
    // Grid, ticks and tick labels.
    s.push_str(r##"<g class="growth-grid" stroke="#e4e9e6" stroke-width="1">"##);
    let xstep = x_step(axis, x1 - x0);
    let xticks = ticks(x0, x1, xstep);
    let yticks = ticks(y0, y1, ystep);
    for &x in &xticks {
        let _ = write!(
            s,
            r#"<line x1="{0}" x2="{0}" y1="{TOP}" y2="{BOTTOM}"/>"#,
            D1(sx(x))
        );
    }
    for &y in &yticks {
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{RIGHT}" y1="{0}" y2="{0}"/>"#,
            D1(sy(y))
        );
    }
    s.push_str("</g>");
    let _ = write!(
        s,
        r##"<rect class="growth-frame" x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="#7b8781"/>"##,
        RIGHT - LEFT,
        BOTTOM - TOP
    );
    s.push_str(r##"<g class="growth-ticks" fill="#3d4843">"##);
    let y_decimals = if ystep < 1.0 { 1 } else { 0 };
    for &x in &xticks {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            D1(sx(x)),
            BOTTOM + 22.0,
            t.num(x, 1)
        );
    }
    for &y in &yticks {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" dy="0.35em" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            D1(sy(y)),
            t.num(y, y_decimals)
        );
    }
    let _ = write!(
        s,
        r#"<text class="growth-axis-label" x="{}" y="{}" text-anchor="middle">{}</text><text class="growth-axis-label" x="4" y="18">{}</text></g>"#,
        D1((LEFT + RIGHT) / 2.0),
        H - 6.0,
        esc(text.x_label),
        esc(text.y_label)
    );

    // The percentile curves: the 25th-75th band, then the lines (the 50th
    // thick, the outermost dashed).
    let _ = write!(s, r#"<g clip-path="url(#{id}-clip)">"#);
    s.push_str(&curve_paths(table, sex, (x0, x1), (y0, y1), curves, ps));
    s.push_str("</g>");
    // The child's points, joined in order (not clipped: a point at the edge
    // of the range stays whole).
    if points.len() > 1 {
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{},{}", D1(sx(p.x)), D1(sy(p.y))))
            .collect();
        let _ = write!(
            s,
            r##"<polyline class="growth-line" points="{}" fill="none" stroke="#2b5797" stroke-width="1.5"/>"##,
            line.join(" ")
        );
    }
    for p in points {
        let _ = write!(
            s,
            r##"<circle class="growth-point" cx="{}" cy="{}" r="5" fill="#2b5797" stroke="#fff" stroke-width="1.5"><title>{}</title></circle>"##,
            D1(sx(p.x)),
            D1(sy(p.y)),
            esc(&p.title)
        );
    }

    // Percentile labels at the right end, spread so they do not overlap.
    let mut labels: Vec<(f64, f64, u8)> = ps
        .iter()
        .enumerate()
        .filter_map(|(j, (p, _))| {
            let v = curves.at(j, x1)?;
            v.is_finite().then(|| (sy(v), sy(v), *p))
        })
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut ys: Vec<f64> = labels.iter().map(|l| l.0).collect();
    spread(&mut ys, LABEL_GAP, TOP - 12.0, BOTTOM + 12.0);
    s.push_str(r##"<g class="growth-percentile-labels" fill="#3d4843">"##);
    for ((curve_y, _, p), y) in labels.iter().zip(&ys) {
        if (y - curve_y).abs() > 2.0 {
            let _ = write!(
                s,
                r##"<line x1="{RIGHT}" y1="{}" x2="{}" y2="{}" stroke="#a9b4ae"/>"##,
                D1(*curve_y),
                RIGHT + 4.0,
                D1(*y)
            );
        }
        let weight = if *p == 50 {
            r#" font-weight="700""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" dy="0.35em"{weight}>{p}</text>"#,
            RIGHT + 6.0,
            D1(*y)
        );
    }
    s.push_str("</g></svg>");
    s
}

// ---------------------------------------------------------------------------
// Words

/// An age in words from `from` to `to`: days, then weeks, then months (below
/// 2 years), then years and months.
fn age_words(t: &Tr<'_>, from: Date, to: Date) -> String {
    let span = |unit| {
        from.until((unit, to))
            .map(|s| match unit {
                Unit::Day => i64::from(s.get_days()),
                _ => i64::from(s.get_months()),
            })
            .unwrap_or(0)
    };
    let months = span(Unit::Month);
    if months >= 24 {
        let (years, months) = (months / 12, months % 12);
        if months == 0 {
            return t.with("growth-age-years", &[("n", Arg::Num(years))]);
        }
        return t.with(
            "growth-age-years-months",
            &[("years", Arg::Num(years)), ("months", Arg::Num(months))],
        );
    }
    if months >= 1 {
        return t.with("growth-age-months", &[("n", Arg::Num(months))]);
    }
    let days = span(Unit::Day).max(0);
    if days >= 7 {
        t.with("growth-age-weeks", &[("n", Arg::Num(days / 7))])
    } else {
        t.with("growth-age-days", &[("n", Arg::Num(days))])
    }
}

/// The age at a measurement, with the corrected age when it applies: "4 months
/// (corrected age 2 months)".
fn entry_age(t: &Tr<'_>, birth: Date, e: &Entry) -> String {
    let age = age_words(t, birth, e.date);
    match e
        .corrected_days
        .and_then(|d| e.date.checked_sub(i64::from(d).days()).ok())
    {
        Some(from) => format!(
            "{age} ({})",
            t.with(
                "growth-corrected-age",
                &[("age", Arg::Text(&age_words(t, from, e.date)))]
            )
        ),
        None => age,
    }
}

/// A weight in kg and in pounds and ounces: ("8.9 kg", "19 lb 10 oz").
fn weight_parts(t: &Tr<'_>, kg: f64) -> (String, String) {
    let decimals = if kg < 10.0 { 2 } else { 1 };
    let total_oz = (kg / 0.028_349_523_125).round() as i64;
    let us = t.with(
        "growth-lb-oz",
        &[
            ("lb", Arg::Num(total_oz / 16)),
            ("oz", Arg::Num(total_oz % 16)),
        ],
    );
    (format!("{} kg", t.num(kg, decimals)), us)
}

/// A length in cm and in inches: ("72.3 cm", "28.5 in").
fn cm_parts(t: &Tr<'_>, cm: f64) -> (String, String) {
    let inches = t.num(cm / 2.54, 1);
    (
        format!("{} cm", t.num(cm, 1)),
        t.with("growth-inches", &[("n", Arg::Text(&inches))]),
    )
}

/// "8.9 kg (19 lb 10 oz)".
#[cfg(test)]
fn weight_text(t: &Tr<'_>, kg: f64) -> String {
    let (metric, us) = weight_parts(t, kg);
    format!("{metric} ({us})")
}

/// "72.3 cm (28.5 in)".
#[cfg(test)]
fn cm_text(t: &Tr<'_>, cm: f64) -> String {
    let (metric, us) = cm_parts(t, cm);
    format!("{metric} ({us})")
}

/// The measured value in metric units and, where there are any, in US units:
/// ("3.4 kg at 51.1 cm", "7 lb 8 oz at 20.1 in").
fn value_parts(t: &Tr<'_>, e: &Entry) -> (String, Option<String>) {
    if let Err(Why::Unit(unit)) = &e.result {
        return (format!("{} {unit}", t.num(e.value, 2)), None);
    }
    match e.indicator {
        Indicator::WeightForAge => {
            let (metric, us) = weight_parts(t, e.value);
            (metric, Some(us))
        }
        Indicator::LengthHeightForAge | Indicator::HeadCircumferenceForAge => {
            let (metric, us) = cm_parts(t, e.value);
            (metric, Some(us))
        }
        Indicator::BmiForAge => (format!("{} kg/m²", t.num(e.value, 1)), None),
        Indicator::WeightForLengthHeight => {
            let (kg, lb) = weight_parts(t, e.value);
            let (cm, inches) = e.length_cm.map(|l| cm_parts(t, l)).unwrap_or_default();
            let at = |w: &str, l: &str| {
                t.with(
                    "growth-weight-at-length",
                    &[("weight", Arg::Text(w)), ("length", Arg::Text(l))],
                )
            };
            (at(&kg, &cm), Some(at(&lb, &inches)))
        }
    }
}

/// The measured value in metric and US units: "8.9 kg (19 lb 10 oz)".
fn value_text(t: &Tr<'_>, e: &Entry) -> String {
    match value_parts(t, e) {
        (metric, Some(us)) => format!("{metric} ({us})"),
        (metric, None) => metric,
    }
}

/// "62nd percentile"; below 1 and above 99 said so.
fn percentile_text(t: &Tr<'_>, p: f64) -> String {
    if p < 1.0 {
        t.get("growth-percentile-below-1")
    } else if p > 99.0 {
        t.get("growth-percentile-above-99")
    } else {
        let n = p.round().clamp(1.0, 99.0) as i64;
        t.with("growth-percentile", &[("n", Arg::Num(n))])
    }
}

/// "62nd", for the table's percentile column; below 1 and above 99 said so.
fn percentile_short(t: &Tr<'_>, p: f64) -> String {
    if p < 1.0 {
        t.get("growth-percentile-short-below-1")
    } else if p > 99.0 {
        t.get("growth-percentile-short-above-99")
    } else {
        let n = p.round().clamp(1.0, 99.0) as i64;
        t.with("growth-percentile-short", &[("n", Arg::Num(n))])
    }
}

/// A z-score with two decimals in the language's notation ("-1.25", "-1,25").
fn z_text(t: &Tr<'_>, z: f64) -> String {
    let mut s = format!("{z:.2}");
    if s == "-0.00" {
        s = "0.00".to_owned();
    }
    s.replace('.', &t.locale.decimal_separator().to_string())
}

/// Why no percentile, in plain words.
fn why_text(t: &Tr<'_>, why: &Why) -> String {
    let reason = match why {
        Why::Unit(unit) => t.with("growth-error-unit", &[("unit", Arg::Text(unit))]),
        Why::Growth(e) => t.get(match e {
            GrowthError::InvalidValue { .. } => "growth-error-invalid-value",
            GrowthError::MissingLength => "growth-error-missing-length",
            GrowthError::AgeOutOfRange { .. } => "growth-error-age",
            GrowthError::LengthOutOfRange { .. } => "growth-error-length",
            GrowthError::ObservedBeforeBirth => "growth-error-before-birth",
            GrowthError::InvalidGestation => "growth-error-gestation",
            GrowthError::BeforeTerm => "growth-error-before-term",
            GrowthError::Oedema { .. } => "growth-error-oedema",
            GrowthError::Implausible { .. } => "growth-error-implausible",
            GrowthError::NoReferenceForSex => "growth-error-sex",
        }),
    };
    t.with("growth-not-computed", &[("reason", Arg::Text(&reason))])
}

/// The plain word for what was measured ("Weight", "Length", "Height").
fn measure_word(t: &Tr<'_>, e: &Entry) -> String {
    t.get(match e.indicator {
        Indicator::WeightForAge | Indicator::WeightForLengthHeight => "growth-measure-weight",
        Indicator::LengthHeightForAge => {
            if e.corrected_days.unwrap_or(e.age_days) < TWO_YEARS_DAYS {
                "growth-measure-length"
            } else {
                "growth-measure-height"
            }
        }
        Indicator::HeadCircumferenceForAge => "growth-measure-head",
        Indicator::BmiForAge => "growth-measure-bmi",
    })
}

fn indicator_key(i: Indicator) -> &'static str {
    match i {
        Indicator::WeightForAge => "growth-indicator-weight-for-age",
        Indicator::LengthHeightForAge => "growth-indicator-length-height-for-age",
        Indicator::HeadCircumferenceForAge => "growth-indicator-head-circumference-for-age",
        Indicator::BmiForAge => "growth-indicator-bmi-for-age",
        Indicator::WeightForLengthHeight => "growth-indicator-weight-for-length-height",
    }
}

/// The chart's source line ("WHO growth standards", "CDC growth charts, 2 to 20 years").
fn source_key(table: Table, sex: Sex) -> &'static str {
    match (table.reference(), axis_of(table, sex)) {
        (Reference::Who2006, _) => "growth-chart-who",
        (Reference::Cdc2000, Axis::Years) => "growth-chart-cdc",
        (Reference::Cdc2000, _) => "growth-chart-cdc-infant",
    }
}

fn axis_labels(t: &Tr<'_>, indicator: Indicator, table: Table, sex: Sex) -> (String, String) {
    let x = match axis_of(table, sex) {
        Axis::Months => t.get("growth-axis-age-months"),
        Axis::Years => t.get("growth-axis-age-years"),
        Axis::Cm if table.position() == Some(Position::Standing) => t.get("growth-axis-height"),
        Axis::Cm => t.get("growth-axis-length"),
    };
    let y = t.get(match indicator {
        Indicator::WeightForAge | Indicator::WeightForLengthHeight => "growth-axis-weight",
        // WHO is used below 2 years, when length is measured lying.
        Indicator::LengthHeightForAge if table == Table::WhoLengthHeightForAge => {
            "growth-axis-length"
        }
        Indicator::LengthHeightForAge => match table.position() {
            Some(Position::Lying) => "growth-axis-length",
            Some(Position::Standing) => "growth-axis-height",
            None => "growth-axis-length-height",
        },
        Indicator::HeadCircumferenceForAge => "growth-axis-head",
        Indicator::BmiForAge => "growth-axis-bmi",
    });
    (x, y)
}

// ---------------------------------------------------------------------------
// The page

/// One row of a chart's measurement table.
pub(crate) struct MeasurementRow {
    pub date: String,
    pub age: String,
    /// The value in metric units.
    pub value: String,
    /// The value in US units, when there are any ("19 lb 10 oz").
    pub value_us: Option<String>,
    /// Percentile and z-score, or why they were not computed.
    pub score: Result<(String, String), String>,
}

/// One chart (one indicator on one reference) and its table.
pub(crate) struct ChartSection {
    /// Element id prefix.
    pub id: String,
    pub title: String,
    pub source: String,
    /// "Latest, March 5, 2024: Weight 8.9 kg (19 lb 10 oz), 45th percentile".
    pub latest: Option<String>,
    /// The inline SVG (built by [`chart_svg`], every text escaped), when a
    /// point could be placed.
    pub svg: Option<String>,
    pub legend: String,
    pub caption: String,
    pub rows: Vec<MeasurementRow>,
}

/// The growth page.
#[derive(Template)]
#[template(path = "growth_page.html")]
pub(crate) struct GrowthPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    /// "Born at 32 weeks..." for a preterm infant.
    pub preterm: Option<String>,
    /// "Today: 4 months (corrected age 2 months)."
    pub age_today: Option<String>,
    /// Why there is nothing to chart, when so.
    pub notice: Option<String>,
    pub sections: Vec<ChartSection>,
    /// How many measurements are outside the charts' ages, in words.
    pub left_off: Option<String>,
}

/// `GET /patients/{id}/growth`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let id = path.ok().map(|Path(id)| id);
    let v = read::view(&state, &ctx, &user, id.as_deref(), Want::Growth).await?;
    let t = state.i18n().tr(ctx.locale);
    let mut f = pages::frame(&t, &v, Current::Page(Page::Vitals));
    // The growth tab (drawn by the frame's template) is the current one; the
    // switcher keeps this page.
    for tab in &mut f.tabs {
        tab.current = false;
    }
    for o in &mut f.others {
        if let Some(base) = o.href.strip_suffix("/vitals") {
            o.href = format!("{base}/growth");
        }
    }
    let Data::Vitals(observations) = &v.data else {
        return Err(WebError::Internal("growth page read no vitals".into()));
    };
    let title = format!("{} · {}", t.get("growth-tab"), f.patient.name);
    let c = Chrome::new(&state, t, title, Some(&ctx), None);
    let page = build(c, f, &v.patient, v.today, observations);
    Ok(Html(views::render(&page)?).into_response())
}

/// The page's content for `patient` on `today` from the vitals the user may see.
fn build<'a>(
    c: Chrome<'a>,
    f: PatientFrame,
    patient: &Patient,
    today: Date,
    observations: &[Observation],
) -> GrowthPage<'a> {
    let t = c.t;
    let birth = patient.birth_date;
    let gestation = patient.gestation_weeks;
    let preterm = gestation
        .filter(|g| growth::GESTATION_WEEKS.contains(g) && *g < growth::PRETERM_BEFORE_WEEKS);
    let mut age_today = None;
    if preterm.is_some() {
        if let Ok(days) = growth::age_in_days(birth, today) {
            let age = age_words(&t, birth, today);
            age_today = match growth::corrected_age_days(days, gestation) {
                Ok(Some(d)) => today.checked_sub(i64::from(d).days()).ok().map(|from| {
                    let corrected = t.with(
                        "growth-corrected-age",
                        &[("age", Arg::Text(&age_words(&t, from, today)))],
                    );
                    t.with(
                        "growth-age-today",
                        &[
                            ("age", Arg::Text(&age)),
                            ("corrected", Arg::Text(&corrected)),
                        ],
                    )
                }),
                Err(GrowthError::BeforeTerm) => {
                    Some(t.with("growth-age-today-before-term", &[("age", Arg::Text(&age))]))
                }
                _ => None,
            };
        }
    }
    let preterm = preterm.map(|w| t.with("growth-preterm", &[("weeks", Arg::Num(i64::from(w)))]));
    let empty = |c, f, notice: &str| GrowthPage {
        c,
        f,
        preterm: None,
        age_today: None,
        notice: Some(t.get(notice)),
        sections: Vec::new(),
        left_off: None,
    };
    let readings = readings(observations);
    if readings.is_empty() {
        return empty(c, f, "growth-empty");
    }
    let Ok(sex) = Sex::try_from(patient.sex) else {
        return empty(c, f, "growth-no-sex");
    };
    let (entries, left_off) = entries(sex, birth, gestation, &readings);
    let sections = groups(entries)
        .into_iter()
        .enumerate()
        .map(|(i, g)| section(&t, patient, sex, i + 1, g))
        .collect::<Vec<_>>();
    let notice = sections.is_empty().then(|| t.get("growth-empty"));
    GrowthPage {
        c,
        f,
        preterm,
        age_today,
        notice,
        sections,
        left_off: (left_off > 0)
            .then(|| t.with("growth-not-charted", &[("n", Arg::Num(left_off as i64))])),
    }
}

/// One chart section: the chart of the group's computed points and the table
/// of all its measurements.
fn section(t: &Tr<'_>, patient: &Patient, sex: Sex, n: usize, g: Group) -> ChartSection {
    let id = format!("growth-{n}");
    let birth = patient.birth_date;
    let indicator = t.get(indicator_key(g.indicator));
    let source = t.get(source_key(g.table, sex));
    let summary = |e: &Entry, s: &GrowthScore| {
        t.with(
            "growth-summary",
            &[
                ("measure", Arg::Text(&measure_word(t, e))),
                ("value", Arg::Text(&value_text(t, e))),
                ("percentile", Arg::Text(&percentile_text(t, s.percentile))),
            ],
        )
    };
    let scored: Vec<(&Entry, &GrowthScore)> = g
        .entries
        .iter()
        .filter_map(|e| e.result.as_ref().ok().map(|s| (e, s)))
        .collect();
    let latest = scored.last().map(|(e, s)| {
        t.with(
            "growth-latest",
            &[
                ("date", Arg::Text(&t.date(e.date))),
                ("summary", Arg::Text(&summary(e, s))),
            ],
        )
    });
    let svg = (!scored.is_empty()).then(|| {
        let points: Vec<Point> = scored
            .iter()
            .map(|(e, s)| Point {
                x: axis_x(g.table, sex, s.key),
                y: s.value,
                title: format!("{}: {}", t.date(e.date), summary(e, s)),
            })
            .collect();
        let (first, last) = (scored[0].0.date, scored[scored.len() - 1].0.date);
        let desc = t.with(
            "growth-chart-desc",
            &[
                ("n", Arg::Num(points.len() as i64)),
                ("first", Arg::Text(&t.date(first))),
                ("last", Arg::Text(&t.date(last))),
            ],
        );
        let title = format!("{indicator} · {source}");
        let (x_label, y_label) = axis_labels(t, g.indicator, g.table, sex);
        chart_svg(
            t,
            g.table,
            sex,
            &points,
            &ChartText {
                id: &id,
                title: &title,
                desc: &desc,
                x_label: &x_label,
                y_label: &y_label,
            },
        )
    });
    let list: Vec<String> = percentiles(g.table.reference())
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    let legend = t.with(
        "growth-legend",
        &[
            ("list", Arg::Text(&list.join(", "))),
            ("name", Arg::Text(&patient.given_name)),
        ],
    );
    let rows = g
        .entries
        .iter()
        .map(|e| {
            let (value, value_us) = value_parts(t, e);
            MeasurementRow {
                date: t.date(e.date),
                age: entry_age(t, birth, e),
                value,
                value_us,
                score: match &e.result {
                    Ok(s) => Ok((percentile_short(t, s.percentile), z_text(t, s.z))),
                    Err(why) => Err(why_text(t, why)),
                },
            }
        })
        .collect();
    ChartSection {
        caption: t.with(
            "growth-table-caption",
            &[("indicator", Arg::Text(&indicator))],
        ),
        id,
        title: indicator,
        source,
        latest,
        svg,
        legend,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_curves_are_drawn_once_per_table_sex_and_range() {
        let table = Table::ALL[0];
        let c = curves(table, Sex::Female);
        let ps = percentiles(table.reference());
        let (x0, x1) = (c.x[0], c.x[c.x.len() / 2]);
        let a = curve_paths(table, Sex::Female, (x0, x1), (0.0, 30.0), c, ps);
        let b = curve_paths(table, Sex::Female, (x0, x1), (0.0, 30.0), c, ps);
        assert!(
            std::sync::Arc::ptr_eq(&a, &b),
            "the second chart reuses the first's curves"
        );
        assert_eq!(
            a.matches("data-percentile=").count(),
            9,
            "nine percentile lines"
        );
        let other = curve_paths(table, Sex::Female, (x0, x1), (0.0, 40.0), c, ps);
        assert_ne!(a, other, "another vertical range draws other paths");
        let male = curve_paths(
            table,
            Sex::Male,
            (x0, x1),
            (0.0, 30.0),
            curves(table, Sex::Male),
            ps,
        );
        assert_ne!(a, male, "the other sex's curves");
    }

    #[test]
    fn coordinates_are_written_with_one_decimal_like_the_formatter() {
        for v in [
            0.0,
            0.04,
            1.25,
            12.34,
            99.96,
            563.95,
            -3.21,
            -0.5,
            1e13,
            f64::NAN,
        ] {
            let ours = D1(v).to_string();
            let std = format!("{v:.1}");
            let close = match (ours.parse::<f64>(), std.parse::<f64>()) {
                (Ok(a), Ok(b)) if a.is_finite() => (a - b).abs() <= 0.1 + 1e-9,
                _ => ours == std,
            };
            assert!(close, "{v}: {ours} vs {std}");
            assert!(
                ours.split('.').nth(1).is_some_and(|d| d.len() == 1) || !v.is_finite(),
                "{ours}"
            );
        }
        assert_eq!(D1(12.34).to_string(), "12.3");
        assert_eq!(D1(-3.26).to_string(), "-3.3");
        assert_eq!(D1(0.0).to_string(), "0.0");
    }
    use crate::i18n::{I18n, Locale};
    use jiff::civil::date;
    use sprout_domain::growth::normal_cdf;
    use sprout_domain::record::{ItemMeta, Labels, ObservationCategory};
    use sprout_domain::{ItemId, PatientId};

    fn obs(loinc: &str, value: f64, unit: &str, when: &str) -> Observation {
        Observation {
            meta: ItemMeta {
                id: ItemId::parse("i1").unwrap(),
                patient_id: PatientId::parse("p1").unwrap(),
                source_id: "s1".into(),
                labels: Labels::default(),
            },
            category: ObservationCategory::VitalSigns,
            status: "final".into(),
            loinc: Some(loinc.into()),
            display: "x".into(),
            effective: Some(when.into()),
            value: Some(value),
            unit: Some(unit.into()),
            value_text: None,
            components: vec![],
            encounter_source_id: None,
            reference_range: None,
            interpretation: None,
            issued: None,
        }
    }

    #[test]
    fn percentile_z_values_are_the_normal_quantiles() {
        for (p, z) in WHO_PERCENTILES.iter().chain(&CDC_PERCENTILES) {
            let got = 100.0 * normal_cdf(*z);
            assert!((got - f64::from(*p)).abs() < 1e-4, "{p}: {got}");
        }
    }

    #[test]
    fn loinc_codes_and_units_map() {
        assert_eq!(kind_of("29463-7"), Some((Kind::Weight, None)));
        assert_eq!(
            kind_of("8306-3"),
            Some((Kind::Length, Some(Position::Lying)))
        );
        assert_eq!(kind_of("8302-2"), Some((Kind::Length, None)));
        assert_eq!(kind_of("8287-5"), Some((Kind::Head, None)));
        assert_eq!(kind_of("39156-5"), Some((Kind::Bmi, None)));
        assert_eq!(kind_of("8310-5"), None);
        assert_eq!(to_metric(Kind::Weight, 1000.0, Some("g")), Some(1.0));
        let lb = to_metric(Kind::Weight, 10.0, Some("[lb_av]")).unwrap();
        assert!((lb - 4.535_923_7).abs() < 1e-9);
        assert_eq!(to_metric(Kind::Length, 10.0, Some("[in_i]")), Some(25.4));
        assert_eq!(to_metric(Kind::Length, 10.0, Some("kg")), None);
    }

    #[test]
    fn curves_are_ordered_and_of_reasonable_size() {
        for &table in Table::ALL {
            for sex in [Sex::Male, Sex::Female] {
                let c = curves(table, sex);
                assert!((30..=300).contains(&c.x.len()), "{table:?}: {}", c.x.len());
                assert!(c.x.windows(2).all(|w| w[0] < w[1]), "{table:?}");
                for v in &c.values {
                    assert!(v.windows(2).all(|w| w[0] < w[1]), "{table:?} {v:?}");
                }
            }
        }
        // WHO weight-for-age, boys, at 12 months (365.25 days): the median is
        // about 9.6 kg.
        let c = curves(Table::WhoWeightForAge, Sex::Male);
        let m = c.at(4, 12.0).unwrap();
        assert!((m - 9.65).abs() < 0.1, "{m}");
        assert!(c.at(4, -1.0).is_none());
    }

    #[test]
    fn the_growth_codes_are_exactly_those_charted() {
        assert!(GROWTH_LOINC.iter().all(|c| kind_of(c).is_some()));
        // Every code kind_of knows is listed (the page reads only these).
        for code in [
            "29463-7", "3141-9", "8302-2", "8306-3", "8308-9", "9843-4", "8287-5", "39156-5",
            "8310-5", "8867-4", "85354-9",
        ] {
            assert_eq!(
                kind_of(code).is_some(),
                GROWTH_LOINC.contains(&code),
                "{code}"
            );
        }
    }

    #[test]
    fn simplified_curves_stay_within_the_tolerance_with_fewer_points() {
        // A steep, bending curve (a weight curve's first months) sampled
        // densely.
        let pts: Vec<(f64, f64)> = (0..=300)
            .map(|i| {
                let x = f64::from(i) * 1.7;
                (x, 350.0 - 120.0 * (x / 510.0).sqrt())
            })
            .collect();
        let s = simplify(&pts, CURVE_TOLERANCE);
        assert!(s.len() < pts.len() / 4, "{} of {}", s.len(), pts.len());
        assert_eq!((s[0], s[s.len() - 1]), (pts[0], pts[300]));
        // Every original point is within the tolerance of the polyline.
        let dist = |p: (f64, f64), a: (f64, f64), b: (f64, f64)| {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
            (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
        };
        for &p in &pts {
            let d = s
                .windows(2)
                .map(|w| dist(p, w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            assert!(d <= CURVE_TOLERANCE + 1e-9, "{p:?} is {d} away");
        }
        // A straight line keeps its ends only; short inputs are kept.
        let line: Vec<(f64, f64)> = (0..50)
            .map(|i| (f64::from(i), 2.0 * f64::from(i)))
            .collect();
        assert_eq!(simplify(&line, 0.1), vec![(0.0, 0.0), (49.0, 98.0)]);
        assert_eq!(simplify(&line[..2], 0.1), line[..2].to_vec());
    }

    #[test]
    fn labels_spread_without_overlap_inside_bounds() {
        let mut ys = vec![100.0, 101.0, 102.0, 300.0, 399.0];
        spread(&mut ys, 20.0, 0.0, 400.0);
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= 20.0 - 1e-9), "{ys:?}");
        assert!(ys[0] >= 0.0 && ys[4] <= 400.0);
        assert_eq!(ys[3], 300.0);
    }

    #[test]
    fn ranges_and_ticks() {
        let (a, b) = x_range(Axis::Months, Table::WhoWeightForAge, Sex::Male, &[0.1, 4.4]);
        assert_eq!((a, b), (0.0, 6.0));
        let (a, b) = x_range(Axis::Years, Table::CdcWeightForAge, Sex::Male, &[2.4, 9.7]);
        assert_eq!((a, b), (2.0, 12.0));
        let (a, b) = x_range(
            Axis::Cm,
            Table::WhoWeightForLength,
            Sex::Male,
            &[50.0, 52.0],
        );
        assert_eq!((a, b), (45.0, 65.0));
        assert_eq!(ticks(0.0, 6.0, 1.0).len(), 7);
        assert_eq!(y_step(12.0), 2.0);
    }

    #[test]
    fn ages_and_values_in_words() {
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        let b = date(2024, 1, 10);
        assert_eq!(age_words(&t, b, date(2024, 1, 13)), "3 days");
        assert_eq!(age_words(&t, b, date(2024, 5, 12)), "4 months");
        assert_eq!(age_words(&t, b, date(2027, 4, 10)), "3 years 3 months");
        assert_eq!(age_words(&t, b, date(2027, 1, 10)), "3 years");
        assert_eq!(weight_text(&t, 18.2), "18.2 kg (40 lb 2 oz)");
        assert_eq!(cm_text(&t, 72.3), "72.3 cm (28.5 in)");
        assert_eq!(percentile_text(&t, 62.4), "62nd percentile");
        assert_eq!(percentile_text(&t, 0.4), "below the 1st percentile");
        assert_eq!(percentile_short(&t, 2.6), "3rd");
        assert_eq!(percentile_short(&t, 99.5), "above 99th");
        assert_eq!(z_text(&t, -0.004), "0.00");
        let es = i18n.tr(Locale::Es);
        assert_eq!(age_words(&es, b, date(2027, 4, 10)), "3 años y 3 meses");
        assert_eq!(percentile_text(&es, 62.4), "percentil 62");
        assert_eq!(percentile_short(&es, 62.4), "62");
        assert_eq!(z_text(&es, -1.254), "-1,25");
        assert_eq!(
            why_text(&t, &Why::Growth(GrowthError::BeforeTerm)),
            "Not computed: measured before the due date; the charts start at a full-term birth."
        );
    }

    #[test]
    fn a_preterm_infant_is_charted_at_the_corrected_age() {
        let birth = date(2025, 10, 1);
        let observations = vec![
            // 3 days old: before the due date (born at 32 weeks).
            obs("29463-7", 1.9, "kg", "2025-10-04T09:00:00Z"),
            obs("29463-7", 5.1, "kg", "2026-02-01T09:00:00Z"),
            obs("8306-3", 55.0, "cm", "2026-02-01T09:00:00Z"),
            obs("8310-5", 37.0, "Cel", "2026-02-01T09:00:00Z"),
        ];
        let r = readings(&observations);
        assert_eq!(r.len(), 3);
        let (entries, left_off) = entries(Sex::Female, birth, Some(32), &r);
        assert_eq!(left_off, 0);
        // Weight twice, length once, weight-for-length once.
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].result, Err(Why::Growth(GrowthError::BeforeTerm)));
        let later = entries.iter().find(|e| e.date == date(2026, 2, 1)).unwrap();
        let s = later.result.as_ref().unwrap();
        // 123 days old, 56 days early: 67 days corrected.
        assert_eq!(later.corrected_days, Some(67));
        assert_eq!(s.age_days, 67);
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        assert_eq!(
            entry_age(&t, birth, later),
            "4 months (corrected age 2 months)"
        );
        let gs = groups(entries);
        assert_eq!(gs[0].indicator, Indicator::WeightForAge);
        assert_eq!(gs[0].table, Table::WhoWeightForAge);
        assert_eq!(gs[0].entries.len(), 2);
        assert!(gs
            .iter()
            .any(|g| g.indicator == Indicator::WeightForLengthHeight
                && g.table == Table::WhoWeightForLength));
    }

    #[test]
    fn the_chart_has_curves_axes_points_and_escaped_text() {
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        let points = vec![
            Point {
                x: 2.0,
                y: 5.6,
                title: "a <b> & c".into(),
            },
            Point {
                x: 4.0,
                y: 7.0,
                title: "d".into(),
            },
        ];
        let svg = chart_svg(
            &t,
            Table::WhoWeightForAge,
            Sex::Male,
            &points,
            &ChartText {
                id: "g1",
                title: "Weight for age",
                desc: "Two \"points\"",
                x_label: "Age (months)",
                y_label: "Weight (kg)",
            },
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches(r#"class="growth-point""#).count(), 2);
        assert_eq!(svg.matches("data-percentile=").count(), 9);
        for p in ["98", "50", "2"] {
            assert!(svg.contains(&format!(r#"data-percentile="{p}""#)));
        }
        assert!(svg.contains("a &lt;b&gt; &amp; c"));
        assert!(svg.contains("Two &quot;points&quot;"));
        assert!(svg.contains("Age (months)") && svg.contains("Weight (kg)"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // Every curve has 100-200 points or fewer over a 6-month range.
        let longest = svg
            .split("<path")
            .map(|p| p.matches(" L").count())
            .max()
            .unwrap();
        assert!((20..=200).contains(&longest), "{longest}");
    }
}
