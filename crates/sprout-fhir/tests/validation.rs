//! A kept resource that breaks FHIR R4 where Sprout reads it rejects its whole
//! file, naming the resource, the element and the problem (issue 2); what FHIR
//! allows but Sprout cannot keep is only skipped.

use serde_json::{json, Value};
use sprout_domain::PatientId;
use sprout_fhir::{FhirFile, MappedFile};
use std::collections::BTreeMap;

fn counter() -> impl FnMut() -> [u8; 16] {
    let mut n: u16 = 0;
    move || {
        n += 1;
        let mut b = [0u8; 16];
        b[14..].copy_from_slice(&n.to_be_bytes());
        b
    }
}

fn map(v: &Value) -> MappedFile {
    FhirFile::parse(v.to_string().as_bytes())
        .expect("passes the file-level checks")
        .map(&BTreeMap::new(), &mut counter())
}

fn bundle(resources: &[Value]) -> Value {
    let entry: Vec<Value> = resources
        .iter()
        .map(|r| json!({"fullUrl": format!("urn:uuid:{}", r["id"].as_str().unwrap_or("x")), "resource": r}))
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entry})
}

fn patient() -> Value {
    json!({"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "2019-03-04",
        "name": [{"use": "official", "given": ["Mia"], "family": "Lopez"}],
        "telecom": [{"system": "phone", "value": "555-0100", "use": "home", "rank": 1}],
        "address": [{"use": "home", "line": ["1 Main St"], "city": "Springfield"}]})
}

fn immunization() -> Value {
    json!({"resourceType": "Immunization", "id": "i1", "status": "completed",
        "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "08"}]},
        "patient": {"reference": "urn:uuid:p1"}, "occurrenceDateTime": "2019-03-05",
        "primarySource": true})
}

fn observation() -> Value {
    json!({"resourceType": "Observation", "id": "o1", "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body Weight"}]},
        "subject": {"reference": "urn:uuid:p1"}, "effectiveDateTime": "2020-10-20T19:19:03+00:00",
        "valueQuantity": {"value": 12.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}})
}

fn blood_pressure() -> Value {
    json!({"resourceType": "Observation", "id": "bp1", "status": "final",
    "category": [{"coding": [{"code": "vital-signs"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
    "subject": {"reference": "urn:uuid:p1"}, "effectiveDateTime": "2020-10-20",
    "component": [
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]}, "valueQuantity": {"value": 112, "code": "mm[Hg]"}},
        {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]}, "valueQuantity": {"value": 71, "code": "mm[Hg]"}}
    ]})
}

fn medication_request() -> Value {
    json!({"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
        "medicationCodeableConcept": {"text": "Amoxicillin 250 MG Oral Capsule"},
        "subject": {"reference": "urn:uuid:p1"}, "authoredOn": "2019-09-16",
        "dosageInstruction": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
            "doseAndRate": [{"doseQuantity": {"value": 1}}]}]})
}

fn encounter() -> Value {
    json!({"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {"code": "AMB"},
        "subject": {"reference": "urn:uuid:p1"},
        "period": {"start": "2019-03-05T10:00:00+00:00", "end": "2019-03-05T10:30:00+00:00"}})
}

fn allergy() -> Value {
    json!({"resourceType": "AllergyIntolerance", "id": "a1", "category": ["food"], "criticality": "low",
        "code": {"text": "Peanut"}, "patient": {"reference": "urn:uuid:p1"},
        "recordedDate": "2019-09-30T03:19:07+00:00"})
}

fn condition() -> Value {
    json!({"resourceType": "Condition", "id": "c1", "code": {"text": "Otitis media"},
        "subject": {"reference": "urn:uuid:p1"}, "onsetDateTime": "2019-09-16"})
}

/// Sets (or with `Value::Null` as `None`, removes) the element at a path of
/// object keys and array indexes.
fn with(mut resource: Value, path: &[&str], value: Option<Value>) -> Value {
    let (last, parents) = path.split_last().unwrap();
    let mut node = &mut resource;
    for step in parents {
        node = match step.parse::<usize>() {
            Ok(i) => &mut node[i],
            Err(_) => &mut node[*step],
        };
    }
    match value {
        Some(v) => node[*last] = v,
        None => {
            node.as_object_mut().unwrap().remove(*last);
        }
    }
    resource
}

fn every_kept_type() -> Vec<Value> {
    vec![
        patient(),
        immunization(),
        observation(),
        blood_pressure(),
        medication_request(),
        encounter(),
        allergy(),
        condition(),
    ]
}

