//! [`MessageStore`]: threads, messages, attachments' records and read marks
//! (migration 7 of each backend).
//!
//! A post is one transaction: the thread (when new), the message, its
//! attachments' rows, the thread's counters and due time, the emails
//! announcing it and its audit event. The idempotency key is a unique
//! `(author, key)` pair: a retry finds the first post and writes nothing.

use crate::audit::insert_event;
use crate::jobs::{insert_email, ts_text};
use crate::row;
use crate::Read;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::messaging::{AttachmentKind, Category, ThreadStatus};
use sprout_domain::{AccountId, PatientId};
use sprout_store::messaging::{
    Attachment, InboxFilter, Message, MessageStore, NewMessage, Posted, Side, Thread,
};
use sprout_store::{AuditEvent, NewEmail, StoreError, StoreResult};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Threads returned by [`MessageStore::inbox`] when its limit is 0.
const DEFAULT_INBOX_LIMIT: u32 = 200;

/// The thread columns, with the reader's unread count from a join on
/// `message_reads` (alias `r`) bound at `$1`.
const THREAD_COLS: &str = "t.id, t.patient_id, t.category, t.pool, t.subject, t.started_by, \
     t.created_at, t.status, t.assigned_to, t.due_at, t.reminded_due_at, t.last_message_at, \
     t.message_count, \
     (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id \
        AND m.seq > COALESCE(r.read_seq, 0) AND m.author_account_id <> $1) AS unread";

/// `$first, ..., $first+n-1` (short lists; mixing them with `$1` is why the
/// `?` form of `row::placeholders` is not used here).
fn dollars(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(r: &AnyRow, col: &str) -> StoreResult<u32> {
    u32::try_from(row::int(r, col)?)
        .map_err(|_| StoreError::Corrupt(format!("column {col}: out of range")))
}

fn thread_from_row(r: &AnyRow) -> StoreResult<Thread> {
    Ok(Thread {
        id: row::text(r, "id")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        category: row::parsed::<Category>(r, "category")?,
        pool: row::text(r, "pool")?,
        subject: row::text(r, "subject")?,
        started_by: row::id(r, "started_by", AccountId::parse)?,
        created_at: row::parsed(r, "created_at")?,
        status: row::parsed::<ThreadStatus>(r, "status")?,
        assigned_to: row::opt_id(r, "assigned_to", AccountId::parse)?,
        due_at: row::opt_parsed(r, "due_at")?,
        reminded_due_at: row::opt_parsed(r, "reminded_due_at")?,
        last_message_at: row::parsed(r, "last_message_at")?,
        message_count: count(r, "message_count")?,
        unread: count(r, "unread")?,
    })
}

fn attachment_from_row(r: &AnyRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: row::text(r, "id")?,
        message_id: row::text(r, "message_id")?,
        position: count(r, "position")?,
        file_name: row::text(r, "file_name")?,
        kind: row::parsed::<AttachmentKind>(r, "kind")?,
        size_bytes: u64::try_from(row::int(r, "size_bytes")?)
            .map_err(|_| StoreError::Corrupt("column size_bytes: out of range".into()))?,
        sha256: row::text(r, "sha256")?,
    })
}

const ATTACHMENT_COLS: &str = "id, message_id, position, file_name, kind, size_bytes, sha256";

/// A reader id for the unread count when none is given: matches no account,
/// so every message counts as unread; callers asking without a reader ignore
/// the count.
const NO_READER: &str = "";

impl SqlStore {
    async fn existing_post(
        &self,
        author: &AccountId,
        key: &str,
    ) -> StoreResult<Option<(String, String)>> {
        let found = sqlx::query(
            "SELECT id, thread_id FROM messages WHERE author_account_id = $1 AND idempotency_key = $2",
        )
        .bind(author.as_str())
        .bind(key)
        .read_optional(self)
        .await?;
        found
            .map(|r| Ok((row::text(&r, "thread_id")?, row::text(&r, "id")?)))
            .transpose()
    }
}

