//! Issue 2 against a real SQLite store: a file with a resource that breaks FHIR
//! (a bad date, a decimal written as a string, a Bundle entry whose type FHIR
//! does not define) is rejected whole with the resource, element and problem
//! named, and nothing of it is stored; resources of real FHIR types Sprout does
//! not keep, and resources whose patient is nowhere, are only skipped; the good
//! files of the same run import.

use serde_json::{json, Value};
use sprout_domain::record::ObservationCategory;
use sprout_fhir::{import_paths, FileStatus};
use sprout_store::{RecordStore, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fhir/");

fn synthea_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(DATA).join("synthea"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

/// The bundle's resources of `ty`, as (index in `entry`, id).
fn entries_of(bundle: &Value, ty: &str) -> Vec<(usize, String)> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, e)| e["resource"]["resourceType"] == ty)
        .map(|(i, e)| (i, e["resource"]["id"].as_str().unwrap().to_owned()))
        .collect()
}

fn is_vital_sign(resource: &Value) -> bool {
    resource["category"].to_string().contains("\"vital-signs\"")
        && resource["valueQuantity"]["value"].is_number()
}

async fn count(store: &dyn Store, ty: &str, ids: &[String]) -> u64 {
    store.count_by_source(ty, ids).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_files_are_rejected_whole_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sprout.db").display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    let files = synthea_files();

    // 1. A whole Synthea bundle with one Immunization dated "not-a-date".
    let mut bad_date = read_json(&files[3]);
    let date_patient = entries_of(&bad_date, "Patient")[0].1.clone();
    let imms = entries_of(&bad_date, "Immunization");
    assert!(imms.len() >= 2);
    let (at, bad_imm) = imms[1].clone();
    bad_date["entry"][at]["resource"]["occurrenceDateTime"] = json!("not-a-date");
    let bad_date_path = write(dir.path(), "bad-date.json", &bad_date);
    let imm_ids: Vec<String> = imms.iter().map(|(_, id)| id.clone()).collect();

    // 2. Another with one vital sign whose value is a string (unit kept: kg, cm...).
    let mut bad_value = read_json(&files[4]);
    let value_patient = entries_of(&bad_value, "Patient")[0].1.clone();
    let (at, bad_obs) = entries_of(&bad_value, "Observation")
        .into_iter()
        .find(|(i, _)| is_vital_sign(&bad_value["entry"][*i]["resource"]))
        .unwrap();
    let number = bad_value["entry"][at]["resource"]["valueQuantity"]["value"].to_string();
    bad_value["entry"][at]["resource"]["valueQuantity"]["value"] = json!(number);
    let bad_value_path = write(dir.path(), "bad-value.json", &bad_value);
    let obs_ids: Vec<String> = entries_of(&bad_value, "Observation")
        .into_iter()
        .map(|(_, id)| id)
        .collect();

    // 3. A Bundle with a Patient and an entry of a type FHIR does not define.
    let newborn = read_json(&Path::new(DATA).join("spec-examples/Patient-newborn.json"));
    let banana = write(
        dir.path(),
        "banana.json",
        &json!({"resourceType": "Bundle", "type": "transaction", "entry": [
            {"fullUrl": "urn:uuid:newborn", "resource": newborn},
            {"fullUrl": "urn:uuid:x", "resource": {"resourceType": "Banana", "id": "x"}}
        ]}),
    );

    // 4. A Bundle with a Patient, a Claim (real FHIR, not kept) and an
    //    Observation whose patient is nowhere.
    let mut orphan = read_json(&files[4])["entry"][at]["resource"].clone();
    orphan["id"] = json!("obs-orphan");
    orphan["subject"] = json!({"reference": "urn:uuid:nobody"});
    let twin = read_json(&Path::new(DATA).join("spec-examples/Patient-infant-twin-1.json"));
    let claim = write(
        dir.path(),
        "claim-and-orphan.json",
        &json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "urn:uuid:infant-twin-1", "resource": twin},
            {"fullUrl": "urn:uuid:claim-1", "resource": {"resourceType": "Claim", "id": "claim-1",
                "patient": {"reference": "urn:uuid:infant-twin-1"}}},
            {"fullUrl": "urn:uuid:obs-orphan", "resource": orphan}
        ]}),
    );

    let good = files[5].clone();
    let paths = vec![bad_date_path, bad_value_path, banana, claim, good.clone()];
    let report = import_paths(&store, &paths).await;
    assert_eq!(report.files.len(), 5);

    let rejected = |i: usize| {
        let f = &report.files[i];
        assert_eq!(f.status, FileStatus::Rejected, "{f:?}");
        assert!(f.stored.is_empty() && f.skipped.is_empty(), "{f:?}");
        f.error.clone().unwrap()
    };
    assert_eq!(
        rejected(0),
        format!(
            r#"Immunization/{bad_imm}: occurrenceDateTime "not-a-date" is not a FHIR dateTime"#
        )
    );
    assert_eq!(
        rejected(1),
        format!(
            r#"Observation/{bad_obs}: valueQuantity.value "{number}" is not a FHIR decimal (a JSON number)"#
        )
    );
    assert_eq!(
        rejected(2),
        r#"not a FHIR resource: Bundle.entry[1] Banana/x: resourceType `Banana` is not a FHIR R4 resource type"#
    );

    let c = &report.files[3];
    assert_eq!(c.status, FileStatus::Imported, "{c:?}");
    assert_eq!(c.stored, BTreeMap::from([("Patient".to_owned(), 1)]));
    let skipped: Vec<(&str, &str)> = c
        .skipped
        .iter()
        .map(|s| (s.resource_type.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("Claim", "resource type Claim is not kept"),
            (
                "Observation",
                "patient Patient/nobody is neither in this file nor already stored"
            ),
        ]
    );

    let g = &report.files[4];
    assert_eq!(g.status, FileStatus::Imported, "{g:?}");
    assert_eq!(g.stored_count("Patient"), 1);
    let good_bundle = read_json(&good);
    let good_patient = entries_of(&good_bundle, "Patient")[0].1.clone();
    let pid = store
        .patient_ids_by_source(std::slice::from_ref(&good_patient))
        .await
        .unwrap()
        .remove(&good_patient)
        .expect("the good file's patient is stored");
    assert_eq!(
        store.immunizations(&pid).await.unwrap().len(),
        entries_of(&good_bundle, "Immunization").len()
    );
    assert!(!store
        .observations(&pid, ObservationCategory::VitalSigns)
        .await
        .unwrap()
        .is_empty());

    // Nothing of the rejected files is stored.
    for id in [&date_patient, &value_patient, &"newborn".to_owned()] {
        assert_eq!(
            count(&store, "Patient", std::slice::from_ref(id)).await,
            0,
            "{id}"
        );
    }
    assert_eq!(count(&store, "Immunization", &imm_ids).await, 0);
    assert_eq!(count(&store, "Observation", &obs_ids).await, 0);
    assert_eq!(
        count(&store, "Observation", &["obs-orphan".to_owned()]).await,
        0
    );
    assert_eq!(
        count(&store, "Patient", &["infant-twin-1".to_owned()]).await,
        1
    );

    // The people's report.
    let text = report.to_string();
    assert!(text.contains("5 files: 2 imported, 3 rejected"), "{text}");
    assert!(
        text.contains(&format!("rejected  {}  Immunization/", paths[0].display())),
        "{text}"
    );
}
