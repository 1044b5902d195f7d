//! The contract of [`crate::care`]: refill requests, appointments and their
//! requests, pre-check-in. Run by [`crate::contract::run_all`] on every
//! backend; its ids and emails start with `care-`.

use crate::care::{
    AppointmentRequest, Insurance, InsuranceChange, RefillRequest, RequestStatus, Signature,
    StaffDecision,
};
use crate::{ImportBatch, NewAccount, Store, StoreError};
use jiff::civil::date;
use jiff::Timestamp;
use sprout_domain::people::AccountStatus;
use sprout_domain::record::{
    AdministrativeSex, Appointment, ItemMeta, Labels, MedicationRequest, Patient, RecordItem,
};
use sprout_domain::{AccountId, ItemId, PatientId};

fn t(s: &str) -> Timestamp {
    s.parse().expect("test time")
}

fn appointment(id: &str, patient: &PatientId, status: &str, start: &str) -> Appointment {
    Appointment {
        meta: ItemMeta {
            id: ItemId::parse(id).unwrap(),
            patient_id: patient.clone(),
            source_id: format!("{id}-src"),
            labels: Labels::default(),
        },
        status: status.into(),
        visit_type: Some("Well child visit".into()),
        reason_text: Some("Checkup".into()),
        start: Some(start.into()),
        end: Some(start.replace(":00:00", ":30:00")),
        practitioner: Some("Dr. Rivera".into()),
        location: Some("Main office".into()),
        video: false,
    }
}

fn decision(status: RequestStatus, by: &AccountId, at: &str, message: &str) -> StaffDecision {
    StaffDecision {
        status,
        by: by.clone(),
        at: t(at),
        message: message.into(),
    }
}

