//! One import file: parsed once, checked as a whole, then mapped into one
//! [`ImportBatch`].
//!
//! A file holds a FHIR R4 Bundle (`transaction`, `batch`, `collection`,
//! `searchset`, `document`) or a single resource. Import runs in two pure steps
//! around one store look-up:
//!
//! 1. [`FhirFile::parse`] parses the bytes (once) and rejects a file that is not
//!    JSON, not a FHIR R4 resource, or a structurally broken Bundle.
//!    [`FhirFile::patient_source_ids`] lists the Patient ids the file names, so
//!    the caller can ask the store which of them are already stored.
//! 2. [`FhirFile::map`] turns the file into an [`ImportBatch`] plus the skipped
//!    resources with their reasons, taking new Sprout ids from the caller's
//!    generator (the mapping has no randomness of its own).

use crate::map::{self, clip, Reason};
use crate::reference::{parse_reference, Entry, FileIndex, Target};
use crate::report::Skipped;
use crate::resource_types::is_r4_resource_type;
use serde_json::Value;
use sprout_domain::record::ItemMeta;
use sprout_domain::{ItemId, PatientId};
use sprout_store::ImportBatch;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The record resource types Sprout keeps (besides Patient), each with the
/// element that names its patient.
pub const KEPT_ITEM_TYPES: [(&str, &str); 6] = [
    ("Encounter", "subject"),
    ("Observation", "subject"),
    ("Immunization", "patient"),
    ("MedicationRequest", "subject"),
    ("AllergyIntolerance", "patient"),
    ("Condition", "subject"),
];

/// Bundle types whose entries are imported. `history` and the response types
/// hold versions and outcomes, not a record to keep.
pub const IMPORTED_BUNDLE_TYPES: [&str; 5] = [
    "transaction",
    "batch",
    "collection",
    "searchset",
    "document",
];

/// Whether Sprout keeps resources of this type.
pub fn is_kept_type(resource_type: &str) -> bool {
    resource_type == "Patient" || patient_element(resource_type).is_some()
}

/// The element naming the patient of a kept record type (`subject`, `patient`).
fn patient_element(resource_type: &str) -> Option<&'static str> {
    KEPT_ITEM_TYPES
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, e)| *e)
}

/// Why a whole file is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Not JSON (serde_json's position, 1-based line and column).
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// Line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
        /// What serde_json found wrong.
        message: String,
    },
    /// The top level is not a JSON object.
    #[error("not a FHIR resource: the file holds a JSON {0}, not an object")]
    NotAnObject(&'static str),
    /// No `resourceType`.
    #[error("not a FHIR resource: resourceType is missing")]
    MissingResourceType,
    /// A `resourceType` that FHIR R4 does not define.
    #[error("not a FHIR resource: resourceType `{0}` is not a FHIR R4 resource type")]
    UnknownResourceType(String),
    /// A Bundle whose shape breaks FHIR (entry not an array...).
    #[error("broken Bundle: {0}")]
    BrokenBundle(String),
}

impl FileError {
    fn from_json(e: &serde_json::Error) -> Self {
        let (line, column) = (e.line(), e.column());
        let text = e.to_string();
        let message = text
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&text)
            .to_owned();
        Self::Json {
            line,
            column,
            message,
        }
    }
}

/// A parsed file that passed the file-level checks.
#[derive(Debug)]
pub struct FhirFile {
    root: Value,
    is_bundle: bool,
}

/// What [`FhirFile::map`] produces: everything to write in one transaction and
/// what was left out.
#[derive(Debug, Default)]
pub struct MappedFile {
    /// Patients and record items to write with one `import_batch` call.
    pub batch: ImportBatch,
    /// Resources not stored, with reasons, in file order.
    pub skipped: Vec<Skipped>,
    /// Why the whole file is to be rejected: set for a single-resource file
    /// whose one kept resource was dropped ("Immunization example: patient
    /// Patient/example is neither in this file nor already stored").
    pub rejection: Option<String>,
}

