//! Boundaries of each access rule (ACCESS-POLICY.md rules 1-5) and properties
//! of the decision function.

use jiff::civil::{date, Date};
use proptest::prelude::*;
use sprout_domain::age::LeapDayBirthday;
use sprout_domain::people::{AccountStatus, RelationshipKind, StaffRole};
use sprout_domain::policy::{
    band, decide, filter_items, may_have_own_account, next_band_change, teen_account_notice_due,
    visible_sections, Action, Actor, ActorKind, AdolescentProxy, AgeBand, Decision,
    InfoBlockingException, Item, OwnAccount, PatientFacts, Policy, Preset, ProxyFacts, Reason,
    Relationship, Request,
};
use sprout_domain::record::{Confidentiality, Labels, Section, Sensitivity};

fn ca() -> Policy {
    Policy::preset(Preset::California)
}

fn ma() -> Policy {
    Policy::preset(Preset::Massachusetts)
}

fn rel(kind: RelationshipKind, granted_on: Date) -> Relationship {
    Relationship {
        kind,
        granted_on,
        verified: false,
        patient_approved_on: None,
        sections_hidden: Vec::new(),
        evidence_on_file: false,
        expires_on: None,
        revoked_on: None,
    }
}

fn parent(granted_on: Date) -> Relationship {
    rel(RelationshipKind::Parent, granted_on)
}

fn proxy_actor(relationship: Relationship) -> Actor {
    Actor {
        account: AccountStatus::Active,
        kind: ActorKind::Proxy(ProxyFacts {
            relationship: Some(relationship),
            other_proxies_with_access: 0,
            email: None,
        }),
    }
}

fn staff_actor(role: StaffRole, emergency_access: bool) -> Actor {
    Actor {
        account: AccountStatus::Active,
        kind: ActorKind::Staff {
            role,
            emergency_access,
        },
    }
}

fn patient(birth_date: Date) -> PatientFacts {
    PatientFacts {
        birth_date,
        account: OwnAccount::None,
        email: None,
    }
}

fn normal() -> Item {
    Item::new(Confidentiality::Normal, Vec::new())
}

fn restricted() -> Item {
    Item::new(Confidentiality::Restricted, Vec::new())
}

fn sensitive(s: Sensitivity) -> Item {
    Item::new(Confidentiality::Normal, vec![s])
}

fn thread() -> Item {
    Item {
        patient_only_thread: true,
        ..normal()
    }
}

fn view(actor: Actor, birth: Date, section: Section, item: Item) -> Request {
    Request {
        actor,
        patient: patient(birth),
        action: Action::View,
        section: Some(section),
        item: Some(item),
    }
}

/// A parent's view of `section` with `item`.
fn parent_view(r: Relationship, birth: Date, section: Section, item: Item) -> Request {
    view(proxy_actor(r), birth, section, item)
}

fn allowed(d: Decision, reason: Reason) {
    assert_eq!((d.allow, d.reason), (true, reason), "{d:?}");
    assert_eq!(d.exception, None);
}

fn denied(d: Decision, reason: Reason) {
    assert_eq!((d.allow, d.reason), (false, reason), "{d:?}");
}

// ---- Age bands -------------------------------------------------------------

#[test]
fn bands_change_on_the_birthday_itself() {
    let birth = date(2014, 11, 30);
    assert_eq!(band(&ca(), birth, date(2026, 11, 29)), AgeBand::Child);
    assert_eq!(band(&ca(), birth, date(2026, 11, 30)), AgeBand::Adolescent);
    assert_eq!(band(&ca(), birth, date(2032, 11, 29)), AgeBand::Adolescent);
    assert_eq!(band(&ca(), birth, date(2032, 11, 30)), AgeBand::Adult);
    // Massachusetts: adolescent from 13.
    assert_eq!(band(&ma(), birth, date(2026, 11, 30)), AgeBand::Child);
    assert_eq!(band(&ma(), birth, date(2027, 11, 30)), AgeBand::Adolescent);
    // A date before birth counts as age 0.
    assert_eq!(band(&ca(), birth, date(2010, 1, 1)), AgeBand::Child);
}

#[test]
fn leap_day_birthdays_follow_the_setting() {
    let birth = date(2008, 2, 29);
    let mut feb28 = ca();
    feb28.leap_day_birthday = LeapDayBirthday::February28;
    // march-1 (default): still 17 on 28 February 2026, 18 on 1 March.
    assert_eq!(band(&ca(), birth, date(2026, 2, 28)), AgeBand::Adolescent);
    assert_eq!(band(&ca(), birth, date(2026, 3, 1)), AgeBand::Adult);
    // february-28: 18 on 28 February 2026, 17 the day before.
    assert_eq!(band(&feb28, birth, date(2026, 2, 27)), AgeBand::Adolescent);
    assert_eq!(band(&feb28, birth, date(2026, 2, 28)), AgeBand::Adult);
    // In a leap year both settings use 29 February.
    let birth = date(2012, 2, 29);
    assert_eq!(band(&ca(), birth, date(2024, 2, 28)), AgeBand::Child);
    assert_eq!(band(&ca(), birth, date(2024, 2, 29)), AgeBand::Adolescent);
    assert_eq!(band(&feb28, birth, date(2024, 2, 28)), AgeBand::Child);
}

