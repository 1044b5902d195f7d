//! One import file: parsed once, checked as a whole, then mapped into one
//! [`ImportBatch`].
//!
//! A file holds a FHIR R4 Bundle (`transaction`, `batch`, `collection`,
//! `searchset`, `document`) or a single resource. Import runs in two pure steps
//! around one store look-up:
//!
//! 1. [`FhirFile::parse`] parses the bytes (once) and rejects a file that is not
//!    JSON, not a FHIR R4 resource, a structurally broken Bundle, or a Bundle
//!    with an entry that is not a FHIR R4 resource (a `resourceType` FHIR does
//!    not define).
//!    [`FhirFile::patient_source_ids`] lists the Patient ids the file names, so
//!    the caller can ask the store which of them are already stored.
//! 2. [`FhirFile::map`] turns the file into an [`ImportBatch`] plus the skipped
//!    resources with their reasons, taking new Sprout ids from the caller's
//!    generator (the mapping has no randomness of its own). Every kept
//!    resource is read through checked readers; one that breaks FHIR R4 where
//!    Sprout reads it (a `dateTime` that is no dateTime, a decimal written as
//!    a string, a required element missing) rejects the whole file, with the
//!    resource, the element and the problem named. Only resources FHIR allows
//!    but Sprout cannot keep are skipped: types Sprout does not keep,
//!    Observations of other categories, a patient neither in the file nor
//!    stored, a Patient without a full birth date...

use crate::json::Invalid;
use crate::map::{self, clip, NotMapped, Reason};
use crate::reference::{parse_reference, Entry, FileIndex, Target};
use crate::report::Skipped;
use crate::resource_types::is_r4_resource_type;
use serde_json::Value;
use sprout_domain::record::ItemMeta;
use sprout_domain::sensitivity::CodeList;
use sprout_domain::{ItemId, PatientId};
use sprout_store::results::LabelMatch;
use sprout_store::ImportBatch;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock};

/// The record resource types Sprout keeps (besides Patient), each with the
/// element that names its patient.
pub const KEPT_ITEM_TYPES: [(&str, &str); 10] = [
    ("Encounter", "subject"),
    ("Observation", "subject"),
    ("Immunization", "patient"),
    ("MedicationRequest", "subject"),
    ("AllergyIntolerance", "patient"),
    ("Condition", "subject"),
    ("DiagnosticReport", "subject"),
    ("DocumentReference", "subject"),
    // Appointment: the Patient among `participant.actor` (see
    // `care::appointment_patient`).
    ("Appointment", "participant"),
    ("MedicationStatement", "subject"),
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
    /// A Bundle entry whose resource is not a FHIR R4 resource: no
    /// `resourceType`, or one FHIR R4 does not define (`Banana`).
    #[error("not a FHIR resource: Bundle.entry[{index}] {resource}: {problem}")]
    EntryNotAResource {
        /// Position in `Bundle.entry`.
        index: usize,
        /// The entry's resource as `Type/id` (or what of it there is).
        resource: String,
        /// What is wrong.
        problem: String,
    },
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
    /// The sensitivity code list items are classified with.
    codes: Arc<CodeList>,
}

/// The shipped code list, built once.
static SHIPPED_CODES: LazyLock<Arc<CodeList>> = LazyLock::new(|| Arc::new(CodeList::default()));

