//! FHIR R4 Appointment and MedicationStatement -> Sprout's record model
//! (issue 6): visits booked in the EHR's schedule, and medications the family
//! reported taking, shown with the prescriptions.
//!
//! Kept apart from [`crate::map`] (which holds the other kept types) so that
//! each group of resource types reads as one piece. The same three outcomes
//! as there: mapped, [`NotMapped::Skip`] (valid FHIR without what the portal
//! needs), [`NotMapped::Invalid`] (broken FHIR: the file is rejected).

use crate::json::{
    code_in, concept, concepts, date_time, each, reference, required, string, time, Checked,
    Concept, Invalid, Ref, TimeKind,
};
use crate::map::{dosage_text, NotMapped, RXNORM_SYSTEM};
use crate::reference::{display_of, resource_name, FileIndex};
use serde_json::Value;
use sprout_domain::record::{Appointment, ItemMeta, MedicationRequest};

/// `Appointment.status` (required binding `appointmentstatus`).
pub const APPOINTMENT_STATUSES: [&str; 10] = [
    "proposed",
    "pending",
    "booked",
    "arrived",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
    "checked-in",
    "waitlist",
];

/// `MedicationStatement.status` (required binding `medication-statement-status`).
pub const MEDICATION_STATEMENT_STATUSES: [&str; 8] = [
    "active",
    "completed",
    "entered-in-error",
    "intended",
    "stopped",
    "on-hold",
    "unknown",
    "not-taken",
];

/// Words that mark a visit as a video (virtual) visit in the appointment's
/// type, service type or class codes, compared case-insensitively. `VR` is
/// HL7 v3 ActCode "virtual"; the rest are the plain words schedulers use.
const VIDEO_WORDS: [&str; 5] = ["video", "virtual", "telehealth", "telemedicine", "VR"];

/// The Patient reference of an Appointment: the first `participant.actor`
/// that names a Patient (a resource of this file that is a Patient, or a
/// `Patient/...` reference), else the first actor (which the caller then
/// finds is not a Patient).
///
/// # Errors
/// [`Invalid`] when `participant` is not an array of objects or an actor is
/// not a Reference.
pub(crate) fn appointment_patient<'a>(
    resource: &'a Value,
    index: &FileIndex<'_>,
) -> Checked<Option<Ref<'a>>> {
    let actors: Vec<Ref<'a>> = each(resource, "participant", |p| reference(p, "actor"))?
        .into_iter()
        .flatten()
        .filter(|r| r.reference.is_some())
        .collect();
    let is_patient = |r: &Ref<'_>| {
        let Some(text) = r.reference else {
            return false;
        };
        match index.find(text) {
            Some(target) => target.resource_type == "Patient",
            None => text.starts_with("Patient/") || text.contains("/Patient/"),
        }
    };
    Ok(actors
        .iter()
        .find(|r| is_patient(r))
        .or(actors.first())
        .copied())
}

