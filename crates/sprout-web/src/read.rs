//! The one read path of patient data for pages (DESIGN.md, "Architecture":
//! reads of patient data go through one path that asks the access policy).
//!
//! A handler gets patient data only through a [`Granted`], and only [`open`]
//! makes one: it parses the id, asks the access decision (the single call of
//! [`sprout_domain::access::decide_view`] is in [`decide`]) with `today` from
//! the injected clock, writes the audit event, and answers anything not allowed,
//! unknown or malformed with the same [`WebError::NotFound`].

use crate::audit::{self, Entry, Outcome};
use crate::context::{Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::AppState;
use jiff::civil::Date;
use sprout_domain::access::{decide_view, Actor, Decision};
use sprout_domain::people::ProxyRelationship;
use sprout_domain::record::{
    AllergyIntolerance, Condition, Confidentiality, Encounter, Immunization, Labels,
    MedicationRequest, Observation, ObservationCategory, Patient, Section,
};
use sprout_domain::PatientId;
use sprout_store::ItemCounts;

/// The only place the access decision is asked.
fn decide(
    actor: &Actor,
    patient: &PatientId,
    relationships: &[ProxyRelationship],
    section: Section,
    today: Date,
) -> Decision {
    decide_view(actor, patient, relationships, section, today)
}

/// Permission, checked and audited, to show `section` of `patient` to the
/// signed-in user of this request. Only [`open`] makes one.
pub(crate) struct Granted {
    /// The patient.
    pub patient: Patient,
    /// The section the page was opened for.
    pub section: Section,
    actor: Actor,
    relationships: Vec<ProxyRelationship>,
    today: Date,
}

/// Opens `section` of the patient named by `raw_id` for the signed-in user:
/// decides, audits (`read` of `object_type`, success, denied or failure) and
/// loads the patient.
///
/// # Errors
/// [`WebError::NotFound`] for a malformed id, a patient the user may not see and
/// an unknown patient alike; [`WebError::Store`] when the database fails.
pub(crate) async fn open(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw_id: Option<&str>,
    section: Section,
    object_type: &str,
) -> WebResult<Granted> {
    let store = state.store();
    let actor = &user.actor;
    let entry = |role: &'static str| Entry {
        account_id: Some(&actor.account_id),
        actor_role: role,
        patient_id: None,
        action: "read",
        object_type,
        object_id: None,
        outcome: Outcome::Denied,
        reason: None,
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

    let relationships = store.relationships_of_account(&actor.account_id).await?;
    let today = state.clock().today();
    let decision = decide(actor, &id, &relationships, section, today);
    let role = audit::role_of(actor, Some(&id), &relationships);

    if !decision.allow {
        // Name the patient in the event only when one exists with that id (the
        // audit trail keeps references valid); otherwise keep the id as text.
        let exists = store.patient(&id).await?.is_some();
        audit::record(
            state,
            ctx,
            Entry {
                actor_role: &role,
                patient_id: exists.then_some(&id),
                object_id: (!exists).then_some(id.as_str()),
                reason: Some(decision.reason.code()),
                ..entry("")
            },
        )
        .await?;
        return Err(WebError::NotFound);
    }

    let Some(patient) = store.patient(&id).await? else {
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

    audit::record(
        state,
        ctx,
        Entry {
            actor_role: &role,
            patient_id: Some(&id),
            outcome: Outcome::Success,
            reason: Some(decision.reason.code()),
            ..entry("")
        },
    )
    .await?;

    Ok(Granted {
        patient,
        section,
        actor: actor.clone(),
        relationships,
        today,
    })
}

impl Granted {
    /// Whether the user may also see `section` of this patient (tabs, counts).
    pub fn may(&self, section: Section) -> bool {
        section == self.section
            || decide(
                &self.actor,
                &self.patient.id,
                &self.relationships,
                section,
                self.today,
            )
            .allow
    }

    /// Today, as used for the decision.
    pub fn today(&self) -> Date {
        self.today
    }

    fn require(&self, section: Section) -> WebResult<()> {
        if self.may(section) {
            Ok(())
        } else {
            Err(WebError::NotFound)
        }
    }

    /// Whether one item may be shown.
    ///
    /// Stopgap until the full policy filters items: a `restricted` item is shown
    /// only on the patient's own login and to clinicians (ACCESS-POLICY.md rules
    /// 2 and 4: hidden from proxies and from other staff).
    fn item_visible(&self, labels: &Labels) -> bool {
        labels.confidentiality == Confidentiality::Normal || self.sees_restricted()
    }

    fn sees_restricted(&self) -> bool {
        self.actor.own_patient.as_ref() == Some(&self.patient.id)
            || self.actor.staff_role == Some(sprout_domain::people::StaffRole::Clinician)
    }

    fn visible<T>(&self, items: Vec<T>, labels: impl Fn(&T) -> &Labels) -> Vec<T> {
        items
            .into_iter()
            .filter(|i| self.item_visible(labels(i)))
            .collect()
    }

    /// Counts per section, `None` for sections the user may not see.
    ///
    /// A user who may see restricted items gets the store's counts; anyone else
    /// gets counts of the filtered lists, so a withheld item is not even counted.
    pub async fn counts(&self, state: &AppState) -> WebResult<SectionCounts> {
        let n = |s: Section, v: u64| self.may(s).then_some(v);
        if self.sees_restricted() {
            let c: ItemCounts = state.store().item_counts(&self.patient.id).await?;
            return Ok(SectionCounts {
                vitals: n(Section::Vitals, c.vitals),
                immunizations: n(Section::Immunizations, c.immunizations),
                medications: n(Section::Medications, c.medications),
                allergies: n(Section::Allergies, c.allergies),
                problems: n(Section::Problems, c.conditions),
                visits: n(Section::VisitSummaries, c.encounters),
                lab_results: n(Section::LabResults, c.lab_results),
            });
        }
        async fn len<T>(
            may: bool,
            f: impl std::future::Future<Output = WebResult<Vec<T>>>,
        ) -> WebResult<Option<u64>> {
            if may {
                Ok(Some(f.await?.len() as u64))
            } else {
                Ok(None)
            }
        }
        Ok(SectionCounts {
            vitals: len(self.may(Section::Vitals), self.vitals(state)).await?,
            immunizations: len(self.may(Section::Immunizations), self.immunizations(state)).await?,
            medications: len(self.may(Section::Medications), self.medications(state)).await?,
            allergies: len(self.may(Section::Allergies), self.allergies(state)).await?,
            problems: len(self.may(Section::Problems), self.problems(state)).await?,
            visits: len(self.may(Section::VisitSummaries), self.visits(state)).await?,
            lab_results: len(self.may(Section::LabResults), self.lab_results(state)).await?,
        })
    }

    /// Vital signs, newest first.
    pub async fn vitals(&self, state: &AppState) -> WebResult<Vec<Observation>> {
        self.require(Section::Vitals)?;
        let items = state
            .store()
            .observations(&self.patient.id, ObservationCategory::VitalSigns)
            .await?;
        Ok(self.visible(items, |o| &o.meta.labels))
    }

    /// Laboratory results, newest first.
    pub async fn lab_results(&self, state: &AppState) -> WebResult<Vec<Observation>> {
        self.require(Section::LabResults)?;
        let items = state
            .store()
            .observations(&self.patient.id, ObservationCategory::Laboratory)
            .await?;
        Ok(self.visible(items, |o| &o.meta.labels))
    }

    /// Immunizations, newest first.
    pub async fn immunizations(&self, state: &AppState) -> WebResult<Vec<Immunization>> {
        self.require(Section::Immunizations)?;
        let items = state.store().immunizations(&self.patient.id).await?;
        Ok(self.visible(items, |i| &i.meta.labels))
    }

    /// Medications, newest first.
    pub async fn medications(&self, state: &AppState) -> WebResult<Vec<MedicationRequest>> {
        self.require(Section::Medications)?;
        let items = state.store().medication_requests(&self.patient.id).await?;
        Ok(self.visible(items, |i| &i.meta.labels))
    }

    /// Allergies, newest first.
    pub async fn allergies(&self, state: &AppState) -> WebResult<Vec<AllergyIntolerance>> {
        self.require(Section::Allergies)?;
        let items = state.store().allergies(&self.patient.id).await?;
        Ok(self.visible(items, |i| &i.meta.labels))
    }

    /// Problems (Conditions), newest first.
    pub async fn problems(&self, state: &AppState) -> WebResult<Vec<Condition>> {
        self.require(Section::Problems)?;
        let items = state.store().conditions(&self.patient.id).await?;
        Ok(self.visible(items, |i| &i.meta.labels))
    }

    /// Visits (Encounters), newest first.
    pub async fn visits(&self, state: &AppState) -> WebResult<Vec<Encounter>> {
        self.require(Section::VisitSummaries)?;
        let items = state.store().encounters(&self.patient.id).await?;
        Ok(self.visible(items, |i| &i.meta.labels))
    }

    /// The other patients the user may see (the switcher), oldest first.
    pub async fn others(&self, state: &AppState) -> WebResult<Vec<Patient>> {
        let mut all = visible_among(state, &self.actor, &self.relationships, self.today).await?;
        all.retain(|p| p.id != self.patient.id);
        Ok(all)
    }
}

/// Finds the patient with a medical record number for a staff member, if the
/// decision lets them see that patient's demographics. Audited as a `read` of
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
    let found = match state.store().patient_by_mrn(mrn).await {
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
            let d = decide(actor, &p.id, &[], Section::Demographics, today);
            if d.allow {
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
        },
    )
    .await?;
    Ok(match outcome {
        Outcome::Success => patient.cloned(),
        _ => None,
    })
}

/// Counts per section; `None` where the user may not see the section.
#[derive(Debug, Clone, Default)]
pub(crate) struct SectionCounts {
    pub vitals: Option<u64>,
    pub immunizations: Option<u64>,
    pub medications: Option<u64>,
    pub allergies: Option<u64>,
    pub problems: Option<u64>,
    pub visits: Option<u64>,
    pub lab_results: Option<u64>,
}

/// The patients the signed-in user may see (the family home): their own record
/// and every patient linked by a relationship in force today, each allowed by
/// the decision for `demographics`. Staff get none here (they open patients one
/// by one).
pub(crate) async fn visible_patients(state: &AppState, user: &SignedIn) -> WebResult<Vec<Patient>> {
    let relationships = state
        .store()
        .relationships_of_account(&user.actor.account_id)
        .await?;
    let today = state.clock().today();
    visible_among(state, &user.actor, &relationships, today).await
}

async fn visible_among(
    state: &AppState,
    actor: &Actor,
    relationships: &[ProxyRelationship],
    today: Date,
) -> WebResult<Vec<Patient>> {
    if actor.staff_role.is_some() {
        return Ok(Vec::new());
    }
    let mut candidates: Vec<PatientId> = actor.own_patient.iter().cloned().collect();
    for r in relationships {
        if !candidates.contains(&r.patient_id) {
            candidates.push(r.patient_id.clone());
        }
    }
    candidates.retain(|p| decide(actor, p, relationships, Section::Demographics, today).allow);
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    Ok(state.store().patients(&candidates).await?)
}
