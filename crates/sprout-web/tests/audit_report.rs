//! The staff audit report (`/staff/audit`, `/staff/audit.csv`): who may open
//! it, filters, sorting, pages, the CSV export, and that using it is audited.

mod audit_support;
mod common;

use audit_support::{add_staff, events_of, request_id, signed_in, CLINICIAN_EMAIL};
use common::{Browser, ADMIN_EMAIL, NURSE_EMAIL, OTHER_PARENT_EMAIL, PARENT_EMAIL};
use reqwest::StatusCode;
use sprout_store::AuditEvent;

/// Appends `n` reads of `patient` by `account` straight into the trail, one
/// minute apart on 2026-02-10 (UTC).
async fn seed_reads(
    app: &common::App,
    account: &sprout_domain::AccountId,
    patient: &sprout_domain::PatientId,
    n: u32,
) {
    for i in 0..n {
        app.store
            .append_audit(&AuditEvent {
                at: format!("2026-02-10T{:02}:{:02}:00Z", 8 + i / 60, i % 60),
                account_id: Some(account.clone()),
                actor_role: "parent".into(),
                on_behalf_of: Some("seeded-rel".into()),
                patient_id: Some(patient.clone()),
                action: "read".into(),
                object_type: "vitals".into(),
                object_id: None,
                outcome: "success".into(),
                reason: Some("parent-of-child".into()),
                client_addr: Some("192.0.2.1".into()),
                request_id: Some(format!("seed-{i}")),
                detail: None,
            })
            .await
            .unwrap();
    }
}

/// The number of `<tbody>` rows in a report page.
fn row_count(body: &str) -> usize {
    let Some(start) = body.find("<tbody>") else {
        return 0;
    };
    body[start..body.find("</tbody>").unwrap()]
        .matches("<tr>")
        .count()
}

#[tokio::test]
async fn only_admins_and_clinicians_open_the_report_and_refusals_are_audited() {
    let app = common::start().await;
    add_staff(&app).await;
    for email in [ADMIN_EMAIL, CLINICIAN_EMAIL] {
        let b = signed_in(&app, email).await;
        let page = b.get("/staff/audit").await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        assert!(page.body.contains("Audit report"));
        // The staff home links to it.
        assert!(b.get("/").await.body.contains("href=\"/staff/audit\""));
        let csv = b.get("/staff/audit.csv").await;
        assert_eq!(csv.status, StatusCode::OK, "{email}");
    }
    for email in [NURSE_EMAIL, audit_support::FRONT_DESK_EMAIL] {
        let b = signed_in(&app, email).await;
        assert!(!b.get("/").await.body.contains("href=\"/staff/audit\""));
        let page = b.get("/staff/audit").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
        let events = events_of(&app, &request_id(&page)).await;
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0].object_type, "audit-report");
        assert_eq!(events[0].outcome, "denied");
        let csv = b.get("/staff/audit.csv").await;
        assert_eq!(csv.status, StatusCode::NOT_FOUND, "{email}");
        assert_eq!(events_of(&app, &request_id(&csv)).await[0].action, "export");
    }
    let parent = signed_in(&app, PARENT_EMAIL).await;
    assert_eq!(
        parent.get("/staff/audit").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        parent.get("/staff/audit.csv").await.status,
        StatusCode::NOT_FOUND
    );
    // Signed out: to the sign-in page.
    let anon = Browser::new(&app);
    let page = anon.get("/staff/audit").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().unwrap().starts_with("/login"));
}

