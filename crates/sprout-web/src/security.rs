//! Session security: the settings ([`SecurityConfig`]), the per-request
//! session check (idle and absolute timeouts, [`check_session`]), the gates a
//! signed-in user must pass before anything else (a temporary password to
//! change, a second factor staff must enrol: [`gate`]), re-authentication
//! before sensitive changes ([`require_recent_auth`]), and ending sessions.
//!
//! The rules themselves are `sprout_domain::security`'s.

use crate::context::{Ctx, SignedIn};
use crate::views;
use crate::AppState;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use sprout_domain::people::Account;
use sprout_domain::security::{self as rules, SessionLimits};
use sprout_store::security::{AccountSecurity, SessionActivity};
use sprout_store::{Session, StoreResult};
use std::net::IpAddr;

/// Account-security settings (`[security]` in the config file).
#[derive(Debug, Clone)]
pub struct SecurityConfig {
    /// A family session ends after this long without a request. Default: 30
    /// minutes.
    pub family_idle: SignedDuration,
    /// A staff session ends after this long without a request. Default: 15
    /// minutes.
    pub staff_idle: SignedDuration,
    /// A sensitive change needs the password entered this recently. Default:
    /// 10 minutes.
    pub reauth: SignedDuration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (their exact
    /// addresses). Default: none (the TCP peer is the client).
    pub trusted_proxies: Vec<IpAddr>,
    /// Attempt limits.
    pub throttle: crate::throttle::Limits,
    /// The TOTP issuer shown in authenticator apps. Default: the practice's
    /// name.
    pub totp_issuer: Option<String>,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        let d = SessionLimits::default();
        Self {
            family_idle: d.family_idle,
            staff_idle: d.staff_idle,
            reauth: d.reauth,
            trusted_proxies: Vec::new(),
            throttle: crate::throttle::Limits::default(),
            totp_issuer: None,
        }
    }
}

/// The session limits in force (the absolute one is
/// [`crate::WebConfig::session_lifetime`]).
pub(crate) fn limits(state: &AppState) -> SessionLimits {
    let c = state.config();
    SessionLimits {
        family_idle: c.security.family_idle,
        staff_idle: c.security.staff_idle,
        absolute: c.session_lifetime,
        reauth: c.security.reauth,
    }
}

/// What a signed-in user must do before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Signed in with a temporary password: choose a new one.
    ChangePassword,
    /// Staff without a second factor: enrol one before seeing patient data.
    EnrollSecondFactor,
}

impl Gate {
    /// The page that lets the user through.
    pub fn path(self) -> &'static str {
        match self {
            Self::ChangePassword => "/account/password",
            Self::EnrollSecondFactor => "/account/two-factor",
        }
    }
}

/// What the session check learned about a live session.
#[derive(Debug, Clone)]
pub(crate) struct SessionFacts {
    /// The account's security settings.
    pub security: AccountSecurity,
    /// When the password was last entered in this session.
    pub authenticated_at: Timestamp,
    /// What the user must do first, if anything.
    pub gate: Option<Gate>,
}

/// How often the last-seen time is written (at most once per this long), so
/// a busy session does not write on every request.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(30);

/// Whether a session, as `found`, is alive at `now` for an active account:
/// within its stored expiry and neither idle too long nor past the
/// absolute limit. Pure (nothing is ended or audited): a context kept in
/// memory is used only when this holds, and is otherwise read again.
pub(crate) fn alive_by(
    state: &AppState,
    found: &sprout_store::security::SessionContext,
    now: Timestamp,
) -> bool {
    let (Ok(created), Ok(expires)) = (
        found.session.created_at.parse::<Timestamp>(),
        found.session.expires_at.parse::<Timestamp>(),
    ) else {
        return false;
    };
    let last_seen = found.activity.last_seen_at.unwrap_or(created);
    found.account.status == sprout_domain::people::AccountStatus::Active
        && now < expires
        && rules::session_alive(
            &limits(state),
            found.account.staff_role.is_some(),
            created,
            last_seen,
            now,
        )
        .is_ok()
}

