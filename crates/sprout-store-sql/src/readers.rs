//! Connections for the single-statement reads that serve pages, handed back
//! without a round trip.
//!
//! Why: sqlx's pool tests every connection it gets back with a ping before
//! another task may use it (`PoolConnection`'s release path; no option
//! turns it off). A ping is a round trip to the connection: for SQLite a
//! hand-over to the connection's own thread and back, for PostgreSQL a
//! network round trip. A patient page runs several statements, one pool
//! checkout each, so half of its round trips were pings (profiled under
//! bench/run: thread switches were most of the summary page's time).
//!
//! [`Readers`] keeps connections taken out of the pool (so each was opened,
//! and set up, by the pool) and hands each back at once, with no ping. What
//! the ping guards against is a statement cut off midway (its task
//! cancelled, say a browser closing the page) that leaves the connection
//! with unread results: a [`Reader`] goes back only when its statement ran to
//! the end ([`Reader::finished`]); a reader dropped otherwise, or after an
//! error, is closed, and a new one is taken from the pool when needed. A
//! reader left idle longer than [`IDLE_CHECK`] is pinged before use (a
//! PostgreSQL server restarted overnight, or a firewall dropping quiet
//! connections, must not fail the first page of the morning), and replaced
//! when the ping fails.

use sqlx::{AnyConnection, AnyPool, Connection};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a reader may sit idle and be used without a ping first.
pub(crate) const IDLE_CHECK: Duration = Duration::from_secs(30);

/// At most as many read connections as the pool may hold, in use or idle.
pub(crate) struct Readers {
    pool: AnyPool,
    /// Idle connections, each with when it was handed back.
    idle: Mutex<Vec<(AnyConnection, Instant)>>,
    permits: Semaphore,
    idle_check: Duration,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("available", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

impl Readers {
    /// Readers for `pool`, as many as its most connections; `None` for a
    /// pool of one connection (a private in-memory SQLite database lives
    /// only in that connection, and a bulk load needs no readers).
    pub(crate) fn for_pool(pool: &AnyPool) -> Option<Self> {
        let most = pool.options().get_max_connections() as usize;
        (most > 1).then(|| Self {
            pool: pool.clone(),
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(most),
            idle_check: IDLE_CHECK,
        })
    }

    /// As [`Self::for_pool`], pinging readers idle longer than `idle_check`.
    #[cfg(test)]
    pub(crate) fn with_idle_check(mut self, idle_check: Duration) -> Self {
        self.idle_check = idle_check;
        self
    }

    /// A connection for one statement: an idle one (pinged first when it
    /// has been idle longer than [`IDLE_CHECK`]; closed and skipped when the
    /// ping fails), else a new one from the pool. Waits while all are in use.
    ///
    /// # Errors
    /// The pool's, when it is closed or cannot connect.
    pub(crate) async fn get(&self) -> Result<Reader<'_>, sqlx::Error> {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let mut conn = None;
        while conn.is_none() {
            let idle = self
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            let Some((mut c, since)) = idle else { break };
            if since.elapsed() <= self.idle_check || c.ping().await.is_ok() {
                conn = Some(c);
            }
            // Otherwise `c` drops here, closed; try the next.
        }
        let conn = match conn {
            Some(c) => c,
            None => self.pool.acquire().await?.detach(),
        };
        Ok(Reader {
            readers: self,
            conn: Some(conn),
            _permit: permit,
            finished: false,
        })
    }

    /// Closes the idle connections and takes no more (with the pool's
    /// close).
    pub(crate) async fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(
            &mut *self
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        for (conn, _) in idle {
            let _ = conn.close().await;
        }
    }
}

/// One read connection in use; see [`Readers`].
pub(crate) struct Reader<'a> {
    readers: &'a Readers,
    conn: Option<AnyConnection>,
    _permit: SemaphorePermit<'a>,
    finished: bool,
}

