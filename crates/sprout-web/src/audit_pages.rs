//! Reading the audit trail back (DESIGN.md, capability 9; issue 8):
//!
//! - `GET /staff/audit`: the staff audit report, for the `admin` and
//!   `clinician` roles only (anyone else gets the same 404 as for an unknown
//!   page, and the attempt is audited). Filters by patient (Sprout id or MRN),
//!   user (email), action and a range of days in the practice's time zone;
//!   sorts by any column; pages of [`PAGE_SIZE`].
//! - `GET /staff/audit.csv`: the same filters and order, every matching event
//!   (at most [`CSV_MAX_ROWS`]) as a CSV attachment.
//! - `GET /patients/{id}/access-log`: "who saw my record", for the patient
//!   themself only (through the one read path, [`read::open`] with
//!   [`Want::AccessLog`]: a proxy, staff or anyone else gets the 404 of an
//!   unknown patient). Staff are named with their role, proxies by name; an
//!   adolescent also sees which part of the record each proxy looked at.
//!
//! Viewing the report, exporting it and viewing the access log are audited
//! like any other read. Nothing here writes anything else: the trail is
//! append-only ([`sprout_store::audit`]).

use crate::audit::{self, Entry, Outcome};
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::pages::{self, Current, Page};
use crate::read::{self, Want};
use crate::views::{self, Chrome, PatientFrame};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sprout_domain::people::StaffRole;
use sprout_domain::policy::AgeBand;
use sprout_domain::PatientId;
use sprout_store::audit::{AuditColumn, AuditEntry, AuditQuery};
use sprout_store::StoreError;

/// Events per page of the report and of the access log.
pub(crate) const PAGE_SIZE: u32 = 50;

/// The most events one CSV export holds; narrower dates export the rest.
pub(crate) const CSV_MAX_ROWS: u64 = 100_000;

/// Events read per round trip while exporting.
const CSV_BATCH: u32 = 5_000;

/// The actions the report's filter offers (IHE BALP's create, read, update,
/// delete, execute; Sprout's export, login and logout).
const ACTIONS: [&str; 8] = [
    "create", "read", "update", "delete", "execute", "export", "login", "logout",
];

/// The page's stylesheet, embedded and served at `/static/audit.css`.
const AUDIT_CSS: &str = include_str!("../static/audit.css");

/// The routes of this module (inside the request context).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/audit", get(report))
        .route("/staff/audit.csv", get(report_csv))
        .route("/patients/{id}/access-log", get(access_log))
}

/// `GET /static/audit.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        AUDIT_CSS,
    )
}

// ---------------------------------------------------------------------------
// The staff report

/// The report's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReportParams {
    /// A Sprout patient id or an MRN.
    patient: String,
    /// A user's email.
    user: String,
    /// One of [`ACTIONS`], or empty for any.
    action: String,
    /// First day (`YYYY-MM-DD`), in the practice's time zone.
    from: String,
    /// Last day, included.
    to: String,
    /// An [`AuditColumn`] code.
    sort: String,
    /// `asc` or `desc`.
    dir: String,
    /// 1-based page.
    page: u64,
}

/// The filters as written into the report's own audit event (ids and dates,
/// never health data).
#[derive(Debug, Serialize)]
struct ReportDetail<'a> {
    patient: Option<&'a str>,
    user: Option<&'a str>,
    action: Option<&'a str>,
    from: Option<&'a str>,
    until: Option<&'a str>,
    sort: &'static str,
    descending: bool,
    page: u64,
}

/// A filter the report could not apply, shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    UnknownPatient,
    UnknownUser,
    BadDate,
    BadAction,
}

impl Problem {
    fn key(self) -> &'static str {
        match self {
            Self::UnknownPatient => "audit-filter-no-patient",
            Self::UnknownUser => "audit-filter-no-user",
            Self::BadDate => "audit-filter-bad-date",
            Self::BadAction => "audit-filter-bad-action",
        }
    }
}

/// The start of `day` in `tz`, as the stores compare times.
fn day_start(day: Date, tz: &TimeZone) -> Option<String> {
    let ts = day.to_zoned(tz.clone()).ok()?.timestamp();
    Some(audit::rfc3339(ts))
}

/// A typed date, or `Err` for one that is not `YYYY-MM-DD`.
fn parse_day(raw: &str) -> Result<Option<Date>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<Date>().map(Some).map_err(|_| Problem::BadDate)
}

