//! Turning record items into what a parent reads: plain names before medical
//! terms, numbers with units and a date (DESIGN.md, "How it looks and feels").

use crate::i18n::{Arg, Tr};
use crate::views::{Badge, PatientLink, Row};
use jiff::civil::Date;
use jiff::Unit;
use sprout_domain::age::{age_in_years, LeapDayBirthday};
use sprout_domain::record::{
    AllergyIntolerance, Condition, Encounter, Immunization, MedicationRequest, Observation,
    ObservationComponent, Patient,
};

/// LOINC codes of blood pressure's components.
const SYSTOLIC: &str = "8480-6";
const DIASTOLIC: &str = "8462-4";

/// The vital signs the portal names in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vital {
    Weight,
    Height,
    Bmi,
    HeadCircumference,
    BloodPressure,
    Temperature,
    HeartRate,
    RespiratoryRate,
    OxygenSaturation,
    Pain,
    WeightForLengthPercentile,
    BmiPercentile,
    HeadCircumferencePercentile,
}

impl Vital {
    /// The vital a LOINC code measures.
    pub fn from_loinc(code: &str) -> Option<Self> {
        Self::LOINC
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| *v)
    }

    /// LOINC codes and the vital each measures.
    const LOINC: [(&'static str, Vital); 21] = [
        ("29463-7", Self::Weight),
        ("3141-9", Self::Weight),
        ("8302-2", Self::Height),
        ("8306-3", Self::Height),
        ("8308-9", Self::Height),
        ("39156-5", Self::Bmi),
        ("9843-4", Self::HeadCircumference),
        ("8287-5", Self::HeadCircumference),
        ("85354-9", Self::BloodPressure),
        ("55284-4", Self::BloodPressure),
        ("8310-5", Self::Temperature),
        ("8331-1", Self::Temperature),
        ("8332-9", Self::Temperature),
        ("8867-4", Self::HeartRate),
        ("9279-1", Self::RespiratoryRate),
        ("2708-6", Self::OxygenSaturation),
        ("59408-5", Self::OxygenSaturation),
        ("72514-3", Self::Pain),
        ("77606-2", Self::WeightForLengthPercentile),
        ("59576-9", Self::BmiPercentile),
        ("8289-1", Self::HeadCircumferencePercentile),
    ];

    /// The LOINC codes of the vitals in [`Vital::SUMMARY`].
    pub(crate) fn summary_loinc() -> Vec<&'static str> {
        Self::LOINC
            .iter()
            .filter(|(_, v)| Self::SUMMARY.contains(v))
            .map(|(c, _)| *c)
            .collect()
    }

    fn key(self) -> &'static str {
        match self {
            Self::Weight => "vital-weight",
            Self::Height => "vital-height",
            Self::Bmi => "vital-bmi",
            Self::HeadCircumference => "vital-head",
            Self::BloodPressure => "vital-blood-pressure",
            Self::Temperature => "vital-temperature",
            Self::HeartRate => "vital-heart-rate",
            Self::RespiratoryRate => "vital-respiratory-rate",
            Self::OxygenSaturation => "vital-oxygen",
            Self::Pain => "vital-pain",
            Self::WeightForLengthPercentile => "vital-weight-for-length-percentile",
            Self::BmiPercentile => "vital-bmi-percentile",
            Self::HeadCircumferencePercentile => "vital-head-percentile",
        }
    }

    fn is_percentile(self) -> bool {
        matches!(
            self,
            Self::WeightForLengthPercentile
                | Self::BmiPercentile
                | Self::HeadCircumferencePercentile
        )
    }

    /// The vitals the summary shows the latest of, in order.
    pub const SUMMARY: [Vital; 6] = [
        Vital::Weight,
        Vital::Height,
        Vital::Bmi,
        Vital::HeadCircumference,
        Vital::BloodPressure,
        Vital::Temperature,
    ];
}

/// A UCUM unit as people write it (`mm[Hg]` → `mmHg`, `Cel` → `°C`).
pub(crate) fn unit_text(ucum: &str) -> String {
    match ucum {
        "mm[Hg]" => "mmHg".into(),
        "[degF]" => "°F".into(),
        "Cel" => "°C".into(),
        "kg/m2" => "kg/m²".into(),
        "[in_i]" => "in".into(),
        "[lb_av]" => "lb".into(),
        "{score}" | "1" => String::new(),
        other => {
            // Drop UCUM annotations such as `{beats}/min`.
            let mut out = String::new();
            let mut depth = 0;
            for ch in other.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    c if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            out
        }
    }
}