impl Reader<'_> {
    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        self.conn
            .as_mut()
            .expect("a reader holds its connection until dropped")
    }

    /// Its statement ran to the end: the connection goes back for reuse.
    pub(crate) fn finished(mut self) {
        self.finished = true;
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if self.finished && !self.readers.permits.is_closed() {
            self.readers
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((conn, Instant::now()));
        }
        // Otherwise `conn` drops here: sqlx closes it.
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::any::AnyPoolOptions;
    use sqlx::Executor;
    use std::time::Duration;

    /// Two connections, each to a private in-memory database of its own, so
    /// a temporary table marks the connection it was made on.
    async fn readers() -> Readers {
        crate::install_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        Readers::for_pool(&pool).expect("a pool of two has readers")
    }

    async fn marked(r: &mut Reader<'_>) -> bool {
        r.conn()
            .fetch_optional("SELECT 1 FROM temp.mark")
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_finished_reader_is_reused_and_an_unfinished_one_is_closed() {
        let readers = readers().await;
        let mut r = readers.get().await.unwrap();
        r.conn()
            .execute("CREATE TEMP TABLE mark (x)")
            .await
            .unwrap();
        r.finished();

        let mut r = readers.get().await.unwrap();
        assert!(marked(&mut r).await, "the finished connection comes back");
        // Dropped without `finished` (as when its statement is cut off).
        drop(r);

        let mut r = readers.get().await.unwrap();
        assert!(!marked(&mut r).await, "an unfinished one is never reused");
    }

    #[tokio::test]
    async fn no_more_readers_than_the_pool_may_hold() {
        let readers = readers().await;
        let a = readers.get().await.unwrap();
        let b = readers.get().await.unwrap();
        let third = tokio::time::timeout(Duration::from_millis(100), readers.get()).await;
        assert!(third.is_err(), "a third reader waits");
        a.finished();
        let c = tokio::time::timeout(Duration::from_secs(5), readers.get()).await;
        assert!(c.is_ok(), "one is free again");
        drop(b);
    }

    #[tokio::test]
    async fn a_pool_of_one_has_no_readers() {
        crate::install_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        assert!(Readers::for_pool(&pool).is_none());
    }

    #[tokio::test]
    async fn closed_readers_take_no_more_work() {
        let readers = readers().await;
        readers.get().await.unwrap().finished();
        readers.close().await;
        assert!(readers.get().await.is_err());
    }

    /// PostgreSQL URL of the test server, or `None` outside CI without one.
    fn postgres_url() -> Option<String> {
        match std::env::var("SPROUT_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                let required = std::env::var("CI").is_ok_and(|v| v == "true")
                    || std::env::var("SPROUT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
                assert!(!required, "SPROUT_TEST_POSTGRES_URL must be set under CI");
                None
            }
        }
    }

    async fn backend_pid(r: &mut Reader<'_>) -> Result<i32, sqlx::Error> {
        use sqlx::Row;
        r.conn()
            .fetch_one("SELECT pg_backend_pid()")
            .await
            .and_then(|row| row.try_get(0))
    }

    /// Ends the server side of the reader's connection, as a server restart
    /// or a firewall dropping a quiet connection would.
    async fn kill_reader(readers: &Readers, url: &str) -> i32 {
        let mut r = readers.get().await.unwrap();
        let pid = backend_pid(&mut r).await.unwrap();
        r.finished();
        let mut admin = AnyConnection::connect(url).await.unwrap();
        sqlx::query("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .execute(&mut admin)
            .await
            .unwrap();
        pid
    }

    #[tokio::test]
    async fn a_reader_idle_too_long_is_pinged_and_replaced_when_its_server_went_away() {
        let Some(url) = postgres_url() else { return };
        crate::install_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .unwrap();

        // Used within the idle limit, a dead reader is not pinged: the
        // statement fails (and the reader is closed, not reused).
        let readers = Readers::for_pool(&pool).unwrap();
        kill_reader(&readers, &url).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut r = readers.get().await.unwrap();
        assert!(backend_pid(&mut r).await.is_err(), "the killed connection");
        drop(r);

        // Idle longer than the limit: pinged, found dead, replaced.
        let readers = Readers::for_pool(&pool)
            .unwrap()
            .with_idle_check(Duration::ZERO);
        let killed = kill_reader(&readers, &url).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut r = readers.get().await.unwrap();
        let pid = backend_pid(&mut r).await.expect("a fresh connection");
        assert_ne!(pid, killed);
        r.finished();
        pool.close().await;
    }
}
