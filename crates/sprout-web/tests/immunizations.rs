//! HTTP tests of the immunization pages (issue 10): the record grouped by
//! vaccine group with whether each dose counts, the forecast of what is due,
//! and the printable PDF, all through the one read path with its audit.
//!
//! The PDF is checked with Debian's `pdftotext` (poppler-utils, installed by
//! scripts/test): a Synthea child is imported from the shared FHIR bundles and
//! every dose's date must be in the text. Set `SPROUT_PDF_OUT` to a folder to
//! keep the PDFs (to render them with `pdftoppm` and look at them).

mod common;

use common::*;
use jiff::civil::{date, Date};
use reqwest::StatusCode;
use sprout_domain::record::{Immunization, RecordItem};
use sprout_domain::PatientId;
use sprout_store::ImportBatch;
use std::path::PathBuf;

/// A Synthea child: born 2019-05-22, 23 immunizations (6 years old on
/// [`TODAY`]).
const SYNTHEA_CHILD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/fhir/synthea/Claudie_Walsh_498377b3-e385-40ab-9acd-06b657e2f599.json"
);

/// A date as the English pages write it ("May 1, 2024"), spelled out here
/// independently of the catalogs.
fn long_date(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {}, {}",
        MONTHS[d.month() as usize - 1],
        d.day(),
        d.year()
    )
}

/// The HTML of the element with `id` up to its closing `</section>`.
fn part<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let start = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[start..];
    Some(&rest[..rest.find("</section>")?])
}

