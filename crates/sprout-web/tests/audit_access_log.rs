//! "Who saw my record" (`/patients/{id}/access-log`): the patient themself
//! sees who opened their record and when (staff by role and name, proxies by
//! name; an adolescent also what each proxy looked at); nobody else may open
//! it. And the events behind it: on whose behalf a proxy acted, and every
//! privilege change.

mod audit_support;
mod common;

use audit_support::{
    add_staff, add_teen, events_of, request_id, signed_in, CLINICIAN_EMAIL, FRONT_DESK_EMAIL,
    TEEN_EMAIL,
};
use common::{NURSE_EMAIL, OTHER_PARENT_EMAIL, PARENT_EMAIL};
use jiff::civil::date;
use reqwest::StatusCode;

#[tokio::test]
async fn a_teen_sees_who_opened_her_record_and_what_each_parent_looked_at() {
    let app = common::start().await;
    add_staff(&app).await;
    let teen = add_teen(&app).await;
    let tina = teen.id.to_string();

    let maria = signed_in(&app, PARENT_EMAIL).await;
    let vitals = maria.get(&format!("/patients/{tina}/vitals")).await;
    assert_eq!(vitals.status, StatusCode::OK);
    assert!(vitals.body.contains("52 kg"), "{}", vitals.body);
    // Maria's read is done on Tina's behalf through her relationship.
    let e = &events_of(&app, &request_id(&vitals)).await[0];
    assert_eq!(e.on_behalf_of.as_deref(), Some(teen.rel.id.as_str()));
    assert_eq!(e.actor_role, "parent");
    // Maria's own pages of Tina have no "who saw" tab.
    assert!(!vitals.body.contains("/access-log"));
    assert_eq!(
        maria
            .get(&format!("/patients/{tina}/immunizations"))
            .await
            .status,
        StatusCode::OK
    );

    let doctor = signed_in(&app, CLINICIAN_EMAIL).await;
    let summary = doctor.get(&format!("/patients/{tina}")).await;
    assert_eq!(summary.status, StatusCode::OK);
    let e = &events_of(&app, &request_id(&summary)).await[0];
    assert_eq!(e.on_behalf_of, None, "staff act for nobody");
    assert_eq!(e.actor_role, "clinician");

    let me = signed_in(&app, TEEN_EMAIL).await;
    let own = me.get(&format!("/patients/{tina}/vitals")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(&format!("/patients/{tina}/access-log")));
    assert_eq!(
        events_of(&app, &request_id(&own)).await[0].on_behalf_of,
        None
    );

    let log = me.get(&format!("/patients/{tina}/access-log")).await;
    assert_eq!(log.status, StatusCode::OK);
    let body = &log.body;
    assert!(body.contains("Who saw my record"));
    assert!(body.contains("Maria Lopez (Parent)"), "{body}");
    assert!(
        body.contains("Looked at: Vitals and measurements"),
        "{body}"
    );
    assert!(body.contains("Looked at: Immunizations"), "{body}");
    assert!(body.contains("Dr. Rivera (Clinician)"), "{body}");
    assert!(
        !body.contains("Tina Lopez (Patient)"),
        "her own views are not listed"
    );
    // Newest first: the doctor, then Maria's immunizations, then her vitals.
    let doc = body.find("Dr. Rivera").unwrap();
    let imm = body.find("Looked at: Immunizations").unwrap();
    let vit = body.find("Looked at: Vitals").unwrap();
    assert!(doc < imm && imm < vit, "{body}");
    // Staff rows say who, not what.
    assert_eq!(body.matches("Looked at:").count(), 2);
    assert!(body.contains("aria-current=\"page\">Who saw my record"));

    // Viewing the log is itself a read of her record, by her.
    let events = events_of(&app, &request_id(&log)).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].object_type, "access-log");
    assert_eq!(events[0].patient_id.as_ref(), Some(&teen.id));
    assert_eq!(events[0].actor_role, "patient");

    // In Spanish.
    let csrf = log.csrf();
    me.post(
        "/locale",
        &[("csrf", &csrf), ("lang", "es"), ("return_to", "/")],
    )
    .await;
    let es = me.get(&format!("/patients/{tina}/access-log")).await;
    assert!(es.body.contains("Quién vio mi expediente"));
    assert!(
        es.body.contains("Miró: Signos vitales y medidas"),
        "{}",
        es.body
    );
    audit_support::assert_chain_intact(&app).await;
}

