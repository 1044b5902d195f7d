//! Test support shared by every crate whose tests need a PostgreSQL store: a
//! fresh database `sprout_test_<random>` created through
//! `SPROUT_TEST_POSTGRES_URL`, migrated, handed to the test, and dropped
//! afterwards. Without that variable the tests say so and return, except under
//! CI (`CI=true`), where a missing database is a failure.

use crate::open;
use sprout_store_sql::SqlStore;
use sqlx::Connection;
use std::future::Future;
use std::io::Write;

/// The admin URL, or `None` (after saying why) when PostgreSQL tests cannot run.
///
/// # Panics
/// Under CI (`CI=true`) when the variable is missing.
pub fn admin_url() -> Option<String> {
    match std::env::var("SPROUT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("SPROUT_TEST_POSTGRES_URL must be set under CI");
            }
            // Straight to stderr: libtest's capture would hide an `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "SPROUT_TEST_POSTGRES_URL is not set: PostgreSQL store tests not running"
            );
            None
        }
    }
}

/// A database name nobody else uses: process id, time and a counter.
fn fresh_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("test database")
        .subsec_nanos();
    format!(
        "sprout_test_{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Creates a fresh database, opens the store on it, runs `test`, closes the
/// store and drops the database, then re-raises any panic of `test`.
pub async fn with_fresh_db<F, Fut>(test: F)
where
    F: FnOnce(SqlStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin) = admin_url() else { return };
    sprout_store_sql::install_drivers();
    let name = fresh_name();
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("test database");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("test database");
    let mut url = url::Url::parse(&admin).expect("test database");
    url.set_path(&format!("/{name}"));

    // A panic of `test` (or a failure to open) is carried past the drop.
    let outcome: Result<(), Box<dyn std::any::Any + Send>> = match open(url.as_str()).await {
        Ok(store) => {
            let pool = store.pool().clone();
            let outcome = tokio::spawn(test(store)).await;
            pool.close().await;
            outcome.map_err(|e| e.into_panic())
        }
        Err(e) => Err(Box::new(format!("cannot open the test database: {e}"))),
    };
    sqlx::raw_sql(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("test database");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