/// What [`FhirFile::map`] produces: everything to write in one transaction and
/// what was left out.
#[derive(Debug, Default)]
pub struct MappedFile {
    /// Patients and record items to write with one `import_batch` call.
    pub batch: ImportBatch,
    /// Resources not stored, with reasons, in file order.
    pub skipped: Vec<Skipped>,
    /// Why the whole file is to be rejected; then `batch` and `skipped` are
    /// empty. Set when a kept resource breaks FHIR R4 ("Immunization/imm-1:
    /// occurrenceDateTime \"not-a-date\" is not a FHIR dateTime"), and for a
    /// single-resource file whose one kept resource was dropped ("Immunization
    /// example: patient Patient/example is neither in this file nor already
    /// stored").
    pub rejection: Option<String>,
    /// Every rule that set a label on a kept item (security labels and the
    /// code list), for `ResultsStore::record_label_matches`.
    pub label_matches: Vec<LabelMatch>,
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
    /// is not an array of objects (each with an object `resource` whose
    /// `resourceType` is a FHIR R4 type, and a string `fullUrl`, when present).
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
        Ok(Self {
            root,
            is_bundle,
            codes: Arc::clone(&SHIPPED_CODES),
        })
    }

    /// Classifies items with `codes` (the shipped list plus the practice's
    /// `[sensitivity]` rules) instead of the shipped list alone.
    pub fn with_code_list(mut self, codes: Arc<CodeList>) -> Self {
        self.codes = codes;
        self
    }

    /// Whether the file is a Bundle (else a single resource).
    pub fn is_bundle(&self) -> bool {
        self.is_bundle
    }

    /// The resources of the file, plus entries without a resource (a `DELETE`
    /// in a transaction), skipped. [`FhirFile::from_value`] has checked that
    /// every entry's resource has a FHIR R4 `resourceType`.
    fn entries(&self) -> (Vec<Entry<'_>>, Vec<Skipped>) {
        let mut skipped = Vec::new();
        if !self.is_bundle {
            let entry = Entry {
                index: 0,
                in_bundle: false,
                full_url: None,
                resource: &self.root,
                resource_type: type_of(&self.root),
            };
            return (vec![entry], skipped);
        }
        let raw = self
            .root
            .get("entry")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
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
            entries.push(Entry {
                index,
                in_bundle: true,
                full_url,
                resource,
                resource_type: type_of(resource),
            });
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
    /// of other categories, resources lacking what Sprout needs where FHIR
    /// allows that (see [`crate::map`]), resources whose patient is neither in
    /// the file (and kept) nor stored, and repeats of a resource already met in
    /// the file. Rejected as a whole ([`MappedFile::rejection`]): a file with a
    /// kept resource that breaks FHIR R4 where Sprout reads it (every kept
    /// resource is read, skipped or not), and a single-resource file whose
    /// resource is dropped.
    pub fn map(
        &self,
        stored: &BTreeMap<String, PatientId>,
        new_id: &mut dyn FnMut() -> [u8; 16],
    ) -> MappedFile {
        match self.map_checked(stored, new_id) {
            Ok(mapped) => mapped,
            Err(rejection) => MappedFile {
                rejection: Some(rejection),
                ..MappedFile::default()
            },
        }
    }

    /// [`FhirFile::map`], with the file's rejection as the error.
    fn map_checked(
        &self,
        stored: &BTreeMap<String, PatientId>,
        new_id: &mut dyn FnMut() -> [u8; 16],
    ) -> Result<MappedFile, String> {
        let (entries, mut skipped) = self.entries();
        let index = FileIndex::new(entries);
        let mut batch = ImportBatch::default();
        let mut label_matches: Vec<LabelMatch> = Vec::new();
        let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(index.entries.len());
        // Patients of this file that were kept, by source id.
        let mut kept_patients: HashMap<&str, PatientId> = HashMap::new();
        let mut dropped_kept_resource: Option<String> = None;
        // Ids for resources that are read (to check them) but not kept.
        let unused_patient = || PatientId::from_random([0; 16]);

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
            crate::json::resource_id(e.resource).map_err(|i| rejection(e, i))?;
            let source_id = e.source_id();
            let first = source_id.is_some_and(|s| seen.insert(("Patient", s)));
            let id = match source_id {
                Some(s) if first => stored
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| PatientId::from_random(new_id())),
                _ => unused_patient(),
            };
            let mapped = match map::patient(e.resource, id.clone(), source_id.unwrap_or_default()) {
                Err(NotMapped::Invalid(i)) => return Err(rejection(e, i)),
                Err(NotMapped::Skip(reason)) => Err(reason),
                Ok(p) => Ok(p),
            };
            let Some(source_id) = source_id else {
                let reason = format!(
                    "Bundle.entry[{}]: Patient has neither id nor fullUrl",
                    e.index
                );
                skip(e, None, reason, true);
                continue;
            };
            if !first {
                skip(e, Some(source_id), repeat_reason(e.resource_type), true);
                continue;
            }
            match mapped {
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
            crate::json::resource_id(e.resource).map_err(|i| rejection(e, i))?;
            if e.resource_type == "Observation" {
                match map::observation_category(e.resource) {
                    Ok(_) => {}
                    Err(NotMapped::Invalid(i)) => return Err(rejection(e, i)),
                    Err(NotMapped::Skip(reason)) => {
                        skip(e, source_id, reason, false);
                        continue;
                    }
                }
            }
            let first = source_id.is_some_and(|s| seen.insert((e.resource_type, s)));
            let patient_id = match patient_ref(e, element, &index) {
                Err(NotMapped::Invalid(i)) => return Err(rejection(e, i)),
                Err(NotMapped::Skip(reason)) => Err(reason),
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
            let labels = crate::labels::labels_of(e.resource).map_err(|i| rejection(e, i))?;
            let (labels, matches) = crate::classify::classify(
                e.resource_type,
                source_id.unwrap_or_default(),
                e.resource,
                labels,
                &self.codes,
            );
            // Read every kept resource, so one that breaks FHIR rejects the
            // file even when it would be skipped; draw an id only for one
            // that can be kept.
            let keepable = first && patient_id.is_ok();
            let meta = ItemMeta {
                id: ItemId::from_random(if keepable { new_id() } else { [0; 16] }),
                patient_id: patient_id.clone().unwrap_or_else(|_| unused_patient()),
                source_id: source_id.unwrap_or_default().to_owned(),
                labels,
            };
            let mapped = match map::item(e.resource_type, e.resource, meta, &index) {
                Err(NotMapped::Invalid(i)) => return Err(rejection(e, i)),
                Err(NotMapped::Skip(reason)) => Err(reason),
                Ok(item) => Ok(item),
            };
            let Some(source_id) = source_id else {
                let reason = format!(
                    "Bundle.entry[{}]: {} has neither id nor fullUrl",
                    e.index, e.resource_type
                );
                skip(e, None, reason, true);
                continue;
            };
            if !first {
                skip(e, Some(source_id), repeat_reason(e.resource_type), true);
                continue;
            }
            match patient_id.and(mapped) {
                Ok(item) => {
                    batch.items.push(item);
                    label_matches.extend(matches);
                }
                Err(reason) => skip(e, Some(source_id), reason, true),
            }
        }

        if !self.is_bundle {
            if let Some(reason) = dropped_kept_resource {
                return Err(reason);
            }
        }
        Ok(MappedFile {
            batch,
            skipped,
            rejection: None,
            label_matches,
        })
    }
}