#[tokio::test]
async fn nobody_but_the_patient_opens_the_log() {
    let app = common::start().await;
    add_staff(&app).await;
    let teen = add_teen(&app).await;
    let tina = teen.id.to_string();
    let path = format!("/patients/{tina}/access-log");
    for email in [
        PARENT_EMAIL,
        OTHER_PARENT_EMAIL,
        CLINICIAN_EMAIL,
        NURSE_EMAIL,
        FRONT_DESK_EMAIL,
        common::ADMIN_EMAIL,
    ] {
        let b = signed_in(&app, email).await;
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{email}");
        let events = events_of(&app, &request_id(&page)).await;
        assert_eq!(events.len(), 1, "{email}: {events:#?}");
        assert_eq!(events[0].outcome, "denied", "{email}");
        assert_eq!(events[0].object_type, "access-log");
    }
    // Maria's denial names the relationship she tried through.
    let maria = signed_in(&app, PARENT_EMAIL).await;
    let page = maria.get(&path).await;
    let e = &events_of(&app, &request_id(&page)).await[0];
    assert_eq!(e.reason.as_deref(), Some("not-the-patient"));
    assert_eq!(e.on_behalf_of.as_deref(), Some(teen.rel.id.as_str()));

    // Tina may not open a child's log, nor an unknown one.
    let me = signed_in(&app, TEEN_EMAIL).await;
    for p in [
        format!("/patients/{}/access-log", app.ana),
        "/patients/no-such-patient/access-log".to_owned(),
        "/patients/..%2F/access-log".to_owned(),
    ] {
        assert_eq!(me.get(&p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    // A parent of a young child has no log to see either.
    assert_eq!(
        maria
            .get(&format!("/patients/{}/access-log", app.ana))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_adult_sees_who_but_not_what() {
    let app = common::start().await;
    let adult = common::add_patient(&app, "Alex", "Moreno", date(2004, 5, 5), vec![]).await;
    common::add_account(&app, "alex@example.com", "Alex Moreno", None, Some(&adult)).await;
    let nurse = signed_in(&app, NURSE_EMAIL).await;
    assert_eq!(
        nurse.get(&format!("/patients/{adult}")).await.status,
        StatusCode::OK
    );
    let me = signed_in(&app, "alex@example.com").await;
    let log = me.get(&format!("/patients/{adult}/access-log")).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("Nora Nurse (Nurse)"), "{}", log.body);
    assert!(!log.body.contains("Looked at:"));
    assert!(!log
        .body
        .contains("the part of your record each of them looked at"));

    // Nobody yet: the empty state says so.
    let other = common::add_patient(&app, "Rae", "Kim", date(2003, 1, 1), vec![]).await;
    common::add_account(&app, "rae@example.com", "Rae Kim", None, Some(&other)).await;
    let rae = signed_in(&app, "rae@example.com").await;
    let log = rae.get(&format!("/patients/{other}/access-log")).await;
    assert!(log.body.contains("Nobody else has opened your record yet."));
}

#[tokio::test]
async fn privilege_changes_are_audit_events() {
    let app = common::start().await;
    add_staff(&app).await;
    let teen = add_teen(&app).await;
    let tina = teen.id.to_string();
    let proxies = format!("/patients/{tina}/proxies");
    let me = signed_in(&app, TEEN_EMAIL).await;

    // Tina hides her vitals from Maria, then shows them again.
    let all_but_vitals: Vec<(&str, &str)> = [
        "demographics",
        "immunizations",
        "medications",
        "allergies",
        "problems",
        "visit-summaries",
        "lab-results",
        "clinical-notes",
        "documents",
        "appointments",
        "messages",
        "billing",
    ]
    .iter()
    .map(|s| ("show", *s))
    .collect();
    let action = format!("{proxies}/{}/sections", teen.rel.id);
    let hide = me.submit(&proxies, &action, &all_but_vitals).await;
    assert_eq!(hide.status, StatusCode::SEE_OTHER, "{}", hide.body);
    let e = &events_of(&app, &request_id(&hide)).await[0];
    assert_eq!(
        (e.action.as_str(), e.object_type.as_str()),
        ("update", "proxy-relationship")
    );
    assert_eq!(e.object_id.as_deref(), Some(teen.rel.id.as_str()));
    let d: serde_json::Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
    assert_eq!(d["change"], "sections");
    assert_eq!(d["was_hidden"], serde_json::json!([]));
    assert_eq!(d["hidden"], serde_json::json!(["vitals"]));

    let mut everything = all_but_vitals.clone();
    everything.push(("show", "vitals"));
    let show = me.submit(&proxies, &action, &everything).await;
    let e = &events_of(&app, &request_id(&show)).await[0];
    let d: serde_json::Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
    assert_eq!(d["was_hidden"], serde_json::json!(["vitals"]));
    assert_eq!(d["hidden"], serde_json::json!([]));

    // The front desk grants Sam access to Tina (waiting for her approval),
    // she approves, then revokes: create, update, update.
    let desk = signed_in(&app, FRONT_DESK_EMAIL).await;
    let add = desk
        .submit(
            &proxies,
            &proxies,
            &[("email", OTHER_PARENT_EMAIL), ("kind", "parent")],
        )
        .await;
    assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
    let created = &events_of(&app, &request_id(&add)).await[0];
    assert_eq!(created.action, "create");
    assert_eq!(created.object_type, "proxy-relationship");
    assert_eq!(created.actor_role, "front-desk");
    assert_eq!(created.outcome, "success");
    let sam_rel = created.object_id.clone().unwrap();
    for change in ["approve", "revoke"] {
        let page = me
            .submit(&proxies, &format!("{proxies}/{sam_rel}/{change}"), &[])
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{change}: {}",
            page.body
        );
        let e = &events_of(&app, &request_id(&page)).await[0];
        assert_eq!(e.action, "update", "{change}");
        assert_eq!(e.object_id.as_deref(), Some(sam_rel.as_str()));
        let d: serde_json::Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
        assert_eq!(d["change"], change);
    }

    // All of it in the staff report, filtered by the patient.
    let admin = signed_in(&app, common::ADMIN_EMAIL).await;
    let report = admin
        .get(&format!("/staff/audit?patient={tina}&action=update"))
        .await;
    assert_eq!(
        report
            .body
            .matches("Access of a parent or guardian")
            .count(),
        4,
        "{}",
        report.body
    );
    audit_support::assert_chain_intact(&app).await;
}