/// The store query of the typed parameters, or the first filter that could
/// not be applied. Patients and users are looked up (a patient by Sprout id,
/// else by MRN; a user by email).
async fn query_of(state: &AppState, p: &ReportParams) -> WebResult<Result<AuditQuery, Problem>> {
    let store = state.store();
    let mut q = AuditQuery {
        sort: AuditColumn::from_code(&p.sort).unwrap_or_default(),
        ..AuditQuery::default()
    };
    q.descending = match p.dir.as_str() {
        "asc" => false,
        "desc" => true,
        _ => matches!(q.sort, AuditColumn::At | AuditColumn::Seq),
    };
    let patient = p.patient.trim();
    if !patient.is_empty() {
        let by_id = match PatientId::parse(patient) {
            Some(id) => store.patient(&id).await?.map(|p| p.id),
            None => None,
        };
        let found = match by_id {
            Some(id) => Some(id),
            None => match store.patient_by_mrn(patient).await {
                Ok(p) => p.map(|p| p.id),
                Err(StoreError::Conflict(_)) => None,
                Err(e) => return Err(e.into()),
            },
        };
        match found {
            Some(id) => q.patient_id = Some(id),
            None => return Ok(Err(Problem::UnknownPatient)),
        }
    }
    let user = p.user.trim();
    if !user.is_empty() {
        match store.account_by_email(user).await? {
            Some((a, _)) => q.account_id = Some(a.id),
            None => return Ok(Err(Problem::UnknownUser)),
        }
    }
    let action = p.action.trim();
    if !action.is_empty() {
        if !ACTIONS.contains(&action) {
            return Ok(Err(Problem::BadAction));
        }
        q.actions = vec![action.to_owned()];
    }
    let tz = &state.config().time_zone;
    let (from, to) = match (parse_day(&p.from), parse_day(&p.to)) {
        (Ok(f), Ok(t)) => (f, t),
        _ => return Ok(Err(Problem::BadDate)),
    };
    if let Some(d) = from {
        q.from = Some(day_start(d, tz).ok_or(WebError::BadRequest("date out of range"))?);
    }
    if let Some(d) = to {
        let next = d
            .tomorrow()
            .map_err(|_| WebError::BadRequest("date out of range"))?;
        q.until = Some(day_start(next, tz).ok_or(WebError::BadRequest("date out of range"))?);
    }
    Ok(Ok(q))
}

/// Whether a staff role may read the audit trail (ACCESS-POLICY.md, rule 2:
/// `admin` has configuration and audit; clinicians answer for their care).
fn may_read_audit(role: Option<StaffRole>) -> bool {
    matches!(role, Some(StaffRole::Admin | StaffRole::Clinician))
}

/// Writes the event of a use of the report (or of a refusal).
async fn audit_report_use(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    action: &str,
    object_id: Option<&str>,
    query: Option<&AuditQuery>,
    page: u64,
) -> WebResult<()> {
    let role = audit::role_of(&user.actor, None, &[]);
    let (outcome, reason, detail) = match query {
        Some(q) => {
            let d = ReportDetail {
                patient: q.patient_id.as_ref().map(PatientId::as_str),
                user: q.account_id.as_ref().map(|a| a.as_str()),
                action: q.actions.first().map(String::as_str),
                from: q.from.as_deref(),
                until: q.until.as_deref(),
                sort: q.sort.code(),
                descending: q.descending,
                page,
            };
            let json = serde_json::to_string(&d)
                .map_err(|e| WebError::Internal(format!("audit detail: {e}")))?;
            (Outcome::Success, "staff-role", Some(json))
        }
        None => (Outcome::Denied, "staff-role-excludes-audit", None),
    };
    audit::record(
        state,
        ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &role,
            patient_id: query.and_then(|q| q.patient_id.as_ref()),
            action,
            object_type: "audit-report",
            object_id,
            outcome,
            reason: Some(reason),
            detail,
        },
    )
    .await
}