/// The rejection of a file for a resource that breaks FHIR:
/// `Immunization/imm-1: occurrenceDateTime "not-a-date" is not a FHIR dateTime`
/// (`Immunization in Bundle.entry[3]: ...` when it has no id).
fn rejection(e: &Entry<'_>, invalid: Invalid) -> String {
    let resource = match e.resource.get("id").and_then(Value::as_str) {
        Some(id) => format!("{}/{}", e.resource_type, clip(id)),
        None if e.in_bundle => format!("{} in Bundle.entry[{}]", e.resource_type, e.index),
        None => e.resource_type.to_owned(),
    };
    format!("{resource}: {invalid}")
}

/// A resource's `resourceType` (checked by [`FhirFile::from_value`]).
fn type_of(resource: &Value) -> &str {
    resource
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The reason for a second entry with the same type and id.
fn repeat_reason(resource_type: &str) -> Reason {
    format!("another {resource_type} with this id comes earlier in this file")
}

/// Whether FHIR requires the element naming the patient of a kept type:
/// `Immunization.patient`, `AllergyIntolerance.patient`,
/// `MedicationRequest.subject` and `Condition.subject` are 1..1;
/// `Observation.subject` and `Encounter.subject` are 0..1.
fn patient_element_required(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "Immunization"
            | "AllergyIntolerance"
            | "MedicationRequest"
            | "Condition"
            | "MedicationStatement"
            | "Appointment"
    )
}

