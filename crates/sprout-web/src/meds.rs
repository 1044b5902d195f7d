//! Medications with refill requests, and the staff refill queue (DESIGN.md,
//! capability 5; issue 6).
//!
//! The list comes through the one read path ([`crate::read`]); whether each
//! medication may be refilled is [`refill::eligibility`] (pure, in the
//! domain) with the practice's lists, and whether this user may ask is the
//! access policy's `refill` action. A family picks the pharmacy (remembered
//! per patient) and adds a note; nurses and clinicians approve or deny with a
//! message; the family gets an email that says only that there is news
//! ([`care::notify_decided`]). Every request and decision is audited.

use crate::audit::{self, Entry, Outcome};
use crate::care::{self, MAX_FIELD, MAX_TEXT};
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::pages::{self, Current, Page};
use crate::read::{self, Data, View, Want};
use crate::views::{self, Badge, Chrome, PatientFrame, Row};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use sprout_domain::policy::{self, Action};
use sprout_domain::record::{MedicationRequest, Patient, Section};
use sprout_domain::refill::{self, Eligibility, Refusal};
use sprout_store::care::{RefillRequest, RequestStatus, StaffDecision};

/// The medication and refill routes (inside the request context).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/medications", get(list))
        .route(
            "/patients/{id}/medications/{item}/refill",
            get(refill_form).post(refill_submit),
        )
        .route("/staff/refills/{req}", post(decide))
        .route("/staff/refills", get(queue))
}

fn list_href(patient: &str) -> String {
    format!("/patients/{patient}/medications")
}

fn refill_href(patient: &str, item: &str) -> String {
    format!("/patients/{patient}/medications/{item}/refill")
}

/// Why a medication cannot be refilled online, in plain words.
pub(crate) fn refusal_text(t: &Tr<'_>, r: &Refusal) -> String {
    match r {
        Refusal::Controlled { .. } => t.get("meds-why-controlled"),
        Refusal::PracticeList => t.get("meds-why-practice"),
        Refusal::Antibiotic { .. } => t.get("meds-why-antibiotic"),
        Refusal::NotActive { status } => t.with(
            "meds-why-not-active",
            &[("status", Arg::Text(&status_word(t, status)))],
        ),
    }
}

/// The same reason for staff, with the rule's source (schedule and CFR
/// section, class).
fn refusal_staff_text(t: &Tr<'_>, r: &Refusal) -> String {
    match r {
        Refusal::Controlled {
            ingredient,
            schedule,
        } => t.with(
            "meds-staff-controlled",
            &[
                ("ingredient", Arg::Text(ingredient)),
                ("schedule", Arg::Text(schedule.code())),
                ("cfr", Arg::Text(schedule.cfr())),
            ],
        ),
        Refusal::Antibiotic { ingredient, class } => t.with(
            "meds-staff-antibiotic",
            &[
                ("ingredient", Arg::Text(ingredient)),
                ("class", Arg::Text(class)),
            ],
        ),
        other => refusal_text(t, other),
    }
}

fn status_word(t: &Tr<'_>, status: &str) -> String {
    let key = format!("med-status-{status}");
    let w = t.get(&key);
    if w == key {
        status.to_owned()
    } else {
        w
    }
}

/// A request's status in words and tone.
pub(crate) fn request_badge(t: &Tr<'_>, s: RequestStatus) -> Badge {
    match s {
        RequestStatus::Pending => Badge::new(t.get("care-status-pending"), "warn"),
        RequestStatus::Approved => Badge::new(t.get("care-status-approved"), "ok"),
        RequestStatus::Denied => Badge::new(t.get("care-status-denied"), "muted"),
        RequestStatus::Scheduled => Badge::new(t.get("care-status-scheduled"), "ok"),
        RequestStatus::Replied => Badge::new(t.get("care-status-replied"), "muted"),
    }
}

