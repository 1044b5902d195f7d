use super::*;
use crate::ids::{ItemId, PatientId};
use crate::record::{ItemMeta, Labels};

fn med(text: &str, rxnorm: Option<&str>, status: &str) -> MedicationRequest {
    MedicationRequest {
        meta: ItemMeta {
            id: ItemId::from_random([1; 16]),
            patient_id: PatientId::from_random([2; 16]),
            source_id: "m".into(),
            labels: Labels::default(),
        },
        status: status.into(),
        rxnorm: rxnorm.map(Into::into),
        medication_text: text.into(),
        dosage_text: None,
        authored_on: None,
        prescriber: None,
    }
}

fn refusal(rules: &RefillRules, m: &MedicationRequest) -> Option<&'static str> {
    eligibility(rules, m).refusal().map(Refusal::code)
}

#[test]
fn controlled_by_name_brand_and_code() {
    let r = RefillRules::standard();
    let e = eligibility(&r, &med("Concerta 36 MG Extended Release", None, "active"));
    assert_eq!(
        e,
        Eligibility::NotRefillable(Refusal::Controlled {
            ingredient: "concerta".into(),
            schedule: Schedule::II
        })
    );
    // Case does not matter; the code alone is enough.
    assert_eq!(
        refusal(
            &r,
            &med("Acetaminophen 325 MG / oxyCODONE 5 MG", None, "active")
        ),
        Some("controlled-substance")
    );
    assert_eq!(
        refusal(&r, &med("Some tablet", Some("1091170"), "active")),
        Some("controlled-substance")
    );
    // Whole words only: "amphetamine" is not found inside another word.
    let e = eligibility(&r, &med("Dextroamphetamine 5 MG", None, "active"));
    assert!(matches!(
        e,
        Eligibility::NotRefillable(Refusal::Controlled { ref ingredient, .. }) if ingredient == "dextroamphetamine"
    ));
    for name in [
        "lisdexamfetamine",
        "codeine",
        "hydrocodone",
        "morphine",
        "tramadol",
        "lorazepam",
        "clonazepam",
        "midazolam",
        "clobazam",
        "alprazolam",
        "phenobarbital",
        "testosterone",
        "pregabalin",
        "lacosamide",
        "modafinil",
        "dexmethylphenidate",
        "amphetamine",
    ] {
        assert_eq!(
            refusal(
                &r,
                &med(&format!("{name} 1 MG Oral Tablet"), None, "active")
            ),
            Some("controlled-substance"),
            "{name}"
        );
    }
}

#[test]
fn antibiotics_unless_allowed_and_only_systemic() {
    let r = RefillRules::standard();
    assert_eq!(
        refusal(&r, &med("Minocycline 50 MG Oral Capsule", None, "active")),
        Some("antibiotic")
    );
    assert_eq!(
        refusal(&r, &med("Mupirocin 2% Topical Ointment", None, "active")),
        None
    );
    assert_eq!(
        refusal(
            &r,
            &med("Erythromycin 5 MG/GM Ophthalmic Ointment", None, "active")
        ),
        None
    );
    let allowed = RefillRules::from_settings(&RefillSettings {
        allowed_antibiotics: vec!["minocycline".into(), "834061".into()],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        eligibility(
            &allowed,
            &med("Minocycline 50 MG Oral Capsule", None, "active")
        ),
        Eligibility::Refillable
    );
    assert_eq!(
        eligibility(
            &allowed,
            &med("Penicillin V Potassium 250 MG", Some("834061"), "active")
        ),
        Eligibility::Refillable
    );
    // Allowed, but the prescription ended: the status still refuses.
    assert_eq!(
        refusal(&allowed, &med("Minocycline 50 MG", None, "completed")),
        Some("not-active")
    );
}

#[test]
fn status_and_practice_list() {
    let r = RefillRules::standard();
    for status in [
        "stopped",
        "completed",
        "entered-in-error",
        "on-hold",
        "cancelled",
        "draft",
    ] {
        assert_eq!(
            eligibility(&r, &med("Cetirizine 5 MG", None, status)),
            Eligibility::NotRefillable(Refusal::NotActive {
                status: status.into()
            })
        );
    }
    assert!(eligibility(&r, &med("Cetirizine 5 MG", None, "active")).is_refillable());
    let r = RefillRules::from_settings(&RefillSettings {
        never_refillable: vec!["isotretinoin".into(), "1870230".into()],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        refusal(&r, &med("Isotretinoin 20 MG", None, "active")),
        Some("practice-list")
    );
    assert_eq!(
        refusal(
            &r,
            &med("Epinephrine auto-injector", Some("1870230"), "active")
        ),
        Some("practice-list")
    );
}

#[test]
fn settings_extend_and_are_checked() {
    let s: RefillSettings = toml::from_str(
        r#"
        allowed_antibiotics = ["doxycycline"]
        [[controlled]]
        name = "Xyrem"
        schedule = "III"
        [[antibiotics]]
        rxnorm = "999999"
        class = "test"
        "#,
    )
    .unwrap();
    let r = RefillRules::from_settings(&s).unwrap();
    assert_eq!(
        eligibility(&r, &med("XYREM 500 MG/ML", None, "active")),
        Eligibility::NotRefillable(Refusal::Controlled {
            ingredient: "xyrem".into(),
            schedule: Schedule::III
        })
    );
    assert_eq!(
        refusal(&r, &med("Anything", Some("999999"), "active")),
        Some("antibiotic")
    );
    assert!(eligibility(&r, &med("Doxycycline 100 MG", None, "active")).is_refillable());
    let bad = RefillSettings {
        controlled: vec![ControlledEntry {
            name: None,
            rxnorm: Some("12a".into()),
            schedule: Schedule::II,
        }],
        ..Default::default()
    };
    assert!(matches!(
        RefillRules::from_settings(&bad),
        Err(RefillSettingsError::BadCode { .. })
    ));
    let empty = RefillSettings {
        never_refillable: vec!["  ".into()],
        ..Default::default()
    };
    assert!(RefillRules::from_settings(&empty).is_err());
    assert!(toml::from_str::<RefillSettings>("unknown = 1").is_err());
}
