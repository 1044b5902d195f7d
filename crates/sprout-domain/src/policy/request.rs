//! What a decision is asked about: who asks, for which patient, to do what, with
//! which part of the record (ACCESS-POLICY.md, "Rules": a request is actor,
//! patient, action, section, item, today).

use crate::people::{AccountStatus, RelationshipKind, StaffRole};
use crate::record::{code_enum, Confidentiality, Labels, Section, Sensitivity};
use jiff::civil::Date;

code_enum!(
    /// What the actor wants to do (ACCESS-POLICY.md rule 4, last bullet, and
    /// rule 5).
    Action, "action", {
        /// Read a section or item.
        View = "view",
        /// Send a message to the care team (section `messages`).
        Message = "message",
        /// Request a refill (section `medications`).
        Refill = "refill",
        /// Request, cancel or confirm an appointment (section `appointments`).
        Appointment = "appointment",
        /// Pay a bill (section `billing`).
        Billing = "billing",
        /// Update contact details (section `demographics`).
        Contact = "contact",
        /// Create a proxy relationship; the request's actor is the proposed proxy
        /// (rule 5).
        GrantProxy = "grant-proxy",
    }
);

impl Action {
    /// The section an action other than view concerns: the actor needs view
    /// access to it (rule 4, last bullet). `None` for `view` (the request names
    /// the section) and `grant-proxy` (about the relationship, not a section).
    pub fn section(self) -> Option<Section> {
        match self {
            Self::View | Self::GrantProxy => None,
            Self::Message => Some(Section::Messages),
            Self::Refill => Some(Section::Medications),
            Self::Appointment => Some(Section::Appointments),
            Self::Billing => Some(Section::Billing),
            Self::Contact => Some(Section::Demographics),
        }
    }

    /// Whether the action may appear in the `proxy_actions` setting (every action
    /// but `view`, which every proxy with access has, and `grant-proxy`).
    pub fn is_proxy_action(self) -> bool {
        !matches!(self, Self::View | Self::GrantProxy)
    }
}

code_enum!(
    /// The patient's own login (ACCESS-POLICY.md, scenario field `patient.account`).
    OwnAccount, "patient account", {
        /// The patient has no login.
        None = "none",
        /// The patient's login is active.
        Active = "active",
        /// The patient's login was switched off (or not yet activated).
        Deactivated = "deactivated",
    }
);

/// The patient whose record is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    /// Birth date; age bands are computed from it on each decision.
    pub birth_date: Date,
    /// The patient's own login.
    pub account: OwnAccount,
    /// The patient's sign-in or contact email, if known (compared by rule 5).
    pub email: Option<String>,
}

/// A proxy relationship as the policy reads it (FHIR RelatedPerson). Dates are
/// civil dates in the practice's time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// Parent, legal guardian, court-appointed guardian or designee.
    pub kind: RelationshipKind,
    /// The day access was granted.
    pub granted_on: Date,
    /// Whether staff verified the relationship. A parent or guardian granted
    /// while the patient was a child counts as verified automatically (rule 4).
    pub verified: bool,
    /// The day the adolescent (or adult) patient approved this proxy, if they did.
    pub patient_approved_on: Option<Date>,
    /// Sections the patient hid from this proxy.
    pub sections_hidden: Vec<Section>,
    /// Guardianship papers (court-appointed guardian) or the patient's written
    /// consent (designee) on file.
    pub evidence_on_file: bool,
    /// Last day of access, if limited: access ends the day after.
    pub expires_on: Option<Date>,
    /// The day access was revoked: no access from that day on.
    pub revoked_on: Option<Date>,
}

/// A proxy actor: the account acting for the patient (or, for `grant-proxy`, the
/// account proposed as proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyFacts {
    /// The relationship to this patient, if any (`None`: a stranger).
    pub relationship: Option<Relationship>,
    /// How many other proxies have access to the patient today (rule 5).
    pub other_proxies_with_access: u32,
    /// The proxy's email, if known (compared by rule 5).
    pub email: Option<String>,
}

/// What kind of actor asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// The patient, through their own login.
    Patient,
    /// Someone acting for the patient (FHIR RelatedPerson).
    Proxy(ProxyFacts),
    /// Practice staff.
    Staff {
        /// The staff member's role.
        role: StaffRole,
        /// Break-the-glass access in force (a stated reason, time-limited,
        /// audited): lets non-clinicians see restricted items of the sections
        /// their role allows.
        emergency_access: bool,
    },
}

/// Who asks: their account's status (re-read on every request) and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Status of the actor's account (rule 1).
    pub account: AccountStatus,
    /// Patient, proxy or staff, with what each needs.
    pub kind: ActorKind,
}

/// An item's access labels as the policy reads them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Item {
    /// Confidentiality and sensitivity categories.
    pub labels: Labels,
    /// A message thread the patient wrote or was party to without the proxy
    /// (hidden from every proxy of an adolescent, rule 4).
    pub patient_only_thread: bool,
}

impl Item {
    /// An item with these labels that is not a patient-only thread.
    pub fn new(confidentiality: Confidentiality, sensitivity: Vec<Sensitivity>) -> Self {
        Self {
            labels: Labels {
                confidentiality,
                sensitivity,
            },
            patient_only_thread: false,
        }
    }
}

impl From<Labels> for Item {
    fn from(labels: Labels) -> Self {
        Self {
            labels,
            patient_only_thread: false,
        }
    }
}

/// One question for [`super::decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Who asks.
    pub actor: Actor,
    /// Whose record.
    pub patient: PatientFacts,
    /// What they want to do.
    pub action: Action,
    /// The section concerned; required for `view`, optional for other actions
    /// (which concern [`Action::section`] in any case), unused by `grant-proxy`.
    pub section: Option<Section>,
    /// The item concerned, if one; `None` asks about the section as a whole.
    pub item: Option<Item>,
}
