//! Sprout's default, embedded store: a SQLite file.
//!
//! This crate only opens the database and migrates it; the queries live in
//! `sprout-store-sql` and are shared with PostgreSQL. Every connection runs in
//! WAL mode (readers do not block the writer) with `synchronous=FULL` (a
//! committed write survives power loss: this is a medical record),
//! `foreign_keys=ON` (SQLite's default is off) and a 5-second busy timeout
//! (writers queue instead of failing at once). DESIGN.md, "Architecture".

use sprout_store_sql::{migrate, Backend, Migration, OpenError, SqlStore};
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::path::Path;
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
];

/// Statements run on every new connection, before it is used.
pub const CONNECTION_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000;";

/// Connections kept for a file database (one writer at a time; readers in
/// parallel thanks to WAL).
const MAX_CONNECTIONS: u32 = 8;

/// Opens (creating if missing) and migrates the SQLite database at `url`.
///
/// Accepted URLs: `sqlite://./data/sprout.db` (relative path),
/// `sqlite:///var/lib/sprout/sprout.db` (absolute), `sqlite:data.db`, and
/// `sqlite::memory:` (a private in-memory database on a single connection, for
/// experiments). The file's folder is created when missing, and the file too
/// unless the URL sets `mode=` itself. Opening an already migrated database
/// runs no migration.
///
/// # Errors
/// [`OpenError::UnknownScheme`] or [`OpenError::InvalidUrl`] for a URL that is
/// not `sqlite:`; [`OpenError::CreateDir`] when the folder cannot be created;
/// [`OpenError::Database`] when the file cannot be opened or a pragma fails;
/// the migration errors of [`migrate::run`].
#[tracing::instrument(skip_all)]
pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
    if Backend::from_url(url)? != Backend::Sqlite {
        return Err(OpenError::InvalidUrl(
            "expected a sqlite: URL for the SQLite store".into(),
        ));
    }
    let rest = &url["sqlite:".len()..];
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = path.is_empty() || path == ":memory:";

    sprout_store_sql::install_drivers();
    let url = if in_memory {
        url.to_owned()
    } else {
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|source| OpenError::CreateDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let has_mode = query.split('&').any(|kv| kv.starts_with("mode="));
        match (has_mode, query.is_empty()) {
            (true, _) => url.to_owned(),
            (false, true) => format!("{url}?mode=rwc"),
            (false, false) => format!("{url}&mode=rwc"),
        }
    };

    let mut options = AnyPoolOptions::new()
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(CONNECTION_PRAGMAS)).await?;
                Ok(())
            })
        })
        .acquire_timeout(Duration::from_secs(30));
    options = if in_memory {
        // Each connection to `:memory:` would be a database of its own: keep one,
        // forever.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        options.max_connections(MAX_CONNECTIONS)
    };
    let pool = options.connect(&url).await?;
    let applied = migrate::run(&pool, Backend::Sqlite, MIGRATIONS).await?;
    tracing::info!(applied, "SQLite store open");
    Ok(SqlStore::new(pool, Backend::Sqlite))
}
