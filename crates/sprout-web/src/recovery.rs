//! "Forgot password": a single-use link, valid for one hour, sent by email
//! through the outbox (`sprout-jobs` sends it, retrying until it goes).
//!
//! No account enumeration: `POST /password/forgot` answers with the same
//! status, the same page and in the same time whether or not the email
//! belongs to an account. The answer is given after the throttle and before
//! the email is even looked up: looking up, storing the link, queuing the
//! mail and auditing happen in a background task, so their cost, which does
//! differ, is never part of the answer's timing.
//!
//! The link's origin is the configured public URL, never the request's
//! `Host` header (which an attacker could set to their own server to catch
//! a victim's link); without a public URL, a loopback `Host` (development)
//! is used, else `http://localhost`.

use crate::account::{self, check_password, hash_off_runtime, problem_text, user_inputs};
use crate::auth;
use crate::context::Ctx;
use crate::error::WebResult;
use crate::i18n::{Arg, Locale};
use crate::throttle;
use crate::views::{self, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use jiff::Timestamp;
use serde::Deserialize;
use sprout_domain::people::{Account, AccountStatus};
use sprout_domain::security::RESET_LINK_LIFETIME;
use sprout_store::security::PasswordReset;
use sprout_store::{normalize_email, NewEmail};

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(forgot_form).post(forgot_submit))
        .route(
            "/password/reset/{token}",
            get(reset_form).post(reset_submit),
        )
}

#[derive(Template)]
#[template(path = "security_forgot.html")]
struct ForgotPage<'a> {
    c: Chrome<'a>,
    email: String,
}

#[derive(Template)]
#[template(path = "security_message.html")]
struct MessagePage<'a> {
    c: Chrome<'a>,
    heading: String,
    body: String,
    link_href: &'static str,
    link_text: String,
}

