//! Forward-only schema migrations, embedded in each backend crate and recorded
//! in a `schema_migrations` table.
//!
//! Each backend keeps its own folder of numbered `.sql` files (the dialects
//! differ in types and indexes) and passes them here in order. A migration runs
//! once, in its own transaction, and its SHA-256 is stored: a later build whose
//! text for an applied number differs refuses to start, because an applied
//! migration is never edited (add a new one instead).

use crate::{Backend, OpenError};
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use sqlx::{Acquire, Executor, Row};
use std::future::Future;
use tracing::Instrument;

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its number; migrations run in increasing order, each once.
    pub version: i64,
    /// A short name (the file name without number and extension).
    pub name: &'static str,
    /// The SQL, one or more statements separated by `;`.
    pub sql: &'static str,
}

/// PostgreSQL advisory lock key held while migrating, so that several app
/// nodes starting at once migrate one after the other ("sprout" in ASCII).
const PG_LOCK_KEY: i64 = 0x7370_726f_7574;

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Applies the migrations not yet recorded, in order; returns how many ran.
/// Running it again on a migrated database is a no-op.
///
/// # Errors
/// [`OpenError::MigrationChanged`] when an applied migration's text differs from
/// the embedded one, [`OpenError::MigrationUnknown`] when the database has a
/// migration this build lacks, [`OpenError::Database`] when a statement fails
/// (the failing migration is rolled back).
///
/// The future is `Send` (declared, so that callers may spawn it).
pub fn run<'a>(
    pool: &'a AnyPool,
    backend: Backend,
    migrations: &'a [Migration],
) -> impl Future<Output = Result<usize, OpenError>> + Send + 'a {
    run_inner(pool, backend, migrations)
        .instrument(tracing::info_span!("migrate", backend = ?backend))
}

async fn run_inner(
    pool: &AnyPool,
    backend: Backend,
    migrations: &[Migration],
) -> Result<usize, OpenError> {
    let mut conn = pool.acquire().await?;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(PG_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    let result = apply(&mut conn, migrations).await;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(PG_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply(
    conn: &mut sqlx::pool::PoolConnection<sqlx::Any>,
    migrations: &[Migration],
) -> Result<usize, OpenError> {
    (&mut **conn)
        .execute(sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
        ))
        .await?;

    let applied: Vec<(i64, String)> =
        sqlx::query("SELECT version, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;

    for (version, sum) in &applied {
        match migrations.iter().find(|m| m.version == *version) {
            None => return Err(OpenError::MigrationUnknown(*version)),
            Some(m) if checksum(m.sql) != *sum => {
                return Err(OpenError::MigrationChanged {
                    version: m.version,
                    name: m.name.to_owned(),
                })
            }
            Some(_) => {}
        }
    }

    let mut ran = 0;
    let mut ordered: Vec<&Migration> = migrations.iter().collect();
    ordered.sort_by_key(|m| m.version);
    for m in ordered {
        if applied.iter().any(|(v, _)| *v == m.version) {
            continue;
        }
        let mut tx = conn.begin().await?;
        (&mut *tx).execute(sqlx::raw_sql(m.sql)).await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(checksum(m.sql))
        .bind(jiff::Timestamp::now().to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        ran += 1;
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use super::checksum;

    #[test]
    fn checksum_is_sha256_hex() {
        assert_eq!(
            checksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
