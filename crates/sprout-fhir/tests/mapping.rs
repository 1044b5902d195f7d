//! Pure mapping: FHIR JSON -> `ImportBatch`, without a store.

use serde_json::{json, Value};
use sprout_domain::record::{
    AdministrativeSex, Confidentiality, ObservationCategory, RecordItem, Sensitivity,
};
use sprout_domain::PatientId;
use sprout_fhir::{FhirFile, FileError, MappedFile};
use std::collections::BTreeMap;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/fhir/spec-examples/"
);

/// A deterministic id generator: 1, 2, 3... in the last byte pair.
fn counter() -> impl FnMut() -> [u8; 16] {
    let mut n: u16 = 0;
    move || {
        n += 1;
        let mut b = [0u8; 16];
        b[14..].copy_from_slice(&n.to_be_bytes());
        b
    }
}

fn map_value(v: Value, stored: &BTreeMap<String, PatientId>) -> MappedFile {
    let file = FhirFile::parse(v.to_string().as_bytes()).expect("valid file");
    file.map(stored, &mut counter())
}

fn map_bundle(resources: Vec<Value>) -> MappedFile {
    map_value(bundle(resources), &BTreeMap::new())
}

fn bundle(resources: Vec<Value>) -> Value {
    let entry: Vec<Value> = resources
        .into_iter()
        .map(|r| {
            let full_url = format!("urn:uuid:{}", r["id"].as_str().unwrap_or("x"));
            json!({"fullUrl": full_url, "resource": r, "request": {"method": "POST", "url": r["resourceType"]}})
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "transaction", "entry": entry})
}

fn patient_json(id: &str) -> Value {
    json!({
        "resourceType": "Patient", "id": id,
        "identifier": [
            {"system": "https://github.com/synthetichealth/synthea", "value": "synthea-1"},
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
             "system": "http://hospital.example", "value": "MRN-77"}
        ],
        "name": [
            {"use": "maiden", "family": "Old", "given": ["Ann"]},
            {"use": "official", "family": "Toy", "given": ["Alexis", "Jo"], "prefix": ["Mr."]}
        ],
        "telecom": [
            {"system": "phone", "value": "555-000-0000", "use": "old"},
            {"system": "phone", "value": "555-262-7029", "use": "home", "rank": 2},
            {"system": "phone", "value": "555-111-1111", "use": "mobile", "rank": 1},
            {"system": "email", "value": "alexis@example.org"}
        ],
        "gender": "male",
        "birthDate": "2018-06-22",
        "address": [{"use": "home", "line": ["680 Center Street", "Apt 2"], "city": "Brockton", "state": "MA", "postalCode": "02302", "country": "US"}]
    })
}

fn only_item(m: &MappedFile) -> &RecordItem {
    assert_eq!(m.batch.items.len(), 1, "skipped: {:?}", m.skipped);
    &m.batch.items[0]
}

#[test]
fn patient_demographics() {
    let m = map_bundle(vec![patient_json("p1")]);
    assert!(m.skipped.is_empty());
    let p = &m.batch.patients[0];
    assert_eq!(p.source_id.as_deref(), Some("p1"));
    assert_eq!(p.given_name, "Alexis Jo");
    assert_eq!(p.family_name, "Toy");
    assert_eq!(p.birth_date, jiff::civil::date(2018, 6, 22));
    assert_eq!(p.sex, AdministrativeSex::Male);
    assert_eq!(p.mrn.as_deref(), Some("MRN-77"));
    assert_eq!(
        p.phone.as_deref(),
        Some("555-111-1111"),
        "best rank, not old"
    );
    assert_eq!(p.email.as_deref(), Some("alexis@example.org"));
    assert_eq!(
        p.address.as_deref(),
        Some("680 Center Street, Apt 2, Brockton, MA 02302, US")
    );
    assert_eq!(p.labels.confidentiality, Confidentiality::Normal);
    assert_eq!(p.id.as_str().len(), 32);
}

