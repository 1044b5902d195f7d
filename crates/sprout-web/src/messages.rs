//! Secure messaging (issue 5): families write to the care team, staff answer
//! from an inbox of pools, files travel with messages.
//!
//! - `GET /messages`: the family's threads (every patient they may see, each
//!   thread kept only when the access policy and participation allow it, see
//!   [`read::Scope::thread`]) with the unread count; `GET /messages/new` and
//!   `POST /messages`: write a new thread; `GET /messages/{thread}`: a thread
//!   (marks it read); `POST /messages/{thread}`: reply (family or staff);
//!   `GET /messages/{thread}/files/{file}`: download an attachment.
//! - `GET /staff/inbox`: threads by pool with their reply-due time, overdue
//!   ones highlighted; `POST /messages/{thread}/{assign|unassign|close|reopen}`.
//!
//! Uploads are multipart. Each file is counted and recognised by its first
//! bytes while it streams ([`sprout_domain::messaging::AttachmentBudget`],
//! [`sprout_domain::messaging::sniff`]); only then is it written, to a
//! temporary file in the attachments folder, hashed and synced. A refusal
//! (an 11th file, more than 25 MB, a type not accepted) removes whatever was
//! written and re-shows the form naming the file and the rule. Accepted files
//! are renamed to random ids and the folder synced before the one transaction
//! that records the message, its attachments and its email notices
//! ([`sprout_store::messaging::MessageStore::post_message`]): a crash leaves
//! either the whole message or only files that no message refers to, which
//! the cleanup job removes after a grace period.
//!
//! Every read, send and download writes an audit event; notices carry no
//! name, subject or text.

use crate::audit::{self, Entry, Outcome};
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::read::{self, Scope, Want};
use crate::views::{self, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::Timestamp;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sprout_domain::messaging::{
    self as rules, AttachmentBudget, AttachmentError, AttachmentKind, Category, ThreadStatus,
};
use sprout_domain::record::{Patient, Section};
use sprout_domain::{AccountId, PatientId};
use sprout_store::messaging::{
    Attachment, InboxFilter, NewMessage, NewThread, Posted, Side, Thread,
};
use sprout_store::{AuditEvent, NewEmail};
use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use tokio::io::AsyncWriteExt;

/// Largest upload body: every file at the 25 MB limit plus 1 MiB for the
/// text fields and multipart framing. Other routes keep the small limit.
pub(crate) const UPLOAD_LIMIT: usize = rules::MAX_TOTAL_BYTES as usize + 1024 * 1024;

/// Longest subject, in characters.
const MAX_SUBJECT: usize = 200;
/// Longest message text, in characters.
const MAX_BODY: usize = 10_000;

/// The page's stylesheet, embedded and served at `/static/messages.css`.
const MESSAGES_CSS: &str = include_str!("../static/messages.css");

/// The routes of this module (inside the request context).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/messages",
            get(list)
                .post(create)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/messages/new", get(compose))
        .route(
            "/messages/{thread}",
            get(show)
                .post(reply)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/messages/{thread}/files/{file}", get(download))
        .route("/messages/{thread}/{action}", post(staff_action))
        .route("/staff/inbox", get(inbox))
}

/// `GET /static/messages.css`.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        MESSAGES_CSS,
    )
}

// ---------------------------------------------------------------------------
// Templates

/// One thread in a list.
pub(crate) struct ThreadRow {
    pub href: String,
    pub subject: String,
    pub patient: String,
    pub category: String,
    pub when: String,
    pub unread: u32,
    pub status: String,
    pub closed: bool,
    /// Staff: the reply-due time, and whether it has passed.
    pub due: Option<String>,
    pub overdue: bool,
    pub assigned: Option<String>,
}

/// The family's messages.
#[derive(Template)]
#[template(path = "messages/list.html")]
pub(crate) struct ListPage<'a> {
    pub c: Chrome<'a>,
    pub threads: Vec<ThreadRow>,
    pub unread: u32,
    pub unread_text: String,
    /// Why no message can be written, when none can.
    pub cannot_send: Option<String>,
}

/// A choice of a select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The compose form, with what was typed.
#[derive(Template)]
#[template(path = "messages/compose.html")]
pub(crate) struct ComposePage<'a> {
    pub c: Chrome<'a>,
    pub patients: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub subject: String,
    pub body: String,
    pub idempotency_key: String,
    pub error: Option<String>,
    pub reply_note: String,
}

/// One attachment as shown.
pub(crate) struct FileLink {
    pub href: String,
    pub name: String,
    pub size: String,
}

/// One message as shown.
pub(crate) struct MessageView {
    pub author: String,
    pub staff: bool,
    pub when: String,
    pub body: String,
    pub files: Vec<FileLink>,
}

/// A thread.
#[derive(Template)]
#[template(path = "messages/thread.html")]
pub(crate) struct ThreadPage<'a> {
    pub c: Chrome<'a>,
    pub subject: String,
    pub patient: String,
    pub category: String,
    pub status: String,
    pub due: Option<String>,
    pub overdue: bool,
    pub messages: Vec<MessageView>,
    /// Where the reply form posts, when the user may reply.
    pub reply_action: Option<String>,
    pub idempotency_key: String,
    pub body: String,
    pub error: Option<String>,
    /// Staff: the actions offered (action path, label).
    pub staff_actions: Vec<(String, String)>,
    pub assigned: Option<String>,
    pub back: String,
}

/// One pool tab of the inbox.
pub(crate) struct PoolTab {
    pub href: String,
    pub label: String,
    pub current: bool,
    pub open: usize,
}

/// The staff inbox.
#[derive(Template)]
#[template(path = "messages/inbox.html")]
pub(crate) struct InboxPage<'a> {
    pub c: Chrome<'a>,
    pub pools: Vec<PoolTab>,
    pub pool_label: String,
    pub threads: Vec<ThreadRow>,
    pub show_closed: bool,
    pub toggle_href: String,
    pub overdue: usize,
}

