//! [`AuditStore`]: the append-only audit trail. The tables refuse `UPDATE` and
//! `DELETE` by trigger (see each backend's migrations); this module only inserts
//! and reads.

use crate::row;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use sprout_domain::{AccountId, PatientId};
use sprout_store::{AuditEvent, AuditFilter, AuditStore, StoreResult};
use sqlx::any::AnyRow;

/// Events returned when [`AuditFilter::limit`] is 0.
const DEFAULT_LIMIT: u32 = 100;

const AUDIT_COLS: &str = "at, account_id, actor_role, patient_id, action, object_type, \
     object_id, outcome, reason, client_addr, request_id, detail";

fn event_from_row(r: &AnyRow) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        at: row::text(r, "at")?,
        account_id: row::opt_id(r, "account_id", AccountId::parse)?,
        actor_role: row::text(r, "actor_role")?,
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

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The `INSERT` of one audit event, for [`AuditStore::append_audit`] and for
/// writes that append their audit event in their own transaction (notices).
pub(crate) fn insert_event(e: &AuditEvent) -> AnyQuery<'_> {
    sqlx::query(
        "INSERT INTO audit_events (at, account_id, actor_role, patient_id, action, \
         object_type, object_id, outcome, reason, client_addr, request_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(e.at.as_str())
    .bind(e.account_id.as_ref().map(AccountId::as_str))
    .bind(e.actor_role.as_str())
    .bind(e.patient_id.as_ref().map(PatientId::as_str))
    .bind(e.action.as_str())
    .bind(e.object_type.as_str())
    .bind(e.object_id.as_deref())
    .bind(e.outcome.as_str())
    .bind(e.reason.as_deref())
    .bind(e.client_addr.as_deref())
    .bind(e.request_id.as_deref())
    .bind(e.detail.as_deref())
}

#[async_trait]
impl AuditStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, e: &AuditEvent) -> StoreResult<()> {
        insert_event(e).execute(&self.pool).await.map_err(map_err)?;
        Ok(())
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
}
