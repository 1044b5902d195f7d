//! Results, notes and documents through the real HTTP app (issue 7):
//! sensitive results of a 15-year-old classified at import by their LOINC
//! codes and hidden from the parent on every page, count and notice; `R`
//! security labels; release rules with an injected clock; a clinician's
//! re-classification; the family's hold; Synthea's CBC and IgE panels with
//! reference ranges; PDF downloads.

mod common;

use common::*;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sprout_domain::people::StaffRole;
use sprout_domain::record::{Confidentiality, ObservationCategory, Sensitivity};
use sprout_domain::release::{ReleaseCategory, ReleaseRule, ReleaseRules};
use sprout_domain::PatientId;
use sprout_web::{Clock, FixedClock, WebConfig};
use std::sync::Arc;

const CLINICIAN_EMAIL: &str = "doc@example.com";
const TEEN_EMAIL: &str = "tess@example.com";

/// "Now" in these tests: noon UTC on the fixture's today.
fn noon() -> Timestamp {
    "2026-03-02T12:00:00Z".parse().unwrap()
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({"coding": [{"system": system, "code": code, "display": display}], "text": display})
}

fn lab_obs(id: &str, patient: &str, loinc: &str, display: &str, value: Value, when: &str) -> Value {
    let mut o = json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
        "code": coding("http://loinc.org", loinc, display),
        "subject": {"reference": format!("Patient/{patient}")},
        "effectiveDateTime": when,
        "issued": when,
    });
    for (k, v) in value.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

fn patient_res(id: &str, given: &str, born: &str) -> Value {
    json!({
        "resourceType": "Patient",
        "id": id,
        "name": [{"given": [given], "family": "Quinn"}],
        "birthDate": born,
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": format!("MRN-{id}")}]
    })
}

fn bundle(resources: Vec<Value>) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": resources.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()
    })
}

/// Imports a Bundle through the FHIR importer (as `sprout import fhir` does).
async fn import(app: &App, b: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, serde_json::to_vec(b).unwrap()).unwrap();
    let report = sprout_fhir::import_paths(app.store.as_ref(), &[path]).await;
    assert_eq!(report.rejected_count(), 0, "{report}");
}

async fn patient_of(app: &App, source: &str) -> PatientId {
    app.store
        .patient_ids_by_source(&[source.to_owned()])
        .await
        .unwrap()
        .remove(source)
        .expect("imported patient")
}

/// Links the fixture's parent (Maria) to `p`, approved by the patient on a
/// date they were already adolescent.
async fn link_parent(app: &App, p: &PatientId) {
    let mut rel = relationship(&app.parent, p);
    rel.patient_approved_on = Some(date(2026, 1, 5));
    app.store.add_relationship(&rel).await.unwrap();
}

async fn app_at_noon(release: ReleaseRules) -> App {
    let clock = Arc::new(FixedClock::fixed(TODAY, noon()));
    start_with_clock(
        WebConfig {
            release,
            ..Default::default()
        },
        clock,
    )
    .await
}

