//! [`ResultsStore`]: DiagnosticReports and DocumentReferences (their rows are
//! written by `import_batch` through the tables below), sensitivity
//! provenance and corrections, staff releases and result holds.

use crate::records::{self, AnyQuery, Table, TABLES};
use crate::row::{self, placeholders, Cols};
use crate::Read;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::record::{Labels, Sensitivity};
use sprout_domain::results::{Attachment, DiagnosticReport, DocumentKind, DocumentReference};
use sprout_domain::{AccountId, ItemId, PatientId};
use sprout_store::results::{
    ItemRelease, LabelCorrection, LabelMatch, LabeledItem, QueueCandidate, StoredHold,
};
use sprout_store::{ResultsStore, StoreError, StoreResult};
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};

pub(crate) const DIAGNOSTIC_REPORTS: Table = Table {
    name: "diagnostic_reports",
    resource: "DiagnosticReport",
    cols: &[
        "status",
        "category",
        "loinc",
        "display",
        "effective",
        "issued",
        "conclusion",
        "report_text",
        "result_source_ids",
        "performer",
        "encounter_source_id",
    ],
    newest_first: "effective DESC NULLS LAST, id",
};

pub(crate) const DOCUMENT_REFERENCES: Table = Table {
    name: "document_references",
    resource: "DocumentReference",
    cols: &[
        "status",
        "kind",
        "type_code",
        "type_text",
        "doc_date",
        "description",
        "author",
        "encounter_source_id",
        "doc_text",
        "attachment_type",
        "attachment_title",
        "attachment_size",
        "attachment_data",
    ],
    newest_first: "doc_date DESC NULLS LAST, id",
};

/// What a document list reads for each column: all but the attachment data
/// (NULL in its place).
fn document_list_exprs() -> Vec<&'static str> {
    records::item_names(&DOCUMENT_REFERENCES)
        .into_iter()
        .flatten()
        .map(|c| if *c == "attachment_data" { "NULL" } else { c })
        .collect()
}

/// What each item table shows as the item's name.
fn display_expr(table: &str) -> &'static str {
    match table {
        "encounters" => "COALESCE(type_text, status)",
        "immunizations" => "vaccine_text",
        "medication_requests" => "medication_text",
        "document_references" => "type_text",
        "appointments" => "COALESCE(visit_type, status)",
        _ => "display",
    }
}

/// Binds a report's own columns (after the common ones).
pub(crate) fn bind_report<'q>(q: AnyQuery<'q>, d: &'q DiagnosticReport) -> AnyQuery<'q> {
    q.bind(d.status.as_str())
        .bind(d.category.as_deref())
        .bind(d.loinc.as_deref())
        .bind(d.display.as_str())
        .bind(d.effective.as_deref())
        .bind(d.issued.as_deref())
        .bind(d.conclusion.as_deref())
        .bind(d.text.as_deref())
        .bind(serde_json::to_string(&d.result_source_ids).unwrap_or_else(|_| "[]".to_owned()))
        .bind(d.performer.as_deref())
        .bind(d.encounter_source_id.as_deref())
}

/// Binds a document's own columns (after the common ones).
pub(crate) fn bind_document<'q>(q: AnyQuery<'q>, d: &'q DocumentReference) -> AnyQuery<'q> {
    let a = d.attachment.as_ref();
    q.bind(d.status.as_str())
        .bind(d.kind.code())
        .bind(d.type_code.as_deref())
        .bind(d.type_text.as_str())
        .bind(d.date.as_deref())
        .bind(d.description.as_deref())
        .bind(d.author.as_deref())
        .bind(d.encounter_source_id.as_deref())
        .bind(d.text.as_deref())
        .bind(a.map(|a| a.content_type.as_str()))
        .bind(a.and_then(|a| a.title.as_deref()))
        .bind(
            a.and_then(|a| a.size)
                .map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
        )
        .bind(a.and_then(|a| a.data.as_deref()))
}

