//! What every page request knows before its handler runs, and what every
//! response gets after it.
//!
//! [`context`] (around page routes) gives the request an id, reads the client
//! address, refuses cross-origin state changes, checks the session cookie
//! (re-reading the account every time, so a deactivated account is signed out at
//! once; ending idle sessions; sending a user who must change a temporary
//! password or enrol a second factor there first) and picks the language. [`finish`] (around everything) draws the one
//! error page for every bodiless 4xx/5xx response and adds the security headers.

use crate::auth::{self, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::error::{WebError, WebResult};
use crate::i18n::{negotiate, Locale};
use crate::views::{self, Chrome};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use sprout_domain::access::Actor;
use sprout_domain::people::{Account, AccountStatus};
use sprout_store::{Session, StoreResult};
use std::net::SocketAddr;
use std::sync::Arc;
use tracing::Instrument;

/// The signed-in user of a request: the checked session and the account as read
/// in this request.
#[derive(Debug)]
pub(crate) struct SignedIn {
    pub session: Session,
    pub account: Account,
    pub actor: Actor,
    /// The session's security facts (second factor, re-authentication, gate).
    pub facts: crate::security::SessionFacts,
}

/// Per-request context, put in the request's extensions by [`context`].
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// Random id of this request (audit events, logs, `X-Request-Id`).
    pub request_id: String,
    /// The peer's IP address, when the server was started with connect info.
    pub client_addr: Option<String>,
    /// The request's language.
    pub locale: Locale,
    /// The signed-in user, if any.
    pub user: Option<Arc<SignedIn>>,
    /// The double-submit CSRF token (signed-out requests only).
    pub anon_csrf: Option<String>,
    /// Path and query of the request (language switch's return path).
    pub path: String,
}

impl Ctx {
    /// The token forms must echo: the session's when signed in, else the
    /// double-submit cookie's.
    pub fn csrf_token(&self) -> &str {
        match (&self.user, &self.anon_csrf) {
            (Some(u), _) => &u.session.csrf_token,
            (None, Some(t)) => t,
            (None, None) => "",
        }
    }

    /// Refuses a form whose CSRF token is missing or wrong.
    pub fn check_csrf(&self, given: &str) -> WebResult<()> {
        if auth::tokens_match(given, self.csrf_token()) {
            Ok(())
        } else {
            Err(WebError::Forbidden("csrf token missing or wrong"))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| WebError::Internal("page route without the context layer".into()))
    }
}

/// A request with a signed-in user; signed-out requests are sent to `/login`.
pub(crate) struct Authed {
    pub ctx: Ctx,
    pub user: Arc<SignedIn>,
}

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.user.clone() {
            Some(user) => Ok(Self { ctx, user }),
            None => {
                let target = if parts.method == Method::GET && ctx.path != "/" {
                    format!("/login?next={}", views::url_encode(&ctx.path))
                } else {
                    "/login".to_owned()
                };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// Middleware around page routes: see the module documentation.
pub(crate) async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = hex(&auth::random_id_bytes()[..8]);
    let span = tracing::info_span!("request", id = %request_id);
    context_inner(state, req, next, request_id)
        .instrument(span)
        .await
}

async fn context_inner(
    state: AppState,
    mut req: Request,
    next: Next,
    request_id: String,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client_addr = crate::throttle::client_addr(
        peer,
        req.headers(),
        &state.config().security.trusted_proxies,
    )
    .map(|ip| ip.to_string());

    let headers = req.headers();
    let cross_origin =
        !matches!(*req.method(), Method::GET | Method::HEAD) && !same_origin(&state, headers);

    let mut clear_session = false;
    let user = match auth::cookie(headers, SESSION_COOKIE) {
        Some(token) if auth::plausible_token(token) => match load_user(&state, token).await {
            Ok(Some(u)) => Some(Arc::new(u)),
            Ok(None) => {
                clear_session = true;
                None
            }
            Err(e) => return WebError::Store(e).into_response(),
        },
        Some(_) => {
            clear_session = true;
            None
        }
        None => None,
    };

    let mut new_csrf = None;
    let anon_csrf = if user.is_none() {
        match auth::cookie(headers, CSRF_COOKIE).filter(|t| auth::plausible_token(t)) {
            Some(t) => Some(t.to_owned()),
            None => {
                let t = auth::random_token();
                new_csrf = Some(t.clone());
                Some(t)
            }
        }
    } else {
        None
    };

    let locale = negotiate(
        user.as_ref().and_then(|u| u.account.locale.as_deref()),
        auth::cookie(headers, LANG_COOKIE),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );

    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(none)", |m| m.as_str())
        .to_owned();
    let started = std::time::Instant::now();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());

    let ctx = Ctx {
        request_id: request_id.clone(),
        client_addr,
        locale,
        user,
        anon_csrf,
        path,
    };
    req.extensions_mut().insert(ctx.clone());

    let mut resp = if cross_origin {
        WebError::Forbidden("cross-origin request").into_response()
    } else if let Some(gate) = crate::security::gate(&ctx) {
        gate
    } else {
        next.run(req).await
    };
    // A request that may have changed who may see what (any but GET and
    // HEAD; its writes are committed by now) ends everything this node kept
    // from before it, so its next request sees the change (other nodes and
    // this node's other writers are seen through the store's watcher).
    if !matches!(method, Method::GET | Method::HEAD) {
        state.access().signal().changed();
    }

    let secure = state.config().secure_cookies;
    let sets_session = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()));
    if clear_session && !sets_session {
        append_cookie(
            &mut resp,
            &auth::set_cookie(SESSION_COOKIE, "", Some(0), secure),
        );
    }
    if let Some(t) = new_csrf {
        append_cookie(&mut resp, &auth::set_cookie(CSRF_COOKIE, &t, None, secure));
    }
    // The route template, never the path itself (no ids in logs). Debug level:
    // one line per request would cost throughput at info.
    tracing::debug!(
        %method,
        route,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    resp.extensions_mut().insert(ctx);
    resp
}

