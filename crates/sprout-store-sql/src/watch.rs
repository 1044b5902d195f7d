//! Watching the database for access changes (see
//! [`sprout_store::access_signal`]; the triggers are each backend's
//! migration 10).

use crate::{Backend, SqlStore};
use sprout_store::AccessSignal;
use std::sync::Arc;
use std::time::Duration;

/// How often a SQLite node reads the access counter. A change committed by
/// this node's own forms is seen at once (the web layer signals it after
/// the request); one committed by another process (an import, a scheduled
/// job) within this time.
pub const SQLITE_POLL: Duration = Duration::from_millis(50);

/// How long to wait before trying again after a failure.
const RETRY: Duration = Duration::from_secs(1);

/// PostgreSQL channel the migration's triggers notify.
const CHANNEL: &str = "sprout_access";

/// A PostgreSQL node checks its listening connection this often, by sending
/// itself a notification: a connection that died without a word would
/// otherwise miss changes unnoticed.
const PG_CHECK_EVERY: Duration = Duration::from_secs(5);

/// How long the node waits for its own check to come back before it takes
/// the connection for lost.
const PG_CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The database URL the PostgreSQL watcher opens its own listening
/// connection with; never printed (it may hold a password).
#[derive(Clone)]
pub(crate) struct ListenUrl(pub(crate) Arc<str>);

impl std::fmt::Debug for ListenUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListenUrl(..)")
    }
}

pub(crate) async fn watch(store: &SqlStore, signal: Arc<AccessSignal>) {
    {
        let mut watchers = store
            .watchers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        watchers.retain(|w| w.strong_count() > 0);
        watchers.push(Arc::downgrade(&signal));
    }
    match (store.backend, &store.listen_url) {
        (Backend::Sqlite, _) => poll_sqlite(store, &signal).await,
        (Backend::Postgres, Some(url)) => listen_postgres(store, &url.0, &signal).await,
        // No URL to listen with: never live, so nothing is cached.
        (Backend::Postgres, None) => std::future::pending().await,
    }
}

/// Reads the counter every [`SQLITE_POLL`]; live while the reads succeed.
async fn poll_sqlite(store: &SqlStore, signal: &AccessSignal) {
    let mut last: Option<i64> = None;
    loop {
        let read: Result<i64, sqlx::Error> =
            sqlx::query_scalar("SELECT n FROM access_epoch WHERE id = 1")
                .fetch_one(&store.pool)
                .await;
        match read {
            Ok(n) => {
                if last.is_none() {
                    signal.set_live(true);
                } else if last != Some(n) {
                    signal.changed();
                }
                last = Some(n);
                tokio::time::sleep(SQLITE_POLL).await;
            }
            Err(e) => {
                if last.take().is_some() {
                    signal.set_live(false);
                }
                tracing::warn!(error = %e, "cannot read the access counter; caching is off until it can");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Listens on [`CHANNEL`] with a connection of its own; live from the
/// `LISTEN` until the connection is lost or stops answering its checks.
async fn listen_postgres(store: &SqlStore, url: &str, signal: &AccessSignal) {
    use sqlx::postgres::PgListener;
    let me = format!("check:{:016x}", rand_id());
    loop {
        let mut listener = match PgListener::connect(url).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the access-change listener; caching is off");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "cannot LISTEN for access changes; caching is off");
            tokio::time::sleep(RETRY).await;
            continue;
        }
        signal.set_live(true);
        let mut check_sent: Option<tokio::time::Instant> = None;
        loop {
            let wait = match check_sent {
                Some(at) => PG_CHECK_TIMEOUT.saturating_sub(at.elapsed()),
                None => PG_CHECK_EVERY,
            };
            // Cancelling `try_recv` at the timeout loses nothing (sqlx
            // 0.8.1 made PgListener's receive cancel-safe, sqlx#3467).
            match tokio::time::timeout(wait, listener.try_recv()).await {
                Ok(Ok(Some(n))) if n.payload() == me => check_sent = None,
                // Another node's check changes nothing.
                Ok(Ok(Some(n))) if n.payload().starts_with("check:") => {}
                Ok(Ok(Some(_))) => signal.changed(),
                // The connection was lost (notifications meanwhile are
                // gone) or failed: start again with a new one.
                Ok(Ok(None)) | Ok(Err(_)) => break,
                Err(_) if check_sent.is_some() => break,
                Err(_) => {
                    let sent = sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(&me)
                        .execute(&store.pool)
                        .await;
                    if sent.is_err() {
                        break;
                    }
                    check_sent = Some(tokio::time::Instant::now());
                }
            }
        }
        signal.set_live(false);
        tracing::warn!("lost the access-change listener; caching is off until it is back");
        tokio::time::sleep(RETRY).await;
    }
}

/// A node id for the checks: the process id and the clock, enough to tell
/// nodes apart (not a secret).
fn rand_id() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 32)
}
