//! [`RefillStore`], [`AppointmentStore`] and [`CheckInStore`] (migration 8):
//! refill and appointment requests, the portal's side of appointments, and
//! pre-check-in.
//!
//! A decision is one `UPDATE ... WHERE status = 'pending'`: of two staff
//! members deciding at once, one changes the row and the other changes
//! nothing (and is told so). Approving an insurance change applies it in the
//! same transaction, and scheduling a requested visit stores the appointment
//! in the same transaction as the decision.

use crate::records::{bind_item, meta_from_row, upsert_sql, APPOINTMENTS};
use crate::row;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::record::{Appointment, RecordItem};
use sprout_domain::{AccountId, ItemId, PatientId};
use sprout_store::care::{
    AppointmentRequest, AppointmentRow, AppointmentStore, CheckIn, CheckInStore, Insurance,
    InsuranceChange, RefillRequest, RefillStore, RequestStatus, Signature, StaffDecision,
};
use sprout_store::{StoreError, StoreResult};
use sqlx::any::AnyRow;

/// A time as stored: UTC, whole seconds.
fn ts(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `$1, ..., $n` (short statements: numbered parameters cost nothing here).
fn dollars(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_ts(r: &AnyRow, col: &str) -> StoreResult<Option<Timestamp>> {
    row::opt_parsed(r, col)
}

fn status(r: &AnyRow) -> StoreResult<RequestStatus> {
    RequestStatus::parse(&row::text(r, "status")?)
        .ok_or_else(|| StoreError::Corrupt("column status: unknown code".into()))
}

/// The decision columns (`decided_by`, `decided_at`, `staff_message`).
fn decision(r: &AnyRow, status: RequestStatus) -> StoreResult<Option<StaffDecision>> {
    let by = row::opt_id(r, "decided_by", AccountId::parse)?;
    let at = opt_ts(r, "decided_at")?;
    Ok(match (by, at) {
        (Some(by), Some(at)) => Some(StaffDecision {
            status,
            by,
            at,
            message: row::opt_text(r, "staff_message")?.unwrap_or_default(),
        }),
        _ => None,
    })
}

fn not_pending(d: &StaffDecision) -> StoreResult<()> {
    if d.status == RequestStatus::Pending {
        return Err(StoreError::Conflict(
            "a decision cannot set a request back to pending".into(),
        ));
    }
    Ok(())
}

const APPOINTMENT_COLS: &str = "id, patient_id, source_id, confidentiality, sensitivity, status, \
     visit_type, reason_text, start_at, end_at, practitioner, location, video, confirmed_at, \
     cancelled_at";

fn appointment_row(r: &AnyRow) -> StoreResult<AppointmentRow> {
    Ok(AppointmentRow {
        appointment: Appointment {
            meta: meta_from_row(r)?,
            status: row::text(r, "status")?,
            visit_type: row::opt_text(r, "visit_type")?,
            reason_text: row::opt_text(r, "reason_text")?,
            start: row::opt_text(r, "start_at")?,
            end: row::opt_text(r, "end_at")?,
            practitioner: row::opt_text(r, "practitioner")?,
            location: row::opt_text(r, "location")?,
            video: row::int(r, "video")? != 0,
        },
        confirmed_at: opt_ts(r, "confirmed_at")?,
        cancelled_at: opt_ts(r, "cancelled_at")?,
    })
}

const REFILL_COLS: &str = "id, patient_id, medication_id, requested_by, pharmacy, note, status, \
     created_at, decided_by, decided_at, staff_message";

fn refill_row(r: &AnyRow) -> StoreResult<RefillRequest> {
    let status = status(r)?;
    Ok(RefillRequest {
        id: row::text(r, "id")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        medication_id: row::id(r, "medication_id", ItemId::parse)?,
        requested_by: row::id(r, "requested_by", AccountId::parse)?,
        pharmacy: row::text(r, "pharmacy")?,
        note: row::text(r, "note")?,
        status,
        created_at: row::parsed(r, "created_at")?,
        decision: decision(r, status)?,
    })
}

const APPT_REQUEST_COLS: &str = "id, patient_id, requested_by, reason, visit_type, \
     preferred_days, preferred_times, status, created_at, decided_by, decided_at, staff_message, \
     appointment_id";

fn appt_request_row(r: &AnyRow) -> StoreResult<AppointmentRequest> {
    let status = status(r)?;
    Ok(AppointmentRequest {
        id: row::text(r, "id")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        requested_by: row::id(r, "requested_by", AccountId::parse)?,
        reason: row::text(r, "reason")?,
        visit_type: row::text(r, "visit_type")?,
        preferred_days: row::text(r, "preferred_days")?,
        preferred_times: row::text(r, "preferred_times")?,
        status,
        created_at: row::parsed(r, "created_at")?,
        decision: decision(r, status)?,
        appointment_id: row::opt_id(r, "appointment_id", ItemId::parse)?,
    })
}

const INSURANCE_CHANGE_COLS: &str = "id, patient_id, appointment_id, submitted_by, payer, \
     member_id, group_number, subscriber_name, status, created_at, decided_by, decided_at, \
     staff_message";

fn insurance_of(r: &AnyRow) -> StoreResult<Insurance> {
    Ok(Insurance {
        payer: row::text(r, "payer")?,
        member_id: row::text(r, "member_id")?,
        group_number: row::text(r, "group_number")?,
        subscriber_name: row::text(r, "subscriber_name")?,
    })
}

fn insurance_change_row(r: &AnyRow) -> StoreResult<InsuranceChange> {
    let status = status(r)?;
    Ok(InsuranceChange {
        id: row::text(r, "id")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        appointment_id: row::opt_id(r, "appointment_id", ItemId::parse)?,
        submitted_by: row::id(r, "submitted_by", AccountId::parse)?,
        insurance: insurance_of(r)?,
        status,
        created_at: row::parsed(r, "created_at")?,
        decision: decision(r, status)?,
    })
}

fn signature_row(r: &AnyRow) -> StoreResult<Signature> {
    Ok(Signature {
        appointment_id: row::id(r, "appointment_id", ItemId::parse)?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        document_id: row::text(r, "document_id")?,
        document_sha256: row::text(r, "document_sha256")?,
        typed_name: row::text(r, "typed_name")?,
        signed_at: row::parsed(r, "signed_at")?,
        signed_by: row::id(r, "signed_by", AccountId::parse)?,
    })
}

impl SqlStore {
    /// Rows of `table` (columns `cols`) of one patient, or pending ones of
    /// everyone, oldest first.
    async fn queue<T>(
        &self,
        table: &str,
        cols: &str,
        patient: Option<&PatientId>,
        read: fn(&AnyRow) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let rows = match patient {
            Some(p) => {
                sqlx::query(&format!(
                    "SELECT {cols} FROM {table} WHERE patient_id = $1 ORDER BY created_at, id"
                ))
                .bind(p.as_str())
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {cols} FROM {table} WHERE status = 'pending' ORDER BY created_at, id"
                ))
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(map_err)?;
        rows.iter().map(read).collect()
    }

    async fn one<T>(
        &self,
        table: &str,
        cols: &str,
        id: &str,
        read: fn(&AnyRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        sqlx::query(&format!("SELECT {cols} FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(read)
            .transpose()
    }
}

/// `UPDATE table SET status, decided_by, decided_at, staff_message WHERE id
/// AND status = 'pending'` inside `tx`; whether a row changed.
async fn decide_row(
    tx: &mut sqlx::AnyConnection,
    table: &str,
    id: &str,
    d: &StaffDecision,
    extra: Option<(&str, &str)>,
) -> StoreResult<bool> {
    let extra_set = extra.map_or(String::new(), |(col, _)| format!(", {col} = $6"));
    let sql = format!(
        "UPDATE {table} SET status = $1, decided_by = $2, decided_at = $3, staff_message = $4{extra_set} \
         WHERE id = $5 AND status = 'pending'"
    );
    let mut q = sqlx::query(&sql)
        .bind(d.status.code())
        .bind(d.by.as_str())
        .bind(ts(d.at))
        .bind(d.message.as_str())
        .bind(id);
    if let Some((_, v)) = extra {
        q = q.bind(v);
    }
    let done = q.execute(&mut *tx).await.map_err(map_err)?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl RefillStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn create_refill_request(&self, r: &RefillRequest) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(&format!(
            "INSERT INTO refill_requests ({REFILL_COLS}) VALUES ({})",
            dollars(11)
        ))
        .bind(r.id.as_str())
        .bind(r.patient_id.as_str())
        .bind(r.medication_id.as_str())
        .bind(r.requested_by.as_str())
        .bind(r.pharmacy.as_str())
        .bind(r.note.as_str())
        .bind(RequestStatus::Pending.code())
        .bind(ts(r.created_at))
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO pharmacy_choices (patient_id, pharmacy, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (patient_id) DO UPDATE SET pharmacy = excluded.pharmacy, \
             updated_at = excluded.updated_at",
        )
        .bind(r.patient_id.as_str())
        .bind(r.pharmacy.as_str())
        .bind(ts(r.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn refill_request(&self, id: &str) -> StoreResult<Option<RefillRequest>> {
        self.one("refill_requests", REFILL_COLS, id, refill_row)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn refill_requests(
        &self,
        patient: Option<&PatientId>,
    ) -> StoreResult<Vec<RefillRequest>> {
        self.queue("refill_requests", REFILL_COLS, patient, refill_row)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn decide_refill_request(&self, id: &str, d: &StaffDecision) -> StoreResult<bool> {
        not_pending(d)?;
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = decide_row(&mut tx, "refill_requests", id, d, None).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(done)
    }

    #[tracing::instrument(skip_all)]
    async fn pharmacy(&self, patient: &PatientId) -> StoreResult<Option<String>> {
        sqlx::query("SELECT pharmacy FROM pharmacy_choices WHERE patient_id = $1")
            .bind(patient.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .map(|r| row::text(&r, "pharmacy"))
            .transpose()
    }
}

#[async_trait]
impl AppointmentStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn appointments(&self, patient: &PatientId) -> StoreResult<Vec<AppointmentRow>> {
        sqlx::query(&format!(
            "SELECT {APPOINTMENT_COLS} FROM appointments WHERE patient_id = $1 \
             ORDER BY start_at NULLS LAST, id"
        ))
        .bind(patient.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?
        .iter()
        .map(appointment_row)
        .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn appointment(&self, id: &ItemId) -> StoreResult<Option<AppointmentRow>> {
        self.one(
            "appointments",
            APPOINTMENT_COLS,
            id.as_str(),
            appointment_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn confirm_appointment(&self, id: &ItemId, at: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE appointments SET confirmed_at = $1 \
             WHERE id = $2 AND confirmed_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(ts(at))
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn cancel_appointment(&self, id: &ItemId, at: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE appointments SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL",
        )
        .bind(ts(at))
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn create_appointment_request(&self, r: &AppointmentRequest) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO appointment_requests ({APPT_REQUEST_COLS}) VALUES ({})",
            dollars(13)
        ))
        .bind(r.id.as_str())
        .bind(r.patient_id.as_str())
        .bind(r.requested_by.as_str())
        .bind(r.reason.as_str())
        .bind(r.visit_type.as_str())
        .bind(r.preferred_days.as_str())
        .bind(r.preferred_times.as_str())
        .bind(RequestStatus::Pending.code())
        .bind(ts(r.created_at))
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn appointment_request(&self, id: &str) -> StoreResult<Option<AppointmentRequest>> {
        self.one(
            "appointment_requests",
            APPT_REQUEST_COLS,
            id,
            appt_request_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn appointment_requests(
        &self,
        patient: Option<&PatientId>,
    ) -> StoreResult<Vec<AppointmentRequest>> {
        self.queue(
            "appointment_requests",
            APPT_REQUEST_COLS,
            patient,
            appt_request_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn decide_appointment_request(
        &self,
        id: &str,
        d: &StaffDecision,
        scheduled: Option<&Appointment>,
    ) -> StoreResult<bool> {
        not_pending(d)?;
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let item = scheduled.map(|a| RecordItem::Appointment(a.clone()));
        if let Some(item) = &item {
            let sql = upsert_sql(self.backend, &APPOINTMENTS, 1);
            let q = bind_item(sqlx::query(&sql), item, item.meta().patient_id.as_str());
            q.execute(&mut *tx).await.map_err(map_err)?;
        }
        let extra = item
            .as_ref()
            .map(|i| ("appointment_id", i.meta().id.as_str()));
        let done = decide_row(&mut tx, "appointment_requests", id, d, extra).await?;
        if done {
            tx.commit().await.map_err(map_err)?;
        } else {
            tx.rollback().await.map_err(map_err)?;
        }
        Ok(done)
    }
}

#[async_trait]
impl CheckInStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insurance(&self, patient: &PatientId) -> StoreResult<Option<Insurance>> {
        sqlx::query(
            "SELECT payer, member_id, group_number, subscriber_name FROM insurance_coverages \
             WHERE patient_id = $1",
        )
        .bind(patient.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(insurance_of)
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn submit_insurance_change(&self, c: &InsuranceChange) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO insurance_changes ({INSURANCE_CHANGE_COLS}) VALUES ({})",
            dollars(13)
        ))
        .bind(c.id.as_str())
        .bind(c.patient_id.as_str())
        .bind(c.appointment_id.as_ref().map(|a| a.as_str().to_owned()))
        .bind(c.submitted_by.as_str())
        .bind(c.insurance.payer.as_str())
        .bind(c.insurance.member_id.as_str())
        .bind(c.insurance.group_number.as_str())
        .bind(c.insurance.subscriber_name.as_str())
        .bind(RequestStatus::Pending.code())
        .bind(ts(c.created_at))
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn insurance_change(&self, id: &str) -> StoreResult<Option<InsuranceChange>> {
        self.one(
            "insurance_changes",
            INSURANCE_CHANGE_COLS,
            id,
            insurance_change_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn insurance_changes(
        &self,
        patient: Option<&PatientId>,
    ) -> StoreResult<Vec<InsuranceChange>> {
        self.queue(
            "insurance_changes",
            INSURANCE_CHANGE_COLS,
            patient,
            insurance_change_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn decide_insurance_change(&self, id: &str, d: &StaffDecision) -> StoreResult<bool> {
        not_pending(d)?;
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = decide_row(&mut tx, "insurance_changes", id, d, None).await?;
        if done && d.status == RequestStatus::Approved {
            sqlx::query(
                "INSERT INTO insurance_coverages \
                 (patient_id, payer, member_id, group_number, subscriber_name, updated_at) \
                 SELECT patient_id, payer, member_id, group_number, subscriber_name, $1 \
                 FROM insurance_changes WHERE id = $2 \
                 ON CONFLICT (patient_id) DO UPDATE SET payer = excluded.payer, \
                 member_id = excluded.member_id, group_number = excluded.group_number, \
                 subscriber_name = excluded.subscriber_name, updated_at = excluded.updated_at",
            )
            .bind(ts(d.at))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(done)
    }

    #[tracing::instrument(skip_all)]
    async fn record_check_in(
        &self,
        appointment: &ItemId,
        patient: &PatientId,
        verified: bool,
        complete: bool,
        by: &AccountId,
        at: Timestamp,
    ) -> StoreResult<()> {
        let at = ts(at);
        let verified_at = verified.then(|| at.clone());
        let completed_at = complete.then(|| at.clone());
        let completed_by = complete.then(|| by.as_str().to_owned());
        sqlx::query(
            "INSERT INTO check_ins (appointment_id, patient_id, contact_verified_at, completed_at, \
             completed_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (appointment_id) DO UPDATE SET \
             contact_verified_at = COALESCE(excluded.contact_verified_at, check_ins.contact_verified_at), \
             completed_at = COALESCE(excluded.completed_at, check_ins.completed_at), \
             completed_by = COALESCE(excluded.completed_by, check_ins.completed_by)",
        )
        .bind(appointment.as_str())
        .bind(patient.as_str())
        .bind(verified_at)
        .bind(completed_at)
        .bind(completed_by)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn check_in(&self, appointment: &ItemId) -> StoreResult<Option<CheckIn>> {
        sqlx::query(
            "SELECT appointment_id, contact_verified_at, completed_at, completed_by \
             FROM check_ins WHERE appointment_id = $1",
        )
        .bind(appointment.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?
        .map(|r| {
            Ok(CheckIn {
                appointment_id: row::id(&r, "appointment_id", ItemId::parse)?,
                contact_verified_at: opt_ts(&r, "contact_verified_at")?,
                completed_at: opt_ts(&r, "completed_at")?,
                completed_by: row::opt_id(&r, "completed_by", AccountId::parse)?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn sign_document(&self, s: &Signature) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO document_signatures (appointment_id, patient_id, document_id, \
             document_sha256, typed_name, signed_at, signed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(s.appointment_id.as_str())
        .bind(s.patient_id.as_str())
        .bind(s.document_id.as_str())
        .bind(s.document_sha256.as_str())
        .bind(s.typed_name.as_str())
        .bind(ts(s.signed_at))
        .bind(s.signed_by.as_str())
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn signatures(&self, appointment: &ItemId) -> StoreResult<Vec<Signature>> {
        sqlx::query(
            "SELECT appointment_id, patient_id, document_id, document_sha256, typed_name, \
             signed_at, signed_by FROM document_signatures WHERE appointment_id = $1 \
             ORDER BY signed_at, document_id",
        )
        .bind(appointment.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?
        .iter()
        .map(signature_row)
        .collect()
    }
}
