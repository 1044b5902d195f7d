//! Helpers of the audit HTTP tests (`tests/audit_*.rs`), on top of `common`.

#![allow(dead_code)]

use crate::common::{self, App, Page, PASSWORD};
use jiff::civil::date;
use sprout_domain::people::{ProxyRelationship, StaffRole};
use sprout_domain::record::{Labels, Section};
use sprout_domain::{AccountId, PatientId};
use sprout_store::{AuditEvent, AuditFilter};

pub const TEEN_EMAIL: &str = "tina@example.com";
pub const CLINICIAN_EMAIL: &str = "dr.rivera@example.com";
pub const FRONT_DESK_EMAIL: &str = "desk@example.com";

/// A 14-year-old with her own login; Maria is her parent, approved by her.
pub struct Teen {
    pub id: PatientId,
    pub account: AccountId,
    pub rel: ProxyRelationship,
}

/// Adds Tina (born 2012-01-10, 14 on the fixture's day) with a vital sign and
/// an immunization, her own login, and Maria as her approved parent.
pub async fn add_teen(app: &App) -> Teen {
    let id = common::new_patient_id();
    let items = vec![
        common::vital(
            &id,
            "tina-w1",
            "29463-7",
            "Body Weight",
            52.0,
            "kg",
            "2026-01-20T10:00:00-05:00",
        ),
        common::marked_item(&id, Section::Immunizations, "Tina HPV", Labels::default()),
    ];
    app.store
        .import_batch(&sprout_store::ImportBatch {
            patients: vec![common::patient(&id, "Tina", "Lopez", date(2012, 1, 10))],
            items,
        })
        .await
        .unwrap();
    let account = common::add_account(app, TEEN_EMAIL, "Tina Lopez", None, Some(&id)).await;
    let mut rel = common::relationship(&app.parent, &id);
    rel.patient_approved_on = Some(date(2025, 1, 5));
    app.store.add_relationship(&rel).await.unwrap();
    Teen { id, account, rel }
}

/// Gives Tina an allergy medicine she may refill, a visit and a video visit
/// in ten days, a pending refill request and a pending visit request (so the
/// staff queues list one patient each).
pub async fn add_care(app: &App, teen: &Teen) {
    use sprout_domain::record::{Appointment, ItemMeta, MedicationRequest, RecordItem};
    use sprout_domain::ItemId;
    use sprout_store::care::{AppointmentRequest, RefillRequest, RequestStatus};
    let meta = |id: &str| ItemMeta {
        id: ItemId::parse(id).unwrap(),
        patient_id: teen.id.clone(),
        source_id: format!("src-{id}"),
        labels: Labels::default(),
    };
    let start = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(240);
    let text = |t: jiff::Timestamp| {
        jiff::Timestamp::from_second(t.as_second())
            .unwrap()
            .to_string()
    };
    let visit = |id: &str, video: bool| {
        RecordItem::Appointment(Appointment {
            meta: meta(id),
            status: "booked".into(),
            visit_type: Some("Follow-up".into()),
            reason_text: None,
            start: Some(text(start)),
            end: Some(text(start + jiff::SignedDuration::from_mins(20))),
            practitioner: None,
            location: None,
            video,
        })
    };
    app.store
        .import_batch(&sprout_store::ImportBatch {
            patients: vec![],
            items: vec![
                RecordItem::MedicationRequest(MedicationRequest {
                    meta: meta("tina-cet"),
                    status: "active".into(),
                    rxnorm: None,
                    medication_text: "Cetirizine 5 MG Oral Tablet".into(),
                    dosage_text: None,
                    authored_on: Some("2026-01-20".into()),
                    prescriber: None,
                }),
                visit("tina-visit", false),
                visit("tina-video", true),
            ],
        })
        .await
        .unwrap();
    let now = jiff::Timestamp::now();
    app.store
        .create_refill_request(&RefillRequest {
            id: "tina-refill".into(),
            patient_id: teen.id.clone(),
            medication_id: ItemId::parse("tina-cet").unwrap(),
            requested_by: teen.account.clone(),
            pharmacy: "Main St".into(),
            note: String::new(),
            status: RequestStatus::Pending,
            created_at: now,
            decision: None,
        })
        .await
        .unwrap();
    app.store
        .create_appointment_request(&AppointmentRequest {
            id: "tina-visit-request".into(),
            patient_id: teen.id.clone(),
            requested_by: teen.account.clone(),
            reason: "Knee pain".into(),
            visit_type: "sick".into(),
            preferred_days: String::new(),
            preferred_times: "any".into(),
            status: RequestStatus::Pending,
            created_at: now,
            decision: None,
            appointment_id: None,
        })
        .await
        .unwrap();
}

/// Adds the clinician and the front desk.
pub async fn add_staff(app: &App) {
    common::add_account(
        app,
        CLINICIAN_EMAIL,
        "Dr. Rivera",
        Some(StaffRole::Clinician),
        None,
    )
    .await;
    common::add_account(
        app,
        FRONT_DESK_EMAIL,
        "Fran Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
}

/// A browser signed in as `email`.
pub async fn signed_in(app: &App, email: &str) -> common::Browser {
    let b = common::Browser::new(app);
    b.sign_in(email, PASSWORD).await;
    b
}

/// The request id the server gave a response.
pub fn request_id(page: &Page) -> String {
    page.headers
        .get("x-request-id")
        .expect("x-request-id header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Every event written by one request, oldest first.
pub async fn events_of(app: &App, request_id: &str) -> Vec<AuditEvent> {
    let mut events: Vec<AuditEvent> = app
        .store
        .audit_events(&AuditFilter {
            limit: 10_000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.request_id.as_deref() == Some(request_id))
        .collect();
    events.reverse();
    events
}

/// The chain is intact.
pub async fn assert_chain_intact(app: &App) {
    let report = sprout_store::audit::verify(app.store.as_ref())
        .await
        .unwrap();
    assert!(report.is_intact(), "{:?}", report.fault);
}
