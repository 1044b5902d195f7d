//! Shared by the jobs tests: fresh stores (a SQLite file; a fresh PostgreSQL
//! database when `SPROUT_TEST_POSTGRES_URL` is set) and a practice of families
//! whose birthdays fall around the notice window.

#![allow(dead_code)] // each test file uses part of it

use jiff::civil::{date, Date};
use sprout_domain::people::{AccountStatus, ProxyRelationship, RelationshipKind};
use sprout_domain::record::{
    AdministrativeSex, Condition, Confidentiality, ItemMeta, Labels, MedicationRequest, Patient,
    RecordItem, Sensitivity,
};
use sprout_domain::{AccountId, ItemId, PatientId};
use sprout_store::{ImportBatch, NewAccount, Store};
use std::future::Future;
use std::sync::Arc;
use tempfile::TempDir;

/// A fresh SQLite store in a temporary folder (kept while the `TempDir` lives).
pub async fn sqlite() -> (TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/sprout.db", dir.path().display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    (dir, Arc::new(store))
}

/// Runs `test` on a fresh, migrated PostgreSQL database that is dropped
/// afterwards (see `sprout_store_postgres::testing`). Does nothing (after saying
/// so) without `SPROUT_TEST_POSTGRES_URL`; fails under CI without it.
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    sprout_store_postgres::testing::with_fresh_db(|store| test(Arc::new(store))).await;
}

pub fn pid(s: &str) -> PatientId {
    PatientId::parse(s).unwrap()
}

pub fn aid(s: &str) -> AccountId {
    AccountId::parse(s).unwrap()
}

pub fn patient(id: &str, given: &str, birth: Date) -> Patient {
    Patient {
        id: pid(id),
        source_id: Some(format!("src-{id}")),
        mrn: Some(format!("MRN-{id}-7731")),
        given_name: given.into(),
        family_name: "Quintana".into(),
        birth_date: birth,
        sex: AdministrativeSex::Female,
        phone: Some("+1 555 0142".into()),
        email: None,
        address: Some("12 Elm St".into()),
        gestation_weeks: None,
        labels: Labels::default(),
    }
}

/// Health data of a patient that no notice may carry.
pub const HEALTH_WORDS: [&str; 4] = [
    "Persistent asthma",
    "Major depressive disorder",
    "Albuterol 90 mcg inhaler",
    "Sertraline 50 mg tablet",
];

/// A small chart holding [`HEALTH_WORDS`].
pub fn chart(p: &PatientId) -> Vec<RecordItem> {
    let meta = |n: &str, labels: Labels| ItemMeta {
        id: ItemId::parse(&format!("{}-{n}", p.as_str())).unwrap(),
        patient_id: p.clone(),
        source_id: format!("src-{}-{n}", p.as_str()),
        labels,
    };
    let sensitive = Labels {
        confidentiality: Confidentiality::Restricted,
        sensitivity: vec![Sensitivity::MentalHealth],
    };
    let condition = |n: &str, display: &str, labels: Labels| {
        RecordItem::Condition(Condition {
            meta: meta(n, labels),
            display: display.into(),
            code: Some("195967001".into()),
            clinical_status: Some("active".into()),
            verification_status: Some("confirmed".into()),
            onset: Some("2020-01-01".into()),
            abatement: None,
            recorded: Some("2020-01-02".into()),
        })
    };
    let med = |n: &str, text: &str, labels: Labels| {
        RecordItem::MedicationRequest(MedicationRequest {
            meta: meta(n, labels),
            status: "active".into(),
            rxnorm: Some("745679".into()),
            medication_text: text.into(),
            dosage_text: Some("as directed".into()),
            authored_on: Some("2024-01-01".into()),
            prescriber: Some("Dr. Okafor".into()),
        })
    };
    vec![
        condition("c1", HEALTH_WORDS[0], Labels::default()),
        condition("c2", HEALTH_WORDS[1], sensitive.clone()),
        med("m1", HEALTH_WORDS[2], Labels::default()),
        med("m2", HEALTH_WORDS[3], sensitive),
    ]
}

