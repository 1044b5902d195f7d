//! Policy presets, overrides and the configuration-file form.

use sprout_domain::age::LeapDayBirthday;
use sprout_domain::policy::{
    Action, AdolescentProxy, AdultProxy, Policy, PolicyError, Preset, SETTING_NAMES,
};
use sprout_domain::record::Section;

fn overrides(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    v.as_object().expect("object").clone()
}

#[test]
fn presets_match_the_table() {
    let ca = Policy::default();
    assert_eq!(ca, Policy::preset(Preset::California));
    assert_eq!(
        (
            ca.adolescent_age,
            ca.adult_age,
            ca.patient_account_min_age,
            ca.max_proxies
        ),
        (12, 18, 12, 2)
    );
    assert_eq!(ca.adolescent_proxy, AdolescentProxy::PatientApproval);
    assert_eq!(ca.adult_proxy, AdultProxy::DesigneeWithWrittenConsent);
    assert!(ca.proxy_actions.is_empty());
    assert!(ca.notify_proxies_of_teen_account_at_ages.is_empty());
    assert_eq!(ca.leap_day_birthday, LeapDayBirthday::March1);

    let ma = Policy::preset(Preset::Massachusetts);
    assert_eq!(
        (
            ma.adolescent_age,
            ma.adult_age,
            ma.patient_account_min_age,
            ma.max_proxies
        ),
        (13, 18, 13, 0)
    );
    assert_eq!(ma.adolescent_proxy, AdolescentProxy::Limited);
    assert_eq!(
        ma.limited_sections,
        vec![
            Section::Demographics,
            Section::Immunizations,
            Section::Allergies,
            Section::Appointments,
            Section::Billing
        ]
    );
    assert_eq!(ma.adult_proxy, AdultProxy::CourtAppointedGuardianOnly);
    assert_eq!(
        ma.proxy_actions,
        vec![
            Action::Message,
            Action::Appointment,
            Action::Billing,
            Action::Contact
        ]
    );
    assert_eq!(ma.notify_proxies_of_teen_account_at_ages, vec![13, 14]);
    assert_eq!(
        ca.minor_consent_statute(),
        Some("California Health & Safety Code §123115(a)")
    );
    assert_eq!(ma.minor_consent_statute(), None);
}

#[test]
fn every_setting_can_be_overridden() {
    let p = Policy::from_preset_with_overrides(
        "california",
        &overrides(serde_json::json!({
            "adolescent_age": 13,
            "adult_age": 19,
            "patient_account_min_age": 14,
            "max_proxies": 3,
            "adolescent_proxy": "limited",
            "limited_sections": ["billing", "demographics"],
            "adult_proxy": "court-appointed-guardian-only",
            "proxy_actions": ["refill", "contact"],
            "notify_proxies_of_teen_account_at_ages": [12],
            "leap_day_birthday": "february-28",
        })),
    )
    .unwrap();
    assert_eq!(p.preset, Preset::California);
    assert_eq!(
        (
            p.adolescent_age,
            p.adult_age,
            p.patient_account_min_age,
            p.max_proxies
        ),
        (13, 19, 14, 3)
    );
    assert_eq!(p.adolescent_proxy, AdolescentProxy::Limited);
    assert_eq!(
        p.limited_sections,
        vec![Section::Billing, Section::Demographics]
    );
    assert_eq!(p.adult_proxy, AdultProxy::CourtAppointedGuardianOnly);
    assert_eq!(p.proxy_actions, vec![Action::Refill, Action::Contact]);
    assert_eq!(p.notify_proxies_of_teen_account_at_ages, vec![12]);
    assert_eq!(p.leap_day_birthday, LeapDayBirthday::February28);
    assert_eq!(SETTING_NAMES.len(), 10);
}