#[async_trait]
impl MessageStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn post_message(
        &self,
        m: &NewMessage,
        emails: &[NewEmail],
        audit: &AuditEvent,
    ) -> StoreResult<Posted> {
        if let Some(key) = &m.idempotency_key {
            if let Some((thread_id, message_id)) = self.existing_post(&m.author, key).await? {
                return Ok(Posted::Duplicate {
                    thread_id,
                    message_id,
                });
            }
        }
        let at = ts_text(m.created_at);
        let due = m.due_at.map(ts_text);
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let thread_id = match &m.new_thread {
            Some(t) => {
                sqlx::query(
                    "INSERT INTO message_threads (id, patient_id, category, pool, subject, \
                     started_by, created_at, status, last_message_at, message_count) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $7, 0)",
                )
                .bind(t.id.as_str())
                .bind(t.patient_id.as_str())
                .bind(t.category.code())
                .bind(t.pool.as_str())
                .bind(t.subject.as_str())
                .bind(m.author.as_str())
                .bind(at.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                t.id.clone()
            }
            None => m.thread_id.clone(),
        };
        // Number the message and move the thread on, in one statement: the
        // row lock (PostgreSQL) or the single writer (SQLite) orders
        // concurrent posts to one thread. A family message re-opens a closed
        // thread; a staff reply leaves its status alone.
        let reopen = if m.side == Side::Family {
            "status = 'open', "
        } else {
            ""
        };
        let sql = format!(
            "UPDATE message_threads SET {reopen}message_count = message_count + 1, \
             last_message_at = $2, due_at = $3 WHERE id = $1 RETURNING message_count"
        );
        let Some(counted) = sqlx::query(&sql)
            .bind(thread_id.as_str())
            .bind(at.as_str())
            .bind(due.as_deref())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
        else {
            tx.rollback().await.map_err(map_err)?;
            return Err(StoreError::NotFound);
        };
        let seq = row::int(&counted, "message_count")?;
        let inserted = sqlx::query(
            "INSERT INTO messages (id, thread_id, seq, author_account_id, author_name, side, \
             body, created_at, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(m.id.as_str())
        .bind(thread_id.as_str())
        .bind(seq)
        .bind(m.author.as_str())
        .bind(m.author_name.as_str())
        .bind(m.side.code())
        .bind(m.body.as_str())
        .bind(at.as_str())
        .bind(m.idempotency_key.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(map_err);
        match inserted {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) if m.idempotency_key.is_some() => {
                // Another request with the same key won the race.
                tx.rollback().await.map_err(map_err)?;
                let key = m.idempotency_key.as_deref().unwrap_or_default();
                return match self.existing_post(&m.author, key).await? {
                    Some((thread_id, message_id)) => Ok(Posted::Duplicate {
                        thread_id,
                        message_id,
                    }),
                    None => Err(StoreError::Conflict("message id already in use".into())),
                };
            }
            Err(e) => return Err(e),
        }
        for (i, a) in m.attachments.iter().enumerate() {
            let size = i64::try_from(a.size_bytes)
                .map_err(|_| StoreError::Corrupt("attachment too large".into()))?;
            sqlx::query(
                "INSERT INTO message_attachments (id, message_id, position, file_name, kind, \
                 size_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(a.id.as_str())
            .bind(m.id.as_str())
            .bind(i as i64)
            .bind(a.file_name.as_str())
            .bind(a.kind.code())
            .bind(size)
            .bind(a.sha256.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        // The author has read what they wrote.
        sqlx::query(
            "INSERT INTO message_reads (thread_id, account_id, read_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (thread_id, account_id) DO UPDATE SET read_seq = excluded.read_seq \
             WHERE message_reads.read_seq < excluded.read_seq",
        )
        .bind(thread_id.as_str())
        .bind(m.author.as_str())
        .bind(seq)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for email in emails {
            insert_email(email, at.clone())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        insert_event(self.backend, &mut tx, audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(Posted::Created {
            thread_id,
            message_id: m.id.clone(),
        })
    }

    #[tracing::instrument(skip_all)]
    async fn thread(&self, id: &str, reader: Option<&AccountId>) -> StoreResult<Option<Thread>> {
        let sql = format!(
            "SELECT {THREAD_COLS} FROM message_threads t \
             LEFT JOIN message_reads r ON r.thread_id = t.id AND r.account_id = $1 \
             WHERE t.id = $2"
        );
        sqlx::query(&sql)
            .bind(reader.map_or(NO_READER, |a| a.as_str()))
            .bind(id)
            .read_optional(self)
            .await?
            .as_ref()
            .map(thread_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn thread_messages(&self, id: &str) -> StoreResult<Vec<Message>> {
        let rows = sqlx::query(
            "SELECT id, thread_id, seq, author_account_id, author_name, side, body, created_at \
             FROM messages WHERE thread_id = $1 ORDER BY seq",
        )
        .bind(id)
        .read_all(self)
        .await?;
        let files = sqlx::query(&format!(
            "SELECT a.{} FROM message_attachments a JOIN messages m ON m.id = a.message_id \
             WHERE m.thread_id = $1 ORDER BY a.message_id, a.position",
            ATTACHMENT_COLS.replace(", ", ", a.")
        ))
        .bind(id)
        .read_all(self)
        .await?
        .iter()
        .map(attachment_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        rows.iter()
            .map(|r| {
                let id = row::text(r, "id")?;
                Ok(Message {
                    attachments: files
                        .iter()
                        .filter(|a| a.message_id == id)
                        .cloned()
                        .collect(),
                    id,
                    thread_id: row::text(r, "thread_id")?,
                    seq: count(r, "seq")?,
                    author: row::id(r, "author_account_id", AccountId::parse)?,
                    author_name: row::text(r, "author_name")?,
                    side: Side::from_code(&row::text(r, "side")?)
                        .ok_or_else(|| StoreError::Corrupt("column side: unknown".into()))?,
                    body: row::text(r, "body")?,
                    created_at: row::parsed(r, "created_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn threads_of_patients(
        &self,
        patients: &[PatientId],
        reader: &AccountId,
    ) -> StoreResult<Vec<Thread>> {
        if patients.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {THREAD_COLS} FROM message_threads t \
             LEFT JOIN message_reads r ON r.thread_id = t.id AND r.account_id = $1 \
             WHERE t.patient_id IN ({}) ORDER BY t.last_message_at DESC, t.id",
            dollars(2, patients.len())
        );
        let mut q = sqlx::query(&sql).bind(reader.as_str());
        for p in patients {
            q = q.bind(p.as_str());
        }
        q.read_all(self)
            .await?
            .iter()
            .map(thread_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn inbox(&self, f: &InboxFilter, reader: &AccountId) -> StoreResult<Vec<Thread>> {
        let mut conds = Vec::new();
        let mut binds: Vec<String> = vec![reader.as_str().to_owned()];
        if let Some(pool) = &f.pool {
            binds.push(pool.clone());
            conds.push(format!("t.pool = ${}", binds.len()));
        }
        if let Some(open) = f.open {
            binds.push(if open { "open" } else { "closed" }.to_owned());
            conds.push(format!("t.status = ${}", binds.len()));
        }
        if let Some(a) = &f.assigned_to {
            binds.push(a.as_str().to_owned());
            conds.push(format!("t.assigned_to = ${}", binds.len()));
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        let limit = if f.limit == 0 {
            DEFAULT_INBOX_LIMIT
        } else {
            f.limit
        };
        let sql = format!(
            "SELECT {THREAD_COLS} FROM message_threads t \
             LEFT JOIN message_reads r ON r.thread_id = t.id AND r.account_id = $1 \
             {filter} ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, \
             t.last_message_at DESC, t.id LIMIT {limit}"
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        q.read_all(self)
            .await?
            .iter()
            .map(thread_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn mark_read(&self, thread: &str, reader: &AccountId, seq: u32) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO message_reads (thread_id, account_id, read_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (thread_id, account_id) DO UPDATE SET read_seq = excluded.read_seq \
             WHERE message_reads.read_seq < excluded.read_seq",
        )
        .bind(thread)
        .bind(reader.as_str())
        .bind(i64::from(seq))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn assign_thread(&self, thread: &str, to: Option<&AccountId>) -> StoreResult<()> {
        let done = sqlx::query("UPDATE message_threads SET assigned_to = $2 WHERE id = $1")
            .bind(thread)
            .bind(to.map(|a| a.as_str()))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn set_thread_status(&self, thread: &str, status: ThreadStatus) -> StoreResult<()> {
        let sql = match status {
            ThreadStatus::Closed => {
                "UPDATE message_threads SET status = $2, due_at = NULL WHERE id = $1"
            }
            ThreadStatus::Open => "UPDATE message_threads SET status = $2 WHERE id = $1",
        };
        let done = sqlx::query(sql)
            .bind(thread)
            .bind(status.code())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn attachment(&self, id: &str) -> StoreResult<Option<Attachment>> {
        sqlx::query(&format!(
            "SELECT {ATTACHMENT_COLS} FROM message_attachments WHERE id = $1"
        ))
        .bind(id)
        .read_optional(self)
        .await?
        .as_ref()
        .map(attachment_from_row)
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn referenced_attachments(&self, ids: &[String]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id FROM message_attachments WHERE id IN ({})",
                dollars(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            for r in q.read_all(self).await? {
                out.push(row::text(&r, "id")?);
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn overdue_unreminded(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Thread>> {
        let sql = format!(
            "SELECT {THREAD_COLS} FROM message_threads t \
             LEFT JOIN message_reads r ON r.thread_id = t.id AND r.account_id = $1 \
             WHERE t.status = 'open' AND t.due_at IS NOT NULL AND t.due_at <= $2 \
             AND (t.reminded_due_at IS NULL OR t.reminded_due_at <> t.due_at) \
             ORDER BY t.due_at, t.id LIMIT {}",
            limit.max(1)
        );
        sqlx::query(&sql)
            .bind(NO_READER)
            .bind(ts_text(now))
            .read_all(self)
            .await?
            .iter()
            .map(thread_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn record_reminder(
        &self,
        thread: &str,
        due_at: Timestamp,
        emails: &[NewEmail],
        now: Timestamp,
    ) -> StoreResult<bool> {
        let due = ts_text(due_at);
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = sqlx::query(
            "UPDATE message_threads SET reminded_due_at = $2 WHERE id = $1 AND due_at = $2 \
             AND (reminded_due_at IS NULL OR reminded_due_at <> $2)",
        )
        .bind(thread)
        .bind(due.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map_err)?;
            return Ok(false);
        }
        let now = ts_text(now);
        for email in emails {
            insert_email(email, now.clone())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn staff_emails(&self, roles: &[&str]) -> StoreResult<Vec<String>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT email FROM accounts WHERE status = 'active' AND staff_role IN ({}) \
             ORDER BY email",
            dollars(1, roles.len())
        );
        let mut q = sqlx::query(&sql);
        for r in roles {
            q = q.bind(*r);
        }
        q.read_all(self)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("email").map_err(map_err))
            .collect()
    }
}
