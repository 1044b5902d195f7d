//! The contract every backend must pass. Backends call [`run_all`] from their own
//! tests with a fresh, migrated, empty store.
//!
//! Each check uses its own ids, source ids and emails, so the checks can share
//! one store and run in any order. A failed check panics with what differed.

use crate::{AuditEvent, AuditFilter, ImportBatch, NewAccount, Session, Store, StoreError};
use jiff::civil::{date, Date};
use sprout_domain::people::{AccountStatus, ProxyRelationship, RelationshipKind, StaffRole};
use sprout_domain::record::{
    AdministrativeSex, AllergyIntolerance, Condition, Confidentiality, Encounter, Immunization,
    ItemMeta, Labels, MedicationRequest, Observation, ObservationCategory, ObservationComponent,
    Patient, RecordItem, Section, Sensitivity,
};
use sprout_domain::{AccountId, ItemId, PatientId};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Runs every contract check against `store`, panicking on the first failure.
pub async fn run_all(store: Arc<dyn Store>) {
    assert!(
        !store.has_any_account().await.unwrap(),
        "run_all needs an empty store"
    );
    records_round_trip(store.as_ref()).await;
    mrn_lookup(store.as_ref()).await;
    reimport_keeps_ids_and_counts(store.as_ref()).await;
    reimport_updates_changed_resources(store.as_ref()).await;
    failed_batch_writes_nothing(store.as_ref()).await;
    large_batch(store.as_ref()).await;
    observations_with_and_without_values(store.as_ref()).await;
    accounts(store.as_ref()).await;
    relationships(store.as_ref()).await;
    sessions(store.as_ref()).await;
    audit(store.as_ref()).await;
    seed_batch(store.as_ref()).await;
    crate::results_contract::results_release(store.as_ref()).await;
    crate::contract_care::run(store.as_ref()).await;
    assert!(store.has_any_account().await.unwrap());
}

fn pid(s: &str) -> PatientId {
    PatientId::parse(s).expect("test patient id")
}

fn iid(s: &str) -> ItemId {
    ItemId::parse(s).expect("test item id")
}

fn aid(s: &str) -> AccountId {
    AccountId::parse(s).expect("test account id")
}

fn meta(prefix: &str, id: &str, patient: &PatientId, labels: Labels) -> ItemMeta {
    ItemMeta {
        id: iid(&format!("{prefix}-{id}")),
        patient_id: patient.clone(),
        source_id: format!("{prefix}-src-{id}"),
        labels,
    }
}

fn restricted(sensitivity: &[Sensitivity]) -> Labels {
    Labels {
        confidentiality: Confidentiality::Restricted,
        sensitivity: sensitivity.to_vec(),
    }
}

/// A parent's relationship granted on 2020-01-01, with nothing else set
/// (not verified, approved, hidden, expiring or revoked).
fn plain_parent(id: &str, account: &AccountId, patient: &PatientId) -> ProxyRelationship {
    ProxyRelationship {
        id: id.into(),
        account_id: account.clone(),
        patient_id: patient.clone(),
        kind: RelationshipKind::Parent,
        granted_on: date(2020, 1, 1),
        verified_on: None,
        patient_approved_on: None,
        sections_hidden: vec![],
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    }
}

/// A patient with every optional field set.
fn full_patient(prefix: &str, n: u32, birth: Date) -> Patient {
    Patient {
        id: pid(&format!("{prefix}-p{n}")),
        source_id: Some(format!("{prefix}-src-p{n}")),
        mrn: Some(format!("{prefix}-MRN-{n}")),
        given_name: "Ana María".into(),
        family_name: "O'Neil-García".into(),
        birth_date: birth,
        sex: AdministrativeSex::Female,
        phone: Some("+1 555 0100".into()),
        email: Some("Parent@Example.org".into()),
        address: Some("1 Main St, Springfield, IL 62701".into()),
        gestation_weeks: Some(34),
        labels: restricted(&[Sensitivity::Abuse]),
    }
}

/// A patient with every optional field empty.
fn bare_patient(prefix: &str, n: u32, birth: Date) -> Patient {
    Patient {
        id: pid(&format!("{prefix}-p{n}")),
        source_id: Some(format!("{prefix}-src-p{n}")),
        mrn: None,
        given_name: "Leo".into(),
        family_name: "Smith".into(),
        birth_date: birth,
        sex: AdministrativeSex::Male,
        phone: None,
        email: None,
        address: None,
        gestation_weeks: None,
        labels: Labels::default(),
    }
}

/// One patient's chart: two of each item kind, one with every field set and
/// labels, one with optional fields empty, written in "oldest first" order so
/// that reading back newest first must reorder them.
fn chart(prefix: &str, p: &PatientId) -> Vec<RecordItem> {
    let plain = Labels::default;
    vec![
        RecordItem::Encounter(Encounter {
            meta: meta(prefix, "enc1", p, plain()),
            status: "finished".into(),
            class_code: None,
            type_text: None,
            reason_text: None,
            start: None,
            end: None,
            practitioner: None,
            location: None,
        }),
        RecordItem::Encounter(Encounter {
            meta: meta(prefix, "enc2", p, restricted(&[Sensitivity::MentalHealth])),
            status: "finished".into(),
            class_code: Some("AMB".into()),
            type_text: Some("Well child visit".into()),
            reason_text: Some("Check-up".into()),
            start: Some("2021-03-04T09:00:00-05:00".into()),
            end: Some("2021-03-04T09:30:00-05:00".into()),
            practitioner: Some("Dr. Jane Doe".into()),
            location: Some("Sprout Pediatrics".into()),
        }),
        RecordItem::Encounter(Encounter {
            meta: meta(prefix, "enc3", p, plain()),
            status: "finished".into(),
            class_code: Some("EMER".into()),
            type_text: None,
            reason_text: None,
            start: Some("2022-11-30T22:15:00-05:00".into()),
            end: None,
            practitioner: None,
            location: None,
        }),
        RecordItem::Observation(Observation {
            meta: meta(prefix, "obs-weight-old", p, plain()),
            category: ObservationCategory::VitalSigns,
            status: "final".into(),
            loinc: Some("29463-7".into()),
            display: "Body weight".into(),
            effective: Some("2020-01-02T10:00:00Z".into()),
            value: Some(12.25),
            unit: Some("kg".into()),
            value_text: None,
            components: vec![],
            encounter_source_id: None,
            reference_range: None,
            interpretation: None,
            issued: None,
        }),
        RecordItem::Observation(Observation {
            meta: meta(prefix, "obs-bp", p, plain()),
            category: ObservationCategory::VitalSigns,
            status: "final".into(),
            loinc: Some("85354-9".into()),
            display: "Blood pressure panel".into(),
            effective: Some("2021-03-04T09:10:00-05:00".into()),
            value: None,
            unit: None,
            value_text: None,
            components: vec![
                ObservationComponent {
                    code: Some("8480-6".into()),
                    display: "Systolic blood pressure".into(),
                    value: Some(104.0),
                    unit: Some("mm[Hg]".into()),
                },
                ObservationComponent {
                    code: None,
                    display: "Diastolic blood pressure".into(),
                    value: None,
                    unit: None,
                },
            ],
            encounter_source_id: Some(format!("{prefix}-src-enc2")),
            reference_range: None,
            interpretation: None,
            issued: None,
        }),
        RecordItem::Observation(Observation {
            meta: meta(prefix, "obs-undated", p, plain()),
            category: ObservationCategory::VitalSigns,
            status: "preliminary".into(),
            loinc: None,
            display: "Head circumference".into(),
            effective: None,
            value: Some(-0.5),
            unit: Some("cm".into()),
            value_text: None,
            components: vec![],
            encounter_source_id: None,
            reference_range: None,
            interpretation: None,
            issued: None,
        }),
        RecordItem::Observation(Observation {
            meta: meta(
                prefix,
                "obs-lab",
                p,
                restricted(&[Sensitivity::SexualHealth, Sensitivity::Hiv]),
            ),
            category: ObservationCategory::Laboratory,
            status: "final".into(),
            loinc: Some("5221-7".into()),
            display: "HIV 1 Ab".into(),
            effective: Some("2021-05-01".into()),
            value: None,
            unit: None,
            value_text: Some("Negative".into()),
            components: vec![],
            encounter_source_id: None,
            reference_range: None,
            interpretation: None,
            issued: None,
        }),
        RecordItem::Immunization(Immunization {
            meta: meta(prefix, "imm1", p, plain()),
            status: "completed".into(),
            status_reason: None,
            cvx: Some("08".into()),
            vaccine_text: "Hep B, adolescent or pediatric".into(),
            occurrence: Some(date(2019, 1, 1)),
            lot_number: Some("LOT-1".into()),
            site: Some("Left thigh".into()),
            primary_source: Some(true),
        }),
        RecordItem::Immunization(Immunization {
            meta: meta(prefix, "imm2", p, plain()),
            status: "not-done".into(),
            status_reason: Some("Parent refused".into()),
            cvx: None,
            vaccine_text: "Influenza".into(),
            occurrence: Some(date(2021, 10, 15)),
            lot_number: None,
            site: None,
            primary_source: Some(false),
        }),
        RecordItem::Immunization(Immunization {
            meta: meta(prefix, "imm3", p, plain()),
            status: "completed".into(),
            status_reason: None,
            cvx: Some("20".into()),
            vaccine_text: "DTaP".into(),
            occurrence: None,
            lot_number: None,
            site: None,
            primary_source: None,
        }),
        RecordItem::MedicationRequest(MedicationRequest {
            meta: meta(prefix, "med1", p, plain()),
            status: "stopped".into(),
            rxnorm: None,
            medication_text: "Amoxicillin 250 mg/5 mL".into(),
            dosage_text: None,
            authored_on: Some("2020-06-01".into()),
            prescriber: None,
        }),
        RecordItem::MedicationRequest(MedicationRequest {
            meta: meta(
                prefix,
                "med2",
                p,
                restricted(&[Sensitivity::ReproductiveHealth]),
            ),
            status: "active".into(),
            rxnorm: Some("1049630".into()),
            medication_text: "Ibuprofen 100 mg/5 mL".into(),
            dosage_text: Some("5 mL every 6 hours as needed".into()),
            authored_on: Some("2022-02-02T08:00:00Z".into()),
            prescriber: Some("Dr. Jane Doe".into()),
        }),
        RecordItem::AllergyIntolerance(AllergyIntolerance {
            meta: meta(prefix, "alg1", p, plain()),
            display: "Peanut".into(),
            code: Some("91935009".into()),
            clinical_status: Some("active".into()),
            verification_status: Some("confirmed".into()),
            category: Some("food".into()),
            criticality: Some("high".into()),
            reaction: Some("Hives, wheezing".into()),
            recorded: Some("2019-07-07".into()),
        }),
        RecordItem::AllergyIntolerance(AllergyIntolerance {
            meta: meta(prefix, "alg2", p, plain()),
            display: "Penicillin".into(),
            code: None,
            clinical_status: None,
            verification_status: None,
            category: None,
            criticality: None,
            reaction: None,
            recorded: Some("2023-01-01".into()),
        }),
        RecordItem::Condition(Condition {
            meta: meta(prefix, "cond1", p, plain()),
            display: "Otitis media".into(),
            code: Some("65363002".into()),
            clinical_status: Some("resolved".into()),
            verification_status: Some("confirmed".into()),
            onset: Some("2019-12-01".into()),
            abatement: Some("2019-12-20".into()),
            recorded: Some("2019-12-01".into()),
        }),
        RecordItem::Condition(Condition {
            meta: meta(prefix, "cond2", p, restricted(&[Sensitivity::SubstanceUse])),
            display: "Asthma".into(),
            code: None,
            clinical_status: Some("active".into()),
            verification_status: None,
            onset: Some("2021-08-09T00:00:00Z".into()),
            abatement: None,
            recorded: None,
        }),
    ]
}

