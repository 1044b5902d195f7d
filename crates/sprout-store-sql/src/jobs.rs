//! [`OutboxStore`], [`NoticeStore`] and [`JobLeaseStore`]: the tables behind
//! `sprout-jobs` (migration 3 of each backend).
//!
//! Why here and in SQL: the guarantees the jobs rely on are the database's.
//! A notice is sent once because its row and its email are written in one
//! transaction under a unique key (a second writer, on this node or another,
//! hits the key and writes nothing); a message is sent by one sender at a time
//! because claiming is a single `UPDATE` that re-checks the claim; a scheduled
//! job runs on one node because taking a lease is a single upsert that only
//! wins over an expired lease.
//!
//! Times are stored as UTC RFC 3339 text to the whole second (always the same
//! width), so comparing them as text compares the times.

use crate::audit::insert_event;
use crate::row::{self, placeholders};
use crate::{map_err, Backend, SqlStore};
use async_trait::async_trait;
use jiff::civil::Date;
use jiff::Timestamp;
use sprout_domain::people::Account;
use sprout_domain::record::Patient;
use sprout_domain::{AccountId, PatientId};
use sprout_store::{
    AccountStore, AuditEvent, JobLeaseStore, NewEmail, NoticeRecord, NoticeStore, OutboxMessage,
    OutboxStore, RecordStore, StoreError, StoreResult,
};
use sqlx::any::AnyRow;

/// Messages returned by [`OutboxStore::outbox_messages`] when its limit is 0.
const DEFAULT_LIMIT: u32 = 100;

/// Values per `IN (...)` list.
const IN_CHUNK: usize = 500;

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A time as stored: UTC, whole seconds, `2026-05-01T10:00:00Z`.
pub(crate) fn ts_text(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn timestamp(r: &AnyRow, col: &str) -> StoreResult<Timestamp> {
    row::parsed(r, col)
}

fn opt_timestamp(r: &AnyRow, col: &str) -> StoreResult<Option<Timestamp>> {
    row::opt_parsed(r, col)
}

const OUTBOX_COLS: &str = "id, to_address, subject, body_text, body_html, locale, created_at, \
     attempts, next_attempt_at, sent_at, last_error";

fn message_from_row(r: &AnyRow) -> StoreResult<OutboxMessage> {
    let attempts = u32::try_from(row::int(r, "attempts")?)
        .map_err(|_| StoreError::Corrupt("column attempts: out of range".into()))?;
    Ok(OutboxMessage {
        id: row::text(r, "id")?,
        to_address: row::text(r, "to_address")?,
        subject: row::text(r, "subject")?,
        body_text: row::text(r, "body_text")?,
        body_html: row::opt_text(r, "body_html")?,
        locale: row::text(r, "locale")?,
        created_at: timestamp(r, "created_at")?,
        attempts,
        next_attempt_at: timestamp(r, "next_attempt_at")?,
        sent_at: opt_timestamp(r, "sent_at")?,
        last_error: row::opt_text(r, "last_error")?,
    })
}

/// The `INSERT` of a new outbox message, due at `now`.
pub(crate) fn insert_email<'q>(email: &'q NewEmail, now: String) -> AnyQuery<'q> {
    sqlx::query(
        "INSERT INTO outbox (id, to_address, subject, body_text, body_html, locale, \
         created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $7)",
    )
    .bind(email.id.as_str())
    .bind(email.to_address.as_str())
    .bind(email.subject.as_str())
    .bind(email.body_text.as_str())
    .bind(email.body_html.as_deref())
    .bind(email.locale.as_str())
    .bind(now)
}

/// A conflict queuing a message names the rule, not the message.
pub(crate) fn email_err(e: sqlx::Error) -> StoreError {
    match map_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict("outbox message id already in use".into()),
        other => other,
    }
}