/// One medication on the family's list.
pub(crate) struct MedView {
    pub row: Row,
    /// "Request a refill", when the user may ask.
    pub refill_href: Option<String>,
    /// Why not, when it cannot be refilled online.
    pub why_not: Option<String>,
}

/// One of the patient's refill requests.
pub(crate) struct RequestView {
    pub title: String,
    pub badge: Badge,
    pub lines: Vec<String>,
}

/// The medications page.
#[derive(Template)]
#[template(path = "meds/list.html")]
pub(crate) struct ListPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub notice: Option<String>,
    pub meds: Vec<MedView>,
    pub requests: Vec<RequestView>,
    /// The user may see the list but not ask for refills (a proxy where the
    /// practice does not let proxies ask).
    pub ask_office: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListQuery {
    sent: Option<String>,
}

async fn read_meds(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    id: Option<&str>,
) -> WebResult<(View, Vec<MedicationRequest>)> {
    let mut v = read::view(state, ctx, user, id, Want::Section(Section::Medications)).await?;
    let items = match std::mem::replace(&mut v.data, Data::Medications(Vec::new())) {
        Data::Medications(items) => items,
        _ => {
            return Err(WebError::Internal(
                "medications read gave other data".into(),
            ))
        }
    };
    Ok((v, items))
}

/// `GET /patients/{id}/medications`.
async fn list(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let id = path.ok().map(|Path(id)| id);
    let (v, items) = read_meds(&state, &ctx, &user, id.as_deref()).await?;
    let t = state.i18n().tr(ctx.locale);
    let may = read::decide_action(&state, &user, &v.patient, Action::Refill)
        .await?
        .allow;
    let pid = v.patient.id.as_str().to_owned();
    let rules = &state.config().refills;
    let meds: Vec<MedView> = items
        .iter()
        .map(|m| {
            let e = refill::eligibility(rules, m);
            MedView {
                row: crate::present::medication_row(&t, m),
                refill_href: (may && e.is_refillable())
                    .then(|| refill_href(&pid, m.meta.id.as_str())),
                why_not: e.refusal().map(|r| refusal_text(&t, r)),
            }
        })
        .collect();
    let any_refillable = items
        .iter()
        .any(|m| refill::eligibility(rules, m).is_refillable());
    let requests = state
        .store()
        .refill_requests(Some(&v.patient.id))
        .await?
        .into_iter()
        .filter_map(|r| {
            let m = items.iter().find(|m| m.meta.id == r.medication_id)?;
            Some(request_view(&t, &state, &r, m))
        })
        .rev()
        .collect();
    let f = pages::frame(&t, &v, Current::Page(Page::Medications));
    let title = format!("{} · {}", t.get("tab-medications"), f.patient.name);
    let page = ListPage {
        notice: q.sent.is_some().then(|| t.get("meds-request-sent")),
        ask_office: !may && any_refillable,
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        meds,
        requests,
    };
    Ok(Html(views::render(&page)?).into_response())
}

fn request_view(
    t: &Tr<'_>,
    state: &AppState,
    r: &RefillRequest,
    m: &MedicationRequest,
) -> RequestView {
    let tz = &state.config().time_zone;
    let mut lines = vec![t.with(
        "meds-request-line",
        &[
            ("when", Arg::Text(&care::when(t, r.created_at, tz))),
            ("pharmacy", Arg::Text(&r.pharmacy)),
        ],
    )];
    if let Some(d) = &r.decision {
        if !d.message.is_empty() {
            lines.push(t.with("care-staff-said", &[("message", Arg::Text(&d.message))]));
        }
    }
    RequestView {
        title: m.medication_text.clone(),
        badge: request_badge(t, r.status),
        lines,
    }
}

/// The refill request form.
#[derive(Template)]
#[template(path = "meds/refill.html")]
pub(crate) struct RefillPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub med: Row,
    pub action: String,
    pub back: String,
    pub pharmacy: String,
    pub note: String,
    pub error: Option<String>,
    /// Why the medication cannot be refilled (no form then).
    pub why_not: Option<String>,
}

