//! The binary as a user runs it: exit codes, messages and machine-readable output.

use assert_cmd::Command;
use std::path::PathBuf;

fn shared(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/")).join(rel)
}

fn sprout(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sprout").expect("binary built");
    cmd.current_dir(dir.path())
        .env_remove("SPROUT_DATABASE_URL")
        .env_remove("SPROUT_CONFIG")
        .env_remove("SPROUT_LISTEN");
    cmd
}

fn db_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/t.db", dir.path().display())
}

#[test]
fn unknown_database_scheme_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sprout(&dir)
        .args(["import", "fhir", "--database-url", "mysql://x/y"])
        .arg(shared("data/fhir/spec-examples/Patient-newborn.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown database URL scheme `mysql`"), "{err}");
}

#[test]
fn policy_check_passes_the_public_scenarios_and_fails_a_wrong_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let file = shared("policy/scenarios.json");
    let out = sprout(&dir)
        .args(["policy", "check"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("45 passed, 0 failed"));

    // Flip the first case's expectation: the run must fail.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let case = &mut doc["cases"][0];
    let flipped = if case["expect"] == "allow" {
        "deny"
    } else {
        "allow"
    };
    case["expect"] = flipped.into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = sprout(&dir)
        .args(["policy", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().last(),
        Some("44 passed, 1 failed")
    );

    // A malformed file is an error naming the problem, and a failure.
    std::fs::write(&bad, "{\"format\": \"nope\"").unwrap();
    let out = sprout(&dir)
        .args(["policy", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn policy_show_prints_the_effective_policy_and_rejects_bad_settings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sprout.toml"),
        "[policy]\npreset = \"massachusetts\"\nmax_proxies = 3\n",
    )
    .unwrap();
    let out = sprout(&dir).args(["policy", "show"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("massachusetts") && stdout.contains("max_proxies = 3"),
        "{stdout}"
    );

    std::fs::write(
        dir.path().join("sprout.toml"),
        "[policy]\npreset = \"texas\"\n",
    )
    .unwrap();
    let out = sprout(&dir).args(["policy", "show"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("texas"));

    // The server refuses to start on the same bad setting.
    let out = sprout(&dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("texas"));
}

#[test]
fn import_fhir_json_report_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("truncated.json");
    std::fs::write(&bad, "{\"resourceType\": \"Patient\", \"id\": ").unwrap();
    let out = sprout(&dir)
        .args(["import", "fhir", "--json", "--database-url", &db_url(&dir)])
        .arg(shared("data/fhir/spec-examples/Patient-newborn.json"))
        .arg(shared("data/fhir/spec-examples/Immunization-example.json"))
        .arg(&bad)
        .output()
        .unwrap();
    // Something was rejected: exit code 2, but the report is complete.
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    let by_name = |n: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(n))
            .unwrap()
            .clone()
    };
    let newborn = by_name("Patient-newborn.json");
    assert_eq!(newborn["status"], "imported");
    assert_eq!(newborn["stored"]["Patient"], 1);
    assert!(newborn["error"].is_null());
    let imm = by_name("Immunization-example.json");
    assert_eq!(imm["status"], "rejected");
    assert!(imm["error"].as_str().unwrap().contains("Patient/example"));
    let trunc = by_name("truncated.json");
    assert_eq!(trunc["status"], "rejected");
    assert!(
        trunc["error"].as_str().unwrap().contains("line 1"),
        "{trunc}"
    );
}

#[test]
fn demo_writes_accounts_json_and_refuses_a_foreign_database() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.json");
    let out = sprout(&dir)
        .args([
            "demo",
            "--families",
            "2",
            "--no-serve",
            "--database-url",
            &db_url(&dir),
        ])
        .arg("--accounts-json")
        .arg(&accounts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logins: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&accounts).unwrap()).unwrap();
    let logins = logins.as_array().unwrap();
    for role in [
        "parent",
        "patient",
        "front-desk",
        "nurse",
        "clinician",
        "admin",
    ] {
        assert!(logins.iter().any(|l| l["role"] == role), "no {role} login");
    }
    let parent = logins.iter().find(|l| l["role"] == "parent").unwrap();
    let p = &parent["patients"][0];
    assert!(p["id"].is_string() && p["name"].is_string());
    assert_eq!(p["birth_date"].as_str().unwrap().len(), 10);

    // Running the demo again on the same database serves what is there.
    let again = sprout(&dir)
        .args(["demo", "--no-serve", "--database-url", &db_url(&dir)])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already"));

    // A database with other accounts is not the demo's to fill.
    let other = tempfile::tempdir().unwrap();
    let url = db_url(&other);
    let out = sprout(&other)
        .args([
            "staff", "add", "--email", "a@b.org", "--name", "A", "--role", "nurse",
        ])
        .args(["--password", "long-enough-pw", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sprout(&other)
        .args(["demo", "--no-serve", "--database-url", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty database"));
}

#[test]
fn growth_zscore_adds_columns_and_reports_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = "sex,birth_date,observation_date,measurement,value\n\
                 female,2024-01-01,2024-07-01,weight_kg,7.3\n\
                 male,2020-01-01,2026-01-01,height_cm,-5\n";
    let out = sprout(&dir)
        .args(["growth", "zscore"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.contains("reference") && header.contains("percentile") && header.contains("error")
    );
    let first = lines.next().unwrap();
    assert!(first.contains("who2006"), "{first}");
    let second = lines.next().unwrap();
    assert!(!second.ends_with(','), "the bad row has an error: {second}");
}

#[test]
fn cdsi_test_runs_cdc_cases_and_prints_the_closing_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = sprout(&dir)
        .args(["immunizations", "cdsi-test", "--cases"])
        .arg(shared("data/immunization/cdsi-test-cases-v4.8.csv"))
        .arg("--supporting-data")
        .arg(shared("data/immunization/cdsi-supporting-data-4.10"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() >= 2,
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let eval = lines[lines.len() - 2];
    let fc = lines[lines.len() - 1];
    let passed = |l: &str| -> usize { l.split_whitespace().nth(1).unwrap().parse().unwrap() };
    assert!(
        eval.starts_with("evaluation: ") && fc.starts_with("forecast: "),
        "{text}"
    );
    // At least 95% of the 823 cases on each (the engine's own test ratchets higher).
    assert!(passed(eval) >= 782 && passed(fc) >= 782, "{eval} / {fc}");

    let out = sprout(&dir)
        .args(["immunizations", "cdsi-test", "--cases"])
        .arg(shared("data/immunization/cdsi-test-cases-v4.8.csv"))
        .args([
            "--supporting-data",
            "/nonexistent/cdsi-supporting-data-9.99",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn an_unreachable_postgres_server_is_reported_without_waiting_for_the_pool() {
    // Nothing listens on this port: the error comes from the first connection,
    // not after the pool's 30-second acquire timeout.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let out = sprout(&dir)
        .timeout(std::time::Duration::from_secs(20))
        .args(["audit", "verify", "--database-url"])
        .arg(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot open the PostgreSQL database"), "{err}");
    assert!(err.contains("Connection refused"), "{err}");
}