// ---------------------------------------------------------------------------
// Words

fn category_label(t: &Tr<'_>, c: Category) -> String {
    t.get(&format!("msg-category-{}", c.code()))
}

fn pool_label(t: &Tr<'_>, pool: &str) -> String {
    let key = format!("msg-pool-{pool}");
    let text = t.get(&key);
    if text == key {
        pool.to_owned()
    } else {
        text
    }
}

fn status_label(t: &Tr<'_>, s: ThreadStatus) -> String {
    t.get(&format!("msg-status-{}", s.code()))
}

/// A time in the practice's time zone, in the user's language
/// ("March 4, 2026, 10:00 EST").
fn when(state: &AppState, t: &Tr<'_>, ts: Timestamp) -> String {
    let z = ts.to_zoned(state.config().time_zone.clone());
    t.with(
        "msg-datetime",
        &[
            ("date", Arg::Text(&t.date(z.date()))),
            ("time", Arg::Text(&z.strftime("%H:%M %Z").to_string())),
        ],
    )
}

fn size_text(t: &Tr<'_>, bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        t.with(
            "msg-size-mb",
            &[("n", Arg::Text(&t.num(bytes as f64 / 1_048_576.0, 1)))],
        )
    } else {
        t.with(
            "msg-size-kb",
            &[(
                "n",
                Arg::Num(i64::try_from(bytes.div_ceil(1024)).unwrap_or(0)),
            )],
        )
    }
}

fn refusal_text(t: &Tr<'_>, e: &AttachmentError) -> String {
    let (key, file) = match e {
        AttachmentError::TooMany { file } => ("msg-refused-too-many", file),
        AttachmentError::TooLarge { file } => ("msg-refused-too-large", file),
        AttachmentError::NotAllowed { file } => ("msg-refused-type", file),
        AttachmentError::Empty { file } => ("msg-refused-empty", file),
    };
    t.with(
        key,
        &[
            ("file", Arg::Text(file)),
            ("max", Arg::Num(rules::MAX_FILES as i64)),
        ],
    )
}

fn new_key() -> String {
    crate::auth::random_token()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_hex() -> String {
    hex(&crate::auth::random_id_bytes())
}

/// A thread or attachment id as generated here: 32 lowercase hex digits.
fn plausible_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

// ---------------------------------------------------------------------------
// Reading through the policy

/// A thread opened for the signed-in user: the patient's scope, audit role
/// and acting-through relationship.
struct OpenThread<'a> {
    thread: Thread,
    opened: read::Opened<'a>,
}

/// Opens a thread for the user: the patient through the one read path
/// ([`read::open`] of the `messages` section), then the thread through the
/// policy and participation ([`Scope::thread`]). A denial is audited and is
/// the 404 of an unknown thread.
async fn open_thread<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    user: &SignedIn,
    raw: &str,
) -> WebResult<OpenThread<'a>> {
    let thread = if plausible_id(raw) {
        state
            .store()
            .thread(raw, Some(&user.actor.account_id))
            .await?
    } else {
        None
    };
    let Some(thread) = thread else {
        return Err(WebError::NotFound);
    };
    let opened = read::open(
        state,
        ctx,
        user,
        Some(thread.patient_id.as_str()),
        Want::Section(Section::Messages),
    )
    .await?;
    let decision = opened
        .scope
        .thread(thread.started_by == user.actor.account_id);
    if !decision.allow {
        audit::record_on_behalf(
            state,
            ctx,
            Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &opened.role,
                patient_id: Some(&thread.patient_id),
                action: "read",
                object_type: "message-thread",
                object_id: Some(thread.id.as_str()),
                outcome: Outcome::Denied,
                reason: Some(decision.reason.code()),
                detail: None,
            },
            read::acting_through(&opened.relationships, &thread.patient_id, opened.today()),
        )
        .await?;
        return Err(WebError::NotFound);
    }
    Ok(OpenThread { thread, opened })
}

/// A patient the user may see, with the policy's scope.
struct Reachable<'a> {
    patient: Patient,
    scope: Scope<'a>,
}

/// The patients the family user may see something of, with their scopes.
async fn reachable<'a>(state: &'a AppState, user: &SignedIn) -> WebResult<Vec<Reachable<'a>>> {
    let (relationships, family) = read::visible_with_facts(state, user).await?;
    let today = state.clock().today();
    let mut out = Vec::new();
    for (p, facts) in family {
        let scope = Scope::new(
            state.policy(),
            &user.actor,
            &p.id,
            facts,
            &relationships,
            today,
        );
        out.push(Reachable { patient: p, scope });
    }
    Ok(out)
}

