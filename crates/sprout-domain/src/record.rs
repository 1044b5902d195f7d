//! The record model: what Sprout keeps of a patient's chart.
//!
//! Shapes follow FHIR R4 (Patient, Encounter, Observation, Immunization,
//! MedicationRequest, AllergyIntolerance, Condition), reduced to what the portal
//! shows. Every item keeps the identifier it had at its source (the FHIR resource
//! id), a [`Confidentiality`] and its [`Sensitivity`] categories, which the access
//! policy reads (ACCESS-POLICY.md, "Terms").
//!
//! Date-times are kept as the source wrote them (ISO 8601 / FHIR `dateTime`
//! text, which sorts chronologically when the offsets agree); dates are
//! [`jiff::civil::Date`].

use crate::ids::{ItemId, PatientId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Error for a code that is not one of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`")]
pub struct UnknownCode {
    /// Which enumeration, e.g. `"section"`.
    pub what: &'static str,
    /// The text that was given.
    pub value: String,
}

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code as written in configuration, storage and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::record::UnknownCode;
            fn from_str(s: &str) -> Result<Self, $crate::record::UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::record::UnknownCode { what: $what, value: s.to_owned() }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// An item's confidentiality (FHIR security label `R` = restricted).
    Confidentiality, "confidentiality", {
        /// Shown by the ordinary rules.
        Normal = "normal",
        /// Hidden from proxies; visible to clinicians and the patient.
        Restricted = "restricted",
    }
);

#[allow(clippy::derivable_impls)] // the variants come from a macro
impl Default for Confidentiality {
    fn default() -> Self {
        Self::Normal
    }
}

code_enum!(
    /// A sensitivity category (FHIR security labels PSY, ETH, STD, SDV, HIV...).
    Sensitivity, "sensitivity", {
        /// Mental health (PSY).
        MentalHealth = "mental-health",
        /// Substance use (ETH, SUD).
        SubstanceUse = "substance-use",
        /// Sexual health, sexually transmitted infections (STD).
        SexualHealth = "sexual-health",
        /// Reproductive health (contraception, pregnancy).
        ReproductiveHealth = "reproductive-health",
        /// HIV (HIV).
        Hiv = "hiv",
        /// Abuse, sexual or domestic violence (SDV).
        Abuse = "abuse",
    }
);

code_enum!(
    /// One part of the record (ACCESS-POLICY.md, "Terms").
    Section, "section", {
        /// Name, birth date, contact.
        Demographics = "demographics",
        /// Vital-sign Observations.
        Vitals = "vitals",
        /// Immunizations.
        Immunizations = "immunizations",
        /// MedicationRequests.
        Medications = "medications",
        /// AllergyIntolerances.
        Allergies = "allergies",
        /// Conditions.
        Problems = "problems",
        /// Encounters and their summaries.
        VisitSummaries = "visit-summaries",
        /// Laboratory Observations.
        LabResults = "lab-results",
        /// Clinical notes.
        ClinicalNotes = "clinical-notes",
        /// Other documents.
        Documents = "documents",
        /// Appointments.
        Appointments = "appointments",
        /// Message threads.
        Messages = "messages",
        /// Statements and payments.
        Billing = "billing",
    }
);

code_enum!(
    /// FHIR administrative gender.
    AdministrativeSex, "administrative sex", {
        /// male
        Male = "male",
        /// female
        Female = "female",
        /// other
        Other = "other",
        /// unknown
        Unknown = "unknown",
    }
);

/// Labels every record item carries for the access policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Labels {
    /// `normal` unless the source labelled it restricted.
    pub confidentiality: Confidentiality,
    /// Empty unless the source (or a clinician) labelled it.
    pub sensitivity: Vec<Sensitivity>,
}

impl Labels {
    /// Sensitivity categories as stored: codes joined by `,` (empty text for none).
    pub fn sensitivity_text(&self) -> String {
        self.sensitivity
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Parses the stored comma-joined sensitivity codes.
    ///
    /// # Errors
    /// [`UnknownCode`] for a code that is not a [`Sensitivity`].
    pub fn parse_sensitivity(text: &str) -> Result<Vec<Sensitivity>, UnknownCode> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect()
    }
}

/// A Patient: the person whose chart it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    /// Sprout's id.
    pub id: PatientId,
    /// The FHIR id at the source (EHR), if imported.
    pub source_id: Option<String>,
    /// Medical record number at the practice.
    pub mrn: Option<String>,
    /// Given names, space-separated.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Birth date.
    pub birth_date: Date,
    /// Administrative sex.
    pub sex: AdministrativeSex,
    /// Phone number as written at the source.
    pub phone: Option<String>,
    /// Email address as written at the source.
    pub email: Option<String>,
    /// Postal address on one line.
    pub address: Option<String>,
    /// Gestational age at birth in whole weeks, when known (for corrected age).
    pub gestation_weeks: Option<u8>,
    /// Access-policy labels of the demographics themselves.
    pub labels: Labels,
}

impl Patient {
    /// "Given Family".
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
            .trim()
            .to_owned()
    }
}

/// What every record item has besides its own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMeta {
    /// Sprout's id.
    pub id: ItemId,
    /// Whose record.
    pub patient_id: PatientId,
    /// The FHIR resource id at the source; unique per resource type.
    pub source_id: String,
    /// Access-policy labels.
    pub labels: Labels,
}

/// An Encounter (a visit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encounter {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// FHIR status (`finished`, `planned`...).
    pub status: String,
    /// Class code (`AMB`, `EMER`, `IMP`...).
    pub class_code: Option<String>,
    /// Type of visit, as text ("Well child visit").
    pub type_text: Option<String>,
    /// Reason for the visit, as text.
    pub reason_text: Option<String>,
    /// Start, FHIR dateTime text.
    pub start: Option<String>,
    /// End, FHIR dateTime text.
    pub end: Option<String>,
    /// Clinician's name as displayed.
    pub practitioner: Option<String>,
    /// Where (organization or location display).
    pub location: Option<String>,
}

/// One component of an Observation (e.g. systolic and diastolic blood pressure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationComponent {
    /// LOINC code.
    pub code: Option<String>,
    /// Display text.
    pub display: String,
    /// Numeric value.
    pub value: Option<f64>,
    /// UCUM unit code.
    pub unit: Option<String>,
}

/// The Observation categories Sprout keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObservationCategory {
    /// `vital-signs`.
    #[serde(rename = "vital-signs")]
    VitalSigns,
    /// `laboratory`.
    #[serde(rename = "laboratory")]
    Laboratory,
}

impl ObservationCategory {
    /// The FHIR observation-category code.
    pub fn code(self) -> &'static str {
        match self {
            Self::VitalSigns => "vital-signs",
            Self::Laboratory => "laboratory",
        }
    }

    /// Parses the FHIR observation-category code; `None` for categories not kept.
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "vital-signs" => Some(Self::VitalSigns),
            "laboratory" => Some(Self::Laboratory),
            _ => None,
        }
    }
}

/// An Observation: a vital sign or a laboratory result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// Vital sign or laboratory.
    pub category: ObservationCategory,
    /// FHIR status (`final`, `amended`...).
    pub status: String,
    /// LOINC code, when coded in LOINC.
    pub loinc: Option<String>,
    /// What was measured, as text.
    pub display: String,
    /// When, FHIR dateTime text.
    pub effective: Option<String>,
    /// Numeric value (`valueQuantity.value`).
    pub value: Option<f64>,
    /// UCUM unit code of `value` (`kg`, `cm`, `[degF]`, `mm[Hg]`...).
    pub unit: Option<String>,
    /// Non-numeric value as text (`valueString`, `valueCodeableConcept.text`).
    pub value_text: Option<String>,
    /// Components (blood pressure).
    pub components: Vec<ObservationComponent>,
    /// Source id of the Encounter, if any.
    pub encounter_source_id: Option<String>,
    /// Reference range (laboratory results), from the laboratory or, failing
    /// that, Sprout's typical range ([`crate::results::typical_range`]).
    #[serde(default)]
    pub reference_range: Option<crate::results::ReferenceRange>,
    /// Interpretation code (HL7 v3 ObservationInterpretation: `H`, `L`, `A`,
    /// `POS`...), when the laboratory gave one.
    #[serde(default)]
    pub interpretation: Option<String>,
    /// When the result was issued, FHIR instant text.
    #[serde(default)]
    pub issued: Option<String>,
}

/// An Immunization (given, or recorded as not done).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Immunization {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// FHIR status: `completed`, `not-done` or `entered-in-error`.
    pub status: String,
    /// Why not done, as text.
    pub status_reason: Option<String>,
    /// CVX code, when coded in CVX.
    pub cvx: Option<String>,
    /// The source's display text for the vaccine.
    pub vaccine_text: String,
    /// Date given (or of the not-done record).
    pub occurrence: Option<Date>,
    /// Lot number.
    pub lot_number: Option<String>,
    /// Body site, as text.
    pub site: Option<String>,
    /// `false` when the record came from a secondary source (a parent's card).
    pub primary_source: Option<bool>,
}

/// A MedicationRequest (a prescription).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedicationRequest {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// FHIR status: `active`, `stopped`, `completed`, `on-hold`...
    pub status: String,
    /// RxNorm code, when coded in RxNorm.
    pub rxnorm: Option<String>,
    /// Medication name as text.
    pub medication_text: String,
    /// Dosage instructions as text.
    pub dosage_text: Option<String>,
    /// When prescribed, FHIR dateTime text.
    pub authored_on: Option<String>,
    /// Prescriber's name as displayed.
    pub prescriber: Option<String>,
}

/// An AllergyIntolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllergyIntolerance {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// Substance or allergy, as text.
    pub display: String,
    /// SNOMED CT or other code.
    pub code: Option<String>,
    /// `active`, `inactive`, `resolved`.
    pub clinical_status: Option<String>,
    /// `confirmed`, `unconfirmed`...
    pub verification_status: Option<String>,
    /// `food`, `medication`, `environment`, `biologic`, joined by `,`.
    pub category: Option<String>,
    /// `low`, `high`, `unable-to-assess`.
    pub criticality: Option<String>,
    /// Reactions (manifestations), as text.
    pub reaction: Option<String>,
    /// When recorded, FHIR dateTime text.
    pub recorded: Option<String>,
}

/// A Condition (a problem or diagnosis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// The condition, as text.
    pub display: String,
    /// SNOMED CT or other code.
    pub code: Option<String>,
    /// `active`, `resolved`...
    pub clinical_status: Option<String>,
    /// `confirmed`, `provisional`...
    pub verification_status: Option<String>,
    /// Onset, FHIR dateTime text.
    pub onset: Option<String>,
    /// Abatement, FHIR dateTime text.
    pub abatement: Option<String>,
    /// When recorded, FHIR dateTime text.
    pub recorded: Option<String>,
}

/// An Appointment: a visit booked for the future (or one that was), as the
/// EHR's scheduling system or the practice's staff made it. What the family
/// did in the portal (confirmed, cancelled) is kept beside it by the store,
/// so that a re-import does not undo it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    /// Id, patient, source id, labels.
    pub meta: ItemMeta,
    /// FHIR status: `proposed`, `pending`, `booked`, `arrived`, `fulfilled`,
    /// `cancelled`, `noshow`, `entered-in-error`, `checked-in`, `waitlist`.
    pub status: String,
    /// Kind of visit, as text ("Well child visit", "Follow-up").
    pub visit_type: Option<String>,
    /// Reason for the visit, as text.
    pub reason_text: Option<String>,
    /// Start, FHIR instant text (with offset).
    pub start: Option<String>,
    /// End, FHIR instant text (with offset).
    pub end: Option<String>,
    /// Clinician's name as displayed.
    pub practitioner: Option<String>,
    /// Where (location display).
    pub location: Option<String>,
    /// A video (virtual) visit.
    pub video: bool,
}

/// Any one record item, for batch writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RecordItem {
    /// An Encounter.
    Encounter(Encounter),
    /// An Observation.
    Observation(Observation),
    /// An Immunization.
    Immunization(Immunization),
    /// A MedicationRequest.
    MedicationRequest(MedicationRequest),
    /// An AllergyIntolerance.
    AllergyIntolerance(AllergyIntolerance),
    /// A Condition.
    Condition(Condition),
    /// A DiagnosticReport.
    DiagnosticReport(crate::results::DiagnosticReport),
    /// A DocumentReference.
    DocumentReference(crate::results::DocumentReference),
    /// An Appointment.
    Appointment(Appointment),
}

impl RecordItem {
    /// The FHIR resource type name.
    pub fn resource_type(&self) -> &'static str {
        match self {
            Self::Encounter(_) => "Encounter",
            Self::Observation(_) => "Observation",
            Self::Immunization(_) => "Immunization",
            Self::MedicationRequest(_) => "MedicationRequest",
            Self::AllergyIntolerance(_) => "AllergyIntolerance",
            Self::Condition(_) => "Condition",
            Self::DiagnosticReport(_) => "DiagnosticReport",
            Self::DocumentReference(_) => "DocumentReference",
            Self::Appointment(_) => "Appointment",
        }
    }

    /// The shared part.
    pub fn meta(&self) -> &ItemMeta {
        match self {
            Self::Encounter(x) => &x.meta,
            Self::Observation(x) => &x.meta,
            Self::Immunization(x) => &x.meta,
            Self::MedicationRequest(x) => &x.meta,
            Self::AllergyIntolerance(x) => &x.meta,
            Self::Condition(x) => &x.meta,
            Self::DiagnosticReport(x) => &x.meta,
            Self::DocumentReference(x) => &x.meta,
            Self::Appointment(x) => &x.meta,
        }
    }

    /// The shared part, mutable (the store assigns ids and patients).
    pub fn meta_mut(&mut self) -> &mut ItemMeta {
        match self {
            Self::Encounter(x) => &mut x.meta,
            Self::Observation(x) => &mut x.meta,
            Self::Immunization(x) => &mut x.meta,
            Self::MedicationRequest(x) => &mut x.meta,
            Self::AllergyIntolerance(x) => &mut x.meta,
            Self::Condition(x) => &mut x.meta,
            Self::DiagnosticReport(x) => &mut x.meta,
            Self::DocumentReference(x) => &mut x.meta,
            Self::Appointment(x) => &mut x.meta,
        }
    }

    /// The record section the item belongs to.
    pub fn section(&self) -> Section {
        match self {
            Self::Encounter(_) => Section::VisitSummaries,
            Self::Observation(o) => match o.category {
                ObservationCategory::VitalSigns => Section::Vitals,
                ObservationCategory::Laboratory => Section::LabResults,
            },
            Self::Immunization(_) => Section::Immunizations,
            Self::MedicationRequest(_) => Section::Medications,
            Self::AllergyIntolerance(_) => Section::Allergies,
            Self::Condition(_) => Section::Problems,
            Self::DiagnosticReport(_) => Section::LabResults,
            Self::DocumentReference(d) => d.kind.section(),
            Self::Appointment(_) => Section::Appointments,
        }
    }
}
