//! The one read path of patient data (DESIGN.md, "Architecture": reads of
//! patient data go through one path that asks the access policy).
//!
//! A page gets a patient's data only from [`view`] (and a patient's proxies
//! only after [`open`]): the id is parsed, the stored facts are loaded (the
//! patient, the patient's own login, the signed-in account's relationships),
//! and the access policy ([`sprout_domain::policy`]) is asked, with `today`
//! from the injected clock, which sections the user may view
//! ([`policy::visible_sections`]) and, item by item, what of them
//! ([`policy::filter_items`]). Facts are read on every request, so a
//! revocation, an expiry or a birthday changes the very next request of an
//! existing session.
//!
//! Whatever is withheld leaves no trace: it is not listed, counted, linked or
//! offered in the switcher, and a patient the user may see nothing of today is
//! the same [`WebError::NotFound`] as an unknown or malformed id. What the
//! policy withheld is written, with the reason and the information-blocking
//! exception of each decision, into the request's one audit event (item ids and
//! codes only, never health data).

use crate::access_cache::Family;
use crate::audit::{self, Entry, Outcome};
use crate::context::{Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::AppState;
use jiff::civil::Date;
use serde::Serialize;
use sprout_domain::access;
use sprout_domain::people::{ProxyRelationship, StaffRole};
use sprout_domain::policy::{
    self, Action, AgeBand, Decision, Item, PatientFacts, Policy, PolicyItem, Request,
};
use sprout_domain::record::{
    AllergyIntolerance, Condition, Confidentiality, Encounter, Immunization, ItemMeta, Labels,
    MedicationRequest, Observation, ObservationCategory, Patient, Section, Sensitivity,
};
use sprout_domain::release::{self as release_rules, Availability, ReleaseCategory, ResultHold};
use sprout_domain::results::{DiagnosticReport, DocumentReference, Releasable};
use sprout_domain::ItemId;
use sprout_domain::PatientId;
use sprout_store::ItemCounts;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a request wants of a patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The summary: counts of every section the user may view.
    Summary,
    /// One section's list.
    Section(Section),
    /// The vitals the growth charts plot (weights, lengths and heights,
    /// head circumferences, BMIs: [`crate::growth::GROWTH_LOINC`]), decided
    /// and audited as the vitals section.
    Growth,
    /// The patient's proxies (the patient's own, or staff's view).
    Proxies,
    /// Who saw the patient's record (the patient themself only).
    AccessLog,
    /// Laboratory results grouped by report, and other diagnostic reports.
    Results,
    /// Clinical notes, visit summaries and other documents.
    Documents,
}

impl Want {
    /// The audit event's object type.
    fn object_type(self) -> &'static str {
        match self {
            Self::Summary => "summary",
            Self::Section(s) => s.code(),
            Self::Growth => Section::Vitals.code(),
            Self::Proxies => "proxies",
            Self::AccessLog => "access-log",
            Self::Results => "lab-results",
            Self::Documents => "documents",
        }
    }
}

/// The sections with a list page, in the order the summary counts them.
pub(crate) const LIST_SECTIONS: [Section; 8] = [
    Section::Vitals,
    Section::Immunizations,
    Section::Medications,
    Section::Allergies,
    Section::Problems,
    Section::VisitSummaries,
    Section::LabResults,
    Section::ClinicalNotes,
];

/// The sections whose items the documents page lists (each document in the
/// section of its kind).
pub(crate) const DOCUMENT_SECTIONS: [Section; 3] = [
    Section::ClinicalNotes,
    Section::VisitSummaries,
    Section::Documents,
];

/// How the signed-in user may see a patient's proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sharing {
    /// The patient themself (adolescent or adult, own login): approve, reject,
    /// hide sections, revoke.
    Patient,
    /// Staff: front desk may change (`manage`), nurses and clinicians look.
    Staff { manage: bool },
}

/// The policy's questions for one actor, one patient, one day.
#[derive(Debug, Clone)]
pub(crate) struct Scope<'a> {
    policy: &'a Policy,
    actor: policy::Actor,
    facts: PatientFacts,
    today: Date,
}

impl<'a> Scope<'a> {
    /// The scope of `actor` (built from the session) for a patient.
    pub fn new(
        policy: &'a Policy,
        actor: &access::Actor,
        patient: &PatientId,
        facts: PatientFacts,
        relationships: &[ProxyRelationship],
        today: Date,
    ) -> Self {
        let actor = access::actor_for(policy, actor, patient, &facts, relationships, today);
        Self {
            policy,
            actor,
            facts,
            today,
        }
    }

    /// The decision to view `section` as a whole.
    pub fn section(&self, section: Section) -> Decision {
        policy::decide(
            self.policy,
            &Request {
                actor: self.actor.clone(),
                patient: self.facts.clone(),
                action: Action::View,
                section: Some(section),
                item: None,
            },
            self.today,
        )
    }

    /// The decision to take `action` (other than view) for the patient
    /// (ACCESS-POLICY.md rule 4, last bullet: the action in `proxy_actions`
    /// and view access to its section; rule 2 for staff).
    pub fn action(&self, action: Action) -> Decision {
        policy::decide(
            self.policy,
            &Request {
                actor: self.actor.clone(),
                patient: self.facts.clone(),
                action,
                section: action.section(),
                item: None,
            },
            self.today,
        )
    }

    /// The sections the actor may view.
    pub fn sections(&self) -> Vec<Section> {
        policy::visible_sections(self.policy, &self.actor, &self.facts, self.today)
    }

    /// The patient's age band today.
    pub fn band(&self) -> AgeBand {
        policy::band(self.policy, self.facts.birth_date, self.today)
    }

    /// The patient's facts.
    pub fn facts(&self) -> &PatientFacts {
        &self.facts
    }