fn with_unit(t: &Tr<'_>, value: f64, decimals: usize, unit: Option<&str>) -> String {
    let n = t.num(value, decimals);
    match unit.map(unit_text) {
        Some(u) if u == "%" => format!("{n}%"),
        Some(u) if !u.is_empty() => format!("{n} {u}"),
        _ => n,
    }
}

/// "18.2 kg (40 lb 2 oz)" and the like: the value with its unit, plus the
/// customary US unit for weights, lengths and Celsius temperatures.
pub(crate) fn vital_value(t: &Tr<'_>, o: &Observation) -> Option<String> {
    let vital = o.loinc.as_deref().and_then(Vital::from_loinc);
    if vital == Some(Vital::BloodPressure) || (o.value.is_none() && !o.components.is_empty()) {
        if let Some(bp) = blood_pressure(t, &o.components) {
            return Some(bp);
        }
    }
    let Some(v) = o.value else {
        return o
            .value_text
            .clone()
            .or_else(|| components_text(t, &o.components));
    };
    let unit = o.unit.as_deref();
    Some(match (vital, unit) {
        (Some(k), _) if k.is_percentile() => t.with(
            "percentile",
            &[("n", Arg::Num(v.round().clamp(0.0, 100.0) as i64))],
        ),
        (_, Some("kg")) => {
            let decimals = if v < 10.0 { 2 } else { 1 };
            let total_oz = (v * 35.273_961_95).round() as i64;
            format!(
                "{} ({})",
                with_unit(t, v, decimals, unit),
                t.with(
                    "pounds-ounces",
                    &[
                        ("lb", Arg::Num(total_oz / 16)),
                        ("oz", Arg::Num(total_oz % 16))
                    ]
                )
            )
        }
        (_, Some("cm")) => format!("{} ({} in)", with_unit(t, v, 1, unit), t.num(v / 2.54, 1)),
        (_, Some("Cel")) => format!(
            "{} ({} °F)",
            with_unit(t, v, 1, unit),
            t.num(v * 9.0 / 5.0 + 32.0, 1)
        ),
        (Some(Vital::HeartRate), _) => {
            t.with("beats-per-minute", &[("n", Arg::Num(v.round() as i64))])
        }
        (Some(Vital::RespiratoryRate), _) => {
            t.with("breaths-per-minute", &[("n", Arg::Num(v.round() as i64))])
        }
        (Some(Vital::OxygenSaturation | Vital::Pain), _) => with_unit(t, v, 0, unit),
        _ => with_unit(t, v, 2, unit),
    })
}

fn blood_pressure(t: &Tr<'_>, components: &[ObservationComponent]) -> Option<String> {
    let find = |code: &str| {
        components
            .iter()
            .find(|c| c.code.as_deref() == Some(code))
            .and_then(|c| c.value)
    };
    let (sys, dia) = (find(SYSTOLIC)?, find(DIASTOLIC)?);
    Some(format!("{}/{} mmHg", t.num(sys, 0), t.num(dia, 0)))
}