#[test]
fn the_valid_fixtures_import_whole() {
    let m = map(&bundle(&every_kept_type()));
    assert_eq!(m.rejection, None);
    assert!(m.skipped.is_empty(), "{:?}", m.skipped);
    assert_eq!(m.batch.patients.len(), 1);
    assert_eq!(m.batch.items.len(), 7);
}

/// Each broken resource, put in a Bundle with every valid fixture, rejects the
/// whole Bundle with this reason.
#[test]
fn present_but_invalid_values_reject_the_whole_file() {
    let cases: Vec<(Value, &str)> = vec![
        // dateTime / date / instant
        (
            with(immunization(), &["occurrenceDateTime"], Some(json!("not-a-date"))),
            r#"Immunization/i1: occurrenceDateTime "not-a-date" is not a FHIR dateTime"#,
        ),
        (
            with(immunization(), &["occurrenceDateTime"], Some(json!("2021-02-29"))),
            r#"Immunization/i1: occurrenceDateTime "2021-02-29" is not a FHIR dateTime"#,
        ),
        (
            with(immunization(), &["occurrenceDateTime"], Some(json!("2020-01-02T10:00:00"))),
            r#"Immunization/i1: occurrenceDateTime "2020-01-02T10:00:00" is not a FHIR dateTime"#,
        ),
        (
            with(immunization(), &["occurrenceDateTime"], Some(json!(20200102))),
            "Immunization/i1: occurrenceDateTime 20200102 is not a FHIR dateTime",
        ),
        (
            with(patient(), &["birthDate"], Some(json!("2018-13-01"))),
            r#"Patient/p1: birthDate "2018-13-01" is not a FHIR date"#,
        ),
        (
            with(patient(), &["birthDate"], Some(json!("2018-06-01T00:00:00Z"))),
            r#"Patient/p1: birthDate "2018-06-01T00:00:00Z" is not a FHIR date"#,
        ),
        (
            with(observation(), &["effectiveDateTime"], Some(json!("yesterday"))),
            r#"Observation/o1: effectiveDateTime "yesterday" is not a FHIR dateTime"#,
        ),
        (
            with(observation(), &["effectiveInstant"], Some(json!("2020-10-20"))),
            r#"Observation/o1: effectiveInstant "2020-10-20" is not a FHIR instant"#,
        ),
        (
            with(encounter(), &["period", "start"], Some(json!("2019-03-05 10:00"))),
            r#"Encounter/e1: period.start "2019-03-05 10:00" is not a FHIR dateTime"#,
        ),
        (
            with(condition(), &["onsetDateTime"], Some(json!("2019-9-16"))),
            r#"Condition/c1: onsetDateTime "2019-9-16" is not a FHIR dateTime"#,
        ),
        (
            with(allergy(), &["recordedDate"], Some(json!("2019-09-31"))),
            r#"AllergyIntolerance/a1: recordedDate "2019-09-31" is not a FHIR dateTime"#,
        ),
        (
            with(medication_request(), &["authoredOn"], Some(json!("soon"))),
            r#"MedicationRequest/m1: authoredOn "soon" is not a FHIR dateTime"#,
        ),
        // decimal / integer / positiveInt
        (
            with(observation(), &["valueQuantity", "value"], Some(json!("12.5"))),
            r#"Observation/o1: valueQuantity.value "12.5" is not a FHIR decimal (a JSON number)"#,
        ),
        (
            with(blood_pressure(), &["component", "1", "valueQuantity", "value"], Some(json!("71"))),
            r#"Observation/bp1: component[1].valueQuantity.value "71" is not a FHIR decimal (a JSON number)"#,
        ),
        (
            with(observation(), &["valueQuantity"], Some(json!(12.5))),
            "Observation/o1: valueQuantity 12.5 is not an object",
        ),
        (
            with(observation(), &["valueInteger"], Some(json!(2.5))),
            "Observation/o1: valueInteger 2.5 is not a FHIR integer",
        ),
        (
            with(
                medication_request(),
                &["dosageInstruction", "0", "doseAndRate", "0", "doseQuantity", "value"],
                Some(json!("1")),
            ),
            r#"MedicationRequest/m1: dosageInstruction[0].doseAndRate[0].doseQuantity.value "1" is not a FHIR decimal (a JSON number)"#,
        ),
        (
            with(
                medication_request(),
                &["dosageInstruction", "0", "timing", "repeat", "frequency"],
                Some(json!(0)),
            ),
            "MedicationRequest/m1: dosageInstruction[0].timing.repeat.frequency 0 is not a FHIR positiveInt",
        ),
        (
            with(patient(), &["telecom", "0", "rank"], Some(json!("1"))),
            r#"Patient/p1: telecom[0].rank "1" is not a FHIR positiveInt"#,
        ),
        // boolean
        (
            with(immunization(), &["primarySource"], Some(json!("yes"))),
            r#"Immunization/i1: primarySource "yes" is not a FHIR boolean (true or false)"#,
        ),
        // code, and codes of required bindings
        (
            with(immunization(), &["status"], Some(json!("complete"))),
            r#"Immunization/i1: status "complete" is not one of completed, entered-in-error, not-done"#,
        ),
        (
            with(observation(), &["status"], Some(json!(" final"))),
            r#"Observation/o1: status " final" is not a FHIR code"#,
        ),
        (
            with(observation(), &["code", "coding", "0", "code"], Some(json!(""))),
            r#"Observation/o1: code.coding[0].code "" is not a FHIR code"#,
        ),
        (
            with(patient(), &["gender"], Some(json!("F"))),
            r#"Patient/p1: gender "F" is not one of male, female, other, unknown"#,
        ),
        (
            with(allergy(), &["category"], Some(json!(["drug"]))),
            r#"AllergyIntolerance/a1: category[0] "drug" is not one of food, medication, environment, biologic"#,
        ),
        (
            with(
                medication_request(),
                &["dosageInstruction", "0", "timing", "repeat", "periodUnit"],
                Some(json!("day")),
            ),
            r#"MedicationRequest/m1: dosageInstruction[0].timing.repeat.periodUnit "day" is not one of s, min, h, d, wk, mo, a"#,
        ),
        (
            with(encounter(), &["class", "code"], Some(json!(["AMB"]))),
            "Encounter/e1: class.code is an array, not a FHIR code",
        ),
        // strings, arrays and objects of the wrong JSON type
        (
            with(immunization(), &["lotNumber"], Some(json!(12345))),
            "Immunization/i1: lotNumber 12345 is not a string",
        ),
        (
            with(patient(), &["name"], Some(json!({"given": ["Mia"]}))),
            "Patient/p1: name is an object, not an array",
        ),
        (
            with(patient(), &["name", "0", "given"], Some(json!("Mia"))),
            r#"Patient/p1: name[0].given "Mia" is not an array"#,
        ),
        (
            with(observation(), &["category"], Some(json!({"coding": [{"code": "vital-signs"}]}))),
            "Observation/o1: category is an object, not an array",
        ),
        (
            with(condition(), &["code", "coding"], Some(json!({"code": "65363002"}))),
            "Condition/c1: code.coding is an object, not an array",
        ),
        (
            with(immunization(), &["patient", "reference"], Some(json!(5))),
            "Immunization/i1: patient.reference 5 is not a string",
        ),
        (
            with(patient(), &["meta"], Some(json!({"security": {"code": "R"}}))),
            "Patient/p1: meta.security is an object, not an array",
        ),
        (
            with(observation(), &["valueString"], Some(Value::Null)),
            "Observation/o1: valueString is null, not a value",
        ),
        (
            with(condition(), &["id"], Some(json!("c 1"))),
            r#"Condition/c 1: id "c 1" is not a FHIR id"#,
        ),
        // required elements (FHIR cardinality 1..1) that are missing or name nothing
        (
            with(immunization(), &["occurrenceDateTime"], None),
            "Immunization/i1: occurrence[x] is missing (FHIR requires it)",
        ),
        (
            with(immunization(), &["vaccineCode"], None),
            "Immunization/i1: vaccineCode is missing (FHIR requires it)",
        ),
        (
            with(immunization(), &["status"], None),
            "Immunization/i1: status is missing (FHIR requires it)",
        ),
        (
            with(immunization(), &["patient"], None),
            "Immunization/i1: patient is missing (FHIR requires it)",
        ),
        (
            with(observation(), &["code"], Some(json!({}))),
            "Observation/o1: code has no text and no coding with a code or display",
        ),
        (
            with(blood_pressure(), &["component", "0", "code"], None),
            "Observation/bp1: component[0].code is missing (FHIR requires it)",
        ),
        (
            with(medication_request(), &["medicationCodeableConcept"], None),
            "MedicationRequest/m1: medication[x] is missing (FHIR requires it)",
        ),
        (
            with(encounter(), &["status"], None),
            "Encounter/e1: status is missing (FHIR requires it)",
        ),
        (
            with(condition(), &["subject"], None),
            "Condition/c1: subject is missing (FHIR requires it)",
        ),
    ];
    for (broken, want) in cases {
        let mut resources: Vec<Value> = every_kept_type()
            .into_iter()
            .filter(|r| r["id"] != broken["id"])
            .collect();
        resources.push(broken);
        let m = map(&bundle(&resources));
        assert_eq!(m.rejection.as_deref(), Some(want));
        assert!(
            m.batch.patients.is_empty() && m.batch.items.is_empty(),
            "{want}"
        );
        assert!(m.skipped.is_empty(), "{want}");
    }
}