/// Reads and checks the session for a cookie token: unknown, expired, or of an
/// account that is gone or not active gives `None` (and the row is deleted).
async fn load_user(state: &AppState, token: &str) -> StoreResult<Option<SignedIn>> {
    let store = state.store();
    let cache = state.access();
    let hash = auth::token_hash(token);
    let now = state.clock().now();
    // A context kept in memory is used only while it keeps the session
    // alive; one that would end it is read again first (the session may
    // have been used through another node since).
    let kept = cache
        .session(&hash)
        .filter(|(_, c)| crate::security::alive_by(state, c, now));
    let from_cache = kept.is_some();
    let (epoch, found) = match kept {
        Some((epoch, found)) => (Some(epoch), found),
        None => {
            let epoch = cache.epoch();
            match store.session_context(&hash).await? {
                Some(found) => (epoch, found),
                None => {
                    cache.forget_session(&hash);
                    return Ok(None);
                }
            }
        }
    };
    let sprout_store::security::SessionContext {
        session,
        mut activity,
        account,
        security,
    } = found;
    let live = session
        .expires_at
        .parse::<Timestamp>()
        .is_ok_and(|expires| now < expires);
    if account.status != AccountStatus::Active {
        cache.forget_session(&hash);
        store.delete_session(&hash).await?;
        return Ok(None);
    }
    if !live {
        // Past its stored expiry (12 hours after sign-in): ended and audited.
        cache.forget_session(&hash);
        crate::security::audit_session_end(
            state,
            &account,
            sprout_domain::security::SessionEnd::Absolute,
            now,
        )
        .await?;
        store.delete_session(&hash).await?;
        return Ok(None);
    }
    // Idle and absolute timeouts; what the user must do first.
    let seen_before = activity.last_seen_at;
    let Some(facts) = crate::security::check_session(
        state,
        &session,
        &mut activity,
        &account,
        security.clone(),
        now,
    )
    .await?
    else {
        cache.forget_session(&hash);
        store.delete_session(&hash).await?;
        return Ok(None);
    };
    // Kept when just read, or when this request recorded itself in the
    // session (at most every 30 s); a kept one that did not change stays.
    if !from_cache || activity.last_seen_at != seen_before {
        cache.keep_session(
            &hash,
            epoch,
            sprout_store::security::SessionContext {
                session: session.clone(),
                activity,
                account: account.clone(),
                security,
            },
        );
    }
    let actor = Actor {
        account_id: account.id.clone(),
        status: account.status,
        staff_role: account.staff_role,
        own_patient: account.patient_id.clone(),
    };
    Ok(Some(SignedIn {
        session,
        account,
        actor,
        facts,
    }))
}

/// Whether a state-changing request comes from this site: its `Origin` (when
/// sent) names this server (the configured public origin, else the `Host`
/// header), and the browser does not call it cross-site.
fn same_origin(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if let Some(public) = &state.config().public_origin {
        return origin.eq_ignore_ascii_case(public.trim_end_matches('/'));
    }
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false; // "null" and other schemes
    };
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

fn append_cookie(resp: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Middleware around every route: the error page and the security headers.
pub(crate) async fn finish(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let fallback_locale = negotiate(
        None,
        auth::cookie(req.headers(), LANG_COOKIE),
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let head = req.method() == Method::HEAD;
    let mut resp = next.run(req).await;

    let status = resp.status();
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if (status.is_client_error() || status.is_server_error()) && !is_html {
        let ctx = resp.extensions().get::<Ctx>().cloned();
        let page = error_page(&state, ctx.as_ref(), fallback_locale, status);
        let mut new = (status, axum::response::Html(page)).into_response();
        for name in [
            header::SET_COOKIE,
            header::ALLOW,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
        ] {
            for v in resp.headers().get_all(&name) {
                new.headers_mut().append(name.clone(), v.clone());
            }
        }
        if head {
            *new.body_mut() = axum::body::Body::empty();
        }
        resp = new;
    }

    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::CACHE_CONTROL, "no-store");
    resp
}

/// The error page for a status, in the request's language.
fn error_page(state: &AppState, ctx: Option<&Ctx>, fallback: Locale, status: StatusCode) -> String {
    let locale = ctx.map_or(fallback, |c| c.locale);
    let t = state.i18n().tr(locale);
    let (title, body) = match status.as_u16() {
        404 => ("error-404-title", "error-404-body"),
        403 => ("error-403-title", "error-403-body"),
        405 => ("error-405-title", "error-405-body"),
        413 => ("error-413-title", "error-413-body"),
        429 => ("security-429-title", "security-429-body"),
        400..=499 => ("error-400-title", "error-400-body"),
        _ => ("error-500-title", "error-500-body"),
    };
    let chrome = Chrome::new(state, t, t.get(title), ctx, Some("/"));
    views::render(&views::ErrorPage {
        c: chrome,
        title: t.get(title),
        body: t.get(body),
    })
    .unwrap_or_else(|_| t.get(title))
}
