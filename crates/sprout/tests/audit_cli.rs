//! `sprout audit verify` as an operator runs it: exit 0 on an intact trail;
//! with the append-only triggers dropped by hand, a changed field, a deleted
//! event and a forged event slipped into the middle each make it exit non-zero
//! naming the first bad event. On SQLite, and on PostgreSQL where
//! `SPROUT_TEST_POSTGRES_URL` is set (required under CI).

use assert_cmd::Command;
use sprout_store::{AuditEvent, AuditStore};
use sprout_store_sql::SqlStore;
use sqlx::Connection;
use std::io::Write;

fn sprout(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sprout").expect("binary built");
    cmd.current_dir(dir.path())
        .env_remove("SPROUT_DATABASE_URL")
        .env_remove("SPROUT_CONFIG")
        .env_remove("SPROUT_LISTEN");
    cmd
}

/// A database of one backend, with its URL and the SQL that drops the
/// append-only triggers.
struct Db {
    url: String,
    drop_triggers: &'static str,
    /// PostgreSQL: the admin URL and the database to drop at the end.
    pg: Option<(String, String)>,
}

fn event(i: u32) -> AuditEvent {
    AuditEvent {
        at: format!("2026-02-01T09:00:{i:02}Z"),
        account_id: sprout_domain::AccountId::parse("cli-parent"),
        actor_role: "parent".into(),
        on_behalf_of: Some("cli-rel".into()),
        patient_id: sprout_domain::PatientId::parse("cli-child"),
        action: "read".into(),
        object_type: "vitals".into(),
        object_id: None,
        outcome: "success".into(),
        reason: Some("parent-of-child".into()),
        client_addr: Some("192.0.2.10".into()),
        request_id: Some(format!("cli-req-{i}")),
        detail: None,
    }
}

async fn open(url: &str) -> SqlStore {
    if url.starts_with("sqlite:") {
        sprout_store_sqlite::open(url).await.unwrap()
    } else {
        sprout_store_postgres::open(url).await.unwrap()
    }
}

/// A fresh database holding six chained events.
async fn fresh(dir: &tempfile::TempDir, name: &str, postgres: bool) -> Option<Db> {
    let db = if postgres {
        let admin = match std::env::var("SPROUT_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    std::env::var("CI").map_or(true, |v| v != "true"),
                    "SPROUT_TEST_POSTGRES_URL must be set under CI"
                );
                let _ = writeln!(
                    std::io::stderr(),
                    "SPROUT_TEST_POSTGRES_URL is not set: PostgreSQL audit CLI tests not running"
                );
                return None;
            }
        };
        sprout_store_sql::install_drivers();
        let db_name = format!("sprout_cli_audit_{}_{name}", std::process::id());
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {db_name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        Db {
            url: format!("{base}/{db_name}"),
            drop_triggers: "DROP TRIGGER audit_events_no_change ON audit_events",
            pg: Some((admin, db_name)),
        }
    } else {
        Db {
            url: format!("sqlite://{}/{name}.db", dir.path().display()),
            drop_triggers: "DROP TRIGGER audit_events_no_update; \
                            DROP TRIGGER audit_events_no_delete",
            pg: None,
        }
    };
    let store = open(&db.url).await;
    for i in 1..=6 {
        store.append_audit(&event(i)).await.unwrap();
    }
    store.close().await;
    Some(db)
}

/// Runs statements on the database with the triggers dropped.
async fn tamper(db: &Db, statements: &[String]) {
    let store = open(&db.url).await;
    for s in db
        .drop_triggers
        .split(';')
        .chain(statements.iter().map(String::as_str))
    {
        sqlx::query(s).execute(store.pool()).await.unwrap();
    }
    store.close().await;
}

