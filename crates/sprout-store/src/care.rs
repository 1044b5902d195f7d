//! Storage of what families ask the practice for and what staff decide:
//! refill requests, appointments and appointment requests, pre-check-in
//! (contact check, insurance changes, signed documents) (issue 6).
//!
//! Three aggregates, three traits: [`RefillStore`], [`AppointmentStore`],
//! [`CheckInStore`]. Every decision is taken at most once: deciding a request
//! that is no longer pending changes nothing and answers `false`, so two staff
//! members clicking at once cannot both decide it. Times are whole seconds
//! (stored as UTC RFC 3339 text).

use crate::StoreResult;
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::record::Appointment;
use sprout_domain::{AccountId, ItemId, PatientId};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Waiting for staff.
    Pending,
    /// Refill approved; insurance change approved (and applied).
    Approved,
    /// Refill denied; insurance change rejected.
    Denied,
    /// Appointment request: a visit was scheduled.
    Scheduled,
    /// Appointment request: staff answered without scheduling.
    Replied,
}

impl RequestStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Scheduled => "scheduled",
            Self::Replied => "replied",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Approved,
            Self::Denied,
            Self::Scheduled,
            Self::Replied,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
}

/// Staff's decision on a request, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffDecision {
    /// New status (not `Pending`).
    pub status: RequestStatus,
    /// Who decided.
    pub by: AccountId,
    /// When.
    pub at: Timestamp,
    /// The message to the family (may be empty).
    pub message: String,
}

/// A family's request for a refill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefillRequest {
    /// Random id.
    pub id: String,
    /// Whose medication.
    pub patient_id: PatientId,
    /// The MedicationRequest item.
    pub medication_id: ItemId,
    /// Who asked.
    pub requested_by: AccountId,
    /// The pharmacy to send it to, as typed.
    pub pharmacy: String,
    /// A note for the care team.
    pub note: String,
    /// Pending, approved or denied.
    pub status: RequestStatus,
    /// When asked.
    pub created_at: Timestamp,
    /// Staff's decision, once decided.
    pub decision: Option<StaffDecision>,
}

/// Refill requests and each patient's pharmacy.
#[async_trait]
pub trait RefillStore: Send + Sync {
    /// Stores a new request (status pending) and remembers its pharmacy as the
    /// patient's, in one transaction. [`crate::StoreError::NotFound`] for an
    /// unknown patient, medication or account.
    async fn create_refill_request(&self, request: &RefillRequest) -> StoreResult<()>;
    /// One request.
    async fn refill_request(&self, id: &str) -> StoreResult<Option<RefillRequest>>;
    /// Requests, oldest first: of one patient (any status), or of everyone
    /// still pending (`None`).
    async fn refill_requests(&self, patient: Option<&PatientId>)
        -> StoreResult<Vec<RefillRequest>>;
    /// Records staff's decision on a pending request; `false` (and nothing
    /// changed) when it is not pending or does not exist.
    async fn decide_refill_request(&self, id: &str, decision: &StaffDecision) -> StoreResult<bool>;
    /// The pharmacy last chosen for the patient.
    async fn pharmacy(&self, patient: &PatientId) -> StoreResult<Option<String>>;
}

/// An appointment with what the family did with it in the portal.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentRow {
    /// The appointment as imported or scheduled.
    pub appointment: Appointment,
    /// When the family confirmed it.
    pub confirmed_at: Option<Timestamp>,
    /// When the family cancelled it in the portal.
    pub cancelled_at: Option<Timestamp>,
}

/// A family's request for a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRequest {
    /// Random id.
    pub id: String,
    /// For whom.
    pub patient_id: PatientId,
    /// Who asked.
    pub requested_by: AccountId,
    /// Why, as typed.
    pub reason: String,
    /// Visit type code (`well-child`, `sick`, `follow-up`, `video`...).
    pub visit_type: String,
    /// Preferred days, as typed or chosen.
    pub preferred_days: String,
    /// Preferred times (`morning`, `afternoon`, `any`).
    pub preferred_times: String,
    /// Pending, scheduled or replied.
    pub status: RequestStatus,
    /// When asked.
    pub created_at: Timestamp,
    /// Staff's decision, once decided.
    pub decision: Option<StaffDecision>,
    /// The appointment staff scheduled for it.
    pub appointment_id: Option<ItemId>,
}

