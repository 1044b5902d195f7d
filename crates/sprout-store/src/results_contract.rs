//! The contract of [`crate::ResultsStore`] (issue 7), run by
//! [`crate::contract::run_all`] on every backend.

use crate::results::{ItemRelease, LabelCorrection, LabelMatch, StoredHold};
use crate::{ImportBatch, NewAccount, Store, StoreError};
use jiff::civil::date;
use jiff::Timestamp;
use sprout_domain::people::{AccountStatus, StaffRole};
use sprout_domain::record::{
    AdministrativeSex, Confidentiality, ItemMeta, Labels, Observation, ObservationCategory,
    Patient, RecordItem, Sensitivity,
};
use sprout_domain::results::{
    Attachment, DiagnosticReport, DocumentKind, DocumentReference, ReferenceRange,
};
use sprout_domain::{AccountId, ItemId, PatientId};

fn ts(s: &str) -> Timestamp {
    s.parse().expect("test time")
}

fn meta(id: &str, patient: &PatientId, labels: Labels) -> ItemMeta {
    ItemMeta {
        id: ItemId::parse(&format!("rr-{id}")).expect("item id"),
        patient_id: patient.clone(),
        source_id: format!("rr-src-{id}"),
        labels,
    }
}

fn lab(id: &str, p: &PatientId, loinc: &str, value: f64, labels: Labels) -> Observation {
    Observation {
        meta: meta(id, p, labels),
        category: ObservationCategory::Laboratory,
        status: "final".into(),
        loinc: Some(loinc.into()),
        display: "Hemoglobin".into(),
        effective: Some("2026-11-20T09:00:00Z".into()),
        value: Some(value),
        unit: Some("g/dL".into()),
        value_text: None,
        components: vec![],
        encounter_source_id: None,
        reference_range: Some(ReferenceRange {
            low: Some(11.5),
            high: Some(15.5),
            unit: Some("g/dL".into()),
            text: None,
            typical: true,
        }),
        interpretation: Some("L".into()),
        issued: Some("2026-11-20T12:00:00Z".into()),
    }
}

