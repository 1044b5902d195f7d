//! The decision function: ACCESS-POLICY.md's rules 1-5, checked in order, the
//! first that decides deciding, anything not allowed denied.

use crate::age::{age_in_years, date_of_age};
use crate::people::{AccountStatus, RelationshipKind, StaffRole};
use crate::record::{code_enum, Confidentiality, Labels, RecordItem, Section};
use jiff::civil::Date;
use serde::Serialize;

use super::request::{
    Action, Actor, ActorKind, Item, OwnAccount, PatientFacts, ProxyFacts, Relationship, Request,
};
use super::settings::{AdolescentProxy, AdultProxy, Policy};

code_enum!(
    /// A patient's age band on a date (ACCESS-POLICY.md, "Age"). Computed on each
    /// decision from the birth date, never stored.
    AgeBand, "age band", {
        /// Age below `adolescent_age`.
        Child = "child",
        /// `adolescent_age` <= age < `adult_age`.
        Adolescent = "adolescent",
        /// Age at least `adult_age`.
        Adult = "adult",
    }
);

/// The patient's age band on `today`: age in completed years, with a 29 February
/// birthday falling per `policy.leap_day_birthday` (ACCESS-POLICY.md, "Age").
/// A `today` before the birth date counts as age 0.
pub fn band(policy: &Policy, birth_date: Date, today: Date) -> AgeBand {
    let age = age_in_years(birth_date, today, policy.leap_day_birthday);
    if age < i32::from(policy.adolescent_age) {
        AgeBand::Child
    } else if age < i32::from(policy.adult_age) {
        AgeBand::Adolescent
    } else {
        AgeBand::Adult
    }
}

/// The next day after `today` on which the patient's band changes, and the band
/// from that day, for advance notices; `None` once adult.
pub fn next_band_change(policy: &Policy, birth_date: Date, today: Date) -> Option<(Date, AgeBand)> {
    let leap = policy.leap_day_birthday;
    let next = match band(policy, birth_date, today) {
        AgeBand::Child if policy.adolescent_age < policy.adult_age => {
            (i32::from(policy.adolescent_age), AgeBand::Adolescent)
        }
        AgeBand::Child | AgeBand::Adolescent => (i32::from(policy.adult_age), AgeBand::Adult),
        AgeBand::Adult => return None,
    };
    Some((date_of_age(birth_date, next.0, leap), next.1))
}

/// Whether a patient of this birth date may have an own login on `today`
/// (setting `patient_account_min_age`, rule 3).
pub fn may_have_own_account(policy: &Policy, birth_date: Date, today: Date) -> bool {
    age_in_years(birth_date, today, policy.leap_day_birthday)
        >= i32::from(policy.patient_account_min_age)
}

/// The age (completed years) whose birthday is `today`, when it is one of
/// `notify_proxies_of_teen_account_at_ages`: the notice job then tells the
/// patient's proxies that the teen may have an own account.
pub fn teen_account_notice_due(policy: &Policy, birth_date: Date, today: Date) -> Option<u8> {
    let leap = policy.leap_day_birthday;
    policy
        .notify_proxies_of_teen_account_at_ages
        .iter()
        .copied()
        .find(|age| date_of_age(birth_date, i32::from(*age), leap) == today)
}

code_enum!(
    /// The information-blocking exception recorded for an item withheld from
    /// someone entitled to the record (ACCESS-POLICY.md, last section of
    /// "Rules").
    InfoBlockingException, "information-blocking exception", {
        /// 45 CFR 171.202: adolescent confidentiality, the patient's choices, and
        /// preconditions (approval, papers, written consent) not met.
        Privacy = "privacy",
        /// Withholding the preset's statute requires (California Health & Safety
        /// Code §123115(a) for the `california` preset).
        RequiredByLaw = "required-by-law",
    }
);

