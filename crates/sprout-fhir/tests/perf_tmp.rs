use std::path::Path;
use std::time::Instant;
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fhir/synthea");
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perf() {
    let mut files: Vec<_> = std::fs::read_dir(DATA).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let t = Instant::now();
    for f in &files { let b = std::fs::read(f).unwrap(); let v: serde_json::Value = serde_json::from_slice(&b).unwrap(); drop(v); }
    let parse = t.elapsed();
    let t = Instant::now();
    for f in &files { let b = std::fs::read(f).unwrap(); let v = sprout_fhir::FhirFile::parse(&b).unwrap(); let ids = v.patient_source_ids(); let m = v.map(&Default::default(), &mut || rand::random()); assert!(!ids.is_empty()); drop(m); }
    let map = t.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let store = sprout_store_sqlite::open(&format!("sqlite://{}", dir.path().join("x.db").display())).await.unwrap();
    let t = Instant::now();
    let r = sprout_fhir::import_paths(&store, &[Path::new(DATA).to_owned()]).await;
    let imp = t.elapsed();
    let t = Instant::now();
    let r2 = sprout_fhir::import_paths(&store, &[Path::new(DATA).to_owned()]).await;
    let imp2 = t.elapsed();
    assert_eq!(r.rejected_count() + r2.rejected_count(), 0);
    eprintln!("parse {parse:?} parse+map {map:?} import {imp:?} reimport {imp2:?} ratio {:.2}", parse.as_secs_f64() / imp.as_secs_f64());
}
