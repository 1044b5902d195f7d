//! [`AuditStore`]: the append-only, hash-chained audit trail
//! ([`sprout_store::audit`]). The tables refuse `UPDATE` and `DELETE` by
//! trigger (see each backend's migrations 1 and 4); this module only inserts
//! events, moves the chain's head forward and reads.
//!
//! An append is one transaction: `UPDATE audit_chain_head SET seq = seq + n
//! ... RETURNING seq, hash` first (n: the events appended together), which
//! locks the head (the row lock on PostgreSQL, the database's write lock on
//! SQLite) until commit, so appenders on every connection and app node take
//! their turn and the chain never forks; then the events are inserted with
//! those numbers and their hashes, and the head takes the last hash.

use crate::row;
use crate::{map_err, Backend, SqlStore};
use async_trait::async_trait;
use sprout_domain::{AccountId, PatientId};
use sprout_store::audit::{
    self, AuditColumn, AuditEntry, AuditPage, AuditQuery, ChainHead, ChainedEvent, Content,
    CONTENT_COLUMNS,
};
use sprout_store::{AuditEvent, AuditFilter, AuditStore, StoreError, StoreResult};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use tokio::sync::oneshot;

/// Events returned when [`AuditFilter::limit`] or [`AuditQuery::limit`] is 0.
const DEFAULT_LIMIT: u32 = 100;

/// The most entries one report page returns.
const MAX_PAGE: u32 = 10_000;

const AUDIT_COLS: &str = "at, account_id, actor_role, on_behalf_of, patient_id, action, \
     object_type, object_id, outcome, reason, client_addr, request_id, detail";

fn event_from_row(r: &AnyRow) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        at: row::text(r, "at")?,
        account_id: row::opt_id(r, "account_id", AccountId::parse)?,
        actor_role: row::text(r, "actor_role")?,
        on_behalf_of: row::opt_text(r, "on_behalf_of")?,
        patient_id: row::opt_id(r, "patient_id", PatientId::parse)?,
        action: row::text(r, "action")?,
        object_type: row::text(r, "object_type")?,
        object_id: row::opt_text(r, "object_id")?,
        outcome: row::text(r, "outcome")?,
        reason: row::opt_text(r, "reason")?,
        client_addr: row::opt_text(r, "client_addr")?,
        request_id: row::opt_text(r, "request_id")?,
        detail: row::opt_text(r, "detail")?,
    })
}

/// Columns of an appended event, in the order [`insert_events`] binds them.
const APPEND_COLS: &str = "seq, at, account_id, actor_role, on_behalf_of, patient_id, \
     action, object_type, object_id, outcome, reason, client_addr, request_id, detail, \
     prev_hash, hash";

/// Values bound per appended event.
const APPEND_WIDTH: usize = 16;

/// Most events in one `INSERT` (16 values each: well inside SQLite's 32,766
/// bound values and PostgreSQL's 65,535).
const APPEND_CHUNK: usize = 64;

/// Appends one event at the end of the chain, inside the caller's
/// transaction (`conn` must be in one: the head stays locked until it
/// commits). Used by [`AuditStore::append_audit`] and by writes that append
/// their audit event in their own transaction (notices).
pub(crate) async fn insert_event(
    backend: Backend,
    conn: &mut AnyConnection,
    e: &AuditEvent,
) -> StoreResult<()> {
    insert_events(backend, conn, std::slice::from_ref(e).iter()).await
}

