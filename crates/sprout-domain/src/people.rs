//! People and accounts: staff roles, account status and proxy relationships
//! (FHIR RelatedPerson).

use crate::ids::{AccountId, PatientId};
use crate::record::{code_enum, Section};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

code_enum!(
    /// A staff member's role (ACCESS-POLICY.md, rule 2).
    StaffRole, "staff role", {
        /// Demographics, appointments, billing, enrollment.
        FrontDesk = "front-desk",
        /// All sections, messages and refills.
        Nurse = "nurse",
        /// All sections, restricted items too.
        Clinician = "clinician",
        /// Configuration and audit; no clinical sections.
        Admin = "admin",
    }
);

code_enum!(
    /// Where an account is in its life (ACCESS-POLICY.md, rule 1).
    AccountStatus, "account status", {
        /// Created, not yet activated by its owner: denied everything.
        Pending = "pending",
        /// Can sign in.
        Active = "active",
        /// Switched off by staff: denied everything.
        Deactivated = "deactivated",
    }
);

code_enum!(
    /// The kind of a proxy relationship (FHIR RelatedPerson.relationship).
    RelationshipKind, "relationship kind", {
        /// A parent.
        Parent = "parent",
        /// A legal guardian of a minor.
        LegalGuardian = "legal-guardian",
        /// A guardian named by a court (counts as legal guardian for a minor,
        /// and keeps access to an adult with papers on file).
        CourtAppointedGuardian = "court-appointed-guardian",
        /// Someone an adult patient named in writing.
        Designee = "designee",
    }
);

/// An account (a login). One account may be a patient's own and a proxy for others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Sprout's id.
    pub id: AccountId,
    /// Sign-in email, trimmed and lowercased.
    pub email: String,
    /// Name shown in the portal and audit reports.
    pub display_name: String,
    /// Pending, active or deactivated.
    pub status: AccountStatus,
    /// Staff role, for staff accounts.
    pub staff_role: Option<StaffRole>,
    /// The patient whose own login this is, if any.
    pub patient_id: Option<PatientId>,
    /// Preferred language (`en`, `es`), if chosen.
    pub locale: Option<String>,
}

/// A proxy relationship: `account` may act for `patient` as `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProxyRelationship {
    /// Sprout's id of the relationship.
    pub id: String,
    /// The proxy's account.
    pub account_id: AccountId,
    /// The patient.
    pub patient_id: PatientId,
    /// Parent, guardian, designee.
    pub kind: RelationshipKind,
    /// When access was granted.
    pub granted_on: Date,
    /// When staff verified it, if they did.
    pub verified_on: Option<Date>,
    /// When an adolescent or adult patient approved it.
    pub patient_approved_on: Option<Date>,
    /// Sections the patient hid from this proxy.
    pub sections_hidden: Vec<Section>,
    /// Guardianship papers or written consent on file.
    pub evidence_on_file: bool,
    /// Last day the evidence on file is valid (guardianship papers with an
    /// end date), if limited: from the day after, the policy reads the
    /// evidence as no longer on file ([`Self::evidence_on_file_on`]).
    #[serde(default)]
    pub evidence_expires_on: Option<Date>,
    /// Last day of access, if limited.
    pub expires_on: Option<Date>,
    /// Day access was revoked, if it was.
    pub revoked_on: Option<Date>,
}

impl ProxyRelationship {
    /// Whether the relationship is in force on `today`: not revoked on or
    /// before today, and not past its `expires_on` date (ACCESS-POLICY.md rule 4,
    /// last bullets).
    pub fn in_force(&self, today: Date) -> bool {
        let revoked = self.revoked_on.is_some_and(|d| d <= today);
        let expired = self.expires_on.is_some_and(|d| today > d);
        !revoked && !expired && self.granted_on <= today
    }

    /// Whether `expires_on` may be recorded on `today` as the last day of the
    /// evidence on file: not before today. Papers that have already run out
    /// are not evidence on file (ACCESS-POLICY.md rule 4): staff leave "on
    /// file" unticked instead of recording a date in the past.
    pub fn evidence_expiry_acceptable(expires_on: Date, today: Date) -> bool {
        expires_on >= today
    }

    /// Whether the evidence (guardianship papers, written consent) counts as on
    /// file on `today`: recorded, and `today` not after `evidence_expires_on`.
    pub fn evidence_on_file_on(&self, today: Date) -> bool {
        self.evidence_on_file && self.evidence_expires_on.is_none_or(|d| today <= d)
    }
}