#[test]
fn patient_without_birth_date_is_skipped_and_so_are_its_items() {
    let mut p = patient_json("p1");
    p.as_object_mut().unwrap().remove("birthDate");
    let imm = json!({"resourceType": "Immunization", "id": "i1", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "08"}]},
        "patient": {"reference": "urn:uuid:p1"}, "occurrenceDateTime": "2018-06-23"});
    let m = map_bundle(vec![p, imm]);
    assert!(m.batch.patients.is_empty());
    assert!(m.batch.items.is_empty());
    assert_eq!(m.skipped.len(), 2);
    assert_eq!(m.skipped[0].resource_type, "Patient");
    assert!(
        m.skipped[0].reason.contains("birthDate"),
        "{:?}",
        m.skipped[0]
    );
    assert_eq!(
        m.skipped[1].reason,
        "patient Patient/p1 in this file was not kept"
    );
    assert!(
        m.rejection.is_none(),
        "a Bundle is not rejected for one resource"
    );
}

#[test]
fn patient_partial_birth_date_is_skipped() {
    let mut p = patient_json("p1");
    p["birthDate"] = json!("2018-06");
    let m = map_bundle(vec![p]);
    assert!(m.batch.patients.is_empty());
    assert!(m.skipped[0].reason.contains("not a full date"));
}