/// Where the patient of kept resource `e` is, read from `element`.
///
/// # Errors
/// [`NotMapped::Skip`] when there is no readable reference (FHIR allows one
/// by identifier only, or none where the element is optional) or it names
/// something other than a Patient; [`NotMapped::Invalid`] when a required
/// element is missing or the element is not a Reference.
fn patient_ref<'a>(
    e: &Entry<'a>,
    element: &str,
    index: &FileIndex<'a>,
) -> Result<PatientRef<'a>, NotMapped> {
    let found = if e.resource_type == "Appointment" {
        crate::care::appointment_patient(e.resource, index)?
    } else {
        crate::json::reference(e.resource, element)?
    };
    if found.is_none() && patient_element_required(e.resource_type) {
        return Err(Invalid::missing(element).into());
    }
    let reference = found.and_then(|r| r.reference).ok_or_else(|| {
        NotMapped::Skip(format!("{} has no {element} reference", e.resource_type))
    })?;
    if let Some(target) = index.find(reference) {
        return match (target.resource_type, target.source_id()) {
            ("Patient", Some(id)) => Ok(PatientRef::InFile(id)),
            (ty, id) => Err(NotMapped::Skip(format!(
                "{element} {ty}/{} is not a Patient",
                clip(id.unwrap_or_default())
            ))),
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
        } => Err(NotMapped::Skip(format!(
            "{element} {ty}/{} is not a Patient",
            clip(id)
        ))),
        Target::Contained | Target::Unreadable => Err(NotMapped::Skip(format!(
            "{element} reference `{}` does not name a Patient",
            clip(reference)
        ))),
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
        let full_url = match e.get("fullUrl") {
            None => None,
            Some(Value::String(u)) => Some(u.as_str()),
            Some(_) => {
                return Err(FileError::BrokenBundle(format!(
                    "Bundle.entry[{i}].fullUrl is not a string"
                )))
            }
        };
        if let Some(resource) = e.get("resource") {
            check_entry_type(i, full_url, resource)?;
        }
    }
    Ok(())
}

/// Checks that a Bundle entry's resource has a FHIR R4 `resourceType`. A type
/// FHIR defines but Sprout does not keep (`Claim`) passes: it is skipped later.
fn check_entry_type(
    index: usize,
    full_url: Option<&str>,
    resource: &Value,
) -> Result<(), FileError> {
    let id = resource.get("id").and_then(Value::as_str).map(clip);
    let (resource_label, problem) = match resource.get("resourceType") {
        Some(Value::String(ty)) if is_r4_resource_type(ty) => return Ok(()),
        Some(Value::String(ty)) => (
            match &id {
                Some(id) => format!("{}/{id}", clip(ty)),
                None => clip(ty),
            },
            format!("resourceType `{}` is not a FHIR R4 resource type", clip(ty)),
        ),
        found => (
            match (&id, full_url) {
                (Some(id), _) => format!("(id {id})"),
                (None, Some(url)) => format!("(fullUrl {})", clip(url)),
                (None, None) => "(no id)".to_owned(),
            },
            match found {
                None => "resourceType is missing".to_owned(),
                Some(other) => format!("resourceType {} is not a string", clip(&other.to_string())),
            },
        ),
    };
    Err(FileError::EntryNotAResource {
        index,
        resource: resource_label,
        problem,
    })
}