/// Finds a visible medication of the page's list by its id.
fn find<'m>(items: &'m [MedicationRequest], item: &str) -> WebResult<&'m MedicationRequest> {
    items
        .iter()
        .find(|m| m.meta.id.as_str() == item)
        .ok_or(WebError::NotFound)
}

/// `GET /patients/{id}/medications/{item}/refill`.
async fn refill_form(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
) -> WebResult<Response> {
    let Ok(Path((id, item))) = path else {
        return Err(WebError::NotFound);
    };
    let (v, items) = read_meds(&state, &ctx, &user, Some(&id)).await?;
    let m = find(&items, &item)?;
    if !read::decide_action(&state, &user, &v.patient, Action::Refill)
        .await?
        .allow
    {
        return Err(WebError::NotFound);
    }
    let pharmacy = state
        .store()
        .pharmacy(&v.patient.id)
        .await?
        .unwrap_or_default();
    render_form(&state, &ctx, &v, m, pharmacy, String::new(), None)
}

fn render_form(
    state: &AppState,
    ctx: &Ctx,
    v: &View,
    m: &MedicationRequest,
    pharmacy: String,
    note: String,
    error: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let pid = v.patient.id.as_str();
    let e = refill::eligibility(&state.config().refills, m);
    let f = pages::frame(&t, v, Current::Page(Page::Medications));
    let title = format!("{} · {}", t.get("meds-refill-title"), f.patient.name);
    let page = RefillPage {
        med: crate::present::medication_row(&t, m),
        action: refill_href(pid, m.meta.id.as_str()),
        back: list_href(pid),
        why_not: e.refusal().map(|r| refusal_text(&t, r)),
        pharmacy,
        note,
        error,
        c: Chrome::new(state, t, title, Some(ctx), None),
        f,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(views::render(&page)?)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RefillForm {
    csrf: String,
    pharmacy: String,
    note: String,
}

/// `POST /patients/{id}/medications/{item}/refill`: the request, if the
/// policy lets this user ask and the medication is refillable.
async fn refill_submit(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<RefillForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Ok(Path((id, item))) = path else {
        return Err(WebError::NotFound);
    };
    let (v, items) = read_meds(&state, &ctx, &user, Some(&id)).await?;
    let m = find(&items, &item)?.clone();
    let decision = read::decide_action(&state, &user, &v.patient, Action::Refill).await?;
    let t = state.i18n().tr(ctx.locale);
    let pharmacy = care::clean(&form.pharmacy, MAX_FIELD);
    let note = care::clean(&form.note, MAX_TEXT);
    let error = match (&pharmacy, &note) {
        (Err(_), _) | (_, Err(_)) => Some(t.get("care-too-long")),
        (Ok(p), _) if p.is_empty() => Some(t.get("meds-pharmacy-missing")),
        _ => None,
    };
    let typed = |r: Result<String, String>| match r {
        Ok(s) | Err(s) => s,
    };
    let role = audit::role_of(&user.actor, Some(&v.patient.id), &[]);
    if !decision.allow {
        audit::record(
            &state,
            &ctx,
            Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &role,
                patient_id: Some(&v.patient.id),
                action: "create",
                object_type: "refill-request",
                object_id: None,
                outcome: Outcome::Denied,
                reason: Some(decision.reason.code()),
                detail: None,
            },
        )
        .await?;
        return Err(WebError::NotFound);
    }
    let eligible = refill::eligibility(&state.config().refills, &m);
    if let Some(e) = error {
        return render_form(&state, &ctx, &v, &m, typed(pharmacy), typed(note), Some(e));
    }
    if let Eligibility::NotRefillable(r) = &eligible {
        let why = refusal_text(&t, r);
        return render_form(
            &state,
            &ctx,
            &v,
            &m,
            typed(pharmacy),
            typed(note),
            Some(why),
        );
    }
    let request = RefillRequest {
        id: care::new_id(),
        patient_id: v.patient.id.clone(),
        medication_id: m.meta.id.clone(),
        requested_by: user.actor.account_id.clone(),
        pharmacy: typed(pharmacy),
        note: typed(note),
        status: RequestStatus::Pending,
        created_at: state.clock().now(),
        decision: None,
    };
    state.store().create_refill_request(&request).await?;
    audit::record_on_behalf(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &role,
            patient_id: Some(&v.patient.id),
            action: "create",
            object_type: "refill-request",
            object_id: Some(&request.id),
            outcome: Outcome::Success,
            reason: Some(decision.reason.code()),
            detail: None,
        },
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("{}?sent=1", list_href(v.patient.id.as_str()))).into_response())
}

