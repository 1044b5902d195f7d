//! Storage traits: one per aggregate (records, accounts, proxy relationships,
//! sessions, audit; for the jobs, outbox, notices and job leases; account
//! security),
//! implemented by the SQLite and PostgreSQL backends, plus the contract test
//! suite both must pass ([`contract`]).
//!
//! The backend is picked once, from the database URL, by the binary; everything
//! above this crate holds an `Arc<dyn Store>`.

pub mod access_signal;
pub mod audit;
pub mod care;
pub mod contract;
pub mod results;
pub mod results_contract;

pub use results::ResultsStore;
pub mod security;
pub mod security_contract;

pub use access_signal::AccessSignal;
pub use security::SecurityStore;
mod contract_care;
pub mod contract_enrollment;
pub mod enrollment;
pub mod messaging;

use async_trait::async_trait;
use jiff::civil::Date;
use serde::Serialize;
use sprout_domain::people::{Account, AccountStatus, ProxyRelationship, StaffRole};
use sprout_domain::record::{
    AllergyIntolerance, Condition, Encounter, Immunization, MedicationRequest, Observation,
    ObservationCategory, Patient, RecordItem,
};
use sprout_domain::{AccountId, PatientId};
use std::collections::BTreeMap;

/// What can go wrong in a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule would be broken (for example an email already in use).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The row referred to does not exist.
    #[error("not found")]
    NotFound,
    /// Stored data could not be read back into the model (a bad code, a bad date).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed or could not be reached; the text is for logs only.
    #[error("database: {0}")]
    Database(String),
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything one import file (or one demo family) writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// Patients to insert, or update when their `source_id` is already stored
    /// (the stored Sprout id is kept).
    pub patients: Vec<Patient>,
    /// Items to insert, or update when an item of the same resource type and
    /// `source_id` is already stored (the stored Sprout id is kept). Their
    /// `patient_id` must name a patient stored already or in `patients`.
    pub items: Vec<RecordItem>,
}

/// Rows written by [`RecordStore::import_batch`], per FHIR resource type
/// (`"Patient"`, `"Observation"`...).
pub type WrittenCounts = BTreeMap<String, u64>;

/// How many items of each kind a patient has (for the summary page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemCounts {
    /// Encounters.
    pub encounters: u64,
    /// Vital-sign Observations.
    pub vitals: u64,
    /// Laboratory Observations.
    pub lab_results: u64,
    /// Immunizations.
    pub immunizations: u64,
    /// MedicationRequests.
    pub medications: u64,
    /// AllergyIntolerances.
    pub allergies: u64,
    /// Conditions.
    pub conditions: u64,
}

/// A patient's item counts: see [`RecordStore::item_counts`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PatientCounts {
    /// Every item.
    pub all: ItemCounts,
    /// Items with an access label (confidentiality other than normal, or a
    /// sensitivity category). The access rules only withhold more as labels
    /// are added, so when a section has none, everyone allowed the section
    /// sees all of it and its count needs no item read.
    pub labelled: ItemCounts,
}