/// Where a kept resource's patient is.
enum PatientRef<'a> {
    /// A Patient entry of this file, by source id.
    InFile(&'a str),
    /// Not in the file: its source id.
    Outside(&'a str),
}

impl FhirFile {
    /// Parses and checks a file's bytes.
    ///
    /// # Errors
    /// [`FileError`] when the bytes are not JSON, the top level is not a FHIR R4
    /// resource, or it is a Bundle whose type is not imported or whose `entry`
    /// is not an array of objects (each with an object `resource` and a string
    /// `fullUrl` when present).
    pub fn parse(bytes: &[u8]) -> Result<Self, FileError> {
        let root: Value = serde_json::from_slice(bytes).map_err(|e| FileError::from_json(&e))?;
        Self::from_value(root)
    }

    /// Checks an already parsed document (see [`FhirFile::parse`]).
    ///
    /// # Errors
    /// As [`FhirFile::parse`], except for JSON syntax.
    pub fn from_value(root: Value) -> Result<Self, FileError> {
        let obj = match &root {
            Value::Object(o) => o,
            Value::Array(_) => return Err(FileError::NotAnObject("array")),
            Value::String(_) => return Err(FileError::NotAnObject("string")),
            Value::Number(_) => return Err(FileError::NotAnObject("number")),
            Value::Bool(_) => return Err(FileError::NotAnObject("boolean")),
            Value::Null => return Err(FileError::NotAnObject("null")),
        };
        let ty = match obj.get("resourceType") {
            None => return Err(FileError::MissingResourceType),
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return Err(FileError::UnknownResourceType(clip(&other.to_string()))),
        };
        if !is_r4_resource_type(ty) {
            return Err(FileError::UnknownResourceType(clip(ty)));
        }
        let is_bundle = ty == "Bundle";
        if is_bundle {
            check_bundle(&root)?;
        }
        Ok(Self { root, is_bundle })
    }

    /// Whether the file is a Bundle (else a single resource).
    pub fn is_bundle(&self) -> bool {
        self.is_bundle
    }

    /// The resources of the file, plus entries skipped before any mapping
    /// (no resource, no or unknown `resourceType`).
    fn entries(&self) -> (Vec<Entry<'_>>, Vec<Skipped>) {
        let mut skipped = Vec::new();
        if !self.is_bundle {
            let ty = self.root["resourceType"].as_str().unwrap_or_default();
            let entry = Entry {
                index: 0,
                full_url: None,
                resource: &self.root,
                resource_type: ty,
            };
            return (vec![entry], skipped);
        }
        let raw = crate::json::array_at(&self.root, "entry");
        let mut entries = Vec::with_capacity(raw.len());
        for (index, e) in raw.iter().enumerate() {
            let full_url = e.get("fullUrl").and_then(Value::as_str);
            let Some(resource) = e.get("resource") else {
                skipped.push(Skipped {
                    resource_type: String::new(),
                    id: full_url.map(str::to_owned),
                    reason: format!("Bundle.entry[{index}] has no resource"),
                });
                continue;
            };
            match resource.get("resourceType").and_then(Value::as_str) {
                Some(ty) if is_r4_resource_type(ty) => entries.push(Entry {
                    index,
                    full_url,
                    resource,
                    resource_type: ty,
                }),
                other => skipped.push(Skipped {
                    resource_type: other.map(clip).unwrap_or_default(),
                    id: crate::json::string_at(resource, "id").or(full_url.map(str::to_owned)),
                    reason: match other {
                        Some(ty) => {
                            format!("resourceType `{}` is not a FHIR R4 resource type", clip(ty))
                        }
                        None => format!("Bundle.entry[{index}].resource has no resourceType"),
                    },
                }),
            }
        }
        (entries, skipped)
    }

    /// Source ids of every Patient the file holds or its kept resources name,
    /// sorted, without repeats: the ids to look up in the store before [`FhirFile::map`].
    pub fn patient_source_ids(&self) -> Vec<String> {
        let (entries, _) = self.entries();
        let index = FileIndex::new(entries);
        let mut ids: Vec<String> = Vec::new();
        for e in &index.entries {
            if e.resource_type == "Patient" {
                ids.extend(e.source_id().map(str::to_owned));
            } else if let Some(element) = patient_element(e.resource_type) {
                if let Ok(PatientRef::Outside(id)) = patient_ref(e, element, &index) {
                    ids.push(id.to_owned());
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Maps the file into one batch.
    ///
    /// `stored` holds the Sprout ids of the file's patients that are already
    /// stored (from `RecordStore::patient_ids_by_source` over
    /// [`FhirFile::patient_source_ids`]); they keep those ids. `new_id` supplies
    /// 16 random bytes for each new Patient and item id.
    ///
    /// Skipped, with a reason: resource types Sprout does not keep, Observations
    /// of other categories, resources breaking a rule Sprout relies on (see
    /// [`crate::map`]), resources whose patient is neither in the file (and kept)
    /// nor stored, and repeats of a resource already met in the file.
    pub fn map(
        &self,
        stored: &BTreeMap<String, PatientId>,
        new_id: &mut dyn FnMut() -> [u8; 16],
    ) -> MappedFile {
        let (entries, mut skipped) = self.entries();
        let index = FileIndex::new(entries);
        let mut batch = ImportBatch::default();
        let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(index.entries.len());
        // Patients of this file that were kept, by source id.
        let mut kept_patients: HashMap<&str, PatientId> = HashMap::new();
        let mut dropped_kept_resource: Option<String> = None;

        let mut skip = |e: &Entry<'_>, id: Option<&str>, reason: Reason, kept: bool| {
            if kept && dropped_kept_resource.is_none() {
                dropped_kept_resource = Some(format!(
                    "{} {}: {reason}",
                    e.resource_type,
                    id.map(clip).unwrap_or_default()
                ));
            }
            skipped.push(Skipped {
                resource_type: e.resource_type.to_owned(),
                id: id.map(str::to_owned),
                reason,
            });
        };

        // Patients first, so items can name them whatever the entry order.
        for e in index
            .entries
            .iter()
            .filter(|e| e.resource_type == "Patient")
        {
            let Some(source_id) = e.source_id() else {
                let reason = format!(
                    "Bundle.entry[{}]: Patient has neither id nor fullUrl",
                    e.index
                );
                skip(e, None, reason, true);
                continue;
            };
            if !seen.insert(("Patient", source_id)) {
                skip(e, Some(source_id), repeat_reason(e.resource_type), true);
                continue;
            }
            let id = stored
                .get(source_id)
                .cloned()
                .unwrap_or_else(|| PatientId::from_random(new_id()));
            match map::patient(e.resource, id.clone(), source_id) {
                Ok(p) => {
                    kept_patients.insert(source_id, id);
                    batch.patients.push(p);
                }
                Err(reason) => skip(e, Some(source_id), reason, true),
            }
        }

        for e in index
            .entries
            .iter()
            .filter(|e| e.resource_type != "Patient")
        {
            let source_id = e.source_id();
            let Some(element) = patient_element(e.resource_type) else {
                let reason = format!("resource type {} is not kept", e.resource_type);
                skip(e, source_id, reason, false);
                continue;
            };
            if e.resource_type == "Observation" {
                if let Err(reason) = map::observation_category(e.resource) {
                    skip(e, source_id, reason, false);
                    continue;
                }
            }
            let Some(source_id) = source_id else {
                let reason = format!(
                    "Bundle.entry[{}]: {} has neither id nor fullUrl",
                    e.index, e.resource_type
                );
                skip(e, None, reason, true);
                continue;
            };
            if !seen.insert((e.resource_type, source_id)) {
                skip(e, Some(source_id), repeat_reason(e.resource_type), true);
                continue;
            }
            let patient_id = match patient_ref(e, element, &index) {
                Err(reason) => Err(reason),
                Ok(PatientRef::InFile(p)) => kept_patients
                    .get(p)
                    .or_else(|| stored.get(p))
                    .cloned()
                    .ok_or_else(|| {
                        format!("patient Patient/{} in this file was not kept", clip(p))
                    }),
                Ok(PatientRef::Outside(p)) => stored.get(p).cloned().ok_or_else(|| {
                    format!(
                        "patient Patient/{} is neither in this file nor already stored",
                        clip(p)
                    )
                }),
            };
            let patient_id = match patient_id {
                Ok(p) => p,
                Err(reason) => {
                    skip(e, Some(source_id), reason, true);
                    continue;
                }
            };
            let meta = ItemMeta {
                id: ItemId::from_random(new_id()),
                patient_id,
                source_id: source_id.to_owned(),
                labels: crate::labels::labels_of(e.resource),
            };
            match map::item(e.resource_type, e.resource, meta, &index) {
                Ok(item) => batch.items.push(item),
                Err(reason) => skip(e, Some(source_id), reason, true),
            }
        }

        let rejection = if self.is_bundle {
            None
        } else {
            dropped_kept_resource
        };
        if rejection.is_some() {
            skipped.clear();
        }
        MappedFile {
            batch,
            skipped,
            rejection,
        }
    }
}

/// The reason for a second entry with the same type and id.
fn repeat_reason(resource_type: &str) -> Reason {
    format!("another {resource_type} with this id comes earlier in this file")
}

/// Where the patient of kept resource `e` is, read from `element`.
///
/// # Errors
/// A reason when there is no readable reference or it names something other
/// than a Patient.
fn patient_ref<'a>(
    e: &Entry<'a>,
    element: &str,
    index: &FileIndex<'a>,
) -> Result<PatientRef<'a>, Reason> {
    let reference = e
        .resource
        .get(element)
        .and_then(|r| crate::json::str_at(r, "reference"))
        .ok_or_else(|| format!("{} has no {element} reference", e.resource_type))?;
    if let Some(target) = index.find(reference) {
        return match (target.resource_type, target.source_id()) {
            ("Patient", Some(id)) => Ok(PatientRef::InFile(id)),
            (ty, id) => Err(format!(
                "{element} {ty}/{} is not a Patient",
                clip(id.unwrap_or_default())
            )),
        };
    }
    match parse_reference(reference) {
        Target::Outside {
            resource_type: None | Some("Patient"),
            id,
        } => Ok(PatientRef::Outside(id)),
        Target::Outside {
            resource_type: Some(ty),
            id,
        } => Err(format!("{element} {ty}/{} is not a Patient", clip(id))),
        Target::Contained | Target::Unreadable => Err(format!(
            "{element} reference `{}` does not name a Patient",
            clip(reference)
        )),
    }
}

/// Checks a Bundle's shape: an imported `type`, `entry` absent or an array of
/// objects, each entry's `resource` an object and `fullUrl` a string when present.
fn check_bundle(root: &Value) -> Result<(), FileError> {
    match root.get("type") {
        None => return Err(FileError::BrokenBundle("Bundle.type is missing".into())),
        Some(Value::String(t)) if IMPORTED_BUNDLE_TYPES.contains(&t.as_str()) => {}
        Some(Value::String(t)) => {
            return Err(FileError::BrokenBundle(format!(
                "Bundle.type `{}` is not imported (only {})",
                clip(t),
                IMPORTED_BUNDLE_TYPES.join(", ")
            )))
        }
        Some(_) => {
            return Err(FileError::BrokenBundle(
                "Bundle.type is not a string".into(),
            ))
        }
    }
    let entries = match root.get("entry") {
        None => return Ok(()),
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(FileError::BrokenBundle(
                "Bundle.entry is not an array".into(),
            ))
        }
    };
    for (i, e) in entries.iter().enumerate() {
        let Value::Object(e) = e else {
            return Err(FileError::BrokenBundle(format!(
                "Bundle.entry[{i}] is not an object"
            )));
        };
        if e.get("resource").is_some_and(|r| !r.is_object()) {
            return Err(FileError::BrokenBundle(format!(
                "Bundle.entry[{i}].resource is not an object"
            )));
        }
        if e.get("fullUrl").is_some_and(|u| !u.is_string()) {
            return Err(FileError::BrokenBundle(format!(
                "Bundle.entry[{i}].fullUrl is not a string"
            )));
        }
    }
    Ok(())
}
