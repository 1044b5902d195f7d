//! FHIR R4 resources -> Sprout's record model (`sprout_domain::record`).
//!
//! One function per kept resource type. Each reads only what the portal shows,
//! borrows from the parsed JSON and copies only the kept text. Every element it
//! reads is checked against FHIR R4 on the way (see [`crate::json`]), so a
//! resource comes back one of three ways:
//!
//! - mapped;
//! - [`NotMapped::Skip`]: valid FHIR that lacks what Sprout relies on where FHIR
//!   allows the absence (a Patient without a birth date, a Condition without a
//!   code...); the import skips it with the reason and keeps the rest of the file;
//! - [`NotMapped::Invalid`]: it breaks FHIR R4 (a present element of the wrong
//!   type or form, a code outside a required value set, a required element
//!   missing); the import rejects the whole file.
//!
//! The caller resolves the patient and hands in the [`ItemMeta`] (ids and
//! labels), so these functions need no store, no clock and no randomness.

use crate::json::{
    boolean, civil_date, code_in, codes_in, coding_code, concept, concept_text, concepts,
    date_time, date_time_choice, decimal, each, integer, owned_string, period, positive_int,
    quantity, read_reference, reference, required, string, strings, time, time_of_day, Checked,
    Concept, HumanName, Invalid, Ref, TimeKind,
};
use crate::reference::{display_of, resource_name, FileIndex};
use serde_json::Value;
use sprout_domain::record::{
    AdministrativeSex, AllergyIntolerance, Condition, Encounter, Immunization, ItemMeta,
    MedicationRequest, Observation, ObservationCategory, ObservationComponent, Patient, RecordItem,
};
use sprout_domain::PatientId;

/// Why a resource was skipped, in words for the import report.
pub type Reason = String;

/// Why a kept resource was not mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotMapped {
    /// Valid FHIR, but without what Sprout needs: the resource is skipped with
    /// this reason and the rest of its file imports.
    Skip(Reason),
    /// The resource breaks FHIR R4: its whole file is rejected.
    Invalid(Invalid),
}

