//! FHIR R4 resources -> Sprout's record model (`sprout_domain::record`).
//!
//! One function per kept resource type. Each reads only what the portal shows,
//! borrows from the parsed JSON and copies only the kept text. A resource that
//! breaks a rule Sprout relies on (a Patient without a birth date, an
//! Immunization without a vaccine code...) comes back as `Err(reason)`, and the
//! import reports it as skipped with that reason.
//!
//! The caller resolves the patient and hands in the [`ItemMeta`] (ids and
//! labels), so these functions need no store, no clock and no randomness.

use crate::json::{
    array_at, civil_date, code_in_system, concept_text, concept_text_at, date_time_choice,
    first_code, number_at, quantity, str_at, string_at,
};
use crate::reference::{display_of, human_name_text, resource_name, FileIndex};
use serde_json::Value;
use sprout_domain::record::{
    AdministrativeSex, AllergyIntolerance, Condition, Encounter, Immunization, ItemMeta,
    MedicationRequest, Observation, ObservationCategory, ObservationComponent, Patient, RecordItem,
};
use sprout_domain::PatientId;

/// Why a resource was not kept, in words for the import report.
pub type Reason = String;

/// Code system of CVX vaccine codes.
pub const CVX_SYSTEM: &str = "http://hl7.org/fhir/sid/cvx";
/// Code system of RxNorm.
pub const RXNORM_SYSTEM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
/// Code system of LOINC.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// Maps a Patient.
///
/// Name: the `official` name, else `usual`, else the first; given names joined by
/// spaces. MRN: the identifier whose `type` has code `MR` (HL7 v2 table 0203).
/// Phone and email: the best-ranked telecom of that system that is not `old`.
/// Address: the `home` (else first current) address on one line.
///
/// # Errors
/// A reason when `birthDate` is missing or not a full date: FHIR allows that,
/// but Sprout needs the birth date for every age rule.
pub fn patient(resource: &Value, id: PatientId, source_id: &str) -> Result<Patient, Reason> {
    let birth = str_at(resource, "birthDate")
        .ok_or_else(|| "Patient has no birthDate (Sprout needs one)".to_owned())?;
    let birth_date = civil_date(birth)
        .filter(|_| birth.len() == 10)
        .ok_or_else(|| format!("Patient birthDate `{}` is not a full date", clip(birth)))?;

    let (given_name, family_name) = patient_name(resource);
    let sex = str_at(resource, "gender")
        .and_then(|g| g.parse().ok())
        .unwrap_or(AdministrativeSex::Unknown);
    let mrn = array_at(resource, "identifier")
        .iter()
        .find(|i| {
            i.get("type").is_some_and(|t| {
                crate::json::codings(t)
                    .iter()
                    .any(|c| str_at(c, "code") == Some("MR"))
            })
        })
        .and_then(|i| string_at(i, "value"));

    Ok(Patient {
        id,
        source_id: Some(source_id.to_owned()),
        mrn,
        given_name,
        family_name,
        birth_date,
        sex,
        phone: telecom(resource, "phone"),
        email: telecom(resource, "email"),
        address: address(resource),
        gestation_weeks: None,
        labels: crate::labels::labels_of(resource),
    })
}

/// (given names, family name) of the Patient's best name.
fn patient_name(resource: &Value) -> (String, String) {
    let names = array_at(resource, "name");
    let by_use = |u: &str| {
        names
            .iter()
            .find(|n| n.get("use").and_then(Value::as_str) == Some(u))
    };
    let Some(name) = by_use("official")
        .or_else(|| by_use("usual"))
        .or_else(|| {
            names.iter().find(|n| {
                !matches!(
                    n.get("use").and_then(Value::as_str),
                    Some("old" | "maiden" | "anonymous")
                )
            })
        })
        .or_else(|| names.first())
    else {
        return (String::new(), String::new());
    };
    let given = array_at(name, "given")
        .iter()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let family = str_at(name, "family").unwrap_or_default().to_owned();
    if given.is_empty() && family.is_empty() {
        // Only `text` (or nothing): keep it whole as the given name.
        return (human_name_text(name).unwrap_or_default(), String::new());
    }
    (given, family)
}

