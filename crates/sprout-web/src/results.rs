//! Results, notes and documents (issue 7):
//!
//! - `GET /patients/{id}/lab-results`: laboratory results grouped by the
//!   reports that order them, with reference ranges and abnormal flags, and
//!   other diagnostic reports with their text. A family member may ask here
//!   that new results be held until a clinician has talked to them
//!   (`POST /patients/{id}/results-hold`, ended by
//!   `POST /patients/{id}/results-hold/end`).
//! - `GET /patients/{id}/notes`: clinical notes, visit summaries and other
//!   documents, with their text; `GET /patients/{id}/documents/{item}` downloads
//!   an attached PDF (audited as an `export`, served as an attachment that no
//!   browser renders in the portal's origin).
//! - `GET|POST /patients/{id}/items/{item}/labels`: a clinician sees why an
//!   item is sensitive (the rules that matched at import, earlier
//!   corrections) and marks or unmarks it restricted or sensitive, with a
//!   reason; audited, in force from the next request.
//! - `GET|POST /release-queue`: nurses and clinicians release items that wait
//!   for them (`on-staff-release` rules, families' holds, delays).
//!
//! Every item reaches these pages through the one read path
//! ([`crate::read`]): the access policy, then the release rules. Handlers hold
//! no rules: availability is [`sprout_domain::release::availability`].

use crate::audit::{self, Entry, Outcome};
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::pages::{self, Current, Page};
use crate::read::{self, Data, Want};
use crate::views::{self, Chrome, PatientFrame};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use serde::Deserialize;
use sprout_domain::people::StaffRole;
use sprout_domain::record::{Confidentiality, Labels, Observation, Sensitivity};
use sprout_domain::release::{self, Availability, ReleaseCategory, ResultHold};
use sprout_domain::results::{
    flag, range_for_result, DiagnosticReport, DocumentKind, DocumentReference,
};
use sprout_domain::{ItemId, PatientId};
use sprout_store::results::{ItemRelease, LabelCorrection, StoredHold};
use std::collections::{BTreeMap, HashSet};

/// The pages' stylesheet, embedded and served at `/static/results.css`.
const RESULTS_CSS: &str = include_str!("../static/results.css");

/// `GET /static/results.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        RESULTS_CSS,
    )
}

/// The routes of this module (merged into the page router, inside the
/// request context).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/lab-results", get(results_page))
        .route("/patients/{id}/notes", get(notes_page))
        .route("/patients/{id}/documents/{item}", get(document_download))
        .route(
            "/patients/{id}/items/{item}/labels",
            get(labels_page).post(labels_change),
        )
        .route("/patients/{id}/results-hold", post(hold_start))
        .route("/patients/{id}/results-hold/end", post(hold_end))
        .route("/release-queue", get(queue_page).post(queue_release))
}

/// Longest reason a clinician may give for a correction.
const MAX_REASON: usize = 500;

/// Items the release queue lists at most.
const QUEUE_LIMIT: u32 = 200;

// ---------------------------------------------------------------------------
// Shared words
// ---------------------------------------------------------------------------

/// A UCUM unit as people read it (`10*3/uL` -> `10³/µL`).
fn unit_text(unit: &str) -> String {
    unit.replace("10*3", "10³")
        .replace("10*6", "10⁶")
        .replace("10*9", "10⁹")
        .replace("uL", "µL")
        .replace("[iU]", "IU")
}

/// A number with its unit.
fn with_unit(t: &Tr<'_>, value: f64, unit: Option<&str>) -> String {
    let n = t.num(value, 2);
    match unit {
        Some("%") => format!("{n} %"),
        Some(u) if !u.is_empty() => format!("{n} {}", unit_text(u)),
        _ => n,
    }
}

/// The date of a FHIR time, or "date unknown".
fn date_of(t: &Tr<'_>, text: Option<&str>) -> String {
    text.and_then(|s| t.date_text(s))
        .unwrap_or_else(|| t.get("date-unknown"))
}