async fn drop_db(db: Db) {
    if let Some((admin, name)) = db.pg {
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// `sprout audit verify`: exit success and standard output.
fn verify(dir: &tempfile::TempDir, url: &str) -> (bool, String) {
    let out = sprout(dir)
        .args(["audit", "verify", "--database-url", url])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn each_tampering_is_named(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let tag = if postgres { "pg" } else { "lite" };

    // Intact.
    let Some(db) = fresh(&dir, &format!("{tag}_ok"), postgres).await else {
        return;
    };
    let (ok, out) = verify(&dir, &db.url);
    assert!(ok, "{out}");
    assert!(
        out.contains("audit trail intact: 6 events checked"),
        "{out}"
    );
    let json = sprout(&dir)
        .args(["audit", "verify", "--json", "--database-url", &db.url])
        .output()
        .unwrap();
    assert!(json.status.success());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["checked"], 6);
    assert_eq!(report["head"]["seq"], 6);
    assert_eq!(report["fault"], serde_json::Value::Null);
    drop_db(db).await;

    // One field of event 4 changed.
    let db = fresh(&dir, &format!("{tag}_altered"), postgres)
        .await
        .unwrap();
    tamper(
        &db,
        &["UPDATE audit_events SET patient_id = 'someone-else' WHERE seq = 4".into()],
    )
    .await;
    let (ok, out) = verify(&dir, &db.url);
    assert!(!ok, "{out}");
    assert!(out.contains("first bad event: 4"), "{out}");
    assert!(out.contains("event 4 was altered"), "{out}");
    drop_db(db).await;

    // Event 3 deleted.
    let db = fresh(&dir, &format!("{tag}_deleted"), postgres)
        .await
        .unwrap();
    tamper(&db, &["DELETE FROM audit_events WHERE seq = 3".into()]).await;
    let (ok, out) = verify(&dir, &db.url);
    assert!(!ok, "{out}");
    assert!(out.contains("first bad event: 3"), "{out}");
    assert!(out.contains("event 3 was deleted"), "{out}");
    drop_db(db).await;

    // A forged event slipped in after event 2: the later ones renumbered, its
    // hash computed as Sprout would (the forger knows the algorithm).
    let db = fresh(&dir, &format!("{tag}_forged"), postgres)
        .await
        .unwrap();
    let store = open(&db.url).await;
    let before = store.audit_chain(1, 1).await.unwrap();
    store.close().await;
    let prev = before[0].hash.clone().unwrap();
    let mut forged = event(40);
    forged.actor_role = "clinician".into();
    let hash = sprout_store::audit::event_hash(&prev, &forged.content());
    tamper(
        &db,
        &[
            "UPDATE audit_events SET seq = -seq WHERE seq > 2".into(),
            "UPDATE audit_events SET seq = 1 - seq WHERE seq < 0".into(),
            format!(
                "INSERT INTO audit_events (seq, at, account_id, actor_role, on_behalf_of, \
                 patient_id, action, object_type, outcome, reason, client_addr, request_id, \
                 prev_hash, hash) VALUES (3, '{}', 'cli-parent', 'clinician', 'cli-rel', \
                 'cli-child', 'read', 'vitals', 'success', 'parent-of-child', '192.0.2.10', \
                 'cli-req-40', '{prev}', '{hash}')",
                forged.at
            ),
            "UPDATE audit_chain_head SET seq = 7".into(),
        ],
    )
    .await;
    let (ok, out) = verify(&dir, &db.url);
    assert!(!ok, "{out}");
    assert!(out.contains("first bad event: 3"), "{out}");
    assert!(out.contains("event 3 was inserted out of order"), "{out}");
    drop_db(db).await;
}

#[tokio::test]
async fn verify_names_the_first_bad_event_on_sqlite() {
    each_tampering_is_named(false).await;
}

#[tokio::test]
async fn verify_names_the_first_bad_event_on_postgres() {
    each_tampering_is_named(true).await;
}

#[test]
fn verify_of_a_database_that_cannot_be_opened_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = sprout(&dir)
        .args(["audit", "verify", "--database-url", "mysql://x/y"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown database URL scheme"));
}
