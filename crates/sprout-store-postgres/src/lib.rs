//! Sprout's store on PostgreSQL, for a practice or health system that outgrows
//! one machine (several stateless app nodes share one database).
//!
//! This crate only connects and migrates; the queries live in
//! `sprout-store-sql` and are shared with SQLite. Migrations take a PostgreSQL
//! advisory lock, so nodes starting together migrate one after the other.

use sprout_store_sql::{migrate, Backend, Migration, OpenError, SqlStore};
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::time::Duration;

/// The embedded migrations, in order (folder `migrations/` of this crate).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "proxy_evidence_expiry",
        sql: include_str!("../migrations/0002_proxy_evidence_expiry.sql"),
    },
    Migration {
        version: 3,
        name: "outbox_notices_leases",
        sql: include_str!("../migrations/0003_outbox_notices_leases.sql"),
    },
    Migration {
        version: 4,
        name: "audit_chain",
        sql: include_str!("../migrations/0004_audit_chain.sql"),
    },
    Migration {
        version: 5,
        name: "account_security",
        sql: include_str!("../migrations/0005_account_security.sql"),
    },
    Migration {
        version: 6,
        name: "enrollment",
        sql: include_str!("../migrations/0006_enrollment.sql"),
    },
    Migration {
        version: 7,
        name: "messaging",
        sql: include_str!("../migrations/0007_messaging.sql"),
    },
    Migration {
        version: 8,
        name: "refills_appointments",
        sql: include_str!("../migrations/0008_refills_appointments.sql"),
    },
    Migration {
        version: 9,
        name: "results_release",
        sql: include_str!("../migrations/0009_results_release.sql"),
    },
    Migration {
        version: 10,
        name: "access_changes",
        sql: include_str!("../migrations/0010_access_changes.sql"),
    },
];

/// How long opening waits for the server to answer before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Pool connections per app node: four per core of the node, 4 to 32. A
/// request holds a connection only while its statements run, and more
/// connections than the cores can serve only queue inside PostgreSQL: on 2
/// cores (bench/run, 1,000 patients, mix of family pages) 8 connections
/// served 1,480 req/s with p99 47 ms where 16 served 1,323 with p99 51 ms.
/// The store keeps as many again for page reads (`sprout_store_sql`'s
/// readers), so a node opens up to twice this many, plus the access
/// listener's.
fn max_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    u32::try_from(cores * 4).unwrap_or(32).clamp(4, 32)
}

/// Connects to the PostgreSQL database at `url`
/// (`postgres://user:password@host:5432/sprout`, `postgresql://...`; TLS
/// settings such as `sslmode=require` go in the query string) and migrates it.
/// The database itself must exist. Opening an already migrated database runs
/// no migration.
///
/// # Errors
/// [`OpenError::UnknownScheme`] or [`OpenError::InvalidUrl`] for a URL that is
/// not `postgres:`; [`OpenError::Database`] when the server cannot be reached
/// or refuses the login; the migration errors of [`migrate::run`].
#[tracing::instrument(skip_all)]
pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
    open_with(url, None).await
}

/// What each connection of a bulk load runs first: commits return before
/// their WAL record is flushed (a crash may lose the last commits, never
/// corrupt the database; the load is then run again).
pub const BULK_LOAD_SETTINGS: &str = "SET synchronous_commit = off";

/// Connects and migrates (as [`open`]) for a bulk load such as `sprout
/// demo` seeding a large practice: every connection runs
/// [`BULK_LOAD_SETTINGS`]. Not for serving; close it and [`open`] again.
///
/// # Errors
/// As [`open`].
#[tracing::instrument(skip_all)]
pub async fn open_for_bulk_load(url: &str) -> Result<SqlStore, OpenError> {
    open_with(url, Some(BULK_LOAD_SETTINGS)).await
}

async fn open_with(url: &str, settings: Option<&'static str>) -> Result<SqlStore, OpenError> {
    if Backend::from_url(url)? != Backend::Postgres {
        return Err(OpenError::InvalidUrl(
            "expected a postgres:// URL for the PostgreSQL store".into(),
        ));
    }
    sprout_store_sql::install_drivers();
    // One direct connection first: a server that refuses or does not exist
    // is reported at once (the pool would retry until its acquire timeout),
    // and one that does not answer within CONNECT_TIMEOUT is reported then.
    {
        use sqlx::Connection;
        match tokio::time::timeout(CONNECT_TIMEOUT, sqlx::AnyConnection::connect(url)).await {
            Ok(conn) => {
                let _ = conn?.close().await;
            }
            Err(_) => {
                return Err(OpenError::Database(sqlx::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "the PostgreSQL server did not answer within {} s",
                        CONNECT_TIMEOUT.as_secs()
                    ),
                ))))
            }
        }
    }
    let mut options = AnyPoolOptions::new();
    if let Some(settings) = settings {
        options = options.after_connect(move |conn, _meta| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(settings)).await?;
                Ok(())
            })
        });
    }
    let pool = options
        .max_connections(max_connections())
        .acquire_timeout(Duration::from_secs(30))
        .connect(url)
        .await?;
    let applied = migrate::run(&pool, Backend::Postgres, MIGRATIONS).await?;
    tracing::info!(applied, "PostgreSQL store open");
    Ok(SqlStore::new(pool, Backend::Postgres).with_listen_url(url))
}

pub mod testing;
