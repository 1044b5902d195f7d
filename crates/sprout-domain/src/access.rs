//! From stored facts to the access policy's questions.
//!
//! A server knows a signed-in account ([`Actor`]), a stored [`Patient`], the
//! patient's own login (if any) and stored [`ProxyRelationship`]s; the access
//! policy ([`crate::policy`]) reads a [`policy::Actor`] and
//! [`policy::PatientFacts`]. This module builds those the same way for every
//! channel (pages, the demo's login list, later the API and notices), so the
//! facts the policy decides on are read identically everywhere. It decides
//! nothing itself: every answer comes from [`policy::decide`] and the
//! functions built on it.

use crate::ids::{AccountId, PatientId};
use crate::people::{AccountStatus, ProxyRelationship, StaffRole};
use crate::policy::{self, OwnAccount, PatientFacts, Policy, ProxyFacts};
use crate::record::{Patient, Section};
use jiff::civil::Date;

/// Who is asking, as established by a checked session (status re-read on every
/// request).
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

/// The patient's own login as the policy reads it: no login, active, or not
/// active (pending and deactivated logins both count as deactivated).
pub fn own_account(status: Option<AccountStatus>) -> OwnAccount {
    match status {
        None => OwnAccount::None,
        Some(AccountStatus::Active) => OwnAccount::Active,
        Some(AccountStatus::Pending | AccountStatus::Deactivated) => OwnAccount::Deactivated,
    }
}

/// The facts the policy reads about a patient: the birth date, the own login's
/// status, and the email rule 5 compares a new proxy's with (the own login's,
/// else the one on the chart).
pub fn patient_facts(
    patient: &Patient,
    own_status: Option<AccountStatus>,
    own_email: Option<&str>,
) -> PatientFacts {
    PatientFacts {
        birth_date: patient.birth_date,
        account: own_account(own_status),
        email: own_email
            .map(str::to_owned)
            .or_else(|| patient.email.clone()),
    }
}

/// A stored relationship as the policy reads it on `today`. Verified means
/// verified by staff on or before today; evidence counts only until its
/// `evidence_expires_on` ([`ProxyRelationship::evidence_on_file_on`]).
pub fn relationship_facts(rel: &ProxyRelationship, today: Date) -> policy::Relationship {
    policy::Relationship {
        kind: rel.kind,
        granted_on: rel.granted_on,
        verified: rel.verified_on.is_some_and(|d| d <= today),
        patient_approved_on: rel.patient_approved_on,
        sections_hidden: rel.sections_hidden.clone(),
        evidence_on_file: rel.evidence_on_file_on(today),
        expires_on: rel.expires_on,
        revoked_on: rel.revoked_on,
    }
}

/// The policy's actor for an account acting through one relationship (or
/// none): a proxy, whatever else the account is. `email` and
/// `other_proxies_with_access` matter only to `grant-proxy` (rule 5).
pub fn proxy_actor(
    status: AccountStatus,
    relationship: Option<policy::Relationship>,
    other_proxies_with_access: u32,
    email: Option<String>,
) -> policy::Actor {
    policy::Actor {
        account: status,
        kind: policy::ActorKind::Proxy(ProxyFacts {
            relationship,
            other_proxies_with_access,
            email,
        }),
    }
}

/// The policy's actor for `actor` asking about the patient `patient_id`
/// (whose facts are `patient`) on `today`:
///
/// - staff by their role (no emergency access: break-the-glass is not
///   offered yet);
/// - the patient, for the account's own record;
/// - otherwise a proxy, through the account's relationship to this patient
///   among `relationships` (which may hold any relationships, of any account
///   and patient). When the account has several to the same patient (an old
///   revoked one and a new one; a parent who is also the adult's
///   court-appointed guardian), the one that lets it see the most sections
///   today is used, the latest granted among equals; with none, a proxy
///   without a relationship (denied, `no-relationship`).
pub fn actor_for(
    policy: &Policy,
    actor: &Actor,
    patient_id: &PatientId,
    patient: &PatientFacts,
    relationships: &[ProxyRelationship],
    today: Date,
) -> policy::Actor {
    if let Some(role) = actor.staff_role {
        return policy::Actor {
            account: actor.status,
            kind: policy::ActorKind::Staff {
                role,
                emergency_access: false,
            },
        };
    }
    if actor.own_patient.as_ref() == Some(patient_id) {
        return policy::Actor {
            account: actor.status,
            kind: policy::ActorKind::Patient,
        };
    }
    let mut best: Option<(usize, policy::Actor)> = None;
    for rel in relationships
        .iter()
        .filter(|r| &r.patient_id == patient_id && r.account_id == actor.account_id)
    {
        let candidate = proxy_actor(actor.status, Some(relationship_facts(rel, today)), 0, None);
        let seen = policy::visible_sections(policy, &candidate, patient, today).len();
        if best.as_ref().is_none_or(|(n, _)| seen >= *n) {
            best = Some((seen, candidate));
        }
    }
    best.map(|(_, a)| a)
        .unwrap_or_else(|| proxy_actor(actor.status, None, 0, None))
}