#[tokio::test]
async fn filters_by_patient_user_action_and_dates() {
    let app = common::start().await;
    add_staff(&app).await;
    // Maria views Ana's vitals, Sam views Cara's; Maria signs out.
    let maria = signed_in(&app, PARENT_EMAIL).await;
    assert_eq!(
        maria
            .get(&format!("/patients/{}/vitals", app.ana))
            .await
            .status,
        StatusCode::OK
    );
    let sam = signed_in(&app, OTHER_PARENT_EMAIL).await;
    assert_eq!(
        sam.get(&format!("/patients/{}", app.cara)).await.status,
        StatusCode::OK
    );
    let admin = signed_in(&app, ADMIN_EMAIL).await;

    // By MRN, and by Sprout id: only Ana's events.
    for patient in ["MRN-ANA".to_owned(), app.ana.to_string()] {
        let page = admin.get(&format!("/staff/audit?patient={patient}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("MRN-ANA"), "{patient}");
        assert!(!page.body.contains("MRN-CARA"), "{patient}");
        assert!(page.body.contains("maria@example.com"));
        assert!(page.body.contains("Vitals and measurements"));
        // The report's own event names the patient it was about.
        let events = events_of(&app, &request_id(&page)).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].object_type, "audit-report");
        assert_eq!(events[0].action, "read");
        assert_eq!(events[0].patient_id.as_ref(), Some(&app.ana));
        let detail: serde_json::Value =
            serde_json::from_str(events[0].detail.as_deref().unwrap()).unwrap();
        assert_eq!(detail["patient"], app.ana.to_string());
    }

    // By user: Sam's sign-in and view, not Maria's.
    let page = admin.get("/staff/audit?user=Sam%40Example.com").await;
    assert!(page.body.contains("MRN-CARA"));
    assert!(!page.body.contains("MRN-ANA"));
    assert!(!page.body.contains("maria@example.com"));

    // By action: sign-ins only.
    let page = admin.get("/staff/audit?action=login").await;
    assert!(page.body.contains("Sign in"));
    assert!(!page.body.contains("MRN-ANA"));
    assert!(row_count(&page.body) >= 3, "Maria, Sam, the admin");

    // By dates, in the practice's time zone: events carry the clock's real
    // "now", so today holds every event of this test, the day before none.
    let today = sprout_web::Clock::now(app.clock.as_ref())
        .to_zoned(jiff::tz::TimeZone::system())
        .date();
    let day = today.to_string();
    let page = admin
        .get(&format!(
            "/staff/audit?from={day}&to={day}&patient=MRN-CARA"
        ))
        .await;
    assert_eq!(row_count(&page.body), 1, "{}", page.body);
    let before = today.yesterday().unwrap().to_string();
    let page = admin
        .get(&format!("/staff/audit?from={before}&to={before}"))
        .await;
    assert_eq!(row_count(&page.body), 0);
    assert!(page.body.contains("No events match these filters."));

    // A filter that names nobody says so and shows nothing.
    for (q, words) in [
        ("patient=NO-SUCH-MRN", "No patient has that MRN or id."),
        ("user=nobody%40example.com", "No account has that email."),
        ("from=03%2F02%2F2026", "Enter dates as year-month-day"),
        ("action=steal", "Choose an action from the list."),
    ] {
        let page = admin.get(&format!("/staff/audit?{q}")).await;
        assert_eq!(page.status, StatusCode::OK, "{q}");
        assert!(page.body.contains(words), "{q}");
        assert_eq!(row_count(&page.body), 0, "{q}");
        let events = events_of(&app, &request_id(&page)).await;
        assert_eq!(events[0].outcome, "failure", "{q}");
    }

    // The form keeps what was typed; Spanish works too.
    let page = admin.get("/staff/audit?patient=MRN-ANA&action=read").await;
    assert!(page.body.contains("value=\"MRN-ANA\""));
    assert!(page.body.contains("<option value=\"read\" selected>"));
    audit_support::assert_chain_intact(&app).await;
}

