//! [`RecordStore`]: patients and their record items.
//!
//! Imports are upserts keyed by the source (FHIR) id, so importing the same
//! bundle twice changes nothing and importing a corrected bundle updates in
//! place while the Sprout ids, which URLs and audit events hold, stay put.
//! Items are written with multi-row `INSERT`s in chunks of power-of-two sizes,
//! so a batch costs few round trips and only a handful of distinct statements
//! (which sqlx prepares once per connection and caches).

use crate::row::{self, json_list_sql, json_rows, placeholders, Cols, JsonRow, Names};
use crate::Read;
use crate::{map_err, Backend, SqlStore};
use async_trait::async_trait;
use sprout_domain::record::{
    AllergyIntolerance, Condition, Encounter, Immunization, ItemMeta, MedicationRequest,
    Observation, ObservationCategory, ObservationComponent, Patient, RecordItem,
};
use sprout_domain::{ItemId, PatientId};
use sprout_store::{
    ImportBatch, PatientCounts, RecordStore, StoreError, StoreResult, WrittenCounts,
};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::AnyConnection;
use sqlx::{Any, Row};
use std::collections::{BTreeMap, HashMap, HashSet};

pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Largest number of rows in one multi-row `INSERT` (at most 15 columns, so
/// under 2,000 bound values: well inside SQLite's 32,766 and PostgreSQL's 65,535).
const MAX_CHUNK: usize = 128;

/// Largest `IN (...)` list in one query.
const IN_CHUNK: usize = 500;

/// Columns every item table starts with.
const ITEM_COMMON: [&str; 5] = [
    "id",
    "patient_id",
    "source_id",
    "confidentiality",
    "sensitivity",
];

/// One item table: its name, FHIR resource type, own columns (after
/// [`ITEM_COMMON`]) and "newest first" order.
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) resource: &'static str,
    pub(crate) cols: &'static [&'static str],
    pub(crate) newest_first: &'static str,
}

const ENCOUNTERS: Table = Table {
    name: "encounters",
    resource: "Encounter",
    cols: &[
        "status",
        "class_code",
        "type_text",
        "reason_text",
        "period_start",
        "period_end",
        "practitioner",
        "location",
    ],
    newest_first: "period_start DESC NULLS LAST, id",
};

const OBSERVATIONS: Table = Table {
    name: "observations",
    resource: "Observation",
    cols: &[
        "category",
        "status",
        "loinc",
        "display",
        "effective",
        "value_num",
        "unit",
        "value_text",
        "components",
        "encounter_source_id",
        "reference_range",
        "interpretation",
        "issued",
    ],
    newest_first: "effective DESC NULLS LAST, id",
};

const IMMUNIZATIONS: Table = Table {
    name: "immunizations",
    resource: "Immunization",
    cols: &[
        "status",
        "status_reason",
        "cvx",
        "vaccine_text",
        "occurrence",
        "lot_number",
        "site",
        "primary_source",
    ],
    newest_first: "occurrence DESC NULLS LAST, id",
};

const MEDICATION_REQUESTS: Table = Table {
    name: "medication_requests",
    resource: "MedicationRequest",
    cols: &[
        "status",
        "rxnorm",
        "medication_text",
        "dosage_text",
        "authored_on",
        "prescriber",
    ],
    newest_first: "authored_on DESC NULLS LAST, id",
};

const ALLERGIES: Table = Table {
    name: "allergies",
    resource: "AllergyIntolerance",
    cols: &[
        "display",
        "code",
        "clinical_status",
        "verification_status",
        "category",
        "criticality",
        "reaction",
        "recorded",
    ],
    newest_first: "recorded DESC NULLS LAST, id",
};

const CONDITIONS: Table = Table {
    name: "conditions",
    resource: "Condition",
    cols: &[
        "display",
        "code",
        "clinical_status",
        "verification_status",
        "onset",
        "abatement",
        "recorded",
    ],
    newest_first: "onset DESC NULLS LAST, recorded DESC NULLS LAST, id",
};

/// Appointments: the imported columns only (the family's confirmation and
/// cancellation live in other columns of the table, which an upsert keeps).
pub(crate) const APPOINTMENTS: Table = Table {
    name: "appointments",
    resource: "Appointment",
    cols: &[
        "status",
        "visit_type",
        "reason_text",
        "start_at",
        "end_at",
        "practitioner",
        "location",
        "video",
    ],
    newest_first: "start_at DESC NULLS LAST, id",
};

