//! [`EnrollmentStore`]: sign-up slips, single-use links, office PINs and link
//! requests. Writes that must happen together (accounts with their emails
//! and audit events; a PIN's use with the relationship it creates) are one
//! transaction each; "use once" is a conditional `UPDATE` whose row count
//! says who won, so two requests at once cannot both use a token or a PIN.

use crate::accounts::{account_err, insert_account, insert_relationship};
use crate::audit::insert_event;
use crate::jobs::{email_err, insert_email, ts_text};
use crate::row;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use jiff::civil::Date;
use jiff::Timestamp;
use sprout_domain::enrollment::{LinkRequestStatus, SlipStatus, TokenPurpose};
use sprout_domain::people::ProxyRelationship;
use sprout_domain::{AccountId, PatientId};
use sprout_store::enrollment::{
    EnrollmentStore, EnrollmentToken, EnrollmentWrite, LinkPin, LinkRequest, StoredSlip,
};
use sprout_store::{normalize_email, ImportBatch, NewEmail, StoreError, StoreResult};
use sqlx::any::AnyRow;

const SLIP_COLS: &str =
    "id, content, status, problems, received_on, entered_by, updated_at, patient_id";

fn slip_from_row(r: &AnyRow) -> StoreResult<StoredSlip> {
    let content = row::text(r, "content")?;
    let problems = row::text(r, "problems")?;
    Ok(StoredSlip {
        id: row::text(r, "id")?,
        slip: serde_json::from_str(&content)
            .map_err(|_| StoreError::Corrupt("column content: not a slip".into()))?,
        status: row::parsed(r, "status")?,
        problems: problems
            .split(',')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        received_on: row::date(r, "received_on")?,
        entered_by: row::opt_id(r, "entered_by", AccountId::parse)?,
        updated_at: row::parsed(r, "updated_at")?,
        patient_id: row::opt_id(r, "patient_id", PatientId::parse)?,
    })
}

const PIN_COLS: &str =
    "patient_id, pin_hash, issued_at, expires_at, issued_by, used_at, failures, locked_at";

fn pin_from_row(r: &AnyRow) -> StoreResult<LinkPin> {
    Ok(LinkPin {
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        pin_hash: row::text(r, "pin_hash")?,
        issued_at: row::parsed(r, "issued_at")?,
        expires_at: row::parsed(r, "expires_at")?,
        issued_by: row::opt_id(r, "issued_by", AccountId::parse)?,
        used_at: row::opt_parsed(r, "used_at")?,
        failures: u32::try_from(row::int(r, "failures")?)
            .map_err(|_| StoreError::Corrupt("column failures: out of range".into()))?,
        locked_at: row::opt_parsed(r, "locked_at")?,
    })
}

const REQUEST_COLS: &str = "id, account_id, child_name, mrn, visit_date, relationship, \
     created_at, status, decided_by, decided_at";

fn request_from_row(r: &AnyRow) -> StoreResult<LinkRequest> {
    Ok(LinkRequest {
        id: row::text(r, "id")?,
        account_id: row::id(r, "account_id", AccountId::parse)?,
        child_name: row::text(r, "child_name")?,
        mrn: row::text(r, "mrn")?,
        visit_date: row::date(r, "visit_date")?,
        relationship: row::parsed(r, "relationship")?,
        created_at: row::parsed(r, "created_at")?,
        status: row::parsed(r, "status")?,
        decided_by: row::opt_id(r, "decided_by", AccountId::parse)?,
        decided_at: row::opt_parsed(r, "decided_at")?,
    })
}

fn token_from_row(r: &AnyRow) -> StoreResult<EnrollmentToken> {
    Ok(EnrollmentToken {
        token_hash: row::text(r, "token_hash")?,
        purpose: row::parsed(r, "purpose")?,
        account_id: row::id(r, "account_id", AccountId::parse)?,
        created_at: row::parsed(r, "created_at")?,
        expires_at: row::parsed(r, "expires_at")?,
    })
}

