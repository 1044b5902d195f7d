//! The import run: files and folders in, one transaction per file, a report out.
//!
//! Per file: read and parse on the blocking pool ([`tokio::task::spawn_blocking`],
//! DESIGN.md house style 6), look up which of its patients are already stored,
//! map on the blocking pool again (new ids from `rand`), write everything kept
//! with one `import_batch` call, whose counts are what of the file is stored.
//! While one file is written, the next one is already being read and parsed.
//!
//! Importing the same data again stores nothing twice: patients and items are
//! upserted by their source (FHIR) id, and patients already stored keep their
//! Sprout id.

use crate::file::{FhirFile, FileError, MappedFile};
use crate::report::{FileReport, FileStatus, ImportReport};
use rand::Rng;
use sprout_domain::sensitivity::CodeList;
use sprout_domain::PatientId;
use sprout_store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::task::JoinHandle;

/// A parsed file with the Patient ids it names, or why it cannot be imported.
type Parsed = Result<(FhirFile, Vec<String>), String>;

/// Imports FHIR R4 JSON files and folders into `store`.
///
/// `paths` may name files (read whatever their extension) and folders (searched
/// recursively for `*.json` files, taken in sorted order). Each file is imported
/// on its own, in one transaction: all of its kept resources or none. A file
/// that cannot be read, is not JSON, is not a FHIR R4 resource, is a broken
/// Bundle, or holds a resource that breaks FHIR R4 where Sprout reads it (see
/// [`FhirFile::map`]) is rejected with the reason, and nothing of it is stored;
/// single resources and Bundle entries that are not kept are listed as skipped
/// with their reasons. Never fails as a whole: every problem is in the report.
#[tracing::instrument(skip_all)]
pub async fn import_paths(store: &dyn Store, paths: &[PathBuf]) -> ImportReport {
    import_paths_with(store, paths, Arc::new(CodeList::default())).await
}

/// [`import_paths`], classifying items with `codes` (Sprout's sensitivity code
/// list plus the practice's `[sensitivity]` rules).
#[tracing::instrument(skip_all)]
pub async fn import_paths_with(
    store: &dyn Store,
    paths: &[PathBuf],
    codes: Arc<CodeList>,
) -> ImportReport {
    let roots = paths.to_vec();
    let files = match tokio::task::spawn_blocking(move || collect_files(&roots)).await {
        Ok(files) => files,
        Err(e) => {
            return ImportReport {
                files: vec![FileReport::rejected(
                    "",
                    format!("listing files failed: {e}"),
                )],
            }
        }
    };
    let mut report = ImportReport::default();
    let mut next: Option<JoinHandle<Parsed>> = None;
    for (i, file) in files.iter().enumerate() {
        let current = next.take();
        // Start reading and parsing the next file while this one is written.
        if let Some(Ok(path)) = files.get(i + 1) {
            next = Some(spawn_parse(path.clone(), Arc::clone(&codes)));
        }
        let file_report = match file {
            Err((path, error)) => FileReport::rejected(display_path(path), error.clone()),
            Ok(path) => {
                let parsed = match current {
                    Some(handle) => join_parse(handle).await,
                    None => join_parse(spawn_parse(path.clone(), Arc::clone(&codes))).await,
                };
                import_parsed(store, display_path(path), parsed).await
            }
        };
        report.files.push(file_report);
    }
    // Counts only: file names may carry patients' names.
    tracing::info!(
        files = report.files.len(),
        rejected = report.rejected_count(),
        "FHIR import finished"
    );
    report
}

/// Imports one file (see [`import_paths`]).
#[tracing::instrument(skip_all)]
pub async fn import_file(store: &dyn Store, path: &Path) -> FileReport {
    let parsed = join_parse(spawn_parse(path.to_owned(), Arc::new(CodeList::default()))).await;
    import_parsed(store, display_path(path), parsed).await
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn spawn_parse(path: PathBuf, codes: Arc<CodeList>) -> JoinHandle<Parsed> {
    tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read the file: {e}"))?;
        let file = FhirFile::parse(&bytes)
            .map_err(|e: FileError| e.to_string())?
            .with_code_list(codes);
        drop(bytes);
        let ids = file.patient_source_ids();
        Ok((file, ids))
    })
}

async fn join_parse(handle: JoinHandle<Parsed>) -> Parsed {
    handle
        .await
        .unwrap_or_else(|e| Err(format!("reading the file failed: {e}")))
}