/// Every item table, in the order [`table_index`] numbers them.
pub(crate) const TABLES: [&Table; 9] = [
    &ENCOUNTERS,
    &OBSERVATIONS,
    &IMMUNIZATIONS,
    &MEDICATION_REQUESTS,
    &ALLERGIES,
    &CONDITIONS,
    &crate::results::DIAGNOSTIC_REPORTS,
    &crate::results::DOCUMENT_REFERENCES,
    &APPOINTMENTS,
];

fn table_index(item: &RecordItem) -> usize {
    match item {
        RecordItem::Encounter(_) => 0,
        RecordItem::Observation(_) => 1,
        RecordItem::Immunization(_) => 2,
        RecordItem::MedicationRequest(_) => 3,
        RecordItem::AllergyIntolerance(_) => 4,
        RecordItem::Condition(_) => 5,
        RecordItem::DiagnosticReport(_) => 6,
        RecordItem::DocumentReference(_) => 7,
        RecordItem::Appointment(_) => 8,
    }
}

/// `$3, $4, ...` for `n` values after a patient and a category: numbered
/// for both backends, since sqlx-sqlite numbers anonymous `?` from the first
/// argument, not after `$1, $2`.
fn numbered_from_3(n: usize) -> String {
    (3..3 + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn select_cols(t: &Table) -> String {
    ITEM_COMMON
        .iter()
        .chain(t.cols.iter())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// `INSERT INTO t (...) VALUES (...), ... ON CONFLICT (source_id) DO UPDATE`
/// for `rows` rows. The stored id is kept; everything else takes the new values.
pub(crate) fn upsert_sql(backend: Backend, t: &Table, rows: usize) -> String {
    let width = ITEM_COMMON.len() + t.cols.len();
    let values = (0..rows)
        .map(|r| format!("({})", placeholders(backend, r * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ");
    let updates = ITEM_COMMON[1..]
        .iter()
        .chain(t.cols.iter())
        .filter(|c| **c != "source_id")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO {} ({}) VALUES {values} ON CONFLICT (source_id) DO UPDATE SET {updates}",
        t.name,
        select_cols(t)
    )
}

/// Splits `n` into chunks of [`MAX_CHUNK`] and then descending powers of two,
/// so every chunk size is one of a few values.
fn chunk_sizes(mut n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while n >= MAX_CHUNK {
        out.push(MAX_CHUNK);
        n -= MAX_CHUNK;
    }
    let mut size = MAX_CHUNK / 2;
    while n > 0 {
        if n >= size {
            out.push(size);
            n -= size;
        }
        size /= 2;
    }
    out
}

pub(crate) fn bind_meta<'q>(q: AnyQuery<'q>, m: &'q ItemMeta, patient_id: &'q str) -> AnyQuery<'q> {
    q.bind(m.id.as_str())
        .bind(patient_id)
        .bind(m.source_id.as_str())
        .bind(m.labels.confidentiality.code())
        .bind(m.labels.sensitivity_text())
}

/// Binds one item's values in the column order of its [`Table`].
/// A nullable double as bound to a query.
///
/// Why not `Option<f64>`: sqlx 0.8.6's `Any` driver sends `None::<f64>` to
/// PostgreSQL as a *float4* NULL (its null mapping swaps `Real` and
/// `Double`), and a value as float8. A prepared statement keeps the
/// parameter types of its first use, so a multi-row insert first used with
/// no value in some row failed later with a value there ("incorrect binary
/// data format in bind parameter"): `sprout demo` could not seed
/// PostgreSQL at all. A NULL is bound with the kind that sqlx 0.8.6 maps
/// to float8.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NullDouble {
    Null,
    Value(f64),
}

impl sqlx::Type<Any> for NullDouble {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <f64 as sqlx::Type<Any>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, Any> for NullDouble {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        match self {
            Self::Value(v) => <f64 as sqlx::Encode<'q, Any>>::encode_by_ref(v, buf),
            Self::Null => {
                // sqlx 0.8.6 turns an f32 (`Real`) NULL into PostgreSQL's
                // float8 (and an f64 NULL into float4). The store contract's
                // `observations_with_and_without_values` fails if a later
                // sqlx changes this.
                <Option<f32> as sqlx::Encode<'q, Any>>::encode_by_ref(&None, buf)
            }
        }
    }
}

pub(crate) fn bind_item<'q>(
    q: AnyQuery<'q>,
    item: &'q RecordItem,
    patient_id: &'q str,
) -> AnyQuery<'q> {
    let q = bind_meta(q, item.meta(), patient_id);
    match item {
        RecordItem::Encounter(e) => q
            .bind(e.status.as_str())
            .bind(e.class_code.as_deref())
            .bind(e.type_text.as_deref())
            .bind(e.reason_text.as_deref())
            .bind(e.start.as_deref())
            .bind(e.end.as_deref())
            .bind(e.practitioner.as_deref())
            .bind(e.location.as_deref()),
        RecordItem::Observation(o) => q
            .bind(o.category.code())
            .bind(o.status.as_str())
            .bind(o.loinc.as_deref())
            .bind(o.display.as_str())
            .bind(o.effective.as_deref())
            .bind(o.value.map_or(NullDouble::Null, NullDouble::Value))
            .bind(o.unit.as_deref())
            .bind(o.value_text.as_deref())
            .bind(components_json(&o.components))
            .bind(o.encounter_source_id.as_deref())
            .bind(
                o.reference_range
                    .as_ref()
                    .and_then(|r| serde_json::to_string(r).ok()),
            )
            .bind(o.interpretation.as_deref())
            .bind(o.issued.as_deref()),
        RecordItem::Immunization(i) => q
            .bind(i.status.as_str())
            .bind(i.status_reason.as_deref())
            .bind(i.cvx.as_deref())
            .bind(i.vaccine_text.as_str())
            .bind(i.occurrence.map(|d| d.to_string()))
            .bind(i.lot_number.as_deref())
            .bind(i.site.as_deref())
            .bind(i.primary_source.map(i64::from)),
        RecordItem::MedicationRequest(m) => q
            .bind(m.status.as_str())
            .bind(m.rxnorm.as_deref())
            .bind(m.medication_text.as_str())
            .bind(m.dosage_text.as_deref())
            .bind(m.authored_on.as_deref())
            .bind(m.prescriber.as_deref()),
        RecordItem::AllergyIntolerance(a) => q
            .bind(a.display.as_str())
            .bind(a.code.as_deref())
            .bind(a.clinical_status.as_deref())
            .bind(a.verification_status.as_deref())
            .bind(a.category.as_deref())
            .bind(a.criticality.as_deref())
            .bind(a.reaction.as_deref())
            .bind(a.recorded.as_deref()),
        RecordItem::Condition(c) => q
            .bind(c.display.as_str())
            .bind(c.code.as_deref())
            .bind(c.clinical_status.as_deref())
            .bind(c.verification_status.as_deref())
            .bind(c.onset.as_deref())
            .bind(c.abatement.as_deref())
            .bind(c.recorded.as_deref()),
        RecordItem::DiagnosticReport(d) => crate::results::bind_report(q, d),
        RecordItem::DocumentReference(d) => crate::results::bind_document(q, d),
        RecordItem::Appointment(a) => q
            .bind(a.status.as_str())
            .bind(a.visit_type.as_deref())
            .bind(a.reason_text.as_deref())
            .bind(a.start.as_deref())
            .bind(a.end.as_deref())
            .bind(a.practitioner.as_deref())
            .bind(a.location.as_deref())
            .bind(i64::from(a.video)),
    }
}

