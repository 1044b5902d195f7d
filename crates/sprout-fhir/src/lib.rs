//! FHIR R4 for Sprout: import of Bundles and single resources into the record
//! model (DESIGN.md, capability 10).
//!
//! - [`import_paths`] is what `sprout import fhir PATH... [--json]` runs: files
//!   and folders in, one transaction per file, an [`ImportReport`] out.
//! - [`FhirFile`] is the pure part: parse and check a file once, then map it into
//!   an `ImportBatch` with the store's known patients and an id generator passed
//!   in ([`FhirFile::map`]). A file with a kept resource that breaks FHIR R4
//!   where Sprout reads it is rejected whole, naming the resource, the element
//!   and the problem ([`Invalid`]).
//! - [`map`] holds the per-resource mapping (Patient, Encounter, Observation,
//!   Immunization, MedicationRequest, AllergyIntolerance, Condition;
//!   DiagnosticReport and DocumentReference in `results`), [`labels`]
//!   the security labels, [`resource_types`] the names of the R4 resource types.
//! - [`classify`] joins the code list's sensitivity categories to the
//!   security labels and names the rules that matched (issue 7).
//! - [`audit_event`] renders the audit trail's events as FHIR `AuditEvent`s.

#![warn(missing_docs)]

pub mod audit_event;
mod care;
pub mod classify;
mod file;
mod import;
mod json;
pub mod labels;
pub mod map;
mod reference;
mod report;
pub mod resource_types;
mod results;

pub use file::{
    is_kept_type, FhirFile, FileError, MappedFile, IMPORTED_BUNDLE_TYPES, KEPT_ITEM_TYPES,
};
pub use import::{import_file, import_paths, import_paths_with};
pub use json::Invalid;
pub use report::{FileReport, FileStatus, ImportReport, Skipped};