/// Look-up, mapping, one batch write and the stored counts of one parsed file.
async fn import_parsed(store: &dyn Store, path: String, parsed: Parsed) -> FileReport {
    let (file, patient_ids) = match parsed {
        Ok(p) => p,
        Err(error) => return FileReport::rejected(path, error),
    };
    let stored_patients: BTreeMap<String, PatientId> = if patient_ids.is_empty() {
        BTreeMap::new()
    } else {
        match store.patient_ids_by_source(&patient_ids).await {
            Ok(m) => m,
            Err(e) => return FileReport::rejected(path, format!("the database failed: {e}")),
        }
    };
    let already_stored: std::collections::BTreeSet<PatientId> =
        stored_patients.values().cloned().collect();
    let mapped = tokio::task::spawn_blocking(move || {
        let mut rng = rand::rng();
        // `file` is dropped here, on the blocking pool, with its JSON tree.
        file.map(&stored_patients, &mut || rng.random())
    })
    .await;
    let MappedFile {
        batch,
        skipped,
        rejection,
        label_matches,
    } = match mapped {
        Ok(m) => m,
        Err(e) => return FileReport::rejected(path, format!("mapping the file failed: {e}")),
    };
    if let Some(error) = rejection {
        return FileReport::rejected(path, error);
    }
    // After the commit every row of the batch is in the database, so the rows
    // written per type are this file's resources of that type now stored.
    let stored = if batch.patients.is_empty() && batch.items.is_empty() {
        BTreeMap::new()
    } else {
        match store.import_batch(&batch).await {
            Ok(counts) => counts,
            Err(e) => {
                return FileReport::rejected(
                    path,
                    format!("the database failed, nothing stored: {e}"),
                )
            }
        }
    };
    if !batch.items.is_empty() {
        // Why each item is sensitive, and clinicians' corrections kept over
        // what the import wrote.
        let items: Vec<(String, String)> = batch
            .items
            .iter()
            .map(|i| (i.resource_type().to_owned(), i.meta().source_id.clone()))
            .collect();
        let mut patients: Vec<PatientId> = batch
            .items
            .iter()
            .map(|i| i.meta().patient_id.clone())
            .collect();
        patients.sort();
        patients.dedup();
        if let Err(e) = store
            .record_label_matches(&items, &label_matches, &patients)
            .await
        {
            return FileReport::rejected(
                path,
                format!("the database failed after the records were stored: {e}"),
            );
        }
    }
    if let Err(e) = audit_import(store, &batch, &already_stored).await {
        return FileReport::rejected(
            path,
            format!("the database failed after the records were stored: {e}"),
        );
    }
    FileReport {
        path,
        status: FileStatus::Imported,
        stored,
        skipped,
        error: None,
    }
}

/// A file to import, or a path that cannot be read with the reason.
type Found = Result<PathBuf, (PathBuf, String)>;

/// Expands `paths`: files as given, folders into their `*.json` files
/// (recursively, sorted).
fn collect_files(paths: &[PathBuf]) -> Vec<Found> {
    let mut out = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found);
                found.sort_by(|a: &Found, b: &Found| found_path(a).cmp(found_path(b)));
                out.extend(found);
            }
            Ok(_) => out.push(Ok(path.clone())),
            Err(e) => out.push(Err((path.clone(), format!("cannot read the file: {e}")))),
        }
    }
    out
}

fn found_path(f: &Found) -> &Path {
    match f {
        Ok(p) | Err((p, _)) => p,
    }
}

fn walk(dir: &Path, out: &mut Vec<Found>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(Err((
                dir.to_owned(),
                format!("cannot read the folder: {e}"),
            )));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(Err((
                    dir.to_owned(),
                    format!("cannot read the folder: {e}"),
                )));
                continue;
            }
        };
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(_) => {
                let is_json = path
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"));
                if is_json {
                    out.push(Ok(path));
                }
            }
            Err(e) => out.push(Err((path, format!("cannot read the file: {e}")))),
        }
    }
}

/// Writes one audit event per patient the file touched (house rule: every
/// change of a patient's data is audited): actor `system`, action `create` for
/// a patient new to Sprout and `update` for one already stored, object type
/// `fhir-import`, and in `detail` the number of items written per FHIR
/// resource type. Neither the file's name (it may carry the patient's name)
/// nor any health data goes into the event.
async fn audit_import(
    store: &dyn Store,
    batch: &sprout_store::ImportBatch,
    already_stored: &std::collections::BTreeSet<PatientId>,
) -> sprout_store::StoreResult<()> {
    let mut per_patient: BTreeMap<PatientId, BTreeMap<&str, u64>> = BTreeMap::new();
    for p in &batch.patients {
        per_patient.entry(p.id.clone()).or_default();
    }
    for item in &batch.items {
        *per_patient
            .entry(item.meta().patient_id.clone())
            .or_default()
            .entry(item.resource_type())
            .or_default() += 1;
    }
    let now = jiff::Timestamp::now();
    let at = jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string();
    for (patient_id, items) in per_patient {
        let action = if already_stored.contains(&patient_id) {
            "update"
        } else {
            "create"
        };
        let event = sprout_store::AuditEvent {
            at: at.clone(),
            account_id: None,
            actor_role: "system".to_owned(),
            on_behalf_of: None,
            patient_id: Some(patient_id),
            action: action.to_owned(),
            object_type: "fhir-import".to_owned(),
            object_id: None,
            outcome: "success".to_owned(),
            reason: None,
            client_addr: None,
            request_id: None,
            detail: Some(serde_json::json!({ "items": items }).to_string()),
        };
        store.append_audit(&event).await?;
    }
    Ok(())
}
