//! The store contract and PostgreSQL's own promises, each on a fresh database
//! `sprout_test_<random>` created through `SPROUT_TEST_POSTGRES_URL` and dropped
//! afterwards.
//!
//! Without that variable these tests say so and return, except under CI
//! (`CI=true`), where a missing database is a failure.

use sprout_store::Store;
use sprout_store_postgres::{open, MIGRATIONS};
use sprout_store_sql::{migrate, Backend, OpenError};
use sqlx::Row;
use std::sync::Arc;

use sprout_store_postgres::testing::with_fresh_db;

#[tokio::test]
async fn contract_suite_passes() {
    with_fresh_db(|store| async move {
        let store: Arc<dyn Store> = Arc::new(store);
        sprout_store::contract::run_all(store).await;
    })
    .await;
}

#[tokio::test]
async fn outbox_notices_and_leases_contract() {
    with_fresh_db(|store| async move {
        sprout_store::contract::outbox_notices_leases(&store).await;
    })
    .await;
}

#[tokio::test]
async fn enrollment_contract() {
    with_fresh_db(|store| async move {
        sprout_store::contract_enrollment::enrollment(&store).await;
    })
    .await;
}

#[tokio::test]
async fn opening_twice_runs_no_migration() {
    with_fresh_db(|store| async move {
        assert_eq!(
            migrate::run(store.pool(), Backend::Postgres, MIGRATIONS)
                .await
                .unwrap(),
            0
        );
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM schema_migrations")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, MIGRATIONS.len() as i64);
    })
    .await;
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    with_fresh_db(|store| async move {
        sqlx::query(
            "INSERT INTO audit_events (at, actor_role, action, object_type, outcome) \
             VALUES ('2024-01-01T00:00:00Z', 'anonymous', 'login', 'session', 'failure')",
        )
        .execute(store.pool())
        .await
        .unwrap();
        for sql in [
            "UPDATE audit_events SET outcome = 'success'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ] {
            let err = sqlx::query(sql).execute(store.pool()).await.unwrap_err();
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
    })
    .await;
}

#[tokio::test]
async fn other_urls_are_refused() {
    let err = open("mysql://root@localhost/sprout").await.unwrap_err();
    assert!(matches!(&err, OpenError::UnknownScheme(s) if s == "mysql"));
    let err = open("sqlite://./data/sprout.db").await.unwrap_err();
    assert!(matches!(err, OpenError::InvalidUrl(_)), "{err}");
}

#[tokio::test]
async fn audit_chain_contract() {
    with_fresh_db(|store| async move {
        sprout_store::contract::audit_chain(&store).await;
    })
    .await;
}

#[tokio::test]
async fn audit_report_contract() {
    with_fresh_db(|store| async move {
        sprout_store::contract::run_all(Arc::new(store.clone())).await;
        sprout_store::contract::audit_report(&store).await;
        let report = sprout_store::audit::verify(&store).await.unwrap();
        assert!(report.is_intact(), "{:?}", report.fault);
    })
    .await;
}

#[tokio::test]
async fn audit_tampering_is_found() {
    with_fresh_db(|store| async move {
        let pool = store.pool().clone();
        sprout_store::contract::audit_tampering_is_found(
            &store,
            "DROP TRIGGER audit_events_no_change ON audit_events",
            |sql| {
                let pool = pool.clone();
                async move {
                    sqlx::query(&sql).execute(&pool).await.unwrap();
                }
            },
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn audit_chain_head_only_moves_forward() {
    with_fresh_db(|store| async move {
        sqlx::query("UPDATE audit_chain_head SET seq = seq + 1")
            .execute(store.pool())
            .await
            .unwrap();
        for sql in [
            "UPDATE audit_chain_head SET seq = seq - 1",
            "UPDATE audit_chain_head SET chain_start = 5",
            "DELETE FROM audit_chain_head",
            "TRUNCATE audit_chain_head",
        ] {
            let err = sqlx::query(sql).execute(store.pool()).await.unwrap_err();
            assert!(
                err.to_string().contains("only moves forward"),
                "{sql}: {err}"
            );
        }
    })
    .await;
}

/// Appenders on separate pools (as separate app nodes would be) share one
/// chain without forks.
#[tokio::test]
async fn audit_appends_from_two_nodes_make_one_chain() {
    with_fresh_db(|store| async move {
        let url = store.pool().connect_options().database_url.clone();
        let other = open(url.as_str()).await.unwrap();
        let a: std::sync::Arc<dyn sprout_store::Store> = std::sync::Arc::new(store.clone());
        let b: std::sync::Arc<dyn sprout_store::Store> = std::sync::Arc::new(other.clone());
        let nodes = vec![a.clone(), b.clone(), a, b];
        sprout_store::contract::concurrent_appends_make_one_chain(&nodes, 25).await;
        other.close().await;
    })
    .await;
}

#[tokio::test]
async fn account_security_contract() {
    with_fresh_db(|store| async move {
        sprout_store::security_contract::account_security(&store).await;
    })
    .await;
}

/// The access watcher sees changes made through its own store and through
/// another node's (notifications delivered at commit).
#[tokio::test]
async fn access_changes_are_signalled_across_nodes() {
    with_fresh_db(|store| async move {
        sprout_store::contract::access_changes_are_signalled(&store, &store).await;
    })
    .await;
    with_fresh_db(|store| async move {
        let url = store.pool().connect_options().database_url.clone();
        let other = open(url.as_str()).await.unwrap();
        sprout_store::contract::access_changes_are_signalled(&other, &store).await;
        other.close().await;
    })
    .await;
}
