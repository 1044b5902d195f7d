//! Results, notes and documents: laboratory reference ranges and abnormal
//! flags, DiagnosticReports, DocumentReferences (clinical notes, visit
//! summaries, other documents), and which release category and time every
//! record item has ([`Releasable`]).
//!
//! Shapes follow FHIR R4 (`Observation.referenceRange`,
//! `Observation.interpretation`, `DiagnosticReport`, `DocumentReference`),
//! reduced to what the portal shows.

use crate::record::{
    AllergyIntolerance, Condition, Encounter, Immunization, ItemMeta, MedicationRequest,
    Observation, ObservationCategory, RecordItem, Section,
};
use crate::release::ReleaseCategory;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// An Observation's reference range (`Observation.referenceRange`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReferenceRange {
    /// Lower limit (`low.value`), in the result's unit.
    pub low: Option<f64>,
    /// Upper limit (`high.value`), in the result's unit.
    pub high: Option<f64>,
    /// Unit of the limits (UCUM), when given.
    pub unit: Option<String>,
    /// The range as text (`text`: "negative", "< 0.35 kU/L").
    pub text: Option<String>,
    /// `false` when the laboratory sent it; `true` when Sprout supplied a
    /// typical range because the laboratory sent none ([`typical_range`]).
    #[serde(default)]
    pub typical: bool,
}

/// An abnormal flag of a result (HL7 v3 ObservationInterpretation, reduced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// Below the range (`L`, `LL`, `LU`).
    Low,
    /// Above the range (`H`, `HH`, `HU`).
    High,
    /// Abnormal, or positive / detected (`A`, `AA`, `POS`, `DET`, `R`).
    Abnormal,
    /// Normal, negative, not detected (`N`, `NEG`, `ND`, `S`).
    Normal,
}

impl Flag {
    /// The flag of an ObservationInterpretation code; `None` for codes that
    /// say nothing about normality (`I`, `IND`, `E`...).
    pub fn from_interpretation(code: &str) -> Option<Self> {
        Some(match code {
            "L" | "LL" | "LU" | "<" => Self::Low,
            "H" | "HH" | "HU" | ">" => Self::High,
            "A" | "AA" | "POS" | "DET" | "R" | "W" => Self::Abnormal,
            "N" | "NEG" | "ND" | "S" => Self::Normal,
            _ => return None,
        })
    }

    /// The code as used in pages and styles (`low`, `high`...).
    pub fn code(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::High => "high",
            Self::Abnormal => "abnormal",
            Self::Normal => "normal",
        }
    }
}

/// The flag of a result: the laboratory's interpretation when it gave one,
/// else the value against the range (below `low`: low; above `high`: high;
/// within: normal); `None` when neither says.
pub fn flag(
    value: Option<f64>,
    range: Option<&ReferenceRange>,
    interpretation: Option<&str>,
) -> Option<Flag> {
    if let Some(f) = interpretation.and_then(Flag::from_interpretation) {
        return Some(f);
    }
    let (v, r) = (value?, range?);
    if r.low.is_none() && r.high.is_none() {
        return None;
    }
    if r.low.is_some_and(|l| v < l) {
        Some(Flag::Low)
    } else if r.high.is_some_and(|h| v > h) {
        Some(Flag::High)
    } else {
        Some(Flag::Normal)
    }
}