/// The threads a family user may read, each with its patient, newest first.
async fn family_threads<'a>(
    state: &'a AppState,
    user: &SignedIn,
    reach: &[Reachable<'a>],
) -> WebResult<Vec<(Thread, usize)>> {
    let ids: Vec<PatientId> = reach.iter().map(|r| r.patient.id.clone()).collect();
    let all = state
        .store()
        .threads_of_patients(&ids, &user.actor.account_id)
        .await?;
    Ok(all
        .into_iter()
        .filter_map(|t| {
            let i = reach.iter().position(|r| r.patient.id == t.patient_id)?;
            reach[i]
                .scope
                .thread(t.started_by == user.actor.account_id)
                .allow
                .then_some((t, i))
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Family pages

/// `GET /messages`.
async fn list(State(state): State<AppState>, Authed { ctx, user }: Authed) -> WebResult<Response> {
    if user.actor.staff_role.is_some() {
        return Ok(Redirect::to("/staff/inbox").into_response());
    }
    let t = state.i18n().tr(ctx.locale);
    let reach = reachable(&state, &user).await?;
    let threads = family_threads(&state, &user, &reach).await?;
    let may_send = reach.iter().any(|r| r.scope.send().allow);
    // One audit event per patient whose threads are listed.
    let mut listed: Vec<&PatientId> = threads.iter().map(|(t, _)| &t.patient_id).collect();
    listed.sort();
    listed.dedup();
    let relationships = read::relationships_of(&state, &user).await?;
    let today = state.clock().today();
    for p in listed {
        audit::record_on_behalf(
            &state,
            &ctx,
            Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &audit::role_of(&user.actor, Some(p), &relationships),
                patient_id: Some(p),
                action: "read",
                object_type: "message-list",
                object_id: None,
                outcome: Outcome::Success,
                reason: None,
                detail: None,
            },
            read::acting_through(&relationships, p, today),
        )
        .await?;
    }
    let unread: u32 = threads.iter().map(|(t, _)| t.unread).sum();
    let rows = threads
        .iter()
        .map(|(th, i)| ThreadRow {
            href: format!("/messages/{}", th.id),
            subject: th.subject.clone(),
            patient: reach[*i].patient.display_name(),
            category: category_label(&t, th.category),
            when: when(&state, &t, th.last_message_at),
            unread: th.unread,
            status: status_label(&t, th.status),
            closed: th.status == ThreadStatus::Closed,
            due: None,
            overdue: false,
            assigned: None,
        })
        .collect();
    let page = ListPage {
        c: Chrome::new(&state, t, t.get("msg-list-title"), Some(&ctx), None),
        threads: rows,
        unread,
        unread_text: if unread == 0 {
            t.get("msg-unread-none")
        } else {
            t.with("msg-unread-count", &[("n", Arg::Num(i64::from(unread)))])
        },
        cannot_send: (!may_send).then(|| t.get("msg-cannot-send")),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// What the compose form holds.
#[derive(Debug, Default, Clone)]
struct Typed {
    patient: String,
    category: String,
    subject: String,
    body: String,
    key: String,
}

fn compose_page<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    reach: &[Reachable<'_>],
    typed: &Typed,
    error: Option<String>,
) -> ComposePage<'a> {
    let t = state.i18n().tr(ctx.locale);
    let patients = reach
        .iter()
        .filter(|r| r.scope.send().allow)
        .map(|r| Choice {
            value: r.patient.id.to_string(),
            label: r.patient.display_name(),
            selected: typed.patient == r.patient.id.as_str(),
        })
        .collect();
    let categories = Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.code().to_owned(),
            label: category_label(&t, *c),
            selected: typed.category == c.code(),
        })
        .collect();
    let days = state.config().messaging.reply_business_days;
    ComposePage {
        c: Chrome::new(state, t, t.get("msg-compose-title"), Some(ctx), None),
        patients,
        categories,
        subject: typed.subject.clone(),
        body: typed.body.clone(),
        idempotency_key: if typed.key.is_empty() {
            new_key()
        } else {
            typed.key.clone()
        },
        error,
        reply_note: t.with("msg-reply-note", &[("n", Arg::Num(i64::from(days)))]),
    }
}

/// `GET /messages/new`.
async fn compose(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
) -> WebResult<Response> {
    if user.actor.staff_role.is_some() {
        return Err(WebError::NotFound);
    }
    let reach = reachable(&state, &user).await?;
    if !reach.iter().any(|r| r.scope.send().allow) {
        return Ok(Redirect::to("/messages").into_response());
    }
    let page = compose_page(&state, &ctx, &reach, &Typed::default(), None);
    Ok(Html(views::render(&page)?).into_response())
}

// ---------------------------------------------------------------------------
// Receiving an upload

/// A file received and written to a temporary file.
struct Received {
    temp: PathBuf,
    file_name: String,
    kind: AttachmentKind,
    size: u64,
    sha256: String,
}

/// A multipart form read whole: its text fields and files, or why the files
/// were refused (the text fields are read either way, to re-show them).
struct Upload {
    fields: BTreeMap<String, String>,
    files: Vec<Received>,
    refused: Option<AttachmentError>,
}

impl Upload {
    fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Removes the files (best effort; the cleanup job removes what is left).
async fn discard(paths: Vec<PathBuf>) {
    for p in paths {
        if let Err(e) = tokio::fs::remove_file(&p).await {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %e, "could not remove a refused upload");
            }
        }
    }
}

/// The temporary files of received uploads.
fn temps(files: Vec<Received>) -> Vec<PathBuf> {
    files.into_iter().map(|f| f.temp).collect()
}

/// A file being written.
struct Writing {
    file: tokio::fs::File,
    path: PathBuf,
}

/// Reads the multipart body: text fields whole (bounded), each file counted
/// against the budget and sniffed on its first [`rules::SNIFF_BYTES`] before
/// anything is written; a refusal removes what was written and reads the
/// rest of the body without storing it.
async fn receive(dir: &FsPath, mut mp: Multipart) -> WebResult<Upload> {
    let mut up = Upload {
        fields: BTreeMap::new(),
        files: Vec::new(),
        refused: None,
    };
    let mut budget = AttachmentBudget::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                // Once a file is refused the rest of the body is only read
                // to its end; past the body limit that read fails, and the
                // refusal already says why (the form is shown again with it).
                if up.refused.is_some() {
                    break;
                }
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    up.refused = Some(AttachmentError::TooLarge {
                        file: up
                            .files
                            .last()
                            .map(|f| f.file_name.clone())
                            .unwrap_or_default(),
                    });
                    break;
                }
                discard(temps(std::mem::take(&mut up.files))).await;
                return Err(WebError::BadRequest("unreadable upload"));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Some(file_name) = file_name else {
            let text = field
                .text()
                .await
                .map_err(|_| WebError::BadRequest("unreadable form field"))?;
            up.fields.insert(name, text);
            continue;
        };
        match receive_file(dir, field, &file_name, &mut budget, up.refused.is_some()).await {
            Ok(Some(r)) => up.files.push(r),
            Ok(None) => {}
            Err(Refuse::Rule(e)) => {
                up.refused.get_or_insert(e);
            }
            Err(Refuse::Io(e)) => {
                discard(temps(std::mem::take(&mut up.files))).await;
                return Err(e);
            }
        }
        if up.refused.is_some() {
            discard(temps(std::mem::take(&mut up.files))).await;
        }
    }
    Ok(up)
}