/// Appointments (the portal's side of them) and appointment requests.
#[async_trait]
pub trait AppointmentStore: Send + Sync {
    /// A patient's appointments, by start (undated last).
    async fn appointments(&self, patient: &PatientId) -> StoreResult<Vec<AppointmentRow>>;
    /// One appointment.
    async fn appointment(&self, id: &ItemId) -> StoreResult<Option<AppointmentRow>>;
    /// Records the family's confirmation; `false` when already confirmed or
    /// cancelled (nothing changed).
    async fn confirm_appointment(&self, id: &ItemId, at: Timestamp) -> StoreResult<bool>;
    /// Records the family's cancellation; `false` when already cancelled.
    async fn cancel_appointment(&self, id: &ItemId, at: Timestamp) -> StoreResult<bool>;
    /// Stores a new request (pending).
    async fn create_appointment_request(&self, request: &AppointmentRequest) -> StoreResult<()>;
    /// One request.
    async fn appointment_request(&self, id: &str) -> StoreResult<Option<AppointmentRequest>>;
    /// Requests, oldest first: of one patient (any status), or of everyone
    /// still pending (`None`).
    async fn appointment_requests(
        &self,
        patient: Option<&PatientId>,
    ) -> StoreResult<Vec<AppointmentRequest>>;
    /// Decides a pending request: with `scheduled` (status
    /// [`RequestStatus::Scheduled`]) the appointment is stored and linked, in
    /// the same transaction. `false` (nothing changed) when not pending.
    async fn decide_appointment_request(
        &self,
        id: &str,
        decision: &StaffDecision,
        scheduled: Option<&Appointment>,
    ) -> StoreResult<bool>;
}

/// A patient's insurance as the practice holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Insurance {
    /// The insurer (payer) name.
    pub payer: String,
    /// Member (subscriber) id on the card.
    pub member_id: String,
    /// Group number, if any.
    pub group_number: String,
    /// The policy holder's name.
    pub subscriber_name: String,
}

/// Insurance details a family submitted, held for staff review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsuranceChange {
    /// Random id.
    pub id: String,
    /// Whose insurance.
    pub patient_id: PatientId,
    /// The appointment whose pre-check-in it came from.
    pub appointment_id: Option<ItemId>,
    /// Who submitted it.
    pub submitted_by: AccountId,
    /// The new details.
    pub insurance: Insurance,
    /// Pending, approved (applied) or denied (rejected).
    pub status: RequestStatus,
    /// When submitted.
    pub created_at: Timestamp,
    /// Staff's decision, once decided.
    pub decision: Option<StaffDecision>,
}

/// A practice document signed at pre-check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The appointment.
    pub appointment_id: ItemId,
    /// The patient.
    pub patient_id: PatientId,
    /// The document's id in the practice's settings.
    pub document_id: String,
    /// SHA-256 (hex) of the document's text as shown when signed.
    pub document_sha256: String,
    /// The name the signer typed.
    pub typed_name: String,
    /// When.
    pub signed_at: Timestamp,
    /// The signing account.
    pub signed_by: AccountId,
}

/// Pre-check-in of one appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    /// The appointment.
    pub appointment_id: ItemId,
    /// When the family said the contact details are right.
    pub contact_verified_at: Option<Timestamp>,
    /// When the family finished pre-check-in.
    pub completed_at: Option<Timestamp>,
    /// Who finished it.
    pub completed_by: Option<AccountId>,
}

/// Pre-check-in: insurance (held and applied), contact checks, signatures.
#[async_trait]
pub trait CheckInStore: Send + Sync {
    /// The insurance in force (last approved change), if any.
    async fn insurance(&self, patient: &PatientId) -> StoreResult<Option<Insurance>>;
    /// Holds a change for staff review (pending); nothing is applied.
    async fn submit_insurance_change(&self, change: &InsuranceChange) -> StoreResult<()>;
    /// One change.
    async fn insurance_change(&self, id: &str) -> StoreResult<Option<InsuranceChange>>;
    /// Changes, oldest first: of one patient (any status), or of everyone
    /// still pending (`None`).
    async fn insurance_changes(
        &self,
        patient: Option<&PatientId>,
    ) -> StoreResult<Vec<InsuranceChange>>;
    /// Decides a pending change; approving applies it as the patient's
    /// insurance in the same transaction. `false` (nothing changed) when not
    /// pending.
    async fn decide_insurance_change(
        &self,
        id: &str,
        decision: &StaffDecision,
    ) -> StoreResult<bool>;
    /// Records that the contact details were verified (`verified`) and, when
    /// `complete`, that pre-check-in is finished, by `by` at `at`.
    async fn record_check_in(
        &self,
        appointment: &ItemId,
        patient: &PatientId,
        verified: bool,
        complete: bool,
        by: &AccountId,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// The pre-check-in of an appointment, if begun.
    async fn check_in(&self, appointment: &ItemId) -> StoreResult<Option<CheckIn>>;
    /// Stores a signature. [`crate::StoreError::Conflict`] when this document
    /// is signed already for this appointment.
    async fn sign_document(&self, signature: &Signature) -> StoreResult<()>;
    /// The signatures of an appointment, oldest first.
    async fn signatures(&self, appointment: &ItemId) -> StoreResult<Vec<Signature>>;
}
