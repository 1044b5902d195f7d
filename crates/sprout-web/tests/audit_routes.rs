//! Every route that reads patient data writes exactly one read event (`read`,
//! or `export` for a download) for the right patient, and nothing else reads
//! patient data unseen: the table below is checked against the routes the
//! source declares, so a new route cannot be added without joining it.

mod audit_support;
mod common;

use audit_support::{add_staff, add_teen, events_of, request_id, signed_in};
use common::{Browser, Page, ADMIN_EMAIL, NURSE_EMAIL, PARENT_EMAIL};
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// The GET routes (axum templates) that read patient data, as the source
/// declares them.
const READING_ROUTES: [&str; 24] = [
    "/patients/{id}",
    "/patients/{id}/lab-results",
    "/patients/{id}/notes",
    "/patients/{id}/documents/{item}",
    "/patients/{id}/items/{item}/labels",
    "/patients/{id}/{section}",
    "/patients/{id}/growth",
    "/patients/{id}/immunizations",
    "/patients/{id}/immunizations/due",
    "/patients/{id}/immunizations/record.pdf",
    "/patients/{id}/proxies",
    "/patients/{id}/proxies/{rel}/{action}",
    "/patients/{id}/access-log",
    "/staff/audit",
    "/staff/audit.csv",
    "/patients/{id}/enrollment",
    "/patients/{id}/medications",
    "/patients/{id}/medications/{item}/refill",
    "/staff/refills",
    "/patients/{id}/appointments",
    "/patients/{id}/appointments/request",
    "/patients/{id}/appointments/{appt}/check-in",
    "/patients/{id}/appointments/{appt}/video",
    "/staff/appointments",
];

/// GET routes that read no patient data (besides `/static/...` files), or
/// read many patients' at once: the release queue is one `read` of
/// `release-queue` without a patient (tested in `results.rs`). The
/// enrollment pages show what staff and families typed (sign-up slips, link
/// requests) or a form, never the stored record. Messaging's
/// routes are audited and tested in `messages.rs`: a thread is a `read` of
/// `message-thread` and a download an `export` of `message-attachment` for
/// the thread's patient; the family's list is one `read` of `message-list`
/// per patient listed; the staff inbox one `read` of `message-inbox`; the
/// compose form shows only the names of the user's own children.
const OTHER_GET_ROUTES: [&str; 23] = [
    "/",
    "/login",
    "/healthz",
    "/release-queue",
    // Account security: the user's own account and the staff's account pages.
    "/login/code",
    "/account",
    "/account/password",
    "/account/two-factor",
    "/account/confirm",
    "/password/forgot",
    "/password/reset/{token}",
    "/staff/accounts",
    // Enrollment: forms, and what staff and families typed.
    "/staff/enroll",
    "/staff/enroll/slips/{id}",
    "/signup",
    "/verify",
    "/activate",
    "/link",
    // Messaging (audited and tested in messages.rs).
    "/messages",
    "/messages/new",
    "/messages/{thread}",
    "/messages/{thread}/files/{file}",
    "/staff/inbox",
];

/// The routes `src/` declares: (path template, has a GET handler).
fn declared_routes() -> Vec<(String, bool)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let Some(q) = rest.find('"') else { break };
            let lit = &rest[q + 1..];
            let end = lit.find('"').unwrap();
            let template = lit[..end].to_owned();
            // The handlers: up to the next route (or the end of the builder).
            let scope_end = lit.find(".route(").unwrap_or(lit.len());
            let scope = &lit[..scope_end];
            let has_get = scope.contains("get(");
            out.push((template, has_get));
        }
    }
    out
}

#[test]
fn the_table_names_every_get_route() {
    let declared = declared_routes();
    assert!(
        declared.len() > 10,
        "the source scan found too few routes: {declared:?}"
    );
    let known: BTreeSet<&str> = READING_ROUTES
        .iter()
        .chain(OTHER_GET_ROUTES.iter())
        .copied()
        .collect();
    for (template, has_get) in &declared {
        if *has_get && !template.starts_with("/static/") {
            assert!(
                known.contains(template.as_str()),
                "GET {template} is not in this test's tables: does it read patient data?"
            );
        }
    }
    for r in READING_ROUTES {
        assert!(
            declared.iter().any(|(t, g)| t == r && *g),
            "{r} is no longer a GET route: update the table"
        );
    }
}

