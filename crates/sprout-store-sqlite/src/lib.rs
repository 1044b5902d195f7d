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
    Migration {
        version: 10,
        name: "access_epoch",
        sql: include_str!("../migrations/0010_access_epoch.sql"),
    },
];

/// Statements run on every new connection, before it is used.
///
/// `cache_size`: up to 16 MiB of pages per connection (SQLite's default is
/// 2 MiB). Every connection serves every session, so each one's cache must
/// hold the pages of the busy families' rows; at 100,000 patients those no
/// longer fit in 2 MiB and each lookup went back to the file (pread was
/// 7% of the family home's time and B-tree descents 13%, perf under
/// bench/run). The cache fills only with pages read, and bench/run reports
/// the server's peak memory.
pub const CONNECTION_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000; \
     PRAGMA cache_size = -16384;";

/// Statements run on the connection of a bulk load ([`open_for_bulk_load`]):
/// as [`CONNECTION_PRAGMAS`], but commits do not wait for the disk
/// (`synchronous=OFF`: a crash mid-load can lose or corrupt the load, which
/// is then run again on a fresh file) and the page cache is 64 MiB instead of
/// SQLite's 2 MiB, so the indexes' right edges stay in memory.
pub const BULK_LOAD_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = OFF; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000; \
     PRAGMA cache_size = -65536;";

/// Connections kept for a file database (one writer at a time; readers in
/// parallel thanks to WAL). Each is a thread of sqlx's, so on a small
/// server more connections mostly add thread switches and page caches: 4
/// served bench/run's 32 sessions at 100,000 patients as fast as 8 (mix p99
/// 49.5 vs 49.9 ms) with 110 MB peak memory instead of 160 MB. The store
/// takes its page-read connections out of this pool (as many again, see
/// `sprout_store_sql`'s readers); the pool's own then serve writes.
const MAX_CONNECTIONS: u32 = 4;

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
    open_with(url, CONNECTION_PRAGMAS, MAX_CONNECTIONS).await
}

/// Opens and migrates the SQLite database at `url` (as [`open`]) for a bulk
/// load such as `sprout demo` seeding a large practice: one connection, with
/// [`BULK_LOAD_PRAGMAS`]. Not for serving: a committed write may be lost on
/// power failure. Close it, then [`open`] the file again to serve it.
///
/// # Errors
/// As [`open`].
#[tracing::instrument(skip_all)]
pub async fn open_for_bulk_load(url: &str) -> Result<SqlStore, OpenError> {
    open_with(url, BULK_LOAD_PRAGMAS, 1).await
}

/// The file path and query string of a `sqlite:` URL.
fn path_and_query(url: &str) -> (&str, &str) {
    let rest = url.get("sqlite:".len()..).unwrap_or("");
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    rest.split_once('?').unwrap_or((rest, ""))
}

/// Whether a `sqlite:` URL names a private in-memory database
/// (`sqlite::memory:`, `sqlite:`), which lives only as long as its
/// connection.
pub fn is_in_memory(url: &str) -> bool {
    let (path, _) = path_and_query(url);
    path.is_empty() || path == ":memory:"
}

async fn open_with(
    url: &str,
    pragmas: &'static str,
    max_connections: u32,
) -> Result<SqlStore, OpenError> {
    if Backend::from_url(url)? != Backend::Sqlite {
        return Err(OpenError::InvalidUrl(
            "expected a sqlite: URL for the SQLite store".into(),
        ));
    }
    let (path, query) = path_and_query(url);
    let in_memory = is_in_memory(url);

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
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(pragmas)).await?;
                Ok(())
            })
        })
        .acquire_timeout(Duration::from_secs(30))
        // A connection to a local file cannot drop the way a network one can,
        // and sqlx's ping before every acquire is a round trip to the
        // connection's worker thread: a thread switch each way, per query
        // (profiled under bench/run: thread switches were most of a page's CPU).
        .test_before_acquire(false);
    options = if in_memory {
        // Each connection to `:memory:` would be a database of its own: keep one,
        // forever.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        options.max_connections(max_connections)
    };
    let pool = options.connect(&url).await?;
    let applied = migrate::run(&pool, Backend::Sqlite, MIGRATIONS).await?;
    tracing::info!(applied, "SQLite store open");
    Ok(SqlStore::new(pool, Backend::Sqlite))
}