/// The teen's bundle: chlamydia and gonorrhea NAATs, an hCG pregnancy test
/// and a hemoglobin, all resulted two days ago.
fn teen_bundle() -> Value {
    let when = "2026-02-28T15:00:00Z";
    let p = "teen-15";
    bundle(vec![
        patient_res(p, "Tess", "2010-09-10"),
        lab_obs(
            "naat-ct",
            p,
            "43304-5",
            "Chlamydia trachomatis rRNA [Presence] in Specimen by NAA with probe detection",
            json!({"valueCodeableConcept": {"text": "Not detected"}}),
            when,
        ),
        lab_obs(
            "naat-gc",
            p,
            "43305-2",
            "Neisseria gonorrhoeae rRNA [Presence] in Specimen by NAA with probe detection",
            json!({"valueCodeableConcept": {"text": "Not detected"}}),
            when,
        ),
        lab_obs(
            "hcg",
            p,
            "2106-3",
            "Choriogonadotropin (pregnancy test) [Presence] in Urine",
            json!({"valueCodeableConcept": {"text": "Negative"}}),
            when,
        ),
        lab_obs(
            "hgb",
            p,
            "718-7",
            "Hemoglobin [Mass/volume] in Blood",
            json!({"valueQuantity": {"value": 13.1, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"}}),
            when,
        ),
    ])
}

const SECRET_WORDS: [&str; 4] = ["Chlamydia", "Neisseria", "Choriogonadotropin", "pregnancy"];

#[tokio::test]
async fn sensitive_results_of_a_15_year_old_are_hidden_from_the_parent_everywhere() {
    let app = app_at_noon(ReleaseRules::default()).await;
    import(&app, &teen_bundle()).await;
    let teen = patient_of(&app, "teen-15").await;
    link_parent(&app, &teen).await;
    add_account(&app, TEEN_EMAIL, "Tess Quinn", None, Some(&teen)).await;

    // Classified at import by their LOINC codes, each with the rule named.
    let labs = app
        .store
        .observations(&teen, ObservationCategory::Laboratory)
        .await
        .unwrap();
    let labels_of = |src: &str| {
        labs.iter()
            .find(|o| o.meta.source_id == src)
            .unwrap()
            .meta
            .labels
            .clone()
    };
    assert_eq!(
        labels_of("naat-ct").sensitivity,
        vec![Sensitivity::SexualHealth]
    );
    assert_eq!(
        labels_of("naat-gc").sensitivity,
        vec![Sensitivity::SexualHealth]
    );
    assert_eq!(
        labels_of("hcg").sensitivity,
        vec![Sensitivity::ReproductiveHealth]
    );
    assert!(labels_of("hgb").sensitivity.is_empty());
    let rules = app
        .store
        .label_matches("Observation", "naat-ct")
        .await
        .unwrap();
    assert_eq!(rules[0].rule, "sprout:loinc:43304-5");

    // The parent: no page, count or notice names them or their ids.
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let hidden_ids: Vec<String> = labs
        .iter()
        .filter(|o| o.meta.source_id != "hgb")
        .map(|o| o.meta.id.to_string())
        .collect();
    let mut paths = record_paths(&teen);
    paths.push(format!("/patients/{teen}/notes"));
    paths.push("/".to_owned());
    for path in &paths {
        let page = parent.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for w in SECRET_WORDS {
            assert!(!page.body.contains(w), "{path} shows {w}");
        }
        for id in &hidden_ids {
            assert!(!page.body.contains(id.as_str()), "{path} names {id}");
        }
    }
    let summary = parent.get(&format!("/patients/{teen}")).await;
    assert!(summary.body.contains("1 new result"), "{}", summary.body);
    let results = parent.get(&format!("/patients/{teen}/lab-results")).await;
    assert!(results.body.contains("Hemoglobin [Mass/volume] in Blood"));
    // The count of lab results on the summary is the one result they may see.
    assert!(
        summary.body.contains(&format!(
            "href=\"/patients/{teen}/lab-results\"><span class=\"count\">1</span>"
        )),
        "{}",
        summary.body
    );
    // Their views' audit events name what was withheld, and why.
    let withheld: Vec<String> = audit(&app, Some("read"), Some(&teen))
        .await
        .iter()
        .filter_map(|e| e.detail.clone())
        .collect();
    assert!(withheld.iter().any(|d| d.contains(&hidden_ids[0])));

    // The teen sees all four, counted and noticed.
    let me = Browser::new(&app);
    me.sign_in(TEEN_EMAIL, PASSWORD).await;
    let mine = me.get(&format!("/patients/{teen}/lab-results")).await;
    assert_eq!(mine.status, StatusCode::OK);
    for w in ["Chlamydia", "Neisseria", "Choriogonadotropin", "Hemoglobin"] {
        assert!(mine.body.contains(w), "the teen misses {w}");
    }
    let my_summary = me.get(&format!("/patients/{teen}")).await;
    assert!(
        my_summary.body.contains("4 new results"),
        "{}",
        my_summary.body
    );
}

#[tokio::test]
async fn a_resource_labelled_r_imports_as_restricted_and_stays_from_proxies() {
    let app = app_at_noon(ReleaseRules::default()).await;
    let p = "child-r";
    let mut lead = lab_obs(
        "lead-r",
        p,
        "5671-3",
        "Lead [Mass/volume] in Blood",
        json!({"valueQuantity": {"value": 2.0, "unit": "ug/dL"}}),
        "2026-02-20T10:00:00Z",
    );
    lead["meta"] = json!({"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]});
    import(
        &app,
        &bundle(vec![patient_res(p, "Rory", "2021-04-04"), lead]),
    )
    .await;
    let child = patient_of(&app, p).await;
    let labs = app
        .store
        .observations(&child, ObservationCategory::Laboratory)
        .await
        .unwrap();
    assert_eq!(
        labs[0].meta.labels.confidentiality,
        Confidentiality::Restricted
    );
    let rules = app
        .store
        .label_matches("Observation", "lead-r")
        .await
        .unwrap();
    assert_eq!(rules[0].rule, "meta.security:R");

    app.store
        .add_relationship(&relationship(&app.parent, &child))
        .await
        .unwrap();
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let page = parent.get(&format!("/patients/{child}/lab-results")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Lead [Mass"), "{}", page.body);
    assert!(page.body.contains("No lab results yet."));
}

/// A young child's notes and results under delay, never and staff-release
/// rules.
fn release_bundle() -> Value {
    let p = "kid-rel";
    let doc = |id: &str, loinc: &str, display: &str, text: &str| {
        json!({
            "resourceType": "DocumentReference",
            "id": id,
            "status": "current",
            "type": coding("http://loinc.org", loinc, display),
            "subject": {"reference": format!("Patient/{p}")},
            "date": "2026-03-01T09:00:00Z",
            "content": [{"attachment": {"contentType": "text/plain", "data": base64_of(text)}}]
        })
    };
    bundle(vec![
        patient_res(p, "Kit", "2021-01-01"),
        doc(
            "avs-1",
            "34133-9",
            "Summary of episode note",
            "AVS-MARKER: drink fluids",
        ),
        doc(
            "note-1",
            "11506-3",
            "Progress note",
            "NOTE-MARKER: assessment",
        ),
        lab_obs(
            "lipid-1",
            p,
            "2093-3",
            "Cholesterol [Mass/volume] in Serum or Plasma",
            json!({"valueQuantity": {"value": 150.0, "unit": "mg/dL"}}),
            "2026-03-01T09:00:00Z",
        ),
    ])
}

/// The body of a page that must load (200), so that "does not contain"
/// never passes on an error or sign-in page.
async fn ok(b: &Browser, path: &str) -> String {
    let page = b.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    page.body
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

#[tokio::test]
async fn release_rules_follow_the_injected_clock() {
    let rules = ReleaseRules::default()
        .with(ReleaseCategory::VisitSummaries, ReleaseRule::AfterHours(72))
        .with(ReleaseCategory::ClinicalNotes, ReleaseRule::Never)
        .with(ReleaseCategory::LabResults, ReleaseRule::OnStaffRelease);
    // 72 hours after the summary's time, less one second.
    let t0: Timestamp = "2026-03-01T09:00:00Z".parse().unwrap();
    let clock = Arc::new(FixedClock::fixed(
        TODAY,
        t0 + SignedDuration::from_hours(72) - SignedDuration::from_secs(1),
    ));
    let app = start_with_clock(
        WebConfig {
            release: rules,
            ..Default::default()
        },
        clock.clone(),
    )
    .await;
    import(&app, &release_bundle()).await;
    let kid = patient_of(&app, "kid-rel").await;
    app.store
        .add_relationship(&relationship(&app.parent, &kid))
        .await
        .unwrap();
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let notes = format!("/patients/{kid}/notes");
    let labs = format!("/patients/{kid}/lab-results");

    let before = parent.get(&notes).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains("AVS-MARKER"), "shown before 72 hours");
    assert!(!before.body.contains("NOTE-MARKER"));
    assert!(!ok(&parent, &labs).await.contains("Cholesterol"));

    // Exactly at 72 hours the summary appears; the note never does.
    clock.advance(SignedDuration::from_secs(1));
    assert_eq!(clock.now(), t0 + SignedDuration::from_hours(72));
    let at = parent.get(&notes).await;
    assert!(at.body.contains("AVS-MARKER"), "{}", at.body);
    assert!(!at.body.contains("NOTE-MARKER"));
    // Ten years on (signed in again: sessions end), still never.
    clock.advance(SignedDuration::from_hours(24 * 3650));
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let later = parent.get(&notes).await;
    assert_eq!(later.status, StatusCode::OK);
    assert!(later.body.contains("AVS-MARKER"));
    assert!(!later.body.contains("NOTE-MARKER"));

    // The lab waits for staff: it is in the nurse's queue, released, then seen.
    let page = parent.get(&labs).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Cholesterol"));
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let queue = nurse.get("/release-queue").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Cholesterol"), "{}", queue.body);
    assert!(!queue.body.contains("Progress note"), "never is not queued");
    let views = audit(&app, Some("read"), None).await;
    assert!(
        views
            .iter()
            .any(|e| e.object_type == "release-queue" && e.outcome == "success"),
        "viewing the queue is audited"
    );
    let lab = app
        .store
        .observations(&kid, ObservationCategory::Laboratory)
        .await
        .unwrap()
        .remove(0);
    let released = nurse
        .post(
            "/release-queue",
            &[
                ("csrf", &queue.csrf()),
                ("patient", kid.as_str()),
                ("item", lab.meta.id.as_str()),
            ],
        )
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER);
    let page = parent.get(&labs).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cholesterol"), "{}", page.body);
    assert!(!nurse
        .get("/release-queue")
        .await
        .body
        .contains("Cholesterol"));
    let events = audit(&app, Some("update"), Some(&kid)).await;
    assert!(events.iter().any(
        |e| e.object_type == "release" && e.object_id.as_deref() == Some(lab.meta.id.as_str())
    ));
    // A parent cannot use the queue.
    assert_eq!(
        parent.get("/release-queue").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_clinicians_reclassification_is_audited_and_hides_the_item_at_once() {
    let app = app_at_noon(ReleaseRules::default()).await;
    import(&app, &teen_bundle()).await;
    let teen = patient_of(&app, "teen-15").await;
    link_parent(&app, &teen).await;
    let doc = add_account(
        &app,
        CLINICIAN_EMAIL,
        "Dr. Cole",
        Some(StaffRole::Clinician),
        None,
    )
    .await;
    let hgb = app
        .store
        .observations(&teen, ObservationCategory::Laboratory)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.meta.source_id == "hgb")
        .unwrap();

    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let labs = format!("/patients/{teen}/lab-results");
    assert!(ok(&parent, &labs).await.contains("Hemoglobin"));

    let clinician = Browser::new(&app);
    clinician.sign_in(CLINICIAN_EMAIL, PASSWORD).await;
    let results = clinician.get(&labs).await;
    let href = format!("/patients/{teen}/items/{}/labels", hgb.meta.id);
    assert!(results.body.contains(&href), "clinicians get a labels link");
    let form = clinician.get(&href).await;
    assert_eq!(form.status, StatusCode::OK);
    // No reason: refused, what was chosen is shown again.
    let refused = clinician
        .post(
            &href,
            &[
                ("csrf", &form.csrf()),
                ("category", "mental-health"),
                ("reason", "  "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Please give a reason"));
    assert!(refused.body.contains("value=\"mental-health\" checked"));
    assert!(ok(&parent, &labs).await.contains("Hemoglobin"));

    let saved = clinician
        .post(
            &href,
            &[
                ("csrf", &form.csrf()),
                ("category", "mental-health"),
                ("reason", "Drawn during an eating-disorder assessment"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // The parent's very next request no longer shows it.
    let after = ok(&parent, &labs).await;
    assert!(!after.contains("Hemoglobin"), "{after}");
    assert!(!parent
        .get(&format!("/patients/{teen}"))
        .await
        .body
        .contains("new result"));

    let events = audit(&app, Some("update"), Some(&teen)).await;
    let e = events
        .iter()
        .find(|e| e.object_type == "labels")
        .expect("the change is audited");
    assert_eq!(e.account_id.as_ref(), Some(&doc));
    assert_eq!(e.object_id.as_deref(), Some(hgb.meta.id.as_str()));
    let detail = e.detail.as_deref().unwrap();
    assert!(detail.contains("\"mental-health\""), "{detail}");
    assert!(
        !detail.contains("eating"),
        "the reason stays out of the audit detail"
    );
    let page = clinician.get(&href).await;
    assert!(page
        .body
        .contains("Drawn during an eating-disorder assessment"));

    // Unmarking shows it again; a nurse may not change labels.
    let form = clinician.get(&href).await;
    clinician
        .post(&href, &[("csrf", &form.csrf()), ("reason", "Not related")])
        .await;
    assert!(ok(&parent, &labs).await.contains("Hemoglobin"));
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    assert_eq!(nurse.get(&href).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_family_may_hold_new_results_until_a_clinician_has_talked_to_them() {
    let app = app_at_noon(ReleaseRules::default()).await;
    import(&app, &teen_bundle()).await;
    let teen = patient_of(&app, "teen-15").await;
    add_account(&app, TEEN_EMAIL, "Tess Quinn", None, Some(&teen)).await;
    add_account(
        &app,
        CLINICIAN_EMAIL,
        "Dr. Cole",
        Some(StaffRole::Clinician),
        None,
    )
    .await;
    let me = Browser::new(&app);
    me.sign_in(TEEN_EMAIL, PASSWORD).await;
    let labs = format!("/patients/{teen}/lab-results");
    let page = me.get(&labs).await;
    assert!(page.body.contains("Hold my new results"));
    let held = me
        .post(
            &format!("/patients/{teen}/results-hold"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER);

    // A result issued after the request is held; the earlier ones stay.
    let later = lab_obs(
        "glucose-new",
        "teen-15",
        "2345-7",
        "Glucose [Mass/volume] in Serum or Plasma",
        json!({"valueQuantity": {"value": 90.0, "unit": "mg/dL"}}),
        "2026-03-02T12:30:00Z",
    );
    import(
        &app,
        &bundle(vec![patient_res("teen-15", "Tess", "2010-09-10"), later]),
    )
    .await;
    app.clock.advance(SignedDuration::from_hours(1));
    // Signed in again: an hour without a request ends a family session.
    let me = Browser::new(&app);
    me.sign_in(TEEN_EMAIL, PASSWORD).await;
    let page = me.get(&labs).await;
    assert!(page.body.contains("Hemoglobin"));
    assert!(!page.body.contains("Glucose"), "held");
    assert!(page.body.contains("New results are held"));

    // The clinician sees it in the queue as held, and ends the hold.
    let doc = Browser::new(&app);
    doc.sign_in(CLINICIAN_EMAIL, PASSWORD).await;
    let queue = doc.get("/release-queue").await;
    assert!(queue.body.contains("Glucose"));
    assert!(queue.body.contains("Held at the family"));
    let ended = doc
        .post(
            &format!("/patients/{teen}/results-hold/end"),
            &[("csrf", &queue.csrf())],
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert!(ok(&me, &labs).await.contains("Glucose"));
    let events = audit(&app, None, Some(&teen)).await;
    assert!(events
        .iter()
        .any(|e| e.object_type == "result-hold" && e.action == "create"));
    assert!(events
        .iter()
        .any(|e| e.object_type == "result-hold" && e.action == "update"));
}

#[tokio::test]
async fn synthea_cbc_and_ige_panels_import_and_show_with_reference_ranges() {
    let app = start().await;
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/fhir/synthea/Alexis_Toy_68cd1181-6359-4047-a77f-a165d7912480.json"
    );
    let report = sprout_fhir::import_paths(app.store.as_ref(), &[file.into()]).await;
    assert_eq!(report.rejected_count(), 0, "{report}");
    let p = patient_of(&app, "983561b3-02dd-4227-88a7-835827bd9566").await;
    let reports = app.store.diagnostic_reports(&p).await.unwrap();
    assert!(!reports.is_empty(), "the CBC panels are DiagnosticReports");
    assert!(reports.iter().all(|r| r.result_source_ids.len() >= 10));
    let labs = app
        .store
        .observations(&p, ObservationCategory::Laboratory)
        .await
        .unwrap();
    // The IgE limit holds at any age and is stored at import; the CBC came
    // without ranges and was drawn the day after birth, an age Sprout has no
    // typical hematology range for (a school-age one would flag a newborn's
    // normal hemoglobin as low), so it is stored and shown without one.
    let (ige, cbc): (Vec<_>, Vec<_>) = labs.iter().partition(|o| o.display.contains("IgE"));
    assert!(!ige.is_empty() && !cbc.is_empty());
    assert!(ige.iter().all(|o| o.reference_range.is_some()));
    assert!(cbc.iter().all(|o| o.reference_range.is_none()));

    add_account(
        &app,
        CLINICIAN_EMAIL,
        "Dr. Cole",
        Some(StaffRole::Clinician),
        None,
    )
    .await;
    let doc = Browser::new(&app);
    doc.sign_in(CLINICIAN_EMAIL, PASSWORD).await;
    let page = doc.get(&format!("/patients/{p}/lab-results")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("Complete blood count (hemogram) panel"),
        "CBC report shown"
    );
    assert!(body.contains("Hemoglobin [Mass/volume] in Blood"));
    assert!(
        !body.contains("11.5–15.5 g/dL"),
        "no school-age range for a newborn"
    );
    assert!(body.contains("Peanut IgE Ab in Serum"));
    assert!(body.contains("≤ 0.35 kU/L (typical range)"), "IgE range");
    assert!(body.contains("class=\"flag flag-"), "flags shown");
}

#[tokio::test]
async fn pdf_documents_download_with_safe_headers_and_only_when_visible() {
    let app = app_at_noon(ReleaseRules::default()).await;
    let pdf = b"%PDF-1.4\n% test document\n%%EOF\n";
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(pdf);
    let p = "teen-15";
    let doc = |id: &str, loinc: &str, display: &str| {
        json!({
            "resourceType": "DocumentReference",
            "id": id,
            "status": "current",
            "type": coding("http://loinc.org", loinc, display),
            "subject": {"reference": format!("Patient/{p}")},
            "date": "2026-03-01T09:00:00Z",
            "content": [{"attachment": {"contentType": "application/pdf", "data": data, "title": "avs.pdf"}}]
        })
    };
    let mut sensitive = doc("doc-sens", "34133-9", "Summary of episode note");
    sensitive["context"] = json!({"encounter": []});
    sensitive["meta"] = json!({"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "STD"}]});
    import(
        &app,
        &bundle(vec![
            patient_res(p, "Tess", "2010-09-10"),
            doc("doc-plain", "34133-9", "Summary of episode note"),
            sensitive,
        ]),
    )
    .await;
    let teen = patient_of(&app, p).await;
    link_parent(&app, &teen).await;
    let docs = app.store.document_references(&teen).await.unwrap();
    let id_of = |src: &str| {
        docs.iter()
            .find(|d| d.meta.source_id == src)
            .unwrap()
            .meta
            .id
            .to_string()
    };
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let notes = parent.get(&format!("/patients/{teen}/notes")).await;
    assert!(notes.body.contains(&id_of("doc-plain")));
    assert!(!notes.body.contains(&id_of("doc-sens")));
    let got = parent
        .client
        .get(format!(
            "{}/patients/{teen}/documents/{}",
            parent.base,
            id_of("doc-plain")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let h = got.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"document.pdf\""
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert_eq!(got.bytes().await.unwrap().as_ref(), pdf);
    let denied = parent
        .get(&format!("/patients/{teen}/documents/{}", id_of("doc-sens")))
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    let exports = audit(&app, Some("export"), Some(&teen)).await;
    assert!(exports
        .iter()
        .any(|e| e.object_type == "document" && e.outcome == "success"));
    assert!(exports
        .iter()
        .any(|e| e.object_type == "document" && e.outcome == "denied"));
}