pub fn account(id: &str, name: &str, status: AccountStatus, patient: Option<&str>) -> NewAccount {
    NewAccount {
        id: aid(id),
        email: format!("{id}@example.org"),
        display_name: name.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        status,
        staff_role: None,
        patient_id: patient.map(pid),
    }
}

pub fn rel(id: &str, account: &str, patient: &str, kind: RelationshipKind) -> ProxyRelationship {
    ProxyRelationship {
        id: id.into(),
        account_id: aid(account),
        patient_id: pid(patient),
        kind,
        granted_on: date(2015, 1, 1),
        verified_on: Some(date(2015, 1, 2)),
        patient_approved_on: None,
        sections_hidden: vec![],
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    }
}

/// The day the practice below is run on first.
pub const TODAY: Date = date(2026, 5, 2);

/// A practice (under the `california` preset) seen on [`TODAY`]:
///
/// - Lucía (born 2014-06-01) turns 12 exactly 30 days later: notices to her
///   mother (Spanish) and father; none to her grandmother, whose access was
///   revoked.
/// - Mateo (born 2008-05-20) turns 18 in 18 days (a missed day's notice):
///   notices to his mother, to his own account, and to his uncle, a
///   court-appointed guardian with papers on file.
/// - Sofía (born 2014-06-02) turns 12 in 31 days: nothing until tomorrow,
///   then a notice to her father.
/// - Iker (born 2014-05-25) turns 12 in 23 days, but his only proxy's account
///   is deactivated: nothing.
/// - Nora (born 2010-01-01): no birthday in the window.
///
/// Notices due on [`TODAY`]: 5; one more the day after.
pub async fn seed_practice(store: &dyn Store) {
    let patients = vec![
        patient("lucia", "Lucía Isabel", date(2014, 6, 1)),
        patient("mateo", "Mateo", date(2008, 5, 20)),
        patient("sofia", "Sofía", date(2014, 6, 2)),
        patient("iker", "Iker", date(2014, 5, 25)),
        patient("nora", "Nora", date(2010, 1, 1)),
    ];
    let mut items = chart(&pid("lucia"));
    items.extend(chart(&pid("mateo")));
    let accounts = vec![
        account("mom", "Marta Quintana", AccountStatus::Active, None),
        account("dad", "Daniel Quintana", AccountStatus::Active, None),
        account("grandma", "Rosa Quintana", AccountStatus::Active, None),
        account("uncle", "Tomás Quintana", AccountStatus::Active, None),
        account(
            "mateo-own",
            "Mateo Quintana",
            AccountStatus::Active,
            Some("mateo"),
        ),
        account("gone", "Former Parent", AccountStatus::Deactivated, None),
        account("nora-mom", "Elena Vidal", AccountStatus::Active, None),
    ];
    let mut revoked = rel(
        "r-grandma",
        "grandma",
        "lucia",
        RelationshipKind::LegalGuardian,
    );
    revoked.revoked_on = Some(date(2025, 3, 1));
    let mut guardian = rel(
        "r-uncle",
        "uncle",
        "mateo",
        RelationshipKind::CourtAppointedGuardian,
    );
    guardian.evidence_on_file = true;
    let relationships = vec![
        rel("r-mom-lucia", "mom", "lucia", RelationshipKind::Parent),
        rel("r-dad-lucia", "dad", "lucia", RelationshipKind::Parent),
        revoked,
        rel("r-mom-mateo", "mom", "mateo", RelationshipKind::Parent),
        guardian,
        rel("r-dad-sofia", "dad", "sofia", RelationshipKind::Parent),
        rel("r-gone-iker", "gone", "iker", RelationshipKind::Parent),
        rel("r-nora", "nora-mom", "nora", RelationshipKind::Parent),
    ];
    store
        .seed_batch(&ImportBatch { patients, items }, &accounts, &relationships)
        .await
        .unwrap();
    store.set_locale(&aid("mom"), "es").await.unwrap();
    store.set_locale(&aid("dad"), "en").await.unwrap();
}