    /// The decision to read one of the patient's message threads:
    /// [`sprout_domain::messaging::thread_access`] (the policy's view of the
    /// `messages` section for the thread, and participants only besides
    /// staff). `participant`: the signed-in account started the thread.
    pub fn thread(&self, participant: bool) -> Decision {
        sprout_domain::messaging::thread_access(
            self.policy,
            &self.actor,
            &self.facts,
            participant,
            self.today,
        )
    }

    /// The decision to send a message about the patient (start a thread or
    /// reply): [`sprout_domain::messaging::send_access`].
    pub fn send(&self) -> Decision {
        sprout_domain::messaging::send_access(self.policy, &self.actor, &self.facts, self.today)
    }

    /// Whether the policy could withhold any item of `section` from this
    /// actor: asked for an item with every label (restricted, every
    /// sensitivity category, a thread without the proxy). The rules only ever
    /// withhold more as labels are added, so when even that item is allowed
    /// every item is, and the store's counts are exact.
    fn may_withhold_any(&self, section: Section) -> bool {
        let probe = Item {
            labels: Labels {
                confidentiality: Confidentiality::Restricted,
                sensitivity: Sensitivity::ALL.to_vec(),
            },
            patient_only_thread: true,
        };
        !policy::decide(
            self.policy,
            &Request {
                actor: self.actor.clone(),
                patient: self.facts.clone(),
                action: Action::View,
                section: Some(section),
                item: Some(probe),
            },
            self.today,
        )
        .allow
    }

    /// The items of `section` the actor may view, in order; each withheld one
    /// is added to `log` with its decision.
    pub(crate) fn filter<T: HasMeta>(
        &self,
        section: Section,
        items: Vec<T>,
        log: &mut Vec<WithheldItem>,
    ) -> Vec<T> {
        self.filter_by(|_| section, items, log)
    }

    /// [`Scope::filter`] with each item's section given by `section_of`
    /// (documents belong to the section of their kind).
    fn filter_by<T: HasMeta>(
        &self,
        section_of: impl Fn(&T) -> Section,
        items: Vec<T>,
        log: &mut Vec<WithheldItem>,
    ) -> Vec<T> {
        let split = policy::filter_items(
            self.policy,
            &self.actor,
            &self.facts,
            self.today,
            items.into_iter().map(|i| InSection(section_of(&i), i)),
        );
        for w in split.withheld {
            log.push(WithheldItem {
                item: w.item.1.meta().id.to_string(),
                section: w.item.0.code(),
                reason: w.decision.reason.code(),
                exception: w.decision.exception.map(|e| e.code()),
            });
        }
        split.kept.into_iter().map(|i| i.1).collect()
    }
}

/// Record types that carry [`ItemMeta`].
pub(crate) trait HasMeta {
    fn meta(&self) -> &ItemMeta;
}

macro_rules! has_meta {
    ($($t:ty),+) => {
        $(impl HasMeta for $t {
            fn meta(&self) -> &ItemMeta {
                &self.meta
            }
        })+
    };
}
has_meta!(
    Observation,
    Immunization,
    MedicationRequest,
    AllergyIntolerance,
    Condition,
    Encounter,
    DiagnosticReport,
    DocumentReference
);

/// An item with the section it is shown in, as the policy judges it.
struct InSection<T>(Section, T);

impl<T: HasMeta> PolicyItem for InSection<T> {
    fn section(&self) -> Section {
        self.0
    }
    fn labels(&self) -> &Labels {
        &self.1.meta().labels
    }
}

/// One item withheld from a view, as written to the audit event.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WithheldItem {
    /// Sprout's item id.
    item: String,
    /// The section it belongs to.
    section: &'static str,
    /// The decision's reason code.
    reason: &'static str,
    /// The information-blocking exception, when the item is withheld from
    /// someone acting for the patient.
    exception: Option<&'static str>,
}

/// A denied request, as written to the audit event.
#[derive(Debug, Serialize)]
struct DeniedDetail<'a> {
    section: Option<&'a str>,
    reason: &'a str,
    exception: Option<&'a str>,
}

/// A patient opened for the signed-in user: the stored facts and the policy's
/// scope. Only [`open`] makes one, after the policy allowed something.
pub(crate) struct Opened<'a> {
    /// The patient.
    pub patient: Patient,
    /// The sections the user may view today (never empty).
    pub sections: Vec<Section>,
    /// The policy's questions for this user and patient.
    pub scope: Scope<'a>,
    /// How the user may see the patient's proxies, if at all.
    pub sharing: Option<Sharing>,
    /// The signed-in account's relationships (any patient).
    pub relationships: Vec<ProxyRelationship>,
    /// The other patients the signed-in user may be able to see (their own
    /// record, those they are a proxy for), read with the patient, and
    /// their own logins: the page's switcher is decided from these without
    /// reading them again ([`Opened::others`]).
    family: Vec<Patient>,
    logins: BTreeMap<PatientId, sprout_domain::people::Account>,
    /// The audit role of the user for this patient.
    pub role: String,
    /// The decision reported in the success event.
    pub decision: Decision,
}

impl Opened<'_> {
    /// Today, as used for the decisions.
    pub fn today(&self) -> Date {
        self.scope.today
    }

    /// The user's other patients they may see today (the switcher), oldest
    /// first, from what [`open`] read.
    pub fn others(&self, state: &AppState, user: &SignedIn) -> Vec<Patient> {
        visible_from(
            state,
            user,
            &self.relationships,
            self.today(),
            self.family.clone(),
            &self.logins,
        )
        .into_iter()
        .map(|(p, _)| p)
        .collect()
    }

    /// Writes the success event of this request.
    pub async fn audit_success(
        &self,
        state: &AppState,
        ctx: &Ctx,
        user: &SignedIn,
        object_type: &str,
        object_id: Option<&str>,
        detail: Option<String>,
    ) -> WebResult<()> {
        self.audit_success_as(state, ctx, user, "read", object_type, object_id, detail)
            .await
    }

    /// Writes the success event of this request with another action than
    /// `read` (`export`: a download of the data).
    #[allow(clippy::too_many_arguments)]
    pub async fn audit_success_as(
        &self,
        state: &AppState,
        ctx: &Ctx,
        user: &SignedIn,
        action: &str,
        object_type: &str,
        object_id: Option<&str>,
        detail: Option<String>,
    ) -> WebResult<()> {
        audit::record_on_behalf(
            state,
            ctx,
            Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &self.role,
                patient_id: Some(&self.patient.id),
                action,
                object_type,
                object_id,
                outcome: Outcome::Success,
                reason: Some(self.decision.reason.code()),
                detail,
            },
            acting_through(&self.relationships, &self.patient.id, self.today()),
        )
        .await
    }
}