enum Refuse {
    Rule(AttachmentError),
    Io(WebError),
}

fn io(e: std::io::Error) -> Refuse {
    Refuse::Io(WebError::Internal(format!("attachment file: {e}")))
}

/// One file field as it arrives.
struct Incoming {
    shown: String,
    head: Vec<u8>,
    writing: Option<Writing>,
    hasher: Sha256,
    size: u64,
    started: bool,
    kind: Option<AttachmentKind>,
}

/// Reads the field's chunks into `st`: counted, sniffed once
/// [`rules::SNIFF_BYTES`] are in, then written (nothing when `skip`).
async fn pump(
    dir: &FsPath,
    field: &mut axum::extract::multipart::Field<'_>,
    st: &mut Incoming,
    budget: &mut AttachmentBudget,
    skip: bool,
) -> Result<(), Refuse> {
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(()),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(Refuse::Rule(AttachmentError::TooLarge {
                    file: st.shown.clone(),
                }))
            }
            Err(_) => return Err(Refuse::Io(WebError::BadRequest("unreadable upload"))),
        };
        if skip || chunk.is_empty() {
            continue;
        }
        if !st.started {
            budget.start_file(&st.shown).map_err(Refuse::Rule)?;
            st.started = true;
        }
        budget
            .add_bytes(&st.shown, chunk.len() as u64)
            .map_err(Refuse::Rule)?;
        st.size += chunk.len() as u64;
        st.hasher.update(&chunk);
        match &mut st.writing {
            Some(w) => w.file.write_all(&chunk).await.map_err(io)?,
            None => {
                st.head.extend_from_slice(&chunk);
                if st.head.len() >= rules::SNIFF_BYTES {
                    st.kind = Some(sniff_or_refuse(&st.head, &st.shown)?);
                    st.writing = Some(start_writing(dir, &st.head).await?);
                }
            }
        }
    }
}

/// Flushes and syncs a written file.
async fn finish(file: &mut tokio::fs::File) -> std::io::Result<()> {
    file.flush().await?;
    file.sync_all().await
}

/// Receives one file field. `Ok(None)` for the empty part a browser sends
/// when no file was chosen, and for every file after a refusal (read, not
/// stored).
async fn receive_file(
    dir: &FsPath,
    mut field: axum::extract::multipart::Field<'_>,
    file_name: &str,
    budget: &mut AttachmentBudget,
    skip: bool,
) -> Result<Option<Received>, Refuse> {
    let mut st = Incoming {
        shown: display_name(file_name),
        head: Vec::new(),
        writing: None,
        hasher: Sha256::new(),
        size: 0,
        started: false,
        kind: None,
    };
    if let Err(e) = pump(dir, &mut field, &mut st, budget, skip).await {
        if let Some(w) = st.writing.take() {
            drop(w.file);
            discard(vec![w.path]).await;
        }
        return Err(e);
    }
    if skip || (!st.started && file_name.is_empty()) {
        return Ok(None);
    }
    if !st.started {
        return Err(Refuse::Rule(AttachmentError::Empty { file: st.shown }));
    }
    let (kind, mut w) = match (st.kind, st.writing.take()) {
        (Some(k), Some(w)) => (k, w),
        _ => {
            let k = sniff_or_refuse(&st.head, &st.shown)?;
            (k, start_writing(dir, &st.head).await?)
        }
    };
    if let Err(e) = finish(&mut w.file).await {
        drop(w.file);
        discard(vec![w.path]).await;
        return Err(io(e));
    }
    Ok(Some(Received {
        temp: w.path,
        file_name: st.shown,
        kind,
        size: st.size,
        sha256: hex(&st.hasher.finalize()),
    }))
}

fn sniff_or_refuse(head: &[u8], shown: &str) -> Result<AttachmentKind, Refuse> {
    rules::sniff(head).ok_or_else(|| {
        Refuse::Rule(AttachmentError::NotAllowed {
            file: shown.to_owned(),
        })
    })
}

async fn start_writing(dir: &FsPath, head: &[u8]) -> Result<Writing, Refuse> {
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let path = dir.join(format!("tmp-{}", random_hex()));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
        .map_err(io)?;
    if let Err(e) = file.write_all(head).await {
        drop(file);
        discard(vec![path]).await;
        return Err(io(e));
    }
    Ok(Writing { file, path })
}

/// The file name as shown: the last path component the browser sent, at
/// most 120 characters, control characters dropped ("upload" when nothing
/// is left). Never used as a path.
fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() {
        "upload".to_owned()
    } else {
        clean
    }
}

/// Moves the received files to their random ids and syncs the folder, so
/// they are durable before the message that names them is committed.
async fn commit_files(dir: &FsPath, files: Vec<Received>) -> WebResult<Vec<Attachment>> {
    let mut out: Vec<Attachment> = Vec::new();
    if files.is_empty() {
        return Ok(out);
    }
    let mut pending: Vec<PathBuf> = files.iter().map(|f| f.temp.clone()).collect();
    for (i, f) in files.into_iter().enumerate() {
        let id = random_hex();
        let dest = dir.join(&id);
        if let Err(e) = tokio::fs::rename(&f.temp, &dest).await {
            let mut left: Vec<PathBuf> = pending.drain(i..).collect();
            left.extend(out.iter().map(|a| dir.join(&a.id)));
            discard(left).await;
            return Err(WebError::Internal(format!("attachment rename: {e}")));
        }
        out.push(Attachment {
            id,
            message_id: String::new(),
            position: i as u32,
            file_name: f.file_name,
            kind: f.kind,
            size_bytes: f.size,
            sha256: f.sha256,
        });
    }
    let d = dir.to_owned();
    tokio::task::spawn_blocking(move || std::fs::File::open(&d).and_then(|f| f.sync_all()))
        .await?
        .map_err(|e| WebError::Internal(format!("attachment folder sync: {e}")))?;
    Ok(out)
}