/// Patients and their record items.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Sprout ids of the stored patients with these source ids (missing ones are
    /// absent from the map).
    async fn patient_ids_by_source(
        &self,
        source_ids: &[String],
    ) -> StoreResult<BTreeMap<String, PatientId>>;

    /// Writes a batch in one transaction: all of it or none of it.
    async fn import_batch(&self, batch: &ImportBatch) -> StoreResult<WrittenCounts>;

    /// How many items of `resource_type` with these source ids are stored
    /// (patients: `"Patient"`).
    async fn count_by_source(&self, resource_type: &str, source_ids: &[String])
        -> StoreResult<u64>;

    /// One patient.
    async fn patient(&self, id: &PatientId) -> StoreResult<Option<Patient>>;

    /// The patient with this medical record number, if any.
    /// [`StoreError::Conflict`] when more than one patient has it.
    async fn patient_by_mrn(&self, mrn: &str) -> StoreResult<Option<Patient>>;

    /// Several patients, ordered by birth date (oldest first); unknown ids are skipped.
    async fn patients(&self, ids: &[PatientId]) -> StoreResult<Vec<Patient>>;

    /// Counts of a patient's items: all of them, and those carrying an access
    /// label (restricted, or any sensitivity category).
    async fn item_counts(&self, patient: &PatientId) -> StoreResult<PatientCounts>;

    /// The newest Observation of `category` for each of these LOINC codes,
    /// newest first (ordered as [`RecordStore::observations`]); codes never
    /// recorded are absent. For the summary's latest vitals without reading
    /// every measurement.
    async fn latest_observations(
        &self,
        patient: &PatientId,
        category: ObservationCategory,
        loinc: &[&str],
    ) -> StoreResult<Vec<Observation>>;

    /// Every Observation of `category` with one of these LOINC codes, newest
    /// first (ordered as [`RecordStore::observations`]). For the growth
    /// charts, which need weights, lengths, head sizes and BMIs but not the
    /// temperatures, heart rates and blood pressures in between.
    async fn observations_coded(
        &self,
        patient: &PatientId,
        category: ObservationCategory,
        loinc: &[&str],
    ) -> StoreResult<Vec<Observation>>;

    /// Encounters, newest first.
    async fn encounters(&self, patient: &PatientId) -> StoreResult<Vec<Encounter>>;

    /// Observations of one category, newest first.
    async fn observations(
        &self,
        patient: &PatientId,
        category: ObservationCategory,
    ) -> StoreResult<Vec<Observation>>;

    /// Immunizations, newest first.
    async fn immunizations(&self, patient: &PatientId) -> StoreResult<Vec<Immunization>>;

    /// MedicationRequests, newest first.
    async fn medication_requests(&self, patient: &PatientId)
        -> StoreResult<Vec<MedicationRequest>>;

    /// AllergyIntolerances, newest first.
    async fn allergies(&self, patient: &PatientId) -> StoreResult<Vec<AllergyIntolerance>>;

    /// Conditions, newest first.
    async fn conditions(&self, patient: &PatientId) -> StoreResult<Vec<Condition>>;
}

/// A new account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The new account's id.
    pub id: AccountId,
    /// Sign-in email; stored trimmed and lowercased, unique.
    pub email: String,
    /// Name shown in the portal.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Initial status.
    pub status: AccountStatus,
    /// Staff role, for staff.
    pub staff_role: Option<StaffRole>,
    /// The patient whose own login this is.
    pub patient_id: Option<PatientId>,
}

/// Accounts (logins).
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account. [`StoreError::Conflict`] when the email is taken.
    async fn create_account(&self, account: &NewAccount) -> StoreResult<Account>;

    /// The account with this email (compared trimmed, case-insensitively) and its
    /// password hash.
    async fn account_by_email(&self, email: &str) -> StoreResult<Option<(Account, String)>>;

    /// One account.
    async fn account(&self, id: &AccountId) -> StoreResult<Option<Account>>;

    /// Sets the preferred language.
    async fn set_locale(&self, id: &AccountId, locale: &str) -> StoreResult<()>;

    /// Sets the status (activate, deactivate).
    async fn set_account_status(&self, id: &AccountId, status: AccountStatus) -> StoreResult<()>;

    /// Whether any account exists at all (a fresh database has none).
    async fn has_any_account(&self) -> StoreResult<bool>;

    /// The patient's own login (the account whose `patient_id` is this
    /// patient), if any, whatever its status. The access policy reads its
    /// status (rule 3) and email (rule 5).
    async fn account_of_patient(&self, patient: &PatientId) -> StoreResult<Option<Account>>;

    /// [`AccountStore::account_of_patient`] for several patients in one
    /// read: each patient with an own login maps to it (chosen by the same
    /// rule); patients without one are absent.
    async fn accounts_of_patients(
        &self,
        patients: &[PatientId],
    ) -> StoreResult<BTreeMap<PatientId, Account>>;
}