/// The proxy relationship through which the signed-in account acts for
/// `patient` on `today` (audit's "on whose behalf"): the one in force, else
/// the latest granted; `None` when it has none (the patient, staff).
pub(crate) fn acting_through<'r>(
    relationships: &'r [ProxyRelationship],
    patient: &PatientId,
    today: Date,
) -> Option<&'r str> {
    let mine = || relationships.iter().filter(|r| &r.patient_id == patient);
    let in_force = |r: &&ProxyRelationship| {
        r.revoked_on.is_none_or(|d| d > today) && r.expires_on.is_none_or(|d| today <= d)
    };
    mine()
        .find(in_force)
        .or_else(|| mine().max_by_key(|r| r.granted_on))
        .map(|r| r.id.as_str())
}

/// The facts of a stored patient: the own login is looked up (the signed-in
/// account itself when it is the patient's).
pub(crate) async fn facts_of(
    state: &AppState,
    user: &SignedIn,
    patient: &Patient,
) -> WebResult<PatientFacts> {
    let own = if user.actor.own_patient.as_ref() == Some(&patient.id) {
        None // the signed-in account itself
    } else {
        state.store().account_of_patient(&patient.id).await?
    };
    Ok(facts_given(user, patient, own.as_ref()))
}

/// [`facts_of`] with the patient's own login already read (`own`; ignored
/// when the signed-in user is the patient).
fn facts_given(
    user: &SignedIn,
    patient: &Patient,
    own: Option<&sprout_domain::people::Account>,
) -> PatientFacts {
    if user.actor.own_patient.as_ref() == Some(&patient.id) {
        return access::patient_facts(
            patient,
            Some(user.account.status),
            Some(&user.account.email),
        );
    }
    access::patient_facts(
        patient,
        own.map(|a| a.status),
        own.map(|a| a.email.as_str()),
    )
}

/// The signed-in account's relationships (none are read for staff, who do not
/// act as proxies).
pub(crate) async fn relationships_of(
    state: &AppState,
    user: &SignedIn,
) -> WebResult<Vec<ProxyRelationship>> {
    if user.actor.staff_role.is_some() {
        return Ok(Vec::new());
    }
    Ok(state
        .store()
        .relationships_of_account(&user.actor.account_id)
        .await?)
}

/// Opens `section` of `patient` for `action` on it, as a queue's decision
/// (a refill, a visit request, an insurance change) needs: [`open`] (audited),
/// then a 404, the same as an unknown id, unless the policy allows the action.
///
/// # Errors
/// Those of [`open`]; [`WebError::NotFound`] when the action is not allowed.
pub(crate) async fn open_for_action<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    user: &SignedIn,
    patient: &PatientId,
    section: Section,
    action: Action,
) -> WebResult<Opened<'a>> {
    let opened = open(
        state,
        ctx,
        user,
        Some(patient.as_str()),
        Want::Section(section),
    )
    .await?;
    if !opened.scope.action(action).allow {
        return Err(WebError::NotFound);
    }
    Ok(opened)
}