/// Typical reference intervals for results the laboratory sent without one,
/// by LOINC code and age: `(loinc, low, high, unit, ages)`, where `ages` are
/// the whole years of age at the result the interval is meant for (a range
/// outside them says nothing: a 2-month-old's hemoglobin is normally below a
/// school child's, so a school-age range would flag it low).
///
/// Sources (hand-curated): complete blood count, typical values for children
/// of school age from pediatric hematology reference tables (The Harriet Lane
/// Handbook, hematologic reference values, ages 6-12 years, and hemoglobin
/// at 0.5-2 years for children in their second year); allergen-specific
/// IgE, the ImmunoCAP class 0 limit (< 0.35 kU/L, Thermo Fisher Scientific,
/// any age); blood lead, CDC's blood lead reference value (3.5 ug/dL, 2021,
/// children); lipids, the "acceptable" levels for children and adolescents of
/// the NHLBI Expert Panel on Cardiovascular Health and Risk Reduction in
/// Children (2011): total cholesterol < 170 mg/dL and HDL > 45 mg/dL (2-19
/// years, the ages the panel screens), triglycerides < 75 mg/dL (0-9 years)
/// and < 90 mg/dL (10-19 years).
/// Pages label them "typical range", never as the laboratory's.
pub const TYPICAL_RANGES: &[TypicalRange] = &[
    ("6690-2", Some(4.5), Some(13.5), "10*3/uL", SCHOOL_AGE),
    ("789-8", Some(4.0), Some(5.2), "10*6/uL", SCHOOL_AGE),
    ("718-7", Some(11.5), Some(15.5), "g/dL", SCHOOL_AGE),
    // Hemoglobin in the second year (the Bright Futures anemia screen at 12
    // months): the same tables' 0.5-2 year band, mean 12.0, -2 SD 10.5.
    ("718-7", Some(10.5), Some(13.5), "g/dL", (1, 1)),
    ("4544-3", Some(35.0), Some(45.0), "%", SCHOOL_AGE),
    ("787-2", Some(77.0), Some(95.0), "fL", SCHOOL_AGE),
    ("785-6", Some(25.0), Some(33.0), "pg", SCHOOL_AGE),
    ("786-4", Some(31.0), Some(37.0), "g/dL", SCHOOL_AGE),
    ("21000-5", Some(39.0), Some(46.0), "fL", SCHOOL_AGE),
    ("777-3", Some(150.0), Some(450.0), "10*3/uL", SCHOOL_AGE),
    ("32623-1", Some(7.4), Some(10.4), "fL", SCHOOL_AGE),
    ("32207-3", Some(9.0), Some(17.0), "fL", SCHOOL_AGE),
    // Allergen-specific IgE (ImmunoCAP), kU/L.
    ("6075-6", None, Some(0.35), "kU/L", ANY_AGE),
    ("6082-2", None, Some(0.35), "kU/L", ANY_AGE),
    ("6085-5", None, Some(0.35), "kU/L", ANY_AGE),
    ("6095-4", None, Some(0.35), "kU/L", ANY_AGE),
    ("6106-9", None, Some(0.35), "kU/L", ANY_AGE),
    ("6158-0", None, Some(0.35), "kU/L", ANY_AGE),
    ("6189-5", None, Some(0.35), "kU/L", ANY_AGE),
    ("6206-7", None, Some(0.35), "kU/L", ANY_AGE),
    ("6246-3", None, Some(0.35), "kU/L", ANY_AGE),
    ("6248-9", None, Some(0.35), "kU/L", ANY_AGE),
    ("6273-7", None, Some(0.35), "kU/L", ANY_AGE),
    ("6276-0", None, Some(0.35), "kU/L", ANY_AGE),
    ("6833-8", None, Some(0.35), "kU/L", ANY_AGE),
    ("6844-5", None, Some(0.35), "kU/L", ANY_AGE),
    ("7258-7", None, Some(0.35), "kU/L", ANY_AGE),
    // Blood lead (CDC reference value, children).
    ("5671-3", None, Some(3.5), "ug/dL", (0, 17)),
    // Lipids (NHLBI 2011, acceptable levels).
    ("2093-3", None, Some(170.0), "mg/dL", (2, 19)),
    ("2085-9", Some(45.0), None, "mg/dL", (2, 19)),
    ("2571-8", None, Some(75.0), "mg/dL", (0, 9)),
    ("2571-8", None, Some(90.0), "mg/dL", (10, 19)),
];

/// One row of [`TYPICAL_RANGES`]: LOINC code, low, high, UCUM unit, and the
/// first and last whole year of age it is meant for.
pub type TypicalRange = (
    &'static str,
    Option<f64>,
    Option<f64>,
    &'static str,
    (i16, i16),
);

/// Ages 6 to 12 years (the hematology tables' school-age band).
const SCHOOL_AGE: (i16, i16) = (6, 12);
/// Every age.
const ANY_AGE: (i16, i16) = (0, i16::MAX);

/// The typical range of a result with this LOINC code, in this unit, for a
/// patient of `age_years` whole years at the result, when Sprout has one
/// ([`TYPICAL_RANGES`]); `None` for another unit (a range in other units
/// would mislead) or an age outside the range's ages (an unknown age matches
/// only ranges meant for every age).
pub fn typical_range(
    loinc: &str,
    unit: Option<&str>,
    age_years: Option<i16>,
) -> Option<ReferenceRange> {
    let (_, low, high, u, _) = TYPICAL_RANGES.iter().find(|(c, .., (from, to))| {
        *c == loinc
            && match age_years {
                Some(a) => (*from..=*to).contains(&a),
                None => (*from, *to) == ANY_AGE,
            }
    })?;
    if unit.is_some_and(|x| x != *u) {
        return None;
    }
    Some(ReferenceRange {
        low: *low,
        high: *high,
        unit: Some((*u).to_owned()),
        text: None,
        typical: true,
    })
}