code_enum!(
    /// Why a decision came out as it did: one stable kebab-case code per rule
    /// outcome, stored in audit events. [`Reason::allows`] says whether it is an
    /// allow or a deny; [`Reason::rule`] names the ACCESS-POLICY.md rule.
    Reason, "reason", {
        /// Rule 1: the actor's account is deactivated or not yet activated.
        AccountNotActive = "account-not-active",
        /// Rule 2 (allow): the staff role covers the section and action.
        StaffRole = "staff-role",
        /// Rule 2 (allow): a restricted item seen by non-clinician staff under
        /// emergency (break-the-glass) access.
        EmergencyAccess = "emergency-access",
        /// Rule 2: the staff role does not cover the section (`front-desk`:
        /// demographics, appointments, billing; `admin`: no record sections).
        StaffRoleExcludesSection = "staff-role-excludes-section",
        /// Rule 2: the staff role does not cover the action (`front-desk`:
        /// appointment, billing, contact; `nurse`, `clinician`: message, refill).
        StaffRoleExcludesAction = "staff-role-excludes-action",
        /// Rule 2: a restricted item, for clinicians only unless emergency access.
        RestrictedNeedsClinician = "restricted-needs-clinician",
        /// Rule 3 (allow): the patient's own record.
        OwnRecord = "own-record",
        /// Rule 3: the patient has no active own account.
        NoOwnAccount = "no-own-account",
        /// Rule 3: the patient is younger than `patient_account_min_age`.
        BelowAccountAge = "below-account-age",
        /// Rule 4: the actor has no relationship to this patient.
        NoRelationship = "no-relationship",
        /// Rule 4: the relationship was revoked on or before today.
        RelationshipRevoked = "relationship-revoked",
        /// Rule 4: today is after the relationship's `expires_on`.
        RelationshipExpired = "relationship-expired",
        /// Rule 4: the relationship is granted from a later day.
        RelationshipNotYetGranted = "relationship-not-yet-granted",
        /// Rule 4: neither verified by staff nor granted while the patient was a
        /// child.
        RelationshipNotVerified = "relationship-not-verified",
        /// Rule 4 (allow): parent or guardian of a child.
        ChildParent = "child-parent",
        /// Rule 4 (allow): parent or guardian of an adolescent, approved by the
        /// patient (`adolescent_proxy = patient-approval`).
        AdolescentApproved = "adolescent-approved",
        /// Rule 4: the adolescent has not approved this proxy.
        AdolescentNotApproved = "adolescent-not-approved",
        /// Rule 4: the approval was recorded before the patient was adolescent.
        ApprovalBeforeAdolescence = "approval-before-adolescence",
        /// Rule 4: the patient hid this section from this proxy.
        SectionHiddenByPatient = "section-hidden-by-patient",
        /// Rule 4 (allow): parent or guardian of an adolescent under
        /// `adolescent_proxy = limited`, in `limited_sections`.
        AdolescentLimited = "adolescent-limited",
        /// Rule 4: under `limited`, the section is not in `limited_sections`.
        AdolescentLimitedSection = "adolescent-limited-section",
        /// Rule 4: an item with a sensitivity category, hidden from every proxy
        /// of an adolescent (California Health & Safety Code §123115(a); HIPAA
        /// 45 CFR 164.502(g)(3)).
        AdolescentSensitiveItem = "adolescent-sensitive-item",
        /// Rule 4: an item with confidentiality `restricted`, hidden from every
        /// proxy.
        RestrictedItem = "restricted-item",
        /// Rule 4: a message thread the patient wrote or was party to without the
        /// proxy, hidden from every proxy of an adolescent (and designees).
        PatientOnlyThread = "patient-only-thread",
        /// Rule 4: a parent or legal guardian of an adult has no access.
        AdultParentNoAccess = "adult-parent-no-access",
        /// Rule 4 (allow): court-appointed guardian of an adult, papers on file.
        CourtAppointedGuardian = "court-appointed-guardian",
        /// Rule 4: court-appointed guardian of an adult without papers on file.
        GuardianshipPapersMissing = "guardianship-papers-missing",
        /// Rule 4 (allow): an adult's designee with written consent on file.
        Designee = "designee",
        /// Rule 4: a designee without the patient's written consent on file.
        WrittenConsentMissing = "written-consent-missing",
        /// Rules 4 and 5: `adult_proxy = court-appointed-guardian-only` admits no
        /// designee.
        DesigneeNotAllowed = "designee-not-allowed",
        /// Rule 4: an item with a sensitivity category, hidden from an adult's
        /// designee (who views as an approved adolescent proxy would).
        DesigneeSensitiveItem = "designee-sensitive-item",
        /// Rule 4: an action other than view that `proxy_actions` does not list.
        ProxyActionNotAllowed = "proxy-action-not-allowed",
        /// Rules 4 and 5: the relationship kind does not fit the patient's band
        /// (`designee` for a minor; `parent` or `legal-guardian` for an adult).
        KindDoesNotFitBand = "kind-does-not-fit-band",
        /// Rule 5: granting would make more than `max_proxies` proxies with access.
        ProxyLimitReached = "proxy-limit-reached",
        /// Rule 5: the proxy's email equals the patient's (trimmed, case-folded).
        SameEmailAsPatient = "same-email-as-patient",
        /// Rule 5: a `grant-proxy` request whose actor is not the proposed proxy.
        GrantNeedsProxy = "grant-needs-proxy",
        /// Rule 5 (allow): the relationship may be granted.
        GrantAllowed = "grant-allowed",
        /// Default deny: a `view` that names no section.
        SectionRequired = "section-required",
        /// A message thread the actor (not staff) did not start or write in:
        /// threads are visible to their participants and the care team only
        /// (issue 5; `messaging::thread_access`).
        NotThreadParticipant = "not-thread-participant",
    }
);

