//! The store contract and SQLite's own promises (pragmas, migrations, an
//! append-only audit table), each on a fresh database file.

use sprout_store::Store;
use sprout_store_sql::{migrate, Backend, Migration, OpenError};
use sprout_store_sqlite::{open, MIGRATIONS};
use sqlx::Row;
use std::sync::Arc;
use tempfile::TempDir;

fn db_url(dir: &TempDir) -> String {
    format!("sqlite://{}/nested/folder/sprout.db", dir.path().display())
}

#[tokio::test]
async fn contract_suite_passes() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    assert!(dir.path().join("nested/folder/sprout.db").is_file());
    let store: Arc<dyn Store> = Arc::new(store);
    sprout_store::contract::run_all(store).await;
}

#[tokio::test]
async fn every_connection_has_the_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    // Hold several connections at once so the pool must open new ones.
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(store.pool().acquire().await.unwrap());
    }
    for conn in &mut conns {
        let mode: String = sqlx::query("SELECT journal_mode FROM pragma_journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(mode, "wal");
        let sync: i64 = sqlx::query("SELECT synchronous FROM pragma_synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(sync, 2, "synchronous=FULL");
        let fk: i64 = sqlx::query("SELECT foreign_keys FROM pragma_foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(fk, 1);
        let busy: i64 = sqlx::query("SELECT timeout FROM pragma_busy_timeout")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(busy, 5000);
    }
}

#[tokio::test]
async fn opening_twice_runs_no_migration_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(&dir);
    let first = open(&url).await.unwrap();
    sqlx::query("INSERT INTO accounts (id, email, display_name, password_hash, status) VALUES ('a', 'a@x', 'A', 'h', 'active')")
        .execute(first.pool())
        .await
        .unwrap();
    first.close().await;

    let second = open(&url).await.unwrap();
    assert_eq!(
        migrate::run(second.pool(), Backend::Sqlite, MIGRATIONS)
            .await
            .unwrap(),
        0
    );
    let rows = sqlx::query("SELECT version, name FROM schema_migrations ORDER BY version")
        .fetch_all(second.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), MIGRATIONS.len());
    assert_eq!(rows[0].get::<i64, _>(0), 1);
    assert_eq!(rows[0].get::<String, _>(1), "initial");
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM accounts")
        .fetch_one(second.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[tokio::test]
async fn an_edited_or_unknown_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    let edited = [Migration {
        version: 1,
        name: "initial",
        sql: "CREATE TABLE something_else (x INTEGER);",
    }];
    let err = migrate::run(store.pool(), Backend::Sqlite, &edited)
        .await
        .unwrap_err();
    assert!(
        matches!(err, OpenError::MigrationChanged { version: 1, .. }),
        "{err}"
    );

    // One migration past the last this build has.
    let next = MIGRATIONS.iter().map(|m| m.version).max().unwrap() + 1;
    let mut newer = MIGRATIONS.to_vec();
    newer.push(Migration {
        version: next,
        name: "extra",
        sql: "CREATE TABLE extra (x INTEGER);",
    });
    assert_eq!(
        migrate::run(store.pool(), Backend::Sqlite, &newer)
            .await
            .unwrap(),
        1
    );
    // The build that lacks that migration must not run against this database.
    let err = migrate::run(store.pool(), Backend::Sqlite, MIGRATIONS)
        .await
        .unwrap_err();
    assert!(
        matches!(err, OpenError::MigrationUnknown(v) if v == next),
        "{err}"
    );
}

#[tokio::test]
async fn a_failing_migration_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    let mut broken = MIGRATIONS.to_vec();
    broken.push(Migration {
        version: MIGRATIONS.iter().map(|m| m.version).max().unwrap() + 1,
        name: "broken",
        sql: "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);",
    });
    migrate::run(store.pool(), Backend::Sqlite, &broken)
        .await
        .unwrap_err();
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "the failed migration was rolled back");
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, MIGRATIONS.len() as i64);
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    sqlx::query(
        "INSERT INTO audit_events (at, actor_role, action, object_type, outcome) \
         VALUES ('2024-01-01T00:00:00Z', 'anonymous', 'login', 'session', 'failure')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = sqlx::query("UPDATE audit_events SET outcome = 'success'")
        .execute(store.pool())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = sqlx::query("DELETE FROM audit_events")
        .execute(store.pool())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[tokio::test]
async fn other_urls_are_refused() {
    let err = open("mysql://root@localhost/sprout").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown database URL scheme `mysql`; use sqlite:// or postgres://"
    );
    let err = open("postgres://postgres@127.0.0.1/sprout")
        .await
        .unwrap_err();
    assert!(matches!(err, OpenError::InvalidUrl(_)), "{err}");
}

#[tokio::test]
async fn in_memory_database_works() {
    let store = open("sqlite::memory:").await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    sprout_store::contract::records_round_trip(store.as_ref()).await;
}

#[tokio::test]
async fn outbox_notices_and_leases_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    sprout_store::contract::outbox_notices_leases(&store).await;
}