/// The range to show and flag a result against: the laboratory's when it
/// sent one; otherwise Sprout's typical range for the patient's age on the
/// day of the result (`birth_date`, `effective`: the result's date). A
/// typical range stored at import (which did not know the age) is looked up
/// again here, so it is never one meant for another age.
pub fn range_for_result(
    stored: Option<&ReferenceRange>,
    loinc: Option<&str>,
    unit: Option<&str>,
    birth_date: Date,
    effective: Option<Date>,
) -> Option<ReferenceRange> {
    if let Some(r) = stored.filter(|r| !r.typical) {
        return Some(r.clone());
    }
    let age = effective.map(|d| {
        let years = crate::age::age_in_years(birth_date, d, Default::default());
        i16::try_from(years).unwrap_or(i16::MAX)
    });
    typical_range(loinc?, unit, age)
}

/// A DiagnosticReport: a laboratory panel that groups results, or an imaging
/// or other report with its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticReport {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// FHIR status (`final`, `preliminary`, `amended`...).
    pub status: String,
    /// Service section code (HL7 v2 table 0074: `LAB`, `RAD`, `PAT`...), when given.
    pub category: Option<String>,
    /// LOINC code of the report, when coded in LOINC.
    pub loinc: Option<String>,
    /// What the report is, as text.
    pub display: String,
    /// When (clinically relevant time), FHIR dateTime text.
    pub effective: Option<String>,
    /// When issued, FHIR instant text.
    pub issued: Option<String>,
    /// The conclusion, as text.
    pub conclusion: Option<String>,
    /// The report's text (a `text/plain` presentedForm), if any.
    pub text: Option<String>,
    /// Source ids of the Observations it groups (`result`), in order.
    pub result_source_ids: Vec<String>,
    /// Who issued it, as displayed.
    pub performer: Option<String>,
    /// Source id of the Encounter, if any.
    pub encounter_source_id: Option<String>,
}

impl DiagnosticReport {
    /// Whether it is a laboratory report (category `LAB` or one of its
    /// sections, or grouping results without a category).
    pub fn is_laboratory(&self) -> bool {
        match self.category.as_deref() {
            Some(c) => matches!(c, "LAB" | "HM" | "CH" | "MB" | "SR" | "IMM" | "laboratory"),
            None => !self.result_source_ids.is_empty(),
        }
    }
}

crate::record::code_enum!(
    /// What a DocumentReference is, for sections and release rules.
    DocumentKind, "document kind", {
        /// An after-visit or discharge summary.
        VisitSummary = "visit-summary",
        /// A clinical note (progress, history and physical, consult...).
        ClinicalNote = "clinical-note",
        /// Any other document (letters, forms, outside records).
        Document = "document",
    }
);

impl DocumentKind {
    /// The kind of a document by its type (LOINC document ontology code) and
    /// category codes (US Core `clinical-note`).
    ///
    /// Visit summaries: 34133-9 Summary of episode note, 18842-5 Discharge
    /// summary, 11490-0 Physician discharge summary. Clinical notes: 11506-3
    /// Progress note, 34117-2 History and physical note, 11488-4 Consult note,
    /// 28570-0 Procedure note, 34109-9 Note, 51845-6 Outpatient note, 18748-4
    /// Diagnostic imaging study, and anything in category `clinical-note`.
    pub fn of_codes(type_codes: &[&str], category_codes: &[&str]) -> Self {
        if type_codes
            .iter()
            .any(|c| matches!(*c, "34133-9" | "18842-5" | "11490-0"))
        {
            Self::VisitSummary
        } else if type_codes.iter().any(|c| {
            matches!(
                *c,
                "11506-3" | "34117-2" | "11488-4" | "28570-0" | "34109-9" | "51845-6" | "18748-4"
            )
        }) || category_codes.contains(&"clinical-note")
        {
            Self::ClinicalNote
        } else {
            Self::Document
        }
    }

