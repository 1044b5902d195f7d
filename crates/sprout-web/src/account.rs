//! The signed-in user's own account security: the second sign-in step
//! (`/login/code`), the account page (`/account`), changing the password,
//! enrolling or removing the second factor (TOTP with recovery codes),
//! confirming the password before a sensitive change (`/account/confirm`),
//! and deactivating one's own account.
//!
//! Every change is audited (action `update`, object `password`,
//! `second-factor` or `account`), ends the user's other sessions where the
//! change is one of credentials, and needs the password entered within the
//! last few minutes (`sprout_domain::security::recently_authenticated`).

use crate::audit::{self, Entry, Outcome};
use crate::auth;
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::security::{self, Gate};
use crate::signin::{self, safe_local_path};
use crate::totp;
use crate::views::{self, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::Method;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use sprout_domain::password::{self, PasswordProblem};
use sprout_domain::people::{Account, AccountStatus};
use sprout_domain::AccountId;
use sprout_store::security::SignInChallenge;

/// The cookie of a sign-in waiting for its second factor.
pub(crate) const CHALLENGE_COOKIE: &str = "sprout_mfa";
/// How long the second step may take.
const CHALLENGE_LIFETIME: SignedDuration = SignedDuration::from_mins(5);
/// Longest password read from a form (longer is refused by the rules).
const MAX_FORM_PASSWORD: usize = 4096;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/deactivate", post(deactivate))
        .route("/account/two-factor/remove", post(two_factor_remove))
        .route("/login/code", get(code_form).post(code_submit))
        .route(
            "/account/password",
            get(password_form).post(password_submit),
        )
        .route(
            "/account/two-factor",
            get(two_factor_form).post(two_factor_submit),
        )
        .route("/account/confirm", get(confirm_form).post(confirm_submit))
        .route("/account", get(overview))
}

// ---------------------------------------------------------------------------
// Shared helpers

/// Hashes a password with Argon2id off the async runtime.
pub(crate) async fn hash_off_runtime(password: String) -> WebResult<String> {
    auth::argon2_job(move || auth::hash_password(&password)).await
}

/// Whether `password` is the account's, checked off the async runtime (an
/// unknown account pays for a dummy hash).
pub(crate) async fn password_matches(
    state: &AppState,
    account: &AccountId,
    password: &str,
) -> WebResult<bool> {
    if password.len() > password::MAX_LEN * 4 {
        return Ok(false);
    }
    let hash = state
        .store()
        .password_hash(account)
        .await?
        .unwrap_or_else(|| auth::dummy_hash().to_owned());
    let password = password.to_owned();
    auth::argon2_job(move || auth::verify_password(&password, &hash)).await
}

/// The user's own details the password may not be built from.
pub(crate) fn user_inputs(account: &Account) -> Vec<String> {
    let mut v = vec![account.email.clone()];
    v.extend(account.display_name.split_whitespace().map(str::to_owned));
    v
}

/// Checks a new password against the rules, off the async runtime (the
/// estimator takes a few milliseconds).
pub(crate) async fn check_password(
    password: &str,
    has_second_factor: bool,
    inputs: Vec<String>,
) -> WebResult<Result<(), PasswordProblem>> {
    let password = password.to_owned();
    Ok(tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        password::check_new_password(&password, has_second_factor, &refs)
    })
    .await?)
}

/// The words for a password problem.
pub(crate) fn problem_text(t: &Tr<'_>, p: PasswordProblem) -> String {
    match p {
        PasswordProblem::TooShort { min } => {
            t.with(p.message_key(), &[("min", Arg::Num(min as i64))])
        }
        PasswordProblem::TooLong => t.with(
            p.message_key(),
            &[("max", Arg::Num(password::MAX_LEN as i64))],
        ),
        other => t.get(other.message_key()),
    }
}

/// The role to write in the audit trail for the signed-in user.
pub(crate) async fn actor_role(state: &AppState, user: &SignedIn) -> WebResult<String> {
    let rels = state
        .store()
        .relationships_of_account(&user.actor.account_id)
        .await?;
    Ok(audit::role_of(&user.actor, None, &rels))
}

/// Audits a change of account security.
pub(crate) async fn audit_change(
    state: &AppState,
    ctx: &Ctx,
    actor: Option<(&AccountId, &str)>,
    object_type: &str,
    target: &AccountId,
    reason: &str,
) -> WebResult<()> {
    audit::record(
        state,
        ctx,
        Entry {
            account_id: actor.map(|a| a.0),
            actor_role: actor.map_or("anonymous", |a| a.1),
            patient_id: None,
            action: "update",
            object_type,
            object_id: Some(target.as_str()),
            outcome: Outcome::Success,
            reason: Some(reason),
            detail: None,
        },
    )
    .await
}