fn components_text(t: &Tr<'_>, components: &[ObservationComponent]) -> Option<String> {
    let parts: Vec<String> = components
        .iter()
        .filter_map(|c| {
            c.value
                .map(|v| format!("{}: {}", c.display, with_unit(t, v, 2, c.unit.as_deref())))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The plain name of an Observation ("Weight" rather than "Body Weight").
pub(crate) fn observation_name(t: &Tr<'_>, o: &Observation) -> String {
    match o.loinc.as_deref().and_then(Vital::from_loinc) {
        Some(v) => t.get(v.key()),
        None => o.display.clone(),
    }
}

fn date_line(t: &Tr<'_>, text: Option<&str>) -> String {
    text.and_then(|d| t.date_text(d))
        .unwrap_or_else(|| t.get("date-unknown"))
}

/// A translated status code, or the code itself when the catalog has no word.
fn status_word(t: &Tr<'_>, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}-{code}");
    let word = t.get(&key);
    if word == key {
        code.to_owned()
    } else {
        word
    }
}

/// A vital sign as a row.
pub(crate) fn vital_row(t: &Tr<'_>, o: &Observation) -> Row {
    Row {
        title: observation_name(t, o),
        value: vital_value(t, o),
        badge: None,
        lines: vec![date_line(t, o.effective.as_deref())],
    }
}

/// A laboratory result as a row.
pub(crate) fn lab_row(t: &Tr<'_>, o: &Observation) -> Row {
    let badge = match o.status.as_str() {
        "final" | "" => None,
        "amended" | "corrected" => {
            Some(Badge::new(status_word(t, "obs-status", &o.status), "muted"))
        }
        other => Some(Badge::new(status_word(t, "obs-status", other), "warn")),
    };
    Row {
        title: o.display.clone(),
        value: vital_value(t, o),
        badge,
        lines: vec![date_line(t, o.effective.as_deref())],
    }
}

/// The vaccine's name: CDC's short description of the CVX code, else the
/// source's text.
pub(crate) fn vaccine_name(i: &Immunization) -> String {
    i.cvx
        .as_deref()
        .and_then(sprout_domain::cvx::lookup)
        .map(|c| c.short_description.to_owned())
        .unwrap_or_else(|| i.vaccine_text.clone())
}

/// An immunization as a row: given, not given (with the reason) or entered in
/// error.
pub(crate) fn immunization_row(t: &Tr<'_>, i: &Immunization) -> Row {
    let mut lines = vec![i
        .occurrence
        .map(|d| t.date(d))
        .unwrap_or_else(|| t.get("date-unknown"))];
    let badge = match i.status.as_str() {
        "completed" => (t.get("imm-given"), "ok"),
        "not-done" => {
            if let Some(reason) = &i.status_reason {
                lines.push(t.with("imm-reason", &[("reason", Arg::Text(reason))]));
            }
            (t.get("imm-not-given"), "warn")
        }
        "entered-in-error" => (t.get("imm-entered-in-error"), "muted"),
        other => (other.to_owned(), "muted"),
    };
    if let Some(lot) = &i.lot_number {
        lines.push(t.with("imm-lot", &[("lot", Arg::Text(lot))]));
    }
    Row {
        title: vaccine_name(i),
        value: None,
        badge: Some(Badge::new(badge.0, badge.1)),
        lines,
    }
}

/// A medication as a row.
pub(crate) fn medication_row(t: &Tr<'_>, m: &MedicationRequest) -> Row {
    let tone = if m.status == "active" { "ok" } else { "muted" };
    let mut lines = Vec::new();
    if let Some(d) = &m.dosage_text {
        lines.push(d.clone());
    }
    let date = date_line(t, m.authored_on.as_deref());
    lines.push(match &m.prescriber {
        Some(p) => t.with(
            "med-prescribed-by",
            &[("date", Arg::Text(&date)), ("prescriber", Arg::Text(p))],
        ),
        None => t.with("med-prescribed", &[("date", Arg::Text(&date))]),
    });
    Row {
        title: m.medication_text.clone(),
        value: None,
        badge: Some(Badge::new(status_word(t, "med-status", &m.status), tone)),
        lines,
    }
}

/// An allergy as a row.
pub(crate) fn allergy_row(t: &Tr<'_>, a: &AllergyIntolerance) -> Row {
    let mut lines = Vec::new();
    if let Some(r) = &a.reaction {
        lines.push(t.with("allergy-reaction", &[("reaction", Arg::Text(r))]));
    }
    if let Some(c) = &a.category {
        let cats: Vec<String> = c
            .split(',')
            .map(|x| status_word(t, "allergy-category", x.trim()))
            .collect();
        lines.push(cats.join(", "));
    }
    if a.recorded.is_some() {
        let date = date_line(t, a.recorded.as_deref());
        lines.push(t.with("recorded-on", &[("date", Arg::Text(&date))]));
    }
    let badge = match (a.criticality.as_deref(), a.clinical_status.as_deref()) {
        (_, Some(s @ ("inactive" | "resolved"))) => {
            Some(Badge::new(status_word(t, "allergy-status", s), "muted"))
        }
        (Some("high"), _) => Some(Badge::new(t.get("allergy-high-risk"), "warn")),
        (_, Some(s)) => Some(Badge::new(status_word(t, "allergy-status", s), "ok")),
        _ => None,
    };
    Row {
        title: a.display.clone(),
        value: None,
        badge,
        lines,
    }
}

/// A problem (Condition) as a row.
pub(crate) fn problem_row(t: &Tr<'_>, c: &Condition) -> Row {
    let mut lines = Vec::new();
    if let Some(onset) = c.onset.as_deref().and_then(|d| t.date_text(d)) {
        lines.push(t.with("problem-since", &[("date", Arg::Text(&onset))]));
    }
    if let Some(end) = c.abatement.as_deref().and_then(|d| t.date_text(d)) {
        lines.push(t.with("problem-resolved-on", &[("date", Arg::Text(&end))]));
    }
    let badge = c.clinical_status.as_deref().map(|s| {
        let tone = if matches!(s, "active" | "recurrence" | "relapse") {
            "warn"
        } else {
            "muted"
        };
        Badge::new(status_word(t, "problem-status", s), tone)
    });
    Row {
        title: c.display.clone(),
        value: None,
        badge,
        lines,
    }
}

/// A visit (Encounter) as a row.
pub(crate) fn visit_row(t: &Tr<'_>, e: &Encounter) -> Row {
    let kind = e
        .class_code
        .as_deref()
        .map(|c| status_word(t, "visit-class", &c.to_ascii_lowercase()));
    let title = e
        .type_text
        .clone()
        .or(kind.clone())
        .unwrap_or_else(|| t.get("visit"));
    let mut lines = vec![date_line(t, e.start.as_deref())];
    if let (Some(k), Some(_)) = (&kind, &e.type_text) {
        lines.push(k.clone());
    }
    if let Some(r) = &e.reason_text {
        lines.push(t.with("visit-reason", &[("reason", Arg::Text(r))]));
    }
    match (&e.practitioner, &e.location) {
        (Some(p), Some(l)) => lines.push(t.with(
            "visit-with-at",
            &[("practitioner", Arg::Text(p)), ("location", Arg::Text(l))],
        )),
        (Some(p), None) => lines.push(t.with("visit-with", &[("practitioner", Arg::Text(p))])),
        (None, Some(l)) => lines.push(t.with("visit-at", &[("location", Arg::Text(l))])),
        (None, None) => {}
    }
    let badge = match e.status.as_str() {
        "finished" | "" => None,
        other => Some(Badge::new(status_word(t, "visit-status", other), "muted")),
    };
    Row {
        title,
        value: None,
        badge,
        lines,
    }
}

/// Age in words: days or weeks for newborns, months under two, years after.
pub(crate) fn age_text(t: &Tr<'_>, birth: Date, today: Date) -> String {
    if today < birth {
        return String::new();
    }
    let years = age_in_years(birth, today, LeapDayBirthday::March1);
    if years >= 2 {
        return t.with("age-years", &[("n", Arg::Num(i64::from(years)))]);
    }
    let months = birth
        .until((Unit::Month, today))
        .map(|s| i64::from(s.get_months()))
        .unwrap_or(0);
    if months >= 1 {
        return t.with("age-months", &[("n", Arg::Num(months))]);
    }
    let days = birth
        .until((Unit::Day, today))
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0);
    if days >= 7 {
        t.with("age-weeks", &[("n", Arg::Num(days / 7))])
    } else {
        t.with("age-days", &[("n", Arg::Num(days))])
    }
}

/// The initial shown in a patient's avatar.
pub(crate) fn initial(p: &Patient) -> String {
    p.given_name
        .chars()
        .chain(p.family_name.chars())
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned())
}

/// One of six avatar colours, stable per patient.
pub(crate) fn avatar_class(p: &Patient) -> &'static str {
    const CLASSES: [&str; 6] = ["av-0", "av-1", "av-2", "av-3", "av-4", "av-5"];
    let sum: usize = p.id.as_str().bytes().map(usize::from).sum();
    CLASSES[sum % CLASSES.len()]
}