/// Proxy relationships (FHIR RelatedPerson).
#[async_trait]
pub trait ProxyStore: Send + Sync {
    /// Stores a new relationship. [`StoreError::NotFound`] when the account or
    /// patient does not exist.
    async fn add_relationship(&self, rel: &ProxyRelationship) -> StoreResult<()>;

    /// Replaces a stored relationship's mutable fields (approval, hidden
    /// sections, evidence, expiry, revocation, verification).
    async fn update_relationship(&self, rel: &ProxyRelationship) -> StoreResult<()>;

    /// Every relationship where the account is the proxy, in force or not.
    async fn relationships_of_account(
        &self,
        account: &AccountId,
    ) -> StoreResult<Vec<ProxyRelationship>>;

    /// Every relationship to the patient, in force or not.
    async fn relationships_of_patient(
        &self,
        patient: &PatientId,
    ) -> StoreResult<Vec<ProxyRelationship>>;
}

/// A server-side session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie token, hex; the token itself is never stored.
    pub token_hash: String,
    /// The signed-in account.
    pub account_id: AccountId,
    /// The token forms must echo (CSRF protection).
    pub csrf_token: String,
    /// Creation time, UTC RFC 3339.
    pub created_at: String,
    /// Expiry, UTC RFC 3339.
    pub expires_at: String,
}

/// Sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a session.
    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    /// The session with this token hash, expired or not.
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>>;
    /// Ends a session (no error when already gone).
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Deletes sessions that expired before `now` (UTC RFC 3339); returns how many.
    async fn delete_expired_sessions(&self, now: &str) -> StoreResult<u64>;
}

/// An audit event: who did what to whose record, when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// UTC RFC 3339 time.
    pub at: String,
    /// The account acting, if known (none for a failed sign-in of an unknown email).
    pub account_id: Option<AccountId>,
    /// `parent`, `patient`, a staff role, or `anonymous`.
    pub actor_role: String,
    /// On whose behalf the user acted: the id of the proxy relationship (FHIR
    /// RelatedPerson) through which a proxy reached the patient; `None` for
    /// the patient themself, staff and the system.
    pub on_behalf_of: Option<String>,
    /// The patient concerned, if any.
    pub patient_id: Option<PatientId>,
    /// `read`, `create`, `update`, `delete`, `execute`, `login`, `logout`.
    pub action: String,
    /// What was touched: a page or resource type (`vitals`, `session`...).
    pub object_type: String,
    /// Its id, if any.
    pub object_id: Option<String>,
    /// `success`, `denied` or `failure`.
    pub outcome: String,
    /// The decision's reason code, or why it failed.
    pub reason: Option<String>,
    /// Client IP address.
    pub client_addr: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
    /// JSON details (items withheld with their reasons); no health data.
    pub detail: Option<String>,
}

/// Filter for reading audit events back.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this patient.
    pub patient_id: Option<PatientId>,
    /// Only this account.
    pub account_id: Option<AccountId>,
    /// Only this action.
    pub action: Option<String>,
    /// At most this many, newest first (0 = 100).
    pub limit: u32,
}

/// The audit trail: insert and read only, hash-chained (see [`audit`]).
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one event at the end of the hash chain: in one transaction,
    /// takes the chain's head (which makes concurrent appenders, on any node,
    /// wait their turn), stores the event with the next number, the head's
    /// hash and its own hash ([`audit::event_hash`]), and moves the head.
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Events matching the filter, newest first.
    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEvent>>;
    /// A page of events for a report: filtered, sorted, with the user's email
    /// and name and the patient's MRN, and the count of all matching events.
    async fn audit_report(&self, query: &audit::AuditQuery) -> StoreResult<audit::AuditPage>;
    /// Up to `limit` events numbered after `after_seq`, in chain order, as
    /// stored (raw content and hashes), for [`audit::verify`].
    async fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<audit::ChainedEvent>>;
    /// The chain's head as stored.
    async fn audit_chain_head(&self) -> StoreResult<audit::ChainHead>;
}

