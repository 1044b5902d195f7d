//! The growth chart page (issue 9): every Synthea child's page renders with
//! its charts and points, a demo infant born at 32 weeks shows the corrected
//! age, and a user who may not see vitals gets the same 404 as everyone else.

mod common;

use common::*;
use jiff::civil::date;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use sprout_domain::people::StaffRole;
use sprout_domain::record::{AdministrativeSex, Section};
use sprout_store::ImportBatch;
use std::path::PathBuf;

const SYNTHEA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/fhir/synthea"
);
const DOCTOR_EMAIL: &str = "doctor@example.com";

fn points(body: &str) -> usize {
    body.matches(r#"<circle class="growth-point""#).count()
}

#[tokio::test]
async fn renders_for_every_synthea_child() {
    let app = start().await;
    let report = sprout_fhir::import_paths(app.store.as_ref(), &[PathBuf::from(SYNTHEA)]).await;
    assert_eq!(report.files.len(), 32);
    for f in &report.files {
        assert!(f.error.is_none(), "{}: {:?}", f.path, f.error);
    }
    let fixture = [&app.ana, &app.ben, &app.cara];
    let patients: Vec<_> = app
        .store
        .patients_born_between(date(1900, 1, 1), date(2100, 1, 1))
        .await
        .unwrap()
        .into_iter()
        .filter(|p| !fixture.contains(&&p.id))
        .collect();
    assert_eq!(patients.len(), 32);

    add_account(
        &app,
        DOCTOR_EMAIL,
        "Dr. Dana",
        Some(StaffRole::Clinician),
        None,
    )
    .await;
    let b = Browser::new(&app);
    b.sign_in(DOCTOR_EMAIL, PASSWORD).await;
    let mut total_points = 0;
    let mut with_who = 0;
    let mut with_cdc = 0;
    for p in &patients {
        let path = format!("/patients/{}/growth", p.id);
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let body = &page.body;
        // Every Synthea patient has weights and heights: at least a weight and
        // a height chart, each with its points, curves and table.
        assert!(
            body.matches("<svg class=\"growth-svg\"").count() >= 2,
            "{path}"
        );
        let n = points(body);
        assert!(n >= 2, "{path}: {n} points");
        total_points += n;
        assert!(body.contains("data-percentile=\"50\""), "{path}");
        assert!(body.contains("<table class=\"growth-table\">"), "{path}");
        assert!(body.contains(" percentile"), "{path}");
        assert!(!body.contains("NaN") && !body.contains("inf\""), "{path}");
        // Metric and US units side by side.
        assert!(body.contains(" lb ") && body.contains(" in)"), "{path}");
        with_who += usize::from(body.contains("WHO growth standards</span>"));
        with_cdc += usize::from(body.contains("CDC growth charts, 2 to 20 years"));
        // The tab is there and current.
        assert!(
            body.contains(&format!(
                r#"<a href="/patients/{}/growth" aria-current="page">Growth</a>"#,
                p.id
            )),
            "{path}"
        );
        // The read went through the one read path: one audit event, the
        // vitals section, allowed.
        let e = audit(&app, Some("read"), Some(&p.id)).await.remove(0);
        assert_eq!(e.object_type, "vitals");
        assert_eq!(e.outcome, "success");
    }
    // Synthea's children cover both references.
    assert!(with_who >= 10, "{with_who} children with WHO charts");
    assert!(with_cdc >= 20, "{with_cdc} children with CDC charts");
    assert!(total_points > 32 * 10, "{total_points}");

    // The same page in Spanish.
    let mut h = HeaderMap::new();
    h.insert("accept-language", HeaderValue::from_static("es"));
    let es = Browser::with_headers(&app, h);
    es.sign_in(DOCTOR_EMAIL, PASSWORD).await;
    let page = es
        .get(&format!("/patients/{}/growth", patients[0].id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Curvas de crecimiento"));
    assert!(page.body.contains("percentil "));
    assert!(points(&page.body) >= 2);
}

#[tokio::test]
async fn a_demo_infant_born_at_32_weeks_shows_the_corrected_age() {
    let app = start().await;
    let fam = sprout_demo::Generator::new(7, TODAY).family();
    let infant = fam.patients[0].clone();
    assert_eq!(infant.gestation_weeks, Some(32));
    let items: Vec<_> = fam
        .items
        .into_iter()
        .filter(|i| i.meta().patient_id == infant.id)
        .collect();
    app.store
        .import_batch(&ImportBatch {
            patients: vec![infant.clone()],
            items,
        })
        .await
        .unwrap();
    let path = format!("/patients/{}/growth", infant.id);

    // A parent linked to the infant.
    app.store
        .add_relationship(&relationship(&app.parent, &infant.id))
        .await
        .unwrap();
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Born at 32 weeks of pregnancy"), "{body}");
    // 135 days old, 8 weeks early: 79 days from the due date.
    assert!(
        body.contains("Today: 4 months (corrected age 2 months)."),
        "{body}"
    );
    // Each later measurement's age is shown with its corrected age, on the
    // WHO charts; those before the due date are not computed, and say why.
    assert!(body.contains("(corrected age "), "{body}");
    assert!(body.contains("WHO growth standards"));
    assert!(points(body) >= 3, "{} points", points(body));
    assert!(body.contains("Not computed: measured before the due date"));
    // Weight for length, from the lengths measured lying (8306-3).
    assert!(body.contains("Weight for length"));

    // A clinician sees the same.
    add_account(
        &app,
        DOCTOR_EMAIL,
        "Dr. Dana",
        Some(StaffRole::Clinician),
        None,
    )
    .await;
    let doc = Browser::new(&app);
    doc.sign_in(DOCTOR_EMAIL, PASSWORD).await;
    let page = doc.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("corrected age 2 months"));
}

#[tokio::test]
async fn a_user_who_may_not_see_vitals_gets_404() {
    let app = start().await;
    // An approved 15-year-old who hid her vitals from her parent.
    let teo = new_patient_id();
    let mut p = patient(&teo, "Teo", "Ruiz", date(2011, 1, 1));
    p.sex = AdministrativeSex::Female;
    app.store
        .import_batch(&ImportBatch {
            patients: vec![p],
            items: vec![vital(
                &teo,
                "teo-w",
                "29463-7",
                "Body Weight",
                50.0,
                "kg",
                "2026-01-10T09:00:00-05:00",
            )],
        })
        .await
        .unwrap();
    let mut rel = relationship(&app.parent, &teo);
    rel.granted_on = date(2011, 1, 8);
    rel.patient_approved_on = Some(date(2023, 2, 1));
    rel.sections_hidden = vec![Section::Vitals];
    app.store.add_relationship(&rel).await.unwrap();

    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let summary = b.get(&format!("/patients/{teo}")).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(!summary.body.contains("/growth"), "no Growth tab");
    let page = b.get(&format!("/patients/{teo}/growth")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let unknown = b
        .get(&format!("/patients/{}/growth", new_patient_id()))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(page.body, unknown.body, "the same 404");
    let e = audit(&app, Some("read"), Some(&teo)).await.remove(0);
    assert_eq!(e.object_type, "vitals");
    assert_eq!(e.outcome, "denied");

    // Another family's child: 404; a malformed id: 404.
    let other = b.get(&format!("/patients/{}/growth", app.cara)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let bad = b.get("/patients/not%20an%20id/growth").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);

    // Her own child: the tab is on every patient page, and the growth page
    // explains that the charts need the sex (the fixture's is unknown).
    let summary = b.get(&format!("/patients/{}", app.ana)).await;
    assert!(summary.body.contains(&format!(
        r#"<a href="/patients/{}/growth">Growth</a>"#,
        app.ana
    )));
    let page = b.get(&format!("/patients/{}/growth", app.ana)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("the charts for boys and girls differ"));
    assert_eq!(points(&page.body), 0);

    // Signed out: sent to sign in.
    let anon = Browser::new(&app);
    let page = anon.get(&format!("/patients/{}/growth", app.ana)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}