impl From<Invalid> for NotMapped {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

/// Code system of CVX vaccine codes.
pub const CVX_SYSTEM: &str = "http://hl7.org/fhir/sid/cvx";
/// Code system of RxNorm.
pub const RXNORM_SYSTEM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
/// Code system of LOINC.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// `Encounter.status` (required binding `encounter-status`).
pub const ENCOUNTER_STATUSES: [&str; 9] = [
    "planned",
    "arrived",
    "triaged",
    "in-progress",
    "onleave",
    "finished",
    "cancelled",
    "entered-in-error",
    "unknown",
];
/// `Observation.status` (required binding `observation-status`).
pub const OBSERVATION_STATUSES: [&str; 8] = [
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
];
/// `Immunization.status` (required binding `immunization-status`).
pub const IMMUNIZATION_STATUSES: [&str; 3] = ["completed", "entered-in-error", "not-done"];
/// `MedicationRequest.status` (required binding `medicationrequest-status`).
pub const MEDICATION_REQUEST_STATUSES: [&str; 8] = [
    "active",
    "on-hold",
    "cancelled",
    "completed",
    "entered-in-error",
    "stopped",
    "draft",
    "unknown",
];
/// `AllergyIntolerance.category` (required binding).
pub const ALLERGY_CATEGORIES: [&str; 4] = ["food", "medication", "environment", "biologic"];
/// `AllergyIntolerance.criticality` (required binding).
pub const ALLERGY_CRITICALITIES: [&str; 3] = ["low", "high", "unable-to-assess"];
/// `ContactPoint.system` (required binding `contact-point-system`).
pub const CONTACT_POINT_SYSTEMS: [&str; 7] =
    ["phone", "fax", "email", "pager", "url", "sms", "other"];
/// `ContactPoint.use` (required binding `contact-point-use`).
pub const CONTACT_POINT_USES: [&str; 5] = ["home", "work", "temp", "old", "mobile"];
/// `Address.use` (required binding `address-use`).
pub const ADDRESS_USES: [&str; 5] = ["home", "work", "temp", "old", "billing"];
/// `Timing.repeat.periodUnit` (required binding `units-of-time`).
pub const UNITS_OF_TIME: [&str; 7] = ["s", "min", "h", "d", "wk", "mo", "a"];

/// Maps a Patient.
///
/// Name: the `official` name, else `usual`, else the first that is not old,
/// maiden or anonymous, else the first; given names joined by spaces. MRN: the
/// identifier whose `type` has code `MR` (HL7 v2 table 0203). Phone and email:
/// the best-ranked telecom of that system that is not `old`. Address: the
/// `home` (else first current) address on one line.
///
/// # Errors
/// [`NotMapped::Skip`] when `birthDate` is missing or not a full date: FHIR
/// allows that, but Sprout needs the birth date for every age rule.
/// [`NotMapped::Invalid`] when an element read breaks FHIR (a `birthDate` that
/// is no FHIR date, a `gender` outside `male | female | other | unknown`...).
pub fn patient(resource: &Value, id: PatientId, source_id: &str) -> Result<Patient, NotMapped> {
    let birth = time(resource, "birthDate", TimeKind::Date)?;
    let labels = crate::labels::labels_of(resource)?;
    let (given_name, family_name) = patient_name(resource)?;
    let sex = match crate::json::code(resource, "gender")? {
        None => AdministrativeSex::Unknown,
        Some(g) => g.parse().map_err(|_| {
            let codes: Vec<&str> = AdministrativeSex::ALL.iter().map(|s| s.code()).collect();
            Invalid::new(
                "gender",
                format!("{g:?} is not one of {}", codes.join(", ")),
            )
        })?,
    };
    let mut mrn = None;
    for (kind, value) in each(resource, "identifier", |i| {
        Ok((concept(i, "type")?, string(i, "value")?))
    })? {
        let is_mr = kind.is_some_and(|k| k.codes().any(|(_, c)| c == "MR"));
        if is_mr && mrn.is_none() {
            mrn = value.map(str::to_owned);
        }
    }
    let telecoms = each(resource, "telecom", |t| {
        Ok(Telecom {
            system: code_in(t, "system", &CONTACT_POINT_SYSTEMS)?,
            contact_use: code_in(t, "use", &CONTACT_POINT_USES)?,
            value: string(t, "value")?,
            rank: positive_int(t, "rank")?,
        })
    })?;
    let address = address(resource)?;

    let birth = birth
        .ok_or_else(|| NotMapped::Skip("Patient has no birthDate (Sprout needs one)".to_owned()))?;
    let birth_date = civil_date(birth)
        .filter(|_| birth.len() == 10)
        .ok_or_else(|| {
            NotMapped::Skip(format!(
                "Patient birthDate `{}` is not a full date",
                clip(birth)
            ))
        })?;

    Ok(Patient {
        id,
        source_id: Some(source_id.to_owned()),
        mrn,
        given_name,
        family_name,
        birth_date,
        sex,
        phone: best_telecom(&telecoms, "phone"),
        email: best_telecom(&telecoms, "email"),
        address,
        gestation_weeks: None,
        labels,
    })
}

/// (given names, family name) of the Patient's best name.
fn patient_name(resource: &Value) -> Checked<(String, String)> {
    let names = each(resource, "name", HumanName::read)?;
    let by_use = |u: &str| names.iter().find(|n| n.name_use == Some(u));
    let Some(name) = by_use("official")
        .or_else(|| by_use("usual"))
        .or_else(|| {
            names
                .iter()
                .find(|n| !matches!(n.name_use, Some("old" | "maiden" | "anonymous")))
        })
        .or_else(|| names.first())
    else {
        return Ok((String::new(), String::new()));
    };
    let given = name.given.join(" ");
    let family = name.family.unwrap_or_default().to_owned();
    if given.is_empty() && family.is_empty() {
        // Only `text` (or nothing): keep it whole as the given name.
        return Ok((name.line().unwrap_or_default(), String::new()));
    }
    Ok((given, family))
}

/// A checked ContactPoint.
struct Telecom<'a> {
    system: Option<&'a str>,
    contact_use: Option<&'a str>,
    value: Option<&'a str>,
    rank: Option<i64>,
}