/// The idempotency key of a post: the `Idempotency-Key` header, else the
/// form's hidden `idempotency_key` field (at most 200 characters).
fn idempotency_key(headers: &HeaderMap, up: &Upload) -> Option<String> {
    let header = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let key = header
        .map(str::to_owned)
        .or_else(|| Some(up.field("idempotency_key").trim().to_owned()))
        .filter(|k| !k.is_empty())?;
    Some(key.chars().take(200).collect())
}

// ---------------------------------------------------------------------------
// Sending

/// Who hears of a new message: for a family message, the pool's address, or
/// every staff member who answers messages; for a staff reply, the family
/// participant. Each email says only that there is a new message.
async fn notices(
    state: &AppState,
    thread_pool: &str,
    started_by: &AccountId,
    side: Side,
) -> WebResult<Vec<NewEmail>> {
    let store = state.store();
    let mut to: Vec<(String, crate::i18n::Locale)> = Vec::new();
    match side {
        Side::Family => {
            if let Some(addr) = state.config().messaging.pool_emails.get(thread_pool) {
                to.push((addr.clone(), crate::i18n::Locale::En));
            } else {
                for a in store.staff_emails(&["nurse", "clinician"]).await? {
                    to.push((a, crate::i18n::Locale::En));
                }
            }
        }
        Side::Staff => {
            if let Some(a) = store.account(started_by).await? {
                let locale = crate::i18n::negotiate(a.locale.as_deref(), None, None);
                to.push((a.email, locale));
            }
        }
    }
    // Staff read in their inbox, families in their messages; a full URL on
    // the public origin, else the address the server listens on.
    let path = match side {
        Side::Family => "/staff/inbox",
        Side::Staff => "/messages",
    };
    let origin = state
        .config()
        .public_origin
        .as_deref()
        .or(state.config().enrollment.link_origin.as_deref())
        .map(|o| o.trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let link = format!("{origin}{path}");
    Ok(to
        .into_iter()
        .map(|(addr, locale)| {
            let t = state.i18n().tr(locale);
            let practice = state.config().practice_name.as_str();
            NewEmail {
                id: format!("msg-{}", random_hex()),
                to_address: addr,
                subject: t.with("msg-email-subject", &[("practice", Arg::Text(practice))]),
                body_text: t.with(
                    "msg-email-body",
                    &[
                        ("practice", Arg::Text(practice)),
                        ("link", Arg::Text(&link)),
                    ],
                ),
                body_html: None,
                locale: locale.code().to_owned(),
            }
        })
        .collect())
}

/// What a post is: a new thread about a patient, or a reply in a thread.
enum Target<'a> {
    New {
        patient: PatientId,
        category: Category,
        subject: String,
    },
    Reply(&'a Thread),
}

/// Stores a message after its files: moves them into place, then one
/// transaction for the message, its attachments, the notices and the audit
/// event. A duplicate post (same idempotency key) removes the new files and
/// answers the first post.
#[allow(clippy::too_many_arguments)]
async fn store_message(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    opened: &read::Opened<'_>,
    target: Target<'_>,
    body: String,
    files: Vec<Received>,
    key: Option<String>,
) -> WebResult<Posted> {
    let dir = state.config().messaging.attachments_dir.clone();
    let attachments = commit_files(&dir, files).await?;
    let now = state.clock().now();
    let side = if user.actor.staff_role.is_some() {
        Side::Staff
    } else {
        Side::Family
    };
    let m = &state.config().messaging;
    let due_at = (side == Side::Family).then(|| {
        rules::reply_due(
            now,
            &state.config().time_zone,
            &m.holidays,
            m.reply_business_days,
        )
    });
    let message_id = random_hex();
    let (thread_id, new_thread, pool, started_by, patient) = match target {
        Target::New {
            patient,
            category,
            subject,
        } => {
            let id = random_hex();
            let pool = m.pool_of(category);
            (
                id.clone(),
                Some(NewThread {
                    id,
                    patient_id: patient.clone(),
                    category,
                    pool: pool.clone(),
                    subject,
                }),
                pool,
                user.actor.account_id.clone(),
                patient,
            )
        }
        Target::Reply(t) => (
            t.id.clone(),
            None,
            t.pool.clone(),
            t.started_by.clone(),
            t.patient_id.clone(),
        ),
    };
    let emails = notices(state, &pool, &started_by, side).await?;
    let event = AuditEvent {
        at: audit::rfc3339(now),
        account_id: Some(user.actor.account_id.clone()),
        actor_role: opened.role.clone(),
        on_behalf_of: read::acting_through(&opened.relationships, &patient, opened.today())
            .map(str::to_owned),
        patient_id: Some(patient.clone()),
        action: "create".into(),
        object_type: "message".into(),
        object_id: Some(message_id.clone()),
        outcome: "success".into(),
        reason: Some(opened.scope.send().reason.code().to_owned()),
        client_addr: ctx.client_addr.clone(),
        request_id: Some(ctx.request_id.clone()),
        detail: Some(
            serde_json::json!({ "thread": thread_id, "attachments": attachments.len() })
                .to_string(),
        ),
    };
    let ids: Vec<PathBuf> = attachments.iter().map(|a| dir.join(&a.id)).collect();
    let new = NewMessage {
        id: message_id,
        thread_id,
        new_thread,
        author: user.actor.account_id.clone(),
        author_name: user.account.display_name.clone(),
        side,
        body,
        created_at: now,
        due_at,
        idempotency_key: key,
        attachments,
    };
    match state.store().post_message(&new, &emails, &event).await {
        Ok(p @ Posted::Created { .. }) => Ok(p),
        Ok(p @ Posted::Duplicate { .. }) => {
            discard(ids.clone()).await;
            Ok(p)
        }
        Err(e) => {
            discard(ids.clone()).await;
            Err(e.into())
        }
    }
}

/// The refusal of a post, plus, when files came with it, that they were not
/// kept and must be attached again (a browser cannot re-fill a file field).
fn with_reattach(t: &Tr<'_>, problem: String, up: &Upload) -> String {
    if up.files.is_empty() && up.refused.is_none() {
        problem
    } else {
        format!("{problem} {}", t.get("msg-error-reattach"))
    }
}

/// Checks the text fields of a post: `Err` with the catalog key of what is wrong.
fn check_text(subject: Option<&str>, body: &str) -> Result<(), &'static str> {
    if let Some(s) = subject {
        if s.trim().is_empty() {
            return Err("msg-error-subject");
        }
        if s.chars().count() > MAX_SUBJECT {
            return Err("msg-error-subject-long");
        }
    }
    if body.trim().is_empty() {
        return Err("msg-error-body");
    }
    if body.chars().count() > MAX_BODY {
        return Err("msg-error-body-long");
    }
    Ok(())
}