/// Opens the patient named by `raw_id` for what the request wants: loads the
/// facts, asks the policy, and refuses (auditing the denial with the
/// decision's reason and exception) anything not allowed.
///
/// # Errors
/// [`WebError::NotFound`] for a malformed id, an unknown patient, a patient the
/// user may see nothing of today, a section the user may not view, and the
/// proxies page of anyone but the patient (adolescent or adult) and staff;
/// [`WebError::Store`] when the database fails.
pub(crate) async fn open<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    want: Want,
) -> WebResult<Opened<'a>> {
    let store = state.store();
    let actor = &user.actor;
    let object_type = want.object_type();
    let entry = |role: &'a str| Entry {
        account_id: Some(&actor.account_id),
        actor_role: role,
        patient_id: None,
        action: "read",
        object_type,
        object_id: None,
        outcome: Outcome::Denied,
        reason: None,
        detail: None,
    };

    let Some(id) = raw_id.and_then(PatientId::parse) else {
        let role = audit::role_of(actor, None, &[]);
        audit::record(
            state,
            ctx,
            Entry {
                actor_role: &role,
                reason: Some("malformed-id"),
                ..entry("")
            },
        )
        .await?;
        return Err(WebError::NotFound);
    };

    let kept = family_of(state, user).await?;
    let relationships = kept.relationships.clone();
    let role = audit::role_of(actor, Some(&id), &relationships);
    // The patient, with the rest of the user's family (for the switcher),
    // and their own logins: from the family when the patient is one of it,
    // else (staff, an unrelated id) read.
    let (mut family, logins) = if kept.patients.iter().any(|p| p.id == id) {
        (kept.patients.clone(), kept.logins.clone())
    } else {
        let mut family = store.patients(std::slice::from_ref(&id)).await?;
        let mut logins = own_logins(state, user, &family).await?;
        family.extend(kept.patients.iter().cloned());
        logins.extend(kept.logins.iter().map(|(k, v)| (k.clone(), v.clone())));
        (family, logins)
    };
    let found = family.iter().position(|p| p.id == id);
    let Some(patient) = found.map(|i| family.remove(i)) else {
        audit::record(
            state,
            ctx,
            Entry {
                actor_role: &role,
                object_id: Some(id.as_str()),
                outcome: Outcome::Failure,
                reason: Some("unknown-patient"),
                ..entry("")
            },
        )
        .await?;
        return Err(WebError::NotFound);
    };

    let facts = facts_given(user, &patient, logins.get(&patient.id));
    let today = state.clock().today();
    let scope = Scope::new(state.policy(), actor, &id, facts, &relationships, today);
    let sections = scope.sections();

    // The decision that answers this request: the section asked for, else the
    // first section the user may view (or, seeing none, demographics).
    let asked = match want {
        Want::Section(s) => s,
        Want::Growth => Section::Vitals,
        Want::Results => Section::LabResults,
        // The first document section the user may view (else clinical
        // notes, which is then denied).
        Want::Documents => DOCUMENT_SECTIONS
            .into_iter()
            .find(|s| sections.contains(s))
            .unwrap_or(Section::ClinicalNotes),
        Want::Summary | Want::Proxies | Want::AccessLog => {
            sections.first().copied().unwrap_or(Section::Demographics)
        }
    };
    let decision = scope.section(asked);
    let sharing = sharing(state.policy(), actor.staff_role, &scope);
    let refusal: Option<(Option<&str>, &str, Option<&str>)> = if !decision.allow {
        Some((
            Some(asked.code()),
            decision.reason.code(),
            decision.exception.map(|e| e.code()),
        ))
    } else if want == Want::Proxies && sharing.is_none() {
        // Proxies of a patient are the patient's and the practice's business.
        Some((None, "not-patient-or-staff", None))
    } else if want == Want::AccessLog && !matches!(scope.actor.kind, policy::ActorKind::Patient) {
        // Who saw a record is the patient's own business.
        Some((None, "not-the-patient", None))
    } else {
        None
    };
    if let Some((section, reason, exception)) = refusal {
        let detail = serde_json::json!({
            "denied": DeniedDetail { section, reason, exception }
        });
        audit::record_on_behalf(
            state,
            ctx,
            Entry {
                actor_role: &role,
                patient_id: Some(&id),
                reason: Some(reason),
                detail: Some(detail.to_string()),
                ..entry("")
            },
            acting_through(&relationships, &id, today),
        )
        .await?;
        return Err(WebError::NotFound);
    }

    Ok(Opened {
        patient,
        sections,
        scope,
        sharing,
        relationships,
        family,
        logins,
        role,
        decision,
    })
}

/// How a user may see a patient's proxies: the patient (own record allowed,
/// adolescent or adult), or staff who may see the patient (front desk
/// manages, nurses and clinicians look; administrators see no record).
fn sharing(policy: &Policy, staff: Option<StaffRole>, scope: &Scope<'_>) -> Option<Sharing> {
    match (&scope.actor.kind, staff) {
        (policy::ActorKind::Patient, _) => {
            let own = scope.section(Section::Demographics).allow;
            (own && policy::band(policy, scope.facts.birth_date, scope.today) != AgeBand::Child)
                .then_some(Sharing::Patient)
        }
        (policy::ActorKind::Staff { .. }, Some(role)) => match role {
            StaffRole::FrontDesk => Some(Sharing::Staff { manage: true }),
            StaffRole::Nurse | StaffRole::Clinician => Some(Sharing::Staff { manage: false }),
            StaffRole::Admin => None,
        },
        _ => None,
    }
}

/// Counts per list section the user may view (in [`LIST_SECTIONS`] order).
pub(crate) type Counts = Vec<(Section, u64)>;

/// A page's patient data, already filtered.
pub(crate) enum Data {
    /// The summary: counts and the latest vitals (`None` when vitals are not
    /// the user's to see).
    Summary {
        counts: Counts,
        latest_vitals: Option<Vec<Observation>>,
        /// Results the user may see that came out in the last
        /// [`NEW_RESULT_DAYS`] days (through the policy and the release rules).
        new_results: u64,
    },
    Vitals(Vec<Observation>),
    LabResults(Vec<Observation>),
    Immunizations(Vec<Immunization>),
    Medications(Vec<MedicationRequest>),
    Allergies(Vec<AllergyIntolerance>),
    Problems(Vec<Condition>),
    Visits(Vec<Encounter>),
    /// Laboratory results with the reports that group them, and other
    /// diagnostic reports.
    Results {
        reports: Vec<DiagnosticReport>,
        observations: Vec<Observation>,
    },
    /// Clinical notes, visit summaries and other documents.
    Documents(Vec<DocumentReference>),
}

/// A patient page's content.
pub(crate) struct View {
    /// The patient.
    pub patient: Patient,
    /// The sections the user may view today.
    pub sections: Vec<Section>,
    /// Today, as decided.
    pub today: Date,
    /// The other patients the user may see something of today (switcher).
    pub others: Vec<Patient>,
    /// How the user may see the patient's proxies, if at all.
    pub sharing: Option<Sharing>,
    /// The data.
    pub data: Data,
}

/// Reads what a patient page shows for the signed-in user: [`open`], then the
/// items the policy lets through, the switcher, and one audit event (`read`
/// of the summary or section; success with the decision's reason, and every
/// withheld item with its reason and exception in `detail`).
///
/// # Errors
/// As [`open`]; [`WebError::NotFound`] for a section without a list page.
pub(crate) async fn view(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    want: Want,
) -> WebResult<View> {
    view_audited(state, ctx, user, raw_id, want, "read", None).await
}

/// [`view`] for a download of a section (the printable immunization record):
/// the same decisions and filtering, and the success event is an `export` of
/// the section naming what was made (`object_id`, e.g. `record.pdf`).
///
/// # Errors
/// As [`view`].
pub(crate) async fn export(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    want: Want,
    object_id: &str,
) -> WebResult<View> {
    view_audited(state, ctx, user, raw_id, want, "export", Some(object_id)).await
}

