//! Appointments: upcoming and past visits, requesting a visit, confirming and
//! cancelling, pre-check-in (contact check, insurance changes held for staff,
//! the copay, signing the practice's documents) and joining a video visit;
//! and the front desk's queues of visit requests and insurance changes
//! (DESIGN.md, capability 6; issue 6).
//!
//! Appointments reach these pages only through the one read path
//! ([`crate::read`]: the policy per section and per item, one audit event).
//! Every action asks the policy's `appointment` action; when each is open is
//! [`sprout_domain::appointment`] (pure, in the practice's time zone, "now"
//! from the injected clock). Every change and decision is audited.

use crate::care::{self, PracticeDocument, MAX_FIELD, MAX_TEXT};
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::meds::{patient_line, request_badge};
use crate::pages::{self, Current, Page};
use crate::read::{self, HasMeta, Opened, Want};
use crate::views::{self, Badge, Chrome, PatientFrame};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use sprout_domain::appointment::{self as window, Window};
use sprout_domain::policy::{self, Action};
use sprout_domain::record::{Appointment, ItemMeta, Labels, Patient, Section};
use sprout_domain::ItemId;
use sprout_store::care::{
    AppointmentRequest, AppointmentRow, Insurance, InsuranceChange, RequestStatus, Signature,
    StaffDecision,
};

/// The pages' stylesheet, embedded and served at `/static/care.css`.
const CARE_CSS: &str = include_str!("../static/care.css");

/// `GET /static/care.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CARE_CSS,
    )
}

/// The appointment routes (inside the request context).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/appointments", get(list))
        .route(
            "/patients/{id}/appointments/request",
            get(request_form).post(request_submit),
        )
        .route("/patients/{id}/appointments/{appt}/confirm", post(confirm))
        .route("/patients/{id}/appointments/{appt}/cancel", post(cancel))
        .route(
            "/patients/{id}/appointments/{appt}/check-in",
            get(check_in).post(check_in_step),
        )
        .route("/staff/appointment-requests/{req}", post(decide_request))
        .route("/staff/insurance/{change}", post(decide_insurance))
        .route("/patients/{id}/appointments/{appt}/video", get(video))
        .route("/staff/appointments", get(queue))
}

impl HasMeta for AppointmentRow {
    fn meta(&self) -> &ItemMeta {
        &self.appointment.meta
    }
}

fn list_href(patient: &str) -> String {
    format!("/patients/{patient}/appointments")
}

fn appt_href(patient: &str, appt: &str, what: &str) -> String {
    format!("/patients/{patient}/appointments/{appt}/{what}")
}

/// Visit types a family may ask for (codes; words in the catalogs).
const VISIT_TYPES: [&str; 5] = ["well-child", "sick", "follow-up", "video", "other"];
/// Weekdays a family may prefer.
const DAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];
/// Times of day a family may prefer.
const TIMES: [&str; 3] = ["any", "morning", "afternoon"];

/// A patient's appointments the user may see, read through the one read
/// path and audited (`read` of `object`).
async fn load<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    user: &SignedIn,
    id: Option<&str>,
    object: &str,
    object_id: Option<&str>,
) -> WebResult<(Opened<'a>, Vec<AppointmentRow>, PatientFrame)> {
    let opened = read::open(state, ctx, user, id, Want::Section(Section::Appointments)).await?;
    let rows = state.store().appointments(&opened.patient.id).await?;
    let mut log = Vec::new();
    let rows = opened.scope.filter(Section::Appointments, rows, &mut log);
    let detail = (!log.is_empty()).then(|| serde_json::json!({ "withheld": log }).to_string());
    opened
        .audit_success(state, ctx, user, object, object_id, detail)
        .await?;
    let others = opened.others(state, user);
    let t = state.i18n().tr(ctx.locale);
    let frame = pages::frame_parts(
        &t,
        &opened.patient,
        &opened.sections,
        &others,
        opened.sharing,
        opened.today(),
        Current::Page(Page::Appointments),
    );
    Ok((opened, rows, frame))
}

/// The start and end of a visit (end: start plus 30 minutes when not given).
fn times(a: &Appointment) -> Option<(Timestamp, Timestamp)> {
    let start = window::parse_instant(a.start.as_deref()?)?;
    let end = a
        .end
        .as_deref()
        .and_then(window::parse_instant)
        .unwrap_or(start + SignedDuration::from_mins(30));
    Some((start, end))
}

/// A visit still to come that the family may act on.
fn is_upcoming(row: &AppointmentRow, now: Timestamp) -> bool {
    row.cancelled_at.is_none()
        && window::is_upcoming_status(&row.appointment.status)
        && times(&row.appointment).is_some_and(|(_, end)| now <= end)
}

/// One form button of a visit card.
pub(crate) struct ActionButton {
    pub action: String,
    pub label: String,
    pub danger: bool,
}

/// One visit card.
pub(crate) struct VisitCard {
    pub id: String,
    pub when: String,
    pub title: String,
    pub badges: Vec<Badge>,
    pub lines: Vec<String>,
    pub buttons: Vec<ActionButton>,
    pub links: Vec<(String, String)>,
    /// Windows not open yet or closed, in words.
    pub notes: Vec<String>,
}

/// The appointments page.
#[derive(Template)]
#[template(path = "appts/list.html")]
pub(crate) struct ListPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub notice: Option<String>,
    pub upcoming: Vec<VisitCard>,
    pub past: Vec<VisitCard>,
    pub requests: Vec<crate::meds::RequestView>,
    pub request_href: Option<String>,
    pub visits_href: Option<String>,
    pub ask_office: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

fn visit_title(t: &Tr<'_>, a: &Appointment) -> String {
    a.visit_type.clone().unwrap_or_else(|| t.get("appts-visit"))
}