/// `POST /messages`: a new thread.
async fn create(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    headers: HeaderMap,
    mp: Multipart,
) -> WebResult<Response> {
    let dir = state.config().messaging.attachments_dir.clone();
    let up = receive(&dir, mp).await?;
    if let Err(e) = ctx.check_csrf(&up.field("csrf")) {
        discard(temps(up.files)).await;
        return Err(e);
    }
    if user.actor.staff_role.is_some() {
        discard(temps(up.files)).await;
        return Err(WebError::NotFound);
    }
    let t = state.i18n().tr(ctx.locale);
    let typed = Typed {
        patient: up.field("patient"),
        category: up.field("category"),
        subject: up.field("subject"),
        body: up.field("body"),
        key: up.field("idempotency_key"),
    };
    let reach = reachable(&state, &user).await?;
    let category = typed.category.parse::<Category>().ok();
    let problem = if let Some(e) = &up.refused {
        Some(refusal_text(&t, e))
    } else if !reach
        .iter()
        .any(|r| r.patient.id.as_str() == typed.patient && r.scope.send().allow)
    {
        Some(t.get("msg-error-patient"))
    } else if category.is_none() {
        Some(t.get("msg-error-category"))
    } else {
        check_text(Some(typed.subject.as_str()), &typed.body)
            .err()
            .map(|k| t.get(k))
    };
    if let Some(problem) = problem {
        let problem = with_reattach(&t, problem, &up);
        discard(temps(up.files)).await;
        let page = compose_page(&state, &ctx, &reach, &typed, Some(problem));
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(views::render(&page)?),
        )
            .into_response());
    }
    let key = idempotency_key(&headers, &up);
    let opened = match read::open(
        &state,
        &ctx,
        &user,
        Some(&typed.patient),
        Want::Section(Section::Messages),
    )
    .await
    {
        Ok(o) => o,
        Err(e) => {
            discard(temps(up.files)).await;
            return Err(e);
        }
    };
    let Some(patient) = PatientId::parse(&typed.patient) else {
        discard(temps(up.files)).await;
        return Err(WebError::NotFound);
    };
    let posted = store_message(
        &state,
        &ctx,
        &user,
        &opened,
        Target::New {
            patient,
            category: category.unwrap_or(Category::GeneralOffice),
            subject: typed.subject.trim().to_owned(),
        },
        typed.body.clone(),
        up.files,
        key,
    )
    .await?;
    Ok(Redirect::to(&format!("/messages/{}", posted.thread_id())).into_response())
}

/// `POST /messages/{thread}`: a reply.
async fn reply(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    Path(raw): Path<String>,
    headers: HeaderMap,
    mp: Multipart,
) -> WebResult<Response> {
    let dir = state.config().messaging.attachments_dir.clone();
    let up = receive(&dir, mp).await?;
    if let Err(e) = ctx.check_csrf(&up.field("csrf")) {
        discard(temps(up.files)).await;
        return Err(e);
    }
    let opened = match open_thread(&state, &ctx, &user, &raw).await {
        Ok(o) => o,
        Err(e) => {
            discard(temps(up.files)).await;
            return Err(e);
        }
    };
    if !opened.opened.scope.send().allow {
        discard(temps(up.files)).await;
        return Err(WebError::NotFound);
    }
    let t = state.i18n().tr(ctx.locale);
    let body = up.field("body");
    let problem = match &up.refused {
        Some(e) => Some(refusal_text(&t, e)),
        None => check_text(None, &body).err().map(|k| t.get(k)),
    };
    if let Some(problem) = problem {
        let problem = with_reattach(&t, problem, &up);
        let key = up.field("idempotency_key");
        discard(temps(up.files)).await;
        let page = thread_page(&state, &ctx, &user, &opened, body, key, Some(problem)).await?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(views::render(&page)?),
        )
            .into_response());
    }
    let key = idempotency_key(&headers, &up);
    let posted = store_message(
        &state,
        &ctx,
        &user,
        &opened.opened,
        Target::Reply(&opened.thread),
        body,
        up.files,
        key,
    )
    .await?;
    Ok(Redirect::to(&format!("/messages/{}", posted.thread_id())).into_response())
}

// ---------------------------------------------------------------------------
// Reading a thread, downloading