#[test]
fn a_single_resource_file_is_rejected_the_same_way() {
    let stored = BTreeMap::from([("p1".to_owned(), PatientId::parse("stored1").unwrap())]);
    let imm = with(
        immunization(),
        &["patient", "reference"],
        Some(json!("Patient/p1")),
    );
    let file = |v: &Value| FhirFile::parse(v.to_string().as_bytes()).unwrap();
    let ok = file(&imm).map(&stored, &mut counter());
    assert_eq!(ok.rejection, None);
    assert_eq!(ok.batch.items.len(), 1);

    let bad = with(imm, &["occurrenceDateTime"], Some(json!("not-a-date")));
    let m = file(&bad).map(&stored, &mut counter());
    assert_eq!(
        m.rejection.as_deref(),
        Some(r#"Immunization/i1: occurrenceDateTime "not-a-date" is not a FHIR dateTime"#)
    );
    assert!(m.batch.items.is_empty());
}

#[test]
fn resources_that_would_be_skipped_are_still_checked() {
    // The patient is nowhere: alone, the Observation is skipped ...
    let orphan = with(
        observation(),
        &["subject", "reference"],
        Some(json!("urn:uuid:nobody")),
    );
    let m = map(&bundle(&[patient(), orphan.clone()]));
    assert_eq!(m.rejection, None);
    assert_eq!(m.batch.patients.len(), 1);
    assert_eq!(
        m.skipped[0].reason,
        "patient Patient/nobody is neither in this file nor already stored"
    );
    // ... but a broken value in it still rejects the file.
    let broken = with(orphan, &["valueQuantity", "value"], Some(json!("12.5")));
    let m = map(&bundle(&[patient(), broken]));
    assert_eq!(
        m.rejection.as_deref(),
        Some(r#"Observation/o1: valueQuantity.value "12.5" is not a FHIR decimal (a JSON number)"#)
    );

    // A repeat of a resource is read too.
    let repeat = with(condition(), &["onsetDateTime"], Some(json!("last week")));
    let m = map(&bundle(&[patient(), condition(), repeat]));
    assert_eq!(
        m.rejection.as_deref(),
        Some(r#"Condition/c1: onsetDateTime "last week" is not a FHIR dateTime"#)
    );

    // Without an id, the resource is named by its place in the Bundle.
    let no_id = with(immunization(), &["id"], None);
    let no_id = with(no_id, &["status"], Some(json!("done")));
    let b = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:p1", "resource": patient()},
        {"resource": no_id}
    ]});
    assert_eq!(
        map(&b).rejection.as_deref(),
        Some(
            r#"Immunization in Bundle.entry[1]: status "done" is not one of completed, entered-in-error, not-done"#
        )
    );
}

