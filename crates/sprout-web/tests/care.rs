//! Refills, appointments and pre-check-in over HTTP (issue 6): who may ask
//! (the access policy's `refill` and `appointment` actions under each
//! preset), the staff queues, insurance held until approved, signatures,
//! the windows as the pages apply them, and the decision email.

mod common;

use common::*;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use sprout_domain::people::StaffRole;
use sprout_domain::policy::{Policy, Preset};
use sprout_domain::record::{Appointment, ItemMeta, Labels, MedicationRequest, RecordItem};
use sprout_domain::{ItemId, PatientId};
use sprout_store::care::RequestStatus;
use sprout_store::ImportBatch;
use sprout_web::{AppointmentSettings, PracticeDocument, WebConfig};

const FRONT_DESK_EMAIL: &str = "desk@example.com";

fn item_id(tag: &str) -> ItemId {
    ItemId::parse(tag).unwrap()
}

fn med(p: &PatientId, id: &str, text: &str, rxnorm: Option<&str>) -> RecordItem {
    RecordItem::MedicationRequest(MedicationRequest {
        meta: ItemMeta {
            id: item_id(id),
            patient_id: p.clone(),
            source_id: format!("src-{id}"),
            labels: Labels::default(),
        },
        status: "active".into(),
        rxnorm: rxnorm.map(Into::into),
        medication_text: text.into(),
        dosage_text: Some("once a day".into()),
        authored_on: Some("2026-01-05".into()),
        prescriber: Some("Dr. Rivera".into()),
    })
}

/// A visit starting `from_now` after the real time (the fixture's clock
/// follows it), 30 minutes long.
fn visit(p: &PatientId, id: &str, from_now: SignedDuration, video: bool) -> RecordItem {
    let start = Timestamp::now() + from_now;
    let end = start + SignedDuration::from_mins(30);
    let text = |t: Timestamp| Timestamp::from_second(t.as_second()).unwrap().to_string();
    RecordItem::Appointment(Appointment {
        meta: ItemMeta {
            id: item_id(id),
            patient_id: p.clone(),
            source_id: format!("src-{id}"),
            labels: Labels::default(),
        },
        status: "booked".into(),
        visit_type: Some("Well child visit".into()),
        reason_text: Some("Checkup".into()),
        start: Some(text(start)),
        end: Some(text(end)),
        practitioner: Some("Dr. Rivera".into()),
        location: Some("Main office".into()),
        video,
    })
}

async fn add_items(app: &App, items: Vec<RecordItem>) {
    app.store
        .import_batch(&ImportBatch {
            patients: vec![],
            items,
        })
        .await
        .unwrap();
}