impl Reason {
    /// Whether this reason allows the request (every other reason denies).
    pub fn allows(self) -> bool {
        matches!(
            self,
            Self::StaffRole
                | Self::EmergencyAccess
                | Self::OwnRecord
                | Self::ChildParent
                | Self::AdolescentApproved
                | Self::AdolescentLimited
                | Self::CourtAppointedGuardian
                | Self::Designee
                | Self::GrantAllowed
        )
    }

    /// The ACCESS-POLICY.md rule (1-5) that gives this reason; `None` for
    /// [`Reason::SectionRequired`] (no rule allows it: default deny). Reasons
    /// shared by rules 4 and 5 report the rule that names them.
    pub fn rule(self) -> Option<u8> {
        use Reason::*;
        Some(match self {
            AccountNotActive => 1,
            StaffRole
            | EmergencyAccess
            | StaffRoleExcludesSection
            | StaffRoleExcludesAction
            | RestrictedNeedsClinician => 2,
            OwnRecord | NoOwnAccount | BelowAccountAge => 3,
            KindDoesNotFitBand | ProxyLimitReached | SameEmailAsPatient | GrantNeedsProxy
            | GrantAllowed => 5,
            SectionRequired => return None,
            _ => 4,
        })
    }

    /// The information-blocking exception for an item or section withheld for
    /// this reason from a proxy acting for the patient.
    ///
    /// - `required-by-law` for [`Reason::AdolescentSensitiveItem`] when the
    ///   policy's preset cites a statute ([`Policy::minor_consent_statute`]:
    ///   California Health & Safety Code §123115(a));
    /// - `privacy` for the other adolescent-confidentiality rules (sensitive
    ///   items under a preset citing no statute, restricted items, patient-only
    ///   threads), the patient's choices (hidden sections, approval missing or
    ///   given too early, limited sections) and unmet preconditions (adult
    ///   patients' parents, missing papers or written consent);
    /// - `None` for allows, staff and account rules, expired or revoked
    ///   relationships, actions and grant refusals, which withhold nothing the
    ///   actor is entitled to.
    pub fn exception(self, policy: &Policy) -> Option<InfoBlockingException> {
        use Reason::*;
        match self {
            AdolescentSensitiveItem if policy.minor_consent_statute().is_some() => {
                Some(InfoBlockingException::RequiredByLaw)
            }
            AdolescentSensitiveItem
            | RestrictedItem
            | PatientOnlyThread
            | SectionHiddenByPatient
            | AdolescentNotApproved
            | ApprovalBeforeAdolescence
            | AdolescentLimitedSection
            | DesigneeSensitiveItem
            | AdultParentNoAccess
            | GuardianshipPapersMissing
            | WrittenConsentMissing
            | DesigneeNotAllowed => Some(InfoBlockingException::Privacy),
            _ => None,
        }
    }
}