    /// The record section documents of this kind belong to.
    pub fn section(self) -> Section {
        match self {
            Self::VisitSummary => Section::VisitSummaries,
            Self::ClinicalNote => Section::ClinicalNotes,
            Self::Document => Section::Documents,
        }
    }

    /// The release category of documents of this kind.
    pub fn release_category(self) -> ReleaseCategory {
        match self {
            Self::VisitSummary => ReleaseCategory::VisitSummaries,
            Self::ClinicalNote => ReleaseCategory::ClinicalNotes,
            Self::Document => ReleaseCategory::Documents,
        }
    }
}

/// A document's attached content (`DocumentReference.content.attachment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// MIME type (`application/pdf`, `text/plain`).
    pub content_type: String,
    /// Title, when given.
    pub title: Option<String>,
    /// Size in bytes of the data.
    pub size: Option<u64>,
    /// The data, base64 as in FHIR; filled only when the content itself is
    /// read (a download), `None` in lists.
    pub data: Option<String>,
}

/// A DocumentReference: a clinical note, a visit summary or another document,
/// with its text or an attached file (PDF).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentReference {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// FHIR status (`current`, `superseded`, `entered-in-error`).
    pub status: String,
    /// Visit summary, clinical note or other document.
    pub kind: DocumentKind,
    /// The type's LOINC code, when coded in LOINC.
    pub type_code: Option<String>,
    /// The type, as text ("Progress note").
    pub type_text: String,
    /// When the document was made, FHIR instant text.
    pub date: Option<String>,
    /// Human-readable description.
    pub description: Option<String>,
    /// Author, as displayed.
    pub author: Option<String>,
    /// Source id of the Encounter (`context.encounter`), if any.
    pub encounter_source_id: Option<String>,
    /// The document's text (a `text/plain` attachment, decoded), if any.
    pub text: Option<String>,
    /// A file to download (a PDF), if any.
    pub attachment: Option<Attachment>,
}

/// Record items have a release category and a time the release rules count
/// from (see [`crate::release::availability`]).
pub trait Releasable {
    /// The category whose rule applies.
    fn release_category(&self) -> ReleaseCategory;
    /// When the item came to be, FHIR date/dateTime/instant text.
    fn release_time(&self) -> Option<&str>;
}

impl Releasable for Observation {
    fn release_category(&self) -> ReleaseCategory {
        match self.category {
            ObservationCategory::VitalSigns => ReleaseCategory::Vitals,
            ObservationCategory::Laboratory => ReleaseCategory::LabResults,
        }
    }
    fn release_time(&self) -> Option<&str> {
        self.issued.as_deref().or(self.effective.as_deref())
    }
}

impl Releasable for Encounter {
    fn release_category(&self) -> ReleaseCategory {
        ReleaseCategory::VisitSummaries
    }
    fn release_time(&self) -> Option<&str> {
        self.end.as_deref().or(self.start.as_deref())
    }
}

impl Releasable for Immunization {
    fn release_category(&self) -> ReleaseCategory {
        ReleaseCategory::Immunizations
    }
    fn release_time(&self) -> Option<&str> {
        None
    }
}

impl Releasable for MedicationRequest {
    fn release_category(&self) -> ReleaseCategory {
        ReleaseCategory::Medications
    }
    fn release_time(&self) -> Option<&str> {
        self.authored_on.as_deref()
    }
}

impl Releasable for AllergyIntolerance {
    fn release_category(&self) -> ReleaseCategory {
        ReleaseCategory::Allergies
    }
    fn release_time(&self) -> Option<&str> {
        self.recorded.as_deref()
    }
}

impl Releasable for Condition {
    fn release_category(&self) -> ReleaseCategory {
        ReleaseCategory::Problems
    }
    fn release_time(&self) -> Option<&str> {
        self.recorded.as_deref().or(self.onset.as_deref())
    }
}

impl Releasable for DiagnosticReport {
    fn release_category(&self) -> ReleaseCategory {
        if self.is_laboratory() {
            ReleaseCategory::LabResults
        } else {
            ReleaseCategory::DiagnosticReports
        }
    }
    fn release_time(&self) -> Option<&str> {
        self.issued.as_deref().or(self.effective.as_deref())
    }
}

impl Releasable for DocumentReference {
    fn release_category(&self) -> ReleaseCategory {
        self.kind.release_category()
    }
    fn release_time(&self) -> Option<&str> {
        self.date.as_deref()
    }
}

