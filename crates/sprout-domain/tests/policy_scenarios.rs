//! The scenario runner over the public scenario file and over broken files.

use sprout_domain::policy::{run_scenarios, Reason, ScenarioFileError};

const SCENARIOS_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/policy/scenarios.json"
);

fn shared_text() -> String {
    std::fs::read_to_string(SCENARIOS_PATH).expect("read shared/policy/scenarios.json")
}

fn shared() -> serde_json::Value {
    serde_json::from_str(&shared_text()).expect("shared scenario file is JSON")
}

/// A file holding just `case`.
fn file_with(case: serde_json::Value) -> String {
    serde_json::json!({ "format": "sprout-policy-scenarios/1", "cases": [case] }).to_string()
}

/// The first case of the shared file, as a starting point for variations.
fn first_case() -> serde_json::Value {
    shared()["cases"][0].clone()
}

fn case_error(case: serde_json::Value) -> (String, String, String) {
    match run_scenarios(&file_with(case)) {
        Err(ScenarioFileError::Case {
            case,
            field,
            problem,
        }) => (case, field, problem),
        other => panic!("expected a case error, got {other:?}"),
    }
}

#[test]
fn shared_scenarios_all_pass() {
    let report = run_scenarios(&shared_text()).expect("file parses");
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(ToString::to_string)
        .collect();
    assert!(failures.is_empty(), "failing cases: {failures:#?}");
    assert_eq!(report.passed, 45);
    assert_eq!(report.failed, 0);
    assert!(report.all_passed());
    let text = report.to_string();
    assert_eq!(text.lines().count(), 46);
    assert_eq!(text.lines().last(), Some("45 passed, 0 failed"));
    assert_eq!(
        text.lines().next(),
        Some("PASS ca-child-parent-views-immunizations")
    );
}

#[test]
fn shared_scenarios_give_the_expected_reasons() {
    let report = run_scenarios(&shared_text()).unwrap();
    let reason = |id: &str| {
        report
            .cases
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no case {id}"))
            .decision
            .reason
    };
    assert_eq!(
        reason("ca-child-parent-views-immunizations"),
        Reason::ChildParent
    );
    assert_eq!(
        reason("ca-12th-birthday-unapproved-parent-denied"),
        Reason::AdolescentNotApproved
    );
    assert_eq!(
        reason("ca-approval-given-at-11-does-not-count"),
        Reason::ApprovalBeforeAdolescence
    );
    assert_eq!(
        reason("ca-teen-hid-lab-results-from-proxy"),
        Reason::SectionHiddenByPatient
    );
    assert_eq!(
        reason("ca-teen-sensitive-result-hidden-from-approved-proxy"),
        Reason::AdolescentSensitiveItem
    );
    assert_eq!(
        reason("ca-teen-own-thread-hidden-from-proxy"),
        Reason::PatientOnlyThread
    );
    assert_eq!(
        reason("ca-proxy-may-not-message"),
        Reason::ProxyActionNotAllowed
    );
    assert_eq!(
        reason("ca-18th-birthday-parent-loses-access"),
        Reason::AdultParentNoAccess
    );
    assert_eq!(
        reason("ca-relationship-expired-yesterday"),
        Reason::RelationshipExpired
    );
    assert_eq!(
        reason("ca-revoked-relationship"),
        Reason::RelationshipRevoked
    );
    assert_eq!(
        reason("ca-deactivated-patient-account"),
        Reason::AccountNotActive
    );
    assert_eq!(
        reason("staff-nurse-restricted-needs-emergency-access"),
        Reason::RestrictedNeedsClinician
    );
    assert_eq!(
        reason("staff-nurse-emergency-access-restricted"),
        Reason::EmergencyAccess
    );
    assert_eq!(reason("ca-third-proxy-refused"), Reason::ProxyLimitReached);
    assert_eq!(
        reason("ca-proxy-email-same-as-teen-refused"),
        Reason::SameEmailAsPatient
    );
    assert_eq!(
        reason("ca-designee-for-a-minor-refused"),
        Reason::KindDoesNotFitBand
    );
    assert_eq!(
        reason("ma-adolescent-limited-no-lab-results"),
        Reason::AdolescentLimitedSection
    );
    assert_eq!(
        reason("ma-adult-designee-not-allowed"),
        Reason::DesigneeNotAllowed
    );
    assert_eq!(
        reason("ma-leap-day-baby-still-12-on-feb-28"),
        Reason::ChildParent
    );
}

#[test]
fn flipped_expectation_fails_with_the_reason() {
    let mut doc = shared();
    doc["cases"][0]["expect"] = "deny".into();
    doc["cases"][1]["expect"] = "allow".into();
    let report = run_scenarios(&doc.to_string()).unwrap();
    assert_eq!(report.passed, 43);
    assert_eq!(report.failed, 2);
    assert!(!report.all_passed());
    let text = report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "FAIL ca-child-parent-views-immunizations: expected deny, got allow (child-parent)"
    );
    assert_eq!(
        lines[1],
        "FAIL ca-child-parent-restricted-item-hidden: expected allow, got deny (restricted-item)"
    );
    assert_eq!(lines.last(), Some(&"43 passed, 2 failed"));
}