fn components_json(c: &[ObservationComponent]) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(c).unwrap_or_else(|_| "[]".to_owned())
}

const PATIENT_COLS: &str = "id, source_id, mrn, given_name, family_name, birth_date, sex, \
     phone, email, address, gestation_weeks, confidentiality, sensitivity";

const PATIENT_UPDATES: &str = "mrn = excluded.mrn, given_name = excluded.given_name, \
     family_name = excluded.family_name, birth_date = excluded.birth_date, sex = excluded.sex, \
     phone = excluded.phone, email = excluded.email, address = excluded.address, \
     gestation_weeks = excluded.gestation_weeks, confidentiality = excluded.confidentiality, \
     sensitivity = excluded.sensitivity";

fn patient_upsert_sql(backend: Backend, by_source: bool) -> String {
    let key = if by_source { "source_id" } else { "id" };
    format!(
        "INSERT INTO patients ({PATIENT_COLS}) VALUES ({}) \
         ON CONFLICT ({key}) DO UPDATE SET {PATIENT_UPDATES} RETURNING id",
        placeholders(backend, 1, 13)
    )
}

fn patient_from_row(r: &AnyRow) -> StoreResult<Patient> {
    let gestation_weeks = row::opt_int(r, "gestation_weeks")?
        .map(|w| {
            u8::try_from(w)
                .map_err(|_| StoreError::Corrupt("column gestation_weeks: out of range".into()))
        })
        .transpose()?;
    Ok(Patient {
        id: row::id(r, "id", PatientId::parse)?,
        source_id: row::opt_text(r, "source_id")?,
        mrn: row::opt_text(r, "mrn")?,
        given_name: row::text(r, "given_name")?,
        family_name: row::text(r, "family_name")?,
        birth_date: row::date(r, "birth_date")?,
        sex: row::parsed(r, "sex")?,
        phone: row::opt_text(r, "phone")?,
        email: row::opt_text(r, "email")?,
        address: row::opt_text(r, "address")?,
        gestation_weeks,
        labels: row::labels(r)?,
    })
}