#[test]
fn leap_day_baby_and_an_approved_parent_on_the_18th_birthday() {
    let birth = date(2008, 2, 29);
    let mut r = parent(date(2008, 3, 10));
    r.patient_approved_on = Some(date(2021, 1, 5));
    let req = |today_is_adult_policy: &Policy, today: Date| {
        decide(
            today_is_adult_policy,
            &parent_view(r.clone(), birth, Section::Vitals, normal()),
            today,
        )
    };
    allowed(req(&ca(), date(2026, 2, 28)), Reason::AdolescentApproved);
    denied(req(&ca(), date(2026, 3, 1)), Reason::AdultParentNoAccess);
    let mut feb28 = ca();
    feb28.leap_day_birthday = LeapDayBirthday::February28;
    allowed(req(&feb28, date(2026, 2, 27)), Reason::AdolescentApproved);
    denied(req(&feb28, date(2026, 2, 28)), Reason::AdultParentNoAccess);
}

#[test]
fn leap_day_baby_under_massachusetts_limits_on_the_right_day() {
    let birth = date(2012, 2, 29);
    let r = parent(date(2012, 3, 15));
    let labs = |p: &Policy, today| {
        decide(
            p,
            &parent_view(r.clone(), birth, Section::LabResults, normal()),
            today,
        )
    };
    let mut feb28 = ma();
    feb28.leap_day_birthday = LeapDayBirthday::February28;
    allowed(labs(&ma(), date(2025, 2, 28)), Reason::ChildParent);
    denied(
        labs(&ma(), date(2025, 3, 1)),
        Reason::AdolescentLimitedSection,
    );
    allowed(labs(&feb28, date(2025, 2, 27)), Reason::ChildParent);
    denied(
        labs(&feb28, date(2025, 2, 28)),
        Reason::AdolescentLimitedSection,
    );
}

// ---- Rule 1 ----------------------------------------------------------------

#[test]
fn dead_accounts_are_denied_everything() {
    for status in [AccountStatus::Pending, AccountStatus::Deactivated] {
        let mut actor = staff_actor(StaffRole::Clinician, true);
        actor.account = status;
        let d = decide(
            &ca(),
            &view(actor, date(2019, 9, 9), Section::Demographics, normal()),
            date(2026, 11, 30),
        );
        denied(d, Reason::AccountNotActive);
        assert_eq!(d.exception, None);
        let mut actor = proxy_actor(parent(date(2019, 10, 1)));
        actor.account = status;
        let mut req = view(actor, date(2019, 9, 9), Section::Vitals, normal());
        req.action = Action::GrantProxy;
        denied(
            decide(&ca(), &req, date(2026, 11, 30)),
            Reason::AccountNotActive,
        );
    }
}

// ---- Rule 2 ----------------------------------------------------------------

#[test]
fn staff_roles() {
    let today = date(2026, 11, 30);
    let birth = date(2019, 9, 9);
    let act = |role, action, section, item: Item, emergency| {
        let mut req = view(staff_actor(role, emergency), birth, section, item);
        req.action = action;
        decide(&ca(), &req, today)
    };
    use StaffRole::*;
    allowed(
        act(
            FrontDesk,
            Action::View,
            Section::Demographics,
            normal(),
            false,
        ),
        Reason::StaffRole,
    );
    allowed(
        act(
            FrontDesk,
            Action::Contact,
            Section::Demographics,
            normal(),
            false,
        ),
        Reason::StaffRole,
    );
    allowed(
        act(
            FrontDesk,
            Action::Billing,
            Section::Billing,
            normal(),
            false,
        ),
        Reason::StaffRole,
    );
    denied(
        act(FrontDesk, Action::View, Section::Vitals, normal(), false),
        Reason::StaffRoleExcludesSection,
    );
    denied(
        act(
            FrontDesk,
            Action::Message,
            Section::Messages,
            normal(),
            false,
        ),
        Reason::StaffRoleExcludesSection,
    );
    denied(
        act(Nurse, Action::Billing, Section::Billing, normal(), false),
        Reason::StaffRoleExcludesAction,
    );
    allowed(
        act(Nurse, Action::Refill, Section::Medications, normal(), false),
        Reason::StaffRole,
    );
    allowed(
        act(
            Clinician,
            Action::Message,
            Section::Messages,
            normal(),
            false,
        ),
        Reason::StaffRole,
    );
    denied(
        act(Admin, Action::View, Section::Demographics, normal(), false),
        Reason::StaffRoleExcludesSection,
    );
    // Restricted items: clinicians; others only with emergency access, and
    // only within their role's sections.
    allowed(
        act(
            Clinician,
            Action::View,
            Section::ClinicalNotes,
            restricted(),
            false,
        ),
        Reason::StaffRole,
    );
    denied(
        act(
            FrontDesk,
            Action::View,
            Section::Demographics,
            restricted(),
            false,
        ),
        Reason::RestrictedNeedsClinician,
    );
    allowed(
        act(
            FrontDesk,
            Action::View,
            Section::Demographics,
            restricted(),
            true,
        ),
        Reason::EmergencyAccess,
    );
    denied(
        act(
            FrontDesk,
            Action::View,
            Section::LabResults,
            restricted(),
            true,
        ),
        Reason::StaffRoleExcludesSection,
    );
    // Sensitivity categories do not limit staff.
    allowed(
        act(
            Nurse,
            Action::View,
            Section::ClinicalNotes,
            sensitive(Sensitivity::Hiv),
            false,
        ),
        Reason::StaffRole,
    );
}

