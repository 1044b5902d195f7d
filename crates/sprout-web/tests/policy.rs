//! The access policy enforced through the real HTTP app: age transitions with
//! an injected clock, the teen's approvals and hidden sections, revocation,
//! staff proxy management (rule 5, evidence, the explain view), and the audit
//! of every withheld item (ACCESS-POLICY.md; issue 3).

mod common;

use common::*;
use jiff::civil::date;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_LANGUAGE};
use reqwest::StatusCode;
use sprout_domain::people::{RelationshipKind, StaffRole};
use sprout_domain::policy::{Policy, Preset};
use sprout_domain::record::{Confidentiality, Labels, RecordItem, Section, Sensitivity};
use sprout_domain::PatientId;
use sprout_store::{AuditEvent, ImportBatch};

const FRONT_DESK_EMAIL: &str = "desk@example.com";

fn sensitive(s: Sensitivity) -> Labels {
    Labels {
        confidentiality: Confidentiality::Normal,
        sensitivity: vec![s],
    }
}

fn restricted() -> Labels {
    Labels {
        confidentiality: Confidentiality::Restricted,
        sensitivity: vec![],
    }
}

fn item_id(i: &RecordItem) -> String {
    i.meta().id.to_string()
}

/// Stores a patient with items, returning the id the items were made for.
async fn store_patient(
    app: &App,
    id: &PatientId,
    given: &str,
    born: jiff::civil::Date,
    items: Vec<RecordItem>,
) {
    app.store
        .import_batch(&ImportBatch {
            patients: vec![patient(id, given, "Lopez", born)],
            items,
        })
        .await
        .unwrap();
}

fn detail(e: &AuditEvent) -> serde_json::Value {
    serde_json::from_str(e.detail.as_deref().unwrap_or("null")).unwrap()
}

/// The body of the 404 page for an id nobody has.
async fn unknown_body(b: &Browser) -> String {
    let p = b.get("/patients/0123456789abcdef0123456789abcdef").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.body
}

