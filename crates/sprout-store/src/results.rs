//! Storage of results, notes and documents (DiagnosticReports and
//! DocumentReferences, written by `import_batch` like every record item), of
//! why items are sensitive (the rules that matched at import, and clinicians'
//! corrections), and of what the release rules need (staff releases, the
//! family's holds on new results). Issue 7.

use crate::StoreResult;
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::record::{Labels, Sensitivity};
use sprout_domain::results::{DiagnosticReport, DocumentReference};
use sprout_domain::{AccountId, ItemId, PatientId};
use std::collections::BTreeMap;

/// One rule that matched an item at import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatch {
    /// The item's FHIR resource type.
    pub resource_type: String,
    /// The item's source (FHIR) id.
    pub source_id: String,
    /// The category the rule set; `None` for a confidentiality label (`R`).
    pub category: Option<Sensitivity>,
    /// The rule: `meta.security:STD`, `meta.security:R`,
    /// `sprout:loinc:43304-5`, `config:icd10cm:F40-F48`.
    pub rule: String,
}

/// An item found by id, with what its labels page needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabeledItem {
    /// Sprout's id.
    pub id: ItemId,
    /// FHIR resource type (`Observation`, `Condition`...).
    pub resource_type: String,
    /// Source (FHIR) id.
    pub source_id: String,
    /// What it is, as text (display, medication, vaccine, type).
    pub display: String,
    /// Its labels now.
    pub labels: Labels,
}

/// A clinician's correction of an item's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelCorrection {
    /// The correction's id (random).
    pub id: String,
    /// The item.
    pub item_id: ItemId,
    /// Its FHIR resource type.
    pub resource_type: String,
    /// Whose record.
    pub patient_id: PatientId,
    /// When (whole seconds).
    pub at: Timestamp,
    /// The clinician.
    pub account_id: AccountId,
    /// The labels set.
    pub labels: Labels,
    /// Why, in the clinician's words (kept here, never in logs or audit
    /// details).
    pub reason: String,
}

/// A staff member's release of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRelease {
    /// The item.
    pub item_id: ItemId,
    /// Whose record.
    pub patient_id: PatientId,
    /// When (whole seconds).
    pub released_at: Timestamp,
    /// Who released it.
    pub released_by: AccountId,
}

/// A family member's hold on a patient's new results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHold {
    /// The hold's id (random).
    pub id: String,
    /// Whose results.
    pub patient_id: PatientId,
    /// Who asked.
    pub requested_by: AccountId,
    /// When (whole seconds).
    pub requested_at: Timestamp,
    /// When it ended, if it did.
    pub ended_at: Option<Timestamp>,
    /// Who ended it.
    pub ended_by: Option<AccountId>,
}

/// An item that may wait for a staff release, across patients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCandidate {
    /// The item.
    pub item_id: ItemId,
    /// `Observation` (laboratory), `DiagnosticReport` or `DocumentReference`.
    pub resource_type: String,
    /// Whose record.
    pub patient_id: PatientId,
    /// The patient's name, "Given Family".
    pub patient_name: String,
    /// The patient's MRN.
    pub mrn: Option<String>,
    /// What it is, as text.
    pub display: String,
    /// The time the release rules count from, FHIR text.
    pub time: Option<String>,
    /// For documents, their kind code (`visit-summary`...); for reports,
    /// their category; else `None`.
    pub kind: Option<String>,
}

/// Results, notes and documents, sensitivity provenance, releases and holds.
#[async_trait]
pub trait ResultsStore: Send + Sync {
    /// DiagnosticReports, newest first.
    async fn diagnostic_reports(&self, patient: &PatientId) -> StoreResult<Vec<DiagnosticReport>>;

    /// DocumentReferences, newest first, without attachment data.
    async fn document_references(&self, patient: &PatientId)
        -> StoreResult<Vec<DocumentReference>>;

    /// One DocumentReference of the patient with its attachment data.
    async fn document_with_data(
        &self,
        patient: &PatientId,
        item: &ItemId,
    ) -> StoreResult<Option<DocumentReference>>;

    /// Records the rules that matched items at import: for every
    /// (resource type, source id) named in `matches` or `items`, the stored
    /// matches are replaced by those given. Then re-applies, to the items of
    /// `patients`, the newest clinician correction of each (an import never
    /// undoes a correction).
    async fn record_label_matches(
        &self,
        items: &[(String, String)],
        matches: &[LabelMatch],
        patients: &[PatientId],
    ) -> StoreResult<()>;

    /// The rules that matched an item at import.
    async fn label_matches(
        &self,
        resource_type: &str,
        source_id: &str,
    ) -> StoreResult<Vec<LabelMatch>>;

    /// An item of the patient by id, in any item table; `None` when the
    /// patient has no such item.
    async fn labeled_item(
        &self,
        patient: &PatientId,
        item: &ItemId,
    ) -> StoreResult<Option<LabeledItem>>;

    /// Stores a correction and sets the item's labels, in one transaction.
    /// [`crate::StoreError::NotFound`] when the patient has no such item.
    async fn correct_labels(&self, correction: &LabelCorrection) -> StoreResult<()>;

    /// An item's corrections, oldest first.
    async fn label_corrections(&self, item: &ItemId) -> StoreResult<Vec<LabelCorrection>>;

    /// Records releases; an item released already keeps its first release.
    /// Returns how many were new.
    async fn release_items(&self, releases: &[ItemRelease]) -> StoreResult<u64>;

    /// When each released item of the patient was released.
    async fn item_releases(&self, patient: &PatientId) -> StoreResult<BTreeMap<ItemId, Timestamp>>;

    /// Stores a new hold.
    async fn add_result_hold(&self, hold: &StoredHold) -> StoreResult<()>;

    /// Ends the patient's holds in force (`ended_at` not set); returns how many.
    async fn end_result_holds(
        &self,
        patient: &PatientId,
        at: Timestamp,
        by: &AccountId,
    ) -> StoreResult<u64>;

    /// The patient's holds, oldest first.
    async fn result_holds(&self, patient: &PatientId) -> StoreResult<Vec<StoredHold>>;

    /// Laboratory Observations, DiagnosticReports and DocumentReferences of
    /// every patient that no staff member has released, newest first, at most
    /// `limit`: what the release queue filters by the rules.
    async fn unreleased_items(&self, limit: u32) -> StoreResult<Vec<QueueCandidate>>;
}