// ---- Rule 3 ----------------------------------------------------------------

#[test]
fn the_patient_and_their_own_account() {
    let birth = date(2014, 11, 30);
    let own = |account, today| {
        let mut req = view(
            Actor {
                account: AccountStatus::Active,
                kind: ActorKind::Patient,
            },
            birth,
            Section::ClinicalNotes,
            Item::new(Confidentiality::Restricted, vec![Sensitivity::SexualHealth]),
        );
        req.patient.account = account;
        decide(&ca(), &req, today)
    };
    allowed(
        own(OwnAccount::Active, date(2026, 11, 30)),
        Reason::OwnRecord,
    );
    denied(
        own(OwnAccount::Active, date(2026, 11, 29)),
        Reason::BelowAccountAge,
    );
    denied(
        own(OwnAccount::None, date(2026, 11, 30)),
        Reason::NoOwnAccount,
    );
    denied(
        own(OwnAccount::Deactivated, date(2026, 11, 30)),
        Reason::NoOwnAccount,
    );
    assert!(!may_have_own_account(&ca(), birth, date(2026, 11, 29)));
    assert!(may_have_own_account(&ca(), birth, date(2026, 11, 30)));
    assert!(!may_have_own_account(&ma(), birth, date(2026, 11, 30)));
}

// ---- Rule 4: children --------------------------------------------------------

#[test]
fn parent_of_a_child_until_the_day_before_the_12th_birthday() {
    let birth = date(2014, 11, 30);
    let r = parent(date(2014, 12, 1));
    let d = |today| {
        decide(
            &ca(),
            &parent_view(r.clone(), birth, Section::LabResults, normal()),
            today,
        )
    };
    allowed(d(date(2026, 11, 29)), Reason::ChildParent);
    let on_birthday = d(date(2026, 11, 30));
    denied(on_birthday, Reason::AdolescentNotApproved);
    assert_eq!(on_birthday.exception, Some(InfoBlockingException::Privacy));
    // A child's parent sees sensitive items but not restricted ones.
    let today = date(2026, 11, 29);
    allowed(
        decide(
            &ca(),
            &parent_view(
                r.clone(),
                birth,
                Section::ClinicalNotes,
                sensitive(Sensitivity::MentalHealth),
            ),
            today,
        ),
        Reason::ChildParent,
    );
    denied(
        decide(
            &ca(),
            &parent_view(r, birth, Section::ClinicalNotes, restricted()),
            today,
        ),
        Reason::RestrictedItem,
    );
}

#[test]
fn court_appointed_guardian_of_a_minor_counts_as_legal_guardian() {
    let birth = date(2016, 1, 1);
    let r = rel(RelationshipKind::CourtAppointedGuardian, date(2020, 1, 1));
    allowed(
        decide(
            &ca(),
            &parent_view(r, birth, Section::Vitals, normal()),
            date(2026, 11, 30),
        ),
        Reason::ChildParent,
    );
    let designee = rel(RelationshipKind::Designee, date(2020, 1, 1));
    denied(
        decide(
            &ca(),
            &parent_view(designee, birth, Section::Vitals, normal()),
            date(2026, 11, 30),
        ),
        Reason::KindDoesNotFitBand,
    );
}

// ---- Rule 4: adolescents, patient-approval -----------------------------------

#[test]
fn approval_counts_only_from_the_12th_birthday() {
    let birth = date(2013, 6, 15);
    let today = date(2026, 11, 30);
    let with_approval = |approved: Option<Date>| {
        let mut r = parent(date(2013, 7, 1));
        r.patient_approved_on = approved;
        decide(
            &ca(),
            &parent_view(r, birth, Section::Vitals, normal()),
            today,
        )
    };
    denied(
        with_approval(Some(date(2025, 6, 14))),
        Reason::ApprovalBeforeAdolescence,
    );
    allowed(
        with_approval(Some(date(2025, 6, 15))),
        Reason::AdolescentApproved,
    );
    denied(with_approval(None), Reason::AdolescentNotApproved);
    // An approval dated after today has not been given yet.
    denied(
        with_approval(Some(date(2026, 12, 1))),
        Reason::AdolescentNotApproved,
    );
}