async fn view_audited(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    want: Want,
    action: &str,
    object_id: Option<&str>,
) -> WebResult<View> {
    if matches!(want, Want::Section(s) if !LIST_SECTIONS.contains(&s))
        || matches!(want, Want::Proxies | Want::AccessLog)
    {
        return Err(WebError::NotFound);
    }
    let opened = open(state, ctx, user, raw_id, want).await?;
    let rel = release_for(state, &opened, want).await?;
    let mut withheld = Vec::new();
    let data = match want {
        Want::Summary => summary(state, &opened, &rel, &mut withheld).await?,
        Want::Section(s) => section(state, &opened, &rel, s, &mut withheld).await?,
        Want::Growth => growth_vitals(state, &opened, &rel, &mut withheld).await?,
        Want::Results => results(state, &opened, &rel, &mut withheld).await?,
        Want::Documents => Data::Documents(documents(state, &opened, &rel, &mut withheld).await?),
        Want::Proxies | Want::AccessLog => return Err(WebError::NotFound),
    };
    let others = opened.others(state, user);
    let detail =
        (!withheld.is_empty()).then(|| serde_json::json!({ "withheld": withheld }).to_string());
    opened
        .audit_success_as(
            state,
            ctx,
            user,
            action,
            want.object_type(),
            object_id,
            detail,
        )
        .await?;
    Ok(View {
        today: opened.today(),
        sections: opened.sections,
        others,
        sharing: opened.sharing,
        patient: opened.patient,
        data,
    })
}

/// The growth charts' vitals, filtered as the vitals section.
async fn growth_vitals(
    state: &AppState,
    o: &Opened<'_>,
    rel: &Release,
    log: &mut Vec<WithheldItem>,
) -> WebResult<Data> {
    let f = &Both(&o.scope, rel);
    let observations = state
        .store()
        .observations_coded(
            &o.patient.id,
            ObservationCategory::VitalSigns,
            &crate::growth::GROWTH_LOINC,
        )
        .await?;
    Ok(Data::Vitals(f.filter(Section::Vitals, observations, log)))
}

/// One list section, filtered by the policy, then by the release rules.
async fn section(
    state: &AppState,
    o: &Opened<'_>,
    rel: &Release,
    s: Section,
    log: &mut Vec<WithheldItem>,
) -> WebResult<Data> {
    let store = state.store();
    let id = &o.patient.id;
    let f = &Both(&o.scope, rel);
    Ok(match s {
        Section::Vitals => Data::Vitals(
            f.filter(
                s,
                store
                    .observations(id, ObservationCategory::VitalSigns)
                    .await?,
                log,
            ),
        ),
        Section::LabResults => Data::LabResults(
            f.filter(
                s,
                store
                    .observations(id, ObservationCategory::Laboratory)
                    .await?,
                log,
            ),
        ),
        Section::Immunizations => {
            Data::Immunizations(f.filter(s, store.immunizations(id).await?, log))
        }
        Section::Medications => {
            Data::Medications(f.filter(s, store.medication_requests(id).await?, log))
        }
        Section::Allergies => Data::Allergies(f.filter(s, store.allergies(id).await?, log)),
        Section::Problems => Data::Problems(f.filter(s, store.conditions(id).await?, log)),
        Section::VisitSummaries => Data::Visits(f.filter(s, store.encounters(id).await?, log)),
        Section::ClinicalNotes => Data::Documents(documents(state, o, rel, log).await?),
        _ => return Err(WebError::NotFound),
    })
}

