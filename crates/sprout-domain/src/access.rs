//! The one access decision every read of patient data goes through.
//!
//! The walking skeleton's rule (issue 2): a staff member sees what their role
//! allows, a patient with an own active account sees their own record, and a
//! proxy sees exactly the patients linked to them by a relationship in force
//! today. The full ACCESS-POLICY.md rules plug in here.

use crate::ids::{AccountId, PatientId};
use crate::people::{AccountStatus, ProxyRelationship, StaffRole};
use crate::record::Section;
use jiff::civil::Date;
use serde::Serialize;

/// Who is asking, as established by a checked session.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// The signed-in account.
    pub account_id: AccountId,
    /// Its status (re-read on every request).
    pub status: AccountStatus,
    /// Staff role, if staff.
    pub staff_role: Option<StaffRole>,
    /// The patient whose own login this is, if any.
    pub own_patient: Option<PatientId>,
}

/// Why a decision came out as it did; stored in audit events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Rule 1: the account is not active.
    AccountNotActive,
    /// Rule 2: staff role allows the section.
    StaffRole,
    /// Rule 2: staff role does not allow the section.
    StaffRoleExcludesSection,
    /// Rule 3: the patient's own record.
    OwnRecord,
    /// Rule 4: a proxy relationship in force.
    ProxyRelationship,
    /// No relationship to this patient in force today.
    NoRelationship,
}

impl Reason {
    /// Code stored in audit events.
    pub fn code(self) -> &'static str {
        match self {
            Self::AccountNotActive => "account-not-active",
            Self::StaffRole => "staff-role",
            Self::StaffRoleExcludesSection => "staff-role-excludes-section",
            Self::OwnRecord => "own-record",
            Self::ProxyRelationship => "proxy-relationship",
            Self::NoRelationship => "no-relationship",
        }
    }
}

/// The outcome for one (actor, patient, section) on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Whether the section may be viewed.
    pub allow: bool,
    /// Why.
    pub reason: Reason,
}

/// Sections a staff role may view (ACCESS-POLICY.md rule 2).
pub fn staff_may_view(role: StaffRole, section: Section) -> bool {
    match role {
        StaffRole::FrontDesk => matches!(
            section,
            Section::Demographics | Section::Appointments | Section::Billing
        ),
        StaffRole::Nurse | StaffRole::Clinician => true,
        StaffRole::Admin => false,
    }
}

/// Decides whether `actor` may view `section` of `patient` on `today`, given the
/// actor's proxy relationships to that patient (`relationships` may hold any
/// number, in force or not).
pub fn decide_view(
    actor: &Actor,
    patient: &PatientId,
    relationships: &[ProxyRelationship],
    section: Section,
    today: Date,
) -> Decision {
    let d = |allow, reason| Decision { allow, reason };
    if actor.status != AccountStatus::Active {
        return d(false, Reason::AccountNotActive);
    }
    if let Some(role) = actor.staff_role {
        return if staff_may_view(role, section) {
            d(true, Reason::StaffRole)
        } else {
            d(false, Reason::StaffRoleExcludesSection)
        };
    }
    if actor.own_patient.as_ref() == Some(patient) {
        return d(true, Reason::OwnRecord);
    }
    let linked = relationships
        .iter()
        .any(|r| &r.patient_id == patient && r.account_id == actor.account_id && r.in_force(today));
    if linked {
        d(true, Reason::ProxyRelationship)
    } else {
        d(false, Reason::NoRelationship)
    }
}