#[test]
fn approved_proxy_of_an_adolescent_sees_no_confidential_items() {
    let birth = date(2011, 1, 20);
    let today = date(2026, 11, 30);
    let mut r = parent(date(2015, 1, 1));
    r.patient_approved_on = Some(date(2023, 2, 1));
    r.sections_hidden = vec![Section::LabResults];
    let d = |section, item| decide(&ca(), &parent_view(r.clone(), birth, section, item), today);
    allowed(d(Section::Vitals, normal()), Reason::AdolescentApproved);
    let hidden = d(Section::LabResults, normal());
    denied(hidden, Reason::SectionHiddenByPatient);
    assert_eq!(hidden.exception, Some(InfoBlockingException::Privacy));
    let sensitive_item = d(
        Section::Problems,
        sensitive(Sensitivity::ReproductiveHealth),
    );
    denied(sensitive_item, Reason::AdolescentSensitiveItem);
    // California cites Health & Safety Code §123115(a).
    assert_eq!(
        sensitive_item.exception,
        Some(InfoBlockingException::RequiredByLaw)
    );
    denied(d(Section::Problems, restricted()), Reason::RestrictedItem);
    denied(d(Section::Messages, thread()), Reason::PatientOnlyThread);
}

// ---- Rule 4: adolescents, limited ----------------------------------------------

#[test]
fn limited_mode_shows_limited_sections_and_allows_listed_actions() {
    let birth = date(2012, 6, 1);
    let today = date(2026, 11, 30);
    let r = parent(date(2012, 7, 1));
    let act = |r: &Relationship, action, section, item| {
        let mut req = parent_view(r.clone(), birth, section, item);
        req.action = action;
        decide(&ma(), &req, today)
    };
    allowed(
        act(&r, Action::View, Section::Immunizations, normal()),
        Reason::AdolescentLimited,
    );
    allowed(
        act(&r, Action::Billing, Section::Billing, normal()),
        Reason::AdolescentLimited,
    );
    allowed(
        act(&r, Action::Appointment, Section::Appointments, normal()),
        Reason::AdolescentLimited,
    );
    denied(
        act(&r, Action::Message, Section::Messages, normal()),
        Reason::AdolescentLimitedSection,
    );
    denied(
        act(&r, Action::Refill, Section::Medications, normal()),
        Reason::ProxyActionNotAllowed,
    );
    let s = act(
        &r,
        Action::View,
        Section::Immunizations,
        sensitive(Sensitivity::SexualHealth),
    );
    denied(s, Reason::AdolescentSensitiveItem);
    // Massachusetts cites no statute: the privacy exception.
    assert_eq!(s.exception, Some(InfoBlockingException::Privacy));
    // The patient's hidden sections are honoured in limited mode too.
    let mut hid = r.clone();
    hid.sections_hidden = vec![Section::Billing];
    denied(
        act(&hid, Action::Billing, Section::Billing, normal()),
        Reason::SectionHiddenByPatient,
    );
    // Granted while already adolescent: needs staff verification.
    let late = parent(date(2026, 1, 10));
    denied(
        act(&late, Action::View, Section::Immunizations, normal()),
        Reason::RelationshipNotVerified,
    );
    let verified = Relationship {
        verified: true,
        ..late
    };
    allowed(
        act(&verified, Action::View, Section::Immunizations, normal()),
        Reason::AdolescentLimited,
    );
    // The sections it opens are exactly limited_sections.
    assert_eq!(
        visible_sections(&ma(), &proxy_actor(r), &patient(birth), today),
        ma().limited_sections
    );
}

#[test]
fn proxy_actions_follow_the_setting() {
    let birth = date(2019, 9, 9);
    let today = date(2026, 11, 30);
    let mut req = parent_view(
        parent(date(2019, 10, 1)),
        birth,
        Section::Messages,
        normal(),
    );
    req.action = Action::Message;
    denied(decide(&ca(), &req, today), Reason::ProxyActionNotAllowed);
    allowed(decide(&ma(), &req, today), Reason::ChildParent);
    let mut ca_messages = ca();
    ca_messages.proxy_actions = vec![Action::Message];
    allowed(decide(&ca_messages, &req, today), Reason::ChildParent);
    // An action also needs view access to the section the request names.
    let mut teen = parent_view(
        parent(date(2012, 7, 1)),
        date(2012, 6, 1),
        Section::LabResults,
        normal(),
    );
    teen.action = Action::Billing;
    denied(
        decide(&ma(), &teen, today),
        Reason::AdolescentLimitedSection,
    );
}