#[test]
fn absences_fhir_allows_are_still_only_skipped() {
    let resources = vec![
        patient(),
        with(allergy(), &["code"], None),
        with(condition(), &["code"], None),
        // Observation.subject and Encounter.subject are optional in FHIR.
        with(observation(), &["subject"], None),
        with(encounter(), &["subject"], None),
        // A Reference by identifier only is valid FHIR.
        with(
            immunization(),
            &["patient"],
            Some(json!({"identifier": {"value": "MRN-1"}})),
        ),
        // Categories Sprout does not keep are not read further.
        with(
            with(observation(), &["id"], Some(json!("survey-1"))),
            &["category", "0", "coding", "0", "code"],
            Some(json!("survey")),
        ),
        json!({"resourceType": "Claim", "id": "cl1", "status": 42}),
    ];
    let m = map(&bundle(&resources));
    assert_eq!(m.rejection, None);
    assert_eq!(m.batch.patients.len(), 1);
    assert!(m.batch.items.is_empty(), "{:?}", m.batch.items);
    let reasons: Vec<&str> = m.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "AllergyIntolerance has no code",
            "Condition has no code",
            "Observation has no subject reference",
            "Encounter has no subject reference",
            "Immunization has no patient reference",
            "Observation category survey is not kept",
            "resource type Claim is not kept",
        ]
    );

    // A Patient without a (full) birth date: valid FHIR, skipped with its items.
    let m = map(&bundle(&[
        with(patient(), &["birthDate"], Some(json!("2019-03"))),
        condition(),
    ]));
    assert_eq!(m.rejection, None);
    let reasons: Vec<&str> = m.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "Patient birthDate `2019-03` is not a full date",
            "patient Patient/p1 in this file was not kept",
        ]
    );
}
