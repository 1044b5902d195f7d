//! Enrollment (issue 4, items 1-4): how families get into the portal.
//!
//! - Staff (front desk, admin) enter paper sign-up slips one by one or as a
//!   CSV file at `/staff/enroll`; each is validated by
//!   [`sprout_domain::enrollment::validate_slip`] and stored as typed, valid
//!   or not, so nothing is lost. Invalid slips are listed with their reasons
//!   and can be fixed or rejected. One button sends invitations for every
//!   valid slip: patients matched by MRN, people by email (one account, one
//!   email each), relationships created, all in one transaction
//!   ([`sprout_store::enrollment::EnrollmentStore::apply_enrollment`]).
//! - Invited people open a single-use link (`/activate`), choose a password
//!   and accept; a patient with an own login records their consent there.
//! - Parents register themselves (`/signup`), confirm their email
//!   (`/verify`), then link each child (`/link`) with an office PIN and the
//!   child's birth date, or ask the office with the MRN and a visit date (a
//!   queue on `/staff/enroll`). Ten wrong attempts lock a child's PIN until
//!   staff reissue it on the patient's enrollment page
//!   (`/patients/{id}/enrollment`), where staff also invite a teen to an own
//!   login.
//!
//! Sign-up never says whether an email is registered: it answers the same
//! page and sends an email either way. PIN refusals never say which of the
//! PIN and the birth date was wrong. Every change is audited; no email
//! carries health information.

use crate::audit::{self, Entry, Outcome};
use crate::auth;
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Locale, Tr};
use crate::pages::{self, Current};
use crate::read::{self, Sharing, Want};
use crate::views::{self, Chrome, PatientFrame};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use sprout_domain::access;
use sprout_domain::enrollment::{
    self as rules, normalize_pin, pin_from_random, plan_invitations, validate_slip, FormType,
    KnownAccount, KnownPatient, LinkRequestStatus, ProxyEntry, Slip, SlipStatus, TokenPurpose,
    PIN_MAX_FAILURES,
};
use sprout_domain::people::{
    Account, AccountStatus, ProxyRelationship, RelationshipKind, StaffRole,
};
use sprout_domain::policy::{self, Action, AdolescentProxy, PatientFacts, Request};
use sprout_domain::record::{AdministrativeSex, Labels, Patient};
use sprout_domain::{AccountId, PatientId};
use sprout_store::enrollment::{
    EnrollmentToken, EnrollmentWrite, LinkPin, LinkRequest, StoredSlip,
};
use sprout_store::{normalize_email, AuditEvent, NewAccount, NewEmail, StoreError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Settings of enrollment (`[enrollment]` in the configuration file).
#[derive(Debug, Clone)]
pub struct EnrollmentConfig {
    /// How long an invitation's activation link works. Default: 7 days.
    pub invitation_lifetime: SignedDuration,
    /// How long an office PIN works. Default: 30 days.
    pub pin_lifetime: SignedDuration,
    /// How long an email-confirmation link works. Default: 2 days.
    pub verification_lifetime: SignedDuration,
    /// Largest CSV upload accepted, in bytes; larger ones are refused (413)
    /// before anything is stored. Default: 1 MiB.
    pub max_upload_bytes: usize,
    /// Woken whenever an email is queued, so a sender drains the outbox at
    /// once instead of at its next tick. Default: none.
    pub outbox_wake: Option<Arc<tokio::sync::Notify>>,
    /// Where links in emails point when no public origin is configured: the
    /// address `sprout serve` listens on. Default: none.
    pub link_origin: Option<String>,
}

impl Default for EnrollmentConfig {
    fn default() -> Self {
        Self {
            invitation_lifetime: SignedDuration::from_hours(7 * 24),
            pin_lifetime: SignedDuration::from_hours(30 * 24),
            verification_lifetime: SignedDuration::from_hours(48),
            max_upload_bytes: 1024 * 1024,
            outbox_wake: None,
            link_origin: None,
        }
    }
}

/// Marks an account that has no password yet (invited, pending): no
/// Argon2 PHC string, so no password ever verifies against it.
const NO_PASSWORD: &str = "!";
/// Longest text accepted in a name or email field.
const MAX_FIELD: usize = 254;
/// Longest password accepted.
const MAX_PASSWORD: usize = 1024;
/// Most slips one CSV file may hold.
const MAX_CSV_ROWS: usize = 5000;
/// Proxy rows a CSV file may have (`proxy1_*` ... `proxy4_*`).
const CSV_PROXIES: usize = 4;

/// The enrollment routes.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let upload_limit = state.config().enrollment.max_upload_bytes;
    Router::new()
        .route("/staff/enroll", get(staff_page))
        .route("/staff/enroll/slips", post(new_slip))
        .route("/staff/enroll/slips/{id}", get(slip_page).post(fix_slip))
        .route("/staff/enroll/slips/{id}/reject", post(reject_slip))
        .route(
            "/staff/enroll/upload",
            post(upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/staff/enroll/invite", post(invite))
        .route(
            "/staff/enroll/requests/{id}/{decision}",
            post(decide_request),
        )
        .route(
            "/patients/{id}/enrollment",
            get(patient_page).post(patient_action),
        )
        .route("/signup", get(signup_form).post(signup))
        .route("/verify", get(verify_form).post(verify))
        .route("/activate", get(activate_form).post(activate))
        .route("/link/pin", post(link_pin))
        .route("/link/request", post(link_request))
        .route("/link", get(link_page))
}

/// `GET /static/enroll.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/enroll.css"),
    )
}

/// Issues an office PIN for `patient` (replacing any earlier one), valid for
/// `lifetime` from `now`, and returns it as people write it
/// (`ABCD-EFGH-JK`). Only its SHA-256 is stored. The demo uses this to hand
/// out a PIN for a child without a linked parent.
///
/// # Errors
/// A store error.
pub async fn issue_office_pin(
    store: &dyn sprout_store::Store,
    patient: &PatientId,
    issued_by: Option<&AccountId>,
    now: Timestamp,
    lifetime: SignedDuration,
) -> Result<String, StoreError> {
    let pin = pin_from_random(auth::random_id_bytes());
    let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
    store
        .issue_pin(&LinkPin {
            patient_id: patient.clone(),
            pin_hash: auth::token_hash(&pin),
            issued_at: now,
            expires_at: later(now, lifetime),
            issued_by: issued_by.cloned(),
            used_at: None,
            failures: 0,
            locked_at: None,
        })
        .await?;
    Ok(rules::format_pin(&pin))
}

// ---------------------------------------------------------------- helpers

fn new_id() -> String {
    AccountId::from_random(auth::random_id_bytes()).to_string()
}

fn now_of(state: &AppState) -> Timestamp {
    let now = state.clock().now();
    Timestamp::from_second(now.as_second()).unwrap_or(now)
}

fn later(now: Timestamp, by: SignedDuration) -> Timestamp {
    now.saturating_add(by).unwrap_or(now)
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Staff who enrol families: front desk and administrators.
fn enrolling_staff(user: &SignedIn) -> Option<StaffRole> {
    user.actor
        .staff_role
        .filter(|r| matches!(r, StaffRole::FrontDesk | StaffRole::Admin))
}

/// The origin links in emails point to: the configured public origin, else
/// the address the server listens on ([`EnrollmentConfig::link_origin`]),
/// else the request's `Host` when it names this machine (tests), else
/// `http://localhost`. Never a `Host` from elsewhere: a forged `Host` would
/// put an attacker's site in a genuine email and hand them the token of a
/// link (found trying the sign-up page with curl).
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(o) = &state.config().public_origin {
        return o.trim_end_matches('/').to_owned();
    }
    if let Some(o) = &state.config().enrollment.link_origin {
        return o.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| loopback_host(h))
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Whether a `Host` value names this machine (`localhost`, `127.x.y.z`,
/// `[::1]`, with an optional port).
fn loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        }),
    };
    let port_ok = host
        .rsplit_once(':')
        .is_none_or(|(_, p)| p.ends_with(']') || p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && (name.eq_ignore_ascii_case("localhost")
            || name
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()))
}

/// Tells the outbox sender there is mail.
fn wake_outbox(state: &AppState) {
    if let Some(n) = &state.config().enrollment.outbox_wake {
        n.notify_one();
    }
}

/// An email in both languages (the practice does not know a new family's
/// language yet): English, then Spanish.
fn bilingual(
    state: &AppState,
    subject: &str,
    body: &str,
    args: &[(&str, Arg<'_>)],
) -> (String, String) {
    let en = state.i18n().tr(Locale::En);
    let es = state.i18n().tr(Locale::Es);
    (
        format!("{} / {}", en.with(subject, args), es.with(subject, args)),
        format!(
            "{}\n\n--- Español ---\n\n{}\n",
            en.with(body, args),
            es.with(body, args)
        ),
    )
}

fn email(to: &str, subject: String, body: String) -> NewEmail {
    NewEmail {
        id: format!("enroll-{}", new_id()),
        to_address: to.to_owned(),
        subject,
        body_text: body,
        body_html: None,
        locale: "en".to_owned(),
    }
}

/// An audit event written in a store transaction (batch writes).
#[allow(clippy::too_many_arguments)]
fn event(
    state: &AppState,
    ctx: &Ctx,
    account: Option<&AccountId>,
    role: &str,
    patient: Option<&PatientId>,
    action: &str,
    object_type: &str,
    object_id: Option<&str>,
    detail: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        at: audit::rfc3339(state.clock().now()),
        account_id: account.cloned(),
        actor_role: role.to_owned(),
        on_behalf_of: None,
        patient_id: patient.cloned(),
        action: action.to_owned(),
        object_type: object_type.to_owned(),
        object_id: object_id.map(str::to_owned),
        outcome: "success".to_owned(),
        reason: None,
        client_addr: ctx.client_addr.clone(),
        request_id: Some(ctx.request_id.clone()),
        detail: Some(detail.to_string()),
    }
}

/// Appends one audit event now.
#[allow(clippy::too_many_arguments)]
async fn record(
    state: &AppState,
    ctx: &Ctx,
    account: Option<&AccountId>,
    role: &str,
    patient: Option<&PatientId>,
    action: &str,
    object_type: &str,
    object_id: Option<&str>,
    outcome: Outcome,
    reason: Option<&str>,
    detail: serde_json::Value,
) -> WebResult<()> {
    audit::record(
        state,
        ctx,
        Entry {
            account_id: account,
            actor_role: role,
            patient_id: patient,
            action,
            object_type,
            object_id,
            outcome,
            reason,
            detail: Some(detail.to_string()),
        },
    )
    .await
}

/// The words for a slip or invitation problem code.
fn problem_text(t: &Tr<'_>, code: &str) -> String {
    t.get(&format!("enroll-problem-{code}"))
}

/// A page in the site's frame, with a status.
fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

// ---------------------------------------------------------------- message page

/// A page that only says something (check your email, link expired...).
#[derive(Template)]
#[template(path = "enroll/message.html")]
struct MessagePage<'a> {
    c: Chrome<'a>,
    heading: String,
    body: String,
    link_href: Option<String>,
    link_label: String,
}