#[test]
fn security_labels_become_access_labels() {
    let mut p = patient_json("p1");
    p["meta"] = json!({"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]});
    let cond = json!({"resourceType": "Condition", "id": "c1",
        "meta": {"security": [
            {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "V"},
            {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PSY"},
            {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "STD"}
        ]},
        "code": {"text": "Depression"}, "subject": {"reference": "Patient/p1"}});
    let plain = json!({"resourceType": "Condition", "id": "c2", "code": {"text": "Otitis media"},
        "subject": {"reference": "Patient/p1"}});
    let m = map_bundle(vec![p, cond, plain]);
    assert_eq!(
        m.batch.patients[0].labels.confidentiality,
        Confidentiality::Restricted
    );
    let labels = &m.batch.items[0].meta().labels;
    assert_eq!(labels.confidentiality, Confidentiality::Restricted);
    assert_eq!(
        labels.sensitivity,
        vec![Sensitivity::MentalHealth, Sensitivity::SexualHealth]
    );
    assert_eq!(m.batch.items[1].meta().labels, Default::default());
}

#[test]
fn vital_sign_observation_with_components() {
    let bp = json!({"resourceType": "Observation", "id": "bp", "status": "final",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9", "display": "Blood pressure panel"}]},
    "subject": {"reference": "urn:uuid:p1"}, "encounter": {"reference": "urn:uuid:e1"},
    "effectiveDateTime": "2020-01-02T10:00:00+00:00",
    "component": [
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6", "display": "Systolic Blood Pressure"}]},
         "valueQuantity": {"value": 112, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4", "display": "Diastolic Blood Pressure"}]},
         "valueQuantity": {"value": 71, "unit": "mmHg"}}
    ]});
    let enc = json!({"resourceType": "Encounter", "id": "e1", "status": "finished",
        "class": {"code": "AMB"}, "subject": {"reference": "urn:uuid:p1"}});
    let m = map_bundle(vec![patient_json("p1"), enc, bp]);
    let RecordItem::Observation(o) = &m.batch.items[1] else {
        panic!("not an observation: {:?}", m.batch.items[1])
    };
    assert_eq!(o.category, ObservationCategory::VitalSigns);
    assert_eq!(o.loinc.as_deref(), Some("85354-9"));
    assert_eq!(o.display, "Blood pressure panel");
    assert_eq!(o.effective.as_deref(), Some("2020-01-02T10:00:00+00:00"));
    assert_eq!(o.encounter_source_id.as_deref(), Some("e1"));
    assert_eq!(o.value, None);
    assert_eq!(o.components.len(), 2);
    assert_eq!(o.components[0].code.as_deref(), Some("8480-6"));
    assert_eq!(o.components[0].display, "Systolic Blood Pressure");
    assert_eq!(o.components[0].value, Some(112.0));
    assert_eq!(o.components[0].unit.as_deref(), Some("mm[Hg]"));
    assert_eq!(
        o.components[1].unit.as_deref(),
        Some("mmHg"),
        "falls back to unit"
    );
    assert_eq!(o.meta.patient_id, m.batch.patients[0].id);
}

/// (source id, value, unit, text value) of a mapped Observation.
type ObsValue<'a> = (&'a str, Option<f64>, Option<&'a str>, Option<&'a str>);

#[test]
fn observation_values_and_categories() {
    let obs = |id: &str, cat: &str, extra: Value| {
        let mut o = json!({"resourceType": "Observation", "id": id, "status": "final",
            "category": [{"coding": [{"code": cat}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "1-1"}], "text": "Thing"},
            "subject": {"reference": "Patient/p1"}});
        for (k, v) in extra.as_object().unwrap() {
            o[k] = v.clone();
        }
        o
    };
    let m = map_bundle(vec![
        patient_json("p1"),
        obs(
            "q",
            "laboratory",
            json!({"valueQuantity": {"value": 5.4, "unit": "g/dL", "code": "g/dL"}}),
        ),
        obs("s", "laboratory", json!({"valueString": "negative"})),
        obs(
            "cc",
            "laboratory",
            json!({"valueCodeableConcept": {"coding": [{"code": "x", "display": "Positive"}]}}),
        ),
        obs("survey", "survey", json!({"valueString": "never"})),
        obs("social", "social-history", json!({})),
    ]);
    let values: Vec<ObsValue<'_>> = m
        .batch
        .items
        .iter()
        .map(|i| match i {
            RecordItem::Observation(o) => (
                o.meta.source_id.as_str(),
                o.value,
                o.unit.as_deref(),
                o.value_text.as_deref(),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        values,
        vec![
            ("q", Some(5.4), Some("g/dL"), None),
            ("s", None, None, Some("negative")),
            ("cc", None, None, Some("Positive")),
        ]
    );
    let reasons: Vec<(&str, &str)> = m
        .skipped
        .iter()
        .map(|s| (s.id.as_deref().unwrap(), s.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("survey", "Observation category survey is not kept"),
            ("social", "Observation category social-history is not kept"),
        ]
    );
}

#[test]
fn immunization_given_and_not_done() {
    let given = json!({"resourceType": "Immunization", "id": "i1", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "08", "display": "Hep B, adolescent or pediatric"}]},
        "patient": {"reference": "Patient/p1"}, "occurrenceDateTime": "2018-06-23T03:19:07+00:00",
        "lotNumber": "AAJN11K", "site": {"coding": [{"code": "LA", "display": "left arm"}]}, "primarySource": true});
    let not_done = json!({"resourceType": "Immunization", "id": "i2", "status": "not-done",
        "statusReason": {"coding": [{"code": "MEDPREC", "display": "medical precaution"}]},
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "01"}]},
        "patient": {"reference": "Patient/p1"}, "occurrenceString": "2013-01-10", "primarySource": false});
    let historical = json!({"resourceType": "Immunization", "id": "i3", "status": "completed",
        "vaccineCode": {"coding": [{"system": "urn:oid:1.2.36.1.2001.1005.17", "code": "GNFLU"}], "text": "Influenza"},
        "patient": {"reference": "Patient/p1"}, "occurrenceString": "January 2012"});
    let m = map_bundle(vec![patient_json("p1"), given, not_done, historical]);
    let imms: Vec<_> = m
        .batch
        .items
        .iter()
        .map(|i| match i {
            RecordItem::Immunization(x) => x.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(imms.len(), 3);
    assert_eq!(imms[0].cvx.as_deref(), Some("08"));
    assert_eq!(imms[0].vaccine_text, "Hep B, adolescent or pediatric");
    assert_eq!(imms[0].occurrence, Some(jiff::civil::date(2018, 6, 23)));
    assert_eq!(imms[0].lot_number.as_deref(), Some("AAJN11K"));
    assert_eq!(imms[0].site.as_deref(), Some("left arm"));
    assert_eq!(imms[0].primary_source, Some(true));
    assert_eq!(imms[1].status, "not-done");
    assert_eq!(imms[1].status_reason.as_deref(), Some("medical precaution"));
    assert_eq!(imms[1].cvx.as_deref(), Some("01"));
    assert_eq!(
        imms[1].vaccine_text, "DTP",
        "CDC's short description when the source gives no text"
    );
    assert_eq!(imms[1].occurrence, Some(jiff::civil::date(2013, 1, 10)));
    assert_eq!(imms[1].primary_source, Some(false));
    assert_eq!(imms[2].cvx, None);
    assert_eq!(imms[2].vaccine_text, "Influenza");
    assert_eq!(imms[2].occurrence, None);
    assert!(m.skipped.is_empty(), "{:?}", m.skipped);
}

#[test]
fn medication_request_with_built_dosage_and_prescriber_from_bundle() {
    let dr = json!({"resourceType": "Practitioner", "id": "dr1",
        "name": [{"family": "Nicolas", "given": ["Barry"], "prefix": ["Dr."]}]});
    let mr = json!({"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "308182", "display": "Amoxicillin 250 MG Oral Capsule"}]},
        "subject": {"reference": "urn:uuid:p1"}, "authoredOn": "2019-09-16T07:19:07+00:00",
        "requester": {"reference": "urn:uuid:dr1"},
        "dosageInstruction": [{"sequence": 1,
            "additionalInstruction": [{"text": "Take at regular intervals. Complete the prescribed course unless otherwise directed."}],
            "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
            "asNeededBoolean": false,
            "doseAndRate": [{"doseQuantity": {"value": 1}}]}]});
    let prn = json!({"resourceType": "MedicationRequest", "id": "m2", "status": "stopped",
    "medicationReference": {"reference": "#med"},
    "contained": [{"resourceType": "Medication", "id": "med", "code": {"text": "Ibuprofen 100 mg/5 mL suspension"}}],
    "subject": {"reference": "urn:uuid:p1"},
    "requester": {"reference": "Practitioner/unknown", "display": "Dr. Who"},
    "dosageInstruction": [
        {"timing": {"repeat": {"frequency": 1, "period": 6, "periodUnit": "h"}},
         "route": {"text": "oral"}, "asNeededCodeableConcept": {"text": "pain"},
         "doseAndRate": [{"doseQuantity": {"value": 5, "unit": "mL"}}]},
        {"text": "Do not exceed 4 doses a day"}
    ]});
    // Names a Medication that is neither in the file nor contained: valid FHIR,
    // but nothing to show, so skipped.
    let unnamed = json!({"resourceType": "MedicationRequest", "id": "m3", "status": "active",
        "intent": "order", "medicationReference": {"reference": "Medication/elsewhere"},
        "subject": {"reference": "urn:uuid:p1"}});
    let m = map_bundle(vec![patient_json("p1"), dr, mr, prn, unnamed]);
    let meds: Vec<_> = m
        .batch
        .items
        .iter()
        .map(|i| match i {
            RecordItem::MedicationRequest(x) => x.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(meds.len(), 2);
    assert_eq!(meds[0].rxnorm.as_deref(), Some("308182"));
    assert_eq!(meds[0].medication_text, "Amoxicillin 250 MG Oral Capsule");
    assert_eq!(
        meds[0].dosage_text.as_deref(),
        Some("1 dose twice a day. Take at regular intervals. Complete the prescribed course unless otherwise directed.")
    );
    assert_eq!(
        meds[0].authored_on.as_deref(),
        Some("2019-09-16T07:19:07+00:00")
    );
    assert_eq!(meds[0].prescriber.as_deref(), Some("Dr. Barry Nicolas"));
    assert_eq!(meds[1].medication_text, "Ibuprofen 100 mg/5 mL suspension");
    assert_eq!(
        meds[1].dosage_text.as_deref(),
        Some("5 mL every 6 hours (oral) as needed for pain; Do not exceed 4 doses a day")
    );
    assert_eq!(meds[1].prescriber.as_deref(), Some("Dr. Who"));
    assert_eq!(meds[1].status, "stopped");
    let kinds: Vec<_> = m.skipped.iter().map(|s| s.resource_type.as_str()).collect();
    assert_eq!(kinds, vec!["Practitioner", "MedicationRequest"]);
    assert_eq!(
        m.skipped[0].reason,
        "resource type Practitioner is not kept"
    );
    assert_eq!(m.skipped[1].reason, "MedicationRequest has no medication");
}

#[test]
fn encounter_allergy_condition() {
    let dr = json!({"resourceType": "Practitioner", "id": "dr1",
        "name": [{"family": "Nicolas", "given": ["Barry"], "prefix": ["Dr."]}]});
    let org = json!({"resourceType": "Organization", "id": "o1", "name": "SIGNATURE HEALTHCARE BROCKTON HOSPITAL"});
    let enc = json!({"resourceType": "Encounter", "id": "e1", "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "type": [{"coding": [{"code": "185349003", "display": "Encounter for check up (procedure)"}], "text": "Encounter for check up (procedure)"}],
        "reasonCode": [{"coding": [{"display": "Otitis media"}]}],
        "subject": {"reference": "urn:uuid:p1"},
        "participant": [{"individual": {"reference": "urn:uuid:dr1"}}],
        "period": {"start": "2018-06-23T03:19:07+00:00", "end": "2018-06-23T03:34:07+00:00"},
        "serviceProvider": {"reference": "Organization/o1"}});
    let allergy = json!({"resourceType": "AllergyIntolerance", "id": "a1",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "verificationStatus": {"coding": [{"code": "confirmed"}]},
        "category": ["food", "environment"], "criticality": "low",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "419474003", "display": "Allergy to mould"}]},
        "reaction": [{"manifestation": [{"text": "Hives"}, {"coding": [{"display": "Wheezing"}]}]}, {"manifestation": [{"text": "Hives"}]}],
        "patient": {"reference": "urn:uuid:p1"}, "recordedDate": "2019-09-30T03:19:07+00:00"});
    let cond = json!({"resourceType": "Condition", "id": "c1",
        "clinicalStatus": {"coding": [{"code": "resolved"}]},
        "verificationStatus": {"coding": [{"code": "confirmed"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "241929008", "display": "Acute allergic reaction"}], "text": "Acute allergic reaction"},
        "subject": {"reference": "urn:uuid:p1"},
        "onsetDateTime": "2019-09-16T03:19:07+00:00", "abatementDateTime": "2019-09-16T07:19:07+00:00",
        "recordedDate": "2019-09-16T03:19:07+00:00"});
    let m = map_bundle(vec![patient_json("p1"), org, dr, enc, allergy, cond]);
    let [RecordItem::Encounter(e), RecordItem::AllergyIntolerance(a), RecordItem::Condition(c)] =
        m.batch.items.as_slice()
    else {
        panic!("{:?}", m.batch.items)
    };
    assert_eq!(e.status, "finished");
    assert_eq!(e.class_code.as_deref(), Some("AMB"));
    assert_eq!(
        e.type_text.as_deref(),
        Some("Encounter for check up (procedure)")
    );
    assert_eq!(e.reason_text.as_deref(), Some("Otitis media"));
    assert_eq!(e.start.as_deref(), Some("2018-06-23T03:19:07+00:00"));
    assert_eq!(e.end.as_deref(), Some("2018-06-23T03:34:07+00:00"));
    assert_eq!(e.practitioner.as_deref(), Some("Dr. Barry Nicolas"));
    assert_eq!(
        e.location.as_deref(),
        Some("SIGNATURE HEALTHCARE BROCKTON HOSPITAL")
    );

    assert_eq!(a.display, "Allergy to mould");
    assert_eq!(a.code.as_deref(), Some("419474003"));
    assert_eq!(a.clinical_status.as_deref(), Some("active"));
    assert_eq!(a.verification_status.as_deref(), Some("confirmed"));
    assert_eq!(a.category.as_deref(), Some("food,environment"));
    assert_eq!(a.criticality.as_deref(), Some("low"));
    assert_eq!(a.reaction.as_deref(), Some("Hives, Wheezing"));
    assert_eq!(a.recorded.as_deref(), Some("2019-09-30T03:19:07+00:00"));

    assert_eq!(c.display, "Acute allergic reaction");
    assert_eq!(c.code.as_deref(), Some("241929008"));
    assert_eq!(c.clinical_status.as_deref(), Some("resolved"));
    assert_eq!(c.onset.as_deref(), Some("2019-09-16T03:19:07+00:00"));
    assert_eq!(c.abatement.as_deref(), Some("2019-09-16T07:19:07+00:00"));
    assert_eq!(c.recorded.as_deref(), Some("2019-09-16T03:19:07+00:00"));
}