// ---- Rule 4: adults ------------------------------------------------------------

#[test]
fn adults_designees_and_guardians() {
    let birth = date(2005, 4, 4);
    let today = date(2026, 11, 30);
    let d = |p: &Policy, r: Relationship, section, item| {
        decide(p, &parent_view(r, birth, section, item), today)
    };
    let guardian = rel(RelationshipKind::CourtAppointedGuardian, date(2023, 5, 1));
    denied(
        d(&ca(), guardian.clone(), Section::Vitals, normal()),
        Reason::GuardianshipPapersMissing,
    );
    let papers = Relationship {
        evidence_on_file: true,
        ..guardian
    };
    allowed(
        d(&ma(), papers.clone(), Section::Vitals, normal()),
        Reason::CourtAppointedGuardian,
    );
    allowed(
        d(
            &ma(),
            papers.clone(),
            Section::ClinicalNotes,
            sensitive(Sensitivity::MentalHealth),
        ),
        Reason::CourtAppointedGuardian,
    );
    denied(
        d(&ma(), papers, Section::ClinicalNotes, restricted()),
        Reason::RestrictedItem,
    );

    let mut designee = rel(RelationshipKind::Designee, date(2024, 1, 1));
    denied(
        d(&ca(), designee.clone(), Section::Vitals, normal()),
        Reason::WrittenConsentMissing,
    );
    designee.evidence_on_file = true;
    designee.sections_hidden = vec![Section::Billing];
    allowed(
        d(&ca(), designee.clone(), Section::Vitals, normal()),
        Reason::Designee,
    );
    denied(
        d(&ca(), designee.clone(), Section::Billing, normal()),
        Reason::SectionHiddenByPatient,
    );
    denied(
        d(
            &ca(),
            designee.clone(),
            Section::LabResults,
            sensitive(Sensitivity::Hiv),
        ),
        Reason::DesigneeSensitiveItem,
    );
    denied(
        d(&ca(), designee.clone(), Section::Messages, thread()),
        Reason::PatientOnlyThread,
    );
    denied(
        d(&ma(), designee, Section::Vitals, normal()),
        Reason::DesigneeNotAllowed,
    );
    denied(
        d(
            &ca(),
            rel(RelationshipKind::LegalGuardian, date(2010, 1, 1)),
            Section::Vitals,
            normal(),
        ),
        Reason::AdultParentNoAccess,
    );
}

// ---- Rule 4: revocation and expiry -----------------------------------------------

#[test]
fn expiry_day_is_still_allowed_and_the_day_after_is_not() {
    let birth = date(2019, 9, 9);
    let mut r = parent(date(2019, 10, 1));
    r.expires_on = Some(date(2026, 11, 30));
    let d = |today| {
        decide(
            &ca(),
            &parent_view(r.clone(), birth, Section::Vitals, normal()),
            today,
        )
    };
    allowed(d(date(2026, 11, 30)), Reason::ChildParent);
    let after = d(date(2026, 12, 1));
    denied(after, Reason::RelationshipExpired);
    assert_eq!(after.exception, None);
}

#[test]
fn revocation_takes_effect_on_its_day() {
    let birth = date(2019, 9, 9);
    let mut r = parent(date(2019, 10, 1));
    r.revoked_on = Some(date(2026, 11, 30));
    let d = |today| {
        decide(
            &ca(),
            &parent_view(r.clone(), birth, Section::Vitals, normal()),
            today,
        )
    };
    allowed(d(date(2026, 11, 29)), Reason::ChildParent);
    denied(d(date(2026, 11, 30)), Reason::RelationshipRevoked);
    denied(d(date(2027, 1, 1)), Reason::RelationshipRevoked);
    // Not yet granted.
    let future = parent(date(2026, 12, 1));
    denied(
        decide(
            &ca(),
            &parent_view(future, birth, Section::Vitals, normal()),
            date(2026, 11, 30),
        ),
        Reason::RelationshipNotYetGranted,
    );
    // No relationship at all.
    let stranger = Actor {
        account: AccountStatus::Active,
        kind: ActorKind::Proxy(ProxyFacts {
            relationship: None,
            other_proxies_with_access: 0,
            email: None,
        }),
    };
    denied(
        decide(
            &ca(),
            &view(stranger.clone(), birth, Section::Vitals, normal()),
            date(2026, 11, 30),
        ),
        Reason::NoRelationship,
    );
    assert!(visible_sections(&ca(), &stranger, &patient(birth), date(2026, 11, 30)).is_empty());
}

// ---- Rule 5 ------------------------------------------------------------------

fn grant_request(
    r: Relationship,
    birth: Date,
    others: u32,
    emails: (Option<&str>, Option<&str>),
) -> Request {
    Request {
        actor: Actor {
            account: AccountStatus::Active,
            kind: ActorKind::Proxy(ProxyFacts {
                relationship: Some(r),
                other_proxies_with_access: others,
                email: emails.0.map(str::to_owned),
            }),
        },
        patient: PatientFacts {
            birth_date: birth,
            account: OwnAccount::Active,
            email: emails.1.map(str::to_owned),
        },
        action: Action::GrantProxy,
        section: None,
        item: None,
    }
}