/// The outcome of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Whether the request is allowed.
    pub allow: bool,
    /// Why (always given, allow or deny).
    pub reason: Reason,
    /// For a withheld item or section, the information-blocking exception
    /// ([`Reason::exception`]).
    pub exception: Option<InfoBlockingException>,
}

impl Decision {
    fn of(policy: &Policy, reason: Reason) -> Self {
        Self {
            allow: reason.allows(),
            reason,
            exception: if reason.allows() {
                None
            } else {
                reason.exception(policy)
            },
        }
    }
}

/// An item's labels, borrowed, as the rules read them.
#[derive(Debug, Clone, Copy)]
struct ItemRef<'a> {
    labels: &'a Labels,
    patient_only_thread: bool,
}

/// Decides `request` on `today` under `policy`: ACCESS-POLICY.md rules 1-5 in
/// order, the first that decides wins, default deny. Pure: no clock, no I/O.
///
/// 1. An actor account that is not active is denied everything.
/// 2. Staff follow their role ([`staff_may_view`], [`staff_may_do`]);
///    `restricted` items need a clinician or emergency access.
/// 3. The patient, with an active own account and at least
///    `patient_account_min_age`, may do everything on their own record.
/// 4. A proxy, by the patient's [`band`] on `today`: revoked (from
///    `revoked_on`), expired (after `expires_on`) or not-yet-granted
///    relationships give nothing; a child's parent or guardian (verified, or
///    granted while the patient was a child) sees all but `restricted` items; an
///    adolescent's needs the patient's approval dated on or after the
///    adolescent birthday (`patient-approval`) or sees `limited_sections` only
///    (`limited`), never sensitive, `restricted` or patient-only items
///    (California Health & Safety Code §123115(a), HIPAA 45 CFR
///    164.502(g)(3)), and never sections the patient hid; an adult's parent
///    gets nothing, a court-appointed guardian with papers sees as a child's
///    parent, a designee with written consent (where `adult_proxy` allows)
///    sees as an approved adolescent proxy. Actions other than view need
///    `proxy_actions` and view access to the section concerned.
/// 5. `grant-proxy` (the actor being the proposed proxy) is refused over
///    `max_proxies`, for the patient's own email, or for a kind that does not
///    fit the band.
///
/// A `view` naming no section is denied ([`Reason::SectionRequired`]); use
/// [`visible_sections`] to ask which sections an actor may open.
///
/// Every channel (pages, API, exports, notifications, counts) and the scenario
/// runner call this function or [`filter_items`]/[`visible_sections`], which
/// call the same rules.
pub fn decide(policy: &Policy, request: &Request, today: Date) -> Decision {
    let item = request.item.as_ref().map(|i| ItemRef {
        labels: &i.labels,
        patient_only_thread: i.patient_only_thread,
    });
    evaluate(
        policy,
        &request.actor,
        &request.patient,
        request.action,
        request.section,
        item,
        today,
    )
}

fn evaluate(
    policy: &Policy,
    actor: &Actor,
    patient: &PatientFacts,
    action: Action,
    section: Option<Section>,
    item: Option<ItemRef<'_>>,
    today: Date,
) -> Decision {
    let reason =
        rules(policy, actor, patient, action, section, item, today).unwrap_or_else(|deny| deny);
    Decision::of(policy, reason)
}