#[test]
fn references_resolve_in_every_form() {
    // fullUrl is an absolute URL; items use relative, absolute and fullUrl forms.
    let mut b = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "http://ehr.example/fhir/Patient/p1", "resource": patient_json("p1")},
        {"resource": {"resourceType": "Condition", "id": "c1", "code": {"text": "A"}, "subject": {"reference": "Patient/p1"}}},
        {"resource": {"resourceType": "Condition", "id": "c2", "code": {"text": "B"}, "subject": {"reference": "https://other.example/fhir/Patient/p1/_history/3"}}},
        {"resource": {"resourceType": "Condition", "id": "c3", "code": {"text": "C"}, "subject": {"reference": "http://ehr.example/fhir/Patient/p1"}}},
        {"resource": {"resourceType": "Condition", "id": "c4", "code": {"text": "D"}, "subject": {"reference": "Group/g1"}}},
        {"resource": {"resourceType": "Condition", "id": "c5", "code": {"text": "E"},
            "subject": {"identifier": {"value": "MRN-77"}}}}
    ]});
    // The Patient without an id: its identity comes from the fullUrl.
    b["entry"][0]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    let m = map_value(b, &BTreeMap::new());
    assert_eq!(m.batch.patients[0].source_id.as_deref(), Some("p1"));
    assert_eq!(m.batch.items.len(), 3, "{:?}", m.skipped);
    for item in &m.batch.items {
        assert_eq!(item.meta().patient_id, m.batch.patients[0].id);
    }
    let reasons: Vec<&str> = m.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "subject Group/g1 is not a Patient",
            "Condition has no subject reference"
        ]
    );
}