pub(crate) fn meta_from_row(r: &impl Cols) -> StoreResult<ItemMeta> {
    Ok(ItemMeta {
        id: row::id(r, "id", ItemId::parse)?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        source_id: row::text(r, "source_id")?,
        labels: row::labels(r)?,
    })
}

fn encounter_from_row(r: &impl Cols) -> StoreResult<Encounter> {
    Ok(Encounter {
        meta: meta_from_row(r)?,
        status: row::text(r, "status")?,
        class_code: row::opt_text(r, "class_code")?,
        type_text: row::opt_text(r, "type_text")?,
        reason_text: row::opt_text(r, "reason_text")?,
        start: row::opt_text(r, "period_start")?,
        end: row::opt_text(r, "period_end")?,
        practitioner: row::opt_text(r, "practitioner")?,
        location: row::opt_text(r, "location")?,
    })
}

fn observation_from_row(r: &impl Cols) -> StoreResult<Observation> {
    let category = ObservationCategory::from_code(&row::text(r, "category")?)
        .ok_or_else(|| StoreError::Corrupt("column category: unknown code".into()))?;
    let components: Vec<ObservationComponent> = serde_json::from_str(&row::text(r, "components")?)
        .map_err(|_| StoreError::Corrupt("column components: not valid JSON".into()))?;
    Ok(Observation {
        meta: meta_from_row(r)?,
        category,
        status: row::text(r, "status")?,
        loinc: row::opt_text(r, "loinc")?,
        display: row::text(r, "display")?,
        effective: row::opt_text(r, "effective")?,
        value: row::opt_real(r, "value_num")?,
        unit: row::opt_text(r, "unit")?,
        value_text: row::opt_text(r, "value_text")?,
        components,
        encounter_source_id: row::opt_text(r, "encounter_source_id")?,
        reference_range: row::opt_text(r, "reference_range")?
            .map(|t| {
                serde_json::from_str(&t).map_err(|_| {
                    StoreError::Corrupt("column reference_range: not valid JSON".into())
                })
            })
            .transpose()?,
        interpretation: row::opt_text(r, "interpretation")?,
        issued: row::opt_text(r, "issued")?,
    })
}

fn immunization_from_row(r: &impl Cols) -> StoreResult<Immunization> {
    Ok(Immunization {
        meta: meta_from_row(r)?,
        status: row::text(r, "status")?,
        status_reason: row::opt_text(r, "status_reason")?,
        cvx: row::opt_text(r, "cvx")?,
        vaccine_text: row::text(r, "vaccine_text")?,
        occurrence: row::opt_date(r, "occurrence")?,
        lot_number: row::opt_text(r, "lot_number")?,
        site: row::opt_text(r, "site")?,
        primary_source: row::opt_flag(r, "primary_source")?,
    })
}