fn report_from_row(r: &impl Cols) -> StoreResult<DiagnosticReport> {
    let result_source_ids: Vec<String> = serde_json::from_str(&row::text(r, "result_source_ids")?)
        .map_err(|_| StoreError::Corrupt("column result_source_ids: not valid JSON".into()))?;
    Ok(DiagnosticReport {
        meta: records::meta_from_row(r)?,
        status: row::text(r, "status")?,
        category: row::opt_text(r, "category")?,
        loinc: row::opt_text(r, "loinc")?,
        display: row::text(r, "display")?,
        effective: row::opt_text(r, "effective")?,
        issued: row::opt_text(r, "issued")?,
        conclusion: row::opt_text(r, "conclusion")?,
        text: row::opt_text(r, "report_text")?,
        result_source_ids,
        performer: row::opt_text(r, "performer")?,
        encounter_source_id: row::opt_text(r, "encounter_source_id")?,
    })
}

fn document_from_row(r: &impl Cols) -> StoreResult<DocumentReference> {
    let kind: DocumentKind = row::parsed(r, "kind")?;
    let attachment = match row::opt_text(r, "attachment_type")? {
        None => None,
        Some(content_type) => Some(Attachment {
            content_type,
            title: row::opt_text(r, "attachment_title")?,
            size: row::opt_int(r, "attachment_size")?.and_then(|s| u64::try_from(s).ok()),
            data: row::opt_text(r, "attachment_data")?,
        }),
    };
    Ok(DocumentReference {
        meta: records::meta_from_row(r)?,
        status: row::text(r, "status")?,
        kind,
        type_code: row::opt_text(r, "type_code")?,
        type_text: row::text(r, "type_text")?,
        date: row::opt_text(r, "doc_date")?,
        description: row::opt_text(r, "description")?,
        author: row::opt_text(r, "author")?,
        encounter_source_id: row::opt_text(r, "encounter_source_id")?,
        text: row::opt_text(r, "doc_text")?,
        attachment,
    })
}

/// UTC RFC 3339 with whole seconds, the stored form of times.
fn ts_text(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

fn timestamp(r: &AnyRow, col: &str) -> StoreResult<Timestamp> {
    row::parsed(r, col)
}

fn opt_timestamp(r: &AnyRow, col: &str) -> StoreResult<Option<Timestamp>> {
    row::opt_parsed(r, col)
}

fn labels_of(confidentiality: &str, sensitivity: &str) -> StoreResult<Labels> {
    Ok(Labels {
        confidentiality: confidentiality
            .parse()
            .map_err(|_| StoreError::Corrupt("column confidentiality: unknown code".into()))?,
        sensitivity: Labels::parse_sensitivity(sensitivity)
            .map_err(|_| StoreError::Corrupt("column sensitivity: unknown code".into()))?,
    })
}

fn table_of(resource_type: &str) -> StoreResult<&'static Table> {
    TABLES
        .iter()
        .copied()
        .find(|t| t.resource == resource_type)
        .ok_or(StoreError::NotFound)
}

fn correction_from_row(r: &AnyRow) -> StoreResult<LabelCorrection> {
    Ok(LabelCorrection {
        id: row::text(r, "id")?,
        item_id: row::id(r, "item_id", ItemId::parse)?,
        resource_type: row::text(r, "resource_type")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        at: timestamp(r, "at")?,
        account_id: row::id(r, "account_id", AccountId::parse)?,
        labels: labels_of(
            &row::text(r, "confidentiality")?,
            &row::text(r, "sensitivity")?,
        )?,
        reason: row::text(r, "reason")?,
    })
}

fn hold_from_row(r: &AnyRow) -> StoreResult<StoredHold> {
    Ok(StoredHold {
        id: row::text(r, "id")?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        requested_by: row::id(r, "requested_by", AccountId::parse)?,
        requested_at: timestamp(r, "requested_at")?,
        ended_at: opt_timestamp(r, "ended_at")?,
        ended_by: row::opt_id(r, "ended_by", AccountId::parse)?,
    })
}

