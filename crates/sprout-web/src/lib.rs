//! Sprout's web application: the HTML portal that parents, patients and staff
//! sign in to.
//!
//! - [`router`] builds the axum router from an [`AppState`]; [`serve`] runs it
//!   on a listener with the client address available to handlers (audit).
//! - Patient data reaches a page only through `read` (one path, asking the
//!   access policy, [`sprout_domain::policy`], per section and per item; one
//!   audit event per view, naming every item withheld and why); a patient the
//!   user may see nothing of is a 404, exactly like an unknown one.
//! - `proxies`: who may act for a patient. Adolescent and adult patients
//!   approve, reject, limit and revoke their proxies; staff add and revoke
//!   proxies, record evidence and see why a proxy sees what it sees.
//! - Sessions live in the database ([`sprout_store::SessionStore`]); every
//!   state-changing form carries a CSRF token; cross-origin POSTs are refused.
//!   Sessions end after 30 idle minutes (families) or 15 (staff), and 12 hours
//!   after sign-in; staff must enrol a second factor (TOTP) before anything
//!   else; failed guesses are throttled ([`throttle`]); `account`, `recovery`
//!   and `staff_accounts` hold the account-security pages.
//! - Every word comes from the Fluent catalogs `i18n/en.ftl` and `i18n/es.ftl`.
//! - The clock is injected ([`Clock`]): `today` for the access decision, `now`
//!   for sessions and audit times.

mod access_cache;
mod account;
mod appts;
mod audit;
mod audit_pages;
mod auth;
mod care;
mod clock;
mod context;
mod enroll;
mod error;
mod growth;
mod i18n;
mod imm_pdf;
mod immunizations;
mod meds;
mod messages;
mod pages;
mod present;
mod proxies;
mod qr;
mod read;
mod recovery;
mod results;
mod security;
mod signin;
mod staff_accounts;
pub mod throttle;
mod totp;
mod views;

pub use auth::hash_password;
pub use care::{AppointmentSettings, PracticeDocument};
pub use clock::{Clock, FixedClock, SystemClock};
pub use enroll::{issue_office_pin, EnrollmentConfig};
pub use error::WebError;
pub use i18n::Locale;
pub use security::SecurityConfig;
pub use totp::{
    code_at_step as totp_code_at_step, new_secret as new_totp_secret, step_of as totp_step_of,
};

use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use jiff::tz::TimeZone;
use jiff::SignedDuration;
use sprout_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// Largest request body accepted (forms are small); larger bodies get 413.
const BODY_LIMIT: usize = 64 * 1024;

/// The stylesheet, embedded (no external assets).
const APP_CSS: &str = include_str!("../static/app.css");

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when the public URL is `https://`).
    pub secure_cookies: bool,
    /// The practice's time zone: "today" for the access policy is the date
    /// there. Default: the system's time zone.
    pub time_zone: TimeZone,
    /// The public origin (`https://portal.example.org`, no trailing slash).
    /// When set, a POST whose `Origin` header differs is refused; when not, the
    /// `Origin` must match the request's `Host`.
    pub public_origin: Option<String>,
    /// How long a session lasts after sign-in (absolute). Default: 12 hours.
    pub session_lifetime: SignedDuration,
    /// The practice's name, shown as the portal's brand and in window titles.
    /// Default: "Sprout".
    pub practice_name: String,
    /// The practice's postal address on one line, printed under its name on
    /// documents (the printable immunization record). Default: none.
    pub practice_address: Option<String>,
    /// The access policy in force (the configuration file's preset and
    /// overrides). Default: the `california` preset.
    pub policy: sprout_domain::policy::Policy,
    /// When each category of record items appears on the portal (the
    /// configuration's `[release]` section). Default: everything at once.
    pub release: sprout_domain::release::ReleaseRules,
    /// Account security: idle timeouts, re-authentication, trusted proxies,
    /// attempt limits (`[security]`).
    pub security: SecurityConfig,
    /// Enrollment: link lifetimes, the CSV upload limit, the outbox wake-up.
    pub enrollment: EnrollmentConfig,
    /// Refill eligibility: the built-in lists and the `[refills]` additions.
    pub refills: sprout_domain::refill::RefillRules,
    /// The `[appointments]` settings (windows, video link, copays, documents).
    pub appointments: AppointmentSettings,
    /// Messaging: holidays, pools, the attachments folder (`[messaging]`).
    /// Default: no holidays, the default pools, `./data/attachments`.
    pub messaging: sprout_domain::messaging::Settings,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            time_zone: TimeZone::system(),
            public_origin: None,
            session_lifetime: SignedDuration::from_hours(12),
            practice_name: "Sprout".to_owned(),
            practice_address: None,
            policy: sprout_domain::policy::Policy::default(),
            release: sprout_domain::release::ReleaseRules::default(),
            security: SecurityConfig::default(),
            enrollment: EnrollmentConfig::default(),
            refills: sprout_domain::refill::RefillRules::standard(),
            appointments: AppointmentSettings::default(),
            messaging: sprout_domain::messaging::Settings::default(),
        }
    }
}