#[test]
fn stored_patients_keep_their_ids_and_unknown_ones_are_skipped() {
    let stored_id = PatientId::parse("stored0001").unwrap();
    let stored = BTreeMap::from([("known".to_owned(), stored_id.clone())]);
    let b = bundle(vec![
        json!({"resourceType": "Condition", "id": "c1", "code": {"text": "A"}, "subject": {"reference": "Patient/known"}}),
        json!({"resourceType": "Condition", "id": "c2", "code": {"text": "B"}, "subject": {"reference": "Patient/unknown"}}),
        patient_json("known"),
    ]);
    let file = FhirFile::parse(b.to_string().as_bytes()).unwrap();
    assert_eq!(
        file.patient_source_ids(),
        vec!["known".to_owned(), "unknown".to_owned()]
    );
    let m = file.map(&stored, &mut counter());
    assert_eq!(
        m.batch.patients[0].id, stored_id,
        "a stored patient keeps its Sprout id"
    );
    assert_eq!(m.batch.items.len(), 1);
    assert_eq!(m.batch.items[0].meta().patient_id, stored_id);
    assert_eq!(
        m.skipped[0].reason,
        "patient Patient/unknown is neither in this file nor already stored"
    );
}

#[test]
fn not_kept_types_and_duplicates_are_skipped() {
    let claim =
        json!({"resourceType": "Claim", "id": "cl1", "patient": {"reference": "urn:uuid:p1"}});
    let c = json!({"resourceType": "Condition", "id": "c1", "code": {"text": "A"}, "subject": {"reference": "urn:uuid:p1"}});
    let m = map_bundle(vec![patient_json("p1"), claim, c.clone(), c]);
    assert_eq!(m.batch.items.len(), 1);
    assert_eq!(m.skipped.len(), 2);
    assert_eq!(m.skipped[0].resource_type, "Claim");
    assert_eq!(m.skipped[0].id.as_deref(), Some("cl1"));
    assert_eq!(m.skipped[0].reason, "resource type Claim is not kept");
    assert!(
        m.skipped[1].reason.contains("comes earlier"),
        "{:?}",
        m.skipped[1]
    );
}

