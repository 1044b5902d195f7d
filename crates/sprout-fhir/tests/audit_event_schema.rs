//! Every audit event, rendered as a FHIR R4 `AuditEvent`, validates against the
//! official FHIR JSON schema (`shared/data/fhir/fhir.schema.json`): events of
//! every action, outcome and kind of user, with and without their optional
//! parts, stored and read back through the store as the report reads them.

use jiff::civil::date;
use serde_json::Value;
use sprout_domain::people::{AccountStatus, StaffRole};
use sprout_domain::record::{AdministrativeSex, Labels, Patient};
use sprout_domain::{AccountId, PatientId};
use sprout_store::audit::{AuditColumn, AuditQuery};
use sprout_store::{AccountStore, AuditEvent, AuditStore, ImportBatch, NewAccount, RecordStore};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/fhir/fhir.schema.json"
);

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(SCHEMA).expect("the FHIR schema")).unwrap();
    jsonschema::validator_for(&schema).expect("the FHIR schema compiles")
}

fn errors(v: &jsonschema::Validator, r: &Value) -> Vec<String> {
    v.iter_errors(r)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The events: each action, outcome and role; proxies on someone's behalf;
/// unknown users; details with every kind of character; missing parts.
fn events(patient: &PatientId, parent: &AccountId, nurse: &AccountId) -> Vec<AuditEvent> {
    let base = AuditEvent {
        at: "2026-03-02T14:05:00Z".into(),
        account_id: Some(parent.clone()),
        actor_role: "parent".into(),
        on_behalf_of: Some("rel-1".into()),
        patient_id: Some(patient.clone()),
        action: "read".into(),
        object_type: "vitals".into(),
        object_id: None,
        outcome: "success".into(),
        reason: Some("parent-of-child".into()),
        client_addr: Some("203.0.113.9".into()),
        request_id: Some("3f2a9c01d4e5b6a7".into()),
        detail: Some(
            r#"{"withheld":[{"item":"obs-1","section":"vitals","reason":"restricted","exception":"privacy"}]}"#
                .into(),
        ),
    };
    let mut out = Vec::new();
    for action in [
        "read", "create", "update", "delete", "execute", "export", "login", "logout",
    ] {
        for outcome in ["success", "denied", "failure"] {
            out.push(AuditEvent {
                action: action.into(),
                outcome: outcome.into(),
                ..base.clone()
            });
        }
    }
    for (role, account) in [
        ("nurse", Some(nurse)),
        ("clinician", Some(nurse)),
        ("front-desk", Some(nurse)),
        ("admin", Some(nurse)),
        ("patient", Some(parent)),
        ("legal-guardian", Some(parent)),
        ("designee", Some(parent)),
        ("system", None),
        ("anonymous", None),
    ] {
        out.push(AuditEvent {
            actor_role: role.into(),
            account_id: account.cloned(),
            on_behalf_of: None,
            ..base.clone()
        });
    }
    for object in [
        "summary",
        "proxies",
        "proxy-explain",
        "proxy-relationship",
        "patient-search",
        "access-log",
        "audit-report",
        "session",
        "notice",
    ] {
        out.push(AuditEvent {
            object_type: object.into(),
            object_id: Some(format!("{object}-id")),
            ..base.clone()
        });
    }
    // Bare: nothing optional at all.
    out.push(AuditEvent {
        account_id: None,
        actor_role: "anonymous".into(),
        on_behalf_of: None,
        patient_id: None,
        action: "login".into(),
        object_type: "session".into(),
        object_id: None,
        outcome: "failure".into(),
        reason: None,
        client_addr: None,
        request_id: None,
        detail: None,
        ..base.clone()
    });
    // Awkward text: empty strings, spaces, newlines, accents, IPv6, an id a
    // FHIR reference cannot carry.
    out.push(AuditEvent {
        actor_role: "  ".into(),
        on_behalf_of: Some("rel with spaces/and slash".into()),
        reason: Some(String::new()),
        object_type: "lab results\nline two".into(),
        object_id: Some(" ".into()),
        client_addr: Some("2001:db8::1".into()),
        request_id: Some(String::new()),
        detail: Some("{\"nota\":\"niño — “quoted”\\n\"}".into()),
        ..base.clone()
    });
    out
}

#[tokio::test]
async fn every_rendered_audit_event_validates_against_the_fhir_schema() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/fhir-audit.db", dir.path().display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    let patient = PatientId::parse("fhir-audit-p1").unwrap();
    store
        .import_batch(&ImportBatch {
            patients: vec![Patient {
                id: patient.clone(),
                source_id: None,
                mrn: Some("MRN 0042".into()),
                given_name: "Ana".into(),
                family_name: "Lopez".into(),
                birth_date: date(2019, 4, 2),
                sex: AdministrativeSex::Female,
                phone: None,
                email: None,
                address: None,
                gestation_weeks: None,
                labels: Labels::default(),
            }],
            items: Vec::new(),
        })
        .await
        .unwrap();
    let account = |id: &str, email: &str, name: &str, role| NewAccount {
        id: AccountId::parse(id).unwrap(),
        email: email.into(),
        display_name: name.into(),
        password_hash: "x".into(),
        status: AccountStatus::Active,
        staff_role: role,
        patient_id: None,
    };
    let parent = store
        .create_account(&account(
            "fa-parent",
            "maria@example.com",
            "María López",
            None,
        ))
        .await
        .unwrap()
        .id;
    let nurse = store
        .create_account(&account(
            "fa-nurse",
            "nurse@example.com",
            "Nora Nurse",
            Some(StaffRole::Nurse),
        ))
        .await
        .unwrap()
        .id;
    let written = events(&patient, &parent, &nurse);
    for e in &written {
        store.append_audit(e).await.unwrap();
    }
    let page = store
        .audit_report(&AuditQuery {
            sort: AuditColumn::Seq,
            limit: 1000,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.entries.len(), written.len());

    let v = validator();
    for entry in &page.entries {
        let r = sprout_fhir::audit_event::audit_event(entry, "Main Street Pediatrics");
        let errs = errors(&v, &r);
        assert!(
            errs.is_empty(),
            "event {} does not validate: {errs:#?}\n{r:#}",
            entry.seq
        );
    }

    // The schema is really applied: a broken resource is refused.
    let mut broken = sprout_fhir::audit_event::audit_event(&page.entries[0], "");
    broken["action"] = Value::String("X Y ".into());
    broken["recorded"] = Value::String("yesterday".into());
    assert!(!v.is_valid(&broken));
    let mut no_source = sprout_fhir::audit_event::audit_event(&page.entries[0], "");
    no_source.as_object_mut().unwrap().remove("source");
    assert!(!v.is_valid(&no_source), "source is required");
    let mut empty = sprout_fhir::audit_event::audit_event(&page.entries[0], "");
    empty["outcomeDesc"] = Value::String(String::new());
    assert!(!v.is_valid(&empty), "FHIR has no empty strings");
}