/// One pending request in the staff queue, with the patient's context.
pub(crate) struct QueueItem {
    pub id: String,
    pub action: String,
    pub patient: String,
    pub patient_line: String,
    pub chart_href: String,
    pub medication: Row,
    pub eligibility: String,
    pub refillable: bool,
    pub lines: Vec<String>,
    pub error: Option<String>,
    pub message: String,
}

/// The staff refill queue.
#[derive(Template)]
#[template(path = "meds/queue.html")]
pub(crate) struct QueuePage<'a> {
    pub c: Chrome<'a>,
    pub notice: Option<String>,
    pub items: Vec<QueueItem>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct QueueQuery {
    done: Option<String>,
}

/// The signed-in staff member's role, when it may decide refills.
fn refill_staff(user: &SignedIn) -> WebResult<()> {
    match user.actor.staff_role {
        Some(role) if policy::staff_may_do(role, Action::Refill) => Ok(()),
        _ => Err(WebError::NotFound),
    }
}

/// A patient's line for staff: MRN, age, birth date.
pub(crate) fn patient_line(t: &Tr<'_>, p: &Patient, today: jiff::civil::Date) -> String {
    let age = crate::present::age_text(t, p.birth_date, today);
    t.with(
        "care-patient-line",
        &[
            ("mrn", Arg::Text(p.mrn.as_deref().unwrap_or("-"))),
            ("age", Arg::Text(&age)),
            ("born", Arg::Text(&t.date(p.birth_date))),
        ],
    )
}

/// `GET /staff/refills`.
async fn queue(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    Query(q): Query<QueueQuery>,
) -> WebResult<Response> {
    refill_staff(&user)?;
    let t = state.i18n().tr(ctx.locale);
    let notice = match q.done.as_deref() {
        Some("approved") => Some(t.get("meds-queue-approved")),
        Some("denied") => Some(t.get("meds-queue-denied")),
        Some("stale") => Some(t.get("care-queue-stale")),
        _ => None,
    };
    render_queue(&state, &ctx, &user, notice, None).await
}