/// What every handler shares: the store, the clock, the settings and the
/// compiled catalogs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: WebConfig,
    i18n: i18n::I18n,
    /// Sessions and families kept between requests (see [`access_cache`]).
    access: access_cache::AccessCache,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Builds the state from a store (any backend), a clock and the settings.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: WebConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                clock,
                config,
                i18n: i18n::I18n::new(),
                access: access_cache::AccessCache::new(Arc::new(sprout_store::AccessSignal::new())),
            }),
        }
    }

    /// Sessions and families kept between requests.
    pub(crate) fn access(&self) -> &access_cache::AccessCache {
        &self.inner.access
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// The settings.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The access policy in force.
    pub fn policy(&self) -> &sprout_domain::policy::Policy {
        &self.inner.config.policy
    }

    pub(crate) fn i18n(&self) -> &i18n::I18n {
        &self.inner.i18n
    }
}

/// The application's router.
///
/// `/healthz` and `/static/app.css` do no database work; every other route runs
/// inside the request context (session, language, request id, error pages).
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so audit
/// events carry the client address (as [`serve`] does).
pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(signin::login_form).post(signin::login))
        .route("/logout", post(signin::logout))
        .route("/locale", post(signin::set_locale))
        .route("/find", post(pages::find_patient))
        .route("/patients/{id}", get(pages::patient_summary))
        .route("/patients/{id}/{section}", get(pages::patient_section))
        .route("/patients/{id}/growth", get(growth::page))
        .route(
            "/patients/{id}/proxies",
            get(proxies::page).post(proxies::add),
        )
        .route(
            "/patients/{id}/proxies/{rel}/{action}",
            get(proxies::explain).post(proxies::change),
        )
        .merge(immunizations::routes())
        .merge(audit_pages::routes())
        .merge(results::routes())
        .merge(account::routes())
        .merge(recovery::routes())
        .merge(staff_accounts::routes())
        .merge(enroll::routes(&state))
        .merge(meds::routes())
        .merge(appts::routes())
        .merge(messages::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::context,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(stylesheet))
        .route("/static/growth.css", get(growth::stylesheet))
        .route("/static/imm.css", get(immunizations::stylesheet))
        .route("/static/audit.css", get(audit_pages::stylesheet))
        .route("/static/results.css", get(results::stylesheet))
        .route("/static/enroll.css", get(enroll::stylesheet))
        .route("/static/care.css", get(appts::stylesheet))
        .route("/static/messages.css", get(messages::stylesheet))
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::finish,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serves the application on `listener` until the process ends.
///
/// # Errors
/// The listener's I/O error.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with_shutdown(listener, state, std::future::pending()).await
}

/// Serves the application on `listener` until `shutdown` completes, then
/// finishes the requests in flight.
///
/// # Errors
/// The listener's I/O error.
pub async fn serve_with_shutdown(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The store's watcher lets the node keep sessions and families in
    // memory (see `access_cache`); it stops with the server.
    let watcher = {
        let (store, signal) = (state.inner.store.clone(), state.access().signal().clone());
        tokio::spawn(async move { store.watch_access_changes(signal).await })
    };
    let _stop_watcher = AbortOnDrop(watcher);
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// `GET /healthz`: "ok", the throughput ceiling of the server.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /static/app.css`.
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
}

async fn not_found() -> WebError {
    WebError::NotFound
}