/// The best-ranked current telecom value of a system (`phone`, `email`).
fn best_telecom(telecoms: &[Telecom<'_>], system: &str) -> Option<String> {
    telecoms
        .iter()
        .filter(|t| t.system == Some(system) && t.contact_use != Some("old"))
        .filter(|t| t.value.is_some())
        .min_by_key(|t| t.rank.unwrap_or(i64::MAX))
        .and_then(|t| t.value.map(str::to_owned))
}

/// The home (else first current) address on one line:
/// "680 Center Street, Brockton, MA 02302, US".
fn address(resource: &Value) -> Checked<Option<String>> {
    struct Address<'a> {
        address_use: Option<&'a str>,
        text: Option<&'a str>,
        parts: Vec<&'a str>,
        state_zip: [Option<&'a str>; 2],
        country: Option<&'a str>,
    }
    let addresses = each(resource, "address", |a| {
        let mut parts = strings(a, "line")?;
        parts.extend(string(a, "city")?);
        Ok(Address {
            address_use: code_in(a, "use", &ADDRESS_USES)?,
            text: string(a, "text")?,
            parts,
            state_zip: [string(a, "state")?, string(a, "postalCode")?],
            country: string(a, "country")?,
        })
    })?;
    let current = |a: &&Address<'_>| a.address_use != Some("old");
    let Some(a) = addresses
        .iter()
        .filter(current)
        .find(|a| a.address_use == Some("home"))
        .or_else(|| addresses.iter().find(current))
    else {
        return Ok(None);
    };
    if let Some(t) = a.text {
        return Ok(Some(t.to_owned()));
    }
    let mut parts: Vec<String> = a.parts.iter().map(|s| (*s).to_owned()).collect();
    let state_zip = a.state_zip.iter().flatten().copied().collect::<Vec<_>>();
    if !state_zip.is_empty() {
        parts.push(state_zip.join(" "));
    }
    parts.extend(a.country.map(str::to_owned));
    Ok((!parts.is_empty()).then(|| parts.join(", ")))
}

/// The category an Observation is kept under: `vital-signs` wins over
/// `laboratory` when both are given.
///
/// # Errors
/// [`NotMapped::Skip`] "Observation category X is not kept" for any other
/// category (`survey`, `social-history`...), naming the first one, or a reason
/// when it has none. [`NotMapped::Invalid`] when `category` is not a list of
/// CodeableConcepts.
pub fn observation_category(resource: &Value) -> Result<ObservationCategory, NotMapped> {
    let mut first = None;
    let mut lab = false;
    for cat in concepts(resource, "category")? {
        for (_, code) in cat.codes() {
            match ObservationCategory::from_code(code) {
                Some(ObservationCategory::VitalSigns) => {
                    return Ok(ObservationCategory::VitalSigns)
                }
                Some(ObservationCategory::Laboratory) => lab = true,
                None => {
                    first.get_or_insert(code);
                }
            }
        }
    }
    if lab {
        return Ok(ObservationCategory::Laboratory);
    }
    Err(NotMapped::Skip(match first {
        Some(code) => format!("Observation category {} is not kept", clip(code)),
        None => "Observation has no category (only vital-signs and laboratory are kept)".to_owned(),
    }))
}

/// Maps one kept record resource (everything but Patient), given its meta.
///
/// # Errors
/// [`NotMapped::Skip`] when the resource lacks what Sprout relies on where FHIR
/// allows that (see each type) or `resource_type` is not a kept record type;
/// [`NotMapped::Invalid`] when it breaks FHIR.
pub(crate) fn item(
    resource_type: &str,
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<RecordItem, NotMapped> {
    Ok(match resource_type {
        "Encounter" => RecordItem::Encounter(encounter(resource, meta, index)?),
        "Observation" => RecordItem::Observation(observation(resource, meta, index)?),
        "Immunization" => RecordItem::Immunization(immunization(resource, meta)?),
        "MedicationRequest" => {
            RecordItem::MedicationRequest(medication_request(resource, meta, index)?)
        }
        "AllergyIntolerance" => RecordItem::AllergyIntolerance(allergy(resource, meta)?),
        "Condition" => RecordItem::Condition(condition(resource, meta)?),
        "DiagnosticReport" => {
            RecordItem::DiagnosticReport(crate::results::diagnostic_report(resource, meta, index)?)
        }
        "DocumentReference" => RecordItem::DocumentReference(crate::results::document_reference(
            resource, meta, index,
        )?),
        "Appointment" => RecordItem::Appointment(crate::care::appointment(resource, meta, index)?),
        "MedicationStatement" => {
            RecordItem::MedicationRequest(crate::care::medication_statement(resource, meta, index)?)
        }
        other => {
            return Err(NotMapped::Skip(format!(
                "resource type {other} is not kept"
            )))
        }
    })
}

/// A required `status` code from the value set `allowed`.
fn required_status(resource: &Value, allowed: &[&str]) -> Checked<String> {
    Ok(required(code_in(resource, "status", allowed)?, "status")?.to_owned())
}

/// A required CodeableConcept that must name something (a text, a display or
/// a code): `Observation.code`, `Immunization.vaccineCode`.
fn required_concept<'a>(resource: &'a Value, key: &str) -> Checked<Concept<'a>> {
    let c = required(concept(resource, key)?, key)?;
    if c.text().is_none() {
        return Err(Invalid::new(
            key,
            "has no text and no coding with a code or display",
        ));
    }
    Ok(c)
}