/// Sensitivity badges and the restricted badge, for staff.
fn label_words(t: &Tr<'_>, labels: &Labels) -> Vec<String> {
    let mut out = Vec::new();
    if labels.confidentiality == Confidentiality::Restricted {
        out.push(t.get("labels-restricted"));
    }
    out.extend(
        labels
            .sensitivity
            .iter()
            .map(|s| t.get(&format!("sensitivity-{}", s.code()))),
    );
    out
}

fn is_clinician(user: &SignedIn) -> bool {
    user.actor.staff_role == Some(StaffRole::Clinician)
}

fn labels_href(patient: &str, item: &ItemId) -> String {
    format!("/patients/{patient}/items/{item}/labels")
}

// ---------------------------------------------------------------------------
// Results page
// ---------------------------------------------------------------------------

/// One result in a table.
pub(crate) struct ResultRow {
    pub name: String,
    pub value: String,
    pub range: Option<String>,
    /// (`low`/`high`/`abnormal`/`normal`, the words).
    pub flag: Option<(&'static str, String)>,
    pub date: String,
    pub labels: Vec<String>,
    pub labels_href: Option<String>,
}

/// A report with its results.
pub(crate) struct ReportCard {
    pub title: String,
    pub date: String,
    pub status: Option<String>,
    pub conclusion: Option<String>,
    pub text: Option<String>,
    pub rows: Vec<ResultRow>,
    pub labels: Vec<String>,
    pub labels_href: Option<String>,
}

/// The family's hold, as the page offers it.
pub(crate) struct HoldBox {
    /// A hold is in force.
    pub active: bool,
    /// The signed-in user may end it (they asked for it).
    pub can_end: bool,
    pub start_action: String,
    pub end_action: String,
}

#[derive(Template)]
#[template(path = "results/lab_results.html")]
pub(crate) struct ResultsPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub reports: Vec<ReportCard>,
    pub ungrouped: Vec<ResultRow>,
    pub other_reports: Vec<ReportCard>,
    pub hold: Option<HoldBox>,
    pub notice: Option<String>,
}

/// One result as shown: value, the range it is judged against (the
/// laboratory's, else a typical range for the patient's age on the day, see
/// [`range_for_result`]) and its flag.
fn result_row(
    t: &Tr<'_>,
    o: &Observation,
    patient: &str,
    birth_date: jiff::civil::Date,
    clinician: bool,
) -> ResultRow {
    let judged = range_for_result(
        o.reference_range.as_ref(),
        o.loinc.as_deref(),
        o.unit.as_deref(),
        birth_date,
        o.effective
            .as_deref()
            .and_then(|e| e.get(..10))
            .and_then(|d| d.parse().ok()),
    );
    let value = match (o.value, &o.value_text) {
        (Some(v), _) => with_unit(t, v, o.unit.as_deref()),
        (None, Some(text)) => text.clone(),
        (None, None) => t.get("results-no-value"),
    };
    let range = judged.as_ref().and_then(|r| {
        let unit = r.unit.as_deref().or(o.unit.as_deref());
        let text = match (r.low, r.high) {
            (Some(l), Some(h)) => Some(format!("{}–{}", t.num(l, 2), with_unit(t, h, unit))),
            (None, Some(h)) => Some(format!("≤ {}", with_unit(t, h, unit))),
            (Some(l), None) => Some(format!("≥ {}", with_unit(t, l, unit))),
            (None, None) => r.text.clone(),
        }?;
        Some(if r.typical {
            t.with("results-typical-range", &[("range", Arg::Text(&text))])
        } else {
            text
        })
    });
    let flag = flag(o.value, judged.as_ref(), o.interpretation.as_deref())
        .map(|f| (f.code(), t.get(&format!("results-flag-{}", f.code()))));
    ResultRow {
        name: o.display.clone(),
        value,
        range,
        flag,
        date: date_of(t, o.effective.as_deref()),
        labels: if clinician {
            label_words(t, &o.meta.labels)
        } else {
            Vec::new()
        },
        labels_href: clinician.then(|| labels_href(patient, &o.meta.id)),
    }
}