/// Bulk writes that span aggregates, for seeding (the demo practice).
#[async_trait]
pub trait SeedStore: Send + Sync {
    /// Writes a record batch (as [`RecordStore::import_batch`]), then creates
    /// the accounts, then adds the relationships, all in one transaction: all
    /// of it or none of it. Returns the counts of `import_batch` plus
    /// `"Account"` and `"RelatedPerson"`. [`StoreError::Conflict`] for an email
    /// or id already in use, [`StoreError::NotFound`] for a relationship or
    /// account naming an unknown patient or account.
    async fn seed_batch(
        &self,
        batch: &ImportBatch,
        accounts: &[NewAccount],
        relationships: &[ProxyRelationship],
    ) -> StoreResult<WrittenCounts>;
}

/// An email to queue in the outbox (see [`OutboxStore`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    /// The message's id, chosen by the caller: ASCII letters, digits, `-` and
    /// `_` only (it names the message's `.eml` file in development), unique.
    pub id: String,
    /// The recipient's address.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML alternative of the body, if any.
    pub body_html: Option<String>,
    /// Language of the text (`en`, `es`).
    pub locale: String,
}

/// A message in the outbox, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The message's id ([`NewEmail::id`]).
    pub id: String,
    /// The recipient's address.
    pub to_address: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML alternative of the body, if any.
    pub body_html: Option<String>,
    /// Language of the text (`en`, `es`).
    pub locale: String,
    /// When it was queued (whole seconds).
    pub created_at: jiff::Timestamp,
    /// Sending attempts made so far (successful or not).
    pub attempts: u32,
    /// Not to be sent before this time (whole seconds).
    pub next_attempt_at: jiff::Timestamp,
    /// When it was sent; `None` while it waits.
    pub sent_at: Option<jiff::Timestamp>,
    /// Why the last attempt failed, for operators (no message content).
    pub last_error: Option<String>,
}

/// The email outbox: messages are queued (in the transaction of whatever caused
/// them, where that matters), then claimed in batches by a sender job, sent, and
/// marked sent, or marked failed with a time to try again, so a failed send is
/// retried, not lost (DESIGN.md, "Architecture").
///
/// Times are stored to the whole second; every `now` is the caller's clock.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues a message, due at once. [`StoreError::Conflict`] when the id is taken.
    async fn enqueue_email(&self, email: &NewEmail, now: jiff::Timestamp) -> StoreResult<()>;

    /// Claims up to `limit` unsent messages that are due at `now` and not
    /// claimed by anyone else (or whose claim ended), oldest due first, for
    /// `claimant` until `claim_until`. Two claimants never get the same message
    /// while a claim lasts; a claimant that dies leaves its messages to be
    /// claimed again once the claim ends.
    async fn claim_due_emails(
        &self,
        claimant: &str,
        now: jiff::Timestamp,
        claim_until: jiff::Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMessage>>;

    /// Marks a claimed message sent at `now` (one more attempt) and ends the
    /// claim. [`StoreError::NotFound`] when `claimant` does not hold it.
    async fn mark_email_sent(
        &self,
        id: &str,
        claimant: &str,
        now: jiff::Timestamp,
    ) -> StoreResult<()>;

    /// Records a failed attempt: one more attempt, `error` kept (for operators;
    /// never message content), not due again before `retry_at`, claim ended.
    /// [`StoreError::NotFound`] when `claimant` does not hold it.
    async fn mark_email_failed(
        &self,
        id: &str,
        claimant: &str,
        error: &str,
        retry_at: jiff::Timestamp,
    ) -> StoreResult<()>;

    /// Every message, sent or not, oldest first, at most `limit` (0 = 100);
    /// for operators and tests.
    async fn outbox_messages(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>>;
}

/// A notice recorded as sent: one per kind, patient, recipient and occasion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRecord {
    /// The record's id, chosen by the caller.
    pub id: String,
    /// What the notice is about (`adolescent-birthday`, `adult-birthday`,
    /// `teen-account`: the notice job's codes).
    pub kind: String,
    /// The patient it is about.
    pub patient_id: PatientId,
    /// The account it was sent to.
    pub recipient_account_id: AccountId,
    /// What occasioned it, so that it is sent once per occasion: the birthday
    /// (`YYYY-MM-DD`) for birthday notices, the teen's account id for
    /// `teen-account`.
    pub occasion: String,
    /// The outbox message that carries it.
    pub outbox_id: String,
    /// When it was recorded (whole seconds).
    pub recorded_at: jiff::Timestamp,
}

