//! Sign-in, sign-out and the language switch.
//!
//! Sign-in answers every failure with the same words and the same cost: an
//! unknown email still pays for one Argon2 verification against a dummy hash.
//! Each attempt, success or not, is audited. Failed attempts are counted per
//! email and per client address ([`crate::throttle`]); past the limit the
//! answer is 429 before any password is checked. An account with a second
//! factor gets no session until its code is right (`crate::account`).

use crate::audit::{self, Entry, Outcome};
use crate::auth::{self, LANG_COOKIE, SESSION_COOKIE};
use crate::context::Ctx;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::throttle;
use crate::views::{self, Chrome, LoginPage};
use crate::AppState;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sprout_domain::people::Account;
use sprout_domain::people::AccountStatus;
use sprout_domain::AccountId;
use sprout_store::{normalize_email, Session};

/// Longest email accepted (RFC 5321 path limit).
const MAX_EMAIL: usize = 254;
/// Longest password verified; longer ones fail (after the same hashing cost).
const MAX_PASSWORD: usize = 1024;

/// The sign-in form. Every field defaults to empty, so a form with a field
/// missing is judged (403 without a token) rather than rejected as malformed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    email: String,
    password: String,
    csrf: String,
    next: String,
}

/// A form that carries only its CSRF token (sign-out).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// The language switch.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LocaleForm {
    csrf: String,
    lang: String,
    return_to: String,
}

/// A local path safe to redirect to: starts with one `/`, printable ASCII only,
/// no backslash, at most 1024 bytes; anything else becomes `/` (no open
/// redirects, no header injection).
pub(crate) fn safe_local_path(p: &str) -> &str {
    let ok = p.len() <= 1024
        && p.starts_with('/')
        && !p.starts_with("//")
        && p.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
    if ok {
        p
    } else {
        "/"
    }
}

/// Why the sign-in page is shown again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Wrong email or password (the same words for both).
    Credentials,
    /// The right temporary password, past its 7 days.
    TemporaryPasswordExpired,
}

pub(crate) fn login_page(
    state: &AppState,
    ctx: &Ctx,
    email: &str,
    failure: Option<Failure>,
    notice: Option<String>,
    next: &str,
) -> WebResult<String> {
    let t = state.i18n().tr(ctx.locale);
    // Re-show at most a plausible email; never the password.
    let email: String = email.chars().take(MAX_EMAIL).collect();
    views::render(&LoginPage {
        c: Chrome::new(state, t, t.get("login-title"), Some(ctx), Some("/login")),
        email,
        error: failure.is_some(),
        failure: match failure {
            Some(Failure::TemporaryPasswordExpired) => t.get("security-temporary-expired"),
            _ => t.get("login-failed"),
        },
        notice,
        next: safe_local_path(next).to_owned(),
    })
}

/// `?next=` and `?notice=` of the sign-in page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginQuery {
    next: String,
    notice: String,
}

/// `GET /login`.
pub(crate) async fn login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Result<Query<LoginQuery>, QueryRejection>,
) -> WebResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let notice = crate::account::login_notice(&state, &ctx, &q.notice);
    Ok(Html(login_page(&state, &ctx, "", None, notice, &q.next)?).into_response())
}

/// Audits a refused sign-in.
pub(crate) async fn audit_failure(
    state: &AppState,
    ctx: &Ctx,
    account: Option<&AccountId>,
    reason: &str,
) -> WebResult<()> {
    audit::record(
        state,
        ctx,
        Entry {
            account_id: account,
            actor_role: "anonymous",
            patient_id: None,
            action: "login",
            object_type: "session",
            object_id: None,
            outcome: Outcome::Failure,
            reason: Some(reason),
            detail: None,
        },
    )
    .await
}