/// The policy's filter, then the release rules'.
struct Both<'a, 'b>(&'a Scope<'b>, &'a Release);

impl Both<'_, '_> {
    fn filter<T: HasMeta + Releasable>(
        &self,
        section: Section,
        items: Vec<T>,
        log: &mut Vec<WithheldItem>,
    ) -> Vec<T> {
        let kept = self.0.filter(section, items, log);
        self.1.filter(section, kept, log)
    }
}

/// The laboratory results and reports the user may see.
async fn results(
    state: &AppState,
    o: &Opened<'_>,
    rel: &Release,
    log: &mut Vec<WithheldItem>,
) -> WebResult<Data> {
    let store = state.store();
    let id = &o.patient.id;
    let s = Section::LabResults;
    let f = Both(&o.scope, rel);
    let observations = f.filter(
        s,
        store
            .observations(id, ObservationCategory::Laboratory)
            .await?,
        log,
    );
    let reports = f.filter(s, store.diagnostic_reports(id).await?, log);
    Ok(Data::Results {
        reports,
        observations,
    })
}

/// The documents the user may see: each in the section of its kind, through
/// the policy, then the release rules.
async fn documents(
    state: &AppState,
    o: &Opened<'_>,
    rel: &Release,
    log: &mut Vec<WithheldItem>,
) -> WebResult<Vec<DocumentReference>> {
    let items = state.store().document_references(&o.patient.id).await?;
    let kept = o
        .scope
        .filter_by(|d: &DocumentReference| d.kind.section(), items, log);
    Ok(rel.filter_by(|d: &DocumentReference| d.kind.section(), kept, log))
}

/// How many days a result counts as new on the summary.
pub(crate) const NEW_RESULT_DAYS: i64 = 7;

/// The release rules as they apply to one request: to families (the patient
/// and proxies), not to staff, who see everything and release what waits.
pub(crate) struct Release {
    applies: bool,
    rules: sprout_domain::release::ReleaseRules,
    released: BTreeMap<ItemId, jiff::Timestamp>,
    hold: Option<ResultHold>,
    now: jiff::Timestamp,
    tz: jiff::tz::TimeZone,
}

impl Release {
    /// Whether an item is on the portal for this request.
    fn availability<T: HasMeta + Releasable>(&self, item: &T) -> Availability {
        if !self.applies {
            return Availability::Available;
        }
        let category = item.release_category();
        release_rules::availability(
            self.rules.rule(category),
            category.is_result(),
            item.release_time()
                .and_then(|t| release_rules::fhir_instant(t, &self.tz)),
            self.released.get(&item.meta().id).copied(),
            self.hold,
            self.now,
        )
    }

    fn filter<T: HasMeta + Releasable>(
        &self,
        section: Section,
        items: Vec<T>,
        log: &mut Vec<WithheldItem>,
    ) -> Vec<T> {
        self.filter_by(|_| section, items, log)
    }

    fn filter_by<T: HasMeta + Releasable>(
        &self,
        section_of: impl Fn(&T) -> Section,
        items: Vec<T>,
        log: &mut Vec<WithheldItem>,
    ) -> Vec<T> {
        if !self.applies {
            return items;
        }
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            let a = self.availability(&item);
            if a.is_available() {
                kept.push(item);
            } else {
                log.push(WithheldItem {
                    item: item.meta().id.to_string(),
                    section: section_of(&item).code(),
                    reason: match a {
                        Availability::NotYet { .. } => "release-not-yet",
                        Availability::AwaitingRelease => "release-awaiting-staff",
                        Availability::Held => "release-held-at-request",
                        Availability::Never | Availability::Available => "release-never",
                    },
                    // A hold is the patient's own request (45 CFR 171.202(e)).
                    exception: (a == Availability::Held).then_some("privacy"),
                });
            }
        }
        kept
    }

    /// Whether the rules could withhold any item of `section` from this user
    /// now (so the store's counts are exact only when not).
    fn may_withhold_any(&self, section: Section) -> bool {
        if !self.applies {
            return false;
        }
        let categories: &[ReleaseCategory] = match section {
            Section::Vitals => &[ReleaseCategory::Vitals],
            Section::Immunizations => &[ReleaseCategory::Immunizations],
            Section::Medications => &[ReleaseCategory::Medications],
            Section::Allergies => &[ReleaseCategory::Allergies],
            Section::Problems => &[ReleaseCategory::Problems],
            Section::VisitSummaries => &[ReleaseCategory::VisitSummaries],
            Section::LabResults => &[
                ReleaseCategory::LabResults,
                ReleaseCategory::DiagnosticReports,
            ],
            _ => return true,
        };
        let held = self.hold.is_some_and(|h| h.active(self.now))
            && categories.iter().any(|c| c.is_result());
        held || categories
            .iter()
            .any(|c| self.rules.rule(*c) != sprout_domain::release::ReleaseRule::Immediate)
    }
}

/// The release rules of this request: none for staff; for families, the
/// practice's rules, the patient's staff releases (read when a rule or a hold
/// could need them) and the newest hold (read for pages with results).
pub(crate) async fn release_for(
    state: &AppState,
    o: &Opened<'_>,
    want: Want,
) -> WebResult<Release> {
    let rules = state.config().release.clone();
    let now = state.clock().now();
    let tz = state.config().time_zone.clone();
    let applies = !matches!(o.scope.actor.kind, policy::ActorKind::Staff { .. });
    let mut out = Release {
        applies,
        rules,
        released: BTreeMap::new(),
        hold: None,
        now,
        tz,
    };
    if !applies {
        return Ok(out);
    }
    let store = state.store();
    let results_shown = matches!(
        want,
        Want::Summary | Want::Results | Want::Section(Section::LabResults)
    );
    if results_shown {
        out.hold = store
            .result_holds(&o.patient.id)
            .await?
            .last()
            .map(|h| ResultHold {
                requested_at: h.requested_at,
                ended_at: h.ended_at,
            });
    }
    if !out.rules.all_immediate() || out.hold.is_some() {
        out.released = store.item_releases(&o.patient.id).await?;
    }
    Ok(out)
}

/// How many items a section's list holds.
fn data_len(d: &Data) -> u64 {
    let n = match d {
        Data::Summary { .. } => 0,
        Data::Vitals(v) | Data::LabResults(v) => v.len(),
        Data::Immunizations(v) => v.len(),
        Data::Medications(v) => v.len(),
        Data::Allergies(v) => v.len(),
        Data::Problems(v) => v.len(),
        Data::Visits(v) => v.len(),
        Data::Results { observations, .. } => observations.len(),
        Data::Documents(v) => v.len(),
    };
    n as u64
}

/// The summary: for each list section the user may view, the count of the
/// items they may view (the store's count when the policy could withhold none
/// of that section, else the length of the filtered list), and the latest
/// vitals.
async fn summary(
    state: &AppState,
    o: &Opened<'_>,
    rel: &Release,
    log: &mut Vec<WithheldItem>,
) -> WebResult<Data> {
    let mut counts = Vec::new();
    let mut stored: Option<sprout_store::PatientCounts> = None;
    let mut latest_vitals = None;
    let mut new_results = 0;
    for s in LIST_SECTIONS {
        if s == Section::ClinicalNotes {
            // Documents span three sections: counted when any is visible.
            if DOCUMENT_SECTIONS.iter().any(|d| o.sections.contains(d)) {
                let docs = documents(state, o, rel, log).await?;
                counts.push((s, docs.len() as u64));
            }
            continue;
        }
        if !o.sections.contains(&s) {
            continue;
        }
        if s == Section::LabResults {
            let data = results(state, o, rel, log).await?;
            if let Data::Results {
                reports,
                observations,
            } = &data
            {
                new_results = count_new(rel, reports, observations);
            }
            counts.push((s, data_len(&data)));
            continue;
        }
        // The store's count is exact when neither the release rules nor the
        // policy can withhold any of the section's items from this user: the
        // policy withholds only by labels, so a section without labelled
        // items is seen whole by whoever may see the section.
        if stored.is_none() {
            stored = Some(state.store().item_counts(&o.patient.id).await?);
        }
        let c = stored.as_ref().map_or((0, 0), |c| {
            let pick = |x: &ItemCounts| match s {
                Section::Vitals => x.vitals,
                Section::Immunizations => x.immunizations,
                Section::Medications => x.medications,
                Section::Allergies => x.allergies,
                Section::Problems => x.conditions,
                Section::VisitSummaries => x.encounters,
                Section::LabResults => x.lab_results,
                _ => 0,
            };
            (pick(&c.all), pick(&c.labelled))
        });
        let exact = !rel.may_withhold_any(s) && (c.1 == 0 || !o.scope.may_withhold_any(s));
        if exact {
            counts.push((s, c.0));
            if s == Section::Vitals {
                let codes = crate::present::Vital::summary_loinc();
                latest_vitals = Some(
                    state
                        .store()
                        .latest_observations(&o.patient.id, ObservationCategory::VitalSigns, &codes)
                        .await?,
                );
            }
            continue;
        }
        let data = section(state, o, rel, s, log).await?;
        counts.push((s, data_len(&data)));
        if let Data::Vitals(v) = data {
            latest_vitals = Some(v);
        }
    }
    Ok(Data::Summary {
        counts,
        latest_vitals,
        new_results,
    })
}