#[tokio::test]
async fn sorts_by_any_column_and_pages() {
    let app = common::start().await;
    add_staff(&app).await;
    seed_reads(&app, &app.parent, &app.ana, 60).await;
    seed_reads(&app, &app.other_parent, &app.ana, 3).await;
    let clinician = signed_in(&app, CLINICIAN_EMAIL).await;

    // Newest first by default; 50 a page; the next page holds the rest.
    let page = clinician.get("/staff/audit?patient=MRN-ANA").await;
    assert_eq!(row_count(&page.body), 50);
    assert!(page.body.contains("Events 1 to 50 of 63"), "{}", page.body);
    assert!(page.body.contains("aria-sort=\"descending\""));
    let next = page
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|s| s.split('"').next().unwrap().replace("&#38;", "&"))
        .expect("a next-page link");
    assert!(next.contains("page=2"), "{next}");
    // The first page's view of Ana's trail is now in it too.
    let page2 = clinician.get(&next).await;
    assert_eq!(row_count(&page2.body), 14);
    assert!(
        page2.body.contains("Events 51 to 64 of 64"),
        "{}",
        page2.body
    );
    assert!(page2.body.contains("rel=\"prev\""));
    assert!(!page2.body.contains("rel=\"next\""));

    // By user, ascending: Maria's 60 before Sam's 3; descending: Sam first.
    let asc = clinician
        .get("/staff/audit?patient=MRN-ANA&sort=user&dir=asc")
        .await;
    let first_maria = asc.body.find("maria@example.com").unwrap();
    assert!(!asc.body[..first_maria].contains("sam@example.com"));
    assert!(asc
        .body
        .contains("aria-sort=\"ascending\"><a href=\"/staff/audit?patient=MRN-ANA&#38;sort=user&#38;dir=desc\""));
    let desc = clinician
        .get("/staff/audit?patient=MRN-ANA&sort=user&dir=desc")
        .await;
    let first_sam = desc.body.find("sam@example.com").unwrap();
    assert!(!desc.body[..first_sam].contains("maria@example.com"));
    // Every column is a sort link.
    for col in [
        "at", "user", "role", "patient", "action", "object", "outcome", "client", "seq",
    ] {
        assert!(
            asc.body.contains(&format!("sort={col}&#38;dir=")),
            "column {col}"
        );
        let page = clinician
            .get(&format!("/staff/audit?sort={col}&dir=asc"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{col}");
    }
}

#[tokio::test]
async fn csv_export_has_the_same_filters_as_an_attachment() {
    let app = common::start().await;
    add_staff(&app).await;
    seed_reads(&app, &app.parent, &app.ana, 5).await;
    seed_reads(&app, &app.other_parent, &app.cara, 2).await;
    // A value a spreadsheet would run as a formula.
    app.store
        .append_audit(&AuditEvent {
            at: "2026-02-11T08:00:00Z".into(),
            account_id: None,
            actor_role: "anonymous".into(),
            on_behalf_of: None,
            patient_id: Some(app.ana.clone()),
            action: "read".into(),
            object_type: "=HYPERLINK(\"http://evil\")".into(),
            object_id: None,
            outcome: "failure".into(),
            reason: None,
            client_addr: None,
            request_id: None,
            detail: Some("{\"a\":\"b,c\"}".into()),
        })
        .await
        .unwrap();
    let admin = signed_in(&app, ADMIN_EMAIL).await;
    let page = admin
        .get("/staff/audit?patient=MRN-ANA&sort=at&dir=asc")
        .await;
    assert!(page
        .body
        .contains("href=\"/staff/audit.csv?patient=MRN-ANA&#38;sort=at&#38;dir=asc\""));

    let csv = admin
        .get("/staff/audit.csv?patient=MRN-ANA&sort=at&dir=asc")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let disposition = csv
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"sprout-audit-"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".csv\""));

    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["seq", "time_utc", "user_email"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        7,
        "Ana's five reads, the formula-looking one, the admin's view of the report"
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for r in &rows {
        assert_eq!(&r[col("patient_id")], app.ana.as_str());
        assert_eq!(&r[col("patient_mrn")], "MRN-ANA");
    }
    assert_eq!(&rows[0][col("time_utc")], "2026-02-10T08:00:00Z");
    assert_eq!(&rows[0][col("user_email")], PARENT_EMAIL);
    assert_eq!(&rows[0][col("on_behalf_of")], "seeded-rel");
    assert_eq!(&rows[5][col("object_type")], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&rows[5][col("detail")], "{\"a\":\"b,c\"}");
    assert_eq!(&rows[6][col("object_type")], "audit-report");
    assert_eq!(&rows[6][col("user_email")], ADMIN_EMAIL);

    // The export is itself audited, naming the patient and the filters.
    let events = events_of(&app, &request_id(&csv)).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "export");
    assert_eq!(events[0].object_type, "audit-report");
    assert_eq!(events[0].object_id.as_deref(), Some("audit.csv"));
    assert_eq!(events[0].patient_id.as_ref(), Some(&app.ana));
}

#[tokio::test]
async fn the_report_speaks_spanish() {
    let app = common::start().await;
    add_staff(&app).await;
    let admin = signed_in(&app, ADMIN_EMAIL).await;
    let home = admin.get("/").await;
    admin
        .post(
            "/locale",
            &[("csrf", &home.csrf()), ("lang", "es"), ("return_to", "/")],
        )
        .await;
    let page = admin.get("/staff/audit").await;
    assert!(page.body.contains("Informe de auditoría"), "{}", page.body);
    assert!(page.body.contains("Descargar CSV"));
}