/// Largest `IN (...)` list in one statement.
const IN_CHUNK: usize = 500;

impl SqlStore {
    /// Sets the labels of the items of `patients` that a clinician corrected
    /// to the newest correction of each.
    async fn reapply_corrections(
        &self,
        tx: &mut sqlx::AnyConnection,
        patients: &[PatientId],
    ) -> StoreResult<()> {
        for p in patients {
            let rows = sqlx::query(
                "SELECT id, item_id, resource_type, patient_id, at, account_id, confidentiality, \
                 sensitivity, reason FROM item_label_corrections WHERE patient_id = $1 \
                 ORDER BY at, id",
            )
            .bind(p.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
            let mut newest: HashMap<String, LabelCorrection> = HashMap::new();
            for r in &rows {
                let c = correction_from_row(r)?;
                newest.insert(c.item_id.as_str().to_owned(), c);
            }
            for c in newest.values() {
                let t = table_of(&c.resource_type)?;
                let sql = format!(
                    "UPDATE {} SET confidentiality = $1, sensitivity = $2 WHERE id = $3",
                    t.name
                );
                sqlx::query(&sql)
                    .bind(c.labels.confidentiality.code())
                    .bind(c.labels.sensitivity_text())
                    .bind(c.item_id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl ResultsStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn diagnostic_reports(&self, patient: &PatientId) -> StoreResult<Vec<DiagnosticReport>> {
        self.item_list(&DIAGNOSTIC_REPORTS, patient, "", None, report_from_row)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn document_references(
        &self,
        patient: &PatientId,
    ) -> StoreResult<Vec<DocumentReference>> {
        let sql = row::json_list_sql(
            self.backend(),
            &document_list_exprs(),
            "document_references WHERE patient_id = $1",
            DOCUMENT_REFERENCES.newest_first,
        );
        self.json_list(
            sqlx::query(&sql).bind(patient.as_str()),
            records::item_names(&DOCUMENT_REFERENCES),
            document_from_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn document_with_data(
        &self,
        patient: &PatientId,
        item: &ItemId,
    ) -> StoreResult<Option<DocumentReference>> {
        let sql = format!(
            "SELECT {} FROM document_references WHERE patient_id = $1 AND id = $2",
            records::select_cols(&DOCUMENT_REFERENCES)
        );
        sqlx::query(&sql)
            .bind(patient.as_str())
            .bind(item.as_str())
            .read_optional(self)
            .await?
            .as_ref()
            .map(document_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all, fields(items = items.len(), matches = matches.len()))]
    async fn record_label_matches(
        &self,
        items: &[(String, String)],
        matches: &[LabelMatch],
        patients: &[PatientId],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (t, s) in items {
            by_type.entry(t.as_str()).or_default().push(s.as_str());
        }
        for m in matches {
            by_type
                .entry(m.resource_type.as_str())
                .or_default()
                .push(m.source_id.as_str());
        }
        for (t, mut ids) in by_type {
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(IN_CHUNK) {
                let sql = format!(
                    "DELETE FROM item_label_matches WHERE resource_type = {} AND source_id IN ({})",
                    placeholders(self.backend(), 1, 1),
                    placeholders(self.backend(), 2, chunk.len())
                );
                let mut q = sqlx::query(&sql).bind(t);
                for s in chunk {
                    q = q.bind(*s);
                }
                q.execute(&mut *tx).await.map_err(map_err)?;
            }
        }
        for m in matches {
            sqlx::query(
                "INSERT INTO item_label_matches (resource_type, source_id, category, rule) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(m.resource_type.as_str())
            .bind(m.source_id.as_str())
            .bind(m.category.map_or("", |c| c.code()))
            .bind(m.rule.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        self.reapply_corrections(&mut tx, patients).await?;
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn label_matches(
        &self,
        resource_type: &str,
        source_id: &str,
    ) -> StoreResult<Vec<LabelMatch>> {
        let rows = sqlx::query(
            "SELECT resource_type, source_id, category, rule FROM item_label_matches \
             WHERE resource_type = $1 AND source_id = $2 ORDER BY rule",
        )
        .bind(resource_type)
        .bind(source_id)
        .read_all(self)
        .await?;
        rows.iter()
            .map(|r| {
                let category = row::text(r, "category")?;
                Ok(LabelMatch {
                    resource_type: row::text(r, "resource_type")?,
                    source_id: row::text(r, "source_id")?,
                    category: if category.is_empty() {
                        None
                    } else {
                        Some(category.parse::<Sensitivity>().map_err(|_| {
                            StoreError::Corrupt("column category: unknown code".into())
                        })?)
                    },
                    rule: row::text(r, "rule")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn labeled_item(
        &self,
        patient: &PatientId,
        item: &ItemId,
    ) -> StoreResult<Option<LabeledItem>> {
        for t in TABLES {
            let sql = format!(
                "SELECT source_id, confidentiality, sensitivity, {} AS label_display FROM {} \
                 WHERE id = $1 AND patient_id = $2",
                display_expr(t.name),
                t.name
            );
            let found = sqlx::query(&sql)
                .bind(item.as_str())
                .bind(patient.as_str())
                .read_optional(self)
                .await?;
            if let Some(r) = found {
                return Ok(Some(LabeledItem {
                    id: item.clone(),
                    resource_type: t.resource.to_owned(),
                    source_id: row::text(&r, "source_id")?,
                    display: row::opt_text(&r, "label_display")?.unwrap_or_default(),
                    labels: row::labels(&r)?,
                }));
            }
        }
        Ok(None)
    }

    #[tracing::instrument(skip_all)]
    async fn correct_labels(&self, c: &LabelCorrection) -> StoreResult<()> {
        let t = table_of(&c.resource_type)?;
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let sql = format!(
            "UPDATE {} SET confidentiality = $1, sensitivity = $2 WHERE id = $3 AND patient_id = $4",
            t.name
        );
        let done = sqlx::query(&sql)
            .bind(c.labels.confidentiality.code())
            .bind(c.labels.sensitivity_text())
            .bind(c.item_id.as_str())
            .bind(c.patient_id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO item_label_corrections (id, item_id, resource_type, patient_id, at, \
             account_id, confidentiality, sensitivity, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(c.id.as_str())
        .bind(c.item_id.as_str())
        .bind(c.resource_type.as_str())
        .bind(c.patient_id.as_str())
        .bind(ts_text(c.at))
        .bind(c.account_id.as_str())
        .bind(c.labels.confidentiality.code())
        .bind(c.labels.sensitivity_text())
        .bind(c.reason.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn label_corrections(&self, item: &ItemId) -> StoreResult<Vec<LabelCorrection>> {
        sqlx::query(
            "SELECT id, item_id, resource_type, patient_id, at, account_id, confidentiality, \
             sensitivity, reason FROM item_label_corrections WHERE item_id = $1 ORDER BY at, id",
        )
        .bind(item.as_str())
        .read_all(self)
        .await?
        .iter()
        .map(correction_from_row)
        .collect()
    }

    #[tracing::instrument(skip_all, fields(n = releases.len()))]
    async fn release_items(&self, releases: &[ItemRelease]) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut n = 0;
        for r in releases {
            let done = sqlx::query(
                "INSERT INTO item_releases (item_id, patient_id, released_at, released_by) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (item_id) DO NOTHING",
            )
            .bind(r.item_id.as_str())
            .bind(r.patient_id.as_str())
            .bind(ts_text(r.released_at))
            .bind(r.released_by.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            n += done.rows_affected();
        }
        tx.commit().await.map_err(map_err)?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn item_releases(&self, patient: &PatientId) -> StoreResult<BTreeMap<ItemId, Timestamp>> {
        let rows =
            sqlx::query("SELECT item_id, released_at FROM item_releases WHERE patient_id = $1")
                .bind(patient.as_str())
                .read_all(self)
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    row::id(r, "item_id", ItemId::parse)?,
                    timestamp(r, "released_at")?,
                ))
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn add_result_hold(&self, h: &StoredHold) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO result_holds (id, patient_id, requested_by, requested_at, ended_at, ended_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(h.id.as_str())
        .bind(h.patient_id.as_str())
        .bind(h.requested_by.as_str())
        .bind(ts_text(h.requested_at))
        .bind(h.ended_at.map(ts_text))
        .bind(h.ended_by.as_ref().map(|a| a.as_str().to_owned()))
        .execute(self.pool())
        .await
        .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn end_result_holds(
        &self,
        patient: &PatientId,
        at: Timestamp,
        by: &AccountId,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE result_holds SET ended_at = $1, ended_by = $2 \
             WHERE patient_id = $3 AND ended_at IS NULL",
        )
        .bind(ts_text(at))
        .bind(by.as_str())
        .bind(patient.as_str())
        .execute(self.pool())
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected())
    }

    #[tracing::instrument(skip_all)]
    async fn result_holds(&self, patient: &PatientId) -> StoreResult<Vec<StoredHold>> {
        sqlx::query(
            "SELECT id, patient_id, requested_by, requested_at, ended_at, ended_by \
             FROM result_holds WHERE patient_id = $1 ORDER BY requested_at, id",
        )
        .bind(patient.as_str())
        .read_all(self)
        .await?
        .iter()
        .map(hold_from_row)
        .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn unreleased_items(&self, limit: u32) -> StoreResult<Vec<QueueCandidate>> {
        let limit = i64::from(limit.clamp(1, 1000));
        let parts: [(&str, &str, &str, &str, &str, &str); 3] = [
            (
                "observations",
                "Observation",
                "x.display",
                "COALESCE(x.issued, x.effective)",
                "NULL",
                " AND x.category = 'laboratory'",
            ),
            (
                "diagnostic_reports",
                "DiagnosticReport",
                "x.display",
                "COALESCE(x.issued, x.effective)",
                "x.category",
                "",
            ),
            (
                "document_references",
                "DocumentReference",
                "x.type_text",
                "x.doc_date",
                "x.kind",
                "",
            ),
        ];
        let mut out = Vec::new();
        for (table, resource, display, time, kind, extra) in parts {
            let sql = format!(
                "SELECT x.id AS item_id, x.patient_id AS patient_id, {display} AS display, \
                 {time} AS item_time, {kind} AS kind, p.given_name AS given_name, \
                 p.family_name AS family_name, p.mrn AS mrn \
                 FROM {table} x JOIN patients p ON p.id = x.patient_id \
                 LEFT JOIN item_releases r ON r.item_id = x.id \
                 WHERE r.item_id IS NULL{extra} ORDER BY item_time DESC NULLS LAST, x.id LIMIT $1"
            );
            for r in sqlx::query(&sql).bind(limit).read_all(self).await? {
                let name = format!(
                    "{} {}",
                    row::text(&r, "given_name")?,
                    row::text(&r, "family_name")?
                );
                out.push(QueueCandidate {
                    item_id: row::id(&r, "item_id", ItemId::parse)?,
                    resource_type: resource.to_owned(),
                    patient_id: row::id(&r, "patient_id", PatientId::parse)?,
                    patient_name: name.trim().to_owned(),
                    mrn: row::opt_text(&r, "mrn")?,
                    display: row::text(&r, "display")?,
                    time: row::opt_text(&r, "item_time")?,
                    kind: row::opt_text(&r, "kind")?,
                });
            }
        }
        out.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.item_id.cmp(&b.item_id)));
        out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(out)
    }
}