/// Results (reports, and laboratory results no shown report groups) that
/// came out in the last [`NEW_RESULT_DAYS`] days or were released by staff in
/// that time: the summary's "new results" notice, computed only from what the
/// user may see.
fn count_new(rel: &Release, reports: &[DiagnosticReport], observations: &[Observation]) -> u64 {
    let since = rel.now - jiff::SignedDuration::from_hours(24 * NEW_RESULT_DAYS);
    let is_new = |meta: &ItemMeta, time: Option<&str>| {
        let at = time.and_then(|t| release_rules::fhir_instant(t, &rel.tz));
        let released = rel.released.get(&meta.id).copied();
        at.into_iter()
            .chain(released)
            .any(|t| t >= since && t <= rel.now)
    };
    let grouped: std::collections::HashSet<&str> = reports
        .iter()
        .flat_map(|r| r.result_source_ids.iter().map(String::as_str))
        .collect();
    let n = reports
        .iter()
        .filter(|r| is_new(&r.meta, r.release_time()))
        .count()
        + observations
            .iter()
            .filter(|o| !grouped.contains(o.meta.source_id.as_str()))
            .filter(|o| is_new(&o.meta, o.release_time()))
            .count();
    n as u64
}

/// One document of the patient, with its attachment data, if the user may see
/// it (policy for its section, then the release rules); the view is audited
/// as an `export` of the document (object id: the item id).
///
/// # Errors
/// As [`open`]; [`WebError::NotFound`] for an unknown or withheld document.
pub(crate) async fn document(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    raw_item: &str,
) -> WebResult<(Patient, DocumentReference)> {
    let opened = open(state, ctx, user, raw_id, Want::Documents).await?;
    let rel = release_for(state, &opened, Want::Documents).await?;
    let found = match ItemId::parse(raw_item) {
        Some(item) => {
            state
                .store()
                .document_with_data(&opened.patient.id, &item)
                .await?
        }
        None => None,
    };
    let mut log = Vec::new();
    let kept = found.map(|d| {
        let kept =
            opened
                .scope
                .filter_by(|d: &DocumentReference| d.kind.section(), vec![d], &mut log);
        rel.filter_by(|d: &DocumentReference| d.kind.section(), kept, &mut log)
    });
    let Some(doc) = kept.and_then(|mut v| v.pop()) else {
        let detail = (!log.is_empty()).then(|| serde_json::json!({ "withheld": log }).to_string());
        audit::record_on_behalf(
            state,
            ctx,
            Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &opened.role,
                patient_id: Some(&opened.patient.id),
                action: "export",
                object_type: "document",
                object_id: None,
                outcome: Outcome::Denied,
                reason: Some("no-such-document"),
                detail,
            },
            acting_through(&opened.relationships, &opened.patient.id, opened.today()),
        )
        .await?;
        return Err(WebError::NotFound);
    };
    opened
        .audit_success_as(
            state,
            ctx,
            user,
            "export",
            "document",
            Some(doc.meta.id.as_str()),
            None,
        )
        .await?;
    Ok((opened.patient, doc))
}

/// Finds the patient with a medical record number for a staff member, if the
/// policy lets them see anything of that patient: the MRN as typed, else in
/// capitals. Audited as a `read` of
/// `patient-search` (the MRN itself is not stored in the event).
///
/// # Errors
/// [`WebError::Store`] when the database fails.
pub(crate) async fn find_by_mrn(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    mrn: &str,
) -> WebResult<Option<PatientId>> {
    let actor = &user.actor;
    let role = audit::role_of(actor, None, &[]);
    // As typed, then in capitals (EHRs write MRNs' letters in capitals; staff
    // type "mrn-1234" as often as "MRN-1234").
    let mut found = state.store().patient_by_mrn(mrn).await;
    let upper = mrn.to_uppercase();
    if matches!(found, Ok(None)) && upper != mrn {
        found = state.store().patient_by_mrn(&upper).await;
    }
    let found = match found {
        Ok(p) => p,
        Err(sprout_store::StoreError::Conflict(_)) => {
            tracing::warn!("more than one patient shares a medical record number");
            None
        }
        Err(e) => return Err(e.into()),
    };
    let today = state.clock().today();
    let (outcome, reason, patient) = match &found {
        None => (Outcome::Failure, "not-found", None),
        Some(p) => {
            let facts = facts_of(state, user, p).await?;
            let scope = Scope::new(state.policy(), actor, &p.id, facts, &[], today);
            let d = scope.section(Section::Demographics);
            if !scope.sections().is_empty() {
                (Outcome::Success, d.reason.code(), Some(&p.id))
            } else {
                (Outcome::Denied, d.reason.code(), Some(&p.id))
            }
        }
    };
    audit::record(
        state,
        ctx,
        Entry {
            account_id: Some(&actor.account_id),
            actor_role: &role,
            patient_id: patient,
            action: "read",
            object_type: "patient-search",
            object_id: None,
            outcome,
            reason: Some(reason),
            detail: None,
        },
    )
    .await?;
    Ok(match outcome {
        Outcome::Success => patient.cloned(),
        _ => None,
    })
}

