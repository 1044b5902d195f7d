//! Import against a real SQLite store: the walking-skeleton acceptance criteria.

use serde_json::{json, Value};
use sprout_domain::record::ObservationCategory;
use sprout_domain::PatientId;
use sprout_fhir::{import_paths, FileStatus};
use sprout_store::{RecordStore, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fhir/");

fn synthea_dir() -> PathBuf {
    Path::new(DATA).join("synthea")
}

fn spec(name: &str) -> PathBuf {
    Path::new(DATA).join("spec-examples").join(name)
}

async fn fresh_store(dir: &tempfile::TempDir) -> impl Store {
    let url = format!("sqlite://{}", dir.path().join("sprout.db").display());
    sprout_store_sqlite::open(&url)
        .await
        .expect("open SQLite store")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sorted_json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Counts of one Synthea bundle, taken from its JSON independently of the importer.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct BundleCounts {
    immunizations: u64,
    vital_signs: u64,
    lab_results: u64,
    medication_requests: u64,
    encounters: u64,
    conditions: u64,
    allergies: u64,
}

fn count_bundle(bundle: &Value) -> (String, BundleCounts) {
    let mut patient = None;
    let mut c = BundleCounts::default();
    for e in bundle["entry"].as_array().unwrap() {
        let r = &e["resource"];
        let has_category = |code: &str| {
            r["category"].as_array().is_some_and(|cats| {
                cats.iter().any(|cat| {
                    cat["coding"]
                        .as_array()
                        .is_some_and(|cs| cs.iter().any(|x| x["code"] == code))
                })
            })
        };
        match r["resourceType"].as_str().unwrap() {
            "Patient" => patient = Some(r["id"].as_str().unwrap().to_owned()),
            "Immunization" => c.immunizations += 1,
            "Observation" if has_category("vital-signs") => c.vital_signs += 1,
            "Observation" if has_category("laboratory") => c.lab_results += 1,
            "MedicationRequest" => c.medication_requests += 1,
            "Encounter" => c.encounters += 1,
            "Condition" => c.conditions += 1,
            "AllergyIntolerance" => c.allergies += 1,
            _ => {}
        }
    }
    (patient.expect("one Patient per Synthea bundle"), c)
}

async fn patient_id(store: &dyn Store, source_id: &str) -> Option<PatientId> {
    store
        .patient_ids_by_source(&[source_id.to_owned()])
        .await
        .unwrap()
        .remove(source_id)
}

/// What the store holds for one patient, read through the list methods.
async fn stored_counts(store: &dyn Store, pid: &PatientId) -> BundleCounts {
    BundleCounts {
        immunizations: store.immunizations(pid).await.unwrap().len() as u64,
        vital_signs: store
            .observations(pid, ObservationCategory::VitalSigns)
            .await
            .unwrap()
            .len() as u64,
        lab_results: store
            .observations(pid, ObservationCategory::Laboratory)
            .await
            .unwrap()
            .len() as u64,
        medication_requests: store.medication_requests(pid).await.unwrap().len() as u64,
        encounters: store.encounters(pid).await.unwrap().len() as u64,
        conditions: store.conditions(pid).await.unwrap().len() as u64,
        allergies: store.allergies(pid).await.unwrap().len() as u64,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synthea_bundles_import_completely_and_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let files = sorted_json_files(&synthea_dir());
    assert_eq!(files.len(), 32);

    let first = import_paths(&store, &[synthea_dir()]).await;
    assert_eq!(first.files.len(), 32);
    let reported: Vec<PathBuf> = first.files.iter().map(|f| PathBuf::from(&f.path)).collect();
    assert_eq!(reported, files, "every bundle, in sorted order");

    let mut expected_by_file = Vec::new();
    for (path, file) in files.iter().zip(&first.files) {
        assert_eq!(file.status, FileStatus::Imported, "{file:?}");
        assert_eq!(file.error, None);
        let (patient, want) = count_bundle(&read_json(path));
        let pid = patient_id(&store, &patient).await.expect("patient stored");
        let got = stored_counts(&store, &pid).await;
        assert_eq!(got, want, "{}", path.display());

        // The report's `stored` agrees with the bundle too.
        assert_eq!(file.stored_count("Patient"), 1);
        assert_eq!(file.stored_count("Immunization"), want.immunizations);
        assert_eq!(
            file.stored_count("Observation"),
            want.vital_signs + want.lab_results
        );
        assert_eq!(
            file.stored_count("MedicationRequest"),
            want.medication_requests
        );
        assert_eq!(file.stored_count("Encounter"), want.encounters);
        assert_eq!(file.stored_count("Condition"), want.conditions);
        assert_eq!(file.stored_count("AllergyIntolerance"), want.allergies);
        // What was not kept is accounted for: kept + skipped = every entry.
        let entries = read_json(path)["entry"].as_array().unwrap().len() as u64;
        let kept: u64 = file.stored.values().sum();
        assert_eq!(
            kept + file.skipped.len() as u64,
            entries,
            "{}",
            path.display()
        );
        for s in &file.skipped {
            assert!(
                s.reason == format!("resource type {} is not kept", s.resource_type)
                    || s.reason.starts_with("Observation category "),
                "unexpected skip {s:?}"
            );
        }
        // Names of Practitioners and Organizations come from the bundle.
        for e in store.encounters(&pid).await.unwrap() {
            assert!(
                e.practitioner
                    .as_deref()
                    .is_some_and(|p| p.starts_with("Dr. ")),
                "{e:?}"
            );
            assert!(e.location.is_some(), "{e:?}");
        }
        for m in store.medication_requests(&pid).await.unwrap() {
            assert!(m.rxnorm.is_some(), "{m:?}");
            assert!(
                m.prescriber
                    .as_deref()
                    .is_some_and(|p| p.starts_with("Dr. ")),
                "{m:?}"
            );
        }
        expected_by_file.push((pid, want));
    }
    assert!(first
        .files
        .iter()
        .flat_map(|f| &f.skipped)
        .any(|s| s.reason == "Observation category survey is not kept"));

    // Second import: nothing stored twice, ids kept, the report unchanged.
    let second = import_paths(&store, &[synthea_dir()]).await;
    assert_eq!(second.files.len(), 32);
    for ((path, (pid, want)), (a, b)) in files
        .iter()
        .zip(&expected_by_file)
        .zip(first.files.iter().zip(&second.files))
    {
        assert_eq!(b.status, FileStatus::Imported);
        assert_eq!(a.stored, b.stored, "{}", path.display());
        assert_eq!(a.skipped, b.skipped);
        let (patient, _) = count_bundle(&read_json(path));
        assert_eq!(
            patient_id(&store, &patient).await.as_ref(),
            Some(pid),
            "Sprout id kept"
        );
        assert_eq!(
            &stored_counts(&store, pid).await,
            want,
            "{}",
            path.display()
        );
    }
    let total_patients = store
        .patient_ids_by_source(
            &files
                .iter()
                .map(|p| count_bundle(&read_json(p)).0)
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    assert_eq!(total_patients.len(), 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_are_reported_and_good_ones_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let files = sorted_json_files(&synthea_dir());

    // 1. A Synthea bundle cut off in the middle.
    let full = std::fs::read_to_string(&files[0]).unwrap();
    let (truncated_patient, _) = count_bundle(&serde_json::from_str(&full).unwrap());
    let cut = &full[..full.len() / 2];
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, cut).unwrap();
    let last_line = cut.lines().count();

    // 2. A resource whose resourceType is not a FHIR type.
    let bad_type = dir.path().join("bad-type.json");
    std::fs::write(
        &bad_type,
        json!({"resourceType": "Pateint", "id": "typo-1", "birthDate": "2020-01-01"}).to_string(),
    )
    .unwrap();

    // 3. A Bundle with a Patient, a Practitioner and a Claim (types not kept) and
    //    an Immunization by that Practitioner.
    let not_kept = dir.path().join("not-kept.json");
    let newborn = read_json(&spec("Patient-newborn.json"));
    std::fs::write(
        &not_kept,
        json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "urn:uuid:newborn", "resource": newborn},
            {"fullUrl": "urn:uuid:dr-1", "resource": {"resourceType": "Practitioner", "id": "dr-1",
                "name": [{"prefix": ["Dr."], "given": ["Ada"], "family": "Lovelace"}]}},
            {"fullUrl": "urn:uuid:claim-1", "resource": {"resourceType": "Claim", "id": "claim-1",
                "patient": {"reference": "urn:uuid:newborn"}}},
            {"fullUrl": "urn:uuid:imm-1", "resource": {"resourceType": "Immunization", "id": "imm-1",
                "status": "completed",
                "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "08"}]},
                "patient": {"reference": "urn:uuid:newborn"}, "occurrenceDateTime": "2017-09-05"}}
        ]})
        .to_string(),
    )
    .unwrap();

    let good = [files[1].clone(), files[2].clone()];
    let paths = vec![
        truncated.clone(),
        bad_type.clone(),
        not_kept.clone(),
        good[0].clone(),
        good[1].clone(),
    ];
    let report = import_paths(&store, &paths).await;
    assert_eq!(report.files.len(), 5);

    let t = &report.files[0];
    assert_eq!(t.status, FileStatus::Rejected);
    assert!(t.stored.is_empty());
    let err = t.error.as_deref().unwrap();
    assert!(
        err.starts_with(&format!("invalid JSON at line {last_line}, column ")),
        "{err}"
    );
    assert!(err.contains("EOF while parsing"), "{err}");

    let b = &report.files[1];
    assert_eq!(b.status, FileStatus::Rejected);
    assert_eq!(
        b.error.as_deref(),
        Some("not a FHIR resource: resourceType `Pateint` is not a FHIR R4 resource type")
    );

    let n = &report.files[2];
    assert_eq!(n.status, FileStatus::Imported, "{n:?}");
    assert_eq!(n.error, None);
    assert_eq!(
        n.stored,
        BTreeMap::from([("Immunization".to_owned(), 1), ("Patient".to_owned(), 1)])
    );
    let skipped: Vec<(&str, Option<&str>, &str)> = n
        .skipped
        .iter()
        .map(|s| (s.resource_type.as_str(), s.id.as_deref(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (
                "Practitioner",
                Some("dr-1"),
                "resource type Practitioner is not kept"
            ),
            ("Claim", Some("claim-1"), "resource type Claim is not kept"),
        ]
    );

    for g in &report.files[3..] {
        assert_eq!(g.status, FileStatus::Imported, "{g:?}");
        assert_eq!(g.stored_count("Patient"), 1);
    }
    for path in &good {
        let (patient, want) = count_bundle(&read_json(path));
        let pid = patient_id(&store, &patient)
            .await
            .expect("good file imported");
        assert_eq!(stored_counts(&store, &pid).await, want);
    }

    // Nothing of the first two files is stored.
    assert_eq!(patient_id(&store, &truncated_patient).await, None);
    assert_eq!(patient_id(&store, "typo-1").await, None);
    assert_eq!(
        store
            .count_by_source("Patient", &["typo-1".to_owned()])
            .await
            .unwrap(),
        0
    );
    let newborn_id = patient_id(&store, "newborn").await.expect("newborn stored");
    assert_eq!(store.immunizations(&newborn_id).await.unwrap().len(), 1);

    // The people's report names each outcome.
    let text = report.to_string();
    assert!(text.contains("rejected  "), "{text}");
    assert!(text.contains("5 files: 3 imported, 2 rejected"), "{text}");
    assert!(
        text.contains("resource type Practitioner is not kept"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spec_examples_import_where_their_patient_is_present() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;

    let examples = sorted_json_files(&Path::new(DATA).join("spec-examples"));
    let name_of = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    let immunizations: Vec<PathBuf> = examples
        .iter()
        .filter(|p| name_of(p).starts_with("Immunization-"))
        .cloned()
        .collect();
    let vitals: Vec<PathBuf> = examples
        .iter()
        .filter(|p| name_of(p).starts_with("Observation-"))
        .filter(|p| {
            read_json(p)["category"]
                .to_string()
                .contains("\"vital-signs\"")
        })
        .cloned()
        .collect();
    assert_eq!(immunizations.len(), 5);
    assert!(vitals.len() >= 8, "{vitals:?}");
    // Every one of them is about Patient/example, whom the first run leaves out.
    for p in immunizations.iter().chain(&vitals) {
        let v = read_json(p);
        let subject = if v["resourceType"] == "Immunization" {
            &v["patient"]
        } else {
            &v["subject"]
        };
        assert_eq!(subject["reference"], "Patient/example", "{}", p.display());
    }
    let patients = [
        spec("Patient-newborn.json"),
        spec("Patient-infant-twin-1.json"),
        spec("Patient-infant-twin-2.json"),
    ];

    // Run 1: the three children, and the examples whose patient is absent.
    let mut paths: Vec<PathBuf> = patients.to_vec();
    paths.extend(immunizations.iter().cloned());
    paths.extend(vitals.iter().cloned());
    let first = import_paths(&store, &paths).await;
    assert_eq!(first.files.len(), paths.len());
    for (path, f) in paths.iter().zip(&first.files) {
        assert_eq!(Path::new(&f.path), path);
        if patients.contains(path) {
            assert_eq!(f.status, FileStatus::Imported, "{f:?}");
            assert_eq!(f.stored, BTreeMap::from([("Patient".to_owned(), 1)]));
        } else {
            assert_eq!(f.status, FileStatus::Rejected, "{f:?}");
            assert!(f.stored.is_empty());
            let err = f.error.as_deref().unwrap();
            assert!(
                err.ends_with(
                    ": patient Patient/example is neither in this file nor already stored"
                ),
                "{err}"
            );
        }
    }
    for id in ["newborn", "infant-twin-1", "infant-twin-2"] {
        assert!(patient_id(&store, id).await.is_some(), "{id}");
    }
    assert_eq!(patient_id(&store, "example").await, None);
    let imm_ids: Vec<String> = immunizations
        .iter()
        .map(|p| read_json(p)["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        store
            .count_by_source("Immunization", &imm_ids)
            .await
            .unwrap(),
        0
    );

    // Run 2: with Patient/example first, the same examples import.
    let mut paths = vec![spec("Patient-example.json")];
    paths.extend(immunizations.iter().cloned());
    paths.extend(vitals.iter().cloned());
    let second = import_paths(&store, &paths).await;
    for f in &second.files {
        assert_eq!(f.status, FileStatus::Imported, "{f:?}");
        assert_eq!(f.stored.values().sum::<u64>(), 1, "{f:?}");
    }
    let example = patient_id(&store, "example").await.unwrap();
    let imms = store.immunizations(&example).await.unwrap();
    assert_eq!(imms.len(), 5);
    let not_given = imms
        .iter()
        .find(|i| i.meta.source_id == "notGiven")
        .unwrap();
    assert_eq!(not_given.status, "not-done");
    assert_eq!(not_given.cvx.as_deref(), Some("01"));
    assert_eq!(
        not_given.status_reason.as_deref(),
        Some("medical precaution")
    );
    let historical = imms
        .iter()
        .find(|i| i.meta.source_id == "historical")
        .unwrap();
    assert_eq!(historical.primary_source, Some(false));
    assert_eq!(historical.vaccine_text, "Influenza");
    let example_imm = imms.iter().find(|i| i.meta.source_id == "example").unwrap();
    assert_eq!(example_imm.lot_number.as_deref(), Some("AAJN11K"));
    assert_eq!(example_imm.site.as_deref(), Some("left arm"));
    assert_eq!(example_imm.occurrence, Some(jiff::civil::date(2013, 1, 10)));

    let obs = store
        .observations(&example, ObservationCategory::VitalSigns)
        .await
        .unwrap();
    assert_eq!(obs.len(), vitals.len());
    let height = obs
        .iter()
        .find(|o| o.meta.source_id == "body-height")
        .unwrap();
    let want = &read_json(&spec("Observation-body-height.json"))["valueQuantity"];
    assert_eq!(height.value, want["value"].as_f64());
    assert_eq!(height.unit.as_deref(), want["code"].as_str());
    assert_eq!(height.loinc.as_deref(), Some("8302-2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_resource_is_updated_on_reimport() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let file = dir.path().join("family").join("child.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let write = |phone: &str, lot: &str, status: &str| {
        let b = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
            {"fullUrl": "urn:uuid:kid-1", "resource": {"resourceType": "Patient", "id": "kid-1",
                "name": [{"given": ["Mia"], "family": "Lopez"}], "gender": "female", "birthDate": "2019-03-04",
                "telecom": [{"system": "phone", "value": phone}]}},
            {"fullUrl": "urn:uuid:imm-7", "resource": {"resourceType": "Immunization", "id": "imm-7",
                "status": status,
                "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "03"}], "text": "MMR"},
                "patient": {"reference": "urn:uuid:kid-1"}, "occurrenceDateTime": "2020-03-05", "lotNumber": lot}}
        ]});
        std::fs::write(&file, b.to_string()).unwrap();
    };

    write("555-0100", "LOT-A", "completed");
    // A folder is searched recursively.
    let first = import_paths(&store, &[dir.path().join("family")]).await;
    assert_eq!(first.files.len(), 1);
    assert_eq!(first.files[0].status, FileStatus::Imported, "{first:?}");
    let pid = patient_id(&store, "kid-1").await.unwrap();
    let before = store.immunizations(&pid).await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].lot_number.as_deref(), Some("LOT-A"));

    write("555-0199", "LOT-B", "entered-in-error");
    let second = import_paths(&store, std::slice::from_ref(&file)).await;
    assert_eq!(second.files[0].status, FileStatus::Imported, "{second:?}");
    assert_eq!(second.files[0].stored, first.files[0].stored);
    assert_eq!(
        patient_id(&store, "kid-1").await,
        Some(pid.clone()),
        "same patient"
    );
    let after = store.immunizations(&pid).await.unwrap();
    assert_eq!(after.len(), 1, "updated, not added");
    assert_eq!(after[0].meta.id, before[0].meta.id, "the Sprout id stays");
    assert_eq!(after[0].lot_number.as_deref(), Some("LOT-B"));
    assert_eq!(after[0].status, "entered-in-error");
    let patient = store.patient(&pid).await.unwrap().unwrap();
    assert_eq!(patient.phone.as_deref(), Some("555-0199"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_paths_are_rejected_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let missing = dir.path().join("nope.json");
    let report = import_paths(&store, &[missing.clone(), spec("Patient-newborn.json")]).await;
    assert_eq!(report.files[0].status, FileStatus::Rejected);
    assert!(report.files[0]
        .error
        .as_deref()
        .unwrap()
        .starts_with("cannot read the file"));
    assert_eq!(report.files[1].status, FileStatus::Imported);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["files"][1]["stored"], json!({"Patient": 1}));
    assert_eq!(json["files"][1]["error"], Value::Null);
}

/// Every patient an import touches gets an audit event (house rule: every
/// change of a patient's data is audited): `create` the first time, `update`
/// on a re-import, by the `system` actor, with item counts per resource type
/// and nothing else (no file name, no health data).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_audited_per_patient_without_health_data() {
    use sprout_store::{AuditFilter, AuditStore};
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let file = sorted_json_files(&synthea_dir()).remove(0);
    let (source_id, want) = count_bundle(&read_json(&file));

    let events_of = |pid: PatientId| {
        let store = &store;
        async move {
            let mut events = store
                .audit_events(&AuditFilter {
                    patient_id: Some(pid),
                    ..AuditFilter::default()
                })
                .await
                .unwrap();
            events.retain(|e| e.object_type == "fhir-import");
            events
        }
    };

    import_paths(&store, std::slice::from_ref(&file)).await;
    let pid = patient_id(&store, &source_id).await.unwrap();
    let first = events_of(pid.clone()).await;
    assert_eq!(first.len(), 1, "{first:?}");
    let e = &first[0];
    assert_eq!(
        (e.action.as_str(), e.actor_role.as_str(), e.outcome.as_str()),
        ("create", "system", "success")
    );
    let detail: Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["items"]["Immunization"], json!(want.immunizations));
    assert_eq!(detail["items"]["Encounter"], json!(want.encounters));
    let name = file.file_stem().unwrap().to_string_lossy();
    let first_name = name.split('_').next().unwrap();
    assert!(
        !e.detail.as_deref().unwrap().contains(first_name),
        "no names in the event: {e:?}"
    );

    import_paths(&store, std::slice::from_ref(&file)).await;
    let second = events_of(pid).await;
    assert_eq!(second.len(), 2);
    assert_eq!(second[0].action, "update", "newest first: {second:?}");
}