fn medication_request_from_row(r: &impl Cols) -> StoreResult<MedicationRequest> {
    Ok(MedicationRequest {
        meta: meta_from_row(r)?,
        status: row::text(r, "status")?,
        rxnorm: row::opt_text(r, "rxnorm")?,
        medication_text: row::text(r, "medication_text")?,
        dosage_text: row::opt_text(r, "dosage_text")?,
        authored_on: row::opt_text(r, "authored_on")?,
        prescriber: row::opt_text(r, "prescriber")?,
    })
}

fn allergy_from_row(r: &impl Cols) -> StoreResult<AllergyIntolerance> {
    Ok(AllergyIntolerance {
        meta: meta_from_row(r)?,
        display: row::text(r, "display")?,
        code: row::opt_text(r, "code")?,
        clinical_status: row::opt_text(r, "clinical_status")?,
        verification_status: row::opt_text(r, "verification_status")?,
        category: row::opt_text(r, "category")?,
        criticality: row::opt_text(r, "criticality")?,
        reaction: row::opt_text(r, "reaction")?,
        recorded: row::opt_text(r, "recorded")?,
    })
}

fn condition_from_row(r: &impl Cols) -> StoreResult<Condition> {
    Ok(Condition {
        meta: meta_from_row(r)?,
        display: row::text(r, "display")?,
        code: row::opt_text(r, "code")?,
        clinical_status: row::opt_text(r, "clinical_status")?,
        verification_status: row::opt_text(r, "verification_status")?,
        onset: row::opt_text(r, "onset")?,
        abatement: row::opt_text(r, "abatement")?,
        recorded: row::opt_text(r, "recorded")?,
    })
}

/// Keeps the last of several entries with the same key, in first-seen order
/// (one statement may not upsert the same row twice in PostgreSQL).
fn dedup_last<T>(items: Vec<&T>, key: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        last.insert(key(it), i);
    }
    if last.len() == items.len() {
        return items;
    }
    items
        .iter()
        .enumerate()
        .filter(|(i, it)| last.get(key(it)) == Some(i))
        .map(|(_, it)| *it)
        .collect()
}

/// Removes repeats, keeping first occurrences.
fn distinct<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    values.into_iter().filter(|v| seen.insert(*v)).collect()
}

impl SqlStore {
    /// Writes a record batch inside the caller's transaction `tx`.
    pub(crate) async fn write_batch(
        &self,
        tx: &mut AnyConnection,
        batch: &ImportBatch,
    ) -> StoreResult<WrittenCounts> {
        let mut counts = WrittenCounts::new();

        // Patients one by one: each returns the id it is stored under, which
        // differs from the batch's when its source id was already stored.
        let mut stored_ids: HashMap<&str, String> = HashMap::new();
        let by_source_sql = patient_upsert_sql(self.backend, true);
        let by_id_sql = patient_upsert_sql(self.backend, false);
        for p in &batch.patients {
            let sql = if p.source_id.is_some() {
                &by_source_sql
            } else {
                &by_id_sql
            };
            let stored: String = sqlx::query(sql)
                .bind(p.id.as_str())
                .bind(p.source_id.as_deref())
                .bind(p.mrn.as_deref())
                .bind(p.given_name.as_str())
                .bind(p.family_name.as_str())
                .bind(p.birth_date.to_string())
                .bind(p.sex.code())
                .bind(p.phone.as_deref())
                .bind(p.email.as_deref())
                .bind(p.address.as_deref())
                .bind(p.gestation_weeks.map(i64::from))
                .bind(p.labels.confidentiality.code())
                .bind(p.labels.sensitivity_text())
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?
                .try_get(0)
                .map_err(map_err)?;
            if stored != p.id.as_str() {
                stored_ids.insert(p.id.as_str(), stored);
            }
        }
        if !batch.patients.is_empty() {
            counts.insert("Patient".to_owned(), batch.patients.len() as u64);
        }

        let mut groups: [Vec<&RecordItem>; 9] = Default::default();
        for item in &batch.items {
            groups[table_index(item)].push(item);
        }
        for (t, group) in TABLES.iter().zip(groups) {
            if group.is_empty() {
                continue;
            }
            let rows = dedup_last(group, |i| i.meta().source_id.as_str());
            let mut rest = rows.as_slice();
            for size in chunk_sizes(rows.len()) {
                let (chunk, tail) = rest.split_at(size);
                rest = tail;
                let sql = upsert_sql(self.backend, t, size);
                let mut q = sqlx::query(&sql);
                for item in chunk {
                    let pid = item.meta().patient_id.as_str();
                    let pid = stored_ids.get(pid).map_or(pid, String::as_str);
                    q = bind_item(q, item, pid);
                }
                q.execute(&mut *tx).await.map_err(map_err)?;
            }
            *counts.entry(t.resource.to_owned()).or_default() += rows.len() as u64;
        }

        Ok(counts)
    }