async fn render_queue(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    notice: Option<String>,
    error: Option<(String, String, String)>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let tz = &state.config().time_zone;
    let mut items = Vec::new();
    for r in state.store().refill_requests(None).await? {
        let Ok(opened) = read::open(
            state,
            ctx,
            user,
            Some(r.patient_id.as_str()),
            Want::Section(Section::Medications),
        )
        .await
        else {
            continue;
        };
        let meds = state.store().medication_requests(&r.patient_id).await?;
        let mut log = Vec::new();
        let meds = opened.scope.filter(Section::Medications, meds, &mut log);
        let Some(m) = meds.iter().find(|m| m.meta.id == r.medication_id) else {
            continue;
        };
        opened
            .audit_success(state, ctx, user, "refill-queue", Some(&r.id), None)
            .await?;
        let e = refill::eligibility(&state.config().refills, m);
        let requester = state
            .store()
            .account(&r.requested_by)
            .await?
            .map(|a| a.display_name)
            .unwrap_or_default();
        let mut lines = vec![
            t.with(
                "meds-queue-asked",
                &[
                    ("who", Arg::Text(&requester)),
                    ("when", Arg::Text(&care::when(&t, r.created_at, tz))),
                ],
            ),
            t.with(
                "meds-queue-pharmacy",
                &[("pharmacy", Arg::Text(&r.pharmacy))],
            ),
        ];
        if !r.note.is_empty() {
            lines.push(t.with("meds-queue-note", &[("note", Arg::Text(&r.note))]));
        }
        let (err, message) = match &error {
            Some((id, e, typed)) if *id == r.id => (Some(e.clone()), typed.clone()),
            _ => (None, String::new()),
        };
        items.push(QueueItem {
            action: format!("/staff/refills/{}", r.id),
            id: r.id.clone(),
            patient: opened.patient.display_name(),
            patient_line: patient_line(&t, &opened.patient, opened.today()),
            chart_href: list_href(opened.patient.id.as_str()),
            medication: crate::present::medication_row(&t, m),
            eligibility: match e.refusal() {
                None => t.get("meds-queue-refillable"),
                Some(r) => refusal_staff_text(&t, r),
            },
            refillable: e.is_refillable(),
            lines,
            error: err,
            message,
        });
    }
    let page = QueuePage {
        c: Chrome::new(state, t, t.get("meds-queue-title"), Some(ctx), None),
        notice,
        items,
    };
    Ok(Html(views::render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DecideForm {
    csrf: String,
    decision: String,
    message: String,
}

/// `POST /staff/refills/{req}`: approve or deny, with a message.
async fn decide(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<DecideForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    refill_staff(&user)?;
    let Ok(Path(req_id)) = path else {
        return Err(WebError::NotFound);
    };
    let Some(r) = state.store().refill_request(&req_id).await? else {
        return Err(WebError::NotFound);
    };
    let opened = read::open_for_action(
        &state,
        &ctx,
        &user,
        &r.patient_id,
        Section::Medications,
        Action::Refill,
    )
    .await?;
    let t = state.i18n().tr(ctx.locale);
    let status = match form.decision.as_str() {
        "approve" => RequestStatus::Approved,
        "deny" => RequestStatus::Denied,
        _ => return Err(WebError::BadRequest("unknown decision")),
    };
    let message = match care::clean(&form.message, MAX_TEXT) {
        Ok(m) => m,
        Err(typed) => {
            let e = Some((req_id, t.get("care-too-long"), typed));
            return render_queue(&state, &ctx, &user, None, e).await;
        }
    };
    if status == RequestStatus::Denied && message.is_empty() {
        let e = Some((req_id, t.get("meds-deny-needs-message"), message));
        return render_queue(&state, &ctx, &user, None, e).await;
    }
    if status == RequestStatus::Approved {
        let meds = state.store().medication_requests(&r.patient_id).await?;
        let refillable = meds
            .iter()
            .find(|m| m.meta.id == r.medication_id)
            .is_some_and(|m| refill::eligibility(&state.config().refills, m).is_refillable());
        if !refillable {
            let e = Some((req_id, t.get("meds-approve-not-refillable"), message));
            return render_queue(&state, &ctx, &user, None, e).await;
        }
    }
    let d = StaffDecision {
        status,
        by: user.actor.account_id.clone(),
        at: state.clock().now(),
        message,
    };
    let done = state.store().decide_refill_request(&r.id, &d).await?;
    if !done {
        care::audit_stale(&state, &ctx, &user, &opened, "refill-request", &r.id).await?;
        return Ok(Redirect::to("/staff/refills?done=stale").into_response());
    }
    let detail = serde_json::json!({ "decision": status.code() }).to_string();
    opened
        .audit_success_as(
            &state,
            &ctx,
            &user,
            "update",
            "refill-request",
            Some(&r.id),
            Some(detail),
        )
        .await?;
    care::notify_decided(&state, &r.requested_by).await?;
    Ok(Redirect::to(&format!("/staff/refills?done={}", status.code())).into_response())
}