/// Whether any of these concepts says "video visit".
fn says_video(concepts: &[Concept<'_>]) -> bool {
    concepts.iter().any(|c| {
        c.text()
            .into_iter()
            .chain(c.codes().map(|(_, code)| code))
            .any(|t| {
                VIDEO_WORDS.iter().any(|w| {
                    if *w == "VR" {
                        t == "VR"
                    } else {
                        t.to_ascii_lowercase().contains(w)
                    }
                })
            })
    })
}

/// An Appointment. Visit type: `appointmentType`, else the first
/// `serviceType`, else the first `serviceCategory`; reason: `reasonCode`, else
/// `description`; practitioner: the first `Practitioner` actor; location: the
/// first `Location` actor. A video visit when the appointment type, a service
/// type or category says so (video, virtual, telehealth, ActCode `VR`).
///
/// # Errors
/// [`NotMapped::Invalid`] when `status` is missing or not an appointment
/// status, `start`/`end` are not FHIR instants, or an element read breaks
/// FHIR.
pub(crate) fn appointment(
    resource: &Value,
    meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<Appointment, NotMapped> {
    let status = required(
        code_in(resource, "status", &APPOINTMENT_STATUSES)?,
        "status",
    )?;
    let appointment_type = concept(resource, "appointmentType")?;
    let service_types = concepts(resource, "serviceType")?;
    let categories = concepts(resource, "serviceCategory")?;
    let reasons = concepts(resource, "reasonCode")?;
    let description = string(resource, "description")?;
    let start = time(resource, "start", TimeKind::Instant)?;
    let end = time(resource, "end", TimeKind::Instant)?;
    let actors: Vec<Ref<'_>> = each(resource, "participant", |p| reference(p, "actor"))?
        .into_iter()
        .flatten()
        .collect();
    let actor_of = |ty: &str| {
        actors
            .iter()
            .filter(|r| r.reference.is_some_and(|s| s.contains(&format!("{ty}/"))))
            .find_map(|r| display_of(r, index))
    };
    let mut all: Vec<Concept<'_>> = appointment_type.into_iter().collect();
    all.extend(service_types.iter().copied());
    all.extend(categories.iter().copied());
    let visit_type = appointment_type
        .and_then(|c| c.text())
        .or_else(|| service_types.iter().find_map(Concept::text))
        .or_else(|| categories.iter().find_map(Concept::text))
        .map(str::to_owned);
    Ok(Appointment {
        meta,
        status: status.to_owned(),
        visit_type,
        reason_text: reasons
            .iter()
            .find_map(Concept::text)
            .or(description)
            .map(str::to_owned),
        start: start.map(str::to_owned),
        end: end.map(str::to_owned),
        practitioner: actor_of("Practitioner"),
        location: actor_of("Location"),
        video: says_video(&all),
    })
}

/// A MedicationStatement, kept as a medication of the list (the same shape as
/// a MedicationRequest; the family reported it rather than a clinician
/// prescribing it). Date: `effectiveDateTime`, else `effectivePeriod.start`,
/// else `dateAsserted`; "prescriber": the `informationSource`. Its source id
/// is `MedicationStatement/<id>`, so it never collides with a
/// MedicationRequest of the same id.
///
/// # Errors
/// [`NotMapped::Skip`] when the medication cannot be read as text;
/// [`NotMapped::Invalid`] when `status` or `medication[x]` is missing, or an
/// element read breaks FHIR.
pub(crate) fn medication_statement(
    resource: &Value,
    mut meta: ItemMeta,
    index: &FileIndex<'_>,
) -> Result<MedicationRequest, NotMapped> {
    let status = required(
        code_in(resource, "status", &MEDICATION_STATEMENT_STATUSES)?,
        "status",
    )?;
    let concept = concept(resource, "medicationCodeableConcept")?;
    let med_ref = reference(resource, "medicationReference")?;
    if concept.is_none() && med_ref.is_none() {
        return Err(Invalid::missing("medication[x]").into());
    }
    let dosage: Vec<String> = each(resource, "dosage", dosage_text)?
        .into_iter()
        .flatten()
        .collect();
    let effective = date_time(resource, "effectiveDateTime")?;
    let period_start = crate::json::period(resource, "effectivePeriod")?
        .and_then(|(s, _)| s)
        .map(str::to_owned);
    let asserted = date_time(resource, "dateAsserted")?;
    let source = reference(resource, "informationSource")?;
    let contained = each(resource, "contained", Ok)?;
    let medication_text = concept
        .and_then(|c| c.text())
        .map(str::to_owned)
        .or_else(|| {
            let r = med_ref?;
            display_of(&r, index).or_else(|| {
                let id = r.reference?.strip_prefix('#')?;
                contained
                    .iter()
                    .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
                    .and_then(|c| resource_name(c))
            })
        })
        .ok_or_else(|| NotMapped::Skip("MedicationStatement has no medication".to_owned()))?;
    meta.source_id = format!("MedicationStatement/{}", meta.source_id);
    Ok(MedicationRequest {
        meta,
        status: status.to_owned(),
        rxnorm: concept
            .and_then(|c| c.code_in_system(RXNORM_SYSTEM))
            .map(str::to_owned),
        medication_text,
        dosage_text: (!dosage.is_empty()).then(|| dosage.join("; ")),
        authored_on: effective.or(period_start).or(asserted),
        prescriber: source.and_then(|r| display_of(&r, index)),
    })
}