#[test]
fn file_level_rejections() {
    let err = FhirFile::parse(b"{\"resourceType\": \"Bundle\",\n  \"type\": ").unwrap_err();
    let FileError::Json { line, column, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*line, *column), (2, 10));
    assert!(
        err.to_string()
            .starts_with("invalid JSON at line 2, column 10: EOF"),
        "{err}"
    );

    let err = FhirFile::parse(br#"{"resourceType": "Pateint", "id": "x"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a FHIR resource: resourceType `Pateint` is not a FHIR R4 resource type"
    );
    let err = FhirFile::parse(br#"{"id": "x"}"#).unwrap_err();
    assert_eq!(err, FileError::MissingResourceType);
    let err = FhirFile::parse(b"[1, 2]").unwrap_err();
    assert_eq!(err, FileError::NotAnObject("array"));
    let err = FhirFile::parse(br#"{"resourceType": "Bundle", "type": "collection", "entry": {}}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "broken Bundle: Bundle.entry is not an array"
    );
    let err = FhirFile::parse(
        br#"{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": 3}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "broken Bundle: Bundle.entry[0].resource is not an object"
    );
    let err = FhirFile::parse(br#"{"resourceType": "Bundle", "type": "history", "entry": []}"#)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Bundle.type `history` is not imported"),
        "{err}"
    );
    assert!(FhirFile::parse(br#"{"resourceType": "Bundle", "type": "searchset"}"#).is_ok());
}

#[test]
fn bundle_entries_that_are_not_fhir_resources_reject_the_file() {
    let with_entry = |entry: Value| {
        json!({"resourceType": "Bundle", "type": "batch", "entry": [
            {"resource": patient_json("p1")},
            entry,
            {"request": {"method": "DELETE", "url": "Patient/p9"}}
        ]})
    };
    let parse = |v: Value| FhirFile::parse(v.to_string().as_bytes());

    let err = parse(with_entry(
        json!({"fullUrl": "urn:uuid:x1", "resource": {"resourceType": "Nonsense", "id": "n1"}}),
    ))
    .unwrap_err();
    assert_eq!(
        err,
        FileError::EntryNotAResource {
            index: 1,
            resource: "Nonsense/n1".into(),
            problem: "resourceType `Nonsense` is not a FHIR R4 resource type".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "not a FHIR resource: Bundle.entry[1] Nonsense/n1: resourceType `Nonsense` is not a FHIR R4 resource type"
    );
    let err = parse(with_entry(
        json!({"fullUrl": "urn:uuid:x2", "resource": {"id": "n2"}}),
    ))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a FHIR resource: Bundle.entry[1] (id n2): resourceType is missing"
    );
    let err = parse(with_entry(
        json!({"fullUrl": "urn:uuid:x3", "resource": {"resourceType": 7}}),
    ))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a FHIR resource: Bundle.entry[1] (fullUrl urn:uuid:x3): resourceType 7 is not a string"
    );
    // Case matters in FHIR JSON.
    assert!(parse(with_entry(json!({"resource": {"resourceType": "claim"}}))).is_err());

    // A real FHIR type Sprout does not keep, and an entry without a resource
    // (a DELETE), are only skipped.
    let m = map_value(
        with_entry(
            json!({"fullUrl": "urn:uuid:cl1", "resource": {"resourceType": "Claim", "id": "cl1"}}),
        ),
        &BTreeMap::new(),
    );
    assert!(m.rejection.is_none());
    assert_eq!(m.batch.patients.len(), 1);
    let reasons: Vec<&str> = m.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "Bundle.entry[2] has no resource",
            "resource type Claim is not kept",
        ]
    );
}