/// Text of a PDF by `pdftotext` (poppler-utils).
fn pdf_text(bytes: &[u8], name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Ok(out) = std::env::var("SPROUT_PDF_OUT") {
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(PathBuf::from(out).join(name), bytes).unwrap();
    }
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

async fn get_bytes(b: &Browser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = b
        .client
        .get(format!("{}{path}", b.base))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

fn shot(p: &PatientId, src: &str, cvx: &str, text: &str, on: Date) -> RecordItem {
    immunization(p, src, cvx, text, "completed", None, on)
}

#[tokio::test]
async fn record_page_groups_doses_by_vaccine_group_and_says_which_count() {
    let app = start().await;
    // Ana (born 2019-04-02) has MMR on 2024-05-01 (fixture); add a second MMR
    // three weeks later (too soon: does not count), a DTaP-HepB-IPV
    // combination and a varicella dose.
    app.store
        .import_batch(&ImportBatch {
            patients: vec![],
            items: vec![
                shot(&app.ana, "ana-mmr2", "03", "MMR", date(2024, 5, 22)),
                shot(&app.ana, "ana-ped", "110", "Pediarix", date(2019, 6, 3)),
                shot(&app.ana, "ana-var", "21", "Varicella", date(2020, 4, 10)),
            ],
        })
        .await
        .unwrap();
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let path = format!("/patients/{}/immunizations", app.ana);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;

    // Groups in the record's order, each named in plain words.
    let order = [
        "DTaP, Tdap, Td (diphtheria, tetanus, whooping cough)",
        "Polio (IPV)",
        "MMR (measles, mumps, rubella)",
        "Chickenpox (varicella)",
        "Hepatitis B",
        "Other vaccines",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|h| {
            body.find(&format!("{h}</h3>"))
                .unwrap_or_else(|| panic!("no group {h}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "groups out of order");
    // The combination vaccine is listed under each group it counts for.
    assert_eq!(body.matches("DTaP-Hep B-IPV").count(), 3, "{body}");

    let mmr = &body[at[2]..at[3]];
    assert!(mmr.contains("Given May 1, 2024 (dose 1)"), "{mmr}");
    assert!(mmr.contains("Counts"));
    assert!(mmr.contains("Given May 22, 2024"));
    assert!(mmr.contains("Does not count"));
    assert!(mmr.contains("Given too soon after the dose before it."));
    assert!(mmr.contains("It may need to be given again."));
    // Records not given and entered in error are shown as such.
    let other = &body[at[5]..];
    assert!(other.contains("Ana local vaccine") && other.contains("Not given"));
    assert!(other.contains("Reason: Parent declined"));
    let hepb = &body[at[4]..at[5]];
    assert!(hepb.contains("Entered in error"));
    // Links to the forecast and the PDF.
    assert!(body.contains(&format!("href=\"{path}/due\"")));
    assert!(body.contains(&format!("href=\"{path}/record.pdf\"")));

    // One audit event: a read of the immunizations.
    let e = audit(&app, Some("read"), Some(&app.ana)).await.remove(0);
    assert_eq!(e.object_type, "immunizations");
    assert_eq!(e.outcome, "success");

    // The PDF says which dose is not valid and why; records not given and
    // entered in error are not on it.
    let (status, headers, bytes) = get_bytes(&b, &format!("{path}/record.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"immunizations-lopez.pdf\""
    );
    let text = pdf_text(&bytes, "ana-en.pdf");
    assert!(text.contains("Ana Lopez") && text.contains("April 2, 2019"));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("No – Given too soon after the dose before it."),
        "{text}"
    );
    assert!(text.contains("May 22, 2024") && text.contains("June 3, 2019"));
    assert!(
        !text.contains("Ana local vaccine"),
        "not given: not on the record"
    );
    assert!(
        !text.contains("May 1, 2023"),
        "entered in error: not on the record"
    );

    // In Spanish.
    let csrf = page.csrf();
    b.post(
        "/locale",
        &[("csrf", &csrf), ("lang", "es"), ("return_to", &path)],
    )
    .await;
    let es = b.get(&path).await.body;
    assert!(es.contains("Vacunas"));
    assert!(es.contains("Aplicada el 1 de mayo de 2024 (dosis 1)"));
    assert!(es.contains("Aplicada demasiado pronto después de la dosis anterior."));
    assert!(es.contains("Varicela"));
}

#[tokio::test]
async fn forecast_page_says_what_is_due_in_plain_words() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    // Ben (born 2024-07-15, 7 months old on TODAY) has no valid doses in the
    // fixture: hepatitis B dose 1 and the 2-month doses are overdue.
    let page = b
        .get(&format!("/patients/{}/immunizations/due", app.ben))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let overdue = part(&page.body, "imm-overdue").expect("an overdue part");
    assert!(overdue.contains("Hepatitis B, dose 1"), "{overdue}");
    assert!(overdue.contains("Was due by"));
    assert!(page.body.contains("As of March 2, 2026"));
    assert!(page.body.contains("CDSi, data version 4.64"));
    // Groups that need a risk indication (rabies, travel vaccines) are left out.
    assert!(!page.body.contains("Rabies") && !page.body.contains("Yellow"));
    let e = audit(&app, Some("read"), Some(&app.ben)).await.remove(0);
    assert_eq!(e.object_type, "immunizations");
}

#[tokio::test]
async fn demo_five_year_old_without_the_four_year_doses_has_the_kindergarten_doses_due() {
    let app = start().await;
    let family = sprout_demo::Generator::new(7, TODAY).family();
    let child = family
        .patients
        .iter()
        .find(|p| {
            sprout_domain::age::age_in_years(
                p.birth_date,
                TODAY,
                sprout_domain::age::LeapDayBirthday::March1,
            ) == 5
        })
        .expect("the showcase family has a 5-year-old")
        .clone();
    let fourth = child.birth_date.saturating_add(jiff::Span::new().years(4));
    let mut removed = 0;
    let shots: Vec<RecordItem> = family
        .items
        .iter()
        .filter(|i| match i {
            RecordItem::Immunization(im) if im.meta.patient_id == child.id => {
                let keep = im.occurrence.is_some_and(|d| d < fourth);
                removed += usize::from(!keep);
                keep
            }
            _ => false,
        })
        .cloned()
        .collect();
    assert!(removed > 0, "the demo gave doses at 4 years");
    assert!(shots.len() > 15, "the infant and toddler doses are kept");
    app.store
        .import_batch(&ImportBatch {
            patients: vec![child.clone()],
            items: shots,
        })
        .await
        .unwrap();
    app.store
        .add_relationship(&relationship(&app.parent, &child.id))
        .await
        .unwrap();
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let page = b
        .get(&format!("/patients/{}/immunizations/due", child.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let due = format!(
        "{}{}",
        part(&page.body, "imm-due-now").unwrap_or(""),
        part(&page.body, "imm-overdue").unwrap_or("")
    );
    for dose in [
        "DTaP, Tdap, Td (diphtheria, tetanus, whooping cough), dose 5",
        "Polio (IPV), dose 4",
        "MMR (measles, mumps, rubella), dose 2",
        "Chickenpox (varicella), dose 2",
    ] {
        assert!(due.contains(dose), "{dose} is not due: {}", page.body);
    }
    assert!(due.contains("Due now") || due.contains("Overdue"));

    // With the 4-year doses given, none of them is due.
    let all: Vec<RecordItem> = family
        .items
        .iter()
        .filter(|i| matches!(i, RecordItem::Immunization(im) if im.meta.patient_id == child.id))
        .cloned()
        .collect();
    let id = add_patient(&app, &child.given_name, "Given", child.birth_date, vec![]).await;
    let all: Vec<RecordItem> = all
        .into_iter()
        .map(|i| match i {
            RecordItem::Immunization(mut im) => {
                im.meta.patient_id = id.clone();
                im.meta.id = sprout_domain::ItemId::parse(&format!("x{}", im.meta.id)).unwrap();
                im.meta.source_id = format!("x-{}", im.meta.source_id);
                RecordItem::Immunization(im)
            }
            other => other,
        })
        .collect();
    app.store
        .import_batch(&ImportBatch {
            patients: vec![],
            items: all,
        })
        .await
        .unwrap();
    app.store
        .add_relationship(&relationship(&app.parent, &id))
        .await
        .unwrap();
    let page = b.get(&format!("/patients/{id}/immunizations/due")).await;
    let due = format!(
        "{}{}",
        part(&page.body, "imm-due-now").unwrap_or(""),
        part(&page.body, "imm-overdue").unwrap_or("")
    );
    for group in ["DTaP", "Polio", "MMR", "Chickenpox"] {
        assert!(!due.contains(group), "{group} still due: {due}");
    }
    let done = part(&page.body, "imm-up-to-date").expect("an up-to-date part");
    assert!(done.contains("MMR (measles, mumps, rubella)"));
}

#[tokio::test]
async fn synthea_child_pdf_lists_every_dose_and_is_audited_as_an_export() {
    let app = start_with(sprout_web::WebConfig {
        practice_name: "Main Street Pediatrics".into(),
        practice_address: Some("120 Main Street, Springfield, IL 62701 · (217) 555-0100".into()),
        ..sprout_web::WebConfig::default()
    })
    .await;
    let report =
        sprout_fhir::import_paths(app.store.as_ref(), &[PathBuf::from(SYNTHEA_CHILD)]).await;
    assert!(report.files.iter().all(|f| f.error.is_none()), "{report:?}");
    // The Patient's FHIR id, as the import keeps it.
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SYNTHEA_CHILD).unwrap()).unwrap();
    let source_id = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .and_then(|e| e["resource"]["id"].as_str())
        .unwrap()
        .to_owned();
    let ids = app
        .store
        .patient_ids_by_source(std::slice::from_ref(&source_id))
        .await
        .unwrap();
    let child = ids[&source_id].clone();
    let patient = app.store.patient(&child).await.unwrap().unwrap();
    let doses: Vec<Immunization> = app
        .store
        .immunizations(&child)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.status == "completed")
        .collect();
    assert!(doses.len() >= 20, "{} doses", doses.len());
    app.store
        .add_relationship(&relationship(&app.parent, &child))
        .await
        .unwrap();

    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let record = b.get(&format!("/patients/{child}/immunizations")).await;
    assert_eq!(record.status, StatusCode::OK);
    for d in &doses {
        let when = long_date(d.occurrence.unwrap());
        assert!(record.body.contains(&when), "page lacks {when}");
    }

    let path = format!("/patients/{child}/immunizations/record.pdf");
    let (status, headers, bytes) = get_bytes(&b, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let family = patient.family_name.to_lowercase();
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"immunizations-{family}.pdf\"").as_str()
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(bytes.starts_with(b"%PDF-"));

    let text = pdf_text(&bytes, "synthea-child-en.pdf");
    assert!(text.contains("Main Street Pediatrics"));
    assert!(text.contains("120 Main Street, Springfield, IL 62701"));
    assert!(text.contains("Immunization Record"));
    assert!(text.contains(&patient.display_name()), "{text}");
    assert!(text.contains(&long_date(patient.birth_date)));
    assert!(text.contains("Printed March 2, 2026"));
    assert!(text.contains("Signature of health care provider"));
    assert!(text.contains("Page 1 of"));
    // Every dose's date, as often as doses were given on it.
    for d in &doses {
        let when = long_date(d.occurrence.unwrap());
        let given = doses
            .iter()
            .filter(|o| o.occurrence == d.occurrence)
            .count();
        assert!(
            text.matches(&when).count() >= given,
            "the PDF lacks a dose of {when}: {text}"
        );
    }
    for group in [
        "Hepatitis B",
        "Flu (influenza)",
        "MMR (measles, mumps, rubella)",
    ] {
        assert!(text.contains(group), "{group}");
    }

    let e = audit(&app, Some("export"), Some(&child)).await.remove(0);
    assert_eq!(e.object_type, "immunizations");
    assert_eq!(e.object_id.as_deref(), Some("record.pdf"));
    assert_eq!(e.outcome, "success");
    assert_eq!(e.account_id.as_ref(), Some(&app.parent));

    // In Spanish.
    let page = b.get(&format!("/patients/{child}/immunizations")).await;
    b.post(
        "/locale",
        &[("csrf", &page.csrf()), ("lang", "es"), ("return_to", "/")],
    )
    .await;
    let (status, _, bytes) = get_bytes(&b, &path).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&bytes, "synthea-child-es.pdf");
    assert!(text.contains("Registro de vacunas"));
    assert!(text.contains("Fecha de nacimiento"));
    assert!(text.contains("Firma del profesional de salud"));
    assert!(text.contains("Impreso el 2 de marzo de 2026"));
}

#[tokio::test]
async fn immunization_pages_obey_the_access_policy() {
    let app = start().await;
    // Sam is Cara's parent, not Ana's: every immunization page of Ana is a
    // 404, audited as denied; signed out, they send you to sign in.
    let b = Browser::new(&app);
    for suffix in ["", "/due", "/record.pdf"] {
        let path = format!("/patients/{}/immunizations{suffix}", app.ana);
        let p = b.get(&path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert!(p.location().unwrap().starts_with("/login"));
    }
    b.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    for suffix in ["", "/due", "/record.pdf"] {
        let path = format!("/patients/{}/immunizations{suffix}", app.ana);
        let p = b.get(&path).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!p.body.contains("Ana"), "{path}");
    }
    let denied = audit(&app, Some("read"), Some(&app.ana)).await;
    assert_eq!(denied.len(), 3);
    assert!(denied.iter().all(|e| e.outcome == "denied"));
    let p = b.get("/patients/not-an-id/immunizations/record.pdf").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    // A restricted dose is absent from the page, the forecast and the PDF.
    let mut secret = shot(
        &app.cara,
        "cara-secret",
        "62",
        "HPV quadrivalent",
        date(2025, 9, 1),
    );
    if let RecordItem::Immunization(i) = &mut secret {
        i.meta.labels.confidentiality = sprout_domain::record::Confidentiality::Restricted;
    }
    app.store
        .import_batch(&ImportBatch {
            patients: vec![],
            items: vec![secret],
        })
        .await
        .unwrap();
    let p = b
        .get(&format!("/patients/{}/immunizations", app.cara))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("HPV") && !p.body.contains("September 1, 2025"));
    // The forecast does not count it either: HPV dose 1 is still to come.
    let p = b
        .get(&format!("/patients/{}/immunizations/due", app.cara))
        .await;
    assert!(!p.body.contains("September 1, 2025"));
    let next = part(&p.body, "imm-coming-up").expect("a coming-up part");
    assert!(
        next.contains("HPV (human papillomavirus), dose 1"),
        "{next}"
    );
    let (status, _, bytes) = get_bytes(
        &b,
        &format!("/patients/{}/immunizations/record.pdf", app.cara),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&bytes, "cara.pdf");
    assert!(!text.contains("HPV") && !text.contains("September 1, 2025"));
    assert!(text.contains("May 1, 2024"), "Cara's MMR is there");
}