fn message(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    heading: &str,
    body: &str,
    link: Option<(&str, &str)>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = MessagePage {
        c: Chrome::new(state, t, t.get(heading), Some(ctx), None),
        heading: t.get(heading),
        body: t.get(body),
        link_href: link.map(|(href, _)| href.to_owned()),
        link_label: link.map(|(_, key)| t.get(key)).unwrap_or_default(),
    };
    Ok(html(status, views::render(&page)?))
}

// ---------------------------------------------------------------- slips

/// One proxy row of the slip form.
struct ProxyRow {
    n: usize,
    legend: String,
    kinds: Vec<Choice>,
    name: String,
    email: String,
    birth_date: String,
}

/// A choice of a select.
struct Choice {
    code: &'static str,
    label: String,
    selected: bool,
}

/// The slip form, filled with what was typed.
struct SlipForm {
    action: String,
    given_name: String,
    family_name: String,
    birth_date: String,
    mrn: String,
    form_types: Vec<Choice>,
    consent: bool,
    patient_email: String,
    proxies: Vec<ProxyRow>,
    /// The problems, in words.
    problems: Vec<String>,
    submit: String,
}

fn kind_choices(t: &Tr<'_>, selected: &str) -> Vec<Choice> {
    [
        RelationshipKind::Parent,
        RelationshipKind::LegalGuardian,
        RelationshipKind::CourtAppointedGuardian,
    ]
    .iter()
    .map(|k| Choice {
        code: k.code(),
        label: t.get(&format!("kind-{}", k.code())),
        selected: selected == k.code(),
    })
    .collect()
}

fn slip_form(
    state: &AppState,
    t: &Tr<'_>,
    slip: &Slip,
    problems: &[String],
    action: String,
    submit_key: &str,
) -> SlipForm {
    let max = state.policy().max_proxies as usize;
    let rows = if max == 0 { 4 } else { max }.max(slip.proxies.len());
    let proxies: Vec<ProxyRow> = (0..rows)
        .map(|i| {
            let p = slip.proxies.get(i).cloned().unwrap_or_default();
            ProxyRow {
                n: i + 1,
                legend: t.with("enroll-proxy-n", &[("n", Arg::Num(i as i64 + 1))]),
                kinds: kind_choices(t, &p.relationship),
                name: p.name,
                email: p.email,
                birth_date: p.birth_date,
            }
        })
        .collect();
    SlipForm {
        action,
        given_name: slip.given_name.clone(),
        family_name: slip.family_name.clone(),
        birth_date: slip.birth_date.clone(),
        mrn: slip.mrn.clone(),
        form_types: FormType::ALL
            .iter()
            .map(|f| Choice {
                code: f.code(),
                label: t.get(&format!("enroll-form-type-{}", f.code())),
                selected: slip.form_type == f.code(),
            })
            .collect(),
        consent: slip.consent,
        patient_email: slip.patient_email.clone(),
        proxies,
        problems: problems.iter().map(|p| problem_text(t, p)).collect(),
        submit: t.get(submit_key),
    }
}

/// A slip from the form's pairs (`p1_name`, `p1_email`... for proxies).
fn slip_from_pairs(pairs: &[(String, String)]) -> Slip {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| clip(v, MAX_FIELD))
            .unwrap_or_default()
    };
    let mut proxies = Vec::new();
    for n in 1..=8 {
        let p = ProxyEntry {
            name: field(&format!("p{n}_name")),
            email: field(&format!("p{n}_email")),
            birth_date: field(&format!("p{n}_birth_date")),
            relationship: field(&format!("p{n}_relationship")),
        };
        proxies.push(p);
    }
    while proxies.last().is_some_and(ProxyEntry::is_blank) {
        proxies.pop();
    }
    Slip {
        given_name: field("given_name"),
        family_name: field("family_name"),
        birth_date: field("birth_date"),
        mrn: field("mrn"),
        form_type: field("form_type"),
        consent: pairs.iter().any(|(k, v)| k == "consent" && !v.is_empty()),
        patient_email: field("patient_email"),
        proxies,
    }
}

/// Validates and stores a slip (new or fixed); returns it as stored.
fn judge(
    state: &AppState,
    id: String,
    slip: Slip,
    received_on: Date,
    by: &AccountId,
) -> StoredSlip {
    let (status, problems) = match validate_slip(&slip, state.policy(), received_on) {
        Ok(_) => (SlipStatus::Valid, Vec::new()),
        Err(ps) => (
            SlipStatus::Invalid,
            ps.iter().map(|p| p.code().to_owned()).collect(),
        ),
    };
    StoredSlip {
        id,
        slip,
        status,
        problems,
        received_on,
        entered_by: Some(by.clone()),
        updated_at: now_of(state),
        patient_id: None,
    }
}

/// One invalid slip in the staff list.
struct InvalidRow {
    href: String,
    name: String,
    mrn: String,
    problems: Vec<String>,
    reject_action: String,
}

/// One row of a CSV upload's report.
struct UploadRow {
    line: usize,
    name: String,
    ok: bool,
    problems: Vec<String>,
}

/// One pending link request.
struct RequestRow {
    parent: String,
    email: String,
    line: String,
    kind: String,
    approve: String,
    reject: String,
}

/// The staff enrollment page.
#[derive(Template)]
#[template(path = "enroll/staff.html")]
struct StaffPage<'a> {
    c: Chrome<'a>,
    notice: Option<String>,
    error: Option<String>,
    form: SlipForm,
    valid_count: usize,
    valid_text: String,
    send_label: String,
    invalid: Vec<InvalidRow>,
    upload_report: Vec<UploadRow>,
    requests: Vec<RequestRow>,
    upload_hint: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DoneQuery {
    done: String,
    n: u32,
    failed: u32,
}

#[allow(clippy::too_many_arguments)]
async fn render_staff(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    error: Option<String>,
    typed: Option<(&Slip, &[String])>,
    upload_report: Vec<UploadRow>,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let store = state.store();
    let valid_count = store.slips(Some(SlipStatus::Valid), 0).await?.len();
    let invalid = store
        .slips(Some(SlipStatus::Invalid), 0)
        .await?
        .into_iter()
        .map(|s| InvalidRow {
            href: format!("/staff/enroll/slips/{}", s.id),
            name: format!("{} {}", s.slip.given_name, s.slip.family_name)
                .trim()
                .to_owned(),
            mrn: s.slip.mrn.clone(),
            problems: s.problems.iter().map(|p| problem_text(&t, p)).collect(),
            reject_action: format!("/staff/enroll/slips/{}/reject", s.id),
        })
        .collect();
    let mut requests = Vec::new();
    for r in store
        .link_requests(Some(LinkRequestStatus::Pending))
        .await?
    {
        let Some(parent) = store.account(&r.account_id).await? else {
            continue;
        };
        requests.push(RequestRow {
            parent: parent.display_name,
            email: parent.email,
            line: t.with(
                "enroll-request-line",
                &[
                    ("child", Arg::Text(&r.child_name)),
                    ("mrn", Arg::Text(&r.mrn)),
                    ("date", Arg::Text(&t.date(r.visit_date))),
                ],
            ),
            kind: t.get(&format!("kind-{}", r.relationship.code())),
            approve: format!("/staff/enroll/requests/{}/approve", r.id),
            reject: format!("/staff/enroll/requests/{}/reject", r.id),
        });
    }
    let blank = Slip::default();
    let (slip, problems) = typed.unwrap_or((&blank, &[]));
    let form = slip_form(
        state,
        &t,
        slip,
        problems,
        "/staff/enroll/slips".to_owned(),
        "enroll-slip-save",
    );
    let page = StaffPage {
        c: Chrome::new(state, t, t.get("enroll-staff-title"), Some(ctx), None),
        notice,
        error,
        form,
        valid_count,
        valid_text: t.with("enroll-valid-count", &[("n", Arg::Num(valid_count as i64))]),
        send_label: t.with("enroll-send-button", &[("n", Arg::Num(valid_count as i64))]),
        invalid,
        upload_report,
        requests,
        upload_hint: t.with(
            "enroll-upload-hint",
            &[(
                "kb",
                Arg::Num((state.config().enrollment.max_upload_bytes / 1024) as i64),
            )],
        ),
    };
    Ok(html(status, views::render(&page)?))
}