#[test]
fn overrides_change_the_outcome() {
    // A third proxy is refused under california's max_proxies = 2 ...
    let mut case = shared()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ca-third-proxy-refused")
        .unwrap()
        .clone();
    // ... and accepted with max_proxies = 3.
    case["overrides"] = serde_json::json!({ "max_proxies": 3 });
    case["expect"] = "allow".into();
    let report = run_scenarios(&file_with(case)).unwrap();
    assert_eq!((report.passed, report.failed), (1, 0));
}

#[test]
fn unknown_relationship_kind_names_case_and_field() {
    let mut case = first_case();
    case["actor"]["relationship"]["kind"] = "uncle".into();
    let (id, field, problem) = case_error(case.clone());
    assert_eq!(id, "\"ca-child-parent-views-immunizations\"");
    assert_eq!(field, "actor.relationship.kind");
    assert!(problem.starts_with("unknown value \"uncle\""), "{problem}");
    let message = run_scenarios(&file_with(case)).unwrap_err().to_string();
    assert!(
        message.starts_with(
            "case \"ca-child-parent-views-immunizations\": field actor.relationship.kind: unknown value \"uncle\""
        ),
        "{message}"
    );
}

#[test]
fn malformed_fields_are_named() {
    let check = |edit: &dyn Fn(&mut serde_json::Value), want_field: &str, want: &str| {
        let mut case = first_case();
        edit(&mut case);
        let (_, field, problem) = case_error(case);
        assert_eq!(field, want_field, "problem: {problem}");
        assert!(problem.contains(want), "{field}: {problem}");
    };
    check(
        &|c| c["today"] = "2026-13-01".into(),
        "today",
        "not an ISO date",
    );
    check(
        &|c| {
            c.as_object_mut().unwrap().remove("expect");
        },
        "expect",
        "missing",
    );
    check(&|c| c["expect"] = "maybe".into(), "expect", "\"maybe\"");
    check(
        &|c| c["section"] = "x-rays".into(),
        "section",
        "unknown value \"x-rays\"",
    );
    check(&|c| c["preset"] = "texas".into(), "preset", "\"texas\"");
    check(
        &|c| c["overrides"] = serde_json::json!({ "max_proxy": 3 }),
        "overrides.max_proxy",
        "unknown policy setting",
    );
    check(
        &|c| c["overrides"] = serde_json::json!({ "max_proxies": -1 }),
        "overrides.max_proxies",
        "bad value -1",
    );
    check(
        &|c| c["item"]["sensitivity"] = serde_json::json!(["mental-health", "gossip"]),
        "item.sensitivity[1]",
        "unknown value \"gossip\"",
    );
    check(
        &|c| c["actor"]["relationship"]["expires_on"] = 5.into(),
        "actor.relationship.expires_on",
        "expected text",
    );
    check(
        &|c| c["actor"]["relationship"]["evidence_on_file"] = "yes".into(),
        "actor.relationship.evidence_on_file",
        "expected true or false",
    );
    check(
        &|c| c["actor"]["staff_role"] = "nurse".into(),
        "actor.staff_role",
        "only for kind staff",
    );
    check(
        &|c| {
            c["patient"].as_object_mut().unwrap().remove("birth_date");
        },
        "patient.birth_date",
        "missing",
    );
    check(
        &|c| c["patient"]["brith_date"] = "2018-05-01".into(),
        "patient.brith_date",
        "unknown field",
    );
    check(
        &|c| c["actor"]["relationship"]["granted"] = "2018-05-01".into(),
        "actor.relationship.granted",
        "unknown field",
    );
    check(
        &|c| c["actor"]["kind"] = "neighbour".into(),
        "actor.kind",
        "unknown value \"neighbour\"",
    );
}

#[test]
fn case_without_id_is_numbered() {
    let mut case = first_case();
    case.as_object_mut().unwrap().remove("id");
    let (id, field, problem) = case_error(case);
    assert_eq!(
        (id.as_str(), field.as_str(), problem.as_str()),
        ("#1", "id", "missing")
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let case = first_case();
    let text = serde_json::json!({
        "format": "sprout-policy-scenarios/1",
        "cases": [case.clone(), case]
    })
    .to_string();
    let err = run_scenarios(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "case \"ca-child-parent-views-immunizations\": field id: duplicate id"
    );
}

#[test]
fn file_level_errors() {
    assert!(matches!(
        run_scenarios("{ not json"),
        Err(ScenarioFileError::Json { line: 1, .. })
    ));
    let err = run_scenarios(r#"{"format": "other/2", "cases": []}"#).unwrap_err();
    assert!(err.to_string().contains("field format"), "{err}");
    let err = run_scenarios(r#"{"format": "sprout-policy-scenarios/1"}"#).unwrap_err();
    assert_eq!(err.to_string(), "scenario file: field cases: missing");
    let empty = run_scenarios(r#"{"format": "sprout-policy-scenarios/1", "cases": []}"#).unwrap();
    assert_eq!(empty.to_string(), "0 passed, 0 failed\n");
}