#[tokio::test]
async fn twelfth_birthday_approval_and_hidden_sections_in_one_session() {
    let app = start().await;
    let tia = new_patient_id();
    let items = vec![
        marked_item(&tia, Section::Vitals, "TIA-VITAL", Labels::default()),
        marked_item(&tia, Section::LabResults, "TIA-LAB", Labels::default()),
        marked_item(
            &tia,
            Section::LabResults,
            "TIA-STD",
            sensitive(Sensitivity::SexualHealth),
        ),
        marked_item(&tia, Section::Problems, "TIA-SECRET", restricted()),
    ];
    // Twelve on TODAY (2026-03-02).
    store_patient(&app, &tia, "Tia", date(2014, 3, 2), items).await;
    let mut rel = relationship(&app.parent, &tia);
    rel.granted_on = date(2014, 3, 9);
    app.store.add_relationship(&rel).await.unwrap();
    add_account(&app, "tia@example.com", "Tia Lopez", None, Some(&tia)).await;

    // The day before the 12th birthday: a child; her parent sees lab results.
    app.clock.set_today(date(2026, 3, 1));
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let labs = parent.get(&format!("/patients/{tia}/lab-results")).await;
    assert_eq!(labs.status, StatusCode::OK);
    assert!(labs.body.contains("TIA-LAB") && labs.body.contains("TIA-STD"));
    let problems = parent.get(&format!("/patients/{tia}/problems")).await;
    assert!(!problems.body.contains("TIA-SECRET"), "restricted: never");
    assert!(parent.get("/").await.body.contains("Tia Lopez"));
    // Her own login is too young to open anything yet.
    let teen = Browser::new(&app);
    teen.sign_in("tia@example.com", PASSWORD).await;
    assert_eq!(
        teen.get(&format!("/patients/{tia}")).await.status,
        StatusCode::NOT_FOUND
    );

    // The birthday, same sessions, no job run: the parent sees nothing.
    app.clock.set_today(TODAY);
    let unknown = unknown_body(&parent).await;
    for path in record_paths(&tia) {
        let p = parent.get(&path).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(p.body, unknown, "{path} looks like an unknown record");
    }
    assert!(!parent.get("/").await.body.contains("Tia"));
    let ana = parent.get(&format!("/patients/{}", app.ana)).await;
    assert!(!ana.body.contains("Tia"), "not in the switcher");
    let denied = audit(&app, Some("read"), Some(&tia)).await;
    let e = denied.iter().find(|e| e.outcome == "denied").unwrap();
    assert_eq!(e.reason.as_deref(), Some("adolescent-not-approved"));
    assert_eq!(detail(e)["denied"]["exception"], "privacy");

    // The teen, now 12, sees her whole record and her parent's request.
    let own = teen.get(&format!("/patients/{tia}/lab-results")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("TIA-STD"), "her own confidential care");
    let home = teen.get("/").await;
    let proxies = format!("/patients/{tia}/proxies");
    assert!(home.body.contains(&format!("href=\"{proxies}\"")));
    let page = teen.get(&proxies).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Waiting for your approval"));
    assert!(page.body.contains("Approve Maria Lopez"));
    let done = teen
        .submit(&proxies, &format!("{proxies}/{}/approve", rel.id), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), Some(&*format!("{proxies}?done=approve")));

    // Approved: the parent's same session sees everything but confidential care.
    let labs = parent.get(&format!("/patients/{tia}/lab-results")).await;
    assert_eq!(labs.status, StatusCode::OK);
    assert!(labs.body.contains("TIA-LAB"));
    assert!(!labs.body.contains("TIA-STD"));
    let summary = parent.get(&format!("/patients/{tia}")).await;
    assert!(summary
        .body
        .contains(&format!("/patients/{tia}/lab-results")));

    // She hides lab results from him.
    let shown: Vec<(&str, &str)> = Section::ALL
        .iter()
        .filter(|s| **s != Section::LabResults)
        .map(|s| ("show", s.code()))
        .collect();
    let done = teen
        .submit(&proxies, &format!("{proxies}/{}/sections", rel.id), &shown)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let labs = parent.get(&format!("/patients/{tia}/lab-results")).await;
    assert_eq!(labs.status, StatusCode::NOT_FOUND);
    assert_eq!(labs.body, unknown);
    let vitals = parent.get(&format!("/patients/{tia}/vitals")).await;
    assert_eq!(vitals.status, StatusCode::OK);
    assert!(vitals.body.contains("TIA-VITAL"));
    assert!(!vitals.body.contains("lab-results"), "no tab, no link");
    let summary = parent.get(&format!("/patients/{tia}")).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(!summary.body.contains("lab-results"));
    assert!(!summary.body.contains("Lab results"));

    // The changes are audited as privilege changes.
    let changes: Vec<AuditEvent> = audit(&app, Some("update"), Some(&tia)).await;
    let approve = changes
        .iter()
        .find(|e| detail(e)["change"] == "approve")
        .unwrap();
    assert_eq!(approve.object_type, "proxy-relationship");
    assert_eq!(approve.object_id.as_deref(), Some(rel.id.as_str()));
    assert_eq!(approve.reason.as_deref(), Some("grant-allowed"));
    assert_eq!(approve.actor_role, "patient");
    let hide = changes
        .iter()
        .find(|e| detail(e)["change"] == "sections")
        .unwrap();
    assert_eq!(detail(hide)["hidden"], serde_json::json!(["lab-results"]));

    // She removes his access: gone on his next request.
    let done = teen
        .submit(&proxies, &format!("{proxies}/{}/revoke", rel.id), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let v = parent.get(&format!("/patients/{tia}/vitals")).await;
    assert_eq!(v.status, StatusCode::NOT_FOUND);
    let page = teen.get(&proxies).await;
    assert!(page.body.contains("Access that ended"));
}