    /// Runs `sql` (a [`json_list_sql`] statement over Observations) with `$1`
    /// the patient, `$2` the category and `$3...` the LOINC codes (see
    /// [`numbered_from_3`]); no codes, no Observations (and no statement).
    async fn coded_observations(
        &self,
        sql: &str,
        patient: &PatientId,
        category: ObservationCategory,
        loinc: &[&str],
    ) -> StoreResult<Vec<Observation>> {
        if loinc.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::query(sql)
            .bind(patient.as_str())
            .bind(category.code());
        for c in loinc {
            q = q.bind(*c);
        }
        self.json_list(q, item_names(&OBSERVATIONS), observation_from_row)
            .await
    }

    /// Runs `q`, a [`json_list_sql`] statement, and decodes its rows (named by
    /// `names`) with `decode`.
    pub(crate) async fn json_list<T>(
        &self,
        q: AnyQuery<'_>,
        names: Names,
        decode: fn(&JsonRow) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let text: String = q.read_one(self).await?.try_get(0).map_err(map_err)?;
        json_rows(&text, names)?.iter().map(decode).collect()
    }

    /// An item table's items of `patient` (and `extra_where`, with
    /// `extra_arg` as `$2`), newest first, in one statement.
    pub(crate) async fn item_list<T>(
        &self,
        t: &Table,
        patient: &PatientId,
        extra_where: &str,
        extra_arg: Option<&str>,
        decode: fn(&JsonRow) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let sql = json_list_sql(
            self.backend,
            &item_exprs(t),
            &format!("{} WHERE patient_id = $1{extra_where}", t.name),
            t.newest_first,
        );
        let mut q = sqlx::query(&sql).bind(patient.as_str());
        if let Some(a) = extra_arg {
            q = q.bind(a);
        }
        self.json_list(q, item_names(t), decode).await
    }
}

/// The names of an item table's columns, as [`select_cols`] lists them.
pub(crate) fn item_names(t: &Table) -> Names {
    [&ITEM_COMMON, t.cols]
}

/// An item table's columns, as [`select_cols`] lists them.
fn item_exprs(t: &Table) -> Vec<&'static str> {
    ITEM_COMMON.iter().chain(t.cols).copied().collect()
}