/// Appends `events`, in order, at the end of the chain, inside the caller's
/// transaction (as [`insert_event`]): the head moves forward by all of them
/// at once (which locks it until commit), the hashes are chained here, the
/// events go in with multi-row `INSERT`s and the head takes the last hash.
/// Four statements however many events: a group commit's events no longer
/// cost three round trips each.
pub(crate) async fn insert_events<'e>(
    backend: Backend,
    conn: &mut AnyConnection,
    events: impl ExactSizeIterator<Item = &'e AuditEvent>,
) -> StoreResult<()> {
    let n = i64::try_from(events.len()).map_err(|_| StoreError::Corrupt("batch size".into()))?;
    if n == 0 {
        return Ok(());
    }
    let head =
        sqlx::query("UPDATE audit_chain_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(n)
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_err)?
            .ok_or_else(|| StoreError::Corrupt("the audit chain head is missing".into()))?;
    let last_seq = row::int(&head, "seq")?;
    let mut prev = row::text(&head, "hash")?;
    let mut chained = Vec::with_capacity(events.len());
    for (e, seq) in events.zip(last_seq - n + 1..) {
        let hash = audit::event_hash(&prev, &e.content());
        chained.push((seq, e, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    for chunk in chained.chunks(APPEND_CHUNK) {
        let values = (0..chunk.len())
            .map(|r| {
                format!(
                    "({})",
                    row::placeholders(backend, r * APPEND_WIDTH + 1, APPEND_WIDTH)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO audit_events ({APPEND_COLS}) VALUES {values}");
        let mut q = sqlx::query(&sql);
        for (seq, e, prev_hash, hash) in chunk {
            q = q
                .bind(*seq)
                .bind(e.at.as_str())
                .bind(e.account_id.as_ref().map(AccountId::as_str))
                .bind(e.actor_role.as_str())
                .bind(e.on_behalf_of.as_deref())
                .bind(e.patient_id.as_ref().map(PatientId::as_str))
                .bind(e.action.as_str())
                .bind(e.object_type.as_str())
                .bind(e.object_id.as_deref())
                .bind(e.outcome.as_str())
                .bind(e.reason.as_deref())
                .bind(e.client_addr.as_deref())
                .bind(e.request_id.as_deref())
                .bind(e.detail.as_deref())
                .bind(prev_hash.as_str())
                .bind(hash.as_str());
        }
        q.execute(&mut *conn).await.map_err(map_err)?;
    }
    sqlx::query("UPDATE audit_chain_head SET hash = $1 WHERE id = 1")
        .bind(prev.as_str())
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

/// The SQL expression a report sorts by.
fn sort_expr(c: AuditColumn) -> &'static str {
    match c {
        AuditColumn::Seq => "e.seq",
        AuditColumn::At => "e.at",
        AuditColumn::User => "a.email",
        AuditColumn::Role => "e.actor_role",
        AuditColumn::Patient => "COALESCE(p.mrn, e.patient_id)",
        AuditColumn::Action => "e.action",
        AuditColumn::Object => "e.object_type",
        AuditColumn::Outcome => "e.outcome",
        AuditColumn::Client => "e.client_addr",
    }
}

/// The `WHERE` clause of a report query and its arguments, in order
/// (`$1`, `$2`...).
fn report_where(q: &AuditQuery) -> (String, Vec<&str>) {
    let mut conditions = Vec::new();
    let mut args: Vec<&str> = Vec::new();

    if let Some(p) = &q.patient_id {
        args.push(p.as_str());
        conditions.push(format!("e.patient_id = ${}", args.len()));
    }
    if let Some(a) = &q.account_id {
        args.push(a.as_str());
        conditions.push(format!("e.account_id = ${}", args.len()));
    }
    if let Some(a) = &q.not_account_id {
        args.push(a.as_str());
        conditions.push(format!(
            "(e.account_id IS NULL OR e.account_id <> ${})",
            args.len()
        ));
    }
    if !q.actions.is_empty() {
        let mut marks = Vec::new();
        for action in &q.actions {
            args.push(action.as_str());
            marks.push(format!("${}", args.len()));
        }
        conditions.push(format!("e.action IN ({})", marks.join(", ")));
    }
    if let Some(o) = &q.outcome {
        args.push(o.as_str());
        conditions.push(format!("e.outcome = ${}", args.len()));
    }
    if let Some(from) = &q.from {
        args.push(from.as_str());
        conditions.push(format!("e.at >= ${}", args.len()));
    }
    if let Some(until) = &q.until {
        args.push(until.as_str());
        conditions.push(format!("e.at < ${}", args.len()));
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    (clause, args)
}

fn chained_from_row(r: &AnyRow) -> StoreResult<ChainedEvent> {
    let mut content: Content = Default::default();
    for (slot, col) in content.iter_mut().zip(CONTENT_COLUMNS) {
        *slot = row::opt_text(r, col)?;
    }
    Ok(ChainedEvent {
        seq: row::int(r, "seq")?,
        prev_hash: row::opt_text(r, "prev_hash")?,
        hash: row::opt_text(r, "hash")?,
        content,
    })
}

/// An event waiting for the next group commit, and where its outcome goes.
type Pending = (AuditEvent, oneshot::Sender<StoreResult<()>>);

/// Audit events waiting to be appended by one group commit (see
/// [`AuditStore::append_audit`] on [`SqlStore`]).
#[derive(Debug, Default)]
pub(crate) struct AuditQueue {
    /// Events handed in and not yet taken by a writer.
    pending: std::sync::Mutex<Vec<Pending>>,
    /// Held by the caller that writes the next batch.
    writer: tokio::sync::Mutex<()>,
}

impl SqlStore {
    /// Appends `batch` in one transaction (one commit, one flush to disk),
    /// in order; when that fails, each event in a transaction of its own, so
    /// one bad event fails only its own caller. Tells every caller its
    /// outcome.
    async fn write_audit_batch(&self, batch: Vec<Pending>) {
        if batch.len() > 1 && self.append_together(&batch).await.is_ok() {
            for (_, done) in batch {
                let _ = done.send(Ok(()));
            }
            return;
        }
        for (e, done) in batch {
            let one = async {
                let mut tx = self.pool.begin().await.map_err(map_err)?;
                insert_event(self.backend, &mut tx, &e).await?;
                tx.commit().await.map_err(map_err)
            };
            let _ = done.send(one.await);
        }
    }

    /// Appends the events of `batch` in one transaction.
    async fn append_together(&self, batch: &[Pending]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        insert_events(self.backend, &mut tx, batch.iter().map(|(e, _)| e)).await?;
        tx.commit().await.map_err(map_err)
    }
}

#[async_trait]
impl AuditStore for SqlStore {
    /// Group commit: the event joins a queue; whoever holds the writer lock
    /// appends everything queued in one transaction, and the others wait for
    /// it. A caller returns only once its own event is committed (or failed),
    /// as before; the chain order is the queue's order.
    ///
    /// Why: every patient page appends one event, and one transaction per
    /// event made page views queue for SQLite's single write lock and each
    /// pay a commit (measured under 32 concurrent sessions; bench/RESULTS.md).
    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, e: &AuditEvent) -> StoreResult<()> {
        let (done, mut outcome) = oneshot::channel();
        self.audit_queue
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((e.clone(), done));
        let writer = self.audit_queue.writer.lock().await;
        // A writer before us may have taken our event already.
        if let Ok(r) = outcome.try_recv() {
            return r;
        }
        let batch = std::mem::take(
            &mut *self
                .audit_queue
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if !batch.is_empty() {
            // On a task of its own: a caller that goes away mid-write (its
            // client hung up) must not abandon the other callers' events.
            let store = self.clone();
            let _ = tokio::spawn(async move { store.write_audit_batch(batch).await }).await;
        }
        drop(writer);
        outcome.await.unwrap_or_else(|_| {
            Err(StoreError::Database(
                "the audit event was not written (its writer stopped)".into(),
            ))
        })
    }

    #[tracing::instrument(skip_all, fields(limit = filter.limit))]
    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEvent>> {
        let mut conditions = Vec::new();
        let mut args: Vec<&str> = Vec::new();
        if let Some(p) = &filter.patient_id {
            args.push(p.as_str());
            conditions.push(format!("patient_id = ${}", args.len()));
        }
        if let Some(a) = &filter.account_id {
            args.push(a.as_str());
            conditions.push(format!("account_id = ${}", args.len()));
        }
        if let Some(action) = &filter.action {
            args.push(action.as_str());
            conditions.push(format!("action = ${}", args.len()));
        }
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let limit = if filter.limit == 0 {
            DEFAULT_LIMIT
        } else {
            filter.limit
        };
        let sql = format!(
            "SELECT {AUDIT_COLS} FROM audit_events{where_clause} \
             ORDER BY at DESC, seq DESC LIMIT ${}",
            args.len() + 1
        );
        let mut q = sqlx::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        q.bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(event_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all, fields(sort = ?query.sort, offset = query.offset, limit = query.limit))]
    async fn audit_report(&self, query: &AuditQuery) -> StoreResult<AuditPage> {
        let (where_clause, args) = report_where(query);
        let from = "FROM audit_events e \
             LEFT JOIN accounts a ON a.id = e.account_id \
             LEFT JOIN patients p ON p.id = e.patient_id";

        let count_sql = format!("SELECT COUNT(*) AS n {from}{where_clause}");
        let mut count = sqlx::query(&count_sql);
        for a in &args {
            count = count.bind(*a);
        }
        let total = row::int(&count.fetch_one(&self.pool).await.map_err(map_err)?, "n")?;

        let limit = match query.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_PAGE),
        };
        let dir = if query.descending { "DESC" } else { "ASC" };
        let cols = AUDIT_COLS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT e.seq, {cols}, a.email AS user_email, a.display_name AS user_name, \
             p.mrn AS patient_mrn {from}{where_clause} \
             ORDER BY {} {dir} NULLS LAST, e.seq {dir} LIMIT ${} OFFSET ${}",
            sort_expr(query.sort),
            args.len() + 1,
            args.len() + 2
        );
        let mut q = sqlx::query(&sql);
        for a in &args {
            q = q.bind(*a);
        }
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let entries = q
            .bind(i64::from(limit))
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: row::int(r, "seq")?,
                    event: event_from_row(r)?,
                    user_email: row::opt_text(r, "user_email")?,
                    user_name: row::opt_text(r, "user_name")?,
                    patient_mrn: row::opt_text(r, "patient_mrn")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(AuditPage {
            total: u64::try_from(total).unwrap_or(0),
            entries,
        })
    }

    #[tracing::instrument(skip_all, fields(after_seq, limit))]
    async fn audit_chain(&self, after_seq: i64, limit: u32) -> StoreResult<Vec<ChainedEvent>> {
        let sql = format!(
            "SELECT seq, prev_hash, hash, {} FROM audit_events WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
            CONTENT_COLUMNS.join(", ")
        );
        sqlx::query(&sql)
            .bind(after_seq)
            .bind(i64::from(limit.max(1)))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(chained_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn audit_chain_head(&self) -> StoreResult<ChainHead> {
        let r = sqlx::query("SELECT seq, hash, chain_start FROM audit_chain_head WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .ok_or_else(|| StoreError::Corrupt("the audit chain head is missing".into()))?;
        Ok(ChainHead {
            seq: row::int(&r, "seq")?,
            hash: row::text(&r, "hash")?,
            chain_start: row::int(&r, "chain_start")?,
        })
    }
}