/// A conflict names the rule, never a value.
fn conflict(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match map_err(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("{what} already in use")),
        other => other,
    }
}

#[async_trait]
impl EnrollmentStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn save_slip(&self, slip: &StoredSlip) -> StoreResult<()> {
        let content = serde_json::to_string(&slip.slip)
            .map_err(|e| StoreError::Database(format!("slip not serialisable: {e}")))?;
        sqlx::query(
            "INSERT INTO signup_slips (id, content, status, problems, received_on, entered_by, \
             updated_at, patient_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET content = excluded.content, status = excluded.status, \
             problems = excluded.problems, received_on = excluded.received_on, \
             entered_by = excluded.entered_by, updated_at = excluded.updated_at, \
             patient_id = excluded.patient_id",
        )
        .bind(slip.id.as_str())
        .bind(content)
        .bind(slip.status.code())
        .bind(slip.problems.join(","))
        .bind(slip.received_on.to_string())
        .bind(slip.entered_by.as_ref().map(AccountId::as_str))
        .bind(ts_text(slip.updated_at))
        .bind(slip.patient_id.as_ref().map(PatientId::as_str))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn slip(&self, id: &str) -> StoreResult<Option<StoredSlip>> {
        let sql = format!("SELECT {SLIP_COLS} FROM signup_slips WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(slip_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn slips(&self, status: Option<SlipStatus>, limit: u32) -> StoreResult<Vec<StoredSlip>> {
        let limit = i64::from(if limit == 0 { 1000 } else { limit });
        let rows = match status {
            Some(s) => {
                let sql = format!(
                    "SELECT {SLIP_COLS} FROM signup_slips WHERE status = $1 \
                     ORDER BY updated_at, id LIMIT $2"
                );
                sqlx::query(&sql)
                    .bind(s.code())
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                let sql = format!(
                    "SELECT {SLIP_COLS} FROM signup_slips ORDER BY updated_at, id LIMIT $1"
                );
                sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await
            }
        }
        .map_err(map_err)?;
        rows.iter().map(slip_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(accounts = write.accounts.len(), emails = write.emails.len()))]
    async fn apply_enrollment(&self, write: &EnrollmentWrite) -> StoreResult<()> {
        let now = ts_text(write.now.unwrap_or_else(Timestamp::now));
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        if !write.patients.is_empty() {
            let batch = ImportBatch {
                patients: write.patients.clone(),
                items: Vec::new(),
            };
            self.write_batch(&mut tx, &batch).await?;
        }
        for a in &write.accounts {
            let email = normalize_email(&a.email);
            insert_account(a, &email)
                .execute(&mut *tx)
                .await
                .map_err(account_err)?;
        }
        for (account, patient) in &write.own_logins {
            let done = sqlx::query(
                "UPDATE accounts SET patient_id = $1 WHERE id = $2 \
                 AND (patient_id IS NULL OR patient_id = $1)",
            )
            .bind(patient.as_str())
            .bind(account.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(
                    "account is already another patient's own login".into(),
                ));
            }
        }
        for r in &write.relationships {
            insert_relationship(r)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        for t in &write.tokens {
            sqlx::query(
                "INSERT INTO enrollment_tokens (token_hash, purpose, account_id, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(t.token_hash.as_str())
            .bind(t.purpose.code())
            .bind(t.account_id.as_str())
            .bind(ts_text(t.created_at))
            .bind(ts_text(t.expires_at))
            .execute(&mut *tx)
            .await
            .map_err(conflict("token"))?;
        }
        for e in &write.emails {
            insert_email(e, now.clone())
                .execute(&mut *tx)
                .await
                .map_err(email_err)?;
        }
        for (slip, patient) in &write.invited_slips {
            sqlx::query(
                "UPDATE signup_slips SET status = $1, patient_id = $2, updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(SlipStatus::Invited.code())
            .bind(patient.as_str())
            .bind(now.as_str())
            .bind(slip.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        for e in &write.audit {
            insert_event(self.backend, &mut tx, e).await?;
        }
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn redeem_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
        password_hash: Option<&str>,
    ) -> StoreResult<Option<AccountId>> {
        let now = ts_text(now);
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let Some(r) = sqlx::query(
            "UPDATE enrollment_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
             AND used_at IS NULL AND expires_at > $1 RETURNING account_id",
        )
        .bind(now.as_str())
        .bind(token_hash)
        .bind(purpose.code())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?
        else {
            tx.rollback().await.map_err(map_err)?;
            return Ok(None);
        };
        let account = row::id(&r, "account_id", AccountId::parse)?;
        // Only a pending account is activated: a link can never reactivate an
        // account staff deactivated.
        let changed = match password_hash {
            Some(h) => sqlx::query(
                "UPDATE accounts SET password_hash = $1, status = 'active' \
                 WHERE id = $2 AND status = 'pending'",
            )
            .bind(h)
            .bind(account.as_str()),
            None => sqlx::query(
                "UPDATE accounts SET status = 'active' WHERE id = $1 AND status = 'pending'",
            )
            .bind(account.as_str()),
        }
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if changed == 0 {
            tx.rollback().await.map_err(map_err)?;
            return Ok(None);
        }
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(Some(account))
    }

    #[tracing::instrument(skip_all)]
    async fn live_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> StoreResult<Option<EnrollmentToken>> {
        sqlx::query(
            "SELECT token_hash, purpose, account_id, created_at, expires_at \
             FROM enrollment_tokens WHERE token_hash = $1 AND purpose = $2 \
             AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.code())
        .bind(ts_text(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(token_from_row)
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn issue_pin(&self, pin: &LinkPin) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO link_pins (patient_id, pin_hash, issued_at, expires_at, issued_by, \
             used_at, failures, locked_at) VALUES ($1, $2, $3, $4, $5, NULL, 0, NULL) \
             ON CONFLICT (patient_id) DO UPDATE SET pin_hash = excluded.pin_hash, \
             issued_at = excluded.issued_at, expires_at = excluded.expires_at, \
             issued_by = excluded.issued_by, used_at = NULL, failures = 0, locked_at = NULL",
        )
        .bind(pin.patient_id.as_str())
        .bind(pin.pin_hash.as_str())
        .bind(ts_text(pin.issued_at))
        .bind(ts_text(pin.expires_at))
        .bind(pin.issued_by.as_ref().map(AccountId::as_str))
        .execute(&self.pool)
        .await
        .map_err(conflict("PIN"))?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn pin_of_patient(&self, patient: &PatientId) -> StoreResult<Option<LinkPin>> {
        let sql = format!("SELECT {PIN_COLS} FROM link_pins WHERE patient_id = $1");
        sqlx::query(&sql)
            .bind(patient.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(pin_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn pin_by_hash(&self, pin_hash: &str) -> StoreResult<Option<LinkPin>> {
        let sql = format!("SELECT {PIN_COLS} FROM link_pins WHERE pin_hash = $1");
        sqlx::query(&sql)
            .bind(pin_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(pin_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn live_pins_born_on(
        &self,
        birth_date: Date,
        now: Timestamp,
    ) -> StoreResult<Vec<PatientId>> {
        let rows = sqlx::query(
            "SELECT l.patient_id FROM link_pins l JOIN patients p ON p.id = l.patient_id \
             WHERE p.birth_date = $1 AND l.used_at IS NULL AND l.locked_at IS NULL \
             AND l.expires_at > $2 ORDER BY l.patient_id",
        )
        .bind(birth_date.to_string())
        .bind(ts_text(now))
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| row::id(r, "patient_id", PatientId::parse))
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn record_pin_failure(
        &self,
        patients: &[PatientId],
        max: u32,
        now: Timestamp,
    ) -> StoreResult<Vec<PatientId>> {
        let now = ts_text(now);
        let mut locked = Vec::new();
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for p in patients {
            let r = sqlx::query(
                "UPDATE link_pins SET failures = failures + 1, \
                 locked_at = CASE WHEN locked_at IS NULL AND failures + 1 >= $1 THEN $2 \
                 ELSE locked_at END \
                 WHERE patient_id = $3 RETURNING locked_at",
            )
            .bind(i64::from(max))
            .bind(now.as_str())
            .bind(p.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
            if let Some(r) = r {
                if row::opt_text(&r, "locked_at")?.as_deref() == Some(now.as_str()) {
                    locked.push(p.clone());
                }
            }
        }
        tx.commit().await.map_err(map_err)?;
        Ok(locked)
    }

    #[tracing::instrument(skip_all)]
    async fn redeem_pin(
        &self,
        pin_hash: &str,
        now: Timestamp,
        rel: &ProxyRelationship,
    ) -> StoreResult<bool> {
        let now = ts_text(now);
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let used = sqlx::query(
            "UPDATE link_pins SET used_at = $1 WHERE pin_hash = $2 AND patient_id = $3 \
             AND used_at IS NULL AND locked_at IS NULL AND expires_at > $1",
        )
        .bind(now.as_str())
        .bind(pin_hash)
        .bind(rel.patient_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if used == 0 {
            tx.rollback().await.map_err(map_err)?;
            return Ok(false);
        }
        insert_relationship(rel)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn create_link_request(&self, r: &LinkRequest) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO link_requests (id, account_id, child_name, mrn, visit_date, \
             relationship, created_at, status, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(r.id.as_str())
        .bind(r.account_id.as_str())
        .bind(r.child_name.as_str())
        .bind(r.mrn.as_str())
        .bind(r.visit_date.to_string())
        .bind(r.relationship.code())
        .bind(ts_text(r.created_at))
        .bind(r.status.code())
        .bind(r.decided_by.as_ref().map(AccountId::as_str))
        .bind(r.decided_at.map(ts_text))
        .execute(&self.pool)
        .await
        .map_err(conflict("link request id"))?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn link_requests(
        &self,
        status: Option<LinkRequestStatus>,
    ) -> StoreResult<Vec<LinkRequest>> {
        let rows = match status {
            Some(s) => {
                let sql = format!(
                    "SELECT {REQUEST_COLS} FROM link_requests WHERE status = $1 \
                     ORDER BY created_at, id LIMIT 500"
                );
                sqlx::query(&sql).bind(s.code()).fetch_all(&self.pool).await
            }
            None => {
                let sql = format!(
                    "SELECT {REQUEST_COLS} FROM link_requests ORDER BY created_at, id LIMIT 500"
                );
                sqlx::query(&sql).fetch_all(&self.pool).await
            }
        }
        .map_err(map_err)?;
        rows.iter().map(request_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn link_request(&self, id: &str) -> StoreResult<Option<LinkRequest>> {
        let sql = format!("SELECT {REQUEST_COLS} FROM link_requests WHERE id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(request_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn decide_link_request(
        &self,
        id: &str,
        status: LinkRequestStatus,
        decided_by: &AccountId,
        now: Timestamp,
        rel: Option<&ProxyRelationship>,
        email: &NewEmail,
    ) -> StoreResult<bool> {
        let now = ts_text(now);
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let changed = sqlx::query(
            "UPDATE link_requests SET status = $1, decided_by = $2, decided_at = $3 \
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(status.code())
        .bind(decided_by.as_str())
        .bind(now.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if changed == 0 {
            tx.rollback().await.map_err(map_err)?;
            return Ok(false);
        }
        if let Some(rel) = rel {
            insert_relationship(rel)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        insert_email(email, now)
            .execute(&mut *tx)
            .await
            .map_err(email_err)?;
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(true)
    }
}
