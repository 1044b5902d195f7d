//! One implementation of Sprout's store traits ([`sprout_store::Store`]) in SQL
//! that both SQLite and PostgreSQL accept, run through sqlx's `Any` driver.
//!
//! Why one crate for two databases: the queries are the product's storage
//! rules (upsert by source id, newest first, append-only audit), and writing them
//! twice is how two backends drift apart. The backend crates
//! (`sprout-store-sqlite`, `sprout-store-postgres`) only open the pool, set
//! per-connection options and run their own embedded migrations through
//! [`migrate::run`]; both then hand back a [`SqlStore`].
//!
//! SQL dialect kept to the common subset: `$1, $2` placeholders (`?` in SQLite
//! for long multi-row statements, see `row::placeholders`),
//! `INSERT ... ON CONFLICT (...) DO UPDATE`, `RETURNING`, `NULLS LAST`; dates and
//! times as ISO 8601 TEXT; integers and 0/1 flags as 64-bit integers; floats as
//! doubles; no BOOLEAN (the `Any` driver decodes it unreliably).

mod accounts;
mod audit;
mod care;
mod enrollment;
mod jobs;
mod messaging;
pub mod migrate;
mod readers;
mod records;
mod results;
mod row;
mod security;
pub mod watch;

use sprout_store::{StoreError, StoreResult};
use sqlx::any::AnyRow;
use sqlx::AnyPool;

pub use migrate::Migration;

/// Which database a URL names. Picked once, from the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs (`sqlite://./data/sprout.db`, `sqlite::memory:`).
    Sqlite,
    /// `postgres:` and `postgresql:` URLs.
    Postgres,
}

impl Backend {
    /// The backend for a database URL, from its scheme (the text before the
    /// first `:`), compared case-insensitively.
    ///
    /// # Errors
    /// [`OpenError::UnknownScheme`] for any scheme but `sqlite`, `postgres` and
    /// `postgresql`, including a URL with no scheme at all.
    pub fn from_url(url: &str) -> Result<Self, OpenError> {
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(OpenError::UnknownScheme(scheme.to_owned())),
        }
    }
}

/// What can go wrong opening a store (connecting and migrating).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL's scheme names no supported database.
    #[error("unknown database URL scheme `{0}`; use sqlite:// or postgres://")]
    UnknownScheme(String),
    /// The URL names a supported database but the rest of it is unusable.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// The database file's folder could not be created.
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Connecting or running a statement failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// An applied migration's text differs from the embedded one: migrations
    /// are forward only and never edited once applied.
    #[error("migration {version} ({name}) was changed after it was applied; add a new migration instead")]
    MigrationChanged {
        /// The migration's number.
        version: i64,
        /// Its name.
        name: String,
    },
    /// The database has a migration this build does not know (a newer Sprout
    /// ran against it).
    #[error("the database has migration {0}, newer than this build knows; upgrade Sprout")]
    MigrationUnknown(i64),
}

/// The store: a connection pool and the backend it talks to. Cheap to clone
/// (the pool is reference-counted).
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// Connections for single-statement reads (see [`readers`]); `None` for
    /// a pool of one connection.
    readers: Option<std::sync::Arc<readers::Readers>>,
    /// Audit events waiting for their group commit (shared by clones).
    audit_queue: std::sync::Arc<audit::AuditQueue>,
    /// PostgreSQL: the URL the access-change listener connects with.
    listen_url: Option<watch::ListenUrl>,
    /// The signals of this process's access watchers (shared by clones),
    /// told of this store's own access writes as soon as they commit.
    watchers: std::sync::Arc<std::sync::Mutex<Vec<std::sync::Weak<sprout_store::AccessSignal>>>>,
}

impl SqlStore {
    /// Wraps a pool that is already connected and migrated.
    pub fn new(pool: AnyPool, backend: Backend) -> Self {
        Self {
            readers: readers::Readers::for_pool(&pool).map(std::sync::Arc::new),
            pool,
            backend,
            audit_queue: Default::default(),
            listen_url: None,
            watchers: Default::default(),
        }
    }

    /// Tells this process's access watchers that one of this store's writes
    /// changed what decides access (called after the commit). The database
    /// triggers tell every watcher too, within its delay; this makes the
    /// change hold for this process's very next request.
    pub(crate) fn access_changed(&self) {
        let watchers = self
            .watchers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for signal in watchers.iter().filter_map(std::sync::Weak::upgrade) {
            signal.changed();
        }
    }

    /// PostgreSQL: the URL the access-change watcher opens its listening
    /// connection with (see [`watch`]); without one a PostgreSQL store never
    /// reports its watcher live, so nothing is cached.
    pub fn with_listen_url(mut self, url: &str) -> Self {
        self.listen_url = Some(watch::ListenUrl(url.into()));
        self
    }