/// `Ok(allow reason)` or `Err(deny reason)`, so `?` stops at the first rule
/// that denies.
fn rules(
    policy: &Policy,
    actor: &Actor,
    patient: &PatientFacts,
    action: Action,
    section: Option<Section>,
    item: Option<ItemRef<'_>>,
    today: Date,
) -> Result<Reason, Reason> {
    // Rule 1. Dead accounts.
    if actor.account != AccountStatus::Active {
        return Err(Reason::AccountNotActive);
    }
    // Rule 5 concerns the proposed relationship, whose proxy is the actor;
    // rules 2-4 (what an actor may see and do) do not apply to it.
    if action == Action::GrantProxy {
        return match &actor.kind {
            ActorKind::Proxy(p) => grant(policy, p, patient, today),
            _ => Err(Reason::GrantNeedsProxy),
        };
    }
    match &actor.kind {
        ActorKind::Staff {
            role,
            emergency_access,
        } => staff(*role, *emergency_access, action, section, item),
        ActorKind::Patient => own_record(policy, patient, action, section, today),
        ActorKind::Proxy(p) => proxy(policy, p, patient, action, section, item, today),
    }
}

/// The sections a request concerns: the section an action other than view is
/// about (rule 4, last bullet), and the section the request names if another.
fn sections_concerned(
    action: Action,
    section: Option<Section>,
) -> Result<[Option<Section>; 2], Reason> {
    match (action.section(), section) {
        (None, None) => Err(Reason::SectionRequired),
        (None, Some(s)) => Ok([Some(s), None]),
        (Some(a), Some(s)) if s != a => Ok([Some(a), Some(s)]),
        (Some(a), _) => Ok([Some(a), None]),
    }
}

/// Sections a staff role may view (ACCESS-POLICY.md rule 2): `front-desk`
/// demographics, appointments, billing; `nurse` and `clinician` all; `admin`
/// none (configuration and audit are not record sections).
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

/// Actions a staff role may take on a record (rule 2): `front-desk`
/// appointments, billing and contact details (enrollment); `nurse` and
/// `clinician` messages and refills; everyone with a section may view it.
pub fn staff_may_do(role: StaffRole, action: Action) -> bool {
    match action {
        Action::View => role != StaffRole::Admin,
        Action::Appointment | Action::Billing | Action::Contact => role == StaffRole::FrontDesk,
        Action::Message | Action::Refill => {
            matches!(role, StaffRole::Nurse | StaffRole::Clinician)
        }
        Action::GrantProxy => false,
    }
}

/// Rule 2. Staff.
fn staff(
    role: StaffRole,
    emergency_access: bool,
    action: Action,
    section: Option<Section>,
    item: Option<ItemRef<'_>>,
) -> Result<Reason, Reason> {
    let sections = sections_concerned(action, section)?;
    if sections.iter().flatten().any(|s| !staff_may_view(role, *s)) {
        return Err(Reason::StaffRoleExcludesSection);
    }
    if !staff_may_do(role, action) {
        return Err(Reason::StaffRoleExcludesAction);
    }
    let restricted = item.is_some_and(|i| i.labels.confidentiality == Confidentiality::Restricted);
    match (restricted, role, emergency_access) {
        (false, _, _) | (true, StaffRole::Clinician, _) => Ok(Reason::StaffRole),
        (true, _, true) => Ok(Reason::EmergencyAccess),
        (true, _, false) => Err(Reason::RestrictedNeedsClinician),
    }
}

/// Rule 3. The patient with an active own account, old enough to have one,
/// views every section and does every action on their own record.
fn own_record(
    policy: &Policy,
    patient: &PatientFacts,
    action: Action,
    section: Option<Section>,
    today: Date,
) -> Result<Reason, Reason> {
    if patient.account != OwnAccount::Active {
        return Err(Reason::NoOwnAccount);
    }
    if !may_have_own_account(policy, patient.birth_date, today) {
        return Err(Reason::BelowAccountAge);
    }
    sections_concerned(action, section)?;
    Ok(Reason::OwnRecord)
}