/// A patient as a card or link, pointing at `href`.
pub(crate) fn patient_link(t: &Tr<'_>, p: &Patient, today: Date, href: String) -> PatientLink {
    PatientLink {
        href,
        name: p.display_name(),
        initial: initial(p),
        avatar: avatar_class(p),
        age: age_text(t, p.birth_date, today),
        born: t.with("born-on", &[("date", Arg::Text(&t.date(p.birth_date)))]),
    }
}

/// Codes whose words come from the catalog by prefix (`med-status-active`); a
/// unit test checks every one is in both catalogs.
#[cfg(test)]
pub(crate) const DYNAMIC_KEYS: &[(&str, &[&str])] = &[
    (
        "med-status",
        &[
            "active",
            "on-hold",
            "cancelled",
            "completed",
            "entered-in-error",
            "stopped",
            "draft",
            "unknown",
        ],
    ),
    (
        "problem-status",
        &[
            "active",
            "recurrence",
            "relapse",
            "inactive",
            "remission",
            "resolved",
        ],
    ),
    ("allergy-status", &["active", "inactive", "resolved"]),
    (
        "allergy-category",
        &["food", "medication", "environment", "biologic"],
    ),
    (
        "obs-status",
        &[
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        ],
    ),
    (
        "visit-class",
        &[
            "amb", "emer", "imp", "acute", "nonac", "obsenc", "prenc", "ss", "vr", "hh", "fld",
        ],
    ),
    (
        "visit-status",
        &[
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        ],
    ),
    ("staff-role", &["front-desk", "nurse", "clinician", "admin"]),
    (
        "month",
        &[
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Locale};
    use jiff::civil::date;
    use sprout_domain::record::{ItemMeta, Labels, ObservationCategory};
    use sprout_domain::{ItemId, PatientId};

    fn obs(loinc: &str, value: Option<f64>, unit: &str) -> Observation {
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
            display: "Body Weight".into(),
            effective: Some("2024-03-05T10:00:00Z".into()),
            value,
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
    fn dynamic_keys_exist_in_both_languages() {
        let i18n = I18n::new();
        for l in Locale::ALL {
            let t = i18n.tr(l);
            for (prefix, codes) in DYNAMIC_KEYS {
                for c in *codes {
                    let key = format!("{prefix}-{c}");
                    assert_ne!(t.get(&key), key, "{} lacks {key}", l.code());
                }
            }
        }
    }

    #[test]
    fn vitals_read_plainly() {
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        let w = obs("29463-7", Some(18.2), "kg");
        assert_eq!(observation_name(&t, &w), "Weight");
        assert_eq!(vital_value(&t, &w).unwrap(), "18.2 kg (40 lb 2 oz)");
        let mut bp = obs("85354-9", None, "mm[Hg]");
        bp.components = vec![
            ObservationComponent {
                code: Some(SYSTOLIC.into()),
                display: "Systolic".into(),
                value: Some(120.0),
                unit: Some("mm[Hg]".into()),
            },
            ObservationComponent {
                code: Some(DIASTOLIC.into()),
                display: "Diastolic".into(),
                value: Some(80.0),
                unit: Some("mm[Hg]".into()),
            },
        ];
        assert_eq!(vital_value(&t, &bp).unwrap(), "120/80 mmHg");
        assert_eq!(observation_name(&t, &bp), "Blood pressure");
        let pct = obs("77606-2", Some(62.4), "%");
        assert_eq!(vital_value(&t, &pct).unwrap(), "62nd percentile");
        let temp = obs("8310-5", Some(37.0), "Cel");
        assert_eq!(vital_value(&t, &temp).unwrap(), "37 °C (98.6 °F)");
        let hr = obs("8867-4", Some(92.0), "/min");
        assert_eq!(vital_value(&t, &hr).unwrap(), "92 beats per minute");
        let es = i18n.tr(Locale::Es);
        assert_eq!(vital_value(&es, &w).unwrap(), "18,2 kg (40 lb 2 oz)");
        assert_eq!(observation_name(&es, &w), "Peso");
    }

    #[test]
    fn ages_in_words() {
        let i18n = I18n::new();
        let t = i18n.tr(Locale::En);
        let b = date(2024, 1, 10);
        assert_eq!(age_text(&t, b, date(2024, 1, 13)), "3 days old");
        assert_eq!(age_text(&t, b, date(2024, 1, 31)), "3 weeks old");
        assert_eq!(age_text(&t, b, date(2025, 7, 10)), "18 months old");
        assert_eq!(age_text(&t, b, date(2030, 1, 9)), "5 years old");
    }

    #[test]
    fn units_are_written_for_people() {
        assert_eq!(unit_text("mm[Hg]"), "mmHg");
        assert_eq!(unit_text("{beats}/min"), "/min");
        assert_eq!(unit_text("kg/m2"), "kg/m²");
        assert_eq!(unit_text("mg/dL"), "mg/dL");
    }
}