/// The items of one kind, as the store's list methods should return them.
fn expected<T: Clone>(
    items: &[RecordItem],
    pick: impl Fn(&RecordItem) -> Option<&T>,
    ids_newest_first: &[&str],
    id_of: impl Fn(&T) -> &ItemId,
    prefix: &str,
) -> Vec<T> {
    ids_newest_first
        .iter()
        .map(|id| {
            let want = iid(&format!("{prefix}-{id}"));
            items
                .iter()
                .filter_map(&pick)
                .find(|x| *id_of(x) == want)
                .unwrap_or_else(|| panic!("test item {id} missing"))
                .clone()
        })
        .collect()
}

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// Reads back everything a patient has and compares it with `items`, in the
/// expected "newest first" order.
async fn assert_chart(store: &dyn Store, prefix: &str, p: &PatientId, items: &[RecordItem]) {
    macro_rules! pick {
        ($v:ident) => {
            |i: &RecordItem| match i {
                RecordItem::$v(x) => Some(x),
                _ => None,
            }
        };
    }
    assert_eq!(
        store.encounters(p).await.unwrap(),
        expected(
            items,
            pick!(Encounter),
            &["enc3", "enc2", "enc1"],
            |x| &x.meta.id,
            prefix
        ),
        "encounters, newest first, undated last"
    );
    assert_eq!(
        store
            .observations(p, ObservationCategory::VitalSigns)
            .await
            .unwrap(),
        expected(
            items,
            pick!(Observation),
            &["obs-bp", "obs-weight-old", "obs-undated"],
            |x| &x.meta.id,
            prefix
        ),
        "vital signs, newest first, undated last"
    );
    assert_eq!(
        store
            .observations(p, ObservationCategory::Laboratory)
            .await
            .unwrap(),
        expected(
            items,
            pick!(Observation),
            &["obs-lab"],
            |x| &x.meta.id,
            prefix
        ),
        "laboratory observations only"
    );
    assert_eq!(
        store.immunizations(p).await.unwrap(),
        expected(
            items,
            pick!(Immunization),
            &["imm2", "imm1", "imm3"],
            |x| &x.meta.id,
            prefix
        ),
        "immunizations, newest first"
    );
    assert_eq!(
        store.medication_requests(p).await.unwrap(),
        expected(
            items,
            pick!(MedicationRequest),
            &["med2", "med1"],
            |x| &x.meta.id,
            prefix
        ),
        "medication requests, newest first"
    );
    assert_eq!(
        store.allergies(p).await.unwrap(),
        expected(
            items,
            pick!(AllergyIntolerance),
            &["alg2", "alg1"],
            |x| &x.meta.id,
            prefix
        ),
        "allergies, newest first"
    );
    assert_eq!(
        store.conditions(p).await.unwrap(),
        expected(
            items,
            pick!(Condition),
            &["cond2", "cond1"],
            |x| &x.meta.id,
            prefix
        ),
        "conditions, newest first"
    );
    let counts = store.item_counts(p).await.unwrap();
    let c = &counts.all;
    assert_eq!(
        (c.encounters, c.vitals, c.lab_results, c.immunizations),
        (3, 3, 1, 3),
        "item counts"
    );
    assert_eq!(
        (c.medications, c.allergies, c.conditions),
        (2, 2, 2),
        "item counts"
    );
    // Labelled counts agree with the items' own labels.
    let labelled =
        |labels: &[&Labels]| labels.iter().filter(|l| **l != &Labels::default()).count() as u64;
    let vitals = store
        .observations(p, ObservationCategory::VitalSigns)
        .await
        .unwrap();
    let immunizations = store.immunizations(p).await.unwrap();
    let encounters = store.encounters(p).await.unwrap();
    let conditions = store.conditions(p).await.unwrap();
    let l = &counts.labelled;
    assert_eq!(
        (l.vitals, l.immunizations, l.encounters, l.conditions),
        (
            labelled(&vitals.iter().map(|o| &o.meta.labels).collect::<Vec<_>>()),
            labelled(
                &immunizations
                    .iter()
                    .map(|i| &i.meta.labels)
                    .collect::<Vec<_>>()
            ),
            labelled(
                &encounters
                    .iter()
                    .map(|e| &e.meta.labels)
                    .collect::<Vec<_>>()
            ),
            labelled(
                &conditions
                    .iter()
                    .map(|c| &c.meta.labels)
                    .collect::<Vec<_>>()
            ),
        ),
        "labelled counts"
    );
    assert_eq!((l.encounters, l.conditions), (1, 1), "labelled fixtures");

    // The newest vital of each code, newest first: the same as taking the
    // first of each code from the full list.
    let mut codes: Vec<&str> = vitals.iter().filter_map(|o| o.loinc.as_deref()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut expected_latest: Vec<&Observation> = Vec::new();
    for o in &vitals {
        if !expected_latest.iter().any(|e| e.loinc == o.loinc) && o.loinc.is_some() {
            expected_latest.push(o);
        }
    }
    let latest = store
        .latest_observations(p, ObservationCategory::VitalSigns, &codes)
        .await
        .unwrap();
    assert_eq!(
        latest.iter().collect::<Vec<_>>(),
        expected_latest,
        "latest vitals by code"
    );
    assert!(store
        .latest_observations(p, ObservationCategory::VitalSigns, &["0000-0"])
        .await
        .unwrap()
        .is_empty());

    // Of some codes: the full list's items with those codes, in its order.
    let some = &codes[..1];
    let expected: Vec<&Observation> = vitals
        .iter()
        .filter(|o| o.loinc.as_deref().is_some_and(|c| some.contains(&c)))
        .collect();
    assert!(!expected.is_empty() && expected.len() < vitals.len());
    let coded = store
        .observations_coded(p, ObservationCategory::VitalSigns, some)
        .await
        .unwrap();
    assert_eq!(
        coded.iter().collect::<Vec<_>>(),
        expected,
        "vitals of a code"
    );
    let all = store
        .observations_coded(p, ObservationCategory::VitalSigns, &codes)
        .await
        .unwrap();
    let with_code: Vec<&Observation> = vitals.iter().filter(|o| o.loinc.is_some()).collect();
    assert_eq!(
        all.iter().collect::<Vec<_>>(),
        with_code,
        "vitals of every code"
    );
    assert!(store
        .observations_coded(p, ObservationCategory::Laboratory, some)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .observations_coded(p, ObservationCategory::VitalSigns, &[])
        .await
        .unwrap()
        .is_empty());
}

/// Every field of every kind survives a write and a read; lists come back
/// newest first; patients oldest first; counts and source-id look-ups agree.
pub async fn records_round_trip(store: &dyn Store) {
    let x = "rt";
    let older = full_patient(x, 1, date(2010, 5, 17));
    let younger = bare_patient(x, 2, date(2018, 2, 28));
    let items = chart(x, &older.id);
    let batch = ImportBatch {
        // Younger first, so that "oldest first" must reorder.
        patients: vec![younger.clone(), older.clone()],
        items: items.clone(),
    };
    let written = store.import_batch(&batch).await.unwrap();
    assert_eq!(
        written,
        counts(&[
            ("Patient", 2),
            ("Encounter", 3),
            ("Observation", 4),
            ("Immunization", 3),
            ("MedicationRequest", 2),
            ("AllergyIntolerance", 2),
            ("Condition", 2),
        ])
    );

    assert_eq!(
        store.patient(&older.id).await.unwrap().as_ref(),
        Some(&older)
    );
    assert_eq!(
        store.patient(&younger.id).await.unwrap().as_ref(),
        Some(&younger)
    );
    assert_eq!(store.patient(&pid("rt-nobody")).await.unwrap(), None);
    assert_eq!(
        store
            .patients(&[younger.id.clone(), pid("rt-nobody"), older.id.clone()])
            .await
            .unwrap(),
        vec![older.clone(), younger.clone()],
        "patients oldest first, unknown skipped"
    );
    assert!(store.patients(&[]).await.unwrap().is_empty());
    assert_eq!(
        store.patient_by_mrn("rt-MRN-1").await.unwrap(),
        Some(older.clone())
    );
    assert_eq!(
        store.patient_by_mrn("rt-mrn-1").await.unwrap(),
        None,
        "MRNs are exact"
    );
    assert_eq!(store.patient_by_mrn("rt-MRN-2").await.unwrap(), None);

    assert_chart(store, x, &older.id, &items).await;
    let empty = store.item_counts(&younger.id).await.unwrap();
    assert_eq!(empty, Default::default(), "the other patient has nothing");
    assert!(store.encounters(&younger.id).await.unwrap().is_empty());

    let ids = store
        .patient_ids_by_source(&[
            "rt-src-p1".into(),
            "rt-src-p2".into(),
            "rt-src-unknown".into(),
        ])
        .await
        .unwrap();
    assert_eq!(
        ids,
        [
            ("rt-src-p1".to_owned(), older.id.clone()),
            ("rt-src-p2".to_owned(), younger.id.clone())
        ]
        .into_iter()
        .collect::<BTreeMap<_, _>>()
    );
    let sources = |v: &[&str]| v.iter().map(|s| format!("rt-src-{s}")).collect::<Vec<_>>();
    assert_eq!(
        store
            .count_by_source(
                "Observation",
                &sources(&["obs-bp", "obs-lab", "nope", "enc1"])
            )
            .await
            .unwrap(),
        2,
        "only observations of those source ids"
    );
    assert_eq!(
        store
            .count_by_source("Encounter", &sources(&["enc1", "enc2", "enc3"]))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_by_source("Patient", &sources(&["p1", "p2", "p3"]))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_by_source("Condition", &sources(&["cond1"]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.count_by_source("Condition", &[]).await.unwrap(), 0);
}

/// Importing the same resources again, even under fresh Sprout ids, keeps the
/// stored ids, attaches the items to the stored patient and adds no rows.
pub async fn reimport_keeps_ids_and_counts(store: &dyn Store) {
    let x = "idem";
    let patient = full_patient(x, 1, date(2015, 9, 9));
    let items = chart(x, &patient.id);
    let batch = ImportBatch {
        patients: vec![patient.clone()],
        items: items.clone(),
    };
    let first = store.import_batch(&batch).await.unwrap();
    let again = store.import_batch(&batch).await.unwrap();
    assert_eq!(first, again, "same batch, same counts");

    // The same source resources under new Sprout ids, as a second run of an
    // importer that did not look the old ids up.
    let mut renamed = batch.clone();
    renamed.patients[0].id = pid("idem-p1-new");
    for item in &mut renamed.items {
        let m = item.meta_mut();
        m.id = iid(&format!("{}-new", m.id));
        m.patient_id = pid("idem-p1-new");
    }
    assert_eq!(store.import_batch(&renamed).await.unwrap(), first);

    assert_eq!(store.patient(&pid("idem-p1-new")).await.unwrap(), None);
    assert_eq!(
        store.patient(&patient.id).await.unwrap(),
        Some(patient.clone())
    );
    assert_chart(store, x, &patient.id, &items).await;
    let all_sources: Vec<String> = items.iter().map(|i| i.meta().source_id.clone()).collect();
    assert_eq!(
        store
            .count_by_source("Observation", &all_sources)
            .await
            .unwrap(),
        4
    );
}

/// A changed resource re-imported updates the stored row in place (same id).
pub async fn reimport_updates_changed_resources(store: &dyn Store) {
    let x = "upd";
    let patient = bare_patient(x, 1, date(2012, 12, 12));
    let items = chart(x, &patient.id);
    store
        .import_batch(&ImportBatch {
            patients: vec![patient.clone()],
            items: items.clone(),
        })
        .await
        .unwrap();

    let mut changed_patient = patient.clone();
    changed_patient.phone = Some("+1 555 0199".into());
    changed_patient.family_name = "Smith-Jones".into();
    changed_patient.labels = restricted(&[Sensitivity::MentalHealth, Sensitivity::Abuse]);
    let mut changed_items = items.clone();
    for item in &mut changed_items {
        match item {
            RecordItem::Observation(o) if o.meta.id == iid("upd-obs-weight-old") => {
                o.value = Some(12.75);
                o.status = "amended".into();
                o.components = vec![ObservationComponent {
                    code: Some("x".into()),
                    display: "added".into(),
                    value: Some(1.5),
                    unit: None,
                }];
                o.meta.labels = restricted(&[]);
            }
            RecordItem::Immunization(i) if i.meta.id == iid("upd-imm1") => {
                i.status = "entered-in-error".into();
                i.primary_source = None;
                i.lot_number = None;
            }
            RecordItem::Condition(c) if c.meta.id == iid("upd-cond1") => {
                c.clinical_status = Some("active".into());
                c.abatement = None;
            }
            _ => {}
        }
    }
    // Fresh ids in the new batch must not replace the stored ones.
    let mut sent = changed_items.clone();
    for item in &mut sent {
        let m = item.meta_mut();
        m.id = iid(&format!("{}-v2", m.id));
    }
    let written = store
        .import_batch(&ImportBatch {
            patients: vec![changed_patient.clone()],
            items: sent,
        })
        .await
        .unwrap();
    assert_eq!(written.get("Observation"), Some(&4));
    assert_eq!(written.get("Patient"), Some(&1));

    assert_eq!(
        store.patient(&patient.id).await.unwrap(),
        Some(changed_patient)
    );
    assert_chart(store, x, &patient.id, &changed_items).await;

    // A batch naming the same source twice keeps the last.
    let mut twice = changed_items
        .iter()
        .find(|i| i.meta().id == iid("upd-alg1"))
        .cloned()
        .unwrap();
    let first = twice.clone();
    if let RecordItem::AllergyIntolerance(a) = &mut twice {
        a.criticality = Some("low".into());
    }
    store
        .import_batch(&ImportBatch {
            patients: vec![],
            items: vec![first, twice.clone()],
        })
        .await
        .unwrap();
    let stored = store.allergies(&patient.id).await.unwrap();
    assert!(
        stored
            .iter()
            .any(|a| RecordItem::AllergyIntolerance(a.clone()) == twice),
        "the last of two entries with one source id wins"
    );
}

/// A batch with an item whose patient is unknown fails as a whole: none of its
/// patients or items are stored, and stored rows it would have changed keep
/// their old values.
pub async fn failed_batch_writes_nothing(store: &dyn Store) {
    let x = "fk";
    let kept = bare_patient(x, 1, date(2016, 1, 1));
    let items = chart(x, &kept.id);
    store
        .import_batch(&ImportBatch {
            patients: vec![kept.clone()],
            items: items.clone(),
        })
        .await
        .unwrap();

    let mut changed_kept = kept.clone();
    changed_kept.given_name = "Changed".into();
    let newcomer = bare_patient(x, 2, date(2017, 1, 1));
    let mut new_items = chart("fk2", &newcomer.id);
    let mut orphan = new_items[0].clone();
    orphan.meta_mut().id = iid("fk-orphan");
    orphan.meta_mut().source_id = "fk-src-orphan".into();
    orphan.meta_mut().patient_id = pid("fk-no-such-patient");
    new_items.push(orphan);
    let mut changed_old = items[3].clone();
    if let RecordItem::Observation(o) = &mut changed_old {
        o.value = Some(99.0);
    }
    new_items.push(changed_old);

    let err = store
        .import_batch(&ImportBatch {
            patients: vec![changed_kept, newcomer.clone()],
            items: new_items.clone(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "unknown patient: {err:?}"
    );

    assert_eq!(store.patient(&newcomer.id).await.unwrap(), None);
    assert_eq!(store.patient(&kept.id).await.unwrap(), Some(kept.clone()));
    let new_sources: Vec<String> = new_items
        .iter()
        .map(|i| i.meta().source_id.clone())
        .filter(|s| s.starts_with("fk2-") || s == "fk-src-orphan")
        .collect();
    for kind in ["Encounter", "Observation", "Immunization", "Condition"] {
        assert_eq!(
            store.count_by_source(kind, &new_sources).await.unwrap(),
            0,
            "no {kind} of the failed batch"
        );
    }
    assert_chart(store, x, &kept.id, &items).await;
}

/// A batch larger than any one statement's chunk is written whole.
/// Observations with no numeric value and with one, in multi-row inserts of
/// the same size one after the other: each is stored as given. (On
/// PostgreSQL a prepared insert used first with NULLs there once refused
/// values later: "incorrect binary data format in bind parameter".)
pub async fn observations_with_and_without_values(store: &dyn Store) {
    let x = "nv";
    let patient = bare_patient(x, 0, date(2015, 3, 1));
    let items: Vec<RecordItem> = (0..512u32)
        .map(|n| {
            // Runs of 128 alike: none, values, none, values. The values need
            // 16 or 17 significant digits to read back exactly; the texts
            // hold what JSON escapes.
            let value = ((n / 128) % 2 == 1).then(|| awkward(n));
            RecordItem::Observation(Observation {
                meta: meta(x, &format!("o{n}"), &patient.id, Labels::default()),
                category: ObservationCategory::Laboratory,
                status: "final".into(),
                loinc: Some("5778-6".into()),
                display: "Color of urine".into(),
                effective: Some(format!("2021-02-03T04:05:{:02}Z", n % 60)),
                value,
                unit: value.map(|_| "mg/dL".into()),
                value_text: value.is_none().then(|| awkward_text(n)),
                components: vec![],
                encounter_source_id: None,
                reference_range: None,
                interpretation: None,
                issued: None,
            })
        })
        .collect();
    store
        .import_batch(&ImportBatch {
            patients: vec![patient.clone()],
            items: items.clone(),
        })
        .await
        .unwrap();
    let stored = store
        .observations(&patient.id, ObservationCategory::Laboratory)
        .await
        .unwrap();
    assert_eq!(stored.len(), 512);
    for o in &stored {
        let n: u32 = o.meta.source_id["nv-src-o".len()..].parse().unwrap();
        if (n / 128) % 2 == 1 {
            assert_eq!(o.value, Some(awkward(n)), "{}", o.meta.source_id);
            assert_eq!(o.value_text, None);
        } else {
            assert_eq!(o.value, None, "{}", o.meta.source_id);
            assert_eq!(o.value_text, Some(awkward_text(n)));
        }
    }
    // Newest first, as every list.
    let times: Vec<_> = stored.iter().map(|o| o.effective.clone()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
}

/// A double that needs 16 or 17 significant digits (and, for some `n`, an
/// exponent) to be written exactly.
fn awkward(n: u32) -> f64 {
    match n % 4 {
        0 => (f64::from(n) + 0.25) / 3.0,
        1 => 0.1 + 0.2 + f64::from(n),
        2 => 1e-7 / f64::from(n),
        _ => 123_456_789.123_456_79 * f64::from(n),
    }
}

/// Text with what JSON escapes: quotes, a backslash, a control character,
/// a line break and letters outside ASCII.
fn awkward_text(n: u32) -> String {
    format!("yellow \"{n}\" \\ \u{1} ni\u{f1}o\n\u{1F476}")
}

pub async fn large_batch(store: &dyn Store) {
    let x = "big";
    let patients: Vec<Patient> = (0..5)
        .map(|n| bare_patient(x, n, date(2005 + n as i16, 1, 1)))
        .collect();
    let items: Vec<RecordItem> = (0..1234u32)
        .map(|n| {
            let p = &patients[(n % 5) as usize].id;
            RecordItem::Observation(Observation {
                meta: meta(x, &format!("o{n}"), p, Labels::default()),
                category: if n % 3 == 0 {
                    ObservationCategory::Laboratory
                } else {
                    ObservationCategory::VitalSigns
                },
                status: "final".into(),
                loinc: Some("8302-2".into()),
                display: "Body height".into(),
                effective: Some(format!("2020-01-01T00:00:{:02}Z", n % 60)),
                value: Some(f64::from(n) / 4.0),
                unit: Some("cm".into()),
                value_text: None,
                components: vec![],
                encounter_source_id: None,
                reference_range: None,
                interpretation: None,
                issued: None,
            })
        })
        .collect();
    let written = store
        .import_batch(&ImportBatch {
            patients: patients.clone(),
            items: items.clone(),
        })
        .await
        .unwrap();
    assert_eq!(written, counts(&[("Patient", 5), ("Observation", 1234)]));
    let all: Vec<String> = items.iter().map(|i| i.meta().source_id.clone()).collect();
    assert_eq!(
        store.count_by_source("Observation", &all).await.unwrap(),
        1234
    );
    let mut total = 0;
    for p in &patients {
        let c = store.item_counts(&p.id).await.unwrap().all;
        total += c.vitals + c.lab_results;
        let vitals = store
            .observations(&p.id, ObservationCategory::VitalSigns)
            .await
            .unwrap();
        assert_eq!(vitals.len() as u64, c.vitals);
        assert!(
            vitals.windows(2).all(|w| w[0].effective >= w[1].effective),
            "newest first"
        );
    }
    assert_eq!(total, 1234);
    let ids: Vec<PatientId> = patients.iter().rev().map(|p| p.id.clone()).collect();
    let got: Vec<PatientId> = store
        .patients(&ids)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        got,
        patients.iter().map(|p| p.id.clone()).collect::<Vec<_>>()
    );
}

fn new_account(id: &str, email: &str) -> NewAccount {
    NewAccount {
        id: aid(id),
        email: email.into(),
        display_name: format!("Person {id}"),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt-{id}$hash"),
        status: AccountStatus::Pending,
        staff_role: None,
        patient_id: None,
    }
}

/// Accounts: create, find by email in any case, unique emails, locale and
/// status changes, unknown patients and accounts.
pub async fn accounts(store: &dyn Store) {
    let parent = new_account("acct-parent", "  Mother@Example.ORG ");
    let created = store.create_account(&parent).await.unwrap();
    assert_eq!(created.email, "mother@example.org");
    assert_eq!(created.status, AccountStatus::Pending);
    assert_eq!(created.locale, None);

    let (found, hash) = store
        .account_by_email("MOTHER@example.org")
        .await
        .unwrap()
        .expect("found by email in another case");
    assert_eq!(found, created);
    assert_eq!(hash, parent.password_hash);
    assert_eq!(
        store.account(&parent.id).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(
        store.account_by_email("father@example.org").await.unwrap(),
        None
    );
    assert_eq!(store.account(&aid("acct-nobody")).await.unwrap(), None);

    let dup = store
        .create_account(&new_account("acct-other", "mother@EXAMPLE.org"))
        .await
        .unwrap_err();
    assert!(
        matches!(dup, StoreError::Conflict(_)),
        "duplicate email: {dup:?}"
    );
    assert_eq!(store.account(&aid("acct-other")).await.unwrap(), None);
    let dup_id = store
        .create_account(&new_account("acct-parent", "someone.else@example.org"))
        .await
        .unwrap_err();
    assert!(
        matches!(dup_id, StoreError::Conflict(_)),
        "duplicate id: {dup_id:?}"
    );

    store.set_locale(&parent.id, "es").await.unwrap();
    store
        .set_account_status(&parent.id, AccountStatus::Active)
        .await
        .unwrap();
    let now = store.account(&parent.id).await.unwrap().unwrap();
    assert_eq!(now.locale.as_deref(), Some("es"));
    assert_eq!(now.status, AccountStatus::Active);
    store
        .set_account_status(&parent.id, AccountStatus::Deactivated)
        .await
        .unwrap();
    assert_eq!(
        store.account(&parent.id).await.unwrap().unwrap().status,
        AccountStatus::Deactivated
    );
    assert!(matches!(
        store.set_locale(&aid("acct-nobody"), "en").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_account_status(&aid("acct-nobody"), AccountStatus::Active)
            .await,
        Err(StoreError::NotFound)
    ));

    let mut nurse = new_account("acct-nurse", "nurse@practice.example");
    nurse.staff_role = Some(StaffRole::Nurse);
    nurse.status = AccountStatus::Active;
    let n = store.create_account(&nurse).await.unwrap();
    assert_eq!(store.account(&nurse.id).await.unwrap(), Some(n.clone()));
    assert_eq!(n.staff_role, Some(StaffRole::Nurse));

    let teen_patient = bare_patient("acct", 1, date(2010, 1, 1));
    store
        .import_batch(&ImportBatch {
            patients: vec![teen_patient.clone()],
            items: vec![],
        })
        .await
        .unwrap();
    let mut teen = new_account("acct-teen", "teen@example.org");
    teen.patient_id = Some(teen_patient.id.clone());
    store.create_account(&teen).await.unwrap();
    assert_eq!(
        store.account(&teen.id).await.unwrap().unwrap().patient_id,
        Some(teen_patient.id.clone())
    );
    // The patient's own login, found from the patient; none for a patient
    // without one.
    assert_eq!(
        store
            .account_of_patient(&teen_patient.id)
            .await
            .unwrap()
            .map(|a| a.id),
        Some(teen.id.clone())
    );
    assert_eq!(
        store
            .account_of_patient(&pid("acct-no-such-patient"))
            .await
            .unwrap(),
        None
    );
    let mut ghost = new_account("acct-ghost", "ghost@example.org");
    ghost.patient_id = Some(pid("acct-no-such-patient"));
    let err = store.create_account(&ghost).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "unknown patient: {err:?}"
    );
}

/// Proxy relationships: add, list by either side, update the mutable fields
/// only, unknown account or patient, unknown relationship.
pub async fn relationships(store: &dyn Store) {
    let kids = [
        bare_patient("rel", 1, date(2012, 3, 3)),
        bare_patient("rel", 2, date(2015, 4, 4)),
    ];
    store
        .import_batch(&ImportBatch {
            patients: kids.to_vec(),
            items: vec![],
        })
        .await
        .unwrap();
    let mom = store
        .create_account(&new_account("rel-mom", "rel-mom@example.org"))
        .await
        .unwrap();
    let dad = store
        .create_account(&new_account("rel-dad", "rel-dad@example.org"))
        .await
        .unwrap();

    let r1 = plain_parent("rel-1", &mom.id, &kids[0].id);
    let r2 = ProxyRelationship {
        id: "rel-2".into(),
        account_id: mom.id.clone(),
        patient_id: kids[1].id.clone(),
        kind: RelationshipKind::CourtAppointedGuardian,
        granted_on: date(2019, 6, 1),
        verified_on: Some(date(2019, 6, 2)),
        patient_approved_on: Some(date(2019, 6, 3)),
        sections_hidden: vec![Section::Vitals, Section::LabResults],
        evidence_on_file: true,
        evidence_expires_on: Some(date(2029, 12, 31)),
        expires_on: Some(date(2030, 1, 1)),
        revoked_on: Some(date(2025, 1, 1)),
    };
    let r3 = ProxyRelationship {
        id: "rel-3".into(),
        account_id: dad.id.clone(),
        kind: RelationshipKind::LegalGuardian,
        ..r1.clone()
    };
    for r in [&r1, &r2, &r3] {
        store.add_relationship(r).await.unwrap();
    }
    assert_eq!(
        store.relationships_of_account(&mom.id).await.unwrap(),
        vec![r2.clone(), r1.clone()],
        "both of mom's, oldest grant first"
    );
    assert_eq!(
        store.relationships_of_patient(&kids[0].id).await.unwrap(),
        vec![r1.clone(), r3.clone()]
    );
    assert_eq!(
        store.relationships_of_patient(&kids[1].id).await.unwrap(),
        vec![r2.clone()]
    );
    assert!(store
        .relationships_of_account(&aid("rel-nobody"))
        .await
        .unwrap()
        .is_empty());

    let dup = store.add_relationship(&r1).await.unwrap_err();
    assert!(
        matches!(dup, StoreError::Conflict(_)),
        "duplicate id: {dup:?}"
    );
    let mut bad = r1.clone();
    bad.id = "rel-bad-account".into();
    bad.account_id = aid("rel-nobody");
    let err = store.add_relationship(&bad).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "unknown account: {err:?}"
    );
    bad.id = "rel-bad-patient".into();
    bad.account_id = mom.id.clone();
    bad.patient_id = pid("rel-no-such-patient");
    let err = store.add_relationship(&bad).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "unknown patient: {err:?}"
    );

    let mut updated = r1.clone();
    updated.verified_on = Some(date(2020, 2, 2));
    updated.patient_approved_on = Some(date(2024, 5, 5));
    updated.sections_hidden = vec![Section::Problems, Section::Messages, Section::Billing];
    updated.evidence_on_file = true;
    updated.evidence_expires_on = Some(date(2027, 3, 31));
    updated.expires_on = Some(date(2026, 6, 30));
    updated.revoked_on = Some(date(2025, 12, 31));
    store.update_relationship(&updated).await.unwrap();
    let mut cleared = r2.clone();
    cleared.verified_on = None;
    cleared.patient_approved_on = None;
    cleared.sections_hidden = vec![];
    cleared.evidence_on_file = false;
    cleared.evidence_expires_on = None;
    cleared.expires_on = None;
    cleared.revoked_on = None;
    store.update_relationship(&cleared).await.unwrap();
    assert_eq!(
        store.relationships_of_account(&mom.id).await.unwrap(),
        vec![cleared.clone(), updated.clone()]
    );
    // Who, for whom, as what and since when are not changed by an update.
    let mut moved = updated.clone();
    moved.account_id = dad.id.clone();
    moved.kind = RelationshipKind::Designee;
    moved.granted_on = date(2001, 1, 1);
    store.update_relationship(&moved).await.unwrap();
    assert_eq!(
        store.relationships_of_patient(&kids[0].id).await.unwrap(),
        vec![updated, r3]
    );
    let mut ghost = r1.clone();
    ghost.id = "rel-ghost".into();
    assert!(matches!(
        store.update_relationship(&ghost).await,
        Err(StoreError::NotFound)
    ));
}

/// Sessions: create, read, delete (twice), expire.
pub async fn sessions(store: &dyn Store) {
    let acct = store
        .create_account(&new_account("sess-acct", "sess@example.org"))
        .await
        .unwrap();
    let session = |hash: &str, expires: &str| Session {
        token_hash: hash.into(),
        account_id: acct.id.clone(),
        csrf_token: format!("csrf-{hash}"),
        created_at: "2024-05-01T10:00:00Z".into(),
        expires_at: expires.into(),
    };
    let a = session("aaaa", "2024-05-01T12:00:00Z");
    let b = session("bbbb", "2024-05-02T12:00:00Z");
    let c = session("cccc", "2024-05-03T12:00:00Z");
    for s in [&a, &b, &c] {
        store.create_session(s).await.unwrap();
    }
    assert_eq!(store.session("aaaa").await.unwrap(), Some(a.clone()));
    assert_eq!(store.session("zzzz").await.unwrap(), None);
    let dup = store.create_session(&a).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "duplicate: {dup:?}");
    let mut orphan = session("dddd", "2024-05-01T12:00:00Z");
    orphan.account_id = aid("sess-nobody");
    let err = store.create_session(&orphan).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "unknown account: {err:?}"
    );

    store.delete_session("bbbb").await.unwrap();
    store.delete_session("bbbb").await.unwrap();
    assert_eq!(store.session("bbbb").await.unwrap(), None);
    assert_eq!(store.session("aaaa").await.unwrap(), Some(a));

    // "aaaa" expired before noon on the 2nd; "cccc" has not.
    assert_eq!(
        store
            .delete_expired_sessions("2024-05-02T12:00:00Z")
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.session("aaaa").await.unwrap(), None);
    assert_eq!(store.session("cccc").await.unwrap(), Some(c));
    assert_eq!(
        store
            .delete_expired_sessions("2024-05-02T12:00:00Z")
            .await
            .unwrap(),
        0
    );
}

/// The audit trail: every field kept, filters by patient, account and action,
/// newest first (ties in insertion order, latest first), limits.
pub async fn audit(store: &dyn Store) {
    let p1 = pid("aud-p1");
    let p2 = pid("aud-p2");
    let a1 = aid("aud-a1");
    let a2 = aid("aud-a2");
    let event = |at: &str,
                 account: Option<&AccountId>,
                 patient: Option<&PatientId>,
                 action: &str| AuditEvent {
        at: at.into(),
        account_id: account.cloned(),
        actor_role: if account.is_some() {
            "parent"
        } else {
            "anonymous"
        }
        .into(),
        on_behalf_of: None,
        patient_id: patient.cloned(),
        action: action.into(),
        object_type: "vitals".into(),
        object_id: None,
        outcome: "success".into(),
        reason: None,
        client_addr: None,
        request_id: None,
        detail: None,
    };
    let full = AuditEvent {
        at: "2024-01-01T08:00:00Z".into(),
        account_id: Some(a1.clone()),
        actor_role: "nurse".into(),
        on_behalf_of: Some("rel-aud-9".into()),
        patient_id: Some(p1.clone()),
        action: "update".into(),
        object_type: "Observation".into(),
        object_id: Some("obs-1".into()),
        outcome: "denied".into(),
        reason: Some("section-hidden".into()),
        client_addr: Some("203.0.113.7".into()),
        request_id: Some("req-42".into()),
        detail: Some(r#"{"withheld":[{"id":"x","reason":"restricted"}]}"#.into()),
    };
    let events = [
        event("2024-01-01T09:00:00Z", Some(&a1), Some(&p1), "read"),
        full.clone(),
        event("2024-01-03T09:00:00Z", Some(&a2), Some(&p1), "read"),
        event("2024-01-02T09:00:00Z", Some(&a1), Some(&p2), "read"),
        event("2024-01-02T09:00:00Z", None, None, "login"),
        event("2024-01-02T09:00:00Z", Some(&a2), Some(&p2), "read"),
    ];
    for e in &events {
        store.append_audit(e).await.unwrap();
    }
    let all = store.audit_events(&AuditFilter::default()).await.unwrap();
    assert_eq!(
        all,
        vec![
            events[2].clone(),
            events[5].clone(),
            events[4].clone(),
            events[3].clone(),
            events[0].clone(),
            full.clone(),
        ],
        "newest first; same time: latest appended first"
    );
    let by_patient = store
        .audit_events(&AuditFilter {
            patient_id: Some(p1.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        by_patient,
        vec![events[2].clone(), events[0].clone(), full.clone()]
    );
    let by_account = store
        .audit_events(&AuditFilter {
            account_id: Some(a1.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        by_account,
        vec![events[3].clone(), events[0].clone(), full.clone()]
    );
    let both = store
        .audit_events(&AuditFilter {
            patient_id: Some(p2.clone()),
            account_id: Some(a2.clone()),
            action: Some("read".into()),
            limit: 0,
        })
        .await
        .unwrap();
    assert_eq!(both, vec![events[5].clone()]);
    let logins = store
        .audit_events(&AuditFilter {
            action: Some("login".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(logins, vec![events[4].clone()]);
    let limited = store
        .audit_events(&AuditFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(limited, all[..2].to_vec());
    assert!(store
        .audit_events(&AuditFilter {
            patient_id: Some(pid("aud-nobody")),
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty());

    // The default limit is 100.
    for i in 0..105 {
        store
            .append_audit(&event(
                &format!("2023-06-01T00:{:02}:{:02}Z", i / 60, i % 60),
                None,
                None,
                "login",
            ))
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .audit_events(&AuditFilter::default())
            .await
            .unwrap()
            .len(),
        100
    );
}

/// A patient is found by MRN; two patients with one MRN are a conflict, not a
/// guess.
pub async fn mrn_lookup(store: &dyn Store) {
    let a = full_patient("mrn", 1, date(2011, 1, 1));
    let mut b = full_patient("mrn", 2, date(2012, 2, 2));
    store
        .import_batch(&ImportBatch {
            patients: vec![a.clone(), b.clone()],
            items: vec![],
        })
        .await
        .unwrap();
    assert_eq!(
        store.patient_by_mrn("mrn-MRN-1").await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(
        store.patient_by_mrn("mrn-MRN-2").await.unwrap(),
        Some(b.clone())
    );
    b.mrn = a.mrn.clone();
    store
        .import_batch(&ImportBatch {
            patients: vec![b],
            items: vec![],
        })
        .await
        .unwrap();
    let err = store.patient_by_mrn("mrn-MRN-1").await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "shared MRN: {err:?}"
    );
    assert_eq!(store.patient_by_mrn("mrn-MRN-2").await.unwrap(), None);
}

/// Seeding writes records, accounts and relationships together, or nothing.
pub async fn seed_batch(store: &dyn Store) {
    let x = "seed";
    let kid = bare_patient(x, 1, date(2014, 4, 4));
    let items = chart(x, &kid.id);
    let mut parent = new_account("seed-parent", " Seed.Parent@Example.org");
    parent.status = AccountStatus::Active;
    let rel = ProxyRelationship {
        id: "seed-rel".into(),
        account_id: parent.id.clone(),
        patient_id: kid.id.clone(),
        kind: RelationshipKind::Parent,
        granted_on: date(2014, 4, 5),
        verified_on: Some(date(2014, 4, 5)),
        patient_approved_on: None,
        sections_hidden: vec![],
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    };
    let batch = ImportBatch {
        patients: vec![kid.clone()],
        items: items.clone(),
    };

    // A relationship to an unknown patient undoes the whole seed.
    let mut bad = rel.clone();
    bad.id = "seed-rel-bad".into();
    bad.patient_id = pid("seed-no-such-patient");
    let err = store
        .seed_batch(&batch, std::slice::from_ref(&parent), &[rel.clone(), bad])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound),
        "unknown patient: {err:?}"
    );
    assert_eq!(store.patient(&kid.id).await.unwrap(), None);
    assert_eq!(store.account(&parent.id).await.unwrap(), None);
    assert!(store
        .relationships_of_patient(&kid.id)
        .await
        .unwrap()
        .is_empty());

    let written = store
        .seed_batch(
            &batch,
            std::slice::from_ref(&parent),
            std::slice::from_ref(&rel),
        )
        .await
        .unwrap();
    assert_eq!(
        written,
        counts(&[
            ("Patient", 1),
            ("Encounter", 3),
            ("Observation", 4),
            ("Immunization", 3),
            ("MedicationRequest", 2),
            ("AllergyIntolerance", 2),
            ("Condition", 2),
            ("Account", 1),
            ("RelatedPerson", 1),
        ])
    );
    assert_eq!(store.patient(&kid.id).await.unwrap(), Some(kid.clone()));
    assert_chart(store, x, &kid.id, &items).await;
    let (acct, hash) = store
        .account_by_email("seed.parent@example.org")
        .await
        .unwrap()
        .expect("seeded account");
    assert_eq!(acct.id, parent.id);
    assert_eq!(acct.status, AccountStatus::Active);
    assert_eq!(hash, parent.password_hash);
    assert_eq!(
        store.relationships_of_account(&parent.id).await.unwrap(),
        vec![rel.clone()]
    );

    // Seeding the same accounts again is a conflict and changes nothing.
    let err = store
        .seed_batch(&ImportBatch::default(), &[parent], &[])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "duplicate: {err:?}");
}

fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("test timestamp")
}

fn email(id: &str, to: &str) -> crate::NewEmail {
    crate::NewEmail {
        id: id.into(),
        to_address: to.into(),
        subject: format!("Subject {id}"),
        body_text: format!("Body of {id}\nsecond line, ñ"),
        body_html: (id.ends_with('h')).then(|| format!("<p>Body of {id}</p>")),
        locale: "es".into(),
    }
}

/// The tables of the jobs crate: [`outbox`], then [`notices`] (whose emails
/// land in the outbox), then [`job_leases`]. Needs a store whose outbox is empty.
pub async fn outbox_notices_leases(store: &dyn Store) {
    outbox(store).await;
    notices(store).await;
    job_leases(store).await;
}

/// The outbox: queue, claim due messages in order (never one message to two
/// claimants while a claim lasts, even when claiming at once), mark sent, mark
/// failed with a retry time, claims that end, unknown claimants, duplicate ids.
/// Needs a store whose outbox is empty.
pub async fn outbox(store: &dyn Store) {
    assert!(
        store.outbox_messages(0).await.unwrap().is_empty(),
        "outbox needs an empty outbox"
    );
    let t0 = at("2026-05-01T10:00:00Z");
    store
        .enqueue_email(&email("ob-1h", "a@example.org"), t0)
        .await
        .unwrap();
    store
        .enqueue_email(
            &email("ob-2", "b@example.org"),
            at("2026-05-01T10:00:05.750Z"),
        )
        .await
        .unwrap();
    store
        .enqueue_email(&email("ob-3", "c@example.org"), at("2026-05-01T10:01:00Z"))
        .await
        .unwrap();
    let err = store
        .enqueue_email(&email("ob-3", "other@example.org"), t0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "duplicate: {err:?}");

    let all = store.outbox_messages(0).await.unwrap();
    assert_eq!(
        all.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["ob-1h", "ob-2", "ob-3"]
    );
    let first = &all[0];
    assert_eq!(first.to_address, "a@example.org");
    assert_eq!(first.subject, "Subject ob-1h");
    assert_eq!(first.body_text, "Body of ob-1h\nsecond line, ñ");
    assert_eq!(first.body_html.as_deref(), Some("<p>Body of ob-1h</p>"));
    assert_eq!(first.locale, "es");
    assert_eq!(first.created_at, t0);
    assert_eq!(first.next_attempt_at, t0);
    assert_eq!(first.attempts, 0);
    assert_eq!(first.sent_at, None);
    assert_eq!(first.last_error, None);
    assert_eq!(all[1].body_html, None);
    // Stored to the whole second.
    assert_eq!(all[1].created_at, at("2026-05-01T10:00:05Z"));
    assert_eq!(store.outbox_messages(2).await.unwrap().len(), 2);

    // Only what is due at `now`, oldest first, at most `limit`.
    let lease = at("2026-05-01T10:05:00Z");
    let got = store
        .claim_due_emails("sender-a", at("2026-05-01T10:00:30Z"), lease, 1)
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["ob-1h"]
    );
    assert_eq!(got[0], all[0]);
    let now = at("2026-05-01T10:02:00Z");
    let got = store
        .claim_due_emails("sender-b", now, lease, 10)
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["ob-2", "ob-3"]
    );
    // Everything is claimed now.
    assert!(store
        .claim_due_emails("sender-c", now, lease, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .claim_due_emails("sender-c", now, lease, 0)
        .await
        .unwrap()
        .is_empty());

    // Only the claimant marks.
    let err = store
        .mark_email_sent("ob-1h", "sender-b", now)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = store
        .mark_email_failed("ob-1h", "sender-b", "nope", now)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    store
        .mark_email_sent("ob-1h", "sender-a", now)
        .await
        .unwrap();
    // Sent once: not again.
    let err = store
        .mark_email_sent("ob-1h", "sender-a", now)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let retry = at("2026-05-01T10:30:00Z");
    store
        .mark_email_failed("ob-2", "sender-b", "smtp: 451 try later", retry)
        .await
        .unwrap();

    let all = store.outbox_messages(0).await.unwrap();
    assert_eq!(all[0].sent_at, Some(now));
    assert_eq!(all[0].attempts, 1);
    assert_eq!(all[1].sent_at, None);
    assert_eq!(all[1].attempts, 1);
    assert_eq!(all[1].next_attempt_at, retry);
    assert_eq!(all[1].last_error.as_deref(), Some("smtp: 451 try later"));
    assert_eq!(all[2].attempts, 0);

    // Before the retry time and while sender-b's claim on ob-3 lasts: nothing.
    assert!(store
        .claim_due_emails("sender-c", at("2026-05-01T10:04:59Z"), lease, 10)
        .await
        .unwrap()
        .is_empty());
    // sender-b's claim ended (it died): ob-3 can be claimed again; ob-2 waits.
    let later = at("2026-05-01T10:05:00Z");
    let got = store
        .claim_due_emails("sender-c", later, at("2026-05-01T10:10:00Z"), 10)
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["ob-3"]
    );
    let err = store
        .mark_email_sent("ob-3", "sender-b", later)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    store
        .mark_email_sent("ob-3", "sender-c", later)
        .await
        .unwrap();
    // After the retry time ob-2 is due again, and keeps its attempt count.
    let got = store
        .claim_due_emails("sender-a", retry, at("2026-05-01T10:35:00Z"), 10)
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].id, "ob-2");
    assert_eq!(got[0].attempts, 1);
    store
        .mark_email_sent("ob-2", "sender-a", retry)
        .await
        .unwrap();
    let all = store.outbox_messages(0).await.unwrap();
    assert!(all.iter().all(|m| m.sent_at.is_some()), "{all:?}");
    assert_eq!(all[1].attempts, 2);

    // Four claimants at once over 40 messages: each claimed exactly once.
    let t1 = at("2026-05-02T08:00:00Z");
    for i in 0..40 {
        store
            .enqueue_email(&email(&format!("ob-many-{i:02}"), "many@example.org"), t1)
            .await
            .unwrap();
    }
    let until = at("2026-05-02T08:10:00Z");
    let claim = |who: &'static str| async move {
        let mut mine = Vec::new();
        loop {
            let got = store.claim_due_emails(who, t1, until, 3).await.unwrap();
            if got.is_empty() {
                break mine;
            }
            mine.extend(got.into_iter().map(|m| m.id));
        }
    };
    let (a, b, c, d) = tokio::join!(claim("w1"), claim("w2"), claim("w3"), claim("w4"));
    let mut every: Vec<String> = [a, b, c, d].concat();
    assert_eq!(every.len(), 40, "each message claimed once: {every:?}");
    every.sort();
    every.dedup();
    assert_eq!(every.len(), 40, "no message claimed twice");
}

/// Notices: recorded once per kind, patient, recipient and occasion (a second
/// record, even at the same moment, writes nothing, not even its email or
/// audit event), with its email and audit event in the same transaction;
/// unknown patient or recipient; patients by birth date; own accounts.
/// Runs alone or after [`outbox`] (it leaves only its own messages queued).
pub async fn notices(store: &dyn Store) {
    let kids = [
        bare_patient("ntc", 1, date(2008, 6, 1)),
        bare_patient("ntc", 2, date(2008, 6, 2)),
        bare_patient("ntc", 3, date(2008, 6, 30)),
        bare_patient("ntc", 4, date(2008, 7, 1)),
    ];
    store
        .import_batch(&ImportBatch {
            patients: kids.to_vec(),
            items: vec![],
        })
        .await
        .unwrap();
    let mom = store
        .create_account(&new_account("ntc-mom", "ntc-mom@example.org"))
        .await
        .unwrap();
    let mut own = new_account("ntc-teen", "ntc-teen@example.org");
    own.patient_id = Some(kids[1].id.clone());
    let teen = store.create_account(&own).await.unwrap();

    let got: Vec<PatientId> = store
        .patients_born_between(date(2008, 6, 2), date(2008, 6, 30))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(got, [kids[1].id.clone(), kids[2].id.clone()]);
    assert_eq!(
        store
            .patients_born_between(date(2008, 6, 1), date(2008, 6, 1))
            .await
            .unwrap(),
        vec![kids[0].clone()]
    );
    assert!(store
        .patients_born_between(date(2009, 1, 1), date(2009, 12, 31))
        .await
        .unwrap()
        .is_empty());

    let ids: Vec<PatientId> = kids.iter().map(|k| k.id.clone()).collect();
    assert_eq!(
        store.own_accounts_of_patients(&ids).await.unwrap(),
        vec![teen.clone()]
    );
    assert!(store
        .own_accounts_of_patients(&[kids[0].id.clone()])
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .own_accounts_of_patients(&[])
        .await
        .unwrap()
        .is_empty());

    let t = at("2026-05-02T09:00:00Z");
    let notice = |id: &str, recipient: &AccountId, occasion: &str| crate::NoticeRecord {
        id: id.into(),
        kind: "adult-birthday".into(),
        patient_id: kids[0].id.clone(),
        recipient_account_id: recipient.clone(),
        occasion: occasion.into(),
        outbox_id: format!("{id}-mail"),
        recorded_at: t,
    };
    let audit_of = |n: &crate::NoticeRecord| AuditEvent {
        at: "2026-05-02T09:00:00Z".into(),
        account_id: None,
        actor_role: "system".into(),
        on_behalf_of: None,
        patient_id: Some(n.patient_id.clone()),
        action: "execute".into(),
        object_type: "notice".into(),
        object_id: Some(n.id.clone()),
        outcome: "success".into(),
        reason: Some(n.kind.clone()),
        client_addr: None,
        request_id: None,
        detail: None,
    };
    let n1 = notice("ntc-n1", &mom.id, "2026-06-01");
    assert!(store
        .record_notice_and_enqueue(&n1, &email("ntc-n1-mail", &mom.email), &audit_of(&n1))
        .await
        .unwrap());
    // The same notice again, under new ids: nothing written.
    let again = notice("ntc-n1-again", &mom.id, "2026-06-01");
    assert!(!store
        .record_notice_and_enqueue(
            &again,
            &email("ntc-n1-again-mail", &mom.email),
            &audit_of(&again)
        )
        .await
        .unwrap());
    // Another occasion, kind or recipient is another notice.
    let n2 = notice("ntc-n2", &mom.id, "2027-06-01");
    let mut n3 = notice("ntc-n3", &mom.id, "2026-06-01");
    n3.kind = "teen-account".into();
    let n4 = notice("ntc-n4", &teen.id, "2026-06-01");
    for n in [&n2, &n3, &n4] {
        assert!(store
            .record_notice_and_enqueue(n, &email(&n.outbox_id, "x@example.org"), &audit_of(n))
            .await
            .unwrap());
    }
    assert_eq!(
        store.notices_of_patient(&kids[0].id).await.unwrap(),
        vec![n1.clone(), n2.clone(), n3.clone(), n4.clone()]
    );
    assert!(store
        .notices_of_patient(&kids[1].id)
        .await
        .unwrap()
        .is_empty());
    let mails: Vec<String> = store
        .outbox_messages(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.id.starts_with("ntc-"))
        .map(|m| m.id)
        .collect();
    assert_eq!(
        mails,
        ["ntc-n1-mail", "ntc-n2-mail", "ntc-n3-mail", "ntc-n4-mail"]
    );
    let queued = store.outbox_messages(1000).await.unwrap();
    let m1 = queued.iter().find(|m| m.id == "ntc-n1-mail").unwrap();
    assert_eq!(m1.created_at, t);
    assert_eq!(m1.next_attempt_at, t);
    assert_eq!(m1.to_address, "ntc-mom@example.org");
    let events = store
        .audit_events(&AuditFilter {
            patient_id: Some(kids[0].id.clone()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let mut ids: Vec<String> = events.iter().filter_map(|e| e.object_id.clone()).collect();
    ids.sort();
    assert_eq!(ids, ["ntc-n1", "ntc-n2", "ntc-n3", "ntc-n4"]);
    assert_eq!(events[0].object_type, "notice");

    // Five writers of one notice at once: one wins, the others write nothing.
    let race = |i: u32| {
        let n = crate::NoticeRecord {
            patient_id: kids[2].id.clone(),
            ..notice(&format!("ntc-race-{i}"), &mom.id, "2026-06-30")
        };
        let audit = audit_of(&n);
        async move {
            store
                .record_notice_and_enqueue(&n, &email(&n.outbox_id, "race@example.org"), &audit)
                .await
                .unwrap()
        }
    };
    let (a, b, c, d, e) = tokio::join!(race(1), race(2), race(3), race(4), race(5));
    assert_eq!(
        [a, b, c, d, e].iter().filter(|won| **won).count(),
        1,
        "exactly one writer records the notice"
    );
    assert_eq!(
        store.notices_of_patient(&kids[2].id).await.unwrap().len(),
        1
    );
    let race_mails = store
        .outbox_messages(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_address == "race@example.org")
        .count();
    assert_eq!(race_mails, 1);
    let race_events = store
        .audit_events(&AuditFilter {
            patient_id: Some(kids[2].id.clone()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(race_events.len(), 1);

    // Unknown patient or recipient; a taken outbox id rolls the notice back.
    let mut ghost = notice("ntc-ghost", &mom.id, "2026-06-01");
    ghost.patient_id = pid("ntc-no-such-patient");
    let err = store
        .record_notice_and_enqueue(
            &ghost,
            &email("ntc-ghost-mail", "g@example.org"),
            &audit_of(&ghost),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let ghost = notice("ntc-ghost2", &aid("ntc-no-such-account"), "2026-06-01");
    let err = store
        .record_notice_and_enqueue(
            &ghost,
            &email("ntc-ghost2-mail", "g@example.org"),
            &audit_of(&ghost),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let clash = notice("ntc-clash", &mom.id, "2030-01-01");
    let err = store
        .record_notice_and_enqueue(
            &clash,
            &email("ntc-n1-mail", "g@example.org"),
            &audit_of(&clash),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.notices_of_patient(&kids[0].id).await.unwrap().len(),
        4
    );
}

/// Job leases: one holder at a time, taken over only once expired, renewed
/// and released by their holder only, one winner among callers at once,
/// expired leases deleted.
pub async fn job_leases(store: &dyn Store) {
    let t0 = at("2026-05-01T00:00:00Z");
    let t5 = at("2026-05-01T00:05:00Z");
    let t10 = at("2026-05-01T00:10:00Z");
    let t20 = at("2026-05-01T00:20:00Z");
    assert!(store
        .acquire_lease("lease-a", "node-1", t0, t10)
        .await
        .unwrap());
    assert!(!store
        .acquire_lease("lease-a", "node-2", t5, t20)
        .await
        .unwrap());
    // A holder does not take its own running lease twice.
    assert!(!store
        .acquire_lease("lease-a", "node-1", t5, t20)
        .await
        .unwrap());
    // Other jobs are other leases.
    assert!(store
        .acquire_lease("lease-b", "node-2", t5, t10)
        .await
        .unwrap());
    // Renewed by the holder only.
    assert!(!store.renew_lease("lease-a", "node-2", t20).await.unwrap());
    assert!(store.renew_lease("lease-a", "node-1", t20).await.unwrap());
    assert!(!store
        .acquire_lease("lease-a", "node-2", t10, t20)
        .await
        .unwrap());
    // Expired: anyone takes it over, the former holder's renewal fails.
    assert!(store
        .acquire_lease("lease-a", "node-2", t20, at("2026-05-01T00:30:00Z"))
        .await
        .unwrap());
    assert!(!store.renew_lease("lease-a", "node-1", t20).await.unwrap());
    // Released by the holder only.
    store.release_lease("lease-a", "node-1").await.unwrap();
    assert!(!store
        .acquire_lease("lease-a", "node-3", t20, t20)
        .await
        .unwrap());
    store.release_lease("lease-a", "node-2").await.unwrap();
    assert!(store
        .acquire_lease("lease-a", "node-3", t20, at("2026-05-01T00:25:00Z"))
        .await
        .unwrap());
    store.release_lease("lease-none", "node-3").await.unwrap();

    // Six nodes at once: one wins.
    let t = at("2026-05-02T00:00:00Z");
    let until = at("2026-05-02T00:10:00Z");
    let take = |who: &'static str| store.acquire_lease("lease-race", who, t, until);
    let (a, b, c, d, e, f) = tokio::join!(
        take("n1"),
        take("n2"),
        take("n3"),
        take("n4"),
        take("n5"),
        take("n6")
    );
    let wins = [a, b, c, d, e, f]
        .into_iter()
        .map(Result::unwrap)
        .filter(|w| *w)
        .count();
    assert_eq!(wins, 1, "exactly one node takes the lease");

    // lease-b (until t10) and lease-a (until 00:25) expired before 00:30;
    // lease-race has not.
    assert_eq!(
        store
            .delete_expired_leases(at("2026-05-01T00:30:00Z"))
            .await
            .unwrap(),
        2
    );
    assert!(store
        .acquire_lease("lease-b", "node-9", t, until)
        .await
        .unwrap());
    assert!(!store
        .acquire_lease("lease-race", "node-9", t, until)
        .await
        .unwrap());
    assert_eq!(store.delete_expired_leases(t).await.unwrap(), 0);
}

/// The events the audit-chain checks append: `n` reads by one account of one
/// patient, one second apart from `start` (`"2025-03-01T10:00:00Z"`...).
fn chain_events(prefix: &str, n: u32) -> Vec<AuditEvent> {
    (0..n)
        .map(|i| AuditEvent {
            at: format!("2025-03-01T10:{:02}:{:02}Z", i / 60, i % 60),
            account_id: Some(aid(&format!("{prefix}-a1"))),
            actor_role: "parent".into(),
            on_behalf_of: Some(format!("{prefix}-rel-1")),
            patient_id: Some(pid(&format!("{prefix}-p1"))),
            action: "read".into(),
            object_type: "vitals".into(),
            object_id: None,
            outcome: "success".into(),
            reason: Some("parent-of-child".into()),
            client_addr: Some("198.51.100.4".into()),
            request_id: Some(format!("{prefix}-req-{i}")),
            detail: (i % 2 == 0).then(|| format!(r#"{{"withheld":[{{"item":"x{i}"}}]}}"#)),
        })
        .collect()
}

/// Audit appends from many tasks at once, one task per entry of `nodes`
/// (clones of one store, or stores on separate pools of one database as
/// separate app nodes would be), `per_task` events each: every event is
/// stored exactly once, in one unbroken chain (group commit must neither
/// lose, repeat nor fork).
///
/// Needs a store with an empty audit trail.
pub async fn concurrent_appends_make_one_chain(nodes: &[Arc<dyn Store>], per_task: usize) {
    let event = |i: usize| AuditEvent {
        at: format!("2026-01-02T03:04:{:02}Z", i % 60),
        account_id: None,
        actor_role: "system".into(),
        on_behalf_of: None,
        patient_id: None,
        action: "execute".into(),
        object_type: "group-commit-test".into(),
        object_id: Some(i.to_string()),
        outcome: "success".into(),
        reason: None,
        client_addr: None,
        request_id: None,
        detail: None,
    };
    let mut tasks = Vec::new();
    for (k, node) in nodes.iter().cloned().enumerate() {
        tasks.push(tokio::spawn(async move {
            for i in 0..per_task {
                node.append_audit(&event(k * 1000 + i)).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let n = nodes.len() * per_task;
    let report = crate::audit::verify(nodes[0].as_ref()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.fault);
    assert_eq!((report.checked, report.head.seq), (n as u64, n as i64));
    let stored = nodes[0]
        .audit_events(&AuditFilter {
            limit: u32::try_from(n + 1).unwrap(),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let mut ids: Vec<usize> = stored
        .iter()
        .map(|e| e.object_id.as_deref().unwrap().parse().unwrap())
        .collect();
    ids.sort_unstable();
    let want: Vec<usize> = (0..nodes.len())
        .flat_map(|k| (0..per_task).map(move |i| k * 1000 + i))
        .collect();
    assert_eq!(ids, want, "every event once");
}

/// The audit trail is a hash chain: each appended event gets the next number,
/// the previous event's hash and the hash of its own content; the head follows;
/// [`crate::audit::verify`] finds the chain intact. Appenders running at once
/// take turns: no number is used twice or skipped and the chain does not fork.
///
/// Needs a store whose audit trail was only ever appended through the store
/// (a fresh one, or one after any other check).
pub async fn audit_chain(store: &dyn Store) {
    use crate::audit::{self, GENESIS_HASH};
    let before = audit::verify(store).await.unwrap();
    assert!(before.is_intact(), "{:?}", before.fault);
    let start = before.head.seq;

    let events = chain_events("chn", 5);
    for e in &events {
        store.append_audit(e).await.unwrap();
    }
    let chain = store.audit_chain(start, 100).await.unwrap();
    assert_eq!(chain.len(), 5);
    let mut prev = if start == before.head.chain_start {
        GENESIS_HASH.to_owned()
    } else {
        before.head.hash.clone()
    };
    for (i, (c, e)) in chain.iter().zip(&events).enumerate() {
        assert_eq!(c.seq, start + 1 + i as i64, "numbers follow one another");
        assert_eq!(c.content, e.content(), "stored as given");
        assert_eq!(c.prev_hash.as_deref(), Some(prev.as_str()));
        let hash = audit::event_hash(&prev, &e.content());
        assert_eq!(c.hash.as_deref(), Some(hash.as_str()));
        prev = hash;
    }
    let head = store.audit_chain_head().await.unwrap();
    assert_eq!(head.seq, start + 5);
    assert_eq!(head.hash, prev);
    assert_eq!(head.chain_start, before.head.chain_start);
    // Paging through the chain.
    let page = store.audit_chain(start + 1, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|c| c.seq).collect::<Vec<_>>(),
        [start + 2, start + 3]
    );
    assert!(store.audit_chain(start + 5, 10).await.unwrap().is_empty());

    // Eight appenders at once, five events each.
    let burst = chain_events("chb", 40);
    let run = |k: usize| {
        let mine: Vec<AuditEvent> = burst[k * 5..k * 5 + 5].to_vec();
        async move {
            for e in &mine {
                store.append_audit(e).await.unwrap();
            }
        }
    };
    tokio::join!(
        run(0),
        run(1),
        run(2),
        run(3),
        run(4),
        run(5),
        run(6),
        run(7)
    );
    let all = store.audit_chain(start + 5, 1000).await.unwrap();
    assert_eq!(
        all.iter().map(|c| c.seq).collect::<Vec<_>>(),
        ((start + 6)..=(start + 45)).collect::<Vec<_>>(),
        "40 appends at once: 40 numbers, none twice, none skipped"
    );
    let mut requests: Vec<_> = all.iter().filter_map(|c| c.content[11].clone()).collect();
    requests.sort();
    let mut expected: Vec<_> = burst.iter().filter_map(|e| e.request_id.clone()).collect();
    expected.sort();
    assert_eq!(requests, expected, "each event stored once");

    let report = audit::verify(store).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.fault);
    assert_eq!(report.head.seq, start + 45);
    assert_eq!(
        report.checked,
        u64::try_from(start - before.head.chain_start).unwrap() + 45
    );

    // Verification reads in batches: more than one batch checks the same way.
    let many = chain_events("chm", 1100);
    for e in &many {
        store.append_audit(e).await.unwrap();
    }
    let report = audit::verify(store).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.fault);
    assert_eq!(report.head.seq, start + 1145);
}

/// The staff audit report: filters by patient, account (and everyone but
/// one account), actions, outcome and time range; sorting by every column
/// both ways, ties in chain order; pages and the total; the user's email and
/// name and the patient's MRN joined in (absent for unknown ones).
pub async fn audit_report(store: &dyn Store) {
    use crate::audit::{AuditColumn, AuditQuery};
    let p1 = full_patient("arp", 1, date(2012, 3, 4));
    let p2 = full_patient("arp", 2, date(2014, 5, 6));
    store
        .import_batch(&ImportBatch {
            patients: vec![p1.clone(), p2.clone()],
            items: Vec::new(),
        })
        .await
        .unwrap();
    let zed = store
        .create_account(&new_account("arp-zed", "zed@arp.example"))
        .await
        .unwrap();
    let amy = store
        .create_account(&new_account("arp-amy", "amy@arp.example"))
        .await
        .unwrap();
    let ghost = aid("arp-ghost");
    let ev = |at: &str,
              who: Option<&AccountId>,
              role: &str,
              patient: Option<&PatientId>,
              action: &str,
              object: &str,
              outcome: &str,
              client: Option<&str>| AuditEvent {
        at: at.into(),
        account_id: who.cloned(),
        actor_role: role.into(),
        on_behalf_of: None,
        patient_id: patient.cloned(),
        action: action.into(),
        object_type: object.into(),
        object_id: None,
        outcome: outcome.into(),
        reason: None,
        client_addr: client.map(Into::into),
        request_id: None,
        detail: None,
    };
    let events = [
        ev(
            "2030-01-01T09:00:00Z",
            Some(&zed.id),
            "parent",
            Some(&p1.id),
            "read",
            "vitals",
            "success",
            Some("10.0.0.2"),
        ),
        ev(
            "2030-01-01T10:00:00Z",
            Some(&amy.id),
            "clinician",
            Some(&p1.id),
            "read",
            "summary",
            "success",
            Some("10.0.0.1"),
        ),
        ev(
            "2030-01-02T08:00:00Z",
            Some(&zed.id),
            "parent",
            Some(&p2.id),
            "update",
            "proxy-relationship",
            "denied",
            None,
        ),
        ev(
            "2030-01-02T08:00:00Z",
            Some(&ghost),
            "nurse",
            Some(&p1.id),
            "export",
            "immunizations",
            "success",
            Some("10.0.0.3"),
        ),
        ev(
            "2030-01-03T07:00:00Z",
            None,
            "anonymous",
            None,
            "login",
            "session",
            "failure",
            Some("10.0.0.9"),
        ),
        ev(
            "2030-01-04T07:00:00Z",
            Some(&amy.id),
            "clinician",
            Some(&pid("arp-unknown")),
            "read",
            "patient-search",
            "failure",
            None,
        ),
    ];
    let first = store.audit_chain_head().await.unwrap().seq + 1;
    for e in &events {
        store.append_audit(e).await.unwrap();
    }
    // Only this check's events: they are the only ones in year 2030.
    let base = AuditQuery {
        from: Some("2030-01-01T00:00:00Z".into()),
        until: Some("2031-01-01T00:00:00Z".into()),
        ..AuditQuery::default()
    };
    let idx = |q: &AuditQuery| {
        let q = q.clone();
        async move {
            let page = store.audit_report(&q).await.unwrap();
            let idx: Vec<usize> = page
                .entries
                .iter()
                .map(|e| usize::try_from(e.seq - first).unwrap())
                .collect();
            (page.total, idx)
        }
    };

    let (total, all) = idx(&base).await;
    assert_eq!(total, 6);
    assert_eq!(all, [0, 1, 2, 3, 4, 5], "default: time ascending");
    let page = store.audit_report(&base).await.unwrap();
    for (entry, e) in page.entries.iter().zip(&events) {
        assert_eq!(&entry.event, e, "every field kept");
    }
    assert_eq!(
        page.entries[0].user_email.as_deref(),
        Some("zed@arp.example")
    );
    assert_eq!(page.entries[0].user_name.as_deref(), Some("Person arp-zed"));
    assert_eq!(page.entries[0].patient_mrn.as_deref(), Some("arp-MRN-1"));
    assert_eq!(page.entries[3].user_email, None, "unknown account");
    assert_eq!(page.entries[5].patient_mrn, None, "unknown patient");

    // Filters.
    let with = |f: &dyn Fn(&mut AuditQuery)| {
        let mut q = base.clone();
        f(&mut q);
        q
    };
    assert_eq!(
        idx(&with(&|q| q.patient_id = Some(p1.id.clone()))).await,
        (3, vec![0, 1, 3])
    );
    assert_eq!(
        idx(&with(&|q| q.account_id = Some(zed.id.clone()))).await,
        (2, vec![0, 2])
    );
    assert_eq!(
        idx(&with(&|q| q.not_account_id = Some(amy.id.clone()))).await,
        (4, vec![0, 2, 3, 4]),
        "everyone but amy, events of no account included"
    );
    assert_eq!(
        idx(&with(&|q| q.actions = vec!["read".into(), "export".into()])).await,
        (4, vec![0, 1, 3, 5])
    );
    assert_eq!(
        idx(&with(&|q| q.outcome = Some("success".into()))).await,
        (3, vec![0, 1, 3])
    );
    assert_eq!(
        idx(&with(&|q| {
            q.from = Some("2030-01-02T08:00:00Z".into());
            q.until = Some("2030-01-04T07:00:00Z".into());
        }))
        .await,
        (3, vec![2, 3, 4]),
        "from included, until excluded"
    );
    assert_eq!(
        idx(&with(&|q| {
            q.patient_id = Some(p1.id.clone());
            q.actions = vec!["read".into()];
            q.not_account_id = Some(zed.id.clone());
        }))
        .await,
        (1, vec![1])
    );
    assert_eq!(
        idx(&with(&|q| q.patient_id = Some(pid("arp-nobody")))).await,
        (0, vec![])
    );

    // Sorting by every column, both ways; missing values last; ties by seq.
    let sorted = |c: AuditColumn, descending: bool| {
        idx(&with(&move |q| {
            q.sort = c;
            q.descending = descending;
        }))
    };
    let cases: [(AuditColumn, [usize; 6], [usize; 6]); 9] = [
        (AuditColumn::Seq, [0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]),
        (AuditColumn::At, [0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]),
        // amy, amy, zed, zed, then no account (ghost, anonymous).
        (AuditColumn::User, [1, 5, 0, 2, 3, 4], [2, 0, 5, 1, 4, 3]),
        // anonymous, clinician x2, nurse, parent x2.
        (AuditColumn::Role, [4, 1, 5, 3, 0, 2], [2, 0, 3, 5, 1, 4]),
        // arp-MRN-1 x3, arp-MRN-2, arp-unknown (no MRN: its id), none.
        (AuditColumn::Patient, [0, 1, 3, 2, 5, 4], [5, 2, 3, 1, 0, 4]),
        (AuditColumn::Action, [3, 4, 0, 1, 5, 2], [2, 5, 1, 0, 4, 3]),
        (AuditColumn::Object, [3, 5, 2, 4, 1, 0], [0, 1, 4, 2, 5, 3]),
        (AuditColumn::Outcome, [2, 4, 5, 0, 1, 3], [3, 1, 0, 5, 4, 2]),
        (AuditColumn::Client, [1, 0, 3, 4, 2, 5], [4, 3, 0, 1, 5, 2]),
    ];
    for (c, asc, desc) in cases {
        assert_eq!(sorted(c, false).await.1, asc, "{c:?} ascending");
        assert_eq!(sorted(c, true).await.1, desc, "{c:?} descending");
    }

    // Pages.
    let paged = |offset: u64, limit: u32| {
        idx(&with(&move |q| {
            q.offset = offset;
            q.limit = limit;
            q.sort = AuditColumn::At;
            q.descending = true;
        }))
    };
    assert_eq!(paged(0, 4).await, (6, vec![5, 4, 3, 2]));
    assert_eq!(paged(4, 4).await, (6, vec![1, 0]));
    assert_eq!(paged(8, 4).await, (6, vec![]));
}

/// Tampering with the trail behind the store's back, with the append-only
/// triggers dropped (`drop_triggers`: the backend's SQL for that), is found by
/// [`crate::audit::verify`], naming the first bad event: a changed field, a
/// deleted event, a forged event slipped into the middle, a deleted last event.
/// `exec` runs one SQL statement on the store's database.
///
/// Destroys the trail's integrity: run it on a store of its own.
pub async fn audit_tampering_is_found<F, Fut>(store: &dyn Store, drop_triggers: &str, exec: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use crate::audit::{self, ChainFault};
    let start = store.audit_chain_head().await.unwrap().seq;
    for e in chain_events("tmp", 12) {
        store.append_audit(&e).await.unwrap();
    }
    let s = |n: i64| start + n;
    assert!(audit::verify(store).await.unwrap().is_intact());
    for stmt in drop_triggers.split(';').filter(|s| !s.trim().is_empty()) {
        exec(stmt.to_owned()).await;
    }

    // The last event deleted: the chain ends before its head.
    exec(format!("DELETE FROM audit_events WHERE seq = {}", s(12))).await;
    let r = audit::verify(store).await.unwrap();
    assert_eq!(
        r.fault,
        Some(ChainFault::Deleted {
            first: s(12),
            last: s(12)
        })
    );

    // One field of event 9 changed.
    exec(format!(
        "UPDATE audit_events SET object_type = 'lab-results' WHERE seq = {}",
        s(9)
    ))
    .await;
    let r = audit::verify(store).await.unwrap();
    assert_eq!(r.fault, Some(ChainFault::Altered { seq: s(9) }));
    assert_eq!(r.checked, u64::try_from(s(8) - r.head.chain_start).unwrap());

    // A forged event slipped in after event 5 (later ones renumbered), with
    // a hash made up or computed properly: found before the altered one.
    exec(format!(
        "UPDATE audit_events SET seq = -seq WHERE seq > {}",
        s(5)
    ))
    .await;
    exec("UPDATE audit_events SET seq = 1 - seq WHERE seq < 0".to_owned()).await;
    exec(format!(
        "INSERT INTO audit_events (seq, at, actor_role, action, object_type, outcome, \
         prev_hash, hash) VALUES ({}, '2025-03-01T10:00:04Z', 'clinician', 'read', \
         'summary', 'success', 'forged', 'forged')",
        s(6)
    ))
    .await;
    let r = audit::verify(store).await.unwrap();
    assert_eq!(
        r.fault,
        Some(ChainFault::Inserted {
            first: s(6),
            last: s(6)
        })
    );
    assert_eq!(r.fault.as_ref().map(ChainFault::first_bad), Some(s(6)));

    // Event 3 deleted: found first.
    exec(format!("DELETE FROM audit_events WHERE seq = {}", s(3))).await;
    let r = audit::verify(store).await.unwrap();
    assert_eq!(
        r.fault,
        Some(ChainFault::Deleted {
            first: s(3),
            last: s(3)
        })
    );
}

/// Waits (up to 5 s) for `signal` to be live.
async fn until_live(signal: &crate::AccessSignal) {
    for _ in 0..500 {
        if signal.is_live() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the access watcher never became live");
}

/// Whether `signal`'s epoch moves from `before` within 5 s.
async fn moves_from(signal: &crate::AccessSignal, before: u64) -> bool {
    for _ in 0..500 {
        if signal.epoch() != before {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    false
}

/// [`crate::SecurityStore::watch_access_changes`]: `watcher`'s watcher sees
/// every committed change to what decides access made through `writer` (the
/// same store: at once, when the write returns; another node or process on
/// the same database: within 5 s): accounts
/// created and their status changed, a second factor enrolled, patients
/// imported and updated, proxy relationships added and revoked, sessions
/// re-authenticated and deleted; and it does not move for a session's
/// last-seen time (written every 30 s by every busy session) nor for
/// record items.
pub async fn access_changes_are_signalled(writer: &dyn Store, watcher: &dyn Store) {
    let signal = Arc::new(crate::AccessSignal::new());
    let same = std::ptr::addr_eq(writer as *const dyn Store, watcher as *const dyn Store);
    let watching = watcher.watch_access_changes(signal.clone());
    let checks = async {
        until_live(&signal).await;
        let parent = aid("access-parent");
        let child = bare_patient("access", 1, date(2019, 4, 2));
        let mut steps: Vec<(&str, bool)> = Vec::new();
        macro_rules! step {
            ($name:expr, $moves:expr, $write:expr) => {{
                // The previous step's change also reaches the watcher
                // through the database (a SQLite poll comes up to 50 ms
                // later): let it land first.
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                let before = signal.epoch();
                $write;
                // Through the watcher's own store, at once (the next
                // request of this process must see it); else by the
                // database's triggers, within the watcher's delay.
                let moved = if $moves && same {
                    signal.epoch() != before
                } else if $moves {
                    moves_from(&signal, before).await
                } else {
                    // Long enough for a SQLite poll (50 ms) several times
                    // over, and for a notification.
                    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                    signal.epoch() != before
                };
                steps.push(($name, moved == $moves));
            }};
        }
        step!("account created", true, {
            writer
                .create_account(&NewAccount {
                    status: AccountStatus::Active,
                    ..new_account("access-parent", "access-parent@example.org")
                })
                .await
                .unwrap();
        });
        step!("patient imported", true, {
            writer
                .import_batch(&ImportBatch {
                    patients: vec![child.clone()],
                    items: vec![],
                })
                .await
                .unwrap();
        });
        let rel = plain_parent("access-rel", &parent, &child.id);
        step!("relationship added", true, {
            writer.add_relationship(&rel).await.unwrap();
        });
        let session = Session {
            token_hash: "access-session".into(),
            account_id: parent.clone(),
            csrf_token: "access-csrf".into(),
            created_at: "2026-03-02T09:00:00Z".into(),
            expires_at: "2026-03-02T21:00:00Z".into(),
        };
        writer.create_session(&session).await.unwrap();
        step!("session seen (last_seen_at only)", false, {
            writer
                .touch_session("access-session", "2026-03-02T09:10:00Z".parse().unwrap())
                .await
                .unwrap();
        });
        step!("record items imported", false, {
            writer
                .import_batch(&ImportBatch {
                    patients: vec![],
                    items: chart("access", &child.id),
                })
                .await
                .unwrap();
        });
        step!("session re-authenticated", true, {
            writer
                .set_session_reauth("access-session", "2026-03-02T09:11:00Z".parse().unwrap())
                .await
                .unwrap();
        });
        step!("second factor enrolled", true, {
            writer
                .enroll_totp(
                    &parent,
                    "JBSWY3DPEHPK3PXP",
                    &[],
                    "2026-03-02T09:12:00Z".parse().unwrap(),
                )
                .await
                .unwrap();
        });
        step!("relationship revoked", true, {
            writer
                .update_relationship(&ProxyRelationship {
                    revoked_on: Some(date(2026, 3, 2)),
                    ..rel.clone()
                })
                .await
                .unwrap();
        });
        step!("patient updated", true, {
            writer
                .import_batch(&ImportBatch {
                    patients: vec![Patient {
                        given_name: "Leonard".into(),
                        ..child.clone()
                    }],
                    items: vec![],
                })
                .await
                .unwrap();
        });
        step!("session deleted", true, {
            writer.delete_session("access-session").await.unwrap();
        });
        step!("account deactivated", true, {
            writer
                .set_account_status(&parent, AccountStatus::Deactivated)
                .await
                .unwrap();
        });
        let wrong: Vec<_> = steps
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(n, _)| *n)
            .collect();
        assert!(
            wrong.is_empty(),
            "the access signal was wrong after: {wrong:?}"
        );
        assert!(signal.is_live());
    };
    tokio::select! {
        () = watching => panic!("the access watcher returned"),
        () = checks => {}
    }
}