/// Truncates what a form sent as a password to a size the rules can judge.
fn bounded(p: String) -> String {
    if p.len() <= MAX_FORM_PASSWORD {
        return p;
    }
    let mut end = MAX_FORM_PASSWORD;
    while !p.is_char_boundary(end) {
        end -= 1;
    }
    p[..end].to_owned()
}

/// The notice of the sign-in page for `?notice=` (unknown codes show none).
pub(crate) fn login_notice(state: &AppState, ctx: &Ctx, code: &str) -> Option<String> {
    let key = match code {
        "password-changed" => "security-notice-password-changed",
        "deactivated" => "security-notice-deactivated",
        "code-expired" => "security-notice-code-expired",
        _ => return None,
    };
    Some(state.i18n().tr(ctx.locale).get(key))
}

// ---------------------------------------------------------------------------
// The second sign-in step

#[derive(Template)]
#[template(path = "security_code.html")]
struct CodePage<'a> {
    c: Chrome<'a>,
    error: Option<String>,
}

/// A form with a CSRF token and a code.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CodeForm {
    csrf: String,
    code: String,
}

/// After the right password for an account with a second factor: remembers
/// the half-done sign-in (a random token in a cookie, its hash stored) and
/// asks for the code.
pub(crate) async fn ask_for_code(
    state: &AppState,
    account: &Account,
    next: &str,
    now: Timestamp,
) -> WebResult<Response> {
    let token = auth::random_token();
    state
        .store()
        .create_challenge(&SignInChallenge {
            token_hash: auth::token_hash(&token),
            account_id: account.id.clone(),
            created_at: now,
            expires_at: now.saturating_add(CHALLENGE_LIFETIME).unwrap_or(now),
            next: safe_local_path(next).to_owned(),
        })
        .await?;
    let cookie = auth::set_cookie(
        CHALLENGE_COOKIE,
        &token,
        Some(CHALLENGE_LIFETIME.as_secs()),
        state.config().secure_cookies,
    );
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login/code")).into_response())
}

/// The pending sign-in of this request and its account, if it is still on.
async fn pending(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> WebResult<Option<(SignInChallenge, Account)>> {
    let Some(token) = auth::cookie(headers, CHALLENGE_COOKIE).filter(|t| auth::plausible_token(t))
    else {
        return Ok(None);
    };
    let store = state.store();
    let Some(ch) = store.challenge(&auth::token_hash(token)).await? else {
        return Ok(None);
    };
    if state.clock().now() >= ch.expires_at {
        store.delete_challenge(&ch.token_hash).await?;
        return Ok(None);
    }
    match store.account(&ch.account_id).await? {
        Some(a) if a.status == AccountStatus::Active => Ok(Some((ch, a))),
        _ => Ok(None),
    }
}

fn code_page(state: &AppState, ctx: &Ctx, error: Option<String>) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    Ok(Html(views::render(&CodePage {
        c: Chrome::new(
            state,
            t,
            t.get("security-code-title"),
            Some(ctx),
            Some("/login"),
        ),
        error,
    })?)
    .into_response())
}

/// `GET /login/code`.
async fn code_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
) -> WebResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    if pending(&state, &headers).await?.is_none() {
        return Ok(Redirect::to("/login?notice=code-expired").into_response());
    }
    code_page(&state, &ctx, None)
}

/// `POST /login/code`: a TOTP code (one step either side of now, later than
/// the last one used) or an unused recovery code finishes the sign-in.
async fn code_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    form: Result<Form<CodeForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Some((challenge, account)) = pending(&state, &headers).await? else {
        return Ok(Redirect::to("/login?notice=code-expired").into_response());
    };
    let now = state.clock().now();
    if let Some(resp) = signin::throttled(&state, &ctx, &account.email, now).await? {
        return Ok(resp);
    }
    let store = state.store();
    let security = store.account_security(&account.id).await?;
    let typed: String = form.code.chars().take(64).collect();
    let how = if totp::looks_like_recovery_code(&typed) {
        store
            .use_recovery_code(&account.id, &totp::recovery_code_hash(&typed), now)
            .await?
            .then_some("recovery-code")
    } else {
        match security
            .totp_secret
            .as_deref()
            .and_then(|s| totp::matching_step(s, &typed, now))
        {
            Some(step) => store
                .use_totp_step(&account.id, step)
                .await?
                .then_some("totp"),
            None => None,
        }
    };
    let Some(how) = how else {
        signin::count_failure(&state, &ctx, &account.email, now).await?;
        signin::audit_failure(&state, &ctx, Some(&account.id), "bad-second-factor").await?;
        let t = state.i18n().tr(ctx.locale);
        return code_page(&state, &ctx, Some(t.get("security-code-wrong")));
    };
    if !store.delete_challenge(&challenge.token_hash).await? {
        // Another request finished this sign-in first.
        return Ok(Redirect::to("/login").into_response());
    }
    signin::start_session(&state, &ctx, &account, &challenge.next, Some(how)).await
}