/// An `UPDATE` that must touch one row: none touched is [`StoreError::NotFound`].
fn one_row(result: sqlx::any::AnyQueryResult) -> StoreResult<()> {
    if result.rows_affected() == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// The claim statement. The rows to claim are picked, then written with the
/// conditions checked again on each row as it is written, so a row another
/// claimant took meanwhile is left alone: SQLite runs one writer at a time;
/// PostgreSQL picks with `FOR UPDATE SKIP LOCKED` (rows another claimant is
/// writing are skipped, not waited for) in a materialised CTE, because a
/// locking subquery inside `WHERE id IN (...)` may be run again per row and
/// claim more than `limit` rows.
fn claim_sql(backend: Backend) -> String {
    // Due and unclaimed at $3, columns prefixed with `p` (a table alias and
    // a dot, or nothing).
    let due = |p: &str| {
        format!(
            "{p}sent_at IS NULL AND {p}next_attempt_at <= $3 \
             AND ({p}claimed_until IS NULL OR {p}claimed_until <= $3)"
        )
    };
    let pick = format!(
        "SELECT i.id FROM outbox i WHERE {} \
         ORDER BY i.next_attempt_at, i.created_at, i.id LIMIT $4",
        due("i.")
    );
    match backend {
        Backend::Postgres => format!(
            "WITH picked AS MATERIALIZED ({pick} FOR UPDATE SKIP LOCKED) \
             UPDATE outbox SET claimed_by = $1, claimed_until = $2 \
             FROM picked WHERE outbox.id = picked.id AND {} RETURNING {}",
            due("outbox."),
            OUTBOX_COLS
                .split(", ")
                .map(|c| format!("outbox.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        // SQLite's RETURNING names the updated table's columns unqualified.
        Backend::Sqlite => format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2 \
             WHERE id IN ({pick}) AND {} RETURNING {OUTBOX_COLS}",
            due("")
        ),
    }
}

#[async_trait]
impl OutboxStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn enqueue_email(&self, email: &NewEmail, now: Timestamp) -> StoreResult<()> {
        insert_email(email, ts_text(now))
            .execute(&self.pool)
            .await
            .map_err(email_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(limit = limit))]
    async fn claim_due_emails(
        &self,
        claimant: &str,
        now: Timestamp,
        claim_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMessage>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut out = sqlx::query(&claim_sql(self.backend))
            .bind(claimant)
            .bind(ts_text(claim_until))
            .bind(ts_text(now))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(message_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        // RETURNING follows no ORDER BY.
        out.sort_by(|a, b| {
            (a.next_attempt_at, a.created_at, &a.id).cmp(&(b.next_attempt_at, b.created_at, &b.id))
        });
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_sent(&self, id: &str, claimant: &str, now: Timestamp) -> StoreResult<()> {
        let r = sqlx::query(
            "UPDATE outbox SET sent_at = $3, attempts = attempts + 1, claimed_by = NULL, \
             claimed_until = NULL WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(claimant)
        .bind(ts_text(now))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        one_row(r)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_failed(
        &self,
        id: &str,
        claimant: &str,
        error: &str,
        retry_at: Timestamp,
    ) -> StoreResult<()> {
        let r = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4, \
             claimed_by = NULL, claimed_until = NULL \
             WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(claimant)
        .bind(error)
        .bind(ts_text(retry_at))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        one_row(r)
    }

    #[tracing::instrument(skip_all, fields(limit = limit))]
    async fn outbox_messages(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        let limit = if limit == 0 { DEFAULT_LIMIT } else { limit };
        let sql = format!("SELECT {OUTBOX_COLS} FROM outbox ORDER BY created_at, id LIMIT $1");
        sqlx::query(&sql)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(message_from_row)
            .collect()
    }
}

const NOTICE_COLS: &str =
    "id, kind, patient_id, recipient_account_id, occasion, outbox_id, recorded_at";

fn notice_from_row(r: &AnyRow) -> StoreResult<NoticeRecord> {
    Ok(NoticeRecord {
        id: row::text(r, "id")?,
        kind: row::text(r, "kind")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        recipient_account_id: row::id(r, "recipient_account_id", AccountId::parse)?,
        occasion: row::text(r, "occasion")?,
        outbox_id: row::text(r, "outbox_id")?,
        recorded_at: timestamp(r, "recorded_at")?,
    })
}

impl SqlStore {
    /// Ids from a one-column `SELECT` over an `IN` list of `values`, in
    /// chunks; `sql` holds `{}` where the placeholders go.
    async fn ids_in(&self, sql: &str, values: &[&str]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for chunk in values.chunks(IN_CHUNK) {
            let sql = sql.replace("{}", &placeholders(self.backend, 1, chunk.len()));
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = q.bind(*v);
            }
            for r in q.fetch_all(&self.pool).await.map_err(map_err)? {
                out.push(row::text(&r, "id")?);
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl NoticeStore for SqlStore {
    #[tracing::instrument(skip_all, fields(kind = %notice.kind))]
    async fn record_notice_and_enqueue(
        &self,
        notice: &NoticeRecord,
        email: &NewEmail,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let at = ts_text(notice.recorded_at);
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let inserted = sqlx::query(
            "INSERT INTO notices_sent (id, kind, patient_id, recipient_account_id, occasion, \
             outbox_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (kind, patient_id, recipient_account_id, occasion) DO NOTHING",
        )
        .bind(notice.id.as_str())
        .bind(notice.kind.as_str())
        .bind(notice.patient_id.as_str())
        .bind(notice.recipient_account_id.as_str())
        .bind(notice.occasion.as_str())
        .bind(notice.outbox_id.as_str())
        .bind(at.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("notice id already in use".into()),
            other => other,
        })?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await.map_err(map_err)?;
            return Ok(false);
        }
        insert_email(email, at)
            .execute(&mut *tx)
            .await
            .map_err(email_err)?;
        insert_event(self.backend, &mut tx, audit).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn notices_of_patient(&self, patient: &PatientId) -> StoreResult<Vec<NoticeRecord>> {
        let sql = format!(
            "SELECT {NOTICE_COLS} FROM notices_sent WHERE patient_id = $1 ORDER BY recorded_at, id"
        );
        sqlx::query(&sql)
            .bind(patient.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?
            .iter()
            .map(notice_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn patients_born_between(&self, first: Date, last: Date) -> StoreResult<Vec<Patient>> {
        let ids = sqlx::query(
            "SELECT id FROM patients WHERE birth_date >= $1 AND birth_date <= $2 ORDER BY id",
        )
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?
        .iter()
        .map(|r| row::id(r, "id", PatientId::parse))
        .collect::<StoreResult<Vec<_>>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.patients(&ids).await
    }

    #[tracing::instrument(skip_all, fields(n = patients.len()))]
    async fn own_accounts_of_patients(&self, patients: &[PatientId]) -> StoreResult<Vec<Account>> {
        let values: Vec<&str> = patients.iter().map(PatientId::as_str).collect();
        let mut ids = self
            .ids_in("SELECT id FROM accounts WHERE patient_id IN ({})", &values)
            .await?;
        ids.sort();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id = AccountId::parse(&id)
                .ok_or_else(|| StoreError::Corrupt("column id: not a valid id".into()))?;
            // Gone since the first query: skip it.
            if let Some(account) = self.account(&id).await? {
                out.push(account);
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl JobLeaseStore for SqlStore {
    #[tracing::instrument(skip_all, fields(job = %job))]
    async fn acquire_lease(
        &self,
        job: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool> {
        // One statement: of concurrent callers, the first inserts or takes over
        // an expired lease; the others find an unexpired lease and change
        // nothing (PostgreSQL waits for the first to commit, then re-checks the
        // WHERE on the row as it now is). RETURNING yields a row only when
        // this call wrote.
        let row = sqlx::query(
            "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, \
             expires_at = excluded.expires_at WHERE job_leases.expires_at <= $4 \
             RETURNING holder",
        )
        .bind(job)
        .bind(holder)
        .bind(ts_text(until))
        .bind(ts_text(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        match row {
            Some(r) => Ok(row::text(&r, "holder")? == holder),
            None => Ok(false),
        }
    }

    #[tracing::instrument(skip_all, fields(job = %job))]
    async fn renew_lease(&self, job: &str, holder: &str, until: Timestamp) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE job_leases SET expires_at = $3 WHERE job = $1 AND holder = $2")
            .bind(job)
            .bind(holder)
            .bind(ts_text(until))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected() > 0)
    }

    #[tracing::instrument(skip_all, fields(job = %job))]
    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM job_leases WHERE job = $1 AND holder = $2")
            .bind(job)
            .bind(holder)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_expired_leases(&self, before: Timestamp) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM job_leases WHERE expires_at < $1")
            .bind(ts_text(before))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_stored_to_the_second_at_one_width() {
        let t: Timestamp = "2026-05-01T10:00:00.987654321Z".parse().unwrap();
        assert_eq!(ts_text(t), "2026-05-01T10:00:00Z");
        let t: Timestamp = "2026-05-01T10:00:00Z".parse().unwrap();
        assert_eq!(ts_text(t), "2026-05-01T10:00:00Z");
        assert_eq!(ts_text(t).parse::<Timestamp>().unwrap(), t);
    }

    #[test]
    fn postgres_claims_skip_locked_rows() {
        assert!(claim_sql(Backend::Postgres).contains("FOR UPDATE SKIP LOCKED"));
        assert!(!claim_sql(Backend::Sqlite).contains("FOR UPDATE"));
    }
}