fn card(
    t: &Tr<'_>,
    state: &AppState,
    row: &AppointmentRow,
    may: bool,
    now: Timestamp,
    patient: &str,
) -> VisitCard {
    let a = &row.appointment;
    let tz = &state.config().time_zone;
    let s = &state.config().appointments.windows;
    let id = a.meta.id.as_str();
    let mut badges = Vec::new();
    let mut lines = Vec::new();
    let mut buttons = Vec::new();
    let mut links = Vec::new();
    let mut notes = Vec::new();
    if a.video {
        badges.push(Badge::new(t.get("appts-video"), "ok"));
    }
    if let Some(p) = &a.practitioner {
        lines.push(t.with("appts-with", &[("who", Arg::Text(p))]));
    }
    if let Some(l) = &a.location {
        if !a.video {
            lines.push(l.clone());
        }
    }
    if let Some(r) = &a.reason_text {
        lines.push(t.with("appts-reason", &[("reason", Arg::Text(r))]));
    }
    let when = times(a).map_or_else(|| t.get("date-unknown"), |(st, _)| care::when(t, st, tz));
    if row.cancelled_at.is_some() || a.status == "cancelled" {
        badges.push(Badge::new(t.get("appts-cancelled"), "muted"));
    } else if row.confirmed_at.is_some() {
        badges.push(Badge::new(t.get("appts-confirmed"), "ok"));
    }
    if is_upcoming(row, now) {
        let (start, end) = times(a).unwrap_or((now, now));
        if row.confirmed_at.is_none() {
            match window::confirm(start, now, tz, s) {
                Window::Open { .. } if may => buttons.push(ActionButton {
                    action: appt_href(patient, id, "confirm"),
                    label: t.get("appts-confirm"),
                    danger: false,
                }),
                Window::NotYet { opens } => notes.push(t.with(
                    "appts-confirm-from",
                    &[("date", Arg::Text(&care::when(t, opens, tz)))],
                )),
                _ => {}
            }
        }
        match window::check_in(start, now, tz, s) {
            Window::Open { .. } if may => {
                links.push((appt_href(patient, id, "check-in"), t.get("appts-check-in")))
            }
            Window::NotYet { opens } => notes.push(t.with(
                "appts-check-in-from",
                &[(
                    "date",
                    Arg::Text(&t.date(opens.to_zoned(tz.clone()).date())),
                )],
            )),
            _ => {}
        }
        if a.video {
            match window::video(start, end, now, s) {
                Window::Open { .. } if state.config().appointments.video_url.is_some() => {
                    links.push((appt_href(patient, id, "video"), t.get("appts-join-video")))
                }
                Window::NotYet { opens } => notes.push(t.with(
                    "appts-video-opens",
                    &[("when", Arg::Text(&care::when(t, opens, tz)))],
                )),
                _ => {}
            }
        }
        match window::cancel(start, now, s) {
            Window::Open { .. } if may => buttons.push(ActionButton {
                action: appt_href(patient, id, "cancel"),
                label: t.get("appts-cancel"),
                danger: true,
            }),
            Window::Closed => notes.push(t.get("appts-cancel-call")),
            _ => {}
        }
    }
    VisitCard {
        id: id.to_owned(),
        when,
        title: visit_title(t, a),
        badges,
        lines,
        buttons,
        links,
        notes,
    }
}