#[tokio::test]
async fn revoking_a_proxy_ends_access_on_the_next_request() {
    let app = start().await;
    add_account(
        &app,
        FRONT_DESK_EMAIL,
        "Fran Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let ben = format!("/patients/{}/vitals", app.ben);
    assert_eq!(parent.get(&ben).await.status, StatusCode::OK);

    // A nurse may look at the proxies but not revoke; an admin sees nothing.
    let proxies = format!("/patients/{}/proxies", app.ben);
    let revoke = format!("{proxies}/{}/revoke", app.rel_ben.id);
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let page = nurse.get(&proxies).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Maria Lopez"));
    assert!(!page.body.contains(&revoke));
    let csrf = page.csrf();
    let refused = nurse.post(&revoke, &[("csrf", &csrf)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let admin = Browser::new(&app);
    admin.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(admin.get(&proxies).await.status, StatusCode::NOT_FOUND);
    // Nor may the parent manage the child's proxies.
    assert_eq!(parent.get(&proxies).await.status, StatusCode::NOT_FOUND);
    assert_eq!(parent.get(&ben).await.status, StatusCode::OK);

    let desk = Browser::new(&app);
    desk.sign_in(FRONT_DESK_EMAIL, PASSWORD).await;
    let page = desk.get(&proxies).await;
    assert!(page.body.contains(&revoke));
    let done = desk.submit(&proxies, &revoke, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    // The parent's existing session: gone on the very next request.
    assert_eq!(parent.get(&ben).await.status, StatusCode::NOT_FOUND);
    assert!(!parent.get("/").await.body.contains("Ben Lopez"));
    let rels = app.store.relationships_of_patient(&app.ben).await.unwrap();
    assert_eq!(rels[0].revoked_on, Some(TODAY));
    let events = audit(&app, Some("update"), Some(&app.ben)).await;
    assert!(events.iter().any(|e| e.object_type == "proxy-relationship"
        && e.actor_role == "front-desk"
        && detail(e)["change"] == "revoke"
        && e.outcome == "success"));
}

#[tokio::test]
async fn every_withheld_item_is_audited_with_reason_and_exception() {
    let app = start().await;
    // A restricted immunization in a child's record.
    let secret = marked_item(&app.ana, Section::Immunizations, "ANA-SECRET", restricted());
    let secret_id = item_id(&secret);
    app.store
        .import_batch(&ImportBatch {
            patients: vec![],
            items: vec![secret],
        })
        .await
        .unwrap();
    // An approved teen's sexual-health and mental-health results.
    let teo = new_patient_id();
    let std = marked_item(
        &teo,
        Section::LabResults,
        "TEO-STD",
        sensitive(Sensitivity::SexualHealth),
    );
    let psy = marked_item(
        &teo,
        Section::Problems,
        "TEO-PSY",
        sensitive(Sensitivity::MentalHealth),
    );
    let (std_id, psy_id) = (item_id(&std), item_id(&psy));
    let plain = marked_item(&teo, Section::LabResults, "TEO-LAB", Labels::default());
    store_patient(&app, &teo, "Teo", date(2011, 1, 1), vec![std, psy, plain]).await;
    let mut rel = relationship(&app.parent, &teo);
    rel.granted_on = date(2011, 1, 8);
    rel.patient_approved_on = Some(date(2023, 2, 1));
    rel.sections_hidden = vec![Section::Medications];
    app.store.add_relationship(&rel).await.unwrap();

    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let page = b.get(&format!("/patients/{}/immunizations", app.ana)).await;
    assert!(!page.body.contains("ANA-SECRET"));
    let e = audit(&app, Some("read"), Some(&app.ana)).await.remove(0);
    assert_eq!(e.object_type, "immunizations");
    assert_eq!(e.outcome, "success");
    assert_eq!(
        detail(&e)["withheld"],
        serde_json::json!([{
            "item": secret_id,
            "section": "immunizations",
            "reason": "restricted-item",
            "exception": "privacy",
        }])
    );

    let page = b.get(&format!("/patients/{teo}/lab-results")).await;
    assert!(page.body.contains("TEO-LAB") && !page.body.contains("TEO-STD"));
    let e = audit(&app, Some("read"), Some(&teo)).await.remove(0);
    assert_eq!(e.reason.as_deref(), Some("adolescent-approved"));
    // California cites Health & Safety Code §123115(a): required by law.
    assert_eq!(
        detail(&e)["withheld"],
        serde_json::json!([{
            "item": std_id,
            "section": "lab-results",
            "reason": "adolescent-sensitive-item",
            "exception": "required-by-law",
        }])
    );
    assert!(
        !e.detail.as_deref().unwrap().contains("TEO"),
        "no health data"
    );

    // The summary's counts withheld both, and says so.
    let summary = b.get(&format!("/patients/{teo}")).await;
    assert!(!summary.body.contains("TEO-"));
    let e = audit(&app, Some("read"), Some(&teo)).await.remove(0);
    assert_eq!(e.object_type, "summary");
    let withheld = detail(&e)["withheld"].as_array().unwrap().clone();
    let ids: Vec<&str> = withheld
        .iter()
        .map(|w| w["item"].as_str().unwrap())
        .collect();
    assert_eq!(withheld.len(), 2, "{withheld:?}");
    assert!(ids.contains(&std_id.as_str()) && ids.contains(&psy_id.as_str()));

    // A section the teen hid: a denial, audited with its reason and exception.
    let hidden = b.get(&format!("/patients/{teo}/medications")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let e = audit(&app, Some("read"), Some(&teo)).await.remove(0);
    assert_eq!(e.outcome, "denied");
    assert_eq!(e.reason.as_deref(), Some("section-hidden-by-patient"));
    assert_eq!(
        detail(&e)["denied"],
        serde_json::json!({
            "section": "medications",
            "reason": "section-hidden-by-patient",
            "exception": "privacy",
        })
    );
}

#[tokio::test]
async fn an_eighteenth_birthday_ends_a_parents_access() {
    let app = start().await;
    let ada = new_patient_id();
    let items = vec![marked_item(
        &ada,
        Section::Vitals,
        "ADA-VITAL",
        Labels::default(),
    )];
    store_patient(&app, &ada, "Ada", date(2008, 3, 2), items).await;
    let mut rel = relationship(&app.parent, &ada);
    rel.granted_on = date(2008, 3, 9);
    rel.patient_approved_on = Some(date(2021, 1, 1));
    app.store.add_relationship(&rel).await.unwrap();

    app.clock.set_today(date(2026, 3, 1));
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let v = b.get(&format!("/patients/{ada}/vitals")).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.body.contains("ADA-VITAL"));
    app.clock.set_today(TODAY);
    assert_eq!(
        b.get(&format!("/patients/{ada}/vitals")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!b.get("/").await.body.contains("Ada Lopez"));
    let e = audit(&app, Some("read"), Some(&ada)).await.remove(0);
    assert_eq!(e.reason.as_deref(), Some("adult-parent-no-access"));
}

#[tokio::test]
async fn front_desk_adds_proxies_by_rule_five_and_records_evidence() {
    let app = start().await;
    add_account(
        &app,
        FRONT_DESK_EMAIL,
        "Fran Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    add_account(&app, "gran@example.com", "Gran Lopez", None, None).await;
    let desk = Browser::new(&app);
    desk.sign_in(FRONT_DESK_EMAIL, PASSWORD).await;
    let ben = format!("/patients/{}/proxies", app.ben);

    // Sam becomes Ben's second parent; his existing session sees Ben at once.
    let sam = Browser::new(&app);
    sam.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    assert_eq!(
        sam.get(&format!("/patients/{}", app.ben)).await.status,
        StatusCode::NOT_FOUND
    );
    let done = desk
        .submit(
            &ben,
            &ben,
            &[("email", " Sam@Example.com "), ("kind", "parent")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some(&*format!("{ben}?done=add")));
    assert_eq!(
        sam.get(&format!("/patients/{}", app.ben)).await.status,
        StatusCode::OK
    );

    // A third is over california's limit of two: refused, reason shown, form kept.
    let refused = desk
        .submit(
            &ben,
            &ben,
            &[("email", "gran@example.com"), ("kind", "legal-guardian")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("already has as many people with access as this practice allows"));
    assert!(refused.body.contains("value=\"gran@example.com\""));
    assert!(refused
        .body
        .contains("<option value=\"legal-guardian\" selected>"));
    let e = audit(&app, Some("create"), Some(&app.ben)).await.remove(0);
    assert_eq!(e.outcome, "denied");
    assert_eq!(e.reason.as_deref(), Some("proxy-limit-reached"));

    // A designee is for adults only; unknown emails and existing proxies are refused.
    let ana = format!("/patients/{}/proxies", app.ana);
    let p = desk
        .submit(
            &ana,
            &ana,
            &[("email", "gran@example.com"), ("kind", "designee")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("a designee is only for adults"));
    let p = desk
        .submit(
            &ana,
            &ana,
            &[("email", "nobody@example.com"), ("kind", "parent")],
        )
        .await;
    assert!(p.body.contains("No portal account uses that email"));
    assert!(p.body.contains("value=\"nobody@example.com\""));
    let p = desk
        .submit(&ana, &ana, &[("email", PARENT_EMAIL), ("kind", "parent")])
        .await;
    assert!(p.body.contains("can already act for this patient"));

    // A teen's own login cannot be her own proxy (rule 5: same email).
    let tess = new_patient_id();
    store_patient(&app, &tess, "Tess", date(2012, 5, 5), vec![]).await;
    add_account(&app, "tess@example.com", "Tess Lopez", None, Some(&tess)).await;
    let tp = format!("/patients/{tess}/proxies");
    let p = desk
        .submit(
            &tp,
            &tp,
            &[("email", "TESS@example.com"), ("kind", "parent")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("That is the patient&#39;s own email")
            || p.body.contains("That is the patient's own email"),
        "{}",
        p.body
    );

    // A nurse may look but not add.
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let page = nurse.get(&ben).await;
    assert!(!page.body.contains("Add proxy"));
    let p = nurse
        .post(
            &ben,
            &[
                ("csrf", &page.csrf()),
                ("email", "gran@example.com"),
                ("kind", "parent"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    // An adult with a court-appointed guardian: access only with papers on
    // file, and only until they end.
    let abe = new_patient_id();
    let items = vec![marked_item(
        &abe,
        Section::Vitals,
        "ABE-VITAL",
        Labels::default(),
    )];
    store_patient(&app, &abe, "Abe", date(2000, 1, 1), items).await;
    let mut guardian = relationship(&app.other_parent, &abe);
    guardian.kind = RelationshipKind::CourtAppointedGuardian;
    guardian.granted_on = date(2019, 1, 1);
    app.store.add_relationship(&guardian).await.unwrap();
    let abe_vitals = format!("/patients/{abe}/vitals");
    assert_eq!(sam.get(&abe_vitals).await.status, StatusCode::NOT_FOUND);
    let abe_proxies = format!("/patients/{abe}/proxies");
    let evidence = format!("{abe_proxies}/{}/evidence", guardian.id);
    let bad = desk
        .submit(
            &abe_proxies,
            &evidence,
            &[("on_file", "1"), ("expires_on", "30/06/2026")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("That date could not be read"));
    assert!(bad.body.contains("value=\"30/06/2026\""));
    // Papers that have already run out are not evidence on file.
    let past = desk
        .submit(
            &abe_proxies,
            &evidence,
            &[("on_file", "1"), ("expires_on", "2020-06-30")],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        past.body.contains("That date has already passed"),
        "{}",
        past.body
    );
    assert!(past.body.contains("value=\"2020-06-30\""));
    assert_eq!(sam.get(&abe_vitals).await.status, StatusCode::NOT_FOUND);
    let ok = desk
        .submit(
            &abe_proxies,
            &evidence,
            &[("on_file", "1"), ("expires_on", "2026-06-30")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let v = sam.get(&abe_vitals).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.body.contains("ABE-VITAL"));

    // The explain view, in English and Spanish.
    let explain = format!("{abe_proxies}/{}/explain", guardian.id);
    let page = desk.get(&explain).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("What Sam Smith can see"));
    assert!(page
        .body
        .contains("Court-appointed guardian with papers on file"));
    assert!(page.body.contains("On file, valid until June 30, 2026"));
    assert!(page
        .body
        .contains("Entries marked restricted are not shown"));
    let ben_explain = format!("{ben}/{}/explain", app.rel_ben.id);
    let page = desk.get(&ben_explain).await;
    assert!(page.body.contains(
        "Parent or guardian of a child: sees the whole record except restricted entries."
    ));
    // (Signing in with Spanish chosen stores it as the account's language.)
    let mut h = HeaderMap::new();
    h.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("es"));
    let desk_es = Browser::with_headers(&app, h);
    desk_es.sign_in(FRONT_DESK_EMAIL, PASSWORD).await;
    let page = desk_es.get(&explain).await;
    assert!(page
        .body
        .contains("Tutor nombrado por un juez con documentos en archivo"));
    assert!(page.body.contains("Lo que Sam Smith puede ver"));

    // The papers' last day passes: Sam's same session loses access.
    app.clock.set_today(date(2026, 7, 1));
    assert_eq!(sam.get(&abe_vitals).await.status, StatusCode::NOT_FOUND);
    let page = desk_es.get(&explain).await;
    assert!(page
        .body
        .contains("los documentos de tutela no están en archivo o vencieron"));
}

#[tokio::test]
async fn massachusetts_parents_of_teens_see_the_limited_sections() {
    let app = start_with(sprout_web::WebConfig {
        policy: Policy::preset(Preset::Massachusetts),
        ..sprout_web::WebConfig::default()
    })
    .await;
    let mia = new_patient_id();
    let items = vec![
        marked_item(&mia, Section::Vitals, "MIA-VITAL", Labels::default()),
        marked_item(&mia, Section::Immunizations, "MIA-SHOT", Labels::default()),
        marked_item(
            &mia,
            Section::Immunizations,
            "MIA-HPV",
            sensitive(Sensitivity::SexualHealth),
        ),
        marked_item(&mia, Section::Allergies, "MIA-PEANUT", Labels::default()),
    ];
    store_patient(&app, &mia, "Mia", date(2012, 1, 1), items).await;
    let mut rel = relationship(&app.parent, &mia);
    rel.granted_on = date(2012, 1, 8);
    app.store.add_relationship(&rel).await.unwrap();
    add_account(&app, "mia@example.com", "Mia Lopez", None, Some(&mia)).await;

    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let shots = b.get(&format!("/patients/{mia}/immunizations")).await;
    assert_eq!(shots.status, StatusCode::OK);
    assert!(shots.body.contains("MIA-SHOT") && !shots.body.contains("MIA-HPV"));
    assert_eq!(
        b.get(&format!("/patients/{mia}/vitals")).await.status,
        StatusCode::NOT_FOUND
    );
    let summary = b.get(&format!("/patients/{mia}")).await;
    assert!(!summary.body.contains("/vitals\""));
    assert!(summary.body.contains("class=\"count\">1<"));

    // The teen hides allergies; the choices offered are the limited sections.
    let teen = Browser::new(&app);
    teen.sign_in("mia@example.com", PASSWORD).await;
    let proxies = format!("/patients/{mia}/proxies");
    let page = teen.get(&proxies).await;
    assert!(page.body.contains("value=\"allergies\""));
    assert!(!page.body.contains("value=\"vitals\""));
    let done = teen
        .submit(
            &proxies,
            &format!("{proxies}/{}/sections", rel.id),
            &[("show", "immunizations"), ("show", "demographics")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        b.get(&format!("/patients/{mia}/allergies")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&format!("/patients/{mia}/immunizations"))
            .await
            .status,
        StatusCode::OK
    );
}