/// Stores a visit summary with a PDF for Ana; its item id.
async fn add_pdf_document(app: &common::App) -> String {
    use sprout_domain::record::{ItemMeta, Labels, RecordItem};
    use sprout_domain::results::{Attachment, DocumentKind, DocumentReference};
    let id = sprout_domain::ItemId::from_random([0x5d; 16]);
    let doc = DocumentReference {
        meta: ItemMeta {
            id: id.clone(),
            patient_id: app.ana.clone(),
            source_id: "audit-routes-doc".into(),
            labels: Labels::default(),
        },
        status: "current".into(),
        kind: DocumentKind::VisitSummary,
        type_code: Some("34133-9".into()),
        type_text: "After-visit summary".into(),
        date: Some("2026-02-01T10:00:00Z".into()),
        description: None,
        author: None,
        encounter_source_id: None,
        text: None,
        attachment: Some(Attachment {
            content_type: "application/pdf".into(),
            title: None,
            size: Some(5),
            data: Some("JVBERi0=".into()),
        }),
    };
    app.store
        .import_batch(&sprout_store::ImportBatch {
            patients: vec![],
            items: vec![RecordItem::DocumentReference(doc)],
        })
        .await
        .unwrap();
    id.to_string()
}

/// One request and the patient its read event must name.
struct Case {
    route: &'static str,
    who: &'static str,
    path: String,
    patient: sprout_domain::PatientId,
    action: &'static str,
}