#[tokio::test]
async fn enrollment_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    sprout_store::contract_enrollment::enrollment(&store).await;
}

#[tokio::test]
async fn audit_chain_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    sprout_store::contract::audit_chain(&store).await;
}

#[tokio::test]
async fn audit_report_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    // The chain stays intact through everything else the contract does.
    sprout_store::contract::run_all(Arc::new(store.clone())).await;
    sprout_store::contract::audit_report(&store).await;
    let report = sprout_store::audit::verify(&store).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.fault);
}

#[tokio::test]
async fn audit_tampering_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    let pool = store.pool().clone();
    sprout_store::contract::audit_tampering_is_found(
        &store,
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete",
        |sql| {
            let pool = pool.clone();
            async move {
                sqlx::query(&sql).execute(&pool).await.unwrap();
            }
        },
    )
    .await;
}

#[tokio::test]
async fn audit_chain_head_only_moves_forward() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    sqlx::query("UPDATE audit_chain_head SET seq = seq + 1")
        .execute(store.pool())
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_chain_head SET seq = seq - 1",
        "UPDATE audit_chain_head SET chain_start = 5",
        "DELETE FROM audit_chain_head",
    ] {
        let err = sqlx::query(sql).execute(store.pool()).await.unwrap_err();
        assert!(
            err.to_string().contains("only moves forward"),
            "{sql}: {err}"
        );
    }
}

/// Events stored before migration 4 stay where they are, count as unchained,
/// and the chain starts after them.
#[tokio::test]
async fn events_from_before_the_chain_are_kept_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(&dir);
    sprout_store_sql::install_drivers();
    {
        let store = open(&url).await.unwrap();
        store.close().await;
    }
    // Rebuild a version-3 database by hand: migrations 1 to 3 only.
    std::fs::remove_dir_all(dir.path().join("nested")).unwrap();
    std::fs::create_dir_all(dir.path().join("nested/folder")).unwrap();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{url}?mode=rwc"))
        .await
        .unwrap();
    migrate::run(&pool, Backend::Sqlite, &MIGRATIONS[..3])
        .await
        .unwrap();
    for i in 0..3 {
        sqlx::query(
            "INSERT INTO audit_events (at, actor_role, action, object_type, outcome) \
             VALUES ($1, 'anonymous', 'login', 'session', 'failure')",
        )
        .bind(format!("2024-01-01T00:00:0{i}Z"))
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let store = open(&url).await.unwrap();
    let head = sprout_store::AuditStore::audit_chain_head(&store)
        .await
        .unwrap();
    assert_eq!((head.seq, head.chain_start), (3, 3));
    sprout_store::contract::audit_chain(&store).await;
    let report = sprout_store::audit::verify(&store).await.unwrap();
    assert!(report.is_intact());
    assert_eq!(report.unchained, 3);
    assert_eq!(report.checked, 1145);
}

#[tokio::test]
async fn account_security_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&db_url(&dir)).await.unwrap();
    sprout_store::security_contract::account_security(&store).await;
}

/// Audit appends from many tasks at once are group-committed: every caller's
/// event is stored once, in one unbroken chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_audit_appends_all_land_in_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let store: std::sync::Arc<dyn sprout_store::Store> =
        std::sync::Arc::new(open(&db_url(&dir)).await.unwrap());
    let nodes = vec![store; 16];
    sprout_store::contract::concurrent_appends_make_one_chain(&nodes, 8).await;
}

/// A bulk-load store (sprout demo's seeding) does not wait for the disk and
/// has a larger page cache, on one connection; the ordinary store keeps
/// synchronous=FULL on the same file afterwards.
#[tokio::test]
async fn bulk_load_store_has_its_own_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(&dir);
    let bulk = sprout_store_sqlite::open_for_bulk_load(&url).await.unwrap();
    let mut conn = bulk.pool().acquire().await.unwrap();
    let sync: i64 = sqlx::query("SELECT synchronous FROM pragma_synchronous")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get(0);
    let cache: i64 = sqlx::query("SELECT cache_size FROM pragma_cache_size")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!((sync, cache), (0, -65536));
    drop(conn);
    bulk.close().await;
    let store = open(&url).await.unwrap();
    let sync: i64 = sqlx::query("SELECT synchronous FROM pragma_synchronous")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(sync, 2);
    assert!(!sprout_store_sqlite::is_in_memory(&url));
    assert!(sprout_store_sqlite::is_in_memory("sqlite::memory:"));
}

/// The access watcher sees changes made through the same store and through
/// another store on the same file (another process, such as `sprout
/// import`, writing while the server runs).
#[tokio::test]
async fn access_changes_are_signalled_from_this_and_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(&dir);
    let server = open(&url).await.unwrap();
    sprout_store::contract::access_changes_are_signalled(&server, &server).await;
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(&dir);
    let server = open(&url).await.unwrap();
    let import = open(&url).await.unwrap();
    sprout_store::contract::access_changes_are_signalled(&import, &server).await;
}