/// The throttle's answer for a sign-in by `email` from this request's
/// address: `Some(429)` when either limit is reached (and audited).
pub(crate) async fn throttled(
    state: &AppState,
    ctx: &Ctx,
    email: &str,
    now: jiff::Timestamp,
) -> WebResult<Option<Response>> {
    let addr = ctx.client_addr.clone().unwrap_or_default();
    for (kind, key) in [
        (throttle::Kind::SignInAccount, email),
        (throttle::Kind::SignInAddress, addr.as_str()),
    ] {
        if let Err(retry) = throttle::check(state, kind, key, now).await? {
            audit_failure(state, ctx, None, "throttled").await?;
            return Ok(Some(retry.into_response()));
        }
    }
    Ok(None)
}

/// Counts a failed sign-in by `email` from this request's address.
pub(crate) async fn count_failure(
    state: &AppState,
    ctx: &Ctx,
    email: &str,
    now: jiff::Timestamp,
) -> WebResult<()> {
    let addr = ctx.client_addr.clone().unwrap_or_default();
    throttle::fail(state, throttle::Kind::SignInAccount, email, now).await?;
    throttle::fail(state, throttle::Kind::SignInAddress, &addr, now).await
}

/// `POST /login`: checks the password; then either starts the session, or,
/// for an account with a second factor, asks for the code first
/// (`/login/code`), without a session until the code is right.
pub(crate) async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<LoginForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let store = state.store();
    let now = state.clock().now();

    let email = normalize_email(&form.email);
    if let Some(resp) = throttled(&state, &ctx, &email, now).await? {
        return Ok(resp);
    }
    let plausible = !email.is_empty() && email.len() <= MAX_EMAIL;
    let found = if plausible {
        store.account_by_email(&email).await?
    } else {
        None
    };
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| auth::dummy_hash().to_owned());
    let password_ok = form.password.len() <= MAX_PASSWORD;
    let mut password: String = form.password;
    if password.len() > MAX_PASSWORD {
        let mut end = MAX_PASSWORD;
        while !password.is_char_boundary(end) {
            end -= 1;
        }
        password.truncate(end);
    }
    let verified =
        auth::argon2_job(move || auth::verify_password(&password, &hash)).await? && password_ok;

    let outcome = match &found {
        Some((account, _)) if verified && account.status == AccountStatus::Active => Ok(account),
        Some((account, _)) if verified => Err((Some(account), "account-not-active")),
        Some((account, _)) => Err((Some(account), "bad-password")),
        None => Err((None, "unknown-email")),
    };

    let account = match outcome {
        Ok(a) => a,
        Err((account, reason)) => {
            count_failure(&state, &ctx, &email, now).await?;
            audit_failure(&state, &ctx, account.map(|a| &a.id), reason).await?;
            let html = login_page(
                &state,
                &ctx,
                &form.email,
                Some(Failure::Credentials),
                None,
                &form.next,
            )?;
            return Ok(Html(html).into_response());
        }
    };

    let security = store.account_security(&account.id).await?;
    if security
        .temporary_password_until
        .is_some_and(|until| now >= until)
    {
        audit_failure(
            &state,
            &ctx,
            Some(&account.id),
            "temporary-password-expired",
        )
        .await?;
        let html = login_page(
            &state,
            &ctx,
            &form.email,
            Some(Failure::TemporaryPasswordExpired),
            None,
            &form.next,
        )?;
        return Ok(Html(html).into_response());
    }
    if security.has_second_factor() {
        return crate::account::ask_for_code(&state, account, &form.next, now).await;
    }
    start_session(&state, &ctx, account, &form.next, None).await
}

