//! The enrollment part of the store contract
//! ([`crate::enrollment::EnrollmentStore`]): slips round-trip, one
//! enrollment write is all or nothing, tokens and PINs are used once, PIN
//! failures lock at the limit, link requests are decided once. Backends call
//! [`enrollment`] with a fresh, migrated store.

use crate::enrollment::{EnrollmentToken, EnrollmentWrite, LinkPin, LinkRequest, StoredSlip};
use crate::{NewAccount, NewEmail, Store, StoreError};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use sprout_domain::enrollment::{LinkRequestStatus, ProxyEntry, Slip, SlipStatus, TokenPurpose};
use sprout_domain::people::{AccountStatus, ProxyRelationship, RelationshipKind};
use sprout_domain::record::{AdministrativeSex, Labels, Patient};
use sprout_domain::{AccountId, PatientId};

fn aid(s: &str) -> AccountId {
    AccountId::parse(s).expect("test account id")
}

fn pid(s: &str) -> PatientId {
    PatientId::parse(s).expect("test patient id")
}

fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

fn patient(id: &str, mrn: &str) -> Patient {
    Patient {
        id: pid(id),
        source_id: None,
        mrn: Some(mrn.into()),
        given_name: "Nia".into(),
        family_name: "Okafor".into(),
        birth_date: date(2020, 5, 5),
        sex: AdministrativeSex::Unknown,
        phone: None,
        email: None,
        address: None,
        gestation_weeks: None,
        labels: Labels::default(),
    }
}

fn pending(id: &str, email: &str) -> NewAccount {
    NewAccount {
        id: aid(id),
        email: email.into(),
        display_name: "Ife Okafor".into(),
        password_hash: "!".into(),
        status: AccountStatus::Pending,
        staff_role: None,
        patient_id: None,
    }
}

fn rel(id: &str, account: &str, patient: &str) -> ProxyRelationship {
    ProxyRelationship {
        id: id.into(),
        account_id: aid(account),
        patient_id: pid(patient),
        kind: RelationshipKind::Parent,
        granted_on: date(2026, 3, 1),
        verified_on: Some(date(2026, 3, 1)),
        patient_approved_on: None,
        sections_hidden: vec![],
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    }
}

fn mail(id: &str, to: &str) -> NewEmail {
    NewEmail {
        id: id.into(),
        to_address: to.into(),
        subject: "Your portal account".into(),
        body_text: "Open the link.".into(),
        body_html: None,
        locale: "en".into(),
    }
}

/// Every enrollment check.
pub async fn enrollment(store: &dyn Store) {
    slips(store).await;
    writes_and_tokens(store).await;
    pins(store).await;
    link_requests(store).await;
}

/// Slips are stored as typed and replaced by id; listed by status.
pub async fn slips(store: &dyn Store) {
    let slip = Slip {
        given_name: "Nia".into(),
        family_name: "O'Kafor".into(),
        birth_date: "not a date".into(),
        mrn: "ES-1".into(),
        form_type: "under-12".into(),
        consent: false,
        patient_email: String::new(),
        proxies: vec![ProxyEntry {
            name: "Ife".into(),
            email: "IFE@example.org".into(),
            birth_date: "1990-01-01".into(),
            relationship: "parent".into(),
        }],
    };
    let mut stored = StoredSlip {
        id: "es-slip-1".into(),
        slip,
        status: SlipStatus::Invalid,
        problems: vec!["consent-missing".into(), "birth-date-missing".into()],
        received_on: date(2026, 3, 2),
        entered_by: None,
        updated_at: ts("2026-03-02T10:00:00Z"),
        patient_id: None,
    };
    store.save_slip(&stored).await.unwrap();
    assert_eq!(
        store.slip("es-slip-1").await.unwrap().as_ref(),
        Some(&stored)
    );
    stored.status = SlipStatus::Valid;
    stored.problems.clear();
    stored.slip.consent = true;
    store.save_slip(&stored).await.unwrap();
    assert_eq!(
        store.slip("es-slip-1").await.unwrap().as_ref(),
        Some(&stored)
    );
    let valid = store.slips(Some(SlipStatus::Valid), 0).await.unwrap();
    assert!(valid.iter().any(|s| s.id == "es-slip-1"));
    assert!(store
        .slips(Some(SlipStatus::Invalid), 0)
        .await
        .unwrap()
        .iter()
        .all(|s| s.id != "es-slip-1"));
    assert_eq!(store.slip("es-none").await.unwrap(), None);
}