/// `GET /staff/enroll`.
pub(crate) async fn staff_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> WebResult<Response> {
    enrolling_staff(&user).ok_or(WebError::NotFound)?;
    let t = state.i18n().tr(ctx.locale);
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let n = [("n", Arg::Num(i64::from(q.n)))];
    let notice = match q.done.as_str() {
        "saved" => Some(t.get("enroll-done-saved")),
        "rejected" => Some(t.get("enroll-done-rejected")),
        "sent" => Some(t.with("enroll-done-sent", &n)),
        "approved" => Some(t.get("enroll-done-approved")),
        "declined" => Some(t.get("enroll-done-declined")),
        _ => None,
    };
    let error = (q.failed > 0).then(|| {
        t.with(
            "enroll-done-failed",
            &[("n", Arg::Num(i64::from(q.failed)))],
        )
    });
    render_staff(
        &state,
        &ctx,
        notice,
        error,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /staff/enroll/slips`: a new slip. Stored whatever it holds; an
/// invalid one is re-shown at once as typed, with its reasons.
pub(crate) async fn new_slip(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> WebResult<Response> {
    let Form(pairs) = form?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    ctx.check_csrf(csrf.unwrap_or(""))?;
    let role = enrolling_staff(&user).ok_or(WebError::NotFound)?;
    let slip = slip_from_pairs(&pairs);
    let stored = judge(
        &state,
        new_id(),
        slip,
        state.clock().today(),
        &user.actor.account_id,
    );
    state.store().save_slip(&stored).await?;
    record(
        &state,
        &ctx,
        Some(&user.actor.account_id),
        role.code(),
        None,
        "create",
        "signup-slip",
        Some(&stored.id),
        Outcome::Success,
        None,
        serde_json::json!({ "status": stored.status.code(), "problems": stored.problems }),
    )
    .await?;
    if stored.status == SlipStatus::Valid {
        return Ok(Redirect::to("/staff/enroll?done=saved").into_response());
    }
    Ok(Redirect::to(&format!("/staff/enroll/slips/{}", stored.id)).into_response())
}

/// One slip's page.
#[derive(Template)]
#[template(path = "enroll/slip.html")]
struct SlipPage<'a> {
    c: Chrome<'a>,
    form: SlipForm,
    reject_action: String,
    status: String,
    editable: bool,
}

async fn slip_for_staff(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> WebResult<(StaffRole, StoredSlip)> {
    let role = enrolling_staff(user).ok_or(WebError::NotFound)?;
    if id.len() > 64 {
        return Err(WebError::NotFound);
    }
    let slip = state.store().slip(id).await?.ok_or(WebError::NotFound)?;
    Ok((role, slip))
}

fn render_slip(
    state: &AppState,
    ctx: &Ctx,
    s: &StoredSlip,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let editable = matches!(s.status, SlipStatus::Valid | SlipStatus::Invalid);
    let form = slip_form(
        state,
        &t,
        &s.slip,
        &s.problems,
        format!("/staff/enroll/slips/{}", s.id),
        "enroll-slip-fix",
    );
    let page = SlipPage {
        c: Chrome::new(state, t, t.get("enroll-slip-title"), Some(ctx), None),
        form,
        reject_action: format!("/staff/enroll/slips/{}/reject", s.id),
        status: t.get(&format!("enroll-status-{}", s.status.code())),
        editable,
    };
    Ok(html(status, views::render(&page)?))
}

/// `GET /staff/enroll/slips/{id}`.
pub(crate) async fn slip_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let Ok(Path(id)) = path else {
        return Err(WebError::NotFound);
    };
    let (_, slip) = slip_for_staff(&state, &user, &id).await?;
    render_slip(&state, &ctx, &slip, StatusCode::OK)
}

/// `POST /staff/enroll/slips/{id}`: a fixed slip, validated again.
pub(crate) async fn fix_slip(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> WebResult<Response> {
    let Form(pairs) = form?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    ctx.check_csrf(csrf.unwrap_or(""))?;
    let Ok(Path(id)) = path else {
        return Err(WebError::NotFound);
    };
    let (role, old) = slip_for_staff(&state, &user, &id).await?;
    if !matches!(old.status, SlipStatus::Valid | SlipStatus::Invalid) {
        return Err(WebError::NotFound);
    }
    let stored = judge(
        &state,
        old.id.clone(),
        slip_from_pairs(&pairs),
        old.received_on,
        &user.actor.account_id,
    );
    state.store().save_slip(&stored).await?;
    record(
        &state,
        &ctx,
        Some(&user.actor.account_id),
        role.code(),
        None,
        "update",
        "signup-slip",
        Some(&stored.id),
        Outcome::Success,
        None,
        serde_json::json!({ "change": "fix", "status": stored.status.code(), "problems": stored.problems }),
    )
    .await?;
    if stored.status == SlipStatus::Valid {
        return Ok(Redirect::to("/staff/enroll?done=saved").into_response());
    }
    render_slip(&state, &ctx, &stored, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

/// `POST /staff/enroll/slips/{id}/reject`.
pub(crate) async fn reject_slip(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Ok(Path(id)) = path else {
        return Err(WebError::NotFound);
    };
    let (role, mut slip) = slip_for_staff(&state, &user, &id).await?;
    if !matches!(slip.status, SlipStatus::Valid | SlipStatus::Invalid) {
        return Err(WebError::NotFound);
    }
    slip.status = SlipStatus::Rejected;
    slip.updated_at = now_of(&state);
    slip.entered_by = Some(user.actor.account_id.clone());
    state.store().save_slip(&slip).await?;
    record(
        &state,
        &ctx,
        Some(&user.actor.account_id),
        role.code(),
        None,
        "update",
        "signup-slip",
        Some(&slip.id),
        Outcome::Success,
        None,
        serde_json::json!({ "change": "reject", "problems": slip.problems }),
    )
    .await?;
    Ok(Redirect::to("/staff/enroll?done=rejected").into_response())
}

/// The columns of a slip CSV file, by header name.
const CSV_COLUMNS: &[&str] = &[
    "given_name",
    "family_name",
    "birth_date",
    "mrn",
    "form_type",
    "consent",
    "patient_email",
];

/// Reads a CSV of slips: one slip per record, by header names
/// ([`CSV_COLUMNS`], then `proxyN_name`, `proxyN_email`,
/// `proxyN_birth_date`, `proxyN_relationship` for N = 1..4). `consent` is
/// checked for `yes`, `y`, `true`, `1`, `x`, `si`, `sí`.
///
/// # Errors
/// The missing columns, or a file that is not CSV text.
fn parse_csv(text: &str) -> Result<Vec<(usize, Slip)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let missing: Vec<&str> = CSV_COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(missing.join(", "));
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let get = |name: &str| {
            col(name)
                .and_then(|c| record.get(c))
                .map(|v| clip(v, MAX_FIELD))
                .unwrap_or_default()
        };
        let consent = matches!(
            get("consent").to_lowercase().as_str(),
            "yes" | "y" | "true" | "1" | "x" | "si" | "sí"
        );
        let mut proxies: Vec<ProxyEntry> = (1..=CSV_PROXIES)
            .map(|n| ProxyEntry {
                name: get(&format!("proxy{n}_name")),
                email: get(&format!("proxy{n}_email")),
                birth_date: get(&format!("proxy{n}_birth_date")),
                relationship: get(&format!("proxy{n}_relationship")),
            })
            .collect();
        proxies.retain(|p| !p.is_blank());
        out.push((
            line,
            Slip {
                given_name: get("given_name"),
                family_name: get("family_name"),
                birth_date: get("birth_date"),
                mrn: get("mrn"),
                form_type: get("form_type"),
                consent,
                patient_email: get("patient_email"),
                proxies,
            },
        ));
        if out.len() > MAX_CSV_ROWS {
            return Err(format!("more than {MAX_CSV_ROWS} rows"));
        }
    }
    Ok(out)
}

/// `POST /staff/enroll/upload` (multipart: `csrf`, then `file`): every row
/// becomes a slip (valid or not); the page reports each row. A file over
/// the size limit is refused (413) before anything is read into the store;
/// a file that is not CSV, or lacks columns, stores nothing and says why.
pub(crate) async fn upload(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> WebResult<Response> {
    let mut multipart = multipart.map_err(|_| WebError::BadRequest("not a file upload"))?;
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge)
            }
            Err(_) => return Err(WebError::BadRequest("unreadable upload")),
        };
        let name = field.name().unwrap_or("").to_owned();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(WebError::PayloadTooLarge)
            }
            Err(_) => return Err(WebError::BadRequest("unreadable upload")),
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let role = enrolling_staff(&user).ok_or(WebError::NotFound)?;
    let t = state.i18n().tr(ctx.locale);
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let bytes = file.unwrap_or_default();
    if bytes.len() > state.config().enrollment.max_upload_bytes {
        return Err(WebError::PayloadTooLarge);
    }
    let Ok(text) = String::from_utf8(bytes) else {
        let e = t.get("enroll-upload-not-text");
        return render_staff(&state, &ctx, None, Some(e), None, Vec::new(), unprocessable).await;
    };
    let rows = match parse_csv(&text) {
        Ok(rows) if !rows.is_empty() => rows,
        Ok(_) => {
            let e = t.get("enroll-upload-empty");
            return render_staff(&state, &ctx, None, Some(e), None, Vec::new(), unprocessable)
                .await;
        }
        Err(why) => {
            let e = t.with("enroll-upload-bad", &[("why", Arg::Text(&why))]);
            return render_staff(&state, &ctx, None, Some(e), None, Vec::new(), unprocessable)
                .await;
        }
    };
    let today = state.clock().today();
    let mut report = Vec::new();
    let (mut ok, mut bad) = (0i64, 0i64);
    for (line, slip) in rows {
        let stored = judge(&state, new_id(), slip, today, &user.actor.account_id);
        state.store().save_slip(&stored).await?;
        if stored.status == SlipStatus::Valid {
            ok += 1;
        } else {
            bad += 1;
        }
        report.push(UploadRow {
            line,
            name: format!("{} {}", stored.slip.given_name, stored.slip.family_name)
                .trim()
                .to_owned(),
            ok: stored.status == SlipStatus::Valid,
            problems: stored
                .problems
                .iter()
                .map(|p| problem_text(&t, p))
                .collect(),
        });
    }
    record(
        &state,
        &ctx,
        Some(&user.actor.account_id),
        role.code(),
        None,
        "create",
        "signup-slip-upload",
        None,
        Outcome::Success,
        None,
        serde_json::json!({ "valid": ok, "invalid": bad }),
    )
    .await?;
    let notice = t.with(
        "enroll-upload-done",
        &[("ok", Arg::Num(ok)), ("bad", Arg::Num(bad))],
    );
    render_staff(
        &state,
        &ctx,
        Some(notice),
        None,
        None,
        report,
        StatusCode::OK,
    )
    .await
}

// ---------------------------------------------------------------- batch invitations

/// `POST /staff/enroll/invite`: invitations for every valid slip at once.
pub(crate) async fn invite(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let role = enrolling_staff(&user).ok_or(WebError::NotFound)?;
    let store = state.store();
    let policy = state.policy();
    let today = state.clock().today();
    let now = now_of(&state);

    // Validate again (the policy may have changed since the slip was saved).
    let mut valid = Vec::new();
    let mut failed = 0u32;
    for s in store.slips(Some(SlipStatus::Valid), 0).await? {
        match validate_slip(&s.slip, policy, s.received_on) {
            Ok(v) => valid.push((s, v)),
            Err(ps) => {
                let mut s = s;
                s.status = SlipStatus::Invalid;
                s.problems = ps.iter().map(|p| p.code().to_owned()).collect();
                s.updated_at = now;
                store.save_slip(&s).await?;
                failed += 1;
            }
        }
    }
    if valid.is_empty() {
        return Ok(
            Redirect::to(&format!("/staff/enroll?done=sent&n=0&failed={failed}")).into_response(),
        );
    }

    // What is on file already: accounts by email, patients by MRN.
    let mut known_accounts = BTreeMap::new();
    let mut emails = BTreeSet::new();
    for (_, v) in &valid {
        emails.extend(v.proxies.iter().map(|p| p.email.clone()));
        emails.extend(v.patient_email.clone());
    }
    for e in &emails {
        if let Some((a, _)) = store.account_by_email(e).await? {
            known_accounts.insert(
                e.clone(),
                KnownAccount {
                    id: a.id,
                    status: a.status,
                    is_staff: a.staff_role.is_some(),
                    patient_id: a.patient_id,
                },
            );
        }
    }
    let mut known_patients = BTreeMap::new();
    let mut ambiguous = BTreeSet::new();
    for (_, v) in &valid {
        if known_patients.contains_key(&v.mrn) || ambiguous.contains(&v.mrn) {
            continue;
        }
        match store.patient_by_mrn(&v.mrn).await {
            Ok(Some(p)) => {
                let own = store.account_of_patient(&p.id).await?.map(|a| a.email);
                let proxies = store
                    .relationships_of_patient(&p.id)
                    .await?
                    .into_iter()
                    .map(|r| r.account_id)
                    .collect();
                known_patients.insert(
                    v.mrn.clone(),
                    KnownPatient {
                        id: p.id,
                        birth_date: p.birth_date,
                        own_login_email: own,
                        proxies,
                    },
                );
            }
            Ok(None) => {}
            Err(StoreError::Conflict(_)) => {
                ambiguous.insert(v.mrn.clone());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let keyed: Vec<(String, rules::ValidSlip)> = valid
        .iter()
        .filter(|(s, _)| !ambiguous.contains(s.slip.mrn.trim()))
        .map(|(s, v)| (s.id.clone(), v.clone()))
        .collect();
    let plan = plan_invitations(
        &keyed,
        &known_accounts,
        &known_patients,
        policy,
        today,
        &mut new_id,
    );

    // Build the one transaction.
    let base = origin(&state, &headers);
    let practice = state.config().practice_name.clone();
    let lifetime = state.config().enrollment.invitation_lifetime;
    let days = lifetime.as_hours() / 24;
    let mut write = EnrollmentWrite {
        now: Some(now),
        ..EnrollmentWrite::default()
    };
    let by = Some(&user.actor.account_id);
    let chart_email: BTreeMap<&PatientId, &String> = plan
        .people
        .iter()
        .filter_map(|p| p.becomes_own_login_of.as_ref().map(|id| (id, &p.email)))
        .collect();
    for p in &plan.new_patients {
        write.patients.push(Patient {
            id: p.id.clone(),
            source_id: None,
            mrn: Some(p.mrn.clone()),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            birth_date: p.birth_date,
            sex: AdministrativeSex::Unknown,
            phone: None,
            email: chart_email.get(&p.id).map(|e| (*e).clone()),
            address: None,
            gestation_weeks: None,
            labels: Labels::default(),
        });
        write.audit.push(event(
            &state,
            &ctx,
            by,
            role.code(),
            Some(&p.id),
            "create",
            "Patient",
            Some(p.id.as_str()),
            serde_json::json!({ "source": "signup-slip" }),
        ));
    }
    for person in &plan.people {
        if person.new_account {
            write.accounts.push(NewAccount {
                id: person.account_id.clone(),
                email: person.email.clone(),
                display_name: person.name.clone(),
                password_hash: NO_PASSWORD.to_owned(),
                status: AccountStatus::Pending,
                staff_role: None,
                patient_id: person.becomes_own_login_of.clone(),
            });
        } else if let Some(p) = &person.becomes_own_login_of {
            write
                .own_logins
                .push((person.account_id.clone(), p.clone()));
        }
        let name = [
            ("name", Arg::Text(&person.name)),
            ("practice", Arg::Text(&practice)),
        ];
        let (subject, body) = if person.needs_activation() {
            let token = auth::random_token();
            write.tokens.push(EnrollmentToken {
                token_hash: auth::token_hash(&token),
                purpose: TokenPurpose::Activation,
                account_id: person.account_id.clone(),
                created_at: now,
                expires_at: later(now, lifetime),
            });
            let link = format!("{base}/activate?token={token}");
            let mut args = name.to_vec();
            args.push(("link", Arg::Text(&link)));
            args.push(("days", Arg::Num(days)));
            bilingual(
                &state,
                "enroll-mail-invite-subject",
                "enroll-mail-invite-body",
                &args,
            )
        } else {
            let link = format!("{base}/login");
            let mut args = name.to_vec();
            args.push(("link", Arg::Text(&link)));
            bilingual(
                &state,
                "enroll-mail-added-subject",
                "enroll-mail-added-body",
                &args,
            )
        };
        write.emails.push(email(&person.email, subject, body));
        write.audit.push(event(
            &state,
            &ctx,
            by,
            role.code(),
            person.becomes_own_login_of.as_ref(),
            if person.new_account {
                "create"
            } else {
                "update"
            },
            "invitation",
            Some(person.account_id.as_str()),
            serde_json::json!({
                "new_account": person.new_account,
                "activation": person.needs_activation(),
                "children": person.children.len(),
            }),
        ));
    }
    for r in &plan.relationships {
        write.relationships.push(ProxyRelationship {
            id: r.id.clone(),
            account_id: r.account_id.clone(),
            patient_id: r.patient_id.clone(),
            kind: r.kind,
            granted_on: today,
            verified_on: Some(today),
            patient_approved_on: None,
            sections_hidden: Vec::new(),
            evidence_on_file: false,
            evidence_expires_on: None,
            expires_on: None,
            revoked_on: None,
        });
        write.audit.push(event(
            &state,
            &ctx,
            by,
            role.code(),
            Some(&r.patient_id),
            "create",
            "proxy-relationship",
            Some(&r.id),
            serde_json::json!({ "change": "add", "kind": r.kind.code(), "source": "signup-slip" }),
        ));
    }
    let mut sent = 0u32;
    for (slip_id, result) in &plan.slips {
        match result {
            Ok(patient) => {
                write.invited_slips.push((slip_id.clone(), patient.clone()));
                sent += 1;
            }
            Err(problem) => {
                if let Some((s, _)) = valid.iter().find(|(s, _)| &s.id == slip_id) {
                    let mut s = s.clone();
                    s.status = SlipStatus::Invalid;
                    s.problems = vec![problem.code().to_owned()];
                    s.updated_at = now;
                    store.save_slip(&s).await?;
                    failed += 1;
                }
            }
        }
    }
    for (s, _) in &valid {
        if ambiguous.contains(s.slip.mrn.trim()) {
            let mut s = s.clone();
            s.status = SlipStatus::Invalid;
            s.problems = vec!["mrn-ambiguous".to_owned()];
            s.updated_at = now;
            store.save_slip(&s).await?;
            failed += 1;
        }
    }
    match store.apply_enrollment(&write).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            let t = state.i18n().tr(ctx.locale);
            let e = t.get("enroll-invite-conflict");
            return render_staff(
                &state,
                &ctx,
                None,
                Some(e),
                None,
                Vec::new(),
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    wake_outbox(&state);
    Ok(Redirect::to(&format!("/staff/enroll?done=sent&n={sent}&failed={failed}")).into_response())
}

// ---------------------------------------------------------------- activation

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TokenQuery {
    token: String,
}

/// The activation and email-confirmation pages.
#[derive(Template)]
#[template(path = "enroll/activate.html")]
struct ActivatePage<'a> {
    c: Chrome<'a>,
    heading: String,
    intro: String,
    action: &'static str,
    token: String,
    /// Ask for a password (activation) or only a button (confirmation).
    password: bool,
    /// The patient's own login: the consent text is shown.
    own_login: bool,
    error: Option<String>,
    submit: String,
}

fn plausible(token: &str) -> bool {
    auth::plausible_token(token)
}

async fn live_account(
    state: &AppState,
    token: &str,
    purpose: TokenPurpose,
) -> WebResult<Option<Account>> {
    if !plausible(token) {
        return Ok(None);
    }
    let store = state.store();
    let Some(t) = store
        .live_token(&auth::token_hash(token), purpose, now_of(state))
        .await?
    else {
        return Ok(None);
    };
    Ok(store
        .account(&t.account_id)
        .await?
        .filter(|a| a.status == AccountStatus::Pending))
}

fn link_dead(state: &AppState, ctx: &Ctx) -> WebResult<Response> {
    message(
        state,
        ctx,
        StatusCode::GONE,
        "enroll-link-dead-title",
        "enroll-link-dead-body",
        Some(("/login", "enroll-go-sign-in")),
    )
}

fn activate_page(
    state: &AppState,
    ctx: &Ctx,
    account: &Account,
    token: &str,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = ActivatePage {
        c: Chrome::new(
            state,
            t,
            t.get("enroll-activate-title"),
            Some(ctx),
            Some("/login"),
        ),
        heading: t.get("enroll-activate-title"),
        intro: t.with(
            "enroll-activate-intro",
            &[("email", Arg::Text(&account.email))],
        ),
        action: "/activate",
        token: token.to_owned(),
        password: true,
        own_login: account.patient_id.is_some(),
        error,
        submit: t.get("enroll-activate-submit"),
    };
    Ok(html(status, views::render(&page)?))
}

/// `GET /activate?token=`.
pub(crate) async fn activate_form(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> WebResult<Response> {
    let token = query.map(|Query(q)| q.token).unwrap_or_default();
    match live_account(&state, &token, TokenPurpose::Activation).await? {
        Some(a) => activate_page(&state, &ctx, &a, &token, None, StatusCode::OK),
        None => link_dead(&state, &ctx),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ActivateForm {
    csrf: String,
    token: String,
    password: String,
    accept: String,
    consent: String,
}

/// `POST /activate`: sets the password, records the acceptance (and a
/// patient's consent to an own login), activates the account.
pub(crate) async fn activate(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<ActivateForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Some(account) = live_account(&state, &form.token, TokenPurpose::Activation).await? else {
        return link_dead(&state, &ctx);
    };
    let t = state.i18n().tr(ctx.locale);
    let own_login = account.patient_id.is_some();
    if form.accept.is_empty() || (own_login && form.consent.is_empty()) {
        let e = t.get("enroll-activate-accept-missing");
        return activate_page(
            &state,
            &ctx,
            &account,
            &form.token,
            Some(e),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if form.password.len() > MAX_PASSWORD {
        let e = t.get("enroll-password-too-long");
        return activate_page(
            &state,
            &ctx,
            &account,
            &form.token,
            Some(e),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if let Err(p) = sprout_domain::password::check_new_password(
        &form.password,
        false,
        &[&account.email, &account.display_name],
    ) {
        let e = password_problem(&t, &p);
        return activate_page(
            &state,
            &ctx,
            &account,
            &form.token,
            Some(e),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let password = form.password.clone();
    let hash = auth::argon2_job(move || auth::hash_password(&password)).await?;
    let redeemed = state
        .store()
        .redeem_token(
            &auth::token_hash(&form.token),
            TokenPurpose::Activation,
            now_of(&state),
            Some(&hash),
        )
        .await?;
    let Some(id) = redeemed else {
        return link_dead(&state, &ctx);
    };
    let role = if own_login { "patient" } else { "parent" };
    record(
        &state,
        &ctx,
        Some(&id),
        role,
        account.patient_id.as_ref(),
        "update",
        "account",
        Some(id.as_str()),
        Outcome::Success,
        Some("activated"),
        serde_json::json!({ "change": "activate", "accepted": true, "own_login_consent": own_login }),
    )
    .await?;
    message(
        &state,
        &ctx,
        StatusCode::OK,
        "enroll-activated-title",
        "enroll-activated-body",
        Some(("/login", "enroll-go-sign-in")),
    )
}

fn password_problem(t: &Tr<'_>, p: &sprout_domain::password::PasswordProblem) -> String {
    let min = match p {
        sprout_domain::password::PasswordProblem::TooShort { min } => *min,
        _ => 15,
    };
    t.with(
        p.message_key(),
        &[("min", Arg::Num(i64::try_from(min).unwrap_or(i64::MAX)))],
    )
}

/// `GET /verify?token=`: a button that confirms (a GET changes nothing, so
/// mail scanners that open links do not confirm for the user).
pub(crate) async fn verify_form(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> WebResult<Response> {
    let token = query.map(|Query(q)| q.token).unwrap_or_default();
    let Some(account) = live_account(&state, &token, TokenPurpose::VerifyEmail).await? else {
        return link_dead(&state, &ctx);
    };
    let t = state.i18n().tr(ctx.locale);
    let page = ActivatePage {
        c: Chrome::new(
            &state,
            t,
            t.get("enroll-verify-title"),
            Some(&ctx),
            Some("/login"),
        ),
        heading: t.get("enroll-verify-title"),
        intro: t.with(
            "enroll-verify-intro",
            &[("email", Arg::Text(&account.email))],
        ),
        action: "/verify",
        token,
        password: false,
        own_login: false,
        error: None,
        submit: t.get("enroll-verify-submit"),
    };
    Ok(html(StatusCode::OK, views::render(&page)?))
}

/// `POST /verify`: confirms the email; the account becomes active.
pub(crate) async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<ActivateForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    if !plausible(&form.token) {
        return link_dead(&state, &ctx);
    }
    let redeemed = state
        .store()
        .redeem_token(
            &auth::token_hash(&form.token),
            TokenPurpose::VerifyEmail,
            now_of(&state),
            None,
        )
        .await?;
    let Some(id) = redeemed else {
        return link_dead(&state, &ctx);
    };
    record(
        &state,
        &ctx,
        Some(&id),
        "parent",
        None,
        "update",
        "account",
        Some(id.as_str()),
        Outcome::Success,
        Some("email-verified"),
        serde_json::json!({ "change": "activate", "via": "email-verification" }),
    )
    .await?;
    message(
        &state,
        &ctx,
        StatusCode::OK,
        "enroll-verified-title",
        "enroll-verified-body",
        Some(("/login", "enroll-go-sign-in")),
    )
}

// ---------------------------------------------------------------- self-registration

/// The sign-up page.
#[derive(Template)]
#[template(path = "enroll/signup.html")]
struct SignupPage<'a> {
    c: Chrome<'a>,
    name: String,
    email: String,
    errors: Vec<String>,
}

fn signup_page(
    state: &AppState,
    ctx: &Ctx,
    name: &str,
    email: &str,
    errors: Vec<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = SignupPage {
        c: Chrome::new(
            state,
            t,
            t.get("enroll-signup-title"),
            Some(ctx),
            Some("/signup"),
        ),
        name: clip(name, MAX_FIELD),
        email: clip(email, MAX_FIELD),
        errors,
    };
    Ok(html(status, views::render(&page)?))
}

/// `GET /signup`.
pub(crate) async fn signup_form(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    signup_page(&state, &ctx, "", "", Vec::new(), StatusCode::OK)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SignupForm {
    csrf: String,
    name: String,
    email: String,
    password: String,
}

/// `POST /signup`: a parent creates an account. The answer is the same page
/// whether or not the email is registered; an email goes out either way (a
/// confirmation link for a new account, a "you already have an account"
/// note, or a fresh activation link for a pending one), and the password is
/// hashed either way so the time taken does not tell either.
pub(crate) async fn signup(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: Result<Form<SignupForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let t = state.i18n().tr(ctx.locale);
    let name = form.name.trim();
    let email = normalize_email(&form.email);
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(t.get("enroll-signup-name-missing"));
    }
    if !rules::plausible_email(&email) {
        errors.push(t.get("enroll-signup-email-invalid"));
    }
    if form.password.len() > MAX_PASSWORD {
        errors.push(t.get("enroll-password-too-long"));
    } else if let Err(p) =
        sprout_domain::password::check_new_password(&form.password, false, &[&email, name])
    {
        errors.push(password_problem(&t, &p));
    }
    if !errors.is_empty() {
        return signup_page(
            &state,
            &ctx,
            &form.name,
            &form.email,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let password = form.password.clone();
    let hash = auth::argon2_job(move || auth::hash_password(&password)).await?;
    let store = state.store();
    let now = now_of(&state);
    let base = origin(&state, &headers);
    let practice = state.config().practice_name.clone();
    let tr = state.i18n().tr(ctx.locale);
    let mut write = EnrollmentWrite {
        now: Some(now),
        ..EnrollmentWrite::default()
    };
    let existing = store.account_by_email(&email).await?.map(|(a, _)| a);
    let outcome = match &existing {
        None => {
            let id = AccountId::from_random(auth::random_id_bytes());
            let token = auth::random_token();
            write.accounts.push(NewAccount {
                id: id.clone(),
                email: email.clone(),
                display_name: name.to_owned(),
                password_hash: hash,
                status: AccountStatus::Pending,
                staff_role: None,
                patient_id: None,
            });
            write.tokens.push(EnrollmentToken {
                token_hash: auth::token_hash(&token),
                purpose: TokenPurpose::VerifyEmail,
                account_id: id.clone(),
                created_at: now,
                expires_at: later(now, state.config().enrollment.verification_lifetime),
            });
            let link = format!("{base}/verify?token={token}");
            let args = [
                ("name", Arg::Text(name)),
                ("practice", Arg::Text(&practice)),
                ("link", Arg::Text(&link)),
            ];
            write.emails.push(email_in(
                &email,
                &tr,
                ctx.locale,
                "enroll-mail-verify-subject",
                "enroll-mail-verify-body",
                &args,
            ));
            write.audit.push(event(
                &state,
                &ctx,
                Some(&id),
                "anonymous",
                None,
                "create",
                "account",
                Some(id.as_str()),
                serde_json::json!({ "via": "self-registration" }),
            ));
            "registered"
        }
        Some(a) if a.status == AccountStatus::Pending && a.staff_role.is_none() => {
            let token = auth::random_token();
            write.tokens.push(EnrollmentToken {
                token_hash: auth::token_hash(&token),
                purpose: TokenPurpose::Activation,
                account_id: a.id.clone(),
                created_at: now,
                expires_at: later(now, state.config().enrollment.invitation_lifetime),
            });
            let link = format!("{base}/activate?token={token}");
            let days = state.config().enrollment.invitation_lifetime.as_hours() / 24;
            let args = [
                ("name", Arg::Text(&a.display_name)),
                ("practice", Arg::Text(&practice)),
                ("link", Arg::Text(&link)),
                ("days", Arg::Num(days)),
            ];
            write.emails.push(email_in(
                &email,
                &tr,
                ctx.locale,
                "enroll-mail-invite-subject",
                "enroll-mail-invite-body",
                &args,
            ));
            "pending-resent"
        }
        Some(a) => {
            let link = format!("{base}/login");
            let args = [
                ("name", Arg::Text(&a.display_name)),
                ("practice", Arg::Text(&practice)),
                ("link", Arg::Text(&link)),
            ];
            write.emails.push(email_in(
                &email,
                &tr,
                ctx.locale,
                "enroll-mail-exists-subject",
                "enroll-mail-exists-body",
                &args,
            ));
            "already-registered"
        }
    };
    match store.apply_enrollment(&write).await {
        // Registered by someone else at this very moment: the same answer.
        Ok(()) | Err(StoreError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    if existing.is_some() {
        record(
            &state,
            &ctx,
            existing.as_ref().map(|a| &a.id),
            "anonymous",
            None,
            "create",
            "account",
            None,
            Outcome::Failure,
            Some(outcome),
            serde_json::json!({ "via": "self-registration" }),
        )
        .await?;
    }
    wake_outbox(&state);
    message(
        &state,
        &ctx,
        StatusCode::OK,
        "enroll-signup-sent-title",
        "enroll-signup-sent-body",
        None,
    )
}

/// An email in the reader's language (self-registration: the language of
/// the page they used).
fn email_in(
    to: &str,
    t: &Tr<'_>,
    locale: Locale,
    subject: &str,
    body: &str,
    args: &[(&str, Arg<'_>)],
) -> NewEmail {
    let mut e = email(to, t.with(subject, args), t.with(body, args));
    e.locale = locale.code().to_owned();
    e
}

// ---------------------------------------------------------------- linking a child

/// The link-a-child page.
#[derive(Template)]
#[template(path = "enroll/link.html")]
struct LinkPage<'a> {
    c: Chrome<'a>,
    notice: Option<String>,
    pin_error: Option<String>,
    request_error: Option<String>,
    pin: String,
    birth_date: String,
    kinds: Vec<Choice>,
    child_name: String,
    mrn: String,
    visit_date: String,
    request_kinds: Vec<Choice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LinkForm {
    csrf: String,
    pin: String,
    birth_date: String,
    relationship: String,
    child_name: String,
    mrn: String,
    visit_date: String,
}

fn family(user: &SignedIn) -> WebResult<()> {
    if user.actor.staff_role.is_some() {
        Err(WebError::NotFound)
    } else {
        Ok(())
    }
}

fn two_kinds(t: &Tr<'_>, selected: &str) -> Vec<Choice> {
    [RelationshipKind::Parent, RelationshipKind::LegalGuardian]
        .iter()
        .map(|k| Choice {
            code: k.code(),
            label: t.get(&format!("kind-{}", k.code())),
            selected: selected == k.code()
                || (selected.is_empty() && *k == RelationshipKind::Parent),
        })
        .collect()
}

fn render_link(
    state: &AppState,
    ctx: &Ctx,
    form: &LinkForm,
    notice: Option<String>,
    pin_error: Option<String>,
    request_error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = LinkPage {
        c: Chrome::new(state, t, t.get("enroll-link-title"), Some(ctx), None),
        notice,
        pin_error,
        request_error,
        pin: clip(&form.pin, 32),
        birth_date: clip(&form.birth_date, 32),
        kinds: two_kinds(&t, &form.relationship),
        child_name: clip(&form.child_name, MAX_FIELD),
        mrn: clip(&form.mrn, 64),
        visit_date: clip(&form.visit_date, 32),
        request_kinds: two_kinds(&t, &form.relationship),
    };
    Ok(html(status, views::render(&page)?))
}

/// `GET /link`.
pub(crate) async fn link_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> WebResult<Response> {
    family(&user)?;
    let t = state.i18n().tr(ctx.locale);
    let notice = match query.map(|Query(q)| q.done).unwrap_or_default().as_str() {
        "requested" => Some(t.get("enroll-link-requested")),
        _ => None,
    };
    render_link(
        &state,
        &ctx,
        &LinkForm::default(),
        notice,
        None,
        None,
        StatusCode::OK,
    )
}

/// The policy's `grant-proxy` decision (ACCESS-POLICY.md rule 5) for making
/// `account` a proxy of `patient` of kind `kind` on `today`: the proxy limit
/// counts the other proxies with access today.
async fn grant_decision(
    state: &AppState,
    patient: &Patient,
    account: &Account,
    kind: RelationshipKind,
    today: Date,
) -> WebResult<policy::Decision> {
    let store = state.store();
    let policy = state.policy();
    let own = store.account_of_patient(&patient.id).await?;
    let facts: PatientFacts = access::patient_facts(
        patient,
        own.as_ref().map(|a| a.status),
        own.as_ref().map(|a| a.email.as_str()),
    );
    let mut others = BTreeSet::new();
    for rel in store.relationships_of_patient(&patient.id).await? {
        if rel.account_id == account.id || others.contains(&rel.account_id) {
            continue;
        }
        let Some(a) = store.account(&rel.account_id).await? else {
            continue;
        };
        let actor = access::proxy_actor(
            a.status,
            Some(access::relationship_facts(&rel, today)),
            0,
            None,
        );
        if !policy::visible_sections(policy, &actor, &facts, today).is_empty() {
            others.insert(rel.account_id.clone());
        }
    }
    let relationship = policy::Relationship {
        kind,
        granted_on: today,
        verified: true,
        patient_approved_on: None,
        sections_hidden: Vec::new(),
        evidence_on_file: false,
        expires_on: None,
        revoked_on: None,
    };
    Ok(policy::decide(
        policy,
        &Request {
            actor: access::proxy_actor(
                account.status,
                Some(relationship),
                u32::try_from(others.len()).unwrap_or(u32::MAX),
                Some(account.email.clone()),
            ),
            patient: facts,
            action: Action::GrantProxy,
            section: None,
            item: None,
        },
        today,
    ))
}

fn new_relationship(
    account: &AccountId,
    patient: &PatientId,
    kind: RelationshipKind,
    today: Date,
) -> ProxyRelationship {
    ProxyRelationship {
        id: new_id(),
        account_id: account.clone(),
        patient_id: patient.clone(),
        kind,
        granted_on: today,
        verified_on: Some(today),
        patient_approved_on: None,
        sections_hidden: Vec::new(),
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    }
}

/// The one answer to every refused PIN attempt (audited with the real reason).
async fn pin_refused(
    state: &AppState,
    ctx: &Ctx,
    me: &AccountId,
    form: &LinkForm,
    reason: &str,
    patient: Option<&PatientId>,
) -> WebResult<Response> {
    // Every refusal counts against the account and the client address
    // (issue 4, item 9), besides the per-PIN lock.
    let now = state.clock().now();
    let addr = ctx.client_addr.clone().unwrap_or_default();
    crate::throttle::fail(state, crate::throttle::Kind::PinAccount, me.as_str(), now).await?;
    crate::throttle::fail(state, crate::throttle::Kind::PinAddress, &addr, now).await?;
    record(
        state,
        ctx,
        Some(me),
        "parent",
        patient,
        "create",
        "proxy-relationship",
        None,
        Outcome::Denied,
        Some(reason),
        serde_json::json!({ "via": "pin" }),
    )
    .await?;
    let t = state.i18n().tr(ctx.locale);
    let e = t.get("enroll-link-pin-refused");
    render_link(
        state,
        ctx,
        form,
        None,
        Some(e),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// `POST /link/pin`: links a child with an office PIN and the child's birth
/// date. Every refusal (unknown, expired, used or locked PIN; wrong birth
/// date) gives the same words. A wrong birth date for a known PIN counts
/// against that PIN; an unknown PIN counts against every live PIN of a child
/// born on the date given (the child the guess may have aimed at). The
/// tenth wrong attempt locks a PIN until staff reissue it.
pub(crate) async fn link_pin(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<LinkForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    family(&user)?;
    let store = state.store();
    let t = state.i18n().tr(ctx.locale);
    let now = now_of(&state);
    let today = state.clock().today();
    let me = &user.actor.account_id;
    // Too many refused attempts from this account or this address within the
    // window: 429 with Retry-After, before the PIN is even looked at.
    let addr = ctx.client_addr.clone().unwrap_or_default();
    for (kind, key) in [
        (crate::throttle::Kind::PinAccount, me.as_str()),
        (crate::throttle::Kind::PinAddress, addr.as_str()),
    ] {
        if let Err(retry) = crate::throttle::check(&state, kind, key, state.clock().now()).await? {
            return Ok(retry.into_response());
        }
    }
    let Ok(birth) = form.birth_date.trim().parse::<Date>() else {
        return pin_refused(&state, &ctx, me, &form, "birth-date-unreadable", None).await;
    };
    let kind = match form.relationship.as_str() {
        "legal-guardian" => RelationshipKind::LegalGuardian,
        _ => RelationshipKind::Parent,
    };
    let pin = normalize_pin(&form.pin);
    let found = match &pin {
        Some(p) => store.pin_by_hash(&auth::token_hash(p)).await?,
        None => None,
    };
    let Some(found) = found else {
        let candidates = store.live_pins_born_on(birth, now).await?;
        let locked = store
            .record_pin_failure(&candidates, PIN_MAX_FAILURES, now)
            .await?;
        for p in &locked {
            record(
                &state,
                &ctx,
                Some(me),
                "parent",
                Some(p),
                "update",
                "link-pin",
                None,
                Outcome::Success,
                Some("locked"),
                serde_json::json!({ "failures": PIN_MAX_FAILURES }),
            )
            .await?;
        }
        return pin_refused(&state, &ctx, me, &form, "pin-unknown", None).await;
    };
    let patient = store
        .patient(&found.patient_id)
        .await?
        .ok_or(WebError::NotFound)?;
    if patient.birth_date != birth {
        let locked = store
            .record_pin_failure(std::slice::from_ref(&patient.id), PIN_MAX_FAILURES, now)
            .await?;
        if !locked.is_empty() {
            record(
                &state,
                &ctx,
                Some(me),
                "parent",
                Some(&patient.id),
                "update",
                "link-pin",
                None,
                Outcome::Success,
                Some("locked"),
                serde_json::json!({ "failures": PIN_MAX_FAILURES }),
            )
            .await?;
        }
        return pin_refused(
            &state,
            &ctx,
            me,
            &form,
            "birth-date-wrong",
            Some(&patient.id),
        )
        .await;
    }
    let reason = if found.locked_at.is_some() {
        Some("pin-locked")
    } else if found.used_at.is_some() {
        Some("pin-used")
    } else if found.expires_at <= now {
        Some("pin-expired")
    } else {
        None
    };
    if let Some(r) = reason {
        return pin_refused(&state, &ctx, me, &form, r, Some(&patient.id)).await;
    }
    let already = store
        .relationships_of_account(me)
        .await?
        .iter()
        .any(|r| r.patient_id == patient.id && r.in_force(today));
    if already {
        return Ok(Redirect::to("/").into_response());
    }
    let decision = grant_decision(&state, &patient, &user.account, kind, today).await?;
    if !decision.allow {
        record(
            &state,
            &ctx,
            Some(me),
            "parent",
            Some(&patient.id),
            "create",
            "proxy-relationship",
            None,
            Outcome::Denied,
            Some(decision.reason.code()),
            serde_json::json!({ "via": "pin" }),
        )
        .await?;
        let e = t.get(&format!("reason-{}", decision.reason.code()));
        return render_link(
            &state,
            &ctx,
            &form,
            None,
            Some(e),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let rel = new_relationship(me, &patient.id, kind, today);
    if !store.redeem_pin(&found.pin_hash, now, &rel).await? {
        return pin_refused(&state, &ctx, me, &form, "pin-used", Some(&patient.id)).await;
    }
    record(
        &state,
        &ctx,
        Some(me),
        kind.code(),
        Some(&patient.id),
        "create",
        "proxy-relationship",
        Some(&rel.id),
        Outcome::Success,
        Some(decision.reason.code()),
        serde_json::json!({ "change": "add", "kind": kind.code(), "via": "pin" }),
    )
    .await?;
    Ok(Redirect::to("/").into_response())
}

/// `POST /link/request`: asks the office to link a child by MRN and the
/// date of a visit (a staff queue). The answer never says whether the MRN
/// exists.
pub(crate) async fn link_request(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<LinkForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    family(&user)?;
    let t = state.i18n().tr(ctx.locale);
    let visit = form.visit_date.trim().parse::<Date>().ok();
    let child = form.child_name.trim();
    let mrn = form.mrn.trim();
    let ok = visit.is_some_and(|d| d <= state.clock().today())
        && !child.is_empty()
        && child.chars().count() <= MAX_FIELD
        && !mrn.is_empty()
        && mrn.len() <= 64;
    let Some(visit_date) = visit.filter(|_| ok) else {
        let e = t.get("enroll-link-request-incomplete");
        return render_link(
            &state,
            &ctx,
            &form,
            None,
            None,
            Some(e),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let pending = state
        .store()
        .link_requests(Some(LinkRequestStatus::Pending))
        .await?
        .iter()
        .filter(|r| r.account_id == user.actor.account_id)
        .count();
    if pending >= 10 {
        let e = t.get("enroll-link-request-too-many");
        return render_link(
            &state,
            &ctx,
            &form,
            None,
            None,
            Some(e),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let request = LinkRequest {
        id: new_id(),
        account_id: user.actor.account_id.clone(),
        child_name: child.to_owned(),
        mrn: mrn.to_owned(),
        visit_date,
        relationship: if form.relationship == "legal-guardian" {
            RelationshipKind::LegalGuardian
        } else {
            RelationshipKind::Parent
        },
        created_at: now_of(&state),
        status: LinkRequestStatus::Pending,
        decided_by: None,
        decided_at: None,
    };
    state.store().create_link_request(&request).await?;
    record(
        &state,
        &ctx,
        Some(&user.actor.account_id),
        "parent",
        None,
        "create",
        "link-request",
        Some(&request.id),
        Outcome::Success,
        None,
        serde_json::json!({ "kind": request.relationship.code() }),
    )
    .await?;
    Ok(Redirect::to("/link?done=requested").into_response())
}

/// `POST /staff/enroll/requests/{id}/{approve|reject}`: staff decide a link
/// request; the parent gets an email either way.
pub(crate) async fn decide_request(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let role = enrolling_staff(&user).ok_or(WebError::NotFound)?;
    let Ok(Path((id, decision))) = path else {
        return Err(WebError::NotFound);
    };
    let store = state.store();
    let request = store
        .link_request(&clip(&id, 64))
        .await?
        .filter(|r| r.status == LinkRequestStatus::Pending)
        .ok_or(WebError::NotFound)?;
    let parent = store
        .account(&request.account_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let t = state.i18n().tr(ctx.locale);
    let today = state.clock().today();
    let now = now_of(&state);
    let base = origin(&state, &headers);
    let practice = state.config().practice_name.clone();
    let link = format!("{base}/login");
    let args = [
        ("name", Arg::Text(&parent.display_name)),
        ("practice", Arg::Text(&practice)),
        ("link", Arg::Text(&link)),
    ];
    let (status, rel, patient, mail, done) = match decision.as_str() {
        "approve" => {
            let patient = match store.patient_by_mrn(&request.mrn).await {
                Ok(Some(p)) => p,
                Ok(None) | Err(StoreError::Conflict(_)) => {
                    let e = t.get("enroll-request-no-patient");
                    return render_staff(
                        &state,
                        &ctx,
                        None,
                        Some(e),
                        None,
                        Vec::new(),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
                Err(e) => return Err(e.into()),
            };
            let d = grant_decision(&state, &patient, &parent, request.relationship, today).await?;
            if !d.allow {
                let e = t.get(&format!("reason-{}", d.reason.code()));
                return render_staff(
                    &state,
                    &ctx,
                    None,
                    Some(e),
                    None,
                    Vec::new(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            let rel = new_relationship(&parent.id, &patient.id, request.relationship, today);
            let (s, b) = bilingual(
                &state,
                "enroll-mail-approved-subject",
                "enroll-mail-approved-body",
                &args,
            );
            (
                LinkRequestStatus::Approved,
                Some(rel),
                Some(patient.id),
                email(&parent.email, s, b),
                "approved",
            )
        }
        "reject" => {
            let (s, b) = bilingual(
                &state,
                "enroll-mail-declined-subject",
                "enroll-mail-declined-body",
                &args,
            );
            (
                LinkRequestStatus::Rejected,
                None,
                None,
                email(&parent.email, s, b),
                "declined",
            )
        }
        _ => return Err(WebError::NotFound),
    };
    let changed = store
        .decide_link_request(
            &request.id,
            status,
            &user.actor.account_id,
            now,
            rel.as_ref(),
            &mail,
        )
        .await?;
    if !changed {
        return Err(WebError::NotFound);
    }
    record(
        &state,
        &ctx,
        Some(&user.actor.account_id),
        role.code(),
        patient.as_ref(),
        "update",
        "link-request",
        Some(&request.id),
        Outcome::Success,
        Some(status.code()),
        serde_json::json!({ "decision": status.code(), "relationship": rel.as_ref().map(|r| r.id.clone()) }),
    )
    .await?;
    wake_outbox(&state);
    Ok(Redirect::to(&format!("/staff/enroll?done={done}")).into_response())
}

// ---------------------------------------------------------------- a patient's enrollment (staff)

/// A patient's enrollment page for the front desk: the office PIN and the
/// teen's own login.
#[derive(Template)]
#[template(path = "enroll/patient.html")]
struct PatientPage<'a> {
    c: Chrome<'a>,
    f: PatientFrame,
    action: String,
    notice: Option<String>,
    error: Option<String>,
    /// The PIN just issued, shown once.
    new_pin: Option<String>,
    pin_status: String,
    pin_give: String,
    /// Whether the patient may be invited to an own login now.
    teen_invite: bool,
    teen_email: String,
    own_login: Option<String>,
    proxies_effect: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PatientForm {
    csrf: String,
    what: String,
    email: String,
}

#[allow(clippy::too_many_arguments)]
async fn render_patient(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    o: &read::Opened<'_>,
    notice: Option<String>,
    error: Option<String>,
    new_pin: Option<String>,
    teen_email: &str,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let store = state.store();
    let today = o.today();
    let now = now_of(state);
    let policy = state.policy();
    let pin_status = match store.pin_of_patient(&o.patient.id).await? {
        None => t.get("enroll-pin-none"),
        Some(p) if p.locked_at.is_some() => t.with(
            "enroll-pin-locked",
            &[("n", Arg::Num(i64::from(p.failures)))],
        ),
        Some(p) if p.used_at.is_some() => t.get("enroll-pin-used"),
        Some(p) if p.expires_at <= now => t.get("enroll-pin-expired"),
        Some(p) => {
            let until = p
                .expires_at
                .to_zoned(state.config().time_zone.clone())
                .date();
            t.with(
                "enroll-pin-live",
                &[
                    ("date", Arg::Text(&t.date(until))),
                    ("n", Arg::Num(i64::from(p.failures))),
                ],
            )
        }
    };
    let own = store.account_of_patient(&o.patient.id).await?;
    let age_ok =
        sprout_domain::age::age_in_years(o.patient.birth_date, today, policy.leap_day_birthday)
            >= i32::from(policy.patient_account_min_age);
    let own_login = own.as_ref().map(|a| {
        t.with(
            &format!("enroll-own-login-{}", a.status.code()),
            &[("email", Arg::Text(&a.email))],
        )
    });
    let proxies_effect = t.get(match policy.adolescent_proxy {
        AdolescentProxy::PatientApproval => "enroll-teen-effect-approval",
        AdolescentProxy::Limited => "enroll-teen-effect-limited",
    });
    let mut others = read::visible_patients(state, user).await?;
    others.retain(|p| p.id != o.patient.id);
    let f = pages::frame_parts(
        &t,
        &o.patient,
        &o.sections,
        &others,
        o.sharing,
        today,
        Current::Proxies,
    );
    let title = format!("{} · {}", t.get("enroll-patient-title"), f.patient.name);
    let page = PatientPage {
        c: Chrome::new(state, t, title, Some(ctx), None),
        f,
        action: format!("/patients/{}/enrollment", o.patient.id),
        notice,
        error,
        new_pin,
        pin_status,
        pin_give: t.with(
            "enroll-pin-give",
            &[("date", Arg::Text(&t.date(o.patient.birth_date)))],
        ),
        teen_invite: age_ok
            && own
                .as_ref()
                .is_none_or(|a| a.status == AccountStatus::Pending),
        teen_email: clip(teen_email, MAX_FIELD),
        own_login,
        proxies_effect,
    };
    Ok(html(status, views::render(&page)?))
}

/// `GET /patients/{id}/enrollment` (front desk).
pub(crate) async fn patient_page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::Proxies).await?;
    if o.sharing != Some(Sharing::Staff { manage: true }) {
        return Err(WebError::NotFound);
    }
    o.audit_success(&state, &ctx, &user, "enrollment", None, None)
        .await?;
    render_patient(
        &state,
        &ctx,
        &user,
        &o,
        None,
        None,
        None,
        "",
        StatusCode::OK,
    )
    .await
}

/// `POST /patients/{id}/enrollment`: `what=pin` issues (or reissues) the
/// office PIN, shown once on the answer page; `what=teen` invites the
/// patient to an own login with `email`.
pub(crate) async fn patient_action(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<PatientForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::Proxies).await?;
    if o.sharing != Some(Sharing::Staff { manage: true }) {
        return Err(WebError::NotFound);
    }
    let t = state.i18n().tr(ctx.locale);
    let store = state.store();
    let now = now_of(&state);
    let me = &user.actor.account_id;
    match form.what.as_str() {
        "pin" => {
            let shown = issue_office_pin(
                store,
                &o.patient.id,
                Some(me),
                now,
                state.config().enrollment.pin_lifetime,
            )
            .await?;
            record(
                &state,
                &ctx,
                Some(me),
                &o.role,
                Some(&o.patient.id),
                "create",
                "link-pin",
                None,
                Outcome::Success,
                None,
                serde_json::json!({ "change": "issue" }),
            )
            .await?;
            render_patient(
                &state,
                &ctx,
                &user,
                &o,
                Some(t.get("enroll-pin-issued")),
                None,
                Some(shown),
                "",
                StatusCode::OK,
            )
            .await
        }
        "teen" => {
            let proxies = store.relationships_of_patient(&o.patient.id).await?;
            let mut emails = Vec::new();
            for r in proxies.iter().filter(|r| r.revoked_on.is_none()) {
                if let Some(a) = store.account(&r.account_id).await? {
                    emails.push(a.email);
                }
            }
            let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
            let checked = rules::check_teen_invite(
                state.policy(),
                o.patient.birth_date,
                &form.email,
                &refs,
                o.today(),
            );
            let email_addr = match checked {
                Ok(e) => e,
                Err(p) => {
                    let e = t.get(&format!("enroll-teen-{}", p.code()));
                    return render_patient(
                        &state,
                        &ctx,
                        &user,
                        &o,
                        None,
                        Some(e),
                        None,
                        &form.email,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
            };
            let own = store.account_of_patient(&o.patient.id).await?;
            let existing = store.account_by_email(&email_addr).await?.map(|(a, _)| a);
            let mut write = EnrollmentWrite {
                now: Some(now),
                ..EnrollmentWrite::default()
            };
            let (account_id, name) = match (&own, &existing) {
                (Some(a), _) if a.status != AccountStatus::Pending => {
                    return Err(WebError::BadRequest("already has a login"))
                }
                (Some(a), Some(e)) if a.id != e.id => {
                    let err = t.get("enroll-teen-email-taken");
                    return render_patient(
                        &state,
                        &ctx,
                        &user,
                        &o,
                        None,
                        Some(err),
                        None,
                        &form.email,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
                (Some(a), _) => (a.id.clone(), a.display_name.clone()),
                (None, Some(_)) => {
                    let err = t.get("enroll-teen-email-taken");
                    return render_patient(
                        &state,
                        &ctx,
                        &user,
                        &o,
                        None,
                        Some(err),
                        None,
                        &form.email,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
                (None, None) => {
                    let id = AccountId::from_random(auth::random_id_bytes());
                    let name = o.patient.display_name();
                    write.accounts.push(NewAccount {
                        id: id.clone(),
                        email: email_addr.clone(),
                        display_name: name.clone(),
                        password_hash: NO_PASSWORD.to_owned(),
                        status: AccountStatus::Pending,
                        staff_role: None,
                        patient_id: Some(o.patient.id.clone()),
                    });
                    (id, name)
                }
            };
            let token = auth::random_token();
            let lifetime = state.config().enrollment.invitation_lifetime;
            write.tokens.push(EnrollmentToken {
                token_hash: auth::token_hash(&token),
                purpose: TokenPurpose::Activation,
                account_id: account_id.clone(),
                created_at: now,
                expires_at: later(now, lifetime),
            });
            let link = format!("{}/activate?token={token}", origin(&state, &headers));
            let practice = state.config().practice_name.clone();
            let (s, b) = bilingual(
                &state,
                "enroll-mail-invite-subject",
                "enroll-mail-invite-body",
                &[
                    ("name", Arg::Text(&name)),
                    ("practice", Arg::Text(&practice)),
                    ("link", Arg::Text(&link)),
                    ("days", Arg::Num(lifetime.as_hours() / 24)),
                ],
            );
            write.emails.push(email(&email_addr, s, b));
            write.audit.push(event(
                &state,
                &ctx,
                Some(me),
                &o.role,
                Some(&o.patient.id),
                "create",
                "invitation",
                Some(account_id.as_str()),
                serde_json::json!({ "own_login": true }),
            ));
            match store.apply_enrollment(&write).await {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => {
                    let err = t.get("enroll-teen-email-taken");
                    return render_patient(
                        &state,
                        &ctx,
                        &user,
                        &o,
                        None,
                        Some(err),
                        None,
                        &form.email,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
                Err(e) => return Err(e.into()),
            }
            wake_outbox(&state);
            render_patient(
                &state,
                &ctx,
                &user,
                &o,
                Some(t.get("enroll-teen-invited")),
                None,
                None,
                "",
                StatusCode::OK,
            )
            .await
        }
        _ => Err(WebError::BadRequest("unknown action")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::I18n;
    use sprout_domain::enrollment::{InviteProblem, SlipProblem, TeenInviteProblem};

    /// Every problem code has words in both languages (the keys are built at
    /// run time, so the template scan cannot see them).
    #[test]
    fn problem_words_exist_in_both_languages() {
        let i18n = I18n::new();
        let mut keys: Vec<String> = SlipProblem::ALL
            .iter()
            .map(|p| format!("enroll-problem-{}", p.code()))
            .collect();
        keys.extend(
            InviteProblem::ALL
                .iter()
                .map(|p| format!("enroll-problem-{}", p.code())),
        );
        keys.push("enroll-problem-mrn-ambiguous".into());
        keys.extend(
            TeenInviteProblem::ALL
                .iter()
                .map(|p| format!("enroll-teen-{}", p.code())),
        );
        keys.extend(
            SlipStatus::ALL
                .iter()
                .map(|s| format!("enroll-status-{}", s.code())),
        );
        keys.extend(
            AccountStatus::ALL
                .iter()
                .map(|s| format!("enroll-own-login-{}", s.code())),
        );
        keys.extend(
            FormType::ALL
                .iter()
                .map(|f| format!("enroll-form-type-{}", f.code())),
        );
        for l in Locale::ALL {
            let t = i18n.tr(l);
            for key in &keys {
                assert_ne!(t.get(key), *key, "{} lacks {key}", l.code());
            }
        }
    }

    #[test]
    fn only_loopback_hosts_make_links() {
        for ok in [
            "localhost",
            "127.0.0.1:8080",
            "LOCALHOST:1",
            "[::1]:3000",
            "[::1]",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:80",
            "localhost:80@evil",
            "[::2]:1",
            "",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn csv_rows_become_slips_and_missing_columns_are_named() {
        let text = "given_name,family_name,birth_date,mrn,form_type,consent,patient_email,proxy1_name,proxy1_email,proxy1_birth_date,proxy1_relationship\n\
                    Sofia,Lopez,2019-05-01,M1,under-12,yes,,Ana Lopez,ana@example.org,1988-01-01,parent\n\
                    Bad,Row\n";
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert!(rows[0].1.consent);
        assert_eq!(rows[0].1.proxies.len(), 1);
        assert_eq!(rows[1].1.family_name, "Row");
        assert!(rows[1].1.proxies.is_empty());
        let err = parse_csv("given_name,mrn\nA,1\n").unwrap_err();
        assert!(
            err.contains("family_name") && err.contains("consent"),
            "{err}"
        );
    }
}