    /// The pool, for backend-specific checks and tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Refreshes the query planner's statistics after a bulk load.
    ///
    /// PostgreSQL: `ANALYZE`. Until autovacuum gets to it, a freshly loaded
    /// database has no statistics, and the planner guessed thousands of rows
    /// per patient and planned parallel scans, whose worker start-up made the
    /// summary's counts take 7 ms instead of under 1 (bench/run at 100,000
    /// patients). SQLite: nothing (its planner needs no statistics for
    /// Sprout's indexed lookups).
    ///
    /// # Errors
    /// The database's.
    pub async fn refresh_statistics(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::raw_sql("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Waits for in-flight queries to finish and closes every connection.
    pub async fn close(&self) {
        if let Some(r) = &self.readers {
            r.close().await;
        }
        self.pool.close().await;
    }

    /// Runs `q`, a statement that only reads, on a reader (see [`readers`]),
    /// else the pool, and returns its rows.
    pub(crate) async fn read_all(&self, q: records::AnyQuery<'_>) -> StoreResult<Vec<AnyRow>> {
        let Some(readers) = &self.readers else {
            return q.fetch_all(&self.pool).await.map_err(map_err);
        };
        let mut r = readers.get().await.map_err(map_err)?;
        let rows = q.fetch_all(r.conn()).await.map_err(map_err)?;
        r.finished();
        Ok(rows)
    }

    /// [`Self::read_all`] for a statement of at most one row.
    pub(crate) async fn read_optional(
        &self,
        q: records::AnyQuery<'_>,
    ) -> StoreResult<Option<AnyRow>> {
        let Some(readers) = &self.readers else {
            return q.fetch_optional(&self.pool).await.map_err(map_err);
        };
        let mut r = readers.get().await.map_err(map_err)?;
        let row = q.fetch_optional(r.conn()).await.map_err(map_err)?;
        r.finished();
        Ok(row)
    }

    /// [`Self::read_all`] for a statement of exactly one row.
    pub(crate) async fn read_one(&self, q: records::AnyQuery<'_>) -> StoreResult<AnyRow> {
        self.read_optional(q)
            .await?
            .ok_or_else(|| map_err(sqlx::Error::RowNotFound))
    }
}

/// Installs sqlx's `Any` drivers (SQLite and PostgreSQL). Idempotent; the
/// backend crates call it before connecting.
pub fn install_drivers() {
    sqlx::any::install_default_drivers();
}

/// Runs a built statement that only reads on one of the store's readers
/// ([`SqlStore::read_all`] and friends), written where the statement is
/// built: `sqlx::query(..).bind(..).read_all(self).await`.
pub(crate) trait Read<'q>: Sized {
    /// Every row ([`SqlStore::read_all`]).
    fn read_all<'a>(
        self,
        store: &'a SqlStore,
    ) -> impl std::future::Future<Output = StoreResult<Vec<AnyRow>>> + Send + 'a
    where
        'q: 'a;
    /// The row, if any ([`SqlStore::read_optional`]).
    fn read_optional<'a>(
        self,
        store: &'a SqlStore,
    ) -> impl std::future::Future<Output = StoreResult<Option<AnyRow>>> + Send + 'a
    where
        'q: 'a;
    /// The one row; [`StoreError::NotFound`] when none ([`SqlStore::read_one`]).
    fn read_one<'a>(
        self,
        store: &'a SqlStore,
    ) -> impl std::future::Future<Output = StoreResult<AnyRow>> + Send + 'a
    where
        'q: 'a;
}

impl<'q> Read<'q> for records::AnyQuery<'q> {
    fn read_all<'a>(
        self,
        store: &'a SqlStore,
    ) -> impl std::future::Future<Output = StoreResult<Vec<AnyRow>>> + Send + 'a
    where
        'q: 'a,
    {
        store.read_all(self)
    }
    fn read_optional<'a>(
        self,
        store: &'a SqlStore,
    ) -> impl std::future::Future<Output = StoreResult<Option<AnyRow>>> + Send + 'a
    where
        'q: 'a,
    {
        store.read_optional(self)
    }
    fn read_one<'a>(
        self,
        store: &'a SqlStore,
    ) -> impl std::future::Future<Output = StoreResult<AnyRow>> + Send + 'a
    where
        'q: 'a,
    {
        store.read_one(self)
    }
}

/// Maps a sqlx error to the store's: a unique violation is
/// [`StoreError::Conflict`], a foreign-key violation or a missing row is
/// [`StoreError::NotFound`], anything else [`StoreError::Database`] (its text
/// names the constraint or the failure, never a bound value).
pub fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) => match db.kind() {
            sqlx::error::ErrorKind::UniqueViolation => {
                StoreError::Conflict(db.message().to_owned())
            }
            sqlx::error::ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ => StoreError::Database(e.to_string()),
        },
        _ => StoreError::Database(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_pick_the_backend() {
        assert_eq!(
            Backend::from_url("sqlite://./data/sprout.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("sqlite::memory:").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("PostgreSQL://u@h/db").unwrap(),
            Backend::Postgres
        );
    }

    #[test]
    fn unknown_scheme_is_named_in_the_error() {
        let err = Backend::from_url("mysql://root@localhost/sprout").unwrap_err();
        assert!(matches!(&err, OpenError::UnknownScheme(s) if s == "mysql"));
        assert_eq!(
            err.to_string(),
            "unknown database URL scheme `mysql`; use sqlite:// or postgres://"
        );
        let err = Backend::from_url("./data/sprout.db").unwrap_err();
        assert!(matches!(err, OpenError::UnknownScheme(s) if s.is_empty()));
    }
}