/// One write is all or nothing; a token is used once, before it expires,
/// and only activates a pending account.
pub async fn writes_and_tokens(store: &dyn Store) {
    let now = ts("2026-03-02T10:00:00Z");
    let token = |hash: &str, account: &str, purpose| EnrollmentToken {
        token_hash: hash.into(),
        purpose,
        account_id: aid(account),
        created_at: now,
        expires_at: now.checked_add(SignedDuration::from_hours(24)).unwrap(),
    };
    let write = EnrollmentWrite {
        patients: vec![patient("es-p1", "ES-MRN-1")],
        accounts: vec![pending("es-a1", "ife@example.org")],
        own_logins: vec![],
        relationships: vec![rel("es-r1", "es-a1", "es-p1")],
        tokens: vec![token("es-t1", "es-a1", TokenPurpose::Activation)],
        emails: vec![mail("es-m1", "ife@example.org")],
        invited_slips: vec![],
        audit: vec![],
        now: Some(now),
    };
    // A conflicting write (an email taken twice) stores nothing at all.
    let mut bad = write.clone();
    bad.accounts.push(pending("es-a2", " IFE@example.org "));
    assert!(matches!(
        store.apply_enrollment(&bad).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store
        .account_by_email("ife@example.org")
        .await
        .unwrap()
        .is_none());
    assert!(store.patient(&pid("es-p1")).await.unwrap().is_none());
    assert!(store
        .outbox_messages(0)
        .await
        .unwrap()
        .iter()
        .all(|m| m.id != "es-m1"));

    store.apply_enrollment(&write).await.unwrap();
    let (account, _) = store
        .account_by_email("ife@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::Pending);
    assert_eq!(
        store
            .relationships_of_account(&aid("es-a1"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .outbox_messages(0)
        .await
        .unwrap()
        .iter()
        .any(|m| m.id == "es-m1"));
    assert!(store
        .live_token("es-t1", TokenPurpose::Activation, now)
        .await
        .unwrap()
        .is_some());
    // Wrong purpose, expired: nothing.
    assert!(store
        .redeem_token("es-t1", TokenPurpose::VerifyEmail, now, None)
        .await
        .unwrap()
        .is_none());
    let late = now.checked_add(SignedDuration::from_hours(25)).unwrap();
    assert!(store
        .redeem_token("es-t1", TokenPurpose::Activation, late, Some("$argon2id$x"))
        .await
        .unwrap()
        .is_none());
    // Used once.
    assert_eq!(
        store
            .redeem_token("es-t1", TokenPurpose::Activation, now, Some("$argon2id$x"))
            .await
            .unwrap(),
        Some(aid("es-a1"))
    );
    let (active, hash) = store
        .account_by_email("ife@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(active.status, AccountStatus::Active);
    assert_eq!(hash, "$argon2id$x");
    assert!(store
        .redeem_token("es-t1", TokenPurpose::Activation, now, Some("$argon2id$y"))
        .await
        .unwrap()
        .is_none());
    // A token never reactivates a deactivated account.
    store
        .apply_enrollment(&EnrollmentWrite {
            tokens: vec![token("es-t2", "es-a1", TokenPurpose::Activation)],
            now: Some(now),
            ..EnrollmentWrite::default()
        })
        .await
        .unwrap();
    store
        .set_account_status(&aid("es-a1"), AccountStatus::Deactivated)
        .await
        .unwrap();
    assert!(store
        .redeem_token("es-t2", TokenPurpose::Activation, now, None)
        .await
        .unwrap()
        .is_none());
    // An existing account becomes a patient's own login.
    store
        .apply_enrollment(&EnrollmentWrite {
            accounts: vec![pending("es-a3", "teen@example.org")],
            own_logins: vec![(aid("es-a3"), pid("es-p1"))],
            now: Some(now),
            ..EnrollmentWrite::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .account_of_patient(&pid("es-p1"))
            .await
            .unwrap()
            .map(|a| a.id),
        Some(aid("es-a3"))
    );
}

/// A PIN is replaced on reissue, used once, locks at the limit.
pub async fn pins(store: &dyn Store) {
    let now = ts("2026-03-02T10:00:00Z");
    store
        .apply_enrollment(&EnrollmentWrite {
            patients: vec![patient("es-p2", "ES-MRN-2")],
            accounts: vec![pending("es-a4", "pin.parent@example.org")],
            now: Some(now),
            ..EnrollmentWrite::default()
        })
        .await
        .unwrap();
    let pin = |hash: &str| LinkPin {
        patient_id: pid("es-p2"),
        pin_hash: hash.into(),
        issued_at: now,
        expires_at: now.checked_add(SignedDuration::from_hours(24)).unwrap(),
        issued_by: None,
        used_at: None,
        failures: 0,
        locked_at: None,
    };
    store.issue_pin(&pin("es-h1")).await.unwrap();
    assert_eq!(
        store.pin_by_hash("es-h1").await.unwrap(),
        Some(pin("es-h1"))
    );
    assert_eq!(
        store
            .live_pins_born_on(date(2020, 5, 5), now)
            .await
            .unwrap(),
        vec![pid("es-p2")]
    );
    // Failures count and lock at the limit.
    for i in 1..=3u32 {
        let locked = store
            .record_pin_failure(&[pid("es-p2")], 3, now)
            .await
            .unwrap();
        assert_eq!(locked.len(), usize::from(i == 3), "attempt {i}");
    }
    let p = store.pin_of_patient(&pid("es-p2")).await.unwrap().unwrap();
    assert_eq!(p.failures, 3);
    assert_eq!(p.locked_at, Some(now));
    assert!(store
        .live_pins_born_on(date(2020, 5, 5), now)
        .await
        .unwrap()
        .is_empty());
    assert!(!store
        .redeem_pin("es-h1", now, &rel("es-r2", "es-a4", "es-p2"))
        .await
        .unwrap());
    // A reissue replaces it (the old PIN is gone) and unlocks.
    store.issue_pin(&pin("es-h2")).await.unwrap();
    assert_eq!(store.pin_by_hash("es-h1").await.unwrap(), None);
    let late = now.checked_add(SignedDuration::from_hours(25)).unwrap();
    assert!(!store
        .redeem_pin("es-h2", late, &rel("es-r2", "es-a4", "es-p2"))
        .await
        .unwrap());
    assert!(store
        .redeem_pin("es-h2", now, &rel("es-r2", "es-a4", "es-p2"))
        .await
        .unwrap());
    assert_eq!(
        store
            .relationships_of_patient(&pid("es-p2"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(!store
        .redeem_pin("es-h2", now, &rel("es-r3", "es-a4", "es-p2"))
        .await
        .unwrap());
    assert!(store
        .pin_of_patient(&pid("es-p2"))
        .await
        .unwrap()
        .unwrap()
        .used_at
        .is_some());
}

/// A link request is decided once; an approval adds the relationship and
/// the email in the same transaction.
pub async fn link_requests(store: &dyn Store) {
    let now = ts("2026-03-02T10:00:00Z");
    store
        .apply_enrollment(&EnrollmentWrite {
            patients: vec![patient("es-p3", "ES-MRN-3")],
            accounts: vec![pending("es-a5", "req.parent@example.org")],
            now: Some(now),
            ..EnrollmentWrite::default()
        })
        .await
        .unwrap();
    let r = LinkRequest {
        id: "es-q1".into(),
        account_id: aid("es-a5"),
        child_name: "Nia Okafor".into(),
        mrn: "ES-MRN-3".into(),
        visit_date: date(2026, 2, 1),
        relationship: RelationshipKind::Parent,
        created_at: now,
        status: LinkRequestStatus::Pending,
        decided_by: None,
        decided_at: None,
    };
    store.create_link_request(&r).await.unwrap();
    assert_eq!(
        store.link_request("es-q1").await.unwrap().as_ref(),
        Some(&r)
    );
    assert!(store
        .link_requests(Some(LinkRequestStatus::Pending))
        .await
        .unwrap()
        .contains(&r));
    let decided = store
        .decide_link_request(
            "es-q1",
            LinkRequestStatus::Approved,
            &aid("es-a5"),
            now,
            Some(&rel("es-r4", "es-a5", "es-p3")),
            &mail("es-m2", "req.parent@example.org"),
        )
        .await
        .unwrap();
    assert!(decided);
    assert_eq!(
        store
            .relationships_of_patient(&pid("es-p3"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .outbox_messages(0)
        .await
        .unwrap()
        .iter()
        .any(|m| m.id == "es-m2"));
    let again = store
        .decide_link_request(
            "es-q1",
            LinkRequestStatus::Rejected,
            &aid("es-a5"),
            now,
            None,
            &mail("es-m3", "req.parent@example.org"),
        )
        .await
        .unwrap();
    assert!(!again);
    let stored = store.link_request("es-q1").await.unwrap().unwrap();
    assert_eq!(stored.status, LinkRequestStatus::Approved);
    assert_eq!(stored.decided_at, Some(now));
}