async fn thread_page<'a>(
    state: &'a AppState,
    ctx: &Ctx,
    user: &SignedIn,
    o: &OpenThread<'_>,
    body: String,
    key: String,
    error: Option<String>,
) -> WebResult<ThreadPage<'a>> {
    let t = state.i18n().tr(ctx.locale);
    let th = &o.thread;
    let messages = state.store().thread_messages(&th.id).await?;
    let staff = user.actor.staff_role.is_some();
    let views = messages
        .iter()
        .map(|m| MessageView {
            author: match (m.side, staff) {
                (Side::Staff, false) => {
                    t.with("msg-from-care-team", &[("name", Arg::Text(&m.author_name))])
                }
                _ => m.author_name.clone(),
            },
            staff: m.side == Side::Staff,
            when: when(state, &t, m.created_at),
            body: m.body.clone(),
            files: m
                .attachments
                .iter()
                .map(|a| FileLink {
                    href: format!("/messages/{}/files/{}", th.id, a.id),
                    name: a.file_name.clone(),
                    size: size_text(&t, a.size_bytes),
                })
                .collect(),
        })
        .collect();
    let now = state.clock().now();
    let mut staff_actions = Vec::new();
    let mut assigned = None;
    if staff {
        let base = format!("/messages/{}", th.id);
        if th.assigned_to.as_ref() == Some(&user.actor.account_id) {
            staff_actions.push((format!("{base}/unassign"), t.get("msg-action-unassign")));
        } else {
            staff_actions.push((format!("{base}/assign"), t.get("msg-action-assign")));
        }
        match th.status {
            ThreadStatus::Open => {
                staff_actions.push((format!("{base}/close"), t.get("msg-action-close")))
            }
            ThreadStatus::Closed => {
                staff_actions.push((format!("{base}/reopen"), t.get("msg-action-reopen")))
            }
        }
        if let Some(a) = &th.assigned_to {
            if let Some(acc) = state.store().account(a).await? {
                assigned =
                    Some(t.with("msg-assigned-to", &[("name", Arg::Text(&acc.display_name))]));
            }
        }
    }
    Ok(ThreadPage {
        c: Chrome::new(state, t, th.subject.clone(), Some(ctx), None),
        subject: th.subject.clone(),
        patient: o.opened.patient.display_name(),
        category: category_label(&t, th.category),
        status: status_label(&t, th.status),
        due: th
            .due_at
            .filter(|_| staff)
            .map(|d| t.with("msg-due", &[("when", Arg::Text(&when(state, &t, d)))])),
        overdue: staff && rules::is_overdue(th.due_at, now),
        messages: views,
        reply_action: o
            .opened
            .scope
            .send()
            .allow
            .then(|| format!("/messages/{}", th.id)),
        idempotency_key: if key.is_empty() { new_key() } else { key },
        body,
        error,
        staff_actions,
        assigned,
        back: if staff {
            format!("/staff/inbox?pool={}", views::url_encode(&th.pool))
        } else {
            "/messages".to_owned()
        },
    })
}