#[derive(Template)]
#[template(path = "security_reset.html")]
struct ResetPage<'a> {
    c: Chrome<'a>,
    action: String,
    rule: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ForgotForm {
    csrf: String,
    email: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResetForm {
    csrf: String,
    new_password: String,
}

/// `GET /password/forgot`.
async fn forgot_form(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = ForgotPage {
        c: Chrome::new(&state, t, t.get("security-forgot-title"), Some(&ctx), None),
        email: String::new(),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `POST /password/forgot`: the same answer for every email (see the module
/// documentation); the work is done in the background.
async fn forgot_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: Result<Form<ForgotForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let now = state.clock().now();
    let email = normalize_email(&form.email);
    let addr = ctx.client_addr.clone().unwrap_or_default();
    if let Err(retry) = throttle::hit(&state, throttle::Kind::ResetAddress, &addr, now).await? {
        return Ok(retry.into_response());
    }
    if let Err(retry) = throttle::hit(&state, throttle::Kind::ResetAccount, &email, now).await? {
        return Ok(retry.into_response());
    }
    if !email.is_empty() && email.len() <= 254 {
        let base = link_base(state.config().public_origin.as_deref(), &headers);
        let (state2, ctx2) = (state.clone(), ctx.clone());
        tokio::spawn(async move {
            if let Err(e) = send_reset(&state2, &ctx2, &email, &base, now).await {
                tracing::error!(error = %e, "password reset could not be prepared");
            }
        });
    }
    let t = state.i18n().tr(ctx.locale);
    let page = MessagePage {
        c: Chrome::new(&state, t, t.get("security-forgot-title"), Some(&ctx), None),
        heading: t.get("security-forgot-sent-title"),
        body: t.get("security-forgot-sent-body"),
        link_href: "/login",
        link_text: t.get("security-back-to-sign-in"),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// The origin links in emails point to (see the module documentation).
fn link_base(public_origin: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(origin) = public_origin {
        return origin.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(n, _)| n);
    let loopback = name == "localhost"
        || name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback && host.bytes().all(|b| b.is_ascii_graphic()) {
        format!("http://{host}")
    } else {
        "http://localhost".to_owned()
    }
}

/// Looks the email up and, for an active account, stores a reset link and
/// queues the email; audits the request either way.
async fn send_reset(
    state: &AppState,
    ctx: &Ctx,
    email: &str,
    base: &str,
    now: Timestamp,
) -> WebResult<()> {
    let store = state.store();
    let account = store
        .account_by_email(email)
        .await?
        .map(|(a, _)| a)
        .filter(|a| a.status == AccountStatus::Active);
    let Some(account) = account else {
        crate::signin::audit_failure(state, ctx, None, "reset-unknown-email").await?;
        return Ok(());
    };
    let token = auth::random_token();
    store
        .create_password_reset(&PasswordReset {
            token_hash: auth::token_hash(&token),
            account_id: account.id.clone(),
            created_at: now,
            expires_at: now.saturating_add(RESET_LINK_LIFETIME).unwrap_or(now),
            used_at: None,
        })
        .await?;
    let locale = account
        .locale
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(ctx.locale);
    store
        .enqueue_email(&reset_email(state, &account, locale, base, &token), now)
        .await?;
    account::audit_change(
        state,
        ctx,
        Some((&account.id, "anonymous")),
        "password-reset",
        &account.id,
        "reset-link-sent",
    )
    .await
}

/// The reset email: the link, how long it works, what to do if it was not
/// asked for. No health information.
fn reset_email(
    state: &AppState,
    account: &Account,
    locale: Locale,
    base: &str,
    token: &str,
) -> NewEmail {
    let t = state.i18n().tr(locale);
    let link = format!("{base}/password/reset/{token}");
    let practice = state.config().practice_name.clone();
    let body = t.with(
        "security-reset-email-body",
        &[
            ("name", Arg::Text(&account.display_name)),
            ("link", Arg::Text(&link)),
            ("practice", Arg::Text(&practice)),
        ],
    );
    let mut id = String::from("reset-");
    for b in auth::random_id_bytes() {
        id.push_str(&format!("{b:02x}"));
    }
    NewEmail {
        id,
        to_address: account.email.clone(),
        subject: t.with(
            "security-reset-email-subject",
            &[("practice", Arg::Text(&practice))],
        ),
        body_text: body.replace(['\u{2068}', '\u{2069}'], ""),
        body_html: None,
        locale: locale.code().to_owned(),
    }
}

/// The reset link of `token`, if it still works, and its account.
async fn live_reset(state: &AppState, token: &str) -> WebResult<Option<(PasswordReset, Account)>> {
    if !auth::plausible_token(token) {
        return Ok(None);
    }
    let store = state.store();
    let Some(reset) = store.password_reset(&auth::token_hash(token)).await? else {
        return Ok(None);
    };
    if reset.used_at.is_some() || state.clock().now() >= reset.expires_at {
        return Ok(None);
    }
    Ok(store
        .account(&reset.account_id)
        .await?
        .filter(|a| a.status == AccountStatus::Active)
        .map(|a| (reset, a)))
}

/// The page for a link that is used, expired or unknown: 410 Gone.
fn dead_link(state: &AppState, ctx: &Ctx) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let page = MessagePage {
        c: Chrome::new(
            state,
            t,
            t.get("security-reset-title"),
            Some(ctx),
            Some("/"),
        ),
        heading: t.get("security-reset-dead-title"),
        body: t.get("security-reset-dead-body"),
        link_href: "/password/forgot",
        link_text: t.get("security-reset-ask-again"),
    };
    Ok((StatusCode::GONE, Html(views::render(&page)?)).into_response())
}

fn reset_page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    has_second_factor: bool,
    error: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let min = sprout_domain::password::min_len(has_second_factor);
    let page = ResetPage {
        c: Chrome::new(
            state,
            t,
            t.get("security-reset-title"),
            Some(ctx),
            Some("/"),
        ),
        action: format!("/password/reset/{token}"),
        rule: t.with("security-password-rule", &[("min", Arg::Num(min as i64))]),
        error,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /password/reset/{token}`: the new-password form (the link is not
/// used up by looking at it).
async fn reset_form(
    State(state): State<AppState>,
    ctx: Ctx,
    token: Result<Path<String>, PathRejection>,
) -> WebResult<Response> {
    let Ok(Path(token)) = token else {
        return dead_link(&state, &ctx);
    };
    let Some((_, account)) = live_reset(&state, &token).await? else {
        return dead_link(&state, &ctx);
    };
    let sec = state.store().account_security(&account.id).await?;
    reset_page(&state, &ctx, &token, sec.has_second_factor(), None)
}

/// `POST /password/reset/{token}`: a password that passes the rules uses the
/// link up (once, even under a race), replaces the password and ends every
/// session of the account.
async fn reset_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    token: Result<Path<String>, PathRejection>,
    form: Result<Form<ResetForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Ok(Path(token)) = token else {
        return dead_link(&state, &ctx);
    };
    let Some((reset, account)) = live_reset(&state, &token).await? else {
        return dead_link(&state, &ctx);
    };
    let store = state.store();
    let has_2fa = store
        .account_security(&account.id)
        .await?
        .has_second_factor();
    let new_password: String = form.new_password.chars().take(4096).collect();
    if let Err(problem) = check_password(&new_password, has_2fa, user_inputs(&account)).await? {
        let t = state.i18n().tr(ctx.locale);
        return reset_page(
            &state,
            &ctx,
            &token,
            has_2fa,
            Some(problem_text(&t, problem)),
        );
    }
    let hash = hash_off_runtime(new_password).await?;
    let now = state.clock().now();
    if !store.use_password_reset(&reset.token_hash, now).await? {
        return dead_link(&state, &ctx);
    }
    store.set_password(&account.id, &hash, now, None).await?;
    store.delete_sessions_of_account(&account.id, None).await?;
    account::audit_change(
        &state,
        &ctx,
        Some((&account.id, "anonymous")),
        "password",
        &account.id,
        "password-reset",
    )
    .await?;
    Ok(Redirect::to("/login?notice=password-changed").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn links_never_follow_a_foreign_host_header() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("evil.example:8080"));
        assert_eq!(link_base(None, &h), "http://localhost");
        assert_eq!(
            link_base(Some("https://portal.example.org/"), &h),
            "https://portal.example.org"
        );
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8123"));
        assert_eq!(link_base(None, &h), "http://127.0.0.1:8123");
        h.insert(header::HOST, HeaderValue::from_static("localhost:9000"));
        assert_eq!(link_base(None, &h), "http://localhost:9000");
        h.insert(header::HOST, HeaderValue::from_static("[::1]:9000"));
        assert_eq!(link_base(None, &h), "http://[::1]:9000");
        h.insert(
            header::HOST,
            HeaderValue::from_static("localhost.evil.example"),
        );
        assert_eq!(link_base(None, &h), "http://localhost");
    }
}