/// The patients the signed-in user may see something of today (the family
/// home), oldest first: their own record and every patient they have a
/// relationship to, each kept only when the policy lets them view at least one
/// section. Staff get none here (they open patients one by one).
pub(crate) async fn visible_patients(state: &AppState, user: &SignedIn) -> WebResult<Vec<Patient>> {
    let (_, family) = visible_with_facts(state, user).await?;
    Ok(family.into_iter().map(|(p, _)| p).collect())
}

/// [`visible_patients`] with each patient's facts, and the relationships
/// they were decided with (one read each for relationships, patients and
/// their own logins).
///
/// # Errors
/// The store's.
pub(crate) async fn visible_with_facts(
    state: &AppState,
    user: &SignedIn,
) -> WebResult<(Vec<ProxyRelationship>, Vec<(Patient, PatientFacts)>)> {
    let family = family_of(state, user).await?;
    let today = state.clock().today();
    let visible = visible_from(
        state,
        user,
        &family.relationships,
        today,
        family.patients.clone(),
        &family.logins,
    );
    Ok((family.relationships.clone(), visible))
}

/// What the user's family pages are decided from (see
/// [`crate::access_cache::Family`]): kept in memory while nothing that
/// decides access has changed, else read (one read each for
/// relationships, patients and their own logins) and kept.
///
/// # Errors
/// The store's.
pub(crate) async fn family_of(state: &AppState, user: &SignedIn) -> WebResult<Arc<Family>> {
    let cache = state.access();
    let account = &user.actor.account_id;
    if let Some(family) = cache.family(account) {
        return Ok(family);
    }
    let epoch = cache.epoch();
    let relationships = relationships_of(state, user).await?;
    let candidates = family_candidates(user, &relationships);
    let (patients, logins) = if candidates.is_empty() {
        (Vec::new(), BTreeMap::new())
    } else {
        let patients = state.store().patients(&candidates).await?;
        let logins = own_logins(state, user, &patients).await?;
        (patients, logins)
    };
    let family = Arc::new(Family {
        relationships,
        patients,
        logins,
    });
    cache.keep_family(account, epoch, family.clone());
    Ok(family)
}

/// The patients a family user could see: their own record and those of
/// their relationships (none for staff).
fn family_candidates(user: &SignedIn, relationships: &[ProxyRelationship]) -> Vec<PatientId> {
    let actor = &user.actor;
    if actor.staff_role.is_some() {
        return Vec::new();
    }
    let mut candidates: Vec<PatientId> = actor.own_patient.iter().cloned().collect();
    for r in relationships {
        if !candidates.contains(&r.patient_id) {
            candidates.push(r.patient_id.clone());
        }
    }
    candidates
}

/// The own logins of `patients` other than the signed-in user's own record
/// (the policy reads their status and email), in one read.
async fn own_logins(
    state: &AppState,
    user: &SignedIn,
    patients: &[Patient],
) -> WebResult<BTreeMap<PatientId, sprout_domain::people::Account>> {
    let others: Vec<PatientId> = patients
        .iter()
        .filter(|p| user.actor.own_patient.as_ref() != Some(&p.id))
        .map(|p| p.id.clone())
        .collect();
    if others.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(state.store().accounts_of_patients(&others).await?)
}

/// Of `patients` (as the store orders them), those the user may see today
/// (any section allowed), each with its facts. Staff see none here (they
/// open patients by MRN).
fn visible_from(
    state: &AppState,
    user: &SignedIn,
    relationships: &[ProxyRelationship],
    today: Date,
    patients: Vec<Patient>,
    logins: &BTreeMap<PatientId, sprout_domain::people::Account>,
) -> Vec<(Patient, PatientFacts)> {
    let actor = &user.actor;
    if actor.staff_role.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for p in patients {
        let facts = facts_given(user, &p, logins.get(&p.id));
        let scope = Scope::new(
            state.policy(),
            actor,
            &p.id,
            facts.clone(),
            relationships,
            today,
        );
        if !scope.sections().is_empty() {
            out.push((p, facts));
        }
    }
    out
}

/// The policy's decision on `action` by the signed-in user for `patient`
/// today (a refill, an appointment...), from the stored facts. For pages that
/// have read the patient through [`view`] and offer an action.
///
/// # Errors
/// [`WebError::Store`] when the database fails.
pub(crate) async fn decide_action(
    state: &AppState,
    user: &SignedIn,
    patient: &Patient,
    action: Action,
) -> WebResult<Decision> {
    let relationships = relationships_of(state, user).await?;
    let facts = facts_of(state, user, patient).await?;
    let today = state.clock().today();
    let scope = Scope::new(
        state.policy(),
        &user.actor,
        &patient.id,
        facts,
        &relationships,
        today,
    );
    Ok(scope.action(action))
}

/// The signed-in user's own record, when they may manage who sees it (an
/// adolescent or adult patient with an active own login): the family home
/// links to its proxies page.
///
/// # Errors
/// [`WebError::Store`] when the database fails.
pub(crate) async fn own_sharing(state: &AppState, user: &SignedIn) -> WebResult<Option<PatientId>> {
    let Some(id) = &user.actor.own_patient else {
        return Ok(None);
    };
    let Some(patient) = state.store().patient(id).await? else {
        return Ok(None);
    };
    let facts = facts_of(state, user, &patient).await?;
    let today = state.clock().today();
    let scope = Scope::new(state.policy(), &user.actor, id, facts, &[], today);
    let yes = sharing(state.policy(), user.actor.staff_role, &scope) == Some(Sharing::Patient);
    Ok(yes.then(|| id.clone()))
}