/// The best-ranked current telecom value of a system (`phone`, `email`).
fn telecom(resource: &Value, system: &str) -> Option<String> {
    array_at(resource, "telecom")
        .iter()
        .filter(|t| t.get("system").and_then(Value::as_str) == Some(system))
        .filter(|t| t.get("use").and_then(Value::as_str) != Some("old"))
        .filter(|t| str_at(t, "value").is_some())
        .min_by_key(|t| t.get("rank").and_then(Value::as_u64).unwrap_or(u64::MAX))
        .and_then(|t| string_at(t, "value"))
}

/// The home (else first current) address on one line:
/// "680 Center Street, Brockton, MA 02302, US".
fn address(resource: &Value) -> Option<String> {
    let addresses = array_at(resource, "address");
    let current = |a: &&Value| a.get("use").and_then(Value::as_str) != Some("old");
    let a = addresses
        .iter()
        .filter(current)
        .find(|a| a.get("use").and_then(Value::as_str) == Some("home"))
        .or_else(|| addresses.iter().find(current))?;
    if let Some(t) = str_at(a, "text") {
        return Some(t.to_owned());
    }
    let mut parts: Vec<String> = array_at(a, "line")
        .iter()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(city) = str_at(a, "city") {
        parts.push(city.to_owned());
    }
    let state_zip = [str_at(a, "state"), str_at(a, "postalCode")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !state_zip.is_empty() {
        parts.push(state_zip);
    }
    if let Some(country) = str_at(a, "country") {
        parts.push(country.to_owned());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The category an Observation is kept under: `vital-signs` wins over
/// `laboratory` when both are given.
///
/// # Errors
/// "Observation category X is not kept" for any other category (`survey`,
/// `social-history`...), naming the first one; a reason when it has none.
pub fn observation_category(resource: &Value) -> Result<ObservationCategory, Reason> {
    let mut first = None;
    let mut lab = false;
    for cat in array_at(resource, "category") {
        for c in crate::json::codings(cat) {
            let Some(code) = str_at(c, "code") else {
                continue;
            };
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
    Err(match first {
        Some(code) => format!("Observation category {} is not kept", clip(code)),
        None => "Observation has no category (only vital-signs and laboratory are kept)".to_owned(),
    })
}

/// Maps one kept record resource (everything but Patient), given its meta.
///
/// # Errors
/// A reason when the resource lacks what Sprout relies on (see each type), or
/// when `resource_type` is not a kept record type.
pub(crate) fn item(
    resource_type: &str,
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<RecordItem, Reason> {
    Ok(match resource_type {
        "Encounter" => RecordItem::Encounter(encounter(resource, meta, index)),
        "Observation" => RecordItem::Observation(observation(resource, meta, index)?),
        "Immunization" => RecordItem::Immunization(immunization(resource, meta)?),
        "MedicationRequest" => {
            RecordItem::MedicationRequest(medication_request(resource, meta, index)?)
        }
        "AllergyIntolerance" => RecordItem::AllergyIntolerance(allergy(resource, meta)?),
        "Condition" => RecordItem::Condition(condition(resource, meta)?),
        other => return Err(format!("resource type {other} is not kept")),
    })
}

/// An Encounter. Practitioner: the first participant's individual; location: the
/// first location, else the service provider (names taken from the file when
/// the reference has no display).
fn encounter(resource: &Value, meta: ItemMeta, index: &FileIndex<'_>) -> Encounter {
    let period = resource.get("period");
    let practitioner = array_at(resource, "participant")
        .iter()
        .filter_map(|p| p.get("individual"))
        .find_map(|r| display_of(r, index));
    let location = array_at(resource, "location")
        .iter()
        .filter_map(|l| l.get("location"))
        .find_map(|r| display_of(r, index))
        .or_else(|| {
            resource
                .get("serviceProvider")
                .and_then(|r| display_of(r, index))
        });
    let reason_text = array_at(resource, "reasonCode")
        .iter()
        .find_map(concept_text)
        .map(str::to_owned)
        .or_else(|| {
            array_at(resource, "reasonReference")
                .iter()
                .find_map(|r| display_of(r, index))
        });
    Encounter {
        meta,
        status: status(resource),
        class_code: resource.get("class").and_then(|c| string_at(c, "code")),
        type_text: array_at(resource, "type")
            .iter()
            .find_map(concept_text)
            .map(str::to_owned),
        reason_text,
        start: period.and_then(|p| string_at(p, "start")),
        end: period.and_then(|p| string_at(p, "end")),
        practitioner,
        location,
    }
}

/// An Observation (vital sign or laboratory).
///
/// Value: `valueQuantity` (value and UCUM `code`, else `unit`), `valueInteger`,
/// or as text `valueString`, `valueCodeableConcept`, `valueBoolean`,
/// `valueDateTime`. Components (blood pressure) likewise.
///
/// # Errors
/// A reason when `code` is missing or empty, or the category is not kept.
fn observation(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<Observation, Reason> {
    let category = observation_category(resource)?;
    let code = resource
        .get("code")
        .filter(|c| concept_text(c).is_some())
        .ok_or_else(|| "Observation has no code".to_owned())?;
    let (value, unit, value_text) = observed_value(resource);
    let components = array_at(resource, "component")
        .iter()
        .map(|c| {
            let ccode = c.get("code");
            let (value, unit, _) = observed_value(c);
            ObservationComponent {
                code: ccode.and_then(|cc| {
                    code_in_system(cc, LOINC_SYSTEM)
                        .or_else(|| first_code(cc))
                        .map(str::to_owned)
                }),
                display: ccode.and_then(concept_text).unwrap_or_default().to_owned(),
                value,
                unit,
            }
        })
        .collect();
    Ok(Observation {
        meta,
        category,
        status: status(resource),
        loinc: code_in_system(code, LOINC_SYSTEM).map(str::to_owned),
        display: concept_text(code).unwrap_or_default().to_owned(),
        effective: date_time_choice(resource, "effective"),
        value,
        unit,
        value_text,
        components,
        encounter_source_id: resource
            .get("encounter")
            .and_then(|r| referenced_id(r, index)),
    })
}

/// (numeric value, unit, text value) of an Observation or component's `value[x]`.
fn observed_value(v: &Value) -> (Option<f64>, Option<String>, Option<String>) {
    if let Some(q) = v.get("valueQuantity") {
        let (value, unit) = quantity(q);
        return (value, unit, None);
    }
    if let Some(n) = number_at(v, "valueInteger") {
        return (Some(n), None, None);
    }
    let text = string_at(v, "valueString")
        .or_else(|| concept_text_at(v, "valueCodeableConcept"))
        .or_else(|| {
            v.get("valueBoolean")
                .and_then(Value::as_bool)
                .map(|b| if b { "yes" } else { "no" }.to_owned())
        })
        .or_else(|| string_at(v, "valueDateTime"))
        .or_else(|| string_at(v, "valueTime"));
    (None, None, text)
}

/// The source id a reference names: the referenced entry's id when it is in
/// the file, else the id written in the reference.
fn referenced_id(reference: &Value, index: &FileIndex<'_>) -> Option<String> {
    let text = str_at(reference, "reference")?;
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
/// A reason when `vaccineCode` or `status` is missing.
fn immunization(resource: &Value, meta: ItemMeta) -> Result<Immunization, Reason> {
    let vaccine = resource
        .get("vaccineCode")
        .filter(|c| concept_text(c).is_some())
        .ok_or_else(|| "Immunization has no vaccineCode".to_owned())?;
    let status = str_at(resource, "status")
        .ok_or_else(|| "Immunization has no status".to_owned())?
        .to_owned();
    let cvx = code_in_system(vaccine, CVX_SYSTEM);
    let vaccine_text = str_at(vaccine, "text")
        .or_else(|| {
            crate::json::codings(vaccine)
                .iter()
                .find_map(|c| str_at(c, "display"))
        })
        .or_else(|| {
            cvx.and_then(sprout_domain::cvx::lookup)
                .map(|c| c.short_description)
        })
        .or_else(|| first_code(vaccine))
        .unwrap_or_default()
        .to_owned();
    let occurrence = str_at(resource, "occurrenceDateTime")
        .or_else(|| str_at(resource, "occurrenceString"))
        .and_then(civil_date);
    Ok(Immunization {
        meta,
        status,
        status_reason: concept_text_at(resource, "statusReason"),
        cvx: cvx.map(str::to_owned),
        vaccine_text,
        occurrence,
        lot_number: string_at(resource, "lotNumber"),
        site: concept_text_at(resource, "site"),
        primary_source: resource.get("primarySource").and_then(Value::as_bool),
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
/// A reason when no medication can be read.
fn medication_request(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<MedicationRequest, Reason> {
    let concept = resource.get("medicationCodeableConcept");
    let medication_text = concept
        .and_then(concept_text)
        .map(str::to_owned)
        .or_else(|| {
            let r = resource.get("medicationReference")?;
            display_of(r, index).or_else(|| contained_name(resource, r))
        })
        .ok_or_else(|| "MedicationRequest has no medication".to_owned())?;
    let dosage: Vec<String> = array_at(resource, "dosageInstruction")
        .iter()
        .filter_map(dosage_text)
        .collect();
    Ok(MedicationRequest {
        meta,
        status: status(resource),
        rxnorm: concept
            .and_then(|c| code_in_system(c, RXNORM_SYSTEM))
            .map(str::to_owned),
        medication_text,
        dosage_text: (!dosage.is_empty()).then(|| dosage.join("; ")),
        authored_on: string_at(resource, "authoredOn"),
        prescriber: resource.get("requester").and_then(|r| display_of(r, index)),
    })
}

/// The name of a contained resource a `#id` reference names.
fn contained_name(resource: &Value, reference: &Value) -> Option<String> {
    let id = str_at(reference, "reference")?.strip_prefix('#')?;
    array_at(resource, "contained")
        .iter()
        .find(|c| str_at(c, "id") == Some(id))
        .and_then(resource_name)
}

/// One Dosage as text: its `text`, else a sentence built from the structured
/// parts, e.g. `1 dose twice a day. Take at regular intervals.` or
/// `2 tablet every 6 hours (Oral route) as needed for pain`.
pub fn dosage_text(dosage: &Value) -> Option<String> {
    if let Some(t) = str_at(dosage, "text") {
        return Some(t.to_owned());
    }
    let mut core: Vec<String> = Vec::new();
    if let Some(dose) = array_at(dosage, "doseAndRate")
        .iter()
        .find_map(|d| d.get("doseQuantity"))
        .and_then(dose_text)
    {
        core.push(dose);
    }
    if let Some(timing) = dosage.get("timing").and_then(timing_text) {
        core.push(timing);
    }
    if let Some(route) = concept_text_at(dosage, "route") {
        core.push(format!("({route})"));
    }
    if dosage.get("asNeededBoolean").and_then(Value::as_bool) == Some(true) {
        core.push("as needed".to_owned());
    } else if let Some(why) = concept_text_at(dosage, "asNeededCodeableConcept") {
        core.push(format!("as needed for {why}"));
    }
    let mut sentences: Vec<String> = Vec::new();
    if !core.is_empty() {
        sentences.push(capitalize(&core.join(" ")));
    }
    for extra in array_at(dosage, "additionalInstruction") {
        if let Some(t) = concept_text(extra) {
            sentences.push(t.to_owned());
        }
    }
    if let Some(t) = str_at(dosage, "patientInstruction") {
        sentences.push(t.to_owned());
    }
    if sentences.is_empty() {
        return None;
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
    Some(out)
}

/// "1 tablet", "5 mL", or "1 dose" / "2 doses" when no unit is given.
fn dose_text(q: &Value) -> Option<String> {
    let value = number_at(q, "value")?;
    let n = format_number(value);
    Some(match str_at(q, "unit").or_else(|| str_at(q, "code")) {
        Some(unit) => format!("{n} {unit}"),
        None if value == 1.0 => format!("{n} dose"),
        None => format!("{n} doses"),
    })
}

/// A Timing as words: its code's text ("BID"), else `repeat` read as
/// "once a day", "twice a day", "3 times a day", "every 8 hours",
/// "2 times every 3 days".
fn timing_text(timing: &Value) -> Option<String> {
    if let Some(t) = concept_text_at(timing, "code") {
        return Some(t);
    }
    let repeat = timing.get("repeat")?;
    let frequency = number_at(repeat, "frequency").unwrap_or(1.0);
    let period = number_at(repeat, "period")?;
    let unit = match str_at(repeat, "periodUnit")? {
        "s" => "second",
        "min" => "minute",
        "h" => "hour",
        "d" => "day",
        "wk" => "week",
        "mo" => "month",
        "a" => "year",
        _ => return None,
    };
    let times = if frequency == 1.0 {
        "once".to_owned()
    } else if frequency == 2.0 {
        "twice".to_owned()
    } else {
        format!("{} times", format_number(frequency))
    };
    Some(if period == 1.0 {
        format!("{times} a {unit}")
    } else if frequency == 1.0 {
        format!("every {} {unit}s", format_number(period))
    } else {
        format!("{times} every {} {unit}s", format_number(period))
    })
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
/// A reason when `code` (the substance or allergy) is missing.
fn allergy(resource: &Value, meta: ItemMeta) -> Result<AllergyIntolerance, Reason> {
    let code = resource
        .get("code")
        .filter(|c| concept_text(c).is_some())
        .ok_or_else(|| "AllergyIntolerance has no code".to_owned())?;
    let categories: Vec<&str> = array_at(resource, "category")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut reactions: Vec<&str> = Vec::new();
    for r in array_at(resource, "reaction") {
        for m in array_at(r, "manifestation") {
            if let Some(t) = concept_text(m) {
                if !reactions.contains(&t) {
                    reactions.push(t);
                }
            }
        }
    }
    Ok(AllergyIntolerance {
        meta,
        display: concept_text(code).unwrap_or_default().to_owned(),
        code: first_code(code).map(str::to_owned),
        clinical_status: status_code(resource, "clinicalStatus"),
        verification_status: status_code(resource, "verificationStatus"),
        category: (!categories.is_empty()).then(|| categories.join(",")),
        criticality: string_at(resource, "criticality"),
        reaction: (!reactions.is_empty()).then(|| reactions.join(", ")),
        recorded: string_at(resource, "recordedDate"),
    })
}

/// A Condition.
///
/// # Errors
/// A reason when `code` is missing.
fn condition(resource: &Value, meta: ItemMeta) -> Result<Condition, Reason> {
    let code = resource
        .get("code")
        .filter(|c| concept_text(c).is_some())
        .ok_or_else(|| "Condition has no code".to_owned())?;
    Ok(Condition {
        meta,
        display: concept_text(code).unwrap_or_default().to_owned(),
        code: first_code(code).map(str::to_owned),
        clinical_status: status_code(resource, "clinicalStatus"),
        verification_status: status_code(resource, "verificationStatus"),
        onset: date_time_choice(resource, "onset"),
        abatement: date_time_choice(resource, "abatement"),
        recorded: string_at(resource, "recordedDate"),
    })
}

/// `status`, or `unknown` when the source left it out.
fn status(resource: &Value) -> String {
    str_at(resource, "status").unwrap_or("unknown").to_owned()
}

/// The code of a status CodeableConcept (`clinicalStatus`, `verificationStatus`).
fn status_code(resource: &Value, key: &str) -> Option<String> {
    resource
        .get(key)
        .and_then(|c| first_code(c).or_else(|| str_at(c, "text")))
        .map(str::to_owned)
}

/// Source text cut to at most 64 characters for a report line.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}