/// Reports and documents round-trip; label matches are replaced per item;
/// corrections set labels, survive a re-import and are listed; releases keep
/// the first; holds start and end; the queue lists what no one released.
pub async fn results_release(store: &dyn Store) {
    let p = PatientId::parse("rr-p1").expect("patient id");
    let patient = Patient {
        id: p.clone(),
        source_id: Some("rr-src-p1".into()),
        mrn: Some("RR-1".into()),
        given_name: "Rita".into(),
        family_name: "Reyes".into(),
        birth_date: date(2011, 5, 1),
        sex: AdministrativeSex::Female,
        phone: None,
        email: None,
        address: None,
        gestation_weeks: None,
        labels: Labels::default(),
    };
    let report = DiagnosticReport {
        meta: meta("dr1", &p, Labels::default()),
        status: "final".into(),
        category: Some("LAB".into()),
        loinc: Some("58410-2".into()),
        display: "CBC panel".into(),
        effective: Some("2026-11-20T09:00:00Z".into()),
        issued: Some("2026-11-20T12:00:00Z".into()),
        conclusion: Some("Mild anemia".into()),
        text: Some("Line 1\nLine 2".into()),
        result_source_ids: vec!["rr-src-o1".into()],
        performer: Some("Lab".into()),
        encounter_source_id: None,
    };
    let pdf = DocumentReference {
        meta: meta("doc1", &p, Labels::default()),
        status: "current".into(),
        kind: DocumentKind::VisitSummary,
        type_code: Some("34133-9".into()),
        type_text: "Summary of episode note".into(),
        date: Some("2026-11-21T10:00:00Z".into()),
        description: Some("After-visit summary".into()),
        author: Some("Dr. Lee".into()),
        encounter_source_id: None,
        text: None,
        attachment: Some(Attachment {
            content_type: "application/pdf".into(),
            title: Some("avs.pdf".into()),
            size: Some(4),
            data: Some("JVBERg==".into()),
        }),
    };
    let obs = lab("o1", &p, "718-7", 10.9, Labels::default());
    let batch = ImportBatch {
        patients: vec![patient],
        items: vec![
            RecordItem::Observation(obs.clone()),
            RecordItem::DiagnosticReport(report.clone()),
            RecordItem::DocumentReference(pdf.clone()),
        ],
    };
    let counts = store.import_batch(&batch).await.unwrap();
    assert_eq!(counts.get("DiagnosticReport"), Some(&1));
    assert_eq!(counts.get("DocumentReference"), Some(&1));

    // Round trips.
    assert_eq!(
        store.diagnostic_reports(&p).await.unwrap(),
        vec![report.clone()]
    );
    let labs = store
        .observations(&p, ObservationCategory::Laboratory)
        .await
        .unwrap();
    assert_eq!(labs, vec![obs.clone()], "lab details round-trip");
    let listed = store.document_references(&p).await.unwrap();
    let mut without_data = pdf.clone();
    if let Some(a) = without_data.attachment.as_mut() {
        a.data = None;
    }
    assert_eq!(listed, vec![without_data], "lists carry no attachment data");
    assert_eq!(
        store.document_with_data(&p, &pdf.meta.id).await.unwrap(),
        Some(pdf.clone())
    );
    let other = PatientId::parse("rr-p-none").unwrap();
    assert_eq!(
        store
            .document_with_data(&other, &pdf.meta.id)
            .await
            .unwrap(),
        None
    );

    // Label matches: replaced per item on each import.
    let m = |rule: &str, c: Option<Sensitivity>| LabelMatch {
        resource_type: "Observation".into(),
        source_id: "rr-src-o1".into(),
        category: c,
        rule: rule.into(),
    };
    let items = vec![("Observation".to_owned(), "rr-src-o1".to_owned())];
    store
        .record_label_matches(
            &items,
            &[
                m("meta.security:R", None),
                m("sprout:loinc:43304-5", Some(Sensitivity::SexualHealth)),
            ],
            std::slice::from_ref(&p),
        )
        .await
        .unwrap();
    let got = store
        .label_matches("Observation", "rr-src-o1")
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
    assert!(got.contains(&m("meta.security:R", None)));
    store
        .record_label_matches(&items, &[], std::slice::from_ref(&p))
        .await
        .unwrap();
    assert!(store
        .label_matches("Observation", "rr-src-o1")
        .await
        .unwrap()
        .is_empty());

    // Items by id, in any table, only the patient's.
    let found = store
        .labeled_item(&p, &report.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.resource_type, "DiagnosticReport");
    assert_eq!(found.display, "CBC panel");
    assert!(store
        .labeled_item(&other, &report.meta.id)
        .await
        .unwrap()
        .is_none());

    // A correction sets the labels, is listed, and survives a re-import.
    let clinician = AccountId::parse("rr-a1").unwrap();
    store
        .create_account(&NewAccount {
            id: clinician.clone(),
            email: "rr-doc@example.org".into(),
            display_name: "Dr. R".into(),
            password_hash: "x".into(),
            status: AccountStatus::Active,
            staff_role: Some(StaffRole::Clinician),
            patient_id: None,
        })
        .await
        .unwrap();
    let sensitive = Labels {
        confidentiality: Confidentiality::Restricted,
        sensitivity: vec![Sensitivity::MentalHealth],
    };
    let correction = LabelCorrection {
        id: "rr-c1".into(),
        item_id: obs.meta.id.clone(),
        resource_type: "Observation".into(),
        patient_id: p.clone(),
        at: ts("2026-11-25T10:00:00Z"),
        account_id: clinician.clone(),
        labels: sensitive.clone(),
        reason: "Asked by the patient".into(),
    };
    store.correct_labels(&correction).await.unwrap();
    let now_labels = |s: Vec<Observation>| s[0].meta.labels.clone();
    assert_eq!(
        now_labels(
            store
                .observations(&p, ObservationCategory::Laboratory)
                .await
                .unwrap()
        ),
        sensitive
    );
    store.import_batch(&batch).await.unwrap();
    store
        .record_label_matches(&items, &[], std::slice::from_ref(&p))
        .await
        .unwrap();
    assert_eq!(
        now_labels(
            store
                .observations(&p, ObservationCategory::Laboratory)
                .await
                .unwrap()
        ),
        sensitive,
        "a re-import keeps the clinician's correction"
    );
    assert_eq!(
        store.label_corrections(&obs.meta.id).await.unwrap(),
        vec![correction]
    );
    let bad = LabelCorrection {
        id: "rr-c2".into(),
        item_id: ItemId::parse("rr-missing").unwrap(),
        resource_type: "Observation".into(),
        patient_id: p.clone(),
        at: ts("2026-11-25T10:00:00Z"),
        account_id: clinician.clone(),
        labels: Labels::default(),
        reason: "x".into(),
    };
    assert!(matches!(
        store.correct_labels(&bad).await,
        Err(StoreError::NotFound)
    ));

    // The queue lists what no one released; releases keep the first.
    let queued = store.unreleased_items(100).await.unwrap();
    let mine: Vec<&str> = queued
        .iter()
        .filter(|q| q.patient_id == p)
        .map(|q| q.resource_type.as_str())
        .collect();
    assert_eq!(mine.len(), 3, "{mine:?}");
    let doc = queued.iter().find(|q| q.item_id == pdf.meta.id).unwrap();
    assert_eq!(doc.kind.as_deref(), Some("visit-summary"));
    assert_eq!(doc.mrn.as_deref(), Some("RR-1"));
    assert_eq!(doc.patient_name, "Rita Reyes");
    let rel = |at: &str| ItemRelease {
        item_id: report.meta.id.clone(),
        patient_id: p.clone(),
        released_at: ts(at),
        released_by: clinician.clone(),
    };
    assert_eq!(
        store
            .release_items(&[rel("2026-11-26T08:00:00Z")])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .release_items(&[rel("2026-11-27T08:00:00Z")])
            .await
            .unwrap(),
        0
    );
    let released = store.item_releases(&p).await.unwrap();
    assert_eq!(
        released.get(&report.meta.id),
        Some(&ts("2026-11-26T08:00:00Z"))
    );
    assert!(!store
        .unreleased_items(100)
        .await
        .unwrap()
        .iter()
        .any(|q| q.item_id == report.meta.id));

    // Holds.
    let hold = StoredHold {
        id: "rr-h1".into(),
        patient_id: p.clone(),
        requested_by: clinician.clone(),
        requested_at: ts("2026-11-28T08:00:00Z"),
        ended_at: None,
        ended_by: None,
    };
    store.add_result_hold(&hold).await.unwrap();
    assert_eq!(store.result_holds(&p).await.unwrap(), vec![hold.clone()]);
    assert_eq!(
        store
            .end_result_holds(&p, ts("2026-11-29T08:00:00Z"), &clinician)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .end_result_holds(&p, ts("2026-11-29T09:00:00Z"), &clinician)
            .await
            .unwrap(),
        0
    );
    let ended = store.result_holds(&p).await.unwrap();
    assert_eq!(ended[0].ended_at, Some(ts("2026-11-29T08:00:00Z")));
    assert_eq!(ended[0].ended_by.as_ref(), Some(&clinician));
}