/// Which sections a proxy sees.
#[derive(Debug, Clone, Copy)]
enum SectionScope<'a> {
    /// Every section.
    All,
    /// Every section but those the patient hid.
    AllBut(&'a [Section]),
    /// `limited_sections`, but those the patient hid.
    Only {
        list: &'a [Section],
        hidden: &'a [Section],
    },
}

/// Which items of a visible section a proxy sees.
#[derive(Debug, Clone, Copy)]
enum ItemScope {
    /// All but `restricted` ones (a parent of a child, an adult's guardian).
    AllButRestricted,
    /// No sensitivity category (denied with the given reason), no `restricted`,
    /// no patient-only thread (proxies of adolescents, designees).
    Confidential { sensitive: Reason },
}

#[derive(Debug, Clone, Copy)]
struct ProxyScope<'a> {
    allow: Reason,
    sections: SectionScope<'a>,
    items: ItemScope,
}

impl ProxyScope<'_> {
    fn section(&self, s: Section) -> Result<(), Reason> {
        match self.sections {
            SectionScope::All => Ok(()),
            SectionScope::AllBut(hidden) if hidden.contains(&s) => {
                Err(Reason::SectionHiddenByPatient)
            }
            SectionScope::AllBut(_) => Ok(()),
            SectionScope::Only { list, .. } if !list.contains(&s) => {
                Err(Reason::AdolescentLimitedSection)
            }
            SectionScope::Only { hidden, .. } if hidden.contains(&s) => {
                Err(Reason::SectionHiddenByPatient)
            }
            SectionScope::Only { .. } => Ok(()),
        }
    }

    fn item(&self, item: ItemRef<'_>) -> Result<(), Reason> {
        let restricted = item.labels.confidentiality == Confidentiality::Restricted;
        match self.items {
            ItemScope::AllButRestricted if restricted => Err(Reason::RestrictedItem),
            ItemScope::AllButRestricted => Ok(()),
            ItemScope::Confidential { sensitive } => {
                if !item.labels.sensitivity.is_empty() {
                    Err(sensitive)
                } else if restricted {
                    Err(Reason::RestrictedItem)
                } else if item.patient_only_thread {
                    Err(Reason::PatientOnlyThread)
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Rule 4. Proxies.
fn proxy(
    policy: &Policy,
    p: &ProxyFacts,
    patient: &PatientFacts,
    action: Action,
    section: Option<Section>,
    item: Option<ItemRef<'_>>,
    today: Date,
) -> Result<Reason, Reason> {
    let rel = p.relationship.as_ref().ok_or(Reason::NoRelationship)?;
    let scope = proxy_scope(policy, rel, patient, today)?;
    if action != Action::View && !policy.proxy_actions.contains(&action) {
        return Err(Reason::ProxyActionNotAllowed);
    }
    for s in sections_concerned(action, section)?.into_iter().flatten() {
        scope.section(s)?;
    }
    if let Some(item) = item {
        scope.item(item)?;
    }
    Ok(scope.allow)
}

/// What a relationship gives on `today`, by the patient's band (rule 4).
fn proxy_scope<'a>(
    policy: &'a Policy,
    rel: &'a Relationship,
    patient: &PatientFacts,
    today: Date,
) -> Result<ProxyScope<'a>, Reason> {
    // "A relationship that was revoked, or whose expires_on date has passed
    // (today is after it), gives nothing from that day on."
    if rel.revoked_on.is_some_and(|d| d <= today) {
        return Err(Reason::RelationshipRevoked);
    }
    if rel.expires_on.is_some_and(|d| today > d) {
        return Err(Reason::RelationshipExpired);
    }
    if rel.granted_on > today {
        return Err(Reason::RelationshipNotYetGranted);
    }
    let birth = patient.birth_date;
    let band_today = band(policy, birth, today);
    // "For a minor, a court-appointed-guardian counts as a legal-guardian."
    let kind = match (band_today, rel.kind) {
        (AgeBand::Child | AgeBand::Adolescent, RelationshipKind::CourtAppointedGuardian) => {
            RelationshipKind::LegalGuardian
        }
        (_, k) => k,
    };
    // Active: verified by staff, or approved automatically because the patient
    // was a child when it was granted.
    let active = rel.verified || band(policy, birth, rel.granted_on) == AgeBand::Child;
    let hidden = rel.sections_hidden.as_slice();
    let confidential = |sensitive| ItemScope::Confidential { sensitive };
    use RelationshipKind as K;
    match (band_today, kind) {
        (AgeBand::Child | AgeBand::Adolescent, K::Designee) => Err(Reason::KindDoesNotFitBand),
        (AgeBand::Child, _) => {
            if !active {
                return Err(Reason::RelationshipNotVerified);
            }
            Ok(ProxyScope {
                allow: Reason::ChildParent,
                sections: SectionScope::All,
                items: ItemScope::AllButRestricted,
            })
        }
        (AgeBand::Adolescent, _) => match policy.adolescent_proxy {
            AdolescentProxy::PatientApproval => match rel.patient_approved_on {
                None => Err(Reason::AdolescentNotApproved),
                Some(d) if d > today => Err(Reason::AdolescentNotApproved),
                Some(d) if band(policy, birth, d) == AgeBand::Child => {
                    Err(Reason::ApprovalBeforeAdolescence)
                }
                Some(_) => Ok(ProxyScope {
                    allow: Reason::AdolescentApproved,
                    sections: SectionScope::AllBut(hidden),
                    items: confidential(Reason::AdolescentSensitiveItem),
                }),
            },
            AdolescentProxy::Limited => {
                if !active {
                    return Err(Reason::RelationshipNotVerified);
                }
                Ok(ProxyScope {
                    allow: Reason::AdolescentLimited,
                    sections: SectionScope::Only {
                        list: &policy.limited_sections,
                        hidden,
                    },
                    items: confidential(Reason::AdolescentSensitiveItem),
                })
            }
        },
        (AgeBand::Adult, K::Parent | K::LegalGuardian) => Err(Reason::AdultParentNoAccess),
        (AgeBand::Adult, K::CourtAppointedGuardian) => {
            if !rel.evidence_on_file {
                return Err(Reason::GuardianshipPapersMissing);
            }
            Ok(ProxyScope {
                allow: Reason::CourtAppointedGuardian,
                sections: SectionScope::All,
                items: ItemScope::AllButRestricted,
            })
        }
        (AgeBand::Adult, K::Designee) => match policy.adult_proxy {
            AdultProxy::CourtAppointedGuardianOnly => Err(Reason::DesigneeNotAllowed),
            AdultProxy::DesigneeWithWrittenConsent if !rel.evidence_on_file => {
                Err(Reason::WrittenConsentMissing)
            }
            AdultProxy::DesigneeWithWrittenConsent => Ok(ProxyScope {
                allow: Reason::Designee,
                sections: SectionScope::AllBut(hidden),
                items: confidential(Reason::DesigneeSensitiveItem),
            }),
        },
    }
}

/// Rule 5. Granting a proxy: refused when it would make more than
/// `max_proxies` proxies with access, when the proxy's email equals the
/// patient's (trimmed, case-insensitive), or when the kind does not fit the
/// band. A designee of an adult is also refused where `adult_proxy =
/// court-appointed-guardian-only`, since it could never give access.
fn grant(
    policy: &Policy,
    p: &ProxyFacts,
    patient: &PatientFacts,
    today: Date,
) -> Result<Reason, Reason> {
    let rel = p.relationship.as_ref().ok_or(Reason::NoRelationship)?;
    if policy.max_proxies > 0 && p.other_proxies_with_access.saturating_add(1) > policy.max_proxies
    {
        return Err(Reason::ProxyLimitReached);
    }
    if let (Some(a), Some(b)) = (&p.email, &patient.email) {
        if same_email(a, b) {
            return Err(Reason::SameEmailAsPatient);
        }
    }
    use RelationshipKind as K;
    match (band(policy, patient.birth_date, today), rel.kind) {
        (AgeBand::Child | AgeBand::Adolescent, K::Designee) => Err(Reason::KindDoesNotFitBand),
        (AgeBand::Adult, K::Parent | K::LegalGuardian) => Err(Reason::KindDoesNotFitBand),
        (AgeBand::Adult, K::Designee)
            if policy.adult_proxy == AdultProxy::CourtAppointedGuardianOnly =>
        {
            Err(Reason::DesigneeNotAllowed)
        }
        _ => Ok(Reason::GrantAllowed),
    }
}

/// Emails compared as rule 5 says: trimmed, case-insensitively.
fn same_email(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

/// A record entry the policy can judge: its section and labels.
pub trait PolicyItem {
    /// The section the item belongs to.
    fn section(&self) -> Section;
    /// Its confidentiality and sensitivity categories.
    fn labels(&self) -> &Labels;
    /// Whether it is a message thread the patient wrote or was party to without
    /// the proxy (rule 4); `false` for anything but message threads.
    fn patient_only_thread(&self) -> bool {
        false
    }
}

impl PolicyItem for RecordItem {
    fn section(&self) -> Section {
        RecordItem::section(self)
    }
    fn labels(&self) -> &Labels {
        &self.meta().labels
    }
}

impl PolicyItem for (Section, Labels) {
    fn section(&self) -> Section {
        self.0
    }
    fn labels(&self) -> &Labels {
        &self.1
    }
}

impl PolicyItem for (Section, Item) {
    fn section(&self) -> Section {
        self.0
    }
    fn labels(&self) -> &Labels {
        &self.1.labels
    }
    fn patient_only_thread(&self) -> bool {
        self.1.patient_only_thread
    }
}

impl<T: PolicyItem + ?Sized> PolicyItem for &T {
    fn section(&self) -> Section {
        (**self).section()
    }
    fn labels(&self) -> &Labels {
        (**self).labels()
    }
    fn patient_only_thread(&self) -> bool {
        (**self).patient_only_thread()
    }
}

/// An item kept out of a view, with the decision that withheld it (reason and
/// information-blocking exception, for the audit).
#[derive(Debug, Clone, PartialEq)]
pub struct Withheld<T> {
    /// The item.
    pub item: T,
    /// The deny decision.
    pub decision: Decision,
}

/// The items of a view split by the policy, each list in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Filtered<T> {
    /// Items the actor may view.
    pub kept: Vec<T>,
    /// Items withheld, with why.
    pub withheld: Vec<Withheld<T>>,
}

/// Splits `items` into those `actor` may view on `today` and those withheld,
/// deciding each as a `view` of its section and labels with [`decide`]'s rules.
pub fn filter_items<T: PolicyItem>(
    policy: &Policy,
    actor: &Actor,
    patient: &PatientFacts,
    today: Date,
    items: impl IntoIterator<Item = T>,
) -> Filtered<T> {
    let mut out = Filtered {
        kept: Vec::new(),
        withheld: Vec::new(),
    };
    for item in items {
        let decision = evaluate(
            policy,
            actor,
            patient,
            Action::View,
            Some(item.section()),
            Some(ItemRef {
                labels: item.labels(),
                patient_only_thread: item.patient_only_thread(),
            }),
            today,
        );
        if decision.allow {
            out.kept.push(item);
        } else {
            out.withheld.push(Withheld { item, decision });
        }
    }
    out
}

/// The sections `actor` may view of the patient's record on `today` (a `view`
/// of each section as a whole). Empty means the record is not theirs to know
/// about: the server answers 404.
pub fn visible_sections(
    policy: &Policy,
    actor: &Actor,
    patient: &PatientFacts,
    today: Date,
) -> Vec<Section> {
    Section::ALL
        .iter()
        .copied()
        .filter(|s| evaluate(policy, actor, patient, Action::View, Some(*s), None, today).allow)
        .collect()
}