fn report_card(
    t: &Tr<'_>,
    r: &DiagnosticReport,
    rows: Vec<ResultRow>,
    patient: &str,
    clinician: bool,
) -> ReportCard {
    ReportCard {
        title: r.display.clone(),
        date: date_of(t, r.effective.as_deref().or(r.issued.as_deref())),
        status: (!matches!(r.status.as_str(), "final" | "amended" | "corrected"))
            .then(|| t.get(&format!("report-status-{}", r.status))),
        conclusion: r.conclusion.clone(),
        text: r.text.clone(),
        rows,
        labels: if clinician {
            label_words(t, &r.meta.labels)
        } else {
            Vec::new()
        },
        labels_href: clinician.then(|| labels_href(patient, &r.meta.id)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NoticeQuery {
    done: String,
}

/// `GET /patients/{id}/lab-results`.
async fn results_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<NoticeQuery>, QueryRejection>,
) -> WebResult<Response> {
    let raw = path.ok().map(|Path(id)| id);
    let mut v = read::view(&state, &ctx, &user, raw.as_deref(), Want::Results).await?;
    let (reports, observations) = match std::mem::replace(&mut v.data, Data::Documents(Vec::new()))
    {
        Data::Results {
            reports,
            observations,
        } => (reports, observations),
        _ => return Err(WebError::NotFound),
    };
    let t = state.i18n().tr(ctx.locale);
    let id = v.patient.id.as_str().to_owned();
    let birth = v.patient.birth_date;
    let clinician = is_clinician(&user);
    let mut placed: HashSet<&str> = HashSet::new();
    let by_source: BTreeMap<&str, &Observation> = observations
        .iter()
        .map(|o| (o.meta.source_id.as_str(), o))
        .collect();
    let mut cards = Vec::new();
    let mut others = Vec::new();
    for r in &reports {
        let rows: Vec<ResultRow> = r
            .result_source_ids
            .iter()
            .filter_map(|s| by_source.get(s.as_str()))
            .map(|o| {
                placed.insert(o.meta.source_id.as_str());
                result_row(&t, o, &id, birth, clinician)
            })
            .collect();
        if r.is_laboratory() {
            // A panel none of whose results the user may see is not shown.
            if !rows.is_empty() || r.conclusion.is_some() || r.text.is_some() {
                cards.push(report_card(&t, r, rows, &id, clinician));
            }
        } else {
            others.push(report_card(&t, r, rows, &id, clinician));
        }
    }
    let ungrouped = observations
        .iter()
        .filter(|o| !placed.contains(o.meta.source_id.as_str()))
        .map(|o| result_row(&t, o, &id, birth, clinician))
        .collect();
    let hold = if user.actor.staff_role.is_none() {
        let holds = state.store().result_holds(&v.patient.id).await?;
        let now = state.clock().now();
        let active = holds.iter().rev().find(|h| {
            ResultHold {
                requested_at: h.requested_at,
                ended_at: h.ended_at,
            }
            .active(now)
        });
        Some(HoldBox {
            active: active.is_some(),
            can_end: active.is_some_and(|h| h.requested_by == user.actor.account_id),
            start_action: format!("/patients/{id}/results-hold"),
            end_action: format!("/patients/{id}/results-hold/end"),
        })
    } else {
        None
    };
    let notice = query.ok().and_then(|Query(q)| match q.done.as_str() {
        "held" => Some(t.get("results-hold-started")),
        "unheld" => Some(t.get("results-hold-ended")),
        _ => None,
    });
    let f = pages::frame(&t, &v, Current::Page(Page::LabResults));
    let title = format!("{} · {}", t.get("tab-lab-results"), f.patient.name);
    let page = ResultsPage {
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        reports: cards,
        ungrouped,
        other_reports: others,
        hold,
        notice,
    };
    Ok(Html(views::render(&page)?).into_response())
}

// ---------------------------------------------------------------------------
// Notes and documents
// ---------------------------------------------------------------------------

/// One document.
pub(crate) struct DocCard {
    pub title: String,
    pub kind: String,
    pub date: String,
    pub author: Option<String>,
    pub description: Option<String>,
    pub text: Option<String>,
    /// (href, "Download PDF (12 KB)").
    pub download: Option<(String, String)>,
    pub labels: Vec<String>,
    pub labels_href: Option<String>,
}

#[derive(Template)]
#[template(path = "results/notes.html")]
pub(crate) struct NotesPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub docs: Vec<DocCard>,
}

fn doc_card(t: &Tr<'_>, d: &DocumentReference, patient: &str, clinician: bool) -> DocCard {
    let kind = match d.kind {
        DocumentKind::VisitSummary => "docs-kind-visit-summary",
        DocumentKind::ClinicalNote => "docs-kind-clinical-note",
        DocumentKind::Document => "docs-kind-document",
    };
    let download = d.attachment.as_ref().map(|a| {
        let kb = a.size.map_or(0, |s| s.div_ceil(1024));
        (
            format!("/patients/{patient}/documents/{}", d.meta.id),
            t.with(
                "docs-download",
                &[("kb", Arg::Num(i64::try_from(kb).unwrap_or(i64::MAX)))],
            ),
        )
    });
    DocCard {
        title: d.type_text.clone(),
        kind: t.get(kind),
        date: date_of(t, d.date.as_deref()),
        author: d.author.clone(),
        description: d.description.clone(),
        text: d.text.clone(),
        download,
        labels: if clinician {
            label_words(t, &d.meta.labels)
        } else {
            Vec::new()
        },
        labels_href: clinician.then(|| labels_href(patient, &d.meta.id)),
    }
}

/// `GET /patients/{id}/notes`.
async fn notes_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let raw = path.ok().map(|Path(id)| id);
    let mut v = read::view(&state, &ctx, &user, raw.as_deref(), Want::Documents).await?;
    let Data::Documents(docs) = std::mem::replace(&mut v.data, Data::Documents(Vec::new())) else {
        return Err(WebError::NotFound);
    };
    let t = state.i18n().tr(ctx.locale);
    let id = v.patient.id.as_str().to_owned();
    let clinician = is_clinician(&user);
    let docs = docs
        .iter()
        .map(|d| doc_card(&t, d, &id, clinician))
        .collect();
    let f = pages::frame(&t, &v, Current::Page(Page::Notes));
    let title = format!("{} · {}", t.get("tab-notes"), f.patient.name);
    let page = NotesPage {
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        docs,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /patients/{id}/documents/{item}`: the attached PDF, as an attachment
/// (`Content-Disposition: attachment`, `nosniff`, a sandboxing
/// `Content-Security-Policy`, never cached), under a fixed file name.
async fn document_download(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
) -> WebResult<Response> {
    let (raw, item) = match path {
        Ok(Path((id, item))) => (Some(id), item),
        Err(_) => (None, String::new()),
    };
    let (_, doc) = read::document(&state, &ctx, &user, raw.as_deref(), &item).await?;
    let Some(data) = doc.attachment.and_then(|a| a.data) else {
        return Err(WebError::NotFound);
    };
    let bytes = tokio::task::spawn_blocking(move || {
        base64::engine::general_purpose::STANDARD.decode(data.as_bytes())
    })
    .await?
    .map_err(|_| WebError::Internal("stored attachment is not base64".into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"document.pdf\"",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'",
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Clinician correction of labels
// ---------------------------------------------------------------------------

/// One category's checkbox.
pub(crate) struct CategoryBox {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

/// One earlier correction.
pub(crate) struct CorrectionLine {
    pub when: String,
    pub labels: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "results/labels.html")]
pub(crate) struct LabelsPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub item: String,
    pub kind: String,
    pub current: String,
    pub matches: Vec<String>,
    pub corrections: Vec<CorrectionLine>,
    pub restricted: bool,
    pub categories: Vec<CategoryBox>,
    pub reason: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub action: String,
}

/// The labels form.
#[derive(Debug, Default)]
pub(crate) struct LabelsForm {
    csrf: String,
    restricted: bool,
    categories: Vec<Sensitivity>,
    reason: String,
}

impl LabelsForm {
    /// Reads the urlencoded pairs (repeated `category` fields). Unknown
    /// categories are refused.
    fn parse(pairs: Vec<(String, String)>) -> WebResult<Self> {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => f.csrf = v,
                "restricted" => f.restricted = v == "on" || v == "1" || v == "true",
                "category" => {
                    let c: Sensitivity = v
                        .parse()
                        .map_err(|_| WebError::BadRequest("unknown category"))?;
                    if !f.categories.contains(&c) {
                        f.categories.push(c);
                    }
                }
                "reason" => f.reason = v,
                _ => {}
            }
        }
        f.categories.sort();
        Ok(f)
    }
}

/// The patient and item of a labels request, for a clinician; anyone else,
/// and any unknown item, gets the 404.
async fn open_item(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw: Option<&str>,
    raw_item: &str,
) -> WebResult<(read::View, sprout_store::results::LabeledItem)> {
    if !is_clinician(user) {
        return Err(WebError::NotFound);
    }
    let v = read::view(state, ctx, user, raw, Want::Summary).await?;
    let item = match ItemId::parse(raw_item) {
        Some(i) => state.store().labeled_item(&v.patient.id, &i).await?,
        None => None,
    };
    let item = item.ok_or(WebError::NotFound)?;
    Ok((v, item))
}

fn labels_text(t: &Tr<'_>, labels: &Labels) -> String {
    let words = label_words(t, labels);
    if words.is_empty() {
        t.get("labels-none")
    } else {
        words.join(", ")
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_labels(
    state: &AppState,
    ctx: &Ctx,
    v: &read::View,
    item: &sprout_store::results::LabeledItem,
    form: Option<&LabelsForm>,
    error: Option<String>,
    notice: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let store = state.store();
    let matches = store
        .label_matches(&item.resource_type, &item.source_id)
        .await?
        .into_iter()
        .map(|m| match m.category {
            Some(c) => format!(
                "{} ({})",
                m.rule,
                t.get(&format!("sensitivity-{}", c.code()))
            ),
            None => format!("{} ({})", m.rule, t.get("labels-restricted")),
        })
        .collect();
    let corrections = store
        .label_corrections(&item.id)
        .await?
        .into_iter()
        .map(|c| CorrectionLine {
            when: t.date(c.at.to_zoned(state.config().time_zone.clone()).date()),
            labels: labels_text(&t, &c.labels),
            reason: c.reason,
        })
        .collect();
    let (restricted, chosen, reason) = match form {
        Some(f) => (f.restricted, f.categories.clone(), f.reason.clone()),
        None => (
            item.labels.confidentiality == Confidentiality::Restricted,
            item.labels.sensitivity.clone(),
            String::new(),
        ),
    };
    let categories = Sensitivity::ALL
        .iter()
        .map(|s| CategoryBox {
            code: s.code(),
            label: t.get(&format!("sensitivity-{}", s.code())),
            checked: chosen.contains(s),
        })
        .collect();
    let f = pages::frame(&t, v, Current::Page(Page::Summary));
    let title = format!("{} · {}", t.get("labels-title"), f.patient.name);
    let page = LabelsPage {
        action: labels_href(v.patient.id.as_str(), &item.id),
        c: Chrome::new(state, t, title, Some(ctx), None),
        f,
        item: item.display.clone(),
        kind: item.resource_type.clone(),
        current: labels_text(&t, &item.labels),
        matches,
        corrections,
        restricted,
        categories,
        reason,
        error,
        notice,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(views::render(&page)?)).into_response())
}

/// `GET /patients/{id}/items/{item}/labels` (clinicians).
async fn labels_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<NoticeQuery>, QueryRejection>,
) -> WebResult<Response> {
    let (raw, raw_item) = path.map(|Path(p)| p).map_err(|_| WebError::NotFound)?;
    let (v, item) = open_item(&state, &ctx, &user, Some(&raw), &raw_item).await?;
    let t = state.i18n().tr(ctx.locale);
    let notice = query
        .ok()
        .filter(|Query(q)| q.done == "saved")
        .map(|_| t.get("labels-saved"));
    render_labels(&state, &ctx, &v, &item, None, None, notice).await
}

/// `POST /patients/{id}/items/{item}/labels` (clinicians): sets the labels,
/// records the correction with its reason, audits the change (`update` of
/// `labels`, the item's id, old and new labels as codes; never the reason).
async fn labels_change(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> WebResult<Response> {
    let Form(pairs) = form?;
    let form = LabelsForm::parse(pairs)?;
    ctx.check_csrf(&form.csrf)?;
    let (raw, raw_item) = path.map(|Path(p)| p).map_err(|_| WebError::NotFound)?;
    let (v, item) = open_item(&state, &ctx, &user, Some(&raw), &raw_item).await?;
    let t = state.i18n().tr(ctx.locale);
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        let error = t.get(if reason.is_empty() {
            "labels-reason-missing"
        } else {
            "labels-reason-too-long"
        });
        return render_labels(&state, &ctx, &v, &item, Some(&form), Some(error), None).await;
    }
    let labels = Labels {
        confidentiality: if form.restricted {
            Confidentiality::Restricted
        } else {
            Confidentiality::Normal
        },
        sensitivity: form.categories.clone(),
    };
    let now = state.clock().now();
    let correction = LabelCorrection {
        id: crate::auth::random_token(),
        item_id: item.id.clone(),
        resource_type: item.resource_type.clone(),
        patient_id: v.patient.id.clone(),
        at: now,
        account_id: user.actor.account_id.clone(),
        labels: labels.clone(),
        reason: reason.to_owned(),
    };
    state.store().correct_labels(&correction).await?;
    let detail = serde_json::json!({
        "resource_type": item.resource_type,
        "from": { "confidentiality": item.labels.confidentiality.code(), "sensitivity": item.labels.sensitivity_text() },
        "to": { "confidentiality": labels.confidentiality.code(), "sensitivity": labels.sensitivity_text() },
    });
    let role = audit::role_of(&user.actor, Some(&v.patient.id), &[]);
    audit::record(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &role,
            patient_id: Some(&v.patient.id),
            action: "update",
            object_type: "labels",
            object_id: Some(item.id.as_str()),
            outcome: Outcome::Success,
            reason: Some("clinician-correction"),
            detail: Some(detail.to_string()),
        },
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}?done=saved",
        labels_href(v.patient.id.as_str(), &item.id)
    ))
    .into_response())
}

// ---------------------------------------------------------------------------
// Holds
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// `POST /patients/{id}/results-hold`: the patient or a proxy who may see the
/// results asks that new results be held until a clinician has talked to
/// them. Audited (`create` of `result-hold`).
async fn hold_start(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    if user.actor.staff_role.is_some() {
        return Err(WebError::NotFound);
    }
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::Results).await?;
    let store = state.store();
    let now = state.clock().now();
    let already = store.result_holds(&o.patient.id).await?.iter().any(|h| {
        ResultHold {
            requested_at: h.requested_at,
            ended_at: h.ended_at,
        }
        .active(now)
    });
    if !already {
        store
            .add_result_hold(&StoredHold {
                id: crate::auth::random_token(),
                patient_id: o.patient.id.clone(),
                requested_by: user.actor.account_id.clone(),
                requested_at: now,
                ended_at: None,
                ended_by: None,
            })
            .await?;
    }
    audit::record_on_behalf(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &o.role,
            patient_id: Some(&o.patient.id),
            action: "create",
            object_type: "result-hold",
            object_id: None,
            outcome: Outcome::Success,
            reason: Some(if already {
                "already-held"
            } else {
                "family-request"
            }),
            detail: None,
        },
        read::acting_through(&o.relationships, &o.patient.id, o.today()),
    )
    .await?;
    Ok(Redirect::to(&format!("/patients/{}/lab-results?done=held", o.patient.id)).into_response())
}

/// `POST /patients/{id}/results-hold/end`: the family member who asked, or a
/// nurse or clinician who has talked to the family, ends the hold; the held
/// results appear at once. Audited (`update` of `result-hold`).
async fn hold_end(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::Results).await?;
    let store = state.store();
    let now = state.clock().now();
    let staff = matches!(
        user.actor.staff_role,
        Some(StaffRole::Nurse | StaffRole::Clinician)
    );
    let mine = store.result_holds(&o.patient.id).await?.iter().any(|h| {
        h.requested_by == user.actor.account_id
            && ResultHold {
                requested_at: h.requested_at,
                ended_at: h.ended_at,
            }
            .active(now)
    });
    if !staff && !mine {
        return Err(WebError::NotFound);
    }
    let ended = store
        .end_result_holds(&o.patient.id, now, &user.actor.account_id)
        .await?;
    audit::record_on_behalf(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &o.role,
            patient_id: Some(&o.patient.id),
            action: "update",
            object_type: "result-hold",
            object_id: None,
            outcome: Outcome::Success,
            reason: Some(if ended > 0 { "hold-ended" } else { "no-hold" }),
            detail: None,
        },
        read::acting_through(&o.relationships, &o.patient.id, o.today()),
    )
    .await?;
    let to = if staff {
        "/release-queue?done=unheld".to_owned()
    } else {
        format!("/patients/{}/lab-results?done=unheld", o.patient.id)
    };
    Ok(Redirect::to(&to).into_response())
}

// ---------------------------------------------------------------------------
// Staff release queue
// ---------------------------------------------------------------------------

/// One item waiting for staff.
pub(crate) struct QueueRow {
    pub patient: String,
    pub patient_href: String,
    pub mrn: String,
    pub what: String,
    pub category: String,
    pub date: String,
    pub why: String,
    pub patient_id: String,
    pub item_id: String,
    /// The patient's results are held at the family's request.
    pub held: bool,
}

#[derive(Template)]
#[template(path = "results/release_queue.html")]
pub(crate) struct QueuePage<'a> {
    pub c: Chrome<'a>,
    pub rows: Vec<QueueRow>,
    pub notice: Option<String>,
}

fn may_release(user: &SignedIn) -> bool {
    matches!(
        user.actor.staff_role,
        Some(StaffRole::Nurse | StaffRole::Clinician)
    )
}

/// The release category of a queue candidate.
fn candidate_category(c: &sprout_store::results::QueueCandidate) -> ReleaseCategory {
    match c.resource_type.as_str() {
        "DocumentReference" => c
            .kind
            .as_deref()
            .and_then(|k| k.parse::<DocumentKind>().ok())
            .map_or(ReleaseCategory::Documents, DocumentKind::release_category),
        "DiagnosticReport" => match c.kind.as_deref() {
            None | Some("LAB" | "HM" | "CH" | "MB" | "SR" | "IMM" | "laboratory") => {
                ReleaseCategory::LabResults
            }
            Some(_) => ReleaseCategory::DiagnosticReports,
        },
        _ => ReleaseCategory::LabResults,
    }
}

/// `GET /release-queue` (nurses and clinicians): items families cannot see
/// yet because a rule waits for staff, a delay has not run out, or the family
/// asked to hold new results. Audited as a `read` of `release-queue`.
async fn queue_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    query: Result<Query<NoticeQuery>, QueryRejection>,
) -> WebResult<Response> {
    if !may_release(&user) {
        return Err(WebError::NotFound);
    }
    let store = state.store();
    let rules = &state.config().release;
    let now = state.clock().now();
    let tz = state.config().time_zone.clone();
    let t = state.i18n().tr(ctx.locale);
    let candidates = store.unreleased_items(QUEUE_LIMIT).await?;
    let mut holds: BTreeMap<PatientId, Option<ResultHold>> = BTreeMap::new();
    let mut rows = Vec::new();
    for c in &candidates {
        let category = candidate_category(c);
        if !holds.contains_key(&c.patient_id) {
            let h = store
                .result_holds(&c.patient_id)
                .await?
                .last()
                .map(|h| ResultHold {
                    requested_at: h.requested_at,
                    ended_at: h.ended_at,
                });
            holds.insert(c.patient_id.clone(), h);
        }
        let hold = holds.get(&c.patient_id).copied().flatten();
        let a = release::availability(
            rules.rule(category),
            category.is_result(),
            c.time
                .as_deref()
                .and_then(|x| release::fhir_instant(x, &tz)),
            None,
            hold,
            now,
        );
        let why = match a {
            Availability::Available | Availability::Never => continue,
            Availability::AwaitingRelease => t.get("queue-why-staff"),
            Availability::Held => t.get("queue-why-held"),
            Availability::NotYet { at } => t.with(
                "queue-why-delay",
                &[("date", Arg::Text(&t.date(at.to_zoned(tz.clone()).date())))],
            ),
        };
        rows.push(QueueRow {
            patient: c.patient_name.clone(),
            patient_href: format!("/patients/{}", c.patient_id),
            mrn: c.mrn.clone().unwrap_or_default(),
            what: c.display.clone(),
            category: t.get(&format!("release-category-{}", category.code())),
            date: date_of(&t, c.time.as_deref()),
            why,
            patient_id: c.patient_id.as_str().to_owned(),
            item_id: c.item_id.as_str().to_owned(),
            held: a == Availability::Held,
        });
    }
    let role = audit::role_of(&user.actor, None, &[]);
    audit::record(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &role,
            patient_id: None,
            action: "read",
            object_type: "release-queue",
            object_id: None,
            outcome: Outcome::Success,
            reason: None,
            detail: None,
        },
    )
    .await?;
    let notice = query.ok().and_then(|Query(q)| match q.done.as_str() {
        "released" => Some(t.get("queue-released")),
        "unheld" => Some(t.get("results-hold-ended")),
        _ => None,
    });
    let page = QueuePage {
        c: Chrome::new(&state, t, t.get("queue-title"), Some(&ctx), None),
        rows,
        notice,
    };
    Ok(Html(views::render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReleaseForm {
    csrf: String,
    patient: String,
    item: String,
}

/// `POST /release-queue` (nurses and clinicians): releases one item (a
/// report with the results it groups). Audited (`update` of `release`, the
/// item's id).
async fn queue_release(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<ReleaseForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    if !may_release(&user) {
        return Err(WebError::NotFound);
    }
    let o = read::open(&state, &ctx, &user, Some(&form.patient), Want::Results).await?;
    let store = state.store();
    let item = match ItemId::parse(&form.item) {
        Some(i) => store.labeled_item(&o.patient.id, &i).await?,
        None => None,
    };
    let item = item.ok_or(WebError::NotFound)?;
    let now = state.clock().now();
    let release_of = |id: ItemId| ItemRelease {
        item_id: id,
        patient_id: o.patient.id.clone(),
        released_at: now,
        released_by: user.actor.account_id.clone(),
    };
    let mut releases = vec![release_of(item.id.clone())];
    if item.resource_type == "DiagnosticReport" {
        let reports = store.diagnostic_reports(&o.patient.id).await?;
        if let Some(r) = reports.iter().find(|r| r.meta.id == item.id) {
            let wanted: HashSet<&str> = r.result_source_ids.iter().map(String::as_str).collect();
            let labs = store
                .observations(
                    &o.patient.id,
                    sprout_domain::record::ObservationCategory::Laboratory,
                )
                .await?;
            releases.extend(
                labs.into_iter()
                    .filter(|x| wanted.contains(x.meta.source_id.as_str()))
                    .map(|x| release_of(x.meta.id)),
            );
        }
    }
    store.release_items(&releases).await?;
    audit::record(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &o.role,
            patient_id: Some(&o.patient.id),
            action: "update",
            object_type: "release",
            object_id: Some(item.id.as_str()),
            outcome: Outcome::Success,
            reason: Some("staff-release"),
            detail: Some(serde_json::json!({ "items": releases.len() }).to_string()),
        },
    )
    .await?;
    Ok(Redirect::to("/release-queue?done=released").into_response())
}