#[test]
fn granting_a_proxy() {
    let today = date(2026, 11, 30);
    let child = date(2019, 9, 9);
    let adult = date(2000, 1, 1);
    let p = parent(today);
    denied(
        decide(
            &ca(),
            &grant_request(p.clone(), child, 2, (None, None)),
            today,
        ),
        Reason::ProxyLimitReached,
    );
    allowed(
        decide(
            &ca(),
            &grant_request(p.clone(), child, 1, (None, None)),
            today,
        ),
        Reason::GrantAllowed,
    );
    // max_proxies = 0 means no limit.
    allowed(
        decide(
            &ma(),
            &grant_request(p.clone(), child, 40, (None, None)),
            today,
        ),
        Reason::GrantAllowed,
    );
    denied(
        decide(
            &ca(),
            &grant_request(
                p.clone(),
                child,
                0,
                (Some(" Kid@Example.ORG"), Some("kid@example.org  ")),
            ),
            today,
        ),
        Reason::SameEmailAsPatient,
    );
    allowed(
        decide(
            &ca(),
            &grant_request(
                p.clone(),
                child,
                0,
                (Some("mum@example.org"), Some("kid@example.org")),
            ),
            today,
        ),
        Reason::GrantAllowed,
    );
    denied(
        decide(&ca(), &grant_request(p, adult, 0, (None, None)), today),
        Reason::KindDoesNotFitBand,
    );
    let designee = rel(RelationshipKind::Designee, today);
    denied(
        decide(
            &ca(),
            &grant_request(designee.clone(), child, 0, (None, None)),
            today,
        ),
        Reason::KindDoesNotFitBand,
    );
    allowed(
        decide(
            &ca(),
            &grant_request(designee.clone(), adult, 0, (None, None)),
            today,
        ),
        Reason::GrantAllowed,
    );
    denied(
        decide(
            &ma(),
            &grant_request(designee, adult, 0, (None, None)),
            today,
        ),
        Reason::DesigneeNotAllowed,
    );
    let guardian = rel(RelationshipKind::CourtAppointedGuardian, today);
    allowed(
        decide(
            &ma(),
            &grant_request(guardian, adult, 0, (None, None)),
            today,
        ),
        Reason::GrantAllowed,
    );
    // The proposed proxy must be the actor.
    let mut by_staff = grant_request(parent(today), child, 0, (None, None));
    by_staff.actor = staff_actor(StaffRole::FrontDesk, false);
    denied(decide(&ca(), &by_staff, today), Reason::GrantNeedsProxy);
}

// ---- Other helpers ------------------------------------------------------------

#[test]
fn view_without_a_section_is_denied() {
    let mut req = parent_view(
        parent(date(2019, 10, 1)),
        date(2019, 9, 9),
        Section::Vitals,
        normal(),
    );
    req.section = None;
    let d = decide(&ca(), &req, date(2026, 11, 30));
    denied(d, Reason::SectionRequired);
    assert_eq!(d.reason.rule(), None);
    // Other actions name their own section.
    req.action = Action::Message;
    allowed(decide(&ma(), &req, date(2026, 11, 30)), Reason::ChildParent);
}

#[test]
fn filter_items_splits_a_view_with_reasons() {
    let birth = date(2011, 1, 20);
    let today = date(2026, 11, 30);
    let mut r = parent(date(2015, 1, 1));
    r.patient_approved_on = Some(date(2023, 2, 1));
    r.sections_hidden = vec![Section::Documents];
    let labels = |c, s: Vec<Sensitivity>| Labels {
        confidentiality: c,
        sensitivity: s,
    };
    let items = [
        (Section::LabResults, labels(Confidentiality::Normal, vec![])),
        (
            Section::LabResults,
            labels(Confidentiality::Normal, vec![Sensitivity::Hiv]),
        ),
        (Section::Documents, labels(Confidentiality::Normal, vec![])),
        (Section::Vitals, labels(Confidentiality::Restricted, vec![])),
        (Section::Vitals, labels(Confidentiality::Normal, vec![])),
    ];
    let out = filter_items(&ca(), &proxy_actor(r), &patient(birth), today, items.iter());
    assert_eq!(out.kept, vec![&items[0], &items[4]]);
    let why: Vec<(Reason, Option<InfoBlockingException>)> = out
        .withheld
        .iter()
        .map(|w| (w.decision.reason, w.decision.exception))
        .collect();
    assert_eq!(
        why,
        vec![
            (
                Reason::AdolescentSensitiveItem,
                Some(InfoBlockingException::RequiredByLaw)
            ),
            (
                Reason::SectionHiddenByPatient,
                Some(InfoBlockingException::Privacy)
            ),
            (Reason::RestrictedItem, Some(InfoBlockingException::Privacy)),
        ]
    );
    assert!(std::ptr::eq(out.withheld[0].item, &items[1]));
    // Message threads carry the patient-only flag.
    let threads = vec![(Section::Messages, normal()), (Section::Messages, thread())];
    let mut r = parent(date(2015, 1, 1));
    r.patient_approved_on = Some(date(2023, 2, 1));
    let out = filter_items(&ca(), &proxy_actor(r), &patient(birth), today, threads);
    assert_eq!(out.kept.len(), 1);
    assert!(!out.kept[0].1.patient_only_thread);
    assert_eq!(out.withheld[0].decision.reason, Reason::PatientOnlyThread);
}