/// The facts of the patient's own record when the actor is that patient: the
/// own login is the actor's. Use it where the patient's own account was not
/// looked up (the demo's login list); servers look it up.
pub fn own_record_facts(actor: &Actor, patient: &Patient) -> Option<PatientFacts> {
    (actor.own_patient.as_ref() == Some(&patient.id))
        .then(|| patient_facts(patient, Some(actor.status), None))
}

/// The sections of `patient_id` that `actor` may view on `today`
/// ([`policy::visible_sections`] for the actor [`actor_for`] builds). Empty
/// means the patient is not theirs to know about.
pub fn visible_sections(
    policy: &Policy,
    actor: &Actor,
    patient_id: &PatientId,
    patient: &PatientFacts,
    relationships: &[ProxyRelationship],
    today: Date,
) -> Vec<Section> {
    let a = actor_for(policy, actor, patient_id, patient, relationships, today);
    policy::visible_sections(policy, &a, patient, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::RelationshipKind;
    use crate::record::{AdministrativeSex, Labels};
    use jiff::civil::date;

    fn kid(born: Date) -> Patient {
        Patient {
            id: PatientId::parse("kid").unwrap(),
            source_id: None,
            mrn: None,
            given_name: "Kid".into(),
            family_name: "Test".into(),
            birth_date: born,
            sex: AdministrativeSex::Unknown,
            phone: None,
            email: Some("kid@example.org".into()),
            address: None,
            gestation_weeks: None,
            labels: Labels::default(),
        }
    }

    fn parent() -> Actor {
        Actor {
            account_id: AccountId::parse("mom").unwrap(),
            status: AccountStatus::Active,
            staff_role: None,
            own_patient: None,
        }
    }

    fn rel(kind: RelationshipKind, granted: Date) -> ProxyRelationship {
        ProxyRelationship {
            id: format!("r-{kind}-{granted}"),
            account_id: AccountId::parse("mom").unwrap(),
            patient_id: PatientId::parse("kid").unwrap(),
            kind,
            granted_on: granted,
            verified_on: None,
            patient_approved_on: None,
            sections_hidden: vec![],
            evidence_on_file: false,
            evidence_expires_on: None,
            expires_on: None,
            revoked_on: None,
        }
    }

    #[test]
    fn a_parent_sees_a_child_and_loses_an_adult() {
        let p = Policy::default();
        let k = kid(date(2008, 5, 1));
        let facts = patient_facts(&k, None, None);
        let rels = [rel(RelationshipKind::Parent, date(2008, 5, 2))];
        let seen = |today| visible_sections(&p, &parent(), &k.id, &facts, &rels, today);
        assert_eq!(seen(date(2019, 1, 1)).len(), Section::ALL.len());
        // Adolescent without approval, then adult: nothing.
        assert!(seen(date(2021, 1, 1)).is_empty());
        assert!(seen(date(2026, 5, 1)).is_empty());
    }

    #[test]
    fn the_relationship_that_gives_most_is_used() {
        let p = Policy::default();
        let k = kid(date(2000, 1, 1));
        let facts = patient_facts(&k, None, None);
        let mut guardian = rel(RelationshipKind::CourtAppointedGuardian, date(2019, 1, 1));
        guardian.evidence_on_file = true;
        guardian.evidence_expires_on = Some(date(2026, 6, 30));
        let rels = [guardian, rel(RelationshipKind::Parent, date(2000, 1, 2))];
        let seen = |today| visible_sections(&p, &parent(), &k.id, &facts, &rels, today);
        assert_eq!(seen(date(2026, 6, 30)).len(), Section::ALL.len());
        // The papers' end date passed: as if not on file.
        assert!(seen(date(2026, 7, 1)).is_empty());
    }

    #[test]
    fn staff_and_own_record() {
        let p = Policy::default();
        let k = kid(date(2010, 1, 1));
        let teen = Actor {
            account_id: AccountId::parse("teen").unwrap(),
            status: AccountStatus::Active,
            staff_role: None,
            own_patient: Some(k.id.clone()),
        };
        let facts = own_record_facts(&teen, &k).unwrap();
        assert_eq!(facts.account, OwnAccount::Active);
        assert_eq!(facts.email.as_deref(), Some("kid@example.org"));
        assert_eq!(
            visible_sections(&p, &teen, &k.id, &facts, &[], date(2026, 1, 1)).len(),
            Section::ALL.len()
        );
        let desk = Actor {
            staff_role: Some(StaffRole::FrontDesk),
            own_patient: None,
            ..teen
        };
        assert_eq!(
            visible_sections(&p, &desk, &k.id, &facts, &[], date(2026, 1, 1)),
            vec![
                Section::Demographics,
                Section::Appointments,
                Section::Billing
            ]
        );
        assert_eq!(
            own_account(Some(AccountStatus::Pending)),
            OwnAccount::Deactivated
        );
    }
}