fn config(preset: Preset) -> WebConfig {
    WebConfig {
        policy: Policy::preset(preset),
        appointments: AppointmentSettings {
            video_url: Some("https://video.example.org/room".into()),
            default_copay_cents: Some(2500),
            documents: vec![PracticeDocument {
                id: "privacy".into(),
                title: "Privacy notice".into(),
                text: "We keep your records private.".into(),
            }],
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn signed_in(app: &App, email: &str) -> Browser {
    let b = Browser::new(app);
    b.sign_in(email, PASSWORD).await;
    b
}

/// A 15-year-old with her own login, on `TODAY`.
async fn teen(app: &App) -> PatientId {
    let teen = add_patient(app, "Tess", "Lopez", jiff::civil::date(2010, 9, 1), vec![]).await;
    add_account(app, "tess@example.com", "Tess Lopez", None, Some(&teen)).await;
    teen
}

#[tokio::test]
async fn under_california_a_proxy_cannot_request_a_refill_but_the_teen_can() {
    let app = start().await;
    add_items(
        &app,
        vec![med(
            &app.ana,
            "ana-cet",
            "Cetirizine 5 MG Oral Tablet",
            None,
        )],
    )
    .await;
    let maria = signed_in(&app, PARENT_EMAIL).await;
    let page = maria
        .get(&format!("/patients/{}/medications", app.ana))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cetirizine 5 MG Oral Tablet"));
    assert!(
        !page.body.contains("Request a refill"),
        "no refill link for a proxy"
    );
    assert!(page
        .body
        .contains("To ask for a refill, please call the office."));
    let form = maria
        .get(&format!("/patients/{}/medications/ana-cet/refill", app.ana))
        .await;
    assert_eq!(form.status, StatusCode::NOT_FOUND);
    let csrf = page.csrf();
    let post = maria
        .post(
            &format!("/patients/{}/medications/ana-cet/refill", app.ana),
            &[("csrf", &csrf), ("pharmacy", "Main St"), ("note", "")],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert!(app.store.refill_requests(None).await.unwrap().is_empty());
    let denied = audit(&app, Some("create"), Some(&app.ana)).await;
    assert!(denied
        .iter()
        .any(|e| e.object_type == "refill-request" && e.outcome == "denied"));

    // The teenager asks for her own refill.
    let t = teen(&app).await;
    add_items(
        &app,
        vec![med(
            &t,
            "tess-alb",
            "Albuterol 0.09 MG/ACTUAT Inhaler",
            None,
        )],
    )
    .await;
    let tess = signed_in(&app, "tess@example.com").await;
    let page = tess.get(&format!("/patients/{t}/medications")).await;
    assert!(page.body.contains("Request a refill"));
    let form = tess
        .get(&format!("/patients/{t}/medications/tess-alb/refill"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let post = tess
        .post(
            &format!("/patients/{t}/medications/tess-alb/refill"),
            &[
                ("csrf", &form.csrf()),
                ("pharmacy", "Main St Pharmacy"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.refill_requests(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn refill_request_approved_by_a_nurse_notifies_without_health_information() {
    let app = start().await;
    let t = teen(&app).await;
    add_items(
        &app,
        vec![
            med(&t, "tess-alb", "Albuterol 0.09 MG/ACTUAT Inhaler", None),
            med(
                &t,
                "tess-mph",
                "Concerta 36 MG Extended Release Tablet",
                None,
            ),
            med(
                &t,
                "tess-amx",
                "Amoxicillin 500 MG Oral Tablet",
                Some("308192"),
            ),
        ],
    )
    .await;
    let tess = signed_in(&app, "tess@example.com").await;
    let page = tess.get(&format!("/patients/{t}/medications")).await;
    assert!(page.body.contains("This is a controlled medicine."));
    assert!(page.body.contains("Antibiotics are not refilled online."));

    // A controlled medicine: the form says why, and a forged post is refused.
    let form = tess
        .get(&format!("/patients/{t}/medications/tess-mph/refill"))
        .await;
    assert!(form.body.contains("This is a controlled medicine."));
    assert!(!form.body.contains("Send request"));
    let post = tess
        .post(
            &format!("/patients/{t}/medications/tess-mph/refill"),
            &[
                ("csrf", &form.csrf()),
                ("pharmacy", "Main St"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A missing pharmacy: the form comes back with the note typed.
    let path = format!("/patients/{t}/medications/tess-alb/refill");
    let post = tess
        .post(
            &path,
            &[
                ("csrf", &form.csrf()),
                ("pharmacy", " "),
                ("note", "Almost out"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(post.body.contains("Please enter the pharmacy."));
    assert!(post.body.contains("Almost out"));
    assert!(app.store.refill_requests(None).await.unwrap().is_empty());

    let post = tess
        .post(
            &path,
            &[
                ("csrf", &form.csrf()),
                ("pharmacy", "Main St Pharmacy"),
                ("note", "Almost out"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::SEE_OTHER);
    // The pharmacy is remembered.
    let again = tess.get(&path).await;
    assert!(again.body.contains("value=\"Main St Pharmacy\""));

    // The nurse sees it with the patient's context and approves it.
    let nurse = signed_in(&app, NURSE_EMAIL).await;
    let queue = nurse.get("/staff/refills").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Albuterol 0.09 MG/ACTUAT Inhaler"));
    assert!(queue.body.contains("Tess Lopez"));
    assert!(queue.body.contains("MRN-TESS"));
    assert!(queue.body.contains("Almost out"));
    let req = app.store.refill_requests(None).await.unwrap().remove(0);
    let decide = format!("/staff/refills/{}", req.id);
    // Denying needs a message; the form says so.
    let denied = nurse
        .post(
            &decide,
            &[
                ("csrf", &queue.csrf()),
                ("decision", "deny"),
                ("message", ""),
            ],
        )
        .await;
    assert!(denied.body.contains("Please write a message to the family"));
    let ok = nurse
        .post(
            &decide,
            &[
                ("csrf", &queue.csrf()),
                ("decision", "approve"),
                ("message", "Sent to your pharmacy"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stored = app.store.refill_request(&req.id).await.unwrap().unwrap();
    assert_eq!(stored.status, RequestStatus::Approved);
    assert_eq!(
        stored.decision.as_ref().map(|d| d.message.as_str()),
        Some("Sent to your pharmacy")
    );
    // Deciding again changes nothing.
    let again = nurse
        .post(
            &decide,
            &[
                ("csrf", &queue.csrf()),
                ("decision", "deny"),
                ("message", "No"),
            ],
        )
        .await;
    assert_eq!(again.location(), Some("/staff/refills?done=stale"));
    assert_eq!(
        app.store
            .refill_request(&req.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        RequestStatus::Approved
    );

    // The family's email says there is news, and nothing about health.
    let mail = app.store.outbox_messages(0).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to_address, "tess@example.com");
    for text in [&mail[0].subject, &mail[0].body_text] {
        assert!(
            !text.contains("Albuterol") && !text.contains("Tess") && !text.contains("pharmacy")
        );
    }
    let page = tess.get(&format!("/patients/{t}/medications")).await;
    assert!(page.body.contains("Approved"));
    assert!(page.body.contains("Sent to your pharmacy"));

    // Every step is audited.
    let events = audit(&app, None, Some(&t)).await;
    assert!(events.iter().any(|e| e.action == "create"
        && e.object_type == "refill-request"
        && e.outcome == "success"));
    assert!(events.iter().any(|e| e.action == "update"
        && e.object_type == "refill-request"
        && e.actor_role == "nurse"
        && e.detail.as_deref().is_some_and(|d| d.contains("approved"))));
    assert!(events.iter().any(|e| e.action == "update"
        && e.outcome == "failure"
        && e.reason.as_deref() == Some("not-pending")));
    // An administrator has no refill queue.
    let admin = signed_in(&app, ADMIN_EMAIL).await;
    assert_eq!(
        admin.get("/staff/refills").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn under_massachusetts_a_proxy_of_a_child_can_request_an_appointment() {
    for (preset, allowed) in [(Preset::Massachusetts, true), (Preset::California, false)] {
        let app = start_with(config(preset)).await;
        let maria = signed_in(&app, PARENT_EMAIL).await;
        let path = format!("/patients/{}/appointments/request", app.ana);
        let list = maria
            .get(&format!("/patients/{}/appointments", app.ana))
            .await;
        assert_eq!(list.status, StatusCode::OK);
        let form = maria.get(&path).await;
        let post = maria
            .post(
                &path,
                &[
                    ("csrf", &list.csrf()),
                    ("visit_type", "sick"),
                    ("reason", "Cough for two weeks"),
                    ("day", "mon"),
                    ("day", "wed"),
                    ("time", "morning"),
                ],
            )
            .await;
        let stored = app.store.appointment_requests(None).await.unwrap();
        if allowed {
            assert_eq!(form.status, StatusCode::OK);
            assert!(list.body.contains("Request a visit"));
            assert_eq!(post.status, StatusCode::SEE_OTHER, "{preset:?}");
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].preferred_days, "mon,wed");
            assert_eq!(stored[0].reason, "Cough for two weeks");
        } else {
            assert_eq!(form.status, StatusCode::NOT_FOUND);
            assert!(!list.body.contains("Request a visit"));
            assert!(list.body.contains("please call the office"));
            assert_eq!(post.status, StatusCode::NOT_FOUND, "{preset:?}");
            assert!(stored.is_empty());
        }
    }
}

#[tokio::test]
async fn a_visit_request_is_scheduled_by_the_front_desk() {
    let app = start_with(config(Preset::Massachusetts)).await;
    add_account(
        &app,
        FRONT_DESK_EMAIL,
        "Fran Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    let maria = signed_in(&app, PARENT_EMAIL).await;
    let path = format!("/patients/{}/appointments/request", app.ana);
    let form = maria.get(&path).await;
    // A missing reason comes back with what was chosen.
    let bad = maria
        .post(
            &path,
            &[
                ("csrf", &form.csrf()),
                ("visit_type", "follow-up"),
                ("reason", ""),
                ("time", "afternoon"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"follow-up\" selected"));
    maria
        .post(
            &path,
            &[
                ("csrf", &form.csrf()),
                ("visit_type", "follow-up"),
                ("reason", "Rash check"),
                ("time", "afternoon"),
            ],
        )
        .await;
    let req = app
        .store
        .appointment_requests(None)
        .await
        .unwrap()
        .remove(0);
    let desk = signed_in(&app, FRONT_DESK_EMAIL).await;
    let queue = desk.get("/staff/appointments").await;
    assert!(queue.body.contains("Rash check"));
    assert!(queue.body.contains("Ana Lopez"));
    let day = (Timestamp::now() + SignedDuration::from_hours(24 * 5))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let post = desk
        .post(
            &format!("/staff/appointment-requests/{}", req.id),
            &[
                ("csrf", &queue.csrf()),
                ("decision", "schedule"),
                ("date", &day),
                ("time", "09:30"),
                ("minutes", "20"),
                ("message", "See you then"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::SEE_OTHER);
    let stored = app
        .store
        .appointment_request(&req.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, RequestStatus::Scheduled);
    let appt = app
        .store
        .appointment(stored.appointment_id.as_ref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(appt.appointment.meta.patient_id, app.ana);
    let list = maria
        .get(&format!("/patients/{}/appointments", app.ana))
        .await;
    assert!(list.body.contains("See you then"));
    assert!(list.body.contains("Confirm visit"));
    assert_eq!(app.store.outbox_messages(0).await.unwrap().len(), 1);
}

#[tokio::test]
async fn confirm_and_cancel_follow_their_windows() {
    let app = start_with(config(Preset::Massachusetts)).await;
    let days = |d: i64| SignedDuration::from_hours(24 * d);
    add_items(
        &app,
        vec![
            visit(&app.ana, "far", days(40), false),
            visit(&app.ana, "near", days(10), false),
            visit(&app.ana, "soon", SignedDuration::from_hours(3), false),
        ],
    )
    .await;
    let maria = signed_in(&app, PARENT_EMAIL).await;
    let base = format!("/patients/{}/appointments", app.ana);
    let list = maria.get(&base).await;
    assert!(list.body.contains("You can confirm this visit from"));
    assert!(list.body.contains("It is too late to cancel online."));
    let csrf = list.csrf();
    let post = |a: &str, what: &str| {
        let path = format!("{base}/{a}/{what}");
        let csrf = csrf.clone();
        let maria = &maria;
        async move { maria.post(&path, &[("csrf", &csrf)]).await }
    };
    assert_eq!(
        post("far", "confirm").await.location(),
        Some(format!("{base}?done=closed").as_str())
    );
    assert_eq!(
        post("near", "confirm").await.location(),
        Some(format!("{base}?done=confirmed").as_str())
    );
    assert_eq!(
        post("soon", "cancel").await.location(),
        Some(format!("{base}?done=closed").as_str())
    );
    assert_eq!(
        post("near", "cancel").await.location(),
        Some(format!("{base}?done=cancelled").as_str())
    );
    let far = app
        .store
        .appointment(&item_id("far"))
        .await
        .unwrap()
        .unwrap();
    assert!(far.confirmed_at.is_none());
    let near = app
        .store
        .appointment(&item_id("near"))
        .await
        .unwrap()
        .unwrap();
    assert!(near.confirmed_at.is_some() && near.cancelled_at.is_some());
    let soon = app
        .store
        .appointment(&item_id("soon"))
        .await
        .unwrap()
        .unwrap();
    assert!(soon.cancelled_at.is_none());
    // Another family's visit is a 404, as if it did not exist.
    let sam = signed_in(&app, OTHER_PARENT_EMAIL).await;
    let p = sam
        .post(&format!("{base}/far/confirm"), &[("csrf", &csrf)])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "another session's token");
    let own = sam
        .get(&format!("/patients/{}/appointments", app.cara))
        .await;
    let p = sam
        .post(&format!("{base}/far/confirm"), &[("csrf", &own.csrf())])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn insurance_changes_are_not_applied_until_staff_approve_them() {
    let app = start_with(config(Preset::Massachusetts)).await;
    add_account(
        &app,
        FRONT_DESK_EMAIL,
        "Fran Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    add_items(
        &app,
        vec![visit(
            &app.ana,
            "next",
            SignedDuration::from_hours(24 * 7),
            false,
        )],
    )
    .await;
    let maria = signed_in(&app, PARENT_EMAIL).await;
    let path = format!("/patients/{}/appointments/next/check-in", app.ana);
    let page = maria.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("$25.00"), "the copay is shown");
    let send = |payer: &'static str| {
        let csrf = page.csrf();
        let maria = &maria;
        let path = path.clone();
        async move {
            maria
                .post(
                    &path,
                    &[
                        ("csrf", &csrf),
                        ("step", "insurance"),
                        ("payer", payer),
                        ("member_id", "M-77"),
                        ("group_number", "G1"),
                        ("subscriber_name", "Maria Lopez"),
                    ],
                )
                .await
        }
    };
    assert_eq!(send("Acme Health").await.status, StatusCode::SEE_OTHER);
    // Held, not applied.
    assert_eq!(app.store.insurance(&app.ana).await.unwrap(), None);
    let page = maria.get(&path).await;
    assert!(page.body.contains("waiting for the office"));
    assert!(page.body.contains("No insurance on file."));

    let desk = signed_in(&app, FRONT_DESK_EMAIL).await;
    let queue = desk.get("/staff/appointments").await;
    assert!(queue.body.contains("Acme Health"));
    let change = app.store.insurance_changes(None).await.unwrap().remove(0);
    let approve = desk
        .post(
            &format!("/staff/insurance/{}", change.id),
            &[
                ("csrf", &queue.csrf()),
                ("decision", "approve"),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(approve.status, StatusCode::SEE_OTHER);
    let applied = app.store.insurance(&app.ana).await.unwrap().unwrap();
    assert_eq!(applied.payer, "Acme Health");
    assert_eq!(applied.member_id, "M-77");

    // A second change, rejected, leaves the approved one in force.
    send("Other Health").await;
    assert_eq!(
        app.store.insurance(&app.ana).await.unwrap().unwrap().payer,
        "Acme Health"
    );
    let change = app.store.insurance_changes(None).await.unwrap().remove(0);
    let q = desk.get("/staff/appointments").await;
    let no_reason = desk
        .post(
            &format!("/staff/insurance/{}", change.id),
            &[("csrf", &q.csrf()), ("decision", "reject"), ("message", "")],
        )
        .await;
    assert!(no_reason.body.contains("why the change is rejected"));
    desk.post(
        &format!("/staff/insurance/{}", change.id),
        &[
            ("csrf", &q.csrf()),
            ("decision", "reject"),
            ("message", "Card unreadable"),
        ],
    )
    .await;
    assert_eq!(
        app.store.insurance(&app.ana).await.unwrap().unwrap().payer,
        "Acme Health"
    );
    let events = audit(&app, Some("update"), Some(&app.ana)).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.object_type == "insurance-change" && e.actor_role == "front-desk")
            .count(),
        2
    );
}

#[tokio::test]
async fn pre_check_in_signs_documents_with_name_time_and_hash() {
    let app = start_with(config(Preset::Massachusetts)).await;
    add_items(
        &app,
        vec![
            visit(&app.ana, "next", SignedDuration::from_hours(24 * 7), false),
            visit(
                &app.ana,
                "later",
                SignedDuration::from_hours(24 * 45),
                false,
            ),
        ],
    )
    .await;
    let maria = signed_in(&app, PARENT_EMAIL).await;
    // Not open 45 days ahead.
    let later = maria
        .get(&format!(
            "/patients/{}/appointments/later/check-in",
            app.ana
        ))
        .await;
    assert_eq!(later.status, StatusCode::NOT_FOUND);
    let path = format!("/patients/{}/appointments/next/check-in", app.ana);
    let page = maria.get(&path).await;
    assert!(page.body.contains("We keep your records private."));
    let csrf = page.csrf();
    // Finishing first is refused: contact and signature are missing.
    let early = maria
        .post(&path, &[("csrf", &csrf), ("step", "finish")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early
        .body
        .contains("Please confirm the contact details and sign every document first."));
    let unsigned = maria
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("step", "sign"),
                ("document", "privacy"),
                ("typed_name", "Maria Lopez"),
            ],
        )
        .await;
    assert_eq!(
        unsigned.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the box was not ticked"
    );
    assert!(unsigned.body.contains("value=\"Maria Lopez\""));
    for form in [
        vec![("step", "contact"), ("verified", "yes")],
        vec![
            ("step", "sign"),
            ("document", "privacy"),
            ("typed_name", "Maria Lopez"),
            ("agree", "yes"),
        ],
        vec![("step", "finish")],
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(form);
        let r = maria.post(&path, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let sigs = app.store.signatures(&item_id("next")).await.unwrap();
    assert_eq!(sigs.len(), 1);
    assert_eq!(sigs[0].typed_name, "Maria Lopez");
    assert_eq!(sigs[0].signed_by, app.parent);
    assert_eq!(
        sigs[0].document_sha256,
        sha256_hex("We keep your records private.")
    );
    let c = app.store.check_in(&item_id("next")).await.unwrap().unwrap();
    assert!(c.contact_verified_at.is_some() && c.completed_at.is_some());
    let page = maria.get(&path).await;
    assert!(page.body.contains("Signed by Maria Lopez"));
    assert!(page.body.contains("Pre-check-in completed"));
}

fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn the_video_link_opens_fifteen_minutes_before() {
    let app = start_with(config(Preset::Massachusetts)).await;
    add_items(
        &app,
        vec![
            visit(&app.ana, "vnow", SignedDuration::from_mins(10), true),
            visit(&app.ana, "vlater", SignedDuration::from_mins(20), true),
            visit(&app.ana, "inperson", SignedDuration::from_mins(10), false),
        ],
    )
    .await;
    let maria = signed_in(&app, PARENT_EMAIL).await;
    let base = format!("/patients/{}/appointments", app.ana);
    let open = maria.get(&format!("{base}/vnow/video")).await;
    assert_eq!(open.status, StatusCode::SEE_OTHER);
    assert_eq!(open.location(), Some("https://video.example.org/room"));
    let later = maria.get(&format!("{base}/vlater/video")).await;
    assert_eq!(later.status, StatusCode::OK);
    assert!(later.body.contains("The video link opens"));
    let no_video = maria.get(&format!("{base}/inperson/video")).await;
    assert_eq!(no_video.status, StatusCode::NOT_FOUND);
    let list = maria.get(&base).await;
    assert!(list.body.contains("Join video visit"));
}
