//! Enrollment storage: sign-up slips, single-use emailed links (activation,
//! email verification), office PINs for linking a child, and requests to link
//! a child by MRN and visit date that wait for staff.
//!
//! The writes that create people ([`EnrollmentStore::apply_enrollment`]) are
//! one transaction: patients, accounts, relationships, links, the emails that
//! carry them and their audit events are all stored, or none is, so an
//! invitation is never half sent.

use crate::{AuditEvent, NewAccount, NewEmail, StoreResult};
use async_trait::async_trait;
use jiff::civil::Date;
use jiff::Timestamp;
use sprout_domain::enrollment::{LinkRequestStatus, Slip, SlipStatus, TokenPurpose};
use sprout_domain::people::{ProxyRelationship, RelationshipKind};
use sprout_domain::record::Patient;
use sprout_domain::{AccountId, PatientId};

/// A sign-up slip as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSlip {
    /// Its id (chosen by the caller, URL-safe).
    pub id: String,
    /// The slip as typed.
    pub slip: Slip,
    /// Valid, invalid, rejected or invited.
    pub status: SlipStatus,
    /// Codes of the problems found (empty when valid).
    pub problems: Vec<String>,
    /// The date it was received: its age checks are made on this date.
    pub received_on: Date,
    /// The staff account that entered (or last fixed) it.
    pub entered_by: Option<AccountId>,
    /// Last change (whole seconds).
    pub updated_at: Timestamp,
    /// The patient it enrolled, once invited.
    pub patient_id: Option<PatientId>,
}

/// A single-use link's token, as stored: only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentToken {
    /// SHA-256 of the token, lowercase hex.
    pub token_hash: String,
    /// Activation or email verification.
    pub purpose: TokenPurpose,
    /// The account it activates.
    pub account_id: AccountId,
    /// When it was made (whole seconds).
    pub created_at: Timestamp,
    /// When it stops working (whole seconds).
    pub expires_at: Timestamp,
}

/// Everything one enrollment step writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct EnrollmentWrite {
    /// Patients to create.
    pub patients: Vec<Patient>,
    /// Accounts to create.
    pub accounts: Vec<NewAccount>,
    /// Existing accounts that become a patient's own login.
    pub own_logins: Vec<(AccountId, PatientId)>,
    /// Proxy relationships to create.
    pub relationships: Vec<ProxyRelationship>,
    /// Single-use links to store.
    pub tokens: Vec<EnrollmentToken>,
    /// Emails to queue (due at `now`).
    pub emails: Vec<NewEmail>,
    /// Slips now invited, with the patient each enrolled.
    pub invited_slips: Vec<(String, PatientId)>,
    /// Audit events to append.
    pub audit: Vec<AuditEvent>,
    /// The time of the write.
    pub now: Option<Timestamp>,
}

/// An office PIN for linking a child, as stored (only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPin {
    /// The child.
    pub patient_id: PatientId,
    /// SHA-256 of the normalised PIN, lowercase hex.
    pub pin_hash: String,
    /// When it was issued (whole seconds).
    pub issued_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// The staff account that issued it (none for the demo).
    pub issued_by: Option<AccountId>,
    /// When it was used, if it was.
    pub used_at: Option<Timestamp>,
    /// Wrong attempts counted against it.
    pub failures: u32,
    /// When it locked (after too many wrong attempts), if it did.
    pub locked_at: Option<Timestamp>,
}

/// A parent's request to link a child by MRN and the date of a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    /// Its id.
    pub id: String,
    /// The parent's account.
    pub account_id: AccountId,
    /// The child's name as the parent wrote it.
    pub child_name: String,
    /// The MRN as the parent wrote it.
    pub mrn: String,
    /// The date of a visit, as the parent remembers it.
    pub visit_date: Date,
    /// Parent or legal guardian.
    pub relationship: RelationshipKind,
    /// When it was made.
    pub created_at: Timestamp,
    /// Pending, approved or rejected.
    pub status: LinkRequestStatus,
    /// The staff account that decided.
    pub decided_by: Option<AccountId>,
    /// When.
    pub decided_at: Option<Timestamp>,
}