/// An Encounter. Practitioner: the first participant's individual; location: the
/// first location, else the service provider (names taken from the file when
/// the reference has no display).
///
/// # Errors
/// [`NotMapped::Invalid`] when `status` is missing or not an encounter status,
/// or an element read breaks FHIR.
fn encounter(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<Encounter, NotMapped> {
    let status = required_status(resource, &ENCOUNTER_STATUSES)?;
    let class_code = coding_code(resource, "class")?.map(str::to_owned);
    let type_text = concepts(resource, "type")?
        .iter()
        .find_map(Concept::text)
        .map(str::to_owned);
    let reason_codes = concepts(resource, "reasonCode")?;
    let reason_refs = each(resource, "reasonReference", read_reference)?;
    let participants = each(resource, "participant", |p| reference(p, "individual"))?;
    let locations = each(resource, "location", |l| reference(l, "location"))?;
    let provider = reference(resource, "serviceProvider")?;
    let (start, end) = period(resource, "period")?.unwrap_or_default();

    let reason_text = reason_codes
        .iter()
        .find_map(Concept::text)
        .map(str::to_owned)
        .or_else(|| reason_refs.iter().find_map(|r| display_of(r, index)));
    let practitioner = participants
        .iter()
        .flatten()
        .find_map(|r| display_of(r, index));
    let location = locations
        .iter()
        .flatten()
        .find_map(|r| display_of(r, index))
        .or_else(|| provider.and_then(|r| display_of(&r, index)));
    Ok(Encounter {
        meta,
        status,
        class_code,
        type_text,
        reason_text,
        start: start.map(str::to_owned),
        end: end.map(str::to_owned),
        practitioner,
        location,
    })
}

/// An Observation (vital sign or laboratory).
///
/// Value: `valueQuantity` (value and UCUM `code`, else `unit`), `valueInteger`,
/// or as text `valueString`, `valueCodeableConcept`, `valueBoolean`,
/// `valueDateTime`, `valueTime`. Components (blood pressure) likewise.
///
/// # Errors
/// [`NotMapped::Skip`] when the category is not kept; [`NotMapped::Invalid`]
/// when `status` or `code` is missing (FHIR requires both; a `code` must name
/// something), a component has no `code`, or an element read breaks FHIR (a
/// `valueQuantity.value` that is not a number...).
fn observation(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<Observation, NotMapped> {
    let category = observation_category(resource)?;
    let status = required_status(resource, &OBSERVATION_STATUSES)?;
    let code = required_concept(resource, "code")?;
    let (value, unit, value_text) = observed_value(resource)?;
    let components = each(resource, "component", |c| {
        let ccode = required(concept(c, "code")?, "code")?;
        let (value, unit, _) = observed_value(c)?;
        Ok(ObservationComponent {
            code: ccode
                .code_in_system(LOINC_SYSTEM)
                .or_else(|| ccode.first_code())
                .map(str::to_owned),
            display: ccode.text().unwrap_or_default().to_owned(),
            value,
            unit,
        })
    })?;
    let effective = date_time_choice(resource, "effective")?;
    let encounter = reference(resource, "encounter")?;
    let loinc = code.code_in_system(LOINC_SYSTEM);
    let (reference_range, interpretation, issued) = crate::results::lab_details(
        resource,
        category == ObservationCategory::Laboratory,
        loinc,
        unit.as_deref(),
    )?;
    Ok(Observation {
        meta,
        category,
        status,
        loinc: loinc.map(str::to_owned),
        display: code.text().unwrap_or_default().to_owned(),
        effective,
        value,
        unit,
        value_text,
        components,
        encounter_source_id: encounter.and_then(|r| referenced_id(&r, index)),
        reference_range,
        interpretation,
        issued,
    })
}

/// (numeric value, unit, text value) of an Observation or component's `value[x]`.
/// Every form present is checked, though only the first (in the order of
/// [`observation`]'s doc) is kept.
fn observed_value(v: &Value) -> Checked<(Option<f64>, Option<String>, Option<String>)> {
    let q = quantity(v, "valueQuantity")?;
    let int = integer(v, "valueInteger")?;
    let text = string(v, "valueString")?;
    let cc = concept(v, "valueCodeableConcept")?;
    let flag = boolean(v, "valueBoolean")?;
    let when = time(v, "valueDateTime", TimeKind::DateTime)?;
    let at = time_of_day(v, "valueTime")?;
    if let Some(q) = q {
        return Ok((q.value, q.unit.map(str::to_owned), None));
    }
    if let Some(n) = int {
        return Ok((Some(n as f64), None, None));
    }
    let text = text
        .or_else(|| cc.and_then(|c| c.text()))
        .or_else(|| flag.map(|b| if b { "yes" } else { "no" }))
        .or(when)
        .or(at);
    Ok((None, None, text.map(str::to_owned)))
}

/// The source id a reference names: the referenced entry's id when it is in
/// the file, else the id written in the reference.
fn referenced_id(reference: &Ref<'_>, index: &FileIndex<'_>) -> Option<String> {
    let text = reference.reference?;
    if let Some(e) = index.find(text) {
        return e.source_id().map(str::to_owned);
    }
    match crate::reference::parse_reference(text) {
        crate::reference::Target::Outside { id, .. } => Some(id.to_owned()),
        _ => None,
    }
}

/// An Immunization.
///
/// CVX: the `vaccineCode` coding in system `http://hl7.org/fhir/sid/cvx`, as
/// written. Vaccine text: `vaccineCode.text`, else a coding's display, else
/// CDC's short description of the CVX code. Date: the calendar date of
/// `occurrenceDateTime` (or of `occurrenceString` when it is a date).
///
/// # Errors
/// [`NotMapped::Invalid`] when `status`, `vaccineCode` or `occurrence[x]` is
/// missing (FHIR requires all three), or an element read breaks FHIR (an
/// `occurrenceDateTime` that is no FHIR dateTime, a `status` outside
/// `completed | entered-in-error | not-done`...).
fn immunization(resource: &Value, meta: ItemMeta) -> Result<Immunization, NotMapped> {
    let status = required_status(resource, &IMMUNIZATION_STATUSES)?;
    let vaccine = required_concept(resource, "vaccineCode")?;
    let occurrence_at = time(resource, "occurrenceDateTime", TimeKind::DateTime)?;
    let occurrence_text = string(resource, "occurrenceString")?;
    let occurrence = required(occurrence_at.or(occurrence_text), "occurrence[x]")?;
    let cvx = vaccine.code_in_system(CVX_SYSTEM);
    let vaccine_text = vaccine
        .text_only()
        .or_else(|| vaccine.first_display())
        .or_else(|| {
            cvx.and_then(sprout_domain::cvx::lookup)
                .map(|c| c.short_description)
        })
        .or_else(|| vaccine.first_code())
        .unwrap_or_default()
        .to_owned();
    Ok(Immunization {
        meta,
        status,
        status_reason: concept_text(resource, "statusReason")?,
        cvx: cvx.map(str::to_owned),
        vaccine_text,
        occurrence: civil_date(occurrence),
        lot_number: owned_string(resource, "lotNumber")?,
        site: concept_text(resource, "site")?,
        primary_source: boolean(resource, "primarySource")?,
    })
}

/// A MedicationRequest.
///
/// RxNorm: the `medicationCodeableConcept` coding in system
/// `http://www.nlm.nih.gov/research/umls/rxnorm`. Medication text: that concept's
/// text, else `medicationReference`'s display, else the referenced Medication's
/// code (in the file or contained). Dosage: each `dosageInstruction.text`, or a
/// sentence built from dose, timing, route and as-needed (see [`dosage_text`]).
///
/// # Errors
/// [`NotMapped::Skip`] when the medication it names cannot be read as text;
/// [`NotMapped::Invalid`] when `status` or `medication[x]` is missing (FHIR
/// requires both) or an element read breaks FHIR.
fn medication_request(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<MedicationRequest, NotMapped> {
    let status = required_status(resource, &MEDICATION_REQUEST_STATUSES)?;
    let concept = concept(resource, "medicationCodeableConcept")?;
    let med_ref = reference(resource, "medicationReference")?;
    if concept.is_none() && med_ref.is_none() {
        return Err(Invalid::missing("medication[x]").into());
    }
    let contained = each(resource, "contained", Ok)?;
    let dosage: Vec<String> = each(resource, "dosageInstruction", dosage_text)?
        .into_iter()
        .flatten()
        .collect();
    let authored_on = date_time(resource, "authoredOn")?;
    let requester = reference(resource, "requester")?;

    let medication_text = concept
        .and_then(|c| c.text())
        .map(str::to_owned)
        .or_else(|| {
            let r = med_ref?;
            display_of(&r, index).or_else(|| contained_name(contained.as_slice(), &r))
        })
        .ok_or_else(|| NotMapped::Skip("MedicationRequest has no medication".to_owned()))?;
    Ok(MedicationRequest {
        meta,
        status,
        rxnorm: concept
            .and_then(|c| c.code_in_system(RXNORM_SYSTEM))
            .map(str::to_owned),
        medication_text,
        dosage_text: (!dosage.is_empty()).then(|| dosage.join("; ")),
        authored_on,
        prescriber: requester.and_then(|r| display_of(&r, index)),
    })
}

/// The name of a contained resource a `#id` reference names.
fn contained_name(contained: &[&Value], reference: &Ref<'_>) -> Option<String> {
    let id = reference.reference?.strip_prefix('#')?;
    contained
        .iter()
        .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
        .and_then(|c| resource_name(c))
}

/// One Dosage as text: its `text`, else a sentence built from the structured
/// parts, e.g. `1 dose twice a day. Take at regular intervals.` or
/// `2 tablet every 6 hours (Oral route) as needed for pain`.
///
/// # Errors
/// [`Invalid`] when an element read breaks FHIR (a dose that is not a number,
/// a `periodUnit` outside `s | min | h | d | wk | mo | a`...).
pub fn dosage_text(dosage: &Value) -> Result<Option<String>, Invalid> {
    let text = string(dosage, "text")?;
    let doses = each(dosage, "doseAndRate", |d| quantity(d, "doseQuantity"))?;
    let timing = match crate::json::object(dosage, "timing")? {
        Some(t) => timing_text(t).map_err(|e| e.under("timing"))?,
        None => None,
    };
    let route = concept_text(dosage, "route")?;
    let as_needed = boolean(dosage, "asNeededBoolean")?;
    let as_needed_for = concept_text(dosage, "asNeededCodeableConcept")?;
    let extras = concepts(dosage, "additionalInstruction")?;
    let patient_instruction = string(dosage, "patientInstruction")?;
    if let Some(t) = text {
        return Ok(Some(t.to_owned()));
    }

    let mut core: Vec<String> = Vec::new();
    if let Some(dose) = doses.iter().flatten().find_map(dose_text) {
        core.push(dose);
    }
    core.extend(timing);
    if let Some(route) = route {
        core.push(format!("({route})"));
    }
    if as_needed == Some(true) {
        core.push("as needed".to_owned());
    } else if let Some(why) = as_needed_for {
        core.push(format!("as needed for {why}"));
    }
    let mut sentences: Vec<String> = Vec::new();
    if !core.is_empty() {
        sentences.push(capitalize(&core.join(" ")));
    }
    sentences.extend(extras.iter().filter_map(Concept::text).map(str::to_owned));
    sentences.extend(patient_instruction.map(str::to_owned));
    if sentences.is_empty() {
        return Ok(None);
    }
    let mut out = String::new();
    for s in sentences {
        if !out.is_empty() {
            if !out.ends_with(['.', '!', '?']) {
                out.push('.');
            }
            out.push(' ');
        }
        out.push_str(&s);
    }
    Ok(Some(out))
}

/// "1 tablet", "5 mL", or "1 dose" / "2 doses" when no unit is given.
fn dose_text(q: &crate::json::Quantity<'_>) -> Option<String> {
    let value = q.value?;
    let n = format_number(value);
    Some(match q.unit_text.or(q.unit) {
        Some(unit) => format!("{n} {unit}"),
        None if value == 1.0 => format!("{n} dose"),
        None => format!("{n} doses"),
    })
}

/// A Timing as words: its code's text ("BID"), else `repeat` read as
/// "once a day", "twice a day", "3 times a day", "every 8 hours",
/// "2 times every 3 days".
fn timing_text(timing: &Value) -> Checked<Option<String>> {
    let code = concept_text(timing, "code")?;
    let repeat = match crate::json::object(timing, "repeat")? {
        None => None,
        Some(r) => {
            let read = || -> Checked<_> {
                Ok((
                    positive_int(r, "frequency")?,
                    decimal(r, "period")?,
                    code_in(r, "periodUnit", &UNITS_OF_TIME)?,
                ))
            };
            Some(read().map_err(|e| e.under("repeat"))?)
        }
    };
    if code.is_some() {
        return Ok(code);
    }
    let Some((frequency, Some(period), Some(unit))) = repeat else {
        return Ok(None);
    };
    let frequency = frequency.unwrap_or(1);
    let unit = match unit {
        "s" => "second",
        "min" => "minute",
        "h" => "hour",
        "d" => "day",
        "wk" => "week",
        "mo" => "month",
        _ => "year",
    };
    let times = match frequency {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    };
    Ok(Some(if period == 1.0 {
        format!("{times} a {unit}")
    } else if frequency == 1 {
        format!("every {} {unit}s", format_number(period))
    } else {
        format!("{times} every {} {unit}s", format_number(period))
    }))
}

/// A number without a trailing `.0` (`1`, `2.5`).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The text with its first letter upper-cased.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An AllergyIntolerance.
///
/// # Errors
/// [`NotMapped::Skip`] when `code` (the substance or allergy) is missing or
/// names nothing (FHIR allows that); [`NotMapped::Invalid`] when an element read
/// breaks FHIR (a `category` outside `food | medication | environment |
/// biologic`, a `recordedDate` that is no dateTime...).
fn allergy(resource: &Value, meta: ItemMeta) -> Result<AllergyIntolerance, NotMapped> {
    let code = concept(resource, "code")?;
    let categories = codes_in(resource, "category", &ALLERGY_CATEGORIES)?;
    let manifestations = each(resource, "reaction", |r| concepts(r, "manifestation"))?;
    let clinical_status = status_code(resource, "clinicalStatus")?;
    let verification_status = status_code(resource, "verificationStatus")?;
    let criticality = code_in(resource, "criticality", &ALLERGY_CRITICALITIES)?;
    let recorded = date_time(resource, "recordedDate")?;
    let display = code
        .and_then(|c| c.text())
        .ok_or_else(|| NotMapped::Skip("AllergyIntolerance has no code".to_owned()))?;
    let mut reactions: Vec<&str> = Vec::new();
    for t in manifestations.iter().flatten().filter_map(Concept::text) {
        if !reactions.contains(&t) {
            reactions.push(t);
        }
    }
    Ok(AllergyIntolerance {
        meta,
        display: display.to_owned(),
        code: code.and_then(|c| c.first_code()).map(str::to_owned),
        clinical_status,
        verification_status,
        category: (!categories.is_empty()).then(|| categories.join(",")),
        criticality: criticality.map(str::to_owned),
        reaction: (!reactions.is_empty()).then(|| reactions.join(", ")),
        recorded,
    })
}

/// A Condition.
///
/// # Errors
/// [`NotMapped::Skip`] when `code` is missing or names nothing (FHIR allows
/// that); [`NotMapped::Invalid`] when an element read breaks FHIR (an
/// `onsetDateTime` that is no dateTime...).
fn condition(resource: &Value, meta: ItemMeta) -> Result<Condition, NotMapped> {
    let code = concept(resource, "code")?;
    let clinical_status = status_code(resource, "clinicalStatus")?;
    let verification_status = status_code(resource, "verificationStatus")?;
    let onset = date_time_choice(resource, "onset")?;
    let abatement = date_time_choice(resource, "abatement")?;
    let recorded = date_time(resource, "recordedDate")?;
    let display = code
        .and_then(|c| c.text())
        .ok_or_else(|| NotMapped::Skip("Condition has no code".to_owned()))?;
    Ok(Condition {
        meta,
        display: display.to_owned(),
        code: code.and_then(|c| c.first_code()).map(str::to_owned),
        clinical_status,
        verification_status,
        onset,
        abatement,
        recorded,
    })
}

/// The code of a status CodeableConcept (`clinicalStatus`, `verificationStatus`),
/// else its text.
fn status_code(resource: &Value, key: &str) -> Checked<Option<String>> {
    Ok(concept(resource, key)?
        .and_then(|c| c.first_code().or_else(|| c.text_only()))
        .map(str::to_owned))
}

/// Source text cut to at most 64 characters for a report line.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}