#[test]
fn bad_configuration_is_named() {
    let try_one = |v: serde_json::Value| {
        Policy::from_preset_with_overrides("massachusetts", &overrides(v)).unwrap_err()
    };
    assert_eq!(
        Policy::from_preset_with_overrides("texas", &serde_json::Map::new()).unwrap_err(),
        PolicyError::UnknownPreset("texas".into())
    );
    assert_eq!(
        try_one(serde_json::json!({ "max_proxy": 1 })),
        PolicyError::UnknownSetting("max_proxy".into())
    );
    let e = try_one(serde_json::json!({ "max_proxies": "two" }));
    assert_eq!(e.setting(), Some("max_proxies"));
    assert!(
        e.to_string().contains("max_proxies") && e.to_string().contains("\"two\""),
        "{e}"
    );
    let e = try_one(serde_json::json!({ "adolescent_proxy": "parents-decide" }));
    assert_eq!(
        e.to_string(),
        "policy setting adolescent_proxy: bad value \"parents-decide\": expected patient-approval, limited"
    );
    let e = try_one(serde_json::json!({ "proxy_actions": ["view"] }));
    assert_eq!(e.setting(), Some("proxy_actions"));
    let e = try_one(serde_json::json!({ "proxy_actions": ["grant-proxy"] }));
    assert_eq!(e.setting(), Some("proxy_actions"));
    let e = try_one(serde_json::json!({ "limited_sections": ["x-rays"] }));
    assert!(e.to_string().contains("x-rays"), "{e}");
    let e = try_one(serde_json::json!({ "leap_day_birthday": "march-2" }));
    assert_eq!(e.setting(), Some("leap_day_birthday"));
    let e = try_one(serde_json::json!({ "adolescent_age": 12.5 }));
    assert_eq!(e.setting(), Some("adolescent_age"));
    let e = try_one(serde_json::json!({ "adolescent_age": 19 }));
    assert!(
        matches!(
            e,
            PolicyError::Inconsistent {
                setting: "adolescent_age",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn toml_table_from_the_configuration_file() {
    let p = Policy::from_toml_str(
        "[server]\nport = 8080\n\n[policy]\npreset = \"massachusetts\"\nmax_proxies = 3\n",
    )
    .unwrap();
    let mut want = Policy::preset(Preset::Massachusetts);
    want.max_proxies = 3;
    assert_eq!(p, want);

    // No [policy] table: the default (california).
    assert_eq!(Policy::from_toml_str("").unwrap(), Policy::default());
    // A table without preset starts from california.
    let table: toml::Table = toml::from_str("adolescent_age = 13").unwrap();
    assert_eq!(Policy::from_toml_table(&table).unwrap().adolescent_age, 13);
    assert_eq!(
        Policy::from_toml_table(&table).unwrap().preset,
        Preset::California
    );

    let e = Policy::from_toml_str("[policy]\npreset = \"texas\"\n").unwrap_err();
    assert_eq!(e, PolicyError::UnknownPreset("texas".into()));
    let e = Policy::from_toml_str("[policy]\nmax_proxies = -1\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "policy setting max_proxies: bad value -1: expected a whole number, 0 for no limit"
    );
    let e = Policy::from_toml_str("[policy]\npreset = 3\n").unwrap_err();
    assert_eq!(e.setting(), Some("preset"));
    assert!(matches!(
        Policy::from_toml_str("[policy"),
        Err(PolicyError::Toml(_))
    ));
    assert!(matches!(
        Policy::from_toml_str("policy = 1"),
        Err(PolicyError::Toml(_))
    ));
}

#[test]
fn show_prints_toml_that_reads_back() {
    for preset in Preset::ALL {
        let mut p = Policy::preset(*preset);
        p.max_proxies = 4;
        let text = p.to_string();
        assert!(text.starts_with("[policy]\n"), "{text}");
        assert_eq!(Policy::from_toml_str(&text).unwrap(), p, "{text}");
    }
    let text = Policy::preset(Preset::Massachusetts).to_string();
    assert!(text.contains("preset = \"massachusetts\""), "{text}");
    assert!(text.contains("adolescent_proxy = \"limited\""), "{text}");
    assert!(text.contains("leap_day_birthday = \"march-1\""), "{text}");
    for name in SETTING_NAMES {
        assert!(
            text.contains(&format!("{name} = ")),
            "{name} missing from {text}"
        );
    }
}