/// Checks a session that exists and is within its stored expiry, for an
/// active account: `None` when it has been idle too long or is past the
/// absolute limit (the caller ends it; the end is audited here as a `logout`
/// of the `session` with reason `session-idle` or `session-expired`);
/// otherwise the facts, after recording the request.
///
/// # Errors
/// The store's.
pub(crate) async fn check_session(
    state: &AppState,
    session: &Session,
    activity: &mut SessionActivity,
    account: &Account,
    security: AccountSecurity,
    now: Timestamp,
) -> StoreResult<Option<SessionFacts>> {
    let store = state.store();
    let Ok(created) = session.created_at.parse::<Timestamp>() else {
        return Ok(None);
    };
    let last_seen = activity.last_seen_at.unwrap_or(created);
    let staff = account.staff_role.is_some();
    if let Err(end) = rules::session_alive(&limits(state), staff, created, last_seen, now) {
        audit_session_end(state, account, end, now).await?;
        return Ok(None);
    }
    if now.duration_since(last_seen) >= TOUCH_EVERY {
        store.touch_session(&session.token_hash, now).await?;
        activity.last_seen_at = Some(now);
    }
    let gate = if security.temporary_password_until.is_some() {
        Some(Gate::ChangePassword)
    } else if rules::second_factor_required(account.staff_role) && !security.has_second_factor() {
        Some(Gate::EnrollSecondFactor)
    } else {
        None
    };
    Ok(Some(SessionFacts {
        security,
        authenticated_at: activity.reauth_at.unwrap_or(created),
        gate,
    }))
}

/// Audits a session the server ended (no client address or request id: the
/// request that found it ended may come from anywhere; the event is about
/// the session, not that request).
pub(crate) async fn audit_session_end(
    state: &AppState,
    account: &Account,
    end: rules::SessionEnd,
    now: Timestamp,
) -> StoreResult<()> {
    let role = match account.staff_role {
        Some(r) => r.code(),
        None if account.patient_id.is_some() => "patient",
        None => "parent",
    };
    let event = sprout_store::AuditEvent {
        at: crate::audit::rfc3339(now),
        account_id: Some(account.id.clone()),
        actor_role: role.to_owned(),
        on_behalf_of: None,
        patient_id: None,
        action: "logout".to_owned(),
        object_type: "session".to_owned(),
        object_id: None,
        outcome: "success".to_owned(),
        reason: Some(end.code().to_owned()),
        client_addr: None,
        request_id: None,
        detail: None,
    };
    state.store().append_audit(&event).await
}

/// Paths a gated user may still reach: the gate's own page, confirming the
/// password (the gate's page may ask for it), signing out and the language
/// switch.
fn allowed_while_gated(gate: Gate, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    path == gate.path()
        || path.starts_with(&format!("{}/", gate.path()))
        || matches!(path, "/logout" | "/locale" | "/account/confirm")
}

/// The redirect to the gate's page when the signed-in user of `ctx` must pass
/// a gate first and asked for something else.
pub(crate) fn gate(ctx: &Ctx) -> Option<Response> {
    let user = ctx.user.as_ref()?;
    let gate = user.facts.gate?;
    if allowed_while_gated(gate, &ctx.path) {
        return None;
    }
    Some(Redirect::to(gate.path()).into_response())
}

/// Whether the user entered their password recently enough for a sensitive
/// change.
pub(crate) fn recently_authenticated(state: &AppState, user: &SignedIn) -> bool {
    rules::recently_authenticated(
        &limits(state),
        user.facts.authenticated_at,
        state.clock().now(),
    )
}

/// Sends a user who has not entered their password recently to the
/// confirmation page, which returns to `return_to` (a local path; for a POST,
/// the page that holds the form). `None` when recent enough.
pub(crate) fn require_recent_auth(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    method: &Method,
    return_to: &str,
) -> Option<Response> {
    if recently_authenticated(state, user) {
        return None;
    }
    let back = if *method == Method::GET {
        ctx.path.as_str()
    } else {
        return_to
    };
    Some(
        Redirect::to(&format!(
            "/account/confirm?next={}",
            views::url_encode(crate::signin::safe_local_path(back))
        ))
        .into_response(),
    )
}