#[test]
fn visible_sections_of_a_child_and_an_unapproved_teen() {
    let today = date(2026, 11, 30);
    let all = visible_sections(
        &ca(),
        &proxy_actor(parent(date(2019, 10, 1))),
        &patient(date(2019, 9, 9)),
        today,
    );
    assert_eq!(all, Section::ALL.to_vec());
    let none = visible_sections(
        &ca(),
        &proxy_actor(parent(date(2013, 7, 1))),
        &patient(date(2013, 6, 15)),
        today,
    );
    assert!(none.is_empty());
}

#[test]
fn notices_and_band_changes() {
    let birth = date(2013, 6, 15);
    assert_eq!(
        next_band_change(&ca(), birth, date(2020, 1, 1)),
        Some((date(2025, 6, 15), AgeBand::Adolescent))
    );
    assert_eq!(
        next_band_change(&ca(), birth, date(2025, 6, 15)),
        Some((date(2031, 6, 15), AgeBand::Adult))
    );
    assert_eq!(next_band_change(&ca(), birth, date(2031, 6, 15)), None);
    assert_eq!(
        teen_account_notice_due(&ma(), birth, date(2026, 6, 15)),
        Some(13)
    );
    assert_eq!(
        teen_account_notice_due(&ma(), birth, date(2027, 6, 15)),
        Some(14)
    );
    assert_eq!(
        teen_account_notice_due(&ma(), birth, date(2026, 6, 16)),
        None
    );
    assert_eq!(
        teen_account_notice_due(&ca(), birth, date(2026, 6, 15)),
        None
    );
}

#[test]
fn reasons_have_stable_codes_and_rules() {
    assert_eq!(Reason::AccountNotActive.code(), "account-not-active");
    assert_eq!(Reason::AccountNotActive.rule(), Some(1));
    assert_eq!(Reason::RestrictedNeedsClinician.rule(), Some(2));
    assert_eq!(Reason::OwnRecord.rule(), Some(3));
    assert_eq!(Reason::ChildParent.rule(), Some(4));
    assert_eq!(Reason::ProxyLimitReached.rule(), Some(5));
    for r in Reason::ALL {
        assert_eq!(r.code().parse::<Reason>().as_ref(), Ok(r));
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::Value::String(r.code().into())
        );
    }
}

// ---- Properties -----------------------------------------------------------------

fn any_date(from_year: i16, to_year: i16) -> impl Strategy<Value = Date> {
    (from_year..=to_year, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
        Date::new(y, m, d.min(jiff::civil::date(y, m, 1).days_in_month())).unwrap()
    })
}

fn any_section() -> impl Strategy<Value = Section> {
    prop::sample::select(Section::ALL)
}

fn any_sections() -> impl Strategy<Value = Vec<Section>> {
    prop::sample::subsequence(Section::ALL.to_vec(), 0..=Section::ALL.len())
}

fn any_policy() -> impl Strategy<Value = Policy> {
    (
        prop::sample::select(Preset::ALL),
        prop::sample::select(AdolescentProxy::ALL),
        any_sections(),
        prop::sample::subsequence(
            vec![
                Action::Message,
                Action::Refill,
                Action::Appointment,
                Action::Billing,
                Action::Contact,
            ],
            0..=5,
        ),
        prop::bool::ANY,
    )
        .prop_map(|(preset, mode, limited, actions, feb28)| {
            let mut p = Policy::preset(preset);
            p.adolescent_proxy = mode;
            p.limited_sections = limited;
            p.proxy_actions = actions;
            if feb28 {
                p.leap_day_birthday = LeapDayBirthday::February28;
            }
            p
        })
}

fn any_relationship() -> impl Strategy<Value = Relationship> {
    (
        prop::sample::select(RelationshipKind::ALL),
        any_date(1990, 2030),
        prop::bool::ANY,
        prop::option::of(any_date(1990, 2030)),
        any_sections(),
        prop::bool::ANY,
        prop::option::of(any_date(1990, 2040)),
        prop::option::of(any_date(1990, 2040)),
    )
        .prop_map(
            |(kind, granted_on, verified, approved, hidden, evidence, expires_on, revoked_on)| {
                Relationship {
                    kind,
                    granted_on,
                    verified,
                    patient_approved_on: approved,
                    sections_hidden: hidden,
                    evidence_on_file: evidence,
                    expires_on,
                    revoked_on,
                }
            },
        )
}