/// Starts a session for `account` (a new random token: a session id planted
/// before sign-in is never promoted), ends the request's old session, audits
/// the sign-in and sends the user on to `next`. `second_factor`: how the
/// second factor was proven, if it was (`totp`, `recovery-code`).
pub(crate) async fn start_session(
    state: &AppState,
    ctx: &Ctx,
    account: &Account,
    next: &str,
    second_factor: Option<&str>,
) -> WebResult<Response> {
    let store = state.store();
    let now = state.clock().now();
    let lifetime = state.config().session_lifetime;
    let token = auth::random_token();
    let session = Session {
        token_hash: auth::token_hash(&token),
        account_id: account.id.clone(),
        csrf_token: auth::random_token(),
        created_at: audit::rfc3339(now),
        expires_at: audit::rfc3339(now.saturating_add(lifetime).unwrap_or(now)),
    };
    store.create_session(&session).await?;
    if let Some(old) = &ctx.user {
        store.delete_session(&old.session.token_hash).await?;
    }
    if let Err(e) = store.delete_expired_sessions(&audit::rfc3339(now)).await {
        tracing::warn!(error = %e, "could not delete expired sessions");
    }
    // Keep a language chosen before signing in as the account's choice.
    if account.locale.is_none() && ctx.locale != Locale::En {
        store.set_locale(&account.id, ctx.locale.code()).await?;
    }
    let relationships = store.relationships_of_account(&account.id).await?;
    let actor = sprout_domain::access::Actor {
        account_id: account.id.clone(),
        status: account.status,
        staff_role: account.staff_role,
        own_patient: account.patient_id.clone(),
    };
    let role = audit::role_of(&actor, None, &relationships);
    audit::record(
        state,
        ctx,
        Entry {
            account_id: Some(&account.id),
            actor_role: &role,
            patient_id: None,
            action: "login",
            object_type: "session",
            object_id: None,
            outcome: Outcome::Success,
            reason: None,
            detail: second_factor.map(|f| format!("{{\"second_factor\":\"{f}\"}}")),
        },
    )
    .await?;

    let cookie = auth::set_cookie(
        SESSION_COOKIE,
        &token,
        Some(lifetime.as_secs()),
        state.config().secure_cookies,
    );
    let target = safe_local_path(next);
    let target = if target.starts_with("/login") || target.starts_with("/password/") {
        "/"
    } else {
        target
    };
    let mut resp = ([(SET_COOKIE, cookie)], Redirect::to(target)).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&auth::set_cookie(
        crate::account::CHALLENGE_COOKIE,
        "",
        Some(0),
        state.config().secure_cookies,
    )) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    Ok(resp)
}

/// `POST /logout`: ends the session (and says so in the audit trail).
pub(crate) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> WebResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    state
        .store()
        .delete_session(&user.session.token_hash)
        .await?;
    let relationships = state
        .store()
        .relationships_of_account(&user.actor.account_id)
        .await?;
    let role = audit::role_of(&user.actor, None, &relationships);
    audit::record(
        &state,
        &ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &role,
            patient_id: None,
            action: "logout",
            object_type: "session",
            object_id: None,
            outcome: Outcome::Success,
            reason: None,
            detail: None,
        },
    )
    .await?;
    let cookie = auth::set_cookie(SESSION_COOKIE, "", Some(0), state.config().secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// `POST /locale`: stores the language (cookie, and the account's choice when
/// signed in) and returns to a local page.
pub(crate) async fn set_locale(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<LocaleForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let locale = Locale::ALL
        .into_iter()
        .find(|l| l.code() == form.lang)
        .ok_or(WebError::BadRequest("unknown language"))?;
    if let Some(user) = &ctx.user {
        state
            .store()
            .set_locale(&user.actor.account_id, locale.code())
            .await?;
    }
    let cookie = auth::set_cookie(
        LANG_COOKIE,
        locale.code(),
        Some(365 * 24 * 3600),
        state.config().secure_cookies,
    );
    Ok((
        [(SET_COOKIE, cookie)],
        Redirect::to(safe_local_path(&form.return_to)),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_local_path("/patients/abc/vitals"),
            "/patients/abc/vitals"
        );
        assert_eq!(safe_local_path("/a?b=c"), "/a?b=c");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "",
            "patients",
            "/a b",
            "/a\r\nSet-Cookie: x=y",
            "/ñ",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_local_path(bad), "/", "{bad:?}");
        }
        assert_eq!(safe_local_path(&format!("/{}", "a".repeat(2000))), "/");
    }
}