/// Notices (advance notices of age transitions and the like) and the queries
/// the notice job needs.
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// In one transaction: records `notice` (its `recorded_at` is taken as
    /// given), queues `email` in the outbox, due at `notice.recorded_at`, and
    /// appends `audit`, unless a notice of the same kind, patient, recipient and
    /// occasion is recorded already, in which case nothing is written and the
    /// answer is `false` (not an error: the notice was sent before, perhaps by
    /// another node at the same moment). `true` when newly recorded.
    /// [`StoreError::NotFound`] when the patient or recipient does not exist.
    async fn record_notice_and_enqueue(
        &self,
        notice: &NoticeRecord,
        email: &NewEmail,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// The notices recorded about a patient, oldest first.
    async fn notices_of_patient(&self, patient: &PatientId) -> StoreResult<Vec<NoticeRecord>>;

    /// Patients born from `first` to `last` (both included), ordered by birth
    /// date then id.
    async fn patients_born_between(&self, first: Date, last: Date) -> StoreResult<Vec<Patient>>;

    /// The patients' own accounts (accounts whose `patient_id` is one of
    /// them), any status, ordered by id.
    async fn own_accounts_of_patients(&self, patients: &[PatientId]) -> StoreResult<Vec<Account>>;
}

/// Leases for scheduled jobs, so that N app nodes run each job once
/// (DESIGN.md, "Scale-out"). A lease is a row per job name: held by one
/// holder until it expires.
#[async_trait]
pub trait JobLeaseStore: Send + Sync {
    /// Takes the lease of `job` for `holder` until `until` when nobody holds it
    /// or the last lease expired at or before `now`; `true` when taken. Atomic:
    /// of several callers at once, at most one gets `true`. A holder whose own
    /// lease is still running gets `false` too (use [`Self::renew_lease`]).
    async fn acquire_lease(
        &self,
        job: &str,
        holder: &str,
        now: jiff::Timestamp,
        until: jiff::Timestamp,
    ) -> StoreResult<bool>;

    /// Moves the end of `holder`'s lease of `job` to `until`; `false` when
    /// `holder` does not hold it.
    async fn renew_lease(
        &self,
        job: &str,
        holder: &str,
        until: jiff::Timestamp,
    ) -> StoreResult<bool>;

    /// Gives up `holder`'s lease of `job` (no error when not held).
    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()>;

    /// Deletes leases that expired before `before`; returns how many.
    async fn delete_expired_leases(&self, before: jiff::Timestamp) -> StoreResult<u64>;
}

/// Everything a Sprout server needs from its database.
pub trait Store:
    RecordStore
    + AccountStore
    + ProxyStore
    + SessionStore
    + AuditStore
    + SeedStore
    + OutboxStore
    + NoticeStore
    + JobLeaseStore
    + ResultsStore
    + SecurityStore
    + enrollment::EnrollmentStore
    + care::RefillStore
    + care::AppointmentStore
    + care::CheckInStore
    + messaging::MessageStore
{
}

impl<
        T: RecordStore
            + AccountStore
            + ProxyStore
            + SessionStore
            + AuditStore
            + SeedStore
            + OutboxStore
            + NoticeStore
            + JobLeaseStore
            + ResultsStore
            + SecurityStore
            + enrollment::EnrollmentStore
            + care::RefillStore
            + care::AppointmentStore
            + care::CheckInStore
            + messaging::MessageStore,
    > Store for T
{
}

/// Normalises an email for storage and comparison: trimmed, lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