#[async_trait]
impl RecordStore for SqlStore {
    #[tracing::instrument(skip_all, fields(n = source_ids.len()))]
    async fn patient_ids_by_source(
        &self,
        source_ids: &[String],
    ) -> StoreResult<BTreeMap<String, PatientId>> {
        let wanted = distinct(source_ids.iter().map(String::as_str));
        let mut out = BTreeMap::new();
        for chunk in wanted.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT id, source_id FROM patients WHERE source_id IN ({})",
                placeholders(self.backend, 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q.bind(*s);
            }
            for r in q.read_all(self).await? {
                out.insert(
                    row::text(&r, "source_id")?,
                    row::id(&r, "id", PatientId::parse)?,
                );
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all, fields(patients = batch.patients.len(), items = batch.items.len()))]
    async fn import_batch(&self, batch: &ImportBatch) -> StoreResult<WrittenCounts> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let counts = self.write_batch(&mut tx, batch).await?;
        tx.commit().await.map_err(map_err)?;
        if !batch.patients.is_empty() {
            self.access_changed();
        }
        Ok(counts)
    }

    #[tracing::instrument(skip_all, fields(resource_type = %resource_type, n = source_ids.len()))]
    async fn count_by_source(
        &self,
        resource_type: &str,
        source_ids: &[String],
    ) -> StoreResult<u64> {
        let table = if resource_type == "Patient" {
            "patients"
        } else if let Some(t) = TABLES.iter().find(|t| t.resource == resource_type) {
            t.name
        } else {
            // No such kind of item is ever stored.
            return Ok(0);
        };
        let wanted = distinct(source_ids.iter().map(String::as_str));
        let mut total = 0u64;
        for chunk in wanted.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE source_id IN ({})",
                placeholders(self.backend, 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q.bind(*s);
            }
            let r = q.read_one(self).await?;
            total += u64::try_from(row::int(&r, "n")?).unwrap_or(0);
        }
        Ok(total)
    }

    #[tracing::instrument(skip_all)]
    async fn patient(&self, id: &PatientId) -> StoreResult<Option<Patient>> {
        let sql = format!("SELECT {PATIENT_COLS} FROM patients WHERE id = $1");
        sqlx::query(&sql)
            .bind(id.as_str())
            .read_optional(self)
            .await?
            .as_ref()
            .map(patient_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn patient_by_mrn(&self, mrn: &str) -> StoreResult<Option<Patient>> {
        let sql = format!("SELECT {PATIENT_COLS} FROM patients WHERE mrn = $1 ORDER BY id LIMIT 2");
        let rows = sqlx::query(&sql).bind(mrn).read_all(self).await?;
        match rows.as_slice() {
            [] => Ok(None),
            [one] => patient_from_row(one).map(Some),
            _ => Err(StoreError::Conflict(
                "more than one patient has this MRN".into(),
            )),
        }
    }

    #[tracing::instrument(skip_all, fields(n = ids.len()))]
    async fn patients(&self, ids: &[PatientId]) -> StoreResult<Vec<Patient>> {
        let wanted = distinct(ids.iter().map(PatientId::as_str));
        let mut out = Vec::with_capacity(wanted.len());
        for chunk in wanted.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT {PATIENT_COLS} FROM patients WHERE id IN ({}) ORDER BY birth_date, id",
                placeholders(self.backend, 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q.bind(*s);
            }
            for r in q.read_all(self).await? {
                out.push(patient_from_row(&r)?);
            }
        }
        if wanted.len() > IN_CHUNK {
            out.sort_by(|a, b| (a.birth_date, &a.id).cmp(&(b.birth_date, &b.id)));
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn item_counts(&self, patient: &PatientId) -> StoreResult<PatientCounts> {
        // One row per kind: (kind, all, labelled). One pass over each of the
        // patient's index ranges.
        const LABELLED: &str =
            "COALESCE(SUM(CASE WHEN confidentiality <> 'normal' OR sensitivity <> '' THEN 1 ELSE 0 END), 0)";
        let part = |kind: &str, from: &str| {
            format!("SELECT '{kind}' AS kind, COUNT(*) AS n, {LABELLED} AS labelled FROM {from}")
        };
        let sql = [
            part("encounters", "encounters WHERE patient_id = $1"),
            part(
                "vitals",
                "observations WHERE patient_id = $1 AND category = 'vital-signs'",
            ),
            part(
                "labs",
                "observations WHERE patient_id = $1 AND category = 'laboratory'",
            ),
            part("immunizations", "immunizations WHERE patient_id = $1"),
            part("medications", "medication_requests WHERE patient_id = $1"),
            part("allergies", "allergies WHERE patient_id = $1"),
            part("conditions", "conditions WHERE patient_id = $1"),
        ]
        .join(" UNION ALL ");
        let rows = sqlx::query(&sql)
            .bind(patient.as_str())
            .read_all(self)
            .await?;
        let mut out = PatientCounts::default();
        for r in &rows {
            let n = |c: &str| row::int(r, c).map(|v| u64::try_from(v).unwrap_or(0));
            let (all, labelled) = (n("n")?, n("labelled")?);
            let kind = row::text(r, "kind")?;
            let (a, l) = match kind.as_str() {
                "encounters" => (&mut out.all.encounters, &mut out.labelled.encounters),
                "vitals" => (&mut out.all.vitals, &mut out.labelled.vitals),
                "labs" => (&mut out.all.lab_results, &mut out.labelled.lab_results),
                "immunizations" => (&mut out.all.immunizations, &mut out.labelled.immunizations),
                "medications" => (&mut out.all.medications, &mut out.labelled.medications),
                "allergies" => (&mut out.all.allergies, &mut out.labelled.allergies),
                "conditions" => (&mut out.all.conditions, &mut out.labelled.conditions),
                other => return Err(StoreError::Corrupt(format!("count kind {other}"))),
            };
            *a = all;
            *l = labelled;
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all, fields(category = category.code(), n = loinc.len()))]
    async fn latest_observations(
        &self,
        patient: &PatientId,
        category: ObservationCategory,
        loinc: &[&str],
    ) -> StoreResult<Vec<Observation>> {
        let cols = select_cols(&OBSERVATIONS);
        let order = OBSERVATIONS.newest_first;
        let sql = json_list_sql(
            self.backend,
            &item_exprs(&OBSERVATIONS),
            &format!(
                "(SELECT {cols}, ROW_NUMBER() OVER (PARTITION BY loinc ORDER BY {order}) AS rn \
                 FROM observations WHERE patient_id = $1 AND category = $2 AND loinc IN ({})) newest \
                 WHERE rn = 1",
                numbered_from_3(loinc.len())
            ),
            order,
        );
        self.coded_observations(&sql, patient, category, loinc)
            .await
    }

    #[tracing::instrument(skip_all, fields(codes = loinc.len()))]
    async fn observations_coded(
        &self,
        patient: &PatientId,
        category: ObservationCategory,
        loinc: &[&str],
    ) -> StoreResult<Vec<Observation>> {
        let sql = json_list_sql(
            self.backend,
            &item_exprs(&OBSERVATIONS),
            &format!(
                "observations WHERE patient_id = $1 AND category = $2 AND loinc IN ({})",
                numbered_from_3(loinc.len())
            ),
            OBSERVATIONS.newest_first,
        );
        self.coded_observations(&sql, patient, category, loinc)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn encounters(&self, patient: &PatientId) -> StoreResult<Vec<Encounter>> {
        self.item_list(&ENCOUNTERS, patient, "", None, encounter_from_row)
            .await
    }

    #[tracing::instrument(skip_all, fields(category = category.code()))]
    async fn observations(
        &self,
        patient: &PatientId,
        category: ObservationCategory,
    ) -> StoreResult<Vec<Observation>> {
        self.item_list(
            &OBSERVATIONS,
            patient,
            " AND category = $2",
            Some(category.code()),
            observation_from_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn immunizations(&self, patient: &PatientId) -> StoreResult<Vec<Immunization>> {
        self.item_list(&IMMUNIZATIONS, patient, "", None, immunization_from_row)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn medication_requests(
        &self,
        patient: &PatientId,
    ) -> StoreResult<Vec<MedicationRequest>> {
        self.item_list(
            &MEDICATION_REQUESTS,
            patient,
            "",
            None,
            medication_request_from_row,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn allergies(&self, patient: &PatientId) -> StoreResult<Vec<AllergyIntolerance>> {
        self.item_list(&ALLERGIES, patient, "", None, allergy_from_row)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn conditions(&self, patient: &PatientId) -> StoreResult<Vec<Condition>> {
        self.item_list(&CONDITIONS, patient, "", None, condition_from_row)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_add_up_and_use_few_sizes() {
        for n in 0..1000 {
            let sizes = chunk_sizes(n);
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes.iter().all(|s| s.is_power_of_two() && *s <= MAX_CHUNK));
        }
        assert_eq!(chunk_sizes(300), vec![128, 128, 32, 8, 4]);
    }

    #[test]
    fn upsert_keeps_id_and_source_id() {
        let sql = upsert_sql(Backend::Postgres, &ENCOUNTERS, 2);
        assert!(
            sql.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13), ($14,")
        );
        let lite = upsert_sql(Backend::Sqlite, &ENCOUNTERS, 2);
        assert_eq!(lite.matches('?').count(), 26);
        assert!(!lite.contains('$'));
        assert!(sql.ends_with("location = excluded.location"));
        assert!(!sql.contains("id = excluded.id,"));
        assert!(!sql.contains("source_id = excluded"));
        assert!(sql.contains("patient_id = excluded.patient_id"));
    }

    #[test]
    fn dedup_keeps_last_of_each_key() {
        let items = [("a", 1), ("b", 2), ("a", 3)];
        let kept = dedup_last(items.iter().collect(), |x| x.0);
        assert_eq!(kept, vec![&("b", 2), &("a", 3)]);
    }
}