/// `GET /messages/{thread}`: the thread; marks it read; audited.
async fn show(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    let o = open_thread(&state, &ctx, &user, &raw).await?;
    let page = thread_page(&state, &ctx, &user, &o, String::new(), String::new(), None).await?;
    state
        .store()
        .mark_read(&o.thread.id, &user.actor.account_id, o.thread.message_count)
        .await?;
    o.opened
        .audit_success(
            &state,
            &ctx,
            &user,
            "message-thread",
            Some(o.thread.id.as_str()),
            None,
        )
        .await?;
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /messages/{thread}/files/{file}`: the file, checked against its
/// stored SHA-256, as an attachment; audited as an export.
async fn download(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    Path((raw, file)): Path<(String, String)>,
) -> WebResult<Response> {
    let o = open_thread(&state, &ctx, &user, &raw).await?;
    if !plausible_id(&file) {
        return Err(WebError::NotFound);
    }
    let Some(a) = state.store().attachment(&file).await? else {
        return Err(WebError::NotFound);
    };
    let messages = state.store().thread_messages(&o.thread.id).await?;
    if !messages.iter().any(|m| m.id == a.message_id) {
        return Err(WebError::NotFound);
    }
    let path = state.config().messaging.attachments_dir.join(&a.id);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| WebError::Internal(format!("attachment missing: {e}")))?;
    let (bytes, digest) = tokio::task::spawn_blocking(move || {
        let d = hex(&Sha256::digest(&bytes));
        (bytes, d)
    })
    .await?;
    if digest != a.sha256 {
        return Err(WebError::Internal(
            "attachment does not match its stored SHA-256".into(),
        ));
    }
    o.opened
        .audit_success_as(
            &state,
            &ctx,
            &user,
            "export",
            "message-attachment",
            Some(a.id.as_str()),
            None,
        )
        .await?;
    let name = format!("attachment-{}.{}", a.position + 1, a.kind.extension());
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(a.kind.media_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// Staff

/// Whether the user works the inbox (nurses and clinicians: the roles the
/// access policy lets take the `message` action).
fn works_inbox(user: &SignedIn) -> bool {
    user.actor
        .staff_role
        .is_some_and(rules::staff_answers_messages)
}

/// The inbox's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InboxParams {
    pool: String,
    closed: String,
}

/// `GET /staff/inbox`.
async fn inbox(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    params: Result<Query<InboxParams>, axum::extract::rejection::QueryRejection>,
) -> WebResult<Response> {
    let role = audit::role_of(&user.actor, None, &[]);
    if !works_inbox(&user) {
        audit::record(
            &state,
            &ctx,
            Entry {
                account_id: Some(&user.actor.account_id),
                actor_role: &role,
                patient_id: None,
                action: "read",
                object_type: "message-inbox",
                object_id: None,
                outcome: Outcome::Denied,
                reason: Some("staff-role-excludes-action"),
                detail: None,
            },
        )
        .await?;
        return Err(WebError::NotFound);
    }
    let params = params.map(|q| q.0).unwrap_or_default();
    let t = state.i18n().tr(ctx.locale);
    let settings = &state.config().messaging;
    let pools = settings.pool_names();
    let pool = if pools.contains(&params.pool) {
        params.pool.clone()
    } else {
        pools.first().cloned().unwrap_or_default()
    };
    let show_closed = params.closed == "1";
    let store = state.store();
    let reader = &user.actor.account_id;
    let threads = store
        .inbox(
            &InboxFilter {
                pool: Some(pool.clone()),
                open: Some(!show_closed),
                ..InboxFilter::default()
            },
            reader,
        )
        .await?;
    // Each thread through the policy, for its patient.
    let mut ids: Vec<PatientId> = threads.iter().map(|t| t.patient_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let patients = store.patients(&ids).await?;
    let today = state.clock().today();
    let now = state.clock().now();
    let mut rows = Vec::new();
    let mut overdue = 0;
    for th in &threads {
        let Some(p) = patients.iter().find(|p| p.id == th.patient_id) else {
            continue;
        };
        let facts = read::facts_of(&state, &user, p).await?;
        let scope = Scope::new(state.policy(), &user.actor, &p.id, facts, &[], today);
        if !scope.thread(false).allow {
            continue;
        }
        let late = th.status == ThreadStatus::Open && rules::is_overdue(th.due_at, now);
        overdue += usize::from(late);
        let assigned = match &th.assigned_to {
            Some(a) if a == reader => Some(t.get("msg-assigned-me")),
            Some(a) => store.account(a).await?.map(|a| a.display_name),
            None => None,
        };
        rows.push(ThreadRow {
            href: format!("/messages/{}", th.id),
            subject: th.subject.clone(),
            patient: p.display_name(),
            category: category_label(&t, th.category),
            when: when(&state, &t, th.last_message_at),
            unread: th.unread,
            status: status_label(&t, th.status),
            closed: th.status == ThreadStatus::Closed,
            due: th.due_at.map(|d| when(&state, &t, d)),
            overdue: late,
            assigned,
        });
    }
    let mut tabs = Vec::new();
    for name in &pools {
        let open = store
            .inbox(
                &InboxFilter {
                    pool: Some(name.clone()),
                    open: Some(true),
                    ..InboxFilter::default()
                },
                reader,
            )
            .await?
            .len();
        tabs.push(PoolTab {
            href: format!("/staff/inbox?pool={}", views::url_encode(name)),
            label: pool_label(&t, name),
            current: *name == pool,
            open,
        });
    }
    audit::record(
        &state,
        &ctx,
        Entry {
            account_id: Some(reader),
            actor_role: &role,
            patient_id: None,
            action: "read",
            object_type: "message-inbox",
            object_id: Some(pool.as_str()),
            outcome: Outcome::Success,
            reason: None,
            detail: Some(serde_json::json!({ "threads": rows.len() }).to_string()),
        },
    )
    .await?;
    let page = InboxPage {
        c: Chrome::new(&state, t, t.get("msg-inbox-title"), Some(&ctx), None),
        pool_label: pool_label(&t, &pool),
        pools: tabs,
        threads: rows,
        show_closed,
        toggle_href: format!(
            "/staff/inbox?pool={}{}",
            views::url_encode(&pool),
            if show_closed { "" } else { "&closed=1" }
        ),
        overdue,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// A staff action's form.
#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    csrf: String,
}

/// `POST /messages/{thread}/{assign|unassign|close|reopen}`.
async fn staff_action(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    Path((raw, action)): Path<(String, String)>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    if !works_inbox(&user) {
        return Err(WebError::NotFound);
    }
    let o = open_thread(&state, &ctx, &user, &raw).await?;
    let store = state.store();
    let id = &o.thread.id;
    match action.as_str() {
        "assign" => {
            store
                .assign_thread(id, Some(&user.actor.account_id))
                .await?
        }
        "unassign" => store.assign_thread(id, None).await?,
        "close" => store.set_thread_status(id, ThreadStatus::Closed).await?,
        "reopen" => store.set_thread_status(id, ThreadStatus::Open).await?,
        _ => return Err(WebError::NotFound),
    }
    o.opened
        .audit_success_as(
            &state,
            &ctx,
            &user,
            "update",
            "message-thread",
            Some(id.as_str()),
            Some(serde_json::json!({ "change": action }).to_string()),
        )
        .await?;
    Ok(Redirect::to(&format!("/messages/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Locale};

    /// Words whose keys are built at run time (categories, pools, statuses,
    /// the policy reason of a thread) exist in both languages.
    #[test]
    fn built_keys_exist_in_both_languages() {
        let i18n = I18n::new();
        let mut keys: Vec<String> = Category::ALL
            .iter()
            .map(|c| format!("msg-category-{}", c.code()))
            .collect();
        keys.extend(
            ThreadStatus::ALL
                .iter()
                .map(|s| format!("msg-status-{}", s.code())),
        );
        keys.extend(
            rules::Settings::default()
                .pool_names()
                .iter()
                .map(|p| format!("msg-pool-{p}")),
        );
        keys.push("nav-messages".into());
        keys.push("nav-inbox".into());
        for l in Locale::ALL {
            let t = i18n.tr(l);
            for k in &keys {
                assert_ne!(t.get(k), *k, "{} lacks {k}", l.code());
            }
        }
    }

    #[test]
    fn shown_file_names_are_never_paths() {
        assert_eq!(display_name("../../etc/passwd.png"), "passwd.png");
        assert_eq!(display_name("C:\\Users\\me\\rash.jpg"), "rash.jpg");
        assert_eq!(display_name("a\u{0}b.pdf"), "ab.pdf");
        assert_eq!(display_name(""), "upload");
        assert_eq!(display_name(&"x".repeat(500)).chars().count(), 120);
    }
}