// ---------------------------------------------------------------------------
// The account page

#[derive(Template)]
#[template(path = "security_account.html")]
struct AccountPage<'a> {
    c: Chrome<'a>,
    notice: Option<String>,
    error: Option<String>,
    has_totp: bool,
    staff: bool,
    codes_left: u32,
    enrolled_on: Option<String>,
    password_changed_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NoticeQuery {
    notice: String,
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let store = state.store();
    let sec = store.account_security(&user.account.id).await?;
    let tz = state.config().time_zone.clone();
    let day = |ts: Timestamp| t.date(ts.to_zoned(tz.clone()).date());
    let page = AccountPage {
        c: Chrome::new(state, t, t.get("security-account-title"), Some(ctx), None),
        notice,
        error,
        has_totp: sec.has_second_factor(),
        staff: user.account.staff_role.is_some(),
        codes_left: store.recovery_codes_left(&user.account.id).await?,
        enrolled_on: sec.totp_enrolled_at.map(day),
        password_changed_on: sec.password_changed_at.map(day),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /account`.
async fn overview(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    query: Result<Query<NoticeQuery>, QueryRejection>,
) -> WebResult<Response> {
    let code = query.map(|Query(q)| q.notice).unwrap_or_default();
    let key = match code.as_str() {
        "password-changed" => Some("security-notice-password-changed-here"),
        "two-factor-removed" => Some("security-notice-two-factor-removed"),
        _ => None,
    };
    let notice = key.map(|k| state.i18n().tr(ctx.locale).get(k));
    account_page(&state, &ctx, &user, notice, None).await
}

// ---------------------------------------------------------------------------
// Changing the password

#[derive(Template)]
#[template(path = "security_password.html")]
struct PasswordPage<'a> {
    c: Chrome<'a>,
    forced: bool,
    error: Option<String>,
    current_error: bool,
    rule: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    csrf: String,
    current: String,
    new_password: String,
}

fn password_page(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    error: Option<String>,
    current_error: bool,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let min = password::min_len(user.facts.security.has_second_factor());
    let page = PasswordPage {
        c: Chrome::new(state, t, t.get("security-password-title"), Some(ctx), None),
        forced: user.facts.gate == Some(Gate::ChangePassword),
        error,
        current_error,
        rule: t.with("security-password-rule", &[("min", Arg::Num(min as i64))]),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /account/password`.
async fn password_form(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
) -> WebResult<Response> {
    password_page(&state, &ctx, &user, None, false)
}

/// `POST /account/password`: the current password (re-authentication), then
/// the new one, judged by the rules; on success every other session ends.
async fn password_submit(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let now = state.clock().now();
    let account = &user.account;
    if let Some(resp) = signin::throttled(&state, &ctx, &account.email, now).await? {
        return Ok(resp);
    }
    if !password_matches(&state, &account.id, &form.current).await? {
        signin::count_failure(&state, &ctx, &account.email, now).await?;
        let t = state.i18n().tr(ctx.locale);
        return password_page(
            &state,
            &ctx,
            &user,
            Some(t.get("security-current-wrong")),
            true,
        );
    }
    let new_password = bounded(form.new_password);
    let has_2fa = user.facts.security.has_second_factor();
    if let Err(problem) = check_password(&new_password, has_2fa, user_inputs(account)).await? {
        let t = state.i18n().tr(ctx.locale);
        return password_page(&state, &ctx, &user, Some(problem_text(&t, problem)), false);
    }
    if new_password == form.current {
        let t = state.i18n().tr(ctx.locale);
        return password_page(
            &state,
            &ctx,
            &user,
            Some(t.get("security-password-same")),
            false,
        );
    }
    let hash = hash_off_runtime(new_password).await?;
    let store = state.store();
    store.set_password(&account.id, &hash, now, None).await?;
    let ended = store
        .delete_sessions_of_account(&account.id, Some(&user.session.token_hash))
        .await?;
    store
        .set_session_reauth(&user.session.token_hash, now)
        .await?;
    let role = actor_role(&state, &user).await?;
    audit_change(
        &state,
        &ctx,
        Some((&account.id, &role)),
        "password",
        &account.id,
        "password-changed",
    )
    .await?;
    tracing::info!(other_sessions_ended = ended, "password changed");
    // Staff who still need a second factor go there next (the gate).
    Ok(Redirect::to("/account?notice=password-changed").into_response())
}

// ---------------------------------------------------------------------------
// The second factor

#[derive(Template)]
#[template(path = "security_two_factor.html")]
struct TwoFactorPage<'a> {
    c: Chrome<'a>,
    required: bool,
    replacing: bool,
    secret: String,
    secret_grouped: String,
    uri: String,
    qr_svg: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "security_recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    c: Chrome<'a>,
    codes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EnrollForm {
    csrf: String,
    secret: String,
    code: String,
}

fn issuer(state: &AppState) -> String {
    state
        .config()
        .security
        .totp_issuer
        .clone()
        .unwrap_or_else(|| state.config().practice_name.clone())
}

fn two_factor_page(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    secret: String,
    error: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let uri = totp::otpauth_uri(&secret, &issuer(state), &user.account.email);
    let page = TwoFactorPage {
        c: Chrome::new(
            state,
            t,
            t.get("security-two-factor-title"),
            Some(ctx),
            None,
        ),
        required: user.facts.gate == Some(Gate::EnrollSecondFactor),
        replacing: user.facts.security.has_second_factor(),
        secret_grouped: totp::grouped(&secret),
        qr_svg: crate::qr::svg(&uri),
        uri,
        secret,
        error,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /account/two-factor`: a new secret to enrol (shown as a QR code and
/// as text).
async fn two_factor_form(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
) -> WebResult<Response> {
    if let Some(r) = security::require_recent_auth(&state, &ctx, &user, &Method::GET, "") {
        return Ok(r);
    }
    two_factor_page(&state, &ctx, &user, totp::new_secret(), None)
}

/// `POST /account/two-factor`: the code from the app proves it holds the
/// secret; then the secret is stored with ten new recovery codes, shown once.
async fn two_factor_submit(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<EnrollForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    if let Some(r) =
        security::require_recent_auth(&state, &ctx, &user, &Method::POST, "/account/two-factor")
    {
        return Ok(r);
    }
    let secret: String = form
        .secret
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if secret.len() != 32 || totp::code_at_step(&secret, 0).is_none() {
        return Err(WebError::BadRequest("second-factor secret malformed"));
    }
    let now = state.clock().now();
    let Some(step) = totp::matching_step(&secret, &form.code, now) else {
        let t = state.i18n().tr(ctx.locale);
        return two_factor_page(
            &state,
            &ctx,
            &user,
            secret,
            Some(t.get("security-enroll-wrong")),
        );
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_code_hash(c)).collect();
    let store = state.store();
    let account = &user.account;
    store
        .enroll_totp(&account.id, &secret, &hashes, now)
        .await?;
    // The code just typed is used up: it cannot sign anybody in.
    store.use_totp_step(&account.id, step).await?;
    store
        .delete_sessions_of_account(&account.id, Some(&user.session.token_hash))
        .await?;
    let role = actor_role(&state, &user).await?;
    audit_change(
        &state,
        &ctx,
        Some((&account.id, &role)),
        "second-factor",
        &account.id,
        "second-factor-enrolled",
    )
    .await?;
    let t = state.i18n().tr(ctx.locale);
    let page = RecoveryCodesPage {
        c: Chrome::new(&state, t, t.get("security-codes-title"), Some(&ctx), None),
        codes,
    };
    Ok(Html(views::render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordConfirmForm {
    csrf: String,
    password: String,
}

/// `POST /account/two-factor/remove`: families only (staff must keep one),
/// with the password, which must then be long enough to stand alone (15
/// characters).
async fn two_factor_remove(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<PasswordConfirmForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let t = state.i18n().tr(ctx.locale);
    let account = &user.account;
    if sprout_domain::security::second_factor_required(account.staff_role) {
        let e = t.get("security-two-factor-staff-keep");
        return account_page(&state, &ctx, &user, None, Some(e)).await;
    }
    let now = state.clock().now();
    if let Some(resp) = signin::throttled(&state, &ctx, &account.email, now).await? {
        return Ok(resp);
    }
    if !password_matches(&state, &account.id, &form.password).await? {
        signin::count_failure(&state, &ctx, &account.email, now).await?;
        let e = t.get("security-current-wrong");
        return account_page(&state, &ctx, &user, None, Some(e)).await;
    }
    if form.password.chars().count() < password::MIN_LEN_SINGLE_FACTOR {
        let e = t.with(
            "security-two-factor-password-short",
            &[("min", Arg::Num(password::MIN_LEN_SINGLE_FACTOR as i64))],
        );
        return account_page(&state, &ctx, &user, None, Some(e)).await;
    }
    let store = state.store();
    store.remove_totp(&account.id).await?;
    store
        .delete_sessions_of_account(&account.id, Some(&user.session.token_hash))
        .await?;
    store
        .set_session_reauth(&user.session.token_hash, now)
        .await?;
    let role = actor_role(&state, &user).await?;
    audit_change(
        &state,
        &ctx,
        Some((&account.id, &role)),
        "second-factor",
        &account.id,
        "second-factor-removed",
    )
    .await?;
    Ok(Redirect::to("/account?notice=two-factor-removed").into_response())
}

// ---------------------------------------------------------------------------
// Confirming the password (re-authentication)

#[derive(Template)]
#[template(path = "security_confirm.html")]
struct ConfirmPage<'a> {
    c: Chrome<'a>,
    next: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmQuery {
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmForm {
    csrf: String,
    password: String,
    next: String,
}

fn confirm_page(
    state: &AppState,
    ctx: &Ctx,
    next: &str,
    error: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = ConfirmPage {
        c: Chrome::new(state, t, t.get("security-confirm-title"), Some(ctx), None),
        next: safe_local_path(next).to_owned(),
        error,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /account/confirm?next=`.
async fn confirm_form(
    State(state): State<AppState>,
    Authed { ctx, .. }: Authed,
    query: Result<Query<ConfirmQuery>, QueryRejection>,
) -> WebResult<Response> {
    let next = query.map(|Query(q)| q.next).unwrap_or_default();
    confirm_page(&state, &ctx, &next, None)
}

/// `POST /account/confirm`: the right password marks the session as
/// recently authenticated and returns to `next`.
async fn confirm_submit(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<ConfirmForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let now = state.clock().now();
    let account = &user.account;
    if let Some(resp) = signin::throttled(&state, &ctx, &account.email, now).await? {
        return Ok(resp);
    }
    if !password_matches(&state, &account.id, &form.password).await? {
        signin::count_failure(&state, &ctx, &account.email, now).await?;
        let t = state.i18n().tr(ctx.locale);
        return confirm_page(
            &state,
            &ctx,
            &form.next,
            Some(t.get("security-current-wrong")),
        );
    }
    state
        .store()
        .set_session_reauth(&user.session.token_hash, now)
        .await?;
    let next = safe_local_path(&form.next);
    let next = if next.starts_with("/account/confirm") {
        "/account"
    } else {
        next
    };
    Ok(Redirect::to(next).into_response())
}

// ---------------------------------------------------------------------------
// Deactivating one's own account

/// `POST /account/deactivate`: with the password; ends every session of the
/// account at once and keeps all its data. Staff can reactivate it.
async fn deactivate(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    form: Result<Form<PasswordConfirmForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let now = state.clock().now();
    let account = &user.account;
    if let Some(resp) = signin::throttled(&state, &ctx, &account.email, now).await? {
        return Ok(resp);
    }
    if !password_matches(&state, &account.id, &form.password).await? {
        signin::count_failure(&state, &ctx, &account.email, now).await?;
        let e = state.i18n().tr(ctx.locale).get("security-current-wrong");
        return account_page(&state, &ctx, &user, None, Some(e)).await;
    }
    let role = actor_role(&state, &user).await?;
    deactivate_account(
        &state,
        &ctx,
        Some((&account.id, &role)),
        &account.id,
        "deactivated-by-user",
    )
    .await?;
    let cookie = auth::set_cookie(
        crate::auth::SESSION_COOKIE,
        "",
        Some(0),
        state.config().secure_cookies,
    );
    Ok((
        [(SET_COOKIE, cookie)],
        Redirect::to("/login?notice=deactivated"),
    )
        .into_response())
}

/// Deactivates an account: status `deactivated`, every session ended at once,
/// nothing deleted, audited with `reason`.
pub(crate) async fn deactivate_account(
    state: &AppState,
    ctx: &Ctx,
    actor: Option<(&AccountId, &str)>,
    target: &AccountId,
    reason: &str,
) -> WebResult<()> {
    let store = state.store();
    store
        .set_account_status(target, AccountStatus::Deactivated)
        .await?;
    store.delete_sessions_of_account(target, None).await?;
    audit_change(state, ctx, actor, "account", target, reason).await
}