#[test]
fn single_resource_dropped_for_missing_patient_rejects_the_file() {
    let bytes = std::fs::read(format!("{SPEC}Immunization-notGiven.json")).unwrap();
    let file = FhirFile::parse(&bytes).unwrap();
    assert!(!file.is_bundle());
    assert_eq!(file.patient_source_ids(), vec!["example".to_owned()]);
    let m = file.map(&BTreeMap::new(), &mut counter());
    assert!(m.batch.items.is_empty());
    assert_eq!(
        m.rejection.as_deref(),
        Some("Immunization notGiven: patient Patient/example is neither in this file nor already stored")
    );

    let stored = BTreeMap::from([("example".to_owned(), PatientId::parse("p").unwrap())]);
    let m = file.map(&stored, &mut counter());
    assert!(m.rejection.is_none());
    let RecordItem::Immunization(i) = only_item(&m) else {
        panic!()
    };
    assert_eq!(i.status, "not-done");
    assert_eq!(i.status_reason.as_deref(), Some("medical precaution"));
    assert_eq!(i.vaccine_text, "DTP");
}

#[test]
fn single_resource_of_a_type_not_kept_is_only_skipped() {
    let bytes = std::fs::read(format!("{SPEC}Person-example.json")).unwrap();
    let m = FhirFile::parse(&bytes)
        .unwrap()
        .map(&BTreeMap::new(), &mut counter());
    assert!(m.rejection.is_none());
    assert_eq!(m.skipped.len(), 1);
    assert!(m.skipped[0].reason.ends_with("is not kept"));
}