/// Every check of the care stores.
pub(crate) async fn run(store: &dyn Store) {
    let pid = PatientId::parse("care-p1").unwrap();
    let patient = Patient {
        id: pid.clone(),
        source_id: Some("care-src-p1".into()),
        mrn: None,
        given_name: "Ivy".into(),
        family_name: "Stone".into(),
        birth_date: date(2015, 1, 2),
        sex: AdministrativeSex::Female,
        phone: None,
        email: None,
        address: None,
        gestation_weeks: None,
        labels: Labels::default(),
    };
    let med_id = ItemId::parse("care-m1").unwrap();
    let med = MedicationRequest {
        meta: ItemMeta {
            id: med_id.clone(),
            patient_id: pid.clone(),
            source_id: "care-src-m1".into(),
            labels: Labels::default(),
        },
        status: "active".into(),
        rxnorm: None,
        medication_text: "Cetirizine 5 MG".into(),
        dosage_text: None,
        authored_on: Some("2026-01-01".into()),
        prescriber: None,
    };
    let later = appointment("care-a2", &pid, "booked", "2026-12-20T15:00:00Z");
    let sooner = appointment("care-a1", &pid, "booked", "2026-12-10T15:00:00Z");
    let counts = store
        .import_batch(&ImportBatch {
            patients: vec![patient],
            items: vec![
                RecordItem::MedicationRequest(med),
                RecordItem::Appointment(later.clone()),
                RecordItem::Appointment(sooner.clone()),
            ],
        })
        .await
        .unwrap();
    assert_eq!(counts.get("Appointment"), Some(&2));
    let mut accounts = Vec::new();
    for (id, email) in [
        ("care-parent", "care.parent@example.org"),
        ("care-nurse", "care.nurse@example.org"),
    ] {
        let a = NewAccount {
            id: AccountId::parse(id).unwrap(),
            email: email.into(),
            display_name: id.into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            status: AccountStatus::Active,
            staff_role: None,
            patient_id: None,
        };
        store.create_account(&a).await.unwrap();
        accounts.push(a.id);
    }
    let (parent, nurse) = (&accounts[0], &accounts[1]);

    // Appointments: by start, confirmation and cancellation once each, kept
    // through a re-import that changes the imported fields.
    let rows = store.appointments(&pid).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].appointment, sooner);
    assert_eq!(rows[1].appointment, later);
    assert!(store
        .confirm_appointment(&sooner.meta.id, t("2026-12-01T10:00:00Z"))
        .await
        .unwrap());
    assert!(!store
        .confirm_appointment(&sooner.meta.id, t("2026-12-02T10:00:00Z"))
        .await
        .unwrap());
    assert!(store
        .cancel_appointment(&later.meta.id, t("2026-12-03T10:00:00Z"))
        .await
        .unwrap());
    assert!(!store
        .cancel_appointment(&later.meta.id, t("2026-12-04T10:00:00Z"))
        .await
        .unwrap());
    assert!(
        !store
            .confirm_appointment(&later.meta.id, t("2026-12-04T10:00:00Z"))
            .await
            .unwrap(),
        "a cancelled visit cannot be confirmed"
    );
    let mut moved = sooner.clone();
    moved.meta.id = ItemId::parse("care-ignored").unwrap();
    moved.start = Some("2026-12-11T15:00:00Z".into());
    moved.video = true;
    store
        .import_batch(&ImportBatch {
            patients: vec![],
            items: vec![RecordItem::Appointment(moved)],
        })
        .await
        .unwrap();
    let row = store.appointment(&sooner.meta.id).await.unwrap().unwrap();
    assert_eq!(
        row.appointment.start.as_deref(),
        Some("2026-12-11T15:00:00Z")
    );
    assert!(row.appointment.video);
    assert_eq!(row.confirmed_at, Some(t("2026-12-01T10:00:00Z")));
    let row = store.appointment(&later.meta.id).await.unwrap().unwrap();
    assert_eq!(row.cancelled_at, Some(t("2026-12-03T10:00:00Z")));
    assert_eq!(
        store
            .appointment(&ItemId::parse("care-none").unwrap())
            .await
            .unwrap(),
        None
    );

    // Refills: the pharmacy is remembered; a decision is taken once.
    assert_eq!(store.pharmacy(&pid).await.unwrap(), None);
    let req = RefillRequest {
        id: "care-r1".into(),
        patient_id: pid.clone(),
        medication_id: med_id.clone(),
        requested_by: parent.clone(),
        pharmacy: "Main St Pharmacy".into(),
        note: "Running low".into(),
        status: RequestStatus::Pending,
        created_at: t("2026-12-01T09:00:00Z"),
        decision: None,
    };
    store.create_refill_request(&req).await.unwrap();
    assert_eq!(
        store.pharmacy(&pid).await.unwrap().as_deref(),
        Some("Main St Pharmacy")
    );
    assert!(matches!(
        store.create_refill_request(&req).await,
        Err(StoreError::Conflict(_))
    ));
    let unknown_med = RefillRequest {
        id: "care-r2".into(),
        medication_id: ItemId::parse("care-no-med").unwrap(),
        ..req.clone()
    };
    assert!(matches!(
        store.create_refill_request(&unknown_med).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.refill_requests(None).await.unwrap(),
        vec![req.clone()]
    );
    let d = decision(
        RequestStatus::Approved,
        nurse,
        "2026-12-01T11:00:00Z",
        "Sent",
    );
    assert!(store.decide_refill_request("care-r1", &d).await.unwrap());
    let denied = decision(RequestStatus::Denied, nurse, "2026-12-01T12:00:00Z", "No");
    assert!(!store
        .decide_refill_request("care-r1", &denied)
        .await
        .unwrap());
    assert!(!store.decide_refill_request("care-none", &d).await.unwrap());
    let stored = store.refill_request("care-r1").await.unwrap().unwrap();
    assert_eq!(stored.status, RequestStatus::Approved);
    assert_eq!(stored.decision, Some(d.clone()));
    assert!(store.refill_requests(None).await.unwrap().is_empty());
    assert_eq!(
        store.refill_requests(Some(&pid)).await.unwrap(),
        vec![stored]
    );
    let back = decision(RequestStatus::Pending, nurse, "2026-12-01T12:00:00Z", "");
    assert!(store.decide_refill_request("care-r1", &back).await.is_err());

    // Appointment requests: scheduling stores the visit in the same step.
    let ar = AppointmentRequest {
        id: "care-q1".into(),
        patient_id: pid.clone(),
        requested_by: parent.clone(),
        reason: "Cough for two weeks".into(),
        visit_type: "sick".into(),
        preferred_days: "Mon, Tue".into(),
        preferred_times: "morning".into(),
        status: RequestStatus::Pending,
        created_at: t("2026-12-01T09:30:00Z"),
        decision: None,
        appointment_id: None,
    };
    store.create_appointment_request(&ar).await.unwrap();
    assert_eq!(
        store.appointment_requests(None).await.unwrap(),
        vec![ar.clone()]
    );
    let new = appointment("care-a3", &pid, "booked", "2026-12-08T14:00:00Z");
    let d = decision(
        RequestStatus::Scheduled,
        nurse,
        "2026-12-01T10:00:00Z",
        "See you",
    );
    assert!(store
        .decide_appointment_request("care-q1", &d, Some(&new))
        .await
        .unwrap());
    let other = appointment("care-a4", &pid, "booked", "2026-12-09T14:00:00Z");
    assert!(!store
        .decide_appointment_request("care-q1", &d, Some(&other))
        .await
        .unwrap());
    assert_eq!(
        store.appointment(&other.meta.id).await.unwrap(),
        None,
        "a refused decision stores no appointment"
    );
    let stored = store.appointment_request("care-q1").await.unwrap().unwrap();
    assert_eq!(stored.status, RequestStatus::Scheduled);
    assert_eq!(stored.appointment_id, Some(new.meta.id.clone()));
    assert_eq!(stored.decision, Some(d));
    assert_eq!(store.appointments(&pid).await.unwrap().len(), 3);

    // Insurance: held until approved; a rejected change is never applied.
    assert_eq!(store.insurance(&pid).await.unwrap(), None);
    let first = InsuranceChange {
        id: "care-i1".into(),
        patient_id: pid.clone(),
        appointment_id: Some(sooner.meta.id.clone()),
        submitted_by: parent.clone(),
        insurance: Insurance {
            payer: "Acme Health".into(),
            member_id: "X123".into(),
            group_number: "G9".into(),
            subscriber_name: "Ana Stone".into(),
        },
        status: RequestStatus::Pending,
        created_at: t("2026-12-01T09:00:00Z"),
        decision: None,
    };
    store.submit_insurance_change(&first).await.unwrap();
    let second = InsuranceChange {
        id: "care-i2".into(),
        insurance: Insurance {
            payer: "Other Co".into(),
            ..first.insurance.clone()
        },
        created_at: t("2026-12-01T09:05:00Z"),
        ..first.clone()
    };
    store.submit_insurance_change(&second).await.unwrap();
    assert_eq!(store.insurance(&pid).await.unwrap(), None);
    assert_eq!(store.insurance_changes(None).await.unwrap().len(), 2);
    let approve = decision(RequestStatus::Approved, nurse, "2026-12-02T09:00:00Z", "");
    assert!(store
        .decide_insurance_change("care-i1", &approve)
        .await
        .unwrap());
    assert_eq!(
        store.insurance(&pid).await.unwrap(),
        Some(first.insurance.clone())
    );
    let reject = decision(
        RequestStatus::Denied,
        nurse,
        "2026-12-02T09:01:00Z",
        "Card unreadable",
    );
    assert!(store
        .decide_insurance_change("care-i2", &reject)
        .await
        .unwrap());
    assert_eq!(
        store.insurance(&pid).await.unwrap(),
        Some(first.insurance.clone())
    );
    assert!(!store
        .decide_insurance_change("care-i2", &approve)
        .await
        .unwrap());
    assert_eq!(store.insurance(&pid).await.unwrap(), Some(first.insurance));
    assert_eq!(
        store
            .insurance_change("care-i2")
            .await
            .unwrap()
            .unwrap()
            .status,
        RequestStatus::Denied
    );

    // Check-in and signatures.
    let a = &sooner.meta.id;
    assert_eq!(store.check_in(a).await.unwrap(), None);
    store
        .record_check_in(a, &pid, true, false, parent, t("2026-12-05T08:00:00Z"))
        .await
        .unwrap();
    store
        .record_check_in(a, &pid, false, true, parent, t("2026-12-05T08:05:00Z"))
        .await
        .unwrap();
    let c = store.check_in(a).await.unwrap().unwrap();
    assert_eq!(c.contact_verified_at, Some(t("2026-12-05T08:00:00Z")));
    assert_eq!(c.completed_at, Some(t("2026-12-05T08:05:00Z")));
    assert_eq!(c.completed_by.as_ref(), Some(parent));
    let sig = Signature {
        appointment_id: a.clone(),
        patient_id: pid.clone(),
        document_id: "privacy-notice".into(),
        document_sha256: "ab".repeat(32),
        typed_name: "Ana Stone".into(),
        signed_at: t("2026-12-05T08:03:00Z"),
        signed_by: parent.clone(),
    };
    store.sign_document(&sig).await.unwrap();
    assert!(matches!(
        store.sign_document(&sig).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.signatures(a).await.unwrap(), vec![sig]);
}
