//! Changes made from the command line follow the same rules as the web pages:
//! passwords meet the NIST SP 800-63B rule, and every change to an account or
//! a patient's proxies (and every import) writes an audit event.

use assert_cmd::Command;
use sqlx::Connection;
use std::path::PathBuf;

fn synthea_file() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/fhir/synthea"
    ));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.remove(0)
}

fn sprout(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sprout").expect("binary built");
    cmd.current_dir(dir.path())
        .env_remove("SPROUT_DATABASE_URL")
        .env_remove("SPROUT_CONFIG");
    cmd
}

async fn rows(url: &str, sql: &str) -> Vec<(String, Option<String>, String)> {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
}

#[tokio::test]
async fn cli_passwords_follow_the_nist_rule_and_changes_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.db", dir.path().display());
    let out = sprout(&dir)
        .args(["import", "fhir", "--database-url", &url])
        .arg(synthea_file())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let patient: (String, Option<String>, String) = rows(&url, "SELECT id, NULL, '' FROM patients")
        .await
        .remove(0);

    // A family account without a second factor needs 15 characters.
    let link = |password: &str| {
        let mut c = sprout(&dir);
        c.args(["family", "link", "--email", "ana.ruiz@example.org"])
            .args(["--name", "Ana Ruiz", "--patient", &patient.0])
            .args(["--password", password, "--database-url", &url]);
        c.output().unwrap()
    };
    let short = link("Tz8#pQ2wLm4!");
    assert!(!short.status.success());
    let err = String::from_utf8_lossy(&short.stderr);
    assert!(err.contains("at least 15 characters"), "{err}");
    let guessable = link("passwordpassword");
    assert!(!guessable.status.success());
    assert!(String::from_utf8_lossy(&guessable.stderr).contains("easy to guess"));
    let ok = link("plum Vortex 91 quiet Harbor");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // Linking the same person again adds no second relationship (one in
    // force would keep granting what a teenager hid on the first), nor an
    // audit event.
    let again = link("plum Vortex 91 quiet Harbor");
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("already linked"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let links = rows(
        &url,
        "SELECT r.id, NULL, '' FROM proxy_relationships r \
         JOIN accounts a ON a.id = r.account_id WHERE a.email = 'ana.ruiz@example.org'",
    )
    .await;
    assert_eq!(links.len(), 1, "{links:?}");

    // Staff must add a second factor before seeing patient data: fewer than
    // 15 characters will do for them.
    let staff = sprout(&dir)
        .args([
            "staff",
            "add",
            "--email",
            "rn@example.org",
            "--name",
            "Kim Lee",
        ])
        .args([
            "--role",
            "nurse",
            "--password",
            "Tz8#pQ2wLm4!",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        staff.status.success(),
        "{}",
        String::from_utf8_lossy(&staff.stderr)
    );

    let events = rows(
        &url,
        "SELECT object_type, patient_id, action FROM audit_events \
         WHERE actor_role = 'system' ORDER BY seq",
    )
    .await;
    let kinds: Vec<(&str, bool, &str)> = events
        .iter()
        .map(|(t, p, a)| {
            (
                t.as_str(),
                p.as_deref() == Some(patient.0.as_str()),
                a.as_str(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("fhir-import", true, "create"),
            ("account", false, "create"),
            ("proxy-relationship", true, "create"),
            ("staff-account", false, "create"),
        ],
        "{events:?}"
    );
}