#[tokio::test]
async fn each_reading_route_writes_exactly_one_read_event_for_its_patient() {
    let app = common::start_with(sprout_web::WebConfig {
        appointments: sprout_web::AppointmentSettings {
            video_url: Some("https://video.example.org/room".into()),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    add_staff(&app).await;
    let teen = add_teen(&app).await;
    audit_support::add_care(&app, &teen).await;
    let ana = app.ana.to_string();
    let ben = app.ben.to_string();
    let tina = teen.id.to_string();

    let mut cases = Vec::new();
    let mut case = |route, who, path: String, patient: &sprout_domain::PatientId, action| {
        cases.push(Case {
            route,
            who,
            path,
            patient: patient.clone(),
            action,
        });
    };
    case(
        "/patients/{id}",
        PARENT_EMAIL,
        format!("/patients/{ana}"),
        &app.ana,
        "read",
    );
    for slug in [
        "vitals",
        "immunizations",
        "medications",
        "allergies",
        "problems",
        "visits",
        "lab-results",
    ] {
        case(
            "/patients/{id}/{section}",
            PARENT_EMAIL,
            format!("/patients/{ben}/{slug}"),
            &app.ben,
            "read",
        );
    }
    case(
        "/patients/{id}/lab-results",
        PARENT_EMAIL,
        format!("/patients/{ana}/lab-results"),
        &app.ana,
        "read",
    );
    case(
        "/patients/{id}/notes",
        PARENT_EMAIL,
        format!("/patients/{ana}/notes"),
        &app.ana,
        "read",
    );
    let doc = add_pdf_document(&app).await;
    case(
        "/patients/{id}/documents/{item}",
        PARENT_EMAIL,
        format!("/patients/{ana}/documents/{doc}"),
        &app.ana,
        "export",
    );
    let lab = app
        .store
        .observations(
            &app.ana,
            sprout_domain::record::ObservationCategory::Laboratory,
        )
        .await
        .unwrap()
        .remove(0);
    case(
        "/patients/{id}/items/{item}/labels",
        audit_support::CLINICIAN_EMAIL,
        format!("/patients/{ana}/items/{}/labels", lab.meta.id),
        &app.ana,
        "read",
    );
    case(
        "/patients/{id}/growth",
        PARENT_EMAIL,
        format!("/patients/{ana}/growth"),
        &app.ana,
        "read",
    );
    case(
        "/patients/{id}/immunizations",
        NURSE_EMAIL,
        format!("/patients/{ana}/immunizations"),
        &app.ana,
        "read",
    );
    case(
        "/patients/{id}/immunizations/due",
        PARENT_EMAIL,
        format!("/patients/{ana}/immunizations/due"),
        &app.ana,
        "read",
    );
    case(
        "/patients/{id}/immunizations/record.pdf",
        PARENT_EMAIL,
        format!("/patients/{ana}/immunizations/record.pdf"),
        &app.ana,
        "export",
    );
    case(
        "/patients/{id}/proxies",
        audit_support::FRONT_DESK_EMAIL,
        format!("/patients/{ana}/proxies"),
        &app.ana,
        "read",
    );
    case(
        "/patients/{id}/proxies",
        audit_support::TEEN_EMAIL,
        format!("/patients/{tina}/proxies"),
        &teen.id,
        "read",
    );
    case(
        "/patients/{id}/proxies/{rel}/{action}",
        audit_support::CLINICIAN_EMAIL,
        format!("/patients/{tina}/proxies/{}/explain", teen.rel.id),
        &teen.id,
        "read",
    );
    case(
        "/patients/{id}/access-log",
        audit_support::TEEN_EMAIL,
        format!("/patients/{tina}/access-log"),
        &teen.id,
        "read",
    );
    case(
        "/staff/audit",
        ADMIN_EMAIL,
        "/staff/audit?patient=MRN-ANA".into(),
        &app.ana,
        "read",
    );
    case(
        "/staff/audit.csv",
        audit_support::CLINICIAN_EMAIL,
        format!("/staff/audit.csv?patient={ben}"),
        &app.ben,
        "export",
    );

    case(
        "/patients/{id}/enrollment",
        audit_support::FRONT_DESK_EMAIL,
        format!("/patients/{ana}/enrollment"),
        &app.ana,
        "read",
    );
    for (route, who, what) in [
        (
            "/patients/{id}/medications",
            audit_support::TEEN_EMAIL,
            "medications",
        ),
        (
            "/patients/{id}/medications/{item}/refill",
            audit_support::TEEN_EMAIL,
            "medications/tina-cet/refill",
        ),
        (
            "/patients/{id}/appointments",
            audit_support::TEEN_EMAIL,
            "appointments",
        ),
        (
            "/patients/{id}/appointments/request",
            audit_support::TEEN_EMAIL,
            "appointments/request",
        ),
        (
            "/patients/{id}/appointments/{appt}/check-in",
            audit_support::TEEN_EMAIL,
            "appointments/tina-visit/check-in",
        ),
        (
            "/patients/{id}/appointments/{appt}/video",
            audit_support::TEEN_EMAIL,
            "appointments/tina-video/video",
        ),
    ] {
        case(
            route,
            who,
            format!("/patients/{tina}/{what}"),
            &teen.id,
            "read",
        );
    }
    case(
        "/staff/refills",
        NURSE_EMAIL,
        "/staff/refills".into(),
        &teen.id,
        "read",
    );
    case(
        "/staff/appointments",
        audit_support::FRONT_DESK_EMAIL,
        "/staff/appointments".into(),
        &teen.id,
        "read",
    );

    // Every reading route is exercised.
    for r in READING_ROUTES {
        assert!(cases.iter().any(|c| c.route == r), "no case for {r}");
    }

    let mut browsers: Vec<(&str, Browser)> = Vec::new();
    for c in &cases {
        if !browsers.iter().any(|(w, _)| *w == c.who) {
            browsers.push((c.who, signed_in(&app, c.who).await));
        }
        let b = &browsers.iter().find(|(w, _)| *w == c.who).unwrap().1;
        let page: Page = b.get(&c.path).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "{} as {}: {}",
            c.path,
            c.who,
            page.body
        );
        let events = events_of(&app, &request_id(&page)).await;
        let reads: Vec<_> = events
            .iter()
            .filter(|e| matches!(e.action.as_str(), "read" | "export"))
            .collect();
        assert_eq!(reads.len(), 1, "{}: {events:#?}", c.path);
        assert_eq!(
            events.len(),
            1,
            "{}: nothing else is written: {events:#?}",
            c.path
        );
        let e = reads[0];
        assert_eq!(e.action, c.action, "{}", c.path);
        assert_eq!(e.patient_id.as_ref(), Some(&c.patient), "{}", c.path);
        assert_eq!(e.outcome, "success", "{}", c.path);
        assert!(e.account_id.is_some(), "{}", c.path);
        assert!(e.client_addr.is_some(), "{}: client address", c.path);
    }

    // A staff search by MRN (a POST) is one read of the patient found.
    let nurse = &browsers.iter().find(|(w, _)| *w == NURSE_EMAIL).unwrap().1;
    let home = nurse.get("/").await;
    let found = nurse
        .post("/find", &[("csrf", &home.csrf()), ("mrn", "MRN-CARA")])
        .await;
    assert_eq!(found.status, StatusCode::SEE_OTHER);
    let events = events_of(&app, &request_id(&found)).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].action, "read");
    assert_eq!(events[0].object_type, "patient-search");
    assert_eq!(events[0].patient_id.as_ref(), Some(&app.cara));

    audit_support::assert_chain_intact(&app).await;
}