/// The link of the report with other parameters.
fn report_href(p: &ReportParams, sort: &str, dir: &str, page: u64, csv: bool) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (k, v) in [
        ("patient", p.patient.trim()),
        ("user", p.user.trim()),
        ("action", p.action.trim()),
        ("from", p.from.trim()),
        ("to", p.to.trim()),
    ] {
        if !v.is_empty() {
            pairs.push((k, v.to_owned()));
        }
    }
    if !sort.is_empty() {
        pairs.push(("sort", sort.to_owned()));
    }
    if !dir.is_empty() {
        pairs.push(("dir", dir.to_owned()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let path = if csv {
        "/staff/audit.csv"
    } else {
        "/staff/audit"
    };
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", views::url_encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// A time of the trail in the practice's time zone: the date in words and the
/// time to the minute ("March 2, 2026, 14:05"); the stored text if it does
/// not parse.
fn local_time(t: &Tr<'_>, tz: &TimeZone, at: &str) -> String {
    match at.parse::<Timestamp>() {
        Ok(ts) => {
            let z = ts.to_zoned(tz.clone());
            t.with(
                "audit-date-time",
                &[
                    ("date", Arg::Text(&t.date(z.date()))),
                    ("time", Arg::Text(&z.strftime("%H:%M").to_string())),
                ],
            )
        }
        Err(_) => at.to_owned(),
    }
}

/// The name of a role code (staff roles, proxy kinds, `patient`...).
fn role_text(t: &Tr<'_>, code: &str) -> String {
    let key = match code {
        "front-desk" | "nurse" | "clinician" | "admin" => format!("staff-role-{code}"),
        "parent" | "legal-guardian" | "court-appointed-guardian" | "designee" => {
            format!("kind-{code}")
        }
        "patient" => "audit-role-patient".to_owned(),
        "system" => "audit-role-system".to_owned(),
        "anonymous" => "audit-role-anonymous".to_owned(),
        _ => return code.to_owned(),
    };
    t.get(&key)
}

/// The name of an object type: a section or a page of the portal.
fn object_text(t: &Tr<'_>, code: &str) -> String {
    const KNOWN: [&str; 25] = [
        "summary",
        "demographics",
        "vitals",
        "immunizations",
        "medications",
        "allergies",
        "problems",
        "visit-summaries",
        "lab-results",
        "clinical-notes",
        "documents",
        "appointments",
        "messages",
        "billing",
        "proxies",
        "proxy-explain",
        "proxy-relationship",
        "patient-search",
        "access-log",
        "audit-report",
        "session",
        "account",
        "password",
        "second-factor",
        "password-reset",
    ];
    if KNOWN.contains(&code) {
        t.get(&format!("audit-object-{code}"))
    } else {
        code.to_owned()
    }
}

/// One column header of the report: its sort link.
pub(crate) struct Column {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none` (`aria-sort`).
    pub aria_sort: &'static str,
    /// An arrow for the current sort.
    pub arrow: &'static str,
}

/// One event in the report.
pub(crate) struct ReportRow {
    pub seq: i64,
    pub when: String,
    pub at: String,
    pub user: String,
    pub email: String,
    pub role: String,
    pub on_behalf_of: String,
    pub patient: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub outcome_code: String,
    pub client: String,
    pub request_id: String,
    pub reason: String,
    pub detail: String,
}

/// One choice of the action filter.
pub(crate) struct ActionChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The staff audit report.
#[derive(Template)]
#[template(path = "audit_report.html")]
pub(crate) struct ReportPage<'a> {
    pub c: Chrome<'a>,
    pub patient: String,
    pub user: String,
    pub from: String,
    pub to: String,
    pub actions: Vec<ActionChoice>,
    pub sort: String,
    pub dir: String,
    pub problem: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<ReportRow>,
    /// "Events 1 to 50 of 1,234".
    pub showing: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub csv_href: String,
    pub csv_note: String,
}

fn report_row(t: &Tr<'_>, tz: &TimeZone, e: &AuditEntry) -> ReportRow {
    let ev = &e.event;
    ReportRow {
        seq: e.seq,
        when: local_time(t, tz, &ev.at),
        at: ev.at.clone(),
        user: e
            .user_name
            .clone()
            .or_else(|| ev.account_id.as_ref().map(|a| a.to_string()))
            .unwrap_or_else(|| t.get("audit-no-user")),
        email: e.user_email.clone().unwrap_or_default(),
        role: role_text(t, &ev.actor_role),
        on_behalf_of: ev.on_behalf_of.clone().unwrap_or_default(),
        patient: match (&e.patient_mrn, &ev.patient_id) {
            (Some(mrn), _) => mrn.clone(),
            (None, Some(id)) => id.to_string(),
            (None, None) => String::new(),
        },
        action: t.get(&format!("audit-action-{}", action_key(&ev.action))),
        object: match &ev.object_id {
            Some(id) => format!("{} · {id}", object_text(t, &ev.object_type)),
            None => object_text(t, &ev.object_type),
        },
        outcome: t.get(&format!("audit-outcome-{}", outcome_key(&ev.outcome))),
        outcome_code: outcome_key(&ev.outcome).to_owned(),
        client: ev.client_addr.clone().unwrap_or_default(),
        request_id: ev.request_id.clone().unwrap_or_default(),
        reason: ev.reason.clone().unwrap_or_default(),
        detail: ev.detail.clone().unwrap_or_default(),
    }
}

/// The catalog suffix of an action (`other` for one Sprout does not write).
fn action_key(action: &str) -> &str {
    if ACTIONS.contains(&action) {
        action
    } else {
        "other"
    }
}

/// The catalog suffix of an outcome.
fn outcome_key(outcome: &str) -> &str {
    match outcome {
        "success" | "denied" | "failure" => outcome,
        _ => "other",
    }
}

/// `GET /staff/audit`.
pub(crate) async fn report(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> WebResult<Response> {
    if !may_read_audit(user.actor.staff_role) {
        if user.actor.staff_role.is_some() {
            audit_report_use(&state, &ctx, &user, "read", None, None, 0).await?;
        }
        return Err(WebError::NotFound);
    }
    let Query(p) = params.map_err(|_| WebError::BadRequest("unreadable report filters"))?;
    let t = state.i18n().tr(ctx.locale);
    let tz = state.config().time_zone.clone();
    let page_no = p.page.max(1);
    let query = query_of(&state, &p).await?;

    let (rows, total, problem, sort, descending) = match &query {
        Ok(q) => {
            let q = AuditQuery {
                offset: (page_no - 1) * u64::from(PAGE_SIZE),
                limit: PAGE_SIZE,
                ..q.clone()
            };
            let found = state.store().audit_report(&q).await?;
            audit_report_use(&state, &ctx, &user, "read", None, Some(&q), page_no).await?;
            let rows = found
                .entries
                .iter()
                .map(|e| report_row(&t, &tz, e))
                .collect::<Vec<_>>();
            (rows, found.total, None, q.sort, q.descending)
        }
        Err(problem) => {
            // Nothing is shown, so nothing was read; the attempt is still
            // recorded (which filter failed, not what was typed).
            audit::record(
                &state,
                &ctx,
                Entry {
                    account_id: Some(&user.actor.account_id),
                    actor_role: &audit::role_of(&user.actor, None, &[]),
                    patient_id: None,
                    action: "read",
                    object_type: "audit-report",
                    object_id: None,
                    outcome: Outcome::Failure,
                    reason: Some(problem.key()),
                    detail: None,
                },
            )
            .await?;
            (
                Vec::new(),
                0,
                Some(t.get(problem.key())),
                AuditColumn::from_code(&p.sort).unwrap_or_default(),
                p.dir != "asc",
            )
        }
    };

    let columns = AuditColumn::ALL
        .iter()
        .map(|&col| {
            let current = col == sort;
            let next_dir = if current && !descending {
                "desc"
            } else {
                "asc"
            };
            Column {
                label: t.get(&format!("audit-col-{}", col.code())),
                href: report_href(&p, col.code(), next_dir, 1, false),
                aria_sort: match (current, descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                arrow: match (current, descending) {
                    (false, _) => "",
                    (true, false) => "↑",
                    (true, true) => "↓",
                },
            }
        })
        .collect();
    let dir = if descending { "desc" } else { "asc" };
    let first = (page_no - 1) * u64::from(PAGE_SIZE) + 1;
    let last = first + rows.len() as u64 - 1;
    let showing = if rows.is_empty() {
        t.get("audit-showing-none")
    } else {
        t.with(
            "audit-showing",
            &[
                ("first", Arg::Num(first as i64)),
                ("last", Arg::Num(last as i64)),
                ("total", Arg::Num(total as i64)),
            ],
        )
    };
    let prev = (page_no > 1).then(|| report_href(&p, sort.code(), dir, page_no - 1, false));
    let next = (last < total).then(|| report_href(&p, sort.code(), dir, page_no + 1, false));
    let page = ReportPage {
        c: Chrome::new(&state, t, t.get("audit-report-title"), Some(&ctx), None),
        patient: p.patient.trim().chars().take(64).collect(),
        user: p.user.trim().chars().take(254).collect(),
        from: p.from.trim().chars().take(10).collect(),
        to: p.to.trim().chars().take(10).collect(),
        actions: ACTIONS
            .iter()
            .map(|&a| ActionChoice {
                code: a,
                label: t.get(&format!("audit-action-{a}")),
                selected: p.action.trim() == a,
            })
            .collect(),
        sort: sort.code().to_owned(),
        dir: dir.to_owned(),
        problem,
        columns,
        rows,
        showing,
        prev,
        next,
        csv_href: report_href(&p, sort.code(), dir, 1, true),
        csv_note: t.with("audit-csv-note", &[("max", Arg::Num(CSV_MAX_ROWS as i64))]),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// A CSV cell, with a leading `'` when a spreadsheet would read it as a
/// formula (OWASP, "CSV injection").
fn cell(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    }
}

/// The CSV header, in the column order of [`csv_record`].
const CSV_HEADER: [&str; 16] = [
    "seq",
    "time_utc",
    "user_email",
    "user_name",
    "role",
    "on_behalf_of",
    "patient_id",
    "patient_mrn",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "client_addr",
    "request_id",
    "detail",
];

fn csv_record(e: &AuditEntry) -> [String; 16] {
    let ev = &e.event;
    let o = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
    [
        e.seq.to_string(),
        cell(&ev.at),
        o(&e.user_email),
        o(&e.user_name),
        cell(&ev.actor_role),
        o(&ev.on_behalf_of),
        cell(ev.patient_id.as_ref().map_or("", |p| p.as_str())),
        o(&e.patient_mrn),
        cell(&ev.action),
        cell(&ev.object_type),
        o(&ev.object_id),
        cell(&ev.outcome),
        o(&ev.reason),
        o(&ev.client_addr),
        o(&ev.request_id),
        o(&ev.detail),
    ]
}

/// `GET /staff/audit.csv`: the report's events as CSV (UTF-8, a header row,
/// times in UTC), every page, at most [`CSV_MAX_ROWS`].
pub(crate) async fn report_csv(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> WebResult<Response> {
    if !may_read_audit(user.actor.staff_role) {
        if user.actor.staff_role.is_some() {
            audit_report_use(&state, &ctx, &user, "export", None, None, 0).await?;
        }
        return Err(WebError::NotFound);
    }
    let Query(p) = params.map_err(|_| WebError::BadRequest("unreadable report filters"))?;
    let q = match query_of(&state, &p).await? {
        Ok(q) => q,
        Err(_) => return Err(WebError::BadRequest("report filter not applicable")),
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| WebError::Internal(format!("csv: {e}"));
    out.write_record(CSV_HEADER).map_err(csv_err)?;
    let mut offset = 0u64;
    while offset < CSV_MAX_ROWS {
        let batch = AuditQuery {
            offset,
            limit: CSV_BATCH.min(u32::try_from(CSV_MAX_ROWS - offset).unwrap_or(CSV_BATCH)),
            ..q.clone()
        };
        let page = state.store().audit_report(&batch).await?;
        for e in &page.entries {
            out.write_record(csv_record(e)).map_err(csv_err)?;
        }
        offset += page.entries.len() as u64;
        if page.entries.is_empty() || offset >= page.total {
            break;
        }
    }
    audit_report_use(
        &state,
        &ctx,
        &user,
        "export",
        Some("audit.csv"),
        Some(&q),
        0,
    )
    .await?;
    let body = out
        .into_inner()
        .map_err(|e| WebError::Internal(format!("csv: {e}")))?;
    let name = format!(
        "sprout-audit-{}.csv",
        state
            .clock()
            .now()
            .to_zoned(state.config().time_zone.clone())
            .date()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// "Who saw my record"

/// One access in the patient's log.
pub(crate) struct AccessRow {
    pub when: String,
    /// "Dr. Rivera (Clinician)", "Maria Lopez (Parent)".
    pub who: String,
    /// What a proxy looked at (adolescents only), else empty.
    pub what: String,
    /// `staff` or `proxy`.
    pub kind: &'static str,
}

/// "Who saw my record".
#[derive(Template)]
#[template(path = "audit_access_log.html")]
pub(crate) struct AccessLogPage<'a> {
    pub c: Chrome<'a>,
    pub f: PatientFrame,
    pub intro: String,
    /// Whether the "what" column is shown (an adolescent's own log).
    pub show_what: bool,
    pub rows: Vec<AccessRow>,
    pub showing: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The page number of the access log's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LogParams {
    page: u64,
}

/// The roles the staff have (the rest act for a patient or are the patient).
fn is_staff_role(code: &str) -> bool {
    matches!(code, "front-desk" | "nurse" | "clinician" | "admin")
}

/// `GET /patients/{id}/access-log`: who saw the signed-in patient's record
/// and when, newest first: every successful read or export of it by anyone
/// but the patient themself.
pub(crate) async fn access_log(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<LogParams>, QueryRejection>,
) -> WebResult<Response> {
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::AccessLog).await?;
    let page_no = params.map(|Query(p)| p.page).unwrap_or(1).max(1);
    let q = AuditQuery {
        patient_id: Some(o.patient.id.clone()),
        not_account_id: Some(user.actor.account_id.clone()),
        actions: vec!["read".into(), "export".into()],
        outcome: Some("success".into()),
        sort: AuditColumn::At,
        descending: true,
        offset: (page_no - 1) * u64::from(PAGE_SIZE),
        limit: PAGE_SIZE,
        ..AuditQuery::default()
    };
    let found = state.store().audit_report(&q).await?;
    o.audit_success(&state, &ctx, &user, "access-log", None, None)
        .await?;

    let t = state.i18n().tr(ctx.locale);
    let tz = state.config().time_zone.clone();
    let show_what = o.scope.band() == AgeBand::Adolescent;
    let rows = found
        .entries
        .iter()
        .map(|e| {
            let ev = &e.event;
            let name = e
                .user_name
                .clone()
                .unwrap_or_else(|| t.get("audit-no-user"));
            let staff = is_staff_role(&ev.actor_role);
            AccessRow {
                when: local_time(&t, &tz, &ev.at),
                who: t.with(
                    "audit-who",
                    &[
                        ("name", Arg::Text(&name)),
                        ("role", Arg::Text(&role_text(&t, &ev.actor_role))),
                    ],
                ),
                what: if show_what && !staff {
                    object_text(&t, &ev.object_type)
                } else {
                    String::new()
                },
                kind: if staff { "staff" } else { "proxy" },
            }
        })
        .collect::<Vec<_>>();

    let href = |n: u64| {
        let base = format!("/patients/{}/access-log", o.patient.id);
        if n > 1 {
            format!("{base}?page={n}")
        } else {
            base
        }
    };
    let first = (page_no - 1) * u64::from(PAGE_SIZE) + 1;
    let last = first + rows.len() as u64 - 1;
    let showing = if rows.is_empty() {
        String::new()
    } else {
        t.with(
            "audit-showing",
            &[
                ("first", Arg::Num(first as i64)),
                ("last", Arg::Num(last as i64)),
                ("total", Arg::Num(found.total as i64)),
            ],
        )
    };
    let mut others = read::visible_patients(&state, &user).await?;
    others.retain(|p| p.id != o.patient.id);
    let mut f = pages::frame_parts(
        &t,
        &o.patient,
        &o.sections,
        &others,
        o.sharing,
        o.today(),
        Current::Page(Page::Summary),
    );
    for tab in &mut f.tabs {
        tab.current = false;
    }
    let title = format!("{} · {}", t.get("audit-access-log-title"), f.patient.name);
    let page = AccessLogPage {
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        intro: t.get(if show_what {
            "audit-access-log-intro-teen"
        } else {
            "audit-access-log-intro"
        }),
        show_what,
        rows,
        showing,
        prev: (page_no > 1).then(|| href(page_no - 1)),
        next: (last < found.total).then(|| href(page_no + 1)),
    };
    Ok(Html(views::render(&page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_look_like_formulas_are_quoted() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("maria@example.com"), "maria@example.com");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn report_links_keep_the_filters() {
        let p = ReportParams {
            patient: " MRN 7 ".into(),
            user: "a@b.org".into(),
            action: "read".into(),
            ..ReportParams::default()
        };
        assert_eq!(
            report_href(&p, "user", "asc", 2, false),
            "/staff/audit?patient=MRN%207&user=a%40b.org&action=read&sort=user&dir=asc&page=2"
        );
        assert_eq!(
            report_href(&ReportParams::default(), "", "", 1, true),
            "/staff/audit.csv"
        );
    }

    #[test]
    fn days_start_at_midnight_in_the_practice_time_zone() {
        let tz = TimeZone::get("America/New_York").unwrap();
        assert_eq!(
            day_start(jiff::civil::date(2026, 3, 2), &tz).as_deref(),
            Some("2026-03-02T05:00:00Z")
        );
        assert_eq!(parse_day(" "), Ok(None));
        assert_eq!(parse_day("2026-13-01"), Err(Problem::BadDate));
    }
}
