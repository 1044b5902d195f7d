//! Import of Appointments and MedicationStatements (issue 6) against a real
//! SQLite store: what the appointment and medication pages read.

use serde_json::json;
use sprout_fhir::{import_file, FileStatus};
use sprout_store::care::AppointmentStore;
use sprout_store::{RecordStore, Store};

async fn import(
    bundle: serde_json::Value,
) -> (tempfile::TempDir, impl Store, sprout_fhir::FileReport) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sprout.db").display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let report = import_file(&store, &path).await;
    (dir, store, report)
}

fn bundle(entries: Vec<serde_json::Value>) -> serde_json::Value {
    let mut all = vec![json!({"fullUrl": "urn:uuid:p1", "resource": {
        "resourceType": "Patient", "id": "p1", "birthDate": "2016-05-01",
        "name": [{"family": "Reyes", "given": ["Lia"]}]
    }})];
    all.extend(entries);
    json!({"resourceType": "Bundle", "type": "collection", "entry": all})
}

#[tokio::test]
async fn appointments_and_medication_statements_are_imported() {
    let (_dir, store, report) = import(bundle(vec![
        json!({"resource": {
            "resourceType": "Appointment", "id": "a1", "status": "booked",
            "appointmentType": {"text": "Follow-up"},
            "serviceType": [{"coding": [{"code": "telehealth", "display": "Telehealth"}]}],
            "reasonCode": [{"text": "Asthma check"}],
            "start": "2026-12-03T09:00:00-05:00", "end": "2026-12-03T09:20:00-05:00",
            "participant": [
                {"actor": {"reference": "Practitioner/dr1", "display": "Dr. Ana Park"}, "status": "accepted"},
                {"actor": {"reference": "urn:uuid:p1"}, "status": "accepted"},
                {"actor": {"reference": "Location/l1", "display": "Main Street office"}, "status": "accepted"}
            ]
        }}),
        json!({"resource": {
            "resourceType": "Appointment", "id": "a2", "status": "fulfilled",
            "description": "Ear pain",
            "start": "2026-10-03T14:00:00Z",
            "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}]
        }}),
        json!({"resource": {
            "resourceType": "MedicationStatement", "id": "ms1", "status": "active",
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1014676", "display": "cetirizine hydrochloride 5 MG Oral Tablet"}]},
            "subject": {"reference": "urn:uuid:p1"},
            "effectiveDateTime": "2026-09-01",
            "informationSource": {"display": "Parent"},
            "dosage": [{"text": "1 tablet at bedtime"}]
        }}),
        json!({"resource": {
            "resourceType": "Appointment", "id": "a3", "status": "booked",
            "participant": [{"actor": {"reference": "Practitioner/dr1"}, "status": "accepted"}]
        }}),
    ]))
    .await;
    assert_eq!(report.status, FileStatus::Imported, "{report:?}");
    assert_eq!(report.stored.get("Appointment"), Some(&2));
    assert_eq!(
        report.skipped.len(),
        1,
        "an appointment without a patient is skipped"
    );
    let pid = store
        .patient_ids_by_source(&["p1".to_owned()])
        .await
        .unwrap()["p1"]
        .clone();
    let appts = store.appointments(&pid).await.unwrap();
    assert_eq!(appts.len(), 2);
    let past = &appts[0].appointment;
    assert_eq!(past.status, "fulfilled");
    assert_eq!(past.reason_text.as_deref(), Some("Ear pain"));
    assert!(!past.video);
    let next = &appts[1].appointment;
    assert_eq!(next.visit_type.as_deref(), Some("Follow-up"));
    assert_eq!(next.reason_text.as_deref(), Some("Asthma check"));
    assert_eq!(next.start.as_deref(), Some("2026-12-03T09:00:00-05:00"));
    assert_eq!(next.practitioner.as_deref(), Some("Dr. Ana Park"));
    assert_eq!(next.location.as_deref(), Some("Main Street office"));
    assert!(next.video, "a telehealth service type is a video visit");
    let meds = store.medication_requests(&pid).await.unwrap();
    assert_eq!(meds.len(), 1);
    assert_eq!(
        meds[0].medication_text,
        "cetirizine hydrochloride 5 MG Oral Tablet"
    );
    assert_eq!(meds[0].rxnorm.as_deref(), Some("1014676"));
    assert_eq!(meds[0].dosage_text.as_deref(), Some("1 tablet at bedtime"));
    assert_eq!(meds[0].authored_on.as_deref(), Some("2026-09-01"));
    assert_eq!(meds[0].meta.source_id, "MedicationStatement/ms1");
}

#[tokio::test]
async fn broken_appointments_reject_the_file() {
    for (what, resource) in [
        (
            "status outside the value set",
            json!({"resourceType": "Appointment", "id": "b1", "status": "maybe",
            "participant": [{"actor": {"reference": "urn:uuid:p1"}, "status": "accepted"}]}),
        ),
        (
            "a start that is not an instant",
            json!({"resourceType": "Appointment", "id": "b2", "status": "booked",
            "start": "2026-12-03",
            "participant": [{"actor": {"reference": "urn:uuid:p1"}, "status": "accepted"}]}),
        ),
        (
            "no participant",
            json!({"resourceType": "Appointment", "id": "b3", "status": "booked"}),
        ),
        (
            "a statement without medication",
            json!({"resourceType": "MedicationStatement", "id": "b4",
            "status": "active", "subject": {"reference": "urn:uuid:p1"}}),
        ),
    ] {
        let (_dir, _store, report) = import(bundle(vec![json!({ "resource": resource })])).await;
        assert_eq!(report.status, FileStatus::Rejected, "{what}: {report:?}");
    }
}

#[tokio::test]
async fn the_specifications_appointment_examples_import_with_their_patient() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sprout.db").display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    let spec = |name: &str| {
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/fhir/spec-examples"
        ))
        .join(name)
    };
    let report = sprout_fhir::import_paths(
        &store,
        &[
            spec("Patient-example.json"),
            spec("Appointment-example.json"),
            spec("Appointment-2docs.json"),
            spec("Appointment-examplereq.json"),
        ],
    )
    .await;
    assert_eq!(report.rejected_count(), 0, "{report:?}");
    let pid = store
        .patient_ids_by_source(&["example".to_owned()])
        .await
        .unwrap()["example"]
        .clone();
    let appts = store.appointments(&pid).await.unwrap();
    assert_eq!(appts.len(), 3);
    let first = &appts[0].appointment;
    assert_eq!(first.start.as_deref(), Some("2013-12-09T09:00:00Z"));
    assert_eq!(first.status, "booked");
    assert!(appts
        .iter()
        .any(|a| a.appointment.status == "proposed" && a.appointment.start.is_none()));
}
