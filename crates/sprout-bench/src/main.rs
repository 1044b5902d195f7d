//! Import benchmark (issue 11; DESIGN.md "Performance budgets": importing FHIR
//! bundles runs at >= 25% of the speed of only parsing the same JSON).
//!
//! Run: `cargo run --release -p sprout-bench --bin sprout-import-bench [FOLDER]`
//! (bench/run builds it with the server) (default `../shared/data/fhir/synthea`
//! from the workspace root, or `$SPROUT_FHIR_BENCH_DIR`).
//! In one run, over the same files, it times
//! - parse only: read each file and `serde_json::from_slice` it into a
//!   `serde_json::Value` (what the importer's reader does first), and
//! - import: `sprout_fhir::import_paths` into a fresh SQLite database (a new
//!   file each round, WAL and `synchronous=FULL` as a practice runs it),
//!
//! three rounds each (the best round counts, so a busy neighbour on a shared
//! machine is noise rather than signal), and prints the ratio of import speed
//! to parse speed. Exits non-zero when any file is rejected.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn parse_only(files: &[PathBuf]) -> (Duration, usize) {
    let started = Instant::now();
    let mut resources = 0usize;
    for f in files {
        let bytes = std::fs::read(f).expect("read a bundle");
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("parse a bundle");
        resources += v["entry"].as_array().map_or(1, Vec::len);
    }
    (started.elapsed(), resources)
}

async fn import_once(dir: &Path, scratch: &Path, round: usize) -> (Duration, u64) {
    let db = scratch.join(format!("import-{round}.db"));
    let store = sprout_store_sqlite::open(&format!("sqlite://{}", db.display()))
        .await
        .expect("open a fresh SQLite database");
    let started = Instant::now();
    let report = sprout_fhir::import_paths(&store, &[dir.to_owned()]).await;
    let took = started.elapsed();
    store.close().await;
    assert_eq!(
        report.rejected_count(),
        0,
        "a bundle was rejected:\n{report}"
    );
    let stored: u64 = report.files.iter().flat_map(|f| f.stored.values()).sum();
    (took, stored)
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("SPROUT_FHIR_BENCH_DIR").map(PathBuf::from))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fhir/synthea")
        });
    let files = json_files(&dir);
    assert!(!files.is_empty(), "no .json files in {}", dir.display());
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");

    let mut parse_best = Duration::MAX;
    let mut import_best = Duration::MAX;
    let mut resources = 0;
    let mut stored = 0;
    for round in 0..ROUNDS {
        let (p, n) = parse_only(&files);
        parse_best = parse_best.min(p);
        resources = n;
        let (i, s) = rt.block_on(import_once(&dir, scratch.path(), round));
        import_best = import_best.min(i);
        stored = s;
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "FHIR import benchmark: {} files, {mb:.1} MB, {resources} resources, {stored} stored rows; best of {ROUNDS} rounds",
        files.len()
    );
    println!(
        "  parse only (serde_json::Value): {:>8.1} ms  {:>7.1} MB/s",
        parse_best.as_secs_f64() * 1e3,
        mb / parse_best.as_secs_f64()
    );
    println!(
        "  import into SQLite:             {:>8.1} ms  {:>7.1} MB/s",
        import_best.as_secs_f64() * 1e3,
        mb / import_best.as_secs_f64()
    );
    let ratio = parse_best.as_secs_f64() / import_best.as_secs_f64();
    println!(
        "  import speed / parse speed: {:.1}% (budget >= 25%: {})",
        ratio * 100.0,
        if ratio >= 0.25 { "met" } else { "MISSED" }
    );
}