/// Enrollment storage (see the module documentation).
#[async_trait]
pub trait EnrollmentStore: Send + Sync {
    /// Stores a slip, replacing the stored one of the same id.
    async fn save_slip(&self, slip: &StoredSlip) -> StoreResult<()>;

    /// One slip.
    async fn slip(&self, id: &str) -> StoreResult<Option<StoredSlip>>;

    /// Slips of a status (all when `None`), oldest first, at most `limit`
    /// (0 = 1000).
    async fn slips(&self, status: Option<SlipStatus>, limit: u32) -> StoreResult<Vec<StoredSlip>>;

    /// Writes everything in `write` in one transaction: all of it or none of
    /// it. [`crate::StoreError::Conflict`] when an email, id or token is
    /// taken (nothing written).
    async fn apply_enrollment(&self, write: &EnrollmentWrite) -> StoreResult<()>;

    /// Uses a single-use link: when `token_hash` names an unused token of
    /// `purpose` that expires after `now`, in one transaction marks it used,
    /// sets the account's password hash (when given) and makes the account
    /// active, and returns the account's id. `None` for an unknown, used or
    /// expired token (nothing changes).
    async fn redeem_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
        password_hash: Option<&str>,
    ) -> StoreResult<Option<AccountId>>;

    /// The unused token of `purpose` that expires after `now`, if any.
    async fn live_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> StoreResult<Option<EnrollmentToken>>;

    /// Issues a PIN for the patient, replacing any earlier one (used, expired
    /// or locked): the reissue that unlocks linking.
    async fn issue_pin(&self, pin: &LinkPin) -> StoreResult<()>;

    /// The patient's current PIN, if any.
    async fn pin_of_patient(&self, patient: &PatientId) -> StoreResult<Option<LinkPin>>;

    /// The PIN with this hash, if any (whatever its state).
    async fn pin_by_hash(&self, pin_hash: &str) -> StoreResult<Option<LinkPin>>;

    /// Patients born on `birth_date` whose PIN is unused, unlocked and
    /// expires after `now`.
    async fn live_pins_born_on(
        &self,
        birth_date: Date,
        now: Timestamp,
    ) -> StoreResult<Vec<PatientId>>;

    /// Counts one wrong attempt against each of these patients' PINs; a PIN
    /// reaching `max` failures locks at `now`. Returns the patients whose PIN
    /// locked with this attempt.
    async fn record_pin_failure(
        &self,
        patients: &[PatientId],
        max: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<PatientId>>;

    /// Uses the patient's PIN (hash `pin_hash`) and stores `rel`, in one
    /// transaction, when the PIN is unused, unlocked and expires after `now`;
    /// `false` (nothing written) otherwise, so a PIN links one account once.
    async fn redeem_pin(
        &self,
        pin_hash: &str,
        now: Timestamp,
        rel: &ProxyRelationship,
    ) -> StoreResult<bool>;

    /// Stores a new link request.
    async fn create_link_request(&self, request: &LinkRequest) -> StoreResult<()>;

    /// Link requests of a status (all when `None`), oldest first, at most 500.
    async fn link_requests(
        &self,
        status: Option<LinkRequestStatus>,
    ) -> StoreResult<Vec<LinkRequest>>;

    /// One link request.
    async fn link_request(&self, id: &str) -> StoreResult<Option<LinkRequest>>;

    /// Decides a pending request in one transaction: sets its status, who
    /// and when, stores `rel` (for an approval) and queues `email`. `false`
    /// (nothing written) when it is not pending any more.
    async fn decide_link_request(
        &self,
        id: &str,
        status: LinkRequestStatus,
        decided_by: &AccountId,
        now: Timestamp,
        rel: Option<&ProxyRelationship>,
        email: &NewEmail,
    ) -> StoreResult<bool>;
}
