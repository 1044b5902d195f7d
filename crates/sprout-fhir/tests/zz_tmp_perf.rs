// TEMPORARY: speed sanity check and tester files; deleted after use.
use std::collections::BTreeMap;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tmp_perf() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fhir/synthea");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let bytes: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for round in 0..3 {
        let t = Instant::now();
        for b in &bytes { let v: serde_json::Value = serde_json::from_slice(b).unwrap(); drop(v); }
        let parse = t.elapsed();
        let t = Instant::now();
        let mut n = 0;
        for b in &bytes {
            let f = sprout_fhir::FhirFile::parse(b).unwrap();
            let m = f.map(&BTreeMap::new(), &mut || [7u8; 16]);
            n += m.batch.items.len();
        }
        let map = t.elapsed();
        eprintln!("round {round}: parse {parse:?} parse+map {map:?} ratio {:.2} items {n}", parse.as_secs_f64() / map.as_secs_f64());
    }
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("s.db").display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    let t = Instant::now();
    let r = sprout_fhir::import_paths(&store, &[std::path::PathBuf::from(dir)]).await;
    eprintln!("sqlite import {:?} rejected {}", t.elapsed(), r.rejected_count());
    let mut paths: Vec<std::path::PathBuf> = vec![];
    for p in ["/tmp/newuser/badfhir2_baddate.json", "/tmp/newuser/badfhir2_badval.json", "/tmp/newuser/badfhir2_orphan.json", "/tmp/newuser/badfhir"] {
        paths.push(p.into());
    }
    let tmp2 = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp2.path().join("s.db").display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    let r = sprout_fhir::import_paths(&store, &paths).await;
    eprintln!("{r}");
}