#[test]
fn spec_example_patients_map() {
    let read = |name: &str| {
        let bytes = std::fs::read(format!("{SPEC}{name}")).unwrap();
        FhirFile::parse(&bytes)
            .unwrap()
            .map(&BTreeMap::new(), &mut counter())
    };
    let newborn = read("Patient-newborn.json");
    let p = &newborn.batch.patients[0];
    assert_eq!(p.birth_date, jiff::civil::date(2017, 9, 5));
    assert_eq!(p.sex, AdministrativeSex::Male);
    assert_eq!(p.display_name(), "", "the newborn has no name yet");
    let twin = read("Patient-infant-twin-1.json");
    let p = &twin.batch.patients[0];
    assert_eq!(p.display_name(), "Jaina Solo");
    assert_eq!(p.mrn.as_deref(), Some("MRN7465737865"));
    assert_eq!(p.sex, AdministrativeSex::Female);
    let example = read("Patient-example.json");
    let p = &example.batch.patients[0];
    assert_eq!(p.display_name(), "Peter James Chalmers");
    assert_eq!(p.mrn.as_deref(), Some("12345"));
    assert_eq!(p.phone.as_deref(), Some("(03) 5555 6473"));
}

#[test]
fn r4_type_list_matches_the_official_schema() {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/fhir/fhir.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut names: Vec<&str> = schema["discriminator"]["mapping"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(names, sprout_fhir::resource_types::R4_RESOURCE_TYPES);
    assert!(sprout_fhir::resource_types::is_r4_resource_type(
        "Immunization"
    ));
    assert!(!sprout_fhir::resource_types::is_r4_resource_type(
        "immunization"
    ));
}