/// An item that a proxy of an adolescent must never get: a sensitivity
/// category, `restricted`, or a patient-only thread (at least one of them).
fn confidential_item() -> impl Strategy<Value = Item> {
    (
        prop::bool::ANY,
        prop::sample::subsequence(Sensitivity::ALL.to_vec(), 0..=Sensitivity::ALL.len()),
        prop::bool::ANY,
    )
        .prop_filter("confidential", |(r, s, t)| *r || !s.is_empty() || *t)
        .prop_map(|(r, s, t)| Item {
            labels: Labels {
                confidentiality: if r {
                    Confidentiality::Restricted
                } else {
                    Confidentiality::Normal
                },
                sensitivity: s,
            },
            patient_only_thread: t,
        })
}

proptest! {
    #[test]
    fn adolescents_confidential_items_never_reach_a_proxy(
        policy in any_policy(),
        today in any_date(2000, 2040),
        age_days in 0i32..(7 * 366),
        relationship in any_relationship(),
        action in prop::sample::select(vec![
            Action::View, Action::Message, Action::Refill, Action::Appointment,
            Action::Billing, Action::Contact,
        ]),
        section in prop::option::of(any_section()),
        item in confidential_item(),
        account in prop::sample::select(OwnAccount::ALL),
    ) {
        // A birth date making the patient adolescent today.
        let youngest = jiff::Span::new().years(i64::from(policy.adolescent_age));
        let birth = today.checked_sub(youngest).unwrap().checked_sub(jiff::Span::new().days(age_days)).unwrap();
        prop_assume!(band(&policy, birth, today) == AgeBand::Adolescent);
        let actor = proxy_actor(relationship);
        let patient_facts = PatientFacts { birth_date: birth, account, email: None };
        let request = Request {
            actor: actor.clone(),
            patient: patient_facts.clone(),
            action,
            section,
            item: Some(item.clone()),
        };
        let d = decide(&policy, &request, today);
        prop_assert!(!d.allow, "allowed: {:?}", d);
        let s = section.unwrap_or(Section::Messages);
        let out = filter_items(&policy, &actor, &patient_facts, today, [(s, item)]);
        prop_assert!(out.kept.is_empty());
        let as_view = Request { action: Action::View, section: Some(s), ..request };
        prop_assert_eq!(out.withheld[0].decision, decide(&policy, &as_view, today));
    }

    #[test]
    fn a_verified_parent_of_a_child_sees_every_normal_item(
        policy in any_policy(),
        today in any_date(2000, 2040),
        age_days in 0i32..(11 * 365),
        section in any_section(),
    ) {
        let birth = today.checked_sub(jiff::Span::new().days(age_days)).unwrap();
        prop_assume!(band(&policy, birth, today) == AgeBand::Child);
        let r = parent(birth);
        let d = decide(&policy, &parent_view(r, birth, section, normal()), today);
        prop_assert_eq!((d.allow, d.reason), (true, Reason::ChildParent));
    }

    #[test]
    fn decisions_are_consistent(
        policy in any_policy(),
        today in any_date(2000, 2040),
        birth in any_date(1980, 2040),
        relationship in any_relationship(),
        section in any_section(),
        item in confidential_item(),
    ) {
        let d = decide(&policy, &parent_view(relationship, birth, section, item), today);
        prop_assert_eq!(d.allow, d.reason.allows());
        if d.allow {
            prop_assert_eq!(d.exception, None);
        }
    }
}

#[test]
fn approved_parent_until_the_day_before_the_18th_birthday() {
    let birth = date(2008, 11, 30);
    let mut r = parent(date(2015, 1, 1));
    r.patient_approved_on = Some(date(2021, 1, 5));
    let d = |today| {
        decide(
            &ca(),
            &parent_view(r.clone(), birth, Section::Immunizations, normal()),
            today,
        )
    };
    allowed(d(date(2026, 11, 29)), Reason::AdolescentApproved);
    let on_birthday = d(date(2026, 11, 30));
    denied(on_birthday, Reason::AdultParentNoAccess);
    assert_eq!(on_birthday.exception, Some(InfoBlockingException::Privacy));
    // A designee named before the 18th birthday counts only from it.
    let mut designee = rel(RelationshipKind::Designee, date(2026, 11, 1));
    designee.evidence_on_file = true;
    let d = |today| {
        decide(
            &ca(),
            &parent_view(designee.clone(), birth, Section::Immunizations, normal()),
            today,
        )
    };
    denied(d(date(2026, 11, 29)), Reason::KindDoesNotFitBand);
    allowed(d(date(2026, 11, 30)), Reason::Designee);
}