/// `GET /patients/{id}/appointments`.
async fn list(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<DoneQuery>,
) -> WebResult<Response> {
    let id = path.ok().map(|Path(id)| id);
    let (opened, rows, f) = load(&state, &ctx, &user, id.as_deref(), "appointments", None).await?;
    let t = state.i18n().tr(ctx.locale);
    let may = opened.scope.action(Action::Appointment).allow;
    let now = state.clock().now();
    let pid = opened.patient.id.as_str();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for row in &rows {
        let c = card(&t, &state, row, may, now, pid);
        let future = times(&row.appointment).is_some_and(|(_, end)| now <= end);
        if future {
            upcoming.push(c);
        } else {
            past.push(c);
        }
    }
    past.reverse();
    let tz = &state.config().time_zone;
    let requests = state
        .store()
        .appointment_requests(Some(&opened.patient.id))
        .await?
        .into_iter()
        .rev()
        .map(|r| {
            let mut lines = vec![
                t.with(
                    "appts-request-line",
                    &[
                        ("when", Arg::Text(&care::when(&t, r.created_at, tz))),
                        (
                            "type",
                            Arg::Text(&t.get(&format!("appts-type-{}", r.visit_type))),
                        ),
                    ],
                ),
                r.reason.clone(),
            ];
            if let Some(d) = r.decision.as_ref().filter(|d| !d.message.is_empty()) {
                lines.push(t.with("care-staff-said", &[("message", Arg::Text(&d.message))]));
            }
            crate::meds::RequestView {
                title: t.get("appts-request-title"),
                badge: request_badge(&t, r.status),
                lines,
            }
        })
        .collect();
    let notice = q.done.as_deref().and_then(|d| match d {
        "confirmed" => Some(t.get("appts-done-confirmed")),
        "cancelled" => Some(t.get("appts-done-cancelled")),
        "requested" => Some(t.get("appts-done-requested")),
        "closed" => Some(t.get("appts-done-closed")),
        "checked-in" => Some(t.get("appts-done-checked-in")),
        _ => None,
    });
    let page = ListPage {
        notice,
        upcoming,
        past,
        requests,
        request_href: may.then(|| format!("{}/request", list_href(pid))),
        visits_href: opened
            .sections
            .contains(&Section::VisitSummaries)
            .then(|| format!("/patients/{pid}/visits")),
        ask_office: !may,
        c: Chrome::new(
            &state,
            t,
            format!(
                "{} · {}",
                t.get("tab-appointments"),
                opened.patient.display_name()
            ),
            Some(&ctx),
            None,
        ),
        f,
    };
    Ok(Html(views::render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// Opens the patient and the appointment for an action, checking the policy
/// (`appointment`) and that the visit is still to come; `NotFound` otherwise.
async fn for_action<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    user: &SignedIn,
    path: Result<Path<(String, String)>, PathRejection>,
    object: &str,
) -> WebResult<(Opened<'a>, AppointmentRow, PatientFrame)> {
    let Ok(Path((id, appt))) = path else {
        return Err(WebError::NotFound);
    };
    let (opened, rows, f) = load(state, ctx, user, Some(&id), object, Some(&appt)).await?;
    let row = rows
        .into_iter()
        .find(|r| r.appointment.meta.id.as_str() == appt)
        .ok_or(WebError::NotFound)?;
    Ok((opened, row, f))
}

#[allow(clippy::too_many_arguments)]
async fn audit_change(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    opened: &Opened<'_>,
    action: &str,
    object: &str,
    id: &str,
    detail: serde_json::Value,
) -> WebResult<()> {
    opened
        .audit_success_as(
            state,
            ctx,
            user,
            action,
            object,
            Some(id),
            Some(detail.to_string()),
        )
        .await
}

/// `POST .../{appt}/confirm`.
async fn confirm(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let (opened, row, _) = for_action(&state, &ctx, &user, path, "appointment").await?;
    if !opened.scope.action(Action::Appointment).allow {
        return Err(WebError::NotFound);
    }
    let now = state.clock().now();
    let back = list_href(opened.patient.id.as_str());
    let open = is_upcoming(&row, now)
        && times(&row.appointment).is_some_and(|(start, _)| {
            window::confirm(
                start,
                now,
                &state.config().time_zone,
                &state.config().appointments.windows,
            )
            .is_open()
        });
    if !open {
        return Ok(Redirect::to(&format!("{back}?done=closed")).into_response());
    }
    let id = &row.appointment.meta.id;
    state.store().confirm_appointment(id, now).await?;
    audit_change(
        &state,
        &ctx,
        &user,
        &opened,
        "update",
        "appointment",
        id.as_str(),
        serde_json::json!({ "change": "confirm" }),
    )
    .await?;
    Ok(Redirect::to(&format!("{back}?done=confirmed")).into_response())
}

/// `POST .../{appt}/cancel`: until the cutoff; after it the page says to call.
async fn cancel(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let (opened, row, _) = for_action(&state, &ctx, &user, path, "appointment").await?;
    if !opened.scope.action(Action::Appointment).allow {
        return Err(WebError::NotFound);
    }
    let now = state.clock().now();
    let back = list_href(opened.patient.id.as_str());
    let open = is_upcoming(&row, now)
        && times(&row.appointment).is_some_and(|(start, _)| {
            window::cancel(start, now, &state.config().appointments.windows).is_open()
        });
    if !open {
        return Ok(Redirect::to(&format!("{back}?done=closed")).into_response());
    }
    let id = &row.appointment.meta.id;
    state.store().cancel_appointment(id, now).await?;
    audit_change(
        &state,
        &ctx,
        &user,
        &opened,
        "update",
        "appointment",
        id.as_str(),
        serde_json::json!({ "change": "cancel" }),
    )
    .await?;
    Ok(Redirect::to(&format!("{back}?done=cancelled")).into_response())
}

/// The page that says when a video visit's link opens (or that it ended).
#[derive(Template)]
#[template(path = "appts/video.html")]
pub(crate) struct VideoPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub message: String,
    pub back: String,
}

/// `GET .../{appt}/video`: to the practice's video link while it is active,
/// else a page that says when it opens.
async fn video(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
) -> WebResult<Response> {
    let (opened, row, f) = for_action(&state, &ctx, &user, path, "video-visit").await?;
    let a = &row.appointment;
    let url = state.config().appointments.video_url.clone();
    let (Some((start, end)), true, Some(url)) = (times(a), a.video, url) else {
        return Err(WebError::NotFound);
    };
    let t = state.i18n().tr(ctx.locale);
    let now = state.clock().now();
    let tz = &state.config().time_zone;
    let message = match window::video(start, end, now, &state.config().appointments.windows) {
        Window::Open { .. } if row.cancelled_at.is_none() => {
            return Ok(Redirect::to(&url).into_response());
        }
        Window::NotYet { opens } if row.cancelled_at.is_none() => t.with(
            "appts-video-opens",
            &[("when", Arg::Text(&care::when(&t, opens, tz)))],
        ),
        _ => t.get("appts-video-ended"),
    };
    let page = VideoPage {
        message,
        back: list_href(opened.patient.id.as_str()),
        c: Chrome::new(&state, t, t.get("appts-join-video"), Some(&ctx), None),
        f,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// The visit request form.
#[derive(Template)]
#[template(path = "appts/request.html")]
pub(crate) struct RequestPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub action: String,
    pub back: String,
    pub reason: String,
    pub types: Vec<(&'static str, String, bool)>,
    pub days: Vec<(&'static str, String, bool)>,
    pub times: Vec<(&'static str, String, bool)>,
    pub error: Option<String>,
}

struct RequestValues {
    reason: String,
    visit_type: String,
    days: Vec<String>,
    time: String,
}

fn request_page<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    t: Tr<'a>,
    f: PatientFrame,
    patient: &str,
    v: &RequestValues,
    error: Option<String>,
) -> RequestPage<'a> {
    RequestPage {
        action: format!("{}/request", list_href(patient)),
        back: list_href(patient),
        reason: v.reason.clone(),
        types: VISIT_TYPES
            .iter()
            .map(|c| (*c, t.get(&format!("appts-type-{c}")), v.visit_type == *c))
            .collect(),
        days: DAYS
            .iter()
            .map(|c| {
                (
                    *c,
                    t.get(&format!("appts-day-{c}")),
                    v.days.iter().any(|d| d == c),
                )
            })
            .collect(),
        times: TIMES
            .iter()
            .map(|c| (*c, t.get(&format!("appts-time-{c}")), v.time == *c))
            .collect(),
        error,
        c: Chrome::new(state, t, t.get("appts-request-title"), Some(ctx), None),
        f,
    }
}

/// `GET /patients/{id}/appointments/request`.
async fn request_form(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let id = path.ok().map(|Path(id)| id);
    let (opened, _, f) = load(&state, &ctx, &user, id.as_deref(), "appointments", None).await?;
    if !opened.scope.action(Action::Appointment).allow {
        return Err(WebError::NotFound);
    }
    let t = state.i18n().tr(ctx.locale);
    let v = RequestValues {
        reason: String::new(),
        visit_type: "sick".into(),
        days: Vec::new(),
        time: "any".into(),
    };
    let page = request_page(&state, &ctx, t, f, opened.patient.id.as_str(), &v, None);
    Ok(Html(views::render(&page)?).into_response())
}

/// `POST /patients/{id}/appointments/request`.
async fn request_submit(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> WebResult<Response> {
    let Form(pairs) = form?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    ctx.check_csrf(get("csrf"))?;
    let id = path.ok().map(|Path(id)| id);
    let (opened, _, f) = load(&state, &ctx, &user, id.as_deref(), "appointments", None).await?;
    let decision = opened.scope.action(Action::Appointment);
    if !decision.allow {
        crate::audit::record(
            &state,
            &ctx,
            crate::audit::Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &opened.role,
                patient_id: Some(&opened.patient.id),
                action: "create",
                object_type: "appointment-request",
                object_id: None,
                outcome: crate::audit::Outcome::Denied,
                reason: Some(decision.reason.code()),
                detail: None,
            },
        )
        .await?;
        return Err(WebError::NotFound);
    }
    let t = state.i18n().tr(ctx.locale);
    let reason = care::clean(get("reason"), MAX_TEXT);
    let v = RequestValues {
        reason: match &reason {
            Ok(s) | Err(s) => s.clone(),
        },
        visit_type: get("visit_type").to_owned(),
        days: pairs
            .iter()
            .filter(|(k, v)| k == "day" && DAYS.contains(&v.as_str()))
            .map(|(_, v)| v.clone())
            .collect(),
        time: get("time").to_owned(),
    };
    let error = if reason.is_err() {
        Some(t.get("care-too-long"))
    } else if v.reason.is_empty() {
        Some(t.get("appts-reason-missing"))
    } else if !VISIT_TYPES.contains(&v.visit_type.as_str()) || !TIMES.contains(&v.time.as_str()) {
        Some(t.get("appts-choose-type"))
    } else {
        None
    };
    let pid = opened.patient.id.clone();
    if let Some(e) = error {
        let page = request_page(&state, &ctx, t, f, pid.as_str(), &v, Some(e));
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Html(views::render(&page)?),
        )
            .into_response());
    }
    let request = AppointmentRequest {
        id: care::new_id(),
        patient_id: pid.clone(),
        requested_by: user.actor.account_id.clone(),
        reason: v.reason,
        visit_type: v.visit_type,
        preferred_days: v.days.join(","),
        preferred_times: v.time,
        status: RequestStatus::Pending,
        created_at: state.clock().now(),
        decision: None,
        appointment_id: None,
    };
    state.store().create_appointment_request(&request).await?;
    audit_change(
        &state,
        &ctx,
        &user,
        &opened,
        "create",
        "appointment-request",
        &request.id,
        serde_json::json!({ "visit_type": request.visit_type }),
    )
    .await?;
    Ok(Redirect::to(&format!("{}?done=requested", list_href(pid.as_str()))).into_response())
}

/// One document on the pre-check-in page.
pub(crate) struct DocView {
    pub id: String,
    pub title: String,
    pub text: String,
    /// "Signed by ... on ...", once signed.
    pub signed: Option<String>,
}

/// The pre-check-in page.
#[derive(Template)]
#[template(path = "appts/checkin.html")]
pub(crate) struct CheckInPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub visit: String,
    pub action: String,
    pub back: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// (label, value) of the contact details on file.
    pub contact: Vec<(String, String)>,
    pub contact_verified: Option<String>,
    pub insurance: Option<Vec<(String, String)>>,
    pub insurance_pending: bool,
    pub ins: Insurance,
    pub copay: Option<String>,
    pub documents: Vec<DocView>,
    /// The typed name, re-shown after an error.
    pub typed_name: String,
    pub completed: Option<String>,
    pub may_finish: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CheckInForm {
    csrf: String,
    step: String,
    verified: String,
    payer: String,
    member_id: String,
    group_number: String,
    subscriber_name: String,
    document: String,
    typed_name: String,
    agree: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct StepQuery {
    saved: Option<String>,
}

/// `GET .../{appt}/check-in`.
async fn check_in(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    Query(q): Query<StepQuery>,
) -> WebResult<Response> {
    let (opened, row, f) = for_action(&state, &ctx, &user, path, "check-in").await?;
    check_in_open(&state, &opened, &row)?;
    let t = state.i18n().tr(ctx.locale);
    let notice = q.saved.as_deref().and_then(|s| match s {
        "contact" => Some(t.get("checkin-saved-contact")),
        "insurance" => Some(t.get("checkin-saved-insurance")),
        "signed" => Some(t.get("checkin-saved-signed")),
        "done" => Some(t.get("checkin-saved-done")),
        _ => None,
    });
    render_check_in(&state, &ctx, &opened, &row, f, notice, None, None).await
}

/// Pre-check-in is for those who may act on appointments, while its window
/// is open.
fn check_in_open(state: &AppState, opened: &Opened<'_>, row: &AppointmentRow) -> WebResult<()> {
    let now = state.clock().now();
    let open = opened.scope.action(Action::Appointment).allow
        && is_upcoming(row, now)
        && times(&row.appointment).is_some_and(|(start, _)| {
            window::check_in(
                start,
                now,
                &state.config().time_zone,
                &state.config().appointments.windows,
            )
            .is_open()
        });
    if open {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_check_in(
    state: &AppState,
    ctx: &Ctx,
    opened: &Opened<'_>,
    row: &AppointmentRow,
    f: PatientFrame,
    notice: Option<String>,
    error: Option<String>,
    typed: Option<(Insurance, String)>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let tz = &state.config().time_zone;
    let store = state.store();
    let a = &row.appointment;
    let p: &Patient = &opened.patient;
    let pid = p.id.as_str();
    let appt = a.meta.id.as_str();
    let check = store.check_in(&a.meta.id).await?;
    let signatures = store.signatures(&a.meta.id).await?;
    let current = store.insurance(&p.id).await?;
    let pending = store
        .insurance_changes(Some(&p.id))
        .await?
        .iter()
        .any(|c| c.status == RequestStatus::Pending);
    let none = || t.get("checkin-not-on-file");
    let contact = vec![
        (t.get("checkin-phone"), p.phone.clone().unwrap_or_else(none)),
        (t.get("checkin-email"), p.email.clone().unwrap_or_else(none)),
        (
            t.get("checkin-address"),
            p.address.clone().unwrap_or_else(none),
        ),
    ];
    let insurance_rows = |i: &Insurance| {
        vec![
            (t.get("checkin-payer"), i.payer.clone()),
            (t.get("checkin-member-id"), i.member_id.clone()),
            (t.get("checkin-group"), i.group_number.clone()),
            (t.get("checkin-subscriber"), i.subscriber_name.clone()),
        ]
    };
    let docs = &state.config().appointments.documents;
    let documents: Vec<DocView> = docs
        .iter()
        .map(|d| DocView {
            id: d.id.clone(),
            title: d.title.clone(),
            text: d.text.clone(),
            signed: signatures.iter().find(|s| s.document_id == d.id).map(|s| {
                t.with(
                    "checkin-signed-by",
                    &[
                        ("name", Arg::Text(&s.typed_name)),
                        ("when", Arg::Text(&care::when(&t, s.signed_at, tz))),
                    ],
                )
            }),
        })
        .collect();
    let verified = check.as_ref().and_then(|c| c.contact_verified_at);
    let completed = check.as_ref().and_then(|c| c.completed_at);
    let all_signed = documents.iter().all(|d| d.signed.is_some());
    let (ins, typed_name) = typed.unwrap_or_default();
    let page = CheckInPage {
        visit: format!(
            "{} · {}",
            visit_title(&t, a),
            times(a).map_or_else(|| t.get("date-unknown"), |(s, _)| care::when(&t, s, tz))
        ),
        action: appt_href(pid, appt, "check-in"),
        back: list_href(pid),
        notice,
        error,
        contact,
        contact_verified: verified.map(|at| {
            t.with(
                "checkin-verified-on",
                &[("when", Arg::Text(&care::when(&t, at, tz)))],
            )
        }),
        insurance: current.as_ref().map(insurance_rows),
        insurance_pending: pending,
        ins,
        copay: state
            .config()
            .appointments
            .copay_cents(a.visit_type.as_deref())
            .map(|c| care::money(&t, c)),
        documents,
        typed_name,
        completed: completed.map(|at| {
            t.with(
                "checkin-completed-on",
                &[("when", Arg::Text(&care::when(&t, at, tz)))],
            )
        }),
        may_finish: verified.is_some() && all_signed,
        c: Chrome::new(state, t, t.get("checkin-title"), Some(ctx), None),
        f,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(views::render(&page)?)).into_response())
}

/// A refused pre-check-in step: the message, and what was typed (insurance
/// details, the signer's name) to show again.
type StepError = (String, Option<(Insurance, String)>);

/// `POST .../{appt}/check-in`: one step (`contact`, `insurance`, `sign`,
/// `finish`).
async fn check_in_step(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<CheckInForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let (opened, row, f) = for_action(&state, &ctx, &user, path, "check-in").await?;
    check_in_open(&state, &opened, &row)?;
    let t = state.i18n().tr(ctx.locale);
    let now = state.clock().now();
    let a = &row.appointment;
    let aid = a.meta.id.clone();
    let pid = opened.patient.id.clone();
    let here = appt_href(pid.as_str(), aid.as_str(), "check-in");
    let store = state.store();
    let fail = |e: String, typed: Option<(Insurance, String)>| (e, typed);
    let outcome: Result<&str, StepError> = match form.step.as_str() {
        "contact" => {
            if form.verified != "yes" {
                Err(fail(t.get("checkin-contact-tick"), None))
            } else {
                store
                    .record_check_in(&aid, &pid, true, false, &user.actor.account_id, now)
                    .await?;
                audit_change(
                    &state,
                    &ctx,
                    &user,
                    &opened,
                    "update",
                    "check-in",
                    aid.as_str(),
                    serde_json::json!({ "step": "contact-verified" }),
                )
                .await?;
                Ok("contact")
            }
        }
        "insurance" => {
            let fields = [
                &form.payer,
                &form.member_id,
                &form.group_number,
                &form.subscriber_name,
            ]
            .map(|v| care::clean(v, MAX_FIELD));
            let typed: Vec<String> = fields
                .iter()
                .map(|r| match r {
                    Ok(s) | Err(s) => s.clone(),
                })
                .collect();
            let ins = Insurance {
                payer: typed[0].clone(),
                member_id: typed[1].clone(),
                group_number: typed[2].clone(),
                subscriber_name: typed[3].clone(),
            };
            if fields.iter().any(Result::is_err) {
                Err(fail(t.get("care-too-long"), Some((ins, String::new()))))
            } else if ins.payer.is_empty()
                || ins.member_id.is_empty()
                || ins.subscriber_name.is_empty()
            {
                Err(fail(
                    t.get("checkin-insurance-missing"),
                    Some((ins, String::new())),
                ))
            } else {
                let change = InsuranceChange {
                    id: care::new_id(),
                    patient_id: pid.clone(),
                    appointment_id: Some(aid.clone()),
                    submitted_by: user.actor.account_id.clone(),
                    insurance: ins,
                    status: RequestStatus::Pending,
                    created_at: now,
                    decision: None,
                };
                store.submit_insurance_change(&change).await?;
                audit_change(
                    &state,
                    &ctx,
                    &user,
                    &opened,
                    "create",
                    "insurance-change",
                    &change.id,
                    serde_json::json!({ "appointment": aid.as_str() }),
                )
                .await?;
                Ok("insurance")
            }
        }
        "sign" => {
            let doc: Option<&PracticeDocument> = state
                .config()
                .appointments
                .documents
                .iter()
                .find(|d| d.id == form.document);
            let Some(doc) = doc else {
                return Err(WebError::BadRequest("unknown document"));
            };
            let name = care::clean(&form.typed_name, MAX_FIELD);
            match name {
                Err(typed) => Err(fail(
                    t.get("care-too-long"),
                    Some((Insurance::default(), typed)),
                )),
                Ok(n) if n.is_empty() || form.agree != "yes" => Err(fail(
                    t.get("checkin-sign-missing"),
                    Some((Insurance::default(), n)),
                )),
                Ok(n) => {
                    let sig = Signature {
                        appointment_id: aid.clone(),
                        patient_id: pid.clone(),
                        document_id: doc.id.clone(),
                        document_sha256: doc.sha256(),
                        typed_name: n,
                        signed_at: now,
                        signed_by: user.actor.account_id.clone(),
                    };
                    match store.sign_document(&sig).await {
                        Ok(()) | Err(sprout_store::StoreError::Conflict(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                    audit_change(
                        &state,
                        &ctx,
                        &user,
                        &opened,
                        "create",
                        "document-signature",
                        aid.as_str(),
                        serde_json::json!({ "document": doc.id, "sha256": sig.document_sha256 }),
                    )
                    .await?;
                    Ok("signed")
                }
            }
        }
        "finish" => {
            let check = store.check_in(&aid).await?;
            let signed = store.signatures(&aid).await?;
            let all_signed = state
                .config()
                .appointments
                .documents
                .iter()
                .all(|d| signed.iter().any(|s| s.document_id == d.id));
            if check.and_then(|c| c.contact_verified_at).is_none() || !all_signed {
                Err(fail(t.get("checkin-finish-missing"), None))
            } else {
                store
                    .record_check_in(&aid, &pid, false, true, &user.actor.account_id, now)
                    .await?;
                audit_change(
                    &state,
                    &ctx,
                    &user,
                    &opened,
                    "update",
                    "check-in",
                    aid.as_str(),
                    serde_json::json!({ "step": "completed" }),
                )
                .await?;
                return Ok(
                    Redirect::to(&format!("{}?done=checked-in", list_href(pid.as_str())))
                        .into_response(),
                );
            }
        }
        _ => return Err(WebError::BadRequest("unknown step")),
    };
    match outcome {
        Ok(saved) => Ok(Redirect::to(&format!("{here}?saved={saved}")).into_response()),
        Err((e, typed)) => {
            render_check_in(&state, &ctx, &opened, &row, f, None, Some(e), typed).await
        }
    }
}

/// One pending visit request in the front desk's queue.
pub(crate) struct RequestItem {
    pub id: String,
    pub action: String,
    pub patient: String,
    pub patient_line: String,
    pub chart_href: String,
    pub lines: Vec<String>,
    pub error: Option<String>,
    pub date: String,
    pub time: String,
    pub minutes: String,
    pub message: String,
    pub video: bool,
}

/// One pending insurance change.
pub(crate) struct InsuranceItem {
    pub id: String,
    pub action: String,
    pub patient: String,
    pub patient_line: String,
    pub current: Option<Vec<(String, String)>>,
    pub new: Vec<(String, String)>,
    pub lines: Vec<String>,
    pub error: Option<String>,
    pub message: String,
}

/// The front desk's queues.
#[derive(Template)]
#[template(path = "appts/queue.html")]
pub(crate) struct QueuePage<'a> {
    pub c: Chrome<'a>,
    pub notice: Option<String>,
    pub requests: Vec<RequestItem>,
    pub insurance: Vec<InsuranceItem>,
}

fn front_desk(user: &SignedIn) -> WebResult<()> {
    match user.actor.staff_role {
        Some(role) if policy::staff_may_do(role, Action::Appointment) => Ok(()),
        _ => Err(WebError::NotFound),
    }
}

/// `GET /staff/appointments`.
async fn queue(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    Query(q): Query<DoneQuery>,
) -> WebResult<Response> {
    front_desk(&user)?;
    let t = state.i18n().tr(ctx.locale);
    let notice = q.done.as_deref().and_then(|d| match d {
        "scheduled" => Some(t.get("appts-queue-scheduled")),
        "replied" => Some(t.get("appts-queue-replied")),
        "approved" => Some(t.get("appts-queue-ins-approved")),
        "denied" => Some(t.get("appts-queue-ins-rejected")),
        "stale" => Some(t.get("care-queue-stale")),
        _ => None,
    });
    render_queue(&state, &ctx, &user, notice, QueueError::None).await
}

/// A refused decision, re-shown with what was typed.
enum QueueError {
    None,
    Request {
        id: String,
        error: String,
        date: String,
        time: String,
        minutes: String,
        message: String,
        video: bool,
    },
    Insurance {
        id: String,
        error: String,
        message: String,
    },
}

async fn render_queue(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    notice: Option<String>,
    error: QueueError,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let tz = &state.config().time_zone;
    let store = state.store();
    let mut requests = Vec::new();
    for r in store.appointment_requests(None).await? {
        let Ok(opened) = read::open(
            state,
            ctx,
            user,
            Some(r.patient_id.as_str()),
            Want::Section(Section::Appointments),
        )
        .await
        else {
            continue;
        };
        opened
            .audit_success(state, ctx, user, "appointment-queue", Some(&r.id), None)
            .await?;
        let requester = store
            .account(&r.requested_by)
            .await?
            .map(|a| a.display_name)
            .unwrap_or_default();
        let days: Vec<String> = r
            .preferred_days
            .split(',')
            .filter(|d| !d.is_empty())
            .map(|d| t.get(&format!("appts-day-{d}")))
            .collect();
        let lines = vec![
            t.with(
                "appts-queue-asked",
                &[
                    ("who", Arg::Text(&requester)),
                    ("when", Arg::Text(&care::when(&t, r.created_at, tz))),
                ],
            ),
            t.with(
                "appts-queue-prefers",
                &[
                    (
                        "type",
                        Arg::Text(&t.get(&format!("appts-type-{}", r.visit_type))),
                    ),
                    (
                        "days",
                        Arg::Text(&if days.is_empty() {
                            t.get("appts-day-any")
                        } else {
                            days.join(", ")
                        }),
                    ),
                    (
                        "times",
                        Arg::Text(&t.get(&format!("appts-time-{}", r.preferred_times))),
                    ),
                ],
            ),
            t.with("appts-queue-reason", &[("reason", Arg::Text(&r.reason))]),
        ];
        let mut item = RequestItem {
            action: format!("/staff/appointment-requests/{}", r.id),
            id: r.id.clone(),
            patient: opened.patient.display_name(),
            patient_line: patient_line(&t, &opened.patient, opened.today()),
            chart_href: list_href(opened.patient.id.as_str()),
            lines,
            error: None,
            date: String::new(),
            time: String::new(),
            minutes: "20".into(),
            message: String::new(),
            video: r.visit_type == "video",
        };
        if let QueueError::Request {
            id,
            error,
            date,
            time,
            minutes,
            message,
            video,
        } = &error
        {
            if *id == r.id {
                item.error = Some(error.clone());
                item.date = date.clone();
                item.time = time.clone();
                item.minutes = minutes.clone();
                item.message = message.clone();
                item.video = *video;
            }
        }
        requests.push(item);
    }
    let mut insurance = Vec::new();
    let may_billing = user
        .actor
        .staff_role
        .is_some_and(|r| policy::staff_may_do(r, Action::Billing));
    if may_billing {
        for c in store.insurance_changes(None).await? {
            let Ok(opened) = read::open(
                state,
                ctx,
                user,
                Some(c.patient_id.as_str()),
                Want::Section(Section::Billing),
            )
            .await
            else {
                continue;
            };
            opened
                .audit_success(state, ctx, user, "insurance-queue", Some(&c.id), None)
                .await?;
            let rows = |i: &Insurance| {
                vec![
                    (t.get("checkin-payer"), i.payer.clone()),
                    (t.get("checkin-member-id"), i.member_id.clone()),
                    (t.get("checkin-group"), i.group_number.clone()),
                    (t.get("checkin-subscriber"), i.subscriber_name.clone()),
                ]
            };
            let requester = store
                .account(&c.submitted_by)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_default();
            let (err, message) = match &error {
                QueueError::Insurance { id, error, message } if *id == c.id => {
                    (Some(error.clone()), message.clone())
                }
                _ => (None, String::new()),
            };
            insurance.push(InsuranceItem {
                action: format!("/staff/insurance/{}", c.id),
                id: c.id.clone(),
                patient: opened.patient.display_name(),
                patient_line: patient_line(&t, &opened.patient, opened.today()),
                current: store.insurance(&c.patient_id).await?.as_ref().map(rows),
                new: rows(&c.insurance),
                lines: vec![t.with(
                    "appts-queue-asked",
                    &[
                        ("who", Arg::Text(&requester)),
                        ("when", Arg::Text(&care::when(&t, c.created_at, tz))),
                    ],
                )],
                error: err,
                message,
            });
        }
    }
    let page = QueuePage {
        c: Chrome::new(state, t, t.get("appts-queue-title"), Some(ctx), None),
        notice,
        requests,
        insurance,
    };
    Ok(Html(views::render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ScheduleForm {
    csrf: String,
    decision: String,
    date: String,
    time: String,
    minutes: String,
    video: String,
    message: String,
}

/// `POST /staff/appointment-requests/{req}`: schedule a visit, or reply.
async fn decide_request(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ScheduleForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    front_desk(&user)?;
    let Ok(Path(req_id)) = path else {
        return Err(WebError::NotFound);
    };
    let Some(r) = state.store().appointment_request(&req_id).await? else {
        return Err(WebError::NotFound);
    };
    let opened = read::open_for_action(
        &state,
        &ctx,
        &user,
        &r.patient_id,
        Section::Appointments,
        Action::Appointment,
    )
    .await?;
    let t = state.i18n().tr(ctx.locale);
    let tz = state.config().time_zone.clone();
    let video = form.video == "yes";
    let again = |error: String, message: String| QueueError::Request {
        id: req_id.clone(),
        error,
        date: form.date.trim().to_owned(),
        time: form.time.trim().to_owned(),
        minutes: form.minutes.trim().to_owned(),
        message,
        video,
    };
    let message = match care::clean(&form.message, MAX_TEXT) {
        Ok(m) => m,
        Err(typed) => {
            let e = again(t.get("care-too-long"), typed);
            return render_queue(&state, &ctx, &user, None, e).await;
        }
    };
    let (status, scheduled) = match form.decision.as_str() {
        "schedule" => {
            let start = form
                .date
                .trim()
                .parse::<jiff::civil::Date>()
                .ok()
                .zip(form.time.trim().parse::<jiff::civil::Time>().ok())
                .and_then(|(d, tm)| d.to_datetime(tm).to_zoned(tz.clone()).ok());
            let minutes = form
                .minutes
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|m| (5..=240).contains(m));
            let (Some(start), Some(minutes)) = (start, minutes) else {
                let e = again(t.get("appts-queue-when-missing"), message);
                return render_queue(&state, &ctx, &user, None, e).await;
            };
            if start.timestamp() <= state.clock().now() {
                let e = again(t.get("appts-queue-when-past"), message);
                return render_queue(&state, &ctx, &user, None, e).await;
            }
            let end = start
                .checked_add(SignedDuration::from_mins(minutes))
                .map_err(|_| WebError::BadRequest("bad end"))?;
            let fhir = |z: &jiff::Zoned| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
            let id = ItemId::from_random(crate::auth::random_id_bytes());
            let appt = Appointment {
                meta: ItemMeta {
                    source_id: format!("portal-{id}"),
                    id,
                    patient_id: r.patient_id.clone(),
                    labels: Labels::default(),
                },
                status: "booked".into(),
                visit_type: Some(t.get(&format!("appts-type-{}", r.visit_type))),
                reason_text: Some(r.reason.clone()),
                start: Some(fhir(&start)),
                end: Some(fhir(&end)),
                practitioner: None,
                location: Some(state.config().practice_name.clone()),
                video,
            };
            (RequestStatus::Scheduled, Some(appt))
        }
        "reply" => {
            if message.is_empty() {
                let e = again(t.get("appts-queue-reply-missing"), message);
                return render_queue(&state, &ctx, &user, None, e).await;
            }
            (RequestStatus::Replied, None)
        }
        _ => return Err(WebError::BadRequest("unknown decision")),
    };
    let d = StaffDecision {
        status,
        by: user.actor.account_id.clone(),
        at: state.clock().now(),
        message,
    };
    let done = state
        .store()
        .decide_appointment_request(&r.id, &d, scheduled.as_ref())
        .await?;
    if !done {
        care::audit_stale(&state, &ctx, &user, &opened, "appointment-request", &r.id).await?;
        return Ok(Redirect::to("/staff/appointments?done=stale").into_response());
    }
    audit_change(
        &state,
        &ctx,
        &user,
        &opened,
        "update",
        "appointment-request",
        &r.id,
        serde_json::json!({
            "decision": status.code(),
            "appointment": scheduled.as_ref().map(|a| a.meta.id.as_str()),
        }),
    )
    .await?;
    care::notify_decided(&state, &r.requested_by).await?;
    Ok(Redirect::to(&format!("/staff/appointments?done={}", status.code())).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InsuranceForm {
    csrf: String,
    decision: String,
    message: String,
}

/// `POST /staff/insurance/{change}`: approve (and so apply) or reject.
async fn decide_insurance(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<InsuranceForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    match user.actor.staff_role {
        Some(role) if policy::staff_may_do(role, Action::Billing) => {}
        _ => return Err(WebError::NotFound),
    }
    let Ok(Path(change_id)) = path else {
        return Err(WebError::NotFound);
    };
    let Some(c) = state.store().insurance_change(&change_id).await? else {
        return Err(WebError::NotFound);
    };
    let opened = read::open_for_action(
        &state,
        &ctx,
        &user,
        &c.patient_id,
        Section::Billing,
        Action::Billing,
    )
    .await?;
    let t = state.i18n().tr(ctx.locale);
    let status = match form.decision.as_str() {
        "approve" => RequestStatus::Approved,
        "reject" => RequestStatus::Denied,
        _ => return Err(WebError::BadRequest("unknown decision")),
    };
    let message = match care::clean(&form.message, MAX_TEXT) {
        Ok(m) if status == RequestStatus::Denied && m.is_empty() => {
            let e = QueueError::Insurance {
                id: change_id,
                error: t.get("appts-queue-reject-missing"),
                message: m,
            };
            return render_queue(&state, &ctx, &user, None, e).await;
        }
        Ok(m) => m,
        Err(typed) => {
            let e = QueueError::Insurance {
                id: change_id,
                error: t.get("care-too-long"),
                message: typed,
            };
            return render_queue(&state, &ctx, &user, None, e).await;
        }
    };
    let d = StaffDecision {
        status,
        by: user.actor.account_id.clone(),
        at: state.clock().now(),
        message,
    };
    let done = state.store().decide_insurance_change(&c.id, &d).await?;
    if !done {
        care::audit_stale(&state, &ctx, &user, &opened, "insurance-change", &c.id).await?;
        return Ok(Redirect::to("/staff/appointments?done=stale").into_response());
    }
    audit_change(
        &state,
        &ctx,
        &user,
        &opened,
        "update",
        "insurance-change",
        &c.id,
        serde_json::json!({ "decision": status.code() }),
    )
    .await?;
    care::notify_decided(&state, &c.submitted_by).await?;
    Ok(Redirect::to(&format!("/staff/appointments?done={}", status.code())).into_response())
}