impl RecordItem {
    /// The item's release category.
    pub fn release_category(&self) -> ReleaseCategory {
        match self {
            Self::Encounter(x) => x.release_category(),
            Self::Observation(x) => x.release_category(),
            Self::Immunization(x) => x.release_category(),
            Self::MedicationRequest(x) => x.release_category(),
            Self::AllergyIntolerance(x) => x.release_category(),
            Self::Condition(x) => x.release_category(),
            Self::DiagnosticReport(x) => x.release_category(),
            Self::DocumentReference(x) => x.release_category(),
            // Appointments are the schedule, not results: the appointments
            // page shows them at once and applies no release rule. Asked
            // anyway, they count with visits.
            Self::Appointment(_) => ReleaseCategory::VisitSummaries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_from_interpretation_then_range() {
        let r = ReferenceRange {
            low: Some(11.5),
            high: Some(15.5),
            ..Default::default()
        };
        assert_eq!(flag(Some(10.0), Some(&r), None), Some(Flag::Low));
        assert_eq!(flag(Some(16.0), Some(&r), None), Some(Flag::High));
        assert_eq!(flag(Some(15.5), Some(&r), None), Some(Flag::Normal));
        assert_eq!(flag(Some(16.0), Some(&r), Some("N")), Some(Flag::Normal));
        assert_eq!(flag(None, None, Some("POS")), Some(Flag::Abnormal));
        assert_eq!(flag(Some(1.0), None, None), None);
    }

    #[test]
    fn typical_ranges_only_in_their_unit() {
        let r = typical_range("718-7", Some("g/dL"), Some(8)).unwrap();
        assert_eq!((r.low, r.high, r.typical), (Some(11.5), Some(15.5), true));
        assert!(typical_range("718-7", Some("g/L"), Some(8)).is_none());
        assert!(typical_range("6206-7", None, None).is_some());
        assert!(typical_range("0000-0", None, Some(8)).is_none());
        // A school-age hemoglobin range says nothing of an infant's or an
        // unknown age; triglycerides change limit at 10 years.
        assert!(typical_range("718-7", Some("g/dL"), Some(0)).is_none());
        assert_eq!(
            typical_range("718-7", Some("g/dL"), Some(1)).unwrap().low,
            Some(10.5)
        );
        assert!(typical_range("718-7", Some("g/dL"), None).is_none());
        assert_eq!(
            typical_range("2571-8", None, Some(9)).unwrap().high,
            Some(75.0)
        );
        assert_eq!(
            typical_range("2571-8", None, Some(10)).unwrap().high,
            Some(90.0)
        );
        // Pages judge by the laboratory's range when sent, else by the age
        // on the day of the result, even over a typical range stored earlier.
        let birth = Date::constant(2018, 6, 22);
        let school = range_for_result(
            None,
            Some("718-7"),
            Some("g/dL"),
            birth,
            Some(Date::constant(2026, 6, 22)),
        );
        assert_eq!(school.unwrap().low, Some(11.5));
        let stale = typical_range("718-7", Some("g/dL"), Some(8));
        let newborn = range_for_result(
            stale.as_ref(),
            Some("718-7"),
            Some("g/dL"),
            birth,
            Some(Date::constant(2018, 6, 23)),
        );
        assert_eq!(newborn, None);
        let lab = ReferenceRange {
            low: Some(14.5),
            high: Some(22.5),
            unit: None,
            text: None,
            typical: false,
        };
        let kept = range_for_result(
            Some(&lab),
            Some("718-7"),
            Some("g/dL"),
            birth,
            Some(Date::constant(2018, 6, 23)),
        );
        assert_eq!(kept, Some(lab));
        assert_eq!(
            range_for_result(None, Some("718-7"), Some("g/dL"), birth, None),
            None
        );
    }

    #[test]
    fn document_kinds() {
        assert_eq!(
            DocumentKind::of_codes(&["34133-9"], &[]),
            DocumentKind::VisitSummary
        );
        assert_eq!(
            DocumentKind::of_codes(&["11506-3"], &[]),
            DocumentKind::ClinicalNote
        );
        assert_eq!(
            DocumentKind::of_codes(&["x"], &["clinical-note"]),
            DocumentKind::ClinicalNote
        );
        assert_eq!(
            DocumentKind::of_codes(&["64290-0"], &[]),
            DocumentKind::Document
        );
    }
}
